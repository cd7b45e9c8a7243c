"""report.html: the sample and its bias, key findings, the seed's claims checked, every figure
with the table of rows behind it, then sections of tables alone.

Every number comes from the facts dict (plots.facts) or a table selected from a reporting mart
(plots.tables); this module only words, formats and escapes them. The page is one
self-contained file: figures are inlined as data URIs, the style and the table sorting are
inline, so it can be mailed or copied anywhere alone. It is a list of `Section`s rendered the
same way; a new section is one more `Section` in the list `build_html` is given.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from plots import catalogue, shared
from plots.shared import Claim, Facts, FigureEntry, Section, Table
from plots.style import compact, counted, percent

# The verdict a claim gets worded as upheld (marts.notebook_claims decides it).
SUPPORTED = "supported"
# A full-catalogue newest snapshot whose catalogue marts are absent or empty decides nothing.
CATALOGUE_MISSING = (
    "The newest snapshot is a full-catalogue crawl, but the catalogue marts hold none of its "
    "models (not built yet, or a crawl without every field the marts use): run make build."
)
DBT_PROJECT = "hf_trends"
# `make docs-static`'s one-file site, as copied beside the report: linked to relatively.
STATIC_DOCS = "static_index.html"


@dataclass(frozen=True)
class SeedFinding:
    claim: str
    verdict: str
    reasoning: str


def join_words(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def has(facts: Facts, *keys: str) -> bool:
    return all(facts.get(k) is not None for k in keys)


# --------------------------------------------------------------------------- sample and bias


def sample_paragraphs(facts: Facts) -> list[str]:
    if not has(facts, "latest_sample_description"):
        return ["The warehouse holds no complete snapshot, so there is no sample to describe."]
    paragraphs = [
        f"The warehouse holds {counted(facts['snapshot_count'], 'snapshot')} and "
        f"{counted(facts['model_count'], 'distinct model')}; each model carries the values of "
        f"the newest snapshot it appears in. The latest snapshot is "
        f"{facts['latest_sample_description']}."
    ]
    if has(facts, "latest_age_days"):
        paragraphs.append(
            f"That snapshot was {facts['latest_age_days']:,.1f} days old when this warehouse was "
            f"built ({facts['built_at']}): every number here describes the Hub as it was then."
        )
    if facts.get("latest_is_full_catalogue"):
        paragraphs.append(
            "That snapshot is a full, unfiltered crawl of the Hub's catalogue, so counts describe "
            "the Hub itself."
        )
    else:
        paragraphs.append(
            "It is not the Hub: the Hub's default listing returns the models trending now, which "
            "over-represents this month's models. Of the latest snapshot's "
            f"{counted(facts['latest_model_count'], 'model')}, {facts['latest_own_month_count']:,} "
            f"({percent(facts['latest_own_month_share'])}) were created in the snapshot's own "
            f"month ({facts['latest_snapshot_month']}, up to {facts['latest_snapshot_date']}) "
            f"and {facts['latest_last_30_days_count']:,} "
            f"({percent(facts['latest_last_30_days_share'])}) in the 30 days before it. Old "
            "models appear only if they are still popular, so every share and count here "
            "describes what is trending, not what was released."
        )
    paragraphs.append(
        f"{counted(facts['placeholder_count'], 'model')} ({percent(facts['placeholder_share'])}) "
        "carry the "
        "Hub's import placeholder creation date (2022-03-02), meaning only 'created before March "
        "2022'; they are kept apart from real release years."
    )
    return paragraphs


# --------------------------------------------------------------------------- key findings


def key_findings(facts: Facts) -> list[str]:
    """Each sentence carries at least one number computed from the marts."""
    sentences: list[str] = []
    if has(facts, "text_share_models"):
        sentences.append(
            f"Text models are {percent(facts['text_share_models'])} of the "
            f"{facts['categorised_model_count']:,} categorised models and get "
            f"{percent(facts['text_share_downloads'])} of their downloads, "
            f"{percent(facts['text_share_likes'])} of their likes and "
            f"{percent(facts['text_share_trending'])} of their trending score."
        )
        sentences.append(
            f"{facts['top_downloads_category']} leads the {facts['category_count']} categories on "
            f"downloads ({percent(facts['top_downloads_category_share'])} of the total), "
            f"{facts['top_likes_category']} on likes "
            f"({percent(facts['top_likes_category_share'])}) and "
            f"{facts['top_trending_category']} on trending score "
            f"({percent(facts['top_trending_category_share'])})."
        )
    if has(facts, "top1pct_download_share", "median_downloads", "mean_downloads"):
        sentences.append(
            f"Downloads are concentrated: the top 1% of models ({facts['top1pct_model_count']:,}) "
            f"hold {percent(facts['top1pct_download_share'])} of all downloads, and the median "
            f"model has {compact(facts['median_downloads'])} downloads in 30 days against a mean "
            f"of {compact(facts['mean_downloads'])}."
        )
    if has(facts, "r_downloads_likes"):
        sentences.append(
            f"Likes and downloads are {facts['r_strength']} correlated: "
            f"Pearson r = {facts['r_downloads_likes']:.2f} over {facts['r_model_count']:,} models."
        )
    if has(facts, "newest_year_share", "latest_last_30_days_share") and not facts.get(
        "latest_is_full_catalogue"
    ):
        sentences.append(
            f"{percent(facts['newest_year_share'])} of the sampled models were created in "
            f"{facts['newest_year']} and {percent(facts['latest_last_30_days_share'])} of the "
            "latest snapshot's models in its last 30 days: the mark of a trending list."
        )
    if has(facts, "text_share_first_year", "text_share_last_year"):
        sentences.append(
            f"Text's share of categorised models went from "
            f"{percent(facts['text_share_first_year'])} of {facts['first_year']}'s "
            f"{facts['first_year_count']:,} models to {percent(facts['text_share_last_year'])} "
            f"of {facts['last_year']}'s {facts['last_year_count']:,}, peaking at "
            f"{percent(facts['text_share_peak'])} in {facts['text_share_peak_year']}."
        )
    sentences += catalogue.catalogue_sentences(facts)
    if has(facts, "growth_model_count"):
        sentences.append(growth_sentence(facts))
    elif has(facts, "snapshot_count"):
        sentences.append(
            "Growth is not measured yet: the warehouse holds "
            f"{counted(facts['snapshot_count'], 'snapshot')} and growth needs 2 or more."
        )
    return sentences


def growth_sentence(facts: Facts) -> str:
    window = (
        f"Between {facts['growth_previous_date']} and {facts['growth_latest_date']}, "
        f"{facts['growth_model_count']:,} models appear in both snapshots"
    )
    if facts["growth_top_likes_per_day"] <= 0:
        # A tie of every model at zero is no leader: say there was no growth.
        return f"{window}; none of them gained likes (no growth)."
    return (
        f"{window}; the median gained {facts['growth_median_likes_per_day']:,.1f} likes a day "
        f"and {top_grower(facts)} the most ({facts['growth_top_likes_per_day']:,.1f} a day)."
    )


def top_grower(facts: Facts) -> str:
    ties = facts["growth_top_tie_count"]
    return facts["growth_top_model"] if ties == 1 else f"{ties:,} tied models"


# --------------------------------------------------------------------------- the seed's claims

# Each claim's verdict, basis, threshold and compared figures come from marts.notebook_claims;
# these functions only word them, adding the context the mart does not judge on (dates, caveats).

MEASURE_NAMES = {
    "models": "model count",
    "downloads": "downloads",
    "likes": "likes",
    "trending_score": "trending score",
}
CATEGORIES_MISSING = "The category marts are missing."
CLAIMS_MISSING = (
    "The seed notebook's claims are judged in marts.notebook_claims, which this warehouse does "
    "not hold yet: run make build."
)


def text_dominates(claim: Claim, facts: Facts) -> str:
    if claim.undecidable_reason == "catalogue marts missing":
        return CATALOGUE_MISSING
    if claim.undecidable_reason == "category marts missing":
        return CATEGORIES_MISSING
    if claim.decided_on == "full catalogue":
        return text_dominates_catalogue(claim, facts)
    measures = ("models", "downloads", "likes", "trending_score")
    numbers = (
        f"Text is {percent(claim.text_share_of_models)} of categorised models, "
        f"{percent(claim.text_share_of_downloads)} of downloads, "
        f"{percent(claim.text_share_of_likes)} of likes and "
        f"{percent(claim.text_share_of_trending_score)} of trending score"
    )
    return (
        f"{numbers} in this sample. {trending_leaders(claim, measures)} But the sample "
        "is the list of models trending now, not the Hub's releases or its popularity at "
        "large, so it cannot decide what dominates them. Only a full-catalogue crawl can."
    )


def text_dominates_catalogue(claim: Claim, facts: Facts) -> str:
    numbers = (
        f"In the full catalogue ({facts['catalogue_model_count']:,} models on "
        f"{facts['catalogue_date']}), natural-language (text) models are "
        f"{percent(claim.text_share_of_models)} of all models, get "
        f"{percent(claim.text_share_of_downloads)} of the 30-day downloads and "
        f"{percent(claim.text_share_of_likes)} of the likes"
    )
    if claim.verdict == SUPPORTED:
        return f"{numbers}: the largest modality on models, downloads and likes."
    leaders = join_words(
        [
            f"{leader(claim, m)} leads {catalogue.MEASURE_WORDS[m]} with "
            f"{percent(leader_share(claim, m))}"
            for m in lost_measures(claim, catalogue.MEASURES)
        ]
    )
    return f"{numbers}. Refuted as stated: {leaders}."


def leader(claim: Claim, measure: str) -> str | None:
    return getattr(claim, f"{measure}_leader")


def leader_share(claim: Claim, measure: str) -> float | None:
    return getattr(claim, f"{measure}_leader_share")


def lost_measures(claim: Claim, measures: Sequence[str]) -> list[str]:
    return [m for m in measures if not getattr(claim, f"text_leads_{m}")]


def trending_leaders(claim: Claim, measures: Sequence[str]) -> str:
    lost = lost_measures(claim, measures)
    if not lost:
        return "Text is the largest research group on all four measures."
    leaders = join_words(
        [
            f"{leader(claim, m)} leads {MEASURE_NAMES[m]} with {percent(leader_share(claim, m))}"
            for m in lost
        ]
    )
    led = [MEASURE_NAMES[m] for m in measures if m not in lost]
    led_text = f"Text leads {join_words(led)}, but " if led else ""
    return f"{led_text}{leaders}."


def llm_growth(claim: Claim, facts: Facts) -> str:
    if claim.undecidable_reason == "category marts missing":
        return CATEGORIES_MISSING
    reasoning = (
        f"Text-generation (LLM) models are {percent(facts['text_generation_share_models'])} of "
        f"categorised models and hold {percent(facts['text_generation_share_likes'])} of their "
        "likes, so engagement does concentrate on LLMs. But likes and downloads are levels, not "
        "a measure of research output, and a causal 'reflects' cannot be read off metadata."
    )
    if has(facts, "growth_text_generation_share_of_likes_gained"):
        reasoning += (
            f" Between {facts['growth_previous_date']} and {facts['growth_latest_date']}, "
            "text-generation models took "
            f"{percent(facts['growth_text_generation_share_of_likes_gained'])} of the likes "
            f"gained while being {percent(facts['growth_text_generation_share_of_models'])} of "
            "the models compared: engagement growth, still not research growth."
        )
    else:
        reasoning += (
            f" With {counted(facts.get('snapshot_count', 0), 'snapshot')} no growth of any kind "
            "is measured."
        )
    return reasoning


def release_growth(claim: Claim, facts: Facts) -> str:
    if claim.undecidable_reason == "catalogue marts missing":
        return CATALOGUE_MISSING
    if claim.undecidable_reason == "fewer than two years":
        return "Fewer than two release years are in the data."
    if claim.decided_on == "full catalogue":
        return release_growth_catalogue(claim, facts)
    return (
        f"{claim.recent_model_count:,} sampled models ({percent(claim.recent_share_of_models)}) "
        f"were created in {claim.recent_year} against {claim.earlier_model_count:,} "
        f"({percent(claim.earlier_share_of_models)}) in {claim.earlier_year}, but a trending "
        f"list keeps mostly new models ({percent(facts['latest_last_30_days_share'])} of the "
        "latest snapshot was created in its last 30 days), so the skew to recent years is the "
        "sampling, not the Hub's release history. Only a full-catalogue crawl can decide it. "
        f"{facts['placeholder_count']:,} placeholder-dated models have no real year and are "
        "left aside."
    )


def release_growth_catalogue(claim: Claim, facts: Facts) -> str:
    """Whole 12-month windows of the full catalogue (marts.catalogue_summary)."""
    numbers = (
        f"{claim.recent_model_count:,} models of the full catalogue "
        f"({facts['catalogue_date']}) were created in the 12 whole months from "
        f"{facts['catalogue_window_from']} against {claim.earlier_model_count:,} in "
        "the 12 months before"
    )
    caveats = (
        "Only models still on the Hub are counted, so deleted older models make earlier months "
        f"look smaller; {facts['catalogue_placeholder_count']:,} models carry the Hub's import "
        "placeholder date (before March 2022) and are left aside."
    )
    if claim.release_ratio is None:
        return f"{numbers}: no earlier releases to compare with. {caveats}"
    return (
        f"{numbers}: {claim.release_ratio:.1f} times as many (a sharp increase means at least "
        f"{claim.sharp_increase_ratio}). {caveats}"
    )


REASONING: dict[str, Callable[[Claim, Facts], str]] = {
    "text_dominates": text_dominates,
    "llm_growth": llm_growth,
    "release_growth": release_growth,
}


def seed_findings(facts: Facts) -> list[SeedFinding]:
    claims: dict[str, Claim] = facts.get("claims", {})
    return [
        SeedFinding(c.claim, c.verdict, REASONING[c.claim_id](c, facts)) for c in claims.values()
    ]


# --------------------------------------------------------------------------- html

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1100px;
       margin: 2rem auto; padding: 0 1.5rem; color: #1f2933; line-height: 1.5; }
h1 { font-size: 1.8rem; margin-bottom: 0.2rem; }
h2 { margin-top: 2.2rem; border-bottom: 1px solid #d9dee3; padding-bottom: 0.3rem; }
.meta, .sources { color: #5f6b7a; font-size: 0.9rem; }
nav ul { columns: 2; font-size: 0.92rem; }
.table-wrap { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
th, td { text-align: left; vertical-align: top; padding: 0.4rem 0.5rem;
         border-bottom: 1px solid #e4e7eb; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
th button { font: inherit; font-weight: 600; border: 0; background: none; padding: 0;
            cursor: pointer; color: inherit; text-align: inherit; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; }
th[aria-sort="descending"] button::after { content: " \\25BC"; }
td { overflow-wrap: break-word; }
.verdict { font-weight: 600; white-space: nowrap; padding: 0.1rem 0.5rem; border-radius: 4px; }
.supported { background: #d9f2e6; color: #00603d; }
.refuted { background: #fbe0d6; color: #8a2c00; }
.undecidable { background: #eceff3; color: #3b4f66; }
figure { margin: 1.2rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #e4e7eb; }
figcaption { font-size: 0.92rem; color: #3b4f66; }
.placeholder, .missing { color: #8a2c00; }
@media (max-width: 640px) {
  body { margin: 1rem auto; padding: 0 0.75rem; }
  h1 { font-size: 1.4rem; }
  nav ul { columns: 1; }
  th, td { padding: 0.3rem; }
  /* Three columns of prose do not fit a phone: each claim becomes a block of its own. */
  table.stacked thead { display: none; }
  table.stacked tr { display: block; padding: 0.5rem 0; border-bottom: 1px solid #e4e7eb; }
  table.stacked td { display: block; border: 0; padding: 0.15rem 0; }
}
"""

# Sorts a table by the clicked column: numbers by the value in data-value, text alphabetically,
# empty cells (no value) last either way. Inline, so the page needs no other file.
SORT_SCRIPT = """
document.querySelectorAll("table.sortable").forEach((table) => {
  const headers = Array.from(table.tHead.rows[0].cells);
  headers.forEach((th, column) => {
    th.querySelector("button").addEventListener("click", () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      headers.forEach((h) => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const numeric = th.dataset.kind !== "text";
      const body = table.tBodies[0];
      const rows = Array.from(body.rows);
      rows.sort((a, b) => {
        const x = a.cells[column].dataset.value, y = b.cells[column].dataset.value;
        if (x === "" || y === "") return (x === "") - (y === "");
        const order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
        return ascending ? order : -order;
      });
      rows.forEach((row) => body.appendChild(row));
    });
  });
});
"""

NUMERIC_KINDS = {shared.INTEGER, shared.YEAR, shared.SHARE, shared.DECIMAL, shared.FLAG}


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def docs_link(docs_url: str, mart: str) -> str:
    """The mart's page in the dbt docs site (`make docs`, or `make docs-static`'s one file)."""
    return f"{docs_url}#!/model/model.{DBT_PROJECT}.{mart}"


def sources_html(marts: Sequence[str], docs_url: str | None) -> str:
    """The section's marts: links into the docs site when there is one, else plain names (a
    link to a server on the author's machine is dead for whoever the report is sent to)."""
    if docs_url is None:
        names = ", ".join(f"marts.{esc(m)}" for m in marts)
        return f'<p class="sources">Data: {names} (described in the dbt docs: make docs).</p>'
    links = ", ".join(f'<a href="{esc(docs_link(docs_url, m))}">marts.{esc(m)}</a>' for m in marts)
    return f'<p class="sources">Data: {links} (dbt docs: columns and lineage).</p>'


def docs_site_html(docs_url: str | None) -> str:
    if docs_url is None:
        return "the dbt docs site (<code>make docs</code>)"
    return f'the <a href="{esc(docs_url)}">dbt docs site</a>'


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


def number_class(kind: str) -> str:
    return ' class="number"' if kind in NUMERIC_KINDS else ""


def table_html(table: Table) -> str:
    spec = table.spec
    if table.missing:
        return (
            f'<p class="missing" id="{esc(spec.name)}">'
            f"{esc(spec.caption)}: {esc(table.missing)}</p>"
        )
    head = "".join(
        f'<th scope="col" data-kind="{esc(c.kind)}"{number_class(c.kind)}>'
        f'<button type="button">{esc(c.header)}</button></th>'
        for c in spec.columns
    )
    rows = []
    for row in table.rows:
        cells = []
        for value, column in zip(row, spec.columns, strict=True):
            shown, key = cell(value, column.kind)
            cells.append(
                f'<td{number_class(column.kind)} data-value="{esc(key)}">{esc(shown)}</td>'
            )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    body = "\n".join(rows) or f'<tr><td colspan="{len(spec.columns)}">No rows.</td></tr>'
    return (
        f'<div class="table-wrap"><table class="sortable" id="{esc(spec.name)}">'
        f"<caption>{esc(spec.caption)} <small>(marts.{esc(spec.mart)}; click a heading to "
        f"sort)</small></caption>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>"
        "</table></div>"
    )


def figure_html(entry: FigureEntry) -> str:
    rendered = entry.rendered
    note = (
        f'<p class="placeholder">Not drawn: {esc(rendered.placeholder_reason)}</p>'
        if rendered.placeholder_reason
        else ""
    )
    # The image carries neither title nor caption: both are here, as text.
    return (
        f'<figure>\n<img src="{esc(entry.image)}" alt="{esc(rendered.title)}" '
        f'data-figure="{esc(entry.name)}">\n'
        f"<figcaption><strong>{esc(rendered.title)}</strong> {esc(rendered.caption)}"
        f"</figcaption>\n{note}</figure>"
    )


def section_html(section: Section, docs_url: str | None) -> str:
    parts = [f'<section id="{esc(section.id)}"><h2>{esc(section.title)}</h2>']
    parts += [f"<p>{esc(p)}</p>" for p in section.paragraphs]
    if section.html:
        parts.append(section.html)
    parts += [figure_html(f) for f in section.figures]
    parts += [table_html(t) for t in section.tables]
    if section.marts:
        parts.append(sources_html(section.marts, docs_url))
    parts.append("</section>")
    return "\n".join(parts)


def seed_table(facts: Facts) -> str:
    findings = seed_findings(facts)
    if not findings:
        return f'<p class="missing">{esc(CLAIMS_MISSING)}</p>'
    rows = "\n".join(
        f'<tr><td>{esc(f.claim)}</td><td><span class="verdict {esc(f.verdict)}">'
        f"{esc(f.verdict)}</span></td><td>{esc(f.reasoning)}</td></tr>"
        for f in findings
    )
    return (
        '<div class="table-wrap"><table class="stacked">\n<thead><tr><th>Claim</th><th>Verdict</th>'
        f"<th>Numbers and reasoning</th></tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table></div>"
    )


def findings_list(facts: Facts) -> str:
    items = "\n".join(f"<li>{esc(s)}</li>" for s in key_findings(facts))
    return f"<ul>\n{items}\n</ul>"


def opening_sections(facts: Facts) -> list[Section]:
    """The prose before the figures: the sample, the key findings, the seed's claims."""
    return [
        Section("sample", "The sample", sample_paragraphs(facts)),
        Section("key-findings", "Key findings", html=findings_list(facts)),
        Section(
            "seed-findings",
            "The seed notebook's findings, checked",
            [
                "The notebook this project replaces stated three findings. Each is judged on "
                "this warehouse's data."
            ],
            html=seed_table(facts),
        ),
    ]


def build_html(
    facts: Facts,
    sections: Sequence[Section],
    database: str,
    docs_url: str | None = None,
) -> str:
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    everything = [*opening_sections(facts), *sections]
    contents = "\n".join(f'<li><a href="#{esc(s.id)}">{esc(s.title)}</a></li>' for s in everything)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<title>hf-trends: AI model trends on the Hugging Face Hub</title>",
            f"<style>{CSS}</style>",
            "</head>",
            "<body>",
            "<h1>AI model trends on the Hugging Face Hub</h1>",
            f'<p class="meta">Generated {esc(generated)} by hf-trends from '
            f"{esc(Path(database).name)} (marts only). Every table and column is described in "
            f"{docs_site_html(docs_url)}.</p>",
            f'<nav aria-label="Contents"><ul>\n{contents}\n</ul></nav>',
            *(section_html(s, docs_url) for s in everything),
            f"<script>{SORT_SCRIPT}</script>",
            "</body>",
            "</html>",
            "",
        ]
    )


def write_report(
    path: Path,
    facts: Facts,
    sections: Sequence[Section],
    database: str,
    docs_url: str | None = None,
) -> None:
    path.write_text(build_html(facts, sections, database, docs_url), encoding="utf-8")
