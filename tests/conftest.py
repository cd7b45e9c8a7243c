"""Shared test fixtures: the recorded response beside the repo and the warehouses built from it.

Building a warehouse is what costs a test its time (a dbt build of the fixture takes half a
minute or more on 2 cores), so each kind is built once per session, here, and shared by every
test that only reads it; a test that must change one copies the file (`copy_warehouse`).

- `fixture_warehouse`: the recorded response, one snapshot, built.
- `series`: the recorded response and a week-later copy (`second_snapshot`), built and drawn
  by `python -m plots` as `make plots` does.
- `real_shaped_100k`: 100k real-shaped models (bench.clone) built under a 96 MB memory cap.

The first two are built under time zones far from UTC (Kiritimati, UTC+14; Los Angeles,
UTC-8), so every test that reads them also checks that nothing depends on the machine's zone.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pytest
import requests
from filelock import FileLock

from tests.replay_hub import ReplayHub, iter_raw_objects

REPO = Path(__file__).resolve().parents[1]
# The real recorded response lives in ../shared, never in the repo.
FIXTURE = REPO.parent / "shared" / "data" / "hf_models_2025-12-01.json"
FIXTURE_SNAPSHOT_AT = "2025-12-01T21:00:00Z"
SECOND_SNAPSHOT_AT = "2025-12-08T21:00:00Z"
NEW_MODELS = 5
# The machine time zone each shared warehouse is built under (see the module docstring).
FIXTURE_TZ = "Pacific/Kiritimati"
SERIES_TZ = "America/Los_Angeles"
# The scale model of a 2M-model build under 600 MB (tests/test_memory_caps.py). Measured on
# 2026-12-03: the whole build passes at 80 MB and fails at 72 MB (in int_lineage_ancestors) since
# int_models_deduplicated runs on one thread (on two it failed at 80 MB); the code before the tag
# summary's fix (b126f0c) passes at 128 MB, so a larger cap would leave this test unable to fail
# on it.
REAL_SHAPED_CAP = "96MB"
BIN = Path(sys.executable).parent
T = TypeVar("T")


# Fixtures that build a warehouse (here or in a test module): a test that uses one, directly
# or through another fixture, is marked slow, so `make test-fast` leaves it out.
BUILDING_FIXTURES = frozenset(
    {
        "fixture_warehouse",
        "series",
        "real_shaped_100k",
        "story",  # test_daily.py: four `make daily`s
        "built_at_once",  # test_history.py
        "built_day_by_day",
        "one_full",  # test_catalogue.py
        "two_full",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BUILDING_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def run(
    cmd: Sequence[str | Path],
    database: Path | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
    timeout: float = 600,
    cwd: Path = REPO,
) -> subprocess.CompletedProcess[str]:
    """Run a project command from the repo root (or `cwd`), as a user would."""
    full_env = {**os.environ, **(env or {})}
    if database is not None:
        full_env["HF_TRENDS_DB"] = str(database)
    result = subprocess.run(
        [str(part) for part in cmd],
        cwd=cwd,
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
    database: Path,
    work_dir: Path,
    *args: str,
    unit_tests: bool = False,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
    own_process: bool = False,
    check: bool = True,
    project: Path = REPO,
) -> subprocess.CompletedProcess[str]:
    """dbt build with its target/ and logs/ in work_dir, so tests never touch the user's.

    Unit tests read no warehouse data, so only `fixture_warehouse` runs them (`unit_tests`);
    every other build would run the same 55 of them again (7 s a build).

    dbt runs in this process (dbtRunner, with the project parsed once per worker and file
    name) unless the test needs what only a process gives: its own environment (`env`: a time
    zone, a memory cap), a bound on its time (`timeout`), or what a user sees from a bare
    `dbt build` (`own_process`). A dbt process spends about 3 s importing dbt and loading its
    parse before its first node. In-process builds write no debug log (a second a build); the
    output they return says what failed.

    Either way dbt runs from the warehouse's folder with the file's bare name as HF_TRENDS_DB:
    dbt's partial-parse state hashes the profile's path, so warehouses of one file name (most
    are hf_trends.duckdb) share the parse of the first build (`_shared_parse`) instead of
    parsing the whole project again (about 3 s a build).
    """
    target = work_dir / "target"
    options = [
        "--project-dir",
        project,
        "--profiles-dir",
        project,
        "--target-path",
        target,
        "--log-path",
        work_dir / "logs",
    ]
    build = ["build", *options, *([] if unit_tests else ["--exclude-resource-type", "unit_test"])]
    parse = _shared_parse(database, project)
    if parse.exists() and not (target / PARTIAL_PARSE).exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(parse, target / PARTIAL_PARSE)
    if env is None and timeout is None and not own_process:
        # dbt's debug log of every statement costs about a second a build; the output it
        # returns says what failed.
        no_log = ["--log-level-file", "none"]
        parse_args = ["parse", *map(str, options), *no_log]
        build_args = [*map(str, build), *no_log, *args]
        result = _dbt_in_process(build_args, parse_args, database, project, check)
    else:
        result = run(
            [BIN / "dbt", *build, *args],
            database=Path(database.name),
            env=env,
            check=check,
            timeout=timeout or 600,
            cwd=database.parent,
        )
    if not parse.exists() and (target / PARTIAL_PARSE).exists():
        # Written aside, then renamed: another worker may be reading it.
        aside = parse.with_suffix(f".{os.getpid()}")
        shutil.copyfile(target / PARTIAL_PARSE, aside)
        aside.replace(parse)
    return result


# This worker's parse of each project dir, by warehouse file name: dbt's relations name the
# catalog, which DuckDB names after the file.
_manifests: dict[tuple[Path, str], Any] = {}


def _dbt_in_process(
    args: list[str], parse_args: list[str], database: Path, project: Path, check: bool
) -> subprocess.CompletedProcess[str]:
    """`dbt <args>` by dbtRunner, its output and exit code as the dbt command gives them; the
    project is parsed by `dbt <parse_args>` the first time this worker builds a file of this
    name with it."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.cli.main import dbtRunner

    output = io.StringIO()
    saved = os.environ.get("HF_TRENDS_DB")
    os.environ["HF_TRENDS_DB"] = database.name
    try:
        with (
            contextlib.chdir(database.parent),
            contextlib.redirect_stdout(output),
            contextlib.redirect_stderr(output),
        ):
            # --vars can change what the project parses to: those builds parse for themselves.
            key = (project, database.name)
            manifest = None if "--vars" in args else _manifests.get(key)
            if manifest is None and "--vars" not in args:
                parsed = dbtRunner().invoke(parse_args)
                manifest = _manifests[key] = parsed.result if parsed.success else None
            outcome = dbtRunner(manifest=manifest).invoke(args)
    finally:
        # dbt-duckdb keeps the file open in the process; the test's next reader needs it closed.
        DuckDBConnectionManager.close_all_connections()
        if saved is None:
            del os.environ["HF_TRENDS_DB"]
        else:
            os.environ["HF_TRENDS_DB"] = saved
    # dbt's exit codes: 1 when a node failed, 2 when dbt itself stopped.
    returncode = 0 if outcome.success else 2 if outcome.exception is not None else 1
    stderr = "" if outcome.exception is None else f"{outcome.exception}\n"
    result = subprocess.CompletedProcess(["dbt", *args], returncode, output.getvalue(), stderr)
    if check and returncode != 0:
        raise AssertionError(
            f"dbt {' '.join(args)} exited {returncode}\nstdout:\n{result.stdout}\n"
            f"stderr:\n{result.stderr}"
        )
    return result


PARTIAL_PARSE = "partial_parse.msgpack"
# The folder every pytest-xdist worker shares, set by `_shared_folder` before any test runs.
_parse_root: Path | None = None


def _shared_parse(database: Path, project: Path) -> Path:
    """Where dbt's parse of `project` for warehouses of this file name is kept for the run."""
    assert _parse_root is not None, "dbt_build runs inside a pytest session only"
    tag = "" if project == REPO else f"{hashlib.sha1(bytes(project)).hexdigest()[:12]}-"
    return _parse_root / f"dbt-parse-{tag}{database.name}.msgpack"


def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder all pytest-xdist workers of this run share: the parent of their own."""
    root = tmp_path_factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


@pytest.fixture(scope="session", autouse=True)
def _shared_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    global _parse_root
    _parse_root = shared_folder(tmp_path_factory)


def make_upgrade(database: Path, work_dir: Path) -> subprocess.CompletedProcess[str]:
    """`make upgrade`, as a user runs it, with dbt's target/ and logs/ in work_dir."""
    env = {"DBT_TARGET_PATH": str(work_dir / "target"), "DBT_LOG_PATH": str(work_dir / "logs")}
    return run(["make", "--no-print-directory", "upgrade"], database=database, env=env)


def query(database: Path, sql: str, params: Sequence[object] = ()) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], T]
) -> T:
    """`build(folder)` run once for the whole run, whatever the number of pytest-xdist workers.

    Each worker has its own session; without this, `make test -n 2` would build every shared
    warehouse twice. The first worker to ask builds under a lock in the folder all workers share
    (the parent of their base temp folders) and leaves the result there; the others wait for
    the lock and read it.
    """
    root = shared_folder(tmp_path_factory)
    work, result = root / name, root / f"{name}.pickle"
    with FileLock(root / f"{name}.lock"):
        if result.exists():
            return pickle.loads(result.read_bytes())  # type: ignore[no-any-return]
        # A worker whose build failed leaves its folder: build again, so each says why.
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        value = build(work)
        result.write_bytes(pickle.dumps(value))
    return value


@pytest.fixture(scope="session")
def fixture_file() -> Path:
    if not FIXTURE.exists():
        pytest.fail(f"recorded response not found at {FIXTURE}: ../shared must sit beside the repo")
    return FIXTURE


def copy_warehouse(database: Path, folder: Path) -> Path:
    """A writable copy of a shared warehouse, under the same file name (DuckDB names the
    catalog after the file, and dbt's relations name the catalog)."""
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(database, folder / database.name))


@pytest.fixture(scope="session")
def fixture_warehouse(tmp_path_factory: pytest.TempPathFactory, fixture_file: Path) -> Path:
    """The recorded response landed and built once per run. Read it, never write to it."""

    def build(work: Path) -> Path:
        database = work / "hf_trends.duckdb"
        env = {"TZ": FIXTURE_TZ}
        ingest(database, "--from-file", fixture_file, "--snapshot-at", FIXTURE_SNAPSHOT_AT, env=env)
        dbt_build(database, work, unit_tests=True, env=env)
        return database

    return built_once(tmp_path_factory, "fixture-warehouse", build)


def second_snapshot(recorded: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A week later: a tenth of the models dropped, a third more liked, five new ones."""
    later = []
    for i, model in enumerate(recorded):
        if i % 10 == 9:
            continue
        model = dict(model)
        if i % 3 == 0:
            model["likes"] += (i * 37) % 97
            model["downloads"] = int(model["downloads"] * 1.1)
        later.append(model)
    for k in range(NEW_MODELS):
        new = dict(recorded[k])
        new["id"] = new["modelId"] = f"example-org/new-model-{k}"
        new["_id"] = f"{k:024x}"
        new["createdAt"] = "2025-12-05T12:00:00.000Z"
        new["likes"] = 10 * k
        later.append(new)
    return later


@dataclass(frozen=True)
class Series:
    """Two snapshots a week apart, built, and what `python -m plots` drew from them."""

    database: Path
    out: Path
    result: subprocess.CompletedProcess[str]


@pytest.fixture(scope="session")
def series(tmp_path_factory: pytest.TempPathFactory, fixture_file: Path) -> Series:
    """The recorded response and `second_snapshot` of it a week later, landed, built and drawn
    once as `make plots` does. Read it, never write to it."""

    def build(work: Path) -> Series:
        database = work / "hf_trends.duckdb"
        later = work / "hf_models_2025-12-08.json"
        later.write_text(json.dumps(second_snapshot(json.loads(fixture_file.read_text()))))
        env = {"TZ": SERIES_TZ}
        ingest(database, "--from-file", fixture_file, "--snapshot-at", FIXTURE_SNAPSHOT_AT, env=env)
        ingest(database, "--from-file", later, "--snapshot-at", SECOND_SNAPSHOT_AT, env=env)
        dbt_build(database, work, env=env)
        out = work / "out"
        # The database comes from $HF_TRENDS_DB, as in `make plots`.
        result = run([sys.executable, "-m", "plots", "--out", out], database=database, env=env)
        return Series(database, out, result)

    return built_once(tmp_path_factory, "series", build)


@dataclass(frozen=True)
class RealShaped:
    """100k real-shaped models as served, and the build of them under a small memory cap."""

    served: Path
    database: Path
    build: subprocess.CompletedProcess[str]


@pytest.fixture(scope="session")
def real_shaped_100k(tmp_path_factory: pytest.TempPathFactory) -> RealShaped:
    """100k clones of the recorded response (bench.clone): 19 tags per model, as on the Hub,
    landed and built (data tests included) under REAL_SHAPED_CAP."""
    from bench.clone import main as clone

    def build(work: Path) -> RealShaped:
        served = work / "models.json"
        clone(["--models", "100000", "--out", str(served)])
        database = work / "hf_trends.duckdb"
        ingest(database, "--from-file", served, "--snapshot-at", FIXTURE_SNAPSHOT_AT)
        built = dbt_build(
            database,
            work,
            env={"HF_TRENDS_MEMORY_LIMIT": REAL_SHAPED_CAP},
            check=False,
        )
        return RealShaped(served, database, built)

    return built_once(tmp_path_factory, "real-shaped", build)


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
