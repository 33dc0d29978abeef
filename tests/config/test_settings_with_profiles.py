"""Settings with a profile: flags > environment > profile > defaults, and each value's source."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from totp_tui.cli.main import main
from totp_tui.config.settings import (
    RequestedSettings,
    Settings,
    SettingsError,
    effective_settings,
    requested_profile_name,
)
from totp_tui.profiles import Profile, profile_from_settings

POOL = "eu-west-2_AbC123"
CLIENT = "1example23456789abcdefghij"
SECRET = "fake-Client-Secret-from-the-environment-0123456789"
SAVED_SECRET = "fake-Client-Secret-from-the-keyring-9876543210"
LOGGERS = (
    "totp_tui",
    "botocore",
    "urllib3",
    "botocore.hooks",
    "botocore.loaders",
    "botocore.credentials",
)


@pytest.fixture
def bundles(tmp_path: Path) -> dict[str, str]:
    """One readable CA bundle per source, so the winner is visible."""
    paths = {}
    for source in ("flag", "env", "profile"):
        path = tmp_path / f"{source}.pem"
        path.write_text("-----BEGIN CERTIFICATE-----\n")
        paths[source] = str(path)
    return paths


@pytest.fixture
def work(bundles: dict[str, str]) -> Profile:
    """A profile whose every value differs from the default."""
    return Profile(
        name="work",
        region="eu-west-2",
        user_pool_id=POOL,
        client_id=CLIENT,
        auth_flow="USER_PASSWORD_AUTH",
        issuer="Profile Issuer",
        endpoint_url="https://profile.example",
        verify_ssl=False,
        ca_bundle=bundles["profile"],
        connect_timeout=3.0,
        read_timeout=4.0,
        session_minutes=12,
        last_username="alice",
    )


def merged(
    saved: Profile | None = None,
    env: dict[str, str] | None = None,
    secret: str | None = None,
    **flags: Any,
) -> Settings:
    """effective_settings with the profile `saved`, the environment `env` and these flags."""
    return effective_settings(RequestedSettings(**flags), env or {}, saved, secret)


class TestProfileBeatsDefaults:
    def test_every_value_comes_from_the_profile(self, work: Profile) -> None:
        result = merged(work, secret=SAVED_SECRET)
        assert (result.region, result.user_pool_id, result.client_id) == ("eu-west-2", POOL, CLIENT)
        assert (result.auth_flow, result.issuer) == ("USER_PASSWORD_AUTH", "Profile Issuer")
        assert (result.endpoint_url, result.ca_bundle) == (work.endpoint_url, work.ca_bundle)
        assert result.verify is False
        assert (result.connect_timeout, result.read_timeout) == (3.0, 4.0)
        assert result.session_minutes == 12
        assert result.username == "alice"
        assert result.client_secret == SAVED_SECRET
        assert result.profile_name == "work"
        assert result.loaded_profile == work
        assert set(result.sources.values()) == {"profile:work"}

    def test_without_a_profile_the_defaults_stand(self) -> None:
        result = merged(user_pool_id=POOL, client_id=CLIENT)
        assert result.profile_name is None
        assert result.client_secret is None
        assert dict(result.sources) == {
            "user_pool_id": "flag",
            "client_id": "flag",
            "region": "default",  # the pool id's prefix
            "auth_flow": "default",
            "issuer": "default",
            "endpoint_url": "default",
            "ca_bundle": "default",
            "verify_ssl": "default",
            "connect_timeout": "default",
            "read_timeout": "default",
            "session_minutes": "default",
            "client_secret": "default",
            "username": "default",
        }

    def test_a_profile_without_a_client_secret(self, work: Profile) -> None:
        result = merged(work)
        assert result.client_secret is None
        assert result.sources["client_secret"] == "default"


class TestPrecedence:
    @pytest.mark.parametrize(
        ("flags", "env", "expected", "source"),
        [
            (
                {"region": "us-east-1", "user_pool_id": "us-east-1_Zz9"},
                {"AWS_REGION": "ap-south-1", "AWS_DEFAULT_REGION": "ap-south-1"},
                "us-east-1",
                "flag",
            ),
            (
                {"user_pool_id": "us-east-1_Zz9"},
                {"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "ap-south-1"},
                "us-east-1",
                "env:AWS_REGION",
            ),
            (
                {"user_pool_id": "us-east-1_Zz9"},
                {"AWS_DEFAULT_REGION": "us-east-1"},
                "us-east-1",
                "env:AWS_DEFAULT_REGION",
            ),
            ({}, {}, "eu-west-2", "profile:work"),
        ],
        ids=["flag", "AWS_REGION", "AWS_DEFAULT_REGION", "profile"],
    )
    def test_region(
        self,
        work: Profile,
        flags: dict[str, str],
        env: dict[str, str],
        expected: str,
        source: str,
    ) -> None:
        # The profile says eu-west-2 throughout: the pool's region must agree with the winner.
        result = merged(work, env, **flags)
        assert (result.region, result.sources["region"]) == (expected, source)

    def test_environment_region_beats_the_profile_and_the_error_says_so(
        self, work: Profile
    ) -> None:
        with pytest.raises(SettingsError) as caught:
            merged(work, {"AWS_REGION": "us-east-1"})
        assert str(caught.value) == (
            f"user pool {POOL} lives in eu-west-2, but the region is us-east-1"
            " (region from AWS_REGION; user pool id from profile 'work')"
        )

    @pytest.mark.parametrize(
        ("flag", "env", "expected", "source"),
        [
            (
                "https://flag.example",
                {
                    "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "https://service.example",
                    "AWS_ENDPOINT_URL": "https://global.example",
                },
                "https://flag.example",
                "flag",
            ),
            (
                None,
                {
                    "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "https://service.example",
                    "AWS_ENDPOINT_URL": "https://global.example",
                },
                "https://service.example",
                "env:AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
            ),
            (
                None,
                {"AWS_ENDPOINT_URL": "https://global.example"},
                "https://global.example",
                "env:AWS_ENDPOINT_URL",
            ),
            (None, {}, "https://profile.example", "profile:work"),
        ],
        ids=["flag", "service-env", "global-env", "profile"],
    )
    def test_endpoint(
        self, work: Profile, flag: str | None, env: dict[str, str], expected: str, source: str
    ) -> None:
        result = merged(work, env, endpoint_url=flag)
        assert (result.endpoint_url, result.sources["endpoint_url"]) == (expected, source)

    def test_endpoint_default(self, work: Profile) -> None:
        result = merged(replace(work, endpoint_url=None))
        assert (result.endpoint_url, result.sources["endpoint_url"]) == (None, "default")

    @pytest.mark.parametrize(
        ("given", "winner", "source"),
        [
            (("flag", "env"), "flag", "flag"),
            (("env",), "env", "env:AWS_CA_BUNDLE"),
            ((), "profile", "profile:work"),
        ],
        ids=["flag", "env", "profile"],
    )
    def test_ca_bundle(
        self,
        work: Profile,
        bundles: dict[str, str],
        given: tuple[str, ...],
        winner: str,
        source: str,
    ) -> None:
        env = {"AWS_CA_BUNDLE": bundles["env"]} if "env" in given else {}
        flag = bundles["flag"] if "flag" in given else None
        result = merged(work, env, ca_bundle=flag)
        assert (result.ca_bundle, result.sources["ca_bundle"]) == (bundles[winner], source)

    def test_ca_bundle_default(self, work: Profile) -> None:
        result = merged(replace(work, ca_bundle=None))
        assert (result.ca_bundle, result.sources["ca_bundle"]) == (None, "default")

    @pytest.mark.parametrize(
        ("flag", "env", "expected", "source"),
        [
            (5, {"TOTP_TUI_SESSION_MINUTES": "7"}, 5, "flag"),
            (None, {"TOTP_TUI_SESSION_MINUTES": "7"}, 7, "env:TOTP_TUI_SESSION_MINUTES"),
            (None, {"TOTP_TUI_SESSION_MINUTES": ""}, 12, "profile:work"),
            (None, {}, 12, "profile:work"),
        ],
        ids=["flag", "env", "empty-env", "profile"],
    )
    def test_session_minutes(
        self, work: Profile, flag: int | None, env: dict[str, str], expected: int, source: str
    ) -> None:
        result = merged(work, env, session_minutes=flag)
        assert (result.session_minutes, result.sources["session_minutes"]) == (expected, source)

    def test_a_profile_holding_the_default_is_still_the_source(self, work: Profile) -> None:
        result = merged(replace(work, session_minutes=3))
        assert (result.session_minutes, result.sources["session_minutes"]) == (3, "profile:work")

    def test_user_auth_from_a_profile(self, work: Profile) -> None:
        result = merged(replace(work, auth_flow="USER_AUTH"))
        assert (result.auth_flow, result.sources["auth_flow"]) == ("USER_AUTH", "profile:work")

    def test_client_secret_environment_beats_the_profile(self, work: Profile) -> None:
        result = merged(work, {"TOTP_TUI_CLIENT_SECRET": SECRET}, secret=SAVED_SECRET)
        assert result.client_secret == SECRET, "the profile's secret won over the environment's"
        assert result.sources["client_secret"] == "env:TOTP_TUI_CLIENT_SECRET"

    def test_client_secret_from_the_profile(self, work: Profile) -> None:
        result = merged(work, {"TOTP_TUI_CLIENT_SECRET": ""}, secret=SAVED_SECRET)
        assert result.client_secret == SAVED_SECRET, "the profile's secret was not used"
        assert result.sources["client_secret"] == "profile:work"

    @pytest.mark.parametrize(
        ("field", "flag_value"),
        [
            ("auth_flow", "USER_SRP_AUTH"),
            ("issuer", "Flag Issuer"),
            ("username", "bob"),
            ("verify_ssl", True),
            ("connect_timeout", 7.0),
            ("read_timeout", 8.0),
            ("session_minutes", 15),
            ("auth_flow", "USER_AUTH"),
            ("client_id", "flagclient123"),
            ("user_pool_id", "eu-west-2_Flag1"),
        ],
    )
    def test_flag_beats_the_profile(self, work: Profile, field: str, flag_value: Any) -> None:
        flags: dict[str, Any] = {field: flag_value}
        result = merged(work, **flags)
        assert (getattr(result, field), result.sources[field]) == (flag_value, "flag")

    def test_profile_verify_ssl_false_survives_a_command_line_without_the_flag(
        self, work: Profile
    ) -> None:
        assert merged(work, verify_ssl=None).verify is False
        assert merged(replace(work, verify_ssl=True), verify_ssl=False).verify is False


class TestProfileName:
    def test_totp_tui_profile_names_the_profile(self) -> None:
        assert requested_profile_name(RequestedSettings(), {"TOTP_TUI_PROFILE": "work"}) == "work"

    def test_flag_beats_totp_tui_profile(self) -> None:
        flags = RequestedSettings(profile="home")
        assert requested_profile_name(flags, {"TOTP_TUI_PROFILE": "work"}) == "home"

    def test_no_profile_asked_for(self) -> None:
        assert requested_profile_name(RequestedSettings(), {"TOTP_TUI_PROFILE": ""}) is None

    def test_source_of_the_profile_name(self, work: Profile) -> None:
        by_env = merged(work, {"TOTP_TUI_PROFILE": "work"})
        assert (by_env.profile_name, by_env.sources["profile_name"]) == (
            "work",
            "env:TOTP_TUI_PROFILE",
        )
        by_flag = merged(work, {"TOTP_TUI_PROFILE": "work"}, profile="work")
        assert by_flag.sources["profile_name"] == "flag"

    def test_profile_named_but_not_loaded_keeps_its_name(self) -> None:
        # With no usable keyring the wizard runs on flags, and can still say what not was saved.
        result = merged(None, {"TOTP_TUI_PROFILE": "work"}, user_pool_id=POOL, client_id=CLIENT)
        assert result.profile_name == "work"
        assert result.loaded_profile is None

    def test_a_different_profile_than_asked_for_is_a_bug(self, work: Profile) -> None:
        with pytest.raises(ValueError, match="'home' was asked for"):
            merged(work, profile="home")


class TestValidationNamesTheSource:
    def test_missing_ca_bundle_from_the_profile(self, work: Profile, tmp_path: Path) -> None:
        gone = str(tmp_path / "gone.pem")
        with pytest.raises(SettingsError) as caught:
            merged(replace(work, ca_bundle=gone))
        assert (
            str(caught.value) == f"CA bundle {gone!r} is not a readable file (from profile 'work')"
        )

    def test_bad_endpoint_from_the_environment(self, work: Profile) -> None:
        with pytest.raises(SettingsError) as caught:
            merged(work, {"AWS_ENDPOINT_URL": "localhost:4566"})
        assert str(caught.value).endswith("(from AWS_ENDPOINT_URL)")

    def test_flag_errors_are_unchanged(self, work: Profile) -> None:
        with pytest.raises(SettingsError) as caught:
            merged(work, endpoint_url="ftp://x")
        assert "(from" not in str(caught.value)

    def test_bad_session_minutes_from_the_environment_beats_a_good_profile(
        self, work: Profile
    ) -> None:
        with pytest.raises(SettingsError) as caught:
            merged(work, {"TOTP_TUI_SESSION_MINUTES": "16"})
        assert str(caught.value) == (
            "--session-minutes must be a whole number from 3 to 15"
            " (the app client's sign-in session length), not 16"
            " (from TOTP_TUI_SESSION_MINUTES)"
        )

    def test_timeout_from_a_profile_over_the_limit(self, work: Profile) -> None:
        with pytest.raises(SettingsError, match=r"between 0 and 600 .*\(from profile 'work'\)"):
            merged(replace(work, read_timeout=900.0))


class TestSettingsBuiltDirectly:
    def test_new_fields_default(self) -> None:
        direct = Settings(region="eu-west-2", user_pool_id=POOL, client_id=CLIENT)
        assert direct.profile_name is None and direct.loaded_profile is None
        assert dict(direct.sources) == {}

    def test_sources_do_not_change_equality(self) -> None:
        direct = Settings(region="eu-west-2", user_pool_id=POOL, client_id=CLIENT)
        assert merged(user_pool_id=POOL, client_id=CLIENT) == direct
        assert hash(merged(user_pool_id=POOL, client_id=CLIENT)) == hash(direct)


class TestProfileFromSettings:
    def test_round_trip(self, work: Profile) -> None:
        assert profile_from_settings(merged(work), "work", remember_username=True) == work

    def test_username_only_when_remembering(self, work: Profile) -> None:
        settings = merged(work, username="bob")
        assert profile_from_settings(settings, "work", remember_username=True).last_username == (
            "bob"
        )
        assert (
            profile_from_settings(settings, "work", remember_username=False).last_username is None
        )

    def test_flag_changes_are_saved(self, work: Profile, bundles: dict[str, str]) -> None:
        settings = merged(work, endpoint_url="https://flag.example", ca_bundle=bundles["flag"])
        saved = profile_from_settings(settings, "work", remember_username=True)
        assert (saved.endpoint_url, saved.ca_bundle) == ("https://flag.example", bundles["flag"])

    def test_environment_values_are_not_saved(self, work: Profile, bundles: dict[str, str]) -> None:
        env = {"AWS_ENDPOINT_URL": "http://127.0.0.1:4566", "AWS_CA_BUNDLE": bundles["env"]}
        saved = profile_from_settings(merged(work, env), "work", remember_username=True)
        assert (saved.endpoint_url, saved.ca_bundle) == (work.endpoint_url, work.ca_bundle)
        fresh = merged(None, env, user_pool_id=POOL, client_id=CLIENT)
        new = profile_from_settings(fresh, "new", remember_username=True)
        assert (new.endpoint_url, new.ca_bundle) == (None, None)

    def test_session_minutes_from_a_flag_is_saved(self, work: Profile) -> None:
        saved = profile_from_settings(merged(work, session_minutes=9), "work", True)
        assert saved.session_minutes == 9

    def test_session_minutes_from_the_environment_is_not_saved(self, work: Profile) -> None:
        env = {"TOTP_TUI_SESSION_MINUTES": "9"}
        saved = profile_from_settings(merged(work, env), "work", remember_username=True)
        assert saved.session_minutes == work.session_minutes == 12
        fresh = merged(None, env, user_pool_id=POOL, client_id=CLIENT)
        assert fresh.session_minutes == 9  # this run uses it...
        new = profile_from_settings(fresh, "new", remember_username=True)
        assert new.session_minutes == 3  # ...a new profile keeps the default

    def test_saving_under_another_name_takes_nothing_from_the_loaded_profile(
        self, work: Profile
    ) -> None:
        settings = merged(work, {"AWS_ENDPOINT_URL": "http://127.0.0.1:4566"})
        copy = profile_from_settings(settings, "copy", remember_username=False)
        assert copy.name == "copy" and copy.endpoint_url is None
        assert copy.user_pool_id == POOL


class TestDebugLogNamesSourcesOnly:
    @pytest.fixture
    def fake_app(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Settings]]:
        """The wizard's App replaced by one that records its settings and exits at once."""
        seen: list[Settings] = []

        class FakeApp:
            return_code = 0

            def __init__(self, settings: Settings, **_: object) -> None:
                seen.append(settings)

            def run(self) -> None:
                pass

        monkeypatch.setattr("totp_tui.ui.app.TotpApp", FakeApp)
        # As if at a terminal: the test run has none, and the wizard refuses to start without.
        monkeypatch.setattr("totp_tui.cli.wizard.no_terminal", lambda: None)
        # debug_log.configure changes these loggers for the process: put them back after.
        loggers = [logging.getLogger(name) for name in LOGGERS]
        before = [(list(log.handlers), log.level, log.propagate) for log in loggers]
        yield seen
        for log, (handlers, level, propagate) in zip(loggers, before, strict=True):
            for handler in set(log.handlers) - set(handlers):
                handler.close()
            log.handlers[:] = handlers
            log.setLevel(level)
            log.propagate = propagate

    def test_debug_log_has_each_source_and_no_secret(
        self,
        fake_app: list[Settings],
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        for variable in ("TOTP_TUI_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CA_BUNDLE"):
            monkeypatch.delenv(variable, raising=False)
        monkeypatch.delenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", raising=False)
        monkeypatch.setenv("TOTP_TUI_CLIENT_SECRET", SECRET)
        monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
        log = tmp_path / "debug.log"
        argv = ["--user-pool-id", POOL, "--client-id", CLIENT, "--debug", "--log-file", str(log)]
        assert main(argv) == 0
        assert fake_app[0].client_secret == SECRET
        text = log.read_text()
        assert "client_secret=env:TOTP_TUI_CLIENT_SECRET" in text
        assert "endpoint_url=env:AWS_ENDPOINT_URL" in text
        assert "user_pool_id=flag" in text and "region=default" in text
        # The log's redacting filter would mask a leaked secret: check the line we write too.
        assert SECRET not in text
        assert SECRET not in fake_app[0].sources.log_line()
