"""Every use of Textual's private API, in one place (Textual 8.2, pinned `<9`).

Each function here does something Textual offers no public way to do. tests/ui/
test_textual_private.py fails if a name or signature used here changes; the README's
development section lists them. Nothing else in totp_tui may use a `_name` of Textual's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.screen import Screen

# (owner, attribute) for each private name used below: the test checks they still exist.
USED: tuple[tuple[type[Any], str], ...] = (
    (Screen, "_push_result_callback"),
    (App, "_handle_exception"),
    (App, "_fatal_error"),
    (App, "_close_messages_no_wait"),
)
# Set in App.__init__, so checked on an instance.
USED_ON_INSTANCES: tuple[str, ...] = ("_exit_renderables",)


def make_switchable(screen: Screen[Any], app: App[Any]) -> None:
    """Let `app.switch_screen` replace `screen` when it is Textual's first (default) screen.

    switch_screen pops a result callback from the screen it replaces, and Textual gives one
    only to the screens it pushes. Pushing the sign-in over Textual's empty default screen
    instead costs a second layout and a frame (~15 ms of a start that is measured).
    """
    screen._push_result_callback(app, None)


def replace_crash_report(
    app: App[Any], report: Callable[[BaseException], Any], before: Callable[[], None]
) -> None:
    """Print `report(error)` instead of Textual's traceback when `app` stops on a bug.

    Textual's report (App._fatal_error) is a rich Traceback with show_locals=True: a crash
    in a sign-in worker printed the password. There is no public hook for unhandled
    errors; these instance attributes shadow the two methods for this app only. `before`
    runs first (wipe the screen); the exit code stays Textual's 1.
    """
    handle = app._handle_exception
    crash: list[BaseException] = []

    def handle_exception(error: Exception) -> None:
        crash.append(error)  # Textual's _fatal_error takes no argument
        handle(error)  # sets the exit code to 1, and keeps the error for Pilot

    def fatal_error() -> None:
        app.bell()
        before()
        error = crash[0] if crash else RuntimeError("unknown")
        app._exit_renderables.append(report(error))
        # The app's own message loop may be the one that failed: close without waiting.
        app._close_messages_no_wait()

    # Shadowed on the instance: the class stays Textual's.
    app._handle_exception = handle_exception  # type: ignore[method-assign]
    app._fatal_error = fatal_error  # type: ignore[method-assign]
