"""The dbt build on the recorded response: the seed's results, corrected where the seed erred."""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from hf_common.cli import WAREHOUSE_SCHEMAS
from tests.conftest import (
    BIN,
    FIXTURE_SNAPSHOT_AT,
    NEW_MODELS,
    copy_warehouse,
    dbt_build,
    ingest,
    query,
    run,
    second_snapshot,
)

# Every test reads or runs a dbt build.
pytestmark = pytest.mark.slow


def seed_cleaned(fixture_file: Path) -> pd.DataFrame:
    """The seed notebook's steps 3-6, as its README gives them."""
    df = pd.DataFrame(json.loads(fixture_file.read_text()))
    df = df[["modelId", "pipeline_tag", "createdAt", "downloads", "likes", "trendingScore"]]
    df["year"] = pd.to_datetime(df["createdAt"]).dt.year
    df = df.rename(columns={"pipeline_tag": "category"})
    df = df.dropna(subset=["category", "year"])
    df = df.drop_duplicates()
    metrics = ["downloads", "likes", "trendingScore"]
    df[metrics] = df[metrics].clip(lower=0)
    return df


def test_the_file_names_refused_are_the_schemas_a_build_makes(fixture_warehouse: Path) -> None:
    """A new schema must join WAREHOUSE_SCHEMAS, or a file named after it builds ambiguously."""
    sql = (
        "select schema_name from duckdb_schemas() "
        "where database_name = current_database() and schema_name <> 'main'"
    )
    assert {name for (name,) in query(fixture_warehouse, sql)} == WAREHOUSE_SCHEMAS


def test_every_unit_test_ran_and_passed_once(fixture_warehouse: Path) -> None:
    """The other builds leave unit tests out (conftest.dbt_build): this is where they run."""
    target = fixture_warehouse.parent / "target"
    manifest = json.loads((target / "manifest.json").read_text())
    results = json.loads((target / "run_results.json").read_text())["results"]
    declared = set(manifest["unit_tests"])
    ran = {r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")}
    assert len(declared) >= 55
    assert ran == dict.fromkeys(declared, "pass")


def test_category_popularity_equals_the_seed(fixture_warehouse: Path, fixture_file: Path) -> None:
    seed = (
        seed_cleaned(fixture_file)
        .groupby("category")
        .agg(
            model_count=("modelId", "size"),
            downloads=("downloads", "sum"),
            likes=("likes", "sum"),
            trending=("trendingScore", "sum"),
        )
    )
    ours = query(
        fixture_warehouse,
        """
        select category, model_count, total_downloads, total_likes, total_trending_score
        from marts.category_popularity order by category
        """,
    )
    assert [row[0] for row in ours] == sorted(seed.index)
    for category, count, downloads, likes, trending in ours:
        expected = seed.loc[category]
        assert (count, downloads, likes) == (
            expected.model_count,
            expected.downloads,
            expected.likes,
        ), category
        assert trending == pytest.approx(expected.trending), category


def test_metric_summary_equals_pandas_describe(fixture_warehouse: Path, fixture_file: Path) -> None:
    df = pd.DataFrame(json.loads(fixture_file.read_text()))
    described = df[["downloads", "likes", "trendingScore"]].clip(lower=0).describe()
    rows = query(
        fixture_warehouse,
        """
        select metric, value_count, mean_value, std_value, min_value, p25_value,
            median_value, p75_value, max_value
        from marts.metric_summary
        """,
    )
    names = {"downloads": "downloads", "likes": "likes", "trending_score": "trendingScore"}
    assert {row[0] for row in rows} == set(names)
    for metric, *values in rows:
        expected = described[names[metric]]
        assert values == pytest.approx(
            [expected[k] for k in ["count", "mean", "std", "min", "25%", "50%", "75%", "max"]]
        ), metric


def test_correlations_equal_pandas(fixture_warehouse: Path, fixture_file: Path) -> None:
    df = pd.DataFrame(json.loads(fixture_file.read_text()))
    corr = df[["downloads", "likes", "trendingScore"]].clip(lower=0).corr()
    names = {"downloads": "downloads", "likes": "likes", "trending_score": "trendingScore"}
    rows = query(
        fixture_warehouse, "select metric_a, metric_b, pearson_r from marts.metric_correlations"
    )
    assert len(rows) == 3
    for a, b, r in rows:
        assert r == pytest.approx(corr.loc[names[a], names[b]]), (a, b)


def test_models_keeps_every_model(fixture_warehouse: Path, fixture_file: Path) -> None:
    recorded = json.loads(fixture_file.read_text())
    ((total, uncategorised, placeholders, placeholder_years),) = query(
        fixture_warehouse,
        """
        select count(*), count(*) filter (where category is null),
            count(*) filter (where is_created_at_placeholder),
            count(release_year) filter (where is_created_at_placeholder)
        from marts.models
        """,
    )
    assert total == len({o["id"] for o in recorded}) == 1000
    assert uncategorised == sum("pipeline_tag" not in o for o in recorded) == 206
    assert placeholders == 55 and placeholder_years == 0


def test_releases_by_year_sets_the_placeholder_apart(
    fixture_warehouse: Path, fixture_file: Path
) -> None:
    recorded = json.loads(fixture_file.read_text())
    expected: dict[str, int] = {}
    for obj in recorded:
        placeholder = obj["createdAt"].startswith("2022-03-02T23:29:0")
        key = "imported before 2022-03 (placeholder date)" if placeholder else obj["createdAt"][:4]
        expected[key] = expected.get(key, 0) + 1
    rows = query(
        fixture_warehouse, "select release_year_bucket, model_count from marts.releases_by_year"
    )
    assert dict(rows) == expected
    assert sum(expected.values()) == 1000


def test_every_categorised_model_has_a_modality(fixture_warehouse: Path) -> None:
    assert query(
        fixture_warehouse,
        """
        select count(*) from marts.models
        where category is not null and (modality is null or modality = 'unknown')
        """,
    ) == [(0,)]


def test_tags_are_parsed(fixture_warehouse: Path, fixture_file: Path) -> None:
    recorded = {o["id"]: o for o in json.loads(fixture_file.read_text())}
    model_id = "Tongyi-MAI/Z-Image-Turbo"
    ((license_, arxiv_ids, languages),) = query(
        fixture_warehouse,
        "select license, arxiv_ids, languages from marts.models where model_id = ?",
        [model_id],
    )
    assert license_ == "apache-2.0"
    assert arxiv_ids == [t[6:] for t in recorded[model_id]["tags"] if t.startswith("arxiv:")]
    assert languages == ["en"]
    ((tag_rows,),) = query(fixture_warehouse, "select count(*) from marts.model_tags")
    assert tag_rows == sum(len(set(o["tags"])) for o in recorded.values())


@pytest.mark.parametrize("shared", ["fixture_warehouse", "series"])
def test_release_year_ignores_the_machine_time_zone(
    shared: str, request: pytest.FixtureRequest, fixture_file: Path
) -> None:
    # The shared warehouses are built under Kiritimati (UTC+14) and Los Angeles (UTC-8)
    # (tests/conftest.py): a model created near New Year or late in the evening UTC would
    # change year under either if any step used local time.
    built = request.getfixturevalue(shared)
    database = getattr(built, "database", built)
    recorded = json.loads(fixture_file.read_text())
    served = {o["id"]: o["createdAt"] for o in [*recorded, *second_snapshot(recorded)]}
    first_seen = {o["id"]: "2025-12-01 21:00:00" for o in recorded}
    rows = query(
        database,
        """
        select model_id, created_at::varchar, release_year, first_seen_at::varchar
        from marts.models
        """,
    )
    assert len(rows) == (1000 if shared == "fixture_warehouse" else 1000 + NEW_MODELS)
    for model_id, created_at, release_year, first_seen_at in rows:
        text = served[model_id]
        assert created_at.replace(" ", "T")[:19] == text[:19]
        if not text.startswith("2022-03-02T23:29:0"):
            assert release_year == int(text[:4])
        assert first_seen_at == first_seen.get(model_id, "2025-12-08 21:00:00")


def test_dates_without_offset_are_utc_in_any_time_zone(tmp_path: Path) -> None:
    odd_dates = {
        "org/no-offset": ("2025-01-01T03:00:00", "2025-01-01 03:00:00", 2025),
        "org/date-only": ("2025-01-01", "2025-01-01 00:00:00", 2025),
        "org/offset": ("2025-01-01T03:00:00+05:00", "2024-12-31 22:00:00", 2024),
        "org/compact-offset": ("2024-12-31T23:30:00-0100", "2025-01-01 00:30:00", 2025),
    }
    path = tmp_path / "dates.json"
    path.write_text(json.dumps([{"id": k, "createdAt": v[0]} for k, v in odd_dates.items()]))
    database = tmp_path / "dates.duckdb"
    env = {"TZ": "Asia/Tokyo"}
    ingest(database, "--from-file", path, env=env)
    dbt_build(database, tmp_path, "--select", "+models", "--exclude", "test_type:data", env=env)
    rows = query(database, "select model_id, created_at::varchar, release_year from marts.models")
    assert {r[0]: (r[1], r[2]) for r in rows} == {k: v[1:] for k, v in odd_dates.items()}


def test_a_second_snapshot_updates_models_and_history(
    tmp_path: Path, fixture_file: Path, fixture_warehouse: Path
) -> None:
    recorded = json.loads(fixture_file.read_text())
    later = [dict(o, likes=o["likes"] + 10) for o in recorded[:600]]
    later.append({"id": "org/brand-new", "likes": 1, "downloads": 2, "tags": []})
    later_file = tmp_path / "later.json"
    later_file.write_text(json.dumps(later))
    # The first snapshot built is the shared fixture warehouse: a copy takes the next day.
    database = copy_warehouse(fixture_warehouse, tmp_path / "two")
    ingest(database, "--from-file", later_file, "--snapshot-at", "2025-12-08T21:00:00Z")
    dbt_build(database, tmp_path)
    ((models, seen_twice, snapshot_rows),) = query(
        database,
        """
        select
            (select count(*) from marts.models),
            (select count(*) from marts.models where snapshot_count = 2),
            (select count(*) from marts.model_snapshots)
        """,
    )
    assert (models, seen_twice, snapshot_rows) == (1001, 600, 1601)
    growth = query(
        database,
        "select distinct likes_change, days_between, likes_per_day from marts.model_growth",
    )
    assert growth == [(10, 7.0, pytest.approx(10 / 7))]
    first = recorded[0]["id"]
    assert query(
        database,
        "select likes, first_seen_at::varchar from marts.models where model_id = ?",
        [first],
    ) == [(recorded[0]["likes"] + 10, "2025-12-01 21:00:00")]
    assert not math.isnan(
        query(database, "select sum(share_of_models) from marts.category_trends")[0][0]
    )


def test_an_expand_snapshot_does_not_wipe_models(
    tmp_path: Path, fixture_file: Path, fixture_warehouse: Path
) -> None:
    """An `--expand` crawl lands objects with only id + the asked-for fields."""
    recorded = json.loads(fixture_file.read_text())
    # Built on the shared fixture warehouse's first snapshot, as the next day's build would.
    database = copy_warehouse(fixture_warehouse, tmp_path / "expand")
    expanded = [{"id": o["id"], "downloadsAllTime": o["downloads"] * 10} for o in recorded[:300]]
    # Land it as the crawl would record it: the request names the expanded field.
    path = tmp_path / "expanded.json"
    path.write_text(json.dumps(expanded))
    ingest(database, "--from-file", path, "--snapshot-at", "2025-12-08T21:00:00Z")
    with duckdb.connect(str(database)) as con:
        con.execute(
            """
            update raw.snapshots
            set request = json_object(
                'kind', 'api', 'params', json_object('expand', ['downloadsAllTime'])
            )
            where source = ?
            """,
            [str(path.resolve())],
        )
    dbt_build(database, tmp_path)
    ((categorised, growth_rows, snapshot_counts),) = query(
        database,
        """
        select
            (select count(category) from marts.models),
            (select count(*) from marts.model_growth),
            (select count(*) from marts.models where snapshot_count = 2)
        """,
    )
    assert categorised == sum("pipeline_tag" in o for o in recorded) == 794
    assert growth_rows == 0
    assert snapshot_counts == 300


def test_a_warehouse_file_named_with_a_quote_builds(tmp_path: Path, fixture_file: Path) -> None:
    # DuckDB names the catalog after the file; dbt-duckdb's own macros put that name into SQL
    # strings unescaped (macros/quoted_catalog.sql overrides them).
    database = tmp_path / "o'brien.duckdb"
    ingest(database, "--from-file", fixture_file, "--snapshot-at", FIXTURE_SNAPSHOT_AT)
    for _ in range(2):  # the second build takes the incremental path, which drops indexes
        dbt_build(database, tmp_path, "--exclude", "test_type:data")
    assert query(database, "select count(*) from marts.models") == [(1000,)]
    # The docs read the catalog through the same names.
    target = tmp_path / "target"
    docs = ["docs", "generate", "--project-dir", ".", "--profiles-dir", "."]
    run([BIN / "dbt", *docs, "--target-path", target, "--log-path", tmp_path / "logs"], database)
    catalog = json.loads((target / "catalog.json").read_text())
    assert "model.hf_trends.models" in catalog["nodes"]
