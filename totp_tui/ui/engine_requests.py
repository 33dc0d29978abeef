"""The engine's requests, as run in a worker thread: each calls the engine and returns a
`Reply`, changing nothing of the app. The controller takes what a reply started (a flow, a
token enrolment, the account a token names) on the UI thread, or drops the reply and
forgets everything it holds when the person has left (ui/request_runner.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from totp_tui.authenticator.qr import QrMatrix
    from totp_tui.cognito.errors import CognitoError
    from totp_tui.cognito.flow import EnrolmentFlow
    from totp_tui.cognito.steps import Step
    from totp_tui.config.settings import Settings
    from totp_tui.ui.attempt import Holder
    from totp_tui.ui.sdk_client import SdkClient

log = logging.getLogger("totp_tui")

CLOCK_HINT = " If good codes keep failing, the phone's clock may be off: set it to automatic time."


@dataclass(frozen=True)
class Reply:
    """What an engine request came back with."""

    answer: Step | CognitoError
    qr: QrMatrix | None = None  # for a TOTP secret: its QR code, built in the worker
    clock_offset: float | None = None
    # Started by this request: the attempt's if the person still waits for it.
    flow: EnrolmentFlow | None = field(default=None, repr=False)
    enrolment: Holder | None = field(default=None, repr=False)
    account: str | None = None
    # What the request used: forgotten with it when it is dropped.
    used: tuple[Holder, ...] = field(default=(), repr=False)

    def forget(self) -> None:
        """Nobody waits for this reply any more: forget all it started and used."""
        self.forget_started()
        for held in self.used:
            held.forget()

    def forget_started(self) -> None:
        """The request failed: what it started (a flow whose sign-in failed) is of no use."""
        for held in (self.flow, self.enrolment):
            if held is not None:
                held.forget()


def ask(
    step: Callable[[], Step],
    *,
    issuer: str,
    account: str,
    clock: Holder | None = None,
    flow: EnrolmentFlow | None = None,
    enrolment: Holder | None = None,
    new_account: str | None = None,
    used: tuple[Holder, ...] = (),
) -> Reply:
    """Run one engine step; its answer (or error) as a Reply, with a QR code for a secret."""
    from totp_tui.cognito.errors import CognitoError, Recovery
    from totp_tui.cognito.steps import TotpSecretIssued

    answer: Step | CognitoError
    qr = None
    try:
        answer = step()
        if isinstance(answer, TotpSecretIssued):
            qr = qr_for(issuer, new_account or account, answer.secret)
    except CognitoError as error:
        answer = error
    except Exception as error:  # a bug: say so plainly, never a traceback
        log.error("unexpected %s in a request", type(error).__name__)
        answer = CognitoError(
            type(error).__name__,
            f"Something unexpected went wrong ({type(error).__name__}). Try again; run "
            "with --debug --log-file to see more.",
            Recovery.STOP,
        )
    holder = clock or enrolment or flow
    return Reply(
        answer,
        qr=qr,
        clock_offset=holder.clock_offset if holder is not None else None,
        flow=flow,
        enrolment=enrolment,
        account=new_account,
        used=used,
    )


def qr_for(issuer: str, account: str, secret: str) -> QrMatrix:
    # Built in the worker: importing qrcode and encoding take a few ms.
    from totp_tui.authenticator.key_uri import build_key_uri
    from totp_tui.authenticator.qr import make_matrix

    return make_matrix(build_key_uri(issuer, account.replace(":", "_"), secret))


def sign_in(settings: Settings, client: SdkClient, username: str, password: str) -> Reply:
    return _new_flow(settings, client, username, lambda flow: flow.sign_in(username, password))


def continue_session(settings: Settings, client: SdkClient, username: str, session: str) -> Reply:
    """--session with --username: an MFA_SETUP challenge obtained elsewhere."""
    return _new_flow(
        settings, client, username, lambda flow: flow.continue_session(username, session)
    )


def _new_flow(
    settings: Settings, client: SdkClient, account: str, step: Callable[[EnrolmentFlow], Step]
) -> Reply:
    """A sign-in of its own: the attempt's flow, with its Session, if the answer is taken."""
    from totp_tui.cognito.flow import EnrolmentFlow

    flow = EnrolmentFlow(settings, client.get(settings))
    return ask(
        lambda: step(flow), issuer=settings.issuer, account=account, flow=flow, enrolment=flow
    )


def use_access_token(settings: Settings, client: SdkClient, access_token: str) -> Reply:
    """GetUser names the user (the QR's label); then AssociateSoftwareToken."""
    from totp_tui.cognito.errors import CognitoError
    from totp_tui.cognito.service_calls import ServiceCalls
    from totp_tui.cognito.token_enrolment import TokenEnrolment

    try:
        enrolment = TokenEnrolment.from_access_token(
            ServiceCalls(client.get(settings)), access_token
        )
    except CognitoError as error:
        return Reply(error)
    return ask(
        enrolment.start,
        issuer=settings.issuer,
        account=enrolment.username,
        enrolment=enrolment,
        new_account=enrolment.username,
    )


def enrol_signed_in(
    settings: Settings, flow: EnrolmentFlow, account: str, keep_other: bool = True
) -> Reply:
    """A new authenticator with the signed-in user's access token (opt in, replace, or move
    from SMS or email codes, which `keep_other` leaves on as a second option)."""
    from totp_tui.cognito.errors import CognitoError

    try:
        enrolment = flow.token_enrolment(keep_other)
    except CognitoError as error:
        return Reply(error, used=(flow,))
    return ask(
        enrolment.start, issuer=settings.issuer, account=account, enrolment=enrolment, used=(flow,)
    )


def test_sign_in(
    settings: Settings, client: SdkClient, username: str, password: str, code: str
) -> Reply:
    """A fresh sign-in that must meet SOFTWARE_TOKEN_MFA, answered with the new app's code.
    Whatever it gives, its Session and tokens are forgotten before it returns."""
    from totp_tui.cognito.errors import CognitoError
    from totp_tui.cognito.flow import EnrolmentFlow
    from totp_tui.cognito.steps import CodeRequired, SignedInWithoutSetup

    flow = EnrolmentFlow(settings, client.get(settings))

    def step() -> Step:
        try:
            first = flow.sign_in(username, password)
            if not isinstance(first, CodeRequired):
                # No code asked (tokens; MFA_SETUP after an MFA reset; a new password): the
                # test failed. Never a step to go on with: an enrol screen from here would
                # have no sign-in behind it.
                return SignedInWithoutSetup(username)
            return flow.answer_code(code)
        except CognitoError as error:
            if error.code in ("CodeMismatchException", "ExpiredCodeException"):
                raise CognitoError(error.code, error.message + CLOCK_HINT, error.recovery) from None
            raise
        finally:
            flow.forget()

    return ask(step, issuer=settings.issuer, account=username)


# Password reset and sign-up confirmation (cognito/account_recovery.py) -----------------------


def send_reset_code(settings: Settings, client: SdkClient, username: str) -> Reply:
    from totp_tui.cognito.account_recovery import AccountRecovery

    recovery = AccountRecovery(settings, client.get(settings))
    return ask(lambda: recovery.send_reset_code(username), issuer=settings.issuer, account=username)


def reset_password(
    settings: Settings, client: SdkClient, username: str, code: str, new_password: str
) -> Reply:
    """ConfirmForgotPassword, then straight on into a sign-in with the new password: the
    person typed it a moment ago and should not have to type it again."""
    from totp_tui.cognito.account_recovery import AccountRecovery

    recovery = AccountRecovery(settings, client.get(settings))

    def step(flow: EnrolmentFlow) -> Step:
        recovery.reset_password(username, code, new_password)
        return flow.sign_in(username, new_password)

    return _new_flow(settings, client, username, step)


def send_sign_up_code(settings: Settings, client: SdkClient, username: str) -> Reply:
    from totp_tui.cognito.account_recovery import AccountRecovery

    recovery = AccountRecovery(settings, client.get(settings))
    return ask(
        lambda: recovery.resend_sign_up_code(username), issuer=settings.issuer, account=username
    )


def confirm_sign_up(settings: Settings, client: SdkClient, username: str, code: str) -> Reply:
    from totp_tui.cognito.account_recovery import AccountRecovery

    recovery = AccountRecovery(settings, client.get(settings))
    return ask(
        lambda: recovery.confirm_sign_up(username, code), issuer=settings.issuer, account=username
    )
