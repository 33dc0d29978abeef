"""Starting the wizard from the command line: the terminal prepared, the log configured,
the Textual app run, its exit code returned."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from totp_tui.cli.output import fail
from totp_tui.config.settings import RequestedSettings, Settings, SettingsError

if TYPE_CHECKING:
    from totp_tui.ui.start_options import DemoNotice, Kiosk, StartWith

_log = logging.getLogger("totp_tui.cli")


def start_with(args: argparse.Namespace, env: Mapping[str, str]) -> StartWith | None:
    """--access-token (or TOTP_TUI_ACCESS_TOKEN), or --session with --username."""
    access_token = args.access_token or env.get("TOTP_TUI_ACCESS_TOKEN") or None
    if access_token and args.session:
        raise SettingsError("give either an access token or --session, not both")
    if args.session and not args.username:
        raise SettingsError("--session needs --username: the name the challenge was for")
    if not (access_token or args.session):
        return None
    from totp_tui.ui.start_options import StartWith

    return StartWith(username=args.username or "", access_token=access_token, session=args.session)


def no_terminal() -> str | None:
    """Why the wizard cannot run here, or None. Without a terminal (ssh without -t, a pipe,
    cron, CI) Textual would write escape codes into the pipe and spin a core for ever."""
    for name, stream in (("input", sys.stdin), ("output", sys.stdout)):
        try:
            is_terminal = stream is not None and stream.isatty()
        except (OSError, ValueError):  # closed or detached
            is_terminal = False
        if not is_terminal:
            return (
                f"the wizard needs an interactive terminal, and its {name} is not one. "
                "Run it in a terminal; over SSH, ask for one: ssh -t HOST totp-tui ..."
            )
    return None


class BackgroundQuestion:
    """Whether the terminal is light, as it answers: asked before Textual is imported, the
    answer read after, so the round trip passes while the import runs (~190 ms) rather than
    after it (a few ms locally, more over SSH, at every start)."""

    def __init__(self) -> None:
        self._question: Any = None
        self._started = time.perf_counter()
        if os.environ.get("TEXTUAL_THEME"):
            return  # the person chose; nothing to ask
        from totp_tui.ui.terminal_background import Question

        try:
            fd_in, fd_out = sys.stdin.fileno(), sys.stdout.fileno()
            if os.isatty(fd_in) and os.isatty(fd_out):
                self._question = Question(fd_in, fd_out)
        except (OSError, ValueError, ImportError):  # replaced streams, no termios (Windows)
            self._question = None

    def light(self) -> bool | None:
        """None: it did not say, or there was no need to ask. Restores the terminal."""
        from totp_tui.ui.terminal_background import light_in

        question, self._question = self._question, None
        if question is None:
            return None
        try:
            light = light_in(question.replies())
        except OSError:  # the terminal went away
            return None
        spent = (time.perf_counter() - self._started) * 1e3
        _log.debug("terminal background: %s, asked %.0f ms before", light, spent)
        return light


def _prepare_terminal() -> None:
    # Textual writes escapes like "\u2584" instead of the QR's half blocks when stdout's
    # encoding is not UTF-8 (LANG=C on many servers).
    for stream in (sys.__stdout__, sys.__stderr__):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if stream is not None and encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")


def run_wizard(
    settings: Settings | None,
    demo: DemoNotice | None = None,
    requested: RequestedSettings | None = None,
    start: StartWith | None = None,
    ascii_qr: bool = False,
    kiosk: Kiosk | None = None,
) -> int:
    from totp_tui.diagnostics import debug_log

    flags = requested or RequestedSettings()
    log_file = settings.log_file if settings else flags.log_file
    debug = settings.debug if settings else flags.debug
    try:  # a bad --log-file is a bad flag: said before anything about the terminal
        log_path = debug_log.configure(
            log_file, debug, literals=[settings.client_secret or ""] if settings else []
        )
    except OSError as error:
        named = f" {log_file}" if log_file else ""
        return fail(f"cannot write the log file{named}: {error.strerror}")
    problem = no_terminal()
    if problem:
        return fail(problem)
    # Before Textual reads the terminal (the answer is no key), and before it is imported.
    background = BackgroundQuestion()
    try:
        from totp_tui.ui.app import TotpApp
        from totp_tui.ui.terminal_caps import background_said, detect_caps, initial_theme
    finally:
        light = background.light()

    # Names of sources only: never a value, never the client secret.
    if settings and settings.sources:
        _log.debug("settings from: %s", settings.sources.log_line())
    # Before the stream is made UTF-8. The background, as said, goes in too: under NO_COLOR
    # the enrol screen names the key that flips the QR when nothing said which it is.
    caps = detect_caps(sys.__stdout__, ascii_qr, background_said(os.environ, light))
    _prepare_terminal()
    # Textual renders in this thread and writes each frame to the terminal from another.
    # At Python's default switch interval (5 ms), the writer waited ~11 ms for the GIL to
    # send the first frame while this thread went on with the next; at 1 ms, ~2 ms.
    sys.setswitchinterval(0.001)
    app = TotpApp(
        settings,
        demo=demo,
        handle_signals=True,
        requested=flags,
        env=os.environ,
        start=start,
        kiosk=kiosk,
    )
    app.terminal_caps = caps
    theme = initial_theme(os.environ, light)
    if theme is not None:
        app.theme = theme
    app.run()
    if log_path:  # written, or why not: a log that silently lost its lines misleads
        print(f"totp-tui: {debug_log.outcome(log_path)}", file=sys.stderr)
    return app.return_code or 0
