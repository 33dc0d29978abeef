"""The TOTP key copied with Ctrl+Y leaves the clipboards with the enrol screen, however the
screen is left, and the enrol screen's own device-name field never takes it.

Textual keeps its own copy of what was copied (`App.clipboard`, what Ctrl+V pastes) and sends
each copy to the terminal as OSC 52; `copy_to_clipboard("")` empties the one and sends an
empty OSC 52, which clears the terminal's where it allows. The app here records every copy,
in order, to see what the terminal was last sent. Nothing here prints a key: assertions
compare, and say what went wrong in words.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.conftest import PoolUser
from tests.support.totp_clock import code_now
from tests.support.ui_driving import keys_at_once, wait_for_screen
from tests.support.wizard_steps import (
    Hidden,
    field,
    holds_text,
    paste,
    reach_enrol,
    shown_key,
    shows,
    until,
)
from tests.ui.conftest import SIZE
from totp_tui.authenticator.key_uri import group_secret
from totp_tui.config.settings import Settings
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.confirm import ConfirmScreen
from totp_tui.ui.screens.done import DoneScreen
from totp_tui.ui.screens.enrol import EnrolScreen
from totp_tui.ui.screens.sign_in import SignInScreen
from totp_tui.ui.start_options import Kiosk


class RecordingApp(TotpApp):
    """The app, recording each text it puts on the clipboard (and sends as OSC 52)."""

    # Textual resolves a relative CSS_PATH beside the subclass's module: point at the app's.
    CSS_PATH = str(Path(inspect.getfile(TotpApp)).with_name("app.tcss"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.copies: list[str] = []

    def copy_to_clipboard(self, text: str) -> None:
        self.copies.append(text)
        super().copy_to_clipboard(text)


async def settled(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.pause()


async def copy_the_key(pilot: Pilot[Any], app: RecordingApp, user: PoolUser) -> Hidden:
    screen = await reach_enrol(pilot, user)
    key = shown_key(screen)
    keys_at_once(pilot, "ctrl+y")
    await settled(pilot)
    copied = app.clipboard == key.value and app.copies[-1] == key.value
    assert copied, "Ctrl+Y did not put the key on the clipboard"
    return key


def clipboards_cleared(app: RecordingApp, key: Hidden) -> None:
    # Compared apart: pytest would print both sides, key included.
    empty = app.clipboard == ""
    assert empty, "Textual's clipboard still holds something after leaving"
    after = app.copies[app.copies.index(key.value) + 1 :]
    once = after == [""]
    assert once, f"after the key, the clipboard was sent {len(after)} texts, not one ''"


async def pasting_everywhere_gives_nothing_of_the_key(pilot: Pilot[Any], key: Hidden) -> None:
    """Ctrl+V in each field of the screen shown now: no field holds the key."""
    fields = list(pilot.app.screen.query(Input))
    assert fields, "the next screen has no field to paste into"
    for each in fields:
        each.focus()
        await settled(pilot)
        keys_at_once(pilot, "ctrl+v")
        await settled(pilot)
    leaked = [each.id for each in fields if holds_text(each.value, key)]
    assert leaked == [], f"Ctrl+V pasted the key into {leaked}"


async def back(pilot: Pilot[Any], key: Hidden) -> None:
    keys_at_once(pilot, "escape")
    await wait_for_screen(pilot, SignInScreen)


async def session_over(pilot: Pilot[Any], key: Hidden) -> None:
    # What the session countdown does when it reaches zero.
    assert isinstance(pilot.app, TotpApp)
    pilot.app.wizard.restart("The sign-in session expired.")
    await wait_for_screen(pilot, SignInScreen)


async def verified(pilot: Pilot[Any], key: Hidden) -> None:
    await paste(pilot, code_now(key.value))
    keys_at_once(pilot, "enter")
    await wait_for_screen(pilot, DoneScreen)


LEAVING: list[tuple[str, Callable[[Pilot[Any], Hidden], Awaitable[None]]]] = [
    ("escape", back),
    ("the session ends", session_over),
    ("verified", verified),
]


@pytest.mark.parametrize(("how", "leave"), LEAVING, ids=[way[0] for way in LEAVING])
async def test_leaving_the_enrol_screen_clears_the_copied_key(
    settings: Settings,
    user: PoolUser,
    how: str,
    leave: Callable[[Pilot[Any], Hidden], Awaitable[None]],
) -> None:
    app = RecordingApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        key = await copy_the_key(pilot, app, user)
        await leave(pilot, key)
        await settled(pilot)
        clipboards_cleared(app, key)
        if app.screen.query(Input):
            await pasting_everywhere_gives_nothing_of_the_key(pilot, key)
        empty = not app.clipboard
        assert empty, "Ctrl+V's clipboard is not empty"


async def test_the_key_and_leaving_in_one_burst(settings: Settings, user: PoolUser) -> None:
    """Ctrl+Y and Escape in one read from the terminal: still cleared."""
    app = RecordingApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await reach_enrol(pilot, user)
        key = shown_key(screen)
        keys_at_once(pilot, "ctrl+y", "escape")
        await wait_for_screen(pilot, SignInScreen)
        await settled(pilot)
        copied = key.value in app.copies
        assert copied, "Ctrl+Y did not copy the key"
        clipboards_cleared(app, key)
        await pasting_everywhere_gives_nothing_of_the_key(pilot, key)


async def test_quitting_from_the_enrol_screen_clears_the_copied_key(
    settings: Settings, user: PoolUser
) -> None:
    app = RecordingApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        key = await copy_the_key(pilot, app, user)
        keys_at_once(pilot, "ctrl+q")
        await settled(pilot)
        if app.is_running and isinstance(app.screen, ConfirmScreen):
            keys_at_once(pilot, "ctrl+q")  # asked first, mid-enrolment: the same key quits
        await until(pilot, lambda: not app.is_running, "the app to quit")
    clipboards_cleared(app, key)


async def test_kiosk_clears_the_key_with_the_enrol_screen_and_once(
    settings: Settings, user: PoolUser
) -> None:
    """Not only when the next person comes: the enrolled screen does not keep the key on
    the clipboard. And the next person's turn does not clear it a second time."""
    app = RecordingApp(settings, kiosk=Kiosk(idle_seconds=120))
    async with app.run_test(size=SIZE) as pilot:
        key = await copy_the_key(pilot, app, user)
        await verified(pilot, key)
        await settled(pilot)
        clipboards_cleared(app, key)
        keys_at_once(pilot, "enter")  # finished: the next person
        await wait_for_screen(pilot, SignInScreen)
        await settled(pilot)
        clipboards_cleared(app, key)
        await pasting_everywhere_gives_nothing_of_the_key(pilot, key)


async def test_the_device_name_never_takes_the_key(settings: Settings, user: PoolUser) -> None:
    app = RecordingApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        key = await copy_the_key(pilot, app, user)
        screen = app.screen
        assert isinstance(screen, EnrolScreen)
        device = field(screen, "device-name")
        keys_at_once(pilot, "tab", "ctrl+v")  # the app's clipboard
        await settled(pilot)
        assert device.has_focus
        # Compared apart: pytest would print the value, key included.
        empty = device.value == ""
        assert empty, "Ctrl+V put the key in the device name"
        assert shows(app, "The key is not a device name")
        await paste(pilot, group_secret(key.value).lower())  # the terminal's, as shown
        empty = device.value == ""
        assert empty, "a paste put the key in the device name"
        await paste(pilot, "laptop")  # anything else is taken
        named = device.value == "laptop"
        assert named, "the device name did not take a name"
        keys_at_once(pilot, "ctrl+v")
        await settled(pilot)
        named = device.value == "laptop"
        assert named, "Ctrl+V added the key to the device name"
        # The key is still on the clipboard while the screen shows: it may be needed again.
        kept = app.clipboard == key.value
        assert kept, "the clipboard lost the key before the screen went"
