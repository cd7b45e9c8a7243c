"""How a crawl reads a served page: the ids only, one object at a time."""

from __future__ import annotations

import json
import tracemalloc

import pytest

from ingest.hub import TransientPageError, page_ids


@pytest.mark.parametrize(
    ("body", "ids"),
    [
        (b"[]", []),
        (b" \n[ ]\r\n", []),
        (b'[{"id": "a/b"}]', ["a/b"]),
        (b'[ {"id":"a"} ,\n{"_id":"x","id":"b","tags":["t",{"id":"inner"}]} ]', ["a", "b"]),
        (b'[{"id": "a"}, 7, null, ["id"], {"no": "id"}]', ["a", None, None, None, None]),
        ('\ufeff[{"id": "é"}]'.encode(), ["é"]),
        ('[{"id": "a"}]'.encode("utf-16"), ["a"]),
    ],
)
def test_ids_in_order(body: bytes, ids: list[str | None]) -> None:
    assert page_ids(body, "page 1") == ids


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "page 3 returned an empty body"),
        (b"<html>busy</html>", "page 3 returned HTML instead of JSON"),
        (b'[{"id": "a"}, {"id": "b"', "page 3 returned truncated or malformed JSON"),
        (b'[{"id": "a"} {"id": "b"}]', "page 3 returned truncated or malformed JSON"),
        (b'[{"id": "a"}] [', "page 3 returned truncated or malformed JSON"),
        (b"[1,]", "page 3 returned truncated or malformed JSON"),
        (b"\xff\xfe\xfd", "page 3 returned truncated or malformed JSON"),
        (b'{"error": "rate"}', 'page 3 returned a JSON dict: {"error": "rate"}'),
    ],
)
def test_a_body_that_is_not_an_array_says_what_it_was(body: bytes, message: str) -> None:
    with pytest.raises(TransientPageError, match="^" + message.replace("[", r"\[")):
        page_ids(body, "page 3")


def test_a_page_of_many_tag_models_is_not_held_as_python_objects() -> None:
    """Decoded whole, a many-tag page is ~10x its size in Python objects (a 21 MB page of the
    recording's 4,046-tag model took ~250 MB in the crawl's fetch thread); read one object at a
    time it costs about its text."""
    tags = [f"tag-{i:04d}" for i in range(4000)]
    body = json.dumps([{"id": f"m/{n}", "tags": tags} for n in range(100)]).encode()
    tracemalloc.start()
    try:
        ids = page_ids(body, "page 1")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert ids == [f"m/{n}" for n in range(100)]
    assert peak < 2 * len(body), f"{peak / len(body):.1f}x the page's size"
