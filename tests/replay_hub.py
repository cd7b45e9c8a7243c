"""A local stand-in for ``GET https://huggingface.co/api/models``.

The Hub is unreachable from tests and benchmarks, so this module replays a recorded model
listing with the real endpoint's paging, filtering, sorting, auth and rate-limit behaviour,
plus faults that tests can switch on to exercise a client's error handling.

In tests::

    with ReplayHub(Path("hf_models_2025-12-01.json")) as hub:
        hub.inject("503", page=2)
        requests.get(f"{hub.url}/api/models", params={"limit": 100})

A series of daily listings (tests/test_daily.py): ``hub.replace_data(next_day)`` between
crawls, or one server per day from a shell. A listing may carry ``downloadsAllTime``; it is
served only when ``expand`` asks for it, as the Hub does.

From a shell (serves until killed)::

    python -m tests.replay_hub --data FILE [--port N] [--host 127.0.0.1]
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gc
import hashlib
import json
import math
import re
import signal
import socket
import struct
import sys
import threading
import time
import traceback
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

MAX_LIMIT = 1000
SORT_KEYS = ("trendingScore", "downloads", "likes", "createdAt", "lastModified")
NUMERIC_SORT_KEYS = ("trendingScore", "downloads", "likes")
STATUS_FAULTS = ("429", "500", "502", "503", "504")
FAULT_KINDS = frozenset(
    {
        *STATUS_FAULTS,
        "reset",
        "cut",
        "slow",
        "html",
        "empty",
        "truncated",
        "object",
        "repeat_page",
        "loop_link",
    }
)
RECORDED_PROPERTIES = (
    "_id",
    "id",
    "likes",
    "trendingScore",
    "private",
    "downloads",
    "tags",
    "pipeline_tag",
    "library_name",
    "createdAt",
    "modelId",
)
FULL_PROPERTIES = ("author", "lastModified", "gated", "disabled", "sha", "siblings")
DERIVED_PROPERTIES = (
    *FULL_PROPERTIES,
    "downloadsAllTime",
    "safetensors",
    "baseModels",
    "cardData",
)
# The Hub sends these only when `expand` asks for them (not in the plain listing, nor with
# `full`): a listing that records one, such as a day of a test series with its own
# cumulative downloads, has it kept aside and served only on request.
EXPAND_ONLY_PROPERTIES = ("downloadsAllTime",)
# The real Hub accepts these expand names too; we hold no data for them, so they are
# accepted (as the Hub would) and simply never returned.
UNMODELLED_PROPERTIES = frozenset(
    {
        "childrenModelCount",
        "config",
        "evalResults",
        "gguf",
        "inference",
        "inferenceProviderMapping",
        "mask_token",
        "model-index",
        "resourceGroup",
        "spaces",
        "transformersInfo",
        "usedStorage",
        "widgetData",
    }
)
TRUTHY = frozenset({"1", "true", "yes"})
JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Hugging Face - 502</title></head>"
    b"<body><h1>We had an issue, please try again in a moment.</h1></body></html>"
)
# Client hang-ups are routine for a test server (timeouts, aborted crawls): never noisy.
_DISCONNECTS = (ConnectionError, TimeoutError)
_ABSENT = object()
_WHITESPACE = re.compile(r"[ \t\n\r]*")


class HttpError(Exception):
    """A request the real Hub would refuse; becomes a JSON ``{"error": ...}`` response."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# --------------------------------------------------------------------------- loading


# Compact separators: that is what the Hub itself sends.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def _dumps(value: Any) -> bytes:
    return _ENCODER.encode(value).encode("utf-8")


def _skip_ws(text: str, pos: int) -> int:
    match = _WHITESPACE.match(text, pos)
    return match.end() if match else pos


def iter_raw_objects(text: str) -> Iterator[tuple[dict[str, Any], str]]:
    """Yield ``(object, exact source text)`` from a JSON array or JSON Lines document.

    Keeping the source slice lets default responses be byte-identical to the recording
    (float spellings such as ``2.8000000000000003`` survive untouched).
    """
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    in_array = text.startswith("[", pos)
    if in_array:
        pos = _skip_ws(text, pos + 1)
    while pos < len(text) and not (in_array and text.startswith("]", pos)):
        obj, end = decoder.raw_decode(text, pos)
        if not isinstance(obj, dict):
            raise ValueError(f"expected a model object at offset {pos}")
        yield obj, text[pos:end]
        pos = _skip_ws(text, end)
        if in_array and text.startswith(",", pos):
            pos = _skip_ws(text, pos + 1)
        elif in_array and not text.startswith("]", pos):
            raise ValueError(f"malformed JSON array at offset {pos}")


def _load_rows(data: str | Path | Iterable[Mapping[str, Any]]) -> Iterator[tuple[Any, bytes]]:
    if isinstance(data, str | Path):
        text = Path(data).read_text(encoding="utf-8")
        return ((obj, raw.encode("utf-8")) for obj, raw in iter_raw_objects(text))
    return ((obj, _dumps(dict(obj))) for obj in data)


def _number(value: Any) -> float:
    # Missing or non-numeric sort keys count as 0 rather than failing the whole listing.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return 0.0


# --------------------------------------------------------------------------- derived fields


def _sha(model_id: str) -> str:
    return hashlib.sha1(model_id.encode("utf-8")).hexdigest()


def _hash_int(model_id: str, salt: str) -> int:
    return int(hashlib.sha1(f"{salt}:{model_id}".encode()).hexdigest()[:12], 16)


def _author(model_id: str) -> Any:
    return model_id.split("/", 1)[0] if "/" in model_id else _ABSENT


def _downloads_all_time(model_id: str, downloads: float) -> int:
    # Lifetime downloads are at least the recent (30-day) count; the factor varies per model.
    recent = int(downloads)
    return recent * (2 + _hash_int(model_id, "dl") % 9) + _hash_int(model_id, "dl0") % 1000


def _safetensors(model_id: str, tags: tuple[str, ...]) -> Any:
    if "safetensors" not in tags:
        return _ABSENT
    total = 1_000_000 + _hash_int(model_id, "params") % 70_000_000_000
    # huggingface_hub's ModelInfo indexes both keys, so "parameters" must be present too.
    return {"parameters": {"BF16": total}, "total": total}


def _base_models(tags: tuple[str, ...]) -> Any:
    models: list[dict[str, str]] = []
    relation = "finetune"
    for tag in tags:
        if not tag.startswith("base_model:"):
            continue
        rest = tag[len("base_model:") :]
        kind, sep, target = rest.partition(":")
        if sep:
            relation = kind
        elif {"id": rest} not in models:
            models.append({"id": rest})
        if sep and {"id": target} not in models:
            models.append({"id": target})
    return {"relation": relation, "models": models} if models else _ABSENT


def _card_data(tags: tuple[str, ...]) -> dict[str, str]:
    for tag in tags:
        if tag.startswith("license:"):
            return {"license": tag[len("license:") :]}
    return {}


# --------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class _Selection:
    sort: str
    search: str | None
    author: str | None
    filters: tuple[str, ...]
    pipeline_tag: str | None
    include_private: bool


class _Catalog:
    """Column store of the served models.

    Per model it keeps only the pre-serialised JSON plus the handful of keys that sorting
    and filtering need, so that 1M-model benchmarks fit in memory; richer shapes are
    rebuilt from the JSON text for the (at most 1000) objects of a page.
    """

    _CACHED_SELECTIONS = 32

    def __init__(self, rows: Iterable[tuple[Mapping[str, Any], bytes]]) -> None:
        self.texts: list[bytes] = []
        self.ids: list[str] = []
        self.tags: list[tuple[str, ...]] = []
        self.pipeline_tags: list[str | None] = []
        self.private = bytearray()
        self.numeric = {key: array("d") for key in NUMERIC_SORT_KEYS}
        self.created: list[str] = []
        self.keys_seen: set[str] = set()
        self.expand_only: dict[int, dict[str, Any]] = {}
        modified: list[str | None] = []
        # Loading allocates millions of long-lived tuples; cyclic GC passes over them
        # would dominate load time for large benchmarks and find nothing to free.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            for obj, text in rows:
                self._add(obj, text, modified)
        finally:
            if gc_was_enabled:
                gc.enable()
        self.has_private = any(self.private)
        # Only materialise a lastModified column when the data actually carries one.
        self.modified: list[str] = (
            [m or c for m, c in zip(modified, self.created, strict=True)]
            if any(m is not None for m in modified)
            else self.created
        )
        self._lock = threading.Lock()
        self._orders: dict[str, array[int]] = {}
        self._selections: OrderedDict[_Selection, Sequence[int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self.ids)

    def _add(self, obj: Mapping[str, Any], text: bytes, modified: list[str | None]) -> None:
        model_id = obj.get("id", obj.get("modelId"))
        if not isinstance(model_id, str):
            raise ValueError(f"model object without a string 'id': {text[:80]!r}")
        held = {key: obj[key] for key in EXPAND_ONLY_PROPERTIES if key in obj}
        if held:
            obj = {key: value for key, value in obj.items() if key not in held}
            text = _dumps(obj)
            self.expand_only[len(self.ids)] = held
        self.texts.append(text)
        self.ids.append(model_id)
        raw_tags = obj.get("tags") or ()
        # Tags repeat across models; interning keeps 1M tuples of them cheap.
        self.tags.append(tuple(sys.intern(t) for t in raw_tags if isinstance(t, str)))
        pipeline = obj.get("pipeline_tag")
        self.pipeline_tags.append(sys.intern(pipeline) if isinstance(pipeline, str) else None)
        self.private.append(1 if obj.get("private") is True else 0)
        for key, column in self.numeric.items():
            column.append(_number(obj.get(key)))
        created = obj.get("createdAt")
        self.created.append(created if isinstance(created, str) else "")
        last_modified = obj.get("lastModified")
        modified.append(last_modified if isinstance(last_modified, str) else None)
        self.keys_seen.update(obj)

    # ---- ordering and selection

    def _sort_column(self, sort: str) -> Sequence[Any]:
        if sort in self.numeric:
            return self.numeric[sort]
        return self.modified if sort == "lastModified" else self.created

    def order(self, sort: str) -> array[int]:
        """Indices sorted by ``sort`` descending, ties by id ascending; built once, cached."""
        with self._lock:
            cached = self._orders.get(sort)
            if cached is None:
                by_id = sorted(range(len(self.ids)), key=self.ids.__getitem__)
                # list.sort is stable even with reverse=True, so the id order breaks ties.
                by_id.sort(key=self._sort_column(sort).__getitem__, reverse=True)
                cached = self._orders[sort] = array("i", by_id)
            return cached

    def select(self, selection: _Selection) -> Sequence[int]:
        """The ordered indices matching a query, cached because a crawl asks for every page."""
        with self._lock:
            hit = self._selections.get(selection)
            if hit is not None:
                self._selections.move_to_end(selection)
                return hit
        order = self.order(selection.sort)
        matching = self._matching(selection)
        result: Sequence[int] = order
        if matching is not None:
            mask = bytearray(len(self.ids))
            for i in matching:
                mask[i] = 1
            result = array("i", [i for i in order if mask[i]])
        with self._lock:
            self._selections[selection] = result
            while len(self._selections) > self._CACHED_SELECTIONS:
                self._selections.popitem(last=False)
        return result

    def _matching(self, selection: _Selection) -> Sequence[int] | None:
        """Indices passing every filter, or None when nothing filters.

        One plain comprehension per criterion, each narrowing the last one's survivors:
        a search over 1M models must stay well under a second.
        """
        ids, tags, pipelines = self.ids, self.tags, self.pipeline_tags
        pool: Sequence[int] = range(len(ids))
        if self.has_private and not selection.include_private:
            pool = [i for i in pool if not self.private[i]]
        if selection.search:
            needle = selection.search.lower()
            pool = [i for i in pool if needle in ids[i].lower()]
        if selection.author:
            prefix = selection.author + "/"
            pool = [i for i in pool if ids[i].startswith(prefix)]
        if selection.filters:
            wanted = frozenset(selection.filters)
            pool = [i for i in pool if wanted.issubset(tags[i])]
        if selection.pipeline_tag is not None:
            pipeline = selection.pipeline_tag
            pool = [i for i in pool if pipelines[i] == pipeline]
        return None if isinstance(pool, range) else pool

    # ---- rendering

    def derive(self, index: int, prop: str) -> Any:
        """A deterministic value for a property the recording lacks, or ``_ABSENT``."""
        model_id = self.ids[index]
        if prop == "author":
            return _author(model_id)
        if prop == "lastModified":
            return self.modified[index] or _ABSENT
        if prop in ("gated", "disabled"):
            return False
        if prop == "sha":
            return _sha(model_id)
        if prop == "siblings":
            return []
        if prop in self.expand_only.get(index, ()):
            return self.expand_only[index][prop]
        if prop == "downloadsAllTime":
            return _downloads_all_time(model_id, self.numeric["downloads"][index])
        if prop == "safetensors":
            return _safetensors(model_id, self.tags[index])
        if prop == "baseModels":
            return _base_models(self.tags[index])
        if prop == "cardData":
            return _card_data(self.tags[index])
        return _ABSENT

    def render(
        self, items: Sequence[int], extras: Sequence[str], expand: Sequence[str] | None
    ) -> bytes:
        if expand is not None:
            parts = [self._expanded(i, expand) for i in items]
        elif extras:
            parts = [self._extended(i, extras) for i in items]
        else:
            parts = [self.texts[i] for i in items]
        return b"[" + b",".join(parts) + b"]"

    def _extended(self, index: int, extras: Sequence[str]) -> bytes:
        text = self.texts[index]
        # Parsing is only needed when some objects might already carry an extra key.
        present = json.loads(text).keys() if not self.keys_seen.isdisjoint(extras) else ()
        addition = {}
        for prop in extras:
            if prop not in present and (value := self.derive(index, prop)) is not _ABSENT:
                addition[prop] = value
        return _splice(text, addition)

    def _expanded(self, index: int, props: Sequence[str]) -> bytes:
        obj = json.loads(self.texts[index])
        out = {key: obj[key] for key in ("_id", "id") if key in obj}
        out.setdefault("id", self.ids[index])
        for prop in props:
            if prop in out:
                continue
            value = obj[prop] if prop in obj else self.derive(index, prop)
            if value is not _ABSENT:
                out[prop] = value
        return _dumps(out)


def _splice(text: bytes, addition: Mapping[str, Any]) -> bytes:
    """Append keys to a serialised object without re-serialising what was recorded."""
    if not addition:
        return text
    head = text.rstrip()[:-1].rstrip()
    separator = b"" if head.endswith(b"{") else b","
    return head + separator + _dumps(dict(addition))[1:-1] + b"}"


# --------------------------------------------------------------------------- requests


@dataclass(frozen=True)
class Cursor:
    """What the opaque ``cursor`` parameter carries: where a page starts, and its number."""

    offset: int
    page: int
    previous: int

    def encode(self) -> str:
        raw = _dumps({"o": self.offset, "p": self.page, "b": self.previous})
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            data = json.loads(raw)
            fields = (data["o"], data["p"], data["b"])
        except (ValueError, TypeError, KeyError) as exc:
            raise HttpError(400, "Invalid cursor") from exc
        if not all(type(v) is int for v in fields) or min(fields) < 0 or fields[1] < 1:
            raise HttpError(400, "Invalid cursor")
        return cls(*fields)


@dataclass(frozen=True)
class _Params:
    sort: str
    search: str | None
    author: str | None
    filters: tuple[str, ...]
    pipeline_tag: str | None
    limit: int
    extras: tuple[str, ...]
    expand: tuple[str, ...] | None
    cursor: Cursor | None


def _first(query: Mapping[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def _flag(query: Mapping[str, list[str]], name: str) -> bool:
    return (_first(query, name) or "").lower() in TRUTHY


def _parse_limit(value: str | None, max_limit: int) -> int:
    if value is None or value == "":
        return max_limit
    try:
        limit = int(value)
    except ValueError:
        raise HttpError(400, f"Invalid limit {value!r}: expected an integer") from None
    if limit < 1:
        raise HttpError(400, f"Invalid limit {value!r}: expected a positive integer")
    return min(limit, max_limit)


def _parse_expand(
    query: Mapping[str, list[str]], allowed: frozenset[str]
) -> tuple[str, ...] | None:
    # Clients spell a repeated param both ways (`expand=` from httpx/requests, `expand[]=`
    # from JS tooling); a comma list is accepted as well.
    raw = [*query.get("expand", ()), *query.get("expand[]", ())]
    props = [p.strip() for value in raw for p in value.split(",") if p.strip()]
    if not props:
        return None
    unknown = sorted(set(props) - allowed)
    if unknown:
        raise HttpError(400, f"Invalid expand {unknown}: expected a subset of {sorted(allowed)}")
    return tuple(dict.fromkeys(props))


def _parse_params(
    query: Mapping[str, list[str]], expandable: frozenset[str], max_limit: int
) -> _Params:
    sort = _first(query, "sort") or "trendingScore"
    if sort not in SORT_KEYS:
        raise HttpError(400, f"Invalid sort {sort!r}: expected one of {list(SORT_KEYS)}")
    full = _flag(query, "full")
    card_data = _flag(query, "cardData")
    expand = _parse_expand(query, expandable)
    if expand is not None and (full or card_data):
        raise HttpError(400, "expand cannot be combined with full or cardData")
    extras = (*(FULL_PROPERTIES if full else ()), *(("cardData",) if card_data else ()))
    cursor_text = _first(query, "cursor")
    filters = [*query.get("filter", ()), *query.get("filter[]", ())]
    return _Params(
        sort=sort,
        search=_first(query, "search") or None,
        author=_first(query, "author") or None,
        filters=tuple(f for f in filters if f),
        pipeline_tag=_first(query, "pipeline_tag") or None,
        limit=_parse_limit(_first(query, "limit"), max_limit),
        extras=extras,
        expand=expand,
        cursor=None if cursor_text is None else Cursor.decode(cursor_text),
    )


class Headers(dict[str, str]):
    """Request headers with case-insensitive lookup (hf_hub sends ``authorization``)."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        super().__init__((name.lower(), value) for name, value in pairs)

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(name.lower(), default)


def _bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


@dataclass(frozen=True, eq=False)
class RecordedRequest:
    """One request as the server saw it, for assertions."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Headers
    target: str

    @property
    def token(self) -> str | None:
        return _bearer(self.headers.get("authorization"))


@dataclass
class _Fault:
    kind: str
    remaining: int
    page: int | None


# --------------------------------------------------------------------------- HTTP plumbing


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real Hub behind its CDN
    timeout = 60  # reap idle keep-alive connections
    server: _Server

    def handle(self) -> None:
        try:
            super().handle()
        except _DISCONNECTS:
            self.close_connection = True

    def do_GET(self) -> None:
        self.server.hub.handle_request(self)

    def log_message(self, *args: Any) -> None:
        pass  # test output must stay readable; hub.requests is the log


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], hub: ReplayHub) -> None:
        self.hub = hub
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], _DISCONNECTS):
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        # Keep-alive handler threads would otherwise idle on their sockets after stop().
        with self.connections_lock:
            open_connections = list(self.connections)
        for conn in open_connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


def _send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    *,
    content_type: str = JSON_TYPE,
    headers: Iterable[tuple[str, str]] = (),
    content_length: int | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    length = len(body) if content_length is None else content_length
    handler.send_header("Content-Length", str(length))
    for name, value in headers:
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def _send_error(
    handler: BaseHTTPRequestHandler,
    status: int,
    message: str,
    headers: Iterable[tuple[str, str]] = (),
) -> None:
    _send(handler, status, _dumps({"error": message}), headers=headers)


def _reset_connection(handler: BaseHTTPRequestHandler) -> None:
    # SO_LINGER 0 turns close() into a TCP RST, which is what a dropped upstream looks like.
    conn = handler.connection
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.close_connection = True
    conn.close()


def _ratelimit_headers(
    remaining: int, reset_in: int, quota: int, window: float
) -> list[tuple[str, str]]:
    return [
        ("RateLimit", f'"api";r={remaining};t={reset_in}'),
        ("RateLimit-Policy", f'"fixed window";"api";q={quota};w={math.ceil(window)}'),
    ]


# --------------------------------------------------------------------------- the hub


def _expandable(catalog: _Catalog) -> frozenset[str]:
    return frozenset(
        {*RECORDED_PROPERTIES, *catalog.keys_seen, *DERIVED_PROPERTIES} | UNMODELLED_PROPERTIES
    )


class ReplayHub:
    """Serve a model listing like ``https://huggingface.co/api/models``.

    ``data`` is a path to a recorded JSON array (or JSON Lines) or an iterable of model
    dicts. Mutable attributes (``token``, ``max_requests``, ``window_seconds``,
    ``retry_after``, ``slow_delay``, ``shift_between_pages``) may be changed while serving.
    """

    def __init__(
        self,
        data: str | Path | Iterable[Mapping[str, Any]],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        max_requests: int | None = None,
        window_seconds: float = 300.0,
        retry_after: int = 1,
        slow_delay: float = 1.0,
        max_limit: int = MAX_LIMIT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.catalog = _Catalog(_load_rows(data))
        self._expandable = _expandable(self.catalog)
        self.host = host
        self.port = port
        self.token = token
        self.max_requests = max_requests
        self.window_seconds = window_seconds
        self.retry_after = retry_after
        self.slow_delay = slow_delay
        self.max_limit = max_limit
        self.shift_between_pages = 0
        self.requests: list[RecordedRequest] = []
        self.faults_served: list[tuple[str, int]] = []
        self.errors: list[str] = []
        self._clock = clock
        self._lock = threading.Lock()
        self._faults: list[_Fault] = []
        self._window: tuple[int, int] = (-1, 0)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    # ---- lifecycle

    def start(self) -> ReplayHub:
        if self._server is not None:
            raise RuntimeError("ReplayHub is already running")
        self._stopping.clear()
        self._server = _Server((self.host, self.port), self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"replay-hub-{self._server.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()  # cut "slow" sleeps short
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> ReplayHub:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("ReplayHub is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __len__(self) -> int:
        return len(self.catalog)

    # ---- test controls

    def replace_data(self, data: str | Path | Iterable[Mapping[str, Any]]) -> None:
        """Serve another listing from the next request on: the Hub a day later.

        Requests, faults and the rate-limit window carry on; a crawl paging across the switch
        reads on in the new listing, as a crawl spanning a change on the Hub would.
        """
        catalog = _Catalog(_load_rows(data))
        with self._lock:
            self.catalog, self._expandable = catalog, _expandable(catalog)

    def inject(self, kind: str, times: int = 1, page: int | None = None) -> None:
        """Make the next ``times`` matching requests fail as ``kind``.

        ``page`` is the 1-based page number within a crawl (page 1 has no cursor); ``None``
        matches whatever request comes next.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}: expected one of {sorted(FAULT_KINDS)}")
        if times < 1 or (page is not None and page < 1):
            raise ValueError("times and page must be positive")
        with self._lock:
            self._faults.append(_Fault(kind, times, page))

    @property
    def pending_faults(self) -> list[tuple[str, int, int | None]]:
        with self._lock:
            return [(f.kind, f.remaining, f.page) for f in self._faults]

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def reset(self) -> None:
        """Forget requests, faults, page drift and the rate-limit window (config stays)."""
        with self._lock:
            self._faults.clear()
            self.requests.clear()
            self.faults_served.clear()
            self.errors.clear()
            self._window = (-1, 0)
        self.shift_between_pages = 0

    # ---- request handling

    def handle_request(self, handler: BaseHTTPRequestHandler) -> None:
        try:
            self._dispatch(handler)
        except _DISCONNECTS:
            raise
        except Exception:  # a server bug must surface as a 500, not a hung client
            with self._lock:
                self.errors.append(traceback.format_exc())
            _send_error(handler, 500, "Internal error in ReplayHub")

    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        split = urlsplit(handler.path)
        pairs = parse_qsl(split.query, keep_blank_values=True)
        query: dict[str, list[str]] = {}
        for name, value in pairs:
            query.setdefault(name, []).append(value)
        self._record(handler, split.path, query)
        if split.path.rstrip("/") != "/api/models":
            _send_error(handler, 404, "Sorry, we can't find the page you are looking for.")
            return
        quota = self._count_request()
        if quota is not None and quota[0] < 0:
            self._send_429(handler, quota[1])
            return
        try:
            params = _parse_params(query, self._expandable, self.max_limit)
            include_private = self._authorise(handler.headers.get("Authorization"))
        except HttpError as err:
            _send_error(handler, err.status, err.message)
            return
        fault = self._take_fault(params.cursor.page if params.cursor else 1)
        if fault is not None and self._apply_fault(handler, fault):
            return
        self._serve_page(handler, params, pairs, include_private, fault, quota)

    def _record(
        self, handler: BaseHTTPRequestHandler, path: str, query: dict[str, list[str]]
    ) -> None:
        request = RecordedRequest(
            method=handler.command,
            path=path,
            query=query,
            headers=Headers(handler.headers.items()),
            target=handler.path,
        )
        with self._lock:
            self.requests.append(request)

    def _authorise(self, authorization: str | None) -> bool:
        """Whether private models are visible; a token other than the configured one is 401."""
        token = _bearer(authorization)
        if token is None:
            return False
        if self.token is not None and token != self.token:
            raise HttpError(401, "Invalid credentials in Authorization header")
        return True

    def _count_request(self) -> tuple[int, int] | None:
        """Count a request in the fixed window: ``(remaining, seconds to reset)`` or None."""
        if self.max_requests is None:
            return None
        now = self._clock()
        window = self.window_seconds
        current = math.floor(now / window)
        with self._lock:
            seen = self._window[1] + 1 if self._window[0] == current else 1
            self._window = (current, seen)
        reset_in = max(1, math.ceil((current + 1) * window - now))
        return self.max_requests - seen, reset_in

    def _send_429(self, handler: BaseHTTPRequestHandler, reset_in: int) -> None:
        quota = self.max_requests if self.max_requests is not None else 1000
        headers = _ratelimit_headers(0, reset_in, quota, self.window_seconds)
        headers.append(("Retry-After", str(reset_in)))
        message = "You have exceeded our rate limit. Please retry after the window resets."
        _send_error(handler, 429, message, headers)

    def _take_fault(self, page: int) -> str | None:
        with self._lock:
            for fault in self._faults:
                if fault.page is None or fault.page == page:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    self.faults_served.append((fault.kind, page))
                    return fault.kind
        return None

    def _apply_fault(self, handler: BaseHTTPRequestHandler, kind: str) -> bool:
        """Act out a fault; True when it produced the whole response."""
        if kind == "429":
            self._send_429(handler, self.retry_after)
        elif kind in STATUS_FAULTS:
            _send_error(handler, int(kind), f"Injected fault: HTTP {kind}")
        elif kind == "reset":
            _reset_connection(handler)
        elif kind == "html":
            _send(handler, 200, HTML_PAGE, content_type=HTML_TYPE)
        elif kind == "empty":
            _send(handler, 200, b"")
        elif kind == "object":
            _send_error(handler, 200, "Injected fault: an object instead of a list")
        elif kind == "slow":
            self._stopping.wait(self.slow_delay)
            return False
        else:
            return False  # page-level faults are acted out while serving the page
        return True

    def _serve_page(
        self,
        handler: BaseHTTPRequestHandler,
        params: _Params,
        pairs: list[tuple[str, str]],
        include_private: bool,
        fault: str | None,
        quota: tuple[int, int] | None,
    ) -> None:
        selection = _Selection(
            sort=params.sort,
            search=params.search,
            author=params.author,
            filters=params.filters,
            pipeline_tag=params.pipeline_tag,
            include_private=include_private,
        )
        catalog = self.catalog  # one listing per page, even across replace_data()
        indices = catalog.select(selection)
        cursor = params.cursor or Cursor(offset=0, page=1, previous=0)
        start = cursor.previous if fault == "repeat_page" else cursor.offset
        items = indices[start : start + params.limit]
        body = catalog.render(items, params.extras, params.expand)
        headers: list[tuple[str, str]] = []
        link = self._next_link(handler, pairs, cursor, params.limit, len(indices), fault)
        if link is not None:
            headers.append(("Link", f'<{link}>; rel="next"'))
        if quota is not None and self.max_requests is not None:
            remaining, reset_in = quota
            headers += _ratelimit_headers(
                remaining, reset_in, self.max_requests, self.window_seconds
            )
        if fault == "cut":
            _send(handler, 200, body[: len(body) // 2], headers=headers, content_length=len(body))
            handler.close_connection = True
        elif fault == "truncated":
            _send(handler, 200, body[: max(1, len(body) // 2)], headers=headers)
        else:
            _send(handler, 200, body, headers=headers)

    def _next_link(
        self,
        handler: BaseHTTPRequestHandler,
        pairs: list[tuple[str, str]],
        cursor: Cursor,
        limit: int,
        total: int,
        fault: str | None,
    ) -> str | None:
        base = f"http://{handler.headers.get('Host') or self.url.removeprefix('http://')}"
        if fault == "loop_link":
            return base + handler.path
        if cursor.offset + limit >= total:
            return None
        # Drift simulates keyset paging over a moving sort key: the next page starts
        # `shift` items early (repeats) or late (skips).
        following = Cursor(
            offset=max(0, cursor.offset + limit - self.shift_between_pages),
            page=cursor.page + 1,
            previous=cursor.offset,
        )
        kept = [(k, v) for k, v in pairs if k != "cursor"]
        kept.append(("cursor", following.encode()))
        return f"{base}/api/models?{urlencode(kept)}"


# --------------------------------------------------------------------------- CLI


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.replay_hub",
        description="Serve a recorded Hugging Face model listing at /api/models.",
    )
    parser.add_argument("--data", required=True, type=Path, help="JSON array of model objects")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--token", default=None, help="the only bearer token accepted")
    parser.add_argument("--max-requests", type=int, default=None, help="rate limit per window")
    parser.add_argument("--window-seconds", type=float, default=300.0)
    args = parser.parse_args(argv)
    hub = ReplayHub(
        args.data,
        host=args.host,
        port=args.port,
        token=args.token,
        max_requests=args.max_requests,
        window_seconds=args.window_seconds,
    )
    # SIGTERM is handled before the line that says the server is up: a caller may stop it as
    # soon as it reads that line (under load, the handler set after it once came too late and
    # the server died of the signal, exit -15).
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        hub.start()
        print(f"listening on {hub.url}", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        hub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
