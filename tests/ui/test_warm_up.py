"""What the wizard loads while the person types (ui/warm_up.py): by the time they press
Enter, the screens that may come next have their CSS in the stylesheet (Textual would parse
every source again the first time each is shown), and an SRP pair is ready."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.screen import Screen

from tests.support.cognito_calls import FinishedCalls
from tests.support.wizard_steps import arrive, until
from tests.ui.conftest import SIZE
from totp_tui.cognito import srp_ephemeral
from totp_tui.config.settings import Settings
from totp_tui.ui import screens as screens_package
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.sign_in import SignInScreen
from totp_tui.ui.warm_up import screens_with_css


def test_every_step_screen_with_css_is_loaded_ahead() -> None:
    """A screen with CSS of its own that is not listed costs its first showing a reparse."""
    with_css: set[type[Screen[object]]] = set()
    for module in pkgutil.iter_modules(screens_package.__path__):
        loaded = importlib.import_module(f"{screens_package.__name__}.{module.name}")
        for _, cls in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(cls, Screen) and cls.__module__ == loaded.__name__ and cls.CSS:
                with_css.add(cls)
    # The profile screens and the Quit? question come before a sign-in or at the end: their
    # first showing is not a step's wait.
    not_a_step = {"ProfilesScreen", "ProfileFormScreen", "ConfirmScreen"}
    assert {cls.__name__ for cls in with_css} - not_a_step == {
        cls.__name__ for cls in screens_with_css()
    }


async def test_after_the_first_paint_the_next_steps_are_ready(settings: Settings) -> None:
    srp_ephemeral.forget()
    calls = FinishedCalls()
    app = TotpApp(settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        await arrive(pilot, SignInScreen)
        await until(pilot, lambda: calls.client is not None, "the app's client")
        await app.workers.wait_for_complete()
        await pilot.pause()
        for screen in screens_with_css():
            read_from = (inspect.getfile(screen), f"{screen.__name__}.CSS")
            assert app.stylesheet.has_source(*read_from), f"{screen.__name__}'s CSS"
        assert srp_ephemeral._take() is not None, "no SRP pair made ahead"
