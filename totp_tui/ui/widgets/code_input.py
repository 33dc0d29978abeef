"""The 6-digit code field."""

from __future__ import annotations

import re

from textual import events

from totp_tui.authenticator.key_uri import normalise_code
from totp_tui.ui.widgets.inputs import FormField

# A space, not \s: \s matches Tab, and a field that claims Tab traps the focus in it.
_ACCEPTED = re.compile(r"[0-9 ]")


class CodeInput(FormField):
    """Six ASCII digits (up to `longest` for codes Cognito sends by SMS or email, which may
    have eight). Spaces are allowed while typing or pasting ("123 456", as apps show codes)
    and dropped by `code`."""

    def __init__(self, *, id: str | None = None, longest: int = 6, compact: bool = False) -> None:
        # [0-9] rather than \\d: \\d also matches Arabic-Indic and other digits.
        super().__init__(
            placeholder="123456",
            restrict=r"[0-9\s]*",
            max_length=16,
            id=id,
            compact=compact,
        )
        self._longest = longest

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Only digits and spaces: other printable keys stay available to the screen's
        bindings (such as z, Zoom QR) while this field has focus."""
        return character is not None and _ACCEPTED.fullmatch(character) is not None

    def on_key(self, event: events.Key) -> None:
        """Letters and other characters are not typed here (Input would swallow them and
        ring the bell): they go on to the screen, whose bindings may want them (z)."""
        if event.is_printable and not self.check_consume_key(event.key, event.character):
            event.prevent_default()  # skips Input's own handler; the key bubbles on

    @property
    def code(self) -> str | None:
        if self._longest == 6:
            return normalise_code(self.value)
        compact = re.sub(r"\s+", "", self.value)
        return compact if re.fullmatch(f"[0-9]{{6,{self._longest}}}", compact) else None
