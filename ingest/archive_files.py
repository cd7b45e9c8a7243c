"""`python -m ingest --from-parquet PATH...`: which archive files to land, each one snapshot."""

from __future__ import annotations

import glob
import logging
from datetime import datetime
from pathlib import Path

from ingest.archive import (
    GLOB_CHARACTERS,
    capture_time_in_path,
    file_capture_time,
    land_archive,
    open_parquet,
)
from ingest.errors import IngestError, UsageError
from ingest.loader import Summary

log = logging.getLogger(__name__)


def archive_paths(arguments: list[str]) -> list[Path]:
    """Files named, every `*.parquet` under a folder, or a glob's matches, in the given order.

    A folder or glob is read in name order, so dated folders land oldest first; a path named
    twice lands once.
    """
    found: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            matches = sorted(p for p in path.rglob("*.parquet") if p.is_file())
            if not matches:
                raise UsageError(f"{argument}: a folder without any .parquet file")
        elif not path.exists() and GLOB_CHARACTERS & set(argument):
            matches = sorted(Path(p) for p in glob.glob(argument, recursive=True))
            matches = [p for p in matches if p.is_file()]
            if not matches:
                raise UsageError(f"{argument}: no file matches")
        else:
            matches = [path]
        found.extend(matches)
    return list(dict.fromkeys(found))


def land_archives(
    database: Path,
    arguments: list[str],
    snapshot_at: datetime | None,
    allow_same_capture_time: bool = False,
) -> list[Summary]:
    """Land each file in turn; the first that fails stops the run, those before it stay landed."""
    paths = archive_paths(arguments)
    if snapshot_at is not None and len(paths) > 1:
        raise UsageError(
            f"--snapshot-at gives one capture time, but {len(paths)} files were named; "
            "land them one by one, or let each file's path give its date"
        )
    if snapshot_at is None:
        for path in paths:
            check_capture_time(path)
    summaries = []
    for number, path in enumerate(paths, 1):
        try:
            summary = land_archive(
                database, path, snapshot_at, allow_same_capture_time=allow_same_capture_time
            )
        except IngestError as exc:
            if number > 1:
                exc.args = (f"{exc} ({number - 1} file(s) before it are landed)",)
            raise
        log.info("%s: %s", path, summary.line())
        summaries.append(summary)
    return summaries


def check_capture_time(path: Path) -> None:
    """Refuse, before anything lands, a file whose capture time nothing gives."""
    if capture_time_in_path(str(path.resolve())) is not None or not path.is_file():
        return  # a missing file is named when its turn comes
    if file_capture_time(open_parquet(path, str(path))) is None:
        raise UsageError(
            f"{path}: no capture time: give --snapshot-at, or a date in the file's path "
            "(2024-07-24 or 20240724); nothing landed"
        )
