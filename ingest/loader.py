"""Land one snapshot: a saved response file, or one or many pages fetched from the Hub."""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import os
import re
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import duckdb
import requests

from ingest import warehouse
from ingest.errors import IngestError, UsageError
from ingest.hub import HubClient, Page, read_ahead
from ingest.progress import CrawlProgress
from ingest.salvage import readable_copy, unreadable_reason

log = logging.getLogger(__name__)

WHITESPACE = re.compile(r"[ \t\n\r]*")  # JSON's own, as json.JSONDecoder skips it


# DuckDB settings for a crawl, each measured on 100k- and 1M-model crawls over loopback.
CRAWL_SETTINGS = (
    # A page is ~1000 small objects: worker threads cost more CPU in hand-offs than they save.
    "set threads = 1",
    # At the default 16MB, auto-checkpoints rewrite hf_models_pending's unfilled row group
    # every ~30 pages; at 64MB each row group is written about once (-30% CPU at 1M models).
    "set checkpoint_threshold = '64MB'",
    # Publishing a big crawl takes seconds; DuckDB would draw its own bar into our log.
    "set enable_progress_bar = false",
)


@dataclass(frozen=True)
class ApiRequest:
    """What a crawl asks the Hub for; stored with the snapshot so marts can say what it sampled."""

    endpoint: str
    params: dict[str, Any]
    follow_pages: bool
    limit: int | None

    @property
    def url(self) -> str:
        parts = urlsplit(self.endpoint.rstrip("/"))
        # Credentials in an endpoint URL must never reach `source` or the logs.
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        return urlunsplit((parts.scheme, netloc, parts.path + "/api/models", "", ""))

    @property
    def first_url(self) -> str:
        return requests.Request("GET", self.url, params=self.params).prepare().url or self.url

    def describe(self) -> dict[str, Any]:
        return {"kind": "api", "url": self.url, **asdict(self), "endpoint": self.url}

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.describe(), sort_keys=True).encode()).hexdigest()


@dataclass
class Summary:
    snapshot_id: str
    models: int
    pages: int
    duplicates: int
    rejected: int
    retries: int
    seconds: float
    note: str = ""

    def line(self) -> str:
        text = (
            f"snapshot {self.snapshot_id}: {self.models} models landed, {self.pages} page(s), "
            f"{self.duplicates} duplicate(s) dropped, {self.rejected} rejected, "
            f"{self.retries} retries, {self.seconds:.1f} s"
        )
        return f"{text} ({self.note})" if self.note else text


def make_snapshot_id(snapshot_at: datetime, identity: str) -> str:
    digest = hashlib.sha256(f"{identity}|{snapshot_at.isoformat()}".encode()).hexdigest()
    return f"{snapshot_at:%Y%m%dT%H%M%SZ}-{digest[:8]}"


def summarise(snapshot: dict[str, Any], started: float, note: str = "") -> Summary:
    return Summary(
        snapshot_id=snapshot["snapshot_id"],
        models=snapshot["model_count"] or 0,
        pages=snapshot["pages_landed"],
        duplicates=snapshot["duplicate_count"] or 0,
        rejected=snapshot["rejected_count"],
        retries=snapshot["retry_count"],
        seconds=time.monotonic() - started,
        note=note,
    )


def check_input_file(path: Path) -> str:
    """Refuse what is plainly not a saved response; return the JSON layout DuckDB should read."""
    if not path.exists():
        raise IngestError(f"{path}: no such file")
    if path.is_dir():
        raise IngestError(f"{path}: is a directory, not a saved /api/models response")
    with path.open("rb") as handle:
        head = handle.read(4096)
    # Editors on Windows save UTF-8 with a byte order mark; the JSON after it is what counts.
    head = head.removeprefix(codecs.BOM_UTF8).lstrip()
    if not head:
        raise IngestError(f"{path}: file is empty")
    if head[:1] == b"<":
        raise IngestError(f"{path}: looks like HTML, not a JSON response from /api/models")
    if head[:1] not in (b"[", b"{"):
        raise IngestError(
            f"{path}: not JSON (starts with {head[:20]!r}); expected a JSON array of model "
            "objects or one object per line"
        )
    # DuckDB's detection takes an array behind a byte order mark for one whole object.
    return "array" if head[:1] == b"[" else "auto"


def file_identity(path: Path) -> tuple[int, int]:
    """Size and modification time: what a rewrite of the file between two reads changes."""
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def refuse_same_capture_time(
    con: duckdb.DuckDBPyConnection, snapshot_at: datetime, what: str, allowed: bool
) -> None:
    """Refuse a second, different response stamped with a complete snapshot's capture time.

    Two snapshots of one instant would both be "the newest", and growth between them would
    divide by zero days; a fixed --snapshot-at reused for another file is the usual cause.
    """
    other = warehouse.find_snapshot(con, "status = 'complete' and snapshot_at = ?", [snapshot_at])
    if other is None or allowed:
        return
    raise UsageError(
        f"{what}: snapshot {other['snapshot_id']} (from {other['source']}) already has the "
        f"capture time {snapshot_at:%Y-%m-%dT%H:%M:%SZ}; give this response its own "
        "--snapshot-at, or pass --allow-same-capture-time to land both"
    )


def land_file(
    database: Path,
    path: Path,
    snapshot_at: datetime,
    snapshot_at_given: bool,
    allow_same_capture_time: bool = False,
) -> Summary:
    """Land a saved response in one transaction; the same bytes landed twice land once."""
    started = time.monotonic()
    json_format = check_input_file(path)
    source = str(path.resolve())
    identity = file_identity(path)
    content_sha256 = file_sha256(path)
    with warehouse.open_raw_layer(database) as con:
        where = "status = 'complete' and content_sha256 = ?"
        params: list[Any] = [content_sha256]
        if snapshot_at_given:
            where += " and snapshot_at = ?"
            params.append(snapshot_at)
        existing = warehouse.find_snapshot(con, where, params)
        if existing:
            return summarise(
                existing, started, f"already landed from {existing['source']}; nothing to do"
            )
        refuse_same_capture_time(con, snapshot_at, str(path), allow_same_capture_time)
        snapshot_id = make_snapshot_id(snapshot_at, content_sha256)
        request = {"kind": "file", "path": source, "sha256": content_sha256}

        def land(
            read_from: Path, layout: str, unreadable: dict[int, tuple[str, str]]
        ) -> dict[str, Any]:
            with warehouse.transaction(con):
                warehouse.start_snapshot(
                    con,
                    snapshot_id,
                    snapshot_at,
                    source,
                    request,
                    content_sha256,
                    content_sha256,
                )
                result = warehouse.land_file_objects(con, snapshot_id, read_from, layout)
                reject_unreadable(con, snapshot_id, 1, unreadable)  # a file lands as page 1
                if file_identity(path) != identity:
                    raise IngestError(f"{path}: the file changed while it was being landed; retry")
                if result.landed == 0:
                    raise IngestError(empty_file_message(con, path, snapshot_id, result.rejected))
                return warehouse.complete_snapshot(con, snapshot_id, result.landed)

        try:
            try:
                snapshot = land(path, json_format, {})
            except duckdb.InvalidInputException as exc:
                # Some object DuckDB's reader refuses, or a broken file: a crawl's page would
                # land without the unreadable objects, and so does a file.
                refused = IngestError(warehouse.describe_duckdb_error(exc, str(path)))
                with tempfile.TemporaryDirectory(prefix="hf-trends-") as spool:
                    copy = readable_copy(con, path, Path(spool) / "readable.json")
                    if copy is None:
                        raise refused from None
                    log.warning(
                        "%s: %d object(s) DuckDB cannot read are rejected "
                        "(see raw.hf_models_rejected)",
                        path,
                        len(copy.unreadable),
                    )
                    snapshot = land(copy.path, "array", copy.unreadable)
        except duckdb.Error as exc:
            raise IngestError(warehouse.describe_duckdb_error(exc, str(path))) from None
    return summarise(snapshot, started)


def reject_unreadable(
    con: duckdb.DuckDBPyConnection,
    snapshot_id: str,
    page_number: int,
    unreadable: dict[int, tuple[str, str]],
) -> None:
    """Give each object landed as a `null` stand-in its real reason and text, by position."""
    for position, (reason, text) in unreadable.items():
        con.execute(
            """
            update raw.hf_models_rejected set reason = ?, raw_text = ?
            where snapshot_id = ? and page_number = ? and position = ?
            """,
            [reason, text, snapshot_id, page_number, position],
        )


def empty_file_message(
    con: duckdb.DuckDBPyConnection, path: Path, snapshot_id: str, rejected: int
) -> str:
    return no_models_message(
        con,
        snapshot_id,
        rejected,
        f"{path}: holds no model objects (an empty array)",
        f"{path}: holds no landable model objects",
    )


def no_models_message(
    con: duckdb.DuckDBPyConnection, snapshot_id: str, rejected: int, empty: str, unusable: str
) -> str:
    """Why a snapshot with no models is not recorded: `empty`, or `unusable` and an example."""
    if rejected == 0:
        return empty
    reason, text = con.execute(
        "select reason, raw_text from raw.hf_models_rejected where snapshot_id = ? limit 1",
        [snapshot_id],
    ).fetchone()
    return f"{unusable}; {rejected} rejected, e.g. {reason}: {text[:120]}"


def land_api(
    database: Path,
    request: ApiRequest,
    client: HubClient,
    snapshot_at: datetime,
    restart: bool = False,
    allow_same_capture_time: bool = False,
) -> Summary:
    """Crawl page by page, committing each page with its resume point; publish at the end."""
    started = time.monotonic()
    fingerprint = request.fingerprint()
    with warehouse.open_raw_layer(database) as con:
        unfinished = warehouse.find_snapshot(
            con, "status = 'loading' and request_fingerprint = ?", [fingerprint]
        )
        if unfinished and restart:
            log.info("discarding unfinished snapshot %s (--restart)", unfinished["snapshot_id"])
            warehouse.discard_snapshot(con, unfinished["snapshot_id"])
            unfinished = None
        if unfinished:
            snapshot_id = unfinished["snapshot_id"]
            log.info(
                "resuming snapshot %s at page %d (%d objects already landed)",
                snapshot_id,
                unfinished["pages_landed"] + 1,
                unfinished["objects_served"],
            )
        else:
            refuse_same_capture_time(con, snapshot_at, request.url, allow_same_capture_time)
            snapshot_id = make_snapshot_id(snapshot_at, fingerprint)
            with warehouse.transaction(con):
                warehouse.start_snapshot(
                    con,
                    snapshot_id,
                    snapshot_at,
                    request.url,
                    request.describe(),
                    fingerprint,
                    first_url=request.first_url,
                )
        try:
            for setting in CRAWL_SETTINGS:
                con.execute(setting)
            crawl_pages(con, client, request, snapshot_id)
            # Publishing stays on one thread: under the publish cap a parallel insert of every
            # payload was slower (BENCHMARKS.md "Publishing a crawl").
            con.execute(f"set memory_limit = '{warehouse.publish_memory_limit()}'")
        except BaseException as exc:
            state = warehouse.find_snapshot(con, "snapshot_id = ?", [snapshot_id])
            if state and state["pages_landed"] == 0:
                # Nothing landed: leave no unfinished snapshot behind to resume.
                warehouse.discard_snapshot(con, snapshot_id)
            elif state and isinstance(exc, IngestError):
                # Still one line, and it tells the user the work so far is not lost.
                exc.args = (
                    f"{exc}; {state['pages_landed']} page(s) landed so far are kept: "
                    "rerun the same command to resume",
                )
            raise
        refuse_empty_crawl(con, request, snapshot_id)
        with warehouse.transaction(con):
            snapshot = warehouse.publish_snapshot(con, snapshot_id)
    return summarise(snapshot, started, "resumed" if unfinished else "")


def refuse_empty_crawl(
    con: duckdb.DuckDBPyConnection, request: ApiRequest, snapshot_id: str
) -> None:
    """A crawl that found no models records nothing and fails, as an empty file does.

    An empty snapshot would be the newest one the marts see, so a request that matched nothing
    (a misspelt --author, say) would look like a Hub that had emptied overnight.
    """
    (staged,) = con.execute(
        "select count(*) from raw.hf_models_pending where snapshot_id = ?", [snapshot_id]
    ).fetchone()
    if staged:
        return
    state = warehouse.find_snapshot(con, "snapshot_id = ?", [snapshot_id])
    assert state is not None
    where = f"{request.first_url}: the Hub"
    message = no_models_message(
        con,
        snapshot_id,
        state["rejected_count"],
        f"{where} returned no models for this request; nothing was recorded",
        f"{where} returned no landable model objects; nothing was recorded",
    )
    warehouse.discard_snapshot(con, snapshot_id)
    raise IngestError(message)


def raw_objects(body: bytes) -> list[str]:
    """The exact text of each element of a JSON array (which Python has already parsed)."""
    text = body.decode("utf-8")
    decoder = json.JSONDecoder()
    objects: list[str] = []
    pos = WHITESPACE.match(text).end() + 1  # past the "["
    while True:
        pos = WHITESPACE.match(text, pos).end()
        if text.startswith("]", pos):
            return objects
        _, end = decoder.raw_decode(text, pos)
        objects.append(text[pos:end])
        pos = WHITESPACE.match(text, end).end()
        pos += text.startswith(",", pos)


def find_unreadable(
    con: duckdb.DuckDBPyConnection, body: bytes, take: int
) -> tuple[list[str], dict[int, str]]:
    """Each object's text, and why DuckDB cannot read those it cannot, by position.

    Runs outside any transaction: a failed statement would abort it.
    """
    texts = raw_objects(body)
    unreadable: dict[int, str] = {}
    for position, text in enumerate(texts[:take], 1):
        if reason := unreadable_reason(con, text):
            unreadable[position] = reason
    return texts, unreadable


def land_readable_objects(
    con: duckdb.DuckDBPyConnection,
    snapshot_id: str,
    page: Page,
    page_file: Path,
    next_url: str | None,
    take: int,
    texts: list[str],
    unreadable: dict[int, str],
) -> warehouse.PageResult:
    """Land a page DuckDB refused as a whole, each unreadable object rejected on its own.

    An unreadable object is swapped for `null`, which keeps every position (and so which copy
    of a repeated model is the later one); its rejection then gets the real reason and text.
    Caller owns the transaction.
    """
    readable = ",".join("null" if i in unreadable else t for i, t in enumerate(texts, 1))
    write_page_file(page_file, f"[{readable}]".encode(), page.number)
    result = warehouse.land_page(
        con, snapshot_id, page.number, page_file, next_url, page.retries, take, len(texts)
    )
    reject_unreadable(
        con,
        snapshot_id,
        page.number,
        {position: (reason, texts[position - 1]) for position, reason in unreadable.items()},
    )
    return result


def write_page_file(page_file: Path, data: bytes, page_number: int) -> None:
    """Write a page where DuckDB reads it from; a full disk there is named as that folder.

    A write's OSError carries no file name, and the caller would blame the warehouse.
    """
    try:
        page_file.write_bytes(data)
    except OSError as exc:
        raise IngestError(
            f"{page_file.parent}: cannot write page {page_number} there "
            f"({exc.strerror or exc}); that temporary folder (TMPDIR) needs room for a page"
        ) from None


def crawl_ends(request: ApiRequest, served: int) -> bool:
    """Whether the crawl stops once `served` objects have come in (ignoring the last Link)."""
    return not request.follow_pages or (request.limit is not None and served >= request.limit)


def crawl_pages(
    con: duckdb.DuckDBPyConnection,
    client: HubClient,
    request: ApiRequest,
    snapshot_id: str,
) -> None:
    """Fetch from the snapshot's resume point on; each page commits with the next resume point."""
    state = warehouse.find_snapshot(con, "snapshot_id = ?", [snapshot_id])
    assert state is not None
    url, served = state["next_url"], state["objects_served"]
    if url is None or (request.limit is not None and served >= request.limit):
        return
    with (
        CrawlProgress(total=request.limit, done=served) as progress,
        tempfile.TemporaryDirectory(prefix="hf-trends-") as spool,
    ):
        page_file = Path(spool) / "page.json"
        # The fetch thread runs one page ahead, so it tracks its own count of objects served.
        ahead = served

        def wants_next(page: Page) -> bool:
            nonlocal ahead
            ahead += len(page.model_ids)
            return not crawl_ends(request, ahead)

        pages = client.iter_pages(url, state["pages_landed"] + 1, wants_next)
        for page in read_ahead(pages):
            take = len(page.model_ids)
            if request.limit is not None:
                take = min(take, request.limit - served)
            next_url = None if crawl_ends(request, served + len(page.model_ids)) else page.next_url
            if next_url is not None and page.loop_error is not None:
                # Stop before this Link becomes the resume point: a rerun refetches this page.
                raise page.loop_error
            write_page_file(page_file, page.body, page.number)
            con.execute(f"set memory_limit = '{warehouse.crawl_memory_limit(len(page.body))}'")
            try:
                try:
                    with warehouse.transaction(con):
                        result = warehouse.land_page(
                            con,
                            snapshot_id,
                            page.number,
                            page_file,
                            next_url,
                            retries=page.retries,
                            max_objects=take,
                            objects=len(page.model_ids),
                        )
                except duckdb.InvalidInputException:
                    # Python parsed the page, so some object is JSON that DuckDB's reader
                    # refuses; set those aside rather than stop the crawl at this page for good.
                    texts, unreadable = find_unreadable(con, page.body, take)
                    with warehouse.transaction(con):
                        result = land_readable_objects(
                            con, snapshot_id, page, page_file, next_url, take, texts, unreadable
                        )
            except duckdb.Error as exc:
                raise IngestError(
                    warehouse.describe_duckdb_error(exc, f"page {page.number} ({page.url})")
                ) from None
            if result.rejected:
                log.warning(
                    "page %d: %d object(s) rejected (see raw.hf_models_rejected)",
                    page.number,
                    result.rejected,
                )
            served += take
            log.debug(
                "page %d landed: %d model(s), %d rejected, %d retries, %d served so far",
                page.number,
                result.landed,
                result.rejected,
                page.retries,
                served,
            )
            progress.advance(page.number, take)
            os.remove(page_file)
            if next_url is None:
                return
