"""The loader's command-line helpers: the shared ones (hf_common.cli) and its failure report."""

from __future__ import annotations

import logging
import signal
from types import FrameType

import duckdb

from hf_common.cli import add_database_option as add_database_option
from hf_common.cli import add_verbosity_options as add_verbosity_options
from hf_common.cli import configure_logging as configure_logging
from hf_common.cli import positive_int as positive_int
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


def report_failure(exc: IngestError | duckdb.Error, what: str) -> int:
    """Log `exc` as one line and return the exit code; `what` names what DuckDB failed at."""
    if isinstance(exc, IngestError):
        log.error("%s", exc)
        return exc.exit_code
    log.error("%s", warehouse.describe_duckdb_error(exc, what))
    return 1
