"""Faults from the server, odd objects and bad usage: clear errors, nothing landed is lost."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import (
    assert_landed_exactly,
    crawl,
    ingest,
    last_snapshot,
    query,
    served,
)
from tests.replay_hub import ReplayHub

# Each test crawls a faulty hub with the loader as a process, retries and all.
pytestmark = pytest.mark.slow


def models(n: int) -> list[dict[str, Any]]:
    """Small, distinct models; distinct downloads give a stable `--sort downloads` order."""
    return [
        {"id": f"org{i % 5}/model-{i:03d}", "downloads": 10 * n - i, "tags": ["transformers"]}
        for i in range(n)
    ]


@pytest.fixture
def small_hub() -> Iterator[ReplayHub]:
    with ReplayHub(models(60)) as hub:
        hub.retry_after = 0  # the 429 wait itself is timed in test_ingest_http.py
        hub.slow_delay = 2.0  # against TIMEOUT: a held page times out, a normal one never
        yield hub
    assert hub.errors == []


PAGES = ("--all", "--page-size", "20")  # three pages of the 60 models


def timeout(kind: str) -> tuple[str, ...]:
    """A read timeout short enough for the `slow` fault to trip it, only where it is used."""
    return ("--timeout", "0.5") if kind == "slow" else ()


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("ERROR")]


# --------------------------------------------------------------------------- from the server

TRANSIENT = {
    "429": "page 2 got HTTP 429",
    "500": "page 2 got HTTP 500",
    "502": "page 2 got HTTP 502",
    "503": "page 2 got HTTP 503",
    "504": "page 2 got HTTP 504",
    "reset": "page 2: connection failed",
    "cut": "page 2: response cut off mid-body",
    "slow": "page 2 timed out",
    "html": "page 2 returned HTML instead of JSON",
    "empty": "page 2 returned an empty body",
    "truncated": "page 2 returned truncated or malformed JSON",
    "object": 'page 2 returned a JSON dict: {"error"',
    "repeat_page": "page 2 repeats page 1 exactly",
}


@pytest.mark.parametrize("kind", sorted(TRANSIENT))
def test_transient_fault_is_retried_and_loses_nothing(
    small_hub: ReplayHub, tmp_path: Path, kind: str
) -> None:
    want = served(small_hub, {"limit": 20})
    small_hub.reset()
    small_hub.inject(kind, page=2)
    database = tmp_path / "w.duckdb"
    result = crawl(database, small_hub, *PAGES, *timeout(kind))
    assert small_hub.faults_served == [(kind, 2)]
    (warning,) = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert TRANSIENT[kind] in warning and "retry 1 in" in warning
    assert_landed_exactly(database, want)
    snapshot = last_snapshot(database)
    assert (snapshot["retry_count"], snapshot["duplicate_count"]) == (1, 0)


@pytest.mark.parametrize("kind", ["503", "reset", "html", "slow"])
def test_persistent_fault_exits_4_keeps_pages_and_resumes(
    small_hub: ReplayHub, tmp_path: Path, kind: str
) -> None:
    want = served(small_hub, {"limit": 20})
    small_hub.reset()
    small_hub.inject(kind, times=20, page=2)
    database = tmp_path / "w.duckdb"
    args = (*PAGES, "--max-attempts", "3", *timeout(kind))
    failed = crawl(database, small_hub, *args, check=False)
    assert failed.returncode == 4 and "Traceback" not in failed.stderr
    (error,) = error_lines(failed.stderr)
    assert TRANSIENT[kind] in error and "gave up after 3 attempts" in error
    assert "rerun the same command to resume" in error
    # Page 1 stays staged for the resume, and out of sight of readers.
    snapshot = last_snapshot(database)
    assert (snapshot["status"], snapshot["pages_landed"]) == ("loading", 1)
    assert query(database, "select count(*) from raw.hf_models_pending") == [(20,)]
    assert query(database, "select count(*) from raw.hf_models") == [(0,)]

    small_hub.clear_faults()
    small_hub.requests.clear()
    resumed = crawl(database, small_hub, *args)
    assert "resuming snapshot" in resumed.stderr
    assert "cursor" in small_hub.requests[0].query  # page 2, not page 1 again
    assert_landed_exactly(database, want)
    assert query(database, "select count(*) from raw.hf_models_pending") == [(0,)]


def test_link_loop_stops_clearly_and_resumes(small_hub: ReplayHub, tmp_path: Path) -> None:
    want = served(small_hub, {"limit": 20})
    small_hub.reset()
    small_hub.inject("loop_link", page=2)
    database = tmp_path / "w.duckdb"
    failed = crawl(database, small_hub, *PAGES, check=False)
    assert failed.returncode == 4 and "Traceback" not in failed.stderr
    (error,) = error_lines(failed.stderr)
    assert "page 2's Link" in error and "points back to an earlier page" in error
    assert "1 page(s) landed so far are kept" in error
    # The looping page is not landed, so its Link never becomes the resume point.
    assert last_snapshot(database)["pages_landed"] == 1

    crawl(database, small_hub, *PAGES)
    assert_landed_exactly(database, want)
    assert last_snapshot(database)["duplicate_count"] == 0


class ElsewhereHub(ReplayHub):
    """Hands out next links on another host, as a misconfigured proxy might."""

    def _next_link(self, *args: Any, **kwargs: Any) -> str | None:
        link = super()._next_link(*args, **kwargs)
        return link.replace("127.0.0.1", "127.0.0.2") if link else None


@contextlib.contextmanager
def hostile_server(
    respond: Callable[[BaseHTTPRequestHandler, threading.Event], None],
) -> Iterator[str]:
    """A local HTTP server whose every GET is answered by `respond`; yields its base URL.

    `respond` gets an event set at shutdown, so that a handler stalling on purpose ends too.
    """
    stopping = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with contextlib.suppress(ConnectionError):
                respond(self, stopping)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_redirect_to_another_host_is_refused_and_the_token_stays_home(tmp_path: Path) -> None:
    # The other host's pages link to themselves, so after the redirect they look same-origin.
    with ReplayHub(models(60)) as hub:
        elsewhere = hub.url.replace("127.0.0.1", "localhost")

        def redirect(handler: BaseHTTPRequestHandler, _: threading.Event) -> None:
            handler.send_response(302)
            handler.send_header("Location", elsewhere + handler.path)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        with hostile_server(redirect) as endpoint:
            result = ingest(
                tmp_path / "w.duckdb",
                "--endpoint",
                endpoint,
                *PAGES,
                env={"HF_TOKEN": "tok-123"},
                check=False,
            )
        assert [r.token for r in hub.requests if r.token] == []
    assert result.returncode == 4 and "Traceback" not in result.stderr
    (error,) = error_lines(result.stderr)
    assert "redirects to another origin" in error and elsewhere.split("//")[1] in error
    assert "tok-123" not in result.stderr


@pytest.mark.parametrize("stage", ["headers", "body"])
def test_a_trickling_server_cannot_hold_a_page_past_its_timeout(tmp_path: Path, stage: str) -> None:
    """One byte every 0.5 s never trips a read timeout; --timeout bounds the whole request."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"

    def trickle(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        if stage == "body":
            handler.wfile.write(head + b"[")
        for byte in head if stage == "headers" else b" " * 100_000:
            if stopping.wait(0.5):
                return
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()

    with hostile_server(trickle) as endpoint:
        args = ("--endpoint", endpoint, "--timeout", "2", "--max-attempts", "2", "--backoff", "0")
        # A generous bound: without the deadline the crawl would take 14 hours.
        result = ingest(tmp_path / "w.duckdb", *args, check=False, timeout=120)
    assert result.returncode == 4 and "Traceback" not in result.stderr
    (error,) = error_lines(result.stderr)
    assert "page 1 timed out" in error and "gave up after 2 attempts" in error


def test_link_to_another_host_is_not_followed_with_the_token(tmp_path: Path) -> None:
    with ElsewhereHub(models(60)) as hub:
        result = crawl(tmp_path / "w.duckdb", hub, *PAGES, env={"HF_TOKEN": "tok-123"}, check=False)
        assert len(hub.requests) == 1
    assert result.returncode == 4
    (error,) = error_lines(result.stderr)
    assert "leads to another host" in error and "127.0.0.2" in error


def test_mixed_faults_over_a_big_crawl_land_everything_once(
    generated_2500: Path, tmp_path: Path
) -> None:
    with ReplayHub(generated_2500) as hub:
        want = served(hub, {"sort": "downloads", "limit": 100})
        hub.reset()
        hub.retry_after = 0
        faults = [
            ("429", 2),
            ("503", 4),
            ("503", 4),
            ("cut", 7),
            ("reset", 9),
            ("html", 12),
            ("502", 15),
            ("truncated", 18),
            ("429", 21),
            ("empty", 23),
            ("repeat_page", 24),
        ]
        for kind, page in faults:
            hub.inject(kind, page=page)
        database = tmp_path / "w.duckdb"
        result = crawl(database, hub, "--all", "--sort", "downloads", "--page-size", "100")
        assert sorted(hub.faults_served) == sorted(faults)
        assert hub.errors == []
    assert len(want) > 2500  # the generator repeats a few models, as the Hub does
    assert_landed_exactly(database, want)
    snapshot = last_snapshot(database)
    assert snapshot["retry_count"] == len(faults)
    assert snapshot["duplicate_count"] == len(want) - len(dict(want))
    assert f"{len(dict(want))} models landed" in result.stderr


# --------------------------------------------------------------------------- in the objects

VALID: list[dict[str, Any]] = [
    {"id": "ok/plain", "downloads": 10, "createdAt": "2025-01-01T00:00:00.000Z"},
    {"id": "ok/new-field", "brandNewField": {"nested": [1, None, "x"]}, "downloads": 9},
    {"id": "ok/float-downloads", "downloads": 8.5},
    {"id": "ok/string-downloads", "downloads": "7"},
    {"id": "ok/negative", "downloads": -5, "likes": -1},
    {"id": "ok/absurd", "downloads": 1e20, "likes": 10**30},
    {"id": "emoji/🤗-model-🚀"},
    {"id": "rtl/\u05e9\u05dc\u05d5\u05dd-\u202emodel"},
    {"id": "combining/e\u0301\u0327-model"},
    {"id": "ok/no-created-at", "tags": ["x"]},
    {"id": "ok/bad-created-at", "createdAt": "the day before yesterday"},
    {"id": "ok/tags-not-a-list", "tags": "transformers"},
    {"modelId": "legacy/model-id-only"},
    {"id": "dup/model", "downloads": 1, "likes": 1},
]
INVALID: list[tuple[str, str]] = [
    ('{"_id":"65f0c0ffee"}', "missing id"),
    ('{"id":""}', "unusable id"),
    ('{"id":42}', "unusable id"),
    ('{"id":null,"downloads":3}', "unusable id"),
    ('"just a string"', "not a JSON object (VARCHAR)"),
    ("7", "not a JSON object"),
    ("null", "not a JSON object (NULL)"),
    ("[1,2]", "not a JSON object (ARRAY)"),
]


def usable_id(obj: object) -> str | None:
    """The loader's rule, restated: a non-empty string "id", else a non-empty "modelId"."""
    if not isinstance(obj, dict):
        return None
    for key in ("id", "modelId"):
        if isinstance(obj.get(key), str) and obj[key]:
            return obj[key]
    return None


def test_odd_objects_land_and_unusable_ones_are_rejected_with_reasons(tmp_path: Path) -> None:
    later_copy = {"id": "dup/model", "downloads": 2, "likes": 2, "late": True}
    # Placeholders give the invalid objects a place in the order; their text is swapped below.
    placeholders = [{"id": f"~invalid-{i}"} for i in range(len(INVALID))]
    with ReplayHub([*VALID, *placeholders, later_copy]) as hub:
        for i, (text, _) in enumerate(INVALID):
            hub.catalog.texts[len(VALID) + i] = text.encode()
        order = list(hub.catalog.order("trendingScore"))
        texts = [hub.catalog.texts[i].decode() for i in order]
        database = tmp_path / "w.duckdb"
        result = crawl(database, hub, "--all", "--page-size", "5")
        assert hub.errors == []
    assert result.returncode == 0
    valid = [(model_id, t) for t in texts if (model_id := usable_id(json.loads(t)))]
    assert_landed_exactly(database, valid)
    assert dict(valid)["dup/model"] == json.dumps(later_copy, separators=(",", ":"))
    rejected = query(
        database,
        "select page_number, position, reason, raw_text from raw.hf_models_rejected order by 1, 2",
    )
    assert sorted(r[3] for r in rejected) == sorted(text for text, _ in INVALID)
    for page, position, reason, text in rejected:
        assert texts[(page - 1) * 5 + position - 1] == text  # where it was served
        assert dict(INVALID)[text] in reason
    summary = next(line for line in result.stderr.splitlines() if "models landed" in line)
    assert f"{len(dict(valid))} models landed" in summary
    assert f"{len(INVALID)} rejected" in summary and "1 duplicate(s)" in summary
    pages_warned = {
        int(line.split()[2].rstrip(":"))
        for line in result.stderr.splitlines()
        if "rejected (see raw.hf_models_rejected)" in line
    }
    assert pages_warned == {page for page, *_ in rejected}


# --------------------------------------------------------------------------- from the user
# (--limit 0, --snapshot-at, --expand with --full and unknown flags: test_ingest_file.py)


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--page-size", "0"], {}, "--page-size: must be at least 1"),
        (["--max-attempts", "0"], {}, "--max-attempts: must be at least 1"),
        (["--timeout", "0"], {}, "--timeout: must be more than 0"),
        (["--timeout", "soon"], {}, "is not a number of seconds"),
        (["--backoff", "-1"], {}, "--backoff: must be at least 0"),
        (["--endpoint", "huggingface.co"], {}, "is not an http(s) URL"),
        (["--endpoint", "ftp://mirror.example"], {}, "is not an http(s) URL"),
        ([], {"HF_ENDPOINT": "not a url"}, "is not an http(s) URL"),
        (["--sort", "stars"], {}, "invalid choice: 'stars'"),
    ],
)
def test_crawl_usage_errors(
    tmp_path: Path, args: list[str], env: dict[str, str], message: str
) -> None:
    result = ingest(tmp_path / "w.duckdb", *args, env=env, check=False)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "w.duckdb").exists()


@pytest.mark.parametrize("paging", [(), PAGES], ids=["one-request", "all-pages"])
def test_a_crawl_that_finds_no_models_records_nothing_and_exits_1(
    small_hub: ReplayHub, tmp_path: Path, paging: tuple[str, ...]
) -> None:
    # As an empty file does (test_ingest_file.py): an empty snapshot would hide the last one.
    database = tmp_path / "w.duckdb"
    result = crawl(database, small_hub, "--author", "nobody", *paging, check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (error,) = error_lines(result.stderr)
    assert "returned no models for this request" in error and "author=nobody" in error
    assert query(database, "select count(*) from raw.snapshots") == [(0,)]


def test_object_duckdb_cannot_read_is_rejected_and_the_page_still_lands(tmp_path: Path) -> None:
    # A lone surrogate escape: JSON's grammar allows it and Python reads it, DuckDB refuses it.
    unreadable = '{"id":"org0/model-025","cardData":{"note":"\\ud800"}}'
    with ReplayHub(models(60)) as hub:
        index = hub.catalog.ids.index("org0/model-025")
        hub.catalog.texts[index] = unreadable.encode()
        texts = [hub.catalog.texts[i].decode() for i in hub.catalog.order("downloads")]
        database = tmp_path / "w.duckdb"
        result = crawl(database, hub, *PAGES, "--sort", "downloads")
    page = texts.index(unreadable) // 20 + 1
    assert "page 2: 1 object(s) rejected" in result.stderr and page == 2
    assert_landed_exactly(database, [(json.loads(t)["id"], t) for t in texts if t != unreadable])
    ((reason, raw_text, position),) = query(
        database, "select reason, raw_text, position from raw.hf_models_rejected"
    )
    assert reason.startswith("JSON that DuckDB cannot read") and "surrogate" in reason
    assert raw_text == unreadable and position == texts.index(unreadable) % 20 + 1
