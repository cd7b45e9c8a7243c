"""`python -m ingest --from-parquet`: an archive Parquet file lands as one snapshot of objects."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from ingest.archive import capture_time_in_path, land_archive, payload_sql
from ingest.hub_fields import hub_fields
from tests.conftest import ingest, query, run
from tests.parquet_archives import (
    expected_objects,
    typed_table,
    with_archive_columns,
    write_archive,
)

READ_FIELDS = ["id", "_id", "modelId", *hub_fields()]


@pytest.fixture(scope="module")
def recorded(fixture_file: Path) -> list[dict[str, Any]]:
    return json.loads(fixture_file.read_text())


def payloads(database: Path) -> dict[str, dict[str, Any]]:
    rows = query(database, "select model_id, payload from raw.hf_models")
    return {model_id: json.loads(payload) for model_id, payload in rows}


def request_of(database: Path) -> dict[str, Any]:
    [(request,)] = query(database, "select request from raw.snapshots")
    return json.loads(request)


@pytest.mark.parametrize("timestamps", ["tz", "tz-other", "naive", "string"])
def test_each_row_lands_as_the_object_the_api_serves(
    recorded: list[dict[str, Any]], tmp_path: Path, timestamps: str
) -> None:
    path = write_archive(
        typed_table(recorded, timestamps), tmp_path / "models" / "2025-12-01" / "models.parquet"
    )
    database = tmp_path / "w.duckdb"
    ingest(database, "--from-parquet", path)
    landed = payloads(database)
    assert landed == expected_objects(path, READ_FIELDS)
    # The recording's own text comes back: the API's timestamp format, lists, absent keys.
    assert landed == {model["id"]: model for model in recorded}
    request = request_of(database)
    assert request["kind"] == "archive"
    assert request["required_missing"] == []
    assert {"cardData", "siblings", "baseModels", "safetensors", "lastModified"} <= set(
        request["columns_ignored"]
    )
    assert query(database, "select snapshot_at::varchar from raw.snapshots") == [
        ("2025-12-01 00:00:00+00",)
    ]


def test_payload_sql_turns_structs_lists_and_json_text_into_json(
    recorded: list[dict[str, Any]],
) -> None:
    import duckdb

    table = typed_table(recorded[:3], "tz")
    columns = ["id", "baseModels", "safetensors", "cardData", "siblings", "createdAt"]
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        con.register("archive_batch", table)
        texts = [
            json.loads(text)
            for (text,) in con.execute(
                f"select {payload_sql(table.schema, columns)} from archive_batch"
            ).fetchall()
        ]
    for number, (model, text) in enumerate(zip(recorded[:3], texts, strict=True)):
        source = with_archive_columns(model, number)
        expected = {key: source[key] for key in columns if source[key] is not None}
        expected["cardData"] = json.loads(source["cardData"])
        assert text == expected
    assert "baseModels" not in texts[0]  # null struct left out, as the API leaves it out
    assert texts[1]["baseModels"] == {"relation": "finetune", "models": [{"id": "base-org/base-1"}]}


def test_a_missing_or_renamed_required_field_is_recorded_and_not_a_full_observation(
    recorded: list[dict[str, Any]], tmp_path: Path
) -> None:
    table = typed_table(recorded, "tz", drop=("downloadsAllTime",))
    table = table.rename_columns(
        ["pipelineTag" if c == "pipeline_tag" else c for c in table.column_names]
    )
    table = table.append_column("someNewField", pa.array(range(table.num_rows)))
    path = write_archive(table, tmp_path / "20251201" / "models.parquet")
    database = tmp_path / "w.duckdb"
    result = ingest(database, "--from-parquet", path)
    assert "not a full observation: no pipeline_tag" in result.stderr
    request = request_of(database)
    assert request["required_missing"] == ["pipeline_tag"]
    assert "downloadsAllTime" not in request["fields_present"]
    assert {"pipelineTag", "someNewField"} <= set(request["columns_ignored"])
    assert all("pipeline_tag" not in payload for payload in payloads(database).values())


def test_floats_with_nan_and_repeats_and_rows_without_id(tmp_path: Path) -> None:
    table = pa.table(
        {
            "id": ["a/x", None, "a/y", "", "a/x"],
            "downloads": pa.array([1.0, 2.0, float("nan"), 4.0, 5.0], pa.float64()),
            "tags": [["t1"], [], None, ["t2"], ["t3", "t4"]],
        }
    )
    path = write_archive(table, tmp_path / "models_2024-07-24.parquet", row_group_size=2)
    database = tmp_path / "w.duckdb"
    ingest(database, "--from-parquet", path)
    # The later row of a repeated id is kept; NaN is no value, so the key is left out.
    assert payloads(database) == {
        "a/x": {"id": "a/x", "downloads": 5.0, "tags": ["t3", "t4"]},
        "a/y": {"id": "a/y"},
    }
    assert query(
        database, "select position, reason from raw.hf_models_rejected order by position"
    ) == [(2, 'missing id: "id" is null'), (4, 'unusable id: "id" is an empty string')]
    assert query(
        database, "select model_count, duplicate_count, rejected_count from raw.snapshots"
    ) == [(2, 1, 2)]


def test_an_open_file_object_lands_with_the_checksum_the_caller_gives(
    recorded: list[dict[str, Any]], tmp_path: Path
) -> None:
    path = write_archive(typed_table(recorded[:50]), tmp_path / "any.parquet")
    database = tmp_path / "w.duckdb"
    with path.open("rb") as handle:
        summary = land_archive(
            database,
            handle,
            name="hf://datasets/org/archive/models/2024-07-24/models.parquet",
            size=path.stat().st_size,
            sha256="ab" * 32,
        )
    assert summary.models == 50
    assert query(
        database, "select snapshot_at::date::varchar, source, content_sha256 from raw.snapshots"
    ) == [("2024-07-24", "hf://datasets/org/archive/models/2024-07-24/models.parquet", "ab" * 32)]
    # Known by its checksum: not opened again, whatever the object.
    again = land_archive(
        database, pa.BufferReader(b"not parquet"), name="x", size=1, sha256="ab" * 32
    )
    assert "already landed" in again.note


def test_a_rerun_skips_the_file_and_folders_and_globs_expand(
    recorded: list[dict[str, Any]], tmp_path: Path
) -> None:
    archive = tmp_path / "archive" / "models"
    for day in ("2024-07-24", "2024-07-31", "2024-08-07"):
        write_archive(
            typed_table(recorded[:20]).slice(0, 20 - int(day[-1])), archive / day / "models.parquet"
        )
    database = tmp_path / "w.duckdb"
    ingest(database, "--from-parquet", archive / "2024-07-24" / "models.parquet")
    result = ingest(database, "--from-parquet", str(archive / "*" / "models.parquet"))
    assert result.stderr.count("already landed") == 1
    ingest(database, "--from-parquet", archive)
    assert query(
        database, "select snapshot_at::date::varchar, model_count from raw.snapshots order by 1"
    ) == [("2024-07-24", 16), ("2024-07-31", 19), ("2024-08-07", 13)]


def test_bad_files_are_one_line_and_land_nothing(
    recorded: list[dict[str, Any]], tmp_path: Path
) -> None:
    database = tmp_path / "w.duckdb"
    not_parquet = tmp_path / "2024-07-24" / "models.parquet"
    not_parquet.parent.mkdir()
    not_parquet.write_text(json.dumps(recorded[:2]))
    no_id = write_archive(typed_table(recorded[:5], drop=("id",)), tmp_path / "2024-07-31.parquet")
    no_date = write_archive(typed_table(recorded[:5]), tmp_path / "models.parquet")
    for path, exit_code, words in (
        (not_parquet, 1, "not a readable Parquet file"),
        (no_id, 1, "no `id` column"),
        (no_date, 2, "no capture time"),
    ):
        result = ingest(database, "--from-parquet", path, check=False)
        assert result.returncode == exit_code, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and str(path) in lines[0] and words in lines[0], result.stderr
    assert query(database, "select count(*) from raw.snapshots") == [(0,)]
    # Several files: none lands when one has no capture time.
    good = write_archive(typed_table(recorded[:5]), tmp_path / "ok" / "2024-08-07.parquet")
    result = ingest(database, "--from-parquet", good, no_date, check=False)
    assert result.returncode == 2 and str(no_date) in result.stderr
    assert query(database, "select count(*) from raw.snapshots") == [(0,)]
    assert (
        ingest(
            database,
            "--from-parquet",
            good,
            good,
            "--snapshot-at",
            "2024-08-07T10:00:00Z",
            check=False,
        ).returncode
        == 0
    )
    result = ingest(
        database,
        "--from-parquet",
        good,
        no_id,
        "--snapshot-at",
        "2024-08-07T10:00:00Z",
        check=False,
    )
    assert result.returncode == 2 and "--snapshot-at gives one capture time" in result.stderr


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("models/2024-07-24/models.parquet", "2024-07-24"),
        ("hub_20240724.parquet", "2024-07-24"),
        ("2023-01-01/models/2024-07-24/models.parquet", "2024-07-24"),
        ("history/snapshot_date=2025-12-01/x.parquet", "2025-12-01"),
        ("models/2024-13-45/models.parquet", None),
        ("models/1202407241/models.parquet", None),
    ],
)
def test_capture_time_in_path(path: str, expected: str | None) -> None:
    found = capture_time_in_path(path)
    assert (found.date().isoformat() if found else None) == expected


def test_only_the_kept_columns_are_read(recorded: list[dict[str, Any]], tmp_path: Path) -> None:
    # As in the real files, the unread columns hold most of the bytes: 5 KB of card per model.
    table = typed_table(recorded, "tz")
    cards = pa.array(
        [json.dumps({"text": random.Random(n).randbytes(2500).hex()}) for n in range(len(recorded))]
    )
    table = table.set_column(table.column_names.index("cardData"), "cardData", cards)
    path = write_archive(table, tmp_path / "2024-07-24.parquet")

    class CountingFile:
        """A file object that counts the bytes pyarrow reads from it."""

        def __init__(self) -> None:
            self.inner = path.open("rb")
            self.read_bytes = 0

        def read(self, size: int = -1) -> bytes:
            data = self.inner.read(size)
            self.read_bytes += len(data)
            return data

        def readinto(self, buffer: Any) -> int:
            count = self.inner.readinto(buffer)
            self.read_bytes += count
            return count

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    counting = CountingFile()
    summary = land_archive(
        tmp_path / "w.duckdb", counting, name=str(path), size=1, sha256="cd" * 32
    )
    assert summary.models == len(recorded)
    # The cards alone are ~90% of the file: reading them even once would break this.
    assert counting.read_bytes <= 0.25 * path.stat().st_size


def test_a_file_lands_under_a_small_memory_cap(
    recorded: list[dict[str, Any]], tmp_path: Path
) -> None:
    # 20,000 models with 5 KB of card each (100 MB the lander must never hold) under a 256 MB
    # cap. The cap is DuckDB's; the process also holds Python and pyarrow, and peaked at
    # 230-258 MB on 2026-12-03. Holding the cards at all adds their 100 MB on top, so 300 MB
    # tells the two apart with room on either side.
    models = [
        {**model, "id": f"{model['id']}-{copy}", "modelId": f"{model['id']}-{copy}"}
        for copy in range(20)
        for model in recorded
    ]
    table = typed_table(models, "tz")
    cards = pa.array(
        [json.dumps({"text": random.Random(n).randbytes(2500).hex()}) for n in range(len(models))]
    )
    table = table.set_column(table.column_names.index("cardData"), "cardData", cards)
    path = write_archive(table, tmp_path / "2024-07-24.parquet", row_group_size=2000)
    database = tmp_path / "w.duckdb"
    measure = (
        "import resource, subprocess, sys; "
        "code = subprocess.run(sys.argv[1:]).returncode; "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)"
    )
    result = run(
        [sys.executable, "-c", measure, sys.executable, "-m", "ingest", "--from-parquet", path],
        database=database,
        env={"HF_TRENDS_MEMORY_LIMIT": "256MB"},
    )
    peak_mb = int(result.stdout.split()[-1]) / 1024
    assert query(database, "select model_count from raw.snapshots") == [(20_000,)]
    assert peak_mb < 300, f"peak {peak_mb:.0f} MB"


def test_a_different_file_with_a_landed_capture_time_is_refused_unless_allowed(
    recorded: list[dict[str, Any]], tmp_path: Path
) -> None:
    # Two archives of one day (say the weekly folder and a daily copy) would both be "the
    # newest" of that instant, and growth between them would divide by zero days.
    weekly = write_archive(typed_table(recorded[:20]), tmp_path / "weekly" / "2024-07-24.parquet")
    daily = write_archive(typed_table(recorded[:30]), tmp_path / "daily" / "20240724.parquet")
    database = tmp_path / "w.duckdb"
    ingest(database, "--from-parquet", weekly)
    result = ingest(database, "--from-parquet", daily, check=False)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(daily) in lines[0] and "2024-07-24T00:00:00Z" in lines[0]
    assert query(database, "select model_count from raw.snapshots") == [(20,)]
    ingest(database, "--from-parquet", daily, "--allow-same-capture-time")
    assert query(database, "select model_count from raw.snapshots order by 1") == [(20,), (30,)]


def test_a_file_whose_name_holds_glob_characters_lands_itself_alone(
    recorded: list[dict[str, Any]], tmp_path: Path
) -> None:
    # DuckDB would read `week[1]` as a pattern matching `week1`: another file, or none.
    folder = tmp_path / "2024-07-24"
    odd = write_archive(typed_table(recorded[:12]), folder / "week[1]*.parquet")
    write_archive(typed_table(recorded[:30]), folder / "week1x.parquet")
    database = tmp_path / "w.duckdb"
    land_archive(database, odd)
    assert query(database, "select model_count from raw.snapshots") == [(12,)]
