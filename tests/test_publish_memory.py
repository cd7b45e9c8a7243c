"""Publishing a crawl under a DuckDB cap that an earlier publish could not fit (issue 23 item 9).

The publish step used to rank every landed key in a window and join the whole ranking back to
the payloads; both held memory that grew with the crawl. Here a staged snapshot of 1.5M
models (~600-byte payloads, as the Hub's) is published under a cap at which that code ran out
of memory, and the result must still keep exactly the later copy of each repeated model.
Memory, not time: on one thread DuckDB's use is the same on a busy machine.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest import warehouse

MODELS = 1_500_000
REPEATED = 1_000  # models landed twice, on a later page: the crawl's page shifts
# Measured at this size: the old publish needed 48-56 MiB, this one 28-32 MiB.
CAP = "40MiB"


@pytest.mark.scale
def test_a_large_staged_snapshot_publishes_under_a_small_cap(tmp_path: Path) -> None:
    snapshot_id = "20251201T210000Z-publish"
    with warehouse.open_raw_layer(tmp_path / "w.duckdb") as con:
        with warehouse.transaction(con):
            warehouse.start_snapshot(
                con,
                snapshot_id,
                datetime(2025, 12, 1, 21, tzinfo=UTC),
                "http://127.0.0.1/api/models",
                {"limit": 1000},
                "fingerprint",
            )
            # Page i // 1000, position i % 1000; the repeats come again on pages after the
            # last, with a payload that says it is the later copy.
            con.execute(
                """
                insert into raw.hf_models_pending
                select $1, (i // 1000)::integer, (i % 1000)::integer,
                    'author-' || (i % 9973) || '/model-' || i || '-' || md5(i::varchar),
                    json_object('id', i, 'copy', 'first', 'card', repeat(md5(i::varchar), 18)),
                    now()
                from range($2) as t(i)
                union all
                select $1, ($2 // 1000 + i // 1000)::integer, (i % 1000)::integer,
                    'author-' || (i * 7 % 9973) || '/model-' || i * 7
                    || '-' || md5((i * 7)::varchar),
                    json_object('id', i * 7, 'copy', 'later'), now()
                from range($3) as t(i)
                """,
                [snapshot_id, MODELS, REPEATED],
            )
        con.execute("set threads = 1")  # as the loader publishes
        con.execute(f"set memory_limit = '{CAP}'")
        with warehouse.transaction(con):
            snapshot = warehouse.publish_snapshot(con, snapshot_id)
        con.execute("reset memory_limit")
        copies = con.execute(
            "select payload->>'copy', count(*) from raw.hf_models group by all order by 1"
        ).fetchall()
        (left,) = con.execute("select count(*) from raw.hf_models_pending").fetchone()
    assert snapshot["status"] == "complete"
    assert (snapshot["model_count"], snapshot["duplicate_count"]) == (MODELS, REPEATED)
    assert copies == [("first", MODELS - REPEATED), ("later", REPEATED)]
    assert left == 0
