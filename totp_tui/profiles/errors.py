"""What can go wrong with profiles, sorted by what the caller does about it.

Every kind is a ProfileError whose message says what happened and what was not done, in one
line: callers show the message as it is. The kinds let the command line choose its exit code
and let the wizard carry on without a keyring (enrolment must never depend on one).
"""

from __future__ import annotations


class ProfileError(Exception):
    """A profile could not be saved, read or deleted; the message says why and what was not done.

    Raised as it is for damaged or unreadable saved data (a bad index, an unknown schema).
    """


class ProfileNameError(ProfileError):
    """The name given is not a valid profile name: a usage error."""


class ProfileNotFoundError(ProfileError):
    """No saved profile has this name."""


class KeyringAccessError(ProfileError):
    """The keyring could not be used: no usable backend, locked, timed out, or a call failed."""
