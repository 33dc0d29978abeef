"""The Profile value: what identifies one user pool, its JSON form and schema, and its name."""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from typing import TypeVar

from totp_tui.config.settings import (
    AUTH_FLOWS,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_ISSUER,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_SESSION_MINUTES,
    MAX_SESSION_MINUTES,
    MIN_SESSION_MINUTES,
    AuthFlow,
    Settings,
)
from totp_tui.config.sources import is_from_environment
from totp_tui.profiles.errors import ProfileError, ProfileNameError

# 2 added session_minutes. Version-1 entries are still read (people's keyrings hold them):
# what they lack gets its default; see _ADDED_IN.
SCHEMA_VERSION = 2
# Letters, digits, '-', '_', '.'; not starting with '-', which a command line reads as an option.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_T = TypeVar("_T")


def validate_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise ProfileNameError(
            f"profile name {name!r} must be 1-64 letters, digits, '-', '_' or '.',"
            " starting with a letter or digit"
        )
    return name


@dataclass(frozen=True)
class Profile:
    """What identifies one user pool and how to reach it. Holds no secret of any kind."""

    name: str
    region: str
    user_pool_id: str
    client_id: str
    auth_flow: AuthFlow = "USER_SRP_AUTH"
    issuer: str = DEFAULT_ISSUER
    endpoint_url: str | None = None
    verify_ssl: bool = True
    ca_bundle: str | None = None
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    # The app client's sign-in session length (AuthSessionValidity), which no user API reveals.
    session_minutes: int = DEFAULT_SESSION_MINUTES
    last_username: str | None = None
    schema_version: int = SCHEMA_VERSION

    def __post_init__(self) -> None:
        validate_name(self.name)
        if self.auth_flow not in AUTH_FLOWS:
            raise ProfileError(
                f"auth flow {self.auth_flow!r} is not one of {', '.join(AUTH_FLOWS)}"
            )
        for field_name in ("connect_timeout", "read_timeout"):
            value = getattr(self, field_name)
            if not _is_number(value) or not math.isfinite(value) or value <= 0:
                raise ProfileError(f"{field_name} must be a positive number of seconds")
            object.__setattr__(self, field_name, float(value))
        minutes = self.session_minutes
        # bool is an int to Python: True is not a number of minutes.
        if (
            not isinstance(minutes, int)
            or isinstance(minutes, bool)
            or not MIN_SESSION_MINUTES <= minutes <= MAX_SESSION_MINUTES
        ):
            raise ProfileError(
                f"session_minutes must be a whole number from {MIN_SESSION_MINUTES} to "
                f"{MAX_SESSION_MINUTES}, not {minutes!r}"
            )

    def to_json(self) -> str:
        # ASCII-only: a lone surrogate in a field would otherwise fail to encode in the backend.
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"), allow_nan=False)

    @classmethod
    def from_json(cls, text: str, *, label: str | None = None) -> Profile:
        """Parse a saved profile; refuses unknown schema versions and damaged entries.

        `label` names the entry in messages (default: the name inside the JSON).
        """
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, TypeError, RecursionError) as exc:
            raise ProfileError(
                f"{label or 'the saved profile'} is not valid JSON ({exc})"
            ) from None
        if not isinstance(data, dict):
            raise ProfileError(f"{label or 'the saved profile'} is not a JSON object")
        name = data.get("name")
        if label is None:
            valid_name = isinstance(name, str) and NAME_PATTERN.fullmatch(name)
            label = f"profile {name!r}" if valid_name else "the saved profile"
        version = data.get("schema_version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise ProfileError(f"{label} has no schema_version; it is damaged or not totp-tui's")
        if version > SCHEMA_VERSION:
            raise ProfileError(
                f"{label} was saved by a newer totp-tui (schema {version});"
                " upgrade totp-tui or delete the profile"
            )
        if version < 1:
            raise ProfileError(f"{label} has an unknown schema version {version}; delete it")
        # An older entry has exactly its version's fields; those added since take their defaults.
        fields = {key: types for key, types in _FIELD_TYPES.items() if _added_in(key) <= version}
        problems = []
        if unknown := sorted(set(data) - fields.keys()):
            problems.append(f"unknown fields {', '.join(unknown)}")
        if missing := [key for key in fields if key not in data]:
            problems.append(f"missing fields {', '.join(missing)}")
        if problems:
            raise ProfileError(f"{label} is damaged: {'; '.join(problems)}")
        for key, types in fields.items():
            if not _has_type(data[key], types):
                raise ProfileError(f"{label} is damaged: {key} has the wrong type")
        # Read as the current schema, so that saved again it is written as one (an older
        # totp-tui then says it is too old, rather than calling the entry damaged).
        data["schema_version"] = SCHEMA_VERSION
        try:
            return cls(**data)
        except ProfileError as exc:
            raise ProfileError(f"{label} is damaged: {exc}") from None


@dataclass(frozen=True)
class ProfileDraft:
    """A profile as a form produced it, and the client secret typed with it (None:
    unchanged)."""

    profile: Profile
    client_secret: str | None = field(default=None, repr=False)


def profile_from_settings(settings: Settings, name: str, remember_username: bool) -> Profile:
    """The profile to save for these settings under `name` (the client secret is not part of it).

    Values that came from the environment (AWS_ENDPOINT_URL, AWS_CA_BUNDLE...) belong to this
    run, not to the profile: the profile keeps what it had (or the default), so one run with a
    local endpoint in the environment does not point the saved profile at it for good.
    """
    loaded = settings.loaded_profile if settings.profile_name == name else None

    def unless_from_environment(field_name: str, value: _T, default: _T) -> _T:
        if not is_from_environment(settings.sources.get(field_name)):
            return value
        return getattr(loaded, field_name) if loaded is not None else default

    return Profile(
        name=name,
        region=settings.region,  # from anywhere: it always equals the pool id's prefix
        user_pool_id=settings.user_pool_id,
        client_id=settings.client_id,
        auth_flow=settings.auth_flow,
        issuer=settings.issuer,
        endpoint_url=unless_from_environment("endpoint_url", settings.endpoint_url, None),
        verify_ssl=settings.verify_ssl,
        ca_bundle=unless_from_environment("ca_bundle", settings.ca_bundle, None),
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        # TOTP_TUI_SESSION_MINUTES, like the others, is for this run only.
        session_minutes=unless_from_environment(
            "session_minutes", settings.session_minutes, DEFAULT_SESSION_MINUTES
        ),
        last_username=(settings.username or None) if remember_username else None,
    )


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _has_type(value: object, types: tuple[type, ...]) -> bool:
    """Whether a JSON value fits its field; no types means any number. true and false are
    only booleans, never numbers (bool is an int to Python)."""
    if not types:
        return _is_number(value)
    return isinstance(value, types) and (bool in types or not isinstance(value, bool))


_TEXT, _OPTIONAL_TEXT = (str,), (str, type(None))
# The JSON types each field must have (bool is an int to Python: numbers are checked apart).
_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "name": _TEXT,
    "region": _TEXT,
    "user_pool_id": _TEXT,
    "client_id": _TEXT,
    "auth_flow": _TEXT,
    "issuer": _TEXT,
    "endpoint_url": _OPTIONAL_TEXT,
    "verify_ssl": (bool,),
    "ca_bundle": _OPTIONAL_TEXT,
    "connect_timeout": (),
    "read_timeout": (),
    "session_minutes": (int,),  # whole minutes: 5.0 is refused
    "last_username": _OPTIONAL_TEXT,
    "schema_version": (),
}
# The schema version each field appeared in; the others have been there since version 1.
_ADDED_IN: dict[str, int] = {"session_minutes": 2}


def _added_in(field_name: str) -> int:
    return _ADDED_IN.get(field_name, 1)


def _refuse_constant(token: str) -> object:
    raise ValueError(f"{token} is not allowed")
