"""Every query the figures run, one function per figure, on the marts only.

Functions return plain dataclasses of lists (no pandas at runtime). When a mart or column is
absent, or holds too little to plot, they raise MissingData with a sentence the figure prints on
its canvas, so a half-built warehouse yields honest placeholders instead of a crash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import duckdb

Connection = duckdb.DuckDBPyConnection
Params = list[Any] | dict[str, Any] | None

CATEGORY_METRICS = ("total_downloads", "total_likes", "total_trending_score")
# Fewer points than this make a rank plot or a scatter meaningless.
MIN_MODELS_FOR_DISTRIBUTION = 10
GROWTH_TOP_N = 15


class MissingData(Exception):
    """The figure's data is absent or too thin; the message says which and what to do."""


# --------------------------------------------------------------------------- helpers


def mart_columns(con: Connection, table: str) -> set[str]:
    rows = con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'marts' and table_name = ?",
        [table],
    ).fetchall()
    return {row[0] for row in rows}


def require(con: Connection, table: str, columns: tuple[str, ...] = ()) -> None:
    present = mart_columns(con, table)
    if not present:
        raise MissingData(f"marts.{table} is not in the warehouse yet: run make build.")
    missing = [c for c in columns if c not in present]
    if missing:
        raise MissingData(f"marts.{table} has no column {', '.join(missing)} yet: run make build.")


def has_marts(con: Connection) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'marts'"
    ).fetchone()
    return bool(found and found[0])


def fetch(con: Connection, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
    return con.execute(sql, params if params is not None else []).fetchall()


def columns_of(rows: list[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """Rows to columns, with the right number of empty columns when there are no rows."""
    return [list(col) for col in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


# --------------------------------------------------------------------------- sample


@dataclass(frozen=True)
class Snapshot:
    snapshot_id: str
    snapshot_at: datetime
    sample_description: str
    is_full_catalogue: bool
    model_count: int


@dataclass(frozen=True)
class Sample:
    snapshots: list[Snapshot]
    model_count: int

    @property
    def latest(self) -> Snapshot | None:
        return self.snapshots[-1] if self.snapshots else None

    @property
    def caption(self) -> str:
        if not self.snapshots:
            return "Sample: no complete snapshot in the warehouse."
        if len(self.snapshots) == 1:
            return f"Sample: {self.snapshots[0].sample_description}."
        shown = self.snapshots if len(self.snapshots) <= 3 else [self.snapshots[0], self.latest]
        joiner = "; " if len(self.snapshots) <= 3 else " … "
        described = joiner.join(s.sample_description for s in shown if s)
        return (
            f"Sample: {self.model_count:,} distinct models seen in {len(self.snapshots)} "
            f"snapshots ({described}), each with the values of its newest snapshot."
        )


def sample(con: Connection) -> Sample:
    require(con, "snapshots", ("snapshot_id", "snapshot_at", "sample_description"))
    rows = fetch(
        con,
        "select snapshot_id, snapshot_at, sample_description, "
        "coalesce(is_full_catalogue, false), coalesce(model_count, 0) "
        "from marts.snapshots order by snapshot_at, snapshot_id",
    )
    model_count = 0
    if mart_columns(con, "models"):
        model_count = fetch(con, "select count(*) from marts.models")[0][0]
    return Sample([Snapshot(*row) for row in rows], model_count)


# --------------------------------------------------------------------------- figures 1-3


@dataclass(frozen=True)
class CategoryBars:
    metric: str
    categories: list[str]
    modalities: list[str | None]
    values: list[float]
    model_counts: list[int]


def category_metric(con: Connection, metric: str) -> CategoryBars:
    """One bar per category, largest first; the metric is a column of category_popularity."""
    if metric not in CATEGORY_METRICS:
        raise ValueError(f"unknown category metric {metric!r}")
    require(con, "category_popularity", ("category", "modality", "model_count", metric))
    # metric is one of CATEGORY_METRICS, checked above, so formatting it in is safe.
    rows = fetch(
        con,
        f"select category, modality, {metric}::double, model_count "
        f"from marts.category_popularity where {metric} is not null "
        f"order by {metric} desc, category",
    )
    if not rows:
        raise MissingData(
            "No categorised model in the sample (marts.category_popularity is empty)."
        )
    categories, modalities, values, counts = columns_of(rows, 4)
    return CategoryBars(metric, categories, modalities, values, counts)


# --------------------------------------------------------------------------- figure 4


@dataclass(frozen=True)
class ModalityShare:
    modalities: list[str | None]
    model_counts: list[int]
    total_models: int
    groups: list[str]
    group_model_shares: list[float]
    group_download_shares: list[float]
    categorised_models: int


def modality_share(con: Connection) -> ModalityShare:
    require(con, "models", ("modality",))
    require(con, "category_popularity", ("research_group", "share_of_models", "share_of_downloads"))
    rows = fetch(con, "select modality, count(*) from marts.models group by modality")
    if not rows:
        raise MissingData("marts.models is empty.")
    rows.sort(key=lambda r: -r[1])
    modalities, counts = columns_of(rows, 2)
    groups = fetch(
        con,
        "select coalesce(research_group, 'Other'), sum(share_of_models), "
        "coalesce(sum(share_of_downloads), 0), sum(model_count) "
        "from marts.category_popularity group by all order by 2 desc, 1",
    )
    names, model_shares, download_shares, group_counts = columns_of(groups, 4)
    return ModalityShare(
        modalities, counts, sum(counts), names, model_shares, download_shares, sum(group_counts)
    )


# --------------------------------------------------------------------------- figure 5


@dataclass(frozen=True)
class YearBuckets:
    labels: list[str]
    years: list[int | None]
    counts: list[int]
    shares: list[float]
    is_placeholder: list[bool]


def releases_by_year(con: Connection) -> YearBuckets:
    require(con, "releases_by_year")
    # Real years in order, then undated models, then the placeholder bucket, which is drawn apart.
    rows = fetch(
        con,
        "select release_year_bucket, release_year, model_count, share_of_models, "
        "coalesce(is_placeholder_bucket, false) from marts.releases_by_year "
        "order by coalesce(is_placeholder_bucket, false), release_year nulls last",
    )
    if not rows:
        raise MissingData("marts.releases_by_year is empty.")
    labels, years, counts, shares, placeholder = columns_of(rows, 5)
    return YearBuckets(labels, years, counts, shares, placeholder)


# --------------------------------------------------------------------------- figure 6


@dataclass(frozen=True)
class MonthlyReleases:
    months: list[date]
    modalities: list[str | None]
    counts: dict[str | None, list[int]]
    sample_description: str


def month_range(first: date, last: date) -> list[date]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def releases_by_month(con: Connection) -> MonthlyReleases:
    require(con, "release_trends", ("release_month", "modality", "model_count"))
    rows = fetch(
        con,
        "select release_month, modality, model_count from marts.release_trends "
        "where release_month is not null order by release_month, modality",
    )
    if len({r[0] for r in rows}) < 2:
        raise MissingData("Fewer than two release months in marts.release_trends.")
    # Each row lists its snapshots joined by '; '; split them so each is named once, by date.
    parts = fetch(
        con,
        "select distinct unnest(string_split(sample_description, '; ')) as d "
        "from marts.release_trends where sample_description is not null order by right(d, 10), d",
    )
    described = "; ".join(p[0] for p in parts)
    months = month_range(rows[0][0], rows[-1][0])
    index = {m: i for i, m in enumerate(months)}
    counts: dict[str | None, list[int]] = {}
    for month, modality, n in rows:
        counts.setdefault(modality, [0] * len(months))[index[month]] += n
    return MonthlyReleases(months, list(counts), counts, described)


# --------------------------------------------------------------------------- figure 7


@dataclass(frozen=True)
class YearModalityShares:
    years: list[int]
    totals: list[int]
    modalities: list[str]
    shares: dict[str, list[float]]
    uncategorised: int


def modality_share_by_year(con: Connection) -> YearModalityShares:
    require(con, "models", ("release_year", "modality"))
    # Placeholder-dated models have no release_year, so they drop out here by construction.
    rows = fetch(
        con,
        "select release_year, modality, count(*) as n, "
        "count(*) / sum(count(*)) over (partition by release_year) as share "
        "from marts.models where release_year is not null and modality is not null "
        "group by release_year, modality order by release_year, modality",
    )
    if not rows:
        raise MissingData("No categorised model with a real release year.")
    years = sorted({r[0] for r in rows})
    modalities = sorted({r[1] for r in rows})
    shares = {m: [0.0] * len(years) for m in modalities}
    totals = [0] * len(years)
    for year, modality, n, share in rows:
        shares[modality][years.index(year)] = share
        totals[years.index(year)] += n
    uncategorised = fetch(
        con,
        "select count(*) from marts.models where release_year is not null and modality is null",
    )[0][0]
    return YearModalityShares(years, totals, modalities, shares, uncategorised)


# --------------------------------------------------------------------------- figure 8


@dataclass(frozen=True)
class Concentration:
    downloads: list[int]  # every model's downloads, largest first
    top_n: int
    top_share: float
    zero_count: int


TOP_SHARE_SQL = """
with ranked as (
    select downloads, row_number() over (order by downloads desc) as rank, count(*) over () as n
    from marts.models
    where downloads is not null
)
select
    ceil(any_value(n) * 0.01)::int as top_n,
    sum(downloads) filter (where rank <= ceil(n * 0.01)) / nullif(sum(downloads), 0) as top_share,
    count(*) filter (where downloads = 0) as zero_count,
from ranked
"""


def concentration(con: Connection) -> Concentration:
    require(con, "models", ("downloads",))
    downloads = [
        r[0]
        for r in fetch(
            con,
            "select downloads from marts.models where downloads is not null "
            "order by downloads desc",
        )
    ]
    if len(downloads) < MIN_MODELS_FOR_DISTRIBUTION or not any(downloads):
        raise MissingData(
            f"Only {len(downloads)} models with downloads; a rank plot needs "
            f"{MIN_MODELS_FOR_DISTRIBUTION} or more with some downloads."
        )
    top_n, top_share, zero_count = fetch(con, TOP_SHARE_SQL)[0]
    return Concentration(downloads, top_n, top_share, zero_count)


# --------------------------------------------------------------------------- figure 9


@dataclass(frozen=True)
class LikesDownloads:
    model_ids: list[str]
    modalities: list[str | None]
    downloads: list[int]
    likes: list[int]
    pearson_r: float | None
    r_model_count: int
    zero_count: int = field(default=0)


def likes_vs_downloads(con: Connection) -> LikesDownloads:
    require(con, "models", ("downloads", "likes", "modality"))
    require(con, "metric_correlations", ("metric_a", "metric_b", "pearson_r", "model_count"))
    rows = fetch(
        con,
        "select model_id, modality, downloads, likes from marts.models "
        "where downloads is not null and likes is not null order by model_id",
    )
    if len(rows) < MIN_MODELS_FOR_DISTRIBUTION:
        raise MissingData(
            f"Only {len(rows)} models with both likes and downloads; a scatter needs "
            f"{MIN_MODELS_FOR_DISTRIBUTION} or more."
        )
    ids, modalities, downloads, likes = columns_of(rows, 4)
    corr = fetch(
        con,
        "select pearson_r, model_count from marts.metric_correlations "
        "where (metric_a, metric_b) in (('downloads', 'likes'), ('likes', 'downloads'))",
    )
    r, r_count = corr[0] if corr else (None, 0)
    zeros = sum(1 for d, k in zip(downloads, likes, strict=True) if d == 0 or k == 0)
    return LikesDownloads(ids, modalities, downloads, likes, r, r_count, zeros)


# --------------------------------------------------------------------------- figure 10


@dataclass(frozen=True)
class Growth:
    previous_at: datetime
    latest_at: datetime
    days_between: float
    model_ids: list[str]
    model_modalities: list[str | None]
    likes_per_day: list[float]
    likes_change: list[int]
    compared_models: int
    categories: list[str]
    category_modalities: list[str | None]
    share_change_points: list[float]
    first_category_at: datetime
    last_category_at: datetime


def snapshot_count(con: Connection) -> int:
    require(con, "snapshots")
    return fetch(con, "select count(*) from marts.snapshots")[0][0]


LATEST_GROWTH_SQL = """
select model_id, modality, likes_per_day, likes_change, previous_snapshot_at, snapshot_at,
    days_between
from marts.model_growth
where snapshot_at = (select max(snapshot_at) from marts.model_growth)
    -- The consecutive pair only: a model that skipped snapshots compares a longer span.
    and previous_snapshot_at = (
        select max(previous_snapshot_at) from marts.model_growth
        where snapshot_at = (select max(snapshot_at) from marts.model_growth)
    )
    and likes_per_day is not null
order by likes_per_day desc, model_id
"""

CATEGORY_SHIFT_SQL = """
with bounds as (
    select min(snapshot_at) as first_at, max(snapshot_at) as last_at from marts.category_trends
),
paired as (
    select
        category,
        any_value(modality) as modality,
        coalesce(sum(share_of_models) filter (where snapshot_at = first_at), 0) as first_share,
        coalesce(sum(share_of_models) filter (where snapshot_at = last_at), 0) as last_share,
    from marts.category_trends, bounds
    group by category
)
select category, modality, (last_share - first_share) * 100 as change_points,
    (select first_at from bounds), (select last_at from bounds)
from paired
order by abs(last_share - first_share) desc, category
limit ?
"""


def growth(con: Connection) -> Growth:
    snapshots = snapshot_count(con)
    if snapshots < 2:
        raise MissingData(
            f"Growth needs two or more snapshots; the warehouse has {snapshots}. "
            "Land another with python -m ingest, then make build."
        )
    require(con, "model_growth", ("model_id", "likes_per_day", "likes_change", "days_between"))
    require(con, "category_trends", ("category", "snapshot_at", "share_of_models"))
    rows = fetch(con, LATEST_GROWTH_SQL)
    if not rows:
        raise MissingData("No model appears in two snapshots taken at different times.")
    top = rows[:GROWTH_TOP_N]
    ids, modalities, per_day, change, _, _, _ = columns_of(top, 7)
    shifts = fetch(con, CATEGORY_SHIFT_SQL, [GROWTH_TOP_N])
    categories, cat_modalities, points, first_at, last_at = columns_of(shifts, 5)
    return Growth(
        previous_at=rows[0][4],
        latest_at=rows[0][5],
        days_between=rows[0][6],
        model_ids=ids,
        model_modalities=modalities,
        likes_per_day=per_day,
        likes_change=change,
        compared_models=len(rows),
        categories=categories,
        category_modalities=cat_modalities,
        share_change_points=points,
        first_category_at=first_at[0] if first_at else rows[0][4],
        last_category_at=last_at[0] if last_at else rows[0][5],
    )
