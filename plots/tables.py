"""Loading a report table (a `TableSpec` of plots/sections/: the top rows behind a figure, who
publishes what).

Each table is one `select` from one reporting mart, in the order and with the limit shown; the
mart computes every number (ranks, shares) and the report only formats and sorts on request.
"""

from __future__ import annotations

import logging

import duckdb

from plots.data import Connection, MissingData, fetch_full, require
from plots.shared import Table, TableSpec

log = logging.getLogger(__name__)

TOP_ROWS = 15


def load(con: Connection, spec: TableSpec) -> Table:
    """The table's rows; an absent or changed mart leaves it empty, with the reason."""
    try:
        require(con, spec.mart)
        return Table(spec, fetch_full(con, spec.sql))
    except MissingData as exc:
        return Table(spec, [], str(exc))
    except duckdb.Error as exc:
        first_line = str(exc).splitlines()[0]
        log.warning("table %s: query failed: %s", spec.name, first_line)
        return Table(spec, [], f"The query on marts.{spec.mart} failed; rebuild with make build.")
