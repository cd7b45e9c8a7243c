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
import subprocess
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


def test_batched_backfill_equals_landing_week_by_week(
    weeks: dict[date, tuple[Path, Path]], tmp_path: Path
) -> None:
    batched = tmp_path / "batched"
    batched.mkdir()
    database = batched / "hf_trends.duckdb"
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    env |= {
        "HF_TRENDS_DB": str(database),
        "DBT_TARGET_PATH": str(batched / "target"),
        "DBT_LOG_PATH": str(batched / "logs"),
        "HF_TOKEN": "",
    }
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
    # Two batches, two builds; after each, raw payloads only for the newest snapshot.
    assert result.stdout.count("Done. PASS=") == 2, result.stdout[-2000:]
    assert query(database, "select count(distinct snapshot_id) from raw.hf_models") == [(1,)]

    one_by_one = tmp_path / "one-by-one"
    one_by_one.mkdir()
    reference = one_by_one / "hf_trends.duckdb"
    for day, (_, saved) in weeks.items():
        ingest(reference, "--from-file", saved, "--snapshot-at", f"{day.isoformat()}T00:00:00Z")
    dbt_build(reference, one_by_one, "--exclude-resource-type", "unit_test")

    ours, theirs = history_rows(database), history_rows(reference)
    for relation, rows in ours.items():
        assert rows == theirs[relation], relation
    assert sum(len(rows) for rows in ours.values()) > 3 * MODELS
    snapshots = "select snapshot_at, model_count from raw.snapshots order by snapshot_at"
    assert query(database, snapshots) == query(reference, snapshots)
