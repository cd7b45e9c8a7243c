"""Capture times in the future or shared by two responses, and warehouse paths dbt cannot use
(issue 23, items 6, 7 and 8). Each is refused in one line, exit 2, nothing landed changed."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_SNAPSHOT_AT, crawl, ingest, query, run
from tests.replay_hub import ReplayHub, iter_raw_objects


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "error" in line.lower()]


def complete_snapshots(database: Path) -> list[tuple[str, datetime]]:
    return query(
        database,
        "select source, snapshot_at from raw.snapshots where status = 'complete' order by source",
    )


@pytest.fixture
def other_response(tmp_path: Path, fixture_file: Path) -> Path:
    """Another day's response: the recording with every model's downloads doubled."""
    objects = [obj for obj, _ in iter_raw_objects(fixture_file.read_text(encoding="utf-8"))]
    for obj in objects:
        obj["downloads"] = 2 * (obj.get("downloads") or 0)
    path = tmp_path / "my_saved.json"
    path.write_text(json.dumps(objects), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- item 6


def test_a_capture_time_in_the_future_is_refused(tmp_path: Path, fixture_file: Path) -> None:
    database = tmp_path / "w.duckdb"
    args = ("--from-file", fixture_file, "--snapshot-at", "2999-01-01T00:00:00Z")
    result = ingest(database, *args, check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = error_lines(result.stderr)
    assert "--snapshot-at 2999-01-01T00:00:00Z is in the future" in line
    assert not database.exists()


def test_a_capture_time_within_the_clock_skew_lands(tmp_path: Path, fixture_file: Path) -> None:
    database = tmp_path / "w.duckdb"
    soon = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    ingest(database, "--from-file", fixture_file, "--snapshot-at", soon)
    assert len(complete_snapshots(database)) == 1


# --------------------------------------------------------------------------- item 7


def test_make_fixture_refuses_a_second_response_with_the_same_capture_time(
    tmp_path: Path, fixture_file: Path, other_response: Path
) -> None:
    """The issue's case: `make fixture FIXTURE=../my_saved.json` stamps any file alike."""
    database = tmp_path / "w.duckdb"

    def make_fixture(path: Path) -> subprocess.CompletedProcess[str]:
        cmd = ["make", "--no-print-directory", "fixture"]
        return run(cmd, database, env={"FIXTURE": str(path)}, check=False)

    assert make_fixture(fixture_file).returncode == 0
    refused = make_fixture(other_response)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    (line,) = [line for line in refused.stderr.splitlines() if line.startswith("ERROR")]
    assert f"{other_response}: snapshot" in line and "already has the capture time" in line
    assert "--allow-same-capture-time" in line
    assert complete_snapshots(database) == [(str(fixture_file.resolve()), _fixture_time())]
    # The same bytes again are still "already landed", not a conflict.
    assert make_fixture(fixture_file).returncode == 0


def _fixture_time() -> datetime:
    return datetime.fromisoformat(FIXTURE_SNAPSHOT_AT)


def test_the_flag_lands_a_second_response_at_the_same_time(
    tmp_path: Path, fixture_file: Path, other_response: Path
) -> None:
    database = tmp_path / "w.duckdb"
    for path, extra in ((fixture_file, ()), (other_response, ("--allow-same-capture-time",))):
        ingest(database, "--from-file", path, "--snapshot-at", FIXTURE_SNAPSHOT_AT, *extra)
    assert [at for _, at in complete_snapshots(database)] == [_fixture_time()] * 2


def test_a_crawl_at_a_taken_capture_time_is_refused(tmp_path: Path, fixture_file: Path) -> None:
    database = tmp_path / "w.duckdb"
    ingest(database, "--from-file", fixture_file, "--snapshot-at", FIXTURE_SNAPSHOT_AT)
    with ReplayHub(fixture_file) as hub:
        result = crawl(
            database, hub, "--limit", "10", "--snapshot-at", FIXTURE_SNAPSHOT_AT, check=False
        )
        assert hub.requests == []
    assert result.returncode == 2
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert "already has the capture time 2025-12-01T21:00:00Z" in line
    assert query(database, "select count(*) from raw.snapshots") == [(1,)]


# --------------------------------------------------------------------------- item 8

QUOTED = "wa re'h\"ouse ü.duckdb"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (QUOTED, "holds a double quote"),
        ("main.duckdb", "keeps the database name"),
        ("SYSTEM.duckdb", "keeps the database name"),
        ("temp.db.duckdb", "keeps the database name"),
        ("raw.duckdb", "is also the name of one of the warehouse's schemas"),
        ("Marts.2025.duckdb", "is also the name of one of the warehouse's schemas"),
    ],
)
def test_a_warehouse_name_dbt_cannot_build_is_refused_up_front(
    tmp_path: Path, fixture_file: Path, name: str, reason: str
) -> None:
    database = tmp_path / name
    landed = ingest(database, "--from-file", fixture_file, check=False)
    assert landed.returncode == 2 and "Traceback" not in landed.stderr
    (line,) = [line for line in landed.stderr.splitlines() if line.startswith("ERROR")]
    assert reason in line and str(database) in line
    assert not database.exists()
    # make build checks first (lockcheck), before dbt's own error.
    database.touch()
    checked = run([sys.executable, "-m", "ingest.lockcheck"], database, check=False)
    assert checked.returncode == 2
    (line,) = [line for line in checked.stderr.splitlines() if line.startswith("ERROR")]
    assert reason in line


def test_a_single_quote_and_dots_are_fine(tmp_path: Path, fixture_file: Path) -> None:
    database = tmp_path / "it's.a.warehouse.duckdb"
    ingest(database, "--from-file", fixture_file)
    checked = run([sys.executable, "-m", "ingest.lockcheck"], database, check=False)
    assert checked.returncode == 0, checked.stderr
