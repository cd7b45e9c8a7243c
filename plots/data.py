"""Every query the figures run, one function per figure, on the marts only.

Each figure's data is computed in dbt, in a mart of models/marts/reporting/ named in the
figure's exposure; these functions only select it, in the order it is drawn, into plain
dataclasses of lists (no pandas at runtime). The marts' enforced contracts fix their columns, so
nothing here checks them. When a figure's marts are absent (catalog.render checks) or hold too
little to plot, the functions raise MissingData with a sentence the figure prints on its canvas.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb

Connection = duckdb.DuckDBPyConnection
Params = list[Any] | dict[str, Any] | None

CATEGORY_METRICS = ("total_downloads", "total_likes", "total_trending_score")
# Fewer points than this make a rank plot or a scatter meaningless.
MIN_MODELS_FOR_DISTRIBUTION = 10
# Figures of one point per model draw at most this many: at 3M models the full lists took the
# plots past 2 GB, and a figure shows no more detail. The curve keeps every rank up to it and
# then evenly spaced ranks; the scatter draws a fixed random sample (its caption says so).
MAX_POINTS = 50_000
GROWTH_TOP_N = 15
# The modality the seed's "text dominates" claim is about (research group Text is exactly it).
TEXT_MODALITY = "nlp"
# The marts every figure's caption (data.sample) reads.
SAMPLE_MARTS = ("sample_snapshots", "sample_summary")


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


def missing_marts(con: Connection, marts: Iterable[str]) -> list[str]:
    """The marts of `marts` that are not in the warehouse, in the order given."""
    wanted = list(marts)
    present = {
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' and table_name in (select unnest(?::varchar[]))",
            [wanted],
        ).fetchall()
    }
    return [m for m in wanted if m not in present]


def require(con: Connection, *marts: str) -> None:
    missing = missing_marts(con, marts)
    if missing:
        raise MissingData(f"marts.{missing[0]} is not in the warehouse yet: run make build.")


def has_marts(con: Connection) -> bool:
    found = con.execute(
        "select exists (select 1 from information_schema.tables where table_schema = 'marts')"
    ).fetchone()
    return bool(found and found[0])


def fetch_full(con: Connection, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
    """Rows exactly as stored: what the report's tables show."""
    return con.execute(sql, params if params is not None else []).fetchall()


# Text comes from Hub users: one 100,000-character pipeline_tag took a figure six minutes and
# 20 GB to lay out. Figures get at most this much of any text, which no real id reaches (the
# Hub caps a repo name at 96 characters), so ids still match the marts; the tables keep all.
# Labels are shortened further where they are drawn (figures.short).
MAX_LABEL_CHARS = 200


def bounded(value: Any) -> Any:
    """`value` with every text in it cut to MAX_LABEL_CHARS, ending in an ellipsis."""
    if isinstance(value, str) and len(value) > MAX_LABEL_CHARS:
        return value[: MAX_LABEL_CHARS - 1] + "…"
    if isinstance(value, list):
        return [bounded(item) for item in value]
    return value


def fetch(con: Connection, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
    """Rows for a figure, their text bounded (`bounded`)."""
    return [tuple(bounded(v) for v in row) for row in fetch_full(con, sql, params)]


def one(con: Connection, sql: str, params: Params = None) -> tuple[Any, ...]:
    rows = fetch(con, sql, params)
    return rows[0] if rows else ()


def columns_of(rows: list[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """Rows to columns, with the right number of empty columns when there are no rows."""
    return [list(col) for col in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


# --------------------------------------------------------------------------- legend


@dataclass(frozen=True)
class Legend:
    """Modality labels and their order, from marts.modality_legend; Python keeps the colours."""

    labels: dict[str | None, str]

    def label(self, modality: str | None) -> str:
        return self.labels.get(modality, str(modality))

    def sort(self, modalities: Iterable[str | None]) -> list[str | None]:
        """The distinct modalities given, in legend order; one the legend lacks goes last."""
        rank = {m: i for i, m in enumerate(self.labels)}
        return sorted(set(modalities), key=lambda m: (rank.get(m, len(rank)), str(m)))


def legend(con: Connection) -> Legend:
    rows = fetch(
        con, "select modality, modality_label from marts.modality_legend order by display_order"
    )
    return Legend(dict(rows))


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
    require(con, *SAMPLE_MARTS)
    rows = fetch(
        con,
        "select snapshot_id, snapshot_at, sample_description, is_full_catalogue, model_count "
        "from marts.sample_snapshots order by snapshot_at, snapshot_id",
    )
    (model_count,) = one(con, "select model_count from marts.sample_summary") or (0,)
    return Sample([Snapshot(*row) for row in rows], model_count)


# --------------------------------------------------------------------------- figures 1-3


@dataclass(frozen=True)
class CategoryBars:
    metric: str
    categories: list[str]
    modalities: list[str | None]
    values: list[float]
    model_counts: list[int]
    share_of_top: float
    legend: Legend


CATEGORY_SHARES = {
    "total_downloads": "share_of_downloads",
    "total_likes": "share_of_likes",
    "total_trending_score": "share_of_trending_score",
}


def category_metric(con: Connection, metric: str) -> CategoryBars:
    """One bar per category, largest first; the metric is a column of category_popularity."""
    if metric not in CATEGORY_METRICS:
        raise ValueError(f"unknown category metric {metric!r}")
    # metric is one of CATEGORY_METRICS, checked above, so formatting it in is safe.
    rows = fetch(
        con,
        f"select category, modality, {metric}::double, model_count, "
        f"coalesce({CATEGORY_SHARES[metric]}, 0) "
        f"from marts.category_popularity where {metric} is not null "
        f"order by {metric} desc, category",
    )
    if not rows:
        raise MissingData(
            "No categorised model in the sample (marts.category_popularity is empty)."
        )
    categories, modalities, values, counts, shares = columns_of(rows, 5)
    return CategoryBars(metric, categories, modalities, values, counts, shares[0], legend(con))


# --------------------------------------------------------------------------- figure 4


@dataclass(frozen=True)
class ModalityShare:
    modalities: list[str | None]
    model_counts: list[int]
    model_shares: list[float]
    total_models: int
    groups: list[str]
    group_model_shares: list[float]
    group_download_shares: list[float]
    categorised_models: int
    legend: Legend


def modality_share(con: Connection) -> ModalityShare:
    rows = fetch(
        con,
        "select modality, model_count, share_of_models from marts.modality_share "
        "order by model_count desc, display_order",
    )
    if not rows:
        raise MissingData("marts.models is empty.")
    modalities, counts, shares = columns_of(rows, 3)
    total, categorised = one(
        con, "select model_count, categorised_model_count from marts.sample_summary"
    ) or (0, 0)
    groups = fetch(
        con,
        "select research_group, share_of_models, coalesce(share_of_downloads, 0) "
        "from marts.research_group_share order by models_rank",
    )
    names, model_shares, download_shares = columns_of(groups, 3)
    return ModalityShare(
        modalities,
        counts,
        shares,
        total,
        names,
        model_shares,
        download_shares,
        categorised,
        legend(con),
    )


# --------------------------------------------------------------------------- figure 5


@dataclass(frozen=True)
class YearBuckets:
    labels: list[str]
    years: list[int | None]
    counts: list[int]
    shares: list[float]
    is_placeholder: list[bool]
    total_models: int


def releases_by_year(con: Connection) -> YearBuckets:
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
    (total,) = one(con, "select model_count from marts.sample_summary") or (0,)
    return YearBuckets(labels, years, counts, shares, placeholder, total)


# --------------------------------------------------------------------------- figure 6


@dataclass(frozen=True)
class MonthlyReleases:
    months: list[date]
    modalities: list[str | None]
    counts: dict[str | None, list[int]]
    sample_description: str
    peak_month: date
    peak_count: int
    peak_share: float
    dated_models: int
    legend: Legend
    # The newest snapshot's month when it was taken before the month ended, and its last day.
    partial_month: date | None = None
    observed_until: date | None = None


def month_range(first: date, last: date) -> list[date]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def releases_by_month(con: Connection) -> MonthlyReleases:
    rows = fetch(
        con,
        "select release_month, modality, model_count from marts.release_trends "
        "order by release_month, modality",
    )
    if len({r[0] for r in rows}) < 2:
        raise MissingData("Fewer than two release months in marts.release_trends.")
    # The snapshots the counted models' values come from, each named once, oldest first.
    described = "; ".join(
        row[0]
        for row in fetch(
            con,
            "select sample_description from marts.sample_snapshots "
            "where dated_model_count > 0 order by snapshot_at, snapshot_id",
        )
    )
    months = month_range(rows[0][0], rows[-1][0])
    index = {m: i for i, m in enumerate(months)}
    # The mart has a row per month with models; months without any are drawn as 0.
    counts: dict[str | None, list[int]] = {}
    for month, modality, n in rows:
        counts.setdefault(modality, [0] * len(months))[index[month]] = n
    peak_month, peak_count, peak_share = one(
        con,
        "select release_month, model_count, share_of_dated_models from marts.release_months "
        "where month_rank = 1",
    )
    (dated,) = one(con, "select dated_model_count from marts.sample_summary") or (0,)
    partial_month, observed_until = one(
        con,
        "select release_month, observed_until from marts.release_months "
        "where is_partial_month order by release_month desc limit 1",
    ) or (None, None)
    return MonthlyReleases(
        months,
        list(counts),
        counts,
        described,
        peak_month,
        peak_count,
        peak_share,
        dated,
        legend(con),
        partial_month,
        observed_until,
    )


# --------------------------------------------------------------------------- figure 7


@dataclass(frozen=True)
class YearModalityShares:
    years: list[int]
    totals: list[int]
    modalities: list[str]
    shares: dict[str, list[float]]
    uncategorised: int
    text_peak_year: int | None
    text_leads_every_year: bool
    legend: Legend


def modality_share_by_year(con: Connection) -> YearModalityShares:
    # The mart has every modality in every year (0 where none), so each series is complete.
    rows = fetch(
        con,
        "select release_year, modality, share_of_year, year_model_count, share_rank, year_rank "
        "from marts.modality_share_by_year order by release_year, modality",
    )
    if not rows:
        raise MissingData("No categorised model with a real release year.")
    years: list[int] = []
    totals: list[int] = []
    shares: dict[str, list[float]] = {}
    text_peak_year, text_year_ranks = None, []
    for year, modality, share, year_total, share_rank, year_rank in rows:
        if not years or years[-1] != year:
            years.append(year)
            totals.append(year_total)
        shares.setdefault(modality, []).append(share)
        if modality == TEXT_MODALITY:
            text_year_ranks.append(year_rank)
            if share_rank == 1:
                text_peak_year = year
    (uncategorised,) = one(
        con, "select dated_uncategorised_model_count from marts.sample_summary"
    ) or (0,)
    return YearModalityShares(
        years,
        totals,
        list(shares),
        shares,
        uncategorised,
        text_peak_year,
        bool(text_year_ranks) and all(rank == 1 for rank in text_year_ranks),
        legend(con),
    )


# --------------------------------------------------------------------------- figure 8


@dataclass(frozen=True)
class Concentration:
    ranks: list[int]  # models with a downloads count, most downloaded first (thinned: MAX_POINTS)
    downloads: list[int]
    model_shares: list[float]
    cumulative_shares: list[float]
    model_count: int
    top_n: int
    top_share: float
    zero_count: int


def concentration(con: Connection) -> Concentration:
    model_count, top_n, top_share, zero_count = one(
        con,
        "select model_count, top_1pct_model_count, top_1pct_download_share, "
        "zero_download_count from marts.popularity_summary",
    ) or (0, 0, None, 0)
    if model_count < MIN_MODELS_FOR_DISTRIBUTION or zero_count == model_count:
        raise MissingData(
            f"Only {model_count} models with downloads; a rank plot needs "
            f"{MIN_MODELS_FOR_DISTRIBUTION} or more with some downloads."
        )
    step = max(1, model_count // MAX_POINTS)
    rows = fetch(
        con,
        "select download_rank, downloads, share_of_models, cumulative_download_share "
        "from marts.download_ranks "
        "where download_rank <= ? or download_rank % ? = 0 or download_rank = ? "
        "order by download_rank",
        [MAX_POINTS // 10, step, model_count],
    )
    ranks, downloads, model_shares, cumulative = columns_of(rows, 4)
    return Concentration(
        ranks, downloads, model_shares, cumulative, model_count, top_n, top_share, zero_count
    )


# --------------------------------------------------------------------------- figure 9


@dataclass(frozen=True)
class LikesDownloads:
    model_ids: list[str]
    modalities: list[str | None]
    downloads: list[int]
    likes: list[int]
    pearson_r: float | None
    strength: str | None  # how the report words r (marts.popularity_summary)
    r_model_count: int
    zero_count: int
    legend: Legend


def likes_vs_downloads(con: Connection) -> LikesDownloads:
    rows = fetch(
        con,
        "select * from ("
        "select model_id, modality, downloads, likes from marts.models "
        "where downloads is not null and likes is not null "
        f"using sample reservoir({MAX_POINTS} rows) repeatable (42)"
        ") order by model_id",
    )
    if len(rows) < MIN_MODELS_FOR_DISTRIBUTION:
        raise MissingData(
            f"Only {len(rows)} models with both likes and downloads; a scatter needs "
            f"{MIN_MODELS_FOR_DISTRIBUTION} or more."
        )
    ids, modalities, downloads, likes = columns_of(rows, 4)
    r, strength, r_count, zeros = one(
        con,
        "select downloads_likes_pearson_r, downloads_likes_strength, "
        "downloads_likes_model_count, zero_likes_or_downloads_count "
        "from marts.popularity_summary",
    ) or (None, None, 0, 0)
    return LikesDownloads(
        ids, modalities, downloads, likes, r, strength, r_count, zeros, legend(con)
    )


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
    top_tie_count: int
    categories: list[str]
    category_modalities: list[str | None]
    share_change_points: list[float]
    legend: Legend


def snapshot_count(con: Connection) -> int:
    (count,) = one(con, "select snapshot_count from marts.sample_summary") or (0,)
    return count


def growth(con: Connection) -> Growth:
    snapshots = snapshot_count(con)
    if snapshots < 2:
        raise MissingData(
            f"Growth needs two or more snapshots; the warehouse has {snapshots}. "
            "Land another with python -m ingest, then make build."
        )
    summary = one(
        con,
        "select previous_snapshot_at, snapshot_at, days_between, model_count, top_tie_count "
        "from marts.growth_summary",
    )
    if not summary:
        raise MissingData("No model appears in two snapshots taken at different times.")
    previous_at, latest_at, days_between, compared, ties = summary
    top = fetch(
        con,
        "select model_id, modality, likes_per_day, likes_change from marts.latest_model_growth "
        "where growth_rank <= ? order by growth_rank",
        [GROWTH_TOP_N],
    )
    ids, modalities, per_day, change = columns_of(top, 4)
    shifts = fetch(
        con,
        # The same two snapshots as the models' panel (the marts compare the latest pair).
        "select category, modality, share_change_points "
        "from marts.category_share_change where change_rank <= ? order by change_rank",
        [GROWTH_TOP_N],
    )
    categories, cat_modalities, points = columns_of(shifts, 3)
    return Growth(
        previous_at=previous_at,
        latest_at=latest_at,
        days_between=days_between,
        model_ids=ids,
        model_modalities=modalities,
        likes_per_day=per_day,
        likes_change=change,
        compared_models=compared,
        top_tie_count=ties,
        categories=categories,
        category_modalities=cat_modalities,
        share_change_points=points,
        legend=legend(con),
    )
