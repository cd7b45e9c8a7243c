"""Tests of `python -m plots` and `python -m plots.export` on a two-snapshot warehouse.

The warehouse is tests/conftest.py's `series`: the recorded response plus a modified copy a
week later, built and drawn once per session. Every figure's plotted values are compared with
the reporting marts they are selected from, and every fact in the report with the served JSON;
what the marts compute is tested in dbt (unit tests in
models/marts/reporting/_reporting__models.yml) and against the seed's pandas steps
(tests/test_dbt_build.py).
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import io
import itertools
import json
import math
import re
import shutil
import statistics
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import fields, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from markupsafe import escape
from matplotlib import image as mpimg
from matplotlib.backends.backend_agg import FigureCanvasAgg

from hf_common.cli import missing_warehouse_message
from plots import cli, data, export, figures, shared, style
from plots import report as html_report
from plots.contents import FIGURES, report_marts, select_facts
from plots.figures import render
from plots.sections import catalogue, publishers
from plots.sections import claims as claims_section
from plots.sections import findings as findings_section
from plots.sections import growth as growth_section
from plots.sections import sample as sample_section
from plots.sections.catalogue import CatalogueFacts
from plots.sections.categories import CategoryFacts
from plots.sections.claims import Claim
from plots.sections.growth import GrowthFacts
from plots.sections.popularity import PopularityFacts
from plots.sections.releases import YearFacts
from plots.sections.sample import SampleFacts
from plots.shared import Facts, Section
from plots.style import percent
from plots.warehouse import open_warehouse
from tests.conftest import REPO, SECOND_SNAPSHOT_AT, Series, run, second_snapshot

# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def warehouse(series: Series) -> Path:
    return series.database


@pytest.fixture(scope="session")
def con(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def caption(con: duckdb.DuckDBPyConnection) -> str:
    return data.sample(con).caption


def sql(con: duckdb.DuckDBPyConnection, query: str, params: list[Any] | None = None) -> list:
    return con.execute(query, params or []).fetchall()


def scalar(con: duckdb.DuckDBPyConnection, query: str) -> Any:
    return sql(con, query)[0][0]


def drawn(name: str, con: duckdb.DuckDBPyConnection, caption: str) -> shared.Rendered:
    spec = next(s for s in FIGURES if s.name == name)
    rendered = render(spec, con, caption)
    assert rendered.placeholder_reason is None, rendered.placeholder_reason
    return rendered


def assert_not_blank(path: Path) -> None:
    pixels = mpimg.imread(path)
    assert pixels.std() > 0.05, f"{path.name} looks blank"
    # Over 2% of the pixels must differ from the background, not just a title on white.
    grey = pixels[..., :3].mean(axis=2)
    assert (grey < 0.9).mean() > 0.02, f"{path.name} is nearly empty"


# --------------------------------------------------------------------------- the CLI


def test_every_figure_and_the_report_are_written(series: Series) -> None:
    assert series.result.returncode == 0
    for spec in FIGURES:
        path = series.out / f"{spec.name}.png"
        assert path.is_file(), spec.name
        assert_not_blank(path)
        assert f"wrote {path}" in series.result.stderr
    assert (series.out / "report.html").is_file()
    # Two snapshots and every mart built: only the full-catalogue figures fall back to a
    # placeholder, since these snapshots are samples (tests/test_catalogue.py checks them).
    assert f"({len(catalogue.PART.figures)} placeholders)" in series.result.stderr


def test_help_exits_zero() -> None:
    result = run([sys.executable, "-m", "plots", "--help"])
    assert "--format" in result.stdout and "--database" in result.stdout


def test_missing_warehouse_is_one_clear_line(tmp_path: Path) -> None:
    result = run(
        [sys.executable, "-m", "plots", "--out", tmp_path / "out"],
        database=tmp_path / "absent.duckdb",
        check=False,
    )
    assert result.returncode != 0
    # The same words as make shell's (tests/test_shell.py): the offline path included.
    assert missing_warehouse_message(tmp_path / "absent.duckdb") in result.stderr
    assert "make fixture build plots" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_warehouse_without_marts_is_one_clear_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    result = run(
        [sys.executable, "-m", "plots", "--database", empty, "--out", tmp_path], check=False
    )
    assert result.returncode == 1
    assert "no marts: run make build first" in result.stderr
    assert "Traceback" not in result.stderr


def test_locked_warehouse_exits_3(warehouse: Path, tmp_path: Path) -> None:
    copy = tmp_path / "locked.duckdb"
    shutil.copy(warehouse, copy)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "print('ready', flush=True); time.sleep(60)",
            str(copy),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        result = run(
            [sys.executable, "-m", "plots", "--database", copy, "--out", tmp_path], check=False
        )
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 3
    assert "in use" in result.stderr and "lock" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- plotted values = marts
# Each number is computed once, in a reporting mart (models/marts/reporting/, tested by dbt); here
# what the figures draw and the report writes is compared with those marts' rows.


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("downloads_by_category", "total_downloads"),
        ("likes_by_category", "total_likes"),
        ("trending_score_by_category", "total_trending_score"),
    ],
)
def test_category_bars_equal_the_mart(
    con: duckdb.DuckDBPyConnection, caption: str, name: str, column: str
) -> None:
    plotted = drawn(name, con, caption).plotted
    expected = dict(sql(con, f"select category, {column} from marts.category_popularity"))
    assert sorted(plotted["labels"]) == sorted(expected)
    assert plotted["values"] == pytest.approx([expected[c] for c in plotted["labels"]])
    assert plotted["values"] == sorted(plotted["values"], reverse=True)
    assert len(plotted["labels"]) >= 40  # every category gets its own readable row


def test_modality_share_equals_the_marts(con: duckdb.DuckDBPyConnection, caption: str) -> None:
    plotted = drawn("modality_share", con, caption).plotted
    expected = dict(sql(con, "select modality, share_of_models from marts.modality_share"))
    assert dict(zip(plotted["modalities"], plotted["modality_shares"], strict=True)) == (
        pytest.approx(expected)
    )
    assert None in plotted["modalities"]  # models without a category are drawn too
    rows = sql(
        con,
        "select research_group, share_of_models, share_of_downloads "
        "from marts.research_group_share order by models_rank",
    )
    assert plotted["groups"] == [r[0] for r in rows]
    assert plotted["group_model_shares"] == pytest.approx([r[1] for r in rows])
    assert plotted["group_download_shares"] == pytest.approx([r[2] for r in rows])


def test_legends_are_labelled_by_the_legend_mart(
    con: duckdb.DuckDBPyConnection, caption: str
) -> None:
    labels = dict(sql(con, "select modality, modality_label from marts.modality_legend"))
    figure = drawn("modality_share", con, caption).fig
    ticks = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    plotted = drawn("modality_share", con, caption).plotted
    assert ticks == [labels[m] for m in plotted["modalities"]]
    assert labels[None] in ticks


def test_releases_by_year_equal_the_mart(con: duckdb.DuckDBPyConnection, caption: str) -> None:
    plotted = drawn("releases_by_year", con, caption).plotted
    expected = dict(sql(con, "select release_year_bucket, model_count from marts.releases_by_year"))
    assert dict(zip(plotted["labels"], plotted["values"], strict=True)) == expected
    # The placeholder bucket is drawn last, apart from the real years.
    assert "placeholder" in plotted["labels"][-1]


def test_releases_by_month_equal_the_marts(con: duckdb.DuckDBPyConnection, caption: str) -> None:
    rendered = drawn("releases_by_month", con, caption)
    plotted = rendered.plotted
    totals = dict(
        sql(
            con, "select strftime(release_month, '%Y-%m-%d'), model_count from marts.release_months"
        )
    )
    drawn_totals = dict(zip(plotted["months"], plotted["totals"], strict=True))
    assert {m: k for m, k in drawn_totals.items() if k} == totals
    ((label,),) = sql(
        con, "select modality_label from marts.modality_legend where modality = 'nlp'"
    )
    nlp = dict(
        sql(
            con,
            "select strftime(release_month, '%Y-%m-%d'), model_count "
            "from marts.release_trends where modality = 'nlp'",
        )
    )
    drawn_nlp = dict(zip(plotted["months"], plotted[label], strict=True))
    assert {m: k for m, k in drawn_nlp.items() if k} == nlp
    ((peak, count),) = sql(
        con, "select strftime(release_month, '%B %Y'), model_count from marts.release_months "
        "where month_rank = 1",
    )  # fmt: skip
    assert f"{count:,} of the" in rendered.title and peak in rendered.title


def test_modality_share_by_year_equals_the_mart(
    con: duckdb.DuckDBPyConnection, caption: str
) -> None:
    rendered = drawn("modality_share_by_year", con, caption)
    plotted = rendered.plotted
    rows = sql(
        con,
        "select release_year, share_of_year, year_model_count from marts.modality_share_by_year "
        "where modality = 'nlp' order by release_year",
    )
    assert plotted["years"] == [r[0] for r in rows]
    assert plotted["nlp"] == pytest.approx([r[1] for r in rows])
    assert plotted["totals"] == [r[2] for r in rows]
    for year, share, _ in rows:
        assert f"{percent(share)} ({year})" in rendered.title


def test_concentration_equals_the_marts(con: duckdb.DuckDBPyConnection, caption: str) -> None:
    rendered = drawn("download_concentration", con, caption)
    plotted = rendered.plotted
    ranks = sql(
        con,
        "select download_rank, downloads, share_of_models, cumulative_download_share "
        "from marts.download_ranks order by download_rank",
    )
    positive = [r for r in ranks if r[1] > 0]
    assert list(plotted["ranks"]) == [r[0] for r in positive]
    assert list(plotted["downloads"]) == [r[1] for r in positive]
    assert plotted["model_shares"] == pytest.approx([r[2] for r in ranks])
    assert plotted["cumulative_shares"] == pytest.approx([r[3] for r in ranks])
    ((top_n, top_share),) = sql(
        con, "select top_1pct_model_count, top_1pct_download_share from marts.popularity_summary"
    )
    assert plotted["top_n"] == [top_n]
    assert plotted["top_share"] == pytest.approx([top_share])
    assert f"({top_n:,}) hold {percent(top_share)}" in rendered.title


def test_scatter_equals_the_marts(con: duckdb.DuckDBPyConnection, caption: str) -> None:
    rendered = drawn("likes_vs_downloads", con, caption)
    plotted = rendered.plotted
    rows = {r[0]: r[1:] for r in sql(con, "select model_id, downloads, likes from marts.models")}
    assert sorted(plotted["model_ids"]) == sorted(rows)
    for model_id, x, y in zip(
        plotted["model_ids"], plotted["downloads_plus_1"], plotted["likes_plus_1"], strict=True
    ):
        assert (x, y) == (rows[model_id][0] + 1, rows[model_id][1] + 1)
    ((r, zeros),) = sql(
        con,
        "select downloads_likes_pearson_r, zero_likes_or_downloads_count "
        "from marts.popularity_summary",
    )
    assert plotted["pearson_r"][0] == pytest.approx(r)
    assert f"r = {r:.2f}" in rendered.title
    assert f"({zeros:,} of {len(rows):,})" in rendered.caption


def test_growth_equals_the_marts(con: duckdb.DuckDBPyConnection, caption: str) -> None:
    rendered = drawn("growth", con, caption)
    plotted = rendered.plotted
    rows = sql(
        con,
        "select model_id, likes_per_day from marts.latest_model_growth "
        "where growth_rank <= 15 order by growth_rank",
    )
    assert plotted["model_ids"] == [r[0] for r in rows]
    assert plotted["likes_per_day"] == pytest.approx([r[1] for r in rows])
    shifts = sql(
        con,
        "select category, share_change_points from marts.category_share_change "
        "where change_rank <= 15 order by change_rank",
    )
    assert plotted["categories"] == [r[0] for r in shifts]
    assert plotted["share_change_points"] == pytest.approx([r[1] for r in shifts])
    ((ties, rate),) = sql(con, "select top_tie_count, top_likes_per_day from marts.growth_summary")
    assert f"{ties:,} models tie" in rendered.title and f"{rate:,.1f} likes a day" in rendered.title


def test_growth_panels_compare_the_same_two_snapshots(con: duckdb.DuckDBPyConnection) -> None:
    models = sql(con, "select previous_snapshot_at, snapshot_at from marts.growth_summary")
    categories = sql(
        con,
        "select distinct previous_snapshot_at, latest_snapshot_at from marts.category_share_change",
    )
    assert models == categories


def test_growth_axis_labels_do_not_overlap(con: duckdb.DuckDBPyConnection, caption: str) -> None:
    fig = drawn("growth", con, caption).fig
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    left, right = fig.axes[:2]
    left_box = left.xaxis.label.get_window_extent(renderer)
    right_box = right.xaxis.label.get_window_extent(renderer)
    assert left_box.x1 < right_box.x0, "the two x-axis labels run into each other"
    # Tick labels of one axis must not overlap each other either.
    ticks = [t.get_window_extent(renderer) for t in right.get_xticklabels() if t.get_text()]
    assert all(a.x1 < b.x0 for a, b in itertools.pairwise(ticks)), "tick labels overlap"


def flat_growth(compared: int = 991) -> growth_section.Growth:
    """Two snapshots in which no model gained a like and no category moved."""
    from datetime import datetime

    return growth_section.Growth(
        previous_at=datetime(2025, 12, 1, 21),
        latest_at=datetime(2025, 12, 8, 21),
        days_between=7.0,
        model_ids=[f"org/model-{i}" for i in range(15)],
        model_modalities=["nlp"] * 15,
        likes_per_day=[0.0] * 15,
        likes_change=[0] * 15,
        compared_models=compared,
        top_tie_count=compared,
        categories=["text-generation", "text-to-image"],
        category_modalities=["nlp", "cv"],
        share_change_points=[0.0, 0.0],
        legend=data.Legend({"nlp": "Natural language", "cv": "Computer vision"}),
    )


def test_no_growth_is_said_not_drawn_as_zero_bars() -> None:
    rendered = growth_section.draw_growth(flat_growth(), "Sample: test.")
    assert rendered.title.startswith("No growth: none of the 991 models gained likes")
    assert "tie" not in rendered.title
    # No zero-length bars: the panels say it in words.
    assert rendered.plotted["model_ids"] == [] and rendered.plotted["categories"] == []
    assert all(not ax.patches or not ax.axison for ax in rendered.fig.axes[:2])
    words = [t.get_text() for ax in rendered.fig.axes[:2] for t in ax.texts]
    assert any("No growth" in w for w in words) and any("No change" in w for w in words)


def test_report_says_no_growth_instead_of_a_tie_at_zero() -> None:
    facts = GrowthFacts(
        previous_date="2025-12-01",
        latest_date="2025-12-08",
        model_count=991,
        median_likes_per_day=0.0,
        top_model="org/model-0",
        top_likes_per_day=0.0,
        top_tie_count=991,
        text_generation_share_of_likes_gained=None,
        text_generation_share_of_models=None,
    )
    sentence = growth_section.growth_sentence(facts)
    assert "no growth" in sentence and "tied" not in sentence and "0.0 a day" not in sentence
    grown = growth_section.growth_sentence(replace(facts, top_likes_per_day=2.5, top_tie_count=1))
    assert "org/model-0 the most (2.5 a day)" in grown


def test_partial_month_is_marked(con: duckdb.DuckDBPyConnection, caption: str) -> None:
    rendered = drawn("releases_by_month", con, caption)
    ((month, until),) = sql(
        con, "select release_month, observed_until from marts.release_months where is_partial_month"
    )
    assert rendered.plotted["partial_month"] == [month.isoformat()]
    ax = rendered.fig.axes[0]
    index = rendered.plotted["months"].index(month.isoformat())
    assert all(c.patches[index].get_hatch() for c in ax.containers), "partial month not hatched"
    assert all(not c.patches[index - 1].get_hatch() for c in ax.containers)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert any(f"to {until.day} " in label for label in labels), labels
    assert "partial month" in " ".join(t.get_text() for t in ax.get_legend().get_texts())


def test_equal_share_is_a_straight_line(con: duckdb.DuckDBPyConnection, caption: str) -> None:
    right = drawn("download_concentration", con, caption).fig.axes[1]
    (equal,) = [line for line in right.get_lines() if "equal" in line.get_label()]
    assert right.get_xscale() == "linear" and right.get_yscale() == "linear"
    assert list(equal.get_xdata()) == [0, 1] and list(equal.get_ydata()) == [0, 1]


def test_plots_hand_out_no_verdict() -> None:
    """Verdicts live in the reporting marts; plots/ only words them."""
    for path in sorted((REPO / "plots").rglob("*.py")):
        text = path.read_text().lower()
        # A verdict plots/ could hand out is a quoted verdict word or a threshold of its own;
        # the verdicts, the sharp-increase ratio included, are columns of notebook_claims.
        assert not re.search(r"[\"'](refuted|undecidable)[\"']", text), path.name
        assert not re.search(
            r"(release|increase)_ratio\s*[<>]|[<>]=?\s*[\w.]*(release|increase)_ratio", text
        ), path.name


class Recording:
    """A connection that keeps every statement run through it."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.statements: list[str] = []

    def execute(self, query: str, *args: Any) -> duckdb.DuckDBPyConnection:
        self.statements.append(query)
        return self.con.execute(query, *args)

    def close(self) -> None:
        self.con.close()


def computed(parsed: Any, aggregates: set[str]) -> list[str]:
    """What a parsed statement (json_serialize_sql) computes beyond selecting: grouping,
    windows, aggregate functions."""
    found: list[str] = []
    if isinstance(parsed, dict):
        if parsed.get("group_expressions"):
            found.append("group by")
        if parsed.get("class") == "WINDOW":
            found.append(f"window {parsed.get('function_name')}")
        if parsed.get("class") == "FUNCTION" and parsed.get("function_name") in aggregates:
            found.append(f"aggregate {parsed['function_name']}")
        children = parsed.values()
    elif isinstance(parsed, list):
        children = parsed
    else:
        return found
    for child in children:
        found += computed(child, aggregates)
    return found


def test_plots_compute_nothing(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Aggregates, windows and groupings live in the reporting marts; plots/ only selects and
    formats. Every statement a whole run sends (figures, facts, tables) is parsed by DuckDB
    itself, whatever string formatting built it."""
    recording: list[Recording] = []

    def open_recorded(path: Path) -> Recording:
        recording.append(Recording(open_warehouse(path)))
        return recording[0]

    monkeypatch.setattr(cli, "open_warehouse", open_recorded)
    assert cli.main(["--out", str(tmp_path), "--database", str(warehouse), "-q"]) == 0
    statements = recording[0].statements
    assert len(statements) > 50, "a whole run selects for every figure, fact and table"
    parser = duckdb.connect()
    aggregates = {
        name
        for (name,) in parser.execute(
            "select function_name from duckdb_functions() where function_type = 'aggregate'"
        ).fetchall()
    } | {"count_star"}
    for statement in statements:
        (serialized,) = parser.execute("select json_serialize_sql(?)", [statement]).fetchone()
        parsed = json.loads(serialized)
        assert not parsed.get("error"), (statement, parsed.get("error_message"))
        assert computed(parsed, aggregates) == [], statement
    # The check sees what it looks for.
    (serialized,) = parser.execute(
        "select json_serialize_sql(?)",
        ["select a, count(*), max(b), row_number() over () from t group by a"],
    ).fetchone()
    assert sorted(computed(json.loads(serialized), aggregates)) == [
        "aggregate count_star",
        "aggregate max",
        "group by",
        "window row_number",
    ]


# --------------------------------------------------------------------------- the report


PLACEHOLDER_PREFIX = "2022-03-02T23:29:0"


def newest_observations(recorded: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each model as last served across the two snapshots, counts clipped at 0 as the seed did."""
    newest = {m["id"]: m for m in [*recorded, *second_snapshot(recorded)]}
    return {
        model_id: {
            **m,
            **{k: max(m[k], 0) for k in ("downloads", "likes", "trendingScore") if k in m},
        }
        for model_id, m in newest.items()
    }


def share(part: float, whole: float) -> float:
    return part / whole


def reference_facts(recorded: list[dict[str, Any]]) -> dict[str, Any]:
    """The report's facts worked out from the served JSON and the seeds, apart from dbt."""
    newest = newest_observations(recorded)
    later = second_snapshot(recorded)
    with (REPO / "seeds" / "pipeline_tags.csv").open() as f:
        modality = {row["pipeline_tag"]: row["modality"] for row in csv.DictReader(f)}
    with (REPO / "seeds" / "modalities.csv").open() as f:
        group = {row["modality"]: row["research_group"] for row in csv.DictReader(f)}
    placeholders = [m for m in newest.values() if m["createdAt"].startswith(PLACEHOLDER_PREFIX)]
    # The seed's dropna(subset=["category", "year"]).
    categorised = [m for m in newest.values() if m.get("pipeline_tag") and m.get("createdAt")]
    by_category: dict[str, list[dict[str, Any]]] = {}
    for m in categorised:
        by_category.setdefault(m["pipeline_tag"], []).append(m)

    def total(models: list[dict[str, Any]], key: str) -> float:
        return sum(m.get(key, 0) for m in models)

    def category_share(category: str, key: str) -> float:
        return share(total(by_category[category], key), total(categorised, key))

    def top_category(key: str) -> str:
        return max(by_category, key=lambda c: total(by_category[c], key))

    text = [m for m in categorised if group[modality.get(m["pipeline_tag"], "unknown")] == "Text"]
    years = Counter(
        int(m["createdAt"][:4])
        for m in newest.values()
        if not m["createdAt"].startswith(PLACEHOLDER_PREFIX)
    )
    newest_year = max(years)
    downloads = sorted(m["downloads"] for m in newest.values())
    before = {m["id"]: m for m in recorded}
    per_day = {
        m["id"]: (m["likes"] - before[m["id"]]["likes"]) / 7 for m in later if m["id"] in before
    }
    top_model = min(per_day, key=lambda model_id: (-per_day[model_id], model_id))
    later_category = {m["id"]: m.get("pipeline_tag") for m in later}
    gained = {model_id: day * 7 for model_id, day in per_day.items()}
    groups = {group[modality.get(c, "unknown")] for c in by_category}
    group_trending = {
        g: sum(
            total(by_category[c], "trendingScore")
            for c in by_category
            if group[modality.get(c, "unknown")] == g
        )
        for g in groups
    }
    leading_group = max(group_trending, key=lambda g: (group_trending[g], g))
    top_count = math.ceil(len(downloads) * 0.01)
    # Share of each release year's categorised models that are text (nlp), per year.
    dated = [m for m in categorised if not m["createdAt"].startswith(PLACEHOLDER_PREFIX)]
    year_models = Counter(int(m["createdAt"][:4]) for m in dated)
    year_text = Counter(
        int(m["createdAt"][:4]) for m in dated if modality.get(m["pipeline_tag"]) == "nlp"
    )
    text_share = {year: share(year_text[year], count) for year, count in year_models.items()}
    snapshot_at = dt.datetime.fromisoformat(SECOND_SNAPSHOT_AT)
    created = [dt.datetime.fromisoformat(m["createdAt"]) for m in later]
    own_month = sum((c.year, c.month) == (snapshot_at.year, snapshot_at.month) for c in created)
    last_30 = sum(snapshot_at - dt.timedelta(days=30) <= c <= snapshot_at for c in created)
    r = statistics.correlation(
        [m["downloads"] for m in newest.values()], [m["likes"] for m in newest.values()]
    )
    return {
        "snapshot_count": 2,
        "model_count": len(newest),
        "latest_model_count": len(later),
        "latest_own_month_count": own_month,
        "latest_own_month_share": share(own_month, len(later)),
        "latest_last_30_days_count": last_30,
        "latest_last_30_days_share": share(last_30, len(later)),
        "placeholder_count": len(placeholders),
        "placeholder_share": share(len(placeholders), len(newest)),
        "categorised_model_count": len(categorised),
        "category_count": len(by_category),
        "text_share_models": share(len(text), len(categorised)),
        "text_share_downloads": share(total(text, "downloads"), total(categorised, "downloads")),
        "text_share_likes": share(total(text, "likes"), total(categorised, "likes")),
        "text_share_trending": share(
            total(text, "trendingScore"), total(categorised, "trendingScore")
        ),
        "leading_group_trending": leading_group,
        "leading_group_trending_share": share(
            group_trending[leading_group], total(categorised, "trendingScore")
        ),
        "top_downloads_category": top_category("downloads"),
        "top_downloads_category_share": category_share(top_category("downloads"), "downloads"),
        "top_likes_category": top_category("likes"),
        "top_trending_category_share": category_share(
            top_category("trendingScore"), "trendingScore"
        ),
        "text_generation_share_models": share(
            len(by_category["text-generation"]), len(categorised)
        ),
        "text_generation_share_likes": category_share("text-generation", "likes"),
        "top1pct_model_count": top_count,
        "top1pct_download_share": share(sum(downloads[-top_count:]), sum(downloads)),
        "zero_download_count": downloads.count(0),
        "median_downloads": statistics.median(downloads),
        "mean_downloads": statistics.fmean(downloads),
        "r_downloads_likes": r,
        # The usual rule of thumb the report words r by: |r| under 0.3 weak, under 0.7 moderate.
        "r_strength": "weakly" if abs(r) < 0.3 else "moderately" if abs(r) < 0.7 else "strongly",
        "newest_year": newest_year,
        "newest_year_count": years[newest_year],
        "previous_year_count": years[newest_year - 1],
        "newest_year_ratio_to_previous": share(years[newest_year], years[newest_year - 1]),
        "first_year": min(year_models),
        "text_share_first_year": text_share[min(year_models)],
        "text_share_last_year": text_share[max(year_models)],
        "last_year_count": year_models[max(year_models)],
        "text_share_peak": max(text_share.values()),
        "growth_model_count": len(per_day),
        "growth_median_likes_per_day": statistics.median(per_day.values()),
        "growth_top_model": top_model,
        "growth_top_likes_per_day": per_day[top_model],
        "growth_top_tie_count": list(per_day.values()).count(per_day[top_model]),
        "growth_text_generation_share_of_likes_gained": share(
            sum(v for k, v in gained.items() if later_category[k] == "text-generation"),
            sum(gained.values()),
        ),
    }


@pytest.fixture(scope="session")
def facts(con: duckdb.DuckDBPyConnection) -> Facts:
    return select_facts(con)


@pytest.fixture(scope="session")
def reference(fixture_file: Path) -> dict[str, Any]:
    return reference_facts(json.loads(fixture_file.read_text()))


# Every number the report states, each checked on its own: where the report's facts hold it.
FACT_KEYS: dict[str, tuple[type, str]] = {
    "snapshot_count": (SampleFacts, "snapshot_count"),
    "model_count": (SampleFacts, "model_count"),
    "latest_model_count": (SampleFacts, "latest_model_count"),
    "latest_own_month_count": (SampleFacts, "latest_own_month_count"),
    "latest_own_month_share": (SampleFacts, "latest_own_month_share"),
    "latest_last_30_days_count": (SampleFacts, "latest_last_30_days_count"),
    "latest_last_30_days_share": (SampleFacts, "latest_last_30_days_share"),
    "placeholder_count": (SampleFacts, "placeholder_count"),
    "placeholder_share": (SampleFacts, "placeholder_share"),
    "categorised_model_count": (CategoryFacts, "categorised_model_count"),
    "category_count": (CategoryFacts, "category_count"),
    "text_share_models": (CategoryFacts, "text_share_models"),
    "text_share_downloads": (CategoryFacts, "text_share_downloads"),
    "text_share_likes": (CategoryFacts, "text_share_likes"),
    "text_share_trending": (CategoryFacts, "text_share_trending"),
    "top_downloads_category": (CategoryFacts, "top_downloads.category"),
    "top_downloads_category_share": (CategoryFacts, "top_downloads.share"),
    "top_likes_category": (CategoryFacts, "top_likes.category"),
    "top_trending_category_share": (CategoryFacts, "top_trending.share"),
    "text_generation_share_models": (CategoryFacts, "text_generation_share_models"),
    "text_generation_share_likes": (CategoryFacts, "text_generation_share_likes"),
    "top1pct_model_count": (PopularityFacts, "top1pct_model_count"),
    "top1pct_download_share": (PopularityFacts, "top1pct_download_share"),
    "zero_download_count": (PopularityFacts, "zero_download_count"),
    "median_downloads": (PopularityFacts, "median_downloads"),
    "mean_downloads": (PopularityFacts, "mean_downloads"),
    "r_downloads_likes": (PopularityFacts, "r_downloads_likes"),
    "r_strength": (PopularityFacts, "r_strength"),
    "newest_year": (YearFacts, "newest_year"),
    "first_year": (YearFacts, "first.year"),
    "text_share_first_year": (YearFacts, "first.share"),
    "text_share_last_year": (YearFacts, "last.share"),
    "last_year_count": (YearFacts, "last.year_model_count"),
    "text_share_peak": (YearFacts, "peak_share"),
    "growth_model_count": (GrowthFacts, "model_count"),
    "growth_median_likes_per_day": (GrowthFacts, "median_likes_per_day"),
    "growth_top_model": (GrowthFacts, "top_model"),
    "growth_top_likes_per_day": (GrowthFacts, "top_likes_per_day"),
    "growth_top_tie_count": (GrowthFacts, "top_tie_count"),
    "growth_text_generation_share_of_likes_gained": (
        GrowthFacts,
        "text_generation_share_of_likes_gained",
    ),
}


# Stated by the report, not checked against the served JSON on its own.
REPORTED = {**FACT_KEYS, "newest_year_share": (YearFacts, "newest_year_share")}


def fact(facts: Facts, key: str) -> Any:
    kind, path = REPORTED[key]
    value: Any = facts.get(kind)
    assert value is not None, f"no {kind.__name__}"
    for name in path.split("."):
        value = getattr(value, name)
    return value


# The numbers the seed claims' verdicts compare: columns of marts.notebook_claims, by claim.
CLAIM_COLUMNS = {
    "leading_group_trending": ("text_dominates", "trending_score_leader"),
    "leading_group_trending_share": ("text_dominates", "trending_score_leader_share"),
    "newest_year_count": ("release_growth", "recent_model_count"),
    "previous_year_count": ("release_growth", "earlier_model_count"),
    "newest_year_ratio_to_previous": ("release_growth", "release_ratio"),
}


@pytest.mark.parametrize("key", FACT_KEYS)
def test_fact_equals_the_served_json(facts: Facts, reference: dict[str, Any], key: str) -> None:
    """The report's number against the served JSON, not against the mart it is read from."""
    expected = reference[key]
    assert fact(facts, key) == (
        pytest.approx(expected) if isinstance(expected, float) else expected
    )


@pytest.mark.parametrize("key", CLAIM_COLUMNS)
def test_claim_figure_equals_the_served_json(
    facts: Facts, reference: dict[str, Any], key: str
) -> None:
    """What a verdict compares, in marts.notebook_claims, against the served JSON."""
    claim_id, column = CLAIM_COLUMNS[key]
    expected = reference[key]
    judged = facts.get(claims_section.ClaimFacts)
    assert judged is not None
    got = getattr(next(c for c in judged.claims if c.claim_id == claim_id), column)
    assert got == (pytest.approx(expected) if isinstance(expected, float) else expected)


def test_every_fact_group_is_computed(facts: Facts, reference: dict[str, Any]) -> None:
    # Two snapshots and every mart built: no group of facts may be left out.
    assert set(FACT_KEYS) | set(CLAIM_COLUMNS) == set(reference)
    for kind in {kind for kind, _ in FACT_KEYS.values()}:
        assert facts.get(kind) is not None, kind.__name__
    judged = facts.get(claims_section.ClaimFacts)
    assert judged is not None
    assert [c.claim_id for c in judged.claims] == [
        "text_dominates",
        "llm_growth",
        "release_growth",
    ]


class ReportParser(HTMLParser):
    """Collects the key-finding sentences, the seed verdicts and the image sources."""

    def __init__(self) -> None:
        super().__init__()
        self.section = ""
        self.in_li = False
        self.findings: list[str] = []
        self.verdicts: list[str] = []
        self.images: list[str] = []
        self.in_verdict = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "section":
            self.section = attributes.get("id") or ""
        elif tag == "li" and self.section == "key-findings":
            self.in_li = True
            self.findings.append("")
        elif tag == "span" and "verdict" in (attributes.get("class") or ""):
            self.in_verdict = True
        elif tag == "img":
            self.images.append(attributes.get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self.in_li = False
        elif tag == "span":
            self.in_verdict = False

    def handle_data(self, text: str) -> None:
        if self.in_li:
            self.findings[-1] += text
        if self.in_verdict:
            self.verdicts.append(text)


@pytest.fixture(scope="session")
def report(series: Series) -> tuple[str, ReportParser]:
    text = (series.out / "report.html").read_text(encoding="utf-8")
    parser = ReportParser()
    parser.feed(text)
    return text, parser


def test_every_key_finding_carries_a_number(report: tuple[str, ReportParser]) -> None:
    _, parsed = report
    assert len(parsed.findings) >= 6
    for sentence in parsed.findings:
        assert re.search(r"\d", sentence), sentence


def test_report_states_the_computed_numbers(report: tuple[str, ReportParser], facts: Facts) -> None:
    text, _ = report
    for key in (
        "text_share_models",
        "text_share_downloads",
        "top1pct_download_share",
        "latest_own_month_share",
        "latest_last_30_days_share",
        "newest_year_share",
    ):
        assert percent(fact(facts, key)) in text, key
    assert f"{fact(facts, 'latest_own_month_count'):,}" in text
    r = f"{fact(facts, 'r_downloads_likes'):.2f}"
    assert f"are {fact(facts, 'r_strength')} correlated: Pearson r = {r}" in text


def test_report_judges_the_seeds_three_findings(report: tuple[str, ReportParser]) -> None:
    text, parsed = report
    for claim in (
        "Text-based models dominate model releases and popularity metrics.",
        "High engagement metrics reflect rapid growth in LLM research.",
        "Recent years show a sharp increase in AI model releases.",
    ):
        assert claim in text
    assert len(parsed.verdicts) == 3
    assert set(parsed.verdicts) <= {"supported", "refuted", "undecidable"}
    # A trending sample cannot show release growth.
    assert parsed.verdicts[2] == "undecidable"
    # Nor, by the same argument, what dominates releases.
    assert parsed.verdicts[0] == "undecidable"


def test_report_inlines_every_figure_without_its_title(
    series: Series, report: tuple[str, ReportParser]
) -> None:
    _, parsed = report
    # The catalogue's figures have no data on a sample: one note stands for them, no image.
    drawn = [s for s in FIGURES if s not in catalogue.PART.figures]
    assert len(parsed.images) == len(drawn)
    for src, spec in zip(parsed.images, drawn, strict=True):
        assert src.startswith("data:image/png;base64,"), src[:40]
        inline = mpimg.imread(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
        on_disk = mpimg.imread(series.out / f"{spec.name}.png")
        # The file keeps its drawn title and caption; the report prints them as text instead,
        # so its image is the same chart with less above and below it.
        assert inline.shape[0] < on_disk.shape[0], spec.name


def test_report_has_a_section_per_figure_linked_to_its_marts(
    report: tuple[str, ReportParser],
) -> None:
    text, _ = report
    note = text.split('<section id="figures-not-drawn">', 1)[1].split("</section>", 1)[0]
    for spec in FIGURES:
        if spec in catalogue.PART.figures:
            # No data on a sample: named in the one note instead of a section of its own.
            assert f'<section id="{spec.name}">' not in text
            assert escape(spec.question) in note, spec.name
            continue
        assert f'<section id="{spec.name}">' in text
        section = text.split(f'<section id="{spec.name}">', 1)[1].split("</section>", 1)[0]
        # Drawn without --docs-url and no docs site beside it: the marts are named, not linked.
        sources = section.split('<p class="sources">', 1)[1].split("</p>", 1)[0]
        assert "<a " not in sources
        for mart in spec.section_marts:
            assert f"marts.{mart}" in sources
        for table in spec.tables:
            assert f'id="{table.name}"' in section


def test_report_tables_equal_their_marts(
    con: duckdb.DuckDBPyConnection, report: tuple[str, ReportParser]
) -> None:
    text, _ = report
    # The catalogue's tables are empty on a sample: tests/test_catalogue.py checks them.
    drawn = [s for s in FIGURES if s not in catalogue.PART.figures]
    specs = [t for s in drawn for t in s.tables] + list(publishers.TABLES)
    for spec in specs:
        rows = sql(con, spec.sql)
        assert rows, f"{spec.name}: marts.{spec.mart} gave no rows"
        table = text.split(f'id="{spec.name}"', 1)[1].split("</table>", 1)[0]
        assert table.count("<tr>") == len(rows) + 1, spec.name  # + the heading row
        first = [html_report.cell(v, c.kind)[0] for v, c in zip(rows[0], spec.columns, strict=True)]
        for shown in first:
            assert f">{escape(shown)}</td>" in table, (spec.name, shown)


# --------------------------------------------------------------------------- the report's edges


def table_cells(text: str, table_id: str, header: str) -> list[str]:
    """The cells of one column of a report table, as shown."""
    table = text.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    headers = re.findall(r"<button type=\"button\">(.*?)</button>", table)
    column = headers.index(header)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    return [html.unescape(re.findall(r"<td[^>]*>(.*?)</td>", row)[column]) for row in rows]


def test_years_are_printed_as_years(report: tuple[str, ReportParser]) -> None:
    text, _ = report
    years = table_cells(text, "table-modality-by-year", "Year")
    assert years and all(re.fullmatch(r"20\d\d", year) for year in years), years


def test_tables_name_modalities_as_the_figures_do(
    con: duckdb.DuckDBPyConnection, report: tuple[str, ReportParser]
) -> None:
    text, _ = report
    labels = {label for (label,) in sql(con, "select modality_label from marts.modality_legend")}
    codes = {code for (code,) in sql(con, "select modality from marts.modality_legend")}
    for table_id in ("table-modality-by-year", "table-categories-by-downloads"):
        shown = set(table_cells(text, table_id, "Modality"))
        assert shown and shown <= labels | {"(none)"}, (table_id, shown)
        assert not shown & codes, table_id


def test_counts_of_one_are_singular(report: tuple[str, ReportParser]) -> None:
    text, _ = report
    assert [style.counted(n, "model") for n in (0, 1, 2, 1000)] == [
        "0 models",
        "1 model",
        "2 models",
        "1,000 models",
    ]
    assert "(s)" not in text
    assert not re.search(r"\b1 (models|snapshots)\b", text)


def test_one_snapshot_is_said_in_the_singular() -> None:
    facts = Facts(
        [
            SampleFacts(
                snapshot_count=1,
                model_count=1,
                placeholder_count=1,
                placeholder_share=1.0,
                latest_age_days=None,
                built_at="2025-12-01 21:00 UTC",
                latest_snapshot_date="2025-12-01",
                latest_snapshot_month="December 2025",
                latest_sample_description="a sample",
                latest_is_full_catalogue=True,
                latest_model_count=1,
                latest_own_month_count=1,
                latest_own_month_share=1.0,
                latest_last_30_days_count=1,
                latest_last_30_days_share=1.0,
            )
        ]
    )
    paragraphs = sample_section.paragraphs(facts)
    assert "holds 1 snapshot and 1 distinct model;" in paragraphs[0]
    assert paragraphs[-1].startswith("1 model (100%) carry")
    growth = findings_section.opening(facts).bullets[-1]
    assert (
        growth
        == "Growth is not measured yet: the warehouse holds 1 snapshot and growth needs 2 or more."
    )


def test_top_authors_labels_and_axis_end_at_the_data(
    con: duckdb.DuckDBPyConnection, caption: str
) -> None:
    rendered = drawn("top_authors", con, caption)
    ax = rendered.fig.axes[0]
    plotted = rendered.plotted
    largest = max(
        a + b for a, b in zip(plotted["by_others"], plotted["by_themselves"], strict=True)
    )
    assert max(ax.get_xticks()) <= largest
    assert ax.spines["bottom"].get_bounds() == (0, largest)
    labels = [t.get_text() for t in ax.texts]
    assert any("(1 model," in label for label in labels), labels
    assert not any("1 models" in label for label in labels)


def test_license_drift_has_no_empty_row_or_column(
    con: duckdb.DuckDBPyConnection, caption: str
) -> None:
    plotted = drawn("license_drift", con, caption).plotted
    counts = plotted["counts"]
    assert len(counts) == len(plotted["parent_labels"])
    assert all(any(row) for row in counts), plotted["parent_labels"]
    assert all(any(row[j] for row in counts) for j in range(len(plotted["child_labels"])))
    # The recorded sample has no non-commercial base with a derivative in it.
    assert "Non-commercial" not in plotted["parent_labels"]
    assert "Non-commercial" in plotted["child_labels"]


def sources(docs_url: str | None) -> str:
    """The sources line of a section drawn from marts.models."""
    page = html_report.build_html([Section("x", "X", marts=["models"])], "db", docs_url)
    return page.split('<p class="sources">', 1)[1].split("</p>", 1)[0]


def test_sources_link_only_to_a_given_docs_site() -> None:
    plain = sources(None)
    assert "<a " not in plain and "marts.models" in plain
    linked = sources("http://docs.example/")
    assert 'href="http://docs.example/#!/model/model.hf_trends.models"' in linked
    relative = sources("static_index.html")
    assert 'href="static_index.html#!/model/model.hf_trends.models"' in relative


def test_a_docs_site_beside_the_report_is_linked_relatively(
    thin_warehouse: Path, tmp_path: Path
) -> None:
    (tmp_path / "static_index.html").write_text("<html></html>")
    run([sys.executable, "-m", "plots", "--out", tmp_path, "-q"], database=thin_warehouse)
    text = (tmp_path / "report.html").read_text()
    assert 'href="static_index.html#!/model/model.hf_trends.' in text
    assert "127.0.0.1" not in text
    elsewhere = tmp_path / "given"
    url = "https://docs.example/hf-trends/"
    run(
        [sys.executable, "-m", "plots", "--out", elsewhere, "-q", "--docs-url", url],
        database=thin_warehouse,
    )
    assert f'href="{url}#!/model/model.hf_trends.' in (elsewhere / "report.html").read_text()


CATALOGUE_FACTS = Facts(
    [
        CatalogueFacts(
            date="2025-12-01",
            description="full catalogue",
            model_count=2000,
            categorised_count=1500,
            placeholder_count=40,
            released_since_2022=1800,
            window_from="December 2024",
            peak_month=None,
            peak_count=None,
            text_share_models=0.4,
            text_share_downloads=0.6,
        )
    ]
)


def judged(claim_id: str, **columns: Any) -> Claim:
    """A row of marts.notebook_claims as the mart would hand it over: empty but for `columns`."""
    empty = {f.name: None for f in fields(Claim)}
    return Claim(**{**empty, "claim_id": claim_id, "claim": claim_id, **columns})


def test_release_growth_is_worded_from_the_marts_ratio_and_threshold() -> None:
    row = {
        "decided_on": "full catalogue",
        "recent_model_count": 300,
        "earlier_model_count": 200,
        "release_ratio": 1.5,
        "sharp_increase_ratio": 1.5,
    }
    worded = claims_section.release_growth(judged("release_growth", **row), CATALOGUE_FACTS)
    assert "300 models of the full catalogue (2025-12-01)" in worded
    assert "against 200 in the 12 months before: 1.5 times as many" in worded
    assert "a sharp increase means at least 1.5)" in worded
    # The threshold is the mart's: plots/ states whatever the column holds.
    other = judged("release_growth", **{**row, "release_ratio": 1.2, "sharp_increase_ratio": 2.0})
    assert "1.2 times as many (a sharp increase means at least 2.0)" in (
        claims_section.release_growth(other, CATALOGUE_FACTS)
    )
    no_ratio = judged("release_growth", **{**row, "release_ratio": None})
    assert "no earlier releases" in claims_section.release_growth(no_ratio, CATALOGUE_FACTS)
    # A full newest snapshot whose catalogue marts are empty decides nothing.
    missing = judged("release_growth", undecidable_reason="catalogue marts missing")
    assert "catalogue marts" in claims_section.release_growth(missing, Facts())


def test_report_words_the_verdicts_the_mart_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    claims = (
        judged("text_dominates", verdict="refuted"),
        judged("release_growth", verdict="supported"),
    )
    monkeypatch.setattr(
        claims_section, "REASONING", {c.claim_id: lambda claim, facts: "worded" for c in claims}
    )

    def seed_table(facts: Facts) -> str:
        section = claims_section.opening(facts)
        page = html_report.build_html([section], "db")
        return page.split('<section id="seed-findings">', 1)[1].split("</section>", 1)[0]

    table = seed_table(Facts([claims_section.ClaimFacts(claims)]))
    assert '<span class="verdict refuted">refuted</span>' in table
    assert '<span class="verdict supported">supported</span>' in table
    assert table.index("text_dominates") < table.index("release_growth")
    # No mart, no verdicts: the report says what to build rather than judge anything itself.
    assert "marts.notebook_claims" in seed_table(Facts())


def test_report_escapes_text() -> None:
    rendered = shared.Rendered(figures.Figure(), "<script>alert(1)</script>", "a & b", {})
    entry = shared.FigureEntry("x", "Q <b>", "x.png", rendered, "data:image/png;base64,")
    spec = shared.TableSpec("t", "T", "m", "", (shared.Column("<i>"),))
    table = shared.Table(spec, [("<img src=x onerror=alert(1)>",)])
    page = html_report.build_html([Section("x", "Q <b>", figures=[entry], tables=[table])], "db")
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "a &amp; b" in page
    assert "<img src=x" not in page and "<i>" not in page


def test_text_dominance_is_worded_from_the_marts_leaders() -> None:
    shares = {
        "text_share_of_models": 0.46,
        "text_share_of_downloads": 0.68,
        "text_share_of_likes": 0.48,
        "text_share_of_trending_score": 0.32,
    }
    sample = judged(
        "text_dominates",
        decided_on="trending sample",
        **shares,
        **{f"text_leads_{m}": True for m in ("models", "downloads", "likes")},
        text_leads_trending_score=False,
        trending_score_leader="Vision",
        trending_score_leader_share=0.5,
    )
    worded = claims_section.text_dominates(sample, Facts())
    assert "Text is 46% of categorised models, 68% of downloads" in worded
    assert "Text leads model count, downloads and likes, but Vision leads trending score" in worded
    assert "Only a full-catalogue crawl can." in worded
    full = judged(
        "text_dominates",
        verdict="refuted",
        decided_on="full catalogue",
        **shares,
        text_leads_models=True,
        text_leads_downloads=False,
        text_leads_likes=True,
        downloads_leader="Computer vision",
        downloads_leader_share=0.5,
    )
    worded = claims_section.text_dominates(full, CATALOGUE_FACTS)
    assert "In the full catalogue (2,000 models on 2025-12-01)" in worded
    assert "Refuted as stated: Computer vision leads 30-day downloads with 50%." in worded
    supported = replace(full, verdict="supported", text_leads_downloads=True)
    assert "the largest modality on models, downloads and likes" in (
        claims_section.text_dominates(supported, CATALOGUE_FACTS)
    )


# --------------------------------------------------------------------------- thin warehouses


# What a one-snapshot build gives figure 8 and the growth figure, and the captions: the rest of
# the marts are left out, so most figures lack theirs.
THIN_MARTS = (
    "snapshots",
    "models",
    "sample_snapshots",
    "sample_summary",
    "modality_legend",
    "download_ranks",
    "popularity_summary",
    "latest_model_growth",
    "growth_summary",
    "category_share_change",
)


@pytest.fixture(scope="session")
def thin_warehouse(fixture_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few marts of a one-snapshot build: most figures lack their marts, growth its history."""
    work = tmp_path_factory.mktemp("thin")
    source = work / "source.duckdb"
    shutil.copy(fixture_warehouse, source)
    thin = work / "thin.duckdb"
    with duckdb.connect(str(thin)) as connection:
        connection.execute(f"attach '{source}' as src (read_only)")
        connection.execute("create schema marts")
        for mart in THIN_MARTS:
            connection.execute(f"create table marts.{mart} as select * from src.marts.{mart}")
    return thin


def test_thin_warehouse_says_so_on_every_canvas(thin_warehouse: Path, tmp_path: Path) -> None:
    result = run(
        [
            sys.executable,
            "-m",
            "plots",
            "--database",
            thin_warehouse,
            "--out",
            tmp_path,
            "--format",
            "svg",
        ]
    )
    assert "Traceback" not in result.stderr
    for spec in FIGURES:
        assert (tmp_path / f"{spec.name}.svg").stat().st_size > 1000
    with duckdb.connect(str(thin_warehouse), read_only=True) as connection:
        caption = data.sample(connection).caption
        reasons = {
            spec.name: render(spec, connection, caption).placeholder_reason for spec in FIGURES
        }
    assert "needs two or more snapshots" in (reasons["growth"] or "")
    assert "marts.category_popularity is not in the warehouse yet" in (
        reasons["downloads_by_category"] or ""
    )
    assert "marts.release_trends" in (reasons["releases_by_month"] or "")
    # Figures whose marts exist are still drawn.
    assert reasons["download_concentration"] is None
    svg = (tmp_path / "growth.svg").read_text()
    assert "Not enough data" in svg and "needs two or more snapshots" in svg
    page = (tmp_path / "report.html").read_text()
    # Figures without data share one short note, each reason said once.
    assert re.search(r"Not drawn: \d+ figures without data", page)
    assert page.count("needs two or more snapshots") == 1


def test_a_failing_figure_costs_only_itself(
    thin_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(loaded: Any, caption: str) -> shared.Rendered:
        raise ZeroDivisionError("a bug")

    growth = next(s for s in FIGURES if s.name == "growth")
    concentration = next(s for s in FIGURES if s.name == "download_concentration")
    monkeypatch.setattr(cli, "FIGURES", [replace(concentration, draw=broken), growth])
    assert cli.main(["--database", str(thin_warehouse), "--out", str(tmp_path), "-q"]) == 1
    assert_not_blank(tmp_path / "download_concentration.png")
    assert (tmp_path / "growth.png").is_file() and (tmp_path / "report.html").is_file()
    assert (
        "Drawing this figure failed (ZeroDivisionError)" in (tmp_path / "report.html").read_text()
    )


def test_a_figure_that_cannot_be_saved_is_left_out_and_the_rest_written(
    thin_warehouse: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A directory where the file should go fails savefig as a full disk or a read-only --out
    # would, for this one figure only.
    (tmp_path / "growth.png").mkdir()
    growth = next(s for s in FIGURES if s.name == "growth")
    concentration = next(s for s in FIGURES if s.name == "download_concentration")
    by_year = next(s for s in FIGURES if s.name == "modality_share_by_year")
    monkeypatch.setattr(cli, "FIGURES", [growth, concentration, by_year])
    # A disk that fills up mid-figure: savefig has written part of the file when it fails.
    real_savefig = figures.Figure.savefig

    def disk_full(fig: figures.Figure, fname: Any, *args: Any, **kwargs: Any) -> None:
        # The report's inline copy is saved to a buffer, not a path.
        if isinstance(fname, str | Path) and Path(fname).name == "download_concentration.png":
            Path(fname).write_bytes(b"\x89PNG half")
            raise OSError(28, "No space left on device")
        real_savefig(fig, fname, *args, **kwargs)

    monkeypatch.setattr(figures.Figure, "savefig", disk_full)

    assert cli.main(["--database", str(thin_warehouse), "--out", str(tmp_path), "-q"]) == 1
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 3 and all("\n" not in e for e in errors)
    assert errors[0].startswith(f"growth: cannot write {tmp_path / 'growth.png'}: ")
    assert errors[1] == (
        "download_concentration: cannot write "
        f"{tmp_path / 'download_concentration.png'}: No space left on device"
    )
    assert "left out of the report: growth, download_concentration" in errors[2]
    assert not (tmp_path / "download_concentration.png").exists()
    page = (tmp_path / "report.html").read_text()
    assert 'data-figure="download_concentration"' not in page
    assert 'data-figure="growth"' not in page
    assert_not_blank(tmp_path / "modality_share_by_year.png")
    # The thin warehouse has no data for it: the report's one note lists it instead.
    assert "Not drawn:" in page and "figure(s)" not in page


@pytest.fixture(scope="session")
def hostile_label_warehouse(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built warehouse with its top category renamed to text matplotlib reads as maths."""
    copy = tmp_path_factory.mktemp("mathtext") / "hf_trends.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as connection:
        connection.execute(
            """
            update marts.category_popularity set category = ?
            where category = (
                select category from marts.category_popularity
                order by total_downloads desc limit 1
            )
            """,
            [MATHTEXT],
        )
    return copy


MATHTEXT = "$\\frac{$"


def test_hub_text_is_never_read_as_mathtext(hostile_label_warehouse: Path, tmp_path: Path) -> None:
    result = run(
        [sys.executable, "-m", "plots", "--out", tmp_path, "--format", "svg"],
        database=hostile_label_warehouse,
        check=False,
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr
    for spec in FIGURES:
        assert (tmp_path / f"{spec.name}.svg").is_file(), spec.name
    # svg.fonttype none keeps text as text: the label is drawn as typed, dollars and all.
    assert MATHTEXT in (tmp_path / "downloads_by_category.svg").read_text()


# --------------------------------------------------------------------------- export and exposures


def test_export_writes_one_parquet_per_mart(
    warehouse: Path, con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    out = tmp_path / "nested" / "export"
    out.mkdir(parents=True)
    (out / "a_mart_since_removed.parquet").write_bytes(b"stale")
    run([sys.executable, "-m", "plots.export", "--out", out], database=warehouse)
    marts = [
        r[0]
        for r in sql(
            con,
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' and table_type in ('BASE TABLE', 'VIEW')",
        )
        # The whole history goes to history/, one file per snapshot (test_archive_history.py).
        if r[0] not in export.PUBLISHED_APART
    ]
    assert {"models", "category_popularity", "model_snapshots", "top_models"} <= set(marts)
    assert sorted(p.name for p in out.glob("*.parquet")) == sorted(f"{m}.parquet" for m in marts)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{m}.parquet" for m in marts] + ["cleaned_model_data.csv", "catalogue", "history"]
    ), "no partial or stale file is left"
    for mart in marts:
        rows = scalar(con, f"select count(*) from read_parquet('{out / mart}.parquet')")
        assert rows == scalar(con, f"select count(*) from marts.{mart}"), mart
    # Types survive: Parquet keeps what a CSV would flatten to text.
    types = dict(
        sql(con, f"select column_name, column_type from (describe '{out}/models.parquet')")
    )
    assert types["languages"] == "VARCHAR[]" and types["created_at"] == "TIMESTAMP"


def test_make_plots_ends_with_the_exports() -> None:
    """The offline path (make fixture build plots) leaves what make run leaves."""
    dry = [
        subprocess.run(
            ["make", "--no-print-directory", "-n", *targets],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for targets in (["run"], ["fixture", "build", "plots"], ["export"])
    ]
    run_export = [line for line in dry[0].splitlines() if "plots.export" in line]
    offline_export = [line for line in dry[1].splitlines() if "plots.export" in line]
    assert run_export == offline_export == dry[2].strip().splitlines()[-1:]


def test_export_writes_every_model(
    warehouse: Path, con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    run([sys.executable, "-m", "plots.export", "--out", out], database=warehouse)
    with (out / "cleaned_model_data.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == scalar(con, "select count(*) from marts.models")
    assert list(rows[0])[:7] == [
        "model_id",
        "category",
        "created_at",
        "downloads",
        "likes",
        "trending_score",
        "release_year",
    ]
    assert {"license", "arxiv_ids", "languages", "modality"} <= set(rows[0])


def test_export_neutralises_cells_a_spreadsheet_would_run(tmp_path: Path) -> None:
    """OWASP's CSV injection advice: text starting =, +, -, @, tab or CR gets a leading quote."""
    hostile = {
        "model_id": "=cmd|' /C calc'!A0",
        "category": "+SUM(A1)",
        "author": "-2+3",
        "research_group": "@SUM(1)",
        "license": "\tTAB",
        "base_model": "\rCR",
        "arxiv_ids": ["=1+1", "2401.00001"],
        "languages": ["en"],
    }
    with duckdb.connect() as con:
        con.execute("create schema marts")
        con.execute(
            """
            create table marts.models as select
                ?::varchar as model_id, ?::varchar as category, now() as created_at,
                -5::bigint as downloads, -1 as likes, -0.5::double as trending_score,
                2025 as release_year, ?::varchar as author, ?::varchar as research_group,
                ?::varchar as license, ?::varchar as base_model, ?::varchar[] as arxiv_ids,
                ?::varchar[] as languages, 'a=b' as modality
            """,
            [hostile[k] for k in ("model_id", "category", "author", "research_group")]
            + [hostile[k] for k in ("license", "base_model", "arxiv_ids", "languages")],
        )
        out = tmp_path / "models.csv"
        assert export.export_csv(con, out) == 1
    with out.open(newline="", encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    for column, value in hostile.items():
        text = ";".join(value) if isinstance(value, list) else value
        assert row[column] == (text if column == "languages" else "'" + text), column
    # Numbers stay numbers, negative or not; text with "=" further in is left alone.
    assert (row["downloads"], row["likes"], row["trending_score"]) == ("-5", "-1", "-0.5")
    assert row["modality"] == "a=b"


def test_exposures_cover_every_figure_and_the_report() -> None:
    spec = yaml.safe_load((REPO / "models" / "marts" / "_marts__exposures.yml").read_text())
    exposures = {e["name"]: e for e in spec["exposures"]}
    assert set(exposures) == {s.name for s in FIGURES} | {"report"}

    def refs(name: str) -> set[str]:
        return {re.sub(r"ref\('(.+)'\)", r"\1", d) for d in exposures[name]["depends_on"]}

    for figure in FIGURES:
        assert refs(figure.name) == set(figure.section_marts), figure.name
        # The figure's section in report.html (tests above check the id is there).
        assert exposures[figure.name]["url"] == f"report.html#{figure.name}"
    assert refs("report") == report_marts()
    assert exposures["report"]["url"] == "report.html"
    owners = [exposure["owner"] for exposure in exposures.values()]
    assert all(owner == owners[0] for owner in owners), "one owner for every exposure"
    assert "example.com" not in str(owners[0]) and owners[0].get("name")
    for exposure in exposures.values():
        assert exposure["type"] in {"analysis", "dashboard"}
