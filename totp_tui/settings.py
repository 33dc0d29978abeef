"""Effective settings: the one place flags, environment and defaults merge, and are validated.

Everything else in totp-tui receives a `Settings` and never reads flags or the environment.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

AuthFlow = Literal["USER_SRP_AUTH", "USER_PASSWORD_AUTH"]
AUTH_FLOWS: tuple[AuthFlow, ...] = ("USER_SRP_AUTH", "USER_PASSWORD_AUTH")

DEFAULT_ISSUER = "AWSCognito"
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 30.0

# Shapes from the Cognito API model: region like "eu-west-2" (also "us-gov-west-1"),
# pool id "<region>_<id>", client id of 1-128 word characters (AWS issues 26 lowercase ones).
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$", re.ASCII)
_POOL_ID = re.compile(r"^(?P<region>[\w-]+)_(?P<id>[0-9a-zA-Z]+)$")
_CLIENT_ID = re.compile(r"^[\w+]{1,128}$", re.ASCII)  # the API's \w is ASCII-only


class SettingsError(ValueError):
    """A value the user gave is unusable; the message says which and why, in one line."""


@dataclass(frozen=True)
class Settings:
    """What one run of the wizard needs to talk to one user pool."""

    region: str
    user_pool_id: str
    client_id: str
    # The app client's secret, from the environment only (a flag would show in `ps`).
    client_secret: str | None = field(default=None, repr=False)
    auth_flow: AuthFlow = "USER_SRP_AUTH"
    issuer: str = DEFAULT_ISSUER
    username: str = ""
    endpoint_url: str | None = None
    verify_ssl: bool = True
    ca_bundle: str | None = None
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    debug: bool = False
    log_file: str | None = None
    save: bool = True

    @property
    def verify(self) -> bool | str:
        """botocore's `verify` argument: False, a CA bundle path, or True."""
        if not self.verify_ssl:
            return False
        return self.ca_bundle or True


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
    verify_ssl: bool = True
    ca_bundle: str | None = None
    connect_timeout: float | None = None
    read_timeout: float | None = None
    debug: bool = False
    log_file: str | None = None
    save: bool = True


def effective_settings(flags: RequestedSettings, env: Mapping[str, str]) -> Settings:
    """Merge flags > environment > defaults and validate the result.

    Raises SettingsError with a one-line message for the first unusable value.
    """
    user_pool_id = flags.user_pool_id
    if not user_pool_id:
        raise SettingsError("--user-pool-id is required, e.g. --user-pool-id us-east-1_AbC123")
    client_id = flags.client_id
    if not client_id:
        raise SettingsError("--client-id is required (the app client's id)")

    region = (
        flags.region
        or env.get("AWS_REGION")
        or env.get("AWS_DEFAULT_REGION")
        or region_of_pool(user_pool_id)
    )
    validate_region(region)
    validate_pool_id(user_pool_id, region)
    validate_client_id(client_id)

    auth_flow = flags.auth_flow or "USER_SRP_AUTH"
    if auth_flow not in AUTH_FLOWS:
        raise SettingsError(f"--auth-flow must be one of {', '.join(AUTH_FLOWS)}")

    issuer = validate_issuer(flags.issuer if flags.issuer is not None else DEFAULT_ISSUER)

    endpoint_url = (
        flags.endpoint_url
        or env.get("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER")
        or env.get("AWS_ENDPOINT_URL")
        or None
    )
    if endpoint_url:
        validate_endpoint_url(endpoint_url)

    ca_bundle = flags.ca_bundle or env.get("AWS_CA_BUNDLE") or None
    if ca_bundle:
        validate_ca_bundle(ca_bundle)

    # "is None", not "or": an explicit 0 must be refused, not silently replaced by the default.
    connect_timeout = validate_timeout(
        "--connect-timeout",
        DEFAULT_CONNECT_TIMEOUT if flags.connect_timeout is None else flags.connect_timeout,
    )
    read_timeout = validate_timeout(
        "--read-timeout", DEFAULT_READ_TIMEOUT if flags.read_timeout is None else flags.read_timeout
    )

    return Settings(
        region=region,
        user_pool_id=user_pool_id,
        client_id=client_id,
        client_secret=env.get("TOTP_TUI_CLIENT_SECRET") or None,
        auth_flow=auth_flow,  # type: ignore[arg-type]  # checked against AUTH_FLOWS above
        issuer=issuer,
        username=flags.username or "",
        endpoint_url=endpoint_url,
        verify_ssl=flags.verify_ssl,
        ca_bundle=ca_bundle,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        debug=flags.debug,
        log_file=flags.log_file,
        save=flags.save,
    )
