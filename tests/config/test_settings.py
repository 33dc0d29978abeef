"""Effective settings: flags > environment > defaults, and a clear one-line error for bad values."""

from __future__ import annotations

import math
import os
import shutil
import string
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from totp_tui.config.settings import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_ISSUER,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_SESSION_MINUTES,
    RequestedSettings,
    Settings,
    SettingsError,
    effective_settings,
    region_of_pool,
    validate_client_id,
    validate_pool_id,
    validate_region,
    validate_session_minutes,
)

# Run by test_unreadable_ca_bundle as root, in a child that cannot read the file.
UNREADABLE_CHECK = """
import sys
from totp_tui.config.settings import SettingsError, validate_ca_bundle
try:
    validate_ca_bundle(sys.argv[1])
except SettingsError as error:
    print("refused" if "not a readable file" in str(error) else "other")
else:
    print("accepted")
"""

POOL = "eu-west-2_AbC123xyZ"
CLIENT = "1example23456789abcdefghij"
FLAGS = RequestedSettings(user_pool_id=POOL, client_id=CLIENT)


def settings(env: dict[str, str] | None = None, **flags: Any) -> Settings:
    return effective_settings(replace(FLAGS, **flags), env or {})


def error_of(env: dict[str, str] | None = None, **flags: Any) -> str:
    with pytest.raises(SettingsError) as caught:
        settings(env, **flags)
    message = str(caught.value)
    assert "\n" not in message, "settings errors are one line"
    return message


class TestDefaults:
    def test_minimal_flags(self) -> None:
        result = settings()
        assert result.region == "eu-west-2"  # from the pool id
        assert result.user_pool_id == POOL
        assert result.client_id == CLIENT
        assert result.client_secret is None
        assert result.auth_flow == "USER_SRP_AUTH"
        assert result.issuer == DEFAULT_ISSUER == "AWSCognito"
        assert result.endpoint_url is None
        assert result.ca_bundle is None
        assert result.verify is True
        assert result.connect_timeout == DEFAULT_CONNECT_TIMEOUT
        assert result.read_timeout == DEFAULT_READ_TIMEOUT
        assert result.session_minutes == DEFAULT_SESSION_MINUTES == 3  # Cognito's default
        assert result.sources["session_minutes"] == "default"
        assert result.username == ""

    def test_flags_pass_through(self, tmp_path: Path) -> None:
        bundle = tmp_path / "ca.pem"
        bundle.write_text("-----BEGIN CERTIFICATE-----\n")
        result = settings(
            auth_flow="USER_PASSWORD_AUTH",
            issuer="Acme Corp",
            username="alice",
            endpoint_url="https://cognito.example.internal",
            ca_bundle=str(bundle),
            connect_timeout=2.5,
            read_timeout=600,
            session_minutes=10,
            debug=True,
            log_file="/tmp/totp-tui.log",
            save=False,
        )
        assert result.auth_flow == "USER_PASSWORD_AUTH"
        assert result.issuer == "Acme Corp"
        assert result.username == "alice"
        assert result.endpoint_url == "https://cognito.example.internal"
        assert result.ca_bundle == str(bundle)
        assert (result.connect_timeout, result.read_timeout) == (2.5, 600)
        assert result.session_minutes == 10
        assert (result.debug, result.log_file, result.save) == (True, "/tmp/totp-tui.log", False)


class TestPrecedence:
    def test_region_flag_beats_environment(self) -> None:
        env = {"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-west-2"}
        assert settings(env, region="eu-west-2").region == "eu-west-2"

    def test_aws_region_beats_aws_default_region(self) -> None:
        env = {"AWS_REGION": "eu-west-2", "AWS_DEFAULT_REGION": "us-west-2"}
        assert settings(env).region == "eu-west-2"

    def test_aws_default_region_used_alone(self) -> None:
        assert settings({"AWS_DEFAULT_REGION": "eu-west-2"}).region == "eu-west-2"

    def test_environment_region_is_still_checked_against_the_pool(self) -> None:
        message = error_of({"AWS_REGION": "us-east-1"})
        assert "eu-west-2" in message and "us-east-1" in message

    def test_empty_environment_values_are_ignored(self) -> None:
        env = {
            "AWS_REGION": "",
            "AWS_ENDPOINT_URL": "",
            "AWS_CA_BUNDLE": "",
            "TOTP_TUI_CLIENT_SECRET": "",
        }
        result = settings(env)
        assert result.region == "eu-west-2"
        assert (result.endpoint_url, result.ca_bundle, result.client_secret) == (None, None, None)

    def test_endpoint_flag_beats_environment(self) -> None:
        env = {
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "http://127.0.0.1:2",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:3",
        }
        assert settings(env, endpoint_url="http://127.0.0.1:1").endpoint_url == "http://127.0.0.1:1"

    def test_service_endpoint_beats_global_endpoint(self) -> None:
        env = {
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "http://127.0.0.1:2",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:3",
        }
        assert settings(env).endpoint_url == "http://127.0.0.1:2"
        assert settings({"AWS_ENDPOINT_URL": "http://127.0.0.1:3"}).endpoint_url == (
            "http://127.0.0.1:3"
        )

    def test_ca_bundle_flag_beats_environment(self, tmp_path: Path) -> None:
        flag_bundle, env_bundle = tmp_path / "flag.pem", tmp_path / "env.pem"
        flag_bundle.write_text("x")
        env_bundle.write_text("x")
        env = {"AWS_CA_BUNDLE": str(env_bundle)}
        assert settings(env, ca_bundle=str(flag_bundle)).ca_bundle == str(flag_bundle)
        assert settings(env).ca_bundle == str(env_bundle)

    def test_client_secret_comes_from_the_environment(self) -> None:
        result = settings({"TOTP_TUI_CLIENT_SECRET": "fake-client-secret-value"})
        has_secret = result.client_secret == "fake-client-secret-value"
        assert has_secret, "TOTP_TUI_CLIENT_SECRET was not used"

    def test_session_minutes_flag_beats_the_environment(self) -> None:
        env = {"TOTP_TUI_SESSION_MINUTES": "12"}
        result = settings(env, session_minutes=5)
        assert (result.session_minutes, result.sources["session_minutes"]) == (5, "flag")

    @pytest.mark.parametrize("text", ["12", " 12 ", "012"])
    def test_session_minutes_from_the_environment(self, text: str) -> None:
        result = settings({"TOTP_TUI_SESSION_MINUTES": text})
        assert result.session_minutes == 12
        assert result.sources["session_minutes"] == "env:TOTP_TUI_SESSION_MINUTES"

    def test_empty_session_minutes_variable_is_ignored(self) -> None:
        result = settings({"TOTP_TUI_SESSION_MINUTES": ""})
        assert (result.session_minutes, result.sources["session_minutes"]) == (3, "default")

    def test_unrelated_environment_is_ignored(self) -> None:
        env = {"AWS_PROFILE": "prod", "AWS_ACCESS_KEY_ID": "AKIAFAKE", "HTTPS_PROXY": "x"}
        assert settings(env) == settings()


class TestValidation:
    @pytest.mark.parametrize("flag", ["user_pool_id", "client_id"])
    def test_required_flags(self, flag: str) -> None:
        message = error_of(**{flag: None})
        assert f"--{flag.replace('_', '-')}" in message

    @pytest.mark.parametrize(
        "pool_id", ["eu-west-2", "AbC123", "eu-west-2_", "_AbC123", "eu-west-2_Ab-C", "eu west_1"]
    )
    def test_malformed_pool_id(self, pool_id: str) -> None:
        message = error_of(user_pool_id=pool_id, region="eu-west-2")
        assert "<region>_<id>" in message or "region" in message

    def test_malformed_pool_id_without_region(self) -> None:
        message = error_of(user_pool_id="AbC123")
        assert "'AbC123'" in message and "<region>_<id>" in message

    def test_region_mismatch(self) -> None:
        message = error_of(region="us-east-1")
        assert message == f"user pool {POOL} lives in eu-west-2, but the region is us-east-1"

    @pytest.mark.parametrize(
        "client_id", ["abc-def", "abc def", "abc.def", "x" * 129, "clïent", "٣٣٣"]
    )
    def test_bad_client_id(self, client_id: str) -> None:
        assert "app client id" in error_of(client_id=client_id)

    @pytest.mark.parametrize(
        "region", ["EU-WEST-2", "euwest2", "eu-west", "eu-west-2a", "e-w-1", "eu-west-٢"]
    )
    def test_bad_region(self, region: str) -> None:
        message = error_of(region=region, user_pool_id=f"{region}_AbC123")
        assert "region" in message and repr(region) in message

    def test_gov_and_multi_part_regions_are_fine(self) -> None:
        for region in ("us-gov-west-1", "ap-southeast-2", "eu-central-1"):
            assert settings(user_pool_id=f"{region}_AbC").region == region

    def test_bad_auth_flow(self) -> None:
        message = error_of(auth_flow="ADMIN_USER_PASSWORD_AUTH")
        assert "USER_SRP_AUTH" in message and "USER_PASSWORD_AUTH" in message
        assert "USER_AUTH" in message.replace("USER_PASSWORD_AUTH", "")

    @pytest.mark.parametrize("flow", ["USER_SRP_AUTH", "USER_PASSWORD_AUTH", "USER_AUTH"])
    def test_every_sign_in_flow_is_accepted(self, flow: str) -> None:
        assert settings(auth_flow=flow).auth_flow == flow

    @pytest.mark.parametrize("minutes", [3, 15])
    def test_session_minutes_at_the_limits(self, minutes: int) -> None:
        assert settings(session_minutes=minutes).session_minutes == minutes

    @pytest.mark.parametrize("minutes", [2, 16, 0, -3, 60])
    def test_session_minutes_flag_out_of_range(self, minutes: int) -> None:
        assert error_of(session_minutes=minutes) == (
            "--session-minutes must be a whole number from 3 to 15"
            f" (the app client's sign-in session length), not {minutes}"
        )

    @pytest.mark.parametrize(
        ("text", "shown"),
        [
            ("2", "2"),
            ("16", "16"),
            ("x", "'x'"),
            ("5.0", "'5.0'"),
            ("1_0", "'1_0'"),  # int() would read 10
            ("١٠", "'١٠'"),  # Arabic-Indic 10: int() would read it too
            ("-5", "'-5'"),
        ],
    )
    def test_session_minutes_variable_refused_with_its_name(self, text: str, shown: str) -> None:
        message = error_of({"TOTP_TUI_SESSION_MINUTES": text})
        assert message == (
            "--session-minutes must be a whole number from 3 to 15"
            f" (the app client's sign-in session length), not {shown}"
            " (from TOTP_TUI_SESSION_MINUTES)"
        )

    @pytest.mark.parametrize("value", [True, 5.0, None, "ten"])
    def test_session_minutes_validator_takes_whole_numbers_only(self, value: object) -> None:
        with pytest.raises(SettingsError, match="whole number from 3 to 15"):
            validate_session_minutes(value)

    @pytest.mark.parametrize(
        "url",
        [
            "ftp://cognito.example",
            "cognito-idp.eu-west-2.amazonaws.com",
            "localhost:4566",
            "https://",
        ],
    )
    def test_bad_endpoint_url(self, url: str) -> None:
        assert "https://" in error_of(endpoint_url=url)

    def test_bad_endpoint_url_from_environment(self) -> None:
        assert "https://" in error_of({"AWS_ENDPOINT_URL": "localhost:4566"})

    def test_missing_ca_bundle(self, tmp_path: Path) -> None:
        missing = tmp_path / "nope.pem"
        assert "not a readable file" in error_of(ca_bundle=str(missing))
        assert "not a readable file" in error_of({"AWS_CA_BUNDLE": str(missing)})

    def test_ca_bundle_that_is_a_directory(self, tmp_path: Path) -> None:
        assert "not a readable file" in error_of(ca_bundle=str(tmp_path))

    def test_unreadable_ca_bundle(self, tmp_path: Path) -> None:
        bundle = tmp_path / "ca.pem"
        bundle.write_text("x")
        bundle.chmod(0)
        if os.geteuid() != 0:
            assert "not a readable file" in error_of(ca_bundle=str(bundle))
            return
        # Root reads any file (as CI does): check in a child without the capabilities that
        # allow it (util-linux's setpriv), which meets the file as an ordinary user would.
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) is needed to test this as root"
        child = subprocess.run(
            [
                setpriv,
                "--bounding-set=-dac_override,-dac_read_search",
                sys.executable,
                "-c",
                UNREADABLE_CHECK,
                str(bundle),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert child.stdout.strip() == "refused", child.stderr[-500:]

    @pytest.mark.parametrize("issuer", ["Acme:EU", ":", "", "   "])
    def test_bad_issuer(self, issuer: str) -> None:
        assert "issuer" in error_of(issuer=issuer)

    @pytest.mark.parametrize("flag", ["connect_timeout", "read_timeout"])
    @pytest.mark.parametrize("seconds", [0, -1, 600.5, math.inf, math.nan])
    def test_bad_timeout(self, flag: str, seconds: float) -> None:
        message = error_of(**{flag: seconds})
        assert f"--{flag.replace('_', '-')}" in message and "600" in message


class TestSecretStaysOutOfSight:
    def test_repr_and_str_never_show_the_client_secret(self) -> None:
        secret = "fake-Client-Secret-0123456789abcdefghijklmnopqrstuvwxyz"
        result = settings({"TOTP_TUI_CLIENT_SECRET": secret})
        for text in (repr(result), str(result), f"{result}", f"{result!r}"):
            assert secret not in text, "the client secret is visible in Settings' repr"
        assert "client_secret" not in repr(result)

    @given(st.text(alphabet=string.ascii_letters + string.digits + "+/=", min_size=8))
    def test_no_secret_reaches_the_repr(self, secret: str) -> None:
        result = Settings(region="eu-west-2", user_pool_id=POOL, client_id=CLIENT)
        assume(secret not in repr(result))  # a short secret could match by chance
        with_secret = replace(result, client_secret=secret)
        assert secret not in repr(with_secret)


class TestVerify:
    def test_verify_on_by_default(self) -> None:
        assert settings().verify is True

    def test_verify_names_the_ca_bundle(self, tmp_path: Path) -> None:
        bundle = tmp_path / "ca.pem"
        bundle.write_text("x")
        assert settings(ca_bundle=str(bundle)).verify == str(bundle)

    def test_no_verify_wins_over_a_bundle(self, tmp_path: Path) -> None:
        bundle = tmp_path / "ca.pem"
        bundle.write_text("x")
        assert settings(ca_bundle=str(bundle), verify_ssl=False).verify is False
        assert settings(verify_ssl=False).verify is False


# --- Properties ------------------------------------------------------------------------------

regions = st.builds(
    lambda area, parts, number: "-".join([area, *parts, str(number)]),
    st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=2),
    st.lists(
        st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=10), min_size=1, max_size=3
    ),
    st.integers(min_value=0, max_value=99),
)
pool_suffixes = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=20)


class TestProperties:
    @given(region=regions, suffix=pool_suffixes)
    def test_any_pool_id_from_a_region_and_alnum_id_validates(
        self, region: str, suffix: str
    ) -> None:
        pool_id = f"{region}_{suffix}"
        assert validate_region(region) == region
        assert region_of_pool(pool_id) == region
        assert validate_pool_id(pool_id, region) == pool_id
        result = effective_settings(RequestedSettings(user_pool_id=pool_id, client_id=CLIENT), {})
        assert (result.region, result.user_pool_id) == (region, pool_id)

    @given(pool_region=regions, other=regions, suffix=pool_suffixes)
    def test_any_mismatched_region_fails(self, pool_region: str, other: str, suffix: str) -> None:
        assume(pool_region != other)
        pool_id = f"{pool_region}_{suffix}"
        with pytest.raises(SettingsError, match="lives in"):
            validate_pool_id(pool_id, other)
        with pytest.raises(SettingsError, match="lives in"):
            effective_settings(
                RequestedSettings(user_pool_id=pool_id, client_id=CLIENT, region=other), {}
            )
        with pytest.raises(SettingsError, match="lives in"):
            effective_settings(
                RequestedSettings(user_pool_id=pool_id, client_id=CLIENT), {"AWS_REGION": other}
            )

    @given(st.text(alphabet=string.ascii_letters + string.digits + "_+", min_size=1, max_size=128))
    def test_any_word_client_id_validates(self, client_id: str) -> None:
        assert validate_client_id(client_id) == client_id

    @given(st.text(min_size=1, max_size=130))
    def test_client_id_outside_the_api_pattern_fails(self, client_id: str) -> None:
        allowed = set(string.ascii_letters + string.digits + "_+")
        assume(len(client_id) > 128 or not set(client_id) <= allowed)
        with pytest.raises(SettingsError, match="app client id"):
            validate_client_id(client_id)

    @given(st.text(max_size=20))
    def test_region_validator_accepts_only_region_shapes(self, text: str) -> None:
        looks_like_region = (
            text.isascii()
            and len(text.split("-")) >= 3
            and len(text.split("-")[0]) == 2
            and all(part.isalpha() and part.islower() for part in text.split("-")[:-1])
            and text.split("-")[-1].isdigit()
            and 1 <= len(text.split("-")[-1]) <= 2
        )
        if looks_like_region:
            assert validate_region(text) == text
        else:
            with pytest.raises(SettingsError):
                validate_region(text)
