"""The DuckDB shell users meet the warehouse in: `make shell`, the example queries in analyses/,
the comments dbt persists, and what `make build` says while the shell holds the file."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from hf_common.cli import missing_warehouse_message
from tests.conftest import BIN, REPO, Series, dbt_build

DUCKDB_CLI = BIN / "duckdb"
ANALYSES = sorted((REPO / "analyses").glob("*.sql"))
SCHEMAS = {"raw", "staging", "intermediate", "history", "marts", "reference"}
# Make must not reinstall the venv mid-test (that needs the network and minutes): `-o` treats
# the install stamps as up to date whether or not they exist.
STAMPS = (".venv/.installed-runtime", ".venv/.installed-dev")
MAKE = ["make", "--no-print-directory", *(f"--old-file={stamp}" for stamp in STAMPS)]


def run(
    cmd: list[str], env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, cwd=REPO, env=env, input=stdin, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="session")
def warehouse(series: Series) -> Path:
    """Two snapshots (tests/conftest.py): one would leave the growth and history marts empty."""
    return series.database


def make_env(database: Path) -> dict[str, str]:
    # MAKEFLAGS from an outer `make test` would leak -o/-j choices into ours.
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    return {**env, "HF_TRENDS_DB": str(database)}


def shell_json(database: Path, sql: str) -> list[dict[str, object]]:
    """Run SQL in the pinned DuckDB CLI, read-only, and return the last statement's rows."""
    cmd = [str(DUCKDB_CLI), "-readonly", "-bail", "-json", str(database)]
    result = run(cmd, stdin=sql)
    assert result.returncode == 0, result.stderr
    arrays = json_arrays(result.stdout)
    return arrays[-1] if arrays else []


def json_arrays(output: str) -> list[list[dict[str, object]]]:
    """The CLI's -json mode prints one array per statement with rows, nothing for no rows."""
    decoder, arrays, position = json.JSONDecoder(), [], 0
    while (start := output.find("[", position)) != -1:
        value, position = decoder.raw_decode(output, start)
        arrays.append(value)
    return arrays


def test_pinned_cli_matches_library() -> None:
    version = run([str(DUCKDB_CLI), "--version"]).stdout
    assert version.startswith(f"v{duckdb.__version__} "), (version, duckdb.__version__)


@pytest.mark.parametrize("analysis", ANALYSES, ids=[p.stem for p in ANALYSES])
def test_example_query_returns_rows(warehouse: Path, analysis: Path) -> None:
    sql = analysis.read_text()
    assert re.match(r"-- Question: \S", sql), f"{analysis.name} must open with its question"
    # Schema-qualified names, so each runs in a bare shell as well as through `make shell`.
    rows = shell_json(warehouse, sql)
    assert rows, f"{analysis.name} returned no rows on the fixture warehouse"


def test_analyses_are_listed_in_the_docs() -> None:
    querying = (REPO / "docs" / "querying.md").read_text()
    for analysis in ANALYSES:
        assert f"](../analyses/{analysis.name})" in querying, (
            f"{analysis.name} is missing from docs/querying.md"
        )


def test_make_shell_finds_marts_by_plain_name(warehouse: Path) -> None:
    sql = ".mode json\nselect * from models limit 1;\nselect current_setting('TimeZone') as tz;\n"
    result = run([*MAKE, "shell"], env=make_env(warehouse), stdin=sql)
    assert result.returncode == 0, result.stderr
    model, setting = json_arrays(result.stdout)
    assert model[0]["model_id"]
    assert setting == [{"tz": "UTC"}]


def test_make_shell_is_read_only(warehouse: Path) -> None:
    result = run([*MAKE, "shell"], env=make_env(warehouse), stdin="create table t as select 1;\n")
    assert "read-only" in result.stderr.lower() or "read only" in result.stderr.lower()
    assert run([*MAKE, "shell"], env=make_env(warehouse), stdin="from t;\n").returncode != 0


def test_make_shell_refuses_a_missing_warehouse(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.duckdb"
    result = run([*MAKE, "shell"], env=make_env(missing), stdin="select 1;\n")
    assert result.returncode != 0
    # The same line python -m plots prints (tests/test_plots.py), offline path included.
    assert missing_warehouse_message(missing) in result.stderr
    plots = run([sys.executable, "-m", "plots", "--out", str(tmp_path)], env=make_env(missing))
    assert missing_warehouse_message(missing) in plots.stderr
    assert not missing.exists(), "the shell must not leave an empty warehouse behind"


def test_model_history_takes_the_model_from_a_variable(warehouse: Path) -> None:
    analysis = (REPO / "analyses" / "model_history.sql").read_text()
    (chosen,) = shell_json(
        warehouse, "select model_id from marts.models order by downloads limit 1 offset 7;"
    )
    picked = shell_json(warehouse, f"set variable model_id = '{chosen['model_id']}';\n{analysis}")
    assert picked and {row["model_id"] for row in picked} == {chosen["model_id"]}
    default = shell_json(warehouse, analysis)
    assert default and {row["model_id"] for row in default} != {chosen["model_id"]}


def test_column_comments_are_one_line(warehouse: Path) -> None:
    """The shell prints a newline inside a comment as a literal \\n."""
    wrapped = shell_json(
        warehouse,
        r"""
        select schema_name, table_name, column_name from duckdb_columns()
        where comment like '%' || chr(10) || '%' or comment like '%\n%'
        union all
        select schema_name, table_name, null from duckdb_tables()
        where comment like '%' || chr(10) || '%';
        """,
    )
    assert wrapped == []


def readme_python() -> str:
    querying = (REPO / "docs" / "querying.md").read_text()
    habits = querying.split("## Using the results", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```python\n(.*?)```", habits, flags=re.S)
    return code


def test_readme_python_opens_the_warehouse_read_only(warehouse: Path, tmp_path: Path) -> None:
    # The snippet as printed, run from a checkout whose warehouse is the test's.
    (tmp_path / "warehouse").mkdir()
    (tmp_path / "warehouse" / "hf_trends.duckdb").symlink_to(warehouse)
    line = "    frame = top.df()  # a pandas DataFrame\n"
    code = readme_python()
    assert line in code
    # Then, inside the snippet's with block, try to write through its connection.
    code = code.replace(
        line, line + "    assert len(frame) == 5\n    con.execute('create table t (x int)')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0, "the warehouse opened for writing"
    assert "read-only" in result.stderr.lower(), result.stderr[-500:]
    assert "[(" in result.stdout, "the query printed no rows"


def test_dbt_descriptions_are_comments_in_the_warehouse(warehouse: Path) -> None:
    tables = shell_json(
        warehouse,
        "select table_name, comment from duckdb_tables() where schema_name = 'marts';",
    )
    assert {t["table_name"] for t in tables} >= {"models", "snapshots", "category_popularity"}
    assert all(t["comment"] for t in tables), [t["table_name"] for t in tables if not t["comment"]]
    undocumented = shell_json(
        warehouse,
        """
        select table_name, column_name from duckdb_columns()
        where schema_name = 'marts' and coalesce(comment, '') = '';
        """,
    )
    assert undocumented == []
    (downloads,) = shell_json(
        warehouse,
        """
        select comment from duckdb_columns()
        where schema_name = 'marts' and table_name = 'models' and column_name = 'downloads';
        """,
    )
    assert "last 30 days" in str(downloads["comment"])


def test_schemas_are_plain_layer_names(warehouse: Path) -> None:
    rows = shell_json(
        warehouse,
        "select distinct schema_name from duckdb_schemas() "
        "where database_name = current_database() and not internal;",
    )
    assert {r["schema_name"] for r in rows} == SCHEMAS
    # Nothing of ours may land in the default schema either.
    assert shell_json(warehouse, "select * from duckdb_tables() where schema_name = 'main';") == []


@pytest.fixture
def lock_holder(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """A small warehouse held open by another process, as `make shell` or a loader would."""
    database = tmp_path / "held.duckdb"
    duckdb.connect(str(database)).close()
    read_only: bool = request.param
    hold = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro'); "
        "print('ready', flush=True); sys.stdin.read()"
    )
    mode = "ro" if read_only else "rw"
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, str(database), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        yield database
    finally:
        holder.communicate(timeout=30)


# A read-only holder is what `make shell` leaves: DuckDB lets readers share, never with a writer.
@pytest.mark.parametrize(
    "lock_holder", [True, False], ids=["shell-holds", "writer-holds"], indirect=True
)
def test_make_build_says_the_warehouse_is_in_use(lock_holder: Path, tmp_path: Path) -> None:
    # Should the pre-flight let dbt through, its target/ and logs/ stay out of the checkout.
    args = f"--project-dir . --profiles-dir . --target-path {tmp_path}/t --log-path {tmp_path}/l"
    result = run([*MAKE, "build", f"DBT_ARGS={args}"], env=make_env(lock_holder))
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"warehouse {lock_holder} is in use by another process" in output
    assert "Close the DuckDB shell" in output
    assert "Traceback" not in output
    # The pre-flight stops make before dbt starts (and prints its adapter stack trace).
    assert "Running with dbt" not in output


@pytest.mark.parametrize("lock_holder", [False], ids=["writer-holds"], indirect=True)
def test_make_shell_says_the_warehouse_is_in_use(lock_holder: Path) -> None:
    result = run([*MAKE, "shell"], env=make_env(lock_holder), stdin="select 1;\n")
    assert result.returncode != 0
    assert "is in use by another process" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("lock_holder", [False], ids=["writer-holds"], indirect=True)
def test_bare_dbt_build_says_the_warehouse_is_in_use(lock_holder: Path, tmp_path: Path) -> None:
    # No make, so no pre-flight: the profile's plugin (ingest/dbt_lock.py) has to say it.
    result = dbt_build(lock_holder, tmp_path, own_process=True, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    # dbt_build names the file as HF_TRENDS_DB from its own folder; the message repeats it.
    assert f"warehouse {lock_holder.name} is in use by another process" in output
    assert "Traceback" not in output
    assert len(output.splitlines()) < 20
