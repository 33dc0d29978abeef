"""The helpdesk's lost-phone loop, end to end over real HTTP, with tmux driving the kiosk.

1. A person enrolled on a pool that requires MFA loses their phone. The operator runs the
   installed `totp-tui admin reset-mfa` against the local Cognito, with a reason.
2. The person signs in at the kiosk (`totp-tui --kiosk`, 80x24, the form typed in one burst)
   and gets a new QR, read off the screen as a phone would read it.
3. They enrol with a code from the new key. A fresh sign-in then asks for the app's code,
   refuses the lost app's code and takes the new one.
4. The audit log holds both lines: the reset with the operator's IAM identity and the reason,
   and the enrolment with the desk's login.

On the previous main (AdminSetUserMFAPreference) step 2 met the old app's code instead of a
QR: the local Cognito, as AWS, keeps the token of a pool that requires MFA.
"""

from __future__ import annotations

import json
import os
import pwd
import time
from pathlib import Path

import pytest

from tests.cli.test_admin import bare_env, pool_flags, run_cli
from tests.conftest import settings_for
from tests.helpdesk.test_admin_calls import enrol, iam_user, turn_totp_on
from tests.support.tmux_session import TmuxSession, require_tmux
from tests.support.totp_clock import code_now, wrong_code
from tests.test_end_to_end import wizard_command
from tests.test_sms_move_end_to_end import reading, wait_quietly
from totp_tui.authenticator.key_uri import parse_key_uri
from totp_tui.cognito.client import make_client
from totp_tui.cognito.errors import CognitoError
from totp_tui.cognito.flow import AlreadyEnrolled, CodeRequired, EnrolmentFlow
from totp_tui.demo.local_cognito import LocalCognito, active_secret, temporary_password

pytestmark = pytest.mark.e2e

SCREEN_TIMEOUT = 20.0
REASON = "INC-4711 lost phone, identity checked by call-back"


def audit_entries(state: Path, count: int, timeout: float = 10.0) -> list[dict[str, object]]:
    """The audit log's lines once it holds `count` (the kiosk writes its line off the UI
    thread, a moment after the done screen shows)."""
    path = state / "totp-tui" / "audit.jsonl"
    deadline = time.monotonic() + timeout
    while True:
        lines = path.read_text().splitlines() if path.exists() else []
        if len(lines) >= count or time.monotonic() > deadline:
            return [json.loads(line) for line in lines]
        time.sleep(0.1)


def test_lost_phone_reset_then_new_app_at_the_kiosk(
    local_cognito: LocalCognito, tmp_path: Path
) -> None:
    require_tmux()
    pool = local_cognito.create_pool(mfa="ON")
    person = enrol(local_cognito, pool)  # their password is now person.new_password
    turn_totp_on(local_cognito, pool, person.username)
    lost = active_secret(pool.user_pool_id, person.username)
    assert lost is not None
    home, state = tmp_path / "home", tmp_path / "state"
    home.mkdir()
    operator = iam_user(local_cognito)

    # 1. The operator resets, from a shell with nothing of this machine's AWS setup.
    reset = run_cli(
        "admin", "reset-mfa", "--username", person.username, "--yes", "--reason", REASON,
        *pool_flags(local_cognito, pool), env=bare_env(home, state, operator),
    )  # fmt: skip
    assert (reset.returncode, reset.stderr) == (0, "")
    assert reset.stdout.splitlines()[-1] == "Next sign-in: set up an app."

    # 2. The person at the kiosk: the whole form in one burst, then a new QR.
    kiosk = [*wizard_command(local_cognito, pool), "--kiosk"]
    with TmuxSession(kiosk, env={"XDG_STATE_HOME": str(state)}, width=80, height=24) as session:
        session.wait_for("Password", timeout=SCREEN_TIMEOUT)
        session.type(f"{person.username}\t{person.new_password}\r")
        wait_quietly(session, "Code from the app", "the enrol screen (a new QR)")
        key = parse_key_uri(session.wait_for_qr(timeout=SCREEN_TIMEOUT))
        assert (key.issuer, key.account) == ("Acme", person.username)
        assert key.secret != lost, "the kiosk showed the lost app's key"

        # 3. They enrol with the new app's code.
        session.type(f"{code_now(key.secret)}\r")
        done = wait_quietly(session, "is enrolled", "the done screen")
        assert key.secret not in reading(done)

    # A fresh sign-in asks for the app's code: the lost app's is refused, the new one's taken.
    settings = settings_for(local_cognito, pool)
    refused = EnrolmentFlow(settings, make_client(settings))
    first = type(refused.sign_in(person.username, person.new_password))
    assert first is CodeRequired, f"a fresh sign-in gave {first.__name__}"
    lost_code = code_now(lost)
    if lost_code == code_now(key.secret):  # one chance in a million
        lost_code = wrong_code(key.secret)
    with pytest.raises(CognitoError) as wrong:
        refused.answer_code(lost_code)
    assert wrong.value.code == "CodeMismatchException", "the lost app's code was not refused"
    fresh = EnrolmentFlow(settings, make_client(settings))
    assert type(fresh.sign_in(person.username, person.new_password)) is CodeRequired
    answered = type(fresh.answer_code(code_now(key.secret)))
    assert answered is AlreadyEnrolled, f"the new app's code gave {answered.__name__}"

    # 4. Both lines, each with who did it.
    entries = audit_entries(state, 2)
    assert [(e["action"], e["outcome"], e["username"]) for e in entries] == [
        ("reset-mfa", "ok", person.username),
        ("kiosk-enrol", "ok", person.username),
    ]
    assert entries[0]["operator"] == operator.arn
    assert entries[0]["reason"] == REASON
    # The kiosk signs nothing with IAM: its operator is the desk's login.
    assert entries[1]["desk_user"] == pwd.getpwuid(os.getuid()).pw_name
    assert {e["pool"] for e in entries} == {pool.user_pool_id}


def test_with_a_new_password_the_code_comes_first(
    local_cognito: LocalCognito, tmp_path: Path
) -> None:
    """`--require-new-password`: at the kiosk the password alone leads to Reset password; the
    code sent to the verified email and a new password come before the new QR. (The local
    Cognito sends no email and takes any code: the screen path is what is tested.)"""
    require_tmux()
    pool = local_cognito.create_pool(mfa="ON")
    person = enrol(local_cognito, pool)
    turn_totp_on(local_cognito, pool, person.username)
    local_cognito.admin_client(pool.region).admin_update_user_attributes(
        UserPoolId=pool.user_pool_id,
        Username=person.username,
        UserAttributes=[
            {"Name": "email", "Value": "person@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    home, state = tmp_path / "home", tmp_path / "state"
    home.mkdir()
    operator = iam_user(local_cognito)
    reset = run_cli(
        "admin", "reset-mfa", "--username", person.username, "--yes", "--reason", REASON,
        "--require-new-password", *pool_flags(local_cognito, pool),
        env=bare_env(home, state, operator),
    )  # fmt: skip
    assert (reset.returncode, reset.stderr) == (0, "")
    chosen = temporary_password()

    kiosk = [*wizard_command(local_cognito, pool), "--kiosk"]
    with TmuxSession(kiosk, env={"XDG_STATE_HOME": str(state)}, width=80, height=24) as session:
        session.wait_for("Password", timeout=SCREEN_TIMEOUT)
        session.type(f"{person.username}\t{person.new_password}\r")
        wait_quietly(session, "Reset password", "the reset screen")
        session.send_keys("C-r")
        wait_quietly(session, "Cognito sent a code", "where the code went")
        session.type(f"123456\t{chosen}\t{chosen}\r")
        wait_quietly(session, "Code from the app", "the enrol screen after the new password")
        key = parse_key_uri(session.wait_for_qr(timeout=SCREEN_TIMEOUT))
        session.type(f"{code_now(key.secret)}\r")
        wait_quietly(session, "is enrolled", "the done screen")

    settings = settings_for(local_cognito, pool)
    flow = EnrolmentFlow(settings, make_client(settings))
    assert type(flow.sign_in(person.username, chosen)) is CodeRequired
    assert type(flow.answer_code(code_now(key.secret))) is AlreadyEnrolled
    entries = audit_entries(state, 2)
    assert [(e["action"], e.get("also_reset")) for e in entries] == [
        ("reset-mfa", "password"),
        ("kiosk-enrol", None),
    ]
