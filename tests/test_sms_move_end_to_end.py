"""The real `totp-tui` under tmux at 80x24: a person who signs in with a code by SMS today
moves to an authenticator app and turns SMS codes off.

Sign-in (one burst), the SMS code, the choice "turn SMS codes off", the QR read off the
screen as a phone would read it, the app's code, the done screen, and a test sign-in with a
code from the next window. Then, without the UI, the service is asked: a fresh sign-in must
meet SOFTWARE_TOKEN_MFA and take a code from the key the QR carried, and the account must
have SMS MFA gone and the app preferred.

USER_PASSWORD_AUTH on a pool whose MFA is optional: the local Cognito checks that password
(its SRP takes any, so a password mangled by a burst would pass), and on an MFA-ON pool it
would ask for MFA_SETUP instead of SMS_MFA (DESIGN.md section 5).
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable

import pytest

from tests.conftest import settings_for
from tests.support.tmux_session import TmuxSession, require_tmux
from tests.support.totp_clock import STEP, code_now, wait_for_safe_window, wrong_code
from tests.test_end_to_end import wizard_command
from totp_tui.authenticator.key_uri import group_secret, parse_key_uri
from totp_tui.cognito.client import make_client
from totp_tui.cognito.errors import CognitoError
from totp_tui.cognito.flow import AlreadyEnrolled, CodeRequired, EnrolmentFlow
from totp_tui.demo.local_cognito import LocalCognito, temporary_password

pytestmark = pytest.mark.e2e

# The wait for each screen (not a pause between keys): a loaded host is slower.
SCREEN_TIMEOUT = 20.0
TURNED_OFF = "SMS codes are turned off for this account."
# Borders and the QR's half blocks: not text a person reads.
_NOT_TEXT = str.maketrans(dict.fromkeys("│─╭╮╰╯▀▄█▊▎▔▁", " "))


def reading(text: str) -> str:
    """The screen's words in reading order, borders dropped and runs of spaces collapsed:
    a sentence wrapped over two rows reads as one phrase."""
    return re.sub(r"\s+", " ", text.translate(_NOT_TEXT))


def says(phrase: str) -> Callable[[str], bool]:
    return lambda text: phrase in reading(text)


def wait_quietly(session: TmuxSession, expected: str, what: str) -> str:
    """wait_for, without the screen in the failure: it may still show the key."""
    try:
        return session.wait_for(says(expected), timeout=SCREEN_TIMEOUT)
    except AssertionError:
        raise AssertionError(f"timed out waiting for {what}") from None


def window() -> int:
    return int(time.time() // STEP)


def wait_for_window_after(used: int) -> None:
    """Cognito refuses a code used once: wait until the app shows a code of a later window
    than `used`, away from that window's last seconds."""
    while window() <= used:
        time.sleep(STEP - (time.time() % STEP) + 0.05)
    wait_for_safe_window()


# Loaded only: the burst under load is the harder case, and each run waits for TOTP windows.
@pytest.mark.parametrize("host", ["loaded"], indirect=True)
def test_an_sms_user_moves_to_the_app_and_turns_sms_off(
    local_cognito: LocalCognito, host: str
) -> None:
    require_tmux()
    pool = local_cognito.create_pool(mfa="OPTIONAL")
    username, password = f"sms{secrets.token_hex(4)}", temporary_password()
    local_cognito.create_sms_user(pool, username, password)
    command = [*wizard_command(local_cognito, pool), "--auth-flow", "USER_PASSWORD_AUTH"]

    with TmuxSession(command, width=80, height=24) as session:
        session.wait_for("Password", timeout=SCREEN_TIMEOUT)
        session.type(f"{username}\t{password}\r")
        screen = session.wait_for("Code from the message", timeout=SCREEN_TIMEOUT)
        asks_sms_code = "Code by SMS" in screen
        assert asks_sms_code, "the code screen does not say the code came by SMS"
        session.type("123456\r")  # the local Cognito takes any code sent by SMS

        session.wait_for(says("Set up the app, and turn SMS codes off"), timeout=SCREEN_TIMEOUT)
        session.send_keys("Down", "Enter")  # the second choice, in one burst

        session.wait_for("Code from the app", timeout=SCREEN_TIMEOUT)
        key = parse_key_uri(session.wait_for_qr(timeout=SCREEN_TIMEOUT))
        assert (key.issuer, key.account) == ("Acme", username)
        key_shown = group_secret(key.secret) in reading(session.text())
        assert key_shown, "the key, in groups of four, is not on the enrol screen"
        code = code_now(key.secret)
        enrolled_in = window()
        session.type(f"{code}\r")

        done = wait_quietly(session, "is enrolled", "the done screen")
        says_off, says_kept = TURNED_OFF in reading(done), "stay on as a" in reading(done)
        assert says_off, "the done screen does not say SMS codes are turned off"
        assert not says_kept, "the done screen says SMS codes stay on"
        key_on_done_screen = key.secret in done or group_secret(key.secret) in reading(done)
        assert not key_on_done_screen, "the key is still on screen after enrolment"

        # The test sign-in: the password and a new code from the app, in one burst.
        session.send_keys("C-r")
        session.wait_for("New code from the app", timeout=SCREEN_TIMEOUT)
        wait_for_window_after(enrolled_in)
        session.type(f"{password}\t{code_now(key.secret)}\r")
        wait_quietly(session, "It works", "the test sign-in to pass")

        session.press("Escape")  # back to Enrolled, where Enter finishes
        session.wait_for("Enrolled", timeout=SCREEN_TIMEOUT)
        session.press("Enter")
        assert session.exit_status(timeout=10) == 0
        after = session.text(history=True)
        key_left = key.secret in after or group_secret(key.secret) in reading(after)
        assert not key_left, "the key is left on the screen or in the scrollback"

    # Ask the service, without the UI: the next sign-in asks for the app's code, refuses a
    # wrong one and takes one from the key the QR carried. (The local Cognito does not refuse
    # a code used once, so the test sign-in's window serves; AWS would want the next one.)
    settings = settings_for(local_cognito, pool, auth_flow="USER_PASSWORD_AUTH")
    # (Each step is named before it is asserted: pytest would print a call's arguments.)
    refused = EnrolmentFlow(settings, make_client(settings))
    first = type(refused.sign_in(username, password))
    assert first is CodeRequired, f"a fresh sign-in gave {first.__name__}"
    with pytest.raises(CognitoError) as wrong:
        refused.answer_code(wrong_code(key.secret))
    assert wrong.value.code == "CodeMismatchException"
    fresh = EnrolmentFlow(settings, make_client(settings))
    first = type(fresh.sign_in(username, password))
    assert first is CodeRequired, f"a fresh sign-in gave {first.__name__}"
    answered = type(fresh.answer_code(code_now(key.secret)))
    assert answered is AlreadyEnrolled, f"the code from the QR's key gave {answered.__name__}"

    account = local_cognito.admin_client(pool.region).admin_get_user(
        UserPoolId=pool.user_pool_id, Username=username
    )
    assert "SMS_MFA" not in account.get("UserMFASettingList", [])
    assert "SOFTWARE_TOKEN_MFA" in account.get("UserMFASettingList", [])
    assert account.get("PreferredMfaSetting") == "SOFTWARE_TOKEN_MFA"
