"""The wizard's one owner: the current attempt (who, their Session or access token), the
settings and the SDK client; the requests screens send, and the screen each answer leads to.

Everything here runs on the UI thread. Requests run their blocking call in a worker
(ui/attempt.py's functions, which only return values); the answer comes back through
ui/request_runner.py, which drops it, forgetting its secrets, if the person has left the
screen that asked (Back, Escape, a kiosk wipe, a timeout).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from totp_tui.config.settings import RequestedSettings, Settings
from totp_tui.ui.attempt import Attempt
from totp_tui.ui.screens.base import WizardScreen
from totp_tui.ui.screens.sign_in import SignInScreen
from totp_tui.ui.sdk_client import SdkClient

# The engine, the other screens and the profile store load when first used: start-up is
# measured, and the first screen needs none of them.
if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

    from totp_tui.profiles import ProfileStore
    from totp_tui.ui.engine_requests import Reply
    from totp_tui.ui.next_screen import Plan, ShowEnrolled
    from totp_tui.ui.profile_requests import ProfileRequests
    from totp_tui.ui.recovery_requests import RecoveryRequests
    from totp_tui.ui.request_runner import RequestRunner
    from totp_tui.ui.start_options import DemoNotice, StartWith

log = logging.getLogger("totp_tui")

ClientFactory = Callable[[Settings], Any]


class WizardController:
    """What screens talk to (their `wizard`, typed by screens/base.py's Wizard)."""

    def __init__(
        self,
        app: App[Any],
        settings: Settings | None,
        client_factory: ClientFactory,
        *,
        demo: DemoNotice | None = None,
        requested: RequestedSettings | None = None,
        env: Mapping[str, str] | None = None,
        store_factory: Callable[[], ProfileStore] | None = None,
        kiosk: bool = False,
    ) -> None:
        self._app = app
        self.settings = settings
        self._client = SdkClient(client_factory)
        self._demo = demo
        self._requested = requested or RequestedSettings()
        self._env = dict(env or {})
        self._store_factory = store_factory
        self._kiosk = kiosk
        self._runner: RequestRunner | None = None
        self.attempt = Attempt()
        self._profiles: ProfileRequests | None = None
        self._recovery: RecoveryRequests | None = None
        # Audit and the kiosk's next person (ui/kiosk.py sets these in kiosk mode).
        self.audit_enrolment: Callable[[str, str, bool], None] | None = None
        self.finished: Callable[[], None] = lambda: None
        # Escape back to the sign-in: in kiosk mode, the next person (their name goes too).
        self.cancelled: Callable[[], None] | None = None
        self._enrolled_again: Callable[[], Screen[None]] | None = None  # after a test sign-in

    @property
    def runner(self) -> RequestRunner:
        """Made for the first request, which comes after the first paint (the warm-up)."""
        if self._runner is None:
            from totp_tui.ui.request_runner import RequestRunner

            self._runner = RequestRunner(self._app)
        return self._runner

    @property
    def profiles(self) -> ProfileRequests:
        if self._profiles is None:
            from totp_tui.ui.profile_requests import ProfileRequests

            self._profiles = ProfileRequests(
                self._app,
                self.runner,
                self._requested,
                self._env,
                self._store_factory,
                self.start_sign_in,
            )
        return self._profiles

    @property
    def recovery(self) -> RecoveryRequests:
        """Password reset and sign-up confirmation."""
        if self._recovery is None:
            from totp_tui.ui.recovery_requests import RecoveryRequests

            self._recovery = RecoveryRequests(
                self._ask, self.require_settings, self._client, self.attempt, self._replace
            )
        return self._recovery

    @property
    def kiosk(self) -> bool:
        """Helpdesk kiosk mode: one person after another (ui/kiosk.py)."""
        return self._kiosk

    @property
    def session_seconds(self) -> float:
        """How long Cognito's Session lasts: the app client's AuthSessionValidity (3-15
        minutes), which the user APIs cannot read: the person sets it."""
        return self.require_settings().session_minutes * 60.0

    def require_settings(self) -> Settings:
        if self.settings is None:  # screens that need settings come after they are chosen
            raise RuntimeError("no user pool chosen")
        return self.settings

    # Start --------------------------------------------------------------------------------

    def sign_in_screen(self, username: str, message: str = "", ok: bool = False) -> SignInScreen:
        s = self.require_settings()
        # The region is the pool id's prefix (validated), so it is not repeated.
        pool = f"Pool {s.user_pool_id}\nClient {s.client_id}"
        if s.endpoint_url:
            pool += f"\nEndpoint {s.endpoint_url}"
        return SignInScreen(pool, username=username, message=message, ok=ok, demo=self._demo)

    def warm_up(self) -> None:
        """Load what the next steps need while the person types (ui/warm_up.py)."""
        from totp_tui.ui import warm_up

        settings = self.require_settings()
        warm_up.start(self._app, self.runner, lambda: self._client.get(settings))
        if settings.save:
            self.profiles.check_keyring_once()

    def start_sign_in(self, settings: Settings, username: str = "") -> None:
        """A profile (or the form) chose the pool: sign in to it."""
        self.settings = settings
        self.warm_up()
        self._replace(self.sign_in_screen(username))

    def start_elsewhere(self, screen: WizardScreen, start: StartWith) -> None:
        """--access-token or --session: the sign-in form is skipped."""
        if start.access_token:
            self.use_access_token(screen, start.access_token)
        elif start.session:
            self.continue_session(screen, start.username, start.session)

    # Requests from screens ---------------------------------------------------------------

    def sign_in(self, screen: WizardScreen, username: str, password: str) -> None:
        from totp_tui.ui import engine_requests as requests

        self.attempt.account = username  # the label their app will show
        settings, client = self.require_settings(), self._client
        self._ask(
            screen,
            "Signing in…",
            lambda: requests.sign_in(settings, client, username, password),
            then=self._prepare_sign_in,
        )

    def continue_session(self, screen: WizardScreen, username: str, session: str) -> None:
        from totp_tui.ui import engine_requests as requests

        self.attempt.account = username
        settings, client = self.require_settings(), self._client
        self._ask(
            screen,
            "Continuing the sign-in…",
            lambda: requests.continue_session(settings, client, username, session),
        )

    def set_new_password(
        self, screen: WizardScreen, new_password: str, attributes: dict[str, str]
    ) -> None:
        flow = self._require_flow()
        self._ask(
            screen,
            "Setting the new password…",
            self._step(lambda: flow.set_new_password(new_password, attributes), flow),
        )

    def verify_code(self, screen: WizardScreen, code: str, device_name: str = "") -> None:
        enrolment = self.attempt.enrolment or self._require_flow()
        self._ask(
            screen,
            "Checking the code…",
            self._step(lambda: enrolment.verify_code(code, device_name), enrolment),
        )

    def answer_code(self, screen: WizardScreen, code: str) -> None:
        flow = self._require_flow()
        self._ask(screen, "Checking the code…", self._step(lambda: flow.answer_code(code), flow))

    def answer_other_code(self, screen: WizardScreen, code: str) -> None:
        """The code Cognito sent by SMS or email."""
        flow = self._require_flow()
        self._ask(
            screen, "Checking the code…", self._step(lambda: flow.answer_other_code(code), flow)
        )

    def choose_factor(self, screen: WizardScreen, choice: str) -> None:
        flow = self._require_flow()
        self._ask(
            screen, "Asking for a code…", self._step(lambda: flow.choose_factor(choice), flow)
        )

    def enrol_signed_in(self, screen: WizardScreen, keep_other: bool = True) -> None:
        """Set up a new authenticator with the signed-in user's access token (opt in,
        replace the old one, or take over from SMS or email codes)."""
        from totp_tui.ui import engine_requests as requests

        flow, settings, account = (
            self._require_flow(),
            self.require_settings(),
            self.attempt.account,
        )
        self._ask(
            screen,
            "Getting a new key…",
            lambda: requests.enrol_signed_in(settings, flow, account, keep_other),
        )

    def ask_access_token(self) -> None:
        from totp_tui.ui.screens.access_token import AccessTokenScreen

        self._replace(AccessTokenScreen())

    def use_access_token(self, screen: WizardScreen, access_token: str) -> None:
        from totp_tui.ui import engine_requests as requests

        settings, client = self.require_settings(), self._client
        self._ask(
            screen,
            "Checking the access token…",
            lambda: requests.use_access_token(settings, client, access_token),
        )

    def start_test_sign_in(self) -> None:
        from totp_tui.ui.screens.sign_in_check import SignInCheckScreen

        self._replace(SignInCheckScreen(self.attempt.account))

    def test_sign_in(self, screen: WizardScreen, password: str, code: str) -> None:
        """A fresh sign-in that must meet SOFTWARE_TOKEN_MFA, answered with the new app's code."""
        from totp_tui.ui import engine_requests as requests

        settings, client, account = self.require_settings(), self._client, self.attempt.account
        self._ask(
            screen,
            "Signing in again…",
            lambda: requests.test_sign_in(settings, client, account, password, code),
            testing=True,
            then=self._prepare_sign_in,
        )

    def _prepare_sign_in(self) -> None:
        from totp_tui.ui import warm_up

        warm_up.prepare_next_sign_in(self._app, self.runner)

    def back_to_enrolled(self) -> None:
        """Escape on the test sign-in: the Enrolled screen again, where Enter finishes."""
        if self._enrolled_again is None:
            self.back_to_sign_in()
        else:
            self._replace(self._enrolled_again())

    def save_settings(self, screen: WizardScreen, name: str, done: Callable[[str], None]) -> None:
        """Save this run's settings, with the username, as profile `name`."""
        self.profiles.save_settings(
            screen, self.require_settings(), name, self.attempt.account, done
        )

    def restart(self, message: str = "", ok: bool = False) -> None:
        """Back to an empty sign-in (username kept), forgetting the Session or token."""
        self._forget()
        # The name typed so far, else the one given on the command line or by the profile
        # (empty in kiosk mode, where the settings never hold one).
        username = self.attempt.account or (self.settings.username if self.settings else "")
        self._replace(self.sign_in_screen(username, message, ok))

    def back_to_sign_in(self) -> None:
        """Escape: an empty sign-in; what was typed and the Session go with the screen."""
        if self.cancelled is not None:
            self.cancelled()
        else:
            self.restart()

    def cancel_request(self, screen: WizardScreen) -> None:
        """Escape while a request is in flight. Its thread cannot be stopped, so its answer
        is dropped when it comes, and whatever it carries forgotten (ui/request_runner.py).

        A request that used this attempt's Session or token may have reached Cognito, which
        then counts it as used: that attempt is over, and the person signs in again. A
        request that started nothing yet (signing in, a token, a code to reset the
        password) leaves its form as it was, ready to send again.
        """
        self._forget_in_flight()
        screen.finish()
        if self.cancelled is not None:  # kiosk mode: Escape is always "the next person"
            self.cancelled()
        elif self.attempt.flow is not None or self.attempt.enrolment is not None:
            self.restart("Cancelled while waiting for Cognito. Sign in again to go on.")
        else:
            screen.status.show("Cancelled. Press Enter to try again.")

    def next_person(self, message: str = "") -> None:
        """Forget everything of this person, their name included; an empty sign-in."""
        self._enrolled_again = None
        self.attempt.forget(account=True)
        self.restart(message)

    def finish(self) -> None:
        """Done with this person: the next one in kiosk mode, else leave."""
        self.finished()

    def forget_everything(self) -> None:
        """Leaving: nothing of the person stays in memory or on screen."""
        self._forget()
        self.attempt.forget(account=True)

    # Answers --------------------------------------------------------------------------------

    def _step(self, step: Callable[[], Any], holder: Any) -> Callable[[], Reply]:
        """A step of the attempt's own flow or enrolment, as a request returning a Reply."""
        from totp_tui.ui import engine_requests as requests

        issuer, account = self.require_settings().issuer, self.attempt.account
        return lambda: requests.ask(
            step, issuer=issuer, account=account, clock=holder, used=(holder,)
        )

    def _ask(
        self,
        screen: WizardScreen,
        busy_text: str,
        call: Callable[[], Reply],
        testing: bool = False,
        then: Callable[[], None] | None = None,
    ) -> None:
        """`then` runs after the answer is shown (or dropped)."""
        if not screen.begin(busy_text):
            return  # a request is already running: a second Enter does nothing

        def answered(reply: Reply) -> None:
            self._answered(screen, reply, testing)
            if then is not None:
                then()

        def dropped(reply: Reply) -> None:
            reply.forget()
            if then is not None:
                then()

        self.runner.run(screen, busy_text, call, answered, dropped)

    def _answered(self, screen: WizardScreen, reply: Reply, testing: bool) -> None:
        from totp_tui.cognito.errors import CognitoError
        from totp_tui.ui.next_screen import Situation, ends_the_attempt, next_screen

        if isinstance(reply.answer, CognitoError):
            log.info("request failed: %s", reply.answer.code)
            reply.forget_started()
        else:
            self.attempt.take(reply.flow, reply.enrolment, reply.account)
        settings = self.require_settings()
        plan = next_screen(
            reply.answer,
            Situation(
                account=self.attempt.account,
                issuer=settings.issuer,
                kiosk=self._kiosk,
                token_mode=self.attempt.token_mode,
                session_seconds=self.session_seconds,
                testing=testing,
                session_left=screen.session_left(),
            ),
        )
        log.info("next: %s", type(plan).__name__)
        if ends_the_attempt(plan):
            self._forget()
        self._show(screen, plan, reply)

    def _show(self, screen: WizardScreen, plan: Plan, reply: Reply) -> None:
        from totp_tui.ui import next_screen as n

        if isinstance(plan, n.ShowError):
            screen.show_error(plan.message)
            return
        screen.finish()
        if isinstance(plan, n.ShowNotice):
            screen.status.show(plan.message, "ok")
        elif isinstance(plan, n.SignInAgain):
            self.restart(plan.message, plan.ok)
        elif isinstance(plan, n.NewAppWorks):
            from totp_tui.ui.screens.sign_in_check import SignInCheckScreen

            if isinstance(screen, SignInCheckScreen):
                screen.passed()
        elif isinstance(plan, n.ShowEnrolled):
            if plan.audit and self.audit_enrolment is not None:
                self.audit_enrolment(
                    self.require_settings().user_pool_id, plan.account, plan.replaced
                )
            self._replace(self._done_screen(plan))
        else:
            from totp_tui.ui.screen_for_plan import screen_for

            self._replace(screen_for(plan, reply, self.enrol_signed_in))

    def _done_screen(self, plan: ShowEnrolled) -> Screen[None]:
        """Enrolled: save back to the profile used, or offer to save the flags as one."""
        from functools import partial

        from totp_tui.ui.screens.done import DoneScreen

        account = plan.account
        done = partial(DoneScreen, account, moved_from=plan.moved_from, kept=plan.kept)
        self._enrolled_again = done  # back from the test sign-in: nothing saved twice
        settings = self.require_settings()
        status = self._profiles.keyring_status if self._profiles else None
        if not settings.save:
            return done()
        if status is not None and not status.usable:
            return done(note=f"Profiles cannot be saved here. {status.message}")
        if settings.profile_name is None:
            return done(offer_save=True)
        screen = done()
        name = settings.profile_name
        # After the screen is mounted: its status line shows the outcome.
        self._app.call_after_refresh(
            self.profiles.save_settings, screen, settings, name, account, screen.show_saved
        )
        return screen

    # Leaving a screen ---------------------------------------------------------------------

    def _require_flow(self) -> Any:
        if self.attempt.flow is None:  # a screen outlived its flow: cannot happen through the UI
            raise RuntimeError("no sign-in in progress")
        return self.attempt.flow

    def _forget(self) -> None:
        """The Session or token goes, and so does every answer still on its way."""
        self._forget_in_flight()
        self.attempt.forget()

    def _forget_in_flight(self) -> None:
        if self._runner is not None:  # no runner yet: no request was ever sent
            self._runner.forget_in_flight()

    def _replace(self, screen: Screen[None]) -> None:
        self.wipe_screen()
        self._app.switch_screen(screen)

    def wipe_screen(self) -> None:
        """Wipe the wizard's screens, the shown one and any under a question (Quit?)."""
        try:
            stack = list(self._app.screen_stack)
        except Exception:  # no screen yet (a crash at start-up): nothing to wipe
            return
        for screen in stack:
            if isinstance(screen, WizardScreen):
                screen.wipe()
