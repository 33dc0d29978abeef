"""The crash report (issue 4): where the app stopped, never what it held.

Unit tests of totp_tui.diagnostics.crash_report, the app's use of it under Pilot, and a real process
under tmux that crashes while a local variable and the exception's message hold the typed
password: exit status 1, the report with file:line, and the password nowhere on the terminal.
"""

from __future__ import annotations

import inspect
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.support.leak_scan import modes_left_on
from tests.support.tmux_session import TmuxSession, require_tmux
from totp_tui.config.settings import Settings
from totp_tui.diagnostics.crash_report import MAX_FRAMES, _short, crash_report
from totp_tui.ui.app import TotpApp
from totp_tui.ui.controller import WizardController
from totp_tui.ui.screens.sign_in import SignInScreen

PASSWORD = "Hunter2-crash-report-9a"
HEADLINE = "stopped on an unexpected error"


def _marked_line(function: Callable[..., object], marker: str) -> int:
    """The line number of the line holding `marker` in function's source."""
    lines, first = inspect.getsourcelines(function)
    return first + next(i for i, line in enumerate(lines) if marker in line)


def sign_in_with(password: str) -> None:
    typed = {"password": password}  # a local a locals-printing report would show
    raise RuntimeError(f"could not sign in with {typed['password']}")  # raises here


def caught(call: Callable[..., object], *args: object) -> BaseException:
    try:
        call(*args)
    except BaseException as error:
        return error
    raise AssertionError("the call did not raise")


# --- the report --------------------------------------------------------------------------


def test_names_the_exception_type_file_line_and_function() -> None:
    report = crash_report(caught(sign_in_with, PASSWORD))
    line = _marked_line(sign_in_with, "# raises here")
    assert report.splitlines()[0] == f"totp-tui {HEADLINE} (RuntimeError)."
    assert report.splitlines()[-2] == f"  test_crash_report.py:{line} in sign_in_with"
    assert "in caught" in report  # the frames above it too


def test_shows_no_local_value_and_no_message() -> None:
    report = crash_report(caught(sign_in_with, PASSWORD))
    leaked = PASSWORD in report or "could not sign in" in report or "typed" in report
    assert not leaked, "the report shows a local or the exception's message"


def test_hides_the_message_of_a_cause_and_of_exceptions_that_quote_their_input() -> None:
    def lookup() -> None:
        typed: dict[str, str] = {}
        try:
            typed[PASSWORD]
        except KeyError as error:  # KeyError's str() is its argument
            raise ValueError("wrapped") from error

    report = crash_report(caught(lookup))
    assert "(ValueError)" in report
    leaked = PASSWORD in report or "wrapped" in report
    assert not leaked, "the report shows a message"


def test_paths_are_short() -> None:
    assert _short("/home/alice/.venv/lib/python3.12/site-packages/textual/app.py") == (
        "textual/app.py"
    )
    assert _short("/home/alice/src/totp-tui/totp_tui/ui/app.py") == "totp_tui/ui/app.py"
    assert _short("/home/alice/notes/script.py") == "script.py"
    # A real one through site-packages and the standard library: no directory of this
    # machine in it (they name the user and where things are installed).
    import pyotp

    report = crash_report(caught(lambda: pyotp.TOTP("not base32!").now()))
    frames = [line.strip() for line in report.splitlines() if " in " in line and ":" in line]
    assert any(frame.startswith("pyotp/") for frame in frames), report
    for directory in (str(Path.home()), sys.prefix, str(Path(__file__).parent)):
        assert directory not in report
    assert not [frame for frame in frames if frame.startswith("/")]


def test_keeps_the_innermost_frames_of_a_deep_stack() -> None:
    def deep(depth: int) -> None:
        if depth == 0:
            raise RuntimeError(PASSWORD)
        deep(depth - 1)

    report = crash_report(caught(deep, MAX_FRAMES + 5))
    frames = [line for line in report.splitlines() if line.startswith("  ") and " in " in line]
    assert len(frames) == MAX_FRAMES
    assert "earlier frames" in report
    assert frames[-1].endswith(" in deep")


# --- the app uses it ------------------------------------------------------------------------


async def test_a_crash_in_the_app_reports_without_locals_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def submit_that_crashes(self: SignInScreen) -> None:
        password = self.query_one("#password", Input).value
        raise RuntimeError("boom " + password)

    monkeypatch.setattr(SignInScreen, "submit", submit_that_crashes)
    monkeypatch.setattr(WizardController, "warm_up", lambda self: None)  # no SDK needed here
    settings = Settings(region="us-east-1", user_pool_id="us-east-1_Crash1", client_id="c")
    app = TotpApp(settings, client_factory=lambda _settings: None)
    with pytest.raises(RuntimeError):  # run_test re-raises a crash for test frameworks
        async with app.run_test(size=(80, 24)) as pilot:
            # Typing it key by key costs ~70 ms a key under Pilot: set it, as a paste would.
            app.screen.query_one("#username", Input).value = "alice"
            app.screen.query_one("#password", Input).value = PASSWORD
            await pilot.press("enter")
            await pilot.pause()
    assert app.return_code == 1
    # Textual prints the exit renderables to stderr when a headless app ends.
    printed = capsys.readouterr().err
    assert HEADLINE in printed
    assert "in submit_that_crashes" in printed
    leaked = PASSWORD in printed or "boom" in printed
    assert not leaked, "the report shows the password"


async def test_a_crash_while_the_first_screen_is_built_still_reports(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The sign-in is Textual's first screen: a crash in its compose comes before its inputs
    # exist, and wiping them must not hide the report behind a second error.
    def compose_that_crashes(self: SignInScreen) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(SignInScreen, "compose", compose_that_crashes)
    monkeypatch.setattr(WizardController, "warm_up", lambda self: None)
    settings = Settings(region="us-east-1", user_pool_id="us-east-1_Crash1", client_id="c")
    app = TotpApp(settings, client_factory=lambda _settings: None)
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
    assert app.return_code == 1
    printed = capsys.readouterr().err
    assert HEADLINE in printed
    assert "in compose_that_crashes" in printed
    assert "NoMatches" not in printed


# --- a real process ---------------------------------------------------------------------------

CRASHING_APP = """\
import sys

from totp_tui.cli import main as cli_main
from totp_tui.ui.screens.sign_in import SignInScreen


def submit_that_crashes(self):
    password = self.query_one("#password").value
    raise RuntimeError("boom " + password)  # raises here


SignInScreen.submit = submit_that_crashes
sys.exit(cli_main.main(sys.argv[1:]))
"""


def test_a_real_crash_prints_where_but_not_the_password(tmp_path: Path) -> None:
    require_tmux()
    script = tmp_path / "crashing_app.py"
    script.write_text(CRASHING_APP)
    raise_line = 1 + next(
        i for i, line in enumerate(CRASHING_APP.splitlines()) if "# raises here" in line
    )
    home = tmp_path / "home"
    home.mkdir()
    command = [
        sys.executable,
        str(script),
        "--user-pool-id",
        "us-east-1_Crash1",
        "--client-id",
        "crashclient",
        # Nothing listens there: the crash comes before any request.
        "--endpoint-url",
        "http://127.0.0.1:9",
    ]
    with TmuxSession(command, env={"HOME": str(home)}) as session:
        session.wait_for("Password", timeout=15)
        session.type("alice")
        time.sleep(0.15)
        session.send_keys("Tab")
        time.sleep(0.15)
        session.type(PASSWORD)
        time.sleep(0.15)
        session.send_keys("Enter")
        status = session.exit_status(timeout=10)
        modes = modes_left_on(session)
        after = session.text(history=True)

    assert status == 1
    assert not modes, f"the terminal was left with {modes} on"
    # Booleans, not `x in after`: pytest would print the terminal, password and all.
    leaked = [
        name
        for name, text in (
            ("the password", PASSWORD),
            ("the exception's message", "boom"),
            ("a traceback", "Traceback"),
            ("the script's directory", str(tmp_path)),
        )
        if text in after
    ]
    assert not leaked, f"the terminal shows {leaked}"
    reported = HEADLINE in after
    where = f"crashing_app.py:{raise_line} in submit_that_crashes" in after
    assert reported and where, "no report naming the file, line and function"
