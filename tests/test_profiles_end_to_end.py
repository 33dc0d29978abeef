"""Profiles end to end: the real `totp-tui` under tmux at 80x24, the real Secret Service that
tests/support/with_secret_service.sh starts (`make test`), and the local Cognito over HTTP.

One person's path: no pool flags, so the profile screen comes first; create a profile with
the form; Enter on it; sign in and enrol (the QR read off the screen, the code typed); the
done screen saves the username back to the profile. Then a second process reads the profile
from the keyring, and a third run with --profile starts on sign-in, username focused.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import subprocess

import pytest

from tests.conftest import PoolUser
from tests.support.keyring_backends import require_secret_service
from tests.support.screen_reading import DARK_THEME
from tests.support.tmux_session import TOTP_TUI, TmuxSession, require_tmux
from tests.support.totp_clock import code_now
from tests.test_end_to_end import reach_enrol
from totp_tui.authenticator.key_uri import parse_key_uri
from totp_tui.demo.local_cognito import DemoPool, LocalCognito, active_secret
from totp_tui.profiles import ProfileError, ProfileStore

pytestmark = pytest.mark.e2e


def keyring_environment() -> dict[str, str]:
    """What a process needs to reach this test session's Secret Service: its D-Bus session
    and the HOME and XDG_RUNTIME_DIR it was started with (TmuxSession's `env -i` drops the
    rest)."""
    names = ("DBUS_SESSION_BUS_ADDRESS", "HOME", "XDG_RUNTIME_DIR")
    return {name: os.environ[name] for name in names if name in os.environ}


def profile_list_loaded(text: str) -> bool:
    return "Reading profiles" not in text and ("No profiles yet" in text or ")" in text)


def show_profile(name: str) -> dict[str, object]:
    """`totp-tui profiles show NAME --output json` in a process of its own."""
    completed = subprocess.run(
        [TOTP_TUI, "profiles", "show", name, "--output", "json"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={**os.environ, **keyring_environment()},
    )
    assert completed.returncode == 0, completed.stderr
    shown: dict[str, object] = json.loads(completed.stdout)
    return shown


def test_a_profile_made_on_the_profile_screen_enrols_and_is_remembered(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser
) -> None:
    require_tmux()
    require_secret_service()
    name = f"e2e-{secrets.token_hex(3)}"
    try:
        with TmuxSession([TOTP_TUI], env=keyring_environment()) as session:
            session.wait_for("Choose the user pool to enrol in", timeout=15)
            session.wait_for(profile_list_loaded, timeout=15)
            session.press("n")
            session.wait_for("New profile", timeout=5)
            # The name is focused; Tab order: name, pool, client, region, flow, issuer,
            # endpoint (the client secret is last).
            session.fill(name)
            session.press("Tab")
            session.fill(pool.user_pool_id)
            session.press("Tab")
            session.fill(pool.client_id)
            session.press("Tab", "Tab", "Tab")
            session.fill("Acme")  # replaces the default issuer: focus selects it
            session.press("Tab")
            session.fill(local_cognito.endpoint_url)
            session.press("C-s")

            # Back on the list, the new profile highlighted: Enter uses it.
            listed = session.wait_for(lambda text: f"{name}  (" in text, timeout=10)
            assert "Reading profiles" not in listed
            session.press("Enter")
            screen = session.wait_for(f"Pool {pool.user_pool_id}", timeout=10)
            assert f"Endpoint {local_cognito.endpoint_url}" in screen

            reach_enrol(session, user)
            uris = [session.wait_for_qr(DARK_THEME)]
            assert len(uris) == 1, "the QR did not decode"
            key = parse_key_uri(uris[0])
            assert (key.issuer, key.account) == ("Acme", user.username)  # the profile's issuer
            session.fill(code_now(key.secret))
            session.press("Enter")
            session.wait_for("is enrolled", timeout=10)
            # Picked on the profile screen, so the username is saved back without asking.
            session.wait_for(f"Saved as profile {name}.", timeout=10)
            assert "Save these settings as a profile?" not in session.text()
            assert active_secret(pool.user_pool_id, user.username) == key.secret
            session.press("Enter")
            assert session.exit_status(timeout=10) == 0

        # A second process reads what the first one saved in the Secret Service.
        shown = show_profile(name)
        expected = {
            "name": name,
            "user_pool_id": pool.user_pool_id,
            "client_id": pool.client_id,
            "region": pool.region,
            "issuer": "Acme",
            "endpoint_url": local_cognito.endpoint_url,
            "last_username": user.username,
            "client_secret": "unset",
        }
        assert {field: shown.get(field) for field in expected} == expected

        # A third run with --profile: sign-in first, the username filled in, the password
        # focused (the first empty field).
        command = [TOTP_TUI, "--profile", name]
        with TmuxSession(command, env=keyring_environment()) as session:
            # The saved username, filled in (the first frames may show the fields empty).
            screen = session.wait_for(
                lambda text: f"Pool {pool.user_pool_id}" in text and user.username in text,
                timeout=15,
            )
            assert "Choose the user pool" not in screen
            session.press("BTab")  # Shift+Tab: back to the username, its text not selected
            session.fill("Z")  # added to the name, not replacing it
            session.wait_for(f"{user.username}Z", timeout=5)
            session.press("C-q")
            assert session.exit_status(timeout=10) == 0
    finally:
        with contextlib.suppress(ProfileError):
            ProfileStore().delete(name)
