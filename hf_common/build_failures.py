"""`python -m hf_common.build_failures`: after a failed `dbt build`, its first failure in one line.

dbt reports an error as a block of log lines per node; an out-of-memory error is the one the
user can act on at once, so it says which node and how to raise the cap. Called by
`make build` when dbt fails; exits 1 either way, as the build failed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from hf_common.cli import DEFAULT_MEMORY_LIMIT, MEMORY_LIMIT_VARIABLE

# DBT_TARGET_PATH moves dbt's target folder (the tests keep theirs out of the checkout).
DEFAULT_RESULTS = Path(os.environ.get("DBT_TARGET_PATH") or "target") / "run_results.json"


def first_failure(results: dict) -> str | None:
    """One line for the first node that errored or failed, or None when none did."""
    for result in results.get("results", []):
        if result.get("status") not in ("error", "fail"):
            continue
        node = result.get("unique_id", "?").split(".", 2)
        name = f"{node[0]} {node[-1]}"
        message = (result.get("message") or "").strip()
        if "Out of Memory" in message:
            limit = os.environ.get(MEMORY_LIMIT_VARIABLE) or DEFAULT_MEMORY_LIMIT
            return (
                f"dbt build: {name} ran out of memory under {MEMORY_LIMIT_VARIABLE}={limit}; "
                f"raise the cap (e.g. make build {MEMORY_LIMIT_VARIABLE}=4GB). What was "
                "landed is untouched and tables built before it are kept."
            )
        first = message.splitlines()[0] if message else result.get("status")
        return f"dbt build: {name} failed: {first}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hf_common.build_failures",
        description="Say in one line why the last dbt build failed (from its run_results.json).",
    )
    parser.add_argument("results", nargs="?", type=Path, default=DEFAULT_RESULTS)
    args = parser.parse_args(argv)
    try:
        results = json.loads(args.results.read_text())
    except (OSError, ValueError):
        # dbt stopped before running any node (bad profile, lock): its own message stands.
        return 1
    line = first_failure(results)
    if line:
        print(line, file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
