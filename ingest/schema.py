"""The raw layer's tables: created in a new warehouse, brought up to date in an existing one.

Apart from `ingest.warehouse.connect` so that opening the warehouse (a lock check, a read)
never runs DDL; the loader and prune open it through `warehouse.open_raw_layer`, which does.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

# New warehouse files are created in a storage format that can zstd-compress a column: a model
# object's JSON shrinks ~4.5x with zstd against ~2x with DuckDB's automatic choice (FSST), and
# writes faster too. An older file keeps its format, where zstd would silently mean uncompressed,
# so the payload columns ask for zstd only where the file supports it.
STORAGE_VERSION = "v1.2.0"
ZSTD_MIN_STORAGE = (1, 2)

SCHEMA_DDL = [
    "create schema if not exists raw",
    """
    create table if not exists raw.snapshots (
        snapshot_id varchar primary key,
        snapshot_at timestamptz not null,
        source varchar not null,
        request json not null,
        request_fingerprint varchar not null,
        content_sha256 varchar,
        status varchar not null,
        started_at timestamptz not null,
        completed_at timestamptz,
        next_url varchar,
        pages_landed integer not null default 0,
        objects_served bigint not null default 0,
        model_count bigint,
        duplicate_count bigint,
        rejected_count bigint not null default 0,
        retry_count bigint not null default 0
    )
    """,
    """
    create table if not exists raw.hf_models (
        snapshot_id varchar not null,
        model_id varchar not null,
        payload json not null{payload_compression},
        snapshot_at timestamptz not null,
        source varchar not null,
        loaded_at timestamptz not null
    )
    """,
    """
    create table if not exists raw.hf_models_pending (
        snapshot_id varchar not null,
        page_number integer not null,
        position integer not null,
        model_id varchar not null,
        payload json not null{payload_compression},
        loaded_at timestamptz not null
    )
    """,
    """
    create table if not exists raw.hf_models_rejected (
        snapshot_id varchar not null,
        page_number integer not null,
        position integer not null,
        reason varchar not null,
        raw_text varchar not null,
        rejected_at timestamptz not null
    )
    """,
    # Set by `python -m ingest.prune` when the snapshot's payloads left raw.hf_models; the
    # history tables dbt built from them keep the snapshot.
    "alter table raw.snapshots add column if not exists payload_pruned_at timestamptz",
]


def ensure_raw_layer(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw tables, or add what an older warehouse lacks; every statement is a no-op
    when the layer is already up to date."""
    compression = " using compression zstd" if supports_zstd(con) else ""
    for ddl in SCHEMA_DDL:
        con.execute(ddl.format(payload_compression=compression))


def create_database_file(path: Path) -> None:
    """An empty warehouse file in STORAGE_VERSION; only ATTACH can choose a file's format."""
    quoted = str(path).replace("'", "''")
    with duckdb.connect() as con:
        con.execute(f"attach '{quoted}' as new_warehouse (storage_version '{STORAGE_VERSION}')")
        con.execute("detach new_warehouse")


def supports_zstd(con: duckdb.DuckDBPyConnection) -> bool:
    (tags,) = con.execute(
        "select tags from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    match = re.match(r"v(\d+)\.(\d+)", tags.get("storage_version", ""))
    return bool(match) and (int(match[1]), int(match[2])) >= ZSTD_MIN_STORAGE
