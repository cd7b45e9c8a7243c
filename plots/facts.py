"""Every number the report states, computed from the marts in one place.

`compute_facts` returns a flat dict; the report only formats it, and the tests recompute each
entry with their own SQL. A group of facts whose marts are missing is left as None, and the
report leaves out the sentences that need it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import duckdb

from plots.data import Connection, MissingData, Params, fetch, require

log = logging.getLogger(__name__)

Facts = dict[str, Any]


def one(con: Connection, sql: str, params: Params = None) -> tuple[Any, ...]:
    rows = fetch(con, sql, params)
    return rows[0] if rows else ()


def sample_facts(con: Connection) -> Facts:
    require(con, "snapshots")
    require(con, "models", ("created_at", "last_snapshot_id", "is_created_at_placeholder"))
    snapshot_count = one(con, "select count(*) from marts.snapshots")[0]
    if not snapshot_count:
        raise MissingData("marts.snapshots is empty")
    snapshot_id, snapshot_at, described, full = one(
        con,
        "select snapshot_id, snapshot_at, sample_description, coalesce(is_full_catalogue, false) "
        "from marts.snapshots order by snapshot_at desc, snapshot_id desc limit 1",
    )
    # A model is in the latest snapshot exactly when that snapshot is its newest observation.
    in_latest, own_month, last_30 = one(
        con,
        "select count(*), "
        "count(*) filter (where date_trunc('month', created_at) = date_trunc('month', $at) "
        "    and not is_created_at_placeholder), "
        "count(*) filter (where created_at > $at - interval 30 day and created_at <= $at "
        "    and not is_created_at_placeholder) "
        "from marts.models where last_snapshot_id = $id",
        {"at": snapshot_at, "id": snapshot_id},
    )
    model_count, placeholders = one(
        con, "select count(*), count(*) filter (where is_created_at_placeholder) from marts.models"
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
        "latest_own_month_share": own_month / in_latest if in_latest else None,
        "latest_last_30_days_count": last_30,
        "latest_last_30_days_share": last_30 / in_latest if in_latest else None,
        "placeholder_count": placeholders,
        "placeholder_share": placeholders / model_count if model_count else None,
    }


GROUP_SHARES_SQL = """
select
    coalesce(research_group, 'Other') as research_group,
    sum(model_count) / sum(sum(model_count)) over () as models,
    sum(total_downloads) / nullif(sum(sum(total_downloads)) over (), 0) as downloads,
    sum(total_likes) / nullif(sum(sum(total_likes)) over (), 0) as likes,
    sum(total_trending_score) / nullif(sum(sum(total_trending_score)) over (), 0) as trending,
from marts.category_popularity
group by all
"""

CATEGORY_LEADER_SQL = """
select category, {column} / nullif(sum({column}) over (), 0)
from marts.category_popularity
order by {column} desc nulls last, category
limit 1
"""


def category_facts(con: Connection) -> Facts:
    require(con, "category_popularity", ("research_group", "total_trending_score"))
    categorised, categories = one(
        con, "select sum(model_count), count(*) from marts.category_popularity"
    )
    if not categories:
        raise MissingData("marts.category_popularity is empty")
    groups = {row[0]: row[1:] for row in fetch(con, GROUP_SHARES_SQL)}
    facts: Facts = {"categorised_model_count": categorised, "category_count": categories}
    for i, measure in enumerate(("models", "downloads", "likes", "trending")):
        facts[f"text_share_{measure}"] = groups.get("Text", (0.0,) * 4)[i] or 0.0
        # Ties are broken by name so the leader is stable from run to run.
        leader = max(sorted(groups), key=lambda g, i=i: groups[g][i] or 0.0)
        facts[f"leading_group_{measure}"] = leader
        facts[f"leading_group_{measure}_share"] = groups[leader][i] or 0.0
    for key, column in (
        ("downloads", "total_downloads"),
        ("likes", "total_likes"),
        ("trending", "total_trending_score"),
    ):
        name, share = one(con, CATEGORY_LEADER_SQL.format(column=column))
        facts[f"top_{key}_category"] = name
        facts[f"top_{key}_category_share"] = share
    llm = one(
        con,
        "select coalesce(sum(share_of_models) filter (where category = 'text-generation'), 0), "
        "coalesce(sum(total_likes) filter (where category = 'text-generation') "
        "    / nullif(sum(total_likes), 0), 0) "
        "from marts.category_popularity",
    )
    facts["text_generation_share_models"], facts["text_generation_share_likes"] = llm
    return facts


def popularity_facts(con: Connection) -> Facts:
    require(con, "models", ("downloads",))
    require(con, "metric_summary", ("metric", "median_value", "mean_value"))
    require(con, "metric_correlations", ("metric_a", "metric_b", "pearson_r", "model_count"))
    top_n, top_share, zeros = one(
        con,
        "with ranked as (select downloads, row_number() over (order by downloads desc) as rank, "
        "count(*) over () as n from marts.models where downloads is not null) "
        "select ceil(any_value(n) * 0.01)::int, "
        "sum(downloads) filter (where rank <= ceil(n * 0.01)) / nullif(sum(downloads), 0), "
        "count(*) filter (where downloads = 0) from ranked",
    )
    median, mean = one(
        con,
        "select median_value, mean_value from marts.metric_summary where metric = 'downloads'",
    ) or (None, None)
    r, r_count = one(
        con,
        "select pearson_r, model_count from marts.metric_correlations "
        "where metric_a = 'downloads' and metric_b = 'likes'",
    ) or (None, 0)
    return {
        "top1pct_model_count": top_n,
        "top1pct_download_share": top_share,
        "zero_download_count": zeros,
        "median_downloads": median,
        "mean_downloads": mean,
        "r_downloads_likes": r,
        "r_model_count": r_count,
    }


def year_facts(con: Connection) -> Facts:
    require(con, "releases_by_year", ("release_year", "model_count", "is_placeholder_bucket"))
    require(con, "models", ("release_year", "modality"))
    years = fetch(
        con,
        "select release_year, model_count, share_of_models from marts.releases_by_year "
        "where release_year is not null and not coalesce(is_placeholder_bucket, false) "
        "order by release_year desc limit 2",
    )
    if not years:
        raise MissingData("no dated model")
    facts: Facts = {
        "newest_year": years[0][0],
        "newest_year_count": years[0][1],
        "newest_year_share": years[0][2],
        "previous_year": years[1][0] if len(years) > 1 else None,
        "previous_year_count": years[1][1] if len(years) > 1 else None,
        "previous_year_share": years[1][2] if len(years) > 1 else None,
    }
    text = fetch(
        con,
        "select release_year, avg((modality = 'nlp')::int), count(*) from marts.models "
        "where release_year is not null and modality is not null "
        "group by release_year order by release_year",
    )
    if not text:
        raise MissingData("no model in marts.models has both a category and a release year")
    facts["first_year"], facts["text_share_first_year"], facts["first_year_count"] = text[0]
    facts["last_year"], facts["text_share_last_year"], facts["last_year_count"] = text[-1]
    # The earliest year wins a tie, so the peak is stable from run to run.
    peak = max(text, key=lambda row: (row[1], -row[0]))
    facts["text_share_peak_year"], facts["text_share_peak"] = peak[0], peak[1]
    return facts


GROWTH_SQL = """
with latest as (
    select * from marts.model_growth
    where snapshot_at = (select max(snapshot_at) from marts.model_growth)
),
pair as (
    select * from latest where previous_snapshot_at = (select max(previous_snapshot_at) from latest)
        and likes_per_day is not null
)
select
    min(previous_snapshot_at), min(snapshot_at), count(*), median(likes_per_day),
    -- Ties go to the first model id, as in the growth figure's sort.
    first(model_id order by likes_per_day desc, model_id), max(likes_per_day),
    count(*) filter (where likes_per_day = (select max(likes_per_day) from pair)),
    sum(likes_change) filter (where category = 'text-generation')
        / nullif(sum(likes_change), 0),
    avg((category = 'text-generation')::int),
from pair
"""


def growth_facts(con: Connection) -> Facts:
    require(con, "model_growth", ("likes_per_day", "likes_change", "category"))
    row = one(con, GROWTH_SQL)
    if not row or not row[2]:
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


GROUPS: dict[str, Callable[[Connection], Facts]] = {
    "sample": sample_facts,
    "categories": category_facts,
    "popularity": popularity_facts,
    "years": year_facts,
    "growth": growth_facts,
}


def compute_facts(con: Connection) -> Facts:
    facts: Facts = {}
    for name, compute in GROUPS.items():
        try:
            facts.update(compute(con))
        except MissingData as exc:
            log.info("report: no %s facts: %s", name, exc)
        except duckdb.Error as exc:
            log.warning("report: %s facts failed: %s", name, str(exc).splitlines()[0])
    return facts
