"""What the screens of other factors and of the ways back to a sign-in look like at 80x24:
the code by SMS or email, the choice between them, the move to an authenticator app, the
done screen after a move, the password reset, the sign-up confirmation, and the sign-in's
Forgot password and "confirmed" message.

Each screen is built from an engine answer as the app builds it (tests/support/
snapshot_apps.py); nothing goes to the network. Update with `pytest
tests/ui/test_account_snapshots.py --snapshot-update`, then look at every changed SVG before
accepting it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from tests.support.snapshot_apps import (
    ACCOUNT,
    MASKED_EMAIL,
    MASKED_PHONE,
    SnapshotApp,
    confirm_sign_up_screen,
    factor_choice_screen,
    move_offer_screen,
    moved_done_screen,
    other_code_screen,
    password_reset_screen,
    plan_for,
    steady_cursor,
)
from totp_tui.cognito.steps import CodeSent, SignUpConfirmed
from totp_tui.ui.app import TotpApp
from totp_tui.ui.next_screen import ShowNotice, SignInAgain
from totp_tui.ui.screens.base import WizardScreen

SIZE = (80, 24)
SnapCompare = Callable[..., bool]


def then_press(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """run_before: the cursor steadied, then these keys."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await steady_cursor(pilot)
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


async def reset_code_sent(pilot: Pilot[Any]) -> None:
    """The reset screen after Ctrl+R: the notice the app shows for Cognito's answer."""
    await steady_cursor(pilot)
    plan = plan_for(CodeSent(MASKED_EMAIL, "EMAIL"))
    assert isinstance(plan, ShowNotice)
    screen = pilot.app.screen
    assert isinstance(screen, WizardScreen)
    screen.status.show(plan.message, "ok")
    await pilot.pause()


async def forgot_password_without_username(pilot: Pilot[Any]) -> None:
    await steady_cursor(pilot)
    pilot.app.screen.query_one("#username", Input).value = ""
    await pilot.press("ctrl+r")
    await pilot.pause()


async def sign_up_confirmed(pilot: Pilot[Any]) -> None:
    """Back on the sign-in after ConfirmSignUp, with the app's own message."""
    await steady_cursor(pilot)
    plan = plan_for(SignUpConfirmed(ACCOUNT))
    assert isinstance(plan, SignInAgain) and plan.ok
    app = pilot.app
    assert isinstance(app, TotpApp)
    app.wizard.restart(plan.message, plan.ok)
    await steady_cursor(pilot)


class TestOtherCodeScreen:
    def test_code_by_sms(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp(other_code_screen("SMS_MFA", MASKED_PHONE))
        assert snap_compare(app, terminal_size=SIZE, run_before=steady_cursor)

    def test_code_by_email(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp(other_code_screen("EMAIL_OTP", MASKED_EMAIL))
        assert snap_compare(app, terminal_size=SIZE, run_before=steady_cursor)

    def test_code_of_the_wrong_length(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp(other_code_screen("SMS_MFA", MASKED_PHONE))
        run_before = then_press("1", "2", "3", "enter")
        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


class TestFactorChoiceScreen:
    def test_sms_or_email(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp(factor_choice_screen)
        assert snap_compare(app, terminal_size=SIZE, run_before=steady_cursor)


class TestMoveOfferScreen:
    def test_move_from_sms(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp(move_offer_screen)
        assert snap_compare(app, terminal_size=SIZE, run_before=steady_cursor)

    def test_turn_off_highlighted(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp(move_offer_screen)
        assert snap_compare(app, terminal_size=SIZE, run_before=then_press("down"))


class TestDoneAfterAMove:
    def test_sms_kept(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp(moved_done_screen(kept=True))
        assert snap_compare(app, terminal_size=SIZE)

    def test_sms_turned_off(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp(moved_done_screen(kept=False))
        assert snap_compare(app, terminal_size=SIZE)


class TestPasswordResetScreen:
    def test_after_an_administrators_reset(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp(password_reset_screen)
        assert snap_compare(app, terminal_size=SIZE, run_before=steady_cursor)

    def test_code_sent(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp(password_reset_screen)
        assert snap_compare(app, terminal_size=SIZE, run_before=reset_code_sent)

    def test_passwords_differ(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp(password_reset_screen)
        keys = ("1", "2", "3", "4", "5", "6", "tab", "a", "b", "tab", "c", "enter")
        assert snap_compare(app, terminal_size=SIZE, run_before=then_press(*keys))


class TestConfirmSignUpScreen:
    def test_not_confirmed_yet(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp(confirm_sign_up_screen)
        assert snap_compare(app, terminal_size=SIZE, run_before=steady_cursor)


class TestSignInWaysBack:
    """The sign-in's footer names Forgot password (Ctrl+R)."""

    def test_forgot_password_needs_the_username(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp()
        run_before = forgot_password_without_username
        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)

    def test_sign_up_confirmed(self, snap_compare: SnapCompare) -> None:
        app = SnapshotApp()
        assert snap_compare(app, terminal_size=SIZE, run_before=sign_up_confirmed)
