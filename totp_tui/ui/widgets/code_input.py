"""The 6-digit code field."""

from __future__ import annotations

import re

from textual.widgets import Input

from totp_tui.totp import normalise_code

# A space, not \s: \s matches Tab, and a field that claims Tab traps the focus in it.
_ACCEPTED = re.compile(r"[0-9 ]")


class CodeInput(Input):
    """Six ASCII digits. Spaces are allowed while typing or pasting ("123 456", as apps show
    codes) and dropped by `code`."""

    def __init__(self, *, id: str | None = None) -> None:
        # [0-9] rather than \\d: \\d also matches Arabic-Indic and other digits.
        super().__init__(placeholder="123456", restrict=r"[0-9\s]*", max_length=16, id=id)

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Only digits and spaces: Textual then lets letter keys reach the screen's bindings
        (such as z, Zoom QR) while this field has focus; Input claims every printable key."""
        return character is not None and _ACCEPTED.fullmatch(character) is not None

    @property
    def code(self) -> str | None:
        return normalise_code(self.value)
