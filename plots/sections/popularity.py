"""Figures 8-9: how concentrated downloads are, and whether likes follow them, with the top
models' tables and the key findings on them (marts download_ranks, popularity_summary,
models, top_models)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from matplotlib.ticker import PercentFormatter

from plots import style
from plots.data import (
    MAX_POINTS,
    MIN_MODELS_FOR_DISTRIBUTION,
    SAMPLE_MARTS,
    Connection,
    Legend,
    MissingData,
    columns_of,
    fetch,
    legend,
    one,
)
from plots.figures import compact_axis, finish
from plots.shared import (
    INTEGER,
    Column,
    FactGroup,
    Facts,
    FigureSpec,
    Rendered,
    ReportPart,
    TableSpec,
)
from plots.style import compact, percent
from plots.tables import TOP_ROWS


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


def draw_concentration(data: Concentration, sample_caption: str) -> Rendered:
    fig = style.new_figure(13, 5.4)
    left, right = fig.subplots(1, 2)
    # A model with 0 downloads has no place on a log axis; the most downloaded come first.
    positive = [d for d in data.downloads if d > 0]
    ranks = data.ranks[: len(positive)]
    (line,) = left.plot(ranks, positive, color=style.NEUTRAL, linewidth=1.6)
    left.set_xscale("log")
    left.set_yscale("log")
    left.axvspan(
        0.8,
        data.top_n + 0.5,
        color="#E69F00",
        alpha=0.18,
        linewidth=0,
        label=f"top 1% ({data.top_n:,} models)",
    )
    compact_axis(left, "x")
    compact_axis(left, "y")
    left.set_xlabel("Rank by downloads (1 = most downloaded, log scale)")
    left.set_ylabel("Downloads in the last 30 days (log scale)")
    left.legend(loc="lower left", frameon=False)
    left.set_title("Rank-ordered downloads", loc="left")

    n = data.model_count
    right.plot(data.model_shares, data.cumulative_shares, color=style.NEUTRAL, linewidth=1.6)
    # Linear axes, so equal shares are the straight diagonal a reader expects; the left panel
    # already spreads the top ranks out on a log axis.
    right.plot(
        [0, 1],
        [0, 1],
        color="#999999",
        linestyle="--",
        linewidth=1,
        label="if every model had an equal share",
    )
    right.scatter(
        [data.top_n / n],
        [data.top_share],
        color="#D55E00",
        zorder=3,
        label=f"top 1%: {style.percent(data.top_share)} of downloads",
    )
    right.set_xlim(0, 1)
    right.set_ylim(0, 1.02)
    right.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    right.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    right.set_xlabel("Top share of models, by downloads (%)")
    right.set_ylabel("Their share of all downloads (%)")
    right.legend(loc="lower right", frameon=False)
    right.set_title("Cumulative share of downloads", loc="left")
    title = (
        f"The top 1% of models ({data.top_n:,}) hold {style.percent(data.top_share)} of all "
        f"downloads in the sample"
    )
    zero_note = (
        f" {data.zero_count:,} models with 0 downloads cannot sit on a log axis and are left "
        "out of the left panel, but count in the shares."
        if data.zero_count
        else ""
    )
    caption = (
        "Downloads are the Hub's last-30-day count; the top-1% share (the top ceil(1% of "
        f"{n:,}) models) is in marts.popularity_summary.{zero_note} {sample_caption}"
    )
    xs, ys = line.get_data()
    plotted = {
        "ranks": list(xs),
        "downloads": list(ys),
        "top_n": [data.top_n],
        "top_share": [data.top_share],
        "model_shares": list(data.model_shares),
        "cumulative_shares": list(data.cumulative_shares),
    }
    return finish(fig, title, caption, plotted)


def drawn_sample(data: LikesDownloads) -> str:
    drawn = len(data.model_ids)
    if drawn >= data.r_model_count:
        return ""
    return f"Points: a random sample of {drawn:,} of the {data.r_model_count:,} models. "


def draw_likes_vs_downloads(data: LikesDownloads, sample_caption: str) -> Rendered:
    fig = style.new_figure(10, 7)
    ax = fig.add_subplot()
    plotted: dict[str, list[Any]] = {"model_ids": [], "downloads_plus_1": [], "likes_plus_1": []}
    order = data.legend.sort(data.modalities)
    handles = {}
    # Drawn last-first so the large modalities sit on top of the grey "No category" cloud.
    for modality in reversed(order):
        picked = [i for i, m in enumerate(data.modalities) if m == modality]
        points = ax.scatter(
            [data.downloads[i] + 1 for i in picked],
            [data.likes[i] + 1 for i in picked],
            s=16,
            alpha=0.7,
            color=style.modality_colour(modality),
            edgecolors="none",
            label=data.legend.label(modality),
        )
        handles[modality] = points
        offsets = points.get_offsets()
        plotted["model_ids"] += [data.model_ids[i] for i in picked]
        plotted["downloads_plus_1"] += [float(x) for x in offsets[:, 0]]
        plotted["likes_plus_1"] += [float(y) for y in offsets[:, 1]]
    ax.set_xscale("log")
    ax.set_yscale("log")
    compact_axis(ax, "x")
    compact_axis(ax, "y")
    ax.set_xlabel("Downloads in the last 30 days + 1 (log scale)")
    ax.set_ylabel("Likes (all time) + 1 (log scale)")
    ax.grid(True, color="#EEEEEE", linewidth=0.6)
    ax.set_axisbelow(True)
    # Outside the axes: the zero-download column runs up the left edge of the plot.
    ax.legend(
        handles=[handles[m] for m in order],
        title="Modality",
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        frameon=False,
        markerscale=1.6,
    )
    n = data.r_model_count
    if data.pearson_r is None or math.isnan(data.pearson_r):
        title = f"Likes against downloads for {n:,} models (Pearson r undefined)"
    else:
        title = (
            f"Likes and downloads are {data.strength} correlated: Pearson r = "
            f"{data.pearson_r:.2f} over {data.r_model_count:,} models"
        )
    caption = (
        "Both axes show the value + 1 so that models with 0 likes or 0 downloads "
        f"({data.zero_count:,} of {n:,}) sit on the bottom or left edge instead of vanishing "
        "from a log axis. Pearson r comes from marts.popularity_summary, on the raw values as "
        f"the seed's df.corr(), so a few huge models dominate it. {drawn_sample(data)}"
        f"{sample_caption}"
    )
    plotted["pearson_r"] = [data.pearson_r]
    return finish(fig, title, caption, plotted)


def top_models_table(rank: str, noun: str) -> TableSpec:
    return TableSpec(
        f"table-top-models-by-{noun}",
        f"Top {TOP_ROWS} models by {noun}",
        "top_models",
        "select model_id, author, category, license, library_name, downloads, likes "
        f"from marts.top_models where {rank} <= {TOP_ROWS} order by {rank}",
        (
            Column("Model"),
            Column("Author"),
            Column("Category"),
            Column("Licence"),
            Column("Library"),
            Column("Downloads (30 days)", INTEGER),
            Column("Likes", INTEGER),
        ),
    )


TOP_BY_DOWNLOADS = top_models_table("downloads_rank", "downloads")


TOP_BY_LIKES = top_models_table("likes_rank", "likes")


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class PopularityFacts:
    top1pct_model_count: int
    top1pct_download_share: float | None
    zero_download_count: int
    median_downloads: float | None
    mean_downloads: float | None
    r_downloads_likes: float | None
    r_strength: str | None  # how the report words r, decided in the mart
    r_model_count: int


def select_facts(con: Connection) -> PopularityFacts:
    row = one(
        con,
        "select top_1pct_model_count, top_1pct_download_share, zero_download_count, "
        "median_downloads, mean_downloads, downloads_likes_pearson_r, "
        "downloads_likes_strength, downloads_likes_model_count from marts.popularity_summary",
    )
    if not row:
        raise MissingData("marts.popularity_summary is empty")
    return PopularityFacts(*row)


def findings(facts: Facts) -> list[str]:
    """The key findings on popularity: how concentrated downloads are, and likes against them."""
    f = facts.get(PopularityFacts)
    if f is None:
        return []
    sentences = []
    if None not in (f.top1pct_download_share, f.median_downloads, f.mean_downloads):
        sentences.append(
            f"Downloads are concentrated: the top 1% of models ({f.top1pct_model_count:,}) "
            f"hold {percent(f.top1pct_download_share)} of all downloads, and the median "
            f"model has {compact(f.median_downloads)} downloads in 30 days against a mean "
            f"of {compact(f.mean_downloads)}."
        )
    if f.r_downloads_likes is not None:
        sentences.append(
            f"Likes and downloads are {f.r_strength} correlated: "
            f"Pearson r = {f.r_downloads_likes:.2f} over {f.r_model_count:,} models."
        )
    return sentences


# --------------------------------------------------------------------------- the part

PART = ReportPart(
    figures=(
        FigureSpec(
            "download_concentration",
            "How concentrated are downloads?",
            ("download_ranks", "popularity_summary", *SAMPLE_MARTS),
            concentration,
            draw_concentration,
            (TOP_BY_DOWNLOADS,),
        ),
        FigureSpec(
            "likes_vs_downloads",
            "Do likes follow downloads?",
            ("models", "popularity_summary", "modality_legend", *SAMPLE_MARTS),
            likes_vs_downloads,
            draw_likes_vs_downloads,
            (TOP_BY_LIKES,),
        ),
    ),
    facts=(FactGroup("popularity", ("popularity_summary",), select_facts),),
)
