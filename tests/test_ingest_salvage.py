"""The streamed object splitter behind landing a file DuckDB refuses (ingest/salvage.py)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from ingest import salvage

VALUES = [
    '{"id":"a/1","tags":["x,]","y}"],"n":12345}',
    "123456789",
    '"a string with \\"quotes\\" and ] , }"',
    '{"id":"a/2","note":"\\ud800"}',
    "[1,[2,[3]]]",
    '{"id":"a/3","emoji":"🤗"}',
    "null",
]


@pytest.mark.parametrize("layout", ["array", "lines"])
@pytest.mark.parametrize("read_chars", [1, 3, 7, 1 << 20])
def test_every_value_comes_back_as_written_whatever_the_read_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str, read_chars: int
) -> None:
    # Reads this small cut every value, number and escape somewhere in the middle.
    monkeypatch.setattr(salvage, "READ_CHARS", read_chars)
    path = tmp_path / "f.json"
    joined = " \n".join(VALUES) if layout == "lines" else "[ " + " ,\n".join(VALUES) + " ]\n"
    path.write_text(joined, encoding="utf-8")
    assert list(salvage.iter_object_texts(path)) == VALUES


@pytest.mark.parametrize("text", ['[{"id":"a"},', '[{"id":"a"} {"id":"b"}]', '[{"id":"a'])
def test_a_broken_file_is_not_salvaged(tmp_path: Path, text: str) -> None:
    path = tmp_path / "f.json"
    path.write_text(text)
    with duckdb.connect() as con:
        assert salvage.readable_copy(con, path, tmp_path / "copy.json") is None


def test_unreadable_objects_become_null_in_place_across_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(salvage, "BATCH", 2)
    objects = [f'{{"id":"a/{i}"}}' for i in range(7)]
    objects[2] = objects[5] = '{"id":"bad","x":"\\udc00"}'
    path = tmp_path / "f.json"
    path.write_text("[" + ",".join(objects) + "]")
    with duckdb.connect() as con:
        copy = salvage.readable_copy(con, path, tmp_path / "copy.json")
    assert copy is not None
    assert sorted(copy.unreadable) == [3, 6]
    assert all(text == objects[2] for _, text in copy.unreadable.values())
    landed = json.loads(copy.path.read_text())
    assert landed == [None if i in (2, 5) else json.loads(o) for i, o in enumerate(objects)]
