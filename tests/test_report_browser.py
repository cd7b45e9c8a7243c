"""report.html in headless Chromium: it renders, and every figure it references loads."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from matplotlib import image as mpimg

from plots.catalog import FIGURES
from tests.test_plots import Built, build_once

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_S = 90
# Marks each image once the page has loaded, so --dump-dom shows which ones decoded.
MARK_IMAGES = """
<script>
window.addEventListener("load", () => {
  for (const img of document.images) {
    img.setAttribute("data-loaded", img.complete && img.naturalWidth > 0 ? "yes" : "no");
  }
  document.body.setAttribute("data-checked", "yes");
});
</script>
"""


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, fixture_file: Path) -> Built:
    # Shared with tests/test_plots.py: the warehouse and figures are built once per session.
    return build_once(tmp_path_factory, fixture_file)


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


def headless(chromium: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        str(chromium),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def test_report_screenshot_is_not_blank(chromium: Path, built: Built, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    headless(
        chromium,
        tmp_path / "profile",
        f"--screenshot={shot}",
        "--window-size=1280,2000",
        "--hide-scrollbars",
        "--virtual-time-budget=5000",
        (built.out / "report.html").as_uri(),
    )
    pixels = mpimg.imread(shot)
    assert pixels.shape[:2] == (2000, 1280)
    assert pixels.std() > 0.05, "the screenshot is blank"
    grey = pixels[..., :3].mean(axis=2)
    assert (grey < 0.9).mean() > 0.01, "the screenshot is nearly empty"


def test_every_report_image_loads(chromium: Path, built: Built, tmp_path: Path) -> None:
    # A copy beside the original, so the figures' relative paths resolve the same way.
    page = (built.out / "report.html").read_text(encoding="utf-8")
    checked = built.out / "report-image-check.html"
    checked.write_text(page.replace("</body>", MARK_IMAGES + "</body>"), encoding="utf-8")
    result = headless(
        chromium,
        tmp_path / "profile",
        "--run-all-compositor-stages-before-draw",
        "--virtual-time-budget=5000",
        "--dump-dom",
        checked.as_uri(),
    )
    dom = result.stdout
    assert 'data-checked="yes"' in dom, "the load handler never ran"
    images = re.findall(r"<img\b[^>]*>", dom)
    assert len(images) == len(FIGURES)
    broken = [tag for tag in images if 'data-loaded="yes"' not in tag]
    assert broken == []
    for tag in images:
        src = re.search(r'src="([^"]+)"', tag)
        assert src is not None
        assert mpimg.imread(built.out / src.group(1)).size > 0
