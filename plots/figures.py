"""Drawing a figure: `render` runs a FigureSpec's query and drawing, turning missing data or a
failure into a labelled canvas; the helpers the sections' drawings share (axes, ticks, bars
in pairs and stacked by month, the image the report inlines).

Each drawing (in plots/sections/) returns a Rendered whose `plotted` holds what was actually
drawn, read back from the artists (bar widths, point offsets), so tests can compare the picture
with the marts.
"""

from __future__ import annotations

import base64
import io
import logging
from datetime import date, datetime
from typing import Any

import duckdb
from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, PercentFormatter

from plots import style
from plots.data import Connection, Legend, MissingData, require
from plots.shared import FigureSpec, Rendered

log = logging.getLogger(__name__)

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


def label_colour(modality: str | None) -> str:
    # Dark text on the light palette entries, white on the dark ones.
    return "black" if modality in ("cv", "other", "tabular", None) else "white"


def render(spec: FigureSpec, con: Connection, sample_caption: str) -> Rendered:
    """Draw one figure; missing or thin data, or a mart out of step, becomes a labelled canvas."""
    try:
        require(con, *spec.marts)
        loaded = spec.load(con)
    except MissingData as exc:
        return placeholder(spec.question, str(exc), sample_caption)
    except duckdb.Error as exc:
        # A mart whose shape changed under us: say so on the canvas and in the log, keep going.
        first_line = str(exc).splitlines()[0]
        log.warning("%s: query failed: %s", spec.name, first_line)
        reason = f"The query on the marts failed ({first_line}); rebuild with make build."
        return placeholder(spec.question, reason, sample_caption)
    try:
        return spec.draw(loaded, sample_caption)
    except Exception as exc:
        # A bug in one figure must not cost the others and the report; the CLI exits non-zero.
        log.error("%s: drawing failed: %s: %s", spec.name, type(exc).__name__, exc)
        log.debug("%s: drawing failed", spec.name, exc_info=True)
        reason = f"Drawing this figure failed ({type(exc).__name__}); see the plots log."
        rendered = placeholder(spec.question, reason, sample_caption)
        rendered.failed = True
        return rendered
