"""Profiles: pick the user pool to enrol in, or create, edit or delete a saved one."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from totp_tui.profiles import Profile
from totp_tui.ui.screens.base import WizardScreen
from totp_tui.ui.screens.confirm import ConfirmScreen
from totp_tui.ui.widgets.status_line import StatusLine
from totp_tui.ui.widgets.title_bar import TitleBar


def describe(profile: Profile) -> str:
    where = f" · {profile.endpoint_url}" if profile.endpoint_url else ""
    return f"{profile.name}  ({profile.user_pool_id}{where})"


class ProfileList(OptionList):
    """The profiles; Enter is the screen's ("Use", shown in the footer), a click selects."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "select" and super().check_action(action, parameters)


class ProfilesScreen(WizardScreen):
    CSS = """
    #profile-list {
        height: auto;
        max-height: 12;
    }
    """

    BINDINGS = [
        Binding("enter", "use", "Use", show=True),
        Binding("n", "new", "New", show=True),
        Binding("e", "edit", "Edit", show=True),
        Binding("d", "delete", "Delete", show=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.profiles: dict[str, Profile] = {}
        self.keyring_usable = True

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(classes="card", id="profiles-card") as card:
            card.border_title = "Profiles"
            yield Static(
                "Choose the user pool to enrol in. Profiles are kept in the OS keyring.",
                classes="explain",
            )
            yield ProfileList(id="profile-list")
            yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.wizard.profiles.load_profiles(self)

    def show_profiles(self, profiles: list[Profile], selected: str | None = None) -> None:
        self.finish()
        self.profiles = {profile.name: profile for profile in profiles}
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(describe(p), id=p.name) for p in profiles])
        options.display = bool(profiles)  # no empty box above the message
        if not profiles:
            self.status.show("No profiles yet: press n to create one.")
            return
        self.status.clear()
        names = [p.name for p in profiles]
        options.highlighted = names.index(selected) if selected in names else 0

    def show_keyring_unusable(self, message: str) -> None:
        """No keyring here: enrolment still works, with settings typed for this run only."""
        self.keyring_usable = False
        self.query_one(OptionList).display = False
        self.refresh_bindings()  # Edit and Delete go from the footer
        self.show_error(f"{message}\nPress n to enter a pool's settings for this run only.")

    @property
    def can_go_back(self) -> bool:
        return False  # the first screen when no pool was given

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Without a keyring there is nothing to edit or delete: those keys leave the footer.
        No Escape: nothing to go back to, and a keyring read has its own time limit (a
        cancelled one would leave the list empty, with no key to read it again)."""
        if action == "back":
            return False
        return self.keyring_usable or action not in ("edit", "delete")

    def _highlighted(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None or not self.profiles:
            return None
        return options.get_option_at_index(options.highlighted).id

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_use()

    def action_use(self) -> None:
        name = self._highlighted()
        if name is None:
            self.action_new()
            return
        self.wizard.profiles.use_profile(self, self.profiles[name])

    def action_new(self) -> None:
        self.wizard.profiles.edit_profile(None, save=self.keyring_usable)

    def action_edit(self) -> None:
        name = self._highlighted()
        if name is not None:
            self.wizard.profiles.edit_profile(self.profiles[name], save=True)

    def action_delete(self) -> None:
        name = self._highlighted()
        if name is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.wizard.profiles.delete_profile(self, name)

        self.app.push_screen(
            ConfirmScreen(f"Delete profile {name}? Its client secret is deleted too."), answered
        )
