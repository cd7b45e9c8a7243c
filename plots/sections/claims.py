"""The report's "The seed notebook's findings, checked": each claim of the notebook this project
replaces, with the verdict marts.notebook_claims gives it and the numbers behind it.

Every verdict, basis, threshold and compared figure is a column of notebook_claims; this module
only words them, adding the context the mart does not judge on (dates, caveats) from the other
sections' facts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

from plots.data import Connection, MissingData, fetch_full
from plots.sections.catalogue import MEASURE_WORDS as CATALOGUE_MEASURE_WORDS
from plots.sections.catalogue import MEASURES as CATALOGUE_MEASURES
from plots.sections.catalogue import CatalogueFacts
from plots.sections.categories import CategoryFacts
from plots.sections.growth import GrowthFacts
from plots.sections.sample import SampleFacts
from plots.shared import FactGroup, Facts, Finding, ReportPart, Section
from plots.style import counted, percent


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


@dataclass(frozen=True)
class ClaimFacts:
    claims: tuple[Claim, ...]  # in the mart's claim_order


def select_facts(con: Connection) -> ClaimFacts:
    names = [f.name for f in fields(Claim)]
    # The column names come from Claim's fields, not from input, so formatting them in is safe;
    # the full text (fetch_full): a claim is the mart's own sentence, never a Hub label.
    rows = fetch_full(
        con, f"select {', '.join(names)} from marts.notebook_claims order by claim_order"
    )
    if not rows:
        raise MissingData("marts.notebook_claims is empty")
    return ClaimFacts(tuple(Claim(**dict(zip(names, row, strict=True))) for row in rows))


# The verdict a claim gets worded as upheld (marts.notebook_claims decides it).
SUPPORTED = "supported"
MEASURE_NAMES = {
    "models": "model count",
    "downloads": "downloads",
    "likes": "likes",
    "trending_score": "trending score",
}
CATEGORIES_MISSING = "The category marts are missing."
# A full-catalogue newest snapshot whose catalogue marts are absent or empty decides nothing.
CATALOGUE_MISSING = (
    "The newest snapshot is a full-catalogue crawl, but the catalogue marts hold none of its "
    "models (not built yet, or a crawl without every field the marts use): run make build."
)
CLAIMS_MISSING = (
    "The seed notebook's claims are judged in marts.notebook_claims, which this warehouse does "
    "not hold yet: run make build."
)


def join_words(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def leader(claim: Claim, measure: str) -> str | None:
    return getattr(claim, f"{measure}_leader")


def leader_share(claim: Claim, measure: str) -> float | None:
    return getattr(claim, f"{measure}_leader_share")


def lost_measures(claim: Claim, measures: Sequence[str]) -> list[str]:
    return [m for m in measures if not getattr(claim, f"text_leads_{m}")]


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
    catalogue = facts.get(CatalogueFacts)
    assert catalogue is not None, "decided on the full catalogue, so its facts were selected"
    numbers = (
        f"In the full catalogue ({catalogue.model_count:,} models on {catalogue.date}), "
        f"natural-language (text) models are {percent(claim.text_share_of_models)} of all "
        f"models, get {percent(claim.text_share_of_downloads)} of the 30-day downloads and "
        f"{percent(claim.text_share_of_likes)} of the likes"
    )
    if claim.verdict == SUPPORTED:
        return f"{numbers}: the largest modality on models, downloads and likes."
    leaders = join_words(
        [
            f"{leader(claim, m)} leads {CATALOGUE_MEASURE_WORDS[m]} with "
            f"{percent(leader_share(claim, m))}"
            for m in lost_measures(claim, CATALOGUE_MEASURES)
        ]
    )
    return f"{numbers}. Refuted as stated: {leaders}."


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
    categories = facts.get(CategoryFacts)
    if claim.undecidable_reason == "category marts missing" or categories is None:
        return CATEGORIES_MISSING
    reasoning = (
        f"Text-generation (LLM) models are {percent(categories.text_generation_share_models)} "
        f"of categorised models and hold {percent(categories.text_generation_share_likes)} of "
        "their likes, so engagement does concentrate on LLMs. But likes and downloads are "
        "levels, not a measure of research output, and a causal 'reflects' cannot be read off "
        "metadata."
    )
    growth = facts.get(GrowthFacts)
    if growth is not None and growth.text_generation_share_of_likes_gained is not None:
        reasoning += (
            f" Between {growth.previous_date} and {growth.latest_date}, "
            "text-generation models took "
            f"{percent(growth.text_generation_share_of_likes_gained)} of the likes "
            f"gained while being {percent(growth.text_generation_share_of_models)} of "
            "the models compared: engagement growth, still not research growth."
        )
    else:
        sample = facts.get(SampleFacts)
        snapshots = sample.snapshot_count if sample else 0
        reasoning += f" With {counted(snapshots, 'snapshot')} no growth of any kind is measured."
    return reasoning


def release_growth(claim: Claim, facts: Facts) -> str:
    if claim.undecidable_reason == "catalogue marts missing":
        return CATALOGUE_MISSING
    if claim.undecidable_reason == "fewer than two years":
        return "Fewer than two release years are in the data."
    if claim.decided_on == "full catalogue":
        return release_growth_catalogue(claim, facts)
    sample = facts.get(SampleFacts)
    assert sample is not None, "decided on the sample, so its facts were selected"
    return (
        f"{claim.recent_model_count:,} sampled models ({percent(claim.recent_share_of_models)}) "
        f"were created in {claim.recent_year} against {claim.earlier_model_count:,} "
        f"({percent(claim.earlier_share_of_models)}) in {claim.earlier_year}, but a trending "
        f"list keeps mostly new models ({percent(sample.latest_last_30_days_share)} of the "
        "latest snapshot was created in its last 30 days), so the skew to recent years is the "
        "sampling, not the Hub's release history. Only a full-catalogue crawl can decide it. "
        f"{sample.placeholder_count:,} placeholder-dated models have no real year and are "
        "left aside."
    )


def release_growth_catalogue(claim: Claim, facts: Facts) -> str:
    """Whole 12-month windows of the full catalogue (marts.catalogue_summary)."""
    catalogue = facts.get(CatalogueFacts)
    assert catalogue is not None, "decided on the full catalogue, so its facts were selected"
    numbers = (
        f"{claim.recent_model_count:,} models of the full catalogue ({catalogue.date}) were "
        f"created in the 12 whole months from {catalogue.window_from} against "
        f"{claim.earlier_model_count:,} in the 12 months before"
    )
    caveats = (
        "Only models still on the Hub are counted, so deleted older models make earlier months "
        f"look smaller; {catalogue.placeholder_count:,} models carry the Hub's import "
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


def opening(facts: Facts) -> Section:
    claims = facts.get(ClaimFacts)
    return Section(
        "seed-findings",
        "The seed notebook's findings, checked",
        [
            "The notebook this project replaces stated three findings. Each is judged on "
            "this warehouse's data."
        ],
        findings=[
            Finding(c.claim, c.verdict, REASONING[c.claim_id](c, facts))
            for c in (claims.claims if claims else ())
        ],
        missing=None if claims else CLAIMS_MISSING,
    )


PART = ReportPart(facts=(FactGroup("claims", ("notebook_claims",), select_facts),), opening=opening)
