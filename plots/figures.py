"""One function per figure: data in, a titled and captioned matplotlib Figure out.

Each returns a Rendered whose `plotted` holds what was actually drawn, read back from the
artists (bar widths, point offsets), so tests can compare the picture with the marts.
"""

from __future__ import annotations

import base64
import io
import math
from datetime import date, datetime
from typing import Any

from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from plots import style
from plots.data import (
    TEXT_MODALITY,
    CategoryBars,
    Concentration,
    Growth,
    Legend,
    LikesDownloads,
    ModalityShare,
    MonthlyReleases,
    YearBuckets,
    YearModalityShares,
)
from plots.shared import Rendered

MODEL_LABEL_CHARS = 42


MIME_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


def placeholder(question: str, reason: str, sample_caption: str) -> Rendered:
    fig, chrome = style.empty_canvas(question, reason, sample_caption)
    return Rendered(fig, question, f"{reason} {sample_caption}", {}, reason, chrome=chrome)


def finish(fig: Figure, title: str, caption: str, plotted: dict[str, list[Any]]) -> Rendered:
    chrome = [style.set_title(fig, title), style.add_caption(fig, caption)]
    return Rendered(fig, title, caption, plotted, chrome=chrome)


def inline_image(rendered: Rendered, fmt: str, dpi: int) -> str:
    """The figure as a data URI, without the title and caption the report prints beside it."""
    for text in rendered.chrome:
        text.set_visible(False)
    buffer = io.BytesIO()
    try:
        rendered.fig.savefig(buffer, format=fmt, dpi=dpi, bbox_inches="tight")
    finally:
        for text in rendered.chrome:
            text.set_visible(True)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"data:{MIME_TYPES[fmt]};base64,{encoded}"


def bar_lengths(container: BarContainer, horizontal: bool) -> list[float]:
    return [p.get_width() if horizontal else p.get_height() for p in container.patches]


def short(text: str, limit: int = MODEL_LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def day(value: datetime | date) -> str:
    return value.strftime("%Y-%m-%d")


def compact_axis(ax: Axes, axis: str = "x") -> None:
    formatter = FuncFormatter(lambda v, _pos: style.compact(v))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(formatter)


# --------------------------------------------------------------------------- figures 1-3

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


def category_bars(data: CategoryBars, sample_caption: str) -> Rendered:
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


# --------------------------------------------------------------------------- figure 4


def share_pair_bars(
    ax: Axes,
    labels: list[str],
    model_shares: list[float],
    download_shares: list[float],
    colours: list[str],
    downloads_label: str,
) -> tuple[BarContainer, BarContainer]:
    """Per row, its share of models (solid) above its share of downloads (hatched), each with
    its percentage, rows top-down in the given order; returns the two sets of bars."""
    height = 0.38
    ys = list(range(len(labels)))
    edge = {"edgecolor": style.BAR_EDGE, "linewidth": 0.4}
    models = ax.barh([y - height / 2 for y in ys], model_shares, height, color=colours, **edge)
    downloads = ax.barh(
        [y + height / 2 for y in ys],
        download_shares,
        height,
        color=colours,
        alpha=0.45,
        hatch="//",
        **edge,
    )
    for y, m, d in zip(ys, model_shares, download_shares, strict=True):
        ax.text(m, y - height / 2, f" {style.percent(m)}", va="center", fontsize=9)
        ax.text(d, y + height / 2, f" {style.percent(d)}", va="center", fontsize=9)
    ax.set_yticks(ys, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, max([*model_shares, *download_shares, 0.01]) * 1.2)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.legend(
        handles=[
            Patch(facecolor="#777777", edgecolor=style.BAR_EDGE, label="share of models"),
            Patch(
                facecolor="#777777",
                alpha=0.45,
                hatch="//",
                edgecolor=style.BAR_EDGE,
                label=downloads_label,
            ),
        ],
        loc="lower right",
        frameon=False,
    )
    return models, downloads


def modality_share(data: ModalityShare, sample_caption: str) -> Rendered:
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


# --------------------------------------------------------------------------- figure 5


def releases_by_year(data: YearBuckets, sample_caption: str) -> Rendered:
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


# --------------------------------------------------------------------------- figure 6


def month_tick_step(months: int) -> int:
    return 1 if months <= 12 else 3 if months <= 36 else 6


def month_ticks(months: list[date]) -> list[int]:
    """The bars labelled on a monthly axis: every month, quarter or half-year, as the span asks."""
    step = month_tick_step(len(months))
    return [x for x, month in enumerate(months) if month.month % step == 1 % step]


def stacked_monthly_bars(
    ax: Axes,
    months: list[date],
    counts: dict[str | None, list[int]],
    legend: Legend,
    partial: int | None,
) -> tuple[dict[str, list[Any]], list[int]]:
    """Models created per month stacked by modality in legend order on the axes both release
    figures share, the bar at `partial` hatched (a month counted only to the capture). Returns
    what was drawn, by label, and each month's total; the caller places the month ticks.
    """
    xs = list(range(len(months)))
    bottom = [0] * len(xs)
    plotted: dict[str, list[Any]] = {"months": [m.isoformat() for m in months]}
    for modality in legend.sort(counts):
        bars = ax.bar(
            xs,
            counts[modality],
            0.85,
            bottom=bottom,
            color=style.modality_colour(modality),
            edgecolor=style.BAR_EDGE,
            linewidth=0.2,
            label=legend.label(modality),
        )
        plotted[legend.label(modality)] = bar_lengths(bars, horizontal=False)
        if partial is not None:
            bars.patches[partial].set_hatch("///")
            bars.patches[partial].set_alpha(0.55)
        # Where the next modality's bars start: stacking, not a number the figure states.
        bottom = [a + b for a, b in zip(bottom, counts[modality], strict=True)]
    ax.set_xlim(-0.7, len(xs) - 0.3)
    compact_axis(ax, "y")
    ax.set_ylabel("Models created that month (count)")
    ax.set_xlabel("Month the model was created on the Hub (UTC)")
    ax.yaxis.grid(True, color="#E5E5E5", linewidth=0.6)
    ax.set_axisbelow(True)
    return plotted, bottom


def releases_by_month(data: MonthlyReleases, sample_caption: str) -> Rendered:
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


# --------------------------------------------------------------------------- figure 7


def modality_share_by_year(data: YearModalityShares, sample_caption: str) -> Rendered:
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


def label_colour(modality: str | None) -> str:
    # Dark text on the light palette entries, white on the dark ones.
    return "black" if modality in ("cv", "other", "tabular", None) else "white"


# --------------------------------------------------------------------------- figure 8


def concentration(data: Concentration, sample_caption: str) -> Rendered:
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


# --------------------------------------------------------------------------- figure 9


def drawn_sample(data: LikesDownloads) -> str:
    drawn = len(data.model_ids)
    if drawn >= data.r_model_count:
        return ""
    return f"Points: a random sample of {drawn:,} of the {data.r_model_count:,} models. "


def likes_vs_downloads(data: LikesDownloads, sample_caption: str) -> Rendered:
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


# --------------------------------------------------------------------------- figure 10


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


def growth(data: Growth, sample_caption: str) -> Rendered:
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
