"""The loader's command-line helpers: the shared ones (hf_common.cli) and its failure report."""

from __future__ import annotations

import logging

import duckdb

from hf_common.cli import Terminated as Terminated
from hf_common.cli import add_database_option as add_database_option
from hf_common.cli import add_verbosity_options as add_verbosity_options
from hf_common.cli import configure_logging as configure_logging
from hf_common.cli import interrupted_exit_code as interrupted_exit_code
from hf_common.cli import interruption as interruption
from hf_common.cli import positive_int as positive_int
from hf_common.cli import raise_on_sigterm as raise_on_sigterm
from ingest import warehouse
from ingest.errors import IngestError

log = logging.getLogger(__name__)


def report_failure(exc: IngestError | duckdb.Error, what: str) -> int:
    """Log `exc` as one line and return the exit code; `what` names what DuckDB failed at."""
    if isinstance(exc, IngestError):
        log.error("%s", exc)
        return exc.exit_code
    log.error("%s", warehouse.describe_duckdb_error(exc, what))
    return 1
