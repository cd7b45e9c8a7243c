"""Odd objects reach the marts without breaking the build, and dbt warns about each oddity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import dbt_build, ingest, query

# A dbt build of crafted data.
pytestmark = pytest.mark.slow

ODD_OBJECTS = [
    {"id": "org/negative", "downloads": -5, "likes": 3, "createdAt": "2025-01-01T00:00:00.000Z"},
    {
        "id": "org/absurd",
        "downloads": 1e20,
        "likes": "many",
        "createdAt": "not a date",
        "tags": "en",
    },
    {
        "id": "org/undated",
        "downloads": 10,
        "likes": 2_000_000_000,
        "pipeline_tag": "brand-new-task",
    },
    {"id": "org/float", "downloads": 7.0, "likes": 1, "trendingScore": 3.4000000000000004},
    {
        "id": "org/émoji-🤗-עברית",
        "downloads": 1,
        "createdAt": "2024-06-01T12:00:00Z",
        "new": {"x": 1},
    },
    {"_id": "no-id-at-all", "downloads": 99},
]


def test_anomalies_are_warned_not_hidden(tmp_path: Path) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(ODD_OBJECTS, ensure_ascii=False))
    database = tmp_path / "odd.duckdb"
    ingest(database, "--from-file", path)
    build = dbt_build(database, tmp_path)
    assert "ERROR=0" in build.stdout

    results = json.loads((tmp_path / "target" / "run_results.json").read_text())
    warned = {
        r["unique_id"].split(".")[2]: r["failures"]
        for r in results["results"]
        if r["status"] == "warn"
    }
    assert warned == {
        "warn_negative_metrics_clipped": 1,
        "warn_unparsable_created_at": 1,
        "warn_missing_created_at": 2,
        "warn_unreadable_metrics": 1,
        "warn_malformed_tags": 1,
        "warn_implausible_likes": 1,
        "not_unknown_categories_modality": 1,
    }

    models = dict(query(database, "select model_id, downloads from marts.models"))
    assert models == {
        "org/negative": 0,
        "org/absurd": None,
        "org/undated": 10,
        "org/float": 7,
        "org/émoji-🤗-עברית": 1,
    }
    assert query(database, "select count(*) from raw.hf_models_rejected") == [(1,)]
