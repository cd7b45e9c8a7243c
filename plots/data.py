"""How plots/ reads the marts: the query helpers every section's loaders use, the modality
legend and the sample every figure's caption describes.

Each figure's data is computed in dbt, in a mart of models/marts/reporting/ named in the
figure's exposure; the loaders in plots/sections/ only select it, in the order it is drawn, into
plain dataclasses of lists (no pandas at runtime). The marts' enforced contracts fix their
columns, so nothing checks them. When a figure's marts are absent (figures.render checks) or
hold too little to plot, a loader raises MissingData with a sentence the figure prints on its
canvas.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from plots.shared import Connection

Params = list[Any] | dict[str, Any] | None

# Fewer points than this make a rank plot or a scatter meaningless.
MIN_MODELS_FOR_DISTRIBUTION = 10
# Figures of one point per model draw at most this many: at 3M models the full lists took the
# plots past 2 GB, and a figure shows no more detail. The curve keeps every rank up to it and
# then evenly spaced ranks; the scatter draws a fixed random sample (its caption says so).
MAX_POINTS = 50_000
# The modality the seed's "text dominates" claim is about (research group Text is exactly it).
TEXT_MODALITY = "nlp"
# The marts every figure's caption (data.sample) reads.
SAMPLE_MARTS = ("sample_snapshots", "sample_summary")


class MissingData(Exception):
    """The figure's data is absent or too thin; the message says which and what to do."""


# --------------------------------------------------------------------------- helpers


def missing_marts(con: Connection, marts: Iterable[str]) -> list[str]:
    """The marts of `marts` that are not in the warehouse, in the order given."""
    wanted = list(marts)
    present = {
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' and table_name in (select unnest(?::varchar[]))",
            [wanted],
        ).fetchall()
    }
    return [m for m in wanted if m not in present]


def require(con: Connection, *marts: str) -> None:
    missing = missing_marts(con, marts)
    if missing:
        raise MissingData(f"marts.{missing[0]} is not in the warehouse yet: run make build.")


def has_marts(con: Connection) -> bool:
    found = con.execute(
        "select exists (select 1 from information_schema.tables where table_schema = 'marts')"
    ).fetchone()
    return bool(found and found[0])


def fetch_full(con: Connection, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
    """Rows exactly as stored: what the report's tables show."""
    return con.execute(sql, params if params is not None else []).fetchall()


# Text comes from Hub users: one 100,000-character pipeline_tag took a figure six minutes and
# 20 GB to lay out. Figures get at most this much of any text, which no real id reaches (the
# Hub caps a repo name at 96 characters), so ids still match the marts; the tables keep all.
# Labels are shortened further where they are drawn (figures.short).
MAX_LABEL_CHARS = 200


def bounded(value: Any) -> Any:
    """`value` with every text in it cut to MAX_LABEL_CHARS, ending in an ellipsis."""
    if isinstance(value, str) and len(value) > MAX_LABEL_CHARS:
        return value[: MAX_LABEL_CHARS - 1] + "…"
    if isinstance(value, list):
        return [bounded(item) for item in value]
    return value


def fetch(con: Connection, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
    """Rows for a figure, their text bounded (`bounded`)."""
    return [tuple(bounded(v) for v in row) for row in fetch_full(con, sql, params)]


def one(con: Connection, sql: str, params: Params = None) -> tuple[Any, ...]:
    rows = fetch(con, sql, params)
    return rows[0] if rows else ()


def columns_of(rows: list[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """Rows to columns, with the right number of empty columns when there are no rows."""
    return [list(col) for col in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


# --------------------------------------------------------------------------- legend


@dataclass(frozen=True)
class Legend:
    """Modality labels and their order, from marts.modality_legend; Python keeps the colours."""

    labels: dict[str | None, str]

    def label(self, modality: str | None) -> str:
        return self.labels.get(modality, str(modality))

    def sort(self, modalities: Iterable[str | None]) -> list[str | None]:
        """The distinct modalities given, in legend order; one the legend lacks goes last."""
        rank = {m: i for i, m in enumerate(self.labels)}
        return sorted(set(modalities), key=lambda m: (rank.get(m, len(rank)), str(m)))


def legend(con: Connection) -> Legend:
    rows = fetch(
        con, "select modality, modality_label from marts.modality_legend order by display_order"
    )
    return Legend(dict(rows))


# --------------------------------------------------------------------------- sample


@dataclass(frozen=True)
class Snapshot:
    snapshot_id: str
    snapshot_at: datetime
    sample_description: str
    is_full_catalogue: bool
    model_count: int


@dataclass(frozen=True)
class Sample:
    snapshots: list[Snapshot]
    model_count: int

    @property
    def latest(self) -> Snapshot | None:
        return self.snapshots[-1] if self.snapshots else None

    @property
    def caption(self) -> str:
        if not self.snapshots:
            return "Sample: no complete snapshot in the warehouse."
        if len(self.snapshots) == 1:
            return f"Sample: {self.snapshots[0].sample_description}."
        shown = self.snapshots if len(self.snapshots) <= 3 else [self.snapshots[0], self.latest]
        joiner = "; " if len(self.snapshots) <= 3 else " … "
        described = joiner.join(s.sample_description for s in shown if s)
        return (
            f"Sample: {self.model_count:,} distinct models seen in {len(self.snapshots)} "
            f"snapshots ({described}), each with the values of its newest snapshot."
        )


def sample(con: Connection) -> Sample:
    require(con, *SAMPLE_MARTS)
    rows = fetch(
        con,
        "select snapshot_id, snapshot_at, sample_description, is_full_catalogue, model_count "
        "from marts.sample_snapshots order by snapshot_at, snapshot_id",
    )
    (model_count,) = one(con, "select model_count from marts.sample_summary") or (0,)
    return Sample([Snapshot(*row) for row in rows], model_count)


def month_range(first: date, last: date) -> list[date]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
