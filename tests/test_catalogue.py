"""Trends from a full-catalogue crawl (issue 12): the catalogue marts, the report's verdicts and
numbers, and the snapshot's age, checked against values recomputed here from the raw JSON.

The recorded 1000 models are served by the ReplayHub and crawled as make daily does, so the
newest snapshot is a full catalogue (of that small Hub); a second crawl a week later, with grown
all-time download counts, gives two full snapshots. The dbt unit tests
(models/marts/reporting/_catalogue_reporting__models.yml) cover each mart's rules on small cases.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest

from plots.contents import FIGURES
from plots.data import sample
from plots.figures import render
from plots.sections import catalogue
from plots.style import compact, percent
from tests.conftest import REPO, Series, crawl, dbt_build, run
from tests.replay_hub import ReplayHub

FIRST_AT = datetime(2025, 12, 1, 21, tzinfo=UTC)
# The notebook's "sharp increase", as the issue states it (marts.notebook_claims holds it).
SHARP_INCREASE_RATIO = 1.5
SECOND_AT = FIRST_AT + timedelta(days=7)
PLACEHOLDER_MINUTE = "2022-03-02T23:29"
MEASURES = ("models", "downloads", "likes")


# --------------------------------------------------------------------------- the raw JSON


def seed_modalities() -> dict[str, str]:
    with (REPO / "seeds" / "pipeline_tags.csv").open() as handle:
        return {row["pipeline_tag"]: row["modality"] for row in csv.DictReader(handle)}


def modality_of(obj: dict[str, Any], seed: dict[str, str]) -> str | None:
    tag = obj.get("pipeline_tag")
    # A tag the seed lacks is the `unknown` category; no tag is no category.
    return seed.get(tag, "unknown") if tag else None


def count(obj: dict[str, Any], key: str) -> int:
    value = obj.get(key)
    return max(value, 0) if isinstance(value, int) else 0


def all_time(i: int, days: int) -> int:
    """A model's all-time downloads `days` after the first crawl: its own base and daily rate."""
    return 1_000 + 37 * i + days * (i % 13)


def with_all_time(recorded: list[dict[str, Any]], days: int) -> list[dict[str, Any]]:
    """The same models with all-time counts: the same catalogue `days` later."""
    return [{**obj, "downloadsAllTime": all_time(i, days)} for i, obj in enumerate(recorded)]


@dataclass(frozen=True)
class Expected:
    """What the catalogue marts must say, recomputed from the JSON the hub served."""

    model_count: int
    shares: dict[str, dict[str | None, float]]  # measure -> modality -> share of the catalogue
    leaders: dict[str, str]  # measure -> the modality with the most
    months: Counter[tuple[str, str | None]]  # (YYYY-MM-01, modality) -> models, since 2022
    last_12: int
    previous_12: int
    placeholders: int


def expected_catalogue(objects: list[dict[str, Any]], captured: datetime) -> Expected:
    seed = seed_modalities()
    totals: dict[str, Counter[str | None]] = {m: Counter() for m in MEASURES}
    months: Counter[tuple[str, str | None]] = Counter()
    placeholders = 0
    # The 12 whole months before the capture's month, and the 12 before those.
    capture_month = captured.year * 12 + captured.month - 1
    windows = Counter[str]()
    for obj in objects:
        modality = modality_of(obj, seed)
        totals["models"][modality] += 1
        totals["downloads"][modality] += count(obj, "downloads")
        totals["likes"][modality] += count(obj, "likes")
        created = obj.get("createdAt")
        if not isinstance(created, str):
            continue
        if created.startswith(PLACEHOLDER_MINUTE):
            placeholders += 1
            continue
        if created >= "2022-01-01":
            months[(f"{created[:7]}-01", modality)] += 1
        month = int(created[:4]) * 12 + int(created[5:7]) - 1
        if capture_month - 12 <= month < capture_month:
            windows["last"] += 1
        elif capture_month - 24 <= month < capture_month - 12:
            windows["previous"] += 1
    shares = {m: {k: v / sum(totals[m].values()) for k, v in totals[m].items()} for m in MEASURES}
    leaders = {
        m: max((k for k in totals[m] if k is not None), key=lambda k: totals[m][k])
        for m in MEASURES
    }
    return Expected(
        len(objects),
        shares,
        leaders,
        months,
        windows["last"],
        windows["previous"],
        placeholders,
    )


# --------------------------------------------------------------------------- the warehouses


@dataclass(frozen=True)
class Built:
    database: Path
    out: Path
    built_between: tuple[datetime, datetime]


def crawl_and_build(
    database: Path, work: Path, objects: list[dict[str, Any]], captured: datetime
) -> Built:
    # As make daily crawls: with `expand` the Hub serves downloadsAllTime, only when asked for.
    with ReplayHub(objects) as hub:
        crawl(
            database,
            hub,
            *("--all", "--expand-hub-fields", "--page-size", "300"),
            *("--snapshot-at", captured.isoformat()),
        )
    before = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    dbt_build(database, work)
    after = datetime.now(UTC).replace(tzinfo=None)
    out = work / "out"
    run([sys.executable, "-m", "plots", "--out", out], database=database)
    return Built(database, out, (before, after))


@pytest.fixture(scope="session")
def recorded(fixture_file: Path) -> list[dict[str, Any]]:
    return json.loads(fixture_file.read_text())


@pytest.fixture(scope="session")
def one_full(tmp_path_factory: pytest.TempPathFactory, recorded: list[dict[str, Any]]) -> Built:
    """One full-catalogue crawl of the recorded models, built and drawn."""
    work = tmp_path_factory.mktemp("catalogue-one")
    return crawl_and_build(work / "w.duckdb", work, with_all_time(recorded, 0), FIRST_AT)


@pytest.fixture(scope="session")
def two_full(
    tmp_path_factory: pytest.TempPathFactory, one_full: Built, recorded: list[dict[str, Any]]
) -> Built:
    """The same catalogue crawled again a week later, every all-time count grown."""
    work = tmp_path_factory.mktemp("catalogue-two")
    database = work / "w.duckdb"
    shutil.copy(one_full.database, database)
    return crawl_and_build(database, work, with_all_time(recorded, 7), SECOND_AT)


@pytest.fixture(scope="session")
def con(one_full: Built) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(one_full.database), read_only=True)
    yield connection
    connection.close()


class Verdicts(HTMLParser):
    """The seed table's rows (claim, verdict, reasoning) and the key findings of report.html."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.findings: list[str] = []
        self.section = ""
        self.cell: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self.section = dict(attrs).get("id") or ""
        elif tag == "tr" and self.section == "seed-findings":
            self.rows.append([])
        elif (tag, self.section) in {("td", "seed-findings"), ("li", "key-findings")}:
            self.cell = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self.cell is not None:
            self.rows[-1].append(self.cell)
            self.cell = None
        elif tag == "li" and self.cell is not None:
            self.findings.append(self.cell)
            self.cell = None

    def handle_data(self, text: str) -> None:
        if self.cell is not None:
            self.cell += text


def parsed(built: Any) -> tuple[str, Verdicts]:
    text = (built.out / "report.html").read_text(encoding="utf-8")
    parser = Verdicts()
    parser.feed(text)
    # The heading row has no td cells.
    parser.rows = [row for row in parser.rows if row]
    return text, parser


# --------------------------------------------------------------------------- one full catalogue


def test_catalogue_marts_equal_the_raw_json(
    con: duckdb.DuckDBPyConnection, recorded: list[dict[str, Any]]
) -> None:
    want = expected_catalogue(recorded, FIRST_AT)
    rows = con.execute(
        "select modality, model_count, share_of_models, share_of_downloads, share_of_likes, "
        "models_rank, downloads_rank, likes_rank from marts.catalogue_modality_use"
    ).fetchall()
    assert sum(r[1] for r in rows) == want.model_count == 1000
    for modality, n, *shares, models_rank, downloads_rank, likes_rank in rows:
        assert n == want.shares["models"][modality] * want.model_count
        for measure, share in zip(MEASURES, shares, strict=True):
            assert share == pytest.approx(want.shares[measure].get(modality, 0.0)), measure
        for measure, rank in zip(MEASURES, (models_rank, downloads_rank, likes_rank), strict=True):
            assert (rank == 1) == (modality == want.leaders[measure]), (measure, modality)
    months = con.execute(
        "select strftime(release_month, '%Y-%m-%d'), modality, model_count "
        "from marts.catalogue_release_trends"
    ).fetchall()
    assert Counter({(m, k): n for m, k, n in months}) == want.months
    summary = con.execute(
        "select model_count, placeholder_count, last_12_months_from, last_12_months_model_count, "
        "previous_12_months_model_count, ratio_to_previous_12_months "
        "from marts.catalogue_summary"
    ).fetchall()
    assert summary == [
        (
            1000,
            want.placeholders,
            datetime(2024, 12, 1).date(),
            want.last_12,
            want.previous_12,
            pytest.approx(want.last_12 / want.previous_12),
        )
    ]


def test_report_decides_the_seeds_claims_on_the_catalogue(
    one_full: Built, recorded: list[dict[str, Any]]
) -> None:
    want = expected_catalogue(recorded, FIRST_AT)
    text, report = parsed(one_full)
    (dominates, llm, releases) = report.rows
    text_leads = all(want.leaders[m] == "nlp" for m in MEASURES)
    assert dominates[1] == ("supported" if text_leads else "refuted")
    for measure in MEASURES:
        assert percent(want.shares[measure]["nlp"]) in dominates[2], measure
    assert "1,000 models on 2025-12-01" in dominates[2]
    ratio = want.last_12 / want.previous_12
    assert releases[1] == ("supported" if ratio >= SHARP_INCREASE_RATIO else "refuted")
    assert f"{want.last_12:,} models of the full catalogue (2025-12-01)" in releases[2]
    assert "from December 2024" in releases[2]
    assert f"against {want.previous_12:,} in the 12 months before: {ratio:.1f} times" in releases[2]
    assert f"{want.placeholders:,} models carry the Hub's import placeholder date" in releases[2]
    # Engagement is still not research: no catalogue makes that claim decidable.
    assert llm[1] == "undecidable"
    assert "Only a full-catalogue crawl can" not in text
    sentence = next(s for s in report.findings if "full catalogue" in s)
    assert f"{percent(want.shares['models']['nlp'])} of all models" in sentence


def test_catalogue_figures_equal_the_raw_json(
    con: duckdb.DuckDBPyConnection, recorded: list[dict[str, Any]]
) -> None:
    want = expected_catalogue(recorded, FIRST_AT)
    caption = sample(con).caption
    specs = {spec.name: spec for spec in FIGURES}
    releases = render(specs["catalogue_releases"], con, caption)
    assert releases.placeholder_reason is None, releases.placeholder_reason
    by_month = Counter[str]()
    for (month, _), n in want.months.items():
        by_month[month] += n
    drawn = dict(zip(releases.plotted["months"], releases.plotted["totals"], strict=True))
    assert {m: n for m, n in drawn.items() if n} == dict(by_month)
    assert "full Hub catalogue (1,000 models)" in releases.caption
    use = render(specs["catalogue_modality_use"], con, caption)
    assert use.placeholder_reason is None, use.placeholder_reason
    assert use.plotted["download_shares"] == sorted(use.plotted["download_shares"], reverse=True)
    assert sum(use.plotted["model_shares"]) == pytest.approx(1.0)
    # One full snapshot: nothing to compare, and the canvas says what is needed.
    trend = render(specs["modality_download_trends"], con, caption)
    assert "two or more full-catalogue snapshots" in (trend.placeholder_reason or "")


def test_snapshot_age_is_measured_at_build_time(
    one_full: Built, con: duckdb.DuckDBPyConnection
) -> None:
    ((snapshot_at, built_at, age, newest),) = con.execute(
        "select snapshot_at, built_at, age_days_at_build, is_newest from marts.snapshots"
    ).fetchall()
    assert snapshot_at == FIRST_AT.replace(tzinfo=None) and newest
    low, high = one_full.built_between
    assert low <= built_at <= high
    assert age == pytest.approx((built_at - snapshot_at).total_seconds() / 86400)
    assert con.execute(
        "select latest_snapshot_age_days, built_at from marts.sample_summary"
    ).fetchall() == [(age, built_at)]
    text, _ = parsed(one_full)
    assert f"That snapshot was {age:,.1f} days old when this warehouse was built" in text
    assert built_at.strftime("%Y-%m-%d %H:%M UTC") in text


# --------------------------------------------------------------------------- two full catalogues


def expected_per_day(recorded: list[dict[str, Any]]) -> dict[str, float]:
    """Downloads a day by modality over the week: the change of each model's all-time count,
    categorised models only (every model is in both crawls, so no definition of a new or gone
    model can change the sum)."""
    seed = seed_modalities()
    per_day: defaultdict[str, float] = defaultdict(float)
    for i, obj in enumerate(recorded):
        modality = modality_of(obj, seed)
        if modality is not None:
            per_day[modality] += (all_time(i, 7) - all_time(i, 0)) / 7
    return dict(per_day)


def test_two_full_snapshots_keep_the_newest_as_the_catalogue(two_full: Built) -> None:
    with duckdb.connect(str(two_full.database), read_only=True) as connection:
        snapshots = connection.execute(
            "select snapshot_at, is_newest, is_full_catalogue from marts.snapshots "
            "order by snapshot_at"
        ).fetchall()
        (catalogue_at,) = connection.execute(
            "select snapshot_at from marts.catalogue_summary"
        ).fetchone() or (None,)
    assert [(s[1], s[2]) for s in snapshots] == [(False, True), (True, True)]
    assert catalogue_at == SECOND_AT.replace(tzinfo=None)
    text, report = parsed(two_full)
    assert "full Hub catalogue (1,000 models) on 2025-12-08" in text
    assert report.rows[0][1] in {"supported", "refuted"}
    # Whatever the figure shows, the report says what downloads per day are made of.
    assert catalogue.ALL_TIME_NOTE in html.unescape(text)


def test_downloads_per_day_by_modality_equal_the_raw_json(
    two_full: Built, recorded: list[dict[str, Any]]
) -> None:
    want = expected_per_day(recorded)
    with duckdb.connect(str(two_full.database), read_only=True) as connection:
        rows = connection.execute(
            "select snapshot_at, modality, downloads_per_day from marts.modality_download_trends"
        ).fetchall()
    assert {r[0] for r in rows} == {SECOND_AT.replace(tzinfo=None)}
    assert {r[1]: r[2] for r in rows} == pytest.approx(want)
    text, report = parsed(two_full)
    leader = max(want, key=lambda m: want[m])
    sentence = next(s for s in report.findings if s.startswith("Downloads per day"))
    assert f"{compact(want[leader])} a day" in sentence
    assert "natural-language models went from" not in sentence  # one measured snapshot
    assert 'id="table-modality-download-trends"' in text


# --------------------------------------------------------------------------- a trending sample


def test_a_sample_keeps_the_claims_undecidable(series: Series) -> None:
    with duckdb.connect(str(series.database), read_only=True) as connection:
        for mart in ("catalogue_summary", "catalogue_modality_use", "catalogue_release_trends"):
            assert connection.execute(f"select count(*) from marts.{mart}").fetchone() == (0,)
    text, report = parsed(series)
    assert [row[1] for row in report.rows] == ["undecidable"] * 3
    assert "Only a full-catalogue crawl can." in report.rows[0][2]
    assert "Only a full-catalogue crawl can decide it." in report.rows[2][2]
    assert "full catalogue" not in " ".join(report.findings)
    section = text.split('<section id="full-catalogue">', 1)[1].split("</section>", 1)[0]
    assert "not a full-catalogue crawl" in section
    # The figures without data are one short note, each reason said once, not a canvas each.
    note = text.split('<section id="figures-not-drawn">', 1)[1].split("</section>", 1)[0]
    assert "<img" not in note
    for name in (spec.name for spec in catalogue.PART.figures):
        assert f'<section id="{name}">' not in text, name
    for reason in ("not a full-catalogue crawl", "two or more"):
        assert len(re.findall(reason, note)) == 1, reason


def test_catalogue_tables_equal_their_marts(
    one_full: Built, con: duckdb.DuckDBPyConnection
) -> None:
    from plots.report import cell

    text, _ = parsed(one_full)
    for spec in (catalogue.RELEASE_WINDOWS, catalogue.MODALITY_USE):
        rows = con.execute(spec.sql).fetchall()
        assert rows, spec.name
        table = text.split(f'id="{spec.name}"', 1)[1].split("</table>", 1)[0]
        assert table.count("<tr>") == len(rows) + 1, spec.name  # + the heading row
        for value, column in zip(rows[0], spec.columns, strict=True):
            assert f">{cell(value, column.kind)[0]}</td>" in table, (spec.name, value)


# It builds a warehouse of its own (a crawl and dbt build): not for make test-fast.
@pytest.mark.slow
def test_a_filtered_crawl_of_every_page_is_not_the_catalogue(
    tmp_path: Path, recorded: list[dict[str, Any]]
) -> None:
    """Every page of a filtered listing is still a sample: the marts keep the filters the Hub
    was given (hub_filters, one column whatever the filter) and never call it the catalogue."""
    author = Counter(obj["id"].split("/")[0] for obj in recorded).most_common(1)[0][0]
    database = tmp_path / "w.duckdb"
    with ReplayHub(recorded) as hub:
        crawl(
            database,
            hub,
            *("--all", "--page-size", "300", "--author", author, "--filter", "safetensors"),
            *("--snapshot-at", FIRST_AT.isoformat()),
        )
    dbt_build(database, tmp_path)
    with duckdb.connect(str(database), read_only=True) as con:
        ((filters, full, described, catalogue_rows),) = con.execute(
            "select hub_filters, is_full_catalogue, sample_description, "
            "(select count(*) from marts.catalogue_summary) from marts.snapshots"
        ).fetchall()
    assert json.loads(filters) == {"author": author, "filter": ["safetensors"]}
    assert not full and catalogue_rows == 0
    assert "(filtered)" in described
