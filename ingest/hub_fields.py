"""The /api/models fields a full observation needs, read from the dbt seed `hub_fields`.

With `expand` the Hub returns only the fields asked for (plus `id` and `_id`), so a crawl that
asks for some must ask for all of them. The seed is the one list: dbt reads it to decide
whether a snapshot is a full observation, and `python -m ingest --expand-hub-fields` (what
`make daily` crawls with) asks for exactly its fields.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ingest.errors import IngestError

SEED = Path(__file__).resolve().parent.parent / "seeds" / "hub_fields.csv"


def hub_fields(path: Path = SEED) -> list[str]:
    """The seed's `field` column, in its order (a stable order keeps a crawl resumable)."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise IngestError(f"{path}: cannot read the hub_fields seed ({exc})") from None
    fields = [(row.get("field") or "").strip() for row in rows]
    if not fields or not all(fields):
        raise IngestError(f"{path}: expected a `field` column with a name on every row")
    return list(dict.fromkeys(fields))


def required_hub_fields(path: Path = SEED) -> list[str]:
    """The fields a snapshot must carry to be a full observation (`is_required` in the seed)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    fields = hub_fields(path)
    required = {
        (row.get("field") or "").strip() for row in rows if row.get("is_required") == "true"
    }
    return [field for field in fields if field in required]
