"""Command-line pieces shared by `python -m ingest`, `ingest.prune`, `ingest.lockcheck`, `plots`
and `plots.export`, so that a flag or a failure reads the same in every one of them."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from types import FrameType

import duckdb

from ingest import warehouse
from ingest.errors import IngestError

log = logging.getLogger(__name__)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that the same cleanup runs and the same line is said."""


EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM, as shells report


def raise_on_sigterm() -> None:
    """Make SIGTERM (timeout, systemd, docker stop) unwind the program as Ctrl-C does.

    Left to its default, SIGTERM ends the process on the spot: no message, and temporary
    files and open transactions left to the OS.
    """

    def terminate(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    signal.signal(signal.SIGTERM, terminate)


def interrupted_exit_code(exc: KeyboardInterrupt) -> int:
    return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED


def interruption(exc: KeyboardInterrupt) -> str:
    return "terminated (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def add_database_option(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    parser.add_argument(
        "--database",
        metavar="PATH",
        help=f"DuckDB warehouse file (default: $HF_TRENDS_DB or {warehouse.DEFAULT_DATABASE})",
    )


def add_verbosity_options(parser: argparse.ArgumentParser) -> None:
    """-v/--verbose and -q/--quiet, for `configure_logging(args.verbose, args.quiet)`."""
    logs = parser.add_mutually_exclusive_group()
    logs.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    logs.add_argument("-q", "--quiet", action="store_true", help="log warnings and errors only")


def configure_logging(verbose: bool = False, quiet: bool = False) -> None:
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s %(message)s", stream=sys.stderr)


def report_failure(exc: IngestError | duckdb.Error, what: str) -> int:
    """Log `exc` as one line and return the exit code; `what` names what DuckDB failed at."""
    if isinstance(exc, IngestError):
        log.error("%s", exc)
        return exc.exit_code
    log.error("%s", warehouse.describe_duckdb_error(exc, what))
    return 1
