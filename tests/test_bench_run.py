"""The benchmark driver (bench.run): sizes, medians, the report, and one tiny end-to-end run."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench import run
from bench.measure import Result
from tests.conftest import REPO


@pytest.mark.parametrize(
    ("text", "models", "shown"),
    [
        ("10k", 10_000, "10k"),
        ("1M", 1_000_000, "1M"),
        ("2.5m", 2_500_000, "2.5M"),
        ("750", 750, "750"),
    ],
)
def test_sizes_read_and_print_alike(text: str, models: int, shown: str) -> None:
    assert run.parse_size(text) == models
    assert run.label(models) == shown


@pytest.mark.parametrize("text", ["", "ten", "1.5", "0"])
def test_bad_sizes_are_usage_errors(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        run.parse_size(text)


def test_quick_defaults_and_no_append() -> None:
    args = run.parse_args(["--quick"])
    assert (args.sizes, args.history, args.history_size, args.repeat) == (
        [10_000, 100_000],
        3,
        100_000,
        1,
    )
    assert not args.append_results
    full = run.parse_args([])
    assert (full.sizes, full.history, full.history_size, full.repeat) == (
        [10_000, 100_000, 1_000_000],
        6,
        1_000_000,
        3,
    )
    assert full.append_results


def result(wall: float, rss: float, returncode: int = 0) -> Result:
    return Result(wall_s=wall, peak_rss_mb=rss, returncode=returncode, cpu_s=wall)


def test_medians_skip_missing_and_failed_runs() -> None:
    series = run.Series([result(3, 10), None, result(1, 30), result(99, 99, returncode=1)])
    assert series.wall() == 2
    assert series.rss() == 20
    assert run.Series([None]).wall() is None


def test_report_states_ratios_against_the_targets() -> None:
    size = run.SizeResult(models=1_000_000, objects=1_000_482, file_mb=508)
    for step, wall, rss in (("land", 9, 900), ("build", 41, 950), ("pandas", 20, 2000)):
        size.step(step).runs.append(result(wall, rss))
    size.step("plots").runs.append(None)
    size.pipeline_wall, size.pipeline_rss = [50.0], [950.0]
    size.raw_bytes, size.built_bytes = 100_000_000, 400_000_000
    history = run.HistoryResult(models=1_000_000, snapshots=6, first=[50.0], last=[60.0])
    for steps in (history.first_steps, history.last_steps):
        steps["land"] = run.Series([result(9, 900)])
        steps["build"] = run.Series([result(45, 950)])
    history.sizes = [400_000_000, 600_000_000]
    size.step("crawl").runs.append(result(30, 500))
    bigger = run.SizeResult(models=3_000_000, objects=3_001_500, file_mb=1700)
    bigger.step("crawl").runs.append(result(90, 560))
    bigger.step("build").runs.append(result(120, 2100))
    bigger.pipeline_wall = [150.0]
    bigger.lineage_s = [30.0, 10.0, 20.0]
    args = run.parse_args(["--repeat", "1"])
    text = run.report([size, bigger], history, args, run.dt.datetime(2026, 1, 1), 60.0)
    assert "| 1M | 508 MB | 30.0 s | 500 MB | 9.0 s | 41.0 s | 50.0 s | 950 MB |" in text
    assert "land + build is 0.40x as fast as pandas (target ≥ 1x: **not met**)" in text
    assert "3M land + build costs 3.00x of 1M (target ≤ 3.2x: met)" in text
    assert "3M crawl peak memory is 1.12x of 1M's (target ≤ 1.2x: met)" in text
    assert "3M: the largest peak of any command is 2,100 MB (target ≤ 2,048 MB: **not" in text
    assert "peak memory 0.47x of pandas' (target ≤ 0.5x: met)" in text
    assert "Snapshot 6 costs 1.20x of snapshot 1 (target ≤ 1.3x: met)" in text
    assert "| 1M | plots | n/a |" in text
    assert "100 B/model" in text
    assert (
        "3M: the family-tree nodes (model_lineage and all built from it) take 20.0 s of the "
        "120.0 s build, 17% (target ≤ 15%: **not met**)"
    ) in text


def test_help_describes_the_run() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bench.run", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "--sizes" in out and "BENCHMARKS.md" in out


@pytest.mark.slow
def test_a_tiny_run_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--sizes",
            "500",
            "--history",
            "2",
            "--history-size",
            "500",
            "--repeat",
            "1",
            "--append",
            "--out",
            str(out),
            "--work-dir",
            str(tmp_path / "work"),
            "--data-dir",
            str(tmp_path / "data"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    text = out.read_text()
    assert "| 500 |" in text and "Snapshot 2 costs" in text
    assert "peak memory" in text


@pytest.mark.slow
def test_land_build_only_times_the_family_tree_nodes(tmp_path: Path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    args = ["--sizes", "500", "--history", "0", "--repeat", "1", "--land-build-only"]
    paths = ["--out", out, "--work-dir", tmp_path / "work", "--data-dir", tmp_path / "data"]
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", *args, "--append", *map(str, paths)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    text = out.read_text()
    share = re.search(r"family-tree nodes .* take ([\d.]+) s of the ([\d.]+) s build", text)
    assert share and 0 < float(share[1]) < float(share[2])
    steps = {line.split("|")[2].strip() for line in text.splitlines() if line.startswith("| 500 |")}
    assert {"land", "build"} <= steps and not steps & {"pandas", "plots", "crawl"}
