"""Cognito lets the person choose how to get this sign-in's code (SELECT_MFA_TYPE), and the
authenticator app is not among the choices yet."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from totp_tui.ui.screens.base import WizardScreen
from totp_tui.ui.widgets.choice_list import ChoiceList
from totp_tui.ui.widgets.status_line import StatusLine
from totp_tui.ui.widgets.title_bar import TitleBar

CHOICE_NAMES = {
    "SMS_MFA": "A code by text message (SMS)",
    "EMAIL_OTP": "A code by email",
}


class FactorChoiceScreen(WizardScreen):
    # Enter is the choice list's (it names it in the footer).

    def __init__(self, account: str, choices: tuple[str, ...]) -> None:
        super().__init__()
        self._account = account
        self._choices = choices

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(classes="card", id="factor-card") as card:
            card.border_title = "How to get the code"
            yield Static(
                f"{self._account} can get this sign-in's code in more than one way. Choose "
                "one; after signing in you can move to an authenticator app.",
                classes="explain",
                markup=False,
            )
            yield ChoiceList(
                *(Option(CHOICE_NAMES.get(c, c), id=c) for c in self._choices), id="choices"
            )
            yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        choices = self.query_one(OptionList)
        choices.highlighted = 0
        choices.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_submit()

    def submit(self) -> None:
        choices = self.query_one(OptionList)
        index = choices.highlighted
        if index is None:
            return
        choice = choices.get_option_at_index(index).id
        if choice:
            self.wizard.choose_factor(self, choice)
