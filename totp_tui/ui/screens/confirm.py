"""A yes/no question over the current screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static


class ConfirmScreen(ModalScreen[bool]):
    CSS = """
    ConfirmScreen {
        align: center top;
    }
    .card.dialog {
        width: 60;
        margin: 4 0 0 0;
    }
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", show=True),
        Binding("n,escape", "answer(False)", "No", show=True),
    ]

    def __init__(self, question: str, *, about_quitting: bool = False) -> None:
        super().__init__()
        self._question = question
        # Quit? Then the quitting key again means yes (ui/app.py).
        self.about_quitting = about_quitting

    def compose(self) -> ComposeResult:
        with Vertical(classes="card dialog") as card:
            card.border_title = "Confirm"
            yield Static(self._question, markup=False)
        yield Footer()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
