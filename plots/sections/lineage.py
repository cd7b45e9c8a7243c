"""Who builds on whom (issue 16): four figures, their facts, and the report's section.

Like the rest of plots/, it only selects from the reporting marts (top_base_models,
derivative_share_by_month, license_drift, top_authors, lineage_summary) and formats; every
number is computed in dbt. The derivations,
their order, labels and colours come from marts.derivation_legend (the seed `derivations`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from matplotlib.patches import Patch

from plots import style
from plots.data import SAMPLE_MARTS, Connection, MissingData, fetch, one
from plots.figures import finish, short
from plots.sections.sample import SampleFacts
from plots.shared import FactGroup, Facts, FigureSpec, Rendered, ReportPart, Section

TOP_N = 15


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Derivation:
    """A row of marts.derivation_legend (the seed `derivations`), the one list of them."""

    name: str
    label: str
    counted_as: str
    is_relation: bool
    is_derivative: bool
    colour: str


def derivation_legend(con: Connection) -> list[Derivation]:
    rows = fetch(
        con,
        "select derivation, derivation_label, counted_as, is_base_model_relation, is_derivative, "
        "chart_colour from marts.derivation_legend order by display_order",
    )
    if not rows:
        raise MissingData("marts.derivation_legend is empty: run make build.")
    return [Derivation(*row) for row in rows]


def derivative_columns(derivations: Sequence[Derivation], prefix: str, suffix: str) -> str:
    """The per-derivation count columns of a lineage mart, which the seed's names name."""
    names = (f"{prefix}{d.name}{suffix}" for d in derivations if d.is_derivative)
    return ", ".join('"' + name.replace('"', '""') + '"' for name in names)


@dataclass(frozen=True)
class TopBases:
    base_ids: list[str]
    observed: list[bool]
    derivations: list[Derivation]  # the derivatives', in legend order
    counts: dict[str, list[int]]  # derivation -> descendants per base, in rank order
    totals: list[int]
    direct: list[int]
    derivative_models: int


def top_base_models(con: Connection) -> TopBases:
    derivations = [d for d in derivation_legend(con) if d.is_derivative]
    rows = fetch(
        con,
        "select base_model_id, is_observed, descendant_count, direct_derivative_count, "
        f"{derivative_columns(derivations, 'descendant_', '_count')} "
        "from marts.top_base_models where descendant_rank <= ? order by descendant_rank",
        [TOP_N],
    )
    if not rows:
        raise MissingData("No sampled model names a base model (marts.top_base_models is empty).")
    (derivatives,) = one(con, "select derivative_model_count from marts.lineage_summary") or (0,)
    counts = {d.name: [row[4 + i] for row in rows] for i, d in enumerate(derivations)}
    return TopBases(
        [r[0] for r in rows],
        [r[1] for r in rows],
        derivations,
        counts,
        [r[2] for r in rows],
        [r[3] for r in rows],
        derivatives,
    )


@dataclass(frozen=True)
class MonthlyDerivations:
    derivations: list[Derivation]
    months: list[date]
    shares: dict[str, list[float]]
    totals: list[int]
    derivative_shares: list[float]
    peak_month: date
    peak_count: int
    peak_derivative_share: float
    overall_share: float


def derivative_share_by_month(con: Connection) -> MonthlyDerivations:
    derivations = derivation_legend(con)
    # Every month from the first to the last has its rows; a month without models shows empty.
    rows = fetch(
        con,
        "select release_month, derivation, coalesce(share_of_month, 0), month_model_count, "
        "coalesce(derivative_share_of_month, 0) from marts.derivative_share_by_month "
        "order by release_month, display_order",
    )
    months: list[date] = []
    shares: dict[str, list[float]] = {d.name: [] for d in derivations}
    totals: list[int] = []
    derivative_shares: list[float] = []
    for month, derivation, share, total, derivative_share in rows:
        if not months or months[-1] != month:
            months.append(month)
            totals.append(total)
            derivative_shares.append(derivative_share)
        shares.setdefault(derivation, []).append(share)
    if len(months) < 2:
        raise MissingData("Fewer than two creation months in marts.derivative_share_by_month.")
    peak_month, peak_count, peak_share = one(
        con,
        "select release_month, month_model_count, derivative_share_of_month "
        "from marts.derivative_share_by_month where month_rank = 1 and derivation = 'original'",
    )
    (overall,) = one(con, "select derivative_share from marts.lineage_summary") or (0.0,)
    return MonthlyDerivations(
        derivations,
        months,
        shares,
        totals,
        derivative_shares,
        peak_month,
        peak_count,
        peak_share or 0.0,
        overall or 0.0,
    )


@dataclass(frozen=True)
class LicenseDrift:
    parent_labels: list[str]  # the rows: base families with at least one edge
    child_labels: list[str]  # the columns: derivative families with at least one edge
    counts: list[list[int]]  # [parent][child]
    shares: list[list[float]]
    edge_count: int
    changed_count: int
    changed_share: float | None


def license_drift(con: Connection) -> LicenseDrift:
    rows = fetch(
        con,
        "select parent_license_family_label, child_license_family_label, edge_count, "
        "coalesce(share_of_parent_edges, 0) from marts.license_drift "
        "order by parent_display_order, child_display_order",
    )
    labels = list(dict.fromkeys(r[0] for r in rows))
    n = len(labels)
    if not n or len(rows) != n * n:
        raise MissingData("marts.license_drift is empty or not a full matrix: run make build.")
    counts = [[rows[i * n + j][2] for j in range(n)] for i in range(n)]
    shares = [[rows[i * n + j][3] for j in range(n)] for i in range(n)]
    # A family no edge starts or ends in would be an empty row or column: left out.
    parents = [i for i in range(n) if any(counts[i])]
    children = [j for j in range(n) if any(counts[i][j] for i in range(n))]
    edges, changed, changed_share = one(
        con,
        "select license_edge_count, license_changed_edge_count, license_changed_share "
        "from marts.lineage_summary",
    ) or (0, 0, None)
    if not edges:
        raise MissingData("No edge has a base model in the sample, so no licence can be compared.")
    return LicenseDrift(
        [labels[i] for i in parents],
        [labels[j] for j in children],
        [[counts[i][j] for j in children] for i in parents],
        [[shares[i][j] for j in children] for i in parents],
        edges,
        changed,
        changed_share,
    )


@dataclass(frozen=True)
class TopAuthors:
    authors: list[str]
    by_others: list[int]
    by_themselves: list[int]
    model_counts: list[int]
    downloads: list[int]


def top_authors(con: Connection) -> TopAuthors:
    rows = fetch(
        con,
        "select author, derivatives_by_others, "
        "derivatives_of_their_models - derivatives_by_others, model_count, total_downloads "
        "from marts.top_authors where derivatives_rank <= ? and derivatives_of_their_models > 0 "
        "order by derivatives_rank",
        [TOP_N],
    )
    if not rows:
        raise MissingData("No sampled model derives from another author's model.")
    authors, others, own, models, downloads = (list(c) for c in zip(*rows, strict=True))
    return TopAuthors(authors, others, own, models, downloads)


# --------------------------------------------------------------------------- figures


def relation_legend(ax: Any, derivations: Sequence[Derivation], **kwargs: Any) -> None:
    handles = [
        Patch(facecolor=d.colour, edgecolor=style.BAR_EDGE, label=d.label) for d in derivations
    ]
    ax.legend(handles=handles, frameon=False, **kwargs)


def draw_top_base_models(data: TopBases, sample_caption: str) -> Rendered:
    n = len(data.base_ids)
    fig = style.new_figure(10, 1.9 + 0.34 * n)
    ax = fig.add_subplot()
    left = [0] * n
    segments: dict[str, list[float]] = {}
    for derivation in data.derivations:
        values = data.counts[derivation.name]
        bars = ax.barh(
            range(n),
            values,
            left=left,
            color=derivation.colour,
            edgecolor=style.BAR_EDGE,
            linewidth=0.4,
        )
        segments[derivation.name] = [p.get_width() for p in bars.patches]
        left = [a + b for a, b in zip(left, values, strict=True)]
    for i, (total, direct) in enumerate(zip(data.totals, data.direct, strict=True)):
        ax.text(total, i, f" {total:,} ({direct:,} direct)", va="center", fontsize=9)
    labels = [
        short(base) + ("" if seen else "  (not in sample)")
        for base, seen in zip(data.base_ids, data.observed, strict=True)
    ]
    ax.set_yticks(range(n), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, max(data.totals) * 1.3)
    ax.set_xlabel("Sampled models deriving from the base, through any chain of base models")
    relation_legend(ax, data.derivations, loc="lower right", title="How each derives")
    share = data.totals[0] / data.derivative_models if data.derivative_models else 0.0
    title = (
        f"{data.base_ids[0]} has the most descendants in the sample: {data.totals[0]:,}, "
        f"{style.percent(share)} of the {data.derivative_models:,} derivative models"
    )
    caption = (
        f"The {n} base models with the most descendants. A descendant is a sampled model that "
        "names the base in its base_model tags, or names a model that does, and so on (merges "
        "included, each model counted once), split by how it derives from its own base. A base "
        f"need not be in the sample itself. {sample_caption}"
    )
    plotted = {"labels": list(data.base_ids), **segments}
    return finish(fig, title, caption, plotted)


def draw_derivative_share_by_month(data: MonthlyDerivations, sample_caption: str) -> Rendered:
    fig = style.new_figure(11, 6.2)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    xs = list(range(len(data.months)))
    base = [0.0] * len(xs)
    for derivation in data.derivations:
        values = data.shares[derivation.name]
        top.bar(xs, values, bottom=base, width=0.85, color=derivation.colour)
        base = [a + b for a, b in zip(base, values, strict=True)]
    top.set_ylim(0, 1)
    top.yaxis.set_major_formatter(lambda v, _pos: style.percent(v))
    top.set_ylabel("Share of the month's new models")
    relation_legend(top, data.derivations, loc="upper left", bbox_to_anchor=(1.01, 1))
    bottom.bar(xs, data.totals, width=0.85, color=style.NEUTRAL)
    bottom.set_ylabel("Models")
    step = max(1, len(xs) // 12)
    bottom.set_xticks(xs[::step], [m.strftime("%Y-%m") for m in data.months[::step]])
    bottom.tick_params(axis="x", labelrotation=45)
    title = (
        f"{style.percent(data.overall_share)} of the sampled models build on another model; "
        f"{style.percent(data.peak_derivative_share)} of the {data.peak_count:,} created in "
        f"{data.peak_month.strftime('%B %Y')}, the month with the most"
    )
    caption = (
        "Each month's new models (by creation date, UTC) split by how they derive from the base "
        "models their tags name; below, how many models each month has (a month with few swings "
        "widely). Models with the Hub's placeholder creation date are left out. A trending "
        "sample keeps mostly recent models, so old months hold only those still popular. "
        f"{sample_caption}"
    )
    plotted = {
        "months": list(data.months),
        "derivative_shares": list(data.derivative_shares),
        "totals": list(data.totals),
    }
    return finish(fig, title, caption, plotted)


def draw_license_drift(data: LicenseDrift, sample_caption: str) -> Rendered:
    fig = style.new_figure(9.5, 7.5)
    ax = fig.add_subplot()
    image = ax.imshow(data.shares, cmap="Blues", vmin=0, vmax=1)
    for i, row in enumerate(data.counts):
        for j, count in enumerate(row):
            if count:
                colour = "white" if data.shares[i][j] > 0.6 else "#1F2933"
                ax.text(j, i, f"{count:,}", ha="center", va="center", fontsize=10, color=colour)
    ax.set_xticks(range(len(data.child_labels)), data.child_labels, rotation=35, ha="right")
    ax.set_yticks(range(len(data.parent_labels)), data.parent_labels)
    ax.set_xlabel("Derivative's licence family")
    ax.set_ylabel("Base model's licence family")
    bar = fig.colorbar(image, ax=ax, shrink=0.8)
    bar.set_label("Share of the base family's edges")
    changed = style.percent(data.changed_share or 0.0)
    title = (
        f"{changed} of derivatives change licence family: {data.changed_count:,} of "
        f"{data.edge_count:,} edges whose base is in the sample"
    )
    caption = (
        "Each cell counts base-model edges from a base in the row's licence family to a "
        "derivative in the column's (seed `licenses`); colour is the share of the row. Off the "
        "diagonal the licence family changes. Only edges whose base is itself in the sample "
        "have a known base licence; self-references are left out, and so is a family no edge "
        f"starts or ends in. {sample_caption}"
    )
    plotted = {
        "parent_labels": list(data.parent_labels),
        "child_labels": list(data.child_labels),
        "counts": [list(r) for r in data.counts],
    }
    return finish(fig, title, caption, plotted)


def draw_top_authors(data: TopAuthors, sample_caption: str) -> Rendered:
    n = len(data.authors)
    fig = style.new_figure(10, 1.9 + 0.34 * n)
    ax = fig.add_subplot()
    others = ax.barh(range(n), data.by_others, color="#4C72B0", edgecolor=style.BAR_EDGE)
    own = ax.barh(
        range(n),
        data.by_themselves,
        left=data.by_others,
        color="#A1C9F4",
        edgecolor=style.BAR_EDGE,
    )
    totals = [a + b for a, b in zip(data.by_others, data.by_themselves, strict=True)]
    for i, (total, models, downloads) in enumerate(
        zip(totals, data.model_counts, data.downloads, strict=True)
    ):
        ax.text(
            total,
            i,
            f" {total:,}  ({style.counted(models, 'model')}, {style.compact(downloads)} downloads)",
            va="center",
            fontsize=9,
        )
    ax.set_yticks(range(n), [short(a) for a in data.authors])
    ax.invert_yaxis()
    # Room to the right for the labels, but the axis itself ends at the largest bar.
    ax.set_xlim(0, max(totals) * 1.6)
    ax.set_xticks([tick for tick in ax.get_xticks() if tick <= max(totals)])
    ax.spines["bottom"].set_bounds(0, max(totals))
    ax.set_xlabel("Sampled models naming one of the author's models as their base")
    ax.legend(
        handles=[
            Patch(facecolor="#4C72B0", edgecolor=style.BAR_EDGE, label="by other authors"),
            Patch(facecolor="#A1C9F4", edgecolor=style.BAR_EDGE, label="by the author"),
        ],
        loc="lower right",
        frameon=False,
    )
    title = (
        f"{data.authors[0]}'s models have the most derivatives in the sample: {totals[0]:,}, "
        f"{data.by_others[0]:,} of them by other authors"
    )
    caption = (
        "Authors (people or organisations: the Hub's listing does not say) whose models the "
        "sampled models name as their base most often, each derivative counted once per author; "
        "beside each bar, the author's own sampled models and their downloads in the last 30 "
        f"days. The author of a base not in the sample is its id's part before '/'. "
        f"{sample_caption}"
    )
    plotted = {
        "labels": list(data.authors),
        "by_others": [p.get_width() for p in others.patches],
        "by_themselves": [p.get_width() for p in own.patches],
    }
    return finish(fig, title, caption, plotted)


# --------------------------------------------------------------------------- facts

FACT_MARTS = (
    "lineage_summary",
    "top_base_models",
    "top_authors",
    "license_drift",
    "derivative_share_by_month",
    "derivation_legend",
)
SUMMARY_COLUMNS = (
    "model_count",
    "derivative_model_count",
    "derivative_share",
    "several_bases_model_count",
    "edge_count",
    "base_model_count",
    "observed_base_model_count",
    "family_count",
    "max_depth",
    "cycle_model_count",
    "self_reference_count",
    "unresolved_model_count",
    "license_edge_count",
    "license_changed_edge_count",
    "license_changed_share",
)


@dataclass(frozen=True)
class LineageSummary:
    """marts.lineage_summary's one row (SUMMARY_COLUMNS, in order)."""

    model_count: int
    derivative_model_count: int
    derivative_share: float | None
    several_bases_model_count: int
    edge_count: int
    base_model_count: int
    observed_base_model_count: int
    family_count: int
    max_depth: int
    cycle_model_count: int
    self_reference_count: int
    unresolved_model_count: int
    license_edge_count: int
    license_changed_edge_count: int
    license_changed_share: float | None


@dataclass(frozen=True)
class TopBase:
    model_id: str
    descendant_count: int
    direct_derivative_count: int
    is_observed: bool


@dataclass(frozen=True)
class AuthorLeader:
    author: str
    value: int
    derivatives_by_others: int


@dataclass(frozen=True)
class LicenceChange:
    from_family: str
    to_family: str
    edge_count: int


@dataclass(frozen=True)
class PeakMonth:
    month: str
    model_count: int
    derivative_share: float | None


@dataclass(frozen=True)
class LineageFacts:
    summary: LineageSummary
    derivative_counts: list[tuple[str, int]]  # (what the seed counts them as, how many)
    relation_labels: list[str]
    top_base: TopBase | None
    top_author_models: AuthorLeader | None
    top_author_downloads: AuthorLeader | None
    top_author_derivatives: AuthorLeader | None
    top_license_change: LicenceChange | None
    peak_month: PeakMonth | None


def author_leader(con: Connection, measure: str, column: str) -> AuthorLeader | None:
    # measure and column are constants of this module, never input.
    row = one(
        con,
        f"select author, {column}, derivatives_by_others from marts.top_authors "
        f"where {measure}_rank = 1",
    )
    return AuthorLeader(*row) if row else None


def lineage_facts(con: Connection) -> LineageFacts:
    # The column names are the constants above, not input, so formatting them in is safe.
    summary = one(con, f"select {', '.join(SUMMARY_COLUMNS)} from marts.lineage_summary")
    if not summary:
        raise MissingData("marts.lineage_summary is empty")
    derivations = derivation_legend(con)
    derivatives = [d for d in derivations if d.is_derivative]
    counts = one(
        con,
        f"select {derivative_columns(derivatives, '', '_model_count')} from marts.lineage_summary",
    )
    top = one(
        con,
        "select base_model_id, descendant_count, direct_derivative_count, is_observed "
        "from marts.top_base_models where descendant_rank = 1",
    )
    change = one(
        con,
        "select parent_license_family_label, child_license_family_label, edge_count "
        "from marts.license_drift where not is_same_family and edge_count > 0 "
        "order by edge_count desc, parent_display_order, child_display_order limit 1",
    )
    month = one(
        con,
        "select release_month, month_model_count, derivative_share_of_month "
        "from marts.derivative_share_by_month where month_rank = 1 and derivation = 'original'",
    )
    return LineageFacts(
        summary=LineageSummary(*summary),
        derivative_counts=[
            (d.counted_as, count) for d, count in zip(derivatives, counts, strict=True)
        ],
        relation_labels=[d.label for d in derivations if d.is_relation],
        top_base=TopBase(*top) if top else None,
        top_author_models=author_leader(con, "models", "model_count"),
        top_author_downloads=author_leader(con, "downloads", "total_downloads"),
        top_author_derivatives=author_leader(con, "derivatives", "derivatives_of_their_models"),
        top_license_change=LicenceChange(*change) if change else None,
        peak_month=PeakMonth(month[0].strftime("%B %Y"), *month[1:]) if month else None,
    )


# --------------------------------------------------------------------------- report


def lineage_sentences(facts: Facts) -> list[str]:
    """The section's findings; each carries numbers computed in the marts."""
    lineage = facts.get(LineageFacts)
    if lineage is None:
        return []
    f, pct = lineage.summary, style.percent
    counts = [f"{count:,} {words}" for words, count in lineage.derivative_counts]
    sentences = [
        f"{f.derivative_model_count:,} of the {f.model_count:,} sampled models "
        f"({pct(f.derivative_share or 0.0)}) build on another model: {in_words(counts, 'and')}.",
        f"Their {f.edge_count:,} base-model edges name {f.base_model_count:,} distinct base "
        f"models, {f.observed_base_model_count:,} of them in the sample itself; "
        f"{f.several_bases_model_count:,} models name two or more bases and so start "
        "a family of their own.",
    ]
    if (top := lineage.top_base) and top.model_id:
        where = "" if top.is_observed else ", though it is not in the sample itself"
        sentences.append(
            f"{top.model_id} has the most descendants: {top.descendant_count:,} sampled models "
            f"derive from it ({top.direct_derivative_count:,} directly){where}."
        )
    sentences.append(
        f"Families run up to {f.max_depth:,} levels below their root, and "
        f"{f.family_count:,} roots have derivatives in the sample. "
        f"{f.cycle_model_count:,} models name themselves or sit on a cycle of "
        f"base-model tags ({f.self_reference_count:,} self-references); the family "
        "walk never follows those edges and the warn test warn_lineage_cycles lists them."
    )
    if f.license_edge_count:
        sentence = (
            f"Of the {f.license_edge_count:,} edges whose base is in the sample, "
            f"{f.license_changed_edge_count:,} ({pct(f.license_changed_share or 0.0)}) change "
            "licence family"
        )
        if (change := lineage.top_license_change) and change.from_family:
            sentence += (
                f"; the most common change is {change.from_family} to {change.to_family} "
                f"({change.edge_count:,} edges)"
            )
        sentences.append(sentence + ".")
    models, downloads = lineage.top_author_models, lineage.top_author_downloads
    derivatives = lineage.top_author_derivatives
    if models and downloads and derivatives and derivatives.author:
        sentences.append(
            f"{models.author} publishes the most sampled models ({models.value:,}), "
            f"{downloads.author} has the most downloads ({style.compact(downloads.value)}), "
            f"and {derivatives.author}'s models have the most derivatives "
            f"({derivatives.value:,}, {derivatives.derivatives_by_others:,} of them by other "
            "authors)."
        )
    if (month := lineage.peak_month) and month.month:
        sentences.append(
            f"Of the {month.model_count:,} sampled models created in {month.month}, the month "
            f"with the most, {pct(month.derivative_share or 0.0)} are derivatives."
        )
    return sentences


def in_words(items: Sequence[str], last: str) -> str:
    """`a, b and c`: items in a sentence, `last` the word before the last one."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def sample_statement(facts: Facts) -> str:
    sample = facts.get(SampleFacts)
    if sample is None or sample.latest_sample_description is None:
        return "Sample: unknown (marts.sample_snapshots is missing)."
    return (
        f"Sample: the {style.counted(sample.model_count, 'distinct model')} of "
        f"{style.counted(sample.snapshot_count, 'snapshot')}, the latest "
        f"{sample.latest_sample_description}; a base model outside "
        "the sample is known only by name."
    )


def opening(facts: Facts) -> Section:
    """The "Who builds on whom" section: its findings; its figures follow as sections."""
    lineage = facts.get(LineageFacts)
    relations = in_words(lineage.relation_labels if lineage else [], "or")
    sentences = lineage_sentences(facts)
    return Section(
        "who-builds-on-whom",
        "Who builds on whom",
        paragraphs=(
            "Models name the models they derive from in base_model tags, with a relation"
            f"{': ' + relations if relations else ''}. These findings follow those edges "
            f"within the sample. {sample_statement(facts)}",
        ),
        bullets=sentences,
        missing=None if sentences else "The lineage marts are missing: run make build.",
        marts=FACT_MARTS,
    )


PART = ReportPart(
    figures=(
        FigureSpec(
            "top_base_models",
            "Which base models do sampled models build on most?",
            ("top_base_models", "lineage_summary", "derivation_legend", *SAMPLE_MARTS),
            top_base_models,
            draw_top_base_models,
        ),
        FigureSpec(
            "derivative_share_by_month",
            "What share of each month's new models are derivatives?",
            ("derivative_share_by_month", "lineage_summary", "derivation_legend", *SAMPLE_MARTS),
            derivative_share_by_month,
            draw_derivative_share_by_month,
        ),
        FigureSpec(
            "license_drift",
            "Do derivatives keep their base model's licence?",
            ("license_drift", "lineage_summary", *SAMPLE_MARTS),
            license_drift,
            draw_license_drift,
        ),
        FigureSpec(
            "top_authors",
            "Whose models do others build on?",
            ("top_authors", *SAMPLE_MARTS),
            top_authors,
            draw_top_authors,
        ),
    ),
    facts=(FactGroup("lineage", FACT_MARTS, lineage_facts),),
    opening=opening,
)
