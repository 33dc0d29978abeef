"""The real `totp-tui` process under tmux at 80x24 against the local Cognito over HTTP:
type like a person, read the screen, decode the QR a phone would see, type the code, and ask
the service whether the user is enrolled."""

from __future__ import annotations

import boto3
import pytest

from tests.conftest import PoolUser
from tests.support.screen_reading import DARK_THEME, LIGHT_THEME
from tests.support.tmux_session import TOTP_TUI, TmuxSession, require_tmux
from tests.support.totp_clock import code_now
from totp_tui.authenticator.key_uri import group_secret, parse_key_uri
from totp_tui.demo.local_cognito import DemoPool, LocalCognito, active_secret

pytestmark = pytest.mark.e2e


def wizard_command(local_cognito: LocalCognito, pool: DemoPool) -> list[str]:
    return [
        TOTP_TUI,
        "--user-pool-id",
        pool.user_pool_id,
        "--client-id",
        pool.client_id,
        "--endpoint-url",
        local_cognito.endpoint_url,
        "--issuer",
        "Acme",
    ]


def reach_enrol(session: TmuxSession, user: PoolUser) -> str:
    """Sign in, choose the new password, and wait for the enrol screen; its text. The
    keyboard contract: username focused at start, Tab to the next field, Enter."""
    session.wait_for("Password", timeout=15)
    session.fill(user.username)
    session.press("Tab")
    session.fill(user.password)
    session.press("Enter")
    session.wait_for("New password", timeout=10)
    session.fill(user.new_password)
    session.press("Tab")
    session.fill(user.new_password)
    session.press("Enter")
    return session.wait_for("Code from the app", timeout=10)


def test_enrol_end_to_end_in_a_real_terminal(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser
) -> None:
    require_tmux()
    with TmuxSession(wizard_command(local_cognito, pool), width=80, height=24) as session:
        reach_enrol(session, user)
        # What a phone camera sees: the QR must read on a dark and on a light terminal.
        # The QR is drawn a frame after the text.
        uris = {theme.name: [session.wait_for_qr(theme)] for theme in (DARK_THEME, LIGHT_THEME)}
        assert all(len(found) == 1 for found in uris.values()), "the QR did not decode"
        assert uris[DARK_THEME.name] == uris[LIGHT_THEME.name]
        key = parse_key_uri(uris[DARK_THEME.name][0])
        assert (key.issuer, key.account) == ("Acme", user.username)
        # The secret in the QR is the one Cognito will check codes against.
        held = active_secret(pool.user_pool_id, user.username)
        assert held is None  # not verified yet: the service holds it as pending
        screen_text = session.text()
        assert group_secret(key.secret).split(" ")[0] in screen_text  # the key, grouped

        session.fill(code_now(key.secret))
        session.press("Enter")
        session.wait_for("is enrolled", timeout=10)
        key_on_done_screen = key.secret in session.text()
        assert not key_on_done_screen, "the key is still on screen after enrolment"
        assert active_secret(pool.user_pool_id, user.username) == key.secret, (
            "the service holds another secret than the QR showed"
        )

        session.press("Enter")  # Finish
        assert session.exit_status(timeout=10) == 0
        # Nothing secret is left on the normal screen or in the scrollback after the app.
        after = session.text(history=True)
        key_left = key.secret in after or group_secret(key.secret) in after
        assert not key_left, "the key is left on the screen or in the scrollback"

    # Ask the service: a fresh sign-in must now meet the TOTP challenge.
    client = boto3.client(
        "cognito-idp",
        region_name=pool.region,
        endpoint_url=local_cognito.endpoint_url,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    answer = client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.new_password},
    )
    assert answer["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


def test_wrong_password_keeps_the_user_on_sign_in(
    local_cognito: LocalCognito, pool: DemoPool, user: PoolUser
) -> None:
    require_tmux()
    command = [*wizard_command(local_cognito, pool), "--auth-flow", "USER_PASSWORD_AUTH"]
    with TmuxSession(command) as session:
        session.wait_for("Password", timeout=15)
        session.fill(user.username)
        session.press("Tab")
        session.fill("not-the-password")
        session.press("Enter")
        session.wait_for("Incorrect username or password.", timeout=10)
        session.press("C-q")
        assert session.exit_status(timeout=10) == 0


def test_demo_command_starts_a_local_cognito_and_shows_the_demo_user() -> None:
    require_tmux()
    with TmuxSession([TOTP_TUI, "demo"]) as session:
        screen = session.wait_for("Temporary password:", timeout=30)
        assert "Username: demo" in screen
        assert "Endpoint http://127.0.0.1:" in screen
        session.press("C-q")
        assert session.exit_status(timeout=10) == 0
