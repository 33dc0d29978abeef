"""A list of choices whose Enter the footer names: OptionList's own Enter binding is hidden,
and, being the focused widget's, it would hide the screen's too."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import OptionList


class ChoiceList(OptionList):
    # No frame: the card around it is one, and its blank top row read as a missing option.
    DEFAULT_CSS = """
    ChoiceList { height: auto; border: none; padding: 0; margin-top: 1; }
    ChoiceList:focus { border: none; }
    """
    BINDINGS = [Binding("enter", "select", "Choose", show=True)]


class SetUpChoiceList(ChoiceList):
    """The move to an authenticator app: each choice sets it up."""

    BINDINGS = [Binding("enter", "select", "Set up the app", show=True)]
