"""Crawl progress: a live bar on a terminal, a plain log line every few pages elsewhere."""

from __future__ import annotations

import logging
import sys
import time
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

log = logging.getLogger(__name__)

LOG_EVERY_PAGES = 50


def start_above_logs(bar: Progress) -> list[tuple[logging.StreamHandler[Any], Any]]:
    """Start `bar`, with the log lines that went to stderr printed above it from now on.

    rich proxies sys.stderr to print above a live bar; log lines (retry warnings, from other
    threads too) must go through the proxy, or they split the bar. Returns what to restore.
    """
    stderr = sys.stderr
    bar.start()
    return [
        (handler, handler.setStream(sys.stderr))
        for handler in logging.getLogger().handlers
        if isinstance(handler, logging.StreamHandler) and handler.stream is stderr
    ]


def stop_above_logs(
    bar: Progress, redirected: list[tuple[logging.StreamHandler[Any], Any]]
) -> None:
    bar.stop()
    for handler, stream in redirected:
        handler.setStream(stream)


class CrawlProgress:
    def __init__(self, total: int | None, done: int = 0) -> None:
        self.total = total
        self.done = done
        self.started = time.monotonic()
        self.bar: Progress | None = None
        if sys.stderr.isatty():
            self.bar = Progress(
                TextColumn("[bold]crawling[/] page {task.fields[page]}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]} models/s"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                # Beside the log lines, on stderr: stdout may be a pipe (rich's default console).
                console=Console(stderr=True),
                transient=True,
            )
            self.task = self.bar.add_task("crawl", total=total, completed=done, page=0, rate="-")

    def __enter__(self) -> CrawlProgress:
        self.redirected: list[tuple[logging.StreamHandler[Any], Any]] = []
        if self.bar:
            self.redirected = start_above_logs(self.bar)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.bar:
            stop_above_logs(self.bar, self.redirected)

    def advance(self, page: int, models: int) -> None:
        self.done += models
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = f"{self.done / elapsed:,.0f}"
        if self.bar:
            self.bar.update(self.task, completed=self.done, page=page, rate=rate)
        elif page == 1 or page % LOG_EVERY_PAGES == 0:
            log.info("page %d: %d models so far (%s models/s)", page, self.done, rate)
