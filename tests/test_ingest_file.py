"""Landing saved responses with `python -m ingest --from-file`."""

from __future__ import annotations

import codecs
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_SNAPSHOT_AT, ingest, query


def raw_state(database: Path) -> list[tuple]:
    """Everything the raw layer holds, for 'nothing changed' assertions."""
    return query(
        database,
        """
        select 'models', snapshot_id, model_id, payload::varchar from raw.hf_models
        union all select 'snapshots', snapshot_id, status, model_count::varchar from raw.snapshots
        union all select 'rejected', snapshot_id, reason, raw_text from raw.hf_models_rejected
        order by all
        """,
    )


@pytest.fixture
def landed(tmp_path: Path, fixture_file: Path) -> Path:
    database = tmp_path / "w.duckdb"
    ingest(database, "--from-file", fixture_file, "--snapshot-at", FIXTURE_SNAPSHOT_AT)
    return database


def test_fixture_lands_every_object_exactly_as_recorded(landed: Path, fixture_file: Path) -> None:
    recorded = json.loads(fixture_file.read_text())
    rows = query(landed, "select model_id, payload::varchar from raw.hf_models")
    assert len(rows) == len(recorded) == 1000
    by_id = dict(rows)
    for obj in recorded:
        # The payload is the recorded text itself: key order, floats and absent keys intact.
        assert by_id[obj["id"]] == json.dumps(obj)
        assert json.loads(by_id[obj["id"]]) == obj
    absent = query(
        landed,
        "select count(*) from raw.hf_models where json_type(payload, '$.pipeline_tag') is null",
    )
    assert absent == [(sum("pipeline_tag" not in o for o in recorded),)]


def test_snapshot_metadata(landed: Path, fixture_file: Path) -> None:
    ((snapshot_at, source, status, count, kind),) = query(
        landed,
        """
        select timezone('UTC', snapshot_at)::varchar, source, status, model_count,
            request->>'kind'
        from raw.snapshots
        """,
    )
    assert snapshot_at == "2025-12-01 21:00:00"
    assert source == str(fixture_file.resolve())
    assert (status, count, kind) == ("complete", 1000, "file")
    ((loaded,),) = query(landed, "select count(distinct loaded_at) from raw.hf_models")
    assert loaded == 1


def test_same_file_twice_lands_once(landed: Path, fixture_file: Path) -> None:
    before = raw_state(landed)
    again = ingest(landed, "--from-file", fixture_file, "--snapshot-at", FIXTURE_SNAPSHOT_AT)
    assert "already landed" in again.stderr
    # Without --snapshot-at the same bytes are still the same snapshot.
    ingest(landed, "--from-file", fixture_file)
    assert raw_state(landed) == before


def test_same_file_at_another_time_is_another_snapshot(landed: Path, fixture_file: Path) -> None:
    ingest(landed, "--from-file", fixture_file, "--snapshot-at", "2025-12-08T21:00:00+00:00")
    assert query(landed, "select count(*), count(distinct snapshot_id) from raw.hf_models") == [
        (2000, 2)
    ]


def test_snapshot_at_offset_is_stored_as_utc(tmp_path: Path, fixture_file: Path) -> None:
    database = tmp_path / "w.duckdb"
    ingest(database, "--from-file", fixture_file, "--snapshot-at", "2025-12-01T23:00:00+02:00")
    assert query(database, "select timezone('UTC', snapshot_at)::varchar from raw.snapshots") == [
        ("2025-12-01 21:00:00",)
    ]


def test_one_object_per_line_is_accepted(tmp_path: Path, fixture_file: Path) -> None:
    recorded = json.loads(fixture_file.read_text())
    ndjson = tmp_path / "models.ndjson"
    ndjson.write_text("\n".join(json.dumps(o) for o in recorded[:50]) + "\n")
    database = tmp_path / "w.duckdb"
    ingest(database, "--from-file", ndjson)
    assert query(database, "select count(*) from raw.hf_models") == [(50,)]


@pytest.mark.parametrize("layout", ["array", "lines"])
def test_a_byte_order_mark_is_skipped(layout: str, tmp_path: Path, fixture_file: Path) -> None:
    recorded = json.loads(fixture_file.read_text())[:20]
    if layout == "array":
        text = json.dumps(recorded, indent=1)
    else:
        text = "\n".join(json.dumps(o) for o in recorded) + "\n"
    path = tmp_path / f"bom_{layout}.json"
    path.write_bytes(codecs.BOM_UTF8 + text.encode())
    database = tmp_path / "w.duckdb"
    ingest(database, "--from-file", path)
    assert query(database, "select model_id from raw.hf_models order by 1") == sorted(
        (o["id"],) for o in recorded
    )
    assert query(database, "select count(*) from raw.hf_models_rejected") == [(0,)]


def test_objects_without_usable_id_are_rejected_and_the_rest_land(tmp_path: Path) -> None:
    objects = [
        {"id": "org/good", "likes": 1},
        {"_id": "abc", "likes": 2},
        {"id": "", "likes": 3},
        {"id": 42},
        "not an object",
        {"modelId": "org/legacy"},
        {"id": "org/good", "likes": 9},
    ]
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps(objects))
    database = tmp_path / "w.duckdb"
    result = ingest(database, "--from-file", path)
    assert "4 rejected" in result.stderr and "1 duplicate" in result.stderr
    assert query(
        database,
        "select model_id, json_extract_string(payload, '$.likes') from raw.hf_models order by 1",
    ) == [
        ("org/good", "9"),  # the later copy wins
        ("org/legacy", None),
    ]
    reasons = query(database, "select position, reason from raw.hf_models_rejected order by 1")
    assert [p for p, _ in reasons] == [2, 3, 4, 5]
    assert "missing id" in reasons[0][1] and "not a JSON object" in reasons[3][1]


BAD_FILES = {
    "html": ("<!DOCTYPE html><html><body>Rate limited</body></html>", "HTML"),
    "truncated": ('[{"id": "a/b", "likes": 1}, {"id": "c/d", "li', "Malformed JSON"),
    "error_object": ('{"error": "Invalid cursor"}', "no landable model objects"),
    "empty_array": ("[]", "no model objects"),
    "empty_file": ("", "empty"),
    "not_json": ("id,likes\na/b,1\n", "not JSON"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_one_clear_line_and_leaves_warehouse_untouched(
    name: str, landed: Path, tmp_path: Path
) -> None:
    content, message = BAD_FILES[name]
    path = tmp_path / f"{name}.json"
    path.write_text(content)
    before = raw_state(landed)
    result = ingest(landed, "--from-file", path, check=False)
    assert result.returncode == 1
    assert message in result.stderr and str(path) in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert raw_state(landed) == before


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_missing_file_or_directory(kind: str, landed: Path, tmp_path: Path) -> None:
    path = tmp_path / "nope.json" if kind == "missing" else tmp_path
    before = raw_state(landed)
    result = ingest(landed, "--from-file", path, check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ("no such file" if kind == "missing" else "is a directory") in result.stderr
    assert raw_state(landed) == before


def test_locked_warehouse_says_who_holds_it(landed: Path, fixture_file: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
            "sys.stdin.read()",
            str(landed),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        result = ingest(
            landed, "--from-file", fixture_file, "--snapshot-at", "2026-01-01", check=False
        )
    finally:
        holder.communicate("")
    assert result.returncode == 3
    assert "in use by another process" in result.stderr and f"PID {holder.pid}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--limit", "0"], "must be at least 1"),
        (["--limit", "-5"], "must be at least 1"),
        (["--snapshot-at", "yesterday"], "not an ISO 8601"),
        (["--full", "--expand", "downloads"], "--expand cannot be combined with --full"),
        (["--no-such-flag"], "unrecognized arguments"),
        (["--from-file", "x.json", "--sort", "likes"], "only apply to crawling"),
    ],
)
def test_usage_errors(args: list[str], message: str, tmp_path: Path) -> None:
    result = ingest(tmp_path / "w.duckdb", *args, check=False)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "w.duckdb").exists()


def test_a_bad_hf_endpoint_does_not_stop_a_file_landing(tmp_path: Path, fixture_file: Path) -> None:
    # A file needs no network, so the endpoint is checked only when crawling.
    database = tmp_path / "w.duckdb"
    ingest(database, "--from-file", fixture_file, env={"HF_ENDPOINT": "not a url"})
    assert query(database, "select count(*) from raw.hf_models") == [(1000,)]


# A lone surrogate escape: JSON's grammar allows it and Python reads it, DuckDB refuses it.
UNREADABLE = '{"id":"org/unreadable","cardData":{"note":"\\ud800"}}'


@pytest.mark.parametrize("layout", ["array", "lines", "bom"])
def test_an_object_duckdb_cannot_read_is_rejected_and_the_rest_lands(
    layout: str, tmp_path: Path
) -> None:
    texts = [
        '{"id":"org/a","likes":1}',
        '{"id":"org/b","likes":2}',
        UNREADABLE,
        '{"id":"org/a","likes":3}',  # the later copy of org/a still wins
        '"not an object"',
    ]
    path = tmp_path / "saved.json"
    joined = "\n".join(texts) if layout == "lines" else "[" + ",\n ".join(texts) + "]"
    path.write_bytes((codecs.BOM_UTF8 if layout == "bom" else b"") + joined.encode())
    database = tmp_path / "w.duckdb"
    result = ingest(database, "--from-file", path)
    assert "2 models landed" in result.stderr and "2 rejected" in result.stderr
    assert query(database, "select model_id, payload::varchar from raw.hf_models order by 1") == [
        ("org/a", texts[3]),
        ("org/b", texts[1]),
    ]
    rejected = query(
        database,
        "select page_number, position, reason, raw_text from raw.hf_models_rejected order by 2",
    )
    assert [(page, position, text) for page, position, _, text in rejected] == [
        (1, 3, UNREADABLE),
        (1, 5, texts[4]),
    ]
    assert (
        rejected[0][2].startswith("JSON that DuckDB cannot read") and "surrogate" in rejected[0][2]
    )
    assert query(database, "select status, rejected_count from raw.snapshots") == [("complete", 2)]


def test_a_file_of_only_unreadable_objects_is_refused_like_an_empty_one(tmp_path: Path) -> None:
    path = tmp_path / "saved.json"
    path.write_text(f"[{UNREADABLE}]")
    database = tmp_path / "w.duckdb"
    result = ingest(database, "--from-file", path, check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no landable model objects; 1 rejected" in result.stderr and "surrogate" in result.stderr
    assert query(database, "select count(*) from raw.snapshots") == [(0,)]
