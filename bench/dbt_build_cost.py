"""What one dbt build of the recorded response costs, and where: the floor under `make test`.

    python -m bench.dbt_build_cost [--repeat 3] [--fixture PATH]

The recorded response (1000 models) is landed once; then, alternating, each round builds a
fresh copy of that warehouse twice, as the test suite does (unit tests left out):

- as a `dbt build` process (what `make build` and a test's own-process build start);
- in this process, by dbtRunner with the project parsed once beforehand (what most of the
  suite's builds are, tests/conftest.py's `dbt_build`), without dbt's debug log file.

Printed per build: wall time, the nodes run, the time dbt's run_results give the nodes
themselves, and what is left per node. The suite makes dozens of such builds (docs/testing.md),
so the in-process figure times their number is the least the suite's builds can cost.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO.parent / "shared" / "data" / "hf_models_2025-12-01.json"
BIN = Path(sys.executable).parent
NAME = "hf_trends.duckdb"


@dataclass(frozen=True)
class Build:
    wall_s: float
    nodes: int
    nodes_s: float

    @property
    def per_node_ms(self) -> float:
        return 1000 * self.wall_s / self.nodes


def dbt_args(work: Path, *extra: str) -> list[str]:
    return [
        *("--project-dir", str(REPO), "--profiles-dir", str(REPO)),
        *("--target-path", str(work / "target"), "--log-path", str(work / "logs")),
        *extra,
    ]


def build_args(work: Path, *extra: str) -> list[str]:
    return ["build", *dbt_args(work, "--exclude-resource-type", "unit_test", *extra)]


def results(work: Path) -> tuple[int, float]:
    ran = json.loads((work / "target" / "run_results.json").read_text())["results"]
    return len(ran), sum(node["execution_time"] for node in ran)


def as_a_process(landed: Path, work: Path) -> Build:
    shutil.copyfile(landed, work / NAME)
    env = {**os.environ, "HF_TRENDS_DB": NAME}
    started = time.perf_counter()
    subprocess.run(
        [BIN / "dbt", *build_args(work)], cwd=work, env=env, check=True, stdout=subprocess.DEVNULL
    )
    return Build(time.perf_counter() - started, *results(work))


def in_process(landed: Path, work: Path, manifest: Any) -> Build:
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.cli.main import dbtRunner

    shutil.copyfile(landed, work / NAME)
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        outcome = dbtRunner(manifest=manifest).invoke(build_args(work, "--log-level-file", "none"))
    DuckDBConnectionManager.close_all_connections()
    wall = time.perf_counter() - started
    if not outcome.success:
        raise SystemExit(f"the in-process build in {work} failed: {outcome.exception}")
    return Build(wall, *results(work))


def parse(work: Path) -> Any:
    from dbt.cli.main import dbtRunner

    with contextlib.redirect_stdout(io.StringIO()):
        parsed = dbtRunner().invoke(["parse", *dbt_args(work)])
    if not parsed.success:
        raise SystemExit(f"dbt parse failed: {parsed.exception}")
    return parsed.result


def row(label: str, builds: list[Build]) -> str:
    median = statistics.median
    wall = [b.wall_s for b in builds]
    return (
        f"| {label} | {min(wall):.2f} s | {median(wall):.2f} s | {max(wall):.2f} s "
        f"| {builds[0].nodes} | {median([b.nodes_s for b in builds]):.2f} s "
        f"| {median([b.per_node_ms for b in builds]):.1f} ms |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="builds of each kind (default 3)")
    parser.add_argument("--fixture", type=Path, default=FIXTURE, help="the response to land")
    args = parser.parse_args(argv)
    if not args.fixture.is_file():
        parser.error(f"no recorded response at {args.fixture}: ../shared must sit beside the repo")
    with tempfile.TemporaryDirectory(prefix="dbt-build-cost-") as folder:
        work = Path(folder)
        landed = work / "landed.duckdb"
        subprocess.run(
            [BIN / "python", "-m", "ingest", "--from-file", args.fixture],
            cwd=REPO,
            env={**os.environ, "HF_TRENDS_DB": str(landed)},
            check=True,
            capture_output=True,
        )
        os.chdir(work)
        os.environ["HF_TRENDS_DB"] = NAME
        manifest = parse(work)
        processes, inside = [], []
        for _ in range(args.repeat):
            processes.append(as_a_process(landed, work))
            inside.append(in_process(landed, work, manifest))
    print("| build | min | median | max | nodes | nodes' own time | wall per node |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(row("`dbt build` process", processes))
    print(row("in process, parsed once", inside))
    return 0


if __name__ == "__main__":
    sys.exit(main())
