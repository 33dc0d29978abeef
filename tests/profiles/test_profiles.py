"""Profiles in the OS keyring: JSON format, store, failures, backend policy, real Secret Service."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import keyring.core
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keyring.backends import chainer, fail, null

from tests.support.keyring_backends import (
    FailingWriteKeyring,
    HangingKeyring,
    LockedKeyring,
    MemoryKeyring,
    PlaintextLikeKeyring,
    require_secret_service,
)
from totp_tui.config.settings import AUTH_FLOWS
from totp_tui.profiles import (
    INDEX_ENTRY,
    SCHEMA_VERSION,
    SERVICE,
    Profile,
    ProfileError,
    ProfileStore,
    check_backend,
    validate_name,
)

REPO = Path(__file__).resolve().parents[2]
# An entry exactly as totp-tui wrote it before schema 2 (no session_minutes): people's keyrings
# hold these, and they must keep loading.
SCHEMA_1_ENTRY = (
    '{"auth_flow":"USER_PASSWORD_AUTH","ca_bundle":null,"client_id":"aaaaaaaaaaaaaaaaaaaaaaaaaa",'
    '"connect_timeout":10.0,"endpoint_url":null,"issuer":"Acme","last_username":"alice",'
    '"name":"work","read_timeout":30.0,"region":"eu-west-2","schema_version":1,'
    '"user_pool_id":"eu-west-2_AbC123","verify_ssl":true}'
)
SHORT = 0.2  # seconds: the timeout for tests where the keyring hangs
PLAINTEXT_LIKE = "tests.support.keyring_backends.PlaintextLikeKeyring"


@pytest.fixture(autouse=True)
def no_backend_choice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Neither PYTHON_KEYRING_BACKEND nor a keyring config file, unless a test sets one."""
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def make_profile(name: str = "work", **changes: object) -> Profile:
    values: dict[str, object] = {
        "name": name,
        "region": "eu-west-2",
        "user_pool_id": "eu-west-2_AbC123",
        "client_id": "a" * 26,
    }
    values.update(changes)
    return Profile(**values)  # type: ignore[arg-type]


def entry(store_backend: MemoryKeyring, username: str) -> str | None:
    return store_backend.entries.get((SERVICE, username))


def index_of(backend: MemoryKeyring) -> list[str] | None:
    raw = entry(backend, INDEX_ENTRY)
    return None if raw is None else list(json.loads(raw))


def assert_index_never_dangled(backend: MemoryKeyring) -> None:
    """After every single write, each name in the index had its profile entry."""
    for entries in backend.history:
        names = json.loads(entries.get((SERVICE, INDEX_ENTRY), "[]"))
        dangling = [name for name in names if (SERVICE, f"profile:{name}") not in entries]
        assert not dangling, f"index listed {dangling} with no entry: {sorted(entries)}"


seconds = st.floats(min_value=0.001, max_value=600) | st.integers(min_value=1, max_value=600)
optional_text = st.none() | st.text()
profiles = st.builds(
    Profile,
    name=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", fullmatch=True),
    region=st.text(),
    user_pool_id=st.text(),
    client_id=st.text(),
    auth_flow=st.sampled_from(AUTH_FLOWS),
    issuer=st.text(),
    endpoint_url=optional_text,
    verify_ssl=st.booleans(),
    ca_bundle=optional_text,
    connect_timeout=seconds,
    read_timeout=seconds,
    session_minutes=st.integers(min_value=3, max_value=15),
    last_username=optional_text,
)


class TestProfileJson:
    @given(profiles)
    def test_round_trip(self, profile: Profile) -> None:
        assert Profile.from_json(profile.to_json()) == profile

    def test_holds_exactly_the_profile_fields(self) -> None:
        data = json.loads(make_profile(last_username="alice").to_json())
        assert data["schema_version"] == SCHEMA_VERSION == 2
        assert set(data) == {
            "name", "region", "user_pool_id", "client_id", "auth_flow", "issuer", "endpoint_url",
            "verify_ssl", "ca_bundle", "connect_timeout", "read_timeout", "session_minutes",
            "last_username", "schema_version",
        }  # fmt: skip
        assert data["session_minutes"] == 3

    def test_newer_schema_is_refused(self) -> None:
        data = json.loads(make_profile().to_json()) | {"schema_version": 3, "new_field": 1}
        with pytest.raises(ProfileError) as caught:
            Profile.from_json(json.dumps(data))
        assert str(caught.value) == (
            "profile 'work' was saved by a newer totp-tui (schema 3);"
            " upgrade totp-tui or delete the profile"
        )

    def test_schema_1_entry_loads_with_the_default_session_length(self) -> None:
        profile = Profile.from_json(SCHEMA_1_ENTRY)
        assert profile == make_profile(
            auth_flow="USER_PASSWORD_AUTH", issuer="Acme", last_username="alice"
        )
        assert profile.session_minutes == 3
        # Saved again, it is a schema-2 entry with the field written out.
        data = json.loads(profile.to_json())
        assert (data["schema_version"], data["session_minutes"]) == (2, 3)

    def test_schema_1_entry_with_a_schema_2_field_is_damaged(self) -> None:
        data = json.loads(SCHEMA_1_ENTRY) | {"session_minutes": 10}
        with pytest.raises(ProfileError, match="damaged: unknown fields session_minutes"):
            Profile.from_json(json.dumps(data))

    def test_schema_1_entry_still_needs_its_own_fields(self) -> None:
        data = json.loads(SCHEMA_1_ENTRY)
        del data["issuer"]
        with pytest.raises(ProfileError, match=r"damaged: missing fields issuer$"):
            Profile.from_json(json.dumps(data))

    def test_schema_2_entry_without_session_minutes_is_damaged(self) -> None:
        data = json.loads(make_profile().to_json())
        del data["session_minutes"]
        with pytest.raises(ProfileError) as caught:
            Profile.from_json(json.dumps(data))
        assert str(caught.value) == "profile 'work' is damaged: missing fields session_minutes"

    def test_session_minutes_round_trip(self) -> None:
        profile = make_profile(session_minutes=10)
        assert json.loads(profile.to_json())["session_minutes"] == 10
        assert Profile.from_json(profile.to_json()).session_minutes == 10

    @pytest.mark.parametrize("minutes", [2, 16, 0, True, 5.0, "10", None])
    def test_bad_session_minutes_are_refused(self, minutes: object) -> None:
        with pytest.raises(
            ProfileError, match="session_minutes must be a whole number from 3 to 15"
        ):
            make_profile(session_minutes=minutes)

    @pytest.mark.parametrize("minutes", [3, 15])
    def test_session_minutes_at_the_limits(self, minutes: int) -> None:
        assert make_profile(session_minutes=minutes).session_minutes == minutes

    def test_user_auth_flow_is_kept(self) -> None:
        profile = make_profile(auth_flow="USER_AUTH")
        assert Profile.from_json(profile.to_json()).auth_flow == "USER_AUTH"

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("", "is not valid JSON"),
            ('{"name": "work"', "is not valid JSON"),
            ("[1, 2]", "is not a JSON object"),
            ('{"name": "work"}', "has no schema_version"),
            ('{"schema_version": "1"}', "has no schema_version"),
            ('{"schema_version": true}', "has no schema_version"),
            ('{"schema_version": 0}', "unknown schema version 0"),
        ],
    )
    def test_malformed_json_is_refused(self, text: str, expected: str) -> None:
        with pytest.raises(ProfileError, match=expected):
            Profile.from_json(text)

    @pytest.mark.parametrize(
        ("change", "expected"),
        [
            ({"extra": 1}, "unknown fields extra"),
            ({"region": None}, "region has the wrong type"),
            ({"verify_ssl": "yes"}, "verify_ssl has the wrong type"),
            ({"connect_timeout": True}, "connect_timeout has the wrong type"),
            ({"session_minutes": 5.0}, "session_minutes has the wrong type"),
            ({"session_minutes": True}, "session_minutes has the wrong type"),
            ({"session_minutes": "10"}, "session_minutes has the wrong type"),
            ({"session_minutes": None}, "session_minutes has the wrong type"),
            ({"session_minutes": 20}, "session_minutes must be a whole number from 3 to 15"),
            ({"read_timeout": -1}, "read_timeout must be a positive number"),
            ({"auth_flow": "CUSTOM_AUTH"}, "auth flow 'CUSTOM_AUTH' is not one of"),
            ({"name": "no spaces"}, "profile name 'no spaces' must be"),
        ],
    )
    def test_damaged_fields_are_refused(self, change: dict[str, object], expected: str) -> None:
        data = json.loads(make_profile().to_json()) | change
        with pytest.raises(ProfileError, match=expected):
            Profile.from_json(json.dumps(data), label="profile 'work'")

    def test_missing_field_is_refused(self) -> None:
        data = json.loads(make_profile().to_json())
        del data["issuer"]
        with pytest.raises(ProfileError, match="profile 'work' is damaged: missing fields issuer"):
            Profile.from_json(json.dumps(data))

    def test_non_finite_numbers_are_refused(self) -> None:
        text = make_profile().to_json().replace('"read_timeout":30.0', '"read_timeout":NaN')
        assert "NaN" in text
        with pytest.raises(ProfileError, match="not valid JSON"):
            Profile.from_json(text)

    @pytest.mark.parametrize(
        "name", ["", "a" * 65, "-work", ".work", "a b", "a:b", "a/b", "café", "work\n", "work\t"]
    )
    def test_invalid_names_are_refused(self, name: str) -> None:
        with pytest.raises(ProfileError, match="profile name"):
            validate_name(name)
        with pytest.raises(ProfileError, match="profile name"):
            make_profile(name)

    @pytest.mark.parametrize("name", ["a", "a" * 64, "Work.eu-west-2_prod", "0"])
    def test_valid_names(self, name: str) -> None:
        assert validate_name(name) == name


class TestStore:
    def test_save_load_list_delete(self) -> None:
        backend = MemoryKeyring()
        store = ProfileStore(backend)
        assert store.list_names() == []
        store.save(make_profile("work", last_username="alice"))
        store.save(make_profile("home", issuer="Home"))
        assert store.list_names() == ["home", "work"]
        assert store.exists("work") and not store.exists("other")
        assert store.load("work") == make_profile("work", last_username="alice")
        assert index_of(backend) == ["work", "home"]
        store.delete("work")
        assert store.list_names() == ["home"]
        assert entry(backend, "profile:work") is None
        assert_index_never_dangled(backend)
        with pytest.raises(ProfileError, match="there is no saved profile named 'work'"):
            store.load("work")
        with pytest.raises(ProfileError, match="there is no saved profile named 'work'"):
            store.delete("work")

    def test_overwrite_keeps_one_index_entry(self) -> None:
        backend = MemoryKeyring()
        store = ProfileStore(backend)
        store.save(make_profile(issuer="Old"))
        store.save(make_profile(issuer="New"))
        assert index_of(backend) == ["work"]
        assert store.load("work").issuer == "New"

    @settings(max_examples=30)
    @given(profiles)
    def test_store_round_trip(self, profile: Profile) -> None:
        store = ProfileStore(MemoryKeyring())
        store.save(profile)
        assert store.load(profile.name) == profile

    def test_client_secret_is_a_separate_entry(self) -> None:
        backend = MemoryKeyring()
        store = ProfileStore(backend)
        with pytest.raises(ProfileError, match="no saved profile named 'work'; save it first"):
            store.set_client_secret("work", "s3cret-value")
        store.save(make_profile())
        assert not store.has_client_secret("work")
        store.set_client_secret("work", "s3cret-value")
        assert store.has_client_secret("work")
        assert store.get_client_secret("work") == "s3cret-value"
        assert entry(backend, "profile:work:client-secret") == "s3cret-value"
        assert "s3cret" not in (entry(backend, "profile:work") or "")
        assert "s3cret" not in repr(store.load("work"))
        store.delete_client_secret("work")
        assert not store.has_client_secret("work")
        store.delete_client_secret("work")  # already gone: not an error
        with pytest.raises(ProfileError, match="client secret is empty"):
            store.set_client_secret("work", "")

    def test_delete_removes_the_client_secret(self) -> None:
        backend = MemoryKeyring()
        store = ProfileStore(backend)
        store.save(make_profile())
        store.set_client_secret("work", "s3cret-value")
        store.delete("work")
        assert backend.entries == {(SERVICE, INDEX_ENTRY): "[]"}

    def test_damaged_index_is_reported(self) -> None:
        backend = MemoryKeyring()
        backend.entries[(SERVICE, INDEX_ENTRY)] = '{"not": "a list"}'
        store = ProfileStore(backend)
        with pytest.raises(ProfileError, match=r"list of profiles .* is damaged"):
            store.list_names()
        with pytest.raises(ProfileError, match=r"damaged.*nothing was saved"):
            store.save(make_profile())
        assert entry(backend, "profile:work") is None

    def test_entry_of_another_schema_is_reported_by_name(self) -> None:
        backend = MemoryKeyring()
        store = ProfileStore(backend)
        store.save(make_profile())
        data = json.loads(entry(backend, "profile:work") or "") | {"schema_version": 7}
        backend.entries[(SERVICE, "profile:work")] = json.dumps(data)
        with pytest.raises(ProfileError, match=r"profile 'work' was saved by a newer totp-tui"):
            store.load("work")

    def test_schema_1_entry_in_the_keyring_loads_and_saves_as_schema_2(self) -> None:
        backend = MemoryKeyring()
        backend.entries[(SERVICE, INDEX_ENTRY)] = '["work"]'
        backend.entries[(SERVICE, "profile:work")] = SCHEMA_1_ENTRY
        store = ProfileStore(backend)
        loaded = store.load("work")
        assert (loaded.issuer, loaded.session_minutes) == ("Acme", 3)
        store.save(loaded)
        data = json.loads(entry(backend, "profile:work") or "")
        assert (data["schema_version"], data["session_minutes"]) == (2, 3)
        assert store.load("work") == loaded

    def test_listed_profile_with_missing_entry_is_reported(self) -> None:
        backend = MemoryKeyring()
        backend.entries[(SERVICE, INDEX_ENTRY)] = '["work"]'
        with pytest.raises(ProfileError, match="listed but its keyring entry is missing"):
            ProfileStore(backend).load("work")


class TestFailures:
    def test_failed_index_write_leaves_no_orphan(self) -> None:
        backend = FailingWriteKeyring()
        store = ProfileStore(backend)
        store.save(make_profile("home"))
        before = dict(backend.entries)
        backend.arm(2)  # the new profile's entry is write 1, the index write 2
        with pytest.raises(ProfileError) as caught:
            store.save(make_profile("work"))
        assert str(caught.value) == (
            "the keyring refused to store it (simulated failure); nothing was saved"
        )
        assert backend.entries == before
        assert store.list_names() == ["home"]

    def test_index_written_then_failed_is_restored(self) -> None:
        backend = FailingWriteKeyring(store_first=True)
        store = ProfileStore(backend)
        store.save(make_profile("home"))
        before = dict(backend.entries)
        backend.arm(2)
        with pytest.raises(ProfileError, match="nothing was saved"):
            store.save(make_profile("work"))
        assert backend.entries == before
        assert_index_never_dangled(backend)

    def test_first_index_write_failing_leaves_nothing(self) -> None:
        backend = FailingWriteKeyring(fail_on_write=2, store_first=True)
        with pytest.raises(ProfileError, match="nothing was saved"):
            ProfileStore(backend).save(make_profile())
        assert backend.entries == {}

    def test_overwrite_that_fails_restores_the_previous_version(self) -> None:
        backend = FailingWriteKeyring(store_first=True)
        store = ProfileStore(backend)
        store.save(make_profile(issuer="Old"))
        backend.arm(1)
        with pytest.raises(ProfileError, match="nothing was saved"):
            store.save(make_profile(issuer="New"))
        assert store.load("work").issuer == "Old"

    def test_failed_rollback_is_reported(self) -> None:
        class WritesThenBreaks(MemoryKeyring):
            broken = False

            def set_password(self, service: str, username: str, password: str) -> None:
                if self.broken:
                    raise RuntimeError("D-Bus connection lost")
                super().set_password(service, username, password)
                self.broken = username == "profile:work"

        store = ProfileStore(WritesThenBreaks())
        store.save(make_profile("home"))
        with pytest.raises(ProfileError) as caught:
            store.save(make_profile("work"))
        # The index write failed; deleting the new entry (the rollback) worked.
        assert "nothing was saved" in str(caught.value)
        assert store.list_names() == ["home"]

    def test_failed_secret_write_does_not_show_the_secret(self) -> None:
        backend = FailingWriteKeyring()
        store = ProfileStore(backend)
        store.save(make_profile())
        backend.arm(1)
        with pytest.raises(ProfileError) as caught:
            store.set_client_secret("work", "s3cret-value")
        assert "client secret was not saved" in str(caught.value)
        assert "s3cret" not in str(caught.value)

    def test_locked_keyring(self) -> None:
        store = ProfileStore(LockedKeyring())
        with pytest.raises(ProfileError) as caught:
            store.save(make_profile())
        assert str(caught.value) == (
            "the keyring is locked and was not unlocked (was the unlock prompt dismissed?);"
            " nothing was saved"
        )
        with pytest.raises(ProfileError, match=r"locked.*could not be read"):
            store.list_names()

    @pytest.fixture
    def hanging(self) -> Iterator[HangingKeyring]:
        backend = HangingKeyring()
        yield backend
        backend.release.set()

    def test_hanging_keyring_times_out(self, hanging: HangingKeyring) -> None:
        store = ProfileStore(hanging, timeout=SHORT)
        hanging.arm()
        started = time.monotonic()
        with pytest.raises(ProfileError) as caught:
            store.save(make_profile())
        elapsed = time.monotonic() - started
        assert str(caught.value) == (
            "the keyring did not answer within 0.2 s (locked? waiting for an unlock prompt?);"
            " nothing was saved"
        )
        assert SHORT <= elapsed < SHORT + 0.3
        started = time.monotonic()
        with pytest.raises(ProfileError, match=r"did not answer within 0\.2 s"):
            store.list_names()  # queued behind the stuck call: waits its own timeout only
        assert time.monotonic() - started < SHORT + 0.3

    @pytest.mark.parametrize("stuck_write", [1, 2], ids=["entry", "index"])
    def test_write_that_finishes_after_the_timeout_is_undone(
        self, hanging: HangingKeyring, stuck_write: int
    ) -> None:
        store = ProfileStore(hanging, timeout=SHORT)
        store.save(make_profile("home"))
        before = dict(hanging.entries)
        hanging.arm(write=stuck_write)
        with pytest.raises(ProfileError, match=r"did not answer.*nothing was saved"):
            store.save(make_profile("work"))
        hanging.release.set()  # the stuck write completes now, then the queued rollback
        assert store.list_names() == ["home"]  # runs after both, on the same thread
        assert hanging.entries == before
        assert_index_never_dangled(hanging)
        store.save(make_profile("work"))
        assert store.list_names() == ["home", "work"]


class TestBackendPolicy:
    def test_recommended_backend_is_usable(self) -> None:
        status = check_backend(MemoryKeyring())
        assert status.usable
        assert status.name == "tests.support.keyring_backends.MemoryKeyring"

    def test_fail_backend_means_no_keyring(self) -> None:
        store = ProfileStore(fail.Keyring())
        status = store.check_backend()
        assert not status.usable
        assert status.name == "keyring.backends.fail.Keyring"
        assert status.message.startswith("There is no usable keyring here.")
        for advice in (
            "dbus-run-session",
            "gnome-keyring-daemon --unlock",
            "PYTHON_KEYRING_BACKEND",
            "--no-save",
        ):
            assert advice in status.message
        with pytest.raises(ProfileError) as caught:
            store.save(make_profile())
        assert str(caught.value) == status.message

    def test_disabled_keyring_is_not_usable(self) -> None:
        status = check_backend(null.Keyring())
        assert not status.usable
        assert "keyring is disabled" in status.message

    def test_plaintext_backend_is_refused(self) -> None:
        backend = PlaintextLikeKeyring()
        store = ProfileStore(backend)
        status = store.check_backend()
        assert not status.usable
        assert "below keyring's 'recommended' priority of 1" in status.message
        assert f"PYTHON_KEYRING_BACKEND={PLAINTEXT_LIKE}" in status.message
        with pytest.raises(ProfileError, match="recommended"):
            store.save(make_profile())
        assert backend.entries == {}

    def test_plaintext_backend_chosen_in_the_environment(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", PLAINTEXT_LIKE)
        backend = PlaintextLikeKeyring()
        store = ProfileStore(backend)
        status = store.check_backend()
        assert status.usable, status.message
        assert "chosen in PYTHON_KEYRING_BACKEND" in status.message
        store.save(make_profile())
        assert store.list_names() == ["work"]

    def test_plaintext_backend_chosen_in_keyring_config(self, tmp_path: Path) -> None:
        config = tmp_path / "config" / "python_keyring" / "keyringrc.cfg"
        config.parent.mkdir(parents=True)
        config.write_text(f"[backend]\ndefault-keyring = {PLAINTEXT_LIKE}\n")
        status = check_backend(PlaintextLikeKeyring())
        assert status.usable, status.message
        assert str(config) in status.message

    def test_choosing_another_backend_does_not_allow_this_one(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.support.keyring_backends.MemoryKeyring")
        assert not check_backend(PlaintextLikeKeyring()).usable

    def test_chainer_is_judged_by_the_backend_it_writes_to(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # keyrings.alt without a Secret Service: the chainer claims priority 10, but writes
        # go to the first chained backend, a plaintext file.
        monkeypatch.setattr(
            chainer.ChainerBackend, "backends", [PlaintextLikeKeyring(), PlaintextLikeKeyring()]
        )
        backend = chainer.ChainerBackend()
        assert backend.priority == 10
        status = check_backend(backend)
        assert not status.usable
        assert PLAINTEXT_LIKE in status.message

    @pytest.fixture
    def default_backend(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Make keyring choose its backend again, as in a fresh process."""
        monkeypatch.setattr(keyring.core, "_keyring_backend", None)

    @pytest.mark.usefixtures("default_backend")
    def test_default_backend_honours_the_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", PLAINTEXT_LIKE)
        status = check_backend()
        assert status.usable, status.message
        assert status.name == PLAINTEXT_LIKE

    @pytest.mark.usefixtures("default_backend")
    def test_default_fail_backend(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
        status = check_backend()
        assert not status.usable
        assert "There is no usable keyring here" in status.message

    @pytest.mark.usefixtures("default_backend")
    def test_unknown_backend_in_the_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "no_such_module.Keyring")
        store = ProfileStore()
        status = store.check_backend()
        assert not status.usable
        assert status.message.startswith(
            "the keyring backend no_such_module.Keyring (chosen in PYTHON_KEYRING_BACKEND)"
            " cannot be used here (No module named 'no_such_module')."
        )
        with pytest.raises(ProfileError, match="no_such_module"):
            store.list_names()

    @pytest.mark.usefixtures("default_backend")
    def test_secret_service_forced_without_dbus(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.SecretService.Keyring")
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        status = check_backend()
        assert not status.usable
        assert "keyring.backends.SecretService.Keyring" in status.message
        assert "dbus-run-session" in status.message

    def test_import_does_not_load_keyring(self) -> None:
        code = "import sys, totp_tui.profiles; print('keyring' in sys.modules)"
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
        )
        assert result.stdout.strip() == "False"


# Against the real Secret Service that tests/support/with_secret_service.sh starts (`make test`).


@pytest.fixture
def real_store() -> ProfileStore:
    require_secret_service()
    store = ProfileStore()
    status = store.check_backend()
    assert status.usable, status.message
    assert status.name == "keyring.backends.SecretService.Keyring"
    for name in store.list_names():  # each test starts from an empty list
        store.delete(name)
    return store


def secret_tool_lookup(username: str) -> str | None:
    """What libsecret's own client finds: proof the entry is in the Secret Service."""
    result = subprocess.run(
        ["secret-tool", "lookup", "service", SERVICE, "username", username],
        capture_output=True,
        text=True,
        timeout=10,
    )
    return result.stdout if result.returncode == 0 else None


def run_second_process(code: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=REPO,
        env=os.environ | env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


class TestRealSecretService:
    def test_round_trip(self, real_store: ProfileStore) -> None:
        work = make_profile("work", last_username="alice", endpoint_url="http://127.0.0.1:5000")
        real_store.save(work)
        real_store.save(make_profile("home"))
        assert real_store.list_names() == ["home", "work"]
        assert real_store.load("work") == work
        real_store.save(make_profile("work", issuer="Changed"))
        assert real_store.load("work").issuer == "Changed"
        if shutil.which("secret-tool"):
            assert json.loads(secret_tool_lookup(INDEX_ENTRY) or "") == ["work", "home"]
        real_store.delete("work")
        assert real_store.list_names() == ["home"]
        assert not real_store.exists("work")
        if shutil.which("secret-tool"):
            assert secret_tool_lookup("profile:work") is None

    def test_client_secret(self, real_store: ProfileStore) -> None:
        real_store.save(make_profile())
        assert not real_store.has_client_secret("work")
        real_store.set_client_secret("work", "throwaway-client-secret")
        assert real_store.has_client_secret("work")
        assert real_store.get_client_secret("work") == "throwaway-client-secret"
        if shutil.which("secret-tool"):
            assert "throwaway" not in (secret_tool_lookup("profile:work") or "")
            assert secret_tool_lookup("profile:work:client-secret") == "throwaway-client-secret"
        real_store.delete("work")
        assert not real_store.has_client_secret("work")

    def test_second_process_reads_what_the_first_saved(self, real_store: ProfileStore) -> None:
        work = make_profile("work", last_username="alice", verify_ssl=False)
        real_store.save(work)
        real_store.save(make_profile("home"))
        real_store.set_client_secret("work", "throwaway-client-secret")
        output = run_second_process(
            """
            import json, os
            from totp_tui.profiles import ProfileStore
            store = ProfileStore()
            print(json.dumps({
                "backend": store.check_backend().name,
                "names": store.list_names(),
                "work": store.load("work").to_json(),
                "secret_matches": store.get_client_secret("work") == os.environ["EXPECTED"],
            }))
            store.delete("home")
            """,
            EXPECTED="throwaway-client-secret",
        )
        seen = json.loads(output)
        assert seen["backend"] == "keyring.backends.SecretService.Keyring"
        assert seen["names"] == ["home", "work"]
        assert Profile.from_json(seen["work"]) == work
        assert seen["secret_matches"] is True
        assert real_store.list_names() == ["work"]  # and the first sees what the second deleted

    @pytest.mark.usefixtures("real_store")
    def test_locked_collection(self) -> None:
        # Locking is one-way without a prompt, so lock a keyring of its own: a nested private
        # session. No display: the unlock prompt cannot show, and is dismissed.
        code = """
            import time, secretstorage
            from totp_tui.profiles import Profile, ProfileError, ProfileStore
            collection = secretstorage.get_default_collection(secretstorage.dbus_init())
            collection.lock()
            assert collection.is_locked()
            started = time.monotonic()
            try:
                ProfileStore(timeout=5).save(Profile("work", "eu-west-2", "eu-west-2_A", "b"))
            except ProfileError as error:
                print(error)
            print(f"{time.monotonic() - started:.1f}")
        """
        result = subprocess.run(
            [
                REPO / "tests" / "support" / "with_secret_service.sh",
                sys.executable,
                "-c",
                textwrap.dedent(code),
            ],
            capture_output=True,
            text=True,
            timeout=30,
            cwd=REPO,
            env={k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")},
        )
        assert result.returncode == 0, result.stderr
        message, seconds = result.stdout.splitlines()
        assert message == (
            "the keyring is locked and was not unlocked (was the unlock prompt dismissed?);"
            " nothing was saved"
        )
        assert float(seconds) < 5
