"""Run a command as a subprocess and report its wall time and peak resident memory.

    python -m bench.measure [--json] -- CMD [ARG ...]
    python -m bench.measure --info

Peak RSS comes from ``os.wait4``, so no extra package (GNU ``time``) is needed. On Linux the
rusage of a waited child has ``ru_maxrss`` = the largest RSS of that child *or of any descendant
it waited for* (the kernel folds reaped children's maxrss in). For a tree it is therefore the
peak of the single biggest process, not the sum of processes alive at the same time; exact for
single-process commands (``python -m ...``, ``duckdb``, dbt with threads), an underestimate for
commands that run several big processes at once. It is also never below the RSS of *this*
process at the moment it spawned the command: Linux carries the pre-exec memory's high-water mark
into the child's, so measure from a parent that holds little (bench.publish --staged once
reported its parent's 410 MB as the child's peak).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Result:
    wall_s: float
    peak_rss_mb: float
    returncode: int
    # user + system CPU of the child (and the descendants it waited for), from the same rusage
    cpu_s: float = 0.0


def measure(
    cmd: Sequence[str],
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> Result:
    """Run ``cmd`` to completion; ``env`` replaces the environment (None inherits it)."""
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), env=None if env is None else dict(env), cwd=cwd)
    # wait4 instead of proc.wait() because only wait4 hands back the child's rusage.
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    returncode = os.waitstatus_to_exitcode(status)
    # Tell Popen the child is reaped, or it would try to wait for it again.
    proc.returncode = returncode
    return Result(
        wall_s=wall,
        peak_rss_mb=_maxrss_to_mb(usage.ru_maxrss),
        returncode=returncode,
        cpu_s=usage.ru_utime + usage.ru_stime,
    )


def _maxrss_to_mb(maxrss: int) -> float:
    # Linux reports kilobytes, macOS bytes.
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


def machine_info() -> dict[str, object]:
    """What a benchmark figure needs next to it to be comparable."""
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "mem_total_mb": _meminfo_mb("MemTotal"),
        "mem_available_mb": _meminfo_mb("MemAvailable"),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def _meminfo_mb(key: str) -> float | None:
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name == key:
            return int(value.split()[0]) / 1024  # the file reports kB
    return None


def _cpu_model() -> str | None:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or None
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.partition(":")[2].strip()
    return None


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bench.measure",
        description="Run CMD and print wall_s=... peak_rss_mb=... returncode=... "
        "(exit status is CMD's). Peak RSS is the biggest single process of the tree.",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object instead")
    p.add_argument("--info", action="store_true", help="print machine info and exit")
    p.add_argument("cmd", nargs=argparse.REMAINDER, help="-- CMD [ARG ...]")
    args = p.parse_args(argv)
    if args.info:
        print(json.dumps(machine_info(), indent=2))
        return 0
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        p.error("give a command after --")
    result = measure(cmd)
    if args.json:
        print(json.dumps({**asdict(result), "cmd": cmd, "machine": machine_info()}))
    else:
        print(
            f"wall_s={result.wall_s:.2f} peak_rss_mb={result.peak_rss_mb:.1f} "
            f"returncode={result.returncode}"
        )
    # a signal-killed child reports -N; mirror the shell's 128 + N
    return result.returncode if result.returncode >= 0 else 128 - result.returncode


if __name__ == "__main__":
    sys.exit(main())
