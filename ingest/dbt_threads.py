"""A dbt-duckdb plugin (see profiles.yml) that gives DuckDB no more threads than its memory cap
can feed.

Each DuckDB thread keeps its own partitions in joins, aggregates and windows, so a query's
memory grows with the thread count, and DuckDB's guide asks for at least 125 MB per thread.
Under HF_TRENDS_MEMORY_LIMIT=96MB, two threads ranked a real-shaped 100k-model snapshot in
`int_models_deduplicated` with more than 88 MB where one thread needs under 64 MB
(tests/test_memory_caps.py). At the default 1GB the cap feeds seven threads, so a 2-core
machine keeps both.
"""

from __future__ import annotations

import re
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

MIN_BYTES_PER_THREAD = 125 * 1000**2
UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
# How DuckDB prints a size: `current_setting('memory_limit')` says e.g. "91.5 MiB".
SIZE = re.compile(r"([\d.]+)\s*([KMGT]?)i?B")


def threads_for(memory_limit: str, threads: int) -> int:
    """The threads a cap of `memory_limit` (as DuckDB prints it) can feed, at most `threads`."""
    match = SIZE.fullmatch(memory_limit.strip())
    if match is None:
        return threads
    limit = float(match[1]) * UNITS[match[2]]
    return max(1, min(threads, int(limit // MIN_BYTES_PER_THREAD)))


class Plugin(BasePlugin):
    def configure_cursor(self, cursor: Any) -> None:
        # Called after the profile's settings are applied to the cursor, memory_limit included.
        limit, threads = cursor.execute(
            "select current_setting('memory_limit'), current_setting('threads')"
        ).fetchone()
        fed = threads_for(limit, int(threads))
        if fed < int(threads):
            cursor.execute(f"set threads = {fed}")
