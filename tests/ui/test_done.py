"""After enrolment: the done screen, and nothing left of the key on screen or in widgets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rich.text import Text
from textual.content import Content
from textual.dom import DOMNode
from textual.pilot import Pilot

from tests.conftest import PoolUser
from tests.support.totp_clock import code_now
from tests.support.wizard_steps import (
    Hidden,
    arrive,
    holds_text,
    paste,
    reach_enrol,
    shown_key,
    shows,
    visible_text,
)
from tests.ui.conftest import SIZE
from totp_tui.authenticator.qr import QrDrawing, QrMatrix
from totp_tui.config.settings import Settings
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.done import DoneScreen
from totp_tui.ui.screens.enrol import EnrolScreen


async def enrol(pilot: Pilot[None], user: PoolUser) -> tuple[list[DOMNode], Hidden]:
    """Through to the done screen: the enrol screen and its widgets as they were shown (the
    screen drops its children once it is left), and the key it showed."""
    screen = await reach_enrol(pilot, user)
    shown = list(screen.walk_children(with_self=True))
    key = shown_key(screen)
    await paste(pilot, code_now(key.value))
    await pilot.press("enter")
    await arrive(pilot, DoneScreen)
    return shown, key


def held_values(node: DOMNode) -> Iterator[Any]:
    """What a widget keeps in its attributes (one level into containers), whatever their
    names: a leak hides in the attribute nobody thought of."""
    for value in vars(node).values():
        yield value
        if isinstance(value, (list, tuple, set, frozenset)):
            yield from value
        elif isinstance(value, dict):
            yield from value.values()


def holds_key(node: DOMNode, key: Hidden) -> bool:
    """Whether a widget keeps the key as text (plain or grouped) or as a QR code."""
    for value in held_values(node):
        if isinstance(value, (str, Content, Text)) and holds_text(str(value), key):
            return True
        if isinstance(value, QrMatrix) and value.modules:
            return True
        if isinstance(value, QrDrawing) and value.lines:
            return True
    return False


async def test_done_screen_says_enrolled_shows_no_key_and_enter_finishes(
    settings: Settings, user: PoolUser
) -> None:
    app = TotpApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        _, key = await enrol(pilot, user)
        assert shows(app, "Enrolled")
        assert shows(app, f"✔ {user.username} is enrolled in authenticator-app MFA.")
        on_screen = holds_text(visible_text(app), key)
        assert not on_screen, "the done screen shows the key"
        widgets_holding = [
            repr(node)
            for screen in app.screen_stack
            for node in screen.walk_children(with_self=True)
            if holds_key(node, key)
        ]
        assert widgets_holding == []
        assert shows(app, "⏎ Finish")  # the footer names the key
        await pilot.press("enter")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_the_enrol_screen_left_behind_forgets_the_key_and_ctrl_q_quits(
    settings: Settings, user: PoolUser
) -> None:
    app = TotpApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        left_behind, key = await enrol(pilot, user)
        assert not any(isinstance(screen, EnrolScreen) for screen in app.screen_stack)
        widgets_holding = [repr(node) for node in left_behind if holds_key(node, key)]
        assert widgets_holding == []
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0
