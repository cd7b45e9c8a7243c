"""Shared test fixtures: the recorded response beside the repo, and a warehouse built from it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb
import pytest
import requests

from tests.replay_hub import ReplayHub, iter_raw_objects

REPO = Path(__file__).resolve().parents[1]
# The real recorded response lives in ../shared, never in the repo.
FIXTURE = REPO.parent / "shared" / "data" / "hf_models_2025-12-01.json"
FIXTURE_SNAPSHOT_AT = "2025-12-01T21:00:00Z"
BIN = Path(sys.executable).parent


def run(
    cmd: Sequence[str | Path],
    database: Path | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    """Run a project command from the repo root, as a user would."""
    full_env = {**os.environ, **(env or {})}
    if database is not None:
        full_env["HF_TRENDS_DB"] = str(database)
    result = subprocess.run(
        [str(part) for part in cmd],
        cwd=REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{cmd} exited {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result


def ingest(database: Path, *args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "ingest", *args], database=database, **kwargs)  # type: ignore[arg-type]


def dbt_build(
    database: Path, work_dir: Path, *args: str, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    """dbt build with its target/ and logs/ in work_dir, so tests never touch the user's."""
    cmd = [
        BIN / "dbt",
        "build",
        "--project-dir",
        ".",
        "--profiles-dir",
        ".",
        "--target-path",
        work_dir / "target",
        "--log-path",
        work_dir / "logs",
        *args,
    ]
    return run(cmd, database=database, **kwargs)  # type: ignore[arg-type]


def query(database: Path, sql: str, params: Sequence[object] = ()) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


@pytest.fixture(scope="session")
def fixture_file() -> Path:
    if not FIXTURE.exists():
        pytest.fail(f"recorded response not found at {FIXTURE}: ../shared must sit beside the repo")
    return FIXTURE


@pytest.fixture(scope="session")
def fixture_warehouse(tmp_path_factory: pytest.TempPathFactory, fixture_file: Path) -> Path:
    """The recorded response landed and built once per session. Read it, never write to it."""
    work = tmp_path_factory.mktemp("fixture-warehouse")
    database = work / "hf_trends.duckdb"
    ingest(database, "--from-file", fixture_file, "--snapshot-at", FIXTURE_SNAPSHOT_AT)
    dbt_build(database, work)
    return database


# --------------------------------------------------------------------------- crawling a ReplayHub


def crawl(
    database: Path, hub: ReplayHub, *args: str | Path, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    """`python -m ingest` against a ReplayHub, with retry waits too short to slow a test."""
    return ingest(database, "--endpoint", hub.url, "--backoff", "0.01", *args, **kwargs)


def served(hub: ReplayHub, params: dict[str, object] | None = None) -> list[tuple[str, str]]:
    """(id, exact object text) of everything the hub serves for a query, page after page.

    Fetched with plain requests, independently of the loader; call before injecting faults.
    """
    objects: list[tuple[str, str]] = []
    response = requests.get(f"{hub.url}/api/models", params=params, timeout=30)
    while True:
        response.raise_for_status()
        objects += [
            (o.get("id") or o["modelId"], raw) for o, raw in iter_raw_objects(response.text)
        ]
        if "next" not in response.links:
            return objects
        response = requests.get(response.links["next"]["url"], timeout=30)


@pytest.fixture
def replay_hub(fixture_file: Path) -> Iterator[ReplayHub]:
    """The recorded 1000 models behind a fresh local /api/models, faults and all."""
    with ReplayHub(fixture_file) as hub:
        yield hub
    assert hub.errors == []


@pytest.fixture(scope="session")
def generated_2500(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A realistic 2500-model listing: three pages at the Hub's 1000 cap."""
    from bench.generate import main as generate

    path = tmp_path_factory.mktemp("generated") / "models_2500.json"
    generate(["--models", "2500", "--out", str(path)])
    return path


def assert_landed_exactly(database: Path, objects: list[tuple[str, str]]) -> None:
    """raw.hf_models holds each served model once, as the later copy's exact text."""
    rows = query(database, "select model_id, payload::varchar from raw.hf_models")
    assert len(rows) == len({model_id for model_id, _ in rows}), "a model landed twice"
    assert dict(rows) == dict(objects)


def last_snapshot(database: Path) -> dict[str, object]:
    with duckdb.connect(str(database), read_only=True) as con:
        cursor = con.execute("select * from raw.snapshots order by started_at desc limit 1")
        row = cursor.fetchone()
        assert row is not None, "no snapshot recorded"
        return dict(zip([d[0] for d in cursor.description], row, strict=True))
