"""The types every part of plots/ passes around: a figure to draw and drawn, a table, the
report's facts, a report section.

Imports nothing else from plots/, so any module can use them without an import cycle: each
module of plots/sections/ defines its part of the report with them, cli.py draws and assembles,
report.py renders the `Section`s, and none of them imports another to get at a type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import duckdb
from matplotlib.figure import Figure
from matplotlib.text import Text

Connection = duckdb.DuckDBPyConnection
T = TypeVar("T")

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
    bullets: Sequence[str] = ()  # findings, one sentence each
    missing: str | None = None  # why the section has no findings
    findings: Sequence[Finding] = ()  # the seed findings' table
    not_drawn: Sequence[NotDrawn] = ()
    figures: Sequence[FigureEntry] = ()
    tables: Sequence[Table] = ()
    marts: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class FigureSpec:
    """One figure: the question it answers, every mart it selects from (its caption's included),
    how its data is selected and how it is drawn, and the tables of the rows behind it.

    Its exposure in models/marts/_marts__exposures.yml depends on `section_marts` (a test
    compares them)."""

    name: str
    question: str
    marts: tuple[str, ...]
    load: Callable[[Connection], Any]
    draw: Callable[[Any, str], Rendered]
    tables: tuple[TableSpec, ...] = ()

    @property
    def section_marts(self) -> tuple[str, ...]:
        """Every mart the figure's report section reads: the figure's, then its tables'."""
        extra = [t.mart for t in self.tables if t.mart not in self.marts]
        return (*self.marts, *dict.fromkeys(extra))


class Facts:
    """What the report states, one typed group per section (`SampleFacts`, `GrowthFacts`, …),
    each selected from that section's reporting marts. A group whose marts are missing or empty
    is absent, and `get` gives None: the prose that needs it is left out."""

    def __init__(self, groups: Iterable[object] = ()) -> None:
        self._groups: dict[type, object] = {type(group): group for group in groups}

    def get(self, kind: type[T]) -> T | None:
        return cast(T | None, self._groups.get(kind))


@dataclass(frozen=True)
class FactGroup:
    """How one section's facts are selected, and the marts they come from (the report's
    exposure depends on every group's marts)."""

    name: str
    marts: tuple[str, ...]
    select: Callable[[Connection], object]


@dataclass(frozen=True)
class Finding:
    """One row of the seed findings' table: a claim, its verdict, the numbers behind it."""

    claim: str
    verdict: str
    reasoning: str


@dataclass(frozen=True)
class NotDrawn:
    """Figures without data, under the one reason they share."""

    reason: str
    questions: Sequence[str]


@dataclass(frozen=True)
class ReportPart:
    """One part of the report, as its module in plots/sections/ defines it: the facts it
    selects, its opening section (prose, and tables if any) worded from the facts, and its
    figures, each drawn as a numbered section of its own after the opening.

    plots/contents.py lists the parts in the report's order; a new figure is one more
    `FigureSpec` in its part's `figures`."""

    figures: tuple[FigureSpec, ...] = ()
    facts: tuple[FactGroup, ...] = ()
    opening: Callable[[Facts], Section] | None = None
    tables: tuple[TableSpec, ...] = ()  # the opening section's tables
