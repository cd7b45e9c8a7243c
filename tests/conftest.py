"""Shared test fixtures: the recorded response beside the repo, and a warehouse built from it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pytest

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
