"""Who builds on whom (issue 16): the lineage marts and the report's section, checked against the
recorded response's raw tags parsed here in Python, and a crafted cycle that must build in
bounded time with the warn tests firing.

The dbt unit tests (models/**/_lineage*__models.yml) cover edge parsing, the walk, the closure
and the licence grouping on small cases; these tests check the same rules end to end.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, dbt_build, ingest, query, run

# Every test reads or runs a dbt build.
pytestmark = pytest.mark.slow

# The relations a base_model tag can name: the seed's, as the reference reads its other seeds.
with (REPO / "seeds" / "derivations.csv").open() as seed:
    RELATIONS = frozenset(
        row["derivation"] for row in csv.DictReader(seed) if row["is_base_model_relation"] == "true"
    )
PLACEHOLDER_MINUTE = "2022-03-02T23:29"


# --------------------------------------------------------------------------- the tags, in Python


def parse_base_tag(tag: str) -> tuple[str, str | None]:
    """`base_model:org/x` -> (org/x, None); `base_model:finetune:org/x` -> (org/x, finetune)."""
    value = tag.removeprefix("base_model:")
    relation, _, rest = value.partition(":")
    if relation in RELATIONS and rest:
        return rest, relation
    return value, None


@dataclass
class Recorded:
    models: dict[str, dict[str, Any]]
    # model -> base -> relation (None: plain only); self-references included
    edges: dict[str, dict[str, str | None]]

    def bases(self, model_id: str) -> list[str]:
        return [b for b in self.edges.get(model_id, {}) if b != model_id]

    def derivation(self, model_id: str) -> str:
        bases = self.bases(model_id)
        if not bases:
            return "original"
        relations = [self.edges[model_id][b] for b in bases]
        if "merge" in relations:
            return "merge"
        # dicts keep insertion order: the first-listed base with a relation.
        return next((r for r in relations if r), "unspecified")


def load_recorded(path: Path) -> Recorded:
    objects = json.loads(path.read_text())
    models = {o["id"]: o for o in objects}
    edges: dict[str, dict[str, str | None]] = {}
    for model_id, obj in models.items():
        found: dict[str, str | None] = {}
        for tag in obj.get("tags") or []:
            if not tag.startswith("base_model:"):
                continue
            base, relation = parse_base_tag(tag)
            if base:
                # The first relation named for a base wins; a plain tag never erases one.
                found[base] = found.get(base) or relation
        if found:
            edges[model_id] = found
    return Recorded(models, edges)


def walk_up(recorded: Recorded, model_id: str) -> tuple[str, int] | None:
    """(root, depth) following single-parent edges upwards; None on a cycle."""
    seen = {model_id}
    current, depth = model_id, 0
    while True:
        bases = recorded.bases(current) if current in recorded.models else []
        if len(bases) != 1:
            return current, depth
        current, depth = bases[0], depth + 1
        if current in seen:
            return None
        seen.add(current)


def descendants(recorded: Recorded) -> dict[str, set[str]]:
    """Every base's descendants through any chain (breadth-first over reversed edges)."""
    children: dict[str, set[str]] = defaultdict(set)
    for model_id in recorded.edges:
        for base in recorded.bases(model_id):
            children[base].add(model_id)
    found = {}
    for base in children:
        reached: set[str] = set()
        queue = deque(children[base])
        while queue:
            node = queue.popleft()
            if node not in reached:
                reached.add(node)
                queue.extend(children.get(node, ()))
        reached.discard(base)
        found[base] = reached
    return found


def license_of(obj: dict[str, Any]) -> str | None:
    return next(
        (t[len("license:") :] for t in obj.get("tags") or [] if t.startswith("license:")), None
    )


def license_families() -> tuple[dict[str, str], dict[str, str]]:
    with (REPO / "seeds" / "licenses.csv").open() as f:
        families = {row["license"]: row["license_family"] for row in csv.DictReader(f)}
    with (REPO / "seeds" / "license_families.csv").open() as f:
        labels = {row["license_family"]: row["license_family_label"] for row in csv.DictReader(f)}
    return families, labels


def family_of(license: str | None, families: dict[str, str]) -> str:
    return "none" if not license else families.get(license.lower(), "other")


def author_of(model_id: str) -> str | None:
    return model_id.split("/")[0] if "/" in model_id else None


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def recorded(fixture_file: Path) -> Recorded:
    return load_recorded(fixture_file)


class SectionParser(HTMLParser):
    """The text of the report's "who builds on whom" findings."""

    def __init__(self) -> None:
        super().__init__()
        self.in_section = False
        self.in_li = False
        self.findings: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self.in_section = dict(attrs).get("id") == "who-builds-on-whom"
        elif tag == "li" and self.in_section:
            self.in_li = True
            self.findings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self.in_li = False

    def handle_data(self, text: str) -> None:
        if self.in_li:
            self.findings[-1] += text


@pytest.fixture(scope="module")
def lineage_section(fixture_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("lineage-report")
    run([sys.executable, "-m", "plots", "--out", out, "-q"], database=fixture_warehouse)
    for name in ("top_base_models", "derivative_share_by_month", "license_drift", "top_authors"):
        assert (out / f"{name}.png").stat().st_size > 10_000, name
    parser = SectionParser()
    parser.feed((out / "report.html").read_text(encoding="utf-8"))
    assert len(parser.findings) >= 6, parser.findings
    return " ".join(parser.findings)


# --------------------------------------------------------------------------- the recorded response


def test_lineage_holds_exactly_the_edges_the_tags_state(
    fixture_warehouse: Path, recorded: Recorded
) -> None:
    expected = {
        (model_id, base, relation)
        for model_id, bases in recorded.edges.items()
        for base, relation in bases.items()
    }
    rows = query(
        fixture_warehouse, "select model_id, base_model_id, relation from marts.model_lineage"
    )
    assert set(rows) == expected and len(rows) == len(expected)
    # The counts for the recorded sample: 418 edges, 250 bases, 122 of them observed.
    assert len(expected) == 418
    assert len({base for _, base, _ in expected}) == 250
    assert len({base for _, base, _ in expected if base in recorded.models}) == 122
    observed = query(
        fixture_warehouse,
        "select model_id, base_model_id from marts.model_lineage where is_base_model_observed",
    )
    assert {b for _, b in observed} == {b for _, b, _ in expected if b in recorded.models}


def test_families_give_every_model_its_root_and_depth(
    fixture_warehouse: Path, recorded: Recorded
) -> None:
    rows = query(
        fixture_warehouse,
        "select model_id, root_model_id, depth, lineage_path, derivation, lineage_status "
        "from marts.model_families",
    )
    assert len(rows) == len(recorded.models)
    for model_id, root, depth, path, derivation, status in rows:
        walked = walk_up(recorded, model_id)
        assert walked is not None and status == "resolved", model_id
        assert (root, depth) == walked, model_id
        assert path[0] == root and path[-1] == model_id and len(path) == depth + 1
        assert derivation == recorded.derivation(model_id), model_id
    # The recorded sample has chains (depth 2 and more), merges and self-references.
    assert max(r[2] for r in rows) >= 2
    assert sum(1 for m in recorded.models if len(recorded.bases(m)) > 1) == 6


def test_descendant_counts_follow_every_chain(fixture_warehouse: Path, recorded: Recorded) -> None:
    expected = {base: len(found) for base, found in descendants(recorded).items()}
    rows = dict(
        query(fixture_warehouse, "select base_model_id, descendant_count from marts.base_models")
    )
    assert rows == expected


def test_report_section_states_numbers_recomputed_from_the_tags(
    lineage_section: str, recorded: Recorded
) -> None:
    text = lineage_section
    models = recorded.models
    derivations = Counter(recorded.derivation(m) for m in models)
    derivative_count = len(models) - derivations["original"]
    assert (
        f"{derivative_count:,} of the {len(models):,} sampled models "
        f"({derivative_count / len(models):.0%}) build on another model"
    ) in text
    assert f"{derivations['finetune']:,} fine-tunes" in text
    assert f"{derivations['quantized']:,} quantizations" in text
    assert f"{derivations['adapter']:,} adapters" in text
    assert f"{derivations['merge']:,} merges" in text

    edges = [(m, b) for m in recorded.edges for b in recorded.bases(m)]
    bases = {b for _, b in edges}
    several = sum(1 for m in models if len(recorded.bases(m)) > 1)
    assert (
        f"Their {len(edges):,} base-model edges name {len(bases):,} distinct base models, "
        f"{len(bases & set(models)):,} of them in the sample itself; {several:,} models name "
        "two or more bases"
    ) in text

    found = descendants(recorded)
    direct = Counter(b for _, b in edges)
    top = min(found, key=lambda b: (-len(found[b]), -direct[b], b))
    assert (
        f"{top} has the most descendants: {len(found[top]):,} sampled models derive from it "
        f"({direct[top]:,} directly)"
    ) in text

    walks = {m: walk_up(recorded, m) for m in models}
    max_depth = max(w[1] for w in walks.values() if w)
    roots_with_derivatives = {w[0] for w in walks.values() if w and w[1] > 0}
    self_references = sum(1 for m, bases in recorded.edges.items() if m in bases)
    assert f"Families run up to {max_depth:,} levels below their root" in text
    assert f"{len(roots_with_derivatives):,} roots have derivatives in the sample" in text
    assert f"({self_references:,} self-references)" in text

    families, labels = license_families()
    drift = Counter(
        (
            family_of(license_of(models[b]), families),
            family_of(license_of(models[m]), families),
        )
        for m, b in edges
        if b in models
    )
    licensed = sum(drift.values())
    changes = {pair: n for pair, n in drift.items() if pair[0] != pair[1]}
    changed = sum(changes.values())
    assert (
        f"Of the {licensed:,} edges whose base is in the sample, {changed:,} "
        f"({changed / licensed:.0%}) change licence family"
    ) in text
    order = list(labels)
    (parent, child), n = min(
        changes.items(), key=lambda kv: (-kv[1], order.index(kv[0][0]), order.index(kv[0][1]))
    )
    assert f"the most common change is {labels[parent]} to {labels[child]} ({n:,} edges)" in text

    by_author = Counter(author_of(m) for m in models if author_of(m))
    top_author, top_models = min(by_author.items(), key=lambda kv: (-kv[1], kv[0]))
    assert f"{top_author} publishes the most sampled models ({top_models:,})" in text
    derived: dict[str, set[str]] = defaultdict(set)
    for m, b in edges:
        if author_of(b):
            derived[author_of(b)].add(m)  # type: ignore[index]
    lead = min(derived, key=lambda a: (-len(derived[a]), a))
    by_others = sum(1 for m in derived[lead] if author_of(m) != lead)
    assert (
        f"{lead}'s models have the most derivatives ({len(derived[lead]):,}, "
        f"{by_others:,} of them by other authors)"
    ) in text

    months: dict[str, Counter[str]] = defaultdict(Counter)
    for m, obj in models.items():
        created = obj.get("createdAt")
        if created and not created.startswith(PLACEHOLDER_MINUTE):
            month = datetime.fromisoformat(created.replace("Z", "+00:00")).astimezone(UTC)
            months[month.strftime("%B %Y")][recorded.derivation(m)] += 1
    peak, counts = max(
        months.items(),
        key=lambda kv: (kv[1].total(), datetime.strptime(kv[0], "%B %Y")),
    )
    share = 1 - counts["original"] / counts.total()
    assert (
        f"Of the {counts.total():,} sampled models created in {peak}, the month with the most, "
        f"{share:.0%} are derivatives."
    ) in text


def test_recorded_self_references_fire_the_cycle_warning(fixture_warehouse: Path) -> None:
    rows = query(
        fixture_warehouse,
        "select model_id from marts.model_families where has_self_reference order by model_id",
    )
    assert [r[0] for r in rows] == [
        "XiaomiMiMo/MiMo-Embodied-7B",
        "briaai/FIBO",
        "deepseek-ai/DeepSeek-Math-V2",
    ]


# --------------------------------------------------------------------------- a crafted cycle

CYCLE_LENGTH = 300
CHAIN_LENGTH = 9
MAX_DEPTH = 5


def crafted_models() -> list[dict[str, Any]]:
    """A 300-model ring, a 2-cycle with a model below it, a self-reference, a 9-model chain and a
    merge of the chain's root and the 2-cycle."""

    def model(model_id: str, *bases: str, relation: str = "finetune") -> dict[str, Any]:
        tags = [t for b in bases for t in (f"base_model:{b}", f"base_model:{relation}:{b}")]
        return {"id": model_id, "downloads": 1, "likes": 0, "tags": tags}

    ring = [model(f"ring/m{i}", f"ring/m{(i + 1) % CYCLE_LENGTH}") for i in range(CYCLE_LENGTH)]
    chain = [model("chain/k0")] + [
        model(f"chain/k{i}", f"chain/k{i - 1}") for i in range(1, CHAIN_LENGTH)
    ]
    return [
        *ring,
        model("pair/a", "pair/b"),
        model("pair/b", "pair/a"),
        model("pair/below", "pair/a", relation="quantized"),
        model("self/s", "self/s"),
        *chain,
        model("merge/m", "chain/k0", "pair/a", relation="merge"),
    ]


def test_a_crafted_cycle_builds_in_bounded_time_and_warns(tmp_path: Path) -> None:
    path = tmp_path / "cycles.json"
    path.write_text(json.dumps(crafted_models()))
    database = tmp_path / "cycles.duckdb"
    ingest(database, "--from-file", path)
    # The build must end (the timeout); how long it takes is bench/ and BENCHMARKS.md's business.
    build = dbt_build(
        database,
        tmp_path,
        "--vars",
        json.dumps({"lineage_max_depth": MAX_DEPTH}),
        timeout=300,
    )
    assert "ERROR=0" in build.stdout
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())
    warned = {
        r["unique_id"].split(".")[2]: r["failures"]
        for r in results["results"]
        if r["status"] == "warn"
    }
    too_deep = CHAIN_LENGTH - 1 - MAX_DEPTH
    assert warned["warn_lineage_cycles"] == CYCLE_LENGTH + 2 + 1
    assert warned["warn_lineage_unresolved"] == CYCLE_LENGTH + 2 + 1 + too_deep

    status = dict(query(database, "select model_id, lineage_status from marts.model_families"))
    assert {status[f"ring/m{i}"] for i in range(CYCLE_LENGTH)} == {"in_cycle"}
    assert status["pair/a"] == status["pair/b"] == "in_cycle"
    assert status["pair/below"] == "below_cycle"
    assert status["self/s"] == "resolved"
    assert [status[f"chain/k{i}"] for i in range(CHAIN_LENGTH)] == (
        ["resolved"] * (MAX_DEPTH + 1) + ["too_deep"] * too_deep
    )
    assert status["merge/m"] == "resolved"
    families = {
        r[0]: r[1:]
        for r in query(
            database,
            "select model_id, root_model_id, depth, descendant_count from marts.model_families",
        )
    }
    assert families["chain/k5"] == ("chain/k0", 5, CHAIN_LENGTH - 6)
    assert families["merge/m"][:2] == ("merge/m", 0)
    # The merge counts among the chain root's descendants, not in its family.
    assert families["chain/k0"][2] == CHAIN_LENGTH - 1 + 1
    # On the ring every model is every other's ancestor: each has the other 299 as descendants.
    assert families["ring/m0"][2] == CYCLE_LENGTH - 1
    assert re.search(r"WARN=\d+", build.stdout)
