"""Fetch pages of `GET {endpoint}/api/models`, following the Hub's `Link: rel="next"` cursors."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import requests
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

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
    read_timeout_s: float = 60.0


@dataclass
class Page:
    number: int
    url: str
    body: bytes
    model_ids: list[str | None]
    next_url: str | None
    retries: int


class TransientPageError(Exception):
    """A response worth asking for again: a retryable status, or a 200 whose body is broken."""

    def __init__(self, message: str, wait_hint_s: float | None = None) -> None:
        super().__init__(message)
        self.wait_hint_s = wait_hint_s


def rate_limit_wait(headers: requests.structures.CaseInsensitiveDict[str]) -> float | None:
    """Seconds the server asks us to wait: `RateLimit: "api";r=0;t=42` or `Retry-After: 42`."""
    match = re.search(r"(?:^|;)\s*t=(\d+(?:\.\d+)?)", headers.get("RateLimit", ""))
    if match:
        return min(float(match[1]), MAX_RATE_LIMIT_WAIT_S)
    retry_after = headers.get("Retry-After", "")
    if retry_after.strip().isdigit():
        return min(float(retry_after), MAX_RATE_LIMIT_WAIT_S)
    return None


def describe_body(body: bytes) -> str:
    if not body.strip():
        return "an empty body"
    if body.lstrip()[:1] == b"<":
        return "HTML instead of JSON"
    return "truncated or malformed JSON"


def parse_page(body: bytes, url: str) -> list[Any]:
    """The body must be a JSON array; anything else says what it was instead."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise TransientPageError(f"{url} returned {describe_body(body)}") from None
    if not isinstance(payload, list):
        detail = json.dumps(payload)[:200]
        raise TransientPageError(f"{url} returned a JSON {type(payload).__name__}: {detail}")
    return payload


class HubClient:
    def __init__(self, token: str | None, policy: RetryPolicy) -> None:
        self.policy = policy
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

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

    def get_page(self, url: str, number: int) -> Page:
        def attempt() -> tuple[requests.Response, list[Any]]:
            try:
                response = self.session.get(
                    url,
                    timeout=(self.policy.connect_timeout_s, self.policy.read_timeout_s),
                )
                body = response.content
            except requests.Timeout as exc:
                raise TransientPageError(f"page {number} timed out: {type(exc).__name__}") from None
            except requests.ConnectionError as exc:
                if "NameResolutionError" in repr(exc) or "Failed to resolve" in repr(exc):
                    host = requests.utils.urlparse(url).hostname
                    raise FetchError(
                        f"cannot reach the Hub: {host} does not resolve (no network?); "
                        "set HF_ENDPOINT to a reachable mirror or land a saved response "
                        "with --from-file"
                    ) from None
                reason = str(exc.args[0]) if exc.args else type(exc).__name__
                raise TransientPageError(
                    f"page {number}: connection failed ({reason[:160]})"
                ) from None
            if response.status_code in RETRY_STATUSES:
                raise TransientPageError(
                    f"page {number} got HTTP {response.status_code}",
                    rate_limit_wait(response.headers),
                )
            if response.status_code != 200:
                raise FetchError(
                    f"page {number} ({response.url}) got HTTP {response.status_code}: "
                    f"{response.text[:200]}"
                )
            return response, parse_page(body, f"page {number}")

        retrying = Retrying(
            retry=retry_if_exception_type(TransientPageError),
            stop=stop_after_attempt(self.policy.attempts),
            wait=self._wait,
            before_sleep=self._before_sleep,
            reraise=True,
        )
        try:
            response, objects = retrying(attempt)
        except TransientPageError as exc:
            raise FetchError(
                f"{exc} — gave up after {self.policy.attempts} attempts (request: {url})"
            ) from None
        return Page(
            number=number,
            url=response.url,
            body=response.content,
            model_ids=[o.get("id") if isinstance(o, dict) else None for o in objects],
            next_url=response.links.get("next", {}).get("url"),
            retries=retrying.statistics.get("attempt_number", 1) - 1,
        )

    def iter_pages(self, first_url: str, first_number: int = 1) -> Iterator[Page]:
        """Follow `rel="next"` exactly as given, refusing a Link that loops back."""
        seen_urls: set[str] = set()
        url, number = first_url, first_number
        previous_ids: list[str | None] | None = None
        while True:
            page = self.get_page(url, number)
            if page.model_ids and page.model_ids == previous_ids:
                log.warning("page %d repeats page %d exactly (%s)", number, number - 1, page.url)
            yield page
            if page.next_url is None:
                return
            seen_urls.add(page.url)
            if page.next_url in seen_urls:
                raise FetchError(
                    f'page {number}\'s Link rel="next" points back to an earlier page '
                    f"({page.next_url}); stopping instead of looping"
                )
            previous_ids = page.model_ids
            url, number = page.next_url, number + 1
