"""The app's steps for users who are, or can be, signed in: the code of an enrolled user,
replacing an authenticator or opting in with the access token, an access token or Session
from elsewhere, and the test sign-in after enrolment."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import App

from totp_tui.settings import Settings
from totp_tui.ui.screens.base import WizardScreen

if TYPE_CHECKING:
    from totp_tui.cognito.flow import EnrolmentFlow, Step
    from totp_tui.cognito.token_enrolment import TokenEnrolment

CLOCK_HINT = " If good codes keep failing, the phone's clock may be off: set it to automatic time."


class SignedInSteps(App[None]):
    """Mixed into TotpApp."""

    _flow: EnrolmentFlow | None
    _enrolment: EnrolmentFlow | TokenEnrolment | None
    _account: str

    if TYPE_CHECKING:  # provided by TotpApp; declared for the type checker only, so that
        # nothing here can shadow the real methods whatever the order of TotpApp's bases.

        def _run(
            self,
            screen: WizardScreen,
            busy_text: str,
            call: Callable[[], Step],
            answered: Callable[[Step], None] | None = None,
        ) -> None: ...

        def _get_client(self) -> Any: ...

        def _require_settings(self) -> Settings: ...

        def _require_flow(self) -> EnrolmentFlow: ...

        def _replace(self, screen: Any) -> None: ...

    # Enrolled users ------------------------------------------------------------------------

    def answer_code(self, screen: WizardScreen, code: str) -> None:
        flow = self._require_flow()
        self._run(screen, "Checking the code…", lambda: flow.answer_code(code))

    def enrol_signed_in(self, screen: WizardScreen) -> None:
        """Set up a new authenticator with the signed-in user's access token (opt in, or
        replace the old one)."""
        flow = self._require_flow()

        def call() -> Step:
            enrolment = flow.token_enrolment()
            self._enrolment = enrolment
            return enrolment.start()

        self._run(screen, "Getting a new key…", call)

    # From elsewhere ------------------------------------------------------------------------

    def ask_access_token(self) -> None:
        from totp_tui.ui.screens.access_token import AccessTokenScreen

        self._replace(AccessTokenScreen())

    def use_access_token(self, screen: WizardScreen, access_token: str) -> None:
        def call() -> Step:
            from totp_tui.cognito.service_calls import ServiceCalls
            from totp_tui.cognito.token_enrolment import TokenEnrolment

            enrolment = TokenEnrolment.from_access_token(
                ServiceCalls(self._get_client()), access_token
            )
            self._enrolment = enrolment
            self._account = enrolment.username
            return enrolment.start()

        self._run(screen, "Checking the access token…", call)

    def continue_session(self, screen: WizardScreen, username: str, session: str) -> None:
        """--session with --username: an MFA_SETUP challenge obtained elsewhere."""
        self._account = username

        def call() -> Step:
            from totp_tui.cognito.flow import EnrolmentFlow

            flow = EnrolmentFlow(self._require_settings(), self._get_client())
            self._flow = self._enrolment = flow
            return flow.continue_session(username, session)

        self._run(screen, "Continuing the sign-in…", call)

    # Proving it works ----------------------------------------------------------------------

    def start_test_sign_in(self) -> None:
        from totp_tui.ui.screens.test_sign_in import TestSignInScreen

        self._replace(TestSignInScreen(self._account))

    def test_sign_in(self, screen: WizardScreen, username: str, password: str, code: str) -> None:
        """A fresh sign-in that must meet SOFTWARE_TOKEN_MFA, answered with the new app's code."""
        from totp_tui.cognito.errors import CognitoError
        from totp_tui.cognito.steps import AlreadyEnrolled, CodeRequired, SignedInWithoutSetup
        from totp_tui.ui.screens.test_sign_in import TestSignInScreen

        def call() -> Step:
            from totp_tui.cognito.flow import EnrolmentFlow

            flow = EnrolmentFlow(self._require_settings(), self._get_client())
            step = flow.sign_in(username, password)
            if not isinstance(step, CodeRequired):
                # No code asked (tokens; MFA_SETUP after an MFA reset; a new password): the
                # test failed, and `answered` says so. Never a step to go on with: an enrol
                # screen from here would have no sign-in behind it.
                flow.forget()
                return SignedInWithoutSetup(step.username)
            try:
                return flow.answer_code(code)
            except CognitoError as error:
                if error.code in ("CodeMismatchException", "ExpiredCodeException"):
                    raise CognitoError(
                        error.code, error.message + CLOCK_HINT, error.recovery
                    ) from None
                raise
            finally:
                flow.forget()

        def answered(step: Step) -> None:
            if isinstance(step, AlreadyEnrolled) and isinstance(screen, TestSignInScreen):
                screen.passed()
            else:
                screen.show_error(
                    "Cognito did not ask for a code from the app: the app is not in use for "
                    "this account yet."
                )

        self._run(screen, "Signing in again…", call, answered)
