"""Tests of the benchmark data generator (bench.generate) and the seed baseline (bench.seed_pandas).

Small on purpose (5k models) so the whole module runs in a few seconds.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from bench import generate, seed_pandas
from bench.measure import measure

N = 5_000
REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO.parent / "shared" / "data" / "hf_models_2025-12-01.json"
KEY_ORDER = (
    "_id",
    "id",
    "likes",
    "trendingScore",
    "private",
    "downloads",
    "tags",
    "pipeline_tag",
    "library_name",
    "createdAt",
    "modelId",
)
OPTIONAL_KEYS = {"pipeline_tag", "library_name"}
PLACEHOLDERS = {"2022-03-02T23:29:04.000Z", "2022-03-02T23:29:05.000Z"}


def _generate(path: Path, *extra: str, models: int = N) -> Path:
    assert generate.main(["--models", str(models), "--out", str(path), *extra]) == 0
    return path


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def array_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate(tmp_path_factory.mktemp("gen") / "models.json")


@pytest.fixture(scope="module")
def models(array_file: Path) -> list[dict]:
    with array_file.open() as f:
        return json.load(f)


def test_output_is_a_json_array_of_model_objects(array_file: Path, models: list[dict]) -> None:
    assert array_file.read_text().startswith("[")
    assert isinstance(models, list)
    # --models counts distinct models; a few are written twice
    assert N <= len(models) < N * 1.01
    assert len({m["id"] for m in models}) == N


def test_same_arguments_give_identical_bytes(array_file: Path, tmp_path: Path) -> None:
    again = _generate(tmp_path / "again.json")
    assert _sha256(again) == _sha256(array_file)
    other_seed = _generate(tmp_path / "seed1.json", "--seed", "1")
    assert _sha256(other_seed) != _sha256(array_file)


def test_several_chunks_join_into_one_valid_deterministic_array(tmp_path: Path) -> None:
    models = generate.CHUNK + 500
    first = _generate(tmp_path / "a.json", models=models)
    second = _generate(tmp_path / "b.json", models=models)
    assert _sha256(first) == _sha256(second)
    objects = json.loads(first.read_text())
    assert len({m["id"] for m in objects}) == models


def test_objects_look_like_the_api(models: list[dict]) -> None:
    for m in models:
        assert re.fullmatch(r"[0-9a-f]{24}", m["_id"])
        assert m["modelId"] == m["id"]
        assert m["id"].count("/") == 1
        assert m["private"] is False
        assert isinstance(m["downloads"], int) and m["downloads"] >= 0
        assert isinstance(m["likes"], int) and m["likes"] >= 0
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z", m["createdAt"])
        assert m["createdAt"] <= "2025-12-01T23:59:59.000Z"
        assert all(isinstance(t, str) and t for t in m["tags"])
        if "pipeline_tag" in m:
            assert m["pipeline_tag"] in m["tags"]
    median_tags = statistics.median(len(m["tags"]) for m in models)
    assert 5 <= median_tags <= 20


def test_key_order_matches_the_api(models: list[dict]) -> None:
    for m in models:
        assert tuple(m) == tuple(k for k in KEY_ORDER if k in m)
        assert set(KEY_ORDER) - set(m) <= OPTIONAL_KEYS


@pytest.mark.skipif(not FIXTURE.exists(), reason="needs ../shared/data")
def test_key_order_matches_the_recorded_response(models: list[dict]) -> None:
    recorded = json.loads(FIXTURE.read_text())
    full_recorded = next(tuple(m) for m in recorded if set(m) >= OPTIONAL_KEYS)
    full_generated = next(tuple(m) for m in models if set(m) >= OPTIONAL_KEYS)
    assert full_generated == full_recorded


def test_absent_keys_are_absent_not_null(models: list[dict]) -> None:
    no_pipeline = sum("pipeline_tag" not in m for m in models) / len(models)
    no_library = sum("library_name" not in m for m in models) / len(models)
    assert 0.17 <= no_pipeline <= 0.23
    assert 0.22 <= no_library <= 0.28
    assert all(m.get(k, "") is not None for m in models for k in OPTIONAL_KEYS)


def test_placeholder_created_at_present(models: list[dict]) -> None:
    placeholders = [m for m in models if m["createdAt"] in PLACEHOLDERS]
    assert 0.015 <= len(placeholders) / len(models) <= 0.045
    # the ObjectId's leading 4 bytes are the creation second, placeholder included
    assert all(m["_id"].startswith(("621ffdc0", "621ffdc1")) for m in placeholders)


def test_created_at_grows_towards_the_snapshot(models: list[dict]) -> None:
    years = Counter(m["createdAt"][:4] for m in models if m["createdAt"] not in PLACEHOLDERS)
    assert years["2025"] > years["2024"] > years["2023"] > 0


def test_exact_duplicates_present(models: list[dict]) -> None:
    by_id: dict[str, list[dict]] = {}
    for m in models:
        by_id.setdefault(m["id"], []).append(m)
    repeated = [objs for objs in by_id.values() if len(objs) > 1]
    assert repeated
    assert all(objs[0] == other for objs in repeated for other in objs[1:])


def test_popularity_is_heavy_tailed(models: list[dict]) -> None:
    downloads = [m["downloads"] for m in models]
    likes = [m["likes"] for m in models]
    trending = [m["trendingScore"] for m in models]
    assert statistics.median(downloads) * 20 < statistics.mean(downloads)
    assert max(downloads) > 100_000
    assert sum(d == 0 for d in downloads) / len(downloads) > 0.3
    assert statistics.median(likes) == 0
    assert sum(t == 0 for t in trending) / len(trending) > 0.9


def test_pipeline_mix_is_full_hub_like(models: list[dict]) -> None:
    pipelines = Counter(m["pipeline_tag"] for m in models if "pipeline_tag" in m)
    assert pipelines.most_common(1)[0][0] == "text-generation"
    assert len(pipelines) >= 25
    assert pipelines["text-classification"] > pipelines["image-text-to-text"]


def test_ndjson_has_one_object_per_line(models: list[dict], tmp_path: Path) -> None:
    path = _generate(tmp_path / "models.ndjson", "--format", "ndjson")
    lines = path.read_text().splitlines()
    assert [json.loads(line) for line in lines] == models


def test_more_models_extend_fewer(models: list[dict], tmp_path: Path) -> None:
    small = json.loads(_generate(tmp_path / "small.json", models=1000).read_text())
    first_ids = list(dict.fromkeys(m["id"] for m in models))[:1000]
    assert list(dict.fromkeys(m["id"] for m in small)) == first_ids


def test_drift_grows_counts_of_the_same_catalogue(models: list[dict], tmp_path: Path) -> None:
    later = json.loads(_generate(tmp_path / "later.json", "--drift", "7").read_text())
    before = {m["id"]: m for m in models}
    after = {m["id"]: m for m in later}
    assert before.keys() == after.keys()
    for model_id, old in before.items():
        new = after[model_id]
        assert new["downloads"] >= old["downloads"]
        assert new["likes"] >= old["likes"]
        for key in ("_id", "tags", "createdAt", "pipeline_tag", "library_name"):
            assert new.get(key) == old.get(key)
    assert sum(m["downloads"] for m in later) > sum(m["downloads"] for m in models)


def test_seed_pandas_drops_rows(array_file: Path, models: list[dict], tmp_path: Path) -> None:
    out = tmp_path / "clean.csv"
    rows = seed_pandas.clean(array_file, out)
    with out.open(newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        body = list(reader)
    assert header == [
        "modelId",
        "category",
        "createdAt",
        "downloads",
        "likes",
        "trendingScore",
        "year",
    ]
    assert len(body) == rows
    assert 0 < rows < len(models)
    assert rows == len({m["id"] for m in models if "pipeline_tag" in m})


def test_cli_help_and_measure(tmp_path: Path) -> None:
    for module in ("bench.generate", "bench.seed_pandas", "bench.measure"):
        done = subprocess.run(
            [sys.executable, "-m", module, "--help"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
        assert "usage" in done.stdout
    result = measure(
        [
            sys.executable,
            "-m",
            "bench.generate",
            "--models",
            "100",
            "--out",
            str(tmp_path / "m.json"),
        ],
        cwd=REPO,
    )
    assert result.returncode == 0
    assert 5 < result.peak_rss_mb < 2000


def test_measure_reports_the_childs_wall_time_cpu_and_exit_code() -> None:
    # Bounds that load cannot break: a child that sleeps 0.3 s takes at least that long, and
    # no longer than the clock around measure() says; sleeping costs it next to no CPU.
    child = "import sys, time; time.sleep(0.3); sys.exit(3)"
    outer_start = time.perf_counter()
    result = measure([sys.executable, "-c", child])
    outer = time.perf_counter() - outer_start
    assert 0.3 <= result.wall_s <= outer
    assert 0 < result.cpu_s < result.wall_s
    assert result.returncode == 3
