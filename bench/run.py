"""Benchmark the warehouse against the seed notebook's pandas steps: what `make bench` runs.

    python -m bench.run [--sizes 10k,100k,1M] [--history 6] [--history-size 1M] [--repeat 3]
        [--quick] [--no-append] [--out BENCHMARKS.md]

For each size, on one generated file (``bench/data/gen_<N>.json``, made by ``bench.generate``
when missing) and in one run, ``--repeat`` times, alternating which side goes first:

* land: ``python -m ingest --from-file FILE`` into a fresh warehouse;
* build: ``dbt build`` (every model, seed and test);
* no-change build: ``dbt build`` again with nothing new landed (dbt's own overhead and the
  rebuild of the non-incremental tables);
* plots: ``python -m plots --out DIR`` ("n/a" while the package is missing or fails);
* pandas: the seed's steps 3-7 (``bench.seed_pandas``) on the same file.

Then the daily run against history: snapshots 1..``--history`` of one catalogue
(``bench.generate --drift K``, one day apart) are landed and built one after another; the first
and the last are each measured ``--repeat`` times (the first from an empty warehouse, the last
from a copy of the warehouse holding the others).

Each command is a fresh process measured by ``bench.measure`` (wall time, peak RSS, CPU). The
peak memory of a pipeline of separate commands is the largest peak of its commands, since they
never run at once. Figures are medians. The warehouse always lives at the same path and dbt
always uses the same ``--target-path``: dbt's partial parsing keys on the profile (the path
included), so this is what lets every build after the first reuse ``partial_parse.msgpack``.
dbt reads a copy of the project taken when the run starts, immune to edits made meanwhile.

The results are printed and appended to BENCHMARKS.md with the date, git commit and machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from bench.measure import Result, machine_info, measure

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "bench" / "data"
FIXED_SNAPSHOT_AT = "2025-12-01T21:00:00Z"
# What dbt reads of the project. The run builds a copy taken when it starts, so that edits made
# meanwhile in the checkout neither break a run half-way nor make its builds re-parse.
DBT_PROJECT = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests", "analyses")
# The targets of the issues, checked in the summary.
TARGET_SPEEDUP = 1.0
TARGET_MEMORY_SHARE = 0.5
TARGET_LINEAR = {2_000_000: 2.1, 3_000_000: 3.2, 5_000_000: 5.5}
# The family-tree models (model_lineage and everything built from it, tests included) against
# the whole build's wall time.
TARGET_LINEAGE_SHARE = 0.15
LINEAGE_ROOT = "model.hf_trends.model_lineage"
TARGET_HISTORY = 1.3
TARGET_PEAK_MB = 2048
TARGET_CRAWL_MEMORY = 1.2
# What `make build` runs: unit tests check the SQL's logic in development and CI (make test),
# not the data, so the production build leaves them out, as dbt advises.
BUILD_ARGS = ("build", "--exclude-resource-type", "unit_test")
CRAWL_PAGE_SIZE = 1000
SUFFIXES = {"k": 1_000, "m": 1_000_000}


def parse_size(text: str) -> int:
    """`10k`, `1M`, `2.5M` or a plain number of models."""
    text = text.strip().lower().replace("_", "")
    try:
        scale = SUFFIXES.get(text[-1:], 1)
        value = float(text[:-1] if scale > 1 else text) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 10k or 1M") from None
    if value < 1 or value != int(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of models")
    return int(value)


def parse_sizes(text: str) -> list[int]:
    return [parse_size(part) for part in text.split(",") if part.strip()]


def label(models: int) -> str:
    for suffix, scale in (("M", 1_000_000), ("k", 1_000)):
        if models >= scale and models % (scale // 10) == 0:
            return f"{models / scale:g}{suffix}"
    return str(models)


@dataclass
class Work:
    """Where one benchmark run keeps its warehouse, dbt state and outputs, and its input files."""

    root: Path
    data: Path = DATA
    dbt_runs: int = 0

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "hf_trends.duckdb"

    @property
    def project(self) -> Path:
        return self.root / "project"

    @property
    def target(self) -> Path:
        return self.root / "target"

    @property
    def log(self) -> Path:
        return self.root / "commands.log"

    def env(self) -> dict[str, str]:
        return {**os.environ, "HF_TRENDS_DB": str(self.warehouse)}

    def next_log_dir(self) -> Path:
        # One log folder per dbt command: dbt rotates a shared dbt.log at 10 MB and drops the
        # oldest, and each command's log must survive to say whether it re-parsed the project.
        self.dbt_runs += 1
        return self.root / "logs" / f"{self.dbt_runs:03d}"

    def copy_project(self) -> None:
        skip = shutil.ignore_patterns("__pycache__", "*.py", "*.pyc")
        for name in DBT_PROJECT:
            source = REPO / name
            if source.is_dir():
                shutil.copytree(source, self.project / name, ignore=skip)
            elif source.exists():
                self.project.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, self.project / name)

    def reset_warehouse(self) -> None:
        for path in warehouse_files(self.warehouse):
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
        self.warehouse.parent.mkdir(parents=True, exist_ok=True)


def warehouse_files(path: Path) -> list[Path]:
    return [path, Path(f"{path}.wal"), Path(f"{path}.tmp")]


def copy_warehouse(source: Path, target: Path) -> None:
    for src, dst in zip(warehouse_files(source), warehouse_files(target), strict=True):
        if dst.exists():
            shutil.rmtree(dst) if dst.is_dir() else dst.unlink()
        if src.is_file():
            shutil.copyfile(src, dst)


# --------------------------------------------------------------------------- the commands


def python_cmd(*args: str | Path) -> list[str]:
    return [sys.executable, *(str(a) for a in args)]


def dbt_cmd(work: Work, *args: str) -> list[str]:
    dbt = Path(sys.executable).parent / "dbt"
    return [
        str(dbt),
        *args,
        "--project-dir",
        str(work.project),
        "--profiles-dir",
        str(work.project),
        "--target-path",
        str(work.target),
        "--log-path",
        str(work.next_log_dir()),
        "--quiet",
    ]


def land_cmd(path: Path, snapshot_at: str) -> list[str]:
    return python_cmd("-m", "ingest", "--from-file", path, "--snapshot-at", snapshot_at, "-q")


def crawl_cmd(endpoint: str) -> list[str]:
    return python_cmd(
        "-m", "ingest", "--endpoint", endpoint, "--all", "--page-size", CRAWL_PAGE_SIZE, "-q"
    )


@contextmanager
def replay_hub(path: Path) -> Iterator[str]:
    """Serve `path` at /api/models on a free loopback port, with the Hub's cursor paging."""
    cmd = python_cmd("-m", "tests.replay_hub", "--data", path, "--port", "0")
    hub = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert hub.stdout is not None
        line = hub.stdout.readline().strip()
        if not line.startswith("listening on "):
            raise SystemExit(f"the replay hub did not start on {path}: {line!r}")
        yield line.removeprefix("listening on ")
    finally:
        hub.terminate()
        hub.wait()


def run_logged(work: Work, name: str, cmd: Sequence[str]) -> Result:
    """Measure `cmd`; its output goes to the run's log, so the report stays readable."""
    with work.log.open("a") as log:
        log.write(f"\n$ {name}: {' '.join(cmd)}\n")
    # exec: the shell only sets up the redirection, so the measured process is `cmd` itself.
    wrapped = ["sh", "-c", f'exec "$0" "$@" >>"{work.log}" 2>&1', *cmd]
    return measure(wrapped, env=work.env(), cwd=REPO)


def must(result: Result, name: str, work: Work) -> Result:
    if result.returncode != 0:
        raise SystemExit(f"{name} failed (exit {result.returncode}); see {work.log}")
    return result


def plots_available() -> bool:
    try:
        return importlib.util.find_spec("plots.__main__") is not None
    except ImportError:
        return False


# --------------------------------------------------------------------------- the figures


@dataclass
class Series:
    """Repeated measurements of one step; None marks a run where the step was not available."""

    runs: list[Result | None] = field(default_factory=list)

    def ok(self) -> list[Result]:
        return [r for r in self.runs if r is not None and r.returncode == 0]

    def wall(self) -> float | None:
        ok = self.ok()
        return statistics.median(r.wall_s for r in ok) if ok else None

    def cpu(self) -> float | None:
        ok = self.ok()
        return statistics.median(r.cpu_s for r in ok) if ok else None

    def rss(self) -> float | None:
        ok = self.ok()
        return statistics.median(r.peak_rss_mb for r in ok) if ok else None


@dataclass
class SizeResult:
    models: int
    objects: int
    file_mb: float
    steps: dict[str, Series] = field(default_factory=dict)
    # land + build, summed run by run before taking the median
    pipeline_wall: list[float] = field(default_factory=list)
    pipeline_rss: list[float] = field(default_factory=list)
    raw_bytes: int = 0
    built_bytes: int = 0
    # per build: seconds dbt spent in the family-tree nodes (run_results.json)
    lineage_s: list[float] = field(default_factory=list)

    def step(self, name: str) -> Series:
        return self.steps.setdefault(name, Series())


@dataclass
class HistoryResult:
    models: int
    snapshots: int
    first: list[float] = field(default_factory=list)
    last: list[float] = field(default_factory=list)
    first_steps: dict[str, Series] = field(default_factory=dict)
    last_steps: dict[str, Series] = field(default_factory=dict)
    sizes: list[int] = field(default_factory=list)  # warehouse bytes after each snapshot
    tables: list[tuple[str, int, int]] = field(default_factory=list)  # name, rows, bytes


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def fmt_s(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} s"


def fmt_mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} MB"


def fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def warehouse_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in warehouse_files(path) if p.is_file())


def table_sizes(path: Path) -> list[tuple[str, int, int]]:
    """(table, rows, bytes) for every table, bytes counted as whole storage blocks."""
    with duckdb.connect(str(path), read_only=True) as con:
        (block_size,) = con.execute(
            "select block_size from pragma_database_size() where database_name = current_database()"
        ).fetchone()
        tables = con.execute(
            "select schema_name, table_name, estimated_size from duckdb_tables() "
            "where database_name = current_database() and not temporary order by all"
        ).fetchall()
        sizes = []
        for schema, table, rows in tables:
            # A zstd segment spills over into further blocks, listed apart.
            (blocks,) = con.execute(
                """
                select count(*) from (
                    select block_id from pragma_storage_info($1) where block_id >= 0
                    union
                    select unnest(additional_block_ids) from pragma_storage_info($1)
                )
                """,
                [f"{schema}.{table}"],
            ).fetchone()
            sizes.append((f"{schema}.{table}", rows, blocks * block_size))
    return sorted(sizes, key=lambda t: -t[2])


# --------------------------------------------------------------------------- the data


# `real`: bench.clone copies the recorded response's objects (its tags, absent keys and string
# lengths); `synthetic`: bench.generate draws every field (half the real tags per model).
SHAPES = {"real": ("real", "clone"), "synthetic": ("gen", "generate")}


def data_file(work: Work, models: int, drift: int = 0, shape: str = "real") -> Path:
    """The response for `models` (and `drift` days later); made once, then reused."""
    prefix, module = SHAPES[shape]
    name = f"{prefix}_{models}.json" if drift == 0 else f"{prefix}_{models}_d{drift}.json"
    path = work.data / name
    # The clone draws its family trees in bench.lineage: a change there is a new file too.
    generators = [REPO / "bench" / f"{module}.py", REPO / "bench" / "lineage.py"]
    if path.exists() and path.stat().st_mtime >= max(g.stat().st_mtime for g in generators):
        return path
    work.data.mkdir(parents=True, exist_ok=True)
    print(f"generating {path} ...", flush=True)
    partial = path.with_suffix(".partial")
    cmd = python_cmd("-m", f"bench.{module}", "--models", models, "--out", partial)
    if drift:
        cmd += ["--drift", str(drift)]
    subprocess.run(cmd, cwd=REPO, check=True, stderr=subprocess.DEVNULL)
    partial.replace(path)
    return path


def count_objects(path: Path) -> int:
    # The generator writes one object per line; a few models appear twice.
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.startswith(b"{"))


# --------------------------------------------------------------------------- the runs


def lineage_seconds(target: Path) -> float:
    """Seconds the last dbt command spent in model_lineage and every node built from it."""
    children = json.loads((target / "manifest.json").read_text())["child_map"]
    lineage, todo = set(), [LINEAGE_ROOT]
    while todo:
        node = todo.pop()
        if node not in lineage:
            lineage.add(node)
            todo += children.get(node, [])
    results = json.loads((target / "run_results.json").read_text())["results"]
    return sum(r["execution_time"] for r in results if r["unique_id"] in lineage)


def bench_size(
    work: Work,
    models: int,
    repeat: int,
    with_plots: bool,
    shape: str,
    crawl: bool,
    land_build_only: bool = False,
) -> SizeResult:
    path = data_file(work, models, shape=shape)
    result = SizeResult(models, count_objects(path), path.stat().st_size / 1e6)
    if land_build_only:
        for i in range(repeat):
            print(f"  {label(models)} land + build {i + 1}/{repeat}", flush=True)
            work.reset_warehouse()
            record_land_build(work, result, land_and_build(work, path, FIXED_SNAPSHOT_AT))
        return result
    if crawl:
        # The server holds the whole file in memory: it runs only while the crawls do.
        with replay_hub(path) as endpoint:
            for i in range(repeat):
                print(f"  {label(models)} crawl {i + 1}/{repeat}", flush=True)
                work.reset_warehouse()
                crawled = run_logged(work, "crawl", crawl_cmd(endpoint))
                result.step("crawl").runs.append(must(crawled, "crawl", work))
    for i in range(repeat):
        print(f"  {label(models)} run {i + 1}/{repeat}", flush=True)
        # Alternate the order so neither side always gets the warmer page cache.
        if i % 2:
            result.step("pandas").runs.append(run_pandas(work, path))
        work.reset_warehouse()
        record_land_build(work, result, land_and_build(work, path, FIXED_SNAPSHOT_AT))
        rebuild = run_logged(work, "no-change build", dbt_cmd(work, *BUILD_ARGS))
        result.step("no-change build").runs.append(must(rebuild, "no-change build", work))
        plots = None
        if with_plots:
            cmd = python_cmd("-m", "plots", "--out", work.root / "plots")
            plots = run_logged(work, "plots", cmd)
        result.step("plots").runs.append(plots)
        if not i % 2:
            result.step("pandas").runs.append(run_pandas(work, path))
    result.raw_bytes = raw_bytes(work, path)
    return result


def record_land_build(work: Work, result: SizeResult, runs: tuple[Result, Result]) -> None:
    land, build = runs
    result.step("land").runs.append(land)
    result.step("build").runs.append(build)
    result.pipeline_wall.append(land.wall_s + build.wall_s)
    result.pipeline_rss.append(max(land.peak_rss_mb, build.peak_rss_mb))
    result.built_bytes = warehouse_bytes(work.warehouse)
    result.lineage_s.append(lineage_seconds(work.target))


def land_and_build(work: Work, path: Path, snapshot_at: str) -> tuple[Result, Result]:
    """Land one file into the current warehouse and build it."""
    land = must(run_logged(work, "land", land_cmd(path, snapshot_at)), "land", work)
    build = must(run_logged(work, "build", dbt_cmd(work, *BUILD_ARGS)), "dbt build", work)
    return land, build


def raw_bytes(work: Work, path: Path) -> int:
    """Size of a warehouse holding only the landed raw layer, for bytes per model."""
    work.reset_warehouse()
    must(run_logged(work, "land", land_cmd(path, FIXED_SNAPSHOT_AT)), "land", work)
    return warehouse_bytes(work.warehouse)


def run_pandas(work: Work, path: Path) -> Result:
    out = work.root / "seed_pandas.csv"
    cmd = python_cmd("-m", "bench.seed_pandas", path, "--out", out)
    return must(run_logged(work, "pandas", cmd), "pandas", work)


def fresh(work: Work, action: Callable[[], tuple[Result, Result]]) -> tuple[Result, Result]:
    work.reset_warehouse()
    return action()


def bench_history(
    work: Work, models: int, snapshots: int, repeat: int, shape: str
) -> HistoryResult:
    files = [data_file(work, models, drift, shape) for drift in range(1, snapshots + 1)]
    days = [f"2025-12-{1 + k:02d}T21:00:00Z" for k in range(snapshots)]
    result = HistoryResult(models, snapshots)
    before_last = work.root / "history-before-last" / "hf_trends.duckdb"
    before_last.parent.mkdir(parents=True, exist_ok=True)

    def record(steps: dict[str, Series], totals: list[float], runs: tuple[Result, Result]) -> None:
        steps.setdefault("land", Series()).runs.append(runs[0])
        steps.setdefault("build", Series()).runs.append(runs[1])
        totals.append(runs[0].wall_s + runs[1].wall_s)

    work.reset_warehouse()
    for k, (path, day) in enumerate(zip(files, days, strict=True), start=1):
        print(f"  history: snapshot {k}/{snapshots}", flush=True)
        if k == snapshots:
            copy_warehouse(work.warehouse, before_last)
        runs = land_and_build(work, path, day)
        if k == 1:
            record(result.first_steps, result.first, runs)
        if k == snapshots:
            record(result.last_steps, result.last, runs)
        result.sizes.append(warehouse_bytes(work.warehouse))
    result.tables = table_sizes(work.warehouse)
    for i in range(1, repeat):
        print(f"  history: first and last again ({i + 1}/{repeat})", flush=True)
        record(
            result.first_steps,
            result.first,
            fresh(work, lambda: land_and_build(work, files[0], days[0])),
        )
        copy_warehouse(before_last, work.warehouse)
        record(result.last_steps, result.last, land_and_build(work, files[-1], days[-1]))
    return result


# --------------------------------------------------------------------------- the report


def parse_counts(work: Work) -> tuple[int, int]:
    """(full parses, partial-parse reuses) dbt logged over the run."""
    full = partial = 0
    for log in sorted((work.root / "logs").glob("*/dbt.log*")):
        text = log.read_text(errors="replace")
        full += text.count("Unable to do partial parsing")
        partial += text.count("Partial parsing enabled")
    return full, partial


def git_commit() -> str:
    def git(*args: str) -> str:
        run = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return run.stdout.strip() if run.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return f"{commit} + uncommitted changes" if git("status", "--porcelain") else commit


def machine_line() -> str:
    info = machine_info()
    memory = info["mem_total_mb"]
    memory_text = f"{float(memory) / 1024:.1f} GB" if isinstance(memory, int | float) else "?"
    cpu = info["cpu_model"] or platform.machine()
    return (
        f"{info['cpu_count']} cores ({cpu}), {memory_text} RAM, {info['platform']}, "
        f"Python {info['python']}, DuckDB {duckdb.__version__}"
    )


def size_table(results: list[SizeResult]) -> list[str]:
    lines = [
        "| models | file | crawl | crawl peak | land | dbt build | land + build "
        "| peak (max of the two) | no-change build | plots | pandas 3-7 | pandas peak "
        "| speed-up vs pandas | memory vs pandas |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        pipeline = median(r.pipeline_wall)
        peak = median(r.pipeline_rss)
        pandas = r.step("pandas")
        lines.append(
            f"| {label(r.models)} | {r.file_mb:,.0f} MB "
            f"| {fmt_s(r.step('crawl').wall())} | {fmt_mb(r.step('crawl').rss())} "
            f"| {fmt_s(r.step('land').wall())} | {fmt_s(r.step('build').wall())} "
            f"| {fmt_s(pipeline)} | {fmt_mb(peak)} "
            f"| {fmt_s(r.step('no-change build').wall())} | {fmt_s(r.step('plots').wall())} "
            f"| {fmt_s(pandas.wall())} | {fmt_mb(pandas.rss())} "
            f"| {fmt_ratio(ratio(pandas.wall(), pipeline))} "
            f"| {fmt_ratio(ratio(peak, pandas.rss()))} |"
        )
    return lines


def detail_table(results: list[SizeResult]) -> list[str]:
    lines = [
        "| models | step | wall (median) | CPU (median) | peak RSS (median) | runs (wall) |",
        "|---:|---|---:|---:|---:|---|",
    ]
    for r in results:
        for name, series in r.steps.items():
            if not series.runs:
                continue  # a step this run left out (--land-build-only)
            runs = ", ".join(
                "n/a" if x is None else f"{x.wall_s:.1f}" if x.returncode == 0 else "failed"
                for x in series.runs
            )
            lines.append(
                f"| {label(r.models)} | {name} | {fmt_s(series.wall())} | {fmt_s(series.cpu())} "
                f"| {fmt_mb(series.rss())} | {runs} |"
            )
    return lines


def storage_lines(results: list[SizeResult]) -> list[str]:
    lines = []
    for r in results:
        if not r.raw_bytes:
            continue
        lines.append(
            f"- {label(r.models)}: raw layer alone {r.raw_bytes / 1e6:,.0f} MB "
            f"({r.raw_bytes / r.models:,.0f} B/model, the JSON file is "
            f"{r.file_mb * 1e6 / r.models:,.0f} B/model); whole warehouse after build "
            f"{r.built_bytes / 1e6:,.0f} MB ({r.built_bytes / r.models:,.0f} B/model)."
        )
    return lines


def history_lines(h: HistoryResult) -> list[str]:
    first, last = median(h.first), median(h.last)
    lines = [
        f"Snapshots 1..{h.snapshots} of {label(h.models)} models (`--drift 1..{h.snapshots}`, "
        "one day apart), each landed and built on top of the previous ones.",
        "",
        "| snapshot | land | dbt build | land + build | runs (land + build) |",
        "|---:|---:|---:|---:|---|",
    ]
    for name, steps, totals in (("1st", h.first_steps, h.first), ("last", h.last_steps, h.last)):
        number = "1" if name == "1st" else str(h.snapshots)
        lines.append(
            f"| {number} | {fmt_s(steps['land'].wall())} | {fmt_s(steps['build'].wall())} "
            f"| {fmt_s(median(totals))} | {', '.join(f'{t:.1f}' for t in totals)} |"
        )
    lines += [
        "",
        f"Snapshot {h.snapshots} costs {fmt_ratio(ratio(last, first))} of snapshot 1 "
        f"(target ≤ {TARGET_HISTORY}x).",
        "",
        "Warehouse size after each snapshot: "
        + ", ".join(f"{b / 1e6:,.0f} MB" for b in h.sizes)
        + ".",
    ]
    if len(h.sizes) >= 2:
        growth = (h.sizes[-1] - h.sizes[0]) / (len(h.sizes) - 1)
        lines.append(
            f"Growth per snapshot (mean of the last {len(h.sizes) - 1}): {growth / 1e6:,.0f} MB, "
            f"{growth / h.models:,.0f} B per model per snapshot."
        )
    lines += ["", "| table | rows | size | bytes/row |", "|---|---:|---:|---:|"]
    for name, rows, size in h.tables:
        if size:
            lines.append(
                f"| {name} | {rows:,} | {size / 1e6:,.1f} MB | {size / max(rows, 1):,.1f} |"
            )
    return lines


def verdict_lines(results: list[SizeResult], history: HistoryResult | None) -> list[str]:
    by_size = {r.models: r for r in results}
    lines = []
    for r in results:
        pandas = r.step("pandas")
        speedup = ratio(pandas.wall(), median(r.pipeline_wall))
        memory = ratio(median(r.pipeline_rss), pandas.rss())
        lines.append(
            f"- {label(r.models)}: land + build is {fmt_ratio(speedup)} as fast as pandas "
            f"(target ≥ {TARGET_SPEEDUP:g}x: {check(speedup, TARGET_SPEEDUP, higher=True)}); "
            f"peak memory {fmt_ratio(memory)} of pandas' "
            f"(target ≤ {TARGET_MEMORY_SHARE:g}x: {check(memory, TARGET_MEMORY_SHARE)})."
        )
    for r in results:
        build = r.step("build").wall()
        lineage = median(r.lineage_s)
        if build and lineage is not None:
            share = lineage / build
            lines.append(
                f"- {label(r.models)}: the family-tree nodes (model_lineage and all built from "
                f"it) take {fmt_s(lineage)} of the {fmt_s(build)} build, {share:.0%} "
                f"(target ≤ {TARGET_LINEAGE_SHARE:.0%}: {check(share, TARGET_LINEAGE_SHARE)})."
            )
    one = by_size.get(1_000_000)
    for models, target in TARGET_LINEAR.items():
        if one and models in by_size:
            growth = ratio(median(by_size[models].pipeline_wall), median(one.pipeline_wall))
            lines.append(
                f"- {label(models)} land + build costs {fmt_ratio(growth)} of 1M "
                f"(target ≤ {target}x: {check(growth, target)})."
            )
    for r in results:
        # Our commands only: pandas is the baseline, not part of the warehouse.
        peaks = [s.rss() for n, s in r.steps.items() if n != "pandas" and s.rss() is not None]
        if peaks:
            lines.append(
                f"- {label(r.models)}: the largest peak of any command is "
                f"{fmt_mb(max(peaks))} (target ≤ {TARGET_PEAK_MB:,} MB: "
                f"{check(max(peaks), TARGET_PEAK_MB)})."
            )
        crawl = r.step("crawl").rss()
        if one and r.models > one.models and crawl is not None:
            share = ratio(crawl, one.step("crawl").rss())
            lines.append(
                f"- {label(r.models)} crawl peak memory is {fmt_ratio(share)} of 1M's "
                f"(target ≤ {TARGET_CRAWL_MEMORY}x: {check(share, TARGET_CRAWL_MEMORY)})."
            )
    if history:
        growth = ratio(median(history.last), median(history.first))
        lines.append(
            f"- Snapshot {history.snapshots} costs {fmt_ratio(growth)} of snapshot 1 "
            f"(target ≤ {TARGET_HISTORY}x: {check(growth, TARGET_HISTORY)})."
        )
    return lines


def check(value: float | None, target: float, higher: bool = False) -> str:
    if value is None:
        return "not measured"
    met = value >= target if higher else value <= target
    return "met" if met else "**not met**"


def report(
    results: list[SizeResult],
    history: HistoryResult | None,
    args: argparse.Namespace,
    started: dt.datetime,
    elapsed: float,
    parses: tuple[int, int] = (0, 0),
    commit: str | None = None,
) -> str:
    sizes = ",".join(label(r.models) for r in results)
    heading = (
        f"### {started:%Y-%m-%d %H:%M} UTC · commit {commit or git_commit()} · "
        f"`python -m bench.run --sizes {sizes or '-'} --history {args.history} "
        f"--history-size {label(args.history_size)} --repeat {args.repeat} "
        f"--shape {args.shape}{' --no-crawl' if args.no_crawl else ''}"
        f"{' --land-build-only' if args.land_build_only else ''}`"
        + (" (quick)" if args.quick else "")
    )
    lines = [
        heading,
        "",
        f"Machine: {machine_line()}. Medians of {args.repeat} run(s); the run took "
        f"{elapsed / 60:.0f} min. Peak memory of land + build is the larger of the two "
        "commands' peaks (they run one after the other). dbt parsed the whole project "
        f"{parses[0]} time(s) (the unmeasured `dbt parse` first) and reused "
        f"`partial_parse.msgpack` {parses[1]} time(s).",
        "",
    ]
    if results:
        lines += [*size_table(results), "", *verdict_lines(results, history), ""]
        lines += ["Every step:", "", *detail_table(results), ""]
        storage = storage_lines(results)
        if storage:  # --land-build-only measures no storage
            lines += ["Storage:", "", *storage, ""]
    elif history:
        lines += [*verdict_lines(results, history), ""]
    if history:
        lines += [*history_lines(history), ""]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=(
            "Measure landing, dbt build, a no-change build and the plots against the seed's "
            "pandas steps on generated /api/models files, and the daily run on top of history; "
            "print the figures and append them to BENCHMARKS.md."
        ),
    )
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=None,
        metavar="LIST",
        help="comma-separated model counts, e.g. 10k,100k,1M,2M (default 10k,100k,1M; "
        "with --quick 10k,100k); empty to skip",
    )
    parser.add_argument(
        "--history",
        type=int,
        default=None,
        metavar="K",
        help="snapshots in the history series, 0 to skip (default 6; with --quick 3)",
    )
    parser.add_argument(
        "--history-size",
        type=parse_size,
        default=None,
        metavar="N",
        help="models per snapshot in the history series (default 1M; with --quick 100k)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        metavar="N",
        help="runs per measurement, medians reported (default 3; with --quick 1)",
    )
    parser.add_argument(
        "--shape",
        choices=sorted(SHAPES),
        default="real",
        help="real: clones of the recorded response's objects (bench.clone, default); "
        "synthetic: drawn from hand-written distributions (bench.generate)",
    )
    parser.add_argument(
        "--no-crawl",
        action="store_true",
        help="skip the crawl of each size through the replay hub (tests.replay_hub)",
    )
    parser.add_argument(
        "--land-build-only",
        action="store_true",
        help="per size, only land + build (no crawl, no-change build, plots, pandas or "
        "raw-layer size): the memory and time of the daily build at sizes pandas cannot hold",
    )
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: smaller defaults, not appended"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO / "BENCHMARKS.md",
        help="file the results are appended to (default: BENCHMARKS.md)",
    )
    append = parser.add_mutually_exclusive_group()
    append.add_argument("--no-append", action="store_true", help="print only")
    append.add_argument("--append", action="store_true", help="append even with --quick")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DATA,
        help="where generated files are kept and reused (default: bench/data)",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=DATA / "run",
        help="scratch directory for the warehouse, dbt target and logs (default: bench/data/run)",
    )
    return parser


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    quick = args.quick
    if args.sizes is None:
        args.sizes = parse_sizes("10k,100k" if quick else "10k,100k,1M")
    if args.history is None:
        args.history = 3 if quick else 6
    if args.history_size is None:
        args.history_size = parse_size("100k" if quick else "1M")
    if args.repeat is None:
        args.repeat = 1 if quick else 3
    if args.repeat < 1 or args.history < 0 or args.history == 1:
        parser.error("--repeat must be at least 1 and --history 0 or at least 2")
    args.append_results = not args.no_append and (args.append or not quick)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = dt.datetime.now(dt.UTC)
    # What is measured is the code as the run starts: commits made meanwhile do not count.
    commit = git_commit()
    clock = time.monotonic()
    work = Work(args.work_dir.resolve(), args.data_dir.resolve())
    if work.root.exists():
        shutil.rmtree(work.root)
    work.root.mkdir(parents=True)
    work.copy_project()
    with_plots = plots_available()
    if not with_plots:
        print("python -m plots is not importable: plots recorded as n/a", flush=True)
    # One full parse up front; every measured build then starts from partial_parse.msgpack.
    work.reset_warehouse()
    must(run_logged(work, "dbt parse", dbt_cmd(work, "parse")), "dbt parse", work)

    results = []
    for models in args.sizes:
        print(f"{label(models)} models", flush=True)
        results.append(
            bench_size(
                work,
                models,
                args.repeat,
                with_plots,
                args.shape,
                not args.no_crawl,
                args.land_build_only,
            )
        )
    history = None
    if args.history:
        print(f"history: {args.history} snapshots of {label(args.history_size)}", flush=True)
        history = bench_history(work, args.history_size, args.history, args.repeat, args.shape)

    elapsed = time.monotonic() - clock
    text = report(results, history, args, started, elapsed, parse_counts(work), commit)
    print("\n" + text)
    if args.append_results:
        with args.out.open("a") as out:
            out.write("\n" + text)
        print(f"appended to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
