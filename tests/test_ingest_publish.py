"""Publishing a staged crawl in hash buckets keeps exactly the later copy of each model."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import warehouse

# (page, position, model id): m1 repeats within a page and across pages, m2 across pages.
STAGED = [
    (1, 1, "org/m1"),
    (1, 2, "org/m2"),
    (1, 3, "org/m1"),
    (2, 1, "org/m3"),
    (2, 2, "org/m1"),
    (3, 1, "org/m2"),
    (3, 2, "org/m4"),
]
LATEST = {"org/m1": (2, 2), "org/m2": (3, 1), "org/m3": (2, 1), "org/m4": (3, 2)}


@pytest.mark.parametrize("batch_rows", [1, 2, 1_000])
def test_publish_in_buckets_keeps_the_later_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_rows: int
) -> None:
    monkeypatch.setattr(warehouse, "PUBLISH_BATCH_ROWS", batch_rows)
    with warehouse.open_raw_layer(tmp_path / "w.duckdb") as con:
        warehouse.start_snapshot(con, "s1", warehouse.utc_now(), "test", {}, "fp")
        for page, position, model_id in STAGED:
            payload = f'{{"id": "{model_id}", "at": [{page}, {position}]}}'
            con.execute(
                "insert into raw.hf_models_pending values ('s1', ?, ?, ?, ?, now())",
                [page, position, model_id, payload],
            )
        with warehouse.transaction(con):
            snapshot = warehouse.publish_snapshot(con, "s1")
        rows = con.execute(
            "select model_id, payload ->> '$.at' from raw.hf_models where snapshot_id = 's1'"
        ).fetchall()
        (pending,) = con.execute("select count(*) from raw.hf_models_pending").fetchone()
    published = {
        model_id: tuple(int(x) for x in at.strip("[]").split(",")) for model_id, at in rows
    }
    assert len(rows) == len(LATEST)
    assert published == LATEST
    assert (snapshot["model_count"], snapshot["duplicate_count"]) == (4, 3)
    assert pending == 0
