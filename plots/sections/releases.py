"""Figures 5-7: when the models were created, by year, by month and modality, and text's share
of each year, with their tables and the key findings on them (marts releases_by_year,
release_trends, release_months, modality_share_by_year)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from plots import style
from plots.data import (
    SAMPLE_MARTS,
    TEXT_MODALITY,
    Connection,
    Legend,
    MissingData,
    columns_of,
    fetch,
    legend,
    month_range,
    one,
)
from plots.figures import (
    bar_lengths,
    finish,
    label_colour,
    month_tick_step,
    month_ticks,
    stacked_monthly_bars,
)
from plots.sections.sample import SampleFacts
from plots.shared import (
    DATE,
    FLAG,
    INTEGER,
    SHARE,
    YEAR,
    Column,
    FactGroup,
    Facts,
    FigureSpec,
    Rendered,
    ReportPart,
    TableSpec,
)
from plots.style import percent


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


def draw_releases_by_year(data: YearBuckets, sample_caption: str) -> Rendered:
    fig = style.new_figure(10, 5.4)
    ax = fig.add_subplot()
    # The placeholder bucket sits one slot apart, past a dashed line, in a hatched grey.
    xs: list[float] = []
    position = 0.0
    for is_placeholder in data.is_placeholder:
        if is_placeholder and xs and not any(data.is_placeholder[: len(xs)]):
            position += 0.8
        xs.append(position)
        position += 1
    colours = [style.PLACEHOLDER_COLOUR if p else style.NEUTRAL for p in data.is_placeholder]
    hatches = ["//" if p else "" for p in data.is_placeholder]
    bars = ax.bar(xs, data.counts, color=colours, edgecolor=style.BAR_EDGE, linewidth=0.4)
    for bar, hatch in zip(bars.patches, hatches, strict=True):
        bar.set_hatch(hatch)
    labels = [
        "placeholder date\n(imported before\n2022-03)" if p else label
        for label, p in zip(data.labels, data.is_placeholder, strict=True)
    ]
    ax.set_xticks(xs, labels)
    for x, k, share in zip(xs, data.counts, data.shares, strict=True):
        ax.text(x, k, f"{k:,}\n{style.percent(share)}", ha="center", va="bottom", fontsize=9)
    ax.set_ylim(0, max(data.counts) * 1.22)
    placeholder_xs = [x for x, p in zip(xs, data.is_placeholder, strict=True) if p]
    if placeholder_xs and len(placeholder_xs) < len(xs):
        ax.axvline(placeholder_xs[0] - 0.9, color="#999999", linestyle="--", linewidth=1)
    ax.set_ylabel("Models (count)")
    ax.set_xlabel("Year the model was created on the Hub (UTC)")
    # Buckets come in year order: the newest real year is the last one with a year.
    real = [
        (y, k, share)
        for y, k, share, p in zip(
            data.years, data.counts, data.shares, data.is_placeholder, strict=True
        )
        if y is not None and not p
    ]
    if real:
        year, k, share = real[-1]
        title = (
            f"{style.percent(share)} of the sampled models were created in {year} "
            f"({k:,} of {data.total_models:,})"
        )
    else:
        title = f"None of the {data.total_models:,} sampled models has a real creation date"
    placeholder_count = next(
        (k for k, p in zip(data.counts, data.is_placeholder, strict=True) if p), 0
    )
    caption = (
        f"{placeholder_count:,} models carry the Hub's import placeholder date (2022-03-02): "
        "they were created before March 2022, year unknown, and are shown apart rather than "
        "as 2022 releases. The newest year runs only to the snapshot date, and a trending "
        f"sample favours new models, so this is not the Hub's release history. {sample_caption}"
    )
    plotted = {"labels": list(data.labels), "values": bar_lengths(bars, horizontal=False)}
    return finish(fig, title, caption, plotted)


def draw_releases_by_month(data: MonthlyReleases, sample_caption: str) -> Rendered:
    del sample_caption  # release_trends carries its own sample description
    fig = style.new_figure(13, 5.6)
    ax = fig.add_subplot()
    xs = list(range(len(data.months)))
    partial = data.months.index(data.partial_month) if data.partial_month in data.months else None
    # The snapshot's own month is counted only to its capture day: hatched, and said so on its
    # tick and in the legend, so its short bar does not read as a slump.
    if data.observed_until is None:
        partial = None
    plotted, totals = stacked_monthly_bars(ax, data.months, data.counts, data.legend, partial)
    step = month_tick_step(len(xs))
    ticks = month_ticks(data.months)
    # The newest month gets a label too, unless it would crowd the last regular one.
    if not ticks or xs[-1] - ticks[-1] >= max(2, step // 2):
        ticks.append(xs[-1])
    labels = {x: data.months[x].strftime("%b\n%Y") for x in ticks}
    partial_handles = []
    if partial is not None and data.observed_until is not None:
        until = f"to {data.observed_until.day} {data.observed_until.strftime('%b')}"
        if partial not in labels:
            labels = {x: text for x, text in labels.items() if partial - x >= max(2, step // 2)}
        labels[partial] = f"{data.months[partial].strftime('%b')}\n({until})"
        partial_handles = [
            Patch(
                facecolor="white",
                edgecolor=style.BAR_EDGE,
                hatch="///",
                label=f"partial month ({until})",
            )
        ]
        plotted["partial_month"] = [data.partial_month.isoformat()]
    ax.set_xticks(list(labels), list(labels.values()))
    style.modality_legend(
        ax,
        data.legend,
        data.modalities,
        extra=partial_handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
    )
    title = (
        f"{data.peak_count:,} of the {data.dated_models:,} dated models in the sample were "
        f"created in {data.peak_month.strftime('%B %Y')} alone "
        f"({style.percent(data.peak_share)})"
    )
    caption = (
        "Stacked by modality; each model counted once, from its newest snapshot. Models with "
        "the Hub's placeholder date (imported before March 2022) are left out. A trending list "
        "favours recent models, so a late spike is the sample's recency bias, not a measured "
        "surge in releases. A hatched bar is a partial month, counted only to the newest "
        f"snapshot's day. Sample: {data.sample_description or 'not described'}."
    )
    plotted["totals"] = totals
    return finish(fig, title, caption, plotted)


def draw_modality_share_by_year(data: YearModalityShares, sample_caption: str) -> Rendered:
    fig = style.new_figure(10, 5.8)
    ax = fig.add_subplot()
    xs = list(range(len(data.years)))
    bottom = [0.0] * len(xs)
    plotted: dict[str, list[Any]] = {"years": list(data.years)}
    for modality in data.legend.sort(data.modalities):
        shares = data.shares[modality]  # type: ignore[index]
        bars = ax.bar(
            xs,
            shares,
            0.7,
            bottom=bottom,
            color=style.modality_colour(modality),
            edgecolor="white",
            linewidth=0.6,
            label=data.legend.label(modality),
        )
        plotted[str(modality)] = bar_lengths(bars, horizontal=False)
        for x, share, base in zip(xs, shares, bottom, strict=True):
            if share >= 0.06:  # smaller slices cannot hold a readable label
                ax.text(
                    x,
                    base + share / 2,
                    style.percent(share),
                    ha="center",
                    va="center",
                    fontsize=9,
                    color=label_colour(modality),
                )
        bottom = [a + b for a, b in zip(bottom, shares, strict=True)]
    ax.set_xticks(xs, [f"{y}\n(n={n:,})" for y, n in zip(data.years, data.totals, strict=True)])
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel("Share of the year's categorised models (%)")
    ax.set_xlabel("Year the model was created on the Hub (UTC)")
    ax.legend(
        handles=[
            Patch(facecolor=style.modality_colour(m), label=data.legend.label(m))
            for m in reversed(data.legend.sort(data.modalities))
        ],
        title="Modality",
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        frameon=False,
    )
    title = text_share_title(data)
    caption = (
        "Each column is 100% of the categorised models created that year; n is how many. "
        f"{data.uncategorised:,} dated models without a category and all placeholder-dated "
        "models are left out. Years with few models swing widely. A trending sample keeps "
        f"only the old models still popular, so shares compare survivors. {sample_caption}"
    )
    plotted["totals"] = list(data.totals)
    return finish(fig, title, caption, plotted)


def text_share_title(data: YearModalityShares) -> str:
    text = data.shares.get(TEXT_MODALITY, [0.0] * len(data.years))
    # Every year when they fit, else first, peak and last: a two-point "rose" hides a peak.
    shown = list(range(len(data.years)))
    if len(shown) > 5 and data.text_peak_year in data.years:
        shown = sorted({0, data.years.index(data.text_peak_year), len(shown) - 1})
    series = ", ".join(f"{style.percent(text[i])} ({data.years[i]})" for i in shown)
    lead = (
        "the largest modality every year"
        if data.text_leads_every_year
        else "not the largest modality every year"
    )
    return f"Text is {lead}; its share of each year's sampled models: {series}"


RELEASE_YEARS = TableSpec(
    "table-release-years",
    "Models by creation year",
    "releases_by_year",
    "select release_year_bucket, model_count, share_of_models from marts.releases_by_year "
    "order by coalesce(is_placeholder_bucket, false), release_year desc nulls last",
    (Column("Year"), Column("Models", INTEGER), Column("Share of models", SHARE)),
)


RELEASE_MONTHS = TableSpec(
    "table-release-months",
    "The 12 newest release months",
    "release_months",
    "select release_month, observed_until, is_partial_month, model_count, "
    "share_of_dated_models from marts.release_months order by release_month desc limit 12",
    (
        Column("Month", DATE),
        Column("Counted until", DATE),
        Column("Partial month", FLAG),
        Column("Models", INTEGER),
        Column("Share of dated models", SHARE),
    ),
)


TEXT_SHARE_BY_YEAR = TableSpec(
    "table-modality-by-year",
    "Each year's largest modalities",
    "modality_share_by_year",
    "select release_year, modality_label, share_of_year, year_model_count "
    "from marts.modality_share_by_year where share_of_year > 0 "
    "order by release_year desc, share_of_year desc, modality limit 20",
    (
        Column("Year", YEAR),
        Column("Modality"),
        Column("Share of the year", SHARE),
        Column("Models that year", INTEGER),
    ),
)


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class TextShare:
    """Text's share of one release year's categorised models."""

    year: int
    share: float | None
    year_model_count: int


@dataclass(frozen=True)
class YearFacts:
    newest_year: int
    newest_year_share: float | None
    first: TextShare
    last: TextShare
    peak_year: int
    peak_share: float


TEXT_BY_YEAR = "from marts.modality_share_by_year where modality = ?"


def select_facts(con: Connection) -> YearFacts:
    newest = one(
        con,
        "select release_year, share_of_models from marts.releases_by_year "
        "where release_year is not null and not coalesce(is_placeholder_bucket, false) "
        "order by release_year desc limit 1",
    )
    if not newest:
        raise MissingData("no dated model")
    first = one(
        con,
        f"select release_year, share_of_year, year_model_count {TEXT_BY_YEAR} "
        "order by release_year limit 1",
        [TEXT_MODALITY],
    )
    if not first:
        raise MissingData("no model in marts.models has both a category and a release year")
    last = one(
        con,
        f"select release_year, share_of_year, year_model_count {TEXT_BY_YEAR} "
        "order by release_year desc limit 1",
        [TEXT_MODALITY],
    )
    peak_year, peak_share = one(
        con,
        f"select release_year, share_of_year {TEXT_BY_YEAR} and share_rank = 1",
        [TEXT_MODALITY],
    )
    return YearFacts(*newest, TextShare(*first), TextShare(*last), peak_year, peak_share)


def findings(facts: Facts) -> list[str]:
    """The key findings on release years: the trending list's skew, and text's share."""
    years, sample = facts.get(YearFacts), facts.get(SampleFacts)
    if years is None:
        return []
    sentences = []
    if (
        years.newest_year_share is not None
        and sample is not None
        and sample.latest_last_30_days_share is not None
        and not sample.latest_is_full_catalogue
    ):
        sentences.append(
            f"{percent(years.newest_year_share)} of the sampled models were created in "
            f"{years.newest_year} and {percent(sample.latest_last_30_days_share)} of the "
            "latest snapshot's models in its last 30 days: the mark of a trending list."
        )
    if years.first.share is not None and years.last.share is not None:
        sentences.append(
            f"Text's share of categorised models went from {percent(years.first.share)} of "
            f"{years.first.year}'s {years.first.year_model_count:,} models to "
            f"{percent(years.last.share)} of {years.last.year}'s "
            f"{years.last.year_model_count:,}, peaking at {percent(years.peak_share)} in "
            f"{years.peak_year}."
        )
    return sentences


# --------------------------------------------------------------------------- the part

PART = ReportPart(
    figures=(
        FigureSpec(
            "releases_by_year",
            "When were the sampled models created?",
            ("releases_by_year", *SAMPLE_MARTS),
            releases_by_year,
            draw_releases_by_year,
            (RELEASE_YEARS,),
        ),
        FigureSpec(
            "releases_by_month",
            "How many sampled models were created each month, by modality?",
            ("release_trends", "release_months", "modality_legend", *SAMPLE_MARTS),
            releases_by_month,
            draw_releases_by_month,
            (RELEASE_MONTHS,),
        ),
        FigureSpec(
            "modality_share_by_year",
            "Is text's share of new models growing?",
            ("modality_share_by_year", "modality_legend", *SAMPLE_MARTS),
            modality_share_by_year,
            draw_modality_share_by_year,
            (TEXT_SHARE_BY_YEAR,),
        ),
    ),
    facts=(FactGroup("years", ("releases_by_year", "modality_share_by_year"), select_facts),),
)
