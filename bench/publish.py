"""Memory of a crawl's end: the loader's RSS, sampled, while it lands pages and then publishes.

    python -m bench.publish [--models 1M] [--staged [--repeat 3]]

Crawls a real-shaped response (bench.clone, served in file order by tests.replay_hub) with
`python -m ingest --all -v` and samples the loader's resident memory (VmRSS) every 0.1 s. The
last "page N landed" line splits the samples: before it the crawl lands pages, after it the
snapshot is published (moved from raw.hf_models_pending to raw.hf_models). Prints one Markdown
row: the peak of each phase, their ratio, the wall time of publishing and the load average.

With ``--staged`` the crawl is skipped: the same models are staged straight into
``raw.hf_models_pending`` as one snapshot, then a fresh process publishes it with the loader's
own settings (one thread, the publish cap) and nothing else in memory, ``--repeat`` times from
copies of the same file. Its peak RSS (its own VmHWM) is publishing's alone (with the
interpreter's ~65 MB), so sizes the crawl cannot reach quickly (3M, 5M) can be compared. Beside
it, the floor: a fresh process with the same settings and cap that only reads every staged
payload once, which any publish must do.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.run import DATA, Work, data_file, parse_size, python_cmd, replay_hub
from ingest import warehouse
from ingest.loader import CRAWL_SETTINGS

REPO = Path(__file__).resolve().parents[1]
PAGE_LANDED = re.compile(r"page (\d+) landed")
SAMPLE_EVERY_S = 0.1


def rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    return int(match[1]) / 1024 if match else None


def crawl_and_sample(endpoint: str, database: Path) -> tuple[list[tuple[float, float]], float, int]:
    """Samples (time, MB) of the crawl, when its last page landed, and its exit code."""
    cmd = python_cmd(
        "-m", "ingest", "--endpoint", endpoint, "--all", "--database", database, "-v"
    )  # fmt: skip
    process = subprocess.Popen(cmd, cwd=REPO, stderr=subprocess.PIPE, text=True)
    samples: list[tuple[float, float]] = []
    last_page_at = [0.0]

    def read_log() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            if PAGE_LANDED.search(line):
                last_page_at[0] = time.monotonic()
            elif "ERROR" in line:
                sys.stderr.write(line)

    reader = threading.Thread(target=read_log, daemon=True)
    reader.start()
    while process.poll() is None:
        mb = rss_mb(process.pid)
        if mb is not None:
            samples.append((time.monotonic(), mb))
        time.sleep(SAMPLE_EVERY_S)
    reader.join(timeout=10)
    return samples, last_page_at[0], process.returncode


def stage(path: Path, database: Path) -> str:
    """Stage every object of `path` as one snapshot's landed pages, 1,000 to a page."""
    snapshot_id = "bench-publish"
    quoted = str(path).replace("'", "''")
    with warehouse.open_raw_layer(database) as con:
        con.execute("set enable_progress_bar = false")
        con.execute("begin transaction")
        warehouse.start_snapshot(
            con, snapshot_id, warehouse.utc_now(), "bench", {"file": path.name}, "bench"
        )
        con.execute(
            f"""
            insert into raw.hf_models_pending
            select $1, (i // 1000)::integer, (i % 1000)::integer, json->>'id', json, now()
            from (
                select row_number() over () - 1 as i, json
                from read_json('{quoted}', format = 'array', records = false)
            )
            """,
            [snapshot_id],
        )
        con.execute("commit")
        # Written into the file, so the publishing process does not replay a log first.
        con.execute("checkpoint")
    return snapshot_id


def publish_staged(database: Path, snapshot_id: str, step: str) -> None:
    """What the loader does once the last page landed (`publish`), or only reading every
    staged payload once (`read`), in a process of its own; prints its peak RSS (MB) and the
    step's seconds.

    The peak is the process's own VmHWM: wait4's ru_maxrss would count the parent's memory at
    the fork, which after staging in-process is most of the figure.
    """
    with warehouse.open_raw_layer(database) as con:
        for setting in CRAWL_SETTINGS:
            con.execute(setting)
        con.execute(f"set memory_limit = '{warehouse.publish_memory_limit()}'")
        started = time.perf_counter()
        if step == "read":
            con.execute(
                "select count(*), sum(length(payload)) from raw.hf_models_pending "
                "where snapshot_id = ?",
                [snapshot_id],
            ).fetchall()
        else:
            with warehouse.transaction(con):
                warehouse.publish_snapshot(con, snapshot_id)
        seconds = time.perf_counter() - started
    status = Path("/proc/self/status").read_text()
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    assert match is not None
    print(int(match[1]) / 1024, seconds)


def staged_row(path: Path, models: int, repeat: int) -> str:
    """Publish the same staged snapshot `repeat` times, each from a fresh copy of the file."""
    load_before = load_average()
    peaks: dict[str, list[float]] = {"publish": [], "read": []}
    seconds: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
        staged = Path(tmp) / "staged.duckdb"
        snapshot_id = stage(path, staged)
        size = staged.stat().st_size / 2**20
        for _ in range(repeat):
            for step in ("read", "publish"):
                database = Path(tmp) / "w.duckdb"
                shutil.copyfile(staged, database)
                cmd = python_cmd("-m", "bench.publish", "--step", step, database, snapshot_id)
                result = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True)
                if result.returncode != 0:
                    raise SystemExit(f"{step} failed (exit code {result.returncode})")
                peak, took = result.stdout.split()
                peaks[step].append(float(peak))
                if step == "publish":
                    seconds.append(float(took))
                database.unlink()

    def mb(values: list[float]) -> str:
        return f"{' / '.join(f'{v:,.0f}' for v in values)} MB"

    return (
        f"| {models:,} | staged, {size:,.0f} MB on disk, {repeat} run(s) "
        f"| {mb(peaks['publish'])} | {mb(peaks['read'])} "
        f"| {' / '.join(f'{s:.1f}' for s in seconds)} s | {load_before} -> {load_average()} |"
    )


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.publish", description=__doc__)
    parser.add_argument("--models", type=parse_size, default=1_000_000, help="default: 1M")
    parser.add_argument("--staged", action="store_true", help="publish only (no crawl)")
    parser.add_argument("--repeat", type=int, default=3, help="publishes with --staged (3)")
    parser.add_argument(
        "--step", nargs=3, metavar=("STEP", "DATABASE", "SNAPSHOT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.step:
        step, database, snapshot_id = args.step
        publish_staged(Path(database), snapshot_id, step)
        return 0
    path = data_file(Work(Path(tempfile.gettempdir()), DATA), args.models)
    if args.staged:
        print(staged_row(path, args.models, args.repeat))
        return 0
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp, replay_hub(path) as url:
        samples, last_page_at, code = crawl_and_sample(url, Path(tmp) / "w.duckdb")
    if code != 0 or not samples or not last_page_at:
        print(f"the crawl failed (exit code {code})", file=sys.stderr)
        return 1
    crawl = max(mb for at, mb in samples if at <= last_page_at)
    publish = max((mb for at, mb in samples if at > last_page_at), default=crawl)
    seconds = samples[-1][0] - last_page_at
    print(
        f"| {args.models:,} | {crawl:,.0f} MB | {publish:,.0f} MB | {publish / crawl:.2f}x "
        f"| {seconds:.1f} s | {load_before} -> {load_average()} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
