"""`python -m plots.export`: every mart as Parquet, and the seed's step-7 cleaned dataset as CSV.

The history goes beside them in the archives' layout (plots.export_history). One folder gets
`<mart>.parquet` for each table of the `marts` schema (`models.parquet`,
`category_popularity.parquet`, ...), written by DuckDB's own `COPY ... (FORMAT parquet)` with the
marts' types, and `cleaned_model_data.csv`, marts.models in the seed's column order, made safe
for spreadsheets. Unlike the seed the CSV keeps models without a category (category is empty):
one row per model in marts.models, and users who want the seed's dropna filter on category.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path

import duckdb

from hf_common.cli import (
    add_database_option,
    add_verbosity_options,
    as_interruption,
    configure_logging,
    database_path,
    interrupted_exit_code,
    interruption,
    raise_on_sigterm,
)
from plots.export_history import CATALOGUE_FILE, HISTORY_FOLDER, export_history
from plots.warehouse import WarehouseError, open_warehouse

log = logging.getLogger("plots.export")

DEFAULT_OUT = "warehouse/export"
CSV_NAME = "cleaned_model_data.csv"
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
# The whole history, one file per snapshot under history/ (plots.export_history), rather than
# a second copy of it in one file.
PUBLISHED_APART = {"model_observations"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m plots.export",
        description=(
            "Export every mart as Parquet (<mart>.parquet) and marts.models as the seed's "
            f"cleaned CSV ({CSV_NAME}), into one folder."
        ),
        epilog="Exit codes: 0 written, 1 no warehouse or marts or a failed write (the folder "
        "is left as it was), 2 bad usage, 3 warehouse in use, 130/143 interrupted.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(DEFAULT_OUT),
        metavar="DIR",
        help="folder to write the Parquet files and the CSV into (default: %(default)s)",
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


def export_csv(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    """marts.models as the seed's cleaned CSV; the number of rows written."""
    present = column_types(con)
    if not present:
        raise WarehouseError("the warehouse has no marts.models: run make build first")
    query = f"select {select_list(present)} from marts.models order by model_id"
    out.parent.mkdir(parents=True, exist_ok=True)
    copy_to(con, f"({query})", out, "format csv, header true")
    return con.execute("select count(*) from marts.models").fetchone()[0]  # type: ignore[index]


def mart_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    # model_snapshots is a view over the lean history: a mart all the same.
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_schema = 'marts' and table_type in ('BASE TABLE', 'VIEW') "
        "order by table_name"
    ).fetchall()
    return [row[0] for row in rows if row[0] not in PUBLISHED_APART]


def quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def copy_to(con: duckdb.DuckDBPyConnection, source: str, out: Path, options: str) -> None:
    """COPY to a temporary name, then rename: a reader never sees a half-written file."""
    partial = out.with_name(f".{out.name}.partial")
    try:
        con.execute(f"copy {source} to {sql_string(str(partial))} ({options})")
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)


def export_parquet(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, int]:
    """Every mart as folder/<mart>.parquet; {mart: rows}."""
    marts = mart_names(con)
    if not marts:
        raise WarehouseError("the warehouse has no marts: run make build first")
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for mart in marts:
        copy_to(con, f"marts.{quoted(mart)}", folder / f"{mart}.parquet", "format parquet")
        (written[mart],) = con.execute(  # type: ignore[misc]
            f"select count(*) from marts.{quoted(mart)}"
        ).fetchone()
    return written


def move_into(staging: Path, out: Path) -> None:
    """Move every file written to `staging` into `out`, then drop Parquet files of marts that
    are gone, so the folder holds exactly one file per mart. Renames within one file system
    need no space: a full disk fails the export while it writes to `staging`, before `out`
    is touched, never half-way through replacing it."""
    out.mkdir(parents=True, exist_ok=True)
    written = {path.name for path in staging.iterdir()}
    for name in sorted(written):
        os.replace(staging / name, out / name)
    for stale in out.glob("*.parquet"):
        if stale.name not in written:
            stale.unlink()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose, args.quiet)
    raise_on_sigterm()
    path = database_path(args.database)
    # What a failure leaves: before the marts move in, the folder as it was; after, every
    # history file already written is whole, and the next export writes the rest.
    left = "the export in {out} is unchanged"
    try:
        con = open_warehouse(path)
        try:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            # Beside the folder, so that moving the files in is a rename on one file system.
            with tempfile.TemporaryDirectory(
                prefix=f".{args.out.name}.", dir=args.out.parent
            ) as tmp:
                staging = Path(tmp)
                marts = export_parquet(con, staging)
                rows = export_csv(con, staging / CSV_NAME)
                move_into(staging, args.out)
            left = "the marts in {out} are exported; history files written so far are whole"
            # Each history file is written whole and renamed into place by itself.
            snapshots, observations = export_history(con, args.out)
        finally:
            con.close()
    except WarehouseError as exc:
        log.error("%s", exc)
        return exc.exit_code
    except (OSError, duckdb.Error) as exc:
        log.error(
            "cannot write to %s: %s; %s",
            args.out,
            str(exc).splitlines()[0],
            left.format(out=args.out),
        )
        return 1
    except (KeyboardInterrupt, RuntimeError) as exc:
        if (stop := as_interruption(exc)) is None:
            raise
        log.error("%s; %s", interruption(stop), left.format(out=args.out))
        return interrupted_exit_code(stop)
    log.info(
        "wrote %d marts as Parquet (%s rows) and %d models to %s in %s",
        len(marts),
        f"{sum(marts.values()):,}",
        rows,
        CSV_NAME,
        args.out,
    )
    log.info(
        "wrote %d new snapshot(s) of history (%s rows) under %s, and the newest as %s",
        snapshots,
        f"{observations:,}",
        args.out / HISTORY_FOLDER,
        args.out / CATALOGUE_FILE,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
