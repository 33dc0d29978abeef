"""Steps a person takes through the wizard, and what they can see on the screen.

Text that matters (passwords, the TOTP key) is pasted as a terminal pastes it (bracketed
paste: one event) rather than typed key by key, which costs ~60 ms a key under Pilot; the
tests of the keyboard contract press the keys themselves.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from tests.conftest import PoolUser
from tests.support.screen_reading import Screen as ScreenCells
from tests.support.screen_reading import cells_from_textual
from tests.support.ui_driving import wait_for_screen
from totp_tui.ui.screens.enrol import EnrolScreen
from totp_tui.ui.screens.new_password import NewPasswordScreen
from totp_tui.ui.widgets.secret_key import SecretKey

ScreenT = TypeVar("ScreenT", bound=Screen[None])

# Borders and the QR's half blocks: not text a person reads.
_NOT_TEXT = str.maketrans(dict.fromkeys("│─╭╮╰╯▀▄█", " "))
HALF_BLOCKS = "▀▄█"


class Hidden:
    """A password or key whose repr never shows it, so a failing assertion cannot print it."""

    def __init__(self, value: str) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "Hidden(<not shown>)"


async def arrive(pilot: Pilot[None], screen_type: type[ScreenT]) -> ScreenT:
    """Wait until the app shows a screen of this type and return it."""
    screen = await wait_for_screen(pilot, screen_type)
    assert isinstance(screen, screen_type)
    return screen


async def paste(pilot: Pilot[None], text: str) -> None:
    """Paste into the focused widget, as a terminal's bracketed paste does."""
    driver = pilot.app._driver  # Pilot's own route for key events; there is no paste API
    assert driver is not None
    driver.send_message(events.Paste(text))
    await pilot.pause()


def screen_cells(app: App[Any]) -> ScreenCells:
    """The cells the terminal shows now (characters and colours)."""
    return cells_from_textual(cast("App[object]", app))


def screen_rows(app: App[Any]) -> list[str]:
    """The rows of characters the terminal shows now."""
    return screen_cells(app).lines()


def visible_text(app: App[Any]) -> str:
    """All the words on the screen in reading order, borders and QR dropped and runs of
    spaces collapsed, so a message wrapped over two rows still reads as one phrase."""
    words = " ".join(row.translate(_NOT_TEXT) for row in screen_rows(app))
    return re.sub(r"\s+", " ", words)


def shows(app: App[Any], phrase: str) -> bool:
    return re.sub(r"\s+", " ", phrase) in visible_text(app)


def shows_half_blocks(app: App[Any]) -> bool:
    return any(char in HALF_BLOCKS for row in screen_rows(app) for char in row)


def focused_id(app: App[Any]) -> str | None:
    return app.focused.id if app.focused is not None else None


def field(screen: Screen[Any], widget_id: str) -> Input:
    return screen.query_one(f"#{widget_id}", Input)


def is_empty(input_field: Input) -> bool:
    return input_field.value == ""


def shown_key(screen: EnrolScreen) -> Hidden:
    """The TOTP key as the enrol screen shows it (groups of four), spaces removed."""
    text = str(screen.query_one(SecretKey).content)
    return Hidden("".join(text.split()))


def holds_text(text: str, secret: Hidden) -> bool:
    """Whether text contains the key, plain or in the groups of four the screen shows."""
    plain = secret.value
    grouped = " ".join(plain[i : i + 4] for i in range(0, len(plain), 4))
    flat = re.sub(r"\s+", " ", text)
    return plain in text or grouped in flat or plain in re.sub(r"\s+", "", text)


async def sign_in(pilot: Pilot[None], username: str, password: str) -> None:
    """On a fresh sign-in screen: fill both fields and press Enter. A prefilled username
    leaves the focus on the password, the first empty field."""
    if is_empty(field(pilot.app.screen, "username")):
        await paste(pilot, username)
        await pilot.press("tab")
    await paste(pilot, password)
    await pilot.press("enter")


async def choose_password(pilot: Pilot[None], new: str, confirmation: str) -> None:
    """On the new-password screen (first field focused): both fields, then Enter."""
    await paste(pilot, new)
    await pilot.press("tab")
    await paste(pilot, confirmation)
    await pilot.press("enter")


async def reach_new_password(pilot: Pilot[None], user: PoolUser) -> NewPasswordScreen:
    await sign_in(pilot, user.username, user.password)
    return await arrive(pilot, NewPasswordScreen)


async def reach_enrol(pilot: Pilot[None], user: PoolUser) -> EnrolScreen:
    await reach_new_password(pilot, user)
    await choose_password(pilot, user.new_password, user.new_password)
    return await arrive(pilot, EnrolScreen)


def status_kind(app: App[Any]) -> str:
    """The status line's look: "-error" (red), "-ok" (green), "-busy" or ""."""
    status = app.screen.query_one("#status")
    return next((c for c in ("-error", "-ok", "-busy") if status.has_class(c)), "")


async def until(
    pilot: Pilot[None], ready: Callable[[], bool], what: str, seconds: float = 10.0
) -> None:
    """Let the app run until ready() (failing after `seconds`, naming `what`)."""
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        await pilot.pause(0.02)
    await pilot.pause()


async def idle(pilot: Pilot[None]) -> None:
    """Until the screen has no request in flight."""
    await until(pilot, lambda: not getattr(pilot.app.screen, "in_flight", False), "the answer")
