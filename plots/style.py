"""The one style module: palette, fonts, number formats, titles, captions, the empty canvas.

Every figure takes its colours and text helpers from here, so a modality has the same colour in
every figure and every figure states its sample the same way. Modality labels and their order
are data, not style: they come from marts.modality_legend (plots.data.Legend).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence

import matplotlib

# Agg before pyplot is ever imported: the CLI runs on servers and in CI without a display.
matplotlib.use("Agg")

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text

from plots.data import Legend

DEFAULT_DPI = 150

# Okabe-Ito, the colour-blind-safe palette; the greys keep "unknown" and "no category" apart from
# the real modalities. Yellow is light on white, so bars also get a thin dark edge (BAR_EDGE).
MODALITY_COLOURS: dict[str | None, str] = {
    "nlp": "#0072B2",
    "cv": "#E69F00",
    "audio": "#009E73",
    "multimodal": "#CC79A7",
    "tabular": "#56B4E9",
    "rl": "#D55E00",
    "other": "#F0E442",
    "unknown": "#4D4D4D",
    None: "#C8C8C8",
}

# A research group is a set of modalities; the single-modality groups borrow that modality's
# colour so the key stays one colour per modality. "Other" mixes four, so it gets a neutral.
RESEARCH_GROUP_COLOURS: dict[str, str] = {
    "Text": MODALITY_COLOURS["nlp"],
    "Vision": MODALITY_COLOURS["cv"],
    "Audio": MODALITY_COLOURS["audio"],
    "Multimodal": MODALITY_COLOURS["multimodal"],
    "Other": "#8C8C8C",
}

# Charts that are not about modality use a colour no modality has.
NEUTRAL = "#3B4F66"
PLACEHOLDER_COLOUR = "#E0E0E0"
BAR_EDGE = "#333333"
CAPTION_FONT_SIZE = 9.5

matplotlib.rcParams.update(
    {
        "font.size": 11,
        "axes.titlesize": 12,
        "axes.labelsize": 11,
        "xtick.labelsize": 10,
        "ytick.labelsize": 10,
        "legend.fontsize": 10,
        "figure.titlesize": 14,
        "figure.titleweight": "bold",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": False,
        "svg.fonttype": "none",
        "savefig.dpi": DEFAULT_DPI,
        # Labels are Hub text (pipeline tags, model ids): "$" in one must print as "$", not
        # start mathtext, which would fail the whole figure on a tag such as "$\frac{$".
        "text.parse_math": False,
    }
)


def modality_colour(modality: str | None) -> str:
    # A modality the palette does not know is drawn as unknown rather than failing the figure.
    return MODALITY_COLOURS.get(modality, MODALITY_COLOURS["unknown"])


def modality_legend(
    ax: Axes,
    legend: Legend,
    modalities: Iterable[str | None],
    extra: Sequence[Patch] = (),
    **kwargs: object,
) -> None:
    """A legend of just the modalities present, labelled and ordered as the legend mart says,
    then any `extra` keys (a hatched partial month)."""
    handles = [
        Patch(
            facecolor=modality_colour(m), edgecolor=BAR_EDGE, linewidth=0.5, label=legend.label(m)
        )
        for m in legend.sort(modalities)
    ]
    handles += extra
    options: dict[str, object] = {"title": "Modality", "frameon": False}
    options.update(kwargs)
    ax.legend(handles=handles, **options)


def new_figure(width: float, height: float) -> Figure:
    # Figure() rather than pyplot: nothing global to leak between figures or tests.
    return Figure(figsize=(width, height), layout="constrained")


def wrap(text: str, fig: Figure, font_size: float) -> str:
    """Wrap text to the figure's width; DejaVu Sans averages about 0.55 em per character."""
    width_points = fig.get_figwidth() * 72
    chars = max(30, int(width_points / (font_size * 0.56)))
    return "\n".join(textwrap.fill(p, chars) for p in text.split("\n"))


def set_title(fig: Figure, title: str) -> Text:
    size = matplotlib.rcParams["figure.titlesize"]
    return fig.suptitle(wrap(title, fig, size * 1.05), x=0.01, ha="left", fontsize=size)


def add_caption(fig: Figure, caption: str) -> Text:
    """The caption sits under the axes; savefig(bbox_inches="tight") grows the canvas to fit."""
    return fig.text(
        0.01,
        -0.01,
        wrap(caption, fig, CAPTION_FONT_SIZE),
        ha="left",
        va="top",
        fontsize=CAPTION_FONT_SIZE,
        color="#444444",
    )


def empty_canvas(title: str, reason: str, caption: str) -> tuple[Figure, list[Text]]:
    """A figure that says why it has nothing to show, instead of an empty or missing file; with
    its title and caption texts (see plots.figures.Rendered.chrome)."""
    fig = new_figure(9, 4.5)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(
        0.5,
        0.5,
        wrap(f"Not enough data to draw this figure.\n{reason}", fig, 13 * 1.4),
        ha="center",
        va="center",
        fontsize=13,
        color="#333333",
        bbox={"boxstyle": "round,pad=1", "facecolor": "#FFF4E0", "edgecolor": "#E69F00"},
        transform=ax.transAxes,
    )
    return fig, [set_title(fig, title), add_caption(fig, caption)]


def compact(value: float) -> str:
    """1234567 -> '1.2M': short enough to print at the end of a bar."""
    magnitude = abs(value)
    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if magnitude >= threshold:
            scaled = value / threshold
            digits = 0 if abs(scaled) >= 100 else 1
            return f"{scaled:.{digits}f}".removesuffix(".0") + suffix
    if float(value).is_integer() or magnitude >= 100:
        return f"{value:.0f}"
    return f"{value:.2g}" if magnitude < 1 else f"{value:.1f}"


def counted(count: int, noun: str) -> str:
    """'1 model', '2 models', '1,000 models': a count with its noun, singular for one."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def percent(share: float, digits: int = 0) -> str:
    return f"{share * 100:.{digits}f}%"


def spans_orders_of_magnitude(values: Sequence[float], ratio: float = 100.0) -> bool:
    """Log scale when the largest positive value is `ratio` times the smallest."""
    positive = [v for v in values if v > 0]
    return len(positive) >= 2 and max(positive) / min(positive) >= ratio
