"""A crawl killed part-way resumes where it stopped; readers never see half a snapshot."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest import cli
from tests.conftest import (
    FIXTURE_SNAPSHOT_AT,
    REPO,
    assert_landed_exactly,
    ingest,
    last_snapshot,
    query,
    served,
)
from tests.replay_hub import ReplayHub

# Each test stops a crawling loader process and reruns it.
pytestmark = pytest.mark.slow

STALLED_PAGE = 5
INTERRUPTED = "ERROR interrupted; what was landed is kept: rerun the same command to resume"
PAGE_SIZE = 100
HUNG_AFTER_S = 300


@pytest.fixture
def stalling_hub(fixture_file: Path) -> Iterator[ReplayHub]:
    """Answers pages 1-4, then holds page 5 until the test has stopped the loader."""
    with ReplayHub(fixture_file) as hub:
        hub.slow_delay = 60  # stop() cuts the wait short
        yield hub


def command(hub: ReplayHub, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "ingest",
        "--all",
        "--sort",
        "downloads",
        "--page-size",
        str(PAGE_SIZE),
        "--endpoint",
        hub.url,
        "--backoff",
        "0.01",
        "-v",  # logs "page N landed" as each page commits
        *extra,
    ]


def start_and_stop_mid_crawl(
    hub: ReplayHub, database: Path, sig: int, env: dict[str, str] | None = None
) -> str:
    """Run the crawl until it waits on the stalled page, then send `sig`; returns stderr."""
    hub.inject("slow", page=STALLED_PAGE)
    proc = subprocess.Popen(
        command(hub),
        cwd=REPO,
        # PYTHONFAULTHANDLER: if the watchdog below has to end the crawl, it prints every
        # thread's stack first, so a hang says where it hung.
        env={
            **os.environ,
            "HF_TRENDS_DB": str(database),
            "PYTHONFAULTHANDLER": "1",
            **(env or {}),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        # A suite started in the background by a shell (`make test &`) inherits SIGINT ignored,
        # and Python then never turns it into KeyboardInterrupt: Ctrl-C is what is tested here.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.stderr is not None
    # Reading stderr blocks until the crawl writes or exits: a crawl that neither reaches the
    # stalled page nor exits after the signal would hang the suite. Not a timing check: the
    # limit is minutes for what takes seconds, only there to turn a hang into a failure.
    watchdog = threading.Timer(HUNG_AFTER_S, proc.send_signal, [signal.SIGABRT])
    watchdog.start()
    try:
        # Page 5 is held by the server, so once page 4 has committed the loader can only wait.
        lines = []
        for line in proc.stderr:
            lines.append(line)
            if f"page {STALLED_PAGE - 1} landed" in line:
                break
        else:
            raise AssertionError(f"the crawl never reached the stalled page:\n{''.join(lines)}")
        while len(hub.requests) < STALLED_PAGE:  # the loader now waits on the held page
            assert watchdog.is_alive(), "page 5 was never requested"
            time.sleep(0.01)
        proc.send_signal(sig)
        rest = proc.stderr.read()
        proc.wait()
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = "".join(lines) + rest
    assert proc.returncode != -signal.SIGABRT, f"the crawl hung; its threads:\n{stderr}"
    exit_codes = {signal.SIGKILL: -signal.SIGKILL, signal.SIGTERM: 143, signal.SIGINT: 130}
    assert proc.returncode == exit_codes[sig], stderr
    return stderr


def assert_staged_not_published(database: Path, earlier_models: int) -> None:
    snapshot = last_snapshot(database)
    assert snapshot["status"] == "loading"
    assert snapshot["pages_landed"] == STALLED_PAGE - 1
    staged = (STALLED_PAGE - 1) * PAGE_SIZE
    assert query(database, "select count(*) from raw.hf_models_pending") == [(staged,)]
    # Only the earlier, complete snapshot is visible to readers.
    assert query(
        database,
        "select count(*), count(*) filter (where snapshot_id = ?) from raw.hf_models",
        [snapshot["snapshot_id"]],
    ) == [(earlier_models, 0)]


@pytest.fixture
def database(tmp_path: Path, fixture_file: Path) -> Path:
    """A warehouse that already holds one complete snapshot, as a real one would."""
    path = tmp_path / "w.duckdb"
    ingest(path, "--from-file", fixture_file, "--snapshot-at", FIXTURE_SNAPSHOT_AT)
    return path


def crawl_models(database: Path) -> list[tuple[str, str]]:
    """(id, payload) of the crawl's snapshot, leaving out the file landed beforehand."""
    return query(
        database,
        """
        select model_id, payload::varchar from raw.hf_models
        join raw.snapshots using (snapshot_id) where request->>'kind' = 'api'
        """,
    )


def assert_crawl_landed_exactly(database: Path, want: list[tuple[str, str]]) -> None:
    rows = crawl_models(database)
    assert len(rows) == len({model_id for model_id, _ in rows})
    assert dict(rows) == dict(want)


def test_kill_9_then_the_same_command_resumes(stalling_hub: ReplayHub, database: Path) -> None:
    want = served(stalling_hub, {"sort": "downloads", "limit": PAGE_SIZE})
    stalling_hub.reset()
    start_and_stop_mid_crawl(stalling_hub, database, signal.SIGKILL)
    assert_staged_not_published(database, earlier_models=1000)
    stalled_target = stalling_hub.requests[STALLED_PAGE - 1].target

    stalling_hub.requests.clear()
    result = subprocess.run(
        command(stalling_hub),
        cwd=REPO,
        env={**os.environ, "HF_TRENDS_DB": str(database)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert f"at page {STALLED_PAGE} (400 objects already landed)" in result.stderr
    # It picks up at the stalled page's cursor: pages 1-4 are not fetched again.
    targets = [r.target for r in stalling_hub.requests]
    assert targets[0] == stalled_target and len(targets) == 10 - (STALLED_PAGE - 1)
    assert_crawl_landed_exactly(database, want)
    assert len(want) == 1000
    snapshot = last_snapshot(database)
    assert (snapshot["status"], snapshot["pages_landed"], snapshot["duplicate_count"]) == (
        "complete",
        10,
        0,
    )
    assert query(database, "select count(*) from raw.hf_models_pending") == [(0,)]
    assert "(resumed)" in result.stderr

    # Once complete, the same command is a new snapshot, not a resume.
    again = ingest(database, *command(stalling_hub)[3:])
    assert "resum" not in again.stderr
    assert query(database, "select count(*) from raw.snapshots where status = 'complete'") == [(3,)]


def test_restart_discards_the_unfinished_crawl(stalling_hub: ReplayHub, database: Path) -> None:
    want = served(stalling_hub, {"sort": "downloads", "limit": PAGE_SIZE})
    stalling_hub.reset()
    start_and_stop_mid_crawl(stalling_hub, database, signal.SIGKILL)
    unfinished = last_snapshot(database)["snapshot_id"]

    stalling_hub.requests.clear()
    result = ingest(database, *command(stalling_hub, "--restart")[3:])
    assert f"discarding unfinished snapshot {unfinished}" in result.stderr
    assert "cursor" not in stalling_hub.requests[0].query  # from page 1
    assert_crawl_landed_exactly(database, want)
    for table in ("raw.snapshots", "raw.hf_models_pending", "raw.hf_models_rejected"):
        sql = f"select count(*) from {table} where snapshot_id = ?"  # table: a constant above
        assert query(database, sql, [unfinished]) == [(0,)]


def test_ctrl_c_exits_130_and_the_rerun_resumes(stalling_hub: ReplayHub, tmp_path: Path) -> None:
    want = served(stalling_hub, {"sort": "downloads", "limit": PAGE_SIZE})
    stalling_hub.reset()
    database = tmp_path / "w.duckdb"
    stderr = start_and_stop_mid_crawl(stalling_hub, database, signal.SIGINT)
    assert stderr.splitlines()[-1] == INTERRUPTED
    assert "Traceback" not in stderr
    assert_staged_not_published(database, earlier_models=0)

    result = ingest(database, *command(stalling_hub)[3:])
    assert "resuming snapshot" in result.stderr
    assert_landed_exactly(database, want)


def test_ctrl_c_inside_a_duckdb_statement_is_the_same_clean_exit(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    """DuckDB turns Ctrl-C during a query into RuntimeError("Query interrupted")."""

    def interrupted_query(*args: object, **kwargs: object) -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise RuntimeError("Query interrupted") from exc

    monkeypatch.setattr(cli, "land_api", interrupted_query)
    assert cli.main(["--database", str(tmp_path / "w.duckdb")]) == 130
    assert caplog.messages[-1] == INTERRUPTED.removeprefix("ERROR ")


def test_sigterm_is_ctrl_c_that_says_so_and_leaves_nothing_behind(
    stalling_hub: ReplayHub, tmp_path: Path
) -> None:
    """What `timeout`, systemd and `docker stop` send: exit 143, one line, resumable."""
    want = served(stalling_hub, {"sort": "downloads", "limit": PAGE_SIZE})
    stalling_hub.reset()
    database = tmp_path / "w.duckdb"
    temp = tmp_path / "tmp"  # the crawl's own temp dir, to see what it leaves there
    temp.mkdir()
    stderr = start_and_stop_mid_crawl(
        stalling_hub, database, signal.SIGTERM, env={"TMPDIR": str(temp)}
    )
    assert stderr.splitlines()[-1] == INTERRUPTED.replace("interrupted", "terminated (SIGTERM)")
    assert "Traceback" not in stderr
    assert list(temp.iterdir()) == []
    assert_staged_not_published(database, earlier_models=0)

    result = ingest(database, *command(stalling_hub)[3:])
    assert "resuming snapshot" in result.stderr
    assert_landed_exactly(database, want)
