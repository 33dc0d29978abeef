"""The real `totp-tui` under tmux at 80x24 takes every form as one burst, on an idle machine and
with every core busy: `tmux send-keys -l $'user\\tpass\\r'` is what a password manager's
auto-type, a paste, or an SSH link that delivers a whole line in one read hand the app.

The sign-in uses USER_PASSWORD_AUTH: the local Cognito checks that password (its SRP takes
any), so a password that lost or gained a character, or went to the wrong field, fails here
as it would on AWS. The same bursts through Pilot: tests/ui/test_burst_input.py.
"""

from __future__ import annotations

import secrets

import pytest

from tests.conftest import PoolUser, make_user
from tests.support.accounts import access_token_for, enrol_outside_the_app, set_permanent_password
from tests.support.keyring_backends import require_secret_service
from tests.support.tmux_session import TOTP_TUI, TmuxSession, require_tmux
from tests.support.totp_clock import code_now, wait_for_safe_window
from tests.test_end_to_end import wizard_command
from tests.test_profiles_end_to_end import keyring_environment, profile_list_loaded, show_profile
from totp_tui.authenticator.key_uri import parse_key_uri
from totp_tui.demo.local_cognito import DemoPool, LocalCognito, active_secret

pytestmark = pytest.mark.e2e

# Slower than an idle machine when every core is busy: the wait for each screen, not a pause
# between keys.
SCREEN_TIMEOUT = 20.0


def wizard(local_cognito: LocalCognito, pool: DemoPool) -> list[str]:
    return [*wizard_command(local_cognito, pool), "--auth-flow", "USER_PASSWORD_AUTH"]


def key_on_screen(session: TmuxSession) -> str:
    return parse_key_uri(session.wait_for_qr()).secret


def enrol_in_bursts(session: TmuxSession, user: PoolUser) -> str:
    """Sign-in, then the new password, each form in one burst; the key the QR carries."""
    session.wait_for("Password", timeout=SCREEN_TIMEOUT)
    session.type(f"{user.username}\t{user.password}\r")
    session.wait_for("Confirm new password", timeout=SCREEN_TIMEOUT)
    session.type(f"{user.new_password}\t{user.new_password}\r")
    session.wait_for("Code from the app", timeout=SCREEN_TIMEOUT)
    return key_on_screen(session)


@pytest.mark.parametrize("code_form", ["123456", "123 456"])
def test_sign_in_new_password_and_code_each_in_one_burst(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, code_form: str, host: str
) -> None:
    require_tmux()
    with TmuxSession(wizard(local_cognito, pool)) as session:
        key = enrol_in_bursts(session, user)
        wait_for_safe_window()
        code = code_now(key)
        session.type(f"{code[:3]} {code[3:]}\r" if " " in code_form else f"{code}\r")
        session.wait_for("is enrolled", timeout=SCREEN_TIMEOUT)


def test_the_code_and_the_device_name_in_one_burst(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, host: str
) -> None:
    require_tmux()
    with TmuxSession(wizard(local_cognito, pool)) as session:
        key = enrol_in_bursts(session, user)
        wait_for_safe_window()
        # The z is a letter there (in the code field it zooms the QR).
        session.type(f"{code_now(key)}\tzoe's phone\r")
        session.wait_for("is enrolled", timeout=SCREEN_TIMEOUT)


def test_an_access_token_in_one_burst(local_cognito: LocalCognito, host: str) -> None:
    require_tmux()
    pool = local_cognito.create_pool(mfa="OPTIONAL")
    user = make_user(local_cognito, pool)
    set_permanent_password(local_cognito, pool, user)
    token = access_token_for(local_cognito, pool, user)
    with TmuxSession(wizard(local_cognito, pool)) as session:
        session.wait_for("Password", timeout=SCREEN_TIMEOUT)
        session.send_keys("C-o")
        session.type(f"{token.value}\r")  # at once: no wait for the access-token screen
        session.wait_for("Code from the app", timeout=SCREEN_TIMEOUT)
        wait_for_safe_window()
        session.type(f"{code_now(key_on_screen(session))}\r")
        session.wait_for("is enrolled", timeout=SCREEN_TIMEOUT)


def test_the_current_code_then_the_test_sign_in_in_bursts(
    local_cognito: LocalCognito, pool: DemoPool, host: str
) -> None:
    """An enrolled account: sign-in and the current app's code, each in one burst; then a
    replacement, and the test sign-in's password and new code in one burst."""
    require_tmux()
    user = make_user(local_cognito, pool)
    enrol_outside_the_app(local_cognito, pool, user)
    old_key = active_secret(pool.user_pool_id, user.username)
    assert old_key is not None, "the local Cognito issued no key"
    with TmuxSession(wizard(local_cognito, pool)) as session:
        session.wait_for("Password", timeout=SCREEN_TIMEOUT)
        session.type(f"{user.username}\t{user.new_password}\r")
        session.wait_for("Code from your current app", timeout=SCREEN_TIMEOUT)
        wait_for_safe_window()
        session.type(f"{code_now(old_key)}\r")
        session.wait_for("Already enrolled", timeout=SCREEN_TIMEOUT)
        session.press("Enter")
        session.wait_for("Code from the app", timeout=SCREEN_TIMEOUT)
        new_key = key_on_screen(session)
        wait_for_safe_window()
        session.type(f"{code_now(new_key)}\r")
        session.wait_for("is enrolled", timeout=SCREEN_TIMEOUT)
        session.send_keys("C-r")
        session.type(f"{user.new_password}\t{code_now(new_key)}\r")
        session.wait_for("It works", timeout=SCREEN_TIMEOUT)


def test_a_profile_in_one_burst(local_cognito: LocalCognito, pool: DemoPool, host: str) -> None:
    """Name, pool, client id, Tab over the region and the flow's drop-down, a new
    issuer (the focus selects the default, so typing replaces it), Enter: saved as typed."""
    require_tmux()
    require_secret_service()
    name = f"dev-{secrets.token_hex(3)}"
    with TmuxSession([TOTP_TUI], env=keyring_environment()) as session:
        session.wait_for(profile_list_loaded, timeout=SCREEN_TIMEOUT)
        # n (New) and the whole form at once; the name starts with d and e (Delete and Edit
        # on the list), which must reach the form's name field.
        session.type(f"n{name}\t{pool.user_pool_id}\t{pool.client_id}\t\t\tAcme\r")
        session.wait_for(lambda text: f"{name}  (" in text, timeout=SCREEN_TIMEOUT)
    shown = show_profile(name)
    assert (shown["user_pool_id"], shown["client_id"], shown["issuer"]) == (
        pool.user_pool_id,
        pool.client_id,
        "Acme",
    )
