"""Every number the report states, selected from the reporting marts in one place.

Each number is computed in dbt (models/marts/reporting/) and documented there; `compute_facts`
only selects them into a flat dict, which the report formats. A group of facts whose marts are
missing or empty is left out, and the report leaves out the sentences that need it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, fields

import duckdb

from plots import catalogue, lineage
from plots.data import TEXT_MODALITY, Connection, MissingData, fetch_full, one, require
from plots.shared import Claim, Facts

log = logging.getLogger(__name__)


# The measures of research_group_share, as the report names them.
MEASURES = ("models", "downloads", "likes", "trending")
CATEGORY_COLUMNS = {
    "downloads": ("total_downloads", "share_of_downloads"),
    "likes": ("total_likes", "share_of_likes"),
    "trending": ("total_trending_score", "share_of_trending_score"),
}
TEXT_GROUP = "Text"
LLM_CATEGORY = "text-generation"


def sample_facts(con: Connection) -> Facts:
    summary = one(
        con,
        "select snapshot_count, model_count, placeholder_count, placeholder_share, "
        "latest_snapshot_age_days, built_at from marts.sample_summary",
    )
    if not summary:
        raise MissingData("marts.sample_summary is empty")
    snapshot_count, model_count, placeholders, placeholder_share, age_days, built_at = summary
    (
        snapshot_id,
        snapshot_at,
        described,
        full,
        in_latest,
        own_month,
        own_month_share,
        last_30,
        last_30_share,
    ) = one(
        con,
        "select snapshot_id, snapshot_at, sample_description, is_full_catalogue, "
        "newest_model_count, created_in_snapshot_month_count, created_in_snapshot_month_share, "
        "created_in_last_30_days_count, created_in_last_30_days_share "
        "from marts.sample_snapshots where is_latest",
    )
    return {
        "snapshot_count": snapshot_count,
        "model_count": model_count,
        "latest_snapshot_id": snapshot_id,
        "latest_snapshot_date": snapshot_at.strftime("%Y-%m-%d"),
        "latest_snapshot_month": snapshot_at.strftime("%B %Y"),
        "latest_sample_description": described,
        "latest_is_full_catalogue": bool(full),
        "latest_model_count": in_latest,
        "latest_own_month_count": own_month,
        "latest_own_month_share": own_month_share,
        "latest_last_30_days_count": last_30,
        "latest_last_30_days_share": last_30_share,
        "placeholder_count": placeholders,
        "placeholder_share": placeholder_share,
        "latest_age_days": age_days,
        "built_at": built_at.strftime("%Y-%m-%d %H:%M UTC"),
    }


def category_facts(con: Connection) -> Facts:
    categorised, categories = one(
        con, "select categorised_model_count, category_count from marts.sample_summary"
    ) or (0, 0)
    if not categories:
        raise MissingData("no categorised model")
    facts: Facts = {"categorised_model_count": categorised, "category_count": categories}
    text = one(
        con,
        "select share_of_models, share_of_downloads, share_of_likes, share_of_trending_score "
        "from marts.research_group_share where research_group = ?",
        [TEXT_GROUP],
    ) or (0.0,) * len(MEASURES)
    for measure, share in zip(MEASURES, text, strict=True):
        facts[f"text_share_{measure}"] = share or 0.0
    for key, (total_column, share_column) in CATEGORY_COLUMNS.items():
        # Ties are broken by name so the leader is stable from run to run.
        name, share = one(
            con,
            f"select category, {share_column} from marts.category_popularity "
            f"order by {total_column} desc nulls last, category limit 1",
        )
        facts[f"top_{key}_category"] = name
        facts[f"top_{key}_category_share"] = share
    facts["text_generation_share_models"], facts["text_generation_share_likes"] = one(
        con,
        "select share_of_models, coalesce(share_of_likes, 0) from marts.category_popularity "
        "where category = ?",
        [LLM_CATEGORY],
    ) or (0.0, 0.0)
    return facts


def popularity_facts(con: Connection) -> Facts:
    row = one(
        con,
        "select top_1pct_model_count, top_1pct_download_share, zero_download_count, "
        "median_downloads, mean_downloads, downloads_likes_pearson_r, "
        "downloads_likes_strength, downloads_likes_model_count from marts.popularity_summary",
    )
    if not row:
        raise MissingData("marts.popularity_summary is empty")
    top_n, top_share, zeros, median, mean, r, r_strength, r_count = row
    return {
        "top1pct_model_count": top_n,
        "top1pct_download_share": top_share,
        "zero_download_count": zeros,
        "median_downloads": median,
        "mean_downloads": mean,
        "r_downloads_likes": r,
        "r_strength": r_strength,
        "r_model_count": r_count,
    }


def year_facts(con: Connection) -> Facts:
    newest = one(
        con,
        "select release_year, share_of_models from marts.releases_by_year "
        "where release_year is not null and not coalesce(is_placeholder_bucket, false) "
        "order by release_year desc limit 1",
    )
    if not newest:
        raise MissingData("no dated model")
    facts: Facts = {"newest_year": newest[0], "newest_year_share": newest[1]}
    text = "from marts.modality_share_by_year where modality = ?"
    first = one(
        con,
        f"select release_year, share_of_year, year_model_count {text} "
        "order by release_year limit 1",
        [TEXT_MODALITY],
    )
    if not first:
        raise MissingData("no model in marts.models has both a category and a release year")
    facts["first_year"], facts["text_share_first_year"], facts["first_year_count"] = first
    facts["last_year"], facts["text_share_last_year"], facts["last_year_count"] = one(
        con,
        f"select release_year, share_of_year, year_model_count {text} "
        "order by release_year desc limit 1",
        [TEXT_MODALITY],
    )
    facts["text_share_peak_year"], facts["text_share_peak"] = one(
        con, f"select release_year, share_of_year {text} and share_rank = 1", [TEXT_MODALITY]
    )
    return facts


def growth_facts(con: Connection) -> Facts:
    row = one(
        con,
        "select previous_snapshot_at, snapshot_at, model_count, median_likes_per_day, "
        "top_model_id, top_likes_per_day, top_tie_count, "
        "text_generation_share_of_likes_gained, text_generation_share_of_models "
        "from marts.growth_summary",
    )
    if not row:
        raise MissingData("no model in two snapshots")
    previous_at, latest_at, n, median, top, top_rate, top_ties, llm_gain, llm_models = row
    return {
        "growth_previous_date": previous_at.strftime("%Y-%m-%d"),
        "growth_latest_date": latest_at.strftime("%Y-%m-%d"),
        "growth_model_count": n,
        "growth_median_likes_per_day": median,
        "growth_top_model": top,
        "growth_top_likes_per_day": top_rate,
        "growth_top_tie_count": top_ties,
        "growth_text_generation_share_of_likes_gained": llm_gain,
        "growth_text_generation_share_of_models": llm_models,
    }


def claim_facts(con: Connection) -> Facts:
    names = [f.name for f in fields(Claim)]
    # The column names come from Claim's fields, not from input, so formatting them in is safe;
    # the full text (fetch_full): a claim is the mart's own sentence, never a Hub label.
    rows = fetch_full(
        con, f"select {', '.join(names)} from marts.notebook_claims order by claim_order"
    )
    if not rows:
        raise MissingData("marts.notebook_claims is empty")
    claims = [Claim(**dict(zip(names, row, strict=True))) for row in rows]
    return {"claims": {c.claim_id: c for c in claims}}


@dataclass(frozen=True)
class FactGroup:
    marts: tuple[str, ...]
    compute: Callable[[Connection], Facts]


# Each group names the reporting marts it selects from; the report exposure depends on them all.
GROUPS: dict[str, FactGroup] = {
    "sample": FactGroup(("sample_summary", "sample_snapshots"), sample_facts),
    "categories": FactGroup(
        ("sample_summary", "research_group_share", "category_popularity"), category_facts
    ),
    "popularity": FactGroup(("popularity_summary",), popularity_facts),
    "years": FactGroup(("releases_by_year", "modality_share_by_year"), year_facts),
    "growth": FactGroup(("growth_summary",), growth_facts),
    # The seed notebook's claims, judged in dbt: the report only words them.
    "claims": FactGroup(("notebook_claims",), claim_facts),
    # Trends from a full-catalogue crawl (issue 12): selected in plots/catalogue.py.
    "catalogue": FactGroup(catalogue.CATALOGUE_MARTS, catalogue.catalogue_facts),
    "use_trend": FactGroup(catalogue.USE_TREND_MARTS, catalogue.use_trend_facts),
    # Who builds on whom (issue 16): selected in plots/lineage.py.
    "lineage": FactGroup(lineage.FACT_MARTS, lineage.lineage_facts),
}


def report_marts() -> set[str]:
    return {mart for group in GROUPS.values() for mart in group.marts}


def compute_facts(con: Connection) -> Facts:
    facts: Facts = {}
    for name, group in GROUPS.items():
        try:
            require(con, *group.marts)
            facts.update(group.compute(con))
        except MissingData as exc:
            log.info("report: no %s facts: %s", name, exc)
        except duckdb.Error as exc:
            log.warning("report: %s facts failed: %s", name, str(exc).splitlines()[0])
    return facts
