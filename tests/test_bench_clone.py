"""bench.clone: real-shaped responses of any size, cloned from the recorded one."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from bench.archive_files import HEAVY_TYPES, Catalogue, cloned, write_archive
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
    # Tag lists but their base_model tags (bench.lineage draws those), absent keys and key
    # order are the recorded ones, copy after copy.
    for i, model in enumerate(models.values()):
        source = recorded[i % len(recorded)]
        assert not_lineage(model["tags"]) == not_lineage(source["tags"])
        assert list(model) == list(source)
    tags = sum(len(o["tags"]) for o in models.values()) / len(models)
    recorded_tags = sum(len(o["tags"]) for o in recorded) / len(recorded)
    assert 0.95 * recorded_tags < tags < 1.05 * recorded_tags
    without_pipeline = sum("pipeline_tag" not in o for o in models.values()) / len(models)
    assert 0.15 < without_pipeline < 0.25


def not_lineage(tags: list[str]) -> list[str]:
    return [t for t in tags if not t.startswith("base_model:")]


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


def test_lineage_is_shaped_like_the_hubs(tmp_path: Path) -> None:
    models = {o["id"]: o for o in write(tmp_path, 120_000)}
    plain: dict[str, list[str]] = {}
    relations: dict[str, set[str]] = {}
    for model_id, model in models.items():
        for tag in model["tags"]:
            if tag.startswith("base_model:"):
                parts = tag.split(":", 2)
                if len(parts) == 2:
                    plain.setdefault(model_id, []).append(parts[1])
                else:
                    relations.setdefault(model_id, set()).add(parts[1])
                    assert f"base_model:{parts[2]}" in model["tags"]  # both forms, together
    # 28% of models name bases; each names one relation for all of its bases.
    assert 0.26 < len(plain) / len(models) < 0.30
    assert relations.keys() == plain.keys() and all(len(r) == 1 for r in relations.values())
    mix = Counter(next(iter(r)) for r in relations.values())
    for relation, share in (("adapter", 0.43), ("finetune", 0.36), ("quantized", 0.19)):
        assert abs(mix[relation] / len(plain) - share) < 0.02
    merges = [m for m, r in relations.items() if r == {"merge"}]
    assert merges and all(2 <= len(plain[m]) <= 4 for m in merges)
    assert all(len(plain[m]) == 1 for m in plain.keys() - set(merges))
    # Bases are other clones but a few percent never observed, and one of each planted cycle.
    named = [b for bases in plain.values() for b in bases]
    unobserved = sum(b not in models for b in named) / len(named)
    assert 0.01 < unobserved < 0.04
    self_references = [m for m, bases in plain.items() if m in bases]
    assert len(self_references) == 1

    def depth(model_id: str) -> int:
        steps = 0
        while len(plain.get(model_id, ())) == 1 and steps <= len(models):
            model_id, steps = plain[model_id][0], steps + 1
        return steps

    depths = Counter(min(depth(m), 99) for m in models)
    assert depths[99] == 2 + 3 + 1  # the members of the 2-cycle, the 3-ring and the self-loop
    assert 6 <= max(d for d in depths if d < 99) <= 12
    assert depths[1] > depths[2] > depths[3] > depths[4] > 0


@pytest.mark.parametrize("drift", [0, 7, 357])
def test_a_catalogue_writes_each_days_file_as_cloning_it_again_would(
    fixture_file: Path, tmp_path: Path, drift: int
) -> None:
    """make bench-backfill makes a year of weekly files from one Catalogue: its kept columns
    must be, row for row, what write_archive writes from bench.clone --drift (listed models,
    repeats, grown metrics, downloadsAllTime only after day 0, row groups)."""
    models = 4_500  # four recorded copies and more: scaled metrics, shifted dates, repeats
    catalogue = Catalogue(fixture_file, models, 357)
    catalogue.write(drift, tmp_path / "fast.parquet")
    write_archive(cloned(fixture_file, models, 0, drift), tmp_path / "slow.parquet", seed=drift)
    fast, slow = pq.read_table(tmp_path / "fast.parquet"), pq.read_table(tmp_path / "slow.parquet")
    kept = [name for name in slow.column_names if name not in HEAVY_TYPES]
    assert fast.schema == slow.schema
    assert ("downloadsAllTime" in kept) == (drift > 0)
    assert fast.num_rows == slow.num_rows > models // 2
    for name in kept:
        assert fast.column(name).equals(slow.column(name)), name
