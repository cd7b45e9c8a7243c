"""report.html: the sample and its bias, key findings, the seed's claims checked, every figure.

Every number comes from the facts dict (plots.facts); this module only words and escapes it.
The page is self-contained apart from the figure files beside it, referenced by relative path.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from plots import lineage
from plots.facts import Facts
from plots.figures import Rendered, strength
from plots.style import compact, percent

SUPPORTED, REFUTED, UNDECIDABLE = "supported", "refuted", "undecidable"
# A newest full year at least this many times the year before counts as a "sharp increase".
SHARP_INCREASE_RATIO = 1.5


@dataclass(frozen=True)
class FigureEntry:
    name: str
    question: str
    filename: str
    rendered: Rendered


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
        f"The warehouse holds {facts['snapshot_count']:,} snapshot(s) and "
        f"{facts['model_count']:,} distinct models; each model carries the values of the newest "
        f"snapshot it appears in. The latest snapshot is "
        f"{facts['latest_sample_description']}."
    ]
    if facts.get("latest_is_full_catalogue"):
        paragraphs.append(
            "That snapshot is a full, unfiltered crawl of the Hub's catalogue, so counts describe "
            "the Hub itself."
        )
    else:
        paragraphs.append(
            "It is not the Hub: the Hub's default listing returns the models trending now, which "
            "over-represents this month's models. Of the latest snapshot's "
            f"{facts['latest_model_count']:,} models, {facts['latest_own_month_count']:,} "
            f"({percent(facts['latest_own_month_share'])}) were created in the snapshot's own "
            f"month ({facts['latest_snapshot_month']}, up to {facts['latest_snapshot_date']}) "
            f"and {facts['latest_last_30_days_count']:,} "
            f"({percent(facts['latest_last_30_days_share'])}) in the 30 days before it. Old "
            "models appear only if they are still popular, so every share and count here "
            "describes what is trending, not what was released."
        )
    paragraphs.append(
        f"{facts['placeholder_count']:,} models ({percent(facts['placeholder_share'])}) carry the "
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
            f"Likes and downloads are {strength(facts['r_downloads_likes'])} correlated: "
            f"Pearson r = {facts['r_downloads_likes']:.2f} over {facts['r_model_count']:,} models."
        )
    if has(facts, "newest_year_share", "latest_last_30_days_share"):
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
    if has(facts, "growth_model_count"):
        sentences.append(
            f"Between {facts['growth_previous_date']} and {facts['growth_latest_date']}, "
            f"{facts['growth_model_count']:,} models appear in both snapshots; the median gained "
            f"{facts['growth_median_likes_per_day']:,.1f} likes a day and {top_grower(facts)} "
            f"the most ({facts['growth_top_likes_per_day']:,.1f} a day)."
        )
    elif has(facts, "snapshot_count"):
        sentences.append(
            f"Growth is not measured yet: the warehouse holds {facts['snapshot_count']:,} "
            "snapshot(s) and growth needs 2 or more."
        )
    return sentences


def top_grower(facts: Facts) -> str:
    ties = facts["growth_top_tie_count"]
    return facts["growth_top_model"] if ties == 1 else f"{ties:,} tied models"


# --------------------------------------------------------------------------- the seed's claims


MEASURE_NAMES = {
    "models": "model count",
    "downloads": "downloads",
    "likes": "likes",
    "trending": "trending score",
}


def text_dominates(facts: Facts) -> SeedFinding:
    claim = "Text-based models dominate model releases and popularity metrics."
    if not has(facts, "text_share_models"):
        return SeedFinding(claim, UNDECIDABLE, "The category marts are missing.")
    measures = ("models", "downloads", "likes", "trending")
    lost = [m for m in measures if facts[f"leading_group_{m}"] != "Text"]
    numbers = (
        f"Text is {percent(facts['text_share_models'])} of categorised models, "
        f"{percent(facts['text_share_downloads'])} of downloads, "
        f"{percent(facts['text_share_likes'])} of likes and "
        f"{percent(facts['text_share_trending'])} of trending score"
    )
    scope = (
        " This is the trending sample, not every release on the Hub."
        if not facts.get("latest_is_full_catalogue")
        else ""
    )
    if not lost:
        return SeedFinding(
            claim,
            SUPPORTED,
            f"{numbers}: the largest research group on all four measures.{scope}",
        )
    leaders = join_words(
        [
            f"{facts[f'leading_group_{m}']} leads {MEASURE_NAMES[m]} with "
            f"{percent(facts[f'leading_group_{m}_share'])}"
            for m in lost
        ]
    )
    led = [MEASURE_NAMES[m] for m in measures if m not in lost]
    led_text = f"Text leads {join_words(led)}, but " if led else ""
    return SeedFinding(claim, REFUTED, f"{numbers}. Refuted as stated: {led_text}{leaders}.{scope}")


def llm_growth(facts: Facts) -> SeedFinding:
    claim = "High engagement metrics reflect rapid growth in LLM research."
    if not has(facts, "text_generation_share_models"):
        return SeedFinding(claim, UNDECIDABLE, "The category marts are missing.")
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
            f" With {facts.get('snapshot_count', 0):,} snapshot(s) no growth of any kind is "
            "measured."
        )
    return SeedFinding(claim, UNDECIDABLE, reasoning)


def release_growth(facts: Facts) -> SeedFinding:
    claim = "Recent years show a sharp increase in AI model releases."
    if not has(facts, "newest_year", "previous_year_count", "newest_year_ratio_to_previous"):
        return SeedFinding(claim, UNDECIDABLE, "Fewer than two release years are in the data.")
    numbers = (
        f"{facts['newest_year_count']:,} sampled models ({percent(facts['newest_year_share'])}) "
        f"were created in {facts['newest_year']} against {facts['previous_year_count']:,} "
        f"({percent(facts['previous_year_share'])}) in {facts['previous_year']}"
    )
    placeholders = (
        f"{facts['placeholder_count']:,} placeholder-dated models have no real year and are "
        "left aside."
    )
    if not facts.get("latest_is_full_catalogue"):
        return SeedFinding(
            claim,
            UNDECIDABLE,
            f"{numbers}, but a trending list keeps mostly new models "
            f"({percent(facts['latest_last_30_days_share'])} of the latest snapshot was created "
            "in its last 30 days), so the skew to recent years is the sampling, not the Hub's "
            f"release history. Only a full-catalogue crawl can decide it. {placeholders}",
        )
    ratio = facts["newest_year_ratio_to_previous"]
    verdict = SUPPORTED if ratio >= SHARP_INCREASE_RATIO else REFUTED
    return SeedFinding(
        claim,
        verdict,
        f"{numbers} in a full-catalogue crawl: {ratio:.1f} times as many (a sharp increase "
        f"means at least {SHARP_INCREASE_RATIO}). The newest year may be partial. {placeholders}",
    )


def seed_findings(facts: Facts) -> list[SeedFinding]:
    return [text_dominates(facts), llm_growth(facts), release_growth(facts)]


# --------------------------------------------------------------------------- html

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1100px;
       margin: 2rem auto; padding: 0 1.5rem; color: #1f2933; line-height: 1.5; }
h1 { font-size: 1.8rem; margin-bottom: 0.2rem; }
h2 { margin-top: 2.2rem; border-bottom: 1px solid #d9dee3; padding-bottom: 0.3rem; }
.meta { color: #5f6b7a; font-size: 0.9rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 0.5rem; border-bottom: 1px solid #e4e7eb; }
.verdict { font-weight: 600; white-space: nowrap; padding: 0.1rem 0.5rem; border-radius: 4px; }
.supported { background: #d9f2e6; color: #00603d; }
.refuted { background: #fbe0d6; color: #8a2c00; }
.undecidable { background: #eceff3; color: #3b4f66; }
figure { margin: 2rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #e4e7eb; }
figcaption { font-size: 0.92rem; color: #3b4f66; }
figcaption strong { color: #1f2933; }
.placeholder { color: #8a2c00; }
"""


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def section_sample(facts: Facts) -> str:
    body = "\n".join(f"<p>{esc(p)}</p>" for p in sample_paragraphs(facts))
    return f'<section id="sample"><h2>The sample</h2>\n{body}\n</section>'


def section_findings(facts: Facts) -> str:
    items = "\n".join(f"<li>{esc(s)}</li>" for s in key_findings(facts))
    return f'<section id="key-findings"><h2>Key findings</h2>\n<ul>\n{items}\n</ul>\n</section>'


def section_seed(facts: Facts) -> str:
    rows = "\n".join(
        f'<tr><td>{esc(f.claim)}</td><td><span class="verdict {esc(f.verdict)}">'
        f"{esc(f.verdict)}</span></td><td>{esc(f.reasoning)}</td></tr>"
        for f in seed_findings(facts)
    )
    return (
        '<section id="seed-findings"><h2>The seed notebook\'s findings, checked</h2>\n'
        "<p>The notebook this project replaces stated three findings. Each is judged on this "
        "warehouse's data.</p>\n<table>\n<thead><tr><th>Claim</th><th>Verdict</th>"
        f"<th>Numbers and reasoning</th></tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>\n"
        "</section>"
    )


def figure_html(entry: FigureEntry) -> str:
    rendered = entry.rendered
    note = (
        f'<p class="placeholder">Not drawn: {esc(rendered.placeholder_reason)}</p>'
        if rendered.placeholder_reason
        else ""
    )
    return (
        f'<figure id="{esc(entry.name)}">\n'
        f'<img src="{esc(entry.filename)}" alt="{esc(rendered.title)}" loading="eager">\n'
        f"<figcaption><strong>{esc(rendered.title)}</strong> {esc(rendered.caption)}"
        f"</figcaption>\n{note}</figure>"
    )


def section_figures(entries: list[FigureEntry]) -> str:
    blocks = "\n".join(
        f"<h3>{i}. {esc(e.question)}</h3>\n{figure_html(e)}" for i, e in enumerate(entries, 1)
    )
    return f'<section id="figures"><h2>Figures</h2>\n{blocks}\n</section>'


def build_html(facts: Facts, entries: list[FigureEntry], database: str) -> str:
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
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
            f"{esc(Path(database).name)} (marts only).</p>",
            section_sample(facts),
            section_findings(facts),
            section_seed(facts),
            section_figures([e for e in entries if e.name not in lineage.FIGURE_NAMES]),
            # Who builds on whom (issue 16): worded in plots/lineage.py, with its own figures.
            lineage.section_html(
                facts, [e for e in entries if e.name in lineage.FIGURE_NAMES], figure_html
            ),
            "</body>",
            "</html>",
            "",
        ]
    )


def write_report(path: Path, facts: Facts, entries: list[FigureEntry], database: str) -> None:
    path.write_text(build_html(facts, entries, database), encoding="utf-8")
