"""Memory of a crawl's end: the loader's RSS, sampled, while it lands pages and then publishes.

    python -m bench.publish [--models 1M]

Crawls a real-shaped response (bench.clone, served in file order by tests.replay_hub) with
`python -m ingest --all -v` and samples the loader's resident memory (VmRSS) every 0.1 s. The
last "page N landed" line splits the samples: before it the crawl lands pages, after it the
snapshot is published (moved from raw.hf_models_pending to raw.hf_models). Prints one Markdown
row: the peak of each phase, their ratio, the wall time of publishing and the load average.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.run import DATA, Work, data_file, parse_size, python_cmd, replay_hub

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


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.publish", description=__doc__)
    parser.add_argument("--models", type=parse_size, default=1_000_000, help="default: 1M")
    args = parser.parse_args(argv)
    path = data_file(Work(Path(tempfile.gettempdir()), DATA), args.models)
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
