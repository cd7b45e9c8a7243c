"""The seed hub_fields: the one list of fields a full observation carries.

`--expand-hub-fields` (what `make daily` crawls with) asks for exactly its fields, and it lists
exactly the fields stg_hf__models parses, so the two cannot drift: a field parsed but not in
the seed would never be requested; one in the seed but not parsed would be requested for
nothing.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from ingest.cli import api_request, parse_args
from ingest.errors import IngestError
from ingest.hub_fields import SEED, hub_fields
from tests.conftest import REPO

STAGING = REPO / "models" / "staging" / "stg_hf__models.sql"


def test_the_seed_is_the_list() -> None:
    with SEED.open(newline="") as handle:
        want = [row["field"] for row in csv.DictReader(handle)]
    assert hub_fields() == want
    assert "downloadsAllTime" in want


def test_a_crawl_expands_every_seed_field_then_the_extra_ones() -> None:
    flags = ["--all", "--expand-hub-fields", "--expand", "sha", "--expand", "likes"]
    args = parse_args([*flags, "--endpoint", "http://127.0.0.1:9"])
    params = api_request(args).params
    assert params["expand"] == [*hub_fields(), "sha"]
    assert params["limit"] == 1000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--expand-hub-fields", "--full"], "--expand-hub-fields cannot be combined with --full"),
        (["--from-file", "x.json", "--expand-hub-fields"], "only apply to crawling"),
    ],
)
def test_usage_errors(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_args(args)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    "text",
    ["", "name,is_required\ncreatedAt,true\n", "field,is_required\ncreatedAt,true\n,false\n"],
    ids=["empty", "no field column", "a row without a name"],
)
def test_a_broken_seed_is_named(tmp_path: Path, text: str) -> None:
    seed = tmp_path / "hub_fields.csv"
    seed.write_text(text)
    with pytest.raises(IngestError, match=re.escape("hub_fields.csv: expected a `field` column")):
        hub_fields(seed)


def test_a_missing_seed_is_named(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="cannot read the hub_fields seed"):
        hub_fields(tmp_path / "missing.csv")


def parsed_fields() -> set[str]:
    match = re.search(r"json_transform\(\s*payload,\s*'(\{.*?\})'\s*\)", STAGING.read_text(), re.S)
    assert match, f"no json_transform(payload, '...') in {STAGING}"
    return set(json.loads(match.group(1)))


def test_seed_lists_every_field_staging_parses() -> None:
    assert set(hub_fields()) == parsed_fields()


def test_downloads_all_time_is_parsed_but_not_required() -> None:
    with SEED.open(newline="", encoding="utf-8") as handle:
        required = {row["field"]: row["is_required"] for row in csv.DictReader(handle)}
    assert required["downloadsAllTime"] == "false"
    assert "downloadsAllTime" in parsed_fields()
