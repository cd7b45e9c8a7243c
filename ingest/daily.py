"""`python -m ingest.daily`: what `make daily` runs, the one command a scheduler starts.

Crawls the whole Hub (every field seeds/hub_fields.csv lists), checks the newest snapshot's
freshness, builds, draws the plots and prunes raw payloads to the newest `--keep` snapshots:
each step is its make target, so it does exactly what `make <step>` does alone. A step that
fails stops the run with one line naming it; what was landed stays (an unfinished crawl
resumes on the next run). A lock beside the warehouse keeps two runs from overlapping: the
second exits 3 at once, so a scheduler that fires again during a long crawl does no harm.

Exit codes: 0 done, 1 a step failed (its line names the step's own exit code, e.g. the
loader's 4), 2 bad usage, 3 another run holds the lock, 130/143 interrupted (SIGINT/SIGTERM,
passed on to the running step).
"""

from __future__ import annotations

import argparse
import fcntl
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from hf_common.cli import EXIT_FAILED, EXIT_LOCKED, EXIT_OK
from ingest import warehouse
from ingest.cli_common import (
    Terminated,
    add_database_option,
    configure_logging,
    interrupted_exit_code,
    interruption,
    positive_int,
    raise_on_sigterm,
)

log = logging.getLogger("daily")

CRAWL_ARGS = "--all --expand-hub-fields"
# What make says when a recipe fails: the recipe's own exit code is the number at the end.
MAKE_FAILED = re.compile(r"^\S*make(?:\[\d+\])?: \*\*\* \[.*\] Error (\d+)$")


@dataclass(frozen=True)
class Step:
    name: str
    make_args: tuple[str, ...]
    # What to do after this step failed, beyond reading the lines above.
    advice: str


def plan(keep: int, ingest_args: str) -> list[Step]:
    rerun = "fix the cause and run make daily again"
    return [
        # Its advice depends on what was landed: crawl_advice().
        Step("crawl", ("ingest", f"INGEST_ARGS={CRAWL_ARGS} {ingest_args}".strip()), ""),
        Step(
            "freshness",
            ("freshness",),
            "the newest complete snapshot is too old to build from; nothing was built",
        ),
        Step("build", ("build",), f"the landed snapshots are kept: {rerun}"),
        Step("plots", ("plots",), f"the warehouse is built: {rerun}, or make plots alone"),
        Step("prune", ("prune", f"KEEP={keep}"), f"the warehouse is built: {rerun}"),
    ]


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".daily.lock")


@contextmanager
def run_lock(path: Path) -> Iterator[bool]:
    """Hold an exclusive lock on `path` for the run; yields False if another run holds it.

    flock(2) is released by the kernel when the holder exits however it ends (kill -9
    included), so a crashed run never leaves a stale lock behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield True


def holder(path: Path) -> str:
    try:
        pid = path.read_text().strip()
    except OSError:
        return ""
    return f" (PID {pid})" if pid.isdigit() else ""


def crawl_advice(database: Path) -> str:
    """What a failed crawl left: pages kept for the next run to resume from, or none."""
    try:
        with duckdb.connect(str(database), read_only=True) as con:
            (pages,) = con.execute(
                "select coalesce(sum(pages_landed), 0) from raw.snapshots where status = 'loading'"
            ).fetchone()
    except duckdb.Error:
        # No warehouse, no raw layer yet, or a lock: nothing can be said of its pages.
        pages = 0
    if pages:
        return f"{pages} page(s) landed so far are kept: make daily resumes the crawl there"
    return "no page was landed: make daily starts the crawl afresh"


def run_step(make: str, step: Step) -> int:
    """Run one make target in its own process group; an interruption is passed on to it.

    Returns the failed recipe's own exit code (the loader's 4, say), which make reports as 2:
    make's stderr passes through, but for its "*** Error N" line, which run() says better.
    """
    process = subprocess.Popen(
        [make, "--no-print-directory", *step.make_args],
        start_new_session=True,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
    )
    assert process.stderr is not None
    recipe_code = None
    try:
        for line in process.stderr:
            if match := MAKE_FAILED.match(line.rstrip("\n")):
                recipe_code = int(match[1])
                continue
            sys.stderr.write(line)
            sys.stderr.flush()
        code = process.wait()
        return recipe_code if code != 0 and recipe_code is not None else code
    except KeyboardInterrupt as exc:
        # Ctrl-C reaches only this process (the step has its own session) and a scheduler's
        # SIGTERM only make's main process (README: KillMode=mixed): pass the same stop on to
        # every process of the step once, and let it roll back and clean up before saying so.
        stop = signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT
        os.killpg(process.pid, stop)
        process.wait()
        raise


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ingest.daily",
        description="The scheduled daily run: crawl the whole Hub, check freshness, build, "
        "draw the plots, prune raw payloads. `make daily` runs it.",
        epilog="Exit codes: 0 done, 1 a step failed (named in one line), 2 bad usage, "
        "3 another run is going, 130/143 interrupted.",
    )
    parser.add_argument(
        "--keep",
        type=positive_int,
        required=True,
        metavar="N",
        help="raw payloads kept for the newest N snapshots (make prune KEEP=N)",
    )
    parser.add_argument(
        "--ingest-args",
        default="",
        metavar="ARGS",
        help=f"more loader flags after {CRAWL_ARGS!r}, e.g. '--restart' or "
        "'--snapshot-at 2026-01-01T06:00:00Z' (write --ingest-args=ARGS)",
    )
    parser.add_argument("--make", default="make", help="the make program (default: make)")
    add_database_option(parser)
    return parser


def run(steps: Sequence[Step], make: str, database: Path) -> int:
    timings: list[str] = []
    started = time.monotonic()
    for number, step in enumerate(steps, 1):
        log.info("make daily: %s (%d/%d)", step.name, number, len(steps))
        step_started = time.monotonic()
        try:
            code = run_step(make, step)
        except KeyboardInterrupt as exc:
            advice = crawl_advice(database) if step.name == "crawl" else step.advice
            log.error("make daily: %s during %s; %s", interruption(exc), step.name, advice)
            return interrupted_exit_code(exc)
        seconds = time.monotonic() - step_started
        if code != 0:
            left = [later.name for later in steps[number:]]
            skipped = f"; skipped {', '.join(left)}" if left else ""
            log.error(
                "make daily: step %s failed (make %s: exit code %d after %.0f s)%s; %s",
                step.name,
                step.make_args[0],
                code,
                seconds,
                skipped,
                crawl_advice(database) if step.name == "crawl" else step.advice,
            )
            return EXIT_FAILED
        timings.append(f"{step.name} {seconds:.0f} s")
    log.info("make daily: done in %.0f s (%s)", time.monotonic() - started, ", ".join(timings))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging()
    raise_on_sigterm()
    database = warehouse.database_path(args.database)
    # Every step opens the warehouse the make targets do: the one HF_TRENDS_DB names.
    os.environ["HF_TRENDS_DB"] = str(database)
    # A scheduler's log is a file or the journal: dbt's colour codes would only garble it.
    os.environ.setdefault("DBT_USE_COLORS", "false")
    lock = lock_path(database)
    with run_lock(lock) as held:
        if not held:
            log.error(
                "make daily: another run holds %s%s; not starting a second one (it ends by "
                "itself; the next scheduled run carries on)",
                lock,
                holder(lock),
            )
            return EXIT_LOCKED
        return run(plan(args.keep, args.ingest_args), args.make, database)


if __name__ == "__main__":
    sys.exit(main())
