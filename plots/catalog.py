"""The report's sections in order: each figure (the question it answers, its marts, its query,
its drawing and the tables of the rows behind it), then the sections that are tables only.

`marts` names every mart a figure selects from, its caption's included; the figure's exposure in
models/marts/_marts__exposures.yml depends on these and on its tables' marts
(`FigureSpec.section_marts`; tests/test_plots.py checks).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import duckdb

from plots import catalogue, data, figures, lineage, tables
from plots.data import SAMPLE_MARTS
from plots.shared import Rendered, TableSpec

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FigureSpec:
    name: str
    question: str
    marts: tuple[str, ...]
    load: Callable[[data.Connection], Any]
    draw: Callable[[Any, str], Rendered]
    tables: tuple[TableSpec, ...] = ()

    @property
    def section_marts(self) -> tuple[str, ...]:
        """Every mart the figure's report section reads: the figure's, then its tables'."""
        extra = [t.mart for t in self.tables if t.mart not in self.marts]
        return (*self.marts, *dict.fromkeys(extra))


@dataclass(frozen=True)
class TableSection:
    """A report section of tables alone; its marts belong to the report's exposure."""

    name: str
    question: str
    tables: tuple[TableSpec, ...]

    @property
    def marts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.mart for t in self.tables))


FIGURES: list[FigureSpec] = [
    FigureSpec(
        "downloads_by_category",
        "Which categories get the most downloads?",
        ("category_popularity", "modality_legend", *SAMPLE_MARTS),
        partial(data.category_metric, metric="total_downloads"),
        figures.category_bars,
        (tables.DOWNLOADS_BY_CATEGORY,),
    ),
    FigureSpec(
        "likes_by_category",
        "Which categories get the most likes?",
        ("category_popularity", "modality_legend", *SAMPLE_MARTS),
        partial(data.category_metric, metric="total_likes"),
        figures.category_bars,
        (tables.LIKES_BY_CATEGORY,),
    ),
    FigureSpec(
        "trending_score_by_category",
        "Which categories are trending most?",
        ("category_popularity", "modality_legend", *SAMPLE_MARTS),
        partial(data.category_metric, metric="total_trending_score"),
        figures.category_bars,
        (tables.TRENDING_BY_CATEGORY,),
    ),
    FigureSpec(
        "modality_share",
        "What share of models does each modality and research group have?",
        ("modality_share", "research_group_share", "modality_legend", *SAMPLE_MARTS),
        data.modality_share,
        figures.modality_share,
        (tables.MODALITIES,),
    ),
    FigureSpec(
        "releases_by_year",
        "When were the sampled models created?",
        ("releases_by_year", *SAMPLE_MARTS),
        data.releases_by_year,
        figures.releases_by_year,
        (tables.RELEASE_YEARS,),
    ),
    FigureSpec(
        "releases_by_month",
        "How many sampled models were created each month, by modality?",
        ("release_trends", "release_months", "modality_legend", *SAMPLE_MARTS),
        data.releases_by_month,
        figures.releases_by_month,
        (tables.RELEASE_MONTHS,),
    ),
    FigureSpec(
        "modality_share_by_year",
        "Is text's share of new models growing?",
        ("modality_share_by_year", "modality_legend", *SAMPLE_MARTS),
        data.modality_share_by_year,
        figures.modality_share_by_year,
        (tables.TEXT_SHARE_BY_YEAR,),
    ),
    FigureSpec(
        "download_concentration",
        "How concentrated are downloads?",
        ("download_ranks", "popularity_summary", *SAMPLE_MARTS),
        data.concentration,
        figures.concentration,
        (tables.TOP_BY_DOWNLOADS,),
    ),
    FigureSpec(
        "likes_vs_downloads",
        "Do likes follow downloads?",
        ("models", "popularity_summary", "modality_legend", *SAMPLE_MARTS),
        data.likes_vs_downloads,
        figures.likes_vs_downloads,
        (tables.TOP_BY_LIKES,),
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
        (tables.FASTEST_GROWING,),
    ),
]

TABLE_SECTIONS: list[TableSection] = [
    TableSection(
        "publishers",
        "Who publishes the most-downloaded models, under which licences, with which libraries?",
        (tables.AUTHORS, tables.LICENCES, tables.LIBRARIES),
    ),
]
# Trends from a full-catalogue crawl (issue 12) and who builds on whom (issue 16): their figures
# are defined in plots/catalogue.py and plots/lineage.py.
FIGURES += [FigureSpec(*spec) for spec in catalogue.FIGURE_SPECS]
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
