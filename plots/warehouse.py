"""Opening the warehouse read-only, with one clear line for each way it can fail.

Kept free of matplotlib so `python -m plots.export` starts fast.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from hf_common.cli import (
    EXIT_FAILED,
    EXIT_LOCKED,
    is_lock_error,
    locked_message,
    missing_warehouse_message,
)
from plots.data import has_marts


class WarehouseError(Exception):
    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def open_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    # Checked first: connect() would otherwise create an empty database at a mistyped path.
    if not path.is_file():
        raise WarehouseError(missing_warehouse_message(path))
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        if is_lock_error(exc):
            raise WarehouseError(locked_message(path, str(exc)), EXIT_LOCKED) from None
        message = str(exc).splitlines()[0]
        raise WarehouseError(f"cannot open the warehouse {path}: {message}") from None
    if not has_marts(con):
        con.close()
        raise WarehouseError(f"the warehouse {path} has no marts: run make build first")
    return con
