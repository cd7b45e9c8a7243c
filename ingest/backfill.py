"""`python -m ingest.backfill`: what `make backfill` runs: years of history from the Hub archives.

Lists the archive repo's weekly files (default `hfmlsoc/hub_weekly_snapshots`,
`models/{date}/models.parquet`) through the Hub's dataset endpoints (HF_ENDPOINT, HF_TOKEN), and
lands each file in the chosen weeks (--since/--until) as one snapshot captured on its folder's
date. A file is read by HTTP range requests on the Parquet column chunks the warehouse keeps,
or downloaded whole where the storage refuses ranges (removed once landed unless
--keep-downloads). Every --batch files it runs `make build-history` (the history tables alone)
and `make prune KEEP=--keep`, so raw payloads on disk stay bounded by a batch, not the year;
the last batch gets the whole `make build`. Resumable at any point: a file already landed (the
same sha256) is skipped, snapshots landed but not yet built are built first, and marts a
stopped run left behind the history are built at the end. It holds make daily's lock, so the
two never run at once.

Exit codes: 0 done, 1 a file or step failed (named in one line), 2 bad usage, 3 another run
holds the lock or the warehouse, 4 the Hub unreachable or failing, 130/143 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
from huggingface_hub.utils import disable_progress_bars
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hf_common.cli import EXIT_LOCKED, EXIT_OK
from ingest import archive, daily, retention, warehouse
from ingest.archive_remote import DEFAULT_PATTERN, DEFAULT_REPO, ArchiveFile, ArchiveRepo
from ingest.cli import DEFAULT_ENDPOINT, endpoint_url
from ingest.cli_common import (
    add_database_option,
    add_verbosity_options,
    configure_logging,
    interrupted_exit_code,
    interruption,
    positive_int,
    raise_on_sigterm,
    report_failure,
)
from ingest.errors import IngestError
from ingest.progress import start_above_logs, stop_above_logs

log = logging.getLogger("backfill")

DEFAULT_BATCH = 4
DEFAULT_KEEP = 1
# Rebuilt by every full build (make build) and by no history-only one (make build-history).
MARTS_SNAPSHOTS = ("marts", "snapshots")


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ingest.backfill",
        description="Land the Hub's public weekly archives as snapshots, building and pruning "
        "in batches: years of history on day one. `make backfill` runs it.",
        epilog="Exit codes: 0 done, 1 a file or step failed, 2 bad usage, 3 another run or "
        "process holds the warehouse, 4 the Hub unreachable or failing, 130/143 interrupted. "
        "Rerun the same command to resume.",
    )
    source = parser.add_argument_group("which files")
    source.add_argument("--repo", default=DEFAULT_REPO, help="dataset repo (default: %(default)s)")
    source.add_argument(
        "--pattern",
        default=DEFAULT_PATTERN,
        help="path of a week's file in the repo, {date} standing for its folder's YYYY-MM-DD "
        "(default: %(default)s)",
    )
    source.add_argument("--revision", default="main", help="branch, tag or commit (default: main)")
    source.add_argument("--since", type=iso_date, metavar="DATE", help="first week to land")
    source.add_argument("--until", type=iso_date, metavar="DATE", help="last week to land")
    source.add_argument(
        "--endpoint",
        type=endpoint_url,
        help=f"Hub base URL (default: $HF_ENDPOINT or {DEFAULT_ENDPOINT}); HF_TOKEN is sent "
        "only to it, never to the storage host a download is redirected to",
    )
    run = parser.add_argument_group("batches")
    run.add_argument(
        "--batch",
        type=positive_int,
        default=DEFAULT_BATCH,
        metavar="N",
        help="files landed between two builds (default: %(default)s): raw payloads on disk "
        "stay within about this many snapshots",
    )
    run.add_argument(
        "--keep",
        type=positive_int,
        default=DEFAULT_KEEP,
        metavar="N",
        help="raw payloads kept for the newest N snapshots after each build, as make prune "
        "KEEP=N (default: %(default)s)",
    )
    run.add_argument(
        "--download-dir",
        type=Path,
        metavar="DIR",
        help="where files are downloaded whole when the storage refuses ranges (default: "
        "archive-downloads/ beside the warehouse)",
    )
    run.add_argument(
        "--keep-downloads",
        action="store_true",
        help="keep files downloaded whole once landed (default: remove them)",
    )
    run.add_argument(
        "--no-build",
        action="store_true",
        help="only land the files; build and prune yourself (raw payloads then grow with "
        "every file landed)",
    )
    run.add_argument("--make", default="make", help="the make program (default: make)")
    add_database_option(run)
    add_verbosity_options(parser)
    return parser


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.since and args.until and args.since > args.until:
        parser.error(f"--since {args.since} is after --until {args.until}")
    if args.endpoint is None:
        try:
            args.endpoint = endpoint_url(os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT)
        except argparse.ArgumentTypeError as exc:
            parser.error(f"HF_ENDPOINT: {exc}")
    return args


@dataclass(frozen=True)
class WarehouseState:
    landed: frozenset[str]  # sha256 of every file landed as a complete snapshot
    unbuilt: tuple[str, ...]  # complete snapshots whose payloads dbt has not taken in yet
    # The history holds snapshots the current-state marts were not built from: a run stopped
    # between a batch's history build and the final full build.
    marts_behind: bool


def warehouse_state(database: Path) -> WarehouseState:
    if not database.is_file():
        return WarehouseState(frozenset(), (), marts_behind=False)
    with warehouse.connect(database, read_only=True) as con:
        rows = con.execute(
            """
            select snapshot_id, content_sha256, payload_pruned_at is null
            from raw.snapshots where status = 'complete'
            """
        ).fetchall()
        built = retention.history_snapshot_ids(con)
        # The snapshots the last full build saw.
        in_marts = retention.snapshot_ids_in(con, *MARTS_SNAPSHOTS)
    return WarehouseState(
        landed=frozenset(sha for _, sha, _ in rows if sha),
        unbuilt=tuple(sid for sid, _, payload in rows if payload and sid not in built),
        marts_behind=bool(built - in_marts),
    )


def chosen(
    files: Sequence[ArchiveFile], since: date | None, until: date | None
) -> list[ArchiveFile]:
    return [
        f for f in files if (since is None or f.day >= since) and (until is None or f.day <= until)
    ]


def batches(files: Sequence[ArchiveFile], size: int) -> Iterator[Sequence[ArchiveFile]]:
    for start in range(0, len(files), size):
        yield files[start : start + size]


def capture_time(file: ArchiveFile) -> datetime:
    """The folder's date: the archive says which week a file is, not when it was taken."""
    return datetime(file.day.year, file.day.month, file.day.day, tzinfo=UTC)


def land_file(
    repo: ArchiveRepo, file: ArchiveFile, database: Path, downloads: Path, keep_downloads: bool
) -> str:
    """Land one archive file; returns the lander's summary line and how the file was read."""
    name = f"{repo.repo}/{file.path}"
    if file.sha256 is not None and repo.ranges_supported(file):
        with repo.open_ranged(file) as handle:
            summary = archive.land_archive(
                database, handle, capture_time(file), name=name, size=file.size, sha256=file.sha256
            )
        return f"{summary.line()}; read by range requests"
    local = repo.download(file, downloads)
    summary = archive.land_archive(
        database, local, capture_time(file), name=name, size=file.size, sha256=file.sha256
    )
    if keep_downloads:
        return f"{summary.line()}; downloaded whole, kept at {local}"
    local.unlink()
    return f"{summary.line()}; downloaded whole (storage refused ranges), then removed"


def build_steps(keep: int, *, history_only: bool) -> list[daily.Step]:
    rerun = "the landed files are kept: fix the cause and rerun make backfill"
    build = daily.Step("build", ("build",), rerun)
    if history_only:
        build = daily.Step("build-history", ("build-history",), rerun)
    return [
        build,
        daily.Step("prune", ("prune", f"KEEP={keep}"), f"the warehouse is built: {rerun}"),
    ]


def build_and_prune(make: str, keep: int, *, history_only: bool) -> None:
    """Build, then drop the payloads the history has taken in.

    Before a prune only the history tables must have taken the batch in: the current-state
    marts (models, lineage, reporting) read the newest snapshot and the history, so building
    them after every batch is work the next batch's build throws away.
    """
    for step in build_steps(keep, history_only=history_only):
        code = daily.run_step(make, step)
        if code != 0:
            raise IngestError(
                f"make backfill: step {step.name} failed (make {step.make_args[0]} exited "
                f"{code}); {step.advice}"
            )


class FileProgress:
    """A live bar of files landed on a terminal; elsewhere each file's log line is the progress."""

    def __init__(self, total: int) -> None:
        self.bar: Progress | None = None
        if sys.stderr.isatty():
            self.bar = Progress(
                TextColumn("[bold]backfill[/] {task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.task = self.bar.add_task("", total=total)

    def __enter__(self) -> FileProgress:
        self.redirected = start_above_logs(self.bar) if self.bar else []
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.bar:
            stop_above_logs(self.bar, self.redirected)

    def landing(self, file: ArchiveFile) -> None:
        if self.bar:
            self.bar.update(self.task, description=file.path)

    def landed(self) -> None:
        if self.bar:
            self.bar.advance(self.task)


def backfill(args: argparse.Namespace, database: Path) -> int:
    started = time.monotonic()
    repo = ArchiveRepo(
        args.endpoint, os.environ.get("HF_TOKEN") or None, args.repo, args.pattern, args.revision
    )
    listed = repo.list_files()
    if not listed:
        raise IngestError(f"{args.repo}@{repo.commit[:12]}: no file matches {args.pattern}")
    files = chosen(listed, args.since, args.until)
    state = warehouse_state(database)
    todo = [f for f in files if f.sha256 is None or f.sha256 not in state.landed]
    log.info(
        "%s@%s: %d file(s) in the chosen weeks, %d already landed, %d to land in batches of %d",
        args.repo,
        repo.commit[:12],
        len(files),
        len(files) - len(todo),
        len(todo),
        args.batch,
    )
    downloads = args.download_dir or database.parent / "archive-downloads"
    work = list(batches(todo, args.batch))
    if state.unbuilt and work and not args.no_build:
        log.info("taking %d snapshot(s) landed earlier into the history first", len(state.unbuilt))
        build_and_prune(args.make, args.keep, history_only=True)
    with FileProgress(len(todo)) as progress:
        for number, batch in enumerate(work, 1):
            for file in batch:
                progress.landing(file)
                line = land_file(repo, file, database, downloads, args.keep_downloads)
                log.info("%s: %s", file.path, line)
                progress.landed()
            if number < len(work) and not args.no_build:
                build_and_prune(args.make, args.keep, history_only=True)
    if not args.no_build and (work or state.unbuilt or state.marts_behind):
        if state.unbuilt and not work:
            log.info("building %d snapshot(s) landed earlier but not built yet", len(state.unbuilt))
        elif state.marts_behind and not work:
            log.info("building the marts: a run stopped before them, after the history took in")
        build_and_prune(args.make, args.keep, history_only=False)
    log.info(
        "make backfill: done in %.0f s: %d file(s) landed%s, %d skipped as landed before",
        time.monotonic() - started,
        len(todo),
        "" if args.no_build else " and built",
        len(files) - len(todo),
    )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    configure_logging(args.verbose, args.quiet)
    raise_on_sigterm()
    disable_progress_bars()  # huggingface_hub's tqdm bars would interleave with ours
    logging.getLogger("httpx2").setLevel(logging.WARNING)
    database = warehouse.database_path(args.database)
    os.environ["HF_TRENDS_DB"] = str(database)  # the build and prune steps open this one
    lock = daily.lock_path(database)
    with daily.run_lock(lock) as held:
        if not held:
            log.error(
                "make backfill: another run holds %s%s (make daily or make backfill); "
                "try again once it ends",
                lock,
                daily.holder(lock),
            )
            return EXIT_LOCKED
        try:
            return backfill(args, database)
        except (IngestError, duckdb.Error) as exc:
            return report_failure(exc, f"warehouse {database}")
        except KeyboardInterrupt as exc:
            log.error(
                "make backfill: %s; the files landed so far are kept: rerun to resume",
                interruption(exc),
            )
            return interrupted_exit_code(exc)


if __name__ == "__main__":
    sys.exit(main())
