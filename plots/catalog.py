"""The figures in report order: the question each answers, its marts, its query and its drawing.

`marts` names every mart a figure selects from, its caption's included; the figure's exposure in
models/marts/_marts__exposures.yml depends on exactly these (tests/test_plots.py checks).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import duckdb

from plots import data, figures, lineage
from plots.data import SAMPLE_MARTS
from plots.figures import Rendered

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FigureSpec:
    name: str
    question: str
    marts: tuple[str, ...]
    load: Callable[[data.Connection], Any]
    draw: Callable[[Any, str], Rendered]


FIGURES: list[FigureSpec] = [
    FigureSpec(
        "downloads_by_category",
        "Which categories get the most downloads?",
        ("category_popularity", "modality_legend", *SAMPLE_MARTS),
        partial(data.category_metric, metric="total_downloads"),
        figures.category_bars,
    ),
    FigureSpec(
        "likes_by_category",
        "Which categories get the most likes?",
        ("category_popularity", "modality_legend", *SAMPLE_MARTS),
        partial(data.category_metric, metric="total_likes"),
        figures.category_bars,
    ),
    FigureSpec(
        "trending_score_by_category",
        "Which categories are trending most?",
        ("category_popularity", "modality_legend", *SAMPLE_MARTS),
        partial(data.category_metric, metric="total_trending_score"),
        figures.category_bars,
    ),
    FigureSpec(
        "modality_share",
        "What share of models does each modality and research group have?",
        ("modality_share", "research_group_share", "modality_legend", *SAMPLE_MARTS),
        data.modality_share,
        figures.modality_share,
    ),
    FigureSpec(
        "releases_by_year",
        "When were the sampled models created?",
        ("releases_by_year", *SAMPLE_MARTS),
        data.releases_by_year,
        figures.releases_by_year,
    ),
    FigureSpec(
        "releases_by_month",
        "How many sampled models were created each month, by modality?",
        ("release_trends", "release_months", "modality_legend", *SAMPLE_MARTS),
        data.releases_by_month,
        figures.releases_by_month,
    ),
    FigureSpec(
        "modality_share_by_year",
        "Is text's share of new models growing?",
        ("modality_share_by_year", "modality_legend", *SAMPLE_MARTS),
        data.modality_share_by_year,
        figures.modality_share_by_year,
    ),
    FigureSpec(
        "download_concentration",
        "How concentrated are downloads?",
        ("download_ranks", "popularity_summary", *SAMPLE_MARTS),
        data.concentration,
        figures.concentration,
    ),
    FigureSpec(
        "likes_vs_downloads",
        "Do likes follow downloads?",
        ("models", "popularity_summary", "modality_legend", *SAMPLE_MARTS),
        data.likes_vs_downloads,
        figures.likes_vs_downloads,
    ),
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
        data.growth,
        figures.growth,
    ),
]
# Who builds on whom (issue 16): its figures are defined in plots/lineage.py.
FIGURES += [FigureSpec(*spec) for spec in lineage.FIGURE_SPECS]


def render(spec: FigureSpec, con: data.Connection, sample_caption: str) -> Rendered:
    """Draw one figure; missing or thin data, or a mart out of step, becomes a labelled canvas."""
    try:
        data.require(con, *spec.marts)
        loaded = spec.load(con)
    except data.MissingData as exc:
        return figures.placeholder(spec.question, str(exc), sample_caption)
    except duckdb.Error as exc:
        # A mart whose shape changed under us: say so on the canvas and in the log, keep going.
        first_line = str(exc).splitlines()[0]
        log.warning("%s: query failed: %s", spec.name, first_line)
        reason = f"The query on the marts failed ({first_line}); rebuild with make build."
        return figures.placeholder(spec.question, reason, sample_caption)
    try:
        return spec.draw(loaded, sample_caption)
    except Exception as exc:
        # A bug in one figure must not cost the others and the report; the CLI exits non-zero.
        log.error("%s: drawing failed: %s: %s", spec.name, type(exc).__name__, exc)
        log.debug("%s: drawing failed", spec.name, exc_info=True)
        reason = f"Drawing this figure failed ({type(exc).__name__}); see the plots log."
        rendered = figures.placeholder(spec.question, reason, sample_caption)
        rendered.failed = True
        return rendered
