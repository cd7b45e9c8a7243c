"""bench.clone: real-shaped responses of any size, cloned from the recorded one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.clone import main as clone


def write(tmp_path: Path, models: int, *extra: str) -> list[dict]:
    out = tmp_path / f"clone_{models}_{'_'.join(extra)}.json"
    clone(["--models", str(models), "--out", str(out), *extra])
    return json.loads(out.read_text())


def test_clones_keep_the_recorded_shape(fixture_file: Path, tmp_path: Path) -> None:
    recorded = json.loads(fixture_file.read_text())
    objects = write(tmp_path, 3000)
    models = {o["id"]: o for o in objects}
    assert len(models) == 3000
    assert len(objects) == 3001  # one object in 2,000 is served twice, as a shifting crawl does
    assert len({o["_id"] for o in models.values()}) == 3000
    # Tag lists, absent keys and key order are the recorded ones, copy after copy.
    for i, model in enumerate(models.values()):
        source = recorded[i % len(recorded)]
        assert model["tags"] == source["tags"]
        assert list(model) == list(source)
    tags = sum(len(o["tags"]) for o in models.values()) / len(models)
    recorded_tags = sum(len(o["tags"]) for o in recorded) / len(recorded)
    assert tags == recorded_tags
    without_pipeline = sum("pipeline_tag" not in o for o in models.values()) / len(models)
    assert 0.15 < without_pipeline < 0.25


def test_the_output_is_deterministic_and_prefix_stable(tmp_path: Path) -> None:
    small = write(tmp_path, 1500)
    (tmp_path / "again").mkdir()
    again = write(tmp_path / "again", 1500)
    larger = write(tmp_path, 2500)
    assert small == again
    assert larger[: len(small)] == small


@pytest.mark.slow
def test_drift_grows_counts_and_keeps_everything_else(tmp_path: Path) -> None:
    day0 = {o["id"]: o for o in write(tmp_path, 20000)}
    day1 = {o["id"]: o for o in write(tmp_path, 20000, "--drift", "1")}
    day7 = {o["id"]: o for o in write(tmp_path, 20000, "--drift", "7")}
    kept = day0.keys() & day7.keys()
    # Models are deleted (and stay deleted) and added day by day.
    assert 0 < len(day0.keys() - day7.keys()) < 0.01 * len(day0)
    assert day0.keys() - day1.keys() <= day0.keys() - day7.keys()
    assert len(day7.keys() - day0.keys()) == int(20000 * 0.003 * 7)
    assert day1.keys() - day0.keys() <= day7.keys() - day0.keys()
    assert all(day7[i]["downloads"] >= day0[i]["downloads"] for i in kept)
    assert sum(day7[i]["downloads"] for i in kept) > sum(day0[i]["downloads"] for i in kept)
    assert all(day7[i]["tags"] == day0[i]["tags"] for i in kept)
    assert all(day7[i]["createdAt"] == day0[i]["createdAt"] for i in kept)
    # downloadsAllTime is served with the drift only, and never falls.
    assert not any("downloadsAllTime" in o for o in day0.values())
    with_counts = [i for i in day1.keys() & day7.keys() if "downloads" in day1[i]]
    assert with_counts and all("downloadsAllTime" in day7[i] for i in with_counts)
    assert all(day7[i]["downloadsAllTime"] >= day1[i]["downloadsAllTime"] for i in with_counts)
    assert sum(day7[i]["downloadsAllTime"] - day1[i]["downloadsAllTime"] for i in with_counts) > 0
