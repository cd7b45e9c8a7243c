"""Objects DuckDB cannot read, set aside one by one so that the rest of a page or file lands.

DuckDB's JSON reader refuses a whole file or page for one object it cannot read (a lone
surrogate escape such as "\\ud800", which JSON's grammar allows and Python reads). A crawl
then lands its page object by object (`find_unreadable` in ingest/loader.py); a saved file
gets the same treatment here, streamed, so a multi-million-object file costs one extra pass and
never sits in memory. Only files DuckDB has refused take this path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import duckdb

from ingest import warehouse

WHITESPACE = re.compile(r"[ \t\n\r]*")  # JSON's own, as json.JSONDecoder skips it
READ_CHARS = 1 << 20
# Objects are checked this many at a time; only a batch DuckDB refuses is checked one by one.
BATCH = 1000


class NotJsonError(ValueError):
    """The file is not a sequence of JSON values at all: nothing to set aside, it is broken."""


def unreadable_reason(con: duckdb.DuckDBPyConnection, text: str) -> str | None:
    """Why DuckDB cannot read one object's JSON text, or None when it can.

    Runs outside any transaction: a failed statement would abort it.
    """
    if len(text.encode()) > warehouse.MAX_OBJECT_BYTES:
        return f"object larger than {warehouse.MAX_OBJECT_BYTES} bytes"
    try:
        con.execute("select ?::json", [text])
    except duckdb.Error as exc:
        detail = str(exc).splitlines()[0].split(": ", 1)[-1]
        return f"JSON that DuckDB cannot read: {detail}"
    return None


def iter_object_texts(path: Path) -> Iterator[str]:
    """The exact text of each top-level value of a JSON array, or of values one after another
    (one object per line), read a megabyte at a time."""
    decoder = json.JSONDecoder()
    # utf-8-sig: editors on Windows save a byte order mark, which DuckDB's reader skips too.
    with path.open(encoding="utf-8-sig") as handle:
        buffer, pos, eof = "", 0, False

        def fill() -> None:
            nonlocal buffer, pos, eof
            chunk = handle.read(READ_CHARS)
            eof = not chunk
            buffer, pos = buffer[pos:] + chunk, 0

        fill()
        pos = WHITESPACE.match(buffer).end()
        in_array = buffer.startswith("[", pos)
        pos += in_array
        need_comma = False
        while True:
            pos = WHITESPACE.match(buffer, pos).end()
            if pos == len(buffer) and not eof:
                fill()
                continue
            if in_array and buffer.startswith("]", pos):
                return
            if pos == len(buffer):
                if in_array:
                    raise NotJsonError("the array never ends")
                return
            if need_comma:
                if not buffer.startswith(",", pos):
                    raise NotJsonError(f"expected ',' between values at {buffer[pos : pos + 20]!r}")
                pos, need_comma = pos + 1, False
                continue
            try:
                _, end = decoder.raw_decode(buffer, pos)
            except json.JSONDecodeError as exc:
                if eof:
                    raise NotJsonError(str(exc)) from None
                fill()
                continue
            if end == len(buffer) and not eof:
                # A number cut by the read ("12" of "123") decodes too: read on to be sure.
                fill()
                continue
            yield buffer[pos:end]
            pos, need_comma = end, in_array


@dataclass(frozen=True)
class ReadableCopy:
    path: Path
    # By 1-based position in the file: why DuckDB cannot read the object, and its text.
    unreadable: dict[int, tuple[str, str]]


def readable_copy(con: duckdb.DuckDBPyConnection, source: Path, copy: Path) -> ReadableCopy | None:
    """Write `source` as a JSON array with `null` for each object DuckDB cannot read.

    `null` keeps every position, so the rejection lands where the object was and a later copy
    of a repeated model stays the later one. None when there is nothing to set aside: the file
    is broken as a whole (truncated, not JSON, not UTF-8), or DuckDB refused it for a reason
    that is not in any one object.
    """
    unreadable: dict[int, tuple[str, str]] = {}
    position = 0
    try:
        with copy.open("w", encoding="utf-8") as out:
            out.write("[")
            batch: list[str] = []
            for text in iter_object_texts(source):
                batch.append(text)
                if len(batch) == BATCH:
                    write_batch(con, out, batch, position, unreadable)
                    position += len(batch)
                    batch = []
            write_batch(con, out, batch, position, unreadable)
            out.write("]")
    except (NotJsonError, UnicodeDecodeError):
        return None
    return ReadableCopy(copy, unreadable) if unreadable else None


def write_batch(
    con: duckdb.DuckDBPyConnection,
    out: TextIO,
    batch: list[str],
    before: int,
    unreadable: dict[int, tuple[str, str]],
) -> None:
    if not batch:
        return
    refused: dict[int, str] = {}
    # A character is at most 4 bytes: only a batch that may hold an oversized object, or that
    # DuckDB refuses as a whole, is checked object by object.
    suspect = any(len(text) > warehouse.MAX_OBJECT_BYTES // 4 for text in batch)
    if not suspect:
        try:
            con.execute("select ?::json", ["[" + ",".join(batch) + "]"])
        except duckdb.Error:
            suspect = True
    if suspect:
        refused = {
            i: reason for i, text in enumerate(batch) if (reason := unreadable_reason(con, text))
        }
    for i, text in enumerate(batch):
        if i in refused:
            unreadable[before + i + 1] = (refused[i], text)
    texts = ("null" if i in refused else text for i, text in enumerate(batch))
    out.write(("," if before else "") + ",".join(texts))
