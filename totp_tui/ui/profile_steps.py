"""The app's profile steps: list, use, create, edit, delete, and save after enrolment.

Every keyring call runs in a thread worker (the store adds its own timeout), so a locked,
missing or hung keyring never freezes the screen; it only means nothing is saved.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from textual.app import App

from totp_tui.settings import RequestedSettings, Settings, SettingsError, effective_settings
from totp_tui.ui.screens.base import WizardScreen

# The profile store and screens load when first used, not before the first paint.
if TYPE_CHECKING:
    from totp_tui.profiles import BackendStatus, Profile, ProfileError, ProfileStore
    from totp_tui.ui.screens.profile_form import ProfileDraft

log = logging.getLogger("totp_tui")

SECRET_VARIABLE = "TOTP_TUI_CLIENT_SECRET"


class ProfileSteps(App[None]):
    """Mixed into TotpApp: the profile screens' requests and what follows them."""

    settings: Settings | None
    _requested: RequestedSettings
    _env: Mapping[str, str]
    _store_factory: Callable[[], ProfileStore] | None
    _store: ProfileStore | None = None
    keyring_status: BackendStatus | None = None

    if TYPE_CHECKING:  # provided by TotpApp; for the type checker only (shadows nothing)

        def start_sign_in(self, settings: Settings, username: str = "") -> None: ...

    # Keyring -----------------------------------------------------------------------------

    def _profile_store(self) -> ProfileStore:
        if self._store is None:
            from totp_tui.profiles import ProfileStore

            self._store = (self._store_factory or ProfileStore)()
        return self._store

    def _in_thread(self, work: Callable[[], Any], description: str) -> None:
        # A fixed description: Textual would otherwise put the call's arguments in it.
        self.run_worker(work, thread=True, description=description, exit_on_error=False)

    def _answer_from_thread(self, callback: Callable[..., None], *args: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the app closed meanwhile
            self.call_from_thread(callback, *args)

    def check_keyring_once(self) -> None:
        """After the first paint: can profiles be saved here? Say so once if not."""

        def work() -> None:
            status = self._profile_store().check_backend()
            self._answer_from_thread(self._keyring_checked, status)

        self._in_thread(work, "Checking the keyring")

    def _keyring_checked(self, status: BackendStatus) -> None:
        self.keyring_status = status
        if not status.usable:
            log.info("keyring unusable: %s", status.name)
            # Short: it must not hide the sign-in form at 80x24. How to fix it is on the last
            # screen, where saving would happen.
            self.notify(
                "Profiles cannot be saved on this host; enrolment works.",
                title="No usable keyring",
                severity="warning",
                timeout=12,
            )

    # Profile screens ----------------------------------------------------------------------

    def show_profiles(self, selected: str | None = None) -> None:
        from totp_tui.ui.screens.profiles import ProfilesScreen

        screen = ProfilesScreen()
        self.switch_screen(screen)
        self._selected_after_load = selected

    def load_profiles(self, screen: WizardScreen) -> None:
        from totp_tui.profiles import ProfileError
        from totp_tui.ui.screens.profiles import ProfilesScreen

        if not isinstance(screen, ProfilesScreen) or not screen.begin("Reading profiles…"):
            return
        selected = getattr(self, "_selected_after_load", None)

        def work() -> None:
            store = self._profile_store()
            status = store.check_backend()
            self._answer_from_thread(self._set_keyring_status, status)
            if not status.usable:
                self._answer_from_thread(screen.show_keyring_unusable, status.message)
                return
            profiles: list[Profile] = []
            broken: list[str] = []
            try:
                for name in store.list_names():
                    try:
                        profiles.append(store.load(name))
                    except ProfileError as error:
                        broken.append(f"{name}: {error}")
            except ProfileError as error:
                self._answer_from_thread(screen.show_error, str(error))
                return
            self._answer_from_thread(screen.show_profiles, profiles, selected)
            if broken:
                self._answer_from_thread(screen.show_error, "Not shown: " + "; ".join(broken))

        self._in_thread(work, "Reading profiles")

    def _set_keyring_status(self, status: BackendStatus) -> None:
        self.keyring_status = status

    def edit_profile(self, profile: Profile | None, save: bool) -> None:
        from totp_tui.ui.screens.profile_form import ProfileFormScreen

        self.switch_screen(ProfileFormScreen(profile, save=save))

    def use_profile(self, screen: WizardScreen, profile: Profile) -> None:
        from totp_tui.profiles import ProfileError

        if not screen.begin(f"Loading {profile.name}…"):
            return

        def work() -> None:
            secret = None
            if not self._env.get(SECRET_VARIABLE):
                try:
                    secret = self._profile_store().get_client_secret(profile.name)
                except ProfileError as error:
                    self._answer_from_thread(screen.show_error, str(error))
                    return
            self._answer_from_thread(self._use, screen, profile, secret)

        self._in_thread(work, "Loading a profile")

    def use_draft_once(self, draft: ProfileDraft) -> None:
        """No keyring: the form's settings, for this run only."""
        self._use(self.screen, draft.profile, draft.client_secret, saved=False)

    def _use(self, screen: Any, profile: Profile, secret: str | None, saved: bool = True) -> None:
        requested = dataclasses.replace(self._requested, profile=profile.name if saved else None)
        try:
            settings = effective_settings(requested, self._env, profile, secret)
        except SettingsError as error:
            if isinstance(screen, WizardScreen):
                screen.show_error(f"{error}.")
            return
        if not saved:
            settings = dataclasses.replace(settings, save=False, profile_name=None)
        # settings.username is the profile's last username unless --username overrides it.
        self.start_sign_in(settings, settings.username)

    def save_profile(self, screen: WizardScreen, draft: ProfileDraft) -> None:
        from totp_tui.profiles import ProfileError

        if not screen.begin("Saving to the keyring…"):
            return

        def work() -> None:
            store = self._profile_store()
            name = draft.profile.name
            try:
                store.save(draft.profile)
            except ProfileError as error:
                self._answer_from_thread(screen.show_error, _failure(error, "Nothing was saved."))
                return
            if draft.client_secret:
                try:
                    store.set_client_secret(name, draft.client_secret)
                except ProfileError as error:  # the profile itself is saved: say so
                    message = f"Profile {name} was saved, but not its client secret: {error}."
                    self._answer_from_thread(screen.show_error, message)
                    return
            self._answer_from_thread(self.show_profiles, name)

        self._in_thread(work, "Saving a profile")

    def delete_profile(self, screen: WizardScreen, name: str) -> None:
        from totp_tui.profiles import ProfileError

        if not screen.begin(f"Deleting {name}…"):
            return

        def work() -> None:
            try:
                self._profile_store().delete(name)
            except ProfileError as error:
                self._answer_from_thread(screen.show_error, str(error))
                return
            self._answer_from_thread(self.show_profiles, None)

        self._in_thread(work, "Deleting a profile")

    # After enrolment ----------------------------------------------------------------------

    def save_settings(
        self, screen: WizardScreen, name: str, account: str, done: Callable[[str], None]
    ) -> None:
        """Save this run's settings as profile `name` (with the username), then `done(message)`."""
        settings = self.settings
        if settings is None or not screen.begin("Saving the profile…"):
            return
        from totp_tui.profiles import ProfileError, profile_from_settings

        def work() -> None:
            try:
                profile = profile_from_settings(
                    dataclasses.replace(settings, username=account), name, remember_username=True
                )
                store = self._profile_store()
                store.save(profile)
            except ProfileError as error:
                failure = _failure(error, "The profile was not saved.")
                self._answer_from_thread(screen.show_error, failure)
                return
            if settings.client_secret:  # the keyring is where it belongs
                try:
                    store.set_client_secret(name, settings.client_secret)
                except ProfileError as error:  # the profile itself is saved: say so
                    message = f"Saved as profile {name}, but not its client secret: {error}."
                    self._answer_from_thread(screen.show_error, message)
                    return
            self._answer_from_thread(done, f"Saved as profile {name}.")

        self._in_thread(work, "Saving a profile")


def _failure(error: ProfileError, consequence: str) -> str:
    """The store's one-line message as a sentence, with `consequence` unless it says so."""
    text = str(error).rstrip(".")
    text = f"{text[:1].upper()}{text[1:]}."
    said = text.lower()
    return text if "nothing was saved" in said or "not saved" in said else f"{text} {consequence}"
