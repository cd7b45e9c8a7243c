"""Failures the loader explains in one line, each with its own exit code (see README)."""

from __future__ import annotations

import re
from pathlib import Path


class IngestError(Exception):
    """Bad input or a bad response: nothing was landed for the snapshot at hand."""

    exit_code = 1


class UsageError(IngestError):
    """A setting the user gave cannot be used (see README: exit code 2)."""

    exit_code = 2


class FetchError(IngestError):
    """The Hub could not be reached, or kept failing after every retry."""

    exit_code = 4


class WarehouseLockedError(IngestError):
    """Another process holds DuckDB's single-writer lock on the warehouse file."""

    exit_code = 3

    def __init__(self, path: Path, detail: str) -> None:
        # DuckDB names the holder as "Conflicting lock is held in /path/prog (PID 123)".
        match = re.search(r"held in (\S+) \(PID (\d+)\)", detail)
        holder = f" ({Path(match[1]).name}, PID {match[2]})" if match else ""
        super().__init__(
            f"warehouse {path} is in use by another process{holder}: DuckDB allows one writer "
            "at a time. Close the DuckDB shell (`make shell`), or wait for the running "
            "dbt build / loader to finish, then retry."
        )
