"""The Textual screen each plan of ui/next_screen.py names, with what the reply brought
(the QR code built in the worker, the service's clock)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen

    from totp_tui.ui.engine_requests import Reply
    from totp_tui.ui.next_screen import Plan
    from totp_tui.ui.screens.base import WizardScreen


def screen_for(plan: Plan, reply: Reply, accept: Callable[[WizardScreen], None]) -> Screen[None]:
    """The screen `plan` names; `accept` is what an offer's Enter does."""
    from totp_tui.authenticator.qr import QrMatrix
    from totp_tui.ui import next_screen as n
    from totp_tui.ui.screens.code_required import CodeRequiredScreen
    from totp_tui.ui.screens.done import StopScreen
    from totp_tui.ui.screens.enrol import EnrolScreen
    from totp_tui.ui.screens.new_password import NewPasswordScreen
    from totp_tui.ui.screens.offer import OfferScreen

    if isinstance(plan, n.ShowEnrol):
        return EnrolScreen(
            plan.account,
            plan.issuer,
            plan.secret,
            reply.qr or QrMatrix(()),
            session_seconds=plan.session_seconds,
            clock_offset=reply.clock_offset,
            also_offered=plan.also_offered,
        )
    if isinstance(plan, n.ShowNewPassword):
        return NewPasswordScreen(plan.account, plan.required_attributes)
    if isinstance(plan, n.ShowOffer):
        return OfferScreen(plan.title, plan.message, plan.accept_label, accept)
    if isinstance(plan, n.ShowCodeRequired):
        return CodeRequiredScreen(plan.account)
    if isinstance(plan, n.ShowStop):
        return StopScreen(plan.title, plan.message)
    return _account_screen(plan)


def _account_screen(plan: Plan) -> Screen[None]:
    """The screens of other factors and of the ways back to a sign-in."""
    from totp_tui.ui import next_screen as n

    if isinstance(plan, n.ShowOtherCode):
        from totp_tui.ui.screens.other_code import OtherCodeScreen

        return OtherCodeScreen(plan.account, plan.factor, plan.destination)
    if isinstance(plan, n.ShowFactorChoice):
        from totp_tui.ui.screens.factor_choice import FactorChoiceScreen

        return FactorChoiceScreen(plan.account, plan.choices)
    if isinstance(plan, n.ShowMoveOffer):
        from totp_tui.ui.screens.move_offer import MoveOfferScreen

        return MoveOfferScreen(plan.account, plan.factor)
    if isinstance(plan, n.ShowPasswordReset):
        from totp_tui.ui.screens.password_reset import PasswordResetScreen

        return PasswordResetScreen(plan.account, plan.message)
    if isinstance(plan, n.ShowConfirmSignUp):
        from totp_tui.ui.screens.confirm_sign_up import ConfirmSignUpScreen

        return ConfirmSignUpScreen(plan.account, plan.message)
    raise TypeError(f"no screen built for {type(plan).__name__}")
