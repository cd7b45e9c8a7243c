"""The profile's thread plugin (ingest/dbt_threads.py): no more DuckDB threads than the memory
cap can feed, as DuckDB's guide asks (125 MB per thread)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingest.dbt_threads import threads_for
from tests.conftest import BIN, run


@pytest.mark.parametrize(
    ("limit", "threads", "fed"),
    [
        ("91.5 MiB", 2, 1),  # HF_TRENDS_MEMORY_LIMIT=96MB
        ("106.8 MiB", 4, 1),  # 112MB: under two threads' worth
        ("238.4 MiB", 2, 1),  # 250MB is 238.4 MiB, just under 2 x 125 MB
        ("286.1 MiB", 2, 2),  # 300MB
        ("953.6 MiB", 2, 2),  # the default 1GB keeps a 2-core machine's two
        ("953.6 MiB", 16, 7),
        ("1.8 GiB", 16, 15),
        ("488.2 KiB", 2, 1),  # never no thread at all
        ("unlimited", 4, 4),  # a value that is not a size leaves the threads alone
    ],
)
def test_threads_follow_the_cap(limit: str, threads: int, fed: int) -> None:
    assert threads_for(limit, threads) == fed


@pytest.mark.slow
@pytest.mark.parametrize(("cap", "expected"), [("96MB", 1), ("1GB", None)])
def test_a_dbt_session_runs_on_the_threads_its_cap_feeds(
    tmp_path: Path, cap: str, expected: int | None
) -> None:
    shown = run(
        [
            *(BIN / "dbt", "show", "--quiet", "--inline"),
            "select current_setting('threads') as threads",
            *("--target-path", tmp_path / "target", "--log-path", tmp_path / "logs"),
        ],
        database=tmp_path / "w.duckdb",
        env={"HF_TRENDS_MEMORY_LIMIT": cap},
    ).stdout
    cores = duckdb.connect().execute("select current_setting('threads')").fetchone()[0]
    threads = int(shown.split("|")[-2].strip())
    assert threads == (expected if expected is not None else min(cores, 7))
