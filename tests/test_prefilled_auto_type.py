"""Auto-type on every sign-in that opens with the username filled in (issue 19), on the real
`totp-tui` under tmux at 80x24, each sequence sent as one burst (`send-keys -l`).

The openings: `totp-tui demo`, `--username`, a saved profile's last username, and the
sign-in the wizard goes back to when Cognito ends the Session. Focus is in Password on each.
Both of a password manager's sequences must sign in: KeePass's default
`{USERNAME}{TAB}{PASSWORD}{ENTER}` (the name lands in Password first; the Tab stays there and
sees it is only the name) and `{PASSWORD}{ENTER}`. Signed in means the next step shows (a new
password, or the QR), which only the right password reaches: a password that went to the
username field, or gained the name, fails.
"""

from __future__ import annotations

import re
import secrets
import subprocess

import pytest

from tests.conftest import PoolUser
from tests.support.fault_proxy import FaultProxy, ServiceError
from tests.support.keyring_backends import require_secret_service
from tests.support.tmux_session import TOTP_TUI, TmuxSession, require_tmux
from tests.support.totp_clock import code_now, wait_for_safe_window
from tests.test_burst_input import SCREEN_TIMEOUT, key_on_screen
from tests.test_end_to_end import wizard_command
from tests.test_profiles_end_to_end import keyring_environment
from totp_tui.demo.local_cognito import DemoPool, LocalCognito

pytestmark = pytest.mark.e2e

ORDERS = ["username-tab-password-enter", "password-enter"]


def auto_type(name: str, password: str, order: str) -> str:
    return f"{name}\t{password}\r" if order == ORDERS[0] else f"{password}\r"


def opens_with_the_name(session: TmuxSession, name: str) -> None:
    screen = session.wait_for("Password", timeout=SCREEN_TIMEOUT)
    assert name in screen, "the sign-in did not open with the username filled in"


@pytest.mark.parametrize("order", ORDERS)
def test_the_demo_typed_as_its_card_reads_enrols(order: str) -> None:
    # Issue 19, case 2: "Username: demo / Temporary password: Tmp-…" typed in that order,
    # with Tab between, gave the username field `demoTmp-…`.
    require_tmux()
    with TmuxSession([TOTP_TUI, "demo"]) as session:
        card = session.wait_for("Temporary password:", timeout=30)
        name = re.search(r"Username: (\S+)", card)
        temporary = re.search(r"Temporary password: (\S+)", card)
        assert name and temporary, "the demo card is not on the screen"
        session.type(auto_type(name.group(1), temporary.group(1), order))
        session.wait_for("Confirm new password", timeout=SCREEN_TIMEOUT)
        new_password = f"Demo-{secrets.token_urlsafe(9)}-1a"
        session.type(f"{new_password}\t{new_password}\r")
        session.wait_for("Code from the app", timeout=SCREEN_TIMEOUT)
        key = key_on_screen(session)
        wait_for_safe_window()
        session.type(f"{code_now(key)}\r")
        session.wait_for("is enrolled", timeout=SCREEN_TIMEOUT)


@pytest.mark.parametrize("order", ORDERS)
def test_username_flag(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, order: str
) -> None:
    require_tmux()
    command = [*wizard_command(local_cognito, pool), "--username", user.username]
    with TmuxSession(command) as session:
        opens_with_the_name(session, user.username)
        session.type(auto_type(user.username, user.password, order))
        session.wait_for("Confirm new password", timeout=SCREEN_TIMEOUT)


@pytest.mark.parametrize("order", ORDERS)
def test_a_saved_profiles_username(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, order: str
) -> None:
    require_tmux()
    require_secret_service()
    name = f"auto-{secrets.token_hex(3)}"
    environment = keyring_environment()
    saved = subprocess.run(
        [
            TOTP_TUI,
            "profiles",
            "save",
            name,
            "--user-pool-id",
            pool.user_pool_id,
            "--client-id",
            pool.client_id,
            "--endpoint-url",
            local_cognito.endpoint_url,
            "--username",
            user.username,
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={"PATH": "/usr/bin:/bin", **environment},
    )
    assert saved.returncode == 0, saved.stderr
    try:
        with TmuxSession([TOTP_TUI, "--profile", name], env=environment) as session:
            opens_with_the_name(session, user.username)
            session.type(auto_type(user.username, user.password, order))
            session.wait_for("Confirm new password", timeout=SCREEN_TIMEOUT)
    finally:
        subprocess.run(
            [TOTP_TUI, "profiles", "delete", name, "--yes"],
            capture_output=True,
            timeout=30,
            check=False,
            env={"PATH": "/usr/bin:/bin", **environment},
        )


@pytest.mark.parametrize("order", ORDERS)
def test_the_sign_in_after_cognito_ended_the_session(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser, order: str
) -> None:
    # Cognito ends the Session while the QR is shown (the person took too long); the wizard
    # goes back to sign-in with the name kept. The local Cognito never expires a Session, so
    # the proxy answers the code as Cognito does then.
    require_tmux()
    expired = ServiceError(
        "NotAuthorizedException", "Invalid session for the user, session is expired."
    )
    with FaultProxy(local_cognito.endpoint_url) as proxy:
        command = [*wizard_command(local_cognito, pool)]
        command[command.index("--endpoint-url") + 1] = proxy.url
        with TmuxSession(command) as session:
            session.wait_for("Password", timeout=SCREEN_TIMEOUT)
            session.type(f"{user.username}\t{user.password}\r")
            session.wait_for("Confirm new password", timeout=SCREEN_TIMEOUT)
            session.type(f"{user.new_password}\t{user.new_password}\r")
            session.wait_for("Code from the app", timeout=SCREEN_TIMEOUT)
            proxy.script("VerifySoftwareToken", expired, times=1)
            session.type("123456\r")
            opens_with_the_name(session, user.username)
            session.type(auto_type(user.username, user.new_password, order))
            session.wait_for("Code from the app", timeout=SCREEN_TIMEOUT)
