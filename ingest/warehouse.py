"""The raw layer of the warehouse: DuckDB tables the loader writes and dbt reads.

Every snapshot reaches `raw.hf_models` in one transaction. A crawl lands page by page into
`raw.hf_models_pending` (so a killed crawl can resume), and only its final step moves the
snapshot into `raw.hf_models`; readers therefore never see half a snapshot.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from ingest.errors import IngestError, WarehouseLockedError

DEFAULT_DATABASE = "warehouse/hf_trends.duckdb"

# read_json_objects refuses larger objects; a model object is a few KB, so anything near this is
# a broken file, and the limit keeps one bad line from eating the machine's memory.
MAX_OBJECT_BYTES = 64 * 1024 * 1024

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
        payload json not null,
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
        payload json not null,
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
]

# One place that decides what a landable object is; the SQL is shared by file and API landing.
CLASSIFY_SQL = """
    select
        position,
        json as raw_text,
        case
            when json_type(json) is distinct from 'OBJECT' then null
            when json_type(json, '$.id') = 'VARCHAR' and json_extract_string(json, '$.id') <> ''
                then json_extract_string(json, '$.id')
            when json_type(json, '$.modelId') = 'VARCHAR'
                and json_extract_string(json, '$.modelId') <> ''
                then json_extract_string(json, '$.modelId')
        end as model_id,
        case
            when json_type(json) is distinct from 'OBJECT'
                then 'not a JSON object (' || coalesce(json_type(json), 'null') || ')'
            when json_type(json, '$.id') is null and json_type(json, '$.modelId') is null
                then 'missing id: neither "id" nor "modelId" is present'
            else 'unusable id: "id"/"modelId" is not a non-empty string'
        end as reason
    from read_json_objects(?, format = 'auto', maximum_object_size = {max_bytes})
        with ordinality as t(json, position)
"""


@dataclass(frozen=True)
class PageResult:
    landed: int
    rejected: int


def database_path(cli_value: str | None) -> Path:
    return Path(cli_value or os.environ.get("HF_TRENDS_DB") or DEFAULT_DATABASE)


def utc_now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse, turning DuckDB's lock error into one that says how to free it."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseLockedError(path, str(exc)) from None
        raise IngestError(f"cannot open warehouse {path}: {exc}") from None
    try:
        con.execute("set TimeZone = 'UTC'")
        if not read_only:
            for ddl in SCHEMA_DDL:
                con.execute(ddl)
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def find_snapshot(
    con: duckdb.DuckDBPyConnection, where: str, params: list[Any]
) -> dict[str, Any] | None:
    cursor = con.execute(f"select * from raw.snapshots where {where} order by started_at", params)
    rows = cursor.fetchall()
    if not rows:
        return None
    columns = [d[0] for d in cursor.description]
    return dict(zip(columns, rows[-1], strict=True))


def start_snapshot(
    con: duckdb.DuckDBPyConnection,
    snapshot_id: str,
    snapshot_at: datetime,
    source: str,
    request: dict[str, Any],
    fingerprint: str,
    content_sha256: str | None = None,
    first_url: str | None = None,
) -> None:
    con.execute(
        """
        insert into raw.snapshots (
            snapshot_id, snapshot_at, source, request, request_fingerprint, content_sha256,
            status, started_at, next_url
        ) values (?, ?, ?, ?, ?, ?, 'loading', ?, ?)
        """,
        [
            snapshot_id,
            snapshot_at,
            source,
            json.dumps(request, sort_keys=True),
            fingerprint,
            content_sha256,
            utc_now(),
            first_url,
        ],
    )


def land_page(
    con: duckdb.DuckDBPyConnection,
    snapshot_id: str,
    page_number: int,
    json_path: Path,
    next_url: str | None,
    retries: int = 0,
    max_objects: int | None = None,
) -> PageResult:
    """Stage one page (or one whole file) of model objects and move the resume point past it.

    Caller owns the transaction: the objects and the resume point must commit together.
    """
    loaded_at = utc_now()
    # --limit can stop a crawl part-way through a page.
    con.execute(
        "create or replace temp table page_objects as "
        + CLASSIFY_SQL.format(max_bytes=MAX_OBJECT_BYTES)
        + " where position <= ?",
        [str(json_path), max_objects if max_objects is not None else 2**62],
    )
    landed = con.execute(
        """
        insert into raw.hf_models_pending
        select ?, ?, position, model_id, raw_text, ?
        from page_objects where model_id is not null
        """,
        [snapshot_id, page_number, loaded_at],
    ).fetchone()[0]
    rejected = con.execute(
        """
        insert into raw.hf_models_rejected
        select ?, ?, position, reason, raw_text, ?
        from page_objects where model_id is null
        """,
        [snapshot_id, page_number, loaded_at],
    ).fetchone()[0]
    con.execute(
        """
        update raw.snapshots set
            next_url = ?,
            pages_landed = ?,
            objects_served = objects_served + ?,
            rejected_count = rejected_count + ?,
            retry_count = retry_count + ?
        where snapshot_id = ?
        """,
        [next_url, page_number, landed + rejected, rejected, retries, snapshot_id],
    )
    con.execute("drop table page_objects")
    return PageResult(landed=landed, rejected=rejected)


def publish_snapshot(con: duckdb.DuckDBPyConnection, snapshot_id: str) -> dict[str, Any]:
    """Move a staged snapshot to raw.hf_models, keeping the later copy of a repeated model.

    Caller owns the transaction, so readers see the whole snapshot or none of it.
    """
    snapshot = find_snapshot(con, "snapshot_id = ?", [snapshot_id])
    assert snapshot is not None
    con.execute(
        """
        insert into raw.hf_models
        select snapshot_id, model_id, payload, ?, ?, loaded_at
        from raw.hf_models_pending
        where snapshot_id = ?
        qualify row_number() over (
            partition by model_id order by page_number desc, position desc
        ) = 1
        """,
        [snapshot["snapshot_at"], snapshot["source"], snapshot_id],
    )
    staged, models = con.execute(
        """
        select
            (select count(*) from raw.hf_models_pending where snapshot_id = $1),
            (select count(*) from raw.hf_models where snapshot_id = $1)
        """,
        [snapshot_id],
    ).fetchone()
    con.execute("delete from raw.hf_models_pending where snapshot_id = ?", [snapshot_id])
    con.execute(
        """
        update raw.snapshots set
            status = 'complete', completed_at = ?, next_url = null,
            model_count = ?, duplicate_count = ?
        where snapshot_id = ?
        """,
        [utc_now(), models, staged - models, snapshot_id],
    )
    finished = find_snapshot(con, "snapshot_id = ?", [snapshot_id])
    assert finished is not None
    return finished


def discard_snapshot(con: duckdb.DuckDBPyConnection, snapshot_id: str) -> None:
    with transaction(con):
        for table in ("raw.hf_models_pending", "raw.hf_models_rejected", "raw.snapshots"):
            con.execute(f"delete from {table} where snapshot_id = ?", [snapshot_id])


def describe_duckdb_error(exc: duckdb.Error, what: str) -> str:
    """DuckDB's messages carry a multi-line hint; the first sentence is the useful part."""
    first = str(exc).strip().splitlines()[0]
    return f"{what}: {re.sub(r'^[A-Za-z ]+ Error: ', '', first)}"
