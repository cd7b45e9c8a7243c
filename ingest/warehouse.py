"""The raw layer of the warehouse: DuckDB tables the loader writes and dbt reads.

This module opens the warehouse and runs the snapshot life cycle; the tables themselves are set
up in ingest.schema, and retention (pruning old payloads) lives in ingest.retention.

Every snapshot reaches `raw.hf_models` in one transaction. A crawl lands page by page into
`raw.hf_models_pending` (so a killed crawl can resume), and only its final step moves the
snapshot into `raw.hf_models`; readers therefore never see half a snapshot. A saved file has
nothing to resume, so it goes straight to `raw.hf_models` in its single transaction.
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

from hf_common.cli import DEFAULT_DATABASE as DEFAULT_DATABASE
from hf_common.cli import DEFAULT_MEMORY_LIMIT, MEMORY_LIMIT_VARIABLE, is_lock_error
from hf_common.cli import database_path as database_path
from ingest import schema
from ingest.errors import IngestError, UsageError, WarehouseLockedError

MEMORY_SIZE = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)

# read_json_objects refuses larger objects; a model object is a few KB (a `--full` one with a
# long file list well under 1 MB), so anything near this is a broken file. The reader's buffers
# grow with the limit: at 64 MB a 1M-model file took 620 MB of memory to scan, at 16 MB 190 MB.
MAX_OBJECT_BYTES = 16 * 1024 * 1024

# One place that decides what a landable object is; the SQL is shared by file and API landing.
# Every JSON function over a whole object re-parses its text, so the object is parsed once, to
# pull out `id` and `modelId` (SQL NULL when absent); the rest looks only at those small values.
# A JSON text is an object exactly when it starts with "{".
CLASSIFY_SQL = """
    select
        position,
        json as raw_text,
        case
            when ids is null then null
            when json_type(ids[1]) = 'VARCHAR' and json_extract_string(ids[1], '$') <> ''
                then json_extract_string(ids[1], '$')
            when json_type(ids[2]) = 'VARCHAR' and json_extract_string(ids[2], '$') <> ''
                then json_extract_string(ids[2], '$')
        end as model_id,
        case
            when ids is null
                then 'not a JSON object (' || coalesce(json_type(json), 'null') || ')'
            when ids[1] is null and ids[2] is null
                then 'missing id: neither "id" nor "modelId" is present'
            else 'unusable id: "id"/"modelId" is not a non-empty string'
        end as reason
    from (
        select
            position,
            json,
            case
                when starts_with(json::varchar, '{{') then json_extract(json, ['$.id', '$.modelId'])
            end as ids
        from read_json_objects(?, format = '{json_format}', maximum_object_size = {max_bytes})
            with ordinality as t(json, position)
    )
"""


def classify_sql(json_format: str) -> str:
    """CLASSIFY_SQL for one JSON layout of read_json_objects: auto, array or newline_delimited."""
    return CLASSIFY_SQL.format(json_format=json_format, max_bytes=MAX_OBJECT_BYTES)


@dataclass(frozen=True)
class PageResult:
    landed: int
    rejected: int


def memory_limit() -> str:
    """The user's memory cap ($HF_TRENDS_MEMORY_LIMIT), checked before it reaches SQL."""
    value = os.environ.get(MEMORY_LIMIT_VARIABLE, "").strip() or DEFAULT_MEMORY_LIMIT
    if not MEMORY_SIZE.fullmatch(value):
        raise UsageError(
            f"{MEMORY_LIMIT_VARIABLE}={value!r} is not a size DuckDB understands; "
            "use e.g. 512MB or 2GB"
        )
    return value


SIZE_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
SIZE_UNITS |= {"kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
# A crawl needs memory for the page in hand, not for what it landed before: DuckDB would keep
# up to the whole cap of landed pages cached, so the crawl's peak grew with the Hub (1M models
# 595 MB, 3M 878 MB under a 1GB cap). Pages land under this floor, or more for a large page
# (landing a 14 MB page took ~12 times its size), never above the user's cap.
CRAWL_MEMORY_FLOOR = 256 * 2**20
CRAWL_MEMORY_PER_PAGE_BYTE = 16
# Publishing moves every landed payload in one transaction, which spills under a cap as well
# at 128 MiB as at 256 (the insert's memory is the cap's); the lower cap took the loader's
# peak at publishing from 421 to 288 MB for 200k real-shaped models, 442 to 316 MB for 600k.
# The cap is also the bound: the peak rises only until DuckDB's buffer pool has filled it
# (~3M models), then stays at ~350-380 MB (3M, 5M and 6M alike; BENCHMARKS.md, "Publishing a
# crawl").
PUBLISH_MEMORY_LIMIT = 128 * 2**20


def size_bytes(text: str) -> int:
    match = MEMORY_SIZE.fullmatch(text.strip())
    assert match is not None, text
    number = text.strip()[: match.start(2)].strip()
    return int(float(number) * SIZE_UNITS[match[2].lower()])


def crawl_memory_limit(page_bytes: int) -> str:
    """DuckDB's cap while landing a page of `page_bytes`."""
    wanted = max(CRAWL_MEMORY_FLOOR, CRAWL_MEMORY_PER_PAGE_BYTE * page_bytes)
    return f"{min(size_bytes(memory_limit()), wanted) // 2**20}MiB"


def publish_memory_limit() -> str:
    """DuckDB's cap while publishing a crawl: PUBLISH_MEMORY_LIMIT, or the user's if lower."""
    return f"{min(size_bytes(memory_limit()), PUBLISH_MEMORY_LIMIT) // 2**20}MiB"


def utc_now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse, turning DuckDB's lock error into one that says how to free it.

    Only opens it (a writer creates a missing file): the raw layer's tables are set up by
    `open_raw_layer`, so a lock check never runs DDL.
    """
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if not read_only and not path.exists():
            schema.create_database_file(path)
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if is_lock_error(exc):
            raise WarehouseLockedError(path, str(exc)) from None
        raise IngestError(f"cannot open warehouse {path}: {exc}") from None
    try:
        con.execute("set TimeZone = 'UTC'")
        yield con
    finally:
        con.close()


@contextmanager
def open_raw_layer(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse to write it, its raw tables created or brought up to date first."""
    with connect(path) as con:
        con.execute(f"set memory_limit = '{memory_limit()}'")
        schema.ensure_raw_layer(con)
        yield con


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
    objects: int | None = None,
) -> PageResult:
    """Stage one page of model objects and move the resume point past it.

    `objects` is how many objects the caller saw on the page, if it counted: when all of them
    land, the pass that looks for rejects is skipped (a third of a page's cost otherwise).
    Caller owns the transaction: the objects and the resume point must commit together.
    """
    loaded_at = utc_now()
    # --limit can stop a crawl part-way through a page.
    limit = max_objects if max_objects is not None else 2**62
    # A page is always a JSON array (the client checked). Format detection ('auto') buffers
    # the whole page several times over: a 21 MB page of many-tag models needed over 244 MB
    # and failed a crawl under its memory cap, where 'array' streams it in a few MB.
    classified = f"({classify_sql('array')}) where position <= ?"
    landed = con.execute(
        f"""
        insert into raw.hf_models_pending
        select ?, ?, position, model_id, raw_text, ?
        from {classified} and model_id is not null
        """,
        [snapshot_id, page_number, loaded_at, str(json_path), limit],
    ).fetchone()[0]
    rejected = 0
    if objects is None or landed < min(objects, limit):
        rejected = con.execute(
            f"""
            insert into raw.hf_models_rejected
            select ?, ?, position, reason, raw_text, ?
            from {classified} and model_id is null
            """,
            [snapshot_id, page_number, loaded_at, str(json_path), limit],
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
    return PageResult(landed=landed, rejected=rejected)


def land_file_objects(
    con: duckdb.DuckDBPyConnection, snapshot_id: str, json_path: Path, json_format: str
) -> PageResult:
    """Land a whole saved response straight into raw.hf_models, the later copy of a repeat kept.

    Two passes over the file: the first reads only ids (and the text of rejected objects), so
    that the second can write each kept payload once, straight from the file. Staging payloads
    in a temp table wrote a 1M-model file three times; joining them back to the ids by position
    and hash took as long as reading the ids again, with 230 MB more memory at 1M models. Caller
    owns the transaction, and completes the snapshot afterwards.
    """
    snapshot = find_snapshot(con, "snapshot_id = ?", [snapshot_id])
    assert snapshot is not None
    loaded_at = utc_now()
    path = str(json_path)
    classify = f"({classify_sql(json_format)})"
    con.execute(
        f"""
        create or replace temp table file_objects as
        select
            position,
            model_id,
            case when model_id is null then raw_text end as raw_text,
            case when model_id is null then reason end as reason,
        from {classify}
        """,
        [path],
    )
    rejected = con.execute(
        """
        insert into raw.hf_models_rejected
        select ?, 1, position, reason, raw_text, ?
        from file_objects where model_id is null
        """,
        [snapshot_id, loaded_at],
    ).fetchone()[0]
    (landed,) = con.execute(
        "select count(*) from file_objects where model_id is not null"
    ).fetchone()
    # A repeated model keeps its later copy, as publish_snapshot does for a crawl.
    con.execute(
        """
        create or replace temp table file_superseded as
        select position from file_objects
        where model_id is not null
        qualify position < max(position) over (partition by model_id)
        """
    )
    (expected,) = con.execute("select ? - count(*) from file_superseded", [landed]).fetchone()
    models = con.execute(
        f"""
        insert into raw.hf_models
        select ?, objects.model_id, objects.raw_text, ?, ?, ?
        from {classify} as objects
        anti join file_superseded on objects.position = file_superseded.position
        where objects.model_id is not null
        """,
        [snapshot_id, snapshot["snapshot_at"], snapshot["source"], loaded_at, path],
    ).fetchone()[0]
    if models != expected:
        raise IngestError(f"{json_path}: the file changed while it was being landed; retry")
    con.execute("drop table file_objects")
    con.execute("drop table file_superseded")
    con.execute(
        """
        update raw.snapshots set
            next_url = null, pages_landed = 1, objects_served = ?, rejected_count = ?
        where snapshot_id = ?
        """,
        [landed + rejected, rejected, snapshot_id],
    )
    return PageResult(landed=landed, rejected=rejected)


def publish_snapshot(con: duckdb.DuckDBPyConnection, snapshot_id: str) -> dict[str, Any]:
    """Move a staged snapshot to raw.hf_models, keeping the later copy of a repeated model.

    Caller owns the transaction, so readers see the whole snapshot or none of it.
    """
    snapshot = find_snapshot(con, "snapshot_id = ?", [snapshot_id])
    assert snapshot is not None
    # Only the superseded copies are ranked (a crawl repeats ~0.05% of its models), and the
    # payloads are copied past that short list: ranking and joining back every landed key took
    # 3x the time at 3M models and needed a larger DuckDB cap (BENCHMARKS.md, "Publishing a
    # crawl"; tests/test_publish_memory.py).
    con.execute(
        """
        insert into raw.hf_models
        with repeated as (
            select model_id
            from raw.hf_models_pending
            where snapshot_id = $3
            group by model_id
            having count(*) > 1
        ),

        superseded as (
            select page_number, position
            from raw.hf_models_pending
            semi join repeated using (model_id)
            where snapshot_id = $3
            qualify row_number() over (
                partition by model_id order by page_number desc, position desc
            ) > 1
        )

        select pending.snapshot_id, pending.model_id, pending.payload, $1, $2, pending.loaded_at
        from raw.hf_models_pending as pending
        anti join superseded using (page_number, position)
        where pending.snapshot_id = $3
        """,
        [snapshot["snapshot_at"], snapshot["source"], snapshot_id],
    )
    (staged,) = con.execute(
        "select count(*) from raw.hf_models_pending where snapshot_id = ?", [snapshot_id]
    ).fetchone()
    con.execute("delete from raw.hf_models_pending where snapshot_id = ?", [snapshot_id])
    return complete_snapshot(con, snapshot_id, staged)


def complete_snapshot(
    con: duckdb.DuckDBPyConnection, snapshot_id: str, staged: int
) -> dict[str, Any]:
    """Mark a snapshot whose models are in raw.hf_models complete; `staged` counts repeats too."""
    (models,) = con.execute(
        "select count(*) from raw.hf_models where snapshot_id = ?", [snapshot_id]
    ).fetchone()
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
    if isinstance(exc, duckdb.OutOfMemoryException):
        limit = os.environ.get(MEMORY_LIMIT_VARIABLE) or DEFAULT_MEMORY_LIMIT
        return (
            f"{what}: out of memory under {MEMORY_LIMIT_VARIABLE}={limit}; raise the cap "
            f"(e.g. {MEMORY_LIMIT_VARIABLE}=4GB) and run the same command again"
        )
    first = str(exc).strip().splitlines()[0]
    return f"{what}: {re.sub(r'^[A-Za-z ]+ Error: ', '', first)}"
