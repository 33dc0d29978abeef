"""Where each engine answer leads, without Textual: ui/next_screen.py is a pure function."""

from __future__ import annotations

import subprocess
import sys

import pytest

from totp_tui.cognito.errors import SESSION_EXPIRED, CognitoError, Recovery
from totp_tui.cognito.steps import (
    AlreadyEnrolled,
    ChallengeNotHandled,
    CodeRequired,
    CodeSent,
    Enrolled,
    FactorChoice,
    NewPasswordRequired,
    OtherCodeRequired,
    SignedInWithCode,
    SignedInWithoutSetup,
    SignUpConfirmed,
    TotpSecretIssued,
)
from totp_tui.ui.next_screen import (
    NOT_ASKED_FOR_A_CODE,
    NewAppWorks,
    ShowCodeRequired,
    ShowConfirmSignUp,
    ShowEnrol,
    ShowEnrolled,
    ShowError,
    ShowFactorChoice,
    ShowMoveOffer,
    ShowNewPassword,
    ShowNotice,
    ShowOffer,
    ShowOtherCode,
    ShowPasswordReset,
    ShowStop,
    SignInAgain,
    Situation,
    ends_the_attempt,
    next_screen,
)

JANE = Situation(account="jane@example.com", issuer="Example", session_seconds=600.0)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # a public example, not a real key


def test_a_secret_shows_the_enrol_screen_with_the_sessions_countdown() -> None:
    plan = next_screen(TotpSecretIssued("internal-id", SECRET, ("SMS_MFA",)), JANE)
    assert plan == ShowEnrol(
        "jane@example.com", "Example", SECRET, session_seconds=600.0, also_offered=("SMS_MFA",)
    )
    assert SECRET not in repr(plan)


def test_a_secret_for_an_access_token_has_no_countdown() -> None:
    token = Situation(account="jane", issuer="Example", token_mode=True)
    plan = next_screen(TotpSecretIssued("jane", SECRET), token)
    assert isinstance(plan, ShowEnrol)
    assert plan.session_seconds is None


def test_the_label_is_the_name_typed_not_cognitos_internal_name() -> None:
    plan = next_screen(NewPasswordRequired("7f3c-internal", ("family_name",)), JANE)
    assert plan == ShowNewPassword("jane@example.com", ("family_name",))


@pytest.mark.parametrize(("kiosk", "token_mode"), [(False, False), (True, False), (True, True)])
def test_enrolled_is_audited_in_kiosk_mode_only(kiosk: bool, token_mode: bool) -> None:
    situation = Situation(account="jane", issuer="Example", kiosk=kiosk, token_mode=token_mode)
    plan = next_screen(Enrolled("jane"), situation)
    assert plan == ShowEnrolled("jane", audit=kiosk, replaced=token_mode)
    assert ends_the_attempt(plan)


def test_signed_in_without_mfa_offers_to_set_up_an_app() -> None:
    plan = next_screen(SignedInWithoutSetup("jane"), JANE)
    assert isinstance(plan, ShowOffer)
    assert plan.title == "Signed in without MFA"
    assert "jane@example.com" in plan.message
    assert not ends_the_attempt(plan)


def test_an_enrolled_account_asks_for_the_current_code_then_offers_a_replacement() -> None:
    assert next_screen(CodeRequired("jane"), JANE) == ShowCodeRequired("jane@example.com")
    plan = next_screen(AlreadyEnrolled("jane"), JANE)
    assert isinstance(plan, ShowOffer)
    assert plan.title == "Already enrolled"
    assert "replace" in plan.accept_label


def test_a_challenge_not_handled_stops_with_its_reason() -> None:
    plan = next_screen(ChallengeNotHandled("jane", "CUSTOM_CHALLENGE", "Not here."), JANE)
    assert plan == ShowStop("Not handled here", "Not here.")
    assert ends_the_attempt(plan)


@pytest.mark.parametrize(
    "recovery",
    [Recovery.RETRY_INPUT, Recovery.RETRY_LATER, Recovery.FIX_SETTINGS, Recovery.STOP],
)
def test_errors_stay_on_the_screen_with_their_message(recovery: Recovery) -> None:
    plan = next_screen(CognitoError("Code", "Say what to do.", recovery), JANE)
    assert plan == ShowError("Say what to do.")
    assert not ends_the_attempt(plan)


def test_a_session_gone_goes_back_to_sign_in_and_ends_the_attempt() -> None:
    error = CognitoError("NotAuthorizedException", "Sign in again.", Recovery.SIGN_IN_AGAIN)
    plan = next_screen(error, JANE)
    assert plan == SignInAgain("Sign in again.")
    assert ends_the_attempt(plan)


def test_an_sms_or_email_code_is_asked_for_with_where_it_went() -> None:
    sms = next_screen(OtherCodeRequired("7f3c-internal", "SMS_MFA", "+*******0123"), JANE)
    assert sms == ShowOtherCode("jane@example.com", "SMS", "+*******0123")
    email = next_screen(OtherCodeRequired("7f3c-internal", "EMAIL_OTP"), JANE)
    assert email == ShowOtherCode("jane@example.com", "email", "")
    assert not ends_the_attempt(sms)  # the Session is needed to answer the code


def test_a_choice_of_factors_without_the_app_lets_the_person_pick() -> None:
    plan = next_screen(FactorChoice("id", ("SMS_MFA", "EMAIL_OTP")), JANE)
    assert plan == ShowFactorChoice("jane@example.com", ("SMS_MFA", "EMAIL_OTP"))


def test_signed_in_with_a_code_offers_the_move_to_the_app() -> None:
    plan = next_screen(SignedInWithCode("id", "SMS_OTP"), JANE)
    assert plan == ShowMoveOffer("jane@example.com", "SMS")
    assert not ends_the_attempt(plan)  # its access token sets up the app


@pytest.mark.parametrize("kept", [True, False])
def test_a_move_is_not_called_a_replacement_and_says_what_stays(kept: bool) -> None:
    token = Situation(account="jane", issuer="Example", token_mode=True)
    plan = next_screen(Enrolled("id", moved_from="SMS", kept=kept), token)
    assert plan == ShowEnrolled("jane", audit=False, replaced=False, moved_from="SMS", kept=kept)


def test_a_code_sent_is_said_on_the_same_screen() -> None:
    plan = next_screen(CodeSent("j***@e***", "EMAIL"), JANE)
    assert plan == ShowNotice("Cognito sent a code by email to j***@e***. Type it here.")
    assert next_screen(CodeSent("", ""), JANE) == ShowNotice("Cognito sent a code. Type it here.")


def test_a_confirmed_sign_up_goes_back_to_sign_in_with_good_news() -> None:
    plan = next_screen(SignUpConfirmed("jane@example.com"), JANE)
    assert isinstance(plan, SignInAgain)
    assert plan.ok
    assert "confirmed" in plan.message


def test_a_password_reset_or_an_unconfirmed_sign_up_lead_to_their_screens() -> None:
    reset = CognitoError("PasswordResetRequiredException", "Reset it.", Recovery.RESET_PASSWORD)
    assert next_screen(reset, JANE) == ShowPasswordReset("jane@example.com", "Reset it.")
    confirm = CognitoError("UserNotConfirmedException", "Confirm.", Recovery.CONFIRM_SIGN_UP)
    assert next_screen(confirm, JANE) == ShowConfirmSignUp("jane@example.com", "Confirm.")


@pytest.mark.parametrize(("left", "shorter"), [(400.0, True), (5.0, False), (None, False)])
def test_a_session_refused_long_before_the_countdown_ends_says_the_pools_is_shorter(
    left: float | None, shorter: bool
) -> None:
    expired = CognitoError(
        "NotAuthorizedException", "The session expired.", Recovery.SIGN_IN_AGAIN, SESSION_EXPIRED
    )
    situation = Situation(
        account="jane", issuer="Example", session_seconds=600.0, session_left=left
    )
    plan = next_screen(expired, situation)
    assert isinstance(plan, SignInAgain)
    assert ("shorter than the 10 minutes set" in plan.message) is shorter
    assert ("--session-minutes" in plan.message) is shorter


def test_the_test_sign_in_passes_only_when_the_new_app_was_asked_for() -> None:
    testing = Situation(account="jane", issuer="Example", testing=True)
    assert next_screen(AlreadyEnrolled("jane"), testing) == NewAppWorks()
    # Tokens without a code, or MFA_SETUP again: the app is not in use yet.
    assert next_screen(SignedInWithoutSetup("jane"), testing) == ShowError(NOT_ASKED_FOR_A_CODE)
    wrong = CognitoError("CodeMismatchException", "Wrong code.", Recovery.RETRY_INPUT)
    assert next_screen(wrong, testing) == ShowError("Wrong code.")


def test_the_mapping_loads_no_textual() -> None:
    """Tested without an app because it needs none: importing it must not load Textual."""
    script = (
        "import sys, totp_tui.ui.next_screen; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"
