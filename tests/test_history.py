"""History built day by day equals history built at once, and the served values.

Five daily snapshots of one catalogue (bench.clone --drift: models added and deleted, counts
changing, downloadsAllTime only growing; day 1 served without it) are landed and built one
after another, the raw payloads pruned to the newest before the fourth, which is landed late
(older than the newest). Every history mart must then equal a warehouse that landed all five
in order and built once, and the served JSON values exactly. A warehouse built by the code
before the lean history (its wide history table, pruned) must upgrade in place.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import clone
from tests.conftest import BIN, REPO, dbt_build, ingest, query, run

# Every test reads or runs dbt builds of five days.
pytestmark = pytest.mark.slow

MODELS = 1000
# (drift, capture time) in landing order: the fourth is landed late.
LANDINGS = [
    (0, "2025-12-01T21:00:00Z"),
    (2, "2025-12-03T21:00:00Z"),
    (3, "2025-12-04T21:00:00Z"),
    (1, "2025-12-02T21:00:00Z"),
    (5, "2025-12-06T21:00:00Z"),
]
# Every table that reads history, in a stable order, without the run stamps.
HISTORY_MARTS = {
    "model_snapshots": "select * from marts.model_snapshots order by all",
    "model_growth": "select * exclude (appended_at) from marts.model_growth order by all",
    "category_trends": "select * exclude (appended_at) from marts.category_trends order by all",
    "models": "select * from marts.models order by model_id",
    "newest": (
        "select * exclude (appended_at, loaded_at, previous_loaded_at) "
        "from intermediate.int_models_deduplicated order by model_id"
    ),
    "history": (
        "select * exclude (appended_at, loaded_at) "
        "from intermediate.int_model_snapshots_clipped order by model_id, snapshot_id"
    ),
    "attribute_versions": "select * from intermediate.int_model_attribute_versions order by all",
    "growth_summary": "select * from marts.growth_summary",
    "category_share_change": "select * from marts.category_share_change order by all",
}


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("history-days")
    paths = {}
    for drift, _ in LANDINGS:
        path = folder / f"day{drift}.json"
        assert clone.main(["--models", str(MODELS), "--drift", str(drift), "--out", str(path)]) == 0
        paths[drift] = path
    return paths


def build(database: Path, work: Path, *args: str) -> None:
    dbt_build(database, work, "--exclude-resource-type", "unit_test", *args)


def marts(database: Path) -> dict[str, list[tuple]]:
    return {name: query(database, sql) for name, sql in HISTORY_MARTS.items()}


@pytest.fixture(scope="module")
def built_at_once(days: dict[int, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("at-once")
    database = work / "hf_trends.duckdb"
    for drift, at in sorted(LANDINGS, key=lambda landing: landing[1]):
        ingest(database, "--from-file", days[drift], "--snapshot-at", at)
    build(database, work)
    return database


@pytest.fixture(scope="module")
def built_day_by_day(days: dict[int, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("day-by-day")
    database = work / "hf_trends.duckdb"
    for number, (drift, at) in enumerate(LANDINGS, start=1):
        if number == 4:
            prune = [sys.executable, "-m", "ingest.prune", "--database", database, "--keep", "1"]
            run(prune)
        ingest(database, "--from-file", days[drift], "--snapshot-at", at)
        build(database, work)
    return database


def served(path: Path) -> dict[str, dict]:
    """Each model's object as served (the later copy of a repeat, as the loader keeps)."""
    return {o["id"]: o for o in json.loads(path.read_text())}


def test_day_by_day_with_a_late_snapshot_equals_building_at_once(
    built_day_by_day: Path, built_at_once: Path
) -> None:
    once = marts(built_at_once)
    assert once["model_growth"] and once["category_trends"]
    assert marts(built_day_by_day) == once


def test_history_holds_the_served_values(built_day_by_day: Path, days: dict[int, Path]) -> None:
    stored = query(
        built_day_by_day,
        "select model_id, strftime(snapshot_at, '%Y-%m-%dT%H:%M:%SZ'), downloads_all_time, likes "
        "from marts.model_snapshots",
    )
    expected = {
        (model_id, at, obj.get("downloadsAllTime"), obj.get("likes"))
        for drift, at in LANDINGS
        for model_id, obj in served(days[drift]).items()
    }
    assert set(stored) == expected
    # Day 1 was served without downloadsAllTime: null, not 0.
    assert any(row[2] is None for row in stored) and all(
        row[2] is not None for row in stored if row[1] != LANDINGS[0][1]
    )


def test_downloads_per_day_is_the_served_all_time_change(
    built_day_by_day: Path, days: dict[int, Path]
) -> None:
    chronological = sorted(LANDINGS, key=lambda landing: landing[1])
    expected = {}
    last_seen: dict[str, tuple[dt.datetime, dict]] = {}
    for drift, at in chronological:
        when = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
        for model_id, obj in served(days[drift]).items():
            if model_id in last_seen:
                before, previous = last_seen[model_id]
                days_between = (when - before).total_seconds() / 86400.0
                counts = obj.get("downloadsAllTime"), previous.get("downloadsAllTime")
                per_day = None if None in counts else (counts[0] - counts[1]) / days_between
                likes = (obj.get("likes", 0) - previous.get("likes", 0)) / days_between
                expected[(model_id, at)] = (per_day, likes)
            last_seen[model_id] = (when, obj)
    rows = query(
        built_day_by_day,
        "select model_id, strftime(snapshot_at, '%Y-%m-%dT%H:%M:%SZ'), downloads_per_day, "
        "likes_per_day from marts.model_growth",
    )
    assert {(m, at): (d, likes) for m, at, d, likes in rows} == expected
    # Day 1 lacks downloadsAllTime: the pairs with it have no downloads per day.
    assert any(per_day is None for per_day, _ in expected.values())


def test_a_warehouse_of_the_wide_history_upgrades_in_place(
    days: dict[int, Path], tmp_path: Path
) -> None:
    """The code before the lean history built and pruned it; the new code takes it over."""
    old = tmp_path / "old-code"
    old.mkdir()
    archive = subprocess.run(
        [
            "git",
            "archive",
            "9115f4c",
            "dbt_project.yml",
            "profiles.yml",
            "models",
            "macros",
            "seeds",
            "tests/generic",
            "tests/singular",
        ],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", old], input=archive, check=True)
    database = tmp_path / "hf_trends.duckdb"
    for drift, at in LANDINGS[:2]:
        ingest(database, "--from-file", days[drift], "--snapshot-at", at)
        run(
            [
                BIN / "dbt",
                "build",
                "--project-dir",
                old,
                "--profiles-dir",
                old,
                "--target-path",
                tmp_path / "old-target",
                "--log-path",
                tmp_path / "old-logs",
                "--exclude-resource-type",
                "unit_test",
            ],
            database=database,
        )
    wide = query(
        database,
        "select model_id, snapshot_id, downloads, likes, trending_score "
        "from intermediate.int_model_snapshots_clipped order by all",
    )
    run([sys.executable, "-m", "ingest.prune", "--database", database, "--keep", "1"])

    ingest(database, "--from-file", days[3], "--snapshot-at", LANDINGS[2][1])
    build(database, tmp_path)
    columns = {
        name
        for (name,) in query(
            database,
            "select column_name from information_schema.columns where table_schema = "
            "'intermediate' and table_name = 'int_model_snapshots_clipped'",
        )
    }
    assert "tags" not in columns and "attributes_hash" in columns
    kept = query(
        database,
        "select model_id, snapshot_id, downloads, likes, trending_score "
        "from intermediate.int_model_snapshots_clipped "
        f"where snapshot_id in (select distinct snapshot_id from ({_wide_ids(wide)})) "
        "order by all",
    )
    assert kept == wide
    # The pruned snapshot's attributes survived the move: every observation finds its version.
    assert query(
        database,
        "select count(*) from intermediate.int_model_snapshots_clipped as h "
        "anti join intermediate.int_model_attribute_versions as v "
        "on h.model_id = v.model_id and h.attributes_hash = v.attributes_hash",
    ) == [(0,)]
    assert query(database, "select count(distinct snapshot_id) from marts.model_growth") == [(2,)]


def _wide_ids(rows: list[tuple]) -> str:
    ids = sorted({snapshot_id for _, snapshot_id, *_ in rows})
    return " union all ".join(f"select '{snapshot_id}' as snapshot_id" for snapshot_id in ids)
