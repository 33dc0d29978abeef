"""No key may overtake the characters typed before it: no priority bindings on forms, and
leaving never waits behind typing.

The bursts themselves (auto-type, paste, an SSH link's one read) are in test_burst_input.py
and, against the real process, tests/test_burst_input.py.
"""

from __future__ import annotations

import importlib
import pkgutil

from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import Input

import totp_tui.ui
from totp_tui.ui.app import TotpApp

# Leaving must work whatever has focus: the only keys handled ahead of everything.
APP_WIDE = {"ctrl+q", "ctrl+c"}


def _our_classes() -> list[type[DOMNode]]:
    for module in pkgutil.walk_packages(totp_tui.ui.__path__, "totp_tui.ui."):
        importlib.import_module(module.name)
    found: list[type[DOMNode]] = []
    pending: list[type[DOMNode]] = [DOMNode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("totp_tui."):
            found.append(cls)
    return found


def test_only_leaving_is_a_priority_binding() -> None:
    priority: dict[str, set[str]] = {}
    for cls in _our_classes():
        for binding in vars(cls).get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.priority:
                priority.setdefault(cls.__name__, set()).add(binding.key)
    assert priority == {"TotpApp": APP_WIDE}


def test_the_screens_and_widgets_of_the_wizard_were_all_looked_at() -> None:
    names = {cls.__name__ for cls in _our_classes()}
    assert {"TotpApp", "SignInScreen", "EnrolScreen", "ProfileFormScreen", "CodeInput"} <= names
    assert TotpApp in _our_classes()


async def test_ctrl_q_leaves_at_once_even_behind_a_long_burst() -> None:
    """Ctrl+Q does not wait its turn behind hundreds of keys still to be handled: when it
    quits, most of the burst before it has not been typed yet."""
    from tests.support.ui_driving import burst
    from tests.ui.conftest import SIZE
    from totp_tui.config.settings import Settings

    settings = Settings(region="us-east-1", user_pool_id="us-east-1_Keys1", client_id="c")
    app = TotpApp(settings, client_factory=lambda _: None)
    typed_when_leaving: list[int] = []
    leave = app.leave

    def leave_and_count(return_code: int = 0) -> None:
        typed_when_leaving.append(len(app.screen.query_one("#username", Input).value))
        leave(return_code)

    app.leave = leave_and_count  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(pilot, "x" * 400 + "\x11")  # Ctrl+Q last
        for _ in range(500):
            await pilot.pause(0.01)
            if not app.is_running:
                break
    assert app.return_code == 0
    assert typed_when_leaving and typed_when_leaving[0] < 400
