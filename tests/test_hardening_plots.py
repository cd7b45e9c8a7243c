"""A Hub label of any length is bounded before drawing; the tables keep its full text
(issue 23, item 5)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from plots import contents, data, figures, tables
from plots.sections import categories
from tests.conftest import FIXTURE_SNAPSHOT_AT, dbt_build, ingest
from tests.replay_hub import iter_raw_objects

pytestmark = pytest.mark.slow

HUGE_TAG = "p" * 100_000


@pytest.fixture(scope="module")
def huge_label_warehouse(tmp_path_factory: pytest.TempPathFactory, fixture_file: Path) -> Path:
    """The recorded response, its most downloaded model's pipeline_tag 100,000 characters."""
    work = tmp_path_factory.mktemp("huge-label")
    objects = [obj for obj, _ in iter_raw_objects(fixture_file.read_text(encoding="utf-8"))]
    top = max(objects, key=lambda obj: obj.get("downloads") or 0)
    top["pipeline_tag"] = HUGE_TAG
    saved = work / "huge_label.json"
    saved.write_text(json.dumps(objects), encoding="utf-8")
    database = work / "w.duckdb"
    ingest(database, "--from-file", saved, "--snapshot-at", FIXTURE_SNAPSHOT_AT)
    dbt_build(database, work)
    return database


def test_a_huge_category_is_ellipsised_in_the_figure_and_whole_in_its_table(
    huge_label_warehouse: Path, tmp_path: Path
) -> None:
    spec = next(s for s in contents.FIGURES if s.name == "downloads_by_category")
    with duckdb.connect(str(huge_label_warehouse), read_only=True) as con:
        loaded = categories.category_metric(con, metric="total_downloads")
        # Checked before anything is drawn: unbounded, the drawing takes minutes and 20 GB.
        assert max(len(c) for c in loaded.categories) == data.MAX_LABEL_CHARS
        assert HUGE_TAG[: data.MAX_LABEL_CHARS - 1] + "…" in loaded.categories
        table = tables.load(con, categories.DOWNLOADS_BY_CATEGORY)
        assert HUGE_TAG in [row[0] for row in table.rows]
        rendered = figures.render(spec, con, "Sample: test.")
    assert not rendered.failed and rendered.placeholder_reason is None
    ticks = [t.get_text() for t in rendered.fig.axes[0].get_yticklabels()]
    assert max(len(t) for t in ticks) < figures.MODEL_LABEL_CHARS + 20
    assert len(rendered.title) < 200
    out = tmp_path / "downloads_by_category.png"
    rendered.fig.savefig(out, dpi=50, bbox_inches="tight")
    assert out.stat().st_size > 0
