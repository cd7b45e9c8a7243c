"""The seams between the loader, the warehouse and the plots (issue 14's Python part)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import yaml

from ingest import retention
from tests.conftest import REPO, run


def test_a_lock_check_runs_no_ddl(tmp_path: Path) -> None:
    database = tmp_path / "bare.duckdb"
    duckdb.connect(str(database)).close()
    run([sys.executable, "-m", "ingest.lockcheck", "--database", database])
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute("select schema_name from duckdb_schemas()").fetchall()
    assert "raw" not in {row[0] for row in rows}


def test_plots_do_not_import_the_loader() -> None:
    code = (
        "import sys, plots.cli, plots.export; "
        "print(sorted(m for m in sys.modules if m == 'ingest' or m.startswith('ingest.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_exit_code_3_is_defined_once() -> None:
    sources = [
        p for folder in ("ingest", "plots", "hf_common") for p in (REPO / folder).glob("*.py")
    ]
    defining = [
        p.name for p in sources if "EXIT_LOCKED =" in p.read_text() or "= 3\n" in p.read_text()
    ]
    assert defining == ["cli.py"]


def test_the_history_table_is_named_in_dbt_project_only() -> None:
    project = yaml.safe_load((REPO / "dbt_project.yml").read_text())["vars"]
    assert retention.history_relation() == (project["history_schema"], project["history_table"])
    model = (REPO / "models" / "history" / f"{project['history_table']}.sql").read_text()
    assert "var('history_schema')" in model and "var('history_table')" in model
    python = [p for folder in ("ingest", "plots") for p in (REPO / folder).glob("*.py")]
    assert not [p.name for p in python if project["history_table"] in p.read_text()]
