"""A daily run on top of a growing history: what `make bench-history` runs.

    python -m bench.history [--days 30] [--models 200k] [--repeat 3] [--keep 1]
        [--no-append] [--out BENCHMARKS.md]

Day k (1..``--days``) is ``bench.clone --drift k`` of ``--models`` models: the catalogue k days
on, with models added and deleted, counts changed and ``downloadsAllTime`` that only grows. Each
day is landed (``--snapshot-at`` one day apart), built (``dbt build``, as ``make build``) and its
raw payloads pruned to the newest ``--keep`` snapshots (``python -m ingest.prune``), as a daily
run does. Day 2 (the first build with a history to compare with), day 20 and the last day are
measured ``--repeat`` times, each from a copy of the warehouse taken before the day was landed.

Printed (and appended to BENCHMARKS.md): the build time of day 20 and of the last day against
day 2, where the time of each went (dbt's run_results.json, the slowest nodes), the warehouse
file after each day, and bytes per model per snapshot after pruning: the file's growth per
snapshot over the second half of the run, and the whole file over models x snapshots.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.measure import Result
from bench.run import (
    BUILD_ARGS,
    DATA,
    REPO,
    Work,
    copy_warehouse,
    dbt_cmd,
    git_commit,
    label,
    land_cmd,
    machine_line,
    must,
    parse_size,
    python_cmd,
    run_logged,
    table_sizes,
    warehouse_bytes,
)

TARGET_RATIO = 1.15
TARGET_BYTES = 120
FIRST_DAY = dt.datetime(2025, 12, 1, 21, tzinfo=dt.UTC)
SLOWEST_NODES = 8


@dataclass
class Day:
    number: int
    models: int
    land: list[Result] = field(default_factory=list)
    build: list[Result] = field(default_factory=list)
    nodes: dict[str, float] = field(default_factory=dict)  # node -> seconds, first run
    bytes_after: int = 0

    def build_wall(self) -> float:
        return statistics.median(r.wall_s for r in self.build)

    def build_cpu(self) -> float:
        return statistics.median(r.cpu_s for r in self.build)


def snapshot_at(day: int) -> str:
    return (FIRST_DAY + dt.timedelta(days=day - 1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def day_file(work: Work, models: int, day: int) -> Path:
    """Day `day` of the catalogue, written afresh (30 files of 200k models would be 3.5 GB)."""
    path = work.root / "day.json"
    cmd = python_cmd("-m", "bench.clone", "--models", models, "--drift", day, "--out", path)
    subprocess.run(cmd, cwd=REPO, check=True, stderr=subprocess.DEVNULL)
    return path


def count_models(path: Path) -> int:
    ids = set()
    with path.open("rb") as handle:
        for line in handle:
            if line.startswith(b"{"):
                ids.add(json.loads(line.rstrip(b",\n"))["id"])
    return len(ids)


def node_times(work: Work) -> dict[str, float]:
    results = json.loads((work.target / "run_results.json").read_text())
    return {r["unique_id"].split(".", 2)[-1]: r["execution_time"] for r in results["results"]}


def land_build_prune(work: Work, path: Path, day: int, keep: int) -> tuple[Result, Result]:
    land = must(run_logged(work, "land", land_cmd(path, snapshot_at(day))), "land", work)
    build = must(run_logged(work, "build", dbt_cmd(work, *BUILD_ARGS)), "dbt build", work)
    prune = python_cmd("-m", "ingest.prune", "--keep", keep)
    must(run_logged(work, "prune", prune), "prune", work)
    return land, build


def run_days(work: Work, models: int, days: int, repeat: int, keep: int) -> list[Day]:
    measured = {2, min(20, days), days}
    before = work.root / "before-day" / "hf_trends.duckdb"
    before.parent.mkdir(parents=True, exist_ok=True)
    results = []
    work.reset_warehouse()
    for number in range(1, days + 1):
        path = day_file(work, models, number)
        day = Day(number, count_models(path))
        print(f"  day {number}/{days}: {day.models:,} models", flush=True)
        if number in measured:
            copy_warehouse(work.warehouse, before)
        land, build = land_build_prune(work, path, number, keep)
        day.land.append(land)
        day.build.append(build)
        day.nodes = node_times(work)
        day.bytes_after = warehouse_bytes(work.warehouse)
        if number in measured:
            after = work.root / "after-day" / "hf_trends.duckdb"
            after.parent.mkdir(parents=True, exist_ok=True)
            copy_warehouse(work.warehouse, after)
            for i in range(1, repeat):
                print(f"    again ({i + 1}/{repeat})", flush=True)
                copy_warehouse(before, work.warehouse)
                land, build = land_build_prune(work, path, number, keep)
                day.land.append(land)
                day.build.append(build)
            copy_warehouse(after, work.warehouse)
        results.append(day)
    return results


# --------------------------------------------------------------------------- the report


def ratio_line(days: list[Day], number: int) -> str:
    base = days[1].build_wall()
    day = days[number - 1]
    value = day.build_wall() / base
    verdict = "met" if value <= TARGET_RATIO else "**not met**"
    return (
        f"- Day {number} build: {day.build_wall():.1f} s against day 2's {base:.1f} s: "
        f"{value:.2f}x (CPU {day.build_cpu():.1f} s against {days[1].build_cpu():.1f} s: "
        f"{day.build_cpu() / days[1].build_cpu():.2f}x; target ≤ {TARGET_RATIO}x: {verdict})."
    )


def bytes_lines(days: list[Day], compacted: int, keep: int) -> list[str]:
    """Two figures: what each snapshot adds (the cost of history) and the whole file averaged
    over the days so far, which also carries the current catalogue's tables (`models`,
    `model_tags`, the newest raw payloads, ...) once, whatever the length of history."""
    last = days[-1]
    half = days[len(days) // 2 - 1]
    per_day = (last.bytes_after - half.bytes_after) / (last.number - half.number) / last.models
    whole = last.bytes_after / last.models / last.number
    packed = compacted / last.models / last.number
    fixed = last.bytes_after / last.models - per_day * last.number
    lines = [
        f"- Bytes per model per snapshot, raw payloads pruned to the newest {keep}: each "
        f"snapshot adds {per_day:,.0f} B per model (growth from day {half.number} to day "
        f"{last.number}; target ≤ {TARGET_BYTES} B: "
        f"{'met' if per_day <= TARGET_BYTES else '**not met**'}).",
        f"- The whole file is {whole:,.0f} B per model per snapshot after {last.number} days "
        f"({packed:,.0f} B compacted: `python -m ingest.prune --compact`; target ≤ "
        f"{TARGET_BYTES} B: {'met' if whole <= TARGET_BYTES else '**not met**'}): it holds "
        f"{fixed:,.0f} B per model that does not grow with history.",
    ]
    if whole > TARGET_BYTES > per_day:
        lines.append(
            f"  At this growth the whole file falls under {TARGET_BYTES} B per model per "
            f"snapshot from day {fixed / (TARGET_BYTES - per_day):.0f}."
        )
    return lines


def node_table(days: list[Day]) -> list[str]:
    first, last = days[1], days[-1]
    slowest = sorted(last.nodes, key=lambda n: -last.nodes[n])[:SLOWEST_NODES]
    lines = [
        f"| node (slowest on day {last.number}) | day 2 | day {last.number} |",
        "|---|---:|---:|",
    ]
    for name in slowest:
        lines.append(f"| {name} | {first.nodes.get(name, 0):.2f} s | {last.nodes[name]:.2f} s |")
    lines.append(
        f"| all {len(last.nodes)} nodes | {sum(first.nodes.values()):.1f} s "
        f"| {sum(last.nodes.values()):.1f} s |"
    )
    return lines


def report(
    args: argparse.Namespace,
    days: list[Day],
    tables: list[tuple[str, int, int]],
    compacted: int,
    started: dt.datetime,
    elapsed: float,
    commit: str,
) -> str:
    lines = [
        f"### {started:%Y-%m-%d %H:%M} UTC · commit {commit} · `python -m bench.history "
        f"--days {args.days} --models {label(args.models)} --repeat {args.repeat} "
        f"--keep {args.keep}`",
        "",
        f"Machine: {machine_line()}. The run took {elapsed / 60:.0f} min. Builds of days 2, "
        f"{min(20, args.days)} and {args.days}: medians of {args.repeat} runs from the same "
        "warehouse; other days one run.",
        "",
    ]
    for number in sorted({min(20, args.days), args.days}):
        lines.append(ratio_line(days, number))
    lines += [*bytes_lines(days, compacted, args.keep), ""]
    lines += ["| day | models | land | dbt build | runs (build) | file after prune |"]
    lines += ["|---:|---:|---:|---:|---|---:|"]
    for day in days:
        runs = ", ".join(f"{r.wall_s:.1f}" for r in day.build)
        lines.append(
            f"| {day.number} | {day.models:,} | {day.land[0].wall_s:.1f} s "
            f"| {day.build_wall():.1f} s | {runs} | {day.bytes_after / 1e6:,.1f} MB |"
        )
    lines += ["", "Where the build's time went (dbt's run_results.json, first run):", ""]
    lines += node_table(days)
    lines += ["", f"Tables after day {args.days}:", ""]
    lines += ["| table | rows | size | bytes/row |", "|---|---:|---:|---:|"]
    for name, rows, size in tables:
        if size:
            lines.append(
                f"| {name} | {rows:,} | {size / 1e6:,.1f} MB | {size / max(rows, 1):,.1f} |"
            )
    return "\n".join(lines) + "\n"


def compacted_bytes(work: Work) -> int:
    copy = work.root / "compacted" / "hf_trends.duckdb"
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy_warehouse(work.warehouse, copy)
    cmd = python_cmd("-m", "ingest.prune", "--keep", 1, "--compact", "--database", copy)
    must(run_logged(work, "compact", cmd), "compact", work)
    return warehouse_bytes(copy)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.history",
        description="Land, build and prune N daily snapshots of a drifting catalogue; print the "
        "build time of days 20 and N against day 2 and the bytes per model per snapshot.",
    )
    parser.add_argument("--days", type=int, default=30, help="daily snapshots (default 30)")
    parser.add_argument(
        "--models", type=parse_size, default=parse_size("200k"), help="models on day 0 (200k)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of days 2, 20 and N (3)")
    parser.add_argument(
        "--keep", type=int, default=1, help="snapshots that keep raw payloads (default 1)"
    )
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--no-append", action="store_true", help="print only")
    parser.add_argument("--work-dir", type=Path, default=DATA / "history")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.days < 2 or args.repeat < 1 or args.keep < 1:
        parser.error("--days must be at least 2, --repeat and --keep at least 1")
    started = dt.datetime.now(dt.UTC)
    commit = git_commit()
    clock = time.monotonic()
    work = Work(args.work_dir.resolve())
    if work.root.exists():
        shutil.rmtree(work.root)
    work.root.mkdir(parents=True)
    work.copy_project()
    work.reset_warehouse()
    must(run_logged(work, "dbt parse", dbt_cmd(work, "parse")), "dbt parse", work)
    print(f"{args.days} days of {label(args.models)} models", flush=True)
    days = run_days(work, args.models, args.days, args.repeat, args.keep)
    tables = table_sizes(work.warehouse)
    compacted = compacted_bytes(work)
    text = report(args, days, tables, compacted, started, time.monotonic() - clock, commit)
    print("\n" + text)
    if not args.no_append:
        with args.out.open("a") as out:
            out.write("\n" + text)
        print(f"appended to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
