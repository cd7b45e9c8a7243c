"""`python -m plots.export`: the seed's step-7 cleaned dataset, as CSV, from marts.models.

Unlike the seed it keeps models without a category (category is empty): the CSV has one row per
model in marts.models, and users who want the seed's dropna filter on category.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import duckdb

from hf_common.cli import (
    add_database_option,
    add_verbosity_options,
    configure_logging,
    database_path,
)
from plots.warehouse import WarehouseError, open_warehouse

log = logging.getLogger("plots.export")

DEFAULT_OUT = "warehouse/cleaned_model_data.csv"
# The seed's columns first, in its order, then what the warehouse adds.
SEED_COLUMNS = [
    "model_id",
    "category",
    "created_at",
    "downloads",
    "likes",
    "trending_score",
    "release_year",
]
NEWER_COLUMNS = [
    "author",
    "modality",
    "research_group",
    "library_name",
    "is_created_at_placeholder",
    "license",
    "base_model",
    "base_model_relation",
    "arxiv_ids",
    "languages",
    "first_seen_at",
    "last_seen_at",
    "snapshot_count",
    "last_snapshot_id",
]
# Lists become ';'-joined text: a CSV cell should not need a parser for DuckDB's list syntax.
LIST_COLUMNS = {"arxiv_ids", "languages"}
# A spreadsheet runs a cell starting with one of these as a formula (OWASP, "CSV Injection"),
# and model ids, categories and base models are whatever Hub users typed.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m plots.export",
        description="Export marts.models as CSV: the seed's cleaned dataset plus newer columns.",
        epilog="Exit codes: 0 written, 1 no warehouse or marts, 2 bad usage, 3 warehouse in use.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(DEFAULT_OUT),
        metavar="PATH",
        help="CSV file to write (default: %(default)s)",
    )
    add_database_option(parser)
    add_verbosity_options(parser)
    return parser


def select_list(present: dict[str, str]) -> str:
    """The export's columns from marts.models' {column: DuckDB type}, text made formula-safe."""
    missing = [c for c in SEED_COLUMNS if c not in present]
    if missing:
        raise WarehouseError(f"marts.models lacks {', '.join(missing)}: run make build first")
    # Newer columns appear as the marts gain them, so an older warehouse still exports.
    parts = []
    for column in SEED_COLUMNS + [c for c in NEWER_COLUMNS if c in present]:
        if column in LIST_COLUMNS:
            joined = f"array_to_string({column}, ';')"
            parts.append(f"{formula_safe(joined)} as {column}")
        elif present[column] == "VARCHAR":
            parts.append(f"{formula_safe(column)} as {column}")
        else:
            # Numbers, dates and booleans: a negative number is a number, not a formula.
            parts.append(column)
    return ", ".join(parts)


def formula_safe(text: str) -> str:
    """SQL for the text `text` evaluates to, with a leading single quote where a spreadsheet
    would see a formula."""
    starts = ", ".join(f"chr({ord(c)})" for c in FORMULA_STARTS)
    return f"(case when left({text}, 1) in ({starts}) then chr(39) || {text} else {text} end)"


def column_types(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'marts' and table_name = 'models'"
    ).fetchall()
    return dict(rows)


def sql_string(text: str) -> str:
    # COPY takes no bound parameter for its target, so the path is quoted as a literal.
    return "'" + text.replace("'", "''") + "'"


def export(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    present = column_types(con)
    if not present:
        raise WarehouseError("the warehouse has no marts.models: run make build first")
    query = f"select {select_list(present)} from marts.models order by model_id"
    out.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"copy ({query}) to {sql_string(str(out))} (format csv, header true)")
    return con.execute("select count(*) from marts.models").fetchone()[0]  # type: ignore[index]


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose, args.quiet)
    path = database_path(args.database)
    try:
        con = open_warehouse(path)
        try:
            rows = export(con, args.out)
        finally:
            con.close()
    except WarehouseError as exc:
        log.error("%s", exc)
        return exc.exit_code
    except (OSError, duckdb.Error) as exc:
        log.error("cannot write %s: %s", args.out, str(exc).splitlines()[0])
        return 1
    log.info("wrote %d models to %s", rows, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
