"""Land one archive Parquet file (the Hub's catalogue as others archived it) as one snapshot.

Archives such as `cfahlgren1/hub-stats` and `hfmlsoc/hub_weekly_snapshots` hold one row per
model with the API's own field names as columns, typed however their writer chose. Each row
becomes the object the API would have served (absent or null fields left out, timestamps as
the API's UTC ISO strings, lists and structs as JSON), so staging and every mart read it like
a crawled page. Only the columns the warehouse reads are read: a weekly file is 1.5 GB, most
of it `cardData`, `siblings` and `config`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ingest import warehouse
from ingest.errors import IngestError, UsageError
from ingest.hub_fields import hub_fields, required_hub_fields
from ingest.loader import Summary, make_snapshot_id, refuse_same_capture_time, summarise

log = logging.getLogger(__name__)

# Read besides the seed's fields: the id the warehouse keys on, and the API's other ids.
ID_FIELDS = ("id", "_id", "modelId")
# String columns the API serves as JSON objects (hub-stats stores cardData as JSON text).
JSON_TEXT_FIELDS = frozenset({"cardData", "config"})
# The API's timestamp format: UTC, milliseconds, a Z.
API_TIMESTAMP = "%Y-%m-%dT%H:%M:%S.%gZ"
# Rows pyarrow reads at a time when spooling a file object's kept columns: a few MB (tags
# dominate), whatever the size of the file's row groups.
BATCH_ROWS = 65_536
# Written by `make export` into its Parquet files: the exact capture time (a folder carries
# only the date) and whether the snapshot was the whole catalogue.
META_SNAPSHOT_AT = b"hf_trends.snapshot_at"
META_FULL_CATALOGUE = b"hf_trends.full_catalogue"

# Characters DuckDB's read_parquet takes for a glob.
GLOB_CHARACTERS = frozenset("*?[")
DATE_IN_PATH = re.compile(
    r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)|(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"
)


@dataclass(frozen=True)
class ArchiveLayout:
    """What a file offers: the columns read, the fields the seed wants that it lacks."""

    read: list[str]
    fields_present: list[str]
    required_missing: list[str]
    ignored: list[str]


def capture_time_in_path(path: str) -> datetime | None:
    """Midnight UTC of the last date in `path` (`2024-07-24` or `20240724`), if any."""
    found = None
    for match in DATE_IN_PATH.finditer(path):
        year, month, day = (int(g) for g in match.groups() if g is not None)
        try:
            found = datetime(year, month, day, tzinfo=UTC)
        except ValueError:
            continue
    return found


def archive_layout(schema: pa.Schema, name: str) -> ArchiveLayout:
    """Which of the file's columns to read; refuses a file without a string `id` column."""
    columns = schema.names
    if "id" not in columns:
        raise IngestError(
            f"{name}: no `id` column, so no row can be keyed to a model; nothing landed "
            f"(columns: {', '.join(columns[:12])}{', ...' if len(columns) > 12 else ''})"
        )
    id_type = schema.field("id").type
    if not is_string_type(id_type):
        raise IngestError(f"{name}: the `id` column holds {id_type}, not strings; nothing landed")
    wanted = hub_fields()
    read = [c for c in columns if c in ID_FIELDS or c in wanted]
    return ArchiveLayout(
        read=read,
        fields_present=[f for f in wanted if f in columns],
        required_missing=[f for f in required_hub_fields() if f not in columns],
        ignored=[c for c in columns if c not in read],
    )


def is_string_type(arrow_type: pa.DataType) -> bool:
    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    return (
        pa.types.is_string(arrow_type)
        or pa.types.is_large_string(arrow_type)
        or pa.types.is_string_view(arrow_type)
    )


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def json_value_sql(field: pa.Field) -> str:
    """SQL for one column's value as JSON text, as the API serves that field."""
    column = quote_identifier(field.name)
    arrow_type = field.type
    if pa.types.is_timestamp(arrow_type):
        utc = f"timezone('UTC', {column})" if arrow_type.tz else f"{column}::timestamp"
        return f"to_json(strftime({utc}, '{API_TIMESTAMP}'))"
    if pa.types.is_date(arrow_type):
        return f"to_json(strftime({column}::timestamp, '{API_TIMESTAMP}'))"
    if pa.types.is_floating(arrow_type):
        # JSON has no NaN or Infinity (pandas writes a missing count as NaN).
        return f"case when isfinite({column}) then to_json({column}) end"
    if is_string_type(arrow_type) and field.name in JSON_TEXT_FIELDS:
        return f"case when json_valid({column}) then {column}::json else to_json({column}) end"
    if pa.types.is_null(arrow_type):
        return "null"
    return f"to_json({column})"


def payload_sql(schema: pa.Schema, columns: list[str]) -> str:
    """SQL building each row's API object from `columns`, a null field left out as the API does.

    One vectorised expression over a whole batch (DuckDB reads Arrow in place), not Python per
    row: the timestamps, lists and structs are converted by DuckDB.
    """
    members = []
    for name in columns:
        value = json_value_sql(schema.field(name))
        key = quote_literal(json.dumps(name) + ":")
        members.append(f"case when ({value}) is not null then {key} || ({value}) end")
    return "'{' || concat_ws(',', " + ", ".join(members) + ") || '}'"


def model_id_sql(columns: list[str]) -> str:
    """The model's key: `id`, else `modelId` as the JSON path falls back to; null when unusable."""
    candidates = [f"nullif({quote_identifier(c)}::varchar, '')" for c in ("id", "modelId")]
    return f"coalesce({', '.join(candidates if 'modelId' in columns else candidates[:1])})"


def duckdb_memory_limit() -> str:
    """DuckDB's share of the user's cap: Python, pyarrow and DuckDB's own code take ~250 MB
    beside it (at 1M models with the whole cap the process peaked 12% over it)."""
    cap = warehouse.size_bytes(warehouse.memory_limit())
    share = max(64 * 2**20, min(cap // 2, cap - 256 * 2**20))
    return f"{share // 2**20}MiB"


def file_sha256(handle: BinaryIO) -> str:
    return hashlib.file_digest(handle, "sha256").hexdigest()


def local_identity(path: Path) -> tuple[str, int, str]:
    """Display name, size and SHA-256 of a local archive file."""
    if not path.exists():
        raise IngestError(f"{path}: no such file")
    if path.is_dir():
        raise IngestError(f"{path}: is a directory, not a Parquet file")
    with path.open("rb") as handle:
        return str(path.resolve()), path.stat().st_size, file_sha256(handle)


def open_parquet(source: str | os.PathLike[str] | BinaryIO, name: str) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(source)
    except (pa.ArrowException, OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise IngestError(
            f"{name}: not a readable Parquet file ({first}); nothing landed"
        ) from None


def file_capture_time(parquet: pq.ParquetFile) -> datetime | None:
    """The capture time `make export` wrote into the file, if it did."""
    metadata = parquet.schema_arrow.metadata or {}
    text = metadata.get(META_SNAPSHOT_AT)
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.decode())
    except ValueError:
        return None
    # The warehouse's timestamps are UTC without an offset.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def is_full_catalogue(parquet: pq.ParquetFile) -> bool:
    """Archives are the whole Hub; a file `make export` wrote from a sample says so."""
    metadata = parquet.schema_arrow.metadata or {}
    return metadata.get(META_FULL_CATALOGUE, b"true") != b"false"


@contextmanager
def local_copy(
    source: str | os.PathLike[str] | BinaryIO,
    parquet: pq.ParquetFile,
    columns: list[str],
    name: str,
) -> Iterator[str]:
    """A local Parquet file DuckDB can read: the path itself, or the kept columns of a file
    object spooled row group by row group into a temporary file.

    DuckDB reads Parquet within its memory limit; fed Arrow batches from Python instead, it
    held ~1 GB at 1M models whatever its limit (one stream or many inserts alike).
    """
    if isinstance(source, str | os.PathLike):
        if not GLOB_CHARACTERS & set(str(source)):
            yield str(source)
            return
        # DuckDB reads a path holding * ? or [ as a pattern: give it a plain name for the file.
        with tempfile.TemporaryDirectory(prefix="hf-trends-") as folder:
            link = Path(folder) / "archive.parquet"
            link.symlink_to(Path(source).resolve())
            yield str(link)
        return
    schema = pa.schema([parquet.schema_arrow.field(c) for c in columns])
    position = 1
    with tempfile.TemporaryDirectory(prefix="hf-trends-") as spool:
        path = Path(spool) / "archive.parquet"
        try:
            with pq.ParquetWriter(path, schema) as writer:
                for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=columns):
                    writer.write_batch(batch)
                    position += batch.num_rows
        except (pa.ArrowException, OSError) as exc:
            first = str(exc).strip().splitlines()[0]
            raise IngestError(
                f"{name}: unreadable near row {position} ({first}); nothing landed"
            ) from None
        yield str(path)


def land_archive(
    database: Path,
    source: str | os.PathLike[str] | BinaryIO,
    snapshot_at: datetime | None = None,
    *,
    name: str | None = None,
    size: int | None = None,
    sha256: str | None = None,
    allow_same_capture_time: bool = False,
) -> Summary:
    """Land one archive Parquet file as one snapshot, in one transaction.

    land_archive(database, source, snapshot_at=None, *, name=None, size=None, sha256=None,
                 allow_same_capture_time=False)

    - `source`: a local path, or anything `pyarrow.parquet.ParquetFile` reads, such as an
      open binary file (an fsspec/HfFileSystem file: only the footer and the kept columns'
      chunks are read, by range requests).
    - `name`, `size`, `sha256`: the file's display name (recorded as the snapshot's source),
      byte size and SHA-256 (for a Hub file its LFS oid). Computed for a local path; required
      for a file object.
    - `snapshot_at`: the capture time; if None, the time `make export` wrote in the file, else
      midnight UTC of the date in `name` (`2024-07-24` or `20240724`), else an IngestError.

    A file whose checksum was landed before is not read again (the summary says so). Raises
    IngestError, with nothing landed, for a file that is not Parquet or has no string `id`
    column; rows without a usable id go to raw.hf_models_rejected. The snapshot's request
    records the file's name, size, checksum, the seed's fields it has and the required ones it
    lacks (then it is not a full observation), and the columns left unread. A different file
    (or crawl) already landed with the same capture time is refused, as for --from-file, unless
    `allow_same_capture_time`.
    """
    started = time.monotonic()
    if isinstance(source, str | os.PathLike):
        local_name, local_size, local_sha = local_identity(Path(source))
        name, size, sha256 = name or local_name, size or local_size, sha256 or local_sha
    elif name is None or size is None or sha256 is None:
        raise UsageError("land_archive: a file object needs its name, size and sha256")
    with warehouse.open_raw_layer(database) as con:
        existing = warehouse.find_snapshot(
            con, "status = 'complete' and content_sha256 = ?", [sha256]
        )
        if existing:
            return summarise(
                existing, started, f"already landed from {existing['source']}; nothing to do"
            )
        parquet = open_parquet(source, name)
        layout = archive_layout(parquet.schema_arrow, name)
        snapshot_at = snapshot_at or file_capture_time(parquet) or capture_time_in_path(name)
        if snapshot_at is None:
            raise UsageError(
                f"{name}: no capture time: give --snapshot-at, or a date in the file's path "
                "(2024-07-24 or 20240724)"
            )
        refuse_same_capture_time(con, snapshot_at, name, allow_same_capture_time)
        request = {
            "kind": "archive",
            "file": name,
            "size": size,
            "sha256": sha256,
            "rows": parquet.metadata.num_rows,
            "row_groups": parquet.metadata.num_row_groups,
            "fields_present": layout.fields_present,
            "required_missing": layout.required_missing,
            "columns_ignored": layout.ignored,
            "full_catalogue": is_full_catalogue(parquet),
        }
        snapshot_id = make_snapshot_id(snapshot_at, sha256)
        con.execute(f"set memory_limit = '{duckdb_memory_limit()}'")
        try:
            with warehouse.transaction(con):
                warehouse.start_snapshot(
                    con, snapshot_id, snapshot_at, name, request, sha256, sha256
                )
                with local_copy(source, parquet, layout.read, name) as path:
                    landed, rejected = land_rows(
                        con, path, parquet.schema_arrow, layout, snapshot_id
                    )
                if landed == 0:
                    raise IngestError(
                        f"{name}: holds no rows with a usable id ({rejected} rejected); "
                        "nothing landed"
                    )
                con.execute(
                    """
                    update raw.snapshots set
                        next_url = null, pages_landed = 1, objects_served = ?,
                        rejected_count = ?
                    where snapshot_id = ?
                    """,
                    [landed + rejected, rejected, snapshot_id],
                )
                snapshot = warehouse.complete_snapshot(con, snapshot_id, landed)
        except duckdb.Error as exc:
            raise IngestError(warehouse.describe_duckdb_error(exc, name)) from None
    if layout.ignored:
        log.info("%s: columns not read: %s", name, ", ".join(layout.ignored))
    if rejected:
        log.warning("%s: %d row(s) without a usable id rejected", name, rejected)
    note = ""
    if layout.required_missing:
        note = f"not a full observation: no {', '.join(layout.required_missing)}"
    return summarise(snapshot, started, note)


def land_rows(
    con: duckdb.DuckDBPyConnection,
    path: str,
    schema: pa.Schema,
    layout: ArchiveLayout,
    snapshot_id: str,
) -> tuple[int, int]:
    """Two passes: ids only (to find repeats and rejects), then each kept payload written once.

    A repeated id keeps its later row, as a crawl keeps a model's later copy. Caller owns the
    transaction. Returns (rows with a usable id, repeats included; rows rejected).
    """
    snapshot = warehouse.find_snapshot(con, "snapshot_id = ?", [snapshot_id])
    assert snapshot is not None
    loaded_at = warehouse.utc_now()
    id_columns = [c for c in ("id", "modelId") if c in layout.read]
    model_id = model_id_sql(id_columns)
    rows = "read_parquet(?, file_row_number = true)"
    con.execute(
        f"""
        create or replace temp table archive_ids as
        select file_row_number + 1 as position, {model_id} as model_id from {rows}
        """,
        [path],
    )
    landed, rejected = con.execute(
        "select count(model_id), count(*) - count(model_id) from archive_ids"
    ).fetchone()
    con.execute(
        """
        create or replace temp table archive_skipped as
        select position from archive_ids
        where model_id is not null
        qualify position < max(position) over (partition by model_id)
        union all
        select position from archive_ids where model_id is null
        """
    )
    con.execute("drop table archive_ids")
    payload = payload_sql(schema, layout.read)
    con.execute(
        f"""
        insert into raw.hf_models
        select ?, {model_id}, {payload}, ?, ?, ?
        from {rows} as archive_rows
        anti join archive_skipped on archive_rows.file_row_number + 1 = archive_skipped.position
        """,
        [snapshot_id, snapshot["snapshot_at"], snapshot["source"], loaded_at, path],
    )
    if rejected:
        # Rare, so their text is built in a pass of its own rather than in every file's.
        con.execute(
            f"""
            insert into raw.hf_models_rejected
            select ?, 1, file_row_number + 1,
                case when id is null then 'missing id: "id" is null'
                    else 'unusable id: "id" is an empty string' end,
                {payload}, ?
            from {rows}
            where {model_id} is null
            """,
            [snapshot_id, loaded_at, path],
        )
    con.execute("drop table archive_skipped")
    return landed, rejected
