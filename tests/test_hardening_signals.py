"""SIGTERM in prune, plots and export; an export that fails leaves the folder as it was; the
daily run names the step's own exit code (issue 23, item 13)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from plots import export
from tests.conftest import FIXTURE_SNAPSHOT_AT, REPO, ingest, query
from tests.replay_hub import ReplayHub

CommandFor = Callable[[Path, Path], list[str]]


def open_files(pid: int) -> list[str]:
    """The files process `pid` has open (a vanished descriptor is skipped)."""
    names = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            names.append(os.readlink(fd))
        except OSError:
            continue
    return names


def terminate_when(
    cmd: list[str], opened: Callable[[str], bool]
) -> subprocess.CompletedProcess[str]:
    """Start `cmd`, send SIGTERM once it has a file open that `opened` accepts, and wait.

    The handler is installed before any file is opened, so the signal always finds it; the
    file is one the command works on for a while (no timing is asserted).
    """
    process = subprocess.Popen(
        cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        while process.poll() is None:
            try:
                if any(opened(name) for name in open_files(process.pid)):
                    process.send_signal(signal.SIGTERM)
                    break
            except FileNotFoundError:  # it ended between poll() and the look
                break
            time.sleep(0.005)
        stdout, stderr = process.communicate(timeout=600)
    finally:
        if process.poll() is None:
            process.kill()
    return subprocess.CompletedProcess(cmd, process.returncode, stdout, stderr)


@pytest.fixture
def warehouse_copy(fixture_warehouse: Path, tmp_path: Path) -> Path:
    """A copy of the built fixture warehouse, under the same file name (its views name it)."""
    folder = tmp_path / "copy"
    folder.mkdir()
    copy = folder / fixture_warehouse.name
    shutil.copy(fixture_warehouse, copy)
    return copy


def one_error(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    (line,) = [line for line in stderr.splitlines() if line.startswith("ERROR")]
    return line


def test_sigterm_stops_plots_in_one_line(fixture_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "figures"
    cmd = [sys.executable, "-m", "plots", "--out", str(out), "--database", str(fixture_warehouse)]
    # Once a figure is being written: the warehouse is open and the handler long installed.
    result = terminate_when(cmd, lambda name: name.startswith(str(out)))
    assert result.returncode == 143
    assert "terminated (SIGTERM)" in one_error(result.stderr)


def test_sigterm_stops_an_export_and_leaves_the_folder_as_it_was(
    fixture_warehouse: Path, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    database = ["--database", str(fixture_warehouse)]
    assert export.main(["--out", str(out), *database]) == 0
    before = {path.name: path.stat().st_ino for path in out.iterdir()}
    cmd = [sys.executable, "-m", "plots.export", "--out", str(out), *database]
    # Once a Parquet file is being written into the staging folder beside `out`.
    result = terminate_when(cmd, lambda name: name.startswith(str(tmp_path / ".export.")))
    assert result.returncode == 143
    assert "terminated (SIGTERM); the export in" in one_error(result.stderr)
    assert {path.name: path.stat().st_ino for path in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]


def test_sigterm_stops_prune_and_the_warehouse_stays_whole(warehouse_copy: Path) -> None:
    snapshots = query(warehouse_copy, "select snapshot_id from raw.snapshots")
    cmd = [
        sys.executable, "-m", "ingest.prune", "--keep", "1", "--compact",
        "--database", str(warehouse_copy),
    ]  # fmt: skip
    result = terminate_when(cmd, lambda name: ".compacting" in name)
    assert result.returncode == 143
    assert "terminated (SIGTERM)" in one_error(result.stderr)
    assert query(warehouse_copy, "select snapshot_id from raw.snapshots") == snapshots
    assert [p.name for p in warehouse_copy.parent.iterdir()] == [warehouse_copy.name]


def test_a_failed_export_changes_no_file_in_the_folder(
    fixture_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk that fills up at the third file: the folder keeps the last export, whole."""
    out = tmp_path / "export"
    database = ["--database", str(fixture_warehouse)]
    assert export.main(["--out", str(out), *database]) == 0
    before = {path.name: path.stat().st_ino for path in out.iterdir()}
    real_copy_to = export.copy_to
    calls = []

    def fills_up(con: duckdb.DuckDBPyConnection, source: str, target: Path, options: str) -> None:
        calls.append(target)
        if len(calls) == 3:
            raise duckdb.IOException(f'Could not write file "{target}": No space left on device')
        real_copy_to(con, source, target, options)

    monkeypatch.setattr(export, "copy_to", fills_up)
    assert export.main(["--out", str(out), *database]) == 1
    assert {path.name: path.stat().st_ino for path in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]


# --------------------------------------------------------------------------- compact


def test_compact_keeps_a_warehouse_whose_name_has_several_dots(
    tmp_path: Path, fixture_file: Path
) -> None:
    """DuckDB names hf.trends.duckdb's database "hf", and views say so in their SQL."""
    database = tmp_path / "hf.trends.duckdb"
    ingest(database, "--from-file", fixture_file, "--snapshot-at", FIXTURE_SNAPSHOT_AT)
    with duckdb.connect(str(database)) as con:
        con.execute("create schema marts")
        con.execute("create view marts.landed as select model_id from hf.raw.hf_models")
    args = ["--keep", "1", "--compact", "--database", str(database)]
    result = subprocess.run(
        [sys.executable, "-m", "ingest.prune", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert query(database, "select count(*) from marts.landed") == [(1000,)]


# --------------------------------------------------------------------------- make daily


def test_daily_names_the_loaders_own_exit_code_and_no_pages_when_none_landed(
    tmp_path: Path, fixture_file: Path
) -> None:
    with ReplayHub(fixture_file) as hub:
        hub.inject("503", times=50)
        env = {
            **os.environ,
            "HF_TRENDS_DB": str(tmp_path / "w.duckdb"),
            "HF_ENDPOINT": hub.url,
            "DAILY_INGEST_ARGS": "--max-attempts 2 --backoff 0",
        }
        result = subprocess.run(
            ["make", "--no-print-directory", "daily"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    assert result.returncode != 0
    (line,) = [line for line in result.stderr.splitlines() if "make daily: step" in line]
    assert "step crawl failed (make ingest: exit code 4 after" in line
    assert "no page was landed" in line and "landed so far are kept" not in line
    # The inner make's "*** [...: ingest] Error 4" is said by our line; the outer make's
    # own line about `daily` stays.
    assert "ingest] Error" not in result.stderr
