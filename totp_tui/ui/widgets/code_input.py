"""The 6-digit code field."""

from __future__ import annotations

from textual.widgets import Input

from totp_tui.totp import normalise_code


class CodeInput(Input):
    """Six ASCII digits. Spaces are allowed while typing or pasting ("123 456", as apps show
    codes) and dropped by `code`."""

    def __init__(self, *, id: str | None = None) -> None:
        # [0-9] rather than \\d: \\d also matches Arabic-Indic and other digits.
        super().__init__(placeholder="123456", restrict=r"[0-9\s]*", max_length=16, id=id)

    @property
    def code(self) -> str | None:
        return normalise_code(self.value)
