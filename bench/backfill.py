"""A year of weekly Hub archives, fetched, landed and built: what `make bench-backfill` runs.

    python -m bench.backfill [--files 52] [--models 1M] [--batch 4]
        [--check-files 3] [--check-models 10k] [--single-models 3M] [--no-append]

1. ``--files`` weekly archive files of ``--models`` real-shaped models (``bench.archive_files``:
   ``bench.clone --drift 7k`` in hub-stats typing, cardData/siblings/config holding ~85% of the
   bytes as in the real files) are served by ``tests.archive_hub`` (the Hub's dataset endpoints,
   the file itself from a storage origin answering ranges) and backfilled into an empty
   warehouse by ``python -m ingest.backfill --batch N``. Measured: wall time of the whole run
   (listing, range reads, landing, every batch's build and prune), the peak RSS of its largest
   process, the warehouse folder's size sampled every second against the finished one, and the
   bytes storage served per file against the file's size. Making the files is not timed (they
   are reused from bench/data/ when there).
2. ``--check-files`` weekly files of ``--check-models`` models are backfilled in batches of two
   and, as JSON of the same objects, landed one by one with ``--from-file --snapshot-at`` and
   built; every history mart must be equal row for row (but the columns naming the file or run).
3. One ``--single-models`` file lands (``python -m ingest --from-parquet``) against the same
   snapshot as JSON (``--from-file``), each into an empty warehouse.

Printed, and appended to BENCHMARKS.md, with the machine's load average at start and end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import shutil
import statistics
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from bench.archive_files import Catalogue, cloned, write_archive
from bench.clone import RECORDED
from bench.measure import Result, measure
from bench.run import DATA, REPO, git_commit, label, machine_line, parse_size
from tests.archive_hub import ArchiveHub

FIRST_WEEK = dt.date(2024, 7, 24)  # the weekly archive's first folder
TARGET_MINUTES = 30
TARGET_PEAK_MB = 2048
TARGET_DISK_RATIO = 2.0
TARGET_FETCHED = 0.25
TARGET_SINGLE_RATIO = 2.0
# Columns of the history marts that name the file or the run a row came from.
PROVENANCE = frozenset(
    {
        "snapshot_id",
        "previous_snapshot_id",
        "last_snapshot_id",
        "loaded_at",
        "previous_loaded_at",
        "appended_at",
    }
)
# Every table that reads history (tests/test_history.py checks the same ones).
HISTORY_RELATIONS = (
    "marts.model_snapshots",
    "marts.model_growth",
    "marts.category_trends",
    "marts.models",
    "intermediate.int_models_deduplicated",
    "history.model_observation_history",
    "history.model_attribute_versions",
    "marts.growth_summary",
    "marts.category_share_change",
)


def week(number: int) -> dt.date:
    return FIRST_WEEK + dt.timedelta(weeks=number)


def archive_folder(models: int, files: int) -> Path:
    """The repo's files for `files` weeks of `models` models, made once and then reused.

    Made in a child process: a Catalogue of 1M models holds ~6 GB, and Linux carries a
    parent's RSS high-water mark into the children it starts, so the backfill measured after
    it would report the parent's peak as its own (6,329 MB in the first 52-week run).
    """
    folder = DATA / "backfill" / f"archive-{label(models)}"
    paths = [folder / "models" / week(n).isoformat() / "models.parquet" for n in range(files)]
    missing = [(n, path) for n, path in enumerate(paths) if not path.is_file()]
    if missing:
        child = multiprocessing.get_context("spawn").Process(
            target=make_weeks, args=(models, files, missing)
        )
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit(f"making the archive files failed (exit {child.exitcode})")
    return folder


def make_weeks(models: int, files: int, missing: list[tuple[int, Path]]) -> None:
    started = time.monotonic()
    catalogue = Catalogue(RECORDED, models, 7 * (files - 1))
    print(
        f"cloned {label(models)} models and those added by week {files - 1} in "
        f"{time.monotonic() - started:.0f} s",
        flush=True,
    )
    for number, path in missing:
        started = time.monotonic()
        partial = path.with_suffix(".partial")
        catalogue.write(7 * number, partial)
        partial.replace(path)
        print(f"made {path} in {time.monotonic() - started:.0f} s", flush=True)


def history_rows(database: Path) -> dict[str, list[tuple]]:
    """Every history relation's rows, in order, without the provenance columns."""
    rows = {}
    with duckdb.connect(str(database), read_only=True) as con:
        for relation in HISTORY_RELATIONS:
            schema, table = relation.split(".")
            columns = [
                name
                for (name,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [schema, table],
                ).fetchall()
                if name not in PROVENANCE
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            fetched = con.execute(f"select {listed} from {relation} order by all").fetchall()
            rows[relation] = [tuple(map(comparable, row)) for row in fetched]
    return rows


def comparable(value: object) -> object:
    """A float to 12 significant digits: sums over a category differ in the last bits with
    the order DuckDB's threads add them in, whichever way the snapshots were landed."""
    return float(f"{value:.12g}") if isinstance(value, float) else value


def folder_bytes(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        try:
            if path.is_file():
                total += path.stat().st_size
        except FileNotFoundError:
            continue  # DuckDB's spill files come and go
    return total


@contextmanager
def disk_sampler(folder: Path, every_s: float = 1.0) -> Iterator[list[int]]:
    """Sample `folder`'s size every second while the block runs; yields the samples."""
    samples: list[int] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            samples.append(folder_bytes(folder))
            stop.wait(every_s)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield samples
    finally:
        stop.set()
        thread.join()
        samples.append(folder_bytes(folder))


@dataclass
class Run:
    files: int
    models: int
    result: Result
    warehouse_mb: float
    peak_disk_mb: float
    fetched: list[float]  # bytes served / file size, per file
    snapshots: int


def backfill_env(work: Path, endpoint: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    return {
        **env,
        "HF_ENDPOINT": endpoint,
        "HF_TOKEN": "",
        "HF_TRENDS_DB": str(work / "warehouse" / "hf_trends.duckdb"),
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
    }


def fresh(work: Path) -> Path:
    if work.exists():
        shutil.rmtree(work)
    (work / "warehouse").mkdir(parents=True)
    return work / "warehouse" / "hf_trends.duckdb"


def backfill(
    folder: Path, work: Path, batch: int, log: Path
) -> tuple[Result, list[int], ArchiveHub]:
    database = fresh(work)
    with ArchiveHub.from_folder(folder) as hub:
        cmd = [sys.executable, "-m", "ingest.backfill", "--batch", str(batch), "--keep", "1"]
        wrapped = ["sh", "-c", f'exec "$0" "$@" >>"{log}" 2>&1', *cmd]
        with disk_sampler(database.parent) as samples:
            result = measure(wrapped, env=backfill_env(work, hub.url), cwd=REPO)
    if result.returncode != 0:
        raise SystemExit(f"the backfill failed (exit {result.returncode}); see {log}")
    return result, samples, hub


def bench_backfill(files: int, models: int, batch: int, log: Path) -> Run:
    folder = archive_folder(models, files)
    work = DATA / "backfill" / "run"
    print(f"backfilling {files} weekly files of {label(models)} models", flush=True)
    result, samples, hub = backfill(folder, work, batch, log)
    database = work / "warehouse" / "hf_trends.duckdb"
    fetched = [hub.bytes_served(path) / entry.size for path, entry in hub.entries.items()]
    with duckdb.connect(str(database), read_only=True) as con:
        (snapshots,) = con.execute(
            "select count(*) from raw.snapshots where status = 'complete'"
        ).fetchone()
    return Run(
        files,
        models,
        result,
        folder_bytes(database.parent) / 1e6,
        max(samples) / 1e6,
        fetched,
        snapshots,
    )


def bench_check(files: int, models: int, log: Path) -> tuple[bool, list[str]]:
    """Backfilled in batches of two == the same objects landed one by one as JSON."""
    folder = DATA / "backfill" / f"check-{label(models)}"
    if folder.exists():
        shutil.rmtree(folder)
    saved = []
    for number in range(files):
        objects = list(cloned(RECORDED, models, 0, 7 * number))
        path = folder / "repo" / "models" / week(number).isoformat() / "models.parquet"
        path.parent.mkdir(parents=True)
        write_archive(objects, path, seed=number)
        saved.append(folder / f"{week(number).isoformat()}.json")
        saved[-1].write_text(json.dumps(objects))
    batched = DATA / "backfill" / "check-batched"
    backfill(folder / "repo", batched, 2, log)
    one_by_one = DATA / "backfill" / "check-one-by-one"
    reference = fresh(one_by_one)
    env = backfill_env(one_by_one, "http://127.0.0.1:9")
    for number, path in enumerate(saved):
        at = f"{week(number).isoformat()}T00:00:00Z"
        cmd = [sys.executable, "-m", "ingest", "--from-file", str(path), "--snapshot-at", at, "-q"]
        if measure(cmd, env=env, cwd=REPO).returncode != 0:
            raise SystemExit(f"landing {path} failed")
    if measure(["make", "--no-print-directory", "build"], env=env, cwd=REPO).returncode != 0:
        raise SystemExit("the one-by-one build failed")
    ours, theirs = history_rows(batched / "warehouse" / "hf_trends.duckdb"), history_rows(reference)
    differing = [name for name in HISTORY_RELATIONS if ours[name] != theirs[name]]
    rows = sum(len(r) for r in ours.values())
    return not differing, [f"{rows:,} rows compared", *(f"differs: {d}" for d in differing)]


def bench_single(models: int) -> tuple[Result, Result]:
    """Land one archive file and the same snapshot as JSON, each into an empty warehouse."""
    folder = DATA / "backfill" / f"single-{label(models)}"
    folder.mkdir(parents=True, exist_ok=True)
    parquet, saved = folder / "models.parquet", folder / "models.json"
    if not parquet.is_file():
        write_archive(cloned(RECORDED, models, 0, 0), parquet)
    if not saved.is_file():
        with saved.open("w") as handle:
            handle.write("[")
            for number, obj in enumerate(cloned(RECORDED, models, 0, 0)):
                handle.write(("," if number else "") + json.dumps(obj) + "\n")
            handle.write("]")
    at = "2024-07-24T00:00:00Z"
    results = []
    for flag, path in (("--from-parquet", parquet), ("--from-file", saved)):
        work = folder / "work"
        database = fresh(work)
        cmd = [sys.executable, "-m", "ingest", flag, str(path), "--snapshot-at", at, "-q"]
        result = measure(cmd, env={**os.environ, "HF_TRENDS_DB": str(database)}, cwd=REPO)
        if result.returncode != 0:
            raise SystemExit(f"landing {path} failed")
        results.append(result)
    return results[0], results[1]


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def report(
    args: argparse.Namespace,
    run: Run | None,
    check: tuple[bool, list[str]] | None,
    single: tuple[Result, Result] | None,
    loads: tuple[str, str],
    started: dt.datetime,
    commit: str,
) -> str:
    lines = [
        f"### {started:%Y-%m-%d %H:%M} UTC, commit {commit}",
        "",
        f"{machine_line()}. Load average (1/5/15 min) at start {loads[0]}, at end {loads[1]}"
        " (the machine is shared with other engineers' work).",
        "",
        "| measure | value | target | verdict |",
        "|---|---:|---:|---|",
    ]
    if run is not None:
        minutes = run.result.wall_s / 60
        worst = max(run.fetched)
        ratio = run.peak_disk_mb / run.warehouse_mb
        lines += [
            f"| {run.files} weekly files x {label(run.models)} models: download + land + build "
            f"(batches of {args.batch}) | {minutes:.1f} min | <= {TARGET_MINUTES} min "
            f"| {verdict(minutes <= TARGET_MINUTES)} |",
            f"| peak RSS (largest process) | {run.result.peak_rss_mb:,.0f} MB "
            f"| <= {TARGET_PEAK_MB:,} MB | {verdict(run.result.peak_rss_mb <= TARGET_PEAK_MB)} |",
            f"| disk during the run / finished warehouse | {run.peak_disk_mb:,.0f} / "
            f"{run.warehouse_mb:,.0f} MB = {ratio:.2f}x | <= {TARGET_DISK_RATIO:g}x "
            f"| {verdict(ratio <= TARGET_DISK_RATIO)} |",
            f"| bytes fetched / file size (median, worst of {len(run.fetched)}) "
            f"| {statistics.median(run.fetched):.1%}, {worst:.1%} | <= {TARGET_FETCHED:.0%} "
            f"| {verdict(worst <= TARGET_FETCHED)} |",
            f"| snapshots landed | {run.snapshots} | {run.files} "
            f"| {verdict(run.snapshots == run.files)} |",
        ]
    if check is not None:
        same, notes = check
        lines.append(
            f"| history of {args.check_files} x {label(args.check_models)} backfilled in "
            f"batches of 2 = landed one by one from JSON ({'; '.join(notes)}) "
            f"| {'equal' if same else 'different'} | equal | {verdict(same)} |"
        )
    if single is not None:
        archive, saved = single
        ratio = archive.wall_s / saved.wall_s
        lines.append(
            f"| one {label(args.single_models)} archive file lands vs the same snapshot as "
            f"JSON | {archive.wall_s:.1f} s / {saved.wall_s:.1f} s = {ratio:.2f}x "
            f"(peak {archive.peak_rss_mb:,.0f} / {saved.peak_rss_mb:,.0f} MB) "
            f"| <= {TARGET_SINGLE_RATIO:g}x | {verdict(ratio <= TARGET_SINGLE_RATIO)} |"
        )
    return "\n".join(lines) + "\n"


def load_average() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def size_or_zero(text: str) -> int:
    """A size as --models takes it, or 0: what the help promises skips a check."""
    return 0 if text.strip() == "0" else parse_size(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.backfill",
        description="Backfill weekly archive files from a local Hub; time, memory, disk and "
        "bytes fetched against the targets of issue 22.",
    )
    parser.add_argument("--files", type=int, default=52, help="weekly files (default 52)")
    parser.add_argument("--models", type=parse_size, default=parse_size("1M"))
    parser.add_argument("--batch", type=int, default=4, help="files per build (default 4)")
    parser.add_argument("--check-files", type=int, default=3, help="0 skips the equality check")
    parser.add_argument("--check-models", type=parse_size, default=parse_size("10k"))
    parser.add_argument(
        "--single-models", type=size_or_zero, default=parse_size("3M"), help="0 skips it"
    )
    parser.add_argument("--skip-backfill", action="store_true", help="only the other checks")
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--no-append", action="store_true", help="print only")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    started = dt.datetime.now(dt.UTC)
    commit = git_commit()
    start_load = load_average()
    log = DATA / "backfill" / "commands.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    run = None if args.skip_backfill else bench_backfill(args.files, args.models, args.batch, log)
    check = bench_check(args.check_files, args.check_models, log) if args.check_files else None
    single = bench_single(args.single_models) if args.single_models else None
    text = report(args, run, check, single, (start_load, load_average()), started, commit)
    print("\n" + text)
    if not args.no_append:
        with args.out.open("a") as out:
            out.write("\n" + text)
        print(f"appended to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
