"""Makefile recipes take any path whole: spaces, quotes and $ never split it (issue 23, item 1)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

# Everything a shell or make could split or expand: a space, both quotes, $, a glob, a pipe.
NASTY = "my warehouse 'q' \"d\" $HOME * |x"

STUB = """#!/bin/sh
# Records how it was called instead of running: the test checks each path arrived whole.
exec python3 -c 'import json, os, sys
with open(os.environ["STUB_LOG"], "a") as log:
    log.write(json.dumps({"argv": sys.argv[1:], "db": os.environ.get("HF_TRENDS_DB")}) + "\\n")
' "$@"
"""


def make(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a target from the scratch folder `cwd`: on a broken recipe, a glob in a split path
    then matches files there, not the repo's (as it did once, deleting README.md and more)."""
    return subprocess.run(
        ["make", "--no-print-directory", "-f", str(REPO / "Makefile"), *args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_clean_warehouse_deletes_the_warehouse_and_nothing_else(tmp_path: Path) -> None:
    """The issue's exact case: `$D/my` survived, the warehouse went."""
    precious = tmp_path / "my"
    precious.write_text("precious\n")
    database = tmp_path / "my warehouse.duckdb"
    database.touch()
    (tmp_path / "my warehouse.duckdb.wal").touch()
    result = make("clean-warehouse", env={"HF_TRENDS_DB": str(database)}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert precious.read_text() == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my"]


def test_clean_warehouse_with_quotes_and_dollar_in_the_path(tmp_path: Path) -> None:
    folder = tmp_path / NASTY
    folder.mkdir()
    database = folder / "w.duckdb"
    database.touch()
    bystanders = [tmp_path / "my", folder / "w"]
    for path in bystanders:
        path.write_text("keep")
    result = make("clean-warehouse", env={"HF_TRENDS_DB": str(database)}, cwd=folder)
    assert result.returncode == 0, result.stderr
    assert not database.exists()
    assert all(path.read_text() == "keep" for path in bystanders)


@pytest.fixture
def stub_bin(tmp_path: Path) -> Path:
    folder = tmp_path / "stub-bin"
    folder.mkdir()
    for name in ("python", "dbt", "duckdb"):
        path = folder / name
        path.write_text(STUB)
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return folder


def stubbed(stub_bin: Path) -> list[str]:
    """make variables for a run outside the repo, with the stand-ins as the venv's programs."""
    return [f"BIN={stub_bin}", "RUNTIME="]


TARGETS = {
    "fixture": ("--from-file", "FIXTURE"),
    "plots": ("--out", "PLOTS_OUT"),
    "export": ("--out", "EXPORT_DIR"),
}


def test_every_recipe_passes_paths_whole(tmp_path: Path, stub_bin: Path) -> None:
    """Each target runs with stand-ins for python/dbt/duckdb that record their arguments."""
    log = tmp_path / "calls.jsonl"
    paths = {
        "HF_TRENDS_DB": str(tmp_path / NASTY / "w.duckdb"),
        "FIXTURE": str(tmp_path / NASTY / "saved.json"),
        "PLOTS_OUT": str(tmp_path / NASTY / "out"),
        "EXPORT_DIR": str(tmp_path / NASTY / "export"),
        "DBT_TARGET_PATH": str(tmp_path / NASTY / "target"),
    }
    env = {**paths, "STUB_LOG": str(log)}
    scratch = tmp_path / NASTY
    scratch.mkdir()
    targets = ["fixture", "build", "plots", "freshness", "export", "shell", "shell-rw"]
    for target in [*targets, "prune"]:
        extra = ["KEEP=1"] if target == "prune" else []
        result = make(target, *stubbed(stub_bin), *extra, env=env, cwd=scratch)
        assert result.returncode == 0, f"make {target}: {result.stderr}"
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert {call["db"] for call in calls} == {paths["HF_TRENDS_DB"]}
    argv_seen = [call["argv"] for call in calls]
    for flag, variable in TARGETS.values():
        assert any(
            flag in argv and argv[argv.index(flag) + 1] == paths[variable] for argv in argv_seen
        ), f"{variable} did not arrive whole after {flag}: {argv_seen}"
    # The shells open the warehouse itself, named whole as their last argument.
    assert sum(argv[-1] == paths["HF_TRENDS_DB"] for argv in argv_seen) == 2


def test_daily_passes_its_loader_flags_whole(tmp_path: Path, stub_bin: Path) -> None:
    log = tmp_path / "calls.jsonl"
    flags = "--snapshot-at '2026-01-01T06:00:00Z' \"$x\""
    env = {"STUB_LOG": str(log), "DAILY_INGEST_ARGS": flags}
    result = make("daily", *stubbed(stub_bin), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (call,) = [json.loads(line) for line in log.read_text().splitlines()]
    assert f"--ingest-args={flags}" in call["argv"]


def test_clean_and_help_never_splice_a_path_into_the_shell(tmp_path: Path) -> None:
    """`make clean` would delete the venv, so only its recipe is read (make -n)."""
    out = str(tmp_path / NASTY)
    dry = make("-n", "clean", env={"PLOTS_OUT": out, "EXPORT_DIR": out}, cwd=tmp_path)
    assert dry.returncode == 0 and NASTY not in dry.stdout
    shown = make("help", env={"HF_TRENDS_DB": out}, cwd=tmp_path)
    assert shown.returncode == 0 and f"({out})" in shown.stdout
