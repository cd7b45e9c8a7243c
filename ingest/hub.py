"""Fetch pages of `GET {endpoint}/api/models`, following the Hub's `Link: rel="next"` cursors."""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import re
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)
from urllib3.exceptions import HeaderParsingError
from urllib3.util.response import assert_header_parsing

from ingest.errors import FetchError

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# A rate-limit window on the Hub is 5 minutes; waiting longer than that for one page is a bug.
MAX_RATE_LIMIT_WAIT_S = 330.0
USER_AGENT = "hf-trends/0.1 (+https://github.com/hf-trends)"


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 8
    backoff_s: float = 1.0
    max_backoff_s: float = 60.0
    connect_timeout_s: float = 10.0
    # The most one request may take, from connecting to the body's last byte; also the longest
    # wait for any data. A slower request counts as a failed attempt and is retried.
    timeout_s: float = 60.0
    # The most a page may take once decompressed: a gzip page 1000 times smaller than what it
    # inflates to would otherwise fill memory. The largest real page seen is ~21 MB (1000
    # copies of a 4,046-tag model); --full pages stay well under this.
    max_page_bytes: int = 256 * 2**20


@dataclass
class Page:
    number: int
    url: str
    body: bytes
    model_ids: list[str | None]
    next_url: str | None
    retries: int
    # Set when `next_url` leads back to a page of this crawl: following it would never end.
    loop_error: FetchError | None = None


class PageTooLargeError(FetchError):
    """A page that decompresses to more than the cap; asking again would fetch it again."""


class TransientPageError(Exception):
    """A response worth asking for again: a retryable status, or a 200 whose body is broken."""

    def __init__(self, message: str, wait_hint_s: float | None = None) -> None:
        super().__init__(message)
        self.wait_hint_s = wait_hint_s


def ratelimit_field(header: str, name: str) -> float | None:
    match = re.search(rf"(?:^|;)\s*{name}=(\d+(?:\.\d+)?)", header)
    return float(match[1]) if match else None


def rate_limit_wait(
    headers: requests.structures.CaseInsensitiveDict[str], status: int = 429
) -> float | None:
    """Seconds the server asks us to wait: `RateLimit: "api";r=0;t=42` or `Retry-After: 42`.

    The Hub sends RateLimit on every response, where `t=` is merely when the window resets;
    it is a wait only once the quota is spent (a 429, or r=0). A 503 with r=480;t=250 must not
    stall the crawl for four minutes.
    """
    header = headers.get("RateLimit", "")
    reset_in = ratelimit_field(header, "t")
    if reset_in is not None and (status == 429 or ratelimit_field(header, "r") == 0):
        return min(reset_in, MAX_RATE_LIMIT_WAIT_S)
    retry_after = headers.get("Retry-After", "").strip()
    if retry_after.isdigit():
        return min(float(retry_after), MAX_RATE_LIMIT_WAIT_S)
    return None


Origin = tuple[str, str | None, int | None]
DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> Origin:
    """Scheme, host and port, with the scheme's default port spelled out."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, parts.hostname, parts.port or DEFAULT_PORTS.get(scheme)


def describe_origin(url: str) -> str:
    # Never the whole URL: a redirect target may carry a signed query or credentials.
    scheme, host, port = origin(url)
    return f"{scheme}://{host}:{port}"


class LeftOriginError(requests.RequestException):
    """A redirect away from the endpoint's origin, refused before it is requested."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


class EndpointSession(requests.Session):
    """A session that never leaves the endpoint's origin, so the token can go nowhere else.

    requests strips Authorization on a redirect to another host, but the other host's own
    next-page links then look same-origin; refusing the redirect itself closes that door.
    """

    def __init__(self, home: Origin) -> None:
        super().__init__()
        self.home = home

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        target = super().get_redirect_target(resp)
        if target is not None and origin(urljoin(resp.url, target)) != self.home:
            raise LeftOriginError(urljoin(resp.url, target))
        return target


def close_socket(response: requests.Response) -> None:
    """Shut a streaming response's socket, waking a thread blocked reading it."""
    sock = getattr(getattr(response.raw, "connection", None), "sock", None)
    if sock is not None:
        # OSError: already closed, so nothing is blocked on it.
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def connection_reason(exc: requests.RequestException) -> str:
    """The root cause, not urllib3's 'HTTPConnectionPool(...): Max retries exceeded' wrapper."""
    reason: Any = exc.args[0] if exc.args else exc
    reason = getattr(reason, "reason", None) or reason
    return str(reason)[:160]


def describe_body(body: bytes) -> str:
    if not body.strip():
        return "an empty body"
    if body.lstrip()[:1] == b"<":
        return "HTML instead of JSON"
    return "truncated or malformed JSON"


_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"[ \t\n\r]*")


def skip_whitespace(text: str, at: int) -> int:
    match = _WHITESPACE.match(text, at)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def utf8_body(body: bytes, url: str) -> bytes:
    """The body as UTF-8, which DuckDB reads: JSON may also come as UTF-16 or UTF-32 (RFC 8259
    detects which from the first bytes), or behind a byte order mark."""
    encoding = json.detect_encoding(body)
    if encoding == "utf-8":
        return body
    try:
        return body.decode(encoding).encode("utf-8")
    except UnicodeError:
        raise TransientPageError(f"{url} returned {describe_body(body)} ({encoding})") from None


# One entry of a Link header: <URL>, then parameters (a quoted value may hold , or ;), then a
# comma or the end. A URL itself may hold commas.
LINK_ENTRY = re.compile(r'\s*<([^<>]*)>\s*((?:;\s*(?:[^;,"]|"[^"]*")+)*)\s*(?:,|$)')
REL_NEXT = re.compile(r'(?i);\s*rel\s*=\s*"?([^";]*)"?')
UNSAFE_IN_URL = re.compile(r"[\s\x00-\x1f\x7f]")


def next_link(response: requests.Response, number: int) -> str | None:
    """The `rel="next"` URL of a response's Link header, if it has one.

    A Link that cannot be read whole is an error, never "no next page": that would end the
    crawl early and mark a partial snapshot complete. A control character in a header can even
    cut it in two before requests sees it, which only the header parser's complaint reveals.
    """
    original = getattr(response.raw, "_original_response", None)
    if original is not None:
        try:
            assert_header_parsing(original.msg)
        except HeaderParsingError as exc:
            raise FetchError(
                f"page {number}: the response's headers cannot be parsed ({exc}), so its "
                "Link to the next page cannot be trusted"
            ) from None
    header = response.headers.get("Link")
    if header is None:
        return None
    found: str | None = None
    at = 0
    while at < len(header):
        match = LINK_ENTRY.match(header, at)
        if match is None or match.end() == at or UNSAFE_IN_URL.search(match[1]):
            raise FetchError(f"page {number}: cannot parse its Link header: {header[:200]}")
        if any("next" in rel.lower().split() for rel in REL_NEXT.findall(match[2])):
            found = match[1]
        at = match.end()
    return urljoin(response.url, found) if found else None


def page_ids(body: bytes, url: str) -> list[str | None]:
    """Each object's `id` (None for a non-object); the body must be a JSON array.

    Objects are decoded one at a time and dropped: a page of many-tag models decoded whole
    is ten times its size in Python objects (a 21 MB page took ~250 MB), and the crawl needs
    only the ids, since the page is landed from its bytes.
    """
    try:
        text = body.decode(json.detect_encoding(body), "surrogatepass")
    except UnicodeDecodeError:
        raise TransientPageError(f"{url} returned {describe_body(body)}") from None
    ids: list[str | None] = []
    try:
        at = skip_whitespace(text, 0)
        if text[at : at + 1] != "[":
            value, _ = _DECODER.raw_decode(text, at)
            detail = json.dumps(value)[:200]
            raise TransientPageError(f"{url} returned a JSON {type(value).__name__}: {detail}")
        at = skip_whitespace(text, at + 1)
        if text[at : at + 1] == "]":
            at += 1
        else:
            while True:
                value, at = _DECODER.raw_decode(text, at)
                ids.append(value.get("id") if isinstance(value, dict) else None)
                at = skip_whitespace(text, at)
                separator, at = text[at : at + 1], at + 1
                if separator == "]":
                    break
                if separator != ",":
                    raise ValueError("expected , or ]")
                at = skip_whitespace(text, at)
        if text[skip_whitespace(text, at) :]:
            raise ValueError("extra data after the array")
    except ValueError:  # json.JSONDecodeError is one
        raise TransientPageError(f"{url} returned {describe_body(body)}") from None
    return ids


class HubClient:
    def __init__(self, endpoint: str, token: str | None, policy: RetryPolicy) -> None:
        self.policy = policy
        self.home = origin(endpoint)
        self.session = EndpointSession(self.home)
        self.session.headers["User-Agent"] = USER_AGENT
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def fetch(self, url: str, number: int) -> tuple[requests.Response, bytes]:
        """GET `url` and read its whole body within `policy.timeout_s`.

        requests' read timeout bounds each wait for data, so a server that sends a byte every
        few seconds never trips it. The request runs in a thread that is given up on at the
        deadline; shutting its socket lets that thread end too.
        """
        outcome: queue.Queue[tuple[requests.Response | None, bytes, BaseException | None]]
        outcome = queue.Queue()
        started: list[requests.Response] = []

        def run() -> None:
            try:
                response = self.session.get(
                    url,
                    timeout=(
                        min(self.policy.connect_timeout_s, self.policy.timeout_s),
                        self.policy.timeout_s,
                    ),
                    stream=True,
                )
                started.append(response)
                outcome.put((response, self.read_body(response, number), None))
            except BaseException as exc:
                outcome.put((None, b"", exc))

        threading.Thread(target=run, name=f"hub-page-{number}", daemon=True).start()
        try:
            response, body, error = outcome.get(timeout=self.policy.timeout_s)
        except queue.Empty:
            for response in started:
                close_socket(response)
            raise TransientPageError(
                f"page {number} timed out: not complete within {self.policy.timeout_s:g} s "
                "(--timeout)"
            ) from None
        if error is not None:
            raise error
        assert response is not None
        return response, body

    def read_body(self, response: requests.Response, number: int) -> bytes:
        """The decoded body, read a chunk at a time and given up on past the page cap."""
        cap = self.policy.max_page_bytes
        body = bytearray()
        # urllib3 inflates at most about a chunk's worth per read, so memory stays near the cap.
        for chunk in response.iter_content(chunk_size=64 * 1024):
            body += chunk
            if len(body) > cap:
                response.close()
                encoding = response.headers.get("Content-Encoding")
                served = f" (served with Content-Encoding: {encoding})" if encoding else ""
                raise PageTooLargeError(
                    f"page {number} is larger than {cap / 2**20:g} MiB once decompressed"
                    f"{served}; refusing it (--max-page-size)"
                )
        return bytes(body)

    def _wait(self, state: RetryCallState) -> float:
        backoff = wait_exponential_jitter(
            initial=self.policy.backoff_s,
            max=self.policy.max_backoff_s,
            jitter=self.policy.backoff_s,
        )(state)
        exc = state.outcome.exception() if state.outcome else None
        hint = getattr(exc, "wait_hint_s", None)
        return max(backoff, hint) if hint is not None else backoff

    def _before_sleep(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0
        log.warning("%s; retry %d in %.1f s", exc, state.attempt_number, wait)

    def get_page(self, url: str, number: int, previous_ids: list[str | None] | None = None) -> Page:
        """Fetch one page, retrying transient failures; `previous_ids` are the page before's."""

        def attempt() -> tuple[requests.Response, bytes, list[str | None]]:
            try:
                response, body = self.fetch(url, number)
            except LeftOriginError as exc:
                raise FetchError(
                    f"page {number} ({url}) redirects to another origin "
                    f"({describe_origin(exc.target)}); HF_TOKEN is only ever sent to the "
                    f"endpoint's ({describe_origin(url)}), so the crawl does not follow it. If "
                    "that is the Hub you mean, set --endpoint (or HF_ENDPOINT) to it"
                ) from None
            except requests.Timeout as exc:
                raise TransientPageError(f"page {number} timed out: {type(exc).__name__}") from None
            except requests.ConnectionError as exc:
                if "NameResolutionError" in repr(exc) or "Failed to resolve" in repr(exc):
                    host = requests.utils.urlparse(url).hostname
                    raise FetchError(
                        f"cannot reach the Hub: {host} does not resolve (no network?); "
                        "set HF_ENDPOINT to a reachable mirror, land a saved response "
                        "with --from-file, or build from the recorded response with "
                        "make fixture build plots"
                    ) from None
                raise TransientPageError(
                    f"page {number}: connection failed ({connection_reason(exc)})"
                ) from None
            except (
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError,
            ) as exc:
                # The connection dropped (or garbled the body) after a 200 began: ask again.
                raise TransientPageError(
                    f"page {number}: response cut off mid-body ({connection_reason(exc)})"
                ) from None
            except requests.RequestException as exc:
                # Bad URL, redirect loop and the like: asking again cannot help.
                raise FetchError(f"page {number} ({url}): {type(exc).__name__}: {exc}") from None
            if response.status_code in RETRY_STATUSES:
                wait = rate_limit_wait(response.headers, response.status_code)
                hint = f" (the server asks to wait {wait:g} s)" if wait is not None else ""
                raise TransientPageError(
                    f"page {number} got HTTP {response.status_code}{hint}", wait
                )
            if response.status_code != 200:
                raise FetchError(
                    f"page {number} ({response.url}) got HTTP {response.status_code}"
                    f"{auth_hint(response.status_code)}: {body[:200].decode(errors='replace')}"
                )
            body = utf8_body(body, f"page {number}")
            ids = page_ids(body, f"page {number}")
            if previous_ids and ids == previous_ids:
                # The cursor did not advance (a stale cache, a server hiccup): the page meant
                # here was never served, so landing this copy would silently lose it.
                raise TransientPageError(f"page {number} repeats page {number - 1} exactly")
            return response, body, ids

        retrying = Retrying(
            retry=retry_if_exception_type(TransientPageError),
            stop=stop_after_attempt(self.policy.attempts),
            wait=self._wait,
            before_sleep=self._before_sleep,
            reraise=True,
        )
        try:
            response, body, ids = retrying(attempt)
        except TransientPageError as exc:
            raise FetchError(
                f"{exc} — gave up after {self.policy.attempts} attempts (request: {url})"
            ) from None
        return Page(
            number=number,
            url=response.url,
            body=body,
            model_ids=ids,
            # The Hub sends absolute URLs; resolving keeps a relative one working too.
            next_url=next_link(response, number),
            retries=retrying.statistics.get("attempt_number", 1) - 1,
        )

    def iter_pages(
        self,
        first_url: str,
        first_number: int = 1,
        wants_next: Callable[[Page], bool] = lambda page: True,
    ) -> Iterator[Page]:
        """Follow `rel="next"` exactly as given, refusing a Link that loops back.

        A looping page is yielded with `loop_error` set so the caller can stop *before*
        recording its Link as the resume point; iterating further raises that error.
        `wants_next(page)` is asked before fetching the page after `page`, so that a reader
        running ahead (see `read_ahead`) never requests a page the caller will not use.
        """
        seen_urls: set[str] = set()
        url, number = first_url, first_number
        previous_ids: list[str | None] | None = None
        while True:
            page = self.get_page(url, number, previous_ids)
            seen_urls.update((url, page.url))
            if page.next_url is not None:
                page.loop_error = link_error(page, seen_urls, self.home)
            yield page
            if page.next_url is None or not wants_next(page):
                return
            if page.loop_error is not None:
                raise page.loop_error
            previous_ids = page.model_ids
            url, number = page.next_url, number + 1


_DONE = object()


def read_ahead(pages: Iterator[Page]) -> Iterator[Page]:
    """Yield `pages`, fetching the next one in a thread while the caller handles this one.

    Landing a page is mostly DuckDB, which releases the GIL, so fetching page N+1 during it
    overlaps network and parsing with storage. At most one page is fetched ahead; errors reach
    the caller in order, after the pages fetched before them.
    """
    handoff: queue.Queue[tuple[object, BaseException | None]] = queue.Queue()
    may_fetch = threading.Semaphore(1)
    stopped = threading.Event()

    def produce() -> None:
        try:
            while True:
                may_fetch.acquire()
                if stopped.is_set():
                    return
                page = next(pages, _DONE)
                handoff.put((page, None))
                if page is _DONE:
                    return
        except BaseException as exc:
            handoff.put((None, exc))

    # A daemon: an interrupted crawl must exit at once, not wait out a pending read timeout.
    threading.Thread(target=produce, name="hub-read-ahead", daemon=True).start()
    try:
        while True:
            page, error = handoff.get()
            if error is not None:
                raise error
            if page is _DONE:
                return
            may_fetch.release()  # the caller now works on this page: fetch the next meanwhile
            assert isinstance(page, Page)
            yield page
    finally:
        stopped.set()
        may_fetch.release()


def link_error(page: Page, seen_urls: set[str], home: Origin) -> FetchError | None:
    """Why `page`'s next Link must not be followed, if it must not."""
    assert page.next_url is not None
    if page.next_url in seen_urls:
        return FetchError(
            f'page {page.number}\'s Link rel="next" points back to an earlier page '
            f"({page.next_url}); stopping instead of looping"
        )
    if origin(page.next_url) != home:
        # The session carries the bearer token; it must never be sent to another origin. The
        # endpoint's origin, not the page's: a page may have come from a redirect.
        return FetchError(
            f'page {page.number}\'s Link rel="next" leads to another host '
            f"({describe_origin(page.next_url)}); refusing to follow it"
        )
    return None


def auth_hint(status: int) -> str:
    if status in (401, 403):
        return " (check HF_TOKEN: the Hub refused the token, or the request needs one)"
    return ""
