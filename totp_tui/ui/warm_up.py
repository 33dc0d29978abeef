"""What the wizard loads while the person types, so that Enter only waits for Cognito.

The first screen comes first (start-up is measured); everything else a step's answer needs
is loaded right after it, in a worker: boto3 and its client, pycognito's SRP, the modules of
the screens that come next, qrcode. Then, on the UI thread, the CSS of those screens: Textual
parses a screen's CSS (and with it every other source again) the first time that screen is
shown, about 10 ms of the step that shows it.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

    from totp_tui.ui.request_runner import RequestRunner

log = logging.getLogger("totp_tui")

# After an SRP sign-in's answer: the next screen is up and the person reads it.
PREPARE_AFTER = 0.5

# The answer to a step imports these on the UI thread otherwise: ~15 ms of the step.
NEXT_STEPS = (
    "totp_tui.ui.engine_requests",
    "totp_tui.ui.next_screen",
    "totp_tui.ui.screen_for_plan",
    "totp_tui.ui.screens.new_password",
    "totp_tui.ui.screens.enrol",
    "totp_tui.ui.screens.done",
    "totp_tui.ui.screens.code_required",
    "totp_tui.ui.screens.offer",
    "totp_tui.authenticator.qr",
    "totp_tui.authenticator.key_uri",
    "qrcode",
    "pyotp",
)


def start(app: App[Any], runner: RequestRunner, make_client: Callable[[], object]) -> None:
    """After the first paint. A failure here is reported when the person signs in, with a
    proper message: the sign-in makes the client again."""

    def load() -> None:
        try:
            make_client()
            prepare_sign_in()
            load_next_steps()
        except Exception:
            log.debug("warm-up failed", exc_info=False)

    runner.run(None, "Loading the AWS SDK", load, lambda _: preload_css(app))


def prepare_next_sign_in(app: App[Any], runner: RequestRunner) -> None:
    """The SRP pair of the next sign-in (a wrong password, the next person), made once this
    one's answer is on screen: not while the request or the next screen's first paint runs,
    which its 20 ms of arithmetic would slow down."""

    def prepare() -> None:
        runner.run(None, "Preparing the next sign-in", prepare_sign_in, _nothing)

    app.set_timer(PREPARE_AFTER, prepare)


def _nothing(_: object) -> None:
    """Background work with nothing to show."""


def prepare_sign_in() -> None:
    """In a worker: pycognito, and the SRP pair of the next sign-in (cognito/srp_ephemeral)."""
    from totp_tui.cognito import srp_ephemeral

    srp_ephemeral.prepare()


def load_next_steps() -> None:
    """In a worker: nothing here touches the app."""
    for name in NEXT_STEPS:
        importlib.import_module(name)


def screens_with_css() -> list[type[Screen[Any]]]:
    """The screens a wizard step may show that bring CSS of their own."""
    from totp_tui.ui.screens.done import DoneScreen, StopScreen
    from totp_tui.ui.screens.enrol import EnrolScreen
    from totp_tui.ui.screens.offer import OfferScreen

    return [EnrolScreen, DoneScreen, StopScreen, OfferScreen]


def preload_css(app: App[Any]) -> None:
    """On the UI thread, once the modules are loaded."""
    from totp_tui.diagnostics import startup_gc
    from totp_tui.ui.textual_private import preload_screen_css

    startup_gc.freeze_loaded()

    try:
        preload_screen_css(app, screens_with_css())
    except Exception:  # Textual parses it again when the screen is shown: only slower
        log.debug("loading the screens' CSS ahead failed", exc_info=False)
