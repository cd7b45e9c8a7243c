"""`python -m ingest.lockcheck`: say plainly whether the warehouse can be opened, then exit.

dbt reports DuckDB's lock conflict as a long adapter traceback; the Makefile runs this first
so `make build` (and `make shell`) fail with the loader's one-line explanation instead.
Exit codes match the loader's: 0 free, 1 missing or unreadable, 2 a path dbt cannot use,
3 in use by another process.
"""

from __future__ import annotations

import argparse
import logging

import duckdb

from hf_common.cli import missing_warehouse_message, unusable_database_message
from ingest import warehouse
from ingest.cli_common import add_database_option, configure_logging, report_failure
from ingest.errors import IngestError

log = logging.getLogger("ingest.lockcheck")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingest.lockcheck",
        description="Check that the warehouse exists and no other process holds its lock.",
    )
    add_database_option(parser)
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="check for a reader (the shell): only a writer's lock is in the way",
    )
    args = parser.parse_args(argv)
    configure_logging()
    database = warehouse.database_path(args.database)
    # Before dbt runs: it would fail on such a path with a parser error about a schema.
    if unusable := unusable_database_message(database):
        log.error("%s", unusable)
        return 2
    # Opening a missing file would create an empty warehouse that then looks valid but is not.
    if not database.is_file():
        log.error("%s", missing_warehouse_message(database))
        return 1
    try:
        # Only opens the file: connect() runs no DDL, so checking never changes the warehouse.
        with warehouse.connect(database, read_only=args.read_only):
            pass
    except (IngestError, duckdb.Error) as exc:
        return report_failure(exc, f"warehouse {database}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
