"""`python -m plots`: draw every figure and report.html from the warehouse's marts."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import time
from pathlib import Path

import duckdb
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hf_common.cli import (
    EXIT_FAILED,
    EXIT_OK,
    add_database_option,
    add_verbosity_options,
    as_interruption,
    configure_logging,
    database_path,
    interrupted_exit_code,
    interruption,
    positive_int,
    raise_on_sigterm,
)
from plots import contents, data, figures, report, style
from plots.contents import FIGURES
from plots.figures import render
from plots.shared import FigureEntry, FigureSpec
from plots.warehouse import WarehouseError, open_warehouse

log = logging.getLogger("plots")

DEFAULT_OUT = "plots/out"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m plots",
        description=(
            "Draw every figure and report.html from the warehouse's marts. The warehouse is "
            "opened read-only; run `make build` first."
        ),
        epilog=(
            "Exit codes: 0 drawn, 1 no warehouse or no marts or a "
            "figure failed to draw or to save (the others and the report are still written), "
            "2 bad usage, 3 warehouse in use by another process."
        ),
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(DEFAULT_OUT),
        metavar="DIR",
        help="directory for the figures and report.html (default: %(default)s)",
    )
    parser.add_argument(
        "--format", choices=["png", "svg"], default="png", help="figure format (default: png)"
    )
    parser.add_argument(
        "--dpi",
        type=positive_int,
        default=style.DEFAULT_DPI,
        metavar="N",
        help="resolution of PNG figures (default: %(default)s)",
    )
    parser.add_argument(
        "--docs-url",
        metavar="URL",
        help="the dbt docs site the report links each section's marts to, e.g. "
        "http://127.0.0.1:8080/ while make docs serves it (default: static_index.html when "
        "make docs-static has copied it into --out, else no links: mart names as text)",
    )
    add_database_option(parser)
    add_verbosity_options(parser)
    return parser


class FigureProgress:
    """A live bar on a terminal; a plain log line per figure elsewhere (CI, pipes)."""

    def __init__(self, total: int) -> None:
        self.bar: Progress | None = None
        if sys.stderr.isatty():
            self.bar = Progress(
                TextColumn("[bold]drawing[/] {task.fields[figure]}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                transient=True,
            )
            self.task = self.bar.add_task("figures", total=total, figure="")

    def __enter__(self) -> FigureProgress:
        if self.bar:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar:
            self.bar.stop()

    def starting(self, name: str) -> None:
        if self.bar:
            self.bar.update(self.task, figure=name)

    def finished(self, path: Path, seconds: float, note: str | None) -> None:
        if self.bar:
            self.bar.advance(self.task)
            return
        status = f" (placeholder: {note})" if note else ""
        log.info("wrote %s in %.1f s%s", path, seconds, status)


def draw_one(
    spec: FigureSpec, con: duckdb.DuckDBPyConnection, caption: str, args: argparse.Namespace
) -> FigureEntry | None:
    """Draw and save one figure; None, after one logged line, when it cannot be saved."""
    rendered = render(spec, con, caption)
    filename = f"{spec.name}.{args.format}"
    path = args.out / filename
    try:
        rendered.fig.savefig(path, dpi=args.dpi, bbox_inches="tight")
        image = figures.inline_image(rendered, args.format, args.dpi)
    except OSError as exc:
        # A full disk or an unwritable --out: this figure is lost, the others may still fit.
        log.error("%s: cannot write %s: %s", spec.name, path, exc.strerror or exc)
        remove_partial(path)
        return None
    except Exception as exc:
        # Laying out a figure happens only here; a bug in it must not cost the other figures.
        log.error("%s: drawing failed while saving: %s: %s", spec.name, type(exc).__name__, exc)
        log.debug("%s: drawing failed while saving", spec.name, exc_info=True)
        remove_partial(path)
        return None
    return FigureEntry(spec.name, spec.question, filename, rendered, image)


def remove_partial(path: Path) -> None:
    """A half-written figure (or one left from an earlier run) must not pass for this one."""
    if path.is_file():
        with contextlib.suppress(OSError):
            path.unlink()


def draw_all(
    con: duckdb.DuckDBPyConnection, args: argparse.Namespace
) -> tuple[list[FigureEntry], list[str]]:
    """The figures saved, and the names of those that could not be."""
    try:
        caption = data.sample(con).caption
    except data.MissingData as exc:
        caption = f"Sample unknown: {exc}"
    entries, unsaved = [], []
    with FigureProgress(len(FIGURES)) as progress:
        for spec in FIGURES:
            progress.starting(spec.name)
            started = time.monotonic()
            entry = draw_one(spec, con, caption, args)
            if entry is None:
                unsaved.append(spec.name)
                continue
            entries.append(entry)
            note = entry.rendered.placeholder_reason
            progress.finished(args.out / entry.filename, time.monotonic() - started, note)
    return entries, unsaved


def run(args: argparse.Namespace) -> int:
    path = database_path(args.database)
    con = open_warehouse(path)
    try:
        try:
            args.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WarehouseError(f"cannot create the output directory {args.out}: {exc}") from None
        entries, unsaved = draw_all(con, args)
        sections = contents.sections(con, entries, contents.select_facts(con))
    finally:
        con.close()
    report_path = args.out / "report.html"
    try:
        report.write_report(report_path, sections, str(path), docs_url(args))
    except OSError as exc:
        log.error("cannot write %s: %s", report_path, exc.strerror or exc)
        return EXIT_FAILED
    placeholders = sum(1 for e in entries if e.rendered.placeholder_reason)
    log.info("wrote %d figures (%d placeholders) and %s", len(entries), placeholders, report_path)
    if unsaved:
        log.error(
            "%d figure(s) could not be saved and are left out of the report: %s",
            len(unsaved),
            ", ".join(unsaved),
        )
    failed = [e.name for e in entries if e.rendered.failed]
    if failed:
        # Every other figure and the report are written; the exit code still flags the bug.
        log.error(
            "%d figure(s) failed to draw: %s (rerun with -v for details)",
            len(failed),
            ", ".join(failed),
        )
        return EXIT_FAILED
    return EXIT_FAILED if unsaved else EXIT_OK


def docs_url(args: argparse.Namespace) -> str | None:
    """--docs-url if given; else the static docs site beside the report, if it is there."""
    if args.docs_url:
        return args.docs_url
    return report.STATIC_DOCS if (args.out / report.STATIC_DOCS).is_file() else None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose, args.quiet)
    # matplotlib's font manager logs its cache rebuild at info; it is noise here.
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
    raise_on_sigterm()
    try:
        return run(args)
    except WarehouseError as exc:
        log.error("%s", exc)
        return exc.exit_code
    except (KeyboardInterrupt, RuntimeError) as exc:
        if (stop := as_interruption(exc)) is None:
            raise
        log.error("%s; the figures already written are kept: rerun to draw all", interruption(stop))
        return interrupted_exit_code(stop)
