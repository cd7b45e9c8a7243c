"""report.html in headless Chromium, copied alone to another folder: it renders, every figure
and table shows, the tables sort, and a phone-width screen needs no sideways scrolling."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from matplotlib import image as mpimg

from plots.contents import FIGURES
from plots.sections import catalogue, publishers
from tests.conftest import Series

# Headless Chromium on the shared series' report.
pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_S = 90
# Once the page has loaded, marks each image and table, sorts the authors' table by its "Models"
# heading, and records the page's width, so --dump-dom shows what a reader would see.
CHECK_PAGE = """
<script>
window.addEventListener("load", () => {
  for (const img of document.images) {
    img.setAttribute("data-loaded", img.complete && img.naturalWidth > 0 ? "yes" : "no");
  }
  for (const table of document.querySelectorAll("table")) {
    const box = table.getBoundingClientRect();
    table.setAttribute("data-rows", table.tBodies[0].rows.length);
    table.setAttribute("data-shown", box.width > 0 && box.height > 0 ? "yes" : "no");
  }
  const authors = document.getElementById("table-authors");
  authors.tHead.rows[0].cells[1].querySelector("button").click();
  const sorted = Array.from(authors.tBodies[0].rows, (r) => Number(r.cells[1].dataset.value));
  document.body.setAttribute("data-sorted-models", sorted.join(","));
  document.body.setAttribute("data-page-width", document.documentElement.scrollWidth);
  document.body.setAttribute("data-window-width", window.innerWidth);
  document.body.setAttribute("data-checked", "yes");
  // In a phone-sized frame (PHONE_HOST), tell the page around it what was measured.
  if (window.parent !== window) {
    window.parent.postMessage(
      {page: document.documentElement.scrollWidth, window: window.innerWidth}, "*");
  }
});
</script>
"""
# Headless Chromium will not make its window narrower than 500 px, so the phone is a frame.
PHONE = (390, 844)
PHONE_HOST = f"""<!DOCTYPE html>
<html><body style="margin:0">
<iframe src="report.html" style="width:{PHONE[0]}px;height:{PHONE[1]}px;border:0"></iframe>
<script>
window.addEventListener("message", (event) => {{
  document.body.setAttribute("data-page-width", event.data.page);
  document.body.setAttribute("data-window-width", event.data.window);
  document.body.setAttribute("data-checked", "yes");
}});
</script>
</body></html>
"""


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


def test_report_screenshot_is_not_blank(chromium: Path, series: Series, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    headless(
        chromium,
        tmp_path / "profile",
        f"--screenshot={shot}",
        "--window-size=1280,2000",
        "--hide-scrollbars",
        "--virtual-time-budget=5000",
        (series.out / "report.html").as_uri(),
    )
    pixels = mpimg.imread(shot)
    assert pixels.shape[:2] == (2000, 1280)
    assert pixels.std() > 0.05, "the screenshot is blank"
    grey = pixels[..., :3].mean(axis=2)
    assert (grey < 0.9).mean() > 0.01, "the screenshot is nearly empty"


def report_alone(series: Series, folder: Path) -> Path:
    """report.html copied into a folder of its own, with the checking script added."""
    folder.mkdir()
    page = (series.out / "report.html").read_text(encoding="utf-8")
    alone = folder / "report.html"
    alone.write_text(page.replace("</body>", CHECK_PAGE + "</body>"), encoding="utf-8")
    return alone


def dump_dom(chromium: Path, page: Path, profile: Path, width: int, height: int) -> str:
    result = headless(
        chromium,
        profile,
        "--run-all-compositor-stages-before-draw",
        "--virtual-time-budget=5000",
        f"--window-size={width},{height}",
        "--dump-dom",
        page.as_uri(),
    )
    assert 'data-checked="yes"' in result.stdout, "the load handler never ran"
    return result.stdout


def attribute(tag: str, name: str) -> str:
    found = re.search(rf'{name}="([^"]*)"', tag)
    assert found is not None, (name, tag[:200])
    return found[1]


def test_report_alone_shows_every_figure_and_table(
    chromium: Path, series: Series, tmp_path: Path
) -> None:
    # Nothing else in the folder: a figure that still pointed at a file beside it would break.
    page = report_alone(series, tmp_path / "elsewhere")
    assert [p.name for p in page.parent.iterdir()] == ["report.html"]
    dom = dump_dom(chromium, page, tmp_path / "profile", 1280, 2000)
    images = re.findall(r"<img\b[^>]*>", dom)
    # The catalogue's figures (no data on a sample) are one note, without images or tables.
    drawn = [s for s in FIGURES if s not in catalogue.PART.figures]
    assert [attribute(tag, "data-figure") for tag in images] == [s.name for s in drawn]
    assert [tag for tag in images if 'data-loaded="yes"' not in tag] == []
    tables = {
        attribute(tag, "id"): tag for tag in re.findall(r'<table class="sortable"[^>]*>', dom)
    }
    expected = [t.name for s in drawn for t in s.tables]
    expected += [t.name for t in publishers.TABLES]
    assert sorted(tables) == sorted(expected)
    for name, tag in tables.items():
        assert attribute(tag, "data-shown") == "yes", name
        assert int(attribute(tag, "data-rows")) > 0, name


def test_report_tables_sort_on_a_click(chromium: Path, series: Series, tmp_path: Path) -> None:
    page = report_alone(series, tmp_path / "elsewhere")
    dom = dump_dom(chromium, page, tmp_path / "profile", 1280, 2000)
    body = re.search(r"<body[^>]*>", dom)
    assert body is not None
    models = [int(v) for v in attribute(body[0], "data-sorted-models").split(",")]
    assert len(models) > 1
    assert models == sorted(models), "one click sorts the column ascending"
    assert models != sorted(models, reverse=True), "the fixture's authors differ in models"


def test_report_fits_a_phone_screen(chromium: Path, series: Series, tmp_path: Path) -> None:
    page = report_alone(series, tmp_path / "elsewhere")
    host = page.with_name("phone.html")
    host.write_text(PHONE_HOST, encoding="utf-8")
    width, height = PHONE
    dom = dump_dom(chromium, host, tmp_path / "profile", 800, height + 100)
    body = re.search(r"<body[^>]*>", dom)
    assert body is not None
    window = int(attribute(body[0], "data-window-width"))
    assert window == width, f"the report saw a {window}px screen, not a phone's"
    # Wide tables scroll inside their own box; the page itself never scrolls sideways.
    assert int(attribute(body[0], "data-page-width")) <= window
    shot = tmp_path / "phone.png"
    headless(
        chromium,
        tmp_path / "profile-shot",
        f"--screenshot={shot}",
        f"--window-size=800,{height + 100}",
        "--hide-scrollbars",
        "--virtual-time-budget=5000",
        host.as_uri(),
    )
    pixels = mpimg.imread(shot)[:height, :width]
    grey = pixels[..., :3].mean(axis=2)
    assert (grey < 0.9).mean() > 0.01, "the phone screenshot is nearly empty"
