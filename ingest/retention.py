"""Retention: which snapshots' raw payloads may go, deleting them, and giving the disk space back.

A snapshot's payloads may leave `raw.hf_models` only once dbt's history table holds its parsed
observations: after that, the history table is the only copy. Its name is dbt's to decide; it
is read from dbt_project.yml (vars `history_schema`, `history_table`), where the model takes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import yaml

from hf_common.cli import catalog_name
from ingest import schema
from ingest.errors import IngestError
from ingest.warehouse import utc_now

DBT_PROJECT = Path(__file__).resolve().parent.parent / "dbt_project.yml"


@cache
def history_relation() -> tuple[str, str]:
    """(schema, table) of the history table, as dbt_project.yml names it."""
    variables = yaml.safe_load(DBT_PROJECT.read_text(encoding="utf-8"))["vars"]
    return variables["history_schema"], variables["history_table"]


@dataclass(frozen=True)
class PrunePlan:
    prune: list[str]
    keep: list[str]
    not_in_history: list[str]


def plan_prune(con: duckdb.DuckDBPyConnection, keep: int) -> PrunePlan:
    """Which snapshots' payloads go: all but the newest `keep` complete ones, once dbt has them."""
    rows = con.execute(
        """
        select snapshot_id, payload_pruned_at is not null from raw.snapshots
        where status = 'complete'
        order by snapshot_at desc, completed_at desc, snapshot_id desc
        """
    ).fetchall()
    older = [snapshot_id for snapshot_id, pruned in rows[keep:] if not pruned]
    in_history = history_snapshot_ids(con)
    return PrunePlan(
        prune=[s for s in older if s in in_history],
        keep=[snapshot_id for snapshot_id, _ in rows[:keep]],
        not_in_history=[s for s in older if s not in in_history],
    )


def history_snapshot_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    return snapshot_ids_in(con, *history_relation())


def snapshot_ids_in(con: duckdb.DuckDBPyConnection, schema_name: str, table_name: str) -> set[str]:
    """The snapshot ids a table dbt builds holds; none before its first build."""
    (exists,) = con.execute(
        """
        select count(*) from duckdb_tables()
        where database_name = current_database() and schema_name = ? and table_name = ?
        """,
        [schema_name, table_name],
    ).fetchone()
    if not exists:
        return set()
    rows = con.execute(
        f'select distinct snapshot_id from "{schema_name}"."{table_name}"'
    ).fetchall()
    return {snapshot_id for (snapshot_id,) in rows}


def prune_payloads(con: duckdb.DuckDBPyConnection, snapshot_ids: list[str]) -> int:
    """Delete the snapshots' rows from raw.hf_models and mark them pruned; returns rows deleted.

    Caller owns the transaction.
    """
    if not snapshot_ids:
        return 0
    (deleted,) = con.execute(
        "delete from raw.hf_models where snapshot_id in (select unnest($1::varchar[]))",
        [snapshot_ids],
    ).fetchone()
    con.execute(
        """
        update raw.snapshots set payload_pruned_at = $2
        where snapshot_id in (select unnest($1::varchar[]))
        """,
        [snapshot_ids, utc_now()],
    )
    return deleted


def compact(path: Path) -> tuple[int, int]:
    """Rewrite the warehouse into a new file and swap it in; returns (bytes before, after).

    DuckDB reuses the blocks that deleted rows free, so the file stops growing, but it only
    gives space back to the disk when a file is written afresh. Tables, views and comments are
    copied; the payload columns are recreated first so they keep their zstd compression.
    """
    before = path.stat().st_size
    wal = Path(f"{path}.wal")
    if wal.exists():
        raise IngestError(f"{wal} exists: open and close the warehouse once, then compact")
    fresh = path.with_name(f"{path.stem}.compacting{path.suffix}")
    fresh.unlink(missing_ok=True)
    # The old file keeps the name DuckDB gives it when opened, which dbt's views name in their
    # SQL: up to the first dot of the file name, not its stem.
    alias, quoted_old, quoted_new = catalog_name(path), sql_text(path), sql_text(fresh)
    try:
        with duckdb.connect() as con:
            con.execute(f"attach '{quoted_old}' as \"{alias}\" (read_only)")
            con.execute(
                f"attach '{quoted_new}' as compacted (storage_version '{schema.STORAGE_VERSION}')"
            )
            con.execute(f'copy from database "{alias}" to compacted (schema)')
            con.execute("use compacted")
            for table in ("raw.hf_models", "raw.hf_models_pending"):
                con.execute(f"drop table {table}")
            for ddl in schema.SCHEMA_DDL:
                con.execute(ddl.format(payload_compression=" using compression zstd"))
            con.execute(f'copy from database "{alias}" to compacted (data)')
            check_same_rows(con, alias)
            con.execute("use memory")
            con.execute("detach compacted")
    except BaseException:
        fresh.unlink(missing_ok=True)
        raise
    fresh.replace(path)
    return before, path.stat().st_size


def check_same_rows(con: duckdb.DuckDBPyConnection, alias: str) -> None:
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = ?", [alias]
    ).fetchall()
    for schema_name, table in tables:
        old, new = (
            con.execute(f'select count(*) from "{db}"."{schema_name}"."{table}"').fetchone()[0]
            for db in (alias, "compacted")
        )
        if old != new:
            raise IngestError(f"compacting lost rows of {schema_name}.{table} ({old} -> {new})")


def sql_text(path: Path) -> str:
    return str(path).replace("'", "''")
