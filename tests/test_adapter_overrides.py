"""Every dbt-duckdb macro this project overrides or calls from its own macros, pinned.

An override copies the adapter's own macro and changes one thing; a call reaches into the
adapter's internals. Both are right only for the adapter they were written against: when the
pinned dbt-duckdb changes one of these macros, this fails and names it, so the copy is redone
(or the call checked) instead of silently running the older logic. The table says why each is
there; CONTRIBUTING.md points here.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import dbt.include.duckdb
import pytest

from tests.conftest import REPO

ADAPTER_MACROS = Path(dbt.include.duckdb.__file__).parent / "macros"
# name: (the project's file, the adapter's macro text's sha256, first 16 hex digits; why)
PINNED: dict[str, tuple[str, str, str]] = {
    "duckdb__list_schemas": (
        "macros/quoted_catalog.sql",
        "e42c55423944fcdb",
        "the catalog name escaped: a warehouse file named o'brien.duckdb",
    ),
    "duckdb__check_schema_exists": (
        "macros/quoted_catalog.sql",
        "12b238b382717aa8",
        "the catalog name escaped",
    ),
    "duckdb__list_relations_without_caching": (
        "macros/quoted_catalog.sql",
        "f5eb9f24739c446e",
        "the catalog name escaped",
    ),
    "duckdb__create_schema": (
        "macros/quoted_catalog.sql",
        "ffc8316c1086bc5f",
        "the catalog name escaped",
    ),
    "drop_indexes_on_relation": (
        "macros/quoted_catalog.sql",
        "872e327389d6b79c",
        "the catalog name escaped",
    ),
    "duckdb__get_catalog_tables_sql": (
        "macros/quoted_catalog.sql",
        "e6c56a046466d865",
        "the catalog name escaped (dbt docs generate)",
    ),
    "duckdb__get_catalog_columns_sql": (
        "macros/quoted_catalog.sql",
        "e0d0722dc497c454",
        "the catalog name escaped (dbt docs generate)",
    ),
    "duckdb_escape_comment": (
        "macros/duckdb_escape_comment.sql",
        "7f3298759b149894",
        "comments on one line, as the DuckDB shell prints them",
    ),
    "duckdb__get_delete_insert_merge_sql": (
        "macros/history_batches.sql",
        "263461dbc16904d2",
        "called with a snapshot_at bound, so a delete skips older row groups",
    ),
}


def adapter_macro(name: str) -> str:
    """The adapter's text of macro `name`, from `{% macro` to its `{% endmacro %}`."""
    pattern = re.compile(
        r"\{%-?\s*macro\s+" + re.escape(name) + r"\(.*?\{%-?\s*endmacro\s*-?%\}", re.S
    )
    found = [
        m.group(0)
        for path in sorted(ADAPTER_MACROS.rglob("*.sql"))
        for m in pattern.finditer(path.read_text())
    ]
    assert len(found) == 1, f"dbt-duckdb has {len(found)} macros named {name}"
    return found[0]


@pytest.mark.parametrize("name", sorted(PINNED))
def test_the_adapter_macro_is_the_one_the_project_was_written_against(name: str) -> None:
    ours, digest, why = PINNED[name]
    assert re.search(r"\b" + re.escape(name) + r"\b", (REPO / ours).read_text()), (
        f"{ours} no longer names {name}: drop it from PINNED"
    )
    assert hashlib.sha256(adapter_macro(name).encode()).hexdigest()[:16] == digest, (
        f"the pinned dbt-duckdb changed {name}, which {ours} overrides or calls ({why}): "
        "redo the copy from the adapter's new text, then record its new digest here"
    )


def test_every_adapter_macro_the_project_overrides_is_pinned() -> None:
    """A project macro named like one of the adapter's overrides it: it must be listed."""
    adapter = {
        m.group(1)
        for path in ADAPTER_MACROS.rglob("*.sql")
        for m in re.finditer(r"\{%-?\s*macro\s+(\w+)\(", path.read_text())
    }
    ours = {
        m.group(1)
        for path in (REPO / "macros").glob("*.sql")
        for m in re.finditer(r"\{%-?\s*macro\s+(\w+)\(", path.read_text())
    }
    assert ours & adapter <= set(PINNED), sorted(ours & adapter - set(PINNED))
