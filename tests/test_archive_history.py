"""Archive files and our own crawls form one history; `make export` publishes it the same way.

Weekly archive files cloned with drift (bench.clone), each typed differently (timestamps with
and without a time zone and as text; one without downloadsAllTime, one whose pipeline_tag was
renamed away, one with an unknown column), a missing week, and a crawl on the same day as an
archive file. Every history mart is checked against numbers computed here from the files
themselves, then the exported history is landed into an empty warehouse and must give the
same history marts.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from bench.clone import RECORDED
from bench.clone import write as write_clone
from tests.conftest import dbt_build, ingest, query, run
from tests.parquet_archives import typed_table, write_archive

pytestmark = pytest.mark.slow

MODELS = 2_500
DAY = 86_400.0


@dataclass(frozen=True)
class Observation:
    """One snapshot as its file gives it: per model, (downloads, likes, all-time, category)."""

    at: datetime
    rows: dict[str, tuple[Any, Any, Any, Any]]
    is_full: bool
    is_archive: bool


@dataclass(frozen=True)
class History:
    database: Path
    work: Path
    observations: list[Observation]


def clone(work: Path, drift: int) -> list[dict[str, Any]]:
    out = work / f"clone-{drift}.json"
    write_clone(RECORDED, MODELS, out, seed=0, drift=drift)
    return json.loads(out.read_text())


def observed(path: Path, at: datetime, is_full: bool, is_archive: bool) -> Observation:
    """The file's own numbers, read with pyarrow (or json), the later row of a repeat kept."""
    if path.suffix == ".json":
        objects = json.loads(path.read_text())
    else:
        objects = pq.read_table(path).to_pylist()
    rows = {
        o["id"]: (
            o.get("downloads"),
            o.get("likes"),
            o.get("downloadsAllTime"),
            o.get("pipeline_tag"),
        )
        for o in objects
        if o.get("id")
    }
    return Observation(at, rows, is_full, is_archive)


def land_history(work: Path) -> History:
    """Four weekly archive files (one week missing) and a crawl on the last file's day."""
    archive = work / "archive" / "models"
    files = []
    # 2025-12-01: no downloadsAllTime (older archives lack it), timestamps with a time zone.
    week0 = clone(work, 0)
    assert all("downloadsAllTime" not in m for m in week0)
    files.append(
        (write_archive(typed_table(week0, "tz"), archive / "2025-12-01" / "models.parquet"), True)
    )
    # 2025-12-08: naive timestamps (UTC wall time, ns).
    files.append(
        (
            write_archive(
                typed_table(clone(work, 7), "naive"), archive / "2025-12-08" / "models.parquet"
            ),
            True,
        )
    )
    # 2025-12-15: pipeline_tag renamed away: not a full observation, so growth spans it.
    table = typed_table(clone(work, 14), "string")
    table = table.rename_columns(
        ["pipelineTag" if c == "pipeline_tag" else c for c in table.column_names]
    )
    files.append((write_archive(table, archive / "2025-12-15" / "models.parquet"), False))
    # 2025-12-22 missing. 2025-12-29: +02:00 in ms, and a column nobody knows.
    table = typed_table(clone(work, 28), "tz-other")
    table = table.append_column("brandNewField", pa.array([1.5] * table.num_rows))
    files.append((write_archive(table, archive / "2025-12-29" / "models.parquet"), True))
    database = work / "hf_trends.duckdb"
    ingest(database, "--from-parquet", archive)
    observations = [
        observed(path, datetime.fromisoformat(path.parent.name).replace(tzinfo=UTC), full, True)
        for path, full in files
    ]
    # Our own crawl the same day as the last archive file, 21 hours later.
    crawl = work / "crawl.json"
    crawl.write_text(json.dumps(clone(work, 29)))
    at = datetime(2025, 12, 29, 21, tzinfo=UTC)
    ingest(database, "--from-file", crawl, "--snapshot-at", at.isoformat())
    observations.append(observed(crawl, at, True, False))
    dbt_build(database, work)
    return History(database, work, observations)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    return land_history(tmp_path_factory.mktemp("archive-history"))


def clip(value: Any) -> Any:
    return None if value is None else max(int(value), 0)


def test_snapshots_say_which_came_from_an_archive(history: History) -> None:
    rows = query(
        history.database,
        "select snapshot_at, is_archive, is_full_observation, is_full_catalogue "
        "from marts.snapshots order by snapshot_at",
    )
    assert rows == [
        (o.at.replace(tzinfo=None), o.is_archive, o.is_full, o.is_archive)
        for o in history.observations
    ]


def test_model_snapshots_equal_the_files(history: History) -> None:
    stored = query(
        history.database,
        "select snapshot_at, model_id, downloads, likes, downloads_all_time "
        "from marts.model_snapshots",
    )
    want = {
        (o.at.replace(tzinfo=None), model_id, clip(d), clip(likes), clip(all_time))
        for o in history.observations
        for model_id, (d, likes, all_time, _) in o.rows.items()
    }
    assert len(stored) == len(want)
    assert set(stored) == want


def expected_growth(observations: list[Observation]) -> set[tuple[Any, ...]]:
    """Per model, between consecutive full observations, over the real days between them."""
    growth = set()
    previous: dict[str, tuple[datetime, tuple[Any, ...]]] = {}
    for o in observations:
        if not o.is_full:
            continue
        for model_id, row in o.rows.items():
            if model_id in previous:
                before_at, before = previous[model_id]
                days = (o.at - before_at).total_seconds() / DAY
                all_time = (
                    (row[2] - before[2]) / days
                    if row[2] is not None and before[2] is not None
                    else None
                )
                growth.add(
                    (
                        model_id,
                        o.at.replace(tzinfo=None),
                        before_at.replace(tzinfo=None),
                        round(days, 6),
                        None if all_time is None else round(all_time, 6),
                        clip(row[0]) - clip(before[0]),
                        clip(row[1]) - clip(before[1]),
                    )
                )
            previous[model_id] = (o.at, row)
    return growth


GROWTH_SQL = """
    select model_id, snapshot_at, previous_snapshot_at, round(days_between, 6),
        round(downloads_per_day, 6), downloads_30d_change, likes_change
    from marts.model_growth
"""


def test_growth_uses_the_real_days_between_observations(history: History) -> None:
    stored = query(history.database, GROWTH_SQL)
    want = expected_growth(history.observations)
    assert len(stored) == len(want)
    assert set(stored) == want
    # Weekly, across the missing week and the partial file (21 days), and the crawl 21 hours
    # after the archive file of its day.
    assert {row[3] for row in stored} == {7.0, 21.0, 0.875}
    # The first file has no all-time counts: no downloads per day is made up for its week.
    assert all(row[4] is None for row in stored if row[3] == 7.0)


def test_category_trends_equal_the_files(history: History) -> None:
    stored = query(
        history.database,
        "select snapshot_at, category, model_count, total_downloads, downloads_per_day "
        "from marts.category_trends",
    )
    per_day: dict[tuple[Any, Any], float] = {}
    for model_id, at, _, _, rate, _, _ in expected_growth(history.observations):
        if rate is not None:
            observation = next(o for o in history.observations if o.at.replace(tzinfo=None) == at)
            category = observation.rows[model_id][3]
            if category is not None:
                per_day[(at, category)] = per_day.get((at, category), 0.0) + rate
    want = {}
    for o in history.observations:
        at = o.at.replace(tzinfo=None)
        for downloads, _, _, category in o.rows.values():
            if category is None:
                continue
            count, total = want.get((at, category), (0, 0))
            want[(at, category)] = (count + 1, total + clip(downloads or 0))
    assert {(r[0], r[1]): (r[2], r[3]) for r in stored} == want
    got_per_day = {(r[0], r[1]): r[4] for r in stored if r[4] is not None}
    # The expected rates were rounded to 6 places per model before summing.
    assert got_per_day == pytest.approx(per_day, rel=1e-6)


HISTORY_MARTS = {
    "model_snapshots": "select * exclude (snapshot_id) from marts.model_snapshots",
    "model_growth": "select * exclude (snapshot_id, previous_snapshot_id, appended_at) "
    "from marts.model_growth",
    "category_trends": "select * exclude (snapshot_id, appended_at) from marts.category_trends",
    "modality_download_trends": "select * exclude (snapshot_id) "
    "from marts.modality_download_trends",
    "snapshots": "select snapshot_at, is_full_observation, is_full_catalogue, model_count "
    "from marts.snapshots",
}


def test_exported_history_lands_as_the_same_history(history: History, tmp_path: Path) -> None:
    export = tmp_path / "export"
    run([sys.executable, "-m", "plots.export", "--out", export], database=history.database)
    partitions = sorted(p.name for p in (export / "history").iterdir())
    assert partitions == [
        "snapshot_date=2025-12-01",
        "snapshot_date=2025-12-08",
        "snapshot_date=2025-12-15",
        "snapshot_date=2025-12-29",
    ]
    files = sorted((export / "history").rglob("*.parquet"))
    assert len(files) == len(history.observations)
    # Any engine reads it: here pyarrow's dataset, with the partition column.
    dataset = ds.dataset(export / "history", format="parquet", partitioning="hive")
    assert dataset.count_rows() == sum(len(o.rows) for o in history.observations)
    # A second export writes no snapshot again.
    before = {f: f.stat().st_mtime_ns for f in files}
    again = run([sys.executable, "-m", "plots.export", "--out", export], database=history.database)
    assert "wrote 0 new snapshot(s)" in again.stderr
    assert {f: f.stat().st_mtime_ns for f in files} == before
    # The catalogue is the newest snapshot in the archives' layout.
    catalogue = pq.read_table(export / "catalogue" / "models.parquet")
    assert {"id", "createdAt", "pipeline_tag", "downloadsAllTime", "tags"} <= set(
        catalogue.column_names
    )
    assert catalogue.num_rows == len(history.observations[-1].rows)

    copy = tmp_path / "copy.duckdb"
    ingest(copy, "--from-parquet", export / "history")
    dbt_build(copy, tmp_path)
    for mart, sql in HISTORY_MARTS.items():
        # The same rows both ways (as EXCEPT ALL would say), doubles to their last bits aside:
        # a sum of doubles depends on its order. (The marts' views name their own database,
        # so the two files cannot be attached side by side.)
        original, landed = (sorted(query(db, sql), key=exact) for db in (history.database, copy))
        assert original, mart
        assert len(original) == len(landed), mart
        for left, right in zip(original, landed, strict=True):
            assert exact(left) == exact(right), mart
            assert floats(left) == pytest.approx(floats(right), rel=1e-9, nan_ok=True), mart


def exact(row: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(repr(v) for v in row if not isinstance(v, float))


def floats(row: tuple[Any, ...]) -> list[float]:
    return [v for v in row if isinstance(v, float)]


def test_the_use_trend_says_which_points_came_from_an_archive(history: History) -> None:
    from plots.sections import catalogue

    with duckdb.connect(str(history.database), read_only=True) as con:
        trend = catalogue.use_trend(con)
        rendered = catalogue.draw_use_trend(trend, "")
    # The crawl is a saved file, not a full catalogue: the measured points are the archive's
    # (2025-12-08 has none: the file before it had no all-time counts).
    assert [d.date().isoformat() for d in trend.snapshots] == ["2025-12-29"]
    assert rendered.plotted["from an archive"] == [True]
    assert "Every point is an archive file's snapshot" in rendered.caption
