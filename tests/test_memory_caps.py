"""The warehouse at Hub scale under a user-set memory cap ($HF_TRENDS_MEMORY_LIMIT).

Scaled down so the suite stays fast: a page of many-tag models (the Hub's largest objects) is
crawled, and a snapshot of them built, under caps small enough that the earlier code failed
them (format detection on pages, list aggregates in the tag summary).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.conftest import RealShaped, crawl, dbt_build, ingest, query, run
from tests.replay_hub import ReplayHub

SNAPSHOT_AT = "2025-12-01T21:00:00Z"


@pytest.fixture(scope="module")
def many_tag_models(fixture_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """500 copies of the recorded response's model with the most tags (4,046): ~14 MB."""
    models = json.loads(fixture_file.read_text())
    biggest = max(models, key=lambda model: len(model["tags"]))
    assert len(biggest["tags"]) > 4000
    copies = [
        dict(biggest, id=f"{biggest['id']}-{i}", modelId=f"{biggest['id']}-{i}") for i in range(500)
    ]
    path = tmp_path_factory.mktemp("many-tags") / "models.json"
    path.write_text(json.dumps(copies))
    return path


@pytest.mark.scale
def test_a_page_of_many_tag_models_lands_under_a_small_cap(
    many_tag_models: Path, tmp_path: Path
) -> None:
    # One 14 MB page: read with JSON format detection it needed more than 160 MB, and the
    # crawl stopped at that page on every rerun (at 2M real-shaped models: a 21 MB page under
    # the crawl's former fixed 256 MB).
    database = tmp_path / "w.duckdb"
    with ReplayHub(many_tag_models) as hub:
        result = crawl(
            database,
            hub,
            "--all",
            "--page-size",
            "1000",
            env={"HF_TRENDS_MEMORY_LIMIT": "160MB"},
            check=False,
        )
    assert result.returncode == 0, result.stderr
    assert query(database, "select count(*) from raw.hf_models") == [(500,)]


@pytest.mark.scale
def test_out_of_memory_names_the_page_and_the_cap(many_tag_models: Path, tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    with ReplayHub(many_tag_models) as hub:
        result = crawl(
            database,
            hub,
            "--all",
            "--page-size",
            "100",
            env={"HF_TRENDS_MEMORY_LIMIT": "24MB"},
            check=False,
        )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "page 1 " in lines[0]
    assert "out of memory under HF_TRENDS_MEMORY_LIMIT=24MB" in lines[0]
    assert "HF_TRENDS_MEMORY_LIMIT=4GB" in lines[0]


def test_an_unreadable_cap_is_a_usage_error(fixture_file: Path, tmp_path: Path) -> None:
    result = ingest(
        tmp_path / "w.duckdb",
        "--from-file",
        fixture_file,
        env={"HF_TRENDS_MEMORY_LIMIT": "lots"},
        check=False,
    )
    assert result.returncode == 2
    assert "HF_TRENDS_MEMORY_LIMIT='lots'" in result.stderr


@pytest.mark.scale
def test_a_real_shaped_snapshot_builds_under_a_small_cap(real_shaped_100k: RealShaped) -> None:
    # The scale model of a 2M-model build under 600 MB: at 96 MB the tag summary's list
    # aggregates (which cannot spill) ran out of memory here, as they did there. The shared
    # build (tests/conftest.py) runs under REAL_SHAPED_CAP.
    result = real_shaped_100k.build
    assert result.returncode == 0, result.stdout[-3000:]
    database = real_shaped_100k.database
    models, tags, languages = query(
        database,
        """
        select
            (select count(*) from marts.models),
            (select count(*) from marts.model_tags),
            (select count(*) from marts.model_tags where tag_type = 'language'),
        """,
    )[0]
    assert models == 100_000
    served = {model["id"]: model for model in json.loads(real_shaped_100k.served.read_text())}
    assert tags == sum(len({tag for tag in model["tags"] if tag}) for model in served.values())
    (listed,) = query(database, "select sum(len(languages)) from marts.models")[0]
    assert listed == languages


@pytest.mark.slow
def test_a_build_out_of_memory_is_said_in_one_line(fixture_file: Path, tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    ingest(database, "--from-file", fixture_file, "--snapshot-at", SNAPSHOT_AT)
    cap = {"HF_TRENDS_MEMORY_LIMIT": "2MB"}
    built = dbt_build(database, tmp_path, env=cap, check=False)
    assert built.returncode != 0
    explained = run(
        [sys.executable, "-m", "hf_common.build_failures", tmp_path / "target/run_results.json"],
        env=cap,
        check=False,
    )
    assert explained.returncode == 1
    lines = explained.stderr.strip().splitlines()
    assert len(lines) == 1, explained.stderr
    assert "ran out of memory under HF_TRENDS_MEMORY_LIMIT=2MB" in lines[0]
    assert "make build HF_TRENDS_MEMORY_LIMIT=4GB" in lines[0]
    # Nothing landed is lost.
    assert query(database, "select count(*) from raw.hf_models") == [(1000,)]
