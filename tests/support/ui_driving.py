"""Driving the real app with Pilot: waiting for screens and typing like a person."""

from __future__ import annotations

import asyncio
import time

from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen

# RFC 6238's published test key ("12345678901234567890"): a secret nobody uses, so it may
# appear in committed screenshots and snapshots.
PUBLIC_TEST_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


async def wait_for_screen(
    pilot: Pilot[None], screen_type: type[Screen[None]], timeout: float = 10.0
) -> Screen[None]:
    """Wait until the app shows a screen of this type (requests run in thread workers)."""
    app: App[None] = pilot.app
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if isinstance(app.screen, screen_type):
            await pilot.pause()
            return app.screen
        await asyncio.sleep(0.02)
    raise AssertionError(f"expected {screen_type.__name__}, app shows {type(app.screen).__name__}")


async def wait_until_idle(pilot: Pilot[None], timeout: float = 10.0) -> None:
    """Wait until the current wizard screen has no request in flight."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not getattr(pilot.app.screen, "in_flight", False):
            await pilot.pause()
            return
        await asyncio.sleep(0.02)
    raise AssertionError("a request is still in flight")


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type into the focused widget (Pilot.press takes key names; characters are keys)."""
    await pilot.press(*text)


def key_event(character: str) -> events.Key:
    """The key event a terminal's `character` becomes: Tab is "\\t", Enter "\\r", Ctrl+O
    "\\x0f", printable characters are themselves."""
    from textual.keys import _character_to_key  # what Pilot itself uses (App._press_keys)

    if character == "\t":
        key = "tab"
    elif character == "\r":
        key = "enter"
    elif ord(character) < 32:  # a control key, as the terminal sends it (Ctrl+O: "\x0f")
        key = f"ctrl+{chr(ord(character) + 96)}"
    elif character.isalnum():
        key = character
    else:
        key = _character_to_key(character)
    return events.Key(key, character)


def burst(pilot: Pilot[None], text: str) -> None:
    """Hand the app `text` as one read from the terminal: every key queued at once, with no
    wait between them (Pilot.press waits until the app is idle after each key; auto-type, a
    paste and an SSH link do not). Tab is "\\t", Enter "\\r", Ctrl+O "\\x0f". Call
    `wait_for_screen` or `pilot.pause()` afterwards. Never logs the text."""
    driver = pilot.app._driver  # Pilot's own route for key events
    assert driver is not None
    for character in text:
        driver.send_message(key_event(character))


def keys_at_once(pilot: Pilot[None], *keys: str) -> None:
    """Named keys (down, enter, escape...) queued at once, as one read from the terminal
    hands them over: `burst` for keys that are not characters."""
    from textual import events

    driver = pilot.app._driver  # Pilot's own route for key events
    assert driver is not None
    for key in keys:
        character = {"enter": "\r", "escape": "\x1b", "ctrl+r": "\x12"}.get(key)
        driver.send_message(events.Key(key, character))
