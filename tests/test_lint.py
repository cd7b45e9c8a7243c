"""House conventions that ruff and sqlfluff cannot check, and the lint tooling's own wiring."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

MAKEFILE = (REPO / "Makefile").read_text()
# One list of SQL folders: the one `make lint` hands to sqlfluff.
SQL_PATHS = re.search(r"^SQL_PATHS := (.+)$", MAKEFILE, flags=re.M)[1].split()  # type: ignore[index]
SQL_FILES = sorted(f for folder in SQL_PATHS for f in (REPO / folder).rglob("*.sql"))
MODELS = sorted((REPO / "models").rglob("*.sql"))
# Targets a user is told about in the README; `bench` joins once its target exists.
DOCUMENTED_TARGETS = {
    "run", "test", "ingest", "build", "plots", "docs", "docs-static", "shell", "lint", "clean",
    "daily", "freshness",
}  # fmt: skip


def ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(REPO)) for p in paths]


@pytest.mark.parametrize("path", SQL_FILES, ids=ids(SQL_FILES))
def test_sql_indents_in_four_spaces(path: Path) -> None:
    # sqlfluff's LT02 is off (see .sqlfluff): this keeps the indent unit honest without it.
    bad = [
        number
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "\t" in line or (len(line) - len(line.lstrip(" "))) % 4
    ]
    assert bad == [], f"{path.name}: lines {bad} are not indented in multiples of 4 spaces"


@pytest.mark.parametrize("path", MODELS, ids=ids(MODELS))
def test_model_ends_with_select_from_final(path: Path) -> None:
    assert path.read_text().rstrip().splitlines()[-1] == "select * from final"


@pytest.mark.parametrize("path", MODELS, ids=ids(MODELS))
def test_model_imports_come_first(path: Path) -> None:
    """ref() and source() appear only in the leading CTEs, so a model's inputs are in one place."""
    body = path.read_text()
    ctes = re.split(r"^(?:with\s+)?\w+ as \($", body, flags=re.M)[1:]
    assert ctes, f"{path.name} has no CTEs"
    imports = [bool(re.search(r"\{\{\s*(ref|source)\(", cte)) for cte in ctes]
    assert imports == sorted(imports, reverse=True), (
        f"{path.name}: a CTE reading ref()/source() follows one that does not"
    )


def test_pre_commit_hooks_are_local_and_installed() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    # Remote hook repositories cannot be fetched here; the venv's pinned tools are used instead.
    assert {repo["repo"] for repo in config["repos"]} == {"local"}
    assert {hook["language"] for hook in hooks} == {"system"}
    for hook in hooks:
        executable = hook["entry"].split()[0]
        assert executable.startswith(".venv/bin/"), hook["id"]
        assert (REPO / executable).exists(), f"{hook['id']}: {executable} is not installed"
    entries = " ".join(hook["entry"] for hook in hooks)
    assert "ruff check" in entries and "ruff format --check" in entries
    assert "sqlfluff lint" in entries


def test_make_help_describes_every_target() -> None:
    phony = set(re.findall(r"^\.PHONY: *(.+)$", MAKEFILE, flags=re.M))
    phony = {target for line in phony for target in line.split()}
    help_text = subprocess.run(
        ["make", "--no-print-directory", "help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    listed = set(re.findall(r"^  make (\S+) +\S", help_text, flags=re.M))
    assert listed >= DOCUMENTED_TARGETS
    assert phony <= listed, f"targets without a `## description`: {sorted(phony - listed)}"


def test_make_help_prints_values_in_one_column() -> None:
    env_free = {"PATH": "/usr/bin:/bin", "HF_TRENDS_DB": "/data/elsewhere.duckdb"}
    help_text = subprocess.run(
        ["make", "--no-print-directory", "help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        env=env_free,
    ).stdout
    assert "$(" not in help_text, "a variable is printed unexpanded"
    assert "/data/elsewhere.duckdb" in help_text and "plots/out" in help_text
    lines = help_text.splitlines()
    starts = {re.match(r"  make \S+ +", line).end() for line in lines}  # type: ignore[union-attr]
    assert len(starts) == 1, "the descriptions do not start in one column"


def model_specs(folder: str) -> dict[str, dict]:
    specs = {}
    for path in (REPO / "models" / folder).rglob("_*__models.yml"):
        for spec in yaml.safe_load(path.read_text()).get("models", []):
            specs[spec["name"]] = spec
    return specs


@pytest.mark.parametrize("folder", ["marts", "history"])
def test_every_mart_and_column_is_described_and_typed(folder: str) -> None:
    """What the docs site and the shell's comments show: nothing a reader must guess."""
    specs = model_specs(folder)
    sql_models = {p.stem for p in (REPO / "models" / folder).rglob("*.sql")}
    assert sql_models == set(specs), "every model has a yml entry, and every entry a model"
    for name, spec in specs.items():
        assert spec.get("description"), name
        for column in spec["columns"]:
            assert column.get("description"), f"{name}.{column['name']}"
            assert column.get("data_type"), f"{name}.{column['name']}: the contract needs a type"


@pytest.mark.parametrize("folder", ["marts", "history"])
def test_every_mart_has_a_primary_key_test(folder: str) -> None:
    for name, spec in model_specs(folder).items():
        unique = [c["name"] for c in spec["columns"] if "unique" in c.get("data_tests", [])]
        combined = [
            t for t in spec.get("data_tests", []) if "unique_combination_of_columns" in str(t)
        ]
        assert unique or combined, f"{name} has no unique key test"
