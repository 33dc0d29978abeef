"""The Textual app: keys that work everywhere, start-up, theme, leaving and crashes.

The wizard itself (who is signing in, their Session or token, which screen comes next) is
ui/controller.py's; kiosk mode is ui/kiosk.py's. This class wires them to Textual.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

from totp_tui.config.settings import RequestedSettings, Settings
from totp_tui.diagnostics import startup_gc
from totp_tui.ui.controller import ClientFactory, WizardController
from totp_tui.ui.key_order import KeyQueue
from totp_tui.ui.screens.base import WizardScreen
from totp_tui.ui.terminal_caps import (
    DARK_THEME,
    LIGHT_THEME,
    TerminalCaps,
    initial_theme,
    no_color_requested,
)
from totp_tui.ui.textual_private import (
    ChangedCellsOnly,
    make_switchable,
    replace_crash_report,
)
from totp_tui.ui.widgets.too_small import TooSmallGuard

# Only the sign-in screen is needed for the first paint: start-up is measured.
if TYPE_CHECKING:
    from totp_tui.profiles import ProfileStore
    from totp_tui.ui.kiosk import KioskDesk
    from totp_tui.ui.start_options import DemoNotice, Kiosk, StartWith


def default_client_factory(settings: Settings) -> Any:
    from totp_tui.cognito.client import make_client

    return make_client(settings)


class TotpApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "totp-tui"
    # The palette's built-in "Screenshot" command writes the screen (QR and key included)
    # to a file, and nothing else in it is needed here.
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        # priority: leaving must work whatever has focus, even mid-request.
        Binding("ctrl+q", "quit", "Quit", show=True, priority=True),
        # In raw mode Ctrl+C arrives as a key, not SIGINT; it ends the app as SIGINT would.
        # priority: ahead of an input's own Ctrl+C (copy), which would copy a password.
        Binding("ctrl+c", "interrupt", "Interrupt", show=False, priority=True),
        Binding("ctrl+t", "toggle_theme", "Theme", show=True),
        # The terminal's own Ctrl+L: a screen garbled by something else writing to the
        # terminal (a `wall` message, a flaky link) is drawn again, every line.
        Binding("ctrl+l", "redraw", "Redraw", show=False),
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
        self.theme_lookup: dict[str, Theme] = {}  # get_theme's answers (before Textual asks)
        environ = os.environ  # what Textual itself reads NO_COLOR and TEXTUAL_THEME from
        # ansi_color=True makes NO_COLOR drop colours (NoColor) rather than grey them.
        super().__init__(ansi_color=True if no_color_requested(environ) else None)
        self.terminal_caps = TerminalCaps()
        theme = initial_theme(environ)
        if theme is not None:
            self.theme = theme
        self.wizard = WizardController(
            self,
            settings,
            client_factory,
            demo=demo,
            requested=requested,
            env=env,
            store_factory=store_factory,
            kiosk=kiosk is not None,
        )
        self.wizard.finished = self.finish_person
        self.kiosk: KioskDesk | None = None
        if kiosk is not None:
            from totp_tui.ui.kiosk import KioskDesk

            self.kiosk = KioskDesk(self, self.wizard, kiosk)
        # Keys one at a time, in typing order; leaving never waits (ui/key_order.py).
        self._keys = KeyQueue(self, _takes_keys, urgent=frozenset({"ctrl+q", "ctrl+c"}))
        # A screen the terminal is too small for is covered by a notice; the app's own keys
        # (quit, theme) still work there.
        self.too_small = TooSmallGuard(
            self, frozenset(b.key for b in self.BINDINGS if isinstance(b, Binding))
        )
        self._start = start
        self._handle_signals = handle_signals
        self._daemon_workers = False
        replace_crash_report(self, _crash_text, self._wipe_after_crash)
        # Only the lines that changed go to the terminal: a slow link pays per byte.
        self.output = ChangedCellsOnly(self)

    @property
    def settings(self) -> Settings | None:
        return self.wizard.settings

    # Themes ---------------------------------------------------------------------------------

    def get_theme(self, theme_name: str) -> Theme | None:
        """Textual's, remembered. Textual asks for the current theme for every line it draws
        (the ANSI colours), and each time copies its table of themes to look it up: about a
        seventh of the time to show a new screen here, and of every frame."""
        theme = self.theme_lookup.get(theme_name)
        if theme is None:
            theme = super().get_theme(theme_name)
            if theme is not None:
                self.theme_lookup[theme_name] = theme
        return theme

    def register_theme(self, theme: Theme) -> None:
        self.theme_lookup.clear()
        super().register_theme(theme)

    def unregister_theme(self, theme_name: str) -> None:
        self.theme_lookup.clear()
        super().unregister_theme(theme_name)

    # Start-up ----------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """The sign-in as Textual's first screen, so the first frame shows it. Pushed over
        Textual's empty default screen instead, it cost a second layout and a wait for the
        next frame: about 15 ms of a start that is measured."""
        settings = self.wizard.settings
        if settings is None:
            return super().get_default_screen()  # the profile screen is pushed over it
        username = self._start.username if self._start else ""
        screen = self.wizard.sign_in_screen(username or settings.username)
        make_switchable(screen, self)
        return screen

    def on_mount(self) -> None:
        # Back from a stop (SIGTSTP, then SIGCONT): the terminal shows the shell's screen, or
        # nothing; the changed-cells writer must not take it for the wizard's last frame.
        self.app_resume_signal.subscribe(self, lambda _: self.action_redraw())
        self.too_small.start()
        if self.kiosk is not None:
            self.kiosk.start_timer()
        if self._handle_signals:  # the app owns the process
            self._install_signal_handlers()
        # After the first paint: nothing may delay the first screen (start-up is measured).
        # The collector first (cli.main paused it), then the executor every later request
        # runs on.
        self.call_after_refresh(startup_gc.resume, freeze=True)
        self.call_after_refresh(self._start_background_work)
        if self.wizard.settings is None:
            from totp_tui.ui.screens.profiles import ProfilesScreen

            self.push_screen(ProfilesScreen())
        elif self._start is not None:
            self.call_after_refresh(self._start_elsewhere, self.screen, self._start)

    def _start_elsewhere(self, screen: WizardScreen, start: StartWith) -> None:
        self._start = None  # used once: a restart goes back to a plain sign-in
        self.wizard.start_elsewhere(screen, start)

    def _start_background_work(self) -> None:
        if self._handle_signals and not self._daemon_workers:
            # After the first paint (concurrent.futures costs ~15 ms) and before any request:
            # the sign-in needs a key press, which is handled after this.
            from totp_tui.ui.daemon_executor import DaemonThreadExecutor

            asyncio.get_running_loop().set_default_executor(DaemonThreadExecutor())
            self._daemon_workers = True
        if self.wizard.settings is not None:
            self.wizard.warm_up()

    # Keys ---------------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if self.kiosk is not None and isinstance(
            event, (events.Key, events.MouseDown, events.Paste)
        ):
            self.kiosk.noticed_input()
        if self._keys.take(event):  # typed while an earlier key is still being handled
            return
        if isinstance(event, events.Resize):
            self.output.forget()  # a terminal may redraw, wrap or clear what it showed
        if isinstance(event, (events.Key, events.Paste)) and self._typed_while_waiting(event):
            pass  # kept out of the form that was sent
        elif not self.too_small.holds(event):  # typed blind, into a screen that cannot show
            await super().on_event(event)
        self._keys.handed_on(event)

    def _typed_while_waiting(self, event: events.Key | events.Paste) -> bool:
        screen = self.screen
        return isinstance(screen, WizardScreen) and screen.swallows(event)

    def action_redraw(self) -> None:
        self.output.forget()
        self.screen.refresh()

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def copy_to_clipboard(self, text: str) -> None:
        if self.kiosk is not None:  # so that the next person's turn can overwrite a key
            self.kiosk.key_copied = bool(text)
        super().copy_to_clipboard(text)

    # Leaving ------------------------------------------------------------------------------

    def finish_person(self) -> None:
        """Done with this person: the next one in kiosk mode, else leave."""
        if self.kiosk is not None:
            self.kiosk.next_person()
        else:
            self.leave(0)

    def _install_signal_handlers(self) -> None:
        """SIGTERM (kill, shutdown), SIGHUP (the SSH connection dropped) and a terminal that
        hangs up without a signal end the app like a quit: screen wiped, terminal restored
        if it is still there, the shell's usual exit code. The process is gone within 2 s
        even when Textual is stuck writing to a terminal that has gone (ui/hang_up.py)."""
        from totp_tui.ui.hang_up import watch_for_hang_up

        watch_for_hang_up(self.leave)

    def leave(self, return_code: int = 0) -> None:
        self.wizard.wipe_screen()
        self.wizard.forget_everything()
        self.exit(return_code=return_code)

    async def action_quit(self) -> None:
        self._quit(0)

    def action_interrupt(self) -> None:
        self._quit(128 + signal.SIGINT)

    def _quit(self, return_code: int) -> None:
        """Ctrl+Q or Ctrl+C. A helpdesk desk is not closed by a stray key, and someone part
        way through enrolling is asked first: their sign-in would have to start again. The
        same key again, on the question, quits."""
        from totp_tui.ui.screens.confirm import ConfirmScreen

        if isinstance(self.screen, ConfirmScreen) and self.screen.about_quitting:
            self.leave(return_code)
        elif self.kiosk is not None:
            self.kiosk.confirm_quit(return_code, self.leave)
        elif isinstance(self.screen, WizardScreen) and self.screen.asks_before_quitting:

            def answered(yes: bool | None) -> None:
                if yes:
                    self.leave(return_code)

            question = (
                "Quit now? The authenticator app is not set up yet: the enrolment would "
                "have to start again with a new sign-in."
            )
            self.push_screen(ConfirmScreen(question, about_quitting=True), answered)
        else:
            self.leave(return_code)

    def _wipe_after_crash(self) -> None:
        try:
            self.wizard.wipe_screen()
            self.wizard.forget_everything()
        except Exception:  # a screen that crashed half-built: the report must still come out
            import logging

            logging.getLogger("totp_tui").debug("wiping after a crash failed", exc_info=False)


def _takes_keys(screen: Screen[Any]) -> bool:
    return not isinstance(screen, WizardScreen) or screen.takes_keys


def _crash_text(error: BaseException) -> Any:
    """Replaces Textual's report, which prints local variables (the password among them)."""
    from rich.text import Text

    from totp_tui.diagnostics.crash_report import crash_report

    return Text(crash_report(error))
