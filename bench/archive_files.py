"""Archive files shaped like the Hub's weekly ``models.parquet``, from a listing's model objects.

    python -m bench.archive_files --models 1000000 --drift 7 --out bench/data/week.parquet
        [--like ../shared/data/hf_models_2025-12-01.json] [--heavy-bytes 250]

Each row is one model object of ``bench.clone`` (its fields in hub-stats typing: timestamps as
``timestamp[ms, UTC]``, ``tags`` a list of strings, counts as int64, the trending score as a
double), so landing the file must give what landing the same objects as JSON gives. Beside
them come the columns the warehouse never reads and that hold most of a real file's bytes:
``cardData`` (a JSON string), ``siblings`` (a list of ``{rfilename}``) and ``config`` (a
struct). Their content is the hex of
``--heavy-bytes`` random bytes per model (twice that on disk), so it cannot compress away as a
repeated template would: at the default, ~85% of the file, as in the real ones. Deterministic
for the same arguments.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bench.clone import (
    DELETED_PER_DAY,
    RECORDED,
    REPEAT_EVERY,
    REPEAT_GAP,
    added,
    all_time_downloads,
    clone,
    grown,
    iter_objects,
    lineage_of,
    metric_draws,
    unit,
)

ROW_GROUP_ROWS = 100_000
HEAVY_BYTES = 250
SIBLINGS = 6
TIMESTAMP = pa.timestamp("ms", tz="UTC")
KEPT_TYPES: dict[str, pa.DataType] = {
    "_id": pa.string(),
    "id": pa.string(),
    "author": pa.string(),
    "likes": pa.int64(),
    "trendingScore": pa.float64(),  # the API serves 2 and 2.8 alike
    "private": pa.bool_(),
    "downloads": pa.int64(),
    "downloadsAllTime": pa.int64(),
    "tags": pa.list_(pa.string()),
    "pipeline_tag": pa.string(),
    "library_name": pa.string(),
    "createdAt": TIMESTAMP,
    "lastModified": TIMESTAMP,
}
CONFIG = pa.struct(
    [
        ("architectures", pa.list_(pa.string())),
        ("model_type", pa.string()),
        ("tokenizer_config", pa.string()),
    ]
)
HEAVY_TYPES: dict[str, pa.DataType] = {
    "cardData": pa.string(),
    "siblings": pa.list_(pa.struct([("rfilename", pa.string())])),
    "config": CONFIG,
}


def timestamp(text: Any) -> dt.datetime | None:
    if not isinstance(text, str):
        return None
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def heavy_columns(ids: Sequence[str], rng: np.random.Generator, heavy_bytes: int) -> list[pa.Array]:
    """cardData, siblings and config for `ids`: hex text that compresses to about half."""
    # Hex of random bytes compresses to ~1/2; split between the three columns.
    per_model = max(heavy_bytes, 8)
    blob = rng.bytes(len(ids) * per_model).hex()
    card, siblings, configs = [], [], []
    share = per_model // 2  # hex characters per column: card gets 2 shares, the others 1
    for i, model_id in enumerate(ids):
        text = blob[2 * i * per_model : 2 * (i + 1) * per_model]
        # Formatted, not json.dumps'd: a third of the time of a 1M-model file went there.
        card.append(
            f'{{"license": "apache-2.0", "model_name": {json.dumps(model_id)}, '
            f'"widget": "{text[: 2 * share]}"}}'
        )
        names = text[2 * share : 3 * share]
        step = max(len(names) // SIBLINGS, 1)
        siblings.append(
            [
                {"rfilename": f"{names[k : k + step]}.safetensors"}
                for k in range(0, len(names), step)
            ]
        )
        configs.append(
            {
                "architectures": ["LlamaForCausalLM"],
                "model_type": "llama",
                "tokenizer_config": text[3 * share :],
            }
        )
    return [
        pa.array(card, HEAVY_TYPES["cardData"]),
        pa.array(siblings, HEAVY_TYPES["siblings"]),
        pa.array(configs, HEAVY_TYPES["config"]),
    ]


def batch(
    objects: Sequence[dict[str, Any]],
    present: Sequence[str],
    rng: np.random.Generator,
    heavy_bytes: int,
) -> pa.RecordBatch:
    arrays = []
    for name in present:
        values = [o.get(name) for o in objects]
        if KEPT_TYPES[name] == TIMESTAMP:
            values = [timestamp(v) for v in values]
        arrays.append(pa.array(values, KEPT_TYPES[name]))
    arrays += heavy_columns([o["id"] for o in objects], rng, heavy_bytes)
    return pa.RecordBatch.from_arrays(arrays, names=[*present, *HEAVY_TYPES])


def write_archive(
    objects: Iterable[dict[str, Any]],
    out: Path,
    *,
    heavy_bytes: int = HEAVY_BYTES,
    row_group_rows: int = ROW_GROUP_ROWS,
    seed: int = 0,
) -> int:
    """Write `objects` as one archive file; returns the rows written.

    The fields kept are those the first row group's objects have (a field absent from every
    object, such as ``downloadsAllTime`` on day 0, is no column at all, as in older archives).
    """
    rng = np.random.default_rng(seed)
    written = 0
    writer: pq.ParquetWriter | None = None
    present: list[str] = []
    try:
        for rows in chunks(objects, row_group_rows):
            if writer is None:
                present = [name for name in KEPT_TYPES if any(name in o for o in rows)]
            record_batch = batch(rows, present, rng, heavy_bytes)
            if writer is None:
                out.parent.mkdir(parents=True, exist_ok=True)
                writer = pq.ParquetWriter(out, record_batch.schema, compression="snappy")
            writer.write_batch(record_batch, row_group_size=row_group_rows)
            written += len(rows)
    finally:
        if writer is not None:
            writer.close()
    return written


def chunks(objects: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    rows: list[dict[str, Any]] = []
    for obj in objects:
        rows.append(obj)
        if len(rows) == size:
            yield rows
            rows = []
    if rows:
        yield rows


def recorded_objects(like: Path) -> list[dict[str, Any]]:
    return [o for o in json.loads(like.read_text()) if isinstance(o.get("id"), str)]


def cloned(like: Path, models: int, seed: int, drift: int) -> Iterator[dict[str, Any]]:
    for text in iter_objects(recorded_objects(like), models, seed, drift):
        yield json.loads(text)


GROWN = ("downloads", "likes")  # grown by the day; trendingScore is only scaled
ALL_TIME = "downloadsAllTime"


class Catalogue:
    """Every model a series of drifted catalogues lists, cloned once; each day's file in seconds.

    ``bench.clone`` clones every model again for each day, ~140 s a 1M-model archive file, so a
    year of weekly files took two hours to make. Between two days only the metrics, which
    models are listed and which are listed twice change. This clones each model once and keeps
    what its metrics grow from; ``table(drift)`` is then, row for row, the kept columns
    ``write_archive(cloned(like, models, seed, drift), ...)`` writes (tests/test_bench_clone.py
    holds it to that). The heavy columns' random bytes are drawn once per model, not per file.
    """

    def __init__(
        self,
        like: Path,
        models: int,
        last_drift: int,
        *,
        seed: int = 0,
        heavy_bytes: int = HEAVY_BYTES,
    ) -> None:
        recorded = recorded_objects(like)
        self.models = models
        total = models + added(models, last_drift)
        lineage = lineage_of(recorded, seed)
        rng = np.random.default_rng(seed)
        # Per model: the recorded count each metric grows from (NaN where not an int: the
        # model keeps its day-0 value), and bench.clone's draws.
        self.source = {name: np.full(total, np.nan) for name in ("trendingScore", *GROWN)}
        self.draws = np.empty((3, total))
        self.gone = np.empty(total)
        batches = []
        names = [name for name in KEPT_TYPES if name != ALL_TIME]
        seen: set[str] = set()
        for start in range(0, total, ROW_GROUP_ROWS):
            objects = []
            for i in range(start, min(start + ROW_GROUP_ROWS, total)):
                copy, j = divmod(i, len(recorded))
                source = recorded[j]
                objects.append(clone(source, i, copy, seed, 0, lineage.bases(i)))
                for name, values in self.source.items():
                    value = source.get(name)
                    if isinstance(value, int) and not isinstance(value, bool):
                        values[i] = value
                self.draws[:, i] = metric_draws(seed, i, copy)
                self.gone[i] = unit(seed, i, 5)
            seen.update(name for o in objects for name in o)
            batches.append(batch(objects, names, rng, heavy_bytes))
        self.static = pa.Table.from_batches(batches)
        self.kept = [name for name in KEPT_TYPES if name in seen or name == ALL_TIME]

    def rows(self, drift: int) -> np.ndarray:
        """The catalogue's row order on day ``drift``: the models listed, a few twice."""
        i = np.arange(len(self.gone))
        listed = np.where(
            i < self.models,
            self.gone >= drift * DELETED_PER_DAY,
            i < self.models + added(self.models, drift),
        )
        order = np.flatnonzero(listed)
        # bench.clone writes again, after every REPEAT_EVERY-th model, the one REPEAT_GAP - 1
        # listed models back.
        ends = np.flatnonzero(order % REPEAT_EVERY == REPEAT_EVERY - 1)
        return np.insert(order, ends + 1, order[np.maximum(ends - (REPEAT_GAP - 1), 0)])

    def table(self, drift: int) -> pa.Table:
        take = self.rows(drift)
        table = self.static.take(pa.array(take))
        scale, rate, before = (draw[take] for draw in self.draws)
        columns: dict[str, pa.Array | pa.ChunkedArray] = {}
        for name in self.kept:
            if name == ALL_TIME:
                if drift:
                    downloads = self.source["downloads"][take]
                    value = all_time_downloads(downloads, scale, rate, before, drift)
                    missing = np.isnan(value)
                    counts = np.trunc(np.where(missing, 0, value)).astype(np.int64)
                    columns[name] = pa.array(counts, KEPT_TYPES[name], mask=missing)
                continue
            if name not in self.source:
                columns[name] = table.column(name)
                continue
            source = self.source[name][take]
            is_count = ~np.isnan(source)
            value = np.trunc(grown(source, scale, rate, drift if name in GROWN else 0))
            value = np.where(is_count, value, 0)
            if pa.types.is_integer(KEPT_TYPES[name]):
                value = value.astype(np.int64)
            computed = pa.array(value, KEPT_TYPES[name])
            columns[name] = pc.if_else(pa.array(is_count), computed, table.column(name))
        for name in HEAVY_TYPES:
            columns[name] = table.column(name)
        return pa.table(columns)

    def write(self, drift: int, out: Path) -> int:
        table = self.table(drift)
        out.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, out, row_group_size=ROW_GROUP_ROWS, compression="snappy")
        return table.num_rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.archive_files",
        description="Write a weekly archive file (Parquet, hub-stats typing, heavy cardData/"
        "siblings/config columns) of bench.clone's models.",
    )
    parser.add_argument("--models", type=int, required=True, help="models on day 0")
    parser.add_argument("--drift", type=int, default=0, help="days after the recorded capture")
    parser.add_argument("--out", type=Path, required=True, help="output .parquet file")
    parser.add_argument("--like", type=Path, default=RECORDED, help="recorded response to clone")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--heavy-bytes",
        type=int,
        default=HEAVY_BYTES,
        help="random bytes per model in cardData/siblings/config (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    rows = write_archive(
        cloned(args.like, args.models, args.seed, args.drift),
        args.out,
        heavy_bytes=args.heavy_bytes,
        seed=args.seed + args.drift,
    )
    print(f"wrote {rows} rows to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
