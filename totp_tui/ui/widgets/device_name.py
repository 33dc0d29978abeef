"""The enrol screen's device-name field, which never takes the TOTP key."""

from __future__ import annotations

from collections.abc import Callable

from totp_tui.ui.widgets.inputs import FormField


class DeviceNameField(FormField):
    """Cognito's FriendlyDeviceName: helps tell authenticators apart later.

    The key copied with Ctrl+Y is on the clipboard while the enrol screen shows, and Ctrl+V
    (or the terminal's own paste) would put it here: in clear on the screen, and sent to
    Cognito as the device's name. Text that would make the field hold the key is refused,
    however it comes (typed, pasted, from the app's clipboard or the terminal's):
    `holds_key` says whether a text holds it, `refused` tells the person.
    """

    def __init__(
        self,
        holds_key: Callable[[str], bool],
        refused: Callable[[], None],
        *,
        placeholder: str = "",
        id: str | None = None,
        max_length: int = 0,
    ) -> None:
        super().__init__(placeholder=placeholder, id=id, compact=True, max_length=max_length)
        self._holds_key = holds_key
        self._refused = refused

    def replace(self, text: str, start: int, end: int) -> None:
        """Every change to the value comes through here (Input's typing and pastes too)."""
        start, end = sorted((max(0, start), min(len(self.value), end)))
        after = f"{self.value[:start]}{text}{self.value[end:]}"
        if self._holds_key(text) or self._holds_key(after):
            self._refused()
            return
        super().replace(text, start, end)
