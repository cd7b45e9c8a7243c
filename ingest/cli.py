"""`python -m ingest`: land Hub model metadata in the warehouse's raw layer."""

from __future__ import annotations

import argparse
import logging
import math
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import duckdb

from hf_common.cli import unusable_database_message
from hf_common.safe_text import safe
from ingest import warehouse
from ingest.cli_common import (
    add_database_option,
    add_verbosity_options,
    configure_logging,
    interrupted_exit_code,
    interruption,
    positive_int,
    raise_on_sigterm,
    report_failure,
)
from ingest.errors import IngestError
from ingest.filters import HUB_FILTERS
from ingest.hub import HubClient, RetryPolicy
from ingest.hub_fields import hub_fields
from ingest.loader import ApiRequest, land_api, land_file

log = logging.getLogger("ingest")

SORT_KEYS = ["trendingScore", "downloads", "likes", "createdAt", "lastModified"]
# How far ahead of this machine's clock a capture time may be: clocks disagree by seconds, a
# typo by years (a snapshot from 2999 would stay the newest, and every real one count as late).
MAX_CLOCK_SKEW = timedelta(minutes=5)
DEFAULT_ENDPOINT = "https://huggingface.co"


def seconds(minimum: float, inclusive: bool) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
        if not math.isfinite(value) or value < minimum or (value == minimum and not inclusive):
            bound = "at least" if inclusive else "more than"
            raise argparse.ArgumentTypeError(f"must be {bound} {minimum:g}, got {text}")
        return value

    return parse


def endpoint_url(text: str) -> str:
    shown = safe(repr(text))  # an endpoint may carry user:password@, never to be echoed
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        # Python's reason may quote part of the URL: say which parts can be at fault instead.
        raise argparse.ArgumentTypeError(
            f"{shown} is not a valid URL (a malformed [IPv6] host or a port that is not a number)"
        ) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(
            f"{shown} is not an http(s) URL with a host (e.g. https://huggingface.co)"
        )
    return text


def page_size_cap(text: str) -> int:
    if not warehouse.MEMORY_SIZE.fullmatch(text.strip()) or warehouse.size_bytes(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size (e.g. 256MiB)")
    return warehouse.size_bytes(text)


def utc_datetime(text: str) -> datetime:
    """ISO 8601; a time without an offset is taken as UTC, since the Hub speaks UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 date-time (e.g. 2025-12-01T21:00:00Z)"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ingest",
        description=(
            "Land Hugging Face Hub model metadata (GET /api/models) in the DuckDB warehouse, "
            "one snapshot per run. Without options it makes the seed notebook's single request: "
            "the 1000 models trending now."
        ),
        epilog=(
            "Exit codes: 0 landed (or already landed), 1 bad input or response, 2 bad usage, "
            "3 warehouse in use by another process, 4 Hub unreachable or failing (or leading "
            "off the endpoint's origin), "
            "130 interrupted (Ctrl-C) or 143 terminated (SIGTERM): rerun the same command to "
            "resume."
        ),
    )
    source = parser.add_argument_group("what to land")
    source.add_argument(
        "--from-file",
        type=Path,
        metavar="PATH",
        help="land a saved response (a JSON array, or one object per line) without any network",
    )
    source.add_argument(
        "--from-parquet",
        nargs="+",
        metavar="PATH",
        help="land archive Parquet files (files, folders, globs), each one snapshot captured "
        "at --snapshot-at, else at the date in its path (2024-07-24 or 20240724); see "
        "docs/history-from-archives.md",
    )
    source.add_argument(
        "--snapshot-at",
        type=utc_datetime,
        metavar="ISO8601",
        help="when the response was captured (default: now, UTC; no offset means UTC); at "
        "most 5 minutes ahead of this machine's clock",
    )
    source.add_argument(
        "--allow-same-capture-time",
        action="store_true",
        help="land a response although another one was landed with the same capture time "
        "(they are then two snapshots of one instant: growth between them is not measured)",
    )
    add_database_option(source)

    crawl = parser.add_argument_group("crawling the Hub")
    crawl.add_argument(
        "--endpoint",
        type=endpoint_url,
        # HF_ENDPOINT is read (and checked) only when crawling: --from-file needs no network.
        help=f"Hub base URL (default: $HF_ENDPOINT or {DEFAULT_ENDPOINT}); HF_TOKEN is sent "
        "only to this origin, and a redirect or next-page link elsewhere stops the crawl",
    )
    crawl.add_argument("--all", action="store_true", help="follow every page (a full crawl)")
    crawl.add_argument(
        "--limit", type=positive_int, metavar="N", help="stop after N models, following pages"
    )
    crawl.add_argument(
        "--page-size",
        type=positive_int,
        metavar="N",
        help="models per request (the Hub caps it at 1000; default 1000 when paging)",
    )
    crawl.add_argument(
        "--sort", choices=SORT_KEYS, help="sort key, always descending (Hub default: trendingScore)"
    )
    for hub_filter in HUB_FILTERS:
        crawl.add_argument(
            hub_filter.flag,
            action="append" if hub_filter.repeatable else "store",
            metavar=hub_filter.metavar,
            help=hub_filter.help,
        )
    crawl.add_argument(
        "--expand",
        action="append",
        metavar="FIELD",
        help="return only this property, plus id (repeatable; e.g. downloadsAllTime)",
    )
    crawl.add_argument(
        "--expand-hub-fields",
        action="store_true",
        help="expand every field seeds/hub_fields.csv lists: all the marts read, plus "
        "downloadsAllTime (what make daily crawls with); --expand adds to them",
    )
    crawl.add_argument("--full", action="store_true", help="ask for the full model objects")
    crawl.add_argument(
        "--restart", action="store_true", help="discard an unfinished crawl instead of resuming it"
    )

    network = parser.add_argument_group("network")
    network.add_argument(
        "--max-attempts",
        type=positive_int,
        default=RetryPolicy.attempts,
        metavar="N",
        help="tries per page before giving up (default: %(default)s)",
    )
    network.add_argument(
        "--backoff",
        type=seconds(0, inclusive=True),
        default=RetryPolicy.backoff_s,
        metavar="SECONDS",
        help="first retry delay, doubling each time (default: %(default)s)",
    )
    network.add_argument(
        "--timeout",
        type=seconds(0, inclusive=False),
        default=RetryPolicy.timeout_s,
        metavar="SECONDS",
        help="the most one request may take, connecting to last byte, however slowly the "
        "server sends; a slower request is retried like any failed one (default: %(default)s)",
    )
    network.add_argument(
        "--max-page-size",
        type=page_size_cap,
        default=RetryPolicy.max_page_bytes,
        metavar="SIZE",
        help="the most one page may take once decompressed; a larger page stops the crawl "
        "(default: 256MiB)",
    )

    add_verbosity_options(parser)
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    api_only = [
        name
        for name in (
            "all",
            "limit",
            "page_size",
            "sort",
            *(hub_filter.param for hub_filter in HUB_FILTERS),
            "expand",
            "expand_hub_fields",
            "full",
            "restart",
        )
        if getattr(args, name)
    ]
    if args.from_file and args.from_parquet:
        parser.error("--from-file and --from-parquet cannot be combined: land them one by one")
    saved = "--from-file" if args.from_file else "--from-parquet" if args.from_parquet else None
    if saved and api_only:
        flags = ", ".join("--" + name.replace("_", "-") for name in api_only)
        parser.error(f"{saved} lands a saved file; {flags} only apply to crawling the Hub")
    if args.expand_hub_fields:
        try:
            args.expand = list(dict.fromkeys([*hub_fields(), *(args.expand or [])]))
        except IngestError as exc:
            parser.error(f"--expand-hub-fields: {exc}")
    if args.expand and args.full:
        flag = "--expand-hub-fields" if args.expand_hub_fields else "--expand"
        parser.error(f"{flag} cannot be combined with --full (the Hub refuses it)")
    if args.snapshot_at is not None and args.snapshot_at > warehouse.utc_now() + MAX_CLOCK_SKEW:
        parser.error(
            f"--snapshot-at {args.snapshot_at:%Y-%m-%dT%H:%M:%SZ} is in the future (now "
            f"{warehouse.utc_now():%Y-%m-%dT%H:%M:%SZ} UTC); a capture time may be at most "
            f"{MAX_CLOCK_SKEW.seconds // 60} minutes ahead of this machine's clock"
        )
    if not saved and args.endpoint is None:
        try:
            args.endpoint = endpoint_url(os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT)
        except argparse.ArgumentTypeError as exc:
            parser.error(f"HF_ENDPOINT: {exc}")
    return args


def api_request(args: argparse.Namespace) -> ApiRequest:
    follow = bool(args.all or args.limit)
    params: dict[str, object] = {}
    for key, value in (
        *((f.param, getattr(args, f.param)) for f in HUB_FILTERS),
        ("sort", args.sort),
        ("expand", args.expand),
    ):
        if value:
            params[key] = value
    if args.full:
        params["full"] = "true"
    page_size = args.page_size or (1000 if follow else None)
    if args.limit and page_size:
        page_size = min(page_size, args.limit)
    if page_size:
        params["limit"] = page_size
    return ApiRequest(endpoint=args.endpoint, params=params, follow_pages=follow, limit=args.limit)


def report_interruption(exc: KeyboardInterrupt) -> int:
    log.error("%s; what was landed is kept: rerun the same command to resume", interruption(exc))
    return interrupted_exit_code(exc)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_logging(args.verbose, args.quiet)
    raise_on_sigterm()
    # urllib3 logs every retry and connection at debug/warning; ours say it once, better.
    logging.getLogger("urllib3").setLevel(logging.ERROR)
    database = warehouse.database_path(args.database)
    if unusable := unusable_database_message(database):
        log.error("%s", unusable)
        return 2
    snapshot_at = args.snapshot_at or warehouse.utc_now()
    try:
        if args.from_parquet:
            # Imported here: pyarrow and numpy cost every other run of the loader 0.1 s to start.
            from ingest.archive_files import land_archives

            land_archives(
                database, args.from_parquet, args.snapshot_at, args.allow_same_capture_time
            )
            return 0
        if args.from_file:
            summary = land_file(
                database,
                args.from_file,
                snapshot_at,
                args.snapshot_at is not None,
                args.allow_same_capture_time,
            )
        else:
            policy = RetryPolicy(
                attempts=args.max_attempts,
                backoff_s=args.backoff,
                timeout_s=args.timeout,
                max_page_bytes=args.max_page_size,
            )
            client = HubClient(args.endpoint, os.environ.get("HF_TOKEN") or None, policy)
            summary = land_api(
                database,
                api_request(args),
                client,
                snapshot_at,
                args.restart,
                args.allow_same_capture_time,
            )
    except (IngestError, duckdb.Error) as exc:
        return report_failure(exc, f"warehouse {database}")
    except OSError as exc:
        # A warehouse folder that cannot be made, a full disk for a page's spool file.
        log.error("%s: %s", exc.filename or database, exc.strerror or exc)
        return 1
    except KeyboardInterrupt as exc:
        return report_interruption(exc)
    except RuntimeError as exc:
        # Ctrl-C inside a DuckDB statement surfaces as "Query interrupted", caused by it.
        if not isinstance(exc.__cause__, KeyboardInterrupt):
            raise
        return report_interruption(exc.__cause__)
    log.info("%s", summary.line())
    return 0
