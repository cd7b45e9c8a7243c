"""Retention: pruning old raw payloads (`python -m ingest.prune`) keeps the marts' history.

Four daily snapshots of one generated catalogue are landed and built; the payloads of all but
the newest are pruned and the file compacted; a rebuild, and the next day's snapshot, must give
the marts exactly as if nothing had been pruned.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

from bench import generate
from tests.conftest import dbt_build, ingest, make_upgrade, query, run

# Every test lands and builds daily snapshots.
pytestmark = pytest.mark.slow

MODELS = 300
DAYS = [f"2025-12-0{day}T21:00:00Z" for day in range(1, 6)]
# Every mart and history table that must not notice the pruning, each in a stable order.
MARTS = {
    "models": "select * from marts.models order by model_id",
    "model_snapshots": "select * from marts.model_snapshots order by model_id, snapshot_id",
    "model_growth": "select * from marts.model_growth order by model_id, snapshot_id",
    "category_trends": "select * from marts.category_trends order by snapshot_id, category",
    # built_at and the age measured to it are the build's own time, by design.
    "snapshots": (
        "select * exclude (built_at, age_days_at_build) from marts.snapshots order by snapshot_id"
    ),
    "release_trends": "select * from marts.release_trends order by release_month, modality",
    "model_tags": "select * from marts.model_tags order by model_id, tag",
    "history": "select * from history.model_observation_history order by all",
    "attribute_versions": "select * from history.model_attribute_versions order by all",
}


def prune(database: Path, *args: str, check: bool = True) -> str:
    result = run([sys.executable, "-m", "ingest.prune", "--database", database, *args], check=check)
    return result.stderr


def marts(database: Path) -> dict[str, list[tuple]]:
    return {name: query(database, sql) for name, sql in MARTS.items()}


def raw_snapshots(database: Path) -> list[tuple[str, int, bool]]:
    return query(
        database,
        """
        select s.snapshot_id, count(m.model_id), s.payload_pruned_at is not null
        from raw.snapshots as s left join raw.hf_models as m using (snapshot_id)
        group by s.snapshot_id, s.snapshot_at, s.payload_pruned_at order by s.snapshot_at
        """,
    )


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("days")
    paths = []
    for drift in range(1, len(DAYS) + 1):
        path = folder / f"day{drift}.json"
        args = ["--models", str(MODELS), "--drift", str(drift), "--out", str(path)]
        assert generate.main(args) == 0
        paths.append(path)
    return paths


def test_pruning_keeps_the_marts_history(days: list[Path], tmp_path: Path) -> None:
    database = tmp_path / "hf_trends.duckdb"
    for path, day in zip(days[:2], DAYS[:2], strict=True):
        ingest(database, "--from-file", path, "--snapshot-at", day)
    dbt_build(database, tmp_path)
    ingest(database, "--from-file", days[2], "--snapshot-at", DAYS[2])
    dbt_build(database, tmp_path)
    before = marts(database)
    size_before = database.stat().st_size

    log = prune(database, "--keep", "1", "--compact")
    assert "pruned 2 snapshot(s)" in log
    snapshots = raw_snapshots(database)
    assert [(count, pruned) for _, count, pruned in snapshots] == [
        (0, True),
        (0, True),
        (MODELS, False),
    ]
    assert database.stat().st_size < size_before
    # Pruning again with the same N has nothing left to do.
    assert "nothing to prune" in prune(database, "--keep", "1")

    dbt_build(database, tmp_path)
    assert marts(database) == before

    # The next day builds on the pruned history as on the full one.
    ingest(database, "--from-file", days[3], "--snapshot-at", DAYS[3])
    dbt_build(database, tmp_path)
    ((first_seen, last_seen, count),) = query(
        database,
        "select min(first_seen_at)::varchar, max(last_seen_at)::varchar, max(snapshot_count) "
        "from marts.models",
    )
    assert (first_seen, last_seen, count) == ("2025-12-01 21:00:00", "2025-12-04 21:00:00", 4)
    assert query(database, "select count(distinct snapshot_id) from marts.model_growth") == [(3,)]

    # A snapshot dbt has not built yet keeps its payloads, even when a newer one is kept.
    ingest(database, "--from-file", days[4], "--snapshot-at", DAYS[4])
    ingest(database, "--from-file", days[0], "--snapshot-at", "2025-12-06T21:00:00Z")
    log = prune(database, "--keep", "1")
    assert "not in history.model_observation_history yet" in log
    assert [(count, pruned) for _, count, pruned in raw_snapshots(database)][-3:] == [
        (0, True),
        (MODELS, False),
        (MODELS, False),
    ]


def test_rebuilding_pruned_history_is_refused(days: list[Path], tmp_path: Path) -> None:
    database = tmp_path / "hf_trends.duckdb"
    for path, day in zip(days[:2], DAYS[:2], strict=True):
        ingest(database, "--from-file", path, "--snapshot-at", day)
    dbt_build(database, tmp_path)
    prune(database, "--keep", "1")
    build = dbt_build(
        database,
        tmp_path,
        "--full-refresh",
        "--vars",
        "{rebuild_history: true}",
        "--select",
        "model_observation_history",
        check=False,
    )
    assert build.returncode != 0
    assert "history would be lost" in build.stdout.replace("\n", " ")
    assert query(
        database, "select count(distinct snapshot_id) from history.model_observation_history"
    ) == [(2,)]


def test_renamed_history_column_keeps_its_stored_values(days: list[Path], tmp_path: Path) -> None:
    """A history table built before `was_clipped` became `is_clipped` keeps its values: a
    build refuses it, `make upgrade` renames the column in place."""
    database = tmp_path / "hf_trends.duckdb"
    ingest(database, "--from-file", days[0], "--snapshot-at", DAYS[0])
    dbt_build(database, tmp_path)
    history = "history.model_observation_history"
    with duckdb.connect(str(database)) as con:
        con.execute(f"alter table {history} rename column is_clipped to was_clipped")
        # Stand-in values the build could not compute again: only a rename keeps them.
        con.execute(f"update {history} set was_clipped = (hash(model_id) % 2 = 0)")
        expected = con.execute(
            f"select model_id, was_clipped from {history} order by model_id"
        ).fetchall()
    ingest(database, "--from-file", days[1], "--snapshot-at", DAYS[1])
    assert dbt_build(database, tmp_path, check=False).returncode != 0
    assert "was_clipped (now is_clipped)" in make_upgrade(database, tmp_path).stdout
    dbt_build(database, tmp_path)
    columns = query(
        database,
        "select column_name from information_schema.columns "
        "where table_schema = 'history' and table_name = 'model_observation_history' "
        "and column_name like '%clipped'",
    )
    assert columns == [("is_clipped",)]
    stored = query(
        database,
        f"select model_id, is_clipped from {history} where snapshot_id = "
        f"(select min(snapshot_id) from {history}) order by model_id",
    )
    assert stored == expected
    assert query(database, f"select count(*) from {history} where is_clipped is null") == [(0,)]


def test_compact_runs_when_there_is_nothing_to_prune(days: list[Path], tmp_path: Path) -> None:
    # A prune without --compact leaves the freed space in the file; a later --compact gives it
    # back even though nothing is left to prune.
    database = tmp_path / "hf_trends.duckdb"
    for path, day in zip(days[:3], DAYS[:3], strict=True):
        ingest(database, "--from-file", path, "--snapshot-at", day)
    with duckdb.connect(str(database)) as con:
        con.execute("delete from raw.hf_models where snapshot_at < '2025-12-03'")
        con.execute("checkpoint")
    before = database.stat()

    log = prune(database, "--keep", "1", "--compact")
    assert "nothing to prune" in log and "compacted" in log
    # Compacting writes a new file and moves it into place (at this size it may not shrink).
    assert database.stat().st_ino != before.st_ino
    assert database.stat().st_size <= before.st_size
    assert query(database, "select count(*) from raw.hf_models") == [(MODELS,)]
