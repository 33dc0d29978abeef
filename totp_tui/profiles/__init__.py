"""Saved profiles: what identifies a user pool, kept in the OS keyring under service "totp-tui".

- profile.py: the Profile value, its JSON form and schema version, profile names, and the
  Settings -> Profile conversion for saving.
- store.py: ProfileStore, the index entry plus one entry per profile (and its client secret),
  with rollback on failure.
- keyring_access.py: every keyring call on a private daemon thread, with a timeout, and keyring
  errors as one-line messages.
- backend_policy.py: which backends may hold profiles (check_backend) and how to fix it.
- errors.py: ProfileError and its kinds.

Passwords, TOTP secrets, Sessions and tokens are never stored. Importing this package does not
import keyring (start-up time): that happens on the keyring thread, at the first call.
"""

from totp_tui.profiles.backend_policy import HOW_TO_FIX, BackendStatus
from totp_tui.profiles.errors import (
    KeyringAccessError,
    ProfileError,
    ProfileNameError,
    ProfileNotFoundError,
)
from totp_tui.profiles.keyring_access import DEFAULT_TIMEOUT, check_backend
from totp_tui.profiles.profile import (
    SCHEMA_VERSION,
    Profile,
    ProfileDraft,
    profile_from_settings,
    validate_name,
)
from totp_tui.profiles.store import INDEX_ENTRY, SERVICE, ProfileStore

__all__ = [
    "DEFAULT_TIMEOUT",
    "HOW_TO_FIX",
    "INDEX_ENTRY",
    "SCHEMA_VERSION",
    "SERVICE",
    "BackendStatus",
    "KeyringAccessError",
    "Profile",
    "ProfileDraft",
    "ProfileError",
    "ProfileNameError",
    "ProfileNotFoundError",
    "ProfileStore",
    "check_backend",
    "profile_from_settings",
    "validate_name",
]
