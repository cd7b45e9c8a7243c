"""`make docs-static`: the dbt docs site for a fixture warehouse, offline, as a browser shows it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from matplotlib import image

from tests.conftest import BIN, REPO, run

CHROMIUM = Path("/usr/bin/chromium")
PAGE = "#!/model/model.hf_trends.models"
# Offline means no proxy either: any request dbt made would fail at once instead of being served.
PROXIES = ["http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
DEAD_PROXY = "http://127.0.0.1:9"
# Everything that would reach for the network or a desktop session is off: the site must render
# from the one file, and the test must not hang on a keyring or an update check.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--virtual-time-budget=10000",
    "--window-size=1280,900",
]


@pytest.fixture(scope="module")
def docs_target(fixture_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`dbt docs generate --static` into a temporary target/, as `make docs-static` runs it."""
    work = tmp_path_factory.mktemp("docs")
    target = work / "target"
    run(
        [
            BIN / "dbt", "docs", "generate", "--static",
            "--project-dir", ".", "--profiles-dir", ".",
            "--target-path", target, "--log-path", work / "logs",
        ],
        database=fixture_warehouse,
        env={"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", **dict.fromkeys(PROXIES, DEAD_PROXY)},
    )  # fmt: skip
    return target


def load(target: Path, name: str) -> dict[str, Any]:
    return json.loads((target / name).read_text())


@pytest.fixture(scope="module")
def chromium() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    reason = f"{CHROMIUM} not found: install it (apt-get install chromium) to render the docs site"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def render(chromium: Path, page: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    profile.mkdir(exist_ok=True)
    return subprocess.run(
        [str(chromium), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, page],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def visible_text(dom: str) -> str:
    """The text a reader sees: the static site also embeds the manifest as a script."""
    dom = re.sub(r"<(script|style)\b.*?</\1>", " ", dom, flags=re.S | re.I)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom))


def test_every_mart_column_has_a_description(docs_target: Path) -> None:
    catalog, manifest = load(docs_target, "catalog.json"), load(docs_target, "manifest.json")
    marts = {
        unique_id: table
        for unique_id, table in catalog["nodes"].items()
        if table["metadata"]["schema"] == "marts"
    }
    assert "model.hf_trends.models" in marts
    missing = [
        f"{unique_id}.{column}"
        for unique_id, table in marts.items()
        for column in table["columns"]
        if not manifest["nodes"][unique_id]["columns"].get(column, {}).get("description")
    ]
    assert missing == []
    assert all(manifest["nodes"][unique_id]["description"] for unique_id in marts)


def test_analyses_compile_and_are_described(docs_target: Path) -> None:
    manifest = load(docs_target, "manifest.json")
    for path in sorted((REPO / "analyses").glob("*.sql")):
        node = manifest["nodes"][f"analysis.hf_trends.{path.stem}"]
        assert node["description"], f"{path.name} needs a description in analyses/_analyses.yml"
        compiled = docs_target / "compiled" / "hf_trends" / "analyses" / path.name
        assert compiled.read_text().strip() == path.read_text().strip(), "plain SQL, no Jinja"


@pytest.mark.browser
def test_static_site_renders_the_models_mart(
    docs_target: Path, chromium: Path, tmp_path: Path
) -> None:
    site = docs_target / "static_index.html"
    page = site.as_uri() + PAGE
    dom = render(chromium, page, tmp_path / "profile", "--dump-dom").stdout
    text = visible_text(dom)
    assert "models table" in text, "the models mart's page did not render"
    assert "One row per model on the Hub" in text  # its description
    assert "last 30 days" in text  # the downloads column's docs block

    shot = tmp_path / "models.png"
    render(chromium, page, tmp_path / "profile", f"--screenshot={shot}")
    pixels = image.imread(shot)[..., :3].reshape(-1, 3)
    background = (pixels == pixels[0]).all(axis=1).mean()
    assert background < 0.95, f"screenshot is {background:.0%} one colour: blank page?"
    colours = len({tuple(p) for p in pixels[:: max(1, len(pixels) // 20000)].tolist()})
    assert colours > 20, f"screenshot has only {colours} colours"
    shutil.copy(shot, docs_target / "models.png")  # kept beside the site for a human look


def dbt_ls(database: Path, work: Path, selector: str) -> list[str]:
    result = run(
        [
            BIN / "dbt", "ls", "--quiet", "--resource-type", "model", "--select", selector,
            "--project-dir", ".", "--profiles-dir", ".",
            "--target-path", work / "target", "--log-path", work / "logs",
        ],
        database=database,
        env={"DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
    )  # fmt: skip
    return result.stdout.split()


def test_readme_says_how_to_select_the_models_mart(fixture_warehouse: Path, tmp_path: Path) -> None:
    """docs/querying.md's selectors do what it says: the mart alone, or the models/ folder."""
    readme = (REPO / "docs" / "querying.md").read_text()
    assert "--select marts.models" in readme and "--select path:models " in readme
    assert dbt_ls(fixture_warehouse, tmp_path, "marts.models") == ["hf_trends.marts.models"]
    assert dbt_ls(fixture_warehouse, tmp_path, "path:models/marts/models.sql") == [
        "hf_trends.marts.models"
    ]
    everything = dbt_ls(fixture_warehouse, tmp_path, "path:models")
    assert len(everything) == len(list((REPO / "models").rglob("*.sql")))
