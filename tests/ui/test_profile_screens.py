"""The profile screens under Pilot: list, create, edit, delete and use a profile; keyrings
that are missing, fail midway or hang; and saving after an enrolment against the local
Cognito.

The keyring is an in-memory test backend (tests/support/keyring_backends.py) handed to the app
through `store_factory`, so nothing here touches the machine's keyring.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Iterator
from typing import TypeVar, overload

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select

from tests.conftest import PoolUser, settings_for
from tests.support.keyring_backends import FailingWriteKeyring, HangingKeyring, MemoryKeyring
from tests.support.totp_clock import code_now
from tests.support.ui_driving import type_text, wait_until_idle
from tests.support.wizard_steps import (
    arrive,
    field,
    focused_id,
    paste,
    reach_enrol,
    shown_key,
    shows,
    until,
    visible_text,
)
from tests.ui.conftest import SIZE
from totp_tui.config.settings import RequestedSettings, Settings, effective_settings
from totp_tui.demo.local_cognito import DemoPool, LocalCognito
from totp_tui.profiles import SERVICE, Profile, ProfileStore
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.confirm import ConfirmScreen
from totp_tui.ui.screens.done import DoneScreen
from totp_tui.ui.screens.profile_form import ProfileFormScreen
from totp_tui.ui.screens.profiles import ProfilesScreen
from totp_tui.ui.screens.sign_in import SignInScreen

# A made-up client secret: an obviously fake value, still never put in an assertion message.
CLIENT_SECRET = "fake-client-secret-for-tests-0123456789"
MemoryT = TypeVar("MemoryT", bound=MemoryKeyring)
HOW_TO_FIX_WORDS = ("dbus-run-session", "PYTHON_KEYRING_BACKEND", "--no-save")
FORM_INPUTS = (
    "name", "pool", "client", "region", "issuer", "endpoint", "ca", "timeouts", "session",
)  # fmt: skip
VALID_VALUES = {"name": "m-1", "pool": "eu-north-1_New789", "client": "c" * 26}
# One bad value at a time, and the start of the message that must name its field.
INVALID_VALUES: list[tuple[dict[str, str], str]] = [
    ({"pool": ""}, "The user pool id is required."),
    ({"pool": "AbC123"}, "User pool id 'AbC123' is not of the form <region>_<id>"),
    (
        {"region": "us-east-1"},
        "User pool eu-north-1_New789 lives in eu-north-1, but the region is us-east-1.",
    ),
    ({"region": "Europe"}, "Region 'Europe' is not an AWS region name"),
    ({"client": "not a client!"}, "App client id 'not a client!' should be letters"),
    ({"endpoint": "ftp://example.test"}, "Endpoint URL 'ftp://example.test' must start with"),
    ({"issuer": "Acme:Corp"}, "The issuer 'Acme:Corp' must not contain ':'."),
    ({"ca": "/nonexistent/ca.pem"}, "CA bundle '/nonexistent/ca.pem' is not a readable file."),
    ({"timeouts": "0 30"}, "The connect timeout must be between 0 and 600 seconds, not 0."),
    ({"timeouts": "10 601"}, "The read timeout must be between 0 and 600 seconds, not 601."),
    ({"timeouts": "10 soon"}, "The timeouts must be two numbers of seconds"),
    ({"timeouts": "10"}, "The timeouts must be two numbers of seconds"),
    (
        {"session": "20"},
        "The session length must be a whole number of minutes from 3 to 15, not 20.",
    ),
    ({"session": "2"}, "The session length must be a whole number of minutes from 3 to 15"),
    ({"session": "ten"}, "The session length must be a whole number of minutes from 3 to 15"),
    ({"session": "5.5"}, "The session length must be a whole number of minutes from 3 to 15"),
    ({"name": ""}, "The profile needs a name."),
    ({"name": "two words"}, "Profile name 'two words' must be 1-64 letters"),
]


def no_keyring() -> KeyringBackend:
    """What keyring gives on a headless host without a Secret Service."""
    return fail.Keyring()  # type: ignore[no-untyped-call]


def example_profiles() -> list[Profile]:
    return [
        Profile(
            name="work",
            region="eu-west-2",
            user_pool_id="eu-west-2_AbC123",
            client_id="a" * 26,
            issuer="Acme",
        ),
        Profile(
            name="lab",
            region="us-east-1",
            user_pool_id="us-east-1_Lab456",
            client_id="b" * 26,
            endpoint_url="http://127.0.0.1:5000",
            auth_flow="USER_PASSWORD_AUTH",
            connect_timeout=5,
            read_timeout=20,
            session_minutes=7,
            last_username="jane.doe",
        ),
    ]


@overload
def filled_keyring(backend: None = None, secret_of: str | None = None) -> MemoryKeyring: ...


@overload
def filled_keyring(backend: MemoryT, secret_of: str | None = None) -> MemoryT: ...


def filled_keyring(
    backend: MemoryKeyring | None = None, secret_of: str | None = None
) -> MemoryKeyring:
    """`backend` (default: a new MemoryKeyring) holding the example profiles, and a client
    secret for profile `secret_of`."""
    backend = backend if backend is not None else MemoryKeyring()
    store = ProfileStore(backend)
    for profile in example_profiles():
        store.save(profile)
    if secret_of:
        store.set_client_secret(secret_of, CLIENT_SECRET)
    return backend


def profile_app(
    backend: KeyringBackend,
    *,
    timeout: float = 2.0,
    requested: RequestedSettings | None = None,
) -> TotpApp:
    """The app as `totp-tui` with no pool flags starts it: the profile screen first."""
    return TotpApp(
        None,
        store_factory=lambda: ProfileStore(backend, timeout=timeout),
        requested=requested,
    )


def status_text(screen: ProfilesScreen | ProfileFormScreen | DoneScreen) -> str:
    return str(screen.status.content)


async def profiles_loaded(pilot: Pilot[None], timeout: float = 10.0) -> ProfilesScreen:
    """The profile screen once it has shown what the keyring holds (or why it cannot)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = pilot.app.screen
        if (
            isinstance(screen, ProfilesScreen)
            and screen.is_mounted
            and not screen.in_flight
            and (screen.profiles or status_text(screen))
        ):
            await pilot.pause()
            return screen
        await asyncio.sleep(0.02)
    raise AssertionError(f"the profiles did not load; the screen: {visible_text(pilot.app)}")


async def wait_for_status(
    pilot: Pilot[None], screen: DoneScreen, text: str, timeout: float = 5.0
) -> None:
    deadline = time.monotonic() + timeout
    while text not in status_text(screen):
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {text!r}; the status: {status_text(screen)!r}")
        await asyncio.sleep(0.02)
    await pilot.pause()


def highlighted(screen: ProfilesScreen) -> str | None:
    options = screen.query_one(OptionList)
    if options.highlighted is None:
        return None
    return options.get_option_at_index(options.highlighted).id


def listed(screen: ProfilesScreen) -> list[str | None]:
    options = screen.query_one(OptionList)
    return [options.get_option_at_index(i).id for i in range(options.option_count)]


def saved_names(backend: MemoryKeyring) -> list[str]:
    return ProfileStore(backend).list_names()


def set_fields(screen: ProfileFormScreen, **values: str) -> None:
    """Put values in the form's inputs by id (the validation cases; the keyboard is tested
    separately)."""
    for widget_id, value in values.items():
        field(screen, widget_id).value = value


# ------------------------------------------------------------------------------------------


class TestProfileList:
    async def test_an_empty_keyring_says_no_profiles_yet(self) -> None:
        async with profile_app(MemoryKeyring()).run_test(size=SIZE) as pilot:
            screen = await profiles_loaded(pilot)
            assert listed(screen) == []
            assert shows(pilot.app, "No profiles yet: press n to create one.")
            assert shows(pilot.app, "n New")  # the footer names the key

    async def test_saved_profiles_are_listed_by_name_and_the_first_is_highlighted(self) -> None:
        async with profile_app(filled_keyring()).run_test(size=SIZE) as pilot:
            screen = await profiles_loaded(pilot)
            assert listed(screen) == ["lab", "work"]
            assert highlighted(screen) == "lab"
            assert focused_id(pilot.app) == "profile-list"
            assert shows(pilot.app, "lab (us-east-1_Lab456 · http://127.0.0.1:5000)")
            assert shows(pilot.app, "work (eu-west-2_AbC123)")


class TestNewProfile:
    async def test_n_opens_an_empty_form_with_the_name_focused(self) -> None:
        async with profile_app(MemoryKeyring()).run_test(size=SIZE) as pilot:
            await profiles_loaded(pilot)
            await pilot.press("n")
            form = await arrive(pilot, ProfileFormScreen)
            assert form.query_one("#profile-form-card").border_title == "New profile"
            assert focused_id(pilot.app) == "name"
            assert field(form, "name").value == ""
            assert field(form, "pool").value == ""
            # Every field takes one row: none squeezed away (a stray margin once hid one).
            rows = {node.id: node.region.height for node in form.query("#profile-form > *")}
            assert set(rows.values()) == {1}, rows
            assert shows(pilot.app, "Client secret only if the client has one; kept in the keyring")

    async def test_the_form_filled_by_keyboard_saves_and_the_list_highlights_it(self) -> None:
        backend = filled_keyring()
        async with profile_app(backend).run_test(size=SIZE) as pilot:
            await profiles_loaded(pilot)
            await pilot.press("n")
            await arrive(pilot, ProfileFormScreen)
            # Tab order: name, pool, client, region, flow, issuer, endpoint, CA bundle, TLS,
            # timeouts, session, and the client secret last.
            await type_text(pilot, "m-1")
            await pilot.press("tab")
            await paste(pilot, "eu-north-1_New789")
            await pilot.press("tab")
            await paste(pilot, "c" * 26)
            await pilot.press("tab", "tab", "tab")
            assert focused_id(pilot.app) == "issuer"
            await paste(pilot, "Example")  # replaces the default: focus selects the value
            await pilot.press("tab")
            await paste(pilot, "https://cognito.example.test")
            await pilot.press("tab", "tab", "tab", "tab", "tab")
            assert focused_id(pilot.app) == "secret"
            await paste(pilot, CLIENT_SECRET)
            await pilot.press("ctrl+s")
            screen = await profiles_loaded(pilot)
            assert listed(screen) == ["lab", "m-1", "work"]
            assert highlighted(screen) == "m-1"

        store = ProfileStore(backend)
        assert store.load("m-1") == Profile(
            name="m-1",
            region="eu-north-1",
            user_pool_id="eu-north-1_New789",
            client_id="c" * 26,
            issuer="Example",
            endpoint_url="https://cognito.example.test",
        )
        secret_kept = store.get_client_secret("m-1") == CLIENT_SECRET
        assert secret_kept, "the client secret typed is not in its own keyring entry"
        profile_entry = backend.entries[(SERVICE, "profile:m-1")]
        secret_in_profile = CLIENT_SECRET in profile_entry
        assert not secret_in_profile, "the client secret is inside the profile's JSON entry"

    async def test_each_invalid_value_is_named_inline_and_nothing_is_saved(self) -> None:
        """One form, every case in turn (one app for all: each start costs ~0.5 s)."""
        backend = filled_keyring()
        before = dict(backend.entries)
        wrong: list[str] = []
        async with profile_app(backend).run_test(size=SIZE) as pilot:
            await profiles_loaded(pilot)
            await pilot.press("n")
            form = await arrive(pilot, ProfileFormScreen)
            defaults = {widget_id: field(form, widget_id).value for widget_id in FORM_INPUTS}
            for values, message in INVALID_VALUES:
                set_fields(form, **(defaults | VALID_VALUES | values))
                form.status.clear()  # the previous case's message must not count
                await pilot.press("ctrl+s")
                await pilot.pause()
                if pilot.app.screen is not form:
                    raise AssertionError(f"{values}: the form was left")
                if not (message in status_text(form) and shows(pilot.app, message)):
                    wrong.append(f"{values}: expected {message!r}, shown {status_text(form)!r}")
                elif "-error" not in form.status.classes:
                    wrong.append(f"{values}: the message is not shown as an error")
        assert wrong == []
        assert backend.entries == before

    async def test_the_session_length_typed_is_saved_and_one_out_of_range_is_not(self) -> None:
        backend = filled_keyring()
        before = dict(backend.entries)
        async with profile_app(backend).run_test(size=SIZE) as pilot:
            await profiles_loaded(pilot)
            await pilot.press("n")
            form = await arrive(pilot, ProfileFormScreen)
            assert field(form, "session").value == "3"  # Cognito's default, prefilled
            assert shows(pilot.app, "Session (min) 3")
            set_fields(form, **VALID_VALUES)
            # By keyboard from the timeouts: the session length is the next field.
            field(form, "timeouts").focus()
            await pilot.press("tab")
            assert focused_id(pilot.app) == "session"
            await pilot.press("backspace", *"20")
            assert field(form, "session").value == "20"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert pilot.app.screen is form
            message = "The session length must be a whole number of minutes from 3 to 15, not 20."
            assert status_text(form) == message and shows(pilot.app, message)
            assert "-error" in form.status.classes
            assert backend.entries == before  # nothing saved
            await pilot.press("backspace", "backspace", *"10")
            await pilot.press("ctrl+s")
            screen = await profiles_loaded(pilot)
            assert highlighted(screen) == "m-1"
        saved = ProfileStore(backend).load("m-1")
        assert saved.session_minutes == 10
        assert saved.user_pool_id == VALID_VALUES["pool"]

    async def test_user_auth_can_be_chosen(self) -> None:
        backend = filled_keyring()
        async with profile_app(backend).run_test(size=SIZE) as pilot:
            await profiles_loaded(pilot)
            await pilot.press("n")
            form = await arrive(pilot, ProfileFormScreen)
            set_fields(form, **VALID_VALUES)
            form.query_one("#flow", Select).value = "USER_AUTH"
            await pilot.press("ctrl+s")
            await profiles_loaded(pilot)
        assert ProfileStore(backend).load("m-1").auth_flow == "USER_AUTH"

    async def test_escape_goes_back_without_saving(self) -> None:
        backend = filled_keyring()
        before = dict(backend.entries)
        async with profile_app(backend).run_test(size=SIZE) as pilot:
            await profiles_loaded(pilot)
            await pilot.press("n")
            form = await arrive(pilot, ProfileFormScreen)
            set_fields(form, name="m-1", pool="eu-north-1_New789", client="c" * 26)
            await pilot.press("escape")
            screen = await profiles_loaded(pilot)
            assert listed(screen) == ["lab", "work"]
        assert backend.entries == before


class TestEditProfile:
    async def test_e_shows_the_values_with_the_name_fixed_and_save_updates_it(self) -> None:
        backend = filled_keyring(secret_of="lab")
        async with profile_app(backend).run_test(size=SIZE) as pilot:
            screen = await profiles_loaded(pilot)
            assert highlighted(screen) == "lab"
            await pilot.press("e")
            form = await arrive(pilot, ProfileFormScreen)
            assert form.query_one("#profile-form-card").border_title == "Edit profile lab"
            shown = {
                widget_id: field(form, widget_id).value
                for widget_id in FORM_INPUTS
                if widget_id not in ("issuer", "ca")
            }
            assert shown == {
                "name": "lab",
                "pool": "us-east-1_Lab456",
                "client": "b" * 26,
                "region": "us-east-1",
                "endpoint": "http://127.0.0.1:5000",
                "timeouts": "5 20",
                "session": "7",
            }
            assert field(form, "secret").value == ""  # never shown, only replaced
            name = field(form, "name")
            assert name.disabled and name not in form.focus_chain
            assert focused_id(pilot.app) == "pool"
            await pilot.press("tab", "tab", "tab", "tab")
            assert focused_id(pilot.app) == "issuer"
            await paste(pilot, "Lab Pool")
            await pilot.press("ctrl+s")
            screen = await profiles_loaded(pilot)
            assert listed(screen) == ["lab", "work"]
            assert highlighted(screen) == "lab"

        store = ProfileStore(backend)
        original = next(p for p in example_profiles() if p.name == "lab")
        assert store.load("lab") == dataclasses.replace(original, issuer="Lab Pool")
        secret_kept = store.get_client_secret("lab") == CLIENT_SECRET
        assert secret_kept, "editing without typing a client secret changed the stored one"

    async def test_escape_leaves_the_profile_as_it_was(self) -> None:
        backend = filled_keyring()
        before = dict(backend.entries)
        async with profile_app(backend).run_test(size=SIZE) as pilot:
            await profiles_loaded(pilot)
            await pilot.press("down", "e")
            form = await arrive(pilot, ProfileFormScreen)
            assert form.query_one("#profile-form-card").border_title == "Edit profile work"
            set_fields(form, issuer="Changed")
            await pilot.press("escape")
            screen = await profiles_loaded(pilot)
            assert listed(screen) == ["lab", "work"]
        assert backend.entries == before


class TestDeleteProfile:
    async def test_d_then_y_deletes_the_profile_and_its_client_secret(self) -> None:
        backend = filled_keyring(secret_of="lab")
        async with profile_app(backend).run_test(size=SIZE) as pilot:
            await profiles_loaded(pilot)
            await pilot.press("d")
            await arrive(pilot, ConfirmScreen)  # type: ignore[type-var]
            assert shows(pilot.app, "Delete profile lab? Its client secret is deleted too.")
            await pilot.press("y")
            screen = await profiles_loaded(pilot)
            assert listed(screen) == ["work"]
        assert saved_names(backend) == ["work"]
        assert sorted(key for _, key in backend.entries) == ["index", "profile:work"]

    async def test_d_then_n_keeps_it(self) -> None:
        backend = filled_keyring(secret_of="lab")
        before = dict(backend.entries)
        async with profile_app(backend).run_test(size=SIZE) as pilot:
            await profiles_loaded(pilot)
            await pilot.press("d")
            await arrive(pilot, ConfirmScreen)  # type: ignore[type-var]
            await pilot.press("n")
            await pilot.pause()
            screen = pilot.app.screen
            assert isinstance(screen, ProfilesScreen)
            assert listed(screen) == ["lab", "work"]
        assert backend.entries == before


class TestUseProfile:
    async def test_enter_signs_in_to_that_pool_with_the_last_username_filled_in(self) -> None:
        app = profile_app(filled_keyring(secret_of="lab"))
        async with app.run_test(size=SIZE) as pilot:
            await profiles_loaded(pilot)
            await pilot.press("enter")
            screen = await arrive(pilot, SignInScreen)
            assert shows(pilot.app, "Pool us-east-1_Lab456")
            assert shows(pilot.app, "Endpoint http://127.0.0.1:5000")
            assert field(screen, "username").value == "jane.doe"
            assert focused_id(pilot.app) == "password"  # the first empty field
            settings = app.settings
            assert settings is not None
            assert (settings.profile_name, settings.user_pool_id) == ("lab", "us-east-1_Lab456")
            assert settings.auth_flow == "USER_PASSWORD_AUTH"
            secret_loaded = settings.client_secret == CLIENT_SECRET
            assert secret_loaded, "the profile's client secret was not loaded"

    async def test_a_username_flag_beats_the_profiles_last_username(self) -> None:
        requested = RequestedSettings(username="sam.roe")
        async with profile_app(filled_keyring(), requested=requested).run_test(size=SIZE) as pilot:
            await profiles_loaded(pilot)
            await pilot.press("enter")
            screen = await arrive(pilot, SignInScreen)
            assert field(screen, "username").value == "sam.roe"
            assert focused_id(pilot.app) == "password"

    async def test_a_profile_without_a_username_starts_with_an_empty_username(self) -> None:
        async with profile_app(filled_keyring()).run_test(size=SIZE) as pilot:
            await profiles_loaded(pilot)
            await pilot.press("down", "enter")
            screen = await arrive(pilot, SignInScreen)
            assert shows(pilot.app, "Pool eu-west-2_AbC123")
            assert field(screen, "username").value == ""
            assert focused_id(pilot.app) == "username"


class RecordingStore(ProfileStore):
    """Notes every attempt to write a profile or a client secret."""

    def __init__(self, backend: KeyringBackend) -> None:
        super().__init__(backend)
        self.writes: list[str] = []

    def save(self, profile: Profile) -> None:
        self.writes.append(f"profile {profile.name}")
        super().save(profile)

    def set_client_secret(self, name: str, secret: str) -> None:
        self.writes.append(f"client secret of {name}")
        super().set_client_secret(name, secret)


class TestUnusableKeyring:
    async def test_no_keyring_says_how_to_fix_and_the_pool_settings_go_to_sign_in(self) -> None:
        store = RecordingStore(no_keyring())
        app = TotpApp(None, store_factory=lambda: store)
        async with app.run_test(size=SIZE) as pilot:
            screen = await profiles_loaded(pilot)
            message = status_text(screen)
            assert message.startswith("There is no usable keyring here.")
            missing = [word for word in HOW_TO_FIX_WORDS if word not in message]
            assert missing == []
            assert shows(app, "Press n to enter a pool's settings for this run only.")
            await pilot.press("n")
            form = await arrive(pilot, ProfileFormScreen)
            assert form.query_one("#profile-form-card").border_title == "Pool settings"
            # No name needed: nothing is saved.
            set_fields(form, pool="eu-north-1_New789", client="c" * 26)
            await pilot.press("ctrl+s")
            sign_in = await arrive(pilot, SignInScreen)
            assert shows(app, "Pool eu-north-1_New789")
            assert focused_id(app) == "username"
            assert field(sign_in, "username").value == ""
            assert app.settings is not None
            assert (app.settings.save, app.settings.profile_name) == (False, None)
        assert store.writes == []


class TestKeyringFailures:
    async def test_a_write_failing_midway_saves_nothing_and_says_so(self) -> None:
        backend = filled_keyring(FailingWriteKeyring())
        before = dict(backend.entries)
        async with profile_app(backend).run_test(size=SIZE) as pilot:
            await profiles_loaded(pilot)
            await pilot.press("n")
            form = await arrive(pilot, ProfileFormScreen)
            set_fields(form, name="m-1", pool="eu-north-1_New789", client="c" * 26)
            backend.arm(2)  # the profile's entry is written, then the index write fails
            await pilot.press("ctrl+s")
            await wait_until_idle(pilot)
            message = status_text(form)
            assert "simulated failure" in message
            assert message.count("othing was saved") == 1, message
            assert message.endswith("Nothing was saved.") or message.endswith("nothing was saved.")
            assert pilot.app.screen is form  # the values are still there to try again
            await pilot.press("escape")
            screen = await profiles_loaded(pilot)
            assert listed(screen) == ["lab", "work"]
        assert backend.entries == before

    async def test_a_client_secret_that_fails_to_save_is_not_reported_as_nothing_saved(
        self,
    ) -> None:
        backend = filled_keyring(FailingWriteKeyring())
        async with profile_app(backend).run_test(size=SIZE) as pilot:
            await profiles_loaded(pilot)
            await pilot.press("n")
            form = await arrive(pilot, ProfileFormScreen)
            set_fields(
                form, name="m-1", pool="eu-north-1_New789", client="c" * 26, secret=CLIENT_SECRET
            )
            backend.arm(3)  # profile entry, index, then the client secret fails
            await pilot.press("ctrl+s")
            await wait_until_idle(pilot)
            message = status_text(form)
            assert "othing was saved" not in message
            assert "Profile m-1 was saved, but not its client secret" in message
            secret_shown = CLIENT_SECRET in visible_text(pilot.app)
            assert not secret_shown, "the screen shows the client secret"
        assert saved_names(backend) == ["lab", "m-1", "work"]
        assert ProfileStore(backend).get_client_secret("m-1") is None


@pytest.fixture
def hanging() -> Iterator[HangingKeyring]:
    backend = HangingKeyring()
    filled_keyring(backend)
    try:
        yield backend
    finally:
        backend.release.set()  # the keyring thread still waits on it


class TestHangingKeyring:
    TIMEOUT = 1.0

    async def test_the_ui_answers_keys_while_waiting_then_says_it_timed_out(
        self, hanging: HangingKeyring
    ) -> None:
        hanging.arm()
        async with profile_app(hanging, timeout=self.TIMEOUT).run_test(size=SIZE) as pilot:
            await pilot.pause()
            first = pilot.app.screen
            assert isinstance(first, ProfilesScreen) and first.in_flight
            # The wait shows once it is longer than a blink (BUSY_DELAY).
            await until(pilot, lambda: shows(pilot.app, "Reading profiles…"), "the wait shown")
            await pilot.press("n")
            await arrive(pilot, ProfileFormScreen)
            # Handled while the read still waits (it stops waiting at the timeout).
            assert first.in_flight, "the key was handled only after the keyring gave up"
            await pilot.press("escape")
            screen = await profiles_loaded(pilot)
            message = status_text(screen)
            assert "The keyring did not answer within 1 s" in message
            assert "the saved profiles could not be read" in message
            assert listed(screen) == []

    async def test_ctrl_q_quits_while_the_keyring_hangs(self, hanging: HangingKeyring) -> None:
        hanging.arm()
        app = profile_app(hanging, timeout=30)
        started = time.monotonic()
        try:
            async with app.run_test(size=SIZE) as pilot:
                await until(pilot, lambda: shows(app, "Reading profiles…"), "the wait shown")
                await pilot.press("ctrl+q")
                await pilot.pause()
                assert not app.is_running
            assert time.monotonic() - started < 5
            assert app.return_code == 0
        finally:
            # Now, not in the fixture's teardown: the test's event loop, closed first, waits
            # for the app's worker thread, which waits for the keyring.
            hanging.release.set()

    async def test_a_save_that_hangs_times_out_and_says_nothing_was_saved(
        self, hanging: HangingKeyring
    ) -> None:
        async with profile_app(hanging, timeout=self.TIMEOUT).run_test(size=SIZE) as pilot:
            await profiles_loaded(pilot)
            await pilot.press("n")
            form = await arrive(pilot, ProfileFormScreen)
            set_fields(form, name="m-1", pool="eu-north-1_New789", client="c" * 26)
            hanging.arm(write=1)
            await pilot.press("ctrl+s")
            await until(pilot, lambda: shows(pilot.app, "Saving to the keyring…"), "the wait")
            # The fields take no typing while the save runs, but keys are still handled.
            assert field(form, "pool").disabled and field(form, "client").disabled
            before = focused_id(pilot.app)
            await pilot.press("tab")
            assert focused_id(pilot.app) != before
            assert form.in_flight, "the key was handled only after the keyring gave up"
            await wait_until_idle(pilot, timeout=5)
            message = status_text(form)
            assert "did not answer within 1 s" in message
            assert "othing was saved" in message
        assert saved_names(hanging) == ["lab", "work"]


# After an enrolment against the local Cognito ------------------------------------------------


async def enrol(pilot: Pilot[None], user: PoolUser) -> DoneScreen:
    """From the sign-in screen through to the done screen."""
    screen = await reach_enrol(pilot, user)
    key = shown_key(screen)
    await paste(pilot, code_now(key.value))
    await pilot.press("enter")
    return await arrive(pilot, DoneScreen)


def has_name_field(screen: DoneScreen) -> bool:
    return bool(screen.query("#profile-name"))


class TestSavingAfterEnrolment:
    async def test_flags_are_offered_and_saved_under_the_name_typed(
        self, local_cognito: LocalCognito, pool: DemoPool, user: PoolUser
    ) -> None:
        backend = MemoryKeyring()
        settings = settings_for(local_cognito, pool)
        assert (settings.profile_name, settings.save) == (None, True)
        app = TotpApp(settings, store_factory=lambda: ProfileStore(backend))
        async with app.run_test(size=SIZE) as pilot:
            done = await enrol(pilot, user)
            assert shows(app, "Save these settings as a profile?")
            assert focused_id(app) == "profile-name"
            await type_text(pilot, "acme")
            await pilot.press("enter")
            await wait_until_idle(pilot)
            assert status_text(done) == "Saved as profile acme. Press Enter to finish."
            assert shows(app, "Saved as profile acme.")
            assert done.query_one("#profile-name", Input).disabled
            await pilot.press("enter")
            await pilot.pause()
            assert not app.is_running
        saved = ProfileStore(backend).load("acme")
        assert (saved.user_pool_id, saved.client_id, saved.region) == (
            pool.user_pool_id,
            pool.client_id,
            pool.region,
        )
        assert saved.endpoint_url == local_cognito.endpoint_url
        assert saved.last_username == user.username

    async def test_a_profile_in_use_gets_the_username_saved_back(
        self, local_cognito: LocalCognito, pool: DemoPool, user: PoolUser
    ) -> None:
        backend = MemoryKeyring()
        store = ProfileStore(backend)
        store.save(
            Profile(
                name="acme",
                region=pool.region,
                user_pool_id=pool.user_pool_id,
                client_id=pool.client_id,
                endpoint_url=local_cognito.endpoint_url,
                issuer="Acme",
            )
        )
        loaded = store.load("acme")
        # What `totp-tui --profile acme` computes.
        settings = effective_settings(RequestedSettings(profile="acme"), {}, loaded, None)
        assert settings.profile_name == "acme"
        app = TotpApp(settings, store_factory=lambda: ProfileStore(backend))
        async with app.run_test(size=SIZE) as pilot:
            done = await enrol(pilot, user)
            assert not has_name_field(done)  # nothing to ask: the profile is known
            await wait_for_status(pilot, done, "Saved as profile acme.")
        assert ProfileStore(backend).load("acme") == dataclasses.replace(
            loaded, last_username=user.username
        )

    async def test_no_save_offers_nothing_and_writes_nothing(
        self, local_cognito: LocalCognito, pool: DemoPool, user: PoolUser
    ) -> None:
        backend = MemoryKeyring()
        settings = settings_for(local_cognito, pool, save=False)
        app = TotpApp(settings, store_factory=lambda: ProfileStore(backend))
        async with app.run_test(size=SIZE) as pilot:
            done = await enrol(pilot, user)
            await pilot.pause(0.1)
            assert not has_name_field(done)
            assert not shows(app, "Save these settings")
            assert status_text(done) == ""
            await pilot.press("enter")
            await pilot.pause()
            assert not app.is_running
        assert backend.writes == 0 and backend.entries == {}

    async def test_without_a_keyring_the_done_screen_says_profiles_cannot_be_saved(
        self, local_cognito: LocalCognito, pool: DemoPool, user: PoolUser
    ) -> None:
        settings: Settings = settings_for(local_cognito, pool)
        app = TotpApp(settings, store_factory=lambda: ProfileStore(no_keyring()))
        async with app.run_test(size=SIZE) as pilot:
            done = await enrol(pilot, user)
            assert not has_name_field(done)
            message = status_text(done)
            assert message.startswith("Profiles cannot be saved here.")
            missing = [word for word in HOW_TO_FIX_WORDS if word not in message]
            assert missing == []
            assert shows(app, "Profiles cannot be saved here.")
