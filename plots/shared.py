"""The types every part of plots/ passes around: a figure drawn, a table, a report section.

Imports nothing else from plots/, so any module can use them without an import cycle: the
sections (catalogue.py, lineage.py) build `Section`s that report.py renders, and report.py
reads their sentences, without either importing the other to get at a type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from matplotlib.figure import Figure
from matplotlib.text import Text

# What the report states, by name: selected from the reporting marts (plots.facts) and worded
# by the report and the sections.
Facts = dict[str, Any]

# How a column's cells are formatted, and sorted (text, or by the number behind the text). A
# year is a number printed without a thousands separator.
TEXT, INTEGER, SHARE, DECIMAL, DATE, FLAG = "text", "integer", "share", "decimal", "date", "flag"
YEAR = "year"


@dataclass(frozen=True)
class Claim:
    """One row of marts.notebook_claims: a seed notebook claim as dbt judged it. The report
    words it; every verdict, basis and threshold here was decided in the mart."""

    claim_id: str
    claim: str
    verdict: str
    decided_on: str
    undecidable_reason: str | None
    text_share_of_models: float | None
    text_share_of_downloads: float | None
    text_share_of_likes: float | None
    text_share_of_trending_score: float | None
    models_leader: str | None
    models_leader_share: float | None
    text_leads_models: bool | None
    downloads_leader: str | None
    downloads_leader_share: float | None
    text_leads_downloads: bool | None
    likes_leader: str | None
    likes_leader_share: float | None
    text_leads_likes: bool | None
    trending_score_leader: str | None
    trending_score_leader_share: float | None
    text_leads_trending_score: bool | None
    recent_year: int | None
    recent_model_count: int | None
    recent_share_of_models: float | None
    earlier_year: int | None
    earlier_model_count: int | None
    earlier_share_of_models: float | None
    release_ratio: float | None
    sharp_increase_ratio: float | None


@dataclass
class Rendered:
    fig: Figure
    title: str
    caption: str
    plotted: dict[str, list[Any]] = field(default_factory=dict)
    placeholder_reason: str | None = None
    failed: bool = False
    # The title and caption drawn on the figure: a saved file stands alone with them, while
    # report.html prints both as HTML and inlines the figure without them (inline_image).
    chrome: list[Text] = field(default_factory=list)


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT


@dataclass(frozen=True)
class TableSpec:
    name: str  # the table's id in report.html
    caption: str
    mart: str
    sql: str  # selects exactly `columns`, in order, from marts.<mart>
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Table:
    spec: TableSpec
    rows: list[tuple[Any, ...]]
    missing: str | None = None  # why there are no rows, when the mart is absent or broken


@dataclass(frozen=True)
class FigureEntry:
    name: str
    question: str
    filename: str
    rendered: Rendered
    image: str  # data URI of the figure without its title and caption (figures.inline_image)


@dataclass(frozen=True)
class Section:
    """One section of the report: prose, figures and tables, and the marts behind them."""

    id: str
    title: str
    paragraphs: Sequence[str] = ()
    html: str = ""  # already escaped markup (the seed findings' table)
    figures: Sequence[FigureEntry] = ()
    tables: Sequence[Table] = ()
    marts: Sequence[str] = field(default_factory=tuple)
