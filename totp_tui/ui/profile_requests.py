"""The profile screens' requests: list, use, create, edit, delete, and save after enrolment.

Every keyring call runs in a worker (the store adds its own timeout), so a locked, missing or
hung keyring never freezes the screen; it only means nothing is saved. Workers return values;
what follows runs on the UI thread, for the screen that asked only.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from totp_tui.config.settings import (
    CLIENT_SECRET_VARIABLE,
    RequestedSettings,
    Settings,
    SettingsError,
    effective_settings,
)
from totp_tui.sentences import as_sentence
from totp_tui.ui.request_runner import RequestRunner
from totp_tui.ui.screens.base import WizardScreen
from totp_tui.ui.screens.profiles import ProfilesScreen

# The profile store and screens load when first used, not before the first paint.
if TYPE_CHECKING:
    from textual.app import App

    from totp_tui.profiles import BackendStatus, Profile, ProfileDraft, ProfileError, ProfileStore

log = logging.getLogger("totp_tui")


@dataclass(frozen=True)
class _Listed:
    status: BackendStatus
    profiles: tuple[Profile, ...] = ()
    problem: str = ""  # the store failed: say so


@dataclass(frozen=True)
class _Loaded:
    secret: str | None = field(default=None, repr=False)
    problem: str = ""


class ProfileRequests:
    """Keyring work for the profile screens, and where each answer leads."""

    def __init__(
        self,
        app: App[Any],
        runner: RequestRunner,
        requested: RequestedSettings,
        env: Mapping[str, str],
        store_factory: Callable[[], ProfileStore] | None,
        start_sign_in: Callable[[Settings, str], None],
    ) -> None:
        self._app = app
        self._runner = runner
        self._requested = requested
        self._env = env
        self._store_factory = store_factory
        self._start_sign_in = start_sign_in
        self._store: ProfileStore | None = None
        self._selected_after_load: str | None = None
        self.keyring_status: BackendStatus | None = None

    def _profile_store(self) -> ProfileStore:
        """Made in a worker (the keyring import is slow), once: a memo, not a person's state."""
        if self._store is None:
            from totp_tui.profiles import ProfileStore

            self._store = (self._store_factory or ProfileStore)()
        return self._store

    # Keyring -----------------------------------------------------------------------------

    def check_keyring_once(self) -> None:
        """After the first paint: can profiles be saved here? Say so once if not."""
        self._runner.run(
            None,
            "Checking the keyring",
            lambda: self._profile_store().check_backend(),
            self._keyring_checked,
        )

    def _keyring_checked(self, status: BackendStatus) -> None:
        self.keyring_status = status
        if not status.usable:
            log.info("keyring unusable: %s", status.name)
            self._say_no_keyring()

    def _say_no_keyring(self) -> None:
        """A line of the sign-in screen, above its footer, for as long as that screen shows.

        Not a toast: one sat for 12 s on the sign-in card's border, and on the enrol screen's
        QR code (its quiet zone: the code may then not scan) for anyone quicker. Someone past
        the sign-in already is not told here: the last screen, where saving would happen,
        says it with the fix.
        """
        from totp_tui.ui.screens.sign_in import SignInScreen
        from totp_tui.ui.widgets.keyring_notice import KeyringNotice

        screen = self._app.screen
        if isinstance(screen, SignInScreen) and not screen.query(KeyringNotice):
            screen.mount(KeyringNotice())

    # Profile screens ----------------------------------------------------------------------

    def show_profiles(self, selected: str | None = None) -> None:

        self._selected_after_load = selected
        self._app.switch_screen(ProfilesScreen())

    def load_profiles(self, screen: WizardScreen) -> None:
        if not isinstance(screen, ProfilesScreen) or not screen.begin("Reading profiles…"):
            return
        selected = self._selected_after_load

        def listed(result: _Listed) -> None:
            self.keyring_status = result.status
            if not result.status.usable:
                screen.show_keyring_unusable(result.status.message)
                return
            if result.problem and not result.profiles:
                screen.show_error(result.problem)
                return
            screen.show_profiles(list(result.profiles), selected)
            if result.problem:
                screen.show_error(result.problem)

        self._runner.run(screen, "Reading profiles", self._list, listed)

    def _list(self) -> _Listed:
        from totp_tui.profiles import ProfileError

        store = self._profile_store()
        status = store.check_backend()
        if not status.usable:
            return _Listed(status)
        profiles: list[Profile] = []
        broken: list[str] = []
        try:
            for name in store.list_names():
                try:
                    profiles.append(store.load(name))
                except ProfileError as error:
                    broken.append(f"{name}: {error}")
        except ProfileError as error:
            return _Listed(status, problem=str(error))
        return _Listed(status, tuple(profiles), "Not shown: " + "; ".join(broken) if broken else "")

    def edit_profile(self, profile: Profile | None, save: bool) -> None:
        from totp_tui.ui.screens.profile_form import ProfileFormScreen

        self._app.switch_screen(ProfileFormScreen(profile, save=save))

    def use_profile(self, screen: WizardScreen, profile: Profile) -> None:
        if not screen.begin(f"Loading {profile.name}…"):
            return

        def load() -> _Loaded:
            from totp_tui.profiles import ProfileError

            if self._env.get(CLIENT_SECRET_VARIABLE):
                return _Loaded()
            try:
                return _Loaded(self._profile_store().get_client_secret(profile.name))
            except ProfileError as error:
                return _Loaded(problem=str(error))

        def loaded(result: _Loaded) -> None:
            if result.problem:
                screen.show_error(result.problem)
            else:
                self._use(screen, profile, result.secret)

        self._runner.run(screen, "Loading a profile", load, loaded)

    def use_draft_once(self, screen: WizardScreen, draft: ProfileDraft) -> None:
        """No keyring: the form's settings, for this run only."""
        self._use(screen, draft.profile, draft.client_secret, saved=False)

    def _use(
        self, screen: WizardScreen, profile: Profile, secret: str | None, saved: bool = True
    ) -> None:
        requested = dataclasses.replace(self._requested, profile=profile.name if saved else None)
        try:
            settings = effective_settings(requested, self._env, profile, secret)
        except SettingsError as error:
            screen.show_error(f"{error}.")
            return
        if not saved:
            settings = dataclasses.replace(settings, save=False, profile_name=None)
        # settings.username is the profile's last username unless --username overrides it.
        self._start_sign_in(settings, settings.username)

    def save_profile(self, screen: WizardScreen, draft: ProfileDraft) -> None:
        if not screen.begin("Saving to the keyring…"):
            return
        name = draft.profile.name

        def save() -> str:
            saved_as = f"Profile {name} was saved"
            return self._save(draft.profile, draft.client_secret, "Nothing was saved.", saved_as)

        def saved(problem: str) -> None:
            if problem:
                screen.show_error(problem)
            else:
                self.show_profiles(name)

        self._runner.run(screen, "Saving a profile", save, saved)

    def delete_profile(self, screen: WizardScreen, name: str) -> None:
        if not screen.begin(f"Deleting {name}…"):
            return

        def delete() -> str:
            from totp_tui.profiles import ProfileError

            try:
                self._profile_store().delete(name)
            except ProfileError as error:
                return str(error)
            return ""

        def deleted(problem: str) -> None:
            if problem:
                screen.show_error(problem)
            else:
                self.show_profiles(None)

        self._runner.run(screen, "Deleting a profile", delete, deleted)

    # After enrolment ----------------------------------------------------------------------

    def save_settings(
        self,
        screen: WizardScreen,
        settings: Settings,
        name: str,
        account: str,
        done: Callable[[str], None],
    ) -> None:
        """Save this run's settings as profile `name` (with the username), then `done(message)`."""
        if not screen.begin("Saving the profile…"):
            return
        from totp_tui.profiles import ProfileError, profile_from_settings

        def save() -> str:
            not_saved = "The profile was not saved."
            try:
                profile = profile_from_settings(
                    dataclasses.replace(settings, username=account), name, remember_username=True
                )
            except ProfileError as error:
                return _failure(error, not_saved)
            return self._save(
                profile, settings.client_secret, not_saved, f"Saved as profile {name}"
            )

        def saved(problem: str) -> None:
            if problem:
                screen.show_error(problem)
            else:
                done(f"Saved as profile {name}.")

        self._runner.run(screen, "Saving a profile", save, saved)

    def _save(self, profile: Profile, secret: str | None, consequence: str, saved_as: str) -> str:
        """In a worker: the profile, then its client secret; "" or what went wrong.
        `consequence`: what a failure means; `saved_as`: how to say the profile was saved."""
        from totp_tui.profiles import ProfileError

        store = self._profile_store()
        try:
            store.save(profile)
        except ProfileError as error:
            return _failure(error, consequence)
        if secret:  # the keyring is where it belongs
            try:
                store.set_client_secret(profile.name, secret)
            except ProfileError as error:  # the profile itself is saved: say so
                return f"{saved_as}, but not its client secret: {error}."
        return ""


def _failure(error: ProfileError, consequence: str) -> str:
    """The store's one-line message as a sentence, with `consequence` unless it says so."""
    text = as_sentence(str(error))
    said = text.lower()
    return text if "nothing was saved" in said or "not saved" in said else f"{text} {consequence}"
