"""Figure 10: which models and categories grew fastest between the two newest snapshots, with
the table of the fastest and the key finding on growth (marts latest_model_growth,
growth_summary, category_share_change)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator

from plots import style
from plots.data import SAMPLE_MARTS, Connection, Legend, MissingData, columns_of, fetch, legend, one
from plots.figures import bar_lengths, day, finish, short
from plots.sections.sample import SampleFacts
from plots.shared import (
    DECIMAL,
    INTEGER,
    Column,
    FactGroup,
    Facts,
    FigureSpec,
    Rendered,
    ReportPart,
    TableSpec,
)
from plots.style import counted
from plots.tables import TOP_ROWS

GROWTH_TOP_N = 15


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


def grew(data: Growth) -> bool:
    return bool(data.model_ids) and data.likes_per_day[0] > 0


def shifted(data: Growth) -> bool:
    return any(abs(v) > 0 for v in data.share_change_points)


def growth_window(data: Growth) -> str:
    return f"{day(data.previous_at)} to {day(data.latest_at)} ({data.days_between:.0f} days)"


def growth_title(data: Growth) -> str:
    if not grew(data):
        return f"No growth: none of the {data.compared_models:,} models gained likes, " + (
            growth_window(data)
        )
    best = data.likes_per_day[0]
    span = f"{best:,.1f} likes a day, {growth_window(data)}"
    if data.top_tie_count > 1:
        return f"{data.top_tie_count:,} models tie for the fastest growth: {span}"
    return f"{short(data.model_ids[0], 60)} grew fastest: {span}"


def no_growth_panel(ax: Axes, text: str) -> None:
    """Says so in words: a row of zero-length bars reads as missing data, not as no change."""
    ax.set_axis_off()
    ax.text(
        0.5,
        0.5,
        text,
        ha="center",
        va="center",
        fontsize=12,
        color="#333333",
        wrap=True,
        bbox={"boxstyle": "round,pad=0.8", "facecolor": "#F2F4F7", "edgecolor": "#B0B8C4"},
        transform=ax.transAxes,
    )


def draw_growth(data: Growth, sample_caption: str) -> Rendered:
    # Only the panels with something to draw get their rows: no growth is one line of text.
    rows = max(
        len(data.model_ids) if grew(data) else 3,
        len(data.categories) if shifted(data) else 3,
    )
    fig = style.new_figure(14, 2.4 + 0.36 * rows)
    left, right = fig.subplots(1, 2)
    plotted: dict[str, list[Any]] = {
        "model_ids": [],
        "likes_per_day": [],
        "categories": [],
        "share_change_points": [],
    }
    n = len(data.model_ids)
    if grew(data):
        model_bars = left.barh(
            range(n),
            data.likes_per_day,
            color=[style.modality_colour(m) for m in data.model_modalities],
            edgecolor=style.BAR_EDGE,
            linewidth=0.4,
        )
        left.set_yticks(range(n), [short(m) for m in data.model_ids])
        left.invert_yaxis()
        for i, value in enumerate(data.likes_per_day):
            left.text(max(value, 0), i, f" {value:,.1f}", va="center", fontsize=9)
        left.set_xlim(min(0, *data.likes_per_day) * 1.1, max(data.likes_per_day) * 1.2)
        # The window is in the title, once for both panels: long axis labels side by side
        # would run into each other.
        left.set_xlabel("Likes gained per day")
        plotted["model_ids"] = list(data.model_ids)
        plotted["likes_per_day"] = bar_lengths(model_bars, horizontal=True)
    else:
        no_growth_panel(
            left, f"No growth: none of the {data.compared_models:,} models\ngained any likes."
        )
    left.set_title(f"Fastest-growing models (top {n} of {data.compared_models:,})", loc="left")

    c = len(data.categories)
    if shifted(data):
        category_bars = right.barh(
            range(c),
            data.share_change_points,
            color=[style.modality_colour(m) for m in data.category_modalities],
            edgecolor=style.BAR_EDGE,
            linewidth=0.4,
        )
        right.set_yticks(range(c), [short(name) for name in data.categories])
        right.invert_yaxis()
        right.axvline(0, color="#333333", linewidth=0.8)
        for i, value in enumerate(data.share_change_points):
            right.text(
                value,
                i,
                f" {value:+.1f} ",
                va="center",
                ha="left" if value >= 0 else "right",
                fontsize=9,
            )
        reach = max(abs(v) for v in data.share_change_points) * 1.35
        right.set_xlim(-reach, reach)
        # Few signed ticks: a dozen of them run into each other on a half-width panel.
        right.xaxis.set_major_locator(MaxNLocator(nbins=4, symmetric=True))
        right.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:+.1f}" if v else "0"))
        right.set_xlabel("Change in share of categorised models (points)")
        plotted["categories"] = list(data.categories)
        plotted["share_change_points"] = bar_lengths(category_bars, horizontal=True)
    else:
        no_growth_panel(right, "No change: every category kept\nits share of the sample.")
    right.set_title("Categories' change in share of the sample", loc="left")
    drawn_modalities = [
        *(data.model_modalities if grew(data) else []),
        *(data.category_modalities if shifted(data) else []),
    ]
    if drawn_modalities:
        # One legend for both panels, outside them: long bars fill every corner of the left one.
        style.modality_legend(
            right, data.legend, drawn_modalities, loc="upper left", bbox_to_anchor=(1.01, 1)
        )
    caption = (
        f"Both panels compare the two latest snapshots, {growth_window(data)}. Left: models "
        "present in both, by likes gained per day (marts.latest_model_growth). Right: change in "
        "each category's share of the snapshot's categorised models "
        "(marts.category_share_change); a share shift reflects what is trending, not new "
        f"releases. {sample_caption}"
    )
    return finish(fig, growth_title(data), caption, plotted)


FASTEST_GROWING = TableSpec(
    "table-fastest-growing",
    f"Top {TOP_ROWS} models by likes gained per day",
    "latest_model_growth",
    "select model_id, category, likes_change, days_between, likes_per_day "
    f"from marts.latest_model_growth where growth_rank <= {TOP_ROWS} order by growth_rank",
    (
        Column("Model"),
        Column("Category"),
        Column("Likes gained", INTEGER),
        Column("Days", DECIMAL),
        Column("Likes a day", DECIMAL),
    ),
)


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class GrowthFacts:
    previous_date: str
    latest_date: str
    model_count: int | None
    median_likes_per_day: float | None
    top_model: str | None
    top_likes_per_day: float
    top_tie_count: int
    text_generation_share_of_likes_gained: float | None
    text_generation_share_of_models: float | None


def select_facts(con: Connection) -> GrowthFacts:
    row = one(
        con,
        "select previous_snapshot_at, snapshot_at, model_count, median_likes_per_day, "
        "top_model_id, top_likes_per_day, top_tie_count, "
        "text_generation_share_of_likes_gained, text_generation_share_of_models "
        "from marts.growth_summary",
    )
    if not row:
        raise MissingData("no model in two snapshots")
    previous_at, latest_at, *rest = row
    return GrowthFacts(previous_at.strftime("%Y-%m-%d"), latest_at.strftime("%Y-%m-%d"), *rest)


def findings(facts: Facts) -> list[str]:
    """The key finding on growth, or why there is none yet."""
    growth, sample = facts.get(GrowthFacts), facts.get(SampleFacts)
    if growth is not None and growth.model_count is not None:
        return [growth_sentence(growth)]
    if sample is not None:
        return [
            "Growth is not measured yet: the warehouse holds "
            f"{counted(sample.snapshot_count, 'snapshot')} and growth needs 2 or more."
        ]
    return []


def growth_sentence(f: GrowthFacts) -> str:
    window = (
        f"Between {f.previous_date} and {f.latest_date}, "
        f"{f.model_count:,} models appear in both snapshots"
    )
    if f.top_likes_per_day <= 0:
        # A tie of every model at zero is no leader: say there was no growth.
        return f"{window}; none of them gained likes (no growth)."
    top = f.top_model if f.top_tie_count == 1 else f"{f.top_tie_count:,} tied models"
    return (
        f"{window}; the median gained {f.median_likes_per_day:,.1f} likes a day "
        f"and {top} the most ({f.top_likes_per_day:,.1f} a day)."
    )


# --------------------------------------------------------------------------- the part

PART = ReportPart(
    figures=(
        FigureSpec(
            "growth",
            "Which models and categories are growing fastest?",
            (
                "latest_model_growth",
                "growth_summary",
                "category_share_change",
                "modality_legend",
                *SAMPLE_MARTS,
            ),
            growth,
            draw_growth,
            (FASTEST_GROWING,),
        ),
    ),
    facts=(FactGroup("growth", ("growth_summary",), select_facts),),
)
