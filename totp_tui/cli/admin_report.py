"""`totp-tui admin report`: rows streamed to stdout as CSV or JSON lines, a progress bar on
stderr when stderr is a terminal (never into a file or a pipe), and one audit line with what
was done (helpdesk/pool_report.py makes the rows)."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections.abc import Mapping
from typing import Any, TextIO

from totp_tui.cli.admin_action import AdminAction, pool_mfa_or_warn
from totp_tui.cli.output import EXIT_OK
from totp_tui.config.admin_settings import AdminSettings
from totp_tui.helpdesk import admin_calls, audit, pool_report
from totp_tui.helpdesk.pool_report import COLUMNS

FORMATS = ("csv", "jsonl")
# The bar is redrawn at most this often: a terminal over SSH need not carry every user.
REDRAW_SECONDS = 0.1
BAR_WIDTH = 24


class RowWriter:
    """One row per user, flushed per row so that a reader (or `head`) gets rows as they come."""

    def __init__(self, output: str, stream: TextIO) -> None:
        self._stream = stream
        self._json = output == "jsonl"
        self._csv = csv.writer(stream, lineterminator="\n")
        if not self._json:
            self._csv.writerow(COLUMNS)

    def write(self, row: Mapping[str, object]) -> None:
        if self._json:
            self._stream.write(json.dumps(dict(row)) + "\n")
        else:
            self._csv.writerow([_cell(row[column]) for column in COLUMNS])
        self._stream.flush()


def _cell(value: object) -> str:
    if isinstance(value, list):
        return " ".join(map(str, value))
    if isinstance(value, bool):
        return str(value).lower()
    return "" if value is None else str(value)


class ProgressBar:
    """`[#####-----] 1,234/5,000 users, 118/s` on stderr, redrawn in place; with no total
    (a filter, or no DescribeUserPool permission), a count."""

    def __init__(self, total: int | None, stream: TextIO) -> None:
        self._total = total
        self._stream = stream
        self._started = time.monotonic()
        self._drawn = 0.0
        self._shown = False

    def update(self, done: int) -> None:
        now = time.monotonic()
        if now - self._drawn < REDRAW_SECONDS:
            return
        self._drawn = now
        rate = done / max(now - self._started, 1e-6)
        if self._total:
            filled = min(BAR_WIDTH, BAR_WIDTH * done // self._total)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            text = f"[{bar}] {done:,}/~{self._total:,} users, {rate:.0f}/s"
        else:
            text = f"{done:,} users, {rate:.0f}/s"
        self._stream.write(f"\r{text}\x1b[K")
        self._stream.flush()
        self._shown = True

    def clear(self) -> None:
        """Take the bar off the line, so that a message after it starts clean."""
        if self._shown:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._shown = False


def stderr_is_terminal() -> bool:
    return sys.stderr is not None and sys.stderr.isatty()


def silence_closed_stdout() -> None:
    """The reader went away (`report | head`): point stdout at /dev/null, so that Python's
    last flush at exit does not fail with a second BrokenPipeError."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)


def run_report(args: argparse.Namespace, action: AdminAction) -> int:
    def factory(session: Any, settings: AdminSettings) -> Any:
        return pool_report.report_client(session, settings, args.concurrency)

    try:
        client = action.connect(args.sts_endpoint_url, factory)
    except admin_calls.AdminError as error:
        return action.failed(error)
    pool = pool_mfa_or_warn(client, action.settings)
    bar: ProgressBar | None = None
    if stderr_is_terminal():
        # With a filter the pool's size says nothing about how many rows will come.
        total = None if args.filter else pool_report.estimated_users(client, action.settings)
        bar = ProgressBar(total, sys.stderr)
    run = pool_report.ReportRun(
        client,
        action.settings,
        pool,
        args.filter,
        args.concurrency,
        progress=bar.update if bar else None,
    )

    def details() -> dict[str, audit.DetailValue]:
        return {
            "filter": args.filter,
            "users": run.users,
            "requests": run.calls.requests,
            "throttles_absorbed": run.calls.throttles,
            "seconds": round(run.seconds, 2),
        }

    writer = RowWriter(args.output, sys.stdout)
    try:
        for row in run.rows():
            writer.write(row.as_dict())
    except admin_calls.AdminError as error:
        if bar:
            bar.clear()
        return action.failed(error, f"after {run.users} users", details())
    except BrokenPipeError:  # `report | head`: the reader has what it wanted
        silence_closed_stdout()
        action.write(audit.OK, {"output_closed": True, **details()})
        return EXIT_OK
    finally:
        if bar:
            bar.clear()
    action.write(audit.OK, details())
    if bar:
        print(
            f"totp-tui: {run.users:,} users in {run.seconds:.1f} s, {run.calls.requests:,} "
            f"requests, {run.calls.throttles:,} throttles absorbed",
            file=sys.stderr,
        )
    return EXIT_OK
