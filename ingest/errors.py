"""Failures the loader explains in one line, each with its own exit code (see README)."""

from __future__ import annotations

from pathlib import Path

from hf_common.cli import EXIT_FAILED, EXIT_LOCKED, locked_message


class IngestError(Exception):
    """Bad input or a bad response: nothing was landed for the snapshot at hand."""

    exit_code = EXIT_FAILED


class UsageError(IngestError):
    """A setting the user gave cannot be used (see README: exit code 2)."""

    exit_code = 2


class FetchError(IngestError):
    """The Hub could not be reached, or kept failing after every retry."""

    exit_code = 4


class WarehouseLockedError(IngestError):
    """Another process holds DuckDB's single-writer lock on the warehouse file."""

    exit_code = EXIT_LOCKED

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(locked_message(path, detail))
