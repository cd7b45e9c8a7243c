"""Do two warehouses hold the same marts? A refactor's check that behaviour did not change.

    python -m bench.compare_marts BEFORE.duckdb AFTER.duckdb [--schema marts ...]

Every table of each schema is compared with `except all` both ways (rows are a multiset, so
a duplicated row counts). The columns that stamp when the load or the build ran differ between
any two builds and are left out. Prints one line per table and exits 1 when any table, or any
table's columns, differ. A table only the second has is new, not a difference; one only the
first has is.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

# When the snapshot was landed or the build ran, not what was landed or built.
BUILD_TIME_COLUMNS = frozenset(
    {
        "loaded_at",
        "previous_loaded_at",
        "started_at",
        "completed_at",
        "built_at",
        "appended_at",
        "age_days_at_build",
        "latest_snapshot_age_days",
    }
)


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def columns(con: duckdb.DuckDBPyConnection, db: str, schema: str) -> dict[str, list[str]]:
    rows = con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_catalog = ? and table_schema = ? order by table_name, ordinal_position",
        [db, schema],
    ).fetchall()
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        tables.setdefault(table, []).append(column)
    return tables


def compare(before: Path, after: Path, schemas: list[str]) -> list[str]:
    """One line per table; a line starting with `DIFF` is a difference."""
    # dbt's views name their database by the file's stem, so each is attached under it.
    first, second = before.stem, after.stem
    con = duckdb.connect()
    con.execute(f"attach {literal(str(before))} as {quoted(first)} (read_only)")
    con.execute(f"attach {literal(str(after))} as {quoted(second)} (read_only)")
    lines = []
    for schema in schemas:
        old, new = columns(con, first, schema), columns(con, second, schema)
        for table in sorted(old.keys() | new.keys()):
            name = f"{schema}.{table}"
            if table not in new:
                lines.append(f"DIFF {name}: only in before")
                continue
            if table not in old:
                lines.append(f"new  {name}: only in after")
                continue
            if old[table] != new[table]:
                lines.append(f"DIFF {name}: columns {old[table]} -> {new[table]}")
                continue
            kept = ", ".join(quoted(c) for c in old[table] if c not in BUILD_TIME_COLUMNS)
            a = f"select {kept} from {quoted(first)}.{quoted(schema)}.{quoted(table)}"
            b = f"select {kept} from {quoted(second)}.{quoted(schema)}.{quoted(table)}"
            (rows,) = con.execute(f"select count(*) from ({a})").fetchone() or (0,)
            (gone,) = con.execute(f"select count(*) from ({a} except all {b})").fetchone() or (0,)
            (new_rows,) = con.execute(f"select count(*) from ({b} except all {a})").fetchone() or (
                0,
            )
            verdict = "DIFF" if gone or new_rows else "same"
            lines.append(
                f"{verdict} {name}: {rows} rows, {gone} only before, {new_rows} only after"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--schema", action="append", help="schema to compare (default: marts)")
    args = parser.parse_args(argv)
    for path in (args.before, args.after):
        if not path.is_file():
            print(f"compare_marts: no warehouse at {path}", file=sys.stderr)
            return 2
    if args.before.stem == args.after.stem:
        print("compare_marts: the files need different names (views use it)", file=sys.stderr)
        return 2
    lines = compare(args.before, args.after, args.schema or ["marts"])
    print("\n".join(lines))
    differing = [line for line in lines if line.startswith("DIFF")]
    print(f"{len(lines)} tables, {len(differing)} differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
