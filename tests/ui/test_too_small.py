"""A terminal too small for the screen: a notice in the screen's place naming the size it
needs, at every size where the screen cannot show all it holds; the form, with what was
typed, back as soon as the terminal is big enough; the app's own keys still work.

Whether a screen "can show" is judged here from what is on the terminal, not from how the
app measures it: every widget of the screen lies wholly in the part of the terminal
between the title bar and the footer (and inside the scrolling column that holds it), and
the terminal has the 40 columns a form needs. At 80x24 or larger, the size every screen is
laid out for, a screen is never covered.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.app import App
from textual.containers import ScrollableContainer
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from tests.support.keyring_backends import MemoryKeyring
from tests.support.snapshot_apps import (
    DEMO_NOTICE,
    DEMO_SETTINGS,
    SETTINGS,
    SnapshotApp,
    done_screen,
    enrol_screen,
    new_password_screen,
    offline_client,
    steady_cursor,
)
from tests.support.ui_driving import burst, keys_at_once
from tests.support.wizard_steps import field, focused_id, paste, shows, until
from totp_tui.profiles import Profile, ProfileStore
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.profile_form import ProfileFormScreen
from totp_tui.ui.screens.profiles import ProfilesScreen
from totp_tui.ui.screens.sign_in import SignInScreen
from totp_tui.ui.widgets.too_small import MIN_COLUMNS, NOTICE_ID

SnapCompare = Callable[..., bool]
SIZES = [(20, 8), (40, 10), (60, 20), (79, 15), (79, 23), (80, 24)]
NOTICE = "Terminal too small: needs at least"


def profiles_app() -> TotpApp:
    """`totp-tui` with no pool flags: the profile list first, read from an in-memory keyring."""
    backend = MemoryKeyring()
    store = ProfileStore(backend)
    for name in ("work", "lab"):
        store.save(Profile(name=name, region="eu-west-2", user_pool_id="eu-west-2_AbC123",
                           client_id="exampleclientid1234567890"))  # fmt: skip
    return TotpApp(None, client_factory=offline_client, store_factory=lambda: store)


async def profiles_listed(pilot: Pilot[Any]) -> None:
    await until(
        pilot,
        lambda: isinstance(pilot.app.screen, ProfilesScreen) and bool(pilot.app.screen.profiles),
        "the profile list",
    )


async def new_profile_form(pilot: Pilot[Any]) -> None:
    await profiles_listed(pilot)
    keys_at_once(pilot, "n")
    await until(pilot, lambda: isinstance(pilot.app.screen, ProfileFormScreen), "the form")


# (name, the app, what to do once it runs): each screen the wizard has a form on.
SCREENS: list[tuple[str, Callable[[], TotpApp], Callable[[Pilot[Any]], Awaitable[None]]]] = [
    ("sign-in", lambda: SnapshotApp(), steady_cursor),
    ("demo sign-in", lambda: SnapshotApp(settings=DEMO_SETTINGS, demo=DEMO_NOTICE), steady_cursor),
    ("new password", lambda: SnapshotApp(new_password_screen()), steady_cursor),
    ("new password, 2 attributes",
     lambda: SnapshotApp(new_password_screen("family_name", "given_name")), steady_cursor),
    ("enrol", lambda: SnapshotApp(enrol_screen), steady_cursor),
    ("done", lambda: SnapshotApp(done_screen), steady_cursor),
    ("profiles", profiles_app, profiles_listed),
    ("profile form", profiles_app, new_profile_form),
]  # fmt: skip


def covered(app: App[Any]) -> bool:
    notices = app.screen.query(f"#{NOTICE_ID}")
    return bool(notices) and notices.first().display


def everything_shows(screen: Screen[Any]) -> bool:
    """Every widget the screen holds lies wholly between its title bar and its footer, and
    inside each scrolling container it is in: nothing is cut off or scrolled away."""
    width, height = screen.app.size
    docked = [child for child in screen.children if child.styles.is_docked and child.display]
    top = max((w.region.bottom for w in docked if w.styles.dock == "top"), default=0)
    bottom = min((w.region.y for w in docked if w.styles.dock == "bottom"), default=height)
    view = Region(0, top, width, bottom - top)
    for widget in screen.walk_children(Widget):
        path = [widget, *widget.ancestors]
        if widget.id == NOTICE_ID or any(
            node in docked or not getattr(node, "display", True) for node in path
        ):
            continue
        if type(widget).__name__ in ("ToastRack", "Tooltip") or not widget.size:
            continue
        scrolls = [n for n in widget.ancestors if isinstance(n, ScrollableContainer)]
        if not view.contains_region(widget.region) or any(
            not part.scrollable_content_region.contains_region(widget.region) for part in scrolls
        ):
            return False
    return True


async def settled(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.pause()


@pytest.mark.parametrize(
    ("name", "make_app", "get_ready"), SCREENS, ids=[screen[0] for screen in SCREENS]
)
async def test_the_notice_shows_exactly_when_the_screen_cannot(
    name: str,
    make_app: Callable[[], TotpApp],
    get_ready: Callable[[Pilot[Any]], Awaitable[None]],
) -> None:
    # One app per screen, resized through every size (and back), as a person drags the
    # window's corner: cheaper than an app per size, and it checks the way back too.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await get_ready(pilot)
        app.too_small.start()  # the tiny apps above replace the app's own start
        for size in [*SIZES, *reversed(SIZES[:-1])]:
            await pilot.resize_terminal(*size)
            await settled(pilot)
            width, height = size
            designed_for = width >= 80 and height >= 24
            fits = designed_for or (width >= MIN_COLUMNS and everything_shows(app.screen))
            assert covered(app) == (not fits), f"{name} at {width}x{height}"
            if not fits:
                assert shows(app, NOTICE)
                assert shows(app, f"now {width}×{height} — enlarge the window.")
                assert not any(shows(app, label) for label in ("Username", "Password", "Code"))
            else:
                assert not shows(app, "Terminal too small")


async def test_the_size_named_is_enough() -> None:
    """Grown to the size the notice names, the form shows."""
    app = SnapshotApp(settings=DEMO_SETTINGS, demo=DEMO_NOTICE)
    async with app.run_test(size=(79, 15)) as pilot:
        await steady_cursor(pilot)
        await settled(pilot)
        notice = str(app.screen.query_one(f"#{NOTICE_ID}").render())
        needed = notice.split("needs at least ")[1].split(",")[0]
        width, height = (int(n) for n in needed.split("×"))
        assert (width, height) == (79, 22)  # the form, the demo's card and the footer
        await pilot.resize_terminal(width, height)
        await settled(pilot)
        assert not covered(app)
        assert everything_shows(app.screen)
        await pilot.resize_terminal(width, height - 1)
        await settled(pilot)
        assert covered(app)


async def test_what_was_typed_is_kept_and_keys_typed_meanwhile_go_nowhere() -> None:
    app = SnapshotApp(settings=dataclasses.replace(SETTINGS, username=""))
    async with app.run_test(size=(80, 24)) as pilot:
        await steady_cursor(pilot)
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        sign_in: SignInScreen = screen
        burst(pilot, "ann\tpw1")
        await settled(pilot)
        for small in [(20, 8), (40, 10), (79, 15)]:
            await pilot.resize_terminal(*small)
            await settled(pilot)
            assert covered(app)
            # Typed blind: not into the fields, and the Enter sends nothing (a request
            # would fail here, offline, and say so in the status line).
            burst(pilot, "xyz\r")
            await settled(pilot)
            assert app.screen is screen
            assert not sign_in.in_flight and not str(sign_in.status.content)
        await pilot.resize_terminal(80, 24)
        await settled(pilot)
        assert not covered(app)
        assert field(screen, "username").value == "ann"
        assert field(screen, "password").value == "pw1"
        assert focused_id(app) == "password"
        assert shows(app, "Username") and not shows(app, "Terminal too small")
        burst(pilot, "2")  # and the form takes keys again
        await settled(pilot)
        assert field(screen, "password").value == "pw12"


async def test_a_paste_goes_nowhere_while_covered() -> None:
    app = SnapshotApp(settings=dataclasses.replace(SETTINGS, username=""))
    async with app.run_test(size=(20, 8)) as pilot:
        await steady_cursor(pilot)
        await settled(pilot)
        assert covered(app)
        await paste(pilot, "pasted-name")
        await pilot.resize_terminal(80, 24)
        await settled(pilot)
        assert all(not f.value for f in app.screen.query(Input))


async def test_theme_and_quit_keys_work_while_covered() -> None:
    app = SnapshotApp()
    async with app.run_test(size=(20, 8)) as pilot:
        await steady_cursor(pilot)
        await settled(pilot)
        assert covered(app)
        dark = app.current_theme.dark
        keys_at_once(pilot, "ctrl+t")
        await settled(pilot)
        assert app.current_theme.dark != dark
        keys_at_once(pilot, "ctrl+q")
        await settled(pilot)
        assert not app.is_running


async def test_each_screen_is_measured_when_it_comes() -> None:
    """A screen shown after the terminal got small is covered from the start, and one the
    terminal grew for while it was away is not."""
    app = profiles_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await profiles_listed(pilot)
        await pilot.resize_terminal(60, 10)
        await settled(pilot)
        assert covered(app) and not everything_shows(app.screen)
        await pilot.resize_terminal(80, 24)
        await settled(pilot)
        assert not covered(app)
        keys_at_once(pilot, "n")
        await until(pilot, lambda: isinstance(app.screen, ProfileFormScreen), "the form")
        await pilot.resize_terminal(60, 12)
        await settled(pilot)
        assert covered(app)
        keys_at_once(pilot, "ctrl+q")  # not a form key: still works
        await settled(pilot)
        assert not app.is_running


async def covered_now(pilot: Pilot[Any]) -> None:
    await steady_cursor(pilot)
    await until(pilot, lambda: covered(pilot.app), "the too-small notice")


class TestTooSmallSnapshot:
    def test_sign_in_at_20x8(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp()
        assert snap_compare(app, terminal_size=(20, 8), run_before=covered_now)
