"""Command-line pieces shared by `python -m ingest` (and its prune and lockcheck), `python -m
plots` and `plots.export`, so that a flag, an exit code or a held lock reads the same in each."""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import sys
from pathlib import Path
from types import FrameType

from hf_common.safe_text import SafeFormatter

DEFAULT_DATABASE = "warehouse/hf_trends.duckdb"

# DuckDB's memory cap for every process that writes the warehouse: the loader, and dbt through
# profiles.yml. What does not fit spills to `<warehouse>.tmp/`; DuckDB would otherwise cache up
# to 80% of RAM. 1GB fits a small laptop and builds a real-shaped 3M-model Hub (BENCHMARKS.md).
MEMORY_LIMIT_VARIABLE = "HF_TRENDS_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "1GB"

# Exit codes every command shares (README, "Exit codes"); each command adds its own above 3.
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_LOCKED = 3


def missing_warehouse_message(path: Path) -> str:
    """What every command says when the warehouse file is not there, and what to run (the same
    words from the shell, the plots and the export)."""
    return f"no warehouse at {path}: run make run first (offline: make fixture build plots)"


def database_path(cli_value: str | None) -> Path:
    return Path(cli_value or os.environ.get("HF_TRENDS_DB") or DEFAULT_DATABASE)


def catalog_name(path: Path) -> str:
    """The name DuckDB, and so dbt, gives the warehouse's database: its file name up to the
    first dot ("hf.trends.duckdb" -> "hf"), which dbt's views name in their SQL."""
    return path.name.lstrip(".").split(".")[0]


# DuckDB's own catalogs: it opens `main.duckdb` as "main_db" (and `SYSTEM.duckdb` not at all),
# while dbt names the database after the file, so every statement dbt sends misses it.
RESERVED_CATALOGS = frozenset({"main", "system", "temp"})
# The warehouse's own schemas: a catalog of the same name makes every two-part name
# (`raw.snapshots`, `marts.models`: the loader's, the shell's, a user's) ambiguous to DuckDB.
WAREHOUSE_SCHEMAS = frozenset({"raw", "staging", "intermediate", "marts", "history", "reference"})


def unusable_database_message(path: Path) -> str | None:
    """Why dbt could never build the warehouse at `path`, if it could not (exit code 2)."""
    name = catalog_name(path)
    if '"' in name:
        return (
            f"warehouse {path}: its file name holds a double quote, which dbt cannot use in the "
            f"database name DuckDB derives from it ({name}); rename the file "
            "or set HF_TRENDS_DB to another path"
        )
    if name.lower() in RESERVED_CATALOGS:
        return (
            f"warehouse {path}: DuckDB keeps the database name {name!r} (from the file name up "
            "to its first dot) for itself, so dbt could not build it; rename the file "
            "or set HF_TRENDS_DB to another path"
        )
    if name.lower() in WAREHOUSE_SCHEMAS:
        return (
            f"warehouse {path}: the database name {name!r} (from the file name up to its first "
            "dot) is also the name of one of the warehouse's schemas, which would make "
            f"{name}.<table> ambiguous; rename the file or set HF_TRENDS_DB to another path"
        )
    return None


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
        help=f"DuckDB warehouse file (default: $HF_TRENDS_DB or {DEFAULT_DATABASE})",
    )


def add_verbosity_options(parser: argparse.ArgumentParser) -> None:
    """-v/--verbose and -q/--quiet, for `configure_logging(args.verbose, args.quiet)`."""
    logs = parser.add_mutually_exclusive_group()
    logs.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    logs.add_argument("-q", "--quiet", action="store_true", help="log warnings and errors only")


def configure_logging(verbose: bool = False, quiet: bool = False) -> None:
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    # Servers' text and URLs reach these lines: no credentials, no control characters.
    handler.setFormatter(SafeFormatter("%(levelname)s %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])


def is_lock_error(exc: BaseException) -> bool:
    """DuckDB's error when another process holds the file's single-writer lock."""
    return "lock" in str(exc).lower()


def locked_message(path: Path, detail: str) -> str:
    """One line that says who holds the warehouse and how to free it (exit code EXIT_LOCKED)."""
    # DuckDB names the holder as "Conflicting lock is held in /path/prog (PID 123)".
    match = re.search(r"held in (\S+) \(PID (\d+)\)", detail)
    holder = f" ({Path(match[1]).name}, PID {match[2]})" if match else ""
    return (
        f"warehouse {path} is in use by another process{holder}: DuckDB allows one writer "
        "at a time, and that process holds the file's lock. Close the DuckDB shell "
        "(`make shell`), or wait for the running dbt build / loader to finish, then retry."
    )


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


def as_interruption(exc: BaseException) -> KeyboardInterrupt | None:
    """Ctrl-C or SIGTERM, also when it stopped a DuckDB statement: DuckDB then raises
    "Query interrupted", caused by it."""
    if isinstance(exc, KeyboardInterrupt):
        return exc
    if isinstance(exc, RuntimeError) and isinstance(exc.__cause__, KeyboardInterrupt):
        return exc.__cause__
    return None
