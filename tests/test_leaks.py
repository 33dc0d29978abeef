"""The leak test of the real process (issue 4): enrol under tmux with --debug --log-file and a
client secret, then look for every secret of the run wherever it could have stayed: the
files under HOME and TMPDIR, the log, the keyring, and the terminal after the app left.

The secrets come from both ends: what the test typed, the key decoded from the QR a phone
would scan, and every Session, token and SRP value the local Cognito received or sent
(recorded inside moto, which runs in this process). Failures name secrets and places, never
values.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import PoolUser, make_user
from tests.support.leak_scan import (
    Hit,
    Secrets,
    WireRecorder,
    add_key,
    describe,
    find,
    issued_by_backend,
    key_groups,
    keyring_dump,
    read_key,
    scan_tree,
)
from tests.support.tmux_session import TOTP_TUI, TmuxSession, require_tmux
from tests.support.totp_clock import code_now
from totp_tui.demo.local_cognito import DemoPool, LocalCognito

pytestmark = pytest.mark.e2e

EXIT_INTERRUPTED = 130
# The calls of an enrolment, each of which carries a Session.
STEPS = ("InitiateAuth", "RespondToAuthChallenge", "AssociateSoftwareToken", "VerifySoftwareToken")


@dataclass
class Run:
    """One run of the wizard: where it could leave things, and what it must not leave."""

    home: Path
    tmp: Path
    log: Path
    user: PoolUser
    pool: DemoPool
    recorder: WireRecorder
    key: str = ""  # the TOTP secret, as decoded from the QR on the screen
    terminal: str = ""  # screen and scrollback after the process ended
    exit_status: int | None = None
    saved_profile: bool = False

    def __repr__(self) -> str:
        return f"<Run of {self.user.username}>"


@pytest.fixture
def run(
    local_cognito: LocalCognito,
    pool_with_secret: DemoPool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Run:
    assert pool_with_secret.client_secret, "the pool's client must have a secret"
    recorder = WireRecorder()
    recorder.install(monkeypatch)
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    return Run(
        home=home,
        tmp=tmp,
        log=tmp_path / "debug.log",
        user=make_user(local_cognito, pool_with_secret),
        pool=pool_with_secret,
        recorder=recorder,
    )


def drive(local_cognito: LocalCognito, run: Run, steps: Callable[[TmuxSession], None]) -> None:
    """Start the wizard with --debug --log-file, let `steps` use it up to its exit, and
    keep what the terminal shows afterwards."""
    require_tmux()
    command = [
        TOTP_TUI,
        "--user-pool-id",
        run.pool.user_pool_id,
        "--client-id",
        run.pool.client_id,
        "--endpoint-url",
        local_cognito.endpoint_url,
        "--debug",
        "--log-file",
        str(run.log),
    ]
    env = {
        "HOME": str(run.home),
        "TMPDIR": str(run.tmp),
        # Never a flag (flags show in `ps`): the app reads it from the environment.
        "TOTP_TUI_CLIENT_SECRET": run.pool.client_secret or "",
    }
    # The test's Secret Service (tests/support/with_secret_service.sh), so that anything the app
    # keeps in the keyring lands where the scan looks.
    for name in ("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"):
        if name in os.environ:
            env[name] = os.environ[name]
    with TmuxSession(command, env=env, width=80, height=24) as session:
        steps(session)
        run.exit_status = session.exit_status(timeout=10)
        run.terminal = session.text(history=True)


def sign_in_to_the_enrol_screen(session: TmuxSession, run: Run) -> None:
    """Sign in, choose the new password, and read the key from the QR on the screen."""
    session.wait_for("Password", timeout=15)
    session.fill(run.user.username)
    session.press("Tab")
    session.fill(run.user.password)
    session.press("Enter")
    session.wait_for("New password", timeout=10)
    session.fill(run.user.new_password)
    session.press("Tab")
    session.fill(run.user.new_password)
    session.press("Enter")
    session.wait_for("Code from the app", timeout=10)
    key = read_key(session)
    assert key, "the QR code did not decode"
    run.key = key
    # The scan looks for the key in groups of four as the screen shows it: check that the
    # screen does, so that a new format cannot make the scan look for nothing.
    # (Booleans first: pytest would print both sides of a failed `in`.)
    shown = session.text()
    groups_shown = all(group in shown for group in key_groups(run.key))
    assert groups_shown, "the key is not shown in groups of four"


def wait_quietly(session: TmuxSession, expected: str, key: str, timeout: float = 10) -> None:
    """wait_for, for while the key is on the screen: a timeout shows the screen with the
    key's groups masked."""
    try:
        session.wait_for(expected, timeout=timeout)
    except AssertionError as error:
        message = str(error)
        for group in key_groups(key):
            message = message.replace(group, "****")
        raise AssertionError(message) from None


def wait_for_log(log: Path, expected: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not (log.is_file() and expected in log.read_text(encoding="utf-8")):
        assert time.monotonic() < deadline, f"the log never showed {expected!r}"
        time.sleep(0.05)


def secrets_of(run: Run) -> Secrets:
    secrets = Secrets()
    secrets.add("temporary password", run.user.password)
    secrets.add("new password", run.user.new_password)
    add_key(secrets, run.key)
    secrets.add("client secret", run.pool.client_secret)
    run.recorder.add_to(secrets)
    for kind, value in issued_by_backend(run.pool.region, run.pool.user_pool_id):
        secrets.add(f"{kind} (held by the service)", value)
    return secrets


def scan(run: Run, secrets: Secrets) -> list[Hit]:
    """Every place the run could have left a secret in: files (HOME, TMPDIR), the log, the
    terminal after exit, and the keyring when the tests have a Secret Service."""
    hits = scan_tree(run.home, secrets) + scan_tree(run.tmp, secrets)
    # The log itself is inside neither tree: scanned on its own.
    hits += find(run.log.read_bytes(), "the --log-file", secrets)
    hits += find(run.terminal.encode("utf-8"), "the terminal after exit", secrets)
    keyring = keyring_dump()
    if keyring is not None:
        # The one secret that belongs there: a saved profile keeps the client secret in
        # the keyring (never in a file or a flag).
        hits += find(keyring, "the keyring", secrets.without("client secret"))
    return hits


def check_the_log(run: Run, actions: tuple[str, ...]) -> str:
    """The log must exist, be private, and really hold botocore's wire traffic with its
    secrets masked: an empty log would pass any scan."""
    assert run.log.is_file(), "--log-file was not written"
    assert stat.S_IMODE(run.log.stat().st_mode) == 0o600
    text = run.log.read_text(encoding="utf-8")
    # (Booleans first, here and below: pytest prints both sides of a failed `in`, and a
    # log that failed to mask would then be printed, secrets and all.)
    has_wire = "botocore" in text
    assert has_wire, "the log holds no botocore lines"
    missing = [action for action in actions if action not in text]
    assert not missing, f"the log does not show these calls: {missing}"
    masks = text.count("***")
    assert masks > 0, "the log masks nothing: the scan would prove nothing"
    return text


def test_a_whole_enrolment_leaves_no_secret_behind(local_cognito: LocalCognito, run: Run) -> None:
    def enrol(session: TmuxSession) -> None:
        sign_in_to_the_enrol_screen(session, run)
        session.fill(code_now(run.key))
        session.press("Enter")
        wait_quietly(session, "is enrolled", run.key)
        if keyring_dump() is not None:
            # Save the settings as a profile, so that the keyring holds what the app keeps
            # there and the scan of it has something to look through.
            offered = "Save these settings" in session.text()
            assert offered, "the done screen does not offer to save a profile"
            session.fill(f"leaks-{run.user.username}")
            session.press("Enter")
            wait_quietly(session, "Saved as profile", run.key)
            run.saved_profile = True
        session.press("Enter")  # Finish

    drive(local_cognito, run, enrol)
    assert run.exit_status == 0

    # The recorder saw the whole exchange: a Session at each step, the key, the tokens.
    recorder = run.recorder
    same_key = recorder.values("SecretCode") == [run.key]
    assert same_key, "the QR showed another key than the service issued"
    # (moto hands the same Session back for several steps; AWS issues a new one each time.)
    unseen = sorted(set(STEPS) - recorder.actions_with("Session"))
    assert not unseen, f"no Session recorded for {unseen}: the recorder missed some"
    missing = [
        name
        for name in ("AccessToken", "IdToken", "RefreshToken", "SECRET_HASH")
        if not recorder.values(name)
    ]
    assert not missing, f"not seen on the wire: {missing}"
    secrets = secrets_of(run)

    hits = scan(run, secrets)
    assert not hits, f"secrets left behind ({len(secrets)} looked for): {describe(hits)}"
    if run.saved_profile:
        # The keyring scan looked at something: the profile just saved.
        dump = keyring_dump() or b""
        profile_found = f"leaks-{run.user.username}".encode() in dump
        assert profile_found, "the saved profile is not in the keyring"
    log = check_the_log(run, STEPS)
    tokens_logged = "AuthenticationResult" in log
    assert tokens_logged, "the log does not show the answer with the tokens"


def test_a_flow_stopped_by_a_service_error_leaves_no_secret_behind(
    local_cognito: LocalCognito, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.cognitoidp.models import CognitoIdpBackend
    from moto.core.exceptions import JsonRESTError

    attempts: list[str] = []

    def failing_verify(*args: object, **kwargs: object) -> None:
        attempts.append("VerifySoftwareToken")
        # 400, not 500: botocore would retry a 5xx with backoff and slow the test down.
        raise JsonRESTError("InternalErrorException", "Injected internal error")

    monkeypatch.setattr(CognitoIdpBackend, "verify_software_token", failing_verify)

    def fail_then_interrupt(session: TmuxSession) -> None:
        sign_in_to_the_enrol_screen(session, run)
        session.fill("123456")  # refused anyway: the service fails before checking it
        session.press("Enter")
        # The app's log, not the screen: a notice (no keyring here, say) can cover the
        # status line that shows the error.
        wait_for_log(run.log, "request failed: InternalErrorException")
        session.press("C-c")  # on the QR screen, quitting asks first
        session.wait_for("Quit now?", timeout=10)
        session.press("C-c")  # the same key again: quit

    drive(local_cognito, run, fail_then_interrupt)
    assert attempts, "the injected error was never reached"
    assert run.exit_status == EXIT_INTERRUPTED

    recorder = run.recorder
    same_key = recorder.values("SecretCode") == [run.key]
    assert same_key, "the QR showed another key than the service issued"
    unseen = sorted(set(STEPS) - recorder.actions_with("Session"))
    assert not unseen, f"no Session recorded for {unseen}: the recorder missed some"
    secrets = secrets_of(run)

    hits = scan(run, secrets)
    assert not hits, f"secrets left behind ({len(secrets)} looked for): {describe(hits)}"
    log = check_the_log(run, STEPS)
    error_logged = "InternalErrorException" in log
    assert error_logged, "the log does not show the injected error"
