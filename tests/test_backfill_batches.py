"""How `python -m ingest.backfill` batches its builds, resumes and shares make daily's lock.

The build and prune steps are make targets; here `--make` is a stand-in that records what it
was asked to run (tests/test_backfill_build.py runs the real ones), so the order of landings,
builds and prunes is checked without dbt.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench.archive_files import cloned, write_archive
from ingest.daily import lock_path, run_lock
from tests.archive_hub import ArchiveHub
from tests.conftest import FIXTURE, query, run

WEEKS = ["2025-01-01", "2025-01-08", "2025-01-15", "2025-01-22", "2025-01-29"]


@pytest.fixture(scope="module")
def repo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("batches-repo")
    for number, day in enumerate(WEEKS):
        path = folder / "models" / day / "models.parquet"
        path.parent.mkdir(parents=True)
        write_archive(cloned(FIXTURE, 200, 0, 7 * number), path, row_group_rows=100)
    return folder


def fake_make(folder: Path) -> tuple[Path, Path]:
    """A make that appends its targets, and how many snapshots were landed then, to a log."""
    log = folder / "make.log"
    script = folder / "make"
    script.write_text(
        "#!/bin/sh\n"
        f'n=$("{sys.executable}" -c "import duckdb,sys; '
        "print(duckdb.connect(sys.argv[1], read_only=True).execute("
        '\'select count(*) from raw.snapshots\').fetchone()[0])" "$HF_TRENDS_DB")\n'
        f'echo "$2 $3 after $n" >> "{log}"\n'
    )
    script.chmod(0o755)
    return script, log


def backfill(hub: ArchiveHub, database: Path, *args: str, check: bool = True):
    return run(
        [sys.executable, "-m", "ingest.backfill", *args],
        database=database,
        env={"HF_ENDPOINT": hub.url, "HF_TOKEN": ""},
        check=check,
        timeout=300,
    )


def test_every_batch_takes_the_history_in_and_is_pruned_the_last_builds_all(
    repo_folder: Path, tmp_path: Path
) -> None:
    make, log = fake_make(tmp_path)
    database = tmp_path / "hf.duckdb"
    with ArchiveHub.from_folder(repo_folder) as hub:
        backfill(
            hub, database, "--batch", "2", "--keep", "3", "--make", str(make), "--until", WEEKS[2]
        )
        # Only the history before each prune; the whole build once, for the last batch.
        assert log.read_text().splitlines() == [
            "build-history  after 2",
            "prune KEEP=3 after 2",
            "build  after 3",
            "prune KEEP=3 after 3",
        ]
        log.unlink()
        # Nothing reached the history (the stand-in built nothing): taken in first, then the rest.
        result = backfill(hub, database, "--batch", "2", "--make", str(make))
        assert "taking 3 snapshot(s) landed earlier into the history first" in result.stderr
        assert log.read_text().splitlines() == [
            "build-history  after 3",
            "prune KEEP=1 after 3",
            "build  after 5",
            "prune KEEP=1 after 5",
        ]
        log.unlink()
        # Every file landed, none built: one whole build.
        result = backfill(hub, database, "--make", str(make))
    assert "building 5 snapshot(s) landed earlier but not built yet" in result.stderr
    assert log.read_text().splitlines() == ["build  after 5", "prune KEEP=1 after 5"]


def test_a_failed_build_is_named_and_the_landed_files_stay(
    repo_folder: Path, tmp_path: Path
) -> None:
    failing = tmp_path / "make"
    failing.write_text("#!/bin/sh\nexit 2\n")
    failing.chmod(0o755)
    database = tmp_path / "hf.duckdb"
    with ArchiveHub.from_folder(repo_folder) as hub:
        result = backfill(hub, database, "--batch", "2", "--make", str(failing), check=False)
    assert result.returncode == 1
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("ERROR")]
    assert "step build-history failed (make build-history exited 2)" in line
    assert "rerun make backfill" in line
    assert query(database, "select count(*) from raw.snapshots where status = 'complete'") == [(2,)]


def test_a_run_holding_the_daily_lock_keeps_the_backfill_out(
    repo_folder: Path, tmp_path: Path
) -> None:
    database = tmp_path / "hf.duckdb"
    with ArchiveHub.from_folder(repo_folder) as hub, run_lock(lock_path(database)) as held:
        assert held
        result = backfill(hub, database, "--no-build", check=False)
    assert result.returncode == 3
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("ERROR")]
    assert "another run holds" in line and str(lock_path(database)) in line
    assert not database.exists()
