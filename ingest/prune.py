"""`python -m ingest.prune --keep N`: drop the raw payloads of all but the newest N snapshots.

The raw layer keeps every model object exactly as served, ~100 B per model per snapshot even
zstd-compressed; a year of daily full-Hub crawls would be most of the warehouse. The history
dbt builds from it (models/history/, whose table of parsed observations dbt_project.yml names)
is incremental and keeps every snapshot it has seen, so older payloads can go once dbt has
them: a snapshot not yet in the history is never pruned. Pruned snapshots stay
in `raw.snapshots` (and so in the `snapshots` mart) with `payload_pruned_at` set.

Exit codes: 0 done (or nothing to do), 1 no warehouse or a DuckDB error, 2 bad usage,
3 warehouse in use by another process, 130/143 interrupted (SIGINT/SIGTERM).
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

import duckdb

from hf_common.cli import as_interruption
from ingest import retention, warehouse
from ingest.cli_common import (
    add_database_option,
    configure_logging,
    interrupted_exit_code,
    interruption,
    positive_int,
    raise_on_sigterm,
    report_failure,
)
from ingest.errors import IngestError

log = logging.getLogger("ingest.prune")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ingest.prune",
        description=(
            "Delete the raw payloads (raw.hf_models rows) of every complete snapshot but the "
            "newest N, once dbt's history tables hold them, and mark them pruned in "
            "raw.snapshots. The marts keep their history."
        ),
        epilog="Run it after `make build`; `make prune KEEP=N` does both.",
    )
    parser.add_argument(
        "--keep",
        type=positive_int,
        required=True,
        metavar="N",
        help="how many of the newest snapshots keep their payloads",
    )
    parser.add_argument(
        "--compact",
        action="store_true",
        help="then rewrite the file so the disk gets the space back (needs room for a copy); "
        "without it DuckDB reuses the freed space for later snapshots",
    )
    parser.add_argument("--dry-run", action="store_true", help="only say what would be pruned")
    add_database_option(parser)
    return parser


def prune(args: argparse.Namespace) -> None:
    database = warehouse.database_path(args.database)
    if not database.is_file():
        raise IngestError(f"warehouse {database} does not exist")
    with warehouse.open_raw_layer(database) as con:
        plan = retention.plan_prune(con, args.keep)
        if plan.not_in_history:
            log.warning(
                "%d older snapshot(s) are not in %s yet and keep their payloads: run dbt build "
                "first (%s)",
                len(plan.not_in_history),
                ".".join(retention.history_relation()),
                ", ".join(plan.not_in_history),
            )
        if args.dry_run:
            log.info("would prune %d snapshot(s), keeping %d", len(plan.prune), len(plan.keep))
            return
        if not plan.prune:
            # --compact still runs: an earlier prune may have left space to give back.
            log.info("nothing to prune; %d snapshot(s) keep their payloads", len(plan.keep))
        else:
            with warehouse.transaction(con):
                deleted = retention.prune_payloads(con, plan.prune)
            # Writes the table's shrunken row groups out now and frees their blocks for reuse.
            con.execute("checkpoint")
            log.info(
                "pruned %d snapshot(s): %d payload rows deleted; %d snapshot(s) keep theirs",
                len(plan.prune),
                deleted,
                len(plan.keep),
            )
    if args.compact:
        before, after = retention.compact(database)
        log.info("compacted %s: %.1f MB -> %.1f MB", database, before / 1e6, after / 1e6)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging()
    raise_on_sigterm()
    try:
        prune(args)
    except (IngestError, duckdb.Error) as exc:
        return report_failure(exc, "prune")
    except (KeyboardInterrupt, RuntimeError) as exc:
        if (stop := as_interruption(exc)) is None:
            raise
        # Each step is a transaction (compacting swaps a finished copy in): nothing half done.
        log.error("%s; nothing was half pruned: rerun the same command", interruption(stop))
        return interrupted_exit_code(stop)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
