"""Leaving the real process under tmux (issue 4): Ctrl+C, Ctrl+Q, SIGTERM and SIGHUP, on the
sign-in screen and on the enrol screen with the QR code showing. Each ends with the shell's
usual exit code and a restored terminal: the alternate screen and mouse reporting switched
off, and nothing of the wizard (no QR, no key, nothing typed) on the normal screen or in the
scrollback.

A killed app also exits 143 or 129 (the shell reports 128+N), so the exit code alone does not
prove the signal was handled: the terminal modes it would have left on do.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PoolUser
from tests.support.leak_scan import (
    Secrets,
    add_key,
    app_pid,
    describe,
    find,
    modes_left_on,
    read_key,
    scan_tree,
)
from tests.support.screen_reading import BLOCKS
from tests.support.tmux_session import TmuxSession, require_tmux
from totp_tui.demo.local_cognito import DemoPool, LocalCognito, temporary_password

pytestmark = pytest.mark.e2e

TOTP_TUI = str(Path(sys.executable).parent / "totp-tui")
# Text only the wizard shows: none of it may stay on the normal screen.
WIZARD_TEXT = ("set up an authenticator app", "Sign in", "Set up your authenticator", "Quit")


def press_keys(key: str) -> Callable[[TmuxSession], None]:
    return lambda session: session.send_keys(key)


def send_signal(signum: signal.Signals) -> Callable[[TmuxSession], None]:
    return lambda session: os.kill(app_pid(session), signum)


@dataclass(frozen=True)
class Way:
    leave: Callable[[TmuxSession], None]
    exit_status: int
    asks_mid_enrolment: bool = False  # a key asks first on the enrol screen; again: quit


WAYS = {
    "ctrl+c": Way(press_keys("C-c"), 130, asks_mid_enrolment=True),
    "ctrl+q": Way(press_keys("C-q"), 0, asks_mid_enrolment=True),
    "sigterm": Way(send_signal(signal.SIGTERM), 143),
    "sighup": Way(send_signal(signal.SIGHUP), 129),
}


@pytest.fixture(scope="module")
def admin(local_cognito: LocalCognito) -> Any:
    return local_cognito.admin_client()


@pytest.fixture(scope="module")
def shared_pool(local_cognito: LocalCognito) -> DemoPool:
    """One pool for the module: each test has its own user in it."""
    return local_cognito.create_pool()


@pytest.fixture
def signed_up(admin: Any, shared_pool: DemoPool) -> PoolUser:
    """A user with a permanent password: the default SRP sign-in goes straight to the
    MFA_SETUP challenge, one screen shorter than a temporary password."""
    user = PoolUser(f"user{secrets.token_hex(4)}", temporary_password(), temporary_password())
    admin.admin_create_user(
        UserPoolId=shared_pool.user_pool_id,
        Username=user.username,
        TemporaryPassword=user.password,
        MessageAction="SUPPRESS",
    )
    admin.admin_set_user_password(
        UserPoolId=shared_pool.user_pool_id,
        Username=user.username,
        Password=user.new_password,
        Permanent=True,
    )
    return user


def sign_in_typed(session: TmuxSession, user: PoolUser) -> None:
    session.wait_for("Password", timeout=15)
    session.fill(user.username)
    session.press("Tab")
    session.fill(user.new_password)


@pytest.mark.parametrize("screen", ["sign-in", "enrol"])
@pytest.mark.parametrize("way", list(WAYS))
def test_leaving_restores_the_terminal_and_leaves_nothing(
    local_cognito: LocalCognito,
    shared_pool: DemoPool,
    signed_up: PoolUser,
    tmp_path: Path,
    way: str,
    screen: str,
) -> None:
    require_tmux()
    home = tmp_path / "home"
    home.mkdir()
    command = [
        TOTP_TUI,
        "--user-pool-id",
        shared_pool.user_pool_id,
        "--client-id",
        shared_pool.client_id,
        "--endpoint-url",
        local_cognito.endpoint_url,
    ]
    typed = Secrets()
    typed.add("password", signed_up.new_password)
    with TmuxSession(command, env={"HOME": str(home)}) as session:
        sign_in_typed(session, signed_up)
        if screen == "enrol":
            session.send_keys("Enter")
            session.wait_for("Code from the app", timeout=10)
            key = read_key(session)
            assert key, "the QR code did not decode"
            add_key(typed, key)
            session.fill("123")  # half a code
        WAYS[way].leave(session)
        if screen == "enrol" and WAYS[way].asks_mid_enrolment:
            session.wait_for("Quit now?", timeout=10)
            WAYS[way].leave(session)  # the same key again: yes
        status = session.exit_status(timeout=10)
        modes = modes_left_on(session)
        after = session.text(history=True)

    assert status == WAYS[way].exit_status
    assert not modes, f"the terminal was left with {modes} on"
    # Booleans, not `x in after`: pytest would print the screen, and with it any leak.
    wizard_left = [text for text in WIZARD_TEXT if text in after]
    assert not wizard_left, f"the wizard is still on the normal screen: {wizard_left}"
    blocks = sum(after.count(block) for block in BLOCKS)
    assert blocks == 0, f"{blocks} half-block characters (a QR code) after the app left"
    username_left = signed_up.username in after
    assert not username_left, "the typed username is still on the screen"
    hits = find(after.encode("utf-8"), "the terminal after exit", typed) + scan_tree(home, typed)
    assert not hits, f"secrets left behind: {describe(hits)}"


@dataclass
class SilentEndpoint:
    """Accepts connections and never answers (a hung proxy, a black hole): a request to it
    runs until botocore's read timeout, times its retries."""

    url: str
    connections: list[socket.socket]

    def wait_for_a_request(self, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not self.connections:
            assert time.monotonic() < deadline, "the app never connected"
            time.sleep(0.05)


@pytest.fixture
def silent_endpoint() -> Iterator[SilentEndpoint]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    endpoint = SilentEndpoint(f"http://127.0.0.1:{listener.getsockname()[1]}", [])

    def accept() -> None:
        with contextlib.suppress(OSError):  # the listener was closed: the test is over
            while True:
                endpoint.connections.append(listener.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield endpoint
    finally:
        listener.close()
        for connection in endpoint.connections:
            connection.close()


@pytest.mark.parametrize("way", ["ctrl+c", "sigterm"])
def test_leaving_during_a_request_that_never_answers_ends_at_once(
    silent_endpoint: SilentEndpoint, tmp_path: Path, way: str
) -> None:
    """The request cannot be interrupted; the process must not wait for it (up to 3 x 30 s
    with the default read timeout and retries) once the user has asked to leave."""
    require_tmux()
    home = tmp_path / "home"
    home.mkdir()
    command = [
        TOTP_TUI,
        "--user-pool-id",
        "us-east-1_Silent1",
        "--client-id",
        "silentclient",
        "--endpoint-url",
        silent_endpoint.url,
    ]
    user = PoolUser("alice", temporary_password(), temporary_password())
    with TmuxSession(command, env={"HOME": str(home)}) as session:
        sign_in_typed(session, user)
        session.send_keys("Enter")
        silent_endpoint.wait_for_a_request()
        pid = app_pid(session)
        WAYS[way].leave(session)
        status = session.exit_status(timeout=5)
        modes = modes_left_on(session) if status is not None else []
        if status is None:  # do not leave it behind for up to a minute and a half
            os.kill(pid, signal.SIGKILL)

    assert status is not None, "the process was still running 5 s after the user left"
    assert status == WAYS[way].exit_status
    assert not modes, f"the terminal was left with {modes} on"
