"""Full crawls of a replayed /api/models: our loader against huggingface_hub's `list_models`.

    python -m bench.loader_vs_hf_hub [--sizes 100000 1000000] [--repeat 3]

For each size, one replay server (``python -m tests.replay_hub``) runs as its own process on
loopback, serving ``bench/data/gen_<N>.json`` (generated when missing). Against it, alternately:

* ours: ``python -m ingest --all --endpoint URL --database <tmp>``: fetch, land every page in
  DuckDB, publish the snapshot;
* ours again with pandas unimportable, as in a runtime install (pandas is a dev dependency,
  which DuckDB imports on the first bound parameter when it is installed);
* hf_hub: ``HfApi(endpoint=URL, token=False).list_models(limit=None)`` fully iterated (it
  builds a ``ModelInfo`` per model and stores nothing).

Both ask the same query (the default sort, 1000 per page), so both fetch the same pages. Each
client is a fresh interpreter measured with ``bench.measure``: wall time, peak RSS, and CPU
(user + system, from ``wait4``); the server's CPU is not counted. Medians over ``--repeat`` runs
are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.measure import Result, machine_info, measure

# duckdb and requests are imported where used: the hf_hub client runs this module too, and
# must not pay for (or carry in its RSS) libraries it does not use.

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "bench" / "data"
PAGE = 1000  # the Hub's cap, and what both clients ask for


@dataclass(frozen=True)
class Run:
    client: str
    models: int
    objects: int
    pages: int
    result: Result


def data_file(models: int) -> Path:
    path = DATA / f"gen_{models}.json"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "bench.generate", "--models", str(models), "--out", str(path)],
            cwd=REPO,
            check=True,
        )
    return path


@contextmanager
def replay_server(data: Path) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.replay_hub", "--data", str(data), "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()  # printed once the listing is loaded
        if not line.startswith("listening on "):
            raise RuntimeError(f"replay server did not start: {line!r}")
        url = line.removeprefix("listening on ")
        import requests

        # The first query sorts the whole catalogue; neither client should pay for that.
        requests.get(f"{url}/api/models", params={"limit": 1}, timeout=600).raise_for_status()
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def client_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("HF_TOKEN", "HF_ENDPOINT")}
    env.update(
        HF_HOME=str(work / "hf-home"),
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_HUB_DISABLE_IMPLICIT_TOKEN="1",
        PYTHONPATH=str(REPO),
    )
    return env


# DuckDB imports pandas, if it is installed, the first time a query binds a parameter (~0.3 s).
# pandas is a dev dependency only; this runs the loader as a runtime install would see it.
WITHOUT_PANDAS = (
    "import runpy, sys; sys.modules['pandas'] = None; sys.argv[0] = 'ingest'; "
    "runpy.run_module('ingest', run_name='__main__')"
)


def run_ours(url: str, work: Path, runtime_install: bool = False) -> Run:
    database = work / "ours.duckdb"
    for stale in work.glob("ours.duckdb*"):
        stale.unlink()
    start = ["-c", WITHOUT_PANDAS] if runtime_install else ["-m", "ingest"]
    cmd = [sys.executable, *start, "--all", "--endpoint", url, "--database", str(database)]
    result = measure(cmd, env=client_env(work), cwd=REPO)
    if result.returncode != 0:
        raise RuntimeError(f"loader exited {result.returncode}")
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:
        models, served, pages = con.execute(
            "select model_count, objects_served, pages_landed from raw.snapshots"
        ).fetchone()
    name = (
        "ours, as a runtime install (no pandas)"
        if runtime_install
        else "ours (python -m ingest --all)"
    )
    return Run(name, models, served, pages, result)


def run_ours_runtime(url: str, work: Path) -> Run:
    return run_ours(url, work, runtime_install=True)


def run_hf(url: str, work: Path) -> Run:
    count_file = work / "hf_count"
    cmd = [sys.executable, "-m", "bench.loader_vs_hf_hub", "--hf-client", url, str(count_file)]
    result = measure(cmd, env=client_env(work), cwd=REPO)
    if result.returncode != 0:
        raise RuntimeError(f"huggingface_hub client exited {result.returncode}")
    objects = int(count_file.read_text())
    return Run(
        "huggingface_hub list_models(limit=None)",
        objects,
        objects,
        math.ceil(objects / PAGE),
        result,
    )


def hf_client(url: str, count_file: Path) -> int:
    """The measured side of run_hf: iterate every ModelInfo, as an analysis script would."""
    from huggingface_hub import HfApi

    count = sum(1 for _ in HfApi(endpoint=url, token=False).list_models(limit=None))
    count_file.write_text(str(count))
    return 0


def median_run(runs: list[Run]) -> tuple[Run, float, float, float]:
    """The first run's counts, with median wall, CPU and peak RSS across runs."""
    return (
        runs[0],
        statistics.median(r.result.wall_s for r in runs),
        statistics.median(r.result.cpu_s for r in runs),
        statistics.median(r.result.peak_rss_mb for r in runs),
    )


def table(rows: list[tuple[int, list[Run]]]) -> str:
    lines = [
        "| models | client | pages | pages/s | CPU ms/page | wall s | CPU s | peak RSS MB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for size, runs in rows:
        run, wall, cpu, rss = median_run(runs)
        lines.append(
            f"| {size:,} | {run.client} | {run.pages:,} | {run.pages / wall:,.1f} | "
            f"{1000 * cpu / run.pages:,.1f} | {wall:,.1f} | {cpu:,.1f} | {rss:,.0f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.loader_vs_hf_hub", description=__doc__)
    p.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--repeat", type=int, default=3, help="runs per client and size (median)")
    p.add_argument(
        "--work-dir",
        type=Path,
        help="where the loader's warehouse goes (default: the system temp dir); a tmpfs such "
        "as /dev/shm shows the crawl without the cost of fsync on each page's commit",
    )
    p.add_argument("--hf-client", nargs=2, metavar=("URL", "COUNT_FILE"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.hf_client:
        return hf_client(args.hf_client[0], Path(args.hf_client[1]))
    info = machine_info()
    print(f"machine: {info}", file=sys.stderr)
    rows: list[tuple[int, list[Run]]] = []
    with tempfile.TemporaryDirectory(prefix="bench-loader-", dir=args.work_dir) as tmp:
        work = Path(tmp)
        for size in args.sizes:
            runners = [run_ours, run_ours_runtime, run_hf]
            runs: dict[Callable[[str, Path], Run], list[Run]] = {r: [] for r in runners}
            with replay_server(data_file(size)) as url:
                for i in range(args.repeat):
                    # Rotate who goes first, so drift in machine load hits all alike.
                    for runner in runners[i % 3 :] + runners[: i % 3]:
                        run = runner(url, work)
                        runs[runner].append(run)
                        print(
                            f"{size:>9,} {run.client}: {run.result.wall_s:.1f} s wall, "
                            f"{run.result.cpu_s:.1f} s CPU, {run.result.peak_rss_mb:.0f} MB, "
                            f"{run.pages} pages, {run.models} models",
                            file=sys.stderr,
                        )
            served = {runs[r][0].objects for r in runners}
            if len(served) != 1:
                raise RuntimeError(f"clients disagree at {size} on objects served: {served}")
            rows += [(size, runs[r]) for r in runners]
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
