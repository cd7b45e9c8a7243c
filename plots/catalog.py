"""The figures in report order: the question each answers, its marts, its query and its drawing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import duckdb

from plots import data, figures
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
        ("category_popularity", "snapshots"),
        partial(data.category_metric, metric="total_downloads"),
        figures.category_bars,
    ),
    FigureSpec(
        "likes_by_category",
        "Which categories get the most likes?",
        ("category_popularity", "snapshots"),
        partial(data.category_metric, metric="total_likes"),
        figures.category_bars,
    ),
    FigureSpec(
        "trending_score_by_category",
        "Which categories are trending most?",
        ("category_popularity", "snapshots"),
        partial(data.category_metric, metric="total_trending_score"),
        figures.category_bars,
    ),
    FigureSpec(
        "modality_share",
        "What share of models does each modality and research group have?",
        ("models", "category_popularity", "snapshots"),
        data.modality_share,
        figures.modality_share,
    ),
    FigureSpec(
        "releases_by_year",
        "When were the sampled models created?",
        ("releases_by_year", "snapshots"),
        data.releases_by_year,
        figures.releases_by_year,
    ),
    FigureSpec(
        "releases_by_month",
        "How many sampled models were created each month, by modality?",
        ("release_trends",),
        data.releases_by_month,
        figures.releases_by_month,
    ),
    FigureSpec(
        "modality_share_by_year",
        "Is text's share of new models growing?",
        ("models", "snapshots"),
        data.modality_share_by_year,
        figures.modality_share_by_year,
    ),
    FigureSpec(
        "download_concentration",
        "How concentrated are downloads?",
        ("models", "snapshots"),
        data.concentration,
        figures.concentration,
    ),
    FigureSpec(
        "likes_vs_downloads",
        "Do likes follow downloads?",
        ("models", "metric_correlations", "snapshots"),
        data.likes_vs_downloads,
        figures.likes_vs_downloads,
    ),
    FigureSpec(
        "growth",
        "Which models and categories are growing fastest?",
        ("snapshots", "model_growth", "category_trends"),
        data.growth,
        figures.growth,
    ),
]


def render(spec: FigureSpec, con: data.Connection, sample_caption: str) -> Rendered:
    """Draw one figure; missing or thin data, or a mart out of step, becomes a labelled canvas."""
    try:
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
