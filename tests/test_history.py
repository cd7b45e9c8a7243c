"""History built day by day equals history built at once, and the served values.

Five daily snapshots of one catalogue (bench.clone --drift: models added and deleted, counts
changing, downloadsAllTime only growing; day 1 served without it) are landed and built one
after another, the raw payloads pruned to the newest before the fourth, which is landed late
(older than the newest). Every history mart must then equal a warehouse that landed all five
in order and built once, and the served JSON values exactly. Warehouses built and pruned by
older code (the wide history; the history in `intermediate`) must be refused by a build and
upgrade in place with `make upgrade`, to the same marts.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import clone
from bench.compare_marts import compare
from tests.conftest import REPO, dbt_build, ingest, make_upgrade, query, run

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
        "from history.model_observation_history order by model_id, snapshot_id"
    ),
    "attribute_versions": "select * from history.model_attribute_versions order by all",
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


def marts(database: Path) -> dict[str, list[tuple]]:
    return {name: query(database, sql) for name, sql in HISTORY_MARTS.items()}


@pytest.fixture(scope="module")
def built_at_once(days: dict[int, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("at-once")
    database = work / "hf_trends.duckdb"
    for drift, at in sorted(LANDINGS, key=lambda landing: landing[1]):
        ingest(database, "--from-file", days[drift], "--snapshot-at", at)
    dbt_build(database, work)
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
        dbt_build(database, work)
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


# Code of older layouts: before the lean history, and the last before the history schema.
WIDE_HISTORY = "9115f4c"
INTERMEDIATE_HISTORY = "8433a42"


def older_code(commit: str, folder: Path) -> Path:
    """The dbt project as `commit` had it, in `folder`."""
    folder.mkdir()
    parts = ["dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests/generic"]
    archive = subprocess.run(
        ["git", "archive", commit, *parts, "tests/singular"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
    return folder


def upgrade_refused_then_done(database: Path, work: Path) -> subprocess.CompletedProcess[str]:
    """A build refuses the old warehouse in one line, changing nothing; `make upgrade` then
    reshapes it, and says there is nothing left to do when run again."""
    refused = dbt_build(database, work, check=False)
    assert refused.returncode != 0
    assert "run `make upgrade` first" in " ".join(refused.stdout.split())
    done = make_upgrade(database, work)
    again = make_upgrade(database, work)
    assert "the warehouse is up to date; nothing to do" in again.stdout
    return done


def test_a_warehouse_of_the_wide_history_upgrades_in_place(
    days: dict[int, Path], tmp_path: Path
) -> None:
    """The code before the lean history built and pruned it; the new code takes it over."""
    old = older_code(WIDE_HISTORY, tmp_path / "old-code")
    database = tmp_path / "hf_trends.duckdb"
    for drift, at in LANDINGS[:2]:
        ingest(database, "--from-file", days[drift], "--snapshot-at", at)
        dbt_build(database, tmp_path / "old", project=old)
    wide = query(
        database,
        "select model_id, snapshot_id, downloads, likes, trending_score "
        "from intermediate.int_model_snapshots_clipped order by all",
    )
    run([sys.executable, "-m", "ingest.prune", "--database", database, "--keep", "1"])

    ingest(database, "--from-file", days[3], "--snapshot-at", LANDINGS[2][1])
    upgraded = upgrade_refused_then_done(database, tmp_path)
    assert "as the wide history (now lean)" in upgraded.stdout
    dbt_build(database, tmp_path)
    columns = {
        name
        for (name,) in query(
            database,
            "select column_name from information_schema.columns where table_schema = "
            "'history' and table_name = 'model_observation_history'",
        )
    }
    assert "tags" not in columns and "attributes_hash" in columns
    kept = query(
        database,
        "select model_id, snapshot_id, downloads, likes, trending_score "
        "from history.model_observation_history "
        f"where snapshot_id in (select distinct snapshot_id from ({_wide_ids(wide)})) "
        "order by all",
    )
    assert kept == wide
    # The pruned snapshot's attributes survived the move: every observation finds its version.
    assert query(
        database,
        "select count(*) from history.model_observation_history as h "
        "anti join history.model_attribute_versions as v "
        "on h.model_id = v.model_id and h.attributes_hash = v.attributes_hash",
    ) == [(0,)]
    assert query(database, "select count(distinct snapshot_id) from marts.model_growth") == [(2,)]


def test_a_warehouse_with_its_history_in_intermediate_upgrades_to_the_same_marts(
    days: dict[int, Path], built_day_by_day: Path, tmp_path: Path
) -> None:
    """The days of built_day_by_day, the first three built by the code before the history
    schema, pruned, upgraded, the last two built by today's: every mart and history table is
    the same as built_day_by_day's, and so are the history tables' constraints."""
    old = older_code(INTERMEDIATE_HISTORY, tmp_path / "old-code")
    database = tmp_path / "upgraded.duckdb"
    for drift, at in LANDINGS[:3]:
        ingest(database, "--from-file", days[drift], "--snapshot-at", at)
        dbt_build(database, tmp_path / "old", project=old)
    stored = query(database, "select * from intermediate.int_model_snapshots_clipped order by all")
    run([sys.executable, "-m", "ingest.prune", "--database", database, "--keep", "1"])

    upgraded = upgrade_refused_then_done(database, tmp_path)
    assert "intermediate.int_model_snapshots_clipped (now history." in upgraded.stdout
    assert query(database, "select * from history.model_observation_history order by all") == stored
    assert not query(
        database,
        "select table_name from duckdb_tables() where schema_name = 'intermediate' "
        "and table_name in ('int_model_snapshots_clipped', 'int_model_attribute_versions')",
    )
    for drift, at in LANDINGS[3:]:
        ingest(database, "--from-file", days[drift], "--snapshot-at", at)
        dbt_build(database, tmp_path)
    differences = compare(built_day_by_day, database, ["marts", "history"])
    assert differences and not [line for line in differences if line.startswith("DIFF")]
    assert marts(database) == marts(built_day_by_day)
    constraints = (
        "select table_name, constraint_text from duckdb_constraints() "
        "where schema_name = 'history' order by all"
    )
    assert query(database, constraints) == query(built_day_by_day, constraints) != []


def _wide_ids(rows: list[tuple]) -> str:
    ids = sorted({snapshot_id for _, snapshot_id, *_ in rows})
    return " union all ".join(f"select '{snapshot_id}' as snapshot_id" for snapshot_id in ids)
