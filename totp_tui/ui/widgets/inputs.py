"""The form's text fields: they leave Enter to the screen, and passwords keep to themselves."""

from __future__ import annotations

from textual.widgets import Input


class FormField(Input):
    """A field of a form whose Enter belongs to the screen.

    Input binds Enter to its own "submit" (hidden from the footer). Disabled here, the key
    goes on to the screen's Enter binding, which the footer shows ("Sign in", "Verify"...).
    Not a priority binding: the key reaches the screen after this field has taken every
    character typed before it (ui/key_order.py).
    """

    def on_mount(self) -> None:
        # A steady cursor: a blinking one redraws twice a second while nothing else changes,
        # CPU and bytes on every idle SSH session to a shared bastion.
        self.cursor_blink = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "submit" and super().check_action(action, parameters)


class PasswordInput(FormField):
    """A masked input whose content never reaches the clipboard.

    Textual's Input copies and cuts its value with OSC 52 even when it is masked; on a shared
    terminal that puts a password in the system clipboard.
    """

    def __init__(
        self, *, placeholder: str = "", id: str | None = None, compact: bool = False
    ) -> None:
        super().__init__(placeholder=placeholder, password=True, id=id, compact=compact)

    def action_copy(self) -> None:
        self.notify("Passwords are not copied.", severity="warning", timeout=2)

    def action_cut(self) -> None:
        self.action_copy()

    def wipe(self) -> None:
        self.value = ""
