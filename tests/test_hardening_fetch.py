"""Hostile pages: a gzip bomb, UTF-16/32 JSON, terminal escapes, a broken Link, a full TMPDIR
(issue 23, items 3, 4, 10, 11 and 12). Each ends in one line; what was landed is kept."""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import os
import re
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from ingest import cli
from tests.conftest import ingest, last_snapshot, query
from tests.test_ingest_faults import error_lines, hostile_server

# (body, extra headers) for one page; a page's Link to the next is added unless it sets its own.
Served = tuple[bytes, dict[str, str]]


def models_json(first: int, count: int) -> bytes:
    return json.dumps([{"id": f"org/m{i}", "downloads": i} for i in range(first, first + count)])


def page_1() -> Served:
    return models_json(0, 3).encode(), {}


@contextlib.contextmanager
def pages_server(pages: list[Callable[[str], Served]]) -> Iterator[str]:
    """Serve page N (query `cursor=N`, none for page 1) as `pages[N-1](base_url)`."""
    base: list[str] = []

    def respond(handler: BaseHTTPRequestHandler, _: threading.Event) -> None:
        # A cursor a broken Link mangled still names its page by its leading digits.
        cursor = parse_qs(urlsplit(handler.path).query).get("cursor", ["1"])[0]
        number = int(re.match(r"\d*", cursor)[0] or 1)
        body, headers = pages[number - 1](base[0])
        status = int(headers.pop("status", "200"))
        handler.send_response(status)
        handler.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
        handler.send_header("Content-Length", str(len(body)))
        if number < len(pages) and "Link" not in headers:
            handler.send_header("Link", f'<{base[0]}/api/models?cursor={number + 1}>; rel="next"')
        for name, value in headers.items():
            # http.server checks nothing: a header goes out as a broken server would send it.
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    with hostile_server(respond) as url:
        base.append(url)
        yield url


def crawl(database: Path, url: str, *args: str) -> tuple[int, str]:
    result = ingest(
        database,
        "--endpoint",
        url,
        "--all",
        "--backoff",
        "0",
        "--max-attempts",
        "2",
        *args,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stderr


def assert_page_1_kept(database: Path) -> None:
    snapshot = last_snapshot(database)
    assert (snapshot["status"], snapshot["pages_landed"]) == ("loading", 1)
    assert query(database, "select count(*) from raw.hf_models_pending") == [(3,)]


# --------------------------------------------------------------------------- item 3: gzip bomb


def gzip_of_spaces(size: int) -> bytes:
    """A gzip stream of `size` spaces (JSON whitespace), built without holding them."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * 2**20
    parts = [packer.compress(block) for _ in range(size // len(block))]
    return b"".join([*parts, packer.flush()])


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """~300 KB that inflates to 300 MiB, past the default cap of 256 MiB."""
    return gzip_of_spaces(300 * 2**20)


def test_a_gzip_bomb_stops_at_the_cap_and_keeps_landed_pages(tmp_path: Path, bomb: bytes) -> None:
    database = tmp_path / "w.duckdb"
    with pages_server([lambda _: page_1(), lambda _: (bomb, {"Content-Encoding": "gzip"})]) as url:
        code, stderr = crawl(database, url)
    assert code == 4
    (error,) = error_lines(stderr)
    assert "page 2 is larger than 256 MiB once decompressed" in error
    assert "Content-Encoding: gzip" in error and "1 page(s) landed so far are kept" in error
    assert_page_1_kept(database)


def test_the_page_cap_is_a_setting_and_counts_plain_bodies_too(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    big = models_json(100, 50_000).encode()  # ~1.7 MB
    with pages_server([lambda _: page_1(), lambda _: (big, {})]) as url:
        code, stderr = crawl(database, url, "--max-page-size", "1MiB")
    assert code == 4
    (error,) = error_lines(stderr)
    assert "page 2 is larger than 1 MiB once decompressed" in error
    assert_page_1_kept(database)


def test_a_gzip_page_within_the_cap_lands(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    body = gzip.compress(models_json(3, 4).encode())
    with pages_server([lambda _: page_1(), lambda _: (body, {"Content-Encoding": "gzip"})]) as url:
        code, stderr = crawl(database, url)
    assert code == 0, stderr
    assert query(database, "select count(*) from raw.hf_models") == [(7,)]


# --------------------------------------------------------------------------- item 4: UTF-16/32


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32", "utf-32-be", "utf-8-sig"])
def test_json_in_any_rfc_8259_encoding_lands_as_utf8(tmp_path: Path, encoding: str) -> None:
    database = tmp_path / "w.duckdb"
    objects = [{"id": "org/ünï-😀", "pipeline_tag": "text-generation"}, {"id": "org/b"}]
    body = json.dumps(objects, ensure_ascii=False).encode(encoding)
    charset = {"Content-Type": f"application/json; charset={encoding}"}
    with pages_server([lambda _: page_1(), lambda _: (body, charset)]) as url:
        code, stderr = crawl(database, url)
    assert code == 0, stderr
    rows = query(
        database, "select payload::varchar from raw.hf_models where model_id not like 'org/m%'"
    )
    assert sorted(json.loads(text)["id"] for (text,) in rows) == ["org/b", "org/ünï-😀"]


# --------------------------------------------------------------------------- item 10: escapes


def test_a_servers_text_cannot_colour_the_terminal_or_forge_a_log_line(tmp_path: Path) -> None:
    forged = b"\x1b[2J\x1b[32mgone\r\nFAKE: INFO snapshot landed OK\n\x07"
    with pages_server([lambda _: page_1(), lambda _: (forged, {"status": "404"})]) as url:
        code, stderr = crawl(tmp_path / "w.duckdb", url)
    assert code == 4
    assert "\x1b" not in stderr and "\x07" not in stderr and "\r" not in stderr
    lines = stderr.splitlines()
    assert not [line for line in lines if line.startswith("FAKE")]
    (error,) = error_lines(stderr)
    assert "HTTP 404" in error and "\\x1b[2J" in error and "\\x0d\\x0aFAKE" in error


# --------------------------------------------------------------------------- item 11: Link


@pytest.mark.parametrize(
    "link",
    [
        '<{base}/api/models?cursor=2\x0bx>; rel="next"',  # splits the header in Python's parser
        '<{base}/api/models?cursor=2\x01>; rel="next"',
        '<{base}/api/models?cursor=2 x>; rel="next"',
        '{base}/api/models?cursor=2; rel="next"',
    ],
)
def test_an_unparseable_link_is_an_error_never_a_complete_snapshot(
    tmp_path: Path, link: str
) -> None:
    database = tmp_path / "w.duckdb"

    def first(base: str) -> Served:
        return models_json(0, 3).encode(), {"Link": link.format(base=base)}

    with pages_server([first, lambda _: (models_json(3, 3).encode(), {})]) as url:
        code, stderr = crawl(database, url)
    assert code == 4
    (error,) = error_lines(stderr)
    assert "page 1" in error and ("Link" in error or "headers cannot be parsed" in error)
    assert query(database, "select count(*) from raw.snapshots where status = 'complete'") == [(0,)]


# --------------------------------------------------------------------------- item 12: TMPDIR


def test_a_full_tmpdir_is_named_as_the_folder_that_is_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The spool folder's page file leads to /dev/full, where every write fails with ENOSPC."""
    full = tmp_path / "full-tmp"

    @contextlib.contextmanager
    def full_spool(prefix: str = "") -> Iterator[str]:
        full.mkdir(exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            (full / "page.json").unlink()
        os.symlink("/dev/full", full / "page.json")
        yield str(full)

    monkeypatch.setattr(tempfile, "TemporaryDirectory", full_spool)
    database = tmp_path / "w.duckdb"
    with pages_server([lambda _: page_1()]) as url, caplog.at_level(logging.ERROR):
        code = cli.main(["--database", str(database), "--endpoint", url, "--all"])
    assert code == 1
    (error,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert error.startswith(f"{full}: cannot write page 1 there (No space left on device)")
    assert str(database) not in error
