"""The report's contents: its parts in order, and how their sections are put together.

Each part is a module of plots/sections/ (its figures, facts and prose). The report opens with
the parts that are prose alone (the sample, the key findings, the seed's claims), then every
part's figures, each a numbered section after its part's opening, then the tables of who
publishes what. Figures without data get no section each: one note, where the first of them
would have been, lists them by reason; a part whose figures are in that note opens just before it.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import duckdb

from plots import tables
from plots.data import Connection, MissingData, require
from plots.sections import (
    catalogue,
    categories,
    claims,
    findings,
    growth,
    lineage,
    popularity,
    publishers,
    releases,
    sample,
)
from plots.shared import Facts, FigureEntry, FigureSpec, NotDrawn, ReportPart, Section
from plots.style import counted

log = logging.getLogger(__name__)

PARTS: tuple[ReportPart, ...] = (
    sample.PART,
    findings.PART,
    claims.PART,
    categories.PART,
    releases.PART,
    popularity.PART,
    growth.PART,
    catalogue.PART,
    lineage.PART,
    publishers.PART,
)
FIGURES: tuple[FigureSpec, ...] = tuple(spec for part in PARTS for spec in part.figures)
NOT_DRAWN = "figures-not-drawn"


def select_facts(con: Connection) -> Facts:
    """Every part's facts; a group whose marts are missing or empty is left out."""
    groups = []
    for part in PARTS:
        for group in part.facts:
            try:
                require(con, *group.marts)
                groups.append(group.select(con))
            except MissingData as exc:
                log.info("report: no %s facts: %s", group.name, exc)
            except duckdb.Error as exc:
                log.warning("report: %s facts failed: %s", group.name, str(exc).splitlines()[0])
    return Facts(groups)


def report_marts() -> set[str]:
    """The marts the report's prose and its figureless sections read (the `report` exposure)."""
    facts = {mart for part in PARTS for group in part.facts for mart in group.marts}
    return facts | {table.mart for part in PARTS for table in part.tables}


def sections(con: Connection, entries: list[FigureEntry], facts: Facts) -> list[Section]:
    """The report's sections in order, from the figures drawn (`entries`, in FIGURES' order)."""
    specs = {spec.name: spec for spec in FIGURES}
    missing = [e for e in entries if e.rendered.placeholder_reason]
    placed: list[Section] = []
    note_at: int | None = None  # where the note on the figures without data stands
    number = 0
    for part in PARTS:
        names = {spec.name for spec in part.figures}
        if part.opening is not None:
            opening = part.opening(facts)
            if part.tables:
                opening = replace(opening, tables=[tables.load(con, t) for t in part.tables])
            # A part whose figures are in the note opens before the note, not after it.
            if note_at is not None and any(e.name in names for e in missing):
                placed.insert(note_at, opening)
                note_at += 1
            else:
                placed.append(opening)
        for entry in (e for e in entries if e.name in names):
            if entry.rendered.placeholder_reason:
                if note_at is None:
                    note_at = len(placed)
                    placed.append(not_drawn_section(missing))
                continue
            number += 1
            spec = specs[entry.name]
            placed.append(
                Section(
                    entry.name,
                    f"{number}. {entry.question}",
                    figures=[entry],
                    tables=[tables.load(con, t) for t in spec.tables],
                    marts=spec.section_marts,
                )
            )
    return placed


def not_drawn_section(missing: list[FigureEntry]) -> Section:
    """One short note for every figure the warehouse has no data for, grouped by reason."""
    by_reason: dict[str, list[str]] = {}
    for entry in missing:
        by_reason.setdefault(entry.rendered.placeholder_reason or "", []).append(entry.question)
    return Section(
        NOT_DRAWN,
        f"Not drawn: {counted(len(missing), 'figure')} without data",
        not_drawn=[NotDrawn(reason, questions) for reason, questions in by_reason.items()],
    )
