"""Every shell command in README.md and docs/, run as written from a fresh clone.

The fenced `sh` blocks are read in order, file by file, and each command runs in one copy of
the repository's tracked files (with ../shared beside it, as a clone has), so a later command
sees what an earlier one landed. A command that needs the network, hours, or the host's
scheduler is listed in NOT_RUN with the reason; one that serves until stopped is started in
the background for the commands after it. The venv is the repository's own, linked in, with
the install stamps a clone that already ran `make` has.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, query

pytestmark = pytest.mark.slow

DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
NETWORK = "needs the live Hub"
NOT_RUN = {
    "make run": NETWORK,
    "make ingest INGEST_ARGS=--all": NETWORK,
    ".venv/bin/python -m ingest": NETWORK,
    ".venv/bin/python -m ingest --all": NETWORK,
    ".venv/bin/python -m ingest --all --sort createdAt --page-size 1000": NETWORK,
    ".venv/bin/python -m ingest --limit 5000 --pipeline-tag text-to-image --sort downloads": (
        NETWORK
    ),
    ".venv/bin/python -m ingest --all --author google --expand downloadsAllTime --expand likes": (
        NETWORK
    ),
    ".venv/bin/python -m ingest --all --expand-hub-fields": NETWORK,
    "HF_TRENDS_MEMORY_LIMIT=4GB .venv/bin/python -m ingest --all": NETWORK,
    "make test": "the suite itself",
    "make test-fast": "a part of the suite itself",
    "systemctl --user daemon-reload && systemctl --user enable --now hf-trends-daily.timer": (
        "installs a timer on the host"
    ),
    'loginctl enable-linger "$USER"': "changes the host's login settings",
    "journalctl --user -u hf-trends-daily -n 20": "reads the host's journal",
    "make backfill": NETWORK,
    'make backfill BACKFILL_ARGS="--since 2025-06-01"': NETWORK,
    'make backfill BACKFILL_ARGS="--since 2025-01-01 --until 2025-03-31 --batch 8"': NETWORK,
    # tests/test_backfill_build.py runs this make backfill against tests.archive_hub.
    ".venv/bin/python -m tests.archive_hub --folder path/to/repo": "a folder of the reader's own",
    "HF_ENDPOINT=http://127.0.0.1:PORT make backfill": "the port the line before printed",
    ".venv/bin/python -m ingest --from-file saved/2026-03-14.json "
    "--snapshot-at 2026-03-14T04:17:00Z": "a response the reader saved: no such file here",
}
# Servers: started in the background, stopped after the document's last command.
BACKGROUND = {
    ".venv/bin/python -m tests.replay_hub --data ../shared/data/hf_models_2025-12-01.json "
    "--port 8765": 8765,
}
# What the docs say a command prints, where it is not exit 0.
EXPECTED_OUTPUT = {
    'HF_TRENDS_DB=warehouse/old.duckdb make freshness || echo "exit $?"': "exit 2",
    'make prune || echo "exit $?"': "exit 2",
}
# make's install stamps: a clone that already ran make has them, newer than pyproject.toml.
STAMPS = (".installed-runtime", ".installed-dev")


def shell_commands(path: Path) -> list[str]:
    """The commands of `path`'s ```sh blocks, without comments, continuation lines joined."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", path.read_text(), flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command and not command.startswith("#"):
                commands.append(re.sub(r"\s+", " ", command))
    return commands


def test_the_extraction_reads_blocks_comments_and_continuations(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(
        "text `make inline`\n```sh\nmake a   # why\n# only a comment\nmake b \\\n  C=1\n```\n"
        "```sql\nselect 1;\n```\n```sh\nmake c\n```\n"
    )
    assert shell_commands(doc) == ["make a", "make b C=1", "make c"]


def test_every_skipped_command_is_still_in_the_docs() -> None:
    written = {command for path in DOCUMENTS for command in shell_commands(path)}
    assert set(NOT_RUN) - written == set(), "NOT_RUN lists a command the docs no longer give"
    assert set(BACKGROUND) <= written


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The tracked files (as they are now, edits included), ../shared beside them."""
    root = tmp_path_factory.mktemp("fresh-clone")
    files = (
        subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=REPO,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    copy = root / "hf-trends"
    for name in filter(None, files):
        source = REPO / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    # The repository's venv, linked in part by part, with the copy's own install stamps: make
    # must never reinstall it from the copy (its editable install would point at a folder
    # deleted after the test).
    venv = copy / ".venv"
    venv.mkdir()
    for part in (REPO / ".venv").iterdir():
        if part.name not in STAMPS:
            (venv / part.name).symlink_to(part)
    for stamp in STAMPS:
        (venv / stamp).touch()
    (root / "shared").symlink_to(REPO.parent / "shared")
    yield copy
    installed = subprocess.run(
        [venv / "bin" / "python", "-c", "import ingest; print(ingest.__file__)"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert installed.stdout.startswith(str(REPO)), f"make reinstalled .venv: {installed}"


def wait_for_port(port: int, server: subprocess.Popen[str]) -> None:
    for _ in range(600):
        assert server.poll() is None, f"the server exited {server.returncode}"
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port}")


@pytest.fixture
def servers() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for server in started:
        server.terminate()
        server.wait(timeout=60)


def environment() -> dict[str, str]:
    # The user's own settings and an outer make's flags must not leak into the docs' commands.
    leaks = {"MAKEFLAGS", "GNUMAKEFLAGS", "MAKELEVEL", "MFLAGS", "HF_TRENDS_DB", "DOCS_URL"}
    return {k: v for k, v in os.environ.items() if k not in leaks}


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_command_runs_from_a_fresh_clone(
    document: Path, clone: Path, servers: list[subprocess.Popen[str]]
) -> None:
    env = environment()
    for command in shell_commands(document):
        if command in NOT_RUN:
            continue
        if command in BACKGROUND:
            server = subprocess.Popen(
                ["bash", "-c", f"exec {command}"],
                cwd=clone,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            servers.append(server)
            wait_for_port(BACKGROUND[command], server)
            continue
        result = subprocess.run(
            ["bash", "-c", command], cwd=clone, env=env, capture_output=True, text=True
        )
        said = f"{document.name}: {command}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        assert result.returncode == 0, said
        if command in EXPECTED_OUTPUT:
            assert EXPECTED_OUTPUT[command] in result.stdout, said


def test_the_newcomers_path_ends_with_a_linked_report(clone: Path) -> None:
    # Runs after the README's commands (pytest keeps the order): the recorded response was
    # landed and built, the docs site was written beside the report and linked relatively.
    report = (clone / "plots" / "out" / "report.html").read_text()
    assert (clone / "plots" / "out" / "static_index.html").is_file()
    assert 'href="static_index.html#!/model/model.hf_trends.models"' in report
    landed = query(clone / "warehouse" / "hf_trends.duckdb", "select count(*) from raw.snapshots")
    assert landed[0][0] >= 2  # the recording, and the crawl of its replay
