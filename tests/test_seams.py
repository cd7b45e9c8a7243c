"""The seams between the loader, the warehouse and the plots (issue 14's Python part)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import yaml

from hf_common.cli import DEFAULT_DATABASE, DEFAULT_MEMORY_LIMIT, MEMORY_LIMIT_VARIABLE
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


def exit_code_3_sites(source: str) -> list[str]:
    """Where `source` spells exit code 3 itself: an EXIT_* name bound to 3, `return 3`, or 3
    passed to sys.exit/exit/SystemExit; each as 'line: what'."""
    sites = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
            values = [v.value for v in ast.walk(node.value) if isinstance(v, ast.Constant)]
            if 3 in values and any(name.startswith("EXIT_") for name in names):
                sites.append(f"{node.lineno}: {', '.join(names)} = 3")
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Constant):
            if node.value.value == 3:
                sites.append(f"{node.lineno}: return 3")
        elif isinstance(node, ast.Call) and any(
            isinstance(arg, ast.Constant) and arg.value == 3 for arg in node.args
        ):
            name = ast.unparse(node.func)
            if name in {"sys.exit", "exit", "SystemExit"}:
                sites.append(f"{node.lineno}: {name}(3)")
    return sorted(sites, key=lambda site: int(site.split(":")[0]))


def test_the_exit_code_check_finds_every_spelling() -> None:
    source = (
        "import sys\nEXIT_BUSY = 3\nEXIT_A, EXIT_B = 1, 3\n"
        "def f():\n    return 3\ndef g():\n    sys.exit(3)\n    raise SystemExit(3)\n"
    )
    assert exit_code_3_sites(source) == [
        "2: EXIT_BUSY = 3",
        "3: EXIT_A, EXIT_B = 3",
        "5: return 3",
        "7: sys.exit(3)",
        "8: SystemExit(3)",
    ]


def test_exit_code_3_is_defined_once() -> None:
    sources = sorted(
        p for folder in ("ingest", "plots", "hf_common") for p in (REPO / folder).rglob("*.py")
    )
    sites = {
        str(p.relative_to(REPO)): found
        for p in sources
        if (found := exit_code_3_sites(p.read_text()))
    }
    assert list(sites) == ["hf_common/cli.py"]
    ((line, what),) = (site.split(": ") for site in sites["hf_common/cli.py"])
    assert what == "EXIT_LOCKED = 3" and line.isdigit()


def test_the_history_table_is_named_in_dbt_project_only() -> None:
    project = yaml.safe_load((REPO / "dbt_project.yml").read_text())["vars"]
    assert retention.history_relation() == (project["history_schema"], project["history_table"])
    model = (REPO / "models" / "history" / f"{project['history_table']}.sql").read_text()
    assert "var('history_schema')" in model and "var('history_table')" in model
    python = [p for folder in ("ingest", "plots") for p in (REPO / folder).rglob("*.py")]
    assert not [p.name for p in python if project["history_table"] in p.read_text()]


def test_the_defaults_are_defined_once_in_python() -> None:
    """The warehouse path and the memory cap are hf_common.cli's; make and dbt read theirs
    before any Python runs, so those copies are held to it here."""
    makefile = (REPO / "Makefile").read_text()
    assert f"export HF_TRENDS_DB ?= {DEFAULT_DATABASE}\n" in makefile
    profiles = (REPO / "profiles.yml").read_text()
    assert f"env_var('{MEMORY_LIMIT_VARIABLE}', '{DEFAULT_MEMORY_LIMIT}')" in profiles
    python = sorted(
        p
        for folder in ("ingest", "plots", "hf_common", "bench")
        for p in (REPO / folder).rglob("*.py")
        if p != REPO / "hf_common" / "cli.py"
    )
    spelled = [
        p.name
        for p in python
        if DEFAULT_DATABASE in p.read_text() or f'"{DEFAULT_MEMORY_LIMIT}"' in p.read_text()
    ]
    assert spelled == []


def test_no_intermediate_model_reads_a_mart() -> None:
    """Layers flow one way: staging -> intermediate (and history) -> marts -> reporting."""
    marts = {p.stem for p in (REPO / "models" / "marts").rglob("*.sql")}
    backwards = {
        p.stem: sorted(set(re.findall(r"ref\('([a-z_0-9]+)'\)", p.read_text())) & marts)
        for folder in ("intermediate", "history")
        for p in (REPO / "models" / folder).glob("*.sql")
    }
    assert {model: refs for model, refs in backwards.items() if refs} == {}


def plots_imports(source: str) -> tuple[set[str], list[str]]:
    """The plots modules `source` imports anywhere, and those it imports inside a function, by
    their dotted name under plots (`report`, `sections.claims`)."""
    tree = ast.parse(source)
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    nested = {id(n) for f in functions for n in ast.walk(f) if n is not f}
    found: set[str] = set()
    in_functions: list[str] = []
    for node in ast.walk(tree):
        names: set[str] = set()
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "plots":
            package = (node.module or "").removeprefix("plots").lstrip(".")
            # `from plots.sections import claims` imports plots.sections.claims.
            names = {".".join(filter(None, (package, alias.name))) for alias in node.names}
            names = {n if n in PLOTS_MODULES else package for n in names}
        elif isinstance(node, ast.Import):
            names = {
                a.name.removeprefix("plots.") for a in node.names if a.name.startswith("plots.")
            }
        found |= names
        if names and id(node) in nested:
            in_functions += sorted(names)
    return found, in_functions


def plots_module_name(path: Path) -> str:
    return ".".join(path.relative_to(REPO / "plots").with_suffix("").parts)


PLOTS_MODULES = {plots_module_name(p) for p in (REPO / "plots").rglob("*.py")}


def import_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of `graph` as the modules along it, or [] when there is none."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(module: str) -> list[str]:
        state[module] = "open"
        path.append(module)
        for imported in sorted(graph.get(module, ())):
            if state.get(imported) == "open":
                return [*path[path.index(imported) :], imported]
            if imported not in state and (cycle := visit(imported)):
                return cycle
        state[module] = "done"
        path.pop()
        return []

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return []


def test_the_cycle_check_finds_a_cycle_through_a_function_import() -> None:
    graph = {
        "report": plots_imports("from plots import contents\n")[0],
        "contents": plots_imports("from plots.sections import claims\n")[0],
        "sections.claims": plots_imports("from plots.data import x\n")[0],
        "data": plots_imports("def f():\n    from plots.report import y\n")[0],
    }
    assert import_cycle(graph) == ["contents", "sections.claims", "data", "report", "contents"]
    assert plots_imports("def f():\n    import plots.report\n") == ({"report"}, ["report"])


def test_plots_has_no_import_cycle() -> None:
    sources = {plots_module_name(p): p.read_text() for p in (REPO / "plots").rglob("*.py")}
    found = {module: plots_imports(source) for module, source in sources.items()}
    graph = {module: imports for module, (imports, _) in found.items()}
    assert import_cycle(graph) == []
    assert {m: inside for m, (_, inside) in found.items() if inside} == {}
    assert graph["shared"] == set(), "the shared types import nothing else from plots/"
