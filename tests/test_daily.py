"""`make daily` end to end, as a scheduler runs it, against a replay of the Hub that serves one
listing per day (the recorded response with counts that grow, models that come and go, and
cumulative downloads).

Capture times are set with `--snapshot-at` relative to the real clock, so `make freshness`
judges them as it would live: days 4 and 3 ago warn, yesterday and today pass, 8 days ago stops
the run. Every age is at least half a day from a threshold, so the outcome does not depend on
when the suite runs. One warehouse lives through the whole story (four runs, a missed day, a
late snapshot, a prune) and the tests read it afterwards; the failures each cost seconds on a
warehouse of their own, since they stop before the build.
"""

from __future__ import annotations

import csv
import fcntl
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ingest.daily import lock_path
from tests.conftest import FIXTURE, REPO, ingest, query, served
from tests.replay_hub import ReplayHub

# Every test runs make daily or make freshness: the process boundary is what is tested.
pytestmark = pytest.mark.slow

# Make must not reinstall the venv mid-test: `-o` treats the install stamps as up to date.
STAMPS = (".venv/.installed-runtime", ".venv/.installed-dev")
MAKE = ["make", "--no-print-directory", *(f"--old-file={stamp}" for stamp in STAMPS)]
NOW = datetime.now(UTC).replace(microsecond=0)
KEEP = 2
# Small pages, so that each day's crawl (900-912 models) follows the cursor.
PAGE_SIZE = 400
Model = dict[str, Any]


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def seed_fields() -> list[str]:
    with (REPO / "seeds" / "hub_fields.csv").open(newline="") as handle:
        return [row["field"] for row in csv.DictReader(handle)]


def listing(recorded: list[Model], day: int) -> list[Model]:
    """The Hub `day` days after the recording: each model's counts grow at its own rate, one
    model in ten is missing that day (deleted, or hidden), and a few new ones appear."""
    models = []
    for i, obj in enumerate(recorded):
        if i % 10 == day % 10:
            continue
        rate = 1 + i * 7919 % 50
        models.append(
            {
                **obj,
                "downloads": obj["downloads"] + day * rate,
                "likes": obj["likes"] + day * (i % 3),
                "downloadsAllTime": obj["downloads"] * 4 + day * rate,
            }
        )
    for k in range(3 * day):
        new_id = f"daily-new/model-{day}-{k}"
        models.append({**recorded[k], "_id": f"{day:04x}{k:020x}", "id": new_id, "modelId": new_id})
    return models


def make_env(work: Path, hub: ReplayHub) -> dict[str, str]:
    # MAKEFLAGS from an outer `make test` would leak its choices into ours.
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    return {
        **env,
        "HF_TRENDS_DB": str(work / "hf_trends.duckdb"),
        "HF_ENDPOINT": hub.url,
        # dbt's target/ and logs/ stay out of the checkout.
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
    }


def make(
    target: str, work: Path, hub: ReplayHub, *variables: str, timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    cmd = [
        *MAKE,
        target,
        f"PLOTS_OUT={work / 'plots'}",
        f"EXPORT_DIR={work / 'export'}",
        f"DAILY_KEEP={KEEP}",
        *variables,
    ]
    return subprocess.run(
        cmd,
        cwd=REPO,
        env=make_env(work, hub),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def daily(
    work: Path, hub: ReplayHub, snapshot_at: datetime, *ingest_args: str
) -> subprocess.CompletedProcess[str]:
    args = " ".join(["--snapshot-at", snapshot_at.isoformat(), "--backoff", "0.01", *ingest_args])
    return make("daily", work, hub, f"DAILY_INGEST_ARGS={args}")


def lines(result: subprocess.CompletedProcess[str], marker: str) -> list[str]:
    return [line for line in (result.stdout + result.stderr).splitlines() if marker in line]


def snapshot_ids(database: Path) -> dict[datetime, str]:
    rows = query(database, "select snapshot_at, snapshot_id from raw.snapshots")
    return {at.astimezone(UTC): snapshot_id for at, snapshot_id in rows}


@pytest.fixture(scope="module")
def recorded(fixture_file: Path) -> list[Model]:
    return json.loads(fixture_file.read_text())


@dataclass
class Story:
    """One warehouse through four scheduled runs, a missed day and a late snapshot."""

    work: Path
    hub: ReplayHub
    days: dict[int, datetime]
    served: dict[int, list[Model]]
    runs: dict[int, subprocess.CompletedProcess[str]] = field(default_factory=dict)
    # marts.snapshots' capture times after the run that followed the missed day.
    after_missed_day: list[datetime] = field(default_factory=list)

    @property
    def database(self) -> Path:
        return self.work / "hf_trends.duckdb"


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory, recorded: list[Model]) -> Iterator[Story]:
    work = tmp_path_factory.mktemp("daily")
    # Day 2 is missed: no run that day. Its response was saved, though, and is landed late,
    # after day 3's run, so it is older than the newest snapshot when day 4's run builds it.
    days = {0: days_ago(4), 1: days_ago(3), 2: days_ago(2), 3: days_ago(1), 4: days_ago(0.1)}
    listings = {day: listing(recorded, day) for day in days}
    with ReplayHub(listings[0]) as hub:
        result = Story(work, hub, days, listings)
        for day in (0, 1, 3):
            hub.replace_data(listings[day])
            result.runs[day] = daily(work, hub, days[day], f"--page-size {PAGE_SIZE}")
        result.after_missed_day = [
            at.astimezone(UTC)
            for (at,) in query(result.database, "select snapshot_at from marts.snapshots")
        ]
        # The missed day's response, saved as the Hub served it (every seed field expanded).
        hub.replace_data(listings[2])
        saved = work / "day-2.json"
        objects = served(hub, {"expand": seed_fields(), "limit": 1000})
        saved.write_text("[" + ",".join(text for _, text in objects) + "]")
        ingest(result.database, "--from-file", saved, "--snapshot-at", days[2].isoformat())
        hub.replace_data(listings[4])
        result.runs[4] = daily(work, hub, days[4], f"--page-size {PAGE_SIZE}")
        yield result
    assert hub.errors == []


def test_every_scheduled_run_crawls_builds_draws_and_prunes(story: Story) -> None:
    for day, run in story.runs.items():
        assert run.returncode == 0, f"day {day}:\n{run.stdout}\n{run.stderr}"
        (done,) = lines(run, "make daily: done in")
        for step in ("crawl", "freshness", "build", "plots", "prune"):
            assert f"{step} " in done
    assert (story.work / "plots" / "report.html").is_file()
    assert (story.work / "export" / "models.parquet").is_file()
    assert lock_path(story.database).is_file()


def test_the_crawl_pages_through_the_hub_asking_for_every_seed_field(story: Story) -> None:
    crawled = [r for r in story.hub.requests if r.query["limit"] == [str(PAGE_SIZE)]]
    assert "downloadsAllTime" in seed_fields()
    assert all(r.query["expand"] == seed_fields() for r in crawled)
    # Four crawls of three pages each (900 to 912 models), following the Hub's cursor.
    assert [("cursor" in r.query) for r in crawled] == [False, True, True] * 4


def test_freshness_warns_while_the_newest_capture_is_days_old(story: Story) -> None:
    for day, age in ((0, "4.0"), (1, "3.0")):
        (warning,) = lines(story.runs[day], "past the warning threshold")
        assert f"{age} days ago, past the warning threshold of 2 days" in warning
        assert "error after 7 days" in warning
    for day in (3, 4):
        assert lines(story.runs[day], "past the warning threshold") == []
        (fresh,) = lines(story.runs[day], "the newest complete snapshot was captured")
        assert f"captured {story.days[day]:%Y-%m-%d %H:%M} UTC" in fresh


def test_a_missed_day_leaves_a_gap_and_the_next_run_carries_on(story: Story) -> None:
    assert sorted(story.after_missed_day) == [story.days[d] for d in (0, 1, 3)]


def test_history_holds_every_day_as_served_the_late_one_included(story: Story) -> None:
    ids = snapshot_ids(story.database)
    assert sorted(ids) == [story.days[d] for d in range(5)]
    rows = query(
        story.database,
        "select snapshot_id, model_id, downloads, likes from marts.model_snapshots",
    )
    stored: dict[str, dict[str, tuple[int, int]]] = {}
    for snapshot_id, model_id, downloads, likes in rows:
        stored.setdefault(snapshot_id, {})[model_id] = (downloads, likes)
    for day, models in story.served.items():
        want = {m["id"]: (m["downloads"], m["likes"]) for m in models}
        assert stored[ids[story.days[day]]] == want, f"day {day}"


def test_a_late_snapshot_does_not_stand_as_the_newest(story: Story) -> None:
    newest = story.days[4]
    last_seen = dict(query(story.database, "select model_id, last_seen_at from marts.models"))
    for model in story.served[4]:
        assert last_seen[model["id"]].astimezone(UTC) == newest
    (newest_snapshot,) = query(story.database, "select max(snapshot_at) from marts.snapshots")[0]
    assert newest_snapshot.astimezone(UTC) == newest


def test_prune_keeps_the_newest_payloads_and_all_history(story: Story) -> None:
    ids = snapshot_ids(story.database)
    kept = {ids[story.days[d]] for d in (3, 4)}
    landed = {s for (s,) in query(story.database, "select distinct snapshot_id from raw.hf_models")}
    assert landed == kept
    pruned = query(
        story.database, "select snapshot_id from raw.snapshots where payload_pruned_at is not null"
    )
    assert {s for (s,) in pruned} == set(ids.values()) - kept
    history = query(story.database, "select count(distinct snapshot_id) from marts.model_snapshots")
    assert history == [(5,)]


# --------------------------------------------------------------------------- stopping early


@pytest.fixture
def hub(recorded: list[Model]) -> Iterator[ReplayHub]:
    with ReplayHub(listing(recorded, 0)) as server:
        yield server
    assert server.errors == []


def tables(database: Path, schema: str) -> list[str]:
    sql = "select table_name from duckdb_tables() where schema_name = ?"
    return [name for (name,) in query(database, sql, [schema])]


def test_a_stale_source_stops_the_run_before_the_build(tmp_path: Path, hub: ReplayHub) -> None:
    result = daily(tmp_path, hub, days_ago(8.5))
    assert result.returncode != 0
    (stale,) = lines(result, "past the error threshold of 7 days")
    assert "8.5 days ago" in stale
    (stopped,) = lines(result, "make daily: step freshness failed")
    assert "skipped build, plots, prune" in stopped
    database = tmp_path / "hf_trends.duckdb"
    # What was landed stays; nothing was built or drawn from it.
    assert query(database, "select status, model_count from raw.snapshots") == [
        ("complete", len(hub))
    ]
    assert tables(database, "marts") == []
    assert not (tmp_path / "plots").exists()


def test_freshness_counts_only_complete_snapshots(tmp_path: Path, hub: ReplayHub) -> None:
    database = tmp_path / "hf_trends.duckdb"
    # An interrupted crawl of today: one page landed, the snapshot still `loading`.
    hub.inject("503", times=2, page=2)
    crawl = ingest(
        database,
        "--endpoint",
        hub.url,
        "--all",
        "--page-size",
        "500",
        "--max-attempts",
        "2",
        "--backoff",
        "0.01",
        check=False,
    )
    assert crawl.returncode == 4, crawl.stderr
    result = make("freshness", tmp_path, hub)
    assert result.returncode != 0
    (line,) = lines(result, "freshness: hf.snapshots")
    assert "holds no complete snapshot yet" in line
    # A complete snapshot of 9 days ago is what counts, however recent the unfinished crawl.
    ingest(database, "--from-file", FIXTURE, "--snapshot-at", days_ago(9).isoformat())
    result = make("freshness", tmp_path, hub)
    assert result.returncode != 0
    (line,) = lines(result, "past the error threshold")
    assert "9.0 days ago" in line


def test_a_failed_crawl_stops_the_run_and_keeps_its_pages(tmp_path: Path, hub: ReplayHub) -> None:
    hub.inject("503", times=2, page=2)
    result = daily(tmp_path, hub, days_ago(0), "--page-size 500 --max-attempts 2")
    assert result.returncode != 0
    (stopped,) = lines(result, "make daily: step crawl failed")
    assert "skipped freshness, build, plots, prune" in stopped
    assert "make daily resumes the crawl" in stopped
    database = tmp_path / "hf_trends.duckdb"
    assert query(database, "select status, pages_landed from raw.snapshots") == [("loading", 1)]
    assert tables(database, "marts") == []


def test_a_second_run_does_not_start_while_one_is_going(tmp_path: Path, hub: ReplayHub) -> None:
    lock = lock_path(tmp_path / "hf_trends.duckdb")
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        handle.write("4242\n")
        handle.flush()
        result = daily(tmp_path, hub, days_ago(0))
    assert result.returncode != 0
    (line,) = lines(result, "make daily: another run holds")
    assert "(PID 4242)" in line
    assert hub.requests == []


def test_sigterm_stops_the_running_step_cleanly(tmp_path: Path, hub: ReplayHub) -> None:
    """What a scheduler's stop does (systemd with KillMode=mixed signals make alone)."""
    hub.slow_delay = 60
    hub.inject("slow", page=3)
    args = f"--snapshot-at {days_ago(0).isoformat()} --page-size 300"
    cmd = [*MAKE, "daily", f"DAILY_INGEST_ARGS={args}", f"PLOTS_OUT={tmp_path / 'plots'}"]
    with subprocess.Popen(
        cmd,
        cwd=REPO,
        env=make_env(tmp_path, hub),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        # The loader asks for page 3 while it lands page 2, so page 1 is committed by then.
        deadline = time.monotonic() + 120
        while not any(kind == "slow" for kind, _ in hub.faults_served):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
    assert process.returncode != 0
    result = subprocess.CompletedProcess(cmd, process.returncode, stdout, stderr)
    (line,) = lines(result, "make daily: terminated (SIGTERM) during crawl")
    assert "make daily resumes the crawl" in line
    ((status, pages),) = query(
        tmp_path / "hf_trends.duckdb", "select status, pages_landed from raw.snapshots"
    )
    assert status == "loading" and pages >= 1
