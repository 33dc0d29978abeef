"""Driving the real app with Pilot: waiting for screens and typing like a person."""

from __future__ import annotations

import asyncio
import time

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
