"""Figures 1-4: which categories and modalities get the models, downloads, likes and
trending score, with their tables and the key findings on them.

Every number is a column of a reporting mart (category_popularity, modality_share,
research_group_share); this module selects, draws and words it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from matplotlib.ticker import PercentFormatter

from plots import style
from plots.data import SAMPLE_MARTS, Connection, Legend, MissingData, columns_of, fetch, legend, one
from plots.figures import bar_lengths, compact_axis, finish, share_pair_bars, short
from plots.shared import (
    DECIMAL,
    INTEGER,
    SHARE,
    Column,
    FactGroup,
    Facts,
    FigureSpec,
    Rendered,
    ReportPart,
    TableSpec,
)
from plots.style import percent
from plots.tables import TOP_ROWS

CATEGORY_METRICS = ("total_downloads", "total_likes", "total_trending_score")


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


CATEGORY_TEXT = {
    "total_downloads": {
        "noun": "downloads",
        "unit": " downloads in the last 30 days",
        "axis": "Downloads in the last 30 days, summed over the category's models",
        "note": "The Hub's downloads count is a rolling 30-day total.",
    },
    "total_likes": {
        "noun": "likes",
        "unit": " likes",
        "axis": "Likes (all time), summed over the category's models",
        "note": "Likes accumulate over a model's whole life, so older models have had longer.",
    },
    "total_trending_score": {
        "noun": "trending score",
        "unit": " trending points",
        "axis": "Trending score (the Hub's recent-activity score), summed over the category",
        "note": "The trending score is the Hub's unitless measure of recent likes activity.",
    },
}


def draw_category_bars(data: CategoryBars, sample_caption: str) -> Rendered:
    text = CATEGORY_TEXT[data.metric]
    n = len(data.categories)
    fig = style.new_figure(10, 1.9 + 0.3 * n)
    ax = fig.add_subplot()
    colours = [style.modality_colour(m) for m in data.modalities]
    bars = ax.barh(range(n), data.values, color=colours, edgecolor=style.BAR_EDGE, linewidth=0.4)
    labels = [
        f"{short(c)}  (n={k:,})" for c, k in zip(data.categories, data.model_counts, strict=True)
    ]
    ax.set_yticks(range(n), labels)
    ax.invert_yaxis()  # largest at the top, where the eye starts
    ax.set_ylim(n - 0.5, -0.5)
    log = style.spans_orders_of_magnitude(data.values)
    positive = [v for v in data.values if v > 0] or [1.0]
    if log:
        ax.set_xscale("log")
        ax.set_xlim(min(positive) / 2, max(positive) * 4)
    else:
        ax.set_xlim(0, max(positive) * 1.15)
    for i, value in enumerate(data.values):
        x = value if value > 0 else ax.get_xlim()[0]
        ax.text(x, i, " " + style.compact(value), va="center", fontsize=9)
    compact_axis(ax)
    scale = " (log scale)" if log else ""
    ax.set_xlabel(text["axis"] + scale)
    ax.xaxis.grid(True, color="#E5E5E5", linewidth=0.6)
    ax.set_axisbelow(True)
    # Outside the axes: with near-equal values no corner of the plot is free of bars.
    style.modality_legend(
        ax, data.legend, data.modalities, loc="lower left", bbox_to_anchor=(1.01, 0)
    )
    top_share = style.percent(data.share_of_top)
    title = (
        f"{short(data.categories[0])} leads {text['noun']}: {style.compact(data.values[0])}"
        f"{text['unit']}, {top_share} of the {n} categories' total"
    )
    caption = (
        f"{text['note']} Bars are coloured by the category's modality; n is the number of "
        f"models in each category. Models without a category are left out, as the seed did. "
        f"{sample_caption}"
    )
    plotted = {"labels": list(data.categories), "values": bar_lengths(bars, horizontal=True)}
    return finish(fig, title, caption, plotted)


def draw_modality_share(data: ModalityShare, sample_caption: str) -> Rendered:
    fig = style.new_figure(13, 5.2)
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1]})
    shares = data.model_shares
    n = len(data.modalities)
    bars = left.barh(
        range(n),
        shares,
        color=[style.modality_colour(m) for m in data.modalities],
        edgecolor=style.BAR_EDGE,
        linewidth=0.4,
    )
    left.set_yticks(range(n), [data.legend.label(m) for m in data.modalities])
    left.invert_yaxis()
    for i, (share, k) in enumerate(zip(shares, data.model_counts, strict=True)):
        left.text(share, i, f" {style.percent(share)} ({k:,})", va="center", fontsize=9)
    left.set_xlim(0, max(shares) * 1.3)
    left.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    left.set_xlabel(f"Share of all {data.total_models:,} models (%)")
    left.set_title("By modality (all models)", loc="left")

    colours = [style.RESEARCH_GROUP_COLOURS.get(name, "#8C8C8C") for name in data.groups]
    model_bars, download_bars = share_pair_bars(
        right,
        data.groups,
        data.group_model_shares,
        data.group_download_shares,
        colours,
        "share of downloads",
    )
    right.set_xlabel(f"Share of the {data.categorised_models:,} categorised models (%)")
    right.set_title("By research group (categorised models)", loc="left")
    lead = data.groups[0] if data.groups else "No"
    lead_models = data.group_model_shares[0] if data.groups else 0.0
    lead_downloads = data.group_download_shares[0] if data.groups else 0.0
    title = (
        f"{lead} models are {style.percent(lead_models)} of categorised models "
        f"and get {style.percent(lead_downloads)} of their downloads"
    )
    caption = (
        "Left: every model, including those without a pipeline tag (No category). Right: "
        "research groups of the categorised models; Text is exactly the nlp modality, Other "
        "pools tabular, reinforcement learning, other and unknown tags. Downloads are the last "
        f"30 days. Replaces the seed's pie of 20 rows in 4 recycled colours. {sample_caption}"
    )
    plotted = {
        "modalities": list(data.modalities),
        "modality_shares": bar_lengths(bars, horizontal=True),
        "groups": list(data.groups),
        "group_model_shares": bar_lengths(model_bars, horizontal=True),
        "group_download_shares": bar_lengths(download_bars, horizontal=True),
    }
    return finish(fig, title, caption, plotted)


def category_table(metric: str, share: str, noun: str) -> TableSpec:
    # metric and share are column names written here, never input.
    return TableSpec(
        f"table-categories-by-{noun.replace(' ', '-')}",
        f"Top {TOP_ROWS} categories by {noun}",
        "category_popularity",
        f"select category, modality_label, model_count, {metric}, {share} "
        f"from marts.category_popularity where {metric} is not null "
        f"order by {metric} desc, category limit {TOP_ROWS}",
        (
            Column("Category"),
            Column("Modality"),
            Column("Models", INTEGER),
            Column(noun.capitalize(), DECIMAL if "score" in noun else INTEGER),
            Column(f"Share of {noun}", SHARE),
        ),
    )


DOWNLOADS_BY_CATEGORY = category_table("total_downloads", "share_of_downloads", "downloads")


LIKES_BY_CATEGORY = category_table("total_likes", "share_of_likes", "likes")


TRENDING_BY_CATEGORY = category_table(
    "total_trending_score", "share_of_trending_score", "trending score"
)


MODALITIES = TableSpec(
    "table-modalities",
    "Models by modality",
    "modality_share",
    "select modality_label, model_count, share_of_models from marts.modality_share "
    "order by model_count desc, display_order",
    (Column("Modality"), Column("Models", INTEGER), Column("Share of models", SHARE)),
)


# --------------------------------------------------------------------------- facts

TEXT_GROUP = "Text"
LLM_CATEGORY = "text-generation"


@dataclass(frozen=True)
class CategoryLeader:
    category: str
    share: float | None


@dataclass(frozen=True)
class CategoryFacts:
    categorised_model_count: int
    category_count: int
    # Text's share of the categorised models and of their downloads, likes and trending score.
    text_share_models: float
    text_share_downloads: float
    text_share_likes: float
    text_share_trending: float
    top_downloads: CategoryLeader
    top_likes: CategoryLeader
    top_trending: CategoryLeader
    text_generation_share_models: float
    text_generation_share_likes: float


def leading_category(con: Connection, total_column: str, share_column: str) -> CategoryLeader:
    # Ties are broken by name so the leader is stable from run to run; the columns are
    # constants of this module, never input.
    return CategoryLeader(
        *one(
            con,
            f"select category, {share_column} from marts.category_popularity "
            f"order by {total_column} desc nulls last, category limit 1",
        )
    )


def select_facts(con: Connection) -> CategoryFacts:
    categorised, categories = one(
        con, "select categorised_model_count, category_count from marts.sample_summary"
    ) or (0, 0)
    if not categories:
        raise MissingData("no categorised model")
    text = (
        one(
            con,
            "select share_of_models, share_of_downloads, share_of_likes, share_of_trending_score "
            "from marts.research_group_share where research_group = ?",
            [TEXT_GROUP],
        )
        or (0.0,) * 4
    )
    llm_models, llm_likes = one(
        con,
        "select share_of_models, coalesce(share_of_likes, 0) from marts.category_popularity "
        "where category = ?",
        [LLM_CATEGORY],
    ) or (0.0, 0.0)
    models, downloads, likes, trending = (share or 0.0 for share in text)
    return CategoryFacts(
        categorised_model_count=categorised,
        category_count=categories,
        text_share_models=models,
        text_share_downloads=downloads,
        text_share_likes=likes,
        text_share_trending=trending,
        top_downloads=leading_category(con, "total_downloads", "share_of_downloads"),
        top_likes=leading_category(con, "total_likes", "share_of_likes"),
        top_trending=leading_category(con, "total_trending_score", "share_of_trending_score"),
        text_generation_share_models=llm_models,
        text_generation_share_likes=llm_likes,
    )


def findings(facts: Facts) -> list[str]:
    """The key findings on categories: text's shares, and each measure's leader."""
    f = facts.get(CategoryFacts)
    if f is None:
        return []
    return [
        f"Text models are {percent(f.text_share_models)} of the "
        f"{f.categorised_model_count:,} categorised models and get "
        f"{percent(f.text_share_downloads)} of their downloads, "
        f"{percent(f.text_share_likes)} of their likes and "
        f"{percent(f.text_share_trending)} of their trending score.",
        f"{f.top_downloads.category} leads the {f.category_count} categories on "
        f"downloads ({percent(f.top_downloads.share)} of the total), "
        f"{f.top_likes.category} on likes ({percent(f.top_likes.share)}) and "
        f"{f.top_trending.category} on trending score ({percent(f.top_trending.share)}).",
    ]


# --------------------------------------------------------------------------- the part

CATEGORY_MARTS = ("category_popularity", "modality_legend", *SAMPLE_MARTS)
PART = ReportPart(
    figures=(
        FigureSpec(
            "downloads_by_category",
            "Which categories get the most downloads?",
            CATEGORY_MARTS,
            partial(category_metric, metric="total_downloads"),
            draw_category_bars,
            (DOWNLOADS_BY_CATEGORY,),
        ),
        FigureSpec(
            "likes_by_category",
            "Which categories get the most likes?",
            CATEGORY_MARTS,
            partial(category_metric, metric="total_likes"),
            draw_category_bars,
            (LIKES_BY_CATEGORY,),
        ),
        FigureSpec(
            "trending_score_by_category",
            "Which categories are trending most?",
            CATEGORY_MARTS,
            partial(category_metric, metric="total_trending_score"),
            draw_category_bars,
            (TRENDING_BY_CATEGORY,),
        ),
        FigureSpec(
            "modality_share",
            "What share of models does each modality and research group have?",
            ("modality_share", "research_group_share", "modality_legend", *SAMPLE_MARTS),
            modality_share,
            draw_modality_share,
            (MODALITIES,),
        ),
    ),
    facts=(
        FactGroup(
            "categories",
            ("sample_summary", "research_group_share", "category_popularity"),
            select_facts,
        ),
    ),
)
