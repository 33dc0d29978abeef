"""The Session's countdown and the clock-skew warning on the enrol screen."""

from __future__ import annotations

from email.utils import formatdate
from pathlib import Path

import pytest

import totp_tui.ui.app as app_module
from tests.conftest import PoolUser
from tests.support.ui_driving import PUBLIC_TEST_SECRET
from tests.support.wizard_steps import arrive, field, reach_enrol, shows
from tests.ui.conftest import SIZE
from totp_tui.authenticator.key_uri import build_key_uri
from totp_tui.authenticator.qr import make_matrix
from totp_tui.cognito.flow import EnrolmentFlow
from totp_tui.cognito.service_calls import clock_offset
from totp_tui.config.settings import Settings
from totp_tui.ui.app import TotpApp
from totp_tui.ui.controller import WizardController
from totp_tui.ui.screens.enrol import EnrolScreen
from totp_tui.ui.screens.sign_in import SignInScreen
from totp_tui.ui.widgets.countdown import SessionCountdown, countdown_text, format_remaining


def response_dated(seconds_from_now: float, now: float) -> dict[str, object]:
    date = formatdate(now + seconds_from_now, usegmt=True)
    return {"ResponseMetadata": {"HTTPHeaders": {"date": date}}}


def test_clock_offset_reads_the_date_header() -> None:
    now = 1_800_000_000.0
    assert clock_offset(response_dated(120, now), now) == 120.0  # service ahead of us
    assert clock_offset(response_dated(-45, now), now) == -45.0
    assert clock_offset({"ResponseMetadata": {"HTTPHeaders": {}}}, now) is None
    assert clock_offset({"ResponseMetadata": {"HTTPHeaders": {"date": "garbage"}}}, now) is None


def test_a_real_response_gives_a_small_offset(settings: Settings, user: PoolUser) -> None:
    from totp_tui.cognito.client import make_client

    flow = EnrolmentFlow(settings, make_client(settings))
    flow.sign_in(user.username, user.password)
    assert flow.clock_offset is not None
    assert abs(flow.clock_offset) < 5  # the local Cognito shares this machine's clock


def test_remaining_time_rounds_up() -> None:
    assert format_remaining(179.2) == "3:00"
    assert format_remaining(0.2) == "0:01"
    assert format_remaining(-3) == "0:00"


def test_whole_minutes_until_the_last_one_then_seconds() -> None:
    """The text changes once a minute while there is time (each change is a redraw and
    bytes on a slow link), every second in the last minute."""
    assert countdown_text(179.2) == "Session ends in 3 min"
    assert countdown_text(120.5) == "Session ends in 3 min"  # rounded up, never too hopeful
    assert countdown_text(61) == "Session ends in 2 min"
    assert countdown_text(60) == "Session ends in 1:00"
    assert countdown_text(45) == "Session ends in 0:45"
    assert countdown_text(30) == "Only 0:30 left: type the code now"
    # From 2:59 down to 1:01: two texts, so two redraws in two minutes.
    assert len({countdown_text(179 - tick) for tick in range(119)}) == 2


class EnrolOnly(TotpApp):
    """The enrol screen alone, with a given Session length and clock offset."""

    # Textual finds a relative CSS_PATH beside the subclass's module: name the app's own.
    CSS_PATH = str(Path(app_module.__file__).parent / "app.tcss")

    def __init__(self, settings: Settings, session_seconds: float, offset: float | None) -> None:
        super().__init__(settings)
        self._seconds, self._offset = session_seconds, offset

    def on_mount(self) -> None:
        # Textual also runs TotpApp's on_mount (it pushes the sign-in): go on top of it.
        self.call_after_refresh(self._show_enrol)

    def _show_enrol(self) -> None:
        uri = build_key_uri("AWSCognito", "jane", PUBLIC_TEST_SECRET)
        self.push_screen(
            EnrolScreen(
                "jane",
                "AWSCognito",
                PUBLIC_TEST_SECRET,
                make_matrix(uri),
                session_seconds=self._seconds,
                clock_offset=self._offset,
            )
        )


async def test_a_clock_off_by_more_than_30_seconds_is_named(settings: Settings) -> None:
    async with EnrolOnly(settings, 180, 120.0).run_test(size=SIZE) as pilot:
        await arrive(pilot, EnrolScreen)
        assert shows(pilot.app, "This computer's clock is 120 s behind Cognito's")
    async with EnrolOnly(settings, 180, -95.0).run_test(size=SIZE) as pilot:
        await arrive(pilot, EnrolScreen)
        assert shows(pilot.app, "This computer's clock is 95 s ahead of Cognito's")


async def test_a_clock_within_30_seconds_says_nothing(settings: Settings) -> None:
    async with EnrolOnly(settings, 180, 12.0).run_test(size=SIZE) as pilot:
        await arrive(pilot, EnrolScreen)
        assert not shows(pilot.app, "This computer's clock")


async def test_the_last_30_seconds_are_a_warning(settings: Settings) -> None:
    # 3.5 s above the warning: a loaded host (the suite's CPU burners in the other worker)
    # took more than 1.5 s to show the screen, which then opened warning already.
    async with EnrolOnly(settings, 33.5, None).run_test(size=SIZE) as pilot:
        await arrive(pilot, EnrolScreen)
        countdown = pilot.app.screen.query_one(SessionCountdown)
        assert not countdown.has_class("-warn")
        await pilot.pause(4.2)  # ticks once a second
        assert countdown.has_class("-warn")
        assert shows(pilot.app, "type the code now")


async def test_an_expired_session_goes_back_to_sign_in_with_the_name_kept(
    settings: Settings, user: PoolUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two seconds, not the shortest setting's three minutes: the countdown's own expiry.
    monkeypatch.setattr(WizardController, "session_seconds", property(lambda self: 2.0))
    app = TotpApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        await reach_enrol(pilot, user)
        screen = await arrive(pilot, SignInScreen)  # arrives when the countdown runs out
        assert field(screen, "username").value == user.username
        assert shows(app, "The sign-in session expired")
        assert shows(app, "Sign in again")
        assert not shows(app, "Set up your authenticator")
