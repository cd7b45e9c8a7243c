"""The seed hub_fields lists exactly the fields stg_hf__models parses, so the two cannot drift.

The seed is what a full observation must carry and what `make daily` asks the Hub for with
`expand`; the json_transform spec in staging is what the warehouse reads. A field parsed but not
in the seed would never be requested; a field in the seed but not parsed would be requested for
nothing.
"""

from __future__ import annotations

import csv
import json
import re

from tests.conftest import REPO

STAGING = REPO / "models" / "staging" / "stg_hf__models.sql"
SEED = REPO / "seeds" / "hub_fields.csv"


def parsed_fields() -> set[str]:
    match = re.search(r"json_transform\(\s*payload,\s*'(\{.*?\})'\s*\)", STAGING.read_text(), re.S)
    assert match, f"no json_transform(payload, '...') in {STAGING}"
    return set(json.loads(match.group(1)))


def seed_fields() -> set[str]:
    with SEED.open(newline="", encoding="utf-8") as handle:
        return {row["field"] for row in csv.DictReader(handle)}


def test_seed_lists_every_field_staging_parses() -> None:
    assert seed_fields() == parsed_fields()


def test_downloads_all_time_is_parsed_but_not_required() -> None:
    with SEED.open(newline="", encoding="utf-8") as handle:
        required = {row["field"]: row["is_required"] for row in csv.DictReader(handle)}
    assert required["downloadsAllTime"] == "false"
    assert "downloadsAllTime" in parsed_fields()
