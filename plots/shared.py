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
