"""The history as Parquet in the public archives' column layout, for any engine and for another
hf-trends to land with `python -m ingest --from-parquet`.

- `history/snapshot_date=YYYY-MM-DD/<snapshot_id>.parquet`: one file per snapshot (the
  `snapshot_date=` folders are Hive partitions to DuckDB, Spark, Trino, Polars and pyarrow),
  written once: a snapshot already exported is not written again.
- `catalogue/models.parquet`: the newest snapshot, rewritten on every export, as the archives'
  daily `models.parquet` is.

Columns carry the API's field names (`id`, `createdAt`, `pipeline_tag`, `downloadsAllTime`, ...).
A column the snapshot never had a value for is left out, so a partial observation (an archive
without `downloadsAllTime`, an `--expand` crawl) stays partial when landed again. Each file's
metadata holds the exact capture time and whether the snapshot was the whole catalogue.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb

log = logging.getLogger("plots.export")

HISTORY_FOLDER = "history"
CATALOGUE_FILE = Path("catalogue") / "models.parquet"
# marts.model_observations column -> the API's (and the archives') field name.
ARCHIVE_COLUMNS = {
    "model_id": "id",
    "author": "author",
    "created_at_text": "createdAt",
    "downloads": "downloads",
    "downloads_all_time": "downloadsAllTime",
    "likes": "likes",
    "trending_score": "trendingScore",
    "category": "pipeline_tag",
    "library_name": "library_name",
    "tags": "tags",
    "is_private": "private",
}


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def utc_text(value: datetime) -> str:
    """ISO 8601 with its offset: the marts' timestamps are UTC without one."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def snapshot_file(folder: Path, snapshot_id: str, snapshot_at: datetime) -> Path:
    return (
        folder / HISTORY_FOLDER / f"snapshot_date={snapshot_at:%Y-%m-%d}" / f"{snapshot_id}.parquet"
    )


def present_columns(con: duckdb.DuckDBPyConnection, snapshot_id: str) -> list[str]:
    """The observation columns with at least one value in the snapshot, in ARCHIVE_COLUMNS order."""
    counts = ", ".join(f"count({column})" for column in ARCHIVE_COLUMNS)
    row = con.execute(
        f"select {counts} from marts.model_observations where snapshot_id = ?", [snapshot_id]
    ).fetchone()
    return [column for column, count in zip(ARCHIVE_COLUMNS, row or (), strict=True) if count]


def write_snapshot(
    con: duckdb.DuckDBPyConnection,
    snapshot_id: str,
    snapshot_at: datetime,
    is_full_catalogue: bool,
    out: Path,
) -> int:
    """One snapshot's observations as an archive file at `out` (written whole, then renamed)."""
    columns = present_columns(con, snapshot_id)
    select = ", ".join(f'{column} as "{ARCHIVE_COLUMNS[column]}"' for column in columns)
    metadata = (
        f"{{'hf_trends.snapshot_at': {sql_string(utc_text(snapshot_at))}, "
        f"'hf_trends.full_catalogue': '{str(is_full_catalogue).lower()}'}}"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    try:
        con.execute(
            f"copy (select {select} from marts.model_observations "
            f"where snapshot_id = {sql_string(snapshot_id)} order by model_id) "
            f"to {sql_string(str(partial))} "
            f"(format parquet, compression zstd, kv_metadata {metadata})"
        )
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    (rows,) = con.execute(
        "select count(*) from marts.model_observations where snapshot_id = ?", [snapshot_id]
    ).fetchone()
    return rows


def export_history(con: duckdb.DuckDBPyConnection, folder: Path) -> tuple[int, int]:
    """Each snapshot not exported yet, and the newest as the catalogue; (files written, rows)."""
    snapshots = con.execute(
        "select snapshot_id, snapshot_at, is_full_catalogue, is_newest from marts.snapshots "
        "order by snapshot_at, snapshot_id"
    ).fetchall()
    stored = {
        snapshot_id
        for (snapshot_id,) in con.execute(
            "select distinct snapshot_id from marts.model_snapshots"
        ).fetchall()
    }
    written = rows = 0
    for snapshot_id, snapshot_at, is_full_catalogue, is_newest in snapshots:
        if snapshot_id not in stored:
            continue  # landed after the last build: exported once built
        out = snapshot_file(folder, snapshot_id, snapshot_at)
        if not out.exists():
            rows += write_snapshot(con, snapshot_id, snapshot_at, is_full_catalogue, out)
            written += 1
        if is_newest:
            write_snapshot(
                con, snapshot_id, snapshot_at, is_full_catalogue, folder / CATALOGUE_FILE
            )
    return written, rows
