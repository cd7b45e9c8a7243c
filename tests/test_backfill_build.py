"""`make backfill` in batches equals landing the same weeks one by one from JSON.

Three weekly archive files (bench.clone's copies of the recorded response a week apart, as
Parquet with heavy columns) are served by a local Hub dataset repo and backfilled two files a
batch, each batch built and pruned to the newest snapshot. The same model objects, saved as
JSON and landed one by one with `--from-file --snapshot-at <week>`, then built, must give the
same history marts row for row (but the ids and load stamps of snapshots, which name the file
each came from). Raw payloads on disk stay within a batch.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from bench.archive_files import cloned, write_archive
from bench.backfill import history_rows
from tests.archive_hub import ArchiveHub
from tests.conftest import FIXTURE, REPO, dbt_build, ingest, query
from tests.test_daily import MAKE

pytestmark = pytest.mark.slow

WEEKS = [date(2025, 12, 1) + timedelta(weeks=k) for k in range(3)]
MODELS = 1000


@pytest.fixture(scope="module")
def weeks(tmp_path_factory: pytest.TempPathFactory) -> dict[date, tuple[Path, Path]]:
    """Per week, its archive file (in a repo folder) and the same objects as JSON."""
    folder = tmp_path_factory.mktemp("backfill-weeks")
    files = {}
    for number, day in enumerate(WEEKS):
        objects = list(cloned(FIXTURE, MODELS, 0, 7 * number))
        parquet = folder / "repo" / "models" / day.isoformat() / "models.parquet"
        parquet.parent.mkdir(parents=True)
        write_archive(objects, parquet, row_group_rows=400)
        saved = folder / f"{day.isoformat()}.json"
        saved.write_text(json.dumps(objects))
        files[day] = (parquet, saved)
    return files


@pytest.fixture(scope="module")
def reference(
    weeks: dict[date, tuple[Path, Path]], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The same weeks landed one by one from JSON, then built."""
    one_by_one = tmp_path_factory.mktemp("one-by-one")
    database = one_by_one / "hf_trends.duckdb"
    for day, (_, saved) in weeks.items():
        ingest(database, "--from-file", saved, "--snapshot-at", f"{day.isoformat()}T00:00:00Z")
    dbt_build(database, one_by_one)
    return database


def make_env(folder: Path) -> dict[str, str]:
    """A warehouse and dbt's files in `folder`; no make variables of the pytest run's make."""
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    return env | {
        "HF_TRENDS_DB": str(folder / "hf_trends.duckdb"),
        "DBT_TARGET_PATH": str(folder / "target"),
        "DBT_LOG_PATH": str(folder / "logs"),
        "HF_TOKEN": "",
    }


def assert_same_history(database: Path, reference: Path) -> None:
    ours, theirs = history_rows(database), history_rows(reference)
    for relation, rows in ours.items():
        assert rows == theirs[relation], relation
    assert sum(len(rows) for rows in ours.values()) > 3 * MODELS
    snapshots = "select snapshot_at, model_count from raw.snapshots order by snapshot_at"
    assert query(database, snapshots) == query(reference, snapshots)


def test_batched_backfill_equals_landing_week_by_week(
    weeks: dict[date, tuple[Path, Path]], reference: Path, tmp_path: Path
) -> None:
    env = make_env(tmp_path)
    database = tmp_path / "hf_trends.duckdb"
    repo_folder = next(iter(weeks.values()))[0].parents[2]
    with ArchiveHub.from_folder(repo_folder) as hub:
        result = subprocess.run(
            [*MAKE, "backfill", "BACKFILL_ARGS=--batch 2 --keep 1"],
            cwd=REPO,
            env={**env, "HF_ENDPOINT": hub.url},
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr.count("make backfill: done") == 1
    # Two batches: the history alone for the first, everything for the last; after each,
    # raw payloads only for the newest snapshot.
    assert "--select +path:models/history" in result.stdout
    assert result.stdout.count("Done. PASS=") == 2, result.stdout[-2000:]
    assert query(database, "select count(distinct snapshot_id) from raw.hf_models") == [(1,)]
    assert_same_history(database, reference)


def make_script(path: Path, body: str) -> Path:
    """A stand-in for make: `body`, then the real make (which never reinstalls the venv)."""
    path.write_text(f'#!/bin/sh\n{body}exec {shlex.join(MAKE)} "$@"\n')
    path.chmod(0o755)
    return path


def test_a_run_stopped_after_the_history_builds_the_marts_when_rerun(
    weeks: dict[date, tuple[Path, Path]], reference: Path, tmp_path: Path
) -> None:
    database = tmp_path / "hf_trends.duckdb"
    # The whole build stops once the history has taken the snapshots in, as a run killed
    # while dbt builds the marts: the history holds every week, the marts none.
    stopping = make_script(
        tmp_path / "stopping-make",
        f'if [ "$2" = build ]; then {shlex.join(MAKE)} build-history; exit 2; fi\n',
    )
    plain = make_script(tmp_path / "make", "")
    marts_snapshots = (
        "select count(*) from duckdb_tables() where schema_name = 'marts' "
        "and table_name = 'snapshots'"
    )
    repo_folder = next(iter(weeks.values()))[0].parents[2]
    cmd = [sys.executable, "-m", "ingest.backfill", "--batch", "2", "--make"]
    with ArchiveHub.from_folder(repo_folder) as hub:
        env = make_env(tmp_path) | {"HF_ENDPOINT": hub.url}
        stopped = subprocess.run(
            [*cmd, str(stopping)], cwd=REPO, env=env, capture_output=True, text=True, check=False
        )
        assert stopped.returncode == 1, stopped.stderr[-3000:]
        assert "step build failed" in stopped.stderr
        assert query(database, marts_snapshots) == [(0,)]
        resumed = subprocess.run(
            [*cmd, str(plain)], cwd=REPO, env=env, capture_output=True, text=True, check=False
        )
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "3 already landed, 0 to land" in resumed.stderr
    assert "building the marts: a run stopped before them" in resumed.stderr
    assert query(database, "select count(*) from marts.snapshots") == [(3,)]
    assert_same_history(database, reference)
