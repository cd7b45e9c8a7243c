"""Archive Parquet files for the tests, written with pyarrow in the typings real archives use.

The expected API objects are computed here in Python, apart from the loader's SQL, so a test
compares two independent readings of the same file.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

Model = dict[str, Any]

TIMESTAMP_FIELDS = ("createdAt", "lastModified")


def parse_api_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def with_archive_columns(model: Model, number: int) -> Model:
    """The columns hub-stats has that the API listing does not serve by default."""
    base = f"base-org/base-{number % 7}"
    return {
        **model,
        "lastModified": model.get("createdAt"),
        "baseModels": {"relation": "finetune", "models": [{"id": base}]} if number % 3 else None,
        "safetensors": {"total": number * 1000, "parameters": {"BF16": number * 1000}},
        "cardData": json.dumps({"license": "mit", "base_model": base}),
        "siblings": [{"rfilename": "config.json"}, {"rfilename": "model.safetensors"}],
    }


def typed_table(
    models: list[Model], timestamps: str = "tz", drop: tuple[str, ...] = ()
) -> pa.Table:
    """`models` as an archive table; timestamps "tz" (UTC), "tz-other" (+02:00, ms), "naive"
    (UTC wall time, ns) or "string" (the API's text)."""
    rows = []
    for number, model in enumerate(models):
        row = {k: v for k, v in with_archive_columns(model, number).items() if k not in drop}
        for field in TIMESTAMP_FIELDS:
            text = row.get(field)
            if timestamps == "string" or not isinstance(text, str):
                continue
            when = parse_api_time(text)
            if timestamps == "naive":
                when = when.astimezone(UTC).replace(tzinfo=None)
            row[field] = when
        rows.append(row)
    table = pa.Table.from_pylist(rows)
    for field in TIMESTAMP_FIELDS:
        if field not in table.column_names or timestamps == "string":
            continue
        target = {
            "tz": pa.timestamp("us", tz="UTC"),
            "tz-other": pa.timestamp("ms", tz="+02:00"),
            "naive": pa.timestamp("ns"),
        }[timestamps]
        index = table.column_names.index(field)
        table = table.set_column(index, field, table.column(field).cast(target))
    return table


def write_archive(table: pa.Table, path: Path, row_group_size: int = 400) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, row_group_size=row_group_size)
    return path


def api_time(value: datetime) -> str:
    """The API's format: UTC, milliseconds, Z; a naive value is UTC wall time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def api_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return api_time(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def expected_objects(path: Path, fields: list[str]) -> dict[str, Model]:
    """Per model id, the API object the file's row stands for (the later row of a repeat)."""
    table = pq.read_table(path, columns=[f for f in fields if f in pq.read_schema(path).names])
    objects: dict[str, Model] = {}
    for row in table.to_pylist():
        if not row.get("id"):
            continue
        values = {k: api_value(v) for k, v in row.items()}
        objects[row["id"]] = {k: v for k, v in values.items() if v is not None}
    return objects


def file_numbers(path: Path, pick: Callable[[Model], Any]) -> dict[str, Any]:
    """Per model id, one number of the file's row (the later row of a repeat), from pyarrow."""
    numbers: dict[str, Any] = {}
    for row in pq.read_table(path).to_pylist():
        if row.get("id"):
            numbers[row["id"]] = pick(row)
    return numbers
