"""`python -m ingest.backfill` against a local Hub dataset repo (tests/archive_hub.py).

Three weekly archive files are written from the recorded response (bench.clone's copies a week
apart, with heavy cardData/siblings/config columns; one week in another typing: timestamps as
strings, no downloadsAllTime) and served with the Hub's tree/paths-info/resolve endpoints, the
file itself from a storage server on another origin. Builds are left out here (--no-build):
tests/test_backfill_build.py builds.
"""

from __future__ import annotations

import json
import socket
import sys
from datetime import date, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from bench.archive_files import cloned, write_archive
from tests.archive_hub import ArchiveHub
from tests.conftest import FIXTURE, query, run
from tests.parquet_archives import typed_table

WEEKS = [date(2025, 12, 1) + timedelta(weeks=k) for k in range(3)]
TOKEN = "hf_test_token"
# Enough rows that the footer (read in one 64 KB range) is a small part of a file, as it is
# of a real weekly file.
MODELS = 3000
# Random bytes per model in cardData/siblings/config: ~80% of each file, as in the real ones.
HEAVY_BYTES = 400
FOOTER_READ = 64 * 1024  # pyarrow's first read of a file: its last 64 KB
PROBE = 4  # the ranged GET that asks whether storage answers ranges


def week_path(day: date) -> str:
    return f"models/{day.isoformat()}/models.parquet"


@pytest.fixture(scope="module")
def archive_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("archive-repo")
    for number, day in enumerate(WEEKS):
        path = folder / week_path(day)
        path.parent.mkdir(parents=True)
        objects = list(cloned(FIXTURE, MODELS, 0, 7 * number))
        if number == 1:
            # Another writer's typing: timestamps as the API's strings, no downloadsAllTime.
            rows = [{k: v for k, v in o.items() if k != "downloadsAllTime"} for o in objects]
            pq.write_table(typed_table(rows, timestamps="string"), path, row_group_size=400)
        else:
            write_archive(objects, path, row_group_rows=1000, heavy_bytes=HEAVY_BYTES)
    (folder / "README.md").write_text("# weekly snapshots\n")
    (folder / "models" / "notes.txt").write_text("not an archive file\n")
    return folder


def backfill(
    hub_url: str, database: Path, *args: str, token: str | None = None, check: bool = True
):
    env = {"HF_ENDPOINT": hub_url, "HF_TOKEN": token or ""}
    return run(
        [sys.executable, "-m", "ingest.backfill", "--no-build", *args],
        database=database,
        env=env,
        check=check,
        timeout=300,
    )


def distinct_ids(path: Path) -> int:
    return len(set(pq.read_table(path, columns=["id"]).column("id").to_pylist()))


def kept_bytes(path: Path, only: str | None = None) -> int:
    """Bytes of the file's column chunks but cardData, siblings and config (or of `only`)."""
    metadata = pq.read_metadata(path)
    total = 0
    for group in range(metadata.num_row_groups):
        for number in range(metadata.num_columns):
            chunk = metadata.row_group(group).column(number)
            column = chunk.path_in_schema.split(".")[0]
            if column == only or (
                only is None and column not in ("cardData", "siblings", "config")
            ):
                total += chunk.total_compressed_size
    return total


def landed(database: Path) -> list[tuple]:
    return query(
        database,
        """
        select strftime(snapshot_at, '%Y-%m-%d'), source, model_count
        from raw.snapshots where status = 'complete' order by snapshot_at
        """,
    )


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("ERROR")]


def test_every_week_lands_by_ranges_with_the_token_kept_on_the_hub(
    archive_folder: Path, tmp_path: Path
) -> None:
    database = tmp_path / "hf.duckdb"
    with ArchiveHub.from_folder(archive_folder, token=TOKEN, page_size=2) as hub:
        backfill(hub.url, database, token=TOKEN)
        requests = list(hub.requests)
        sizes = {path: entry.size for path, entry in hub.entries.items()}
        # Week 1's file is another writer's, without heavy columns: only the others count.
        served = {week_path(day): hub.bytes_served(week_path(day)) for day in WEEKS[::2]}
    repo = "hfmlsoc/hub_weekly_snapshots"
    rows = [distinct_ids(archive_folder / week_path(day)) for day in WEEKS]
    assert landed(database) == [
        (day.isoformat(), f"{repo}/{week_path(day)}", count)
        for day, count in zip(WEEKS, rows, strict=True)
    ]
    # The listing was paged (two entries a page) and only the Hub saw the token.
    assert sum("/tree/" in r.path for r in requests) > 2
    # (huggingface_hub also fetches /api/agent-harnesses, anonymously, for its user agent.)
    hub_side = [r for r in requests if r.server == "hub" and "/datasets/" in r.path]
    storage_side = [r for r in requests if r.server == "storage"]
    assert hub_side and storage_side
    assert all(r.authorization == f"Bearer {TOKEN}" for r in hub_side)
    assert all(r.authorization is None for r in storage_side)
    # Every read of a file was a range, and the kept columns are a fraction of the file.
    assert all(r.status == 206 and r.headers.get("range") for r in storage_side)
    for path, fetched in served.items():
        assert 0 < fetched <= 0.25 * sizes[path], (path, fetched, sizes[path])
        # The lander reads the ids first, then every kept column: no chunk of the others.
        file = archive_folder / path
        assert fetched <= kept_bytes(file) + kept_bytes(file, "id") + FOOTER_READ + PROBE


def test_since_until_and_another_repo_and_pattern(archive_folder: Path, tmp_path: Path) -> None:
    flat = tmp_path / "flat"
    for day in WEEKS:
        target = flat / "weekly" / f"{day:%Y-%m-%d}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((archive_folder / week_path(day)).read_bytes())
    database = tmp_path / "hf.duckdb"
    with ArchiveHub.from_folder(flat, repo="someone/hub-archive") as hub:
        wrong = backfill(hub.url, database, "--repo", "someone/hub-archive", check=False)
        result = backfill(
            hub.url,
            database,
            "--repo",
            "someone/hub-archive",
            "--pattern",
            "weekly/{date}.parquet",
            "--since",
            WEEKS[1].isoformat(),
            "--until",
            WEEKS[1].isoformat(),
        )
    assert wrong.returncode == 1
    (line,) = error_lines(wrong)
    assert "no file matches models/{date}/models.parquet" in line
    assert [row[0] for row in landed(database)] == [WEEKS[1].isoformat()]
    assert "1 file(s) in the chosen weeks" in result.stderr


def test_a_bad_file_stops_with_one_line_and_a_rerun_resumes(
    archive_folder: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    for day in WEEKS:
        target = broken / week_path(day)
        target.parent.mkdir(parents=True)
        target.write_bytes((archive_folder / week_path(day)).read_bytes())
    (broken / week_path(WEEKS[1])).write_bytes(b"<html>not parquet</html>" * 100)
    database = tmp_path / "hf.duckdb"
    with ArchiveHub.from_folder(broken) as hub:
        result = backfill(hub.url, database, check=False)
    assert result.returncode == 1
    (line,) = error_lines(result)
    assert week_path(WEEKS[1]) in line and "not a readable Parquet file" in line
    assert [row[0] for row in landed(database)] == [WEEKS[0].isoformat()]

    (broken / week_path(WEEKS[1])).write_bytes((archive_folder / week_path(WEEKS[1])).read_bytes())
    with ArchiveHub.from_folder(broken) as hub:
        result = backfill(hub.url, database)
        first_week = hub.bytes_served(week_path(WEEKS[0]))
    assert "1 already landed, 2 to land" in result.stderr
    assert first_week == 0  # the landed week was not read again
    assert [row[0] for row in landed(database)] == [day.isoformat() for day in WEEKS]


@pytest.mark.parametrize("keep", [False, True])
def test_storage_refusing_ranges_downloads_whole_files(
    archive_folder: Path, tmp_path: Path, keep: bool
) -> None:
    database = tmp_path / "hf.duckdb"
    downloads = tmp_path / "downloads"
    args = ["--download-dir", str(downloads), *(["--keep-downloads"] if keep else [])]
    with ArchiveHub.from_folder(archive_folder, ranges=False, token=TOKEN) as hub:
        result = backfill(hub.url, database, *args, token=TOKEN)
        storage_side = [r for r in hub.requests if r.server == "storage"]
        whole = {week_path(day): hub.entries[week_path(day)].size for day in WEEKS}
    assert [row[0] for row in landed(database)] == [day.isoformat() for day in WEEKS]
    assert "downloaded whole" in result.stderr
    assert all(r.authorization is None for r in storage_side)
    # Every file was sent whole (the range probe's answer may be too, for files this small).
    assert all(r.status == 200 for r in storage_side if r.method == "GET")
    assert {r.body_bytes for r in storage_side} >= set(whole.values())
    kept = sorted(p.relative_to(downloads).as_posix() for p in downloads.rglob("*.parquet"))
    assert kept == (sorted(whole) if keep else [])


def test_a_missing_token_and_an_unreachable_hub_are_one_line_each(
    archive_folder: Path, tmp_path: Path
) -> None:
    database = tmp_path / "hf.duckdb"
    with ArchiveHub.from_folder(archive_folder, token=TOKEN) as hub:
        result = backfill(hub.url, database, check=False)
    assert result.returncode == 1
    (line,) = error_lines(result)
    assert "hfmlsoc/hub_weekly_snapshots" in line and "HF_TOKEN" in line

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    result = backfill(closed, database, check=False)
    assert result.returncode == 4
    (line,) = error_lines(result)
    assert closed in line
    assert not database.exists() or landed(database) == []


def test_the_weeks_numbers_are_the_files(archive_folder: Path, tmp_path: Path) -> None:
    """Each landed payload carries the file's own id, downloads and tags for that week."""
    database = tmp_path / "hf.duckdb"
    with ArchiveHub.from_folder(archive_folder) as hub:
        backfill(hub.url, database, "--until", WEEKS[0].isoformat())
    table = pq.read_table(archive_folder / week_path(WEEKS[0]), columns=["id", "downloads", "tags"])
    expected = {row["id"]: (row["downloads"], row["tags"]) for row in table.to_pylist()}
    rows = query(database, "select payload from raw.hf_models")
    got = {}
    for (payload,) in rows:
        obj = json.loads(payload)
        got[obj["id"]] = (obj.get("downloads"), obj.get("tags"))
    assert got == expected
