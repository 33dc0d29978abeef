"""A served session's app, as `totp-tui serve` builds it, enrolling against the local Cognito:
no keyring or profile touched, an audit line without secrets, and idle ends the session."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.core
import pytest

from tests.conftest import PoolUser
from tests.support.sshd import ServedFiles, served_files
from tests.support.totp_clock import code_now
from tests.support.ui_driving import type_text, wait_for_screen
from totp_tui.cli.served import ServedSession, prepare_session
from totp_tui.demo.local_cognito import DemoPool, LocalCognito
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.confirm import ConfirmScreen
from totp_tui.ui.screens.done import DoneScreen
from totp_tui.ui.screens.enrol import EnrolScreen
from totp_tui.ui.screens.new_password import NewPasswordScreen
from totp_tui.ui.screens.sign_in import SignInScreen
from totp_tui.ui.widgets.secret_key import SecretKey

SIZE = (80, 24)


class KeyringTouched(AssertionError):
    pass


class TouchNothingKeyring(keyring.backend.KeyringBackend):
    """Fails the test on any call: a served session has no business with a keyring."""

    priority = 1.0
    viable = False

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringTouched(f"keyring read: {service}")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringTouched(f"keyring write: {service}")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringTouched(f"keyring delete: {service}")


@pytest.fixture
def session(local_cognito: LocalCognito, pool: DemoPool) -> Iterator[tuple[ServedSession, Path]]:
    with tempfile.TemporaryDirectory(prefix="totp-tui-served-") as folder:
        files: ServedFiles = served_files(
            Path(folder), pool.user_pool_id, pool.client_id, local_cognito.endpoint_url
        )
        prepared = prepare_session(files.config, "203.0.113.9 40022 203.0.113.1 22")
        assert isinstance(prepared, ServedSession), prepared
        try:
            yield prepared, files.audit_log
        finally:
            os.close(prepared.slot.fd)


def no_store() -> object:
    raise KeyringTouched("a profile store was made")


async def test_a_served_enrolment_touches_no_keyring_and_is_audited(
    session: tuple[ServedSession, Path], user: PoolUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    served, audit_log = session
    monkeypatch.setattr(keyring.core, "_keyring_backend", TouchNothingKeyring())
    app = TotpApp(served.settings, kiosk=served.kiosk, store_factory=no_store)  # type: ignore
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, SignInScreen)
        await type_text(pilot, user.username)
        await pilot.press("tab")
        await type_text(pilot, user.password)
        await pilot.press("enter")
        await wait_for_screen(pilot, NewPasswordScreen)
        await type_text(pilot, user.new_password)
        await pilot.press("tab")
        await type_text(pilot, user.new_password)
        await pilot.press("enter")
        await wait_for_screen(pilot, EnrolScreen)
        key = str(app.screen.query_one(SecretKey).content).replace(" ", "").replace("\n", "")
        await type_text(pilot, code_now(key))
        await pilot.press("enter")
        await wait_for_screen(pilot, DoneScreen)
        await pilot.press("enter")  # kiosk rules: an empty sign-in for the next person
        await wait_for_screen(pilot, SignInScreen)
        assert app.is_running
        await pilot.pause(0.3)  # the audit line is written off the UI thread
    audit = audit_log.read_text()
    (line,) = audit.splitlines()
    entry = json.loads(line)
    assert (entry["action"], entry["username"], entry["client_address"]) == (
        "served-enrol",
        user.username,
        "203.0.113.9",
    )
    for secret in (user.password, user.new_password, key):
        assert secret not in audit


async def test_idle_ends_the_session(session: tuple[ServedSession, Path], user: PoolUser) -> None:
    served, _ = session
    from dataclasses import replace

    kiosk = replace(served.kiosk, idle_seconds=0.6)
    app = TotpApp(served.settings, kiosk=kiosk)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, SignInScreen)
        await type_text(pilot, user.username)  # half a sign-in, then nothing
        for _ in range(40):
            await pilot.pause(0.1)
            if not app.is_running:
                break
        assert not app.is_running, "the idle session was not ended"
    assert app.return_code == 0


async def test_quitting_asks_about_the_session(session: tuple[ServedSession, Path]) -> None:
    served, _ = session
    app = TotpApp(served.settings, kiosk=served.kiosk)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, SignInScreen)
        await pilot.press("ctrl+q")
        screen = await wait_for_screen(pilot, ConfirmScreen)
        from textual.widgets import Static

        assert any("End this session?" in str(s.render()) for s in screen.query(Static))
        await pilot.press("y")
        await pilot.pause()
        assert not app.is_running
