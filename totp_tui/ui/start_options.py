"""What the command line can hand the wizard besides Settings, each only in some runs: a
way in that skips the sign-in form, the demo's notice, kiosk mode.

Kept apart from the screens and the app, which name these types for the type checker only:
a plain start never loads this module (each frozen dataclass costs ~0.4 ms to create, and
start-up is measured).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class StartWith:
    """A way in that skips the sign-in form: an access token (--access-token or
    TOTP_TUI_ACCESS_TOKEN), or an MFA_SETUP Session obtained elsewhere (--session with
    --username)."""

    username: str = ""
    access_token: str | None = field(default=None, repr=False)
    session: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class DemoNotice:
    """What `totp-tui demo` shows so a person can sign in to the local Cognito."""

    username: str
    temporary_password: str = field(repr=False)


@dataclass(frozen=True)
class Kiosk:
    """Helpdesk kiosk mode (ui/kiosk.py): the next person's wizard after this idle time."""

    idle_seconds: float = 120.0
    # Served over SSH (cli/served.py): being idle ends the session, and with it the
    # connection and its slot, instead of waiting for the next person.
    idle_ends_session: bool = False
    # Writes an enrolment's audit line (pool, username, replaced) in place of the helpdesk's
    # own log; raises OSError or ValueError when it cannot.
    audit: Callable[[str, str, bool], None] | None = field(default=None, compare=False)
    quit_question: str = "Quit the helpdesk kiosk?"
