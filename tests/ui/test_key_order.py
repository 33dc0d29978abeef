"""No key may overtake the characters typed before it: no priority bindings on forms.

The bursts themselves (auto-type, paste, an SSH link's one read) are in test_burst_input.py
and, against the real process, tests/test_burst_input.py.
"""

from __future__ import annotations

import importlib
import pkgutil

from textual.binding import Binding
from textual.dom import DOMNode

import totp_tui.ui
from totp_tui.ui.app import TotpApp

# Leaving must work whatever has focus: the only keys handled ahead of everything.
APP_WIDE = {"ctrl+q", "ctrl+c"}


def _our_classes() -> list[type[DOMNode]]:
    for module in pkgutil.walk_packages(totp_tui.ui.__path__, "totp_tui.ui."):
        importlib.import_module(module.name)
    found: list[type[DOMNode]] = []
    pending: list[type[DOMNode]] = [DOMNode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("totp_tui."):
            found.append(cls)
    return found


def test_only_leaving_is_a_priority_binding() -> None:
    priority: dict[str, set[str]] = {}
    for cls in _our_classes():
        for binding in vars(cls).get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.priority:
                priority.setdefault(cls.__name__, set()).add(binding.key)
    assert priority == {"TotpApp": APP_WIDE}


def test_the_screens_and_widgets_of_the_wizard_were_all_looked_at() -> None:
    names = {cls.__name__ for cls in _our_classes()}
    assert {"TotpApp", "SignInScreen", "EnrolScreen", "ProfileFormScreen", "CodeInput"} <= names
    assert TotpApp in _our_classes()
