"""report.html: the sections plots/contents.py puts together, rendered through
templates/report.html.j2.

Every number comes from a section's facts or a table selected from a reporting mart; this
module only formats table cells and fills the template, which escapes every value. The page is
one self-contained file: figures are inlined as data URIs, the style and the table sorting are
inline, so it can be mailed or copied anywhere alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from plots import shared
from plots.shared import Section, Table
from plots.style import percent

DBT_PROJECT = "hf_trends"
# `make docs-static`'s one-file site, as copied beside the report: linked to relatively.
STATIC_DOCS = "static_index.html"
NUMERIC_KINDS = {shared.INTEGER, shared.YEAR, shared.SHARE, shared.DECIMAL, shared.FLAG}

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def docs_link(docs_url: str, mart: str) -> str:
    """The mart's page in the dbt docs site (`make docs`, or `make docs-static`'s one file)."""
    return f"{docs_url}#!/model/model.{DBT_PROJECT}.{mart}"


def cell(value: Any, kind: str) -> tuple[str, str]:
    """(what the cell shows, the value it sorts by); an empty sort value sorts last."""
    if value is None:
        return ("—" if kind != shared.TEXT else "(none)"), ""
    if kind == shared.INTEGER:
        return f"{value:,}", str(value)
    if kind == shared.YEAR:
        return str(value), str(value)
    if kind == shared.SHARE:
        return percent(value, 1), repr(float(value))
    if kind == shared.DECIMAL:
        return f"{value:,.1f}", repr(float(value))
    if kind == shared.FLAG:
        return ("yes" if value else ""), ("1" if value else "0")
    if kind == shared.DATE and isinstance(value, date):
        return value.isoformat(), value.isoformat()
    return str(value), str(value).lower()


def cells(table: Table) -> list[list[tuple[str, str, bool]]]:
    """Each row's cells as (shown, sort value, is it a number)."""
    return [
        [
            (*cell(value, column.kind), column.kind in NUMERIC_KINDS)
            for value, column in zip(row, table.spec.columns, strict=True)
        ]
        for row in table.rows
    ]


def build_html(sections: Sequence[Section], database: str, docs_url: str | None = None) -> str:
    """Links to the marts go to `docs_url` when there is a docs site to send with the report;
    otherwise marts are named as text (a link to a server on the author's machine is dead for
    whoever the report is sent to)."""
    return TEMPLATES.get_template("report.html.j2").render(
        sections=sections,
        database=Path(database).name,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        docs_url=docs_url,
        docs_link=lambda mart: docs_link(docs_url or "", mart),
        cells=cells,
        numeric_kinds=NUMERIC_KINDS,
    )


def write_report(
    path: Path, sections: Sequence[Section], database: str, docs_url: str | None = None
) -> None:
    path.write_text(build_html(sections, database, docs_url), encoding="utf-8")
