"""A wizard screen shown for the first time is styled once, as its widgets mount, not again
as it resumes (screens/base.py, textual_private.css_generation). What it shows must be
what a full restyle gives: on every screen, and when the theme changed between building a
screen and showing it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from tests.support import snapshot_apps as apps
from tests.support.screen_reading import cells_from_textual

SIZE = (80, 24)

SCREENS: dict[str, Callable[[], Screen[None]] | None] = {
    "sign-in": None,
    "enrol": apps.enrol_screen,
    "new password": apps.new_password_screen("email", "name"),
    "done": apps.done_screen,
    "moved done": apps.moved_done_screen(kept=True),
    "other code": apps.other_code_screen("SMS_MFA", apps.MASKED_PHONE),
    "factor choice": apps.factor_choice_screen,
    "move offer": apps.move_offer_screen,
    "password reset": apps.password_reset_screen,
    "confirm sign-up": apps.confirm_sign_up_screen,
    "not handled": apps.challenge_not_handled_screen,
}


async def shown_then_restyled(pilot: Pilot[Any]) -> tuple[Any, Any]:
    """The screen's cells as shown, and after Textual styles every widget again."""
    await apps.steady_cursor(pilot)
    shown = cells_from_textual(pilot.app)
    pilot.app.screen.update_node_styles(animate=False)
    await pilot.pause()
    return shown, cells_from_textual(pilot.app)


@pytest.mark.parametrize("name", list(SCREENS))
async def test_a_screen_shows_what_a_full_restyle_gives(name: str) -> None:
    app = apps.SnapshotApp(SCREENS[name])
    async with app.run_test(size=SIZE) as pilot:
        shown, restyled = await shown_then_restyled(pilot)
    assert shown == restyled, f"the {name} screen showed stale styles"


@pytest.mark.parametrize("name", ["enrol", "new password", "done"])
async def test_a_theme_changed_before_the_screen_shows_is_applied(name: str) -> None:
    """Built under one theme, shown under another (Ctrl+T between the two): restyled."""
    app = apps.SnapshotApp()
    async with app.run_test(size=SIZE) as pilot:
        await apps.steady_cursor(pilot)
        make = SCREENS[name]
        assert make is not None
        screen = make()
        app.theme = "textual-light" if app.current_theme.dark else "textual-dark"
        await pilot.pause()
        app.switch_screen(screen)
        shown, restyled = await shown_then_restyled(pilot)
        assert app.screen is screen
    assert shown == restyled, f"the {name} screen kept the theme it was built under"
