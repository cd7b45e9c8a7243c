"""The report's tables: the top rows behind each figure, and who publishes what.

Each table is one `select` from one reporting mart, in the order and with the limit shown; the
mart computes every number (ranks, shares) and the report only formats and sorts on request.
"""

from __future__ import annotations

import logging

import duckdb

from plots.data import Connection, MissingData, fetch_full, require
from plots.shared import (
    DATE,
    DECIMAL,
    FLAG,
    INTEGER,
    SHARE,
    YEAR,
    Column,
    Table,
    TableSpec,
)

log = logging.getLogger(__name__)

TOP_ROWS = 15


def load(con: Connection, spec: TableSpec) -> Table:
    """The table's rows; an absent or changed mart leaves it empty, with the reason."""
    try:
        require(con, spec.mart)
        return Table(spec, fetch_full(con, spec.sql))
    except MissingData as exc:
        return Table(spec, [], str(exc))
    except duckdb.Error as exc:
        first_line = str(exc).splitlines()[0]
        log.warning("table %s: query failed: %s", spec.name, first_line)
        return Table(spec, [], f"The query on marts.{spec.mart} failed; rebuild with make build.")


def category_table(metric: str, share: str, noun: str) -> TableSpec:
    # metric and share are column names written here, never input.
    return TableSpec(
        f"table-categories-by-{noun.replace(' ', '-')}",
        f"Top {TOP_ROWS} categories by {noun}",
        "category_popularity",
        f"select category, modality_label, model_count, {metric}, {share} "
        f"from marts.category_popularity where {metric} is not null "
        f"order by {metric} desc, category limit {TOP_ROWS}",
        (
            Column("Category"),
            Column("Modality"),
            Column("Models", INTEGER),
            Column(noun.capitalize(), DECIMAL if "score" in noun else INTEGER),
            Column(f"Share of {noun}", SHARE),
        ),
    )


def top_models_table(rank: str, noun: str) -> TableSpec:
    return TableSpec(
        f"table-top-models-by-{noun}",
        f"Top {TOP_ROWS} models by {noun}",
        "top_models",
        "select model_id, author, category, license, library_name, downloads, likes "
        f"from marts.top_models where {rank} <= {TOP_ROWS} order by {rank}",
        (
            Column("Model"),
            Column("Author"),
            Column("Category"),
            Column("Licence"),
            Column("Library"),
            Column("Downloads (30 days)", INTEGER),
            Column("Likes", INTEGER),
        ),
    )


def popularity_table(mart: str, column: str, header: str, plural: str) -> TableSpec:
    return TableSpec(
        f"table-{plural}",
        f"Top {TOP_ROWS} {plural} by downloads; (none) is the models without one",
        mart,
        f"select {column}, model_count, share_of_models, total_downloads, share_of_downloads, "
        f"total_likes from marts.{mart} where downloads_rank <= {TOP_ROWS} "
        "order by downloads_rank",
        (
            Column(header),
            Column("Models", INTEGER),
            Column("Share of models", SHARE),
            Column("Downloads (30 days)", INTEGER),
            Column("Share of downloads", SHARE),
            Column("Likes", INTEGER),
        ),
    )


DOWNLOADS_BY_CATEGORY = category_table("total_downloads", "share_of_downloads", "downloads")
LIKES_BY_CATEGORY = category_table("total_likes", "share_of_likes", "likes")
TRENDING_BY_CATEGORY = category_table(
    "total_trending_score", "share_of_trending_score", "trending score"
)
MODALITIES = TableSpec(
    "table-modalities",
    "Models by modality",
    "modality_share",
    "select modality_label, model_count, share_of_models from marts.modality_share "
    "order by model_count desc, display_order",
    (Column("Modality"), Column("Models", INTEGER), Column("Share of models", SHARE)),
)
RELEASE_YEARS = TableSpec(
    "table-release-years",
    "Models by creation year",
    "releases_by_year",
    "select release_year_bucket, model_count, share_of_models from marts.releases_by_year "
    "order by coalesce(is_placeholder_bucket, false), release_year desc nulls last",
    (Column("Year"), Column("Models", INTEGER), Column("Share of models", SHARE)),
)
RELEASE_MONTHS = TableSpec(
    "table-release-months",
    "The 12 newest release months",
    "release_months",
    "select release_month, observed_until, is_partial_month, model_count, "
    "share_of_dated_models from marts.release_months order by release_month desc limit 12",
    (
        Column("Month", DATE),
        Column("Counted until", DATE),
        Column("Partial month", FLAG),
        Column("Models", INTEGER),
        Column("Share of dated models", SHARE),
    ),
)
TEXT_SHARE_BY_YEAR = TableSpec(
    "table-modality-by-year",
    "Each year's largest modalities",
    "modality_share_by_year",
    "select release_year, modality_label, share_of_year, year_model_count "
    "from marts.modality_share_by_year where share_of_year > 0 "
    "order by release_year desc, share_of_year desc, modality limit 20",
    (
        Column("Year", YEAR),
        Column("Modality"),
        Column("Share of the year", SHARE),
        Column("Models that year", INTEGER),
    ),
)
TOP_BY_DOWNLOADS = top_models_table("downloads_rank", "downloads")
TOP_BY_LIKES = top_models_table("likes_rank", "likes")
FASTEST_GROWING = TableSpec(
    "table-fastest-growing",
    f"Top {TOP_ROWS} models by likes gained per day",
    "latest_model_growth",
    "select model_id, category, likes_change, days_between, likes_per_day "
    f"from marts.latest_model_growth where growth_rank <= {TOP_ROWS} order by growth_rank",
    (
        Column("Model"),
        Column("Category"),
        Column("Likes gained", INTEGER),
        Column("Days", DECIMAL),
        Column("Likes a day", DECIMAL),
    ),
)
AUTHORS = popularity_table("author_popularity", "author", "Author", "authors")
LICENCES = popularity_table("license_popularity", "license", "Licence", "licences")
LIBRARIES = popularity_table("library_popularity", "library_name", "Library", "libraries")
