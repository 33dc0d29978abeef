"""Signed in with a code by SMS or email: move to an authenticator app, keeping the old
factor as a second option or turning it off."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from totp_tui.ui.screens.base import WizardScreen
from totp_tui.ui.widgets.choice_list import SetUpChoiceList
from totp_tui.ui.widgets.status_line import StatusLine
from totp_tui.ui.widgets.title_bar import TitleBar

KEEP, TURN_OFF = "keep", "turn-off"


class MoveOfferScreen(WizardScreen):
    # Enter is the choice list's (it names it in the footer).
    BINDINGS = [Binding("q", "finish", "Not now", show=True)]

    def __init__(self, account: str, factor: str) -> None:
        super().__init__()
        self._account = account
        self._factor = factor

    def compose(self) -> ComposeResult:
        yield TitleBar()
        factor = f"{self._factor} codes"
        with Vertical(classes="card", id="move-card") as card:
            card.border_title = "Move to an authenticator app"
            yield Static(
                f"{self._account} is signed in with a code by {self._factor}. Set up an "
                f"authenticator app now: from the next sign-in, Cognito asks for the app's "
                f"code instead of sending one by {self._factor}.",
                classes="explain",
                markup=False,
            )
            yield SetUpChoiceList(
                Option(f"Set up the app, and keep {factor} as a second option", id=KEEP),
                Option(f"Set up the app, and turn {factor} off", id=TURN_OFF),
                id="keep-other",
            )
            yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0  # keep: losing the phone's app then does not lock them out
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_submit()

    def submit(self) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        keep = index is None or options.get_option_at_index(index).id == KEEP
        self.wizard.enrol_signed_in(self, keep_other=keep)

    def action_finish(self) -> None:
        if not self.in_flight:
            self.wizard.finish()
