"""New password: an administrator created the account with a temporary password."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Input, Static

from totp_tui.ui.screens.base import WizardScreen
from totp_tui.ui.widgets.field_label import FieldLabel
from totp_tui.ui.widgets.inputs import FormField, PasswordInput
from totp_tui.ui.widgets.status_line import StatusLine
from totp_tui.ui.widgets.title_bar import TitleBar


def attribute_label(name: str) -> str:
    """ "family_name" -> "Family name"; custom attributes keep their name after "custom:"."""
    return name.removeprefix("custom:").replace("_", " ").capitalize()


def typed_new_password(screen: WizardScreen) -> str | None:
    """The new password of the screen's #new-password and #confirm-password fields, or None
    after saying (or showing, by the focus) what is missing or wrong."""
    new = screen.query_one("#new-password", PasswordInput)
    confirm = screen.query_one("#confirm-password", PasswordInput)
    if not new.value:
        screen.status.error("Type a new password.")
        new.focus()
        return None
    if not confirm.value:
        confirm.focus()
        return None
    if new.value != confirm.value:
        screen.status.error("The two passwords differ. Type them again.")
        confirm.wipe()
        confirm.focus()
        return None
    return new.value


class NewPasswordScreen(WizardScreen):
    BINDINGS = [Binding("enter", "submit", "Set password", show=True)]

    def __init__(self, username: str, required_attributes: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._username = username
        self._attributes = required_attributes

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(classes="card", id="new-password-card") as card:
            card.border_title = "New password"
            yield Static(
                f"The account {self._username} has a temporary password. Choose your own.",
                classes="explain",
                markup=False,
            )
            yield FieldLabel("New password", classes="first")
            yield PasswordInput(id="new-password")
            yield FieldLabel("Confirm new password")
            yield PasswordInput(id="confirm-password")
            for name in self._attributes:
                yield FieldLabel(attribute_label(name))
                # One line each: several required attributes must still fit 80x24.
                yield FormField(id=f"attr-{name.replace(':', '-')}", name=name, compact=True)
            yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#new-password", Input).focus()

    def submit(self) -> None:
        new_password = typed_new_password(self)
        if new_password is None:
            return
        attributes: dict[str, str] = {}
        for name in self._attributes:
            field = self.query_one(f"#attr-{name.replace(':', '-')}", Input)
            if not field.value.strip():
                self.status.error(f"{attribute_label(name)} is required.")
                field.focus()
                return
            attributes[name] = field.value.strip()
        self.wizard.set_new_password(self, new_password, attributes)

    def show_error(self, message: str) -> None:
        super().show_error(message)
        self.wipe()
        self.query_one("#new-password", Input).focus()

    def wipe(self) -> None:
        self.query_one("#new-password", PasswordInput).wipe()
        self.query_one("#confirm-password", PasswordInput).wipe()
