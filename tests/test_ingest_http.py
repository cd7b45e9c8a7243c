"""Crawling `GET /api/models` with `python -m ingest`, against the local ReplayHub."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, assert_landed_exactly, crawl, last_snapshot, query, served
from tests.replay_hub import ReplayHub

# Each test crawls the replay hub with the loader as a process.
pytestmark = pytest.mark.slow

SUMMARY = re.compile(
    r"(\d+) models landed, (\d+) page\(s\), (\d+) duplicate\(s\) dropped, (\d+) rejected, "
    r"(\d+) retries, [\d.]+ s"
)


def summary(stderr: str) -> dict[str, int]:
    match = SUMMARY.search(stderr)
    assert match, stderr
    names = ("models", "pages", "duplicates", "rejected", "retries")
    return dict(zip(names, map(int, match.groups()), strict=True))


def test_default_is_the_seed_request_verbatim(replay_hub: ReplayHub, tmp_path: Path) -> None:
    want = served(replay_hub)
    replay_hub.reset()
    database = tmp_path / "w.duckdb"
    result = crawl(database, replay_hub)
    # Exactly the seed notebook's one request: no query string at all.
    assert [r.target for r in replay_hub.requests] == ["/api/models"]
    assert len(want) == 1000
    assert_landed_exactly(database, want)
    snapshot = last_snapshot(database)
    assert snapshot["status"] == "complete" and snapshot["pages_landed"] == 1
    request = json.loads(str(snapshot["request"]))
    assert request["kind"] == "api" and request["params"] == {}
    assert request["follow_pages"] is False and request["url"] == f"{replay_hub.url}/api/models"
    assert snapshot["source"] == f"{replay_hub.url}/api/models"
    assert summary(result.stderr) == dict(models=1000, pages=1, duplicates=0, rejected=0, retries=0)
    assert query(database, "select count(*) from raw.hf_models_pending") == [(0,)]


def test_all_follows_every_link(replay_hub: ReplayHub, tmp_path: Path) -> None:
    want = served(replay_hub, {"limit": 100})
    replay_hub.reset()
    database = tmp_path / "w.duckdb"
    result = crawl(database, replay_hub, "--all", "--page-size", "100")
    assert len(replay_hub.requests) == 10
    assert replay_hub.requests[0].target == "/api/models?limit=100"
    assert all("cursor" in r.query for r in replay_hub.requests[1:])
    assert_landed_exactly(database, want)
    assert summary(result.stderr)["pages"] == 10


def test_limit_stops_part_way_through_a_page(replay_hub: ReplayHub, tmp_path: Path) -> None:
    want = served(replay_hub, {"limit": 100})[:250]
    replay_hub.reset()
    database = tmp_path / "w.duckdb"
    result = crawl(database, replay_hub, "--limit", "250", "--page-size", "100")
    assert len(replay_hub.requests) == 3
    assert_landed_exactly(database, want)
    assert summary(result.stderr)["models"] == 250
    request = json.loads(str(last_snapshot(database)["request"]))
    assert request["limit"] == 250 and request["params"] == {"limit": 100}


def test_limit_alone_asks_for_just_that_many(replay_hub: ReplayHub, tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    crawl(database, replay_hub, "--limit", "30")
    assert [r.target for r in replay_hub.requests] == ["/api/models?limit=30"]
    assert query(database, "select count(*) from raw.hf_models") == [(30,)]


QUERIES: list[tuple[list[str], dict[str, Any]]] = [
    (["--sort", "downloads"], {"sort": "downloads"}),
    (["--sort", "likes"], {"sort": "likes"}),
    (["--sort", "createdAt"], {"sort": "createdAt"}),
    (["--sort", "lastModified"], {"sort": "lastModified"}),
    (["--search", "BERT"], {"search": "BERT"}),
    (["--author", "Qwen"], {"author": "Qwen"}),
    (
        ["--filter", "transformers", "--filter", "license:mit"],
        {"filter": ["transformers", "license:mit"]},
    ),
    (["--pipeline-tag", "text-classification"], {"pipeline_tag": "text-classification"}),
    (
        ["--search", "qwen", "--filter", "gguf", "--sort", "likes"],
        {"search": "qwen", "filter": ["gguf"], "sort": "likes"},
    ),
]


@pytest.mark.parametrize(("args", "params"), QUERIES, ids=[" ".join(a) for a, _ in QUERIES])
def test_query_options_land_what_the_server_returns(
    replay_hub: ReplayHub, tmp_path: Path, args: list[str], params: dict[str, Any]
) -> None:
    want = served(replay_hub, {**params, "limit": 200})
    assert len(want) > 0, "the query should select something"
    replay_hub.reset()
    database = tmp_path / "w.duckdb"
    crawl(database, replay_hub, "--all", "--page-size", "200", *args)
    assert_landed_exactly(database, want)
    # Every page asked the same question: the options travel with the cursor.
    for request in replay_hub.requests:
        assert {k: v for k, v in request.query.items() if k not in ("cursor", "limit")} == {
            k: v if isinstance(v, list) else [v] for k, v in params.items()
        }
    recorded = json.loads(str(last_snapshot(database)["request"]))["params"]
    assert recorded == {**params, "limit": 200}


def test_expand_lands_exactly_the_expanded_fields(replay_hub: ReplayHub, tmp_path: Path) -> None:
    want = served(replay_hub, {"expand": ["downloads", "likes"], "limit": 500})
    replay_hub.reset()
    database = tmp_path / "w.duckdb"
    expand = ["--expand", "downloads", "--expand", "likes"]
    crawl(database, replay_hub, "--all", "--page-size", "500", *expand)
    # A repeated parameter, as the Hub documents it, not a comma list.
    assert replay_hub.requests[0].query["expand"] == ["downloads", "likes"]
    assert_landed_exactly(database, want)
    keys = query(database, "select distinct json_keys(payload) from raw.hf_models")
    assert keys == [(["_id", "id", "downloads", "likes"],)]


def test_full_lands_full_objects(replay_hub: ReplayHub, tmp_path: Path) -> None:
    want = served(replay_hub, {"full": "true"})
    replay_hub.reset()
    database = tmp_path / "w.duckdb"
    crawl(database, replay_hub, "--full")
    assert replay_hub.requests[0].query == {"full": ["true"]}
    assert_landed_exactly(database, want)
    ((with_sha,),) = query(
        database, "select count(*) from raw.hf_models where payload->>'$.sha' is not null"
    )
    assert with_sha == 1000


def test_sql_looking_input_is_data_not_sql(tmp_path: Path) -> None:
    nasty = "x'); drop table raw.snapshots; --"
    author = "a' or '1'='1"
    # One model that matches both, so the snapshot (and the request it records) is stored.
    with ReplayHub([{"id": f"{author}/{nasty}"}, {"id": "org/other"}]) as hub:
        database = tmp_path / "w.duckdb"
        crawl(database, hub, "--search", nasty, "--author", author)
        assert hub.requests[0].query["search"] == [nasty]
    snapshot = last_snapshot(database)
    params = json.loads(str(snapshot["request"]))["params"]
    assert (params["search"], params["author"]) == (nasty, author)
    assert snapshot["status"] == "complete" and snapshot["model_count"] == 1
    assert query(database, "select model_id from raw.hf_models") == [(f"{author}/{nasty}",)]


# --------------------------------------------------------------------------- pages that drift


def test_model_served_twice_is_kept_once(replay_hub: ReplayHub, tmp_path: Path) -> None:
    replay_hub.shift_between_pages = 3
    want = served(replay_hub, {"limit": 100})
    replay_hub.reset()
    replay_hub.shift_between_pages = 3
    database = tmp_path / "w.duckdb"
    result = crawl(database, replay_hub, "--all", "--page-size", "100")
    repeats = len(want) - len(dict(want))
    assert repeats == 3 * (len(replay_hub.requests) - 1) > 0
    assert_landed_exactly(database, want)
    assert summary(result.stderr)["duplicates"] == repeats
    snapshot = last_snapshot(database)
    assert (snapshot["duplicate_count"], snapshot["model_count"]) == (repeats, 1000)


# --------------------------------------------------------------------------- rate limits


def test_429_waits_as_long_as_the_server_asks(replay_hub: ReplayHub, tmp_path: Path) -> None:
    want = served(replay_hub, {"limit": 250})
    replay_hub.reset()
    replay_hub.retry_after = 1
    replay_hub.inject("429", page=2)
    database = tmp_path / "w.duckdb"
    result = crawl(database, replay_hub, "--all", "--page-size", "250")
    (line,) = [line for line in result.stderr.splitlines() if "429" in line]
    assert "page 2" in line and "asks to wait 1 s" in line
    waited = float(re.search(r"retry 1 in ([\d.]+) s", line)[1])  # type: ignore[index]
    assert waited >= 1.0  # not the 0.01 s --backoff
    assert replay_hub.faults_served == [("429", 2)]
    assert_landed_exactly(database, want)
    assert summary(result.stderr)["retries"] == 1


def test_ratelimit_window_is_waited_out(fixture_file: Path, tmp_path: Path) -> None:
    with ReplayHub(fixture_file) as hub:
        want = served(hub, {"limit": 100})
        hub.reset()
        # 3 requests a second: 10 pages cannot all pass unless the crawl took over 3 s.
        hub.max_requests, hub.window_seconds = 3, 1.0
        database = tmp_path / "w.duckdb"
        result = crawl(database, hub, "--all", "--page-size", "100")
        refused = [r for r in result.stderr.splitlines() if "HTTP 429" in r]
        assert refused
        for line in refused:  # each waits out the window as the server says, not 0.01 s
            asked = float(re.search(r"asks to wait ([\d.]+) s", line)[1])  # type: ignore[index]
            waited = float(re.search(r"retry \d+ in ([\d.]+) s", line)[1])  # type: ignore[index]
            assert waited >= asked >= 1
        assert_landed_exactly(database, want)
        assert summary(result.stderr)["retries"] == len(refused)


# --------------------------------------------------------------------------- the token


TOKEN = "secret-token-xyz"


@pytest.mark.parametrize("verbosity", [[], ["-v"]])
def test_token_is_sent_and_never_shown_or_stored(
    fixture_file: Path, tmp_path: Path, verbosity: list[str]
) -> None:
    with ReplayHub(fixture_file, token=TOKEN) as hub:
        hub.inject("503", page=2)  # an error path that logs, too
        database = tmp_path / "w.duckdb"
        result = crawl(
            database, hub, "--all", "--page-size", "300", *verbosity, env={"HF_TOKEN": TOKEN}
        )
        assert {r.headers.get("authorization") for r in hub.requests} == {f"Bearer {TOKEN}"}
    assert TOKEN not in result.stdout + result.stderr
    for path in tmp_path.iterdir():  # the warehouse file and any WAL beside it
        assert TOKEN.encode() not in path.read_bytes(), path
    rows = query(database, "select source, request::varchar, next_url from raw.snapshots")
    assert rows and not any(TOKEN in str(value) for row in rows for value in row)


def test_refused_token_is_one_line_that_names_hf_token(fixture_file: Path, tmp_path: Path) -> None:
    with ReplayHub(fixture_file, token="the-right-one") as hub:
        result = crawl(tmp_path / "w.duckdb", hub, env={"HF_TOKEN": TOKEN}, check=False)
    assert result.returncode == 4
    assert "HTTP 401" in result.stderr and "HF_TOKEN" in result.stderr
    assert TOKEN not in result.stderr and "Traceback" not in result.stderr


def test_progress_and_summary_are_log_lines_off_a_terminal(
    replay_hub: ReplayHub, tmp_path: Path
) -> None:
    result = crawl(tmp_path / "w.duckdb", replay_hub, "--all", "--page-size", "500")
    lines = result.stderr.splitlines()
    assert lines[0].startswith("INFO page 1: 500 models so far")
    assert SUMMARY.search(lines[-1]) and result.stdout == ""
    quiet = crawl(tmp_path / "w.duckdb", replay_hub, "-q")
    assert quiet.stderr == ""


def test_progress_is_a_bar_on_a_terminal_with_log_lines_above_it(
    replay_hub: ReplayHub, tmp_path: Path
) -> None:
    replay_hub.slow_delay = 0.3  # long enough for the bar to draw
    replay_hub.inject("slow", page=2)
    replay_hub.inject("503", page=3)
    controller, terminal = pty.openpty()
    args = ["--all", "--page-size", "100", "--backoff", "0.01", "--endpoint", replay_hub.url]
    proc = subprocess.Popen(
        [sys.executable, "-m", "ingest", *args, "--database", str(tmp_path / "w.duckdb")],
        cwd=REPO,
        stderr=terminal,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "COLUMNS": "120"},
    )
    os.close(terminal)
    output = b""
    while select.select([controller], [], [], 30)[0]:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the loader has exited
            break
        if not chunk:
            break
        output += chunk
    os.close(controller)
    assert proc.wait(timeout=30) == 0
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output.decode()).replace("\r", "\n")
    assert "crawling page" in text  # the bar drew
    lines = text.splitlines()
    # The retry warning and the summary each get a line of their own, not the bar's.
    assert any(line.startswith("WARNING page 3 got HTTP 503") for line in lines)
    assert SUMMARY.search(lines[-1] if lines[-1].strip() else lines[-2])


def test_offline_says_how_to_build_from_the_recording(tmp_path: Path) -> None:
    """No network: the one line names the offline path as well as --from-file."""
    # .invalid never resolves (RFC 6761), with or without a network; no proxy may step in.
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["HF_TRENDS_DB"] = str(tmp_path / "hf_trends.duckdb")
    result = subprocess.run(
        [sys.executable, "-m", "ingest", "--endpoint", "http://hf-trends-offline.invalid"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 4, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert "does not resolve" in line and "--from-file" in line
    assert "make fixture build plots" in line
