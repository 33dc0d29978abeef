"""The wizard: sign in → [new password] → enrol (QR, key, code) → done.

Screens render values and hand back what the user typed; the app runs each request in a
thread worker (the UI never waits on the network) and turns the engine's answer into the
next screen.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.screen import Screen

from totp_tui import startup_gc
from totp_tui.settings import RequestedSettings, Settings
from totp_tui.ui.crash_report import crash_report
from totp_tui.ui.kiosk import KioskSteps
from totp_tui.ui.profile_steps import ProfileSteps
from totp_tui.ui.screens.base import WizardScreen
from totp_tui.ui.screens.sign_in import SignInScreen
from totp_tui.ui.signed_in_steps import SignedInSteps
from totp_tui.ui.step_answers import StepAnswers
from totp_tui.ui.terminal_caps import TerminalLook

# Only the sign-in screen is needed for the first paint. The engine (hmac, hashlib, email),
# the other screens and the profile store load when first used: start-up is measured.
if TYPE_CHECKING:
    from totp_tui.cognito.errors import CognitoError
    from totp_tui.cognito.flow import EnrolmentFlow, Step, TotpSecretIssued
    from totp_tui.cognito.token_enrolment import TokenEnrolment
    from totp_tui.profiles import ProfileStore
    from totp_tui.qr import QrMatrix
    from totp_tui.ui.start_options import DemoNotice, Kiosk, StartWith

log = logging.getLogger("totp_tui")

ClientFactory = Callable[[Settings], Any]


def default_client_factory(settings: Settings) -> Any:
    from totp_tui.cognito.client import make_client

    return make_client(settings)


class TotpApp(TerminalLook, ProfileSteps, SignedInSteps, KioskSteps, StepAnswers):
    CSS_PATH = "app.tcss"
    TITLE = "totp-tui"
    # The palette's built-in "Screenshot" command writes the screen (QR and key included)
    # to a file, and nothing else in it is needed here.
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=True, priority=True),
        # In raw mode Ctrl+C arrives as a key, not SIGINT; it ends the app as SIGINT would.
        # (priority: it also stops inputs from copying a password with it.)
        Binding("ctrl+c", "interrupt", "Interrupt", show=False, priority=True),
        Binding("escape", "cancel_person", "Next person", show=True),  # kiosk mode only
    ]

    def __init__(
        self,
        settings: Settings | None,
        *,
        demo: DemoNotice | None = None,
        client_factory: ClientFactory = default_client_factory,
        handle_signals: bool = False,
        requested: RequestedSettings | None = None,
        env: Mapping[str, str] | None = None,
        store_factory: Callable[[], ProfileStore] | None = None,
        start: StartWith | None = None,
        kiosk: Kiosk | None = None,
    ) -> None:
        """settings None: no pool was given, so the profile screen comes first."""
        super().__init__()
        self.settings = settings
        self._requested = requested or RequestedSettings()
        self._env = dict(env or {})
        self._store_factory = store_factory
        self._demo = demo
        self._client_factory = client_factory
        self._handle_signals = handle_signals
        self._daemon_workers = False
        self._client: Any = None
        self._client_lock = threading.Lock()
        self._flow: EnrolmentFlow | None = None
        # What the code goes to: the sign-in's flow (Session) or a token enrolment.
        self._enrolment: EnrolmentFlow | TokenEnrolment | None = None
        self._start = start
        self.kiosk = kiosk
        self._account = ""  # the name the user typed: the label their app will show
        self._crash: BaseException = RuntimeError("unknown")
        # How long Cognito's Session lasts: the app client's AuthSessionValidity (3-15 min).
        self.session_seconds = 180.0

    # Start-up ----------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """The sign-in as Textual's first screen, so the first frame shows it. Pushed over
        Textual's empty default screen instead, it cost a second layout and a wait for the
        next frame: about 15 ms of a start that is measured."""
        if self.settings is None:
            return super().get_default_screen()  # the profile screen is pushed over it
        username = self._start.username if self._start else ""
        screen = self._sign_in_screen(username or self.settings.username)
        # switch_screen (every later step) pops a result callback from the screen it
        # replaces, and Textual gives one only to the screens it pushes.
        screen._push_result_callback(self, None)
        return screen

    def on_mount(self) -> None:
        if self.kiosk is not None:
            self.start_kiosk_timer()
        if self._handle_signals:  # the app owns the process
            self._install_signal_handlers()
        # After the first paint: nothing may delay the first screen (start-up is measured).
        # The collector first (cli.main paused it), then the executor every later request
        # runs on.
        self.call_after_refresh(startup_gc.resume, freeze=True)
        self.call_after_refresh(self._start_background_work)
        if self.settings is None:
            from totp_tui.ui.screens.profiles import ProfilesScreen

            self.push_screen(ProfilesScreen())
        elif self._start is not None:
            self.call_after_refresh(self._start_elsewhere, self.screen, self._start)

    def _start_elsewhere(self, screen: WizardScreen, start: StartWith) -> None:
        self._start = None  # used once: restart() goes back to a plain sign-in
        if start.access_token:
            self.use_access_token(screen, start.access_token)
        elif start.session:
            self.continue_session(screen, start.username, start.session)

    def _start_background_work(self) -> None:
        if self._handle_signals and not self._daemon_workers:
            # After the first paint (concurrent.futures costs ~15 ms) and before any request:
            # the sign-in needs a key press, which is handled after this.
            from totp_tui.ui.daemon_executor import DaemonThreadExecutor

            asyncio.get_running_loop().set_default_executor(DaemonThreadExecutor())
            self._daemon_workers = True
        if self.settings is not None:
            # boto3 and pycognito take a few hundred ms to import: load them while the user
            # types.
            self.run_worker(
                self._warm_up,
                thread=True,
                name="warm-up",
                description="Loading the AWS SDK",
                exit_on_error=False,
            )
            if self.settings.save:
                self.check_keyring_once()

    def _warm_up(self) -> None:
        try:
            self._get_client()
            import pycognito.aws_srp  # noqa: F401
        except Exception:  # reported when the user signs in, with a proper message
            log.debug("warm-up failed", exc_info=False)

    def _get_client(self) -> Any:
        with self._client_lock:
            if self._client is None:
                self._client = self._client_factory(self._require_settings())
            return self._client

    def _require_settings(self) -> Settings:
        if self.settings is None:  # screens that need settings come after they are chosen
            raise RuntimeError("no user pool chosen")
        return self.settings

    def start_sign_in(self, settings: Settings, username: str = "") -> None:
        """A profile (or the form) chose the pool: sign in to it."""
        with self._client_lock:
            self.settings = settings
            self._client = None  # made for the previous settings, if any
        self._start_background_work()
        self._replace(self._sign_in_screen(username))

    def _sign_in_screen(self, username: str, message: str = "") -> SignInScreen:
        s = self._require_settings()
        # The region is the pool id's prefix (validated), so it is not repeated.
        pool = f"Pool {s.user_pool_id}\nClient {s.client_id}"
        if s.endpoint_url:
            pool += f"\nEndpoint {s.endpoint_url}"
        return SignInScreen(pool, username=username, message=message, demo=self._demo)

    # Requests from screens ----------------------------------------------------------------

    def sign_in(self, screen: WizardScreen, username: str, password: str) -> None:
        self._account = username

        def call() -> Step:
            from totp_tui.cognito.flow import EnrolmentFlow

            self._flow = EnrolmentFlow(self._require_settings(), self._get_client())
            self._enrolment = self._flow
            return self._flow.sign_in(username, password)

        self._run(screen, "Signing in…", call)

    def set_new_password(
        self, screen: WizardScreen, new_password: str, attributes: dict[str, str]
    ) -> None:
        flow = self._require_flow()
        self._run(
            screen,
            "Setting the new password…",
            lambda: flow.set_new_password(new_password, attributes),
        )

    def verify_code(self, screen: WizardScreen, code: str, device_name: str = "") -> None:
        enrolment = self._enrolment or self._require_flow()
        self._run(screen, "Checking the code…", lambda: enrolment.verify_code(code, device_name))

    def restart(self, message: str = "") -> None:
        """Back to an empty sign-in (username kept), dropping the flow and its Session."""
        self._drop_flow()
        self._wipe_screen()
        # The name typed so far, else the one given on the command line or by the profile
        # (empty in kiosk mode, where the settings never hold one).
        username = self._account or (self.settings.username if self.settings else "")
        self.switch_screen(self._sign_in_screen(username, message))

    # Running and answering ---------------------------------------------------------------

    def _require_flow(self) -> EnrolmentFlow:
        if self._flow is None:  # a screen outlived its flow: cannot happen through the UI
            raise RuntimeError("no sign-in in progress")
        return self._flow

    def _run(
        self,
        screen: WizardScreen,
        busy_text: str,
        call: Callable[[], Step],
        answered: Callable[[Step], None] | None = None,
    ) -> None:
        """Run `call` in a thread worker, then show its outcome: errors on `screen`, steps
        by `answered` if given, else as the next screen."""
        if not screen.begin(busy_text):
            return  # a request is already running: a second Enter does nothing
        # Textual keeps the Worker, and so `work`, alive in the context of every task started
        # from its answer (the whole next screen): `work` must not keep `call`, whose closure
        # holds what the user typed (a password). Handed over once, dropped after the call.
        pending = [call]
        del call

        def work() -> None:
            from totp_tui.cognito.errors import CognitoError, Recovery

            outcome: Step | CognitoError | tuple[TotpSecretIssued, QrMatrix]
            try:
                step = pending.pop()()
                from totp_tui.cognito.flow import TotpSecretIssued  # loaded by call() already

                outcome = self._with_qr(step) if isinstance(step, TotpSecretIssued) else step
            except CognitoError as error:
                outcome = error
            except Exception as error:  # a bug: say so plainly, never a traceback
                log.error("unexpected %s in %s", type(error).__name__, busy_text)
                outcome = CognitoError(
                    type(error).__name__,
                    f"Something unexpected went wrong ({type(error).__name__}). Try again; "
                    "run with --debug --log-file to see more.",
                    Recovery.STOP,
                )
            self._answer_from_thread(self._answer, screen, outcome, answered)

        # A fixed description: Textual would otherwise put the call's arguments in it.
        self.run_worker(
            work, thread=True, name="request", description=busy_text, exit_on_error=False
        )

    def _replace(self, screen: Screen[None]) -> None:
        self._wipe_screen()
        self.switch_screen(screen)

    def _wipe_screen(self) -> None:
        try:
            screen = self.screen
        except Exception:  # no screen yet (a crash at start-up): nothing to wipe
            return
        if isinstance(screen, WizardScreen):
            screen.wipe()

    # Crashes -----------------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        self._crash = error  # Textual's _fatal_error takes no argument
        super()._handle_exception(error)  # sets the exit code to 1

    def _fatal_error(self) -> None:
        """Replaces Textual's report, which prints local variables (the password among them)."""
        from rich.text import Text

        self.bell()
        try:
            self._wipe_screen()
        except Exception:  # a screen that crashed half-built: the report must still come out
            log.debug("wiping the screen after a crash failed", exc_info=False)
        self._exit_renderables.append(Text(crash_report(self._crash)))
        self._close_messages_no_wait()

    # Leaving ------------------------------------------------------------------------------

    def _install_signal_handlers(self) -> None:
        """SIGTERM (kill, shutdown) and SIGHUP (the SSH connection dropped) end the app like
        a quit: screen wiped, terminal restored, the shell's usual exit code."""
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(signum, self.leave, 128 + signum)

    def leave(self, return_code: int = 0) -> None:
        self._wipe_screen()
        self.exit(return_code=return_code)

    async def action_quit(self) -> None:
        if self.kiosk is not None:  # a helpdesk desk is not closed by a stray key
            self.confirm_quit(0)
        else:
            self.leave(0)

    def action_interrupt(self) -> None:
        if self.kiosk is not None:
            self.confirm_quit(128 + signal.SIGINT)
        else:
            self.leave(128 + signal.SIGINT)
