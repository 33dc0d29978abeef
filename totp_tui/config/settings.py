"""Effective settings: the one place flags, environment, a profile and defaults merge.

Precedence: command-line flags > environment > the saved profile, or else a pool of the
system-wide configuration (config/system_config.py) > defaults. The result is validated, and
records where each value came from (`Settings.sources`). Everything else in totp-tui receives
a `Settings` and never reads flags, the environment or a profile itself.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

from totp_tui.config.sources import (
    FLAG,
    SourcePicker,
    env_source,
    profile_source,
    system_source,
)
from totp_tui.config.sources import (
    SettingSources as SettingSources,  # re-exported: Settings.sources is one
)

# USER_AUTH is Cognito's choice-based sign-in (the app client must allow ALLOW_USER_AUTH).
# SRP stays first: it is the default, and the password never leaves this machine.
AuthFlow = Literal["USER_SRP_AUTH", "USER_PASSWORD_AUTH", "USER_AUTH"]
AUTH_FLOWS: tuple[AuthFlow, ...] = ("USER_SRP_AUTH", "USER_PASSWORD_AUTH", "USER_AUTH")

DEFAULT_ISSUER = "AWSCognito"
# The app client secret comes from here or a profile's keyring entry, never from a flag.
CLIENT_SECRET_VARIABLE = "TOTP_TUI_CLIENT_SECRET"
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 30.0
# The app client's sign-in session length (its AuthSessionValidity), in minutes: the user APIs
# cannot read it, so the person states it. Cognito allows 3-15 and defaults to 3.
DEFAULT_SESSION_MINUTES = 3
MIN_SESSION_MINUTES, MAX_SESSION_MINUTES = 3, 15
SESSION_MINUTES_VARIABLE = "TOTP_TUI_SESSION_MINUTES"

# Shapes from the Cognito API model: region like "eu-west-2" (also "us-gov-west-1"),
# pool id "<region>_<id>", client id of 1-128 word characters (AWS issues 26 lowercase ones).
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$", re.ASCII)
_POOL_ID = re.compile(r"^(?P<region>[\w-]+)_(?P<id>[0-9a-zA-Z]+)$")
_CLIENT_ID = re.compile(r"^[\w+]{1,128}$", re.ASCII)  # the API's \w is ASCII-only
_WHOLE_NUMBER = re.compile(r"[0-9]{1,6}")


class SettingsError(ValueError):
    """A value the user gave is unusable; the message says which and why, in one line."""


class SavedProfile(Protocol):
    """A profile as the merge reads it (totp_tui.profiles.Profile is one): the profiles
    package sits above this one and imports its validators."""

    @property
    def name(self) -> str: ...
    @property
    def last_username(self) -> str | None: ...
    @property
    def region(self) -> str: ...
    @property
    def user_pool_id(self) -> str: ...
    @property
    def client_id(self) -> str: ...
    @property
    def auth_flow(self) -> str: ...
    @property
    def issuer(self) -> str: ...
    @property
    def endpoint_url(self) -> str | None: ...
    @property
    def verify_ssl(self) -> bool: ...
    @property
    def ca_bundle(self) -> str | None: ...
    @property
    def connect_timeout(self) -> float: ...
    @property
    def read_timeout(self) -> float: ...
    @property
    def session_minutes(self) -> int: ...


@dataclass(frozen=True)
class Settings:
    """What one run of the wizard needs to talk to one user pool."""

    region: str
    user_pool_id: str
    client_id: str
    # The app client's secret: from TOTP_TUI_CLIENT_SECRET or the profile's keyring entry,
    # never a flag (flags show in `ps`).
    client_secret: str | None = field(default=None, repr=False)
    auth_flow: AuthFlow = "USER_SRP_AUTH"
    issuer: str = DEFAULT_ISSUER
    username: str = ""
    endpoint_url: str | None = None
    verify_ssl: bool = True
    ca_bundle: str | None = None
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    # How long Cognito keeps a sign-in session: the countdown on the QR screen.
    session_minutes: int = DEFAULT_SESSION_MINUTES
    debug: bool = False
    log_file: str | None = None
    save: bool = True
    # The profile these settings belong to (--profile or TOTP_TUI_PROFILE), even when the
    # keyring could not load it; None when no profile is involved.
    profile_name: str | None = None
    # The profile as it was in the keyring, to save changes back without the environment's.
    loaded_profile: SavedProfile | None = field(default=None, repr=False, compare=False)
    # Where each value came from; empty for Settings built directly (demo, tests).
    sources: SettingSources = field(default=SettingSources(), repr=False, compare=False)

    @property
    def verify(self) -> bool | str:
        return botocore_verify(self.verify_ssl, self.ca_bundle)


def botocore_verify(verify_ssl: bool, ca_bundle: str | None) -> bool | str:
    """botocore's `verify` argument: False, a CA bundle path, or True."""
    if not verify_ssl:
        return False
    return ca_bundle or True


class PoolConnection(Protocol):
    """How to reach one user pool: what the admin commands and any boto3 client need."""

    @property
    def region(self) -> str: ...
    @property
    def user_pool_id(self) -> str: ...
    @property
    def endpoint_url(self) -> str | None: ...
    @property
    def verify_ssl(self) -> bool: ...
    @property
    def verify(self) -> bool | str: ...
    @property
    def connect_timeout(self) -> float: ...
    @property
    def read_timeout(self) -> float: ...


def region_of_pool(user_pool_id: str) -> str:
    """The region a pool id names, e.g. "us-east-1" for "us-east-1_AbC123"."""
    match = _POOL_ID.match(user_pool_id)
    if not match:
        raise SettingsError(
            f"user pool id {user_pool_id!r} is not of the form <region>_<id>, e.g. us-east-1_AbC123"
        )
    return match["region"]


def validate_region(region: str) -> str:
    if not _REGION.match(region):
        raise SettingsError(f"region {region!r} is not an AWS region name, e.g. eu-west-2")
    return region


def validate_pool_id(user_pool_id: str, region: str) -> str:
    pool_region = region_of_pool(user_pool_id)
    if pool_region != region:
        raise SettingsError(
            f"user pool {user_pool_id} lives in {pool_region}, but the region is {region}"
        )
    return user_pool_id


def validate_client_id(client_id: str) -> str:
    if not _CLIENT_ID.match(client_id):
        raise SettingsError(
            f"app client id {client_id!r} should be letters and digits only "
            "(Cognito issues 26 of them)"
        )
    return client_id


def validate_issuer(issuer: str) -> str:
    # A colon would split the otpauth label in the wrong place in every authenticator app.
    if not issuer.strip():
        raise SettingsError("the issuer must not be empty")
    if ":" in issuer:
        raise SettingsError(f"the issuer {issuer!r} must not contain ':'")
    return issuer


def validate_endpoint_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(
            f"endpoint URL {url!r} must start with https:// (or http:// for a local Cognito)"
        )
    return url


def validate_ca_bundle(path: str) -> str:
    if not os.path.isfile(path) or not os.access(path, os.R_OK):
        raise SettingsError(f"CA bundle {path!r} is not a readable file")
    return path


def validate_timeout(name: str, seconds: float) -> float:
    if not 0 < seconds <= 600:
        raise SettingsError(f"{name} must be between 0 and 600 seconds, not {seconds:g}")
    return seconds


def validate_session_minutes(minutes: object) -> int:
    """A whole number of minutes from 3 to 15. Text (an environment variable's) is parsed as
    ASCII digits only: int() would also take "1_0" or other scripts' digits."""
    value = minutes
    if isinstance(minutes, str):
        text = minutes.strip()
        value = int(text) if _WHOLE_NUMBER.fullmatch(text) else repr(minutes)
    # bool is an int to Python, and 5.0 is not what anyone types for 5 minutes: refuse both.
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or not MIN_SESSION_MINUTES <= value <= MAX_SESSION_MINUTES
    ):
        raise SettingsError(
            f"--session-minutes must be a whole number from {MIN_SESSION_MINUTES} to "
            f"{MAX_SESSION_MINUTES} (the app client's sign-in session length), not {value}"
        )
    return value


@dataclass(frozen=True)
class RequestedSettings:
    """What the command line asked for; None means "not given"."""

    region: str | None = None
    user_pool_id: str | None = None
    client_id: str | None = None
    auth_flow: str | None = None
    issuer: str | None = None
    username: str | None = None
    endpoint_url: str | None = None
    verify_ssl: bool | None = None  # None: not given (the profile's, or True)
    ca_bundle: str | None = None
    connect_timeout: float | None = None
    read_timeout: float | None = None
    session_minutes: int | None = None
    debug: bool = False
    log_file: str | None = None
    save: bool = True
    profile: str | None = None


def requested_profile_name(flags: RequestedSettings, env: Mapping[str, str]) -> str | None:
    """The profile to load: --profile, else TOTP_TUI_PROFILE, else none."""
    return flags.profile or env.get("TOTP_TUI_PROFILE") or None


# What a profile holds, by Settings' field names (its last_username is Settings' username).
_PROFILE_FIELDS = (
    "region", "user_pool_id", "client_id", "auth_flow", "issuer", "endpoint_url", "verify_ssl",
    "ca_bundle", "connect_timeout", "read_timeout", "session_minutes",
)  # fmt: skip


def effective_settings(
    flags: RequestedSettings,
    env: Mapping[str, str],
    profile: SavedProfile | None = None,
    profile_client_secret: str | None = None,
    *,
    system_pool: SavedProfile | None = None,
) -> Settings:
    """Merge flags > environment > profile > defaults, validate, and note each value's source.

    `profile` is the saved profile the caller loaded (the one `requested_profile_name` names)
    and `profile_client_secret` its stored client secret, if any.
    `system_pool`, instead of a profile, is a pool of the system-wide configuration: it takes
    the profile's place in the order, and nothing is saved back to it (it is read-only).
    Raises SettingsError with a one-line message for the first unusable value.
    """
    if profile_client_secret is not None and profile is None:
        raise ValueError("a profile's client secret needs its profile")
    if system_pool is not None:
        if profile is not None:
            raise ValueError("a system pool takes the profile's place: give one or the other")
        return _from_system_pool(flags, env, system_pool)
    merge, profile_name = sources_merge(flags, env, profile, profile_client_secret)
    user_pool_id = required_pool_id(merge)
    client_id = merge.pick("client_id")
    if not client_id:
        raise SettingsError("--client-id is required (the app client's id)")
    connection = pool_connection(merge, user_pool_id)
    merge.checked(lambda: validate_client_id(client_id), "client_id")
    auth_flow = merge.pick("auth_flow") or "USER_SRP_AUTH"
    if auth_flow not in AUTH_FLOWS:  # only a flag can be wrong: Profile checks its own
        raise SettingsError(f"--auth-flow must be one of {', '.join(AUTH_FLOWS)}")
    # keep_empty: an empty --issuer is refused, not replaced by the default.
    issuer = merge.pick("issuer", keep_empty=True)
    issuer = merge.checked(
        lambda: validate_issuer(DEFAULT_ISSUER if issuer is None else issuer), "issuer"
    )
    # "is None", not "or", as for the timeouts: an explicit 0 is refused, not defaulted.
    session_minutes = merge.pick("session_minutes", SESSION_MINUTES_VARIABLE)
    session_minutes = merge.checked(
        lambda: validate_session_minutes(
            DEFAULT_SESSION_MINUTES if session_minutes is None else session_minutes
        ),
        "session_minutes",
    )
    return Settings(
        client_id=client_id,
        # No flag for it (flags show in `ps`); its source is noted, its value never logged.
        client_secret=merge.pick("client_secret", CLIENT_SECRET_VARIABLE),
        auth_flow=auth_flow,  # checked against AUTH_FLOWS above
        issuer=issuer,
        session_minutes=session_minutes,
        username=merge.pick("username") or "",
        debug=flags.debug,
        log_file=flags.log_file,
        save=flags.save,
        profile_name=profile_name or (profile.name if profile else None),
        loaded_profile=profile,
        sources=SettingSources.of(merge.sources),
        **connection,
    )


def _from_system_pool(
    flags: RequestedSettings, env: Mapping[str, str], pool: SavedProfile
) -> Settings:
    """The merge with the system pool as the saved layer. Read-only and shared: no profile
    name (nothing is saved back), and no keyring is asked for anything."""
    # The pool was chosen already (by --profile or TOTP_TUI_PROFILE, or as the only one).
    others = {name: value for name, value in env.items() if name != "TOTP_TUI_PROFILE"}
    settings = effective_settings(dataclasses.replace(flags, profile=None), others, pool)
    sources = {
        name: system_source(pool.name) if source == profile_source(pool.name) else source
        for name, source in settings.sources.items()
    }
    if flags.profile or env.get("TOTP_TUI_PROFILE"):
        sources["profile_name"] = FLAG if flags.profile else env_source("TOTP_TUI_PROFILE")
    return dataclasses.replace(
        settings,
        save=False,
        profile_name=None,
        loaded_profile=None,
        sources=SettingSources.of(sources),
    )


def sources_merge(
    flags: RequestedSettings,
    env: Mapping[str, str],
    profile: SavedProfile | None,
    profile_client_secret: str | None,
) -> tuple[SourcePicker, str | None]:
    """The merge of flags, environment and profile, and the profile's name if one is used.
    The admin commands' merge (config/admin_settings.py) starts from it too."""
    profile_name = requested_profile_name(flags, env)
    if profile is not None and profile_name not in (None, profile.name):
        raise ValueError(f"profile {profile_name!r} was asked for, not {profile.name!r}")
    saved: dict[str, object] = {}
    if profile is not None:
        saved = {name: getattr(profile, name) for name in _PROFILE_FIELDS}
        saved |= {"username": profile.last_username, "client_secret": profile_client_secret}
    merge = SourcePicker(flags, env, saved, profile_source(profile.name) if profile else "")
    if flags.profile:
        merge.sources["profile_name"] = FLAG
    elif env.get("TOTP_TUI_PROFILE"):
        merge.sources["profile_name"] = env_source("TOTP_TUI_PROFILE")
    elif profile is not None:  # given by the caller (picked on the profile screen)
        merge.sources["profile_name"] = profile_source(profile.name)
    return merge, profile_name


def required_pool_id(merge: SourcePicker) -> str:
    """The pool id the merge found; without one nothing can be reached."""
    user_pool_id: str | None = merge.pick("user_pool_id")
    if not user_pool_id:
        raise SettingsError(
            "--user-pool-id is required, e.g. --user-pool-id us-east-1_AbC123"
            " (or --profile NAME for a saved profile)"
        )
    return user_pool_id


def pool_connection(merge: SourcePicker, user_pool_id: str) -> dict[str, Any]:
    """Region, pool, endpoint, TLS and timeouts, validated: PoolConnection's fields."""
    region = merge.pick("region", "AWS_REGION", "AWS_DEFAULT_REGION") or merge.checked(
        lambda: region_of_pool(user_pool_id), "user_pool_id"
    )
    merge.checked(lambda: validate_region(region), "region")
    merge.checked(lambda: validate_pool_id(user_pool_id, region), "region", "user_pool_id")
    endpoint_url = merge.pick(
        "endpoint_url", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_ENDPOINT_URL"
    )
    if endpoint_url:
        merge.checked(lambda: validate_endpoint_url(endpoint_url), "endpoint_url")
    ca_bundle = merge.pick("ca_bundle", "AWS_CA_BUNDLE")
    if ca_bundle:
        merge.checked(lambda: validate_ca_bundle(ca_bundle), "ca_bundle")
    verify_ssl = merge.pick("verify_ssl")
    # "is None", not "or": an explicit 0 must be refused, not silently replaced by the default.
    connect_timeout = merge.pick("connect_timeout")
    connect_timeout = merge.checked(
        lambda: validate_timeout(
            "--connect-timeout",
            DEFAULT_CONNECT_TIMEOUT if connect_timeout is None else connect_timeout,
        ),
        "connect_timeout",
    )
    read_timeout = merge.pick("read_timeout")
    read_timeout = merge.checked(
        lambda: validate_timeout(
            "--read-timeout", DEFAULT_READ_TIMEOUT if read_timeout is None else read_timeout
        ),
        "read_timeout",
    )
    return {
        "region": region,
        "user_pool_id": user_pool_id,
        "endpoint_url": endpoint_url,
        "verify_ssl": True if verify_ssl is None else verify_ssl,
        "ca_bundle": ca_bundle,
        "connect_timeout": connect_timeout,
        "read_timeout": read_timeout,
    }
