"""Trends from a full-catalogue crawl (issue 12): three figures, their facts, the report's section.

When the newest snapshot is an unfiltered crawl of every page, the catalogue marts
(catalogue_release_trends, catalogue_modality_use, catalogue_summary) hold the Hub itself, and
marts.notebook_claims decides the seed's claims from them; with two or more full snapshots,
modality_download_trends holds downloads per day by modality, from the Hub's all-time counts.
It only selects from those marts, draws and words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from matplotlib.patches import Patch

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
    compact_axis,
    day,
    finish,
    month_ticks,
    share_pair_bars,
    stacked_monthly_bars,
)
from plots.shared import (
    DATE,
    DECIMAL,
    INTEGER,
    SHARE,
    Column,
    FactGroup,
    Facts,
    FigureSpec,
    Rendered,
    ReportPart,
    Section,
    TableSpec,
)
from plots.tables import TOP_ROWS

NOT_A_CATALOGUE = (
    "The newest snapshot is not a full-catalogue crawl, so the catalogue marts are empty: "
    "a sample does not describe the Hub. Crawl every page with python -m ingest --all, then "
    "make build."
)
# What "downloads per day" is, wherever the report or a figure says it.
ALL_TIME_NOTE = (
    "Downloads per day come from the Hub's all-time download counts (downloadsAllTime): the "
    "change since the previous snapshot over the days between, not the 30-day counts."
)
CATALOGUE_MARTS = ("catalogue_summary", "catalogue_modality_use")
USE_TREND_MARTS = ("modality_download_trends",)
# The measures notebook_claims judges text dominance on in the full catalogue, and their words.
MEASURES = ("models", "downloads", "likes")
# The modality with the most downloads a day at the newest measured snapshot.
LATEST_LEADER = (
    "select modality_label, downloads_per_day from marts.modality_download_trends "
    "order by snapshot_at desc, downloads_per_day desc, display_order limit 1"
)
# Up to this many snapshots each gets its own labelled tick; more get matplotlib's date ticks.
MAX_DATE_TICKS = 12
MEASURE_WORDS = {"models": "models", "downloads": "30-day downloads", "likes": "likes"}


def catalogue_caption(con: Connection) -> str:
    row = one(con, "select sample_description, model_count from marts.catalogue_summary")
    if not row:
        raise MissingData(NOT_A_CATALOGUE)
    described, models = row
    return f"Population: the {models:,} models of the newest snapshot, the {described}."


# --------------------------------------------------------------------------- releases by month


@dataclass(frozen=True)
class CatalogueReleases:
    months: list[date]
    modalities: list[str | None]
    counts: dict[str | None, list[int]]
    released: int
    placeholders: int
    partial_month: date | None
    peak_month: date
    peak_count: int
    population: str
    legend: Legend


def catalogue_releases(con: Connection) -> CatalogueReleases:
    population = catalogue_caption(con)
    rows = fetch(
        con,
        "select release_month, modality, model_count, is_partial_month "
        "from marts.catalogue_release_trends order by release_month, display_order",
    )
    if len({r[0] for r in rows}) < 2:
        raise MissingData("Fewer than two release months since 2022 in the catalogue.")
    months = month_range(rows[0][0], rows[-1][0])
    index = {m: i for i, m in enumerate(months)}
    counts: dict[str | None, list[int]] = {}
    partial = None
    for month, modality, n, is_partial in rows:
        counts.setdefault(modality, [0] * len(months))[index[month]] = n
        partial = month if is_partial else partial
    released, placeholders, peak_month, peak_count = one(
        con,
        "select released_since_2022_count, placeholder_count, peak_release_month, "
        "peak_month_model_count from marts.catalogue_summary",
    )
    return CatalogueReleases(
        months,
        list(counts),
        counts,
        released,
        placeholders,
        partial,
        peak_month,
        peak_count,
        population,
        legend(con),
    )


def draw_catalogue_releases(data: CatalogueReleases, sample_caption: str) -> Rendered:
    del sample_caption  # the catalogue's own population is stated instead
    fig = style.new_figure(13, 5.6)
    ax = fig.add_subplot()
    partial = data.months.index(data.partial_month) if data.partial_month in data.months else None
    plotted, totals = stacked_monthly_bars(ax, data.months, data.counts, data.legend, partial)
    ticks = month_ticks(data.months)
    ax.set_xticks(ticks, [data.months[x].strftime("%b\n%Y") for x in ticks])
    extra = (
        [Patch(facecolor="white", edgecolor=style.BAR_EDGE, hatch="///", label="partial month")]
        if data.partial_month
        else []
    )
    style.modality_legend(
        ax, data.legend, data.modalities, extra=extra, loc="upper left", bbox_to_anchor=(1.01, 1)
    )
    title = (
        f"The Hub's releases since 2022: {data.released:,} models, the most in "
        f"{data.peak_month.strftime('%B %Y')} ({data.peak_count:,})"
    )
    caption = (
        "Models of the full catalogue by the month they were created, stacked by modality. "
        f"{data.placeholders:,} models carry the Hub's import placeholder date (created before "
        "March 2022) and are left out. Models deleted before the crawl are not in it, so older "
        "months count the survivors. A hatched bar is the capture's own month, counted only to "
        f"the capture. {data.population}"
    )
    plotted["totals"] = totals
    return finish(fig, title, caption, plotted)


# --------------------------------------------------------------------------- use by modality


@dataclass(frozen=True)
class ModalityUse:
    modalities: list[str | None]
    labels: list[str]
    model_counts: list[int]
    model_shares: list[float]
    download_shares: list[float]
    population: str


def modality_use(con: Connection) -> ModalityUse:
    population = catalogue_caption(con)
    rows = fetch(
        con,
        "select modality, modality_label, model_count, share_of_models, "
        "coalesce(share_of_downloads, 0) from marts.catalogue_modality_use "
        "order by total_downloads desc, display_order",
    )
    modalities, labels, counts, model_shares, download_shares = columns_of(rows, 5)
    return ModalityUse(modalities, labels, counts, model_shares, download_shares, population)


def draw_modality_use(data: ModalityUse, sample_caption: str) -> Rendered:
    del sample_caption  # the catalogue's own population is stated instead
    n = len(data.labels)
    fig = style.new_figure(11, 1.9 + 0.55 * n)
    ax = fig.add_subplot()
    colours = [style.modality_colour(m) for m in data.modalities]
    labels = [
        f"{label}  (n={k:,})" for label, k in zip(data.labels, data.model_counts, strict=True)
    ]
    model_bars, download_bars = share_pair_bars(
        ax,
        labels,
        data.model_shares,
        data.download_shares,
        colours,
        "share of downloads (last 30 days)",
    )
    ax.set_xlabel("Share of the whole catalogue (%)")
    lead = data.labels[0]
    title = (
        f"{lead} models get {style.percent(data.download_shares[0])} of the Hub's 30-day downloads "
        f"while being {style.percent(data.model_shares[0])} of its models"
    )
    caption = (
        "Use now: each modality's share of the catalogue's models and of their downloads in the "
        "last 30 days (the Hub's rolling count), largest use first. No category: models without "
        f"a pipeline tag. {data.population}"
    )
    plotted = {
        "labels": list(data.labels),
        "model_shares": bar_lengths(model_bars, horizontal=True),
        "download_shares": bar_lengths(download_bars, horizontal=True),
    }
    return finish(fig, title, caption, plotted)


# --------------------------------------------------------------------------- change in use


@dataclass(frozen=True)
class UseTrend:
    snapshots: list[datetime]
    modalities: list[str]
    per_day: dict[str, list[float | None]]
    lead_label: str
    lead_per_day: float
    legend: Legend
    # Per snapshot: whether it came from an archive file (marts.snapshots.is_archive).
    is_archive: list[bool]


def use_trend(con: Connection) -> UseTrend:
    rows = fetch(
        con,
        "select snapshot_at, modality, downloads_per_day, is_archive "
        "from marts.modality_download_trends order by snapshot_at, snapshot_id, display_order",
    )
    if not rows:
        raise MissingData(
            "Downloads per day need two or more full-catalogue snapshots with the Hub's "
            "all-time download counts; the warehouse has none measured yet."
        )
    snapshots = sorted({r[0] for r in rows})
    index = {s: i for i, s in enumerate(snapshots)}
    per_day: dict[str, list[float | None]] = {}
    is_archive = [False] * len(snapshots)
    for snapshot_at, modality, value, archive in rows:
        per_day.setdefault(modality, [None] * len(snapshots))[index[snapshot_at]] = value
        is_archive[index[snapshot_at]] = is_archive[index[snapshot_at]] or archive
    lead_label, lead_per_day = one(con, LATEST_LEADER)
    return UseTrend(
        snapshots, list(per_day), per_day, lead_label, lead_per_day, legend(con), is_archive
    )


def draw_use_trend(data: UseTrend, sample_caption: str) -> Rendered:
    del sample_caption  # full-catalogue snapshots only; said in the caption
    fig = style.new_figure(11, 5.4)
    ax = fig.add_subplot()
    plotted: dict[str, list[Any]] = {"snapshots": [day(s) for s in data.snapshots]}
    for modality in data.legend.sort(data.modalities):
        values = data.per_day[modality]
        (line,) = ax.plot(
            data.snapshots,
            [float("nan") if v is None else v for v in values],
            marker="o",
            color=style.modality_colour(modality),
            label=data.legend.label(modality),
        )
        plotted[data.legend.label(modality)] = list(line.get_ydata())
        archived = [i for i, archive in enumerate(data.is_archive) if archive]
        ax.scatter(
            [data.snapshots[i] for i in archived],
            [float("nan") if values[i] is None else values[i] for i in archived],
            facecolors="white",
            edgecolors=style.modality_colour(modality),
            zorder=3,
        )
    plotted["from an archive"] = list(data.is_archive)
    compact_axis(ax, "y")
    # Matplotlib pads one date by years either side: keep the axis to the snapshots' span.
    pad = max((data.snapshots[-1] - data.snapshots[0]) / 20, timedelta(days=1))
    ax.set_xlim(data.snapshots[0] - pad, data.snapshots[-1] + pad)
    if len(data.snapshots) <= MAX_DATE_TICKS:
        ax.set_xticks(data.snapshots, [day(s) for s in data.snapshots])
    ax.set_ylim(bottom=0)
    ax.set_ylabel("Downloads per day, from all-time counts")
    ax.set_xlabel("Full-catalogue snapshot (UTC)")
    ax.yaxis.grid(True, color="#E5E5E5", linewidth=0.6)
    ax.set_axisbelow(True)
    fig.autofmt_xdate()
    style.modality_legend(
        ax, data.legend, data.modalities, loc="upper left", bbox_to_anchor=(1.01, 1)
    )
    title = (
        f"{data.lead_label} models are downloaded most: {style.compact(data.lead_per_day)} a "
        f"day at the snapshot of {day(data.snapshots[-1])}"
    )
    caption = (
        "Each point is one full-catalogue snapshot: the downloads a day of the modality's "
        "categorised models since the snapshot before, over the real days between the two "
        f"(a week for weekly archives, more across a missing week). {archive_note(data)}"
        f"{ALL_TIME_NOTE}"
    )
    return finish(fig, title, caption, plotted)


def archive_note(data: UseTrend) -> str:
    """Which points came from archive files, in a sentence (none: no sentence)."""
    archived = [s for s, archive in zip(data.snapshots, data.is_archive, strict=True) if archive]
    if not archived:
        return ""
    if len(archived) == len(data.snapshots):
        return "Every point is an archive file's snapshot (hollow), none our own crawl. "
    return (
        f"Hollow points ({len(archived)} of {len(data.snapshots)}, {day(archived[0])} to "
        f"{day(archived[-1])}) are archive files' snapshots; filled ones our own crawls. "
    )


RELEASE_WINDOWS = TableSpec(
    "table-catalogue-release-windows",
    "Releases in the 12 whole months before the crawl's month, against the 12 before those",
    "catalogue_summary",
    "select last_12_months_from, last_12_months_model_count, previous_12_months_model_count, "
    "ratio_to_previous_12_months, peak_release_month, peak_month_model_count "
    "from marts.catalogue_summary",
    (
        Column("12 months from", DATE),
        Column("Models created in them", INTEGER),
        Column("In the 12 months before", INTEGER),
        Column("Ratio", DECIMAL),
        Column("Peak month since 2022", DATE),
        Column("Models that month", INTEGER),
    ),
)
MODALITY_USE = TableSpec(
    "table-catalogue-modality-use",
    "Use by modality in the full catalogue",
    "catalogue_modality_use",
    "select modality_label, model_count, share_of_models, total_downloads, share_of_downloads, "
    "share_of_likes from marts.catalogue_modality_use order by total_downloads desc, display_order",
    (
        Column("Modality"),
        Column("Models", INTEGER),
        Column("Share of models", SHARE),
        Column("Downloads (30 days)", INTEGER),
        Column("Share of downloads", SHARE),
        Column("Share of likes", SHARE),
    ),
)
USE_TREND = TableSpec(
    "table-modality-download-trends",
    f"Downloads per day by modality, from all-time counts: the {TOP_ROWS} newest rows",
    "modality_download_trends",
    "select snapshot_at::date, modality_label, model_count, downloads_per_day, "
    "share_of_downloads_per_day from marts.modality_download_trends "
    f"order by snapshot_at desc, downloads_per_day desc, display_order limit {TOP_ROWS}",
    (
        Column("Snapshot", DATE),
        Column("Modality"),
        Column("Categorised models", INTEGER),
        Column("Downloads per day (all-time counts)", DECIMAL),
        Column("Share of downloads per day", SHARE),
    ),
)

# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class CatalogueFacts:
    date: str
    description: str
    model_count: int
    categorised_count: int
    placeholder_count: int
    released_since_2022: int
    window_from: str | None  # the first of the 12 whole months before the crawl's month
    peak_month: str | None
    peak_count: int | None
    text_share_models: float
    text_share_downloads: float


def catalogue_facts(con: Connection) -> CatalogueFacts:
    row = one(
        con,
        "select snapshot_at, sample_description, model_count, categorised_model_count, "
        "placeholder_count, released_since_2022_count, last_12_months_from, "
        "peak_release_month, peak_month_model_count from marts.catalogue_summary",
    )
    if not row:
        raise MissingData(NOT_A_CATALOGUE)
    snapshot_at, described, models, categorised, placeholders, released, window, peak, count = row
    text_models, text_downloads = one(
        con,
        "select share_of_models, coalesce(share_of_downloads, 0) "
        "from marts.catalogue_modality_use where modality = ?",
        [TEXT_MODALITY],
    ) or (0.0, 0.0)
    return CatalogueFacts(
        date=snapshot_at.strftime("%Y-%m-%d"),
        description=described,
        model_count=models,
        categorised_count=categorised,
        placeholder_count=placeholders,
        released_since_2022=released,
        window_from=window.strftime("%B %Y") if window else None,
        peak_month=peak.strftime("%B %Y") if peak else None,
        peak_count=count,
        text_share_models=text_models,
        text_share_downloads=text_downloads,
    )


@dataclass(frozen=True)
class UseTrendFacts:
    first_date: str
    latest_date: str
    leader_label: str
    leader_per_day: float | None
    leader_share: float | None
    text_first_per_day: float | None
    text_latest_per_day: float | None


def use_trend_facts(con: Connection) -> UseTrendFacts:
    first = one(
        con, "select snapshot_at from marts.modality_download_trends order by snapshot_at limit 1"
    )
    if not first:
        raise MissingData("no full-catalogue snapshot has downloads per day yet")
    latest = one(
        con,
        "select snapshot_at, modality_label, downloads_per_day, share_of_downloads_per_day "
        "from marts.modality_download_trends "
        "order by snapshot_at desc, downloads_per_day desc, display_order limit 1",
    )
    text = "from marts.modality_download_trends where modality = ? order by snapshot_at"
    text_first = one(con, f"select downloads_per_day {text} limit 1", [TEXT_MODALITY])
    text_latest = one(
        con, f"select downloads_per_day, snapshot_at {text} desc limit 1", [TEXT_MODALITY]
    )
    return UseTrendFacts(
        first_date=first[0].strftime("%Y-%m-%d"),
        latest_date=latest[0].strftime("%Y-%m-%d"),
        leader_label=latest[1],
        leader_per_day=latest[2],
        leader_share=latest[3],
        text_first_per_day=text_first[0] if text_first else None,
        text_latest_per_day=text_latest[0] if text_latest else None,
    )


# --------------------------------------------------------------------------- the report


def findings(facts: Facts) -> list[str]:
    """Key findings from the full catalogue; none without one."""
    sentences = []
    f = facts.get(CatalogueFacts)
    if f is not None and f.model_count:
        sentences.append(
            f"In the Hub's full catalogue ({f.model_count:,} models crawled on {f.date}, "
            f"{f.categorised_count:,} of them with a category), natural-language models are "
            f"{style.percent(f.text_share_models)} of all models and get "
            f"{style.percent(f.text_share_downloads)} of the 30-day downloads."
        )
        if f.peak_month:
            sentences.append(
                f"{f.released_since_2022:,} of the catalogue's models were created since "
                f"January 2022, the most in {f.peak_month} ({f.peak_count:,})."
            )
    trend = facts.get(UseTrendFacts)
    if trend is not None and trend.leader_per_day is not None:
        sentences.append(use_trend_sentence(trend))
    return sentences


def use_trend_sentence(f: UseTrendFacts) -> str:
    text = ""
    # One measured snapshot has no "from ... to" to tell.
    if f.text_latest_per_day is not None and f.first_date != f.latest_date:
        text = (
            f"; natural-language models went from {style.compact(f.text_first_per_day)} a day "
            f"on {f.first_date} to {style.compact(f.text_latest_per_day)} on {f.latest_date}"
        )
    return (
        f"Downloads per day, from the Hub's all-time counts between full-catalogue snapshots: "
        f"{f.leader_label} leads on {f.latest_date} with "
        f"{style.compact(f.leader_per_day)} a day "
        f"({style.percent(f.leader_share)} of all categorised models' "
        f"downloads a day){text}."
    )


def opening(facts: Facts) -> Section:
    """What the full-catalogue part holds (its findings are among the key findings); its
    figures follow as sections."""
    f = facts.get(CatalogueFacts)
    if f is not None and f.model_count:
        said = (
            f"The newest snapshot is the {f.description}: every listed model, "
            "not a sample. The figures below count its models only (a model deleted before the "
            "crawl is in no count), so they describe the Hub itself, and the seed's claims "
            "above are decided on them."
        )
    else:
        said = NOT_A_CATALOGUE
    return Section(
        "full-catalogue",
        "The Hub's full catalogue",
        paragraphs=(said, ALL_TIME_NOTE),
        marts=(*CATALOGUE_MARTS, *USE_TREND_MARTS),
    )


PART = ReportPart(
    figures=(
        FigureSpec(
            "catalogue_releases",
            "How many models does the Hub release each month, by modality?",
            ("catalogue_release_trends", "catalogue_summary", "modality_legend", *SAMPLE_MARTS),
            catalogue_releases,
            draw_catalogue_releases,
            (RELEASE_WINDOWS,),
        ),
        FigureSpec(
            "catalogue_modality_use",
            "Which modalities does the Hub use now?",
            ("catalogue_modality_use", "catalogue_summary", *SAMPLE_MARTS),
            modality_use,
            draw_modality_use,
            (MODALITY_USE,),
        ),
        FigureSpec(
            "modality_download_trends",
            "How is use changing, by modality?",
            ("modality_download_trends", "modality_legend", *SAMPLE_MARTS),
            use_trend,
            draw_use_trend,
            (USE_TREND,),
        ),
    ),
    facts=(
        FactGroup("catalogue", CATALOGUE_MARTS, catalogue_facts),
        FactGroup("use_trend", USE_TREND_MARTS, use_trend_facts),
    ),
    opening=opening,
)
