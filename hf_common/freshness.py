"""`python -m hf_common.freshness`: after `dbt source freshness`, how old the data is, in one line.

dbt reports freshness as a block of log lines and an age in seconds; `make freshness` (and
`make daily`, which stops before building on an error) ends with one line that says when the
newest complete snapshot was captured, how many days ago, which threshold that passes and what
to do. Exit 1 when a source is past its error threshold or could not be checked, else 0.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from hf_common.cli import EXIT_FAILED, EXIT_OK, configure_logging

log = logging.getLogger("freshness")

DAY_S = 86_400.0


def threshold(criteria: dict[str, Any], level: str) -> str:
    rule = criteria.get(f"{level}_after") or {}
    count, period = rule.get("count"), rule.get("period")
    if count is None or period is None:
        return "none"
    return f"{count} {period}{'' if count == 1 else 's'}"


def captured_at(result: dict[str, Any]) -> datetime | None:
    """The newest capture; None when there is none (dbt then reports the year 1)."""
    when = datetime.fromisoformat(str(result["max_loaded_at"]).replace("Z", "+00:00"))
    return None if when.year == 1 else when


def describe(result: dict[str, Any]) -> tuple[int, str]:
    """(log level, line) for one source's result."""
    name = str(result.get("unique_id", "?")).removeprefix("source.").split(".", 1)[-1]
    status = result.get("status")
    if status == "runtime error":
        error = str(result.get("error") or "").strip()
        first = error.splitlines()[0] if error else "no detail"
        return logging.ERROR, f"freshness: {name} could not be checked: {first}"
    when = captured_at(result)
    if when is None:
        return logging.ERROR, (
            f"freshness: {name} holds no complete snapshot yet: land one (make daily, make "
            "ingest or make fixture) before building"
        )
    days = float(result["max_loaded_at_time_ago_in_s"]) / DAY_S
    criteria = result.get("criteria") or {}
    warn, error = threshold(criteria, "warn"), threshold(criteria, "error")
    age = (
        f"{name}: the newest complete snapshot was captured {when:%Y-%m-%d %H:%M} UTC, "
        f"{days:.1f} days ago"
    )
    if status == "error":
        return logging.ERROR, (
            f"freshness: {age}, past the error threshold of {error} (dbt_project.yml var "
            "freshness_error_after_days): not building from it. Land a new snapshot (make "
            "daily) or, for a warehouse kept on purpose, run make build alone"
        )
    if status == "warn":
        return logging.WARNING, (
            f"freshness: {age}, past the warning threshold of {warn} (var "
            f"freshness_warn_after_days; error after {error}): was a daily run missed?"
        )
    return logging.INFO, f"freshness: {age} (warn after {warn}, error after {error})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hf_common.freshness",
        description="Say in one line per source how old its data is, from dbt's sources.json.",
    )
    parser.add_argument(
        "results", type=Path, help="the sources.json `dbt source freshness --output` wrote"
    )
    args = parser.parse_args(argv)
    configure_logging()
    try:
        results = json.loads(args.results.read_text())["results"]
    except (OSError, ValueError, KeyError, TypeError):
        # dbt stopped before checking any source (bad profile, lock): its own message stands.
        log.error("freshness: dbt source freshness wrote no results (%s); see above", args.results)
        return EXIT_FAILED
    worst = logging.INFO
    for result in results:
        level, line = describe(result)
        log.log(level, "%s", line)
        worst = max(worst, level)
    return EXIT_FAILED if worst >= logging.ERROR else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
