"""The enrol screen: the QR code and the key from the local Cognito, and the first code."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterator

import pytest
from textual.app import App

from tests.conftest import PoolUser, make_user
from tests.support.accounts import sign_in_with_totp
from tests.support.cognito_calls import CognitoCalls
from tests.support.screen_reading import decode_qr
from tests.support.totp_clock import code_now, wrong_code
from tests.support.ui_driving import type_text, wait_until_idle
from tests.support.wizard_steps import (
    Hidden,
    arrive,
    field,
    focused_id,
    holds_text,
    is_empty,
    paste,
    reach_enrol,
    screen_cells,
    shown_key,
    shows,
    shows_half_blocks,
    visible_text,
)
from tests.ui.conftest import SIZE
from totp_tui.authenticator.key_uri import build_key_uri, parse_key_uri
from totp_tui.config.settings import Settings
from totp_tui.demo.local_cognito import DemoPool, LocalCognito, use_secret_source
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.done import DoneScreen
from totp_tui.ui.widgets.qr_code import QrCode
from totp_tui.ui.widgets.secret_key import SecretKey

WRONG_CODE_MESSAGE = "That code is not right."
COUNTDOWN = "Session ends in"


def email_account() -> str:
    """A unique name as long as a typical email address (26 characters)."""
    return f"alice.{secrets.token_hex(4)}@example.com"


@pytest.fixture
def cognito_length_keys() -> Iterator[None]:
    """Keys as long as the ones AWS Cognito issues (52 base32 characters, 256 bits): the
    local Cognito's are 32, which makes a smaller QR code and a shorter key than people see."""
    use_secret_source(lambda: base64.b32encode(secrets.token_bytes(32)).decode().rstrip("="))
    try:
        yield
    finally:
        use_secret_source(None)


async def test_code_field_takes_digits_only_and_ctrl_q_asks_then_quits_forgetting_the_key(
    settings: Settings, user: PoolUser, calls: CognitoCalls
) -> None:
    app = TotpApp(settings, client_factory=calls)
    async with app.run_test(size=SIZE) as pilot:
        screen = await reach_enrol(pilot, user)
        assert focused_id(app) == "code"
        await type_text(pilot, "abc")
        assert is_empty(field(screen, "code"))
        await type_text(pilot, "123")
        await pilot.press("enter")
        assert shows(app, "Type the 6-digit code your app shows for this account.")
        assert app.screen is screen
        assert focused_id(app) == "code"
        assert calls.count("VerifySoftwareToken") == 0
        await type_text(pilot, " 456")
        assert field(screen, "code").value == "123 456"

        # Mid-enrolment, Ctrl+Q asks first (issue 14, case 6): the person may have scanned
        # the code already. No keeps everything; Ctrl+Q again on the question quits.
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running and shows(app, "Quit now?")
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and field(screen, "code").value == "123 456"
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
        assert str(screen.query_one(SecretKey).content) == ""
        assert screen.query_one(QrCode).drawing is None
    assert app.return_code == 0


async def test_right_code_enrols_and_the_next_sign_in_asks_for_a_code(
    local_cognito: LocalCognito, pool: DemoPool, settings: Settings, user: PoolUser
) -> None:
    async with TotpApp(settings).run_test(size=SIZE) as pilot:
        screen = await reach_enrol(pilot, user)
        key = shown_key(screen)
        code = code_now(key.value)
        await paste(pilot, f"{code[:3]} {code[3:]}")  # as apps show it
        await pilot.press("enter")
        await arrive(pilot, DoneScreen)
        assert shows(pilot.app, f"{user.username} is enrolled in authenticator-app MFA.")
    # Cognito itself now asks this user for a code, and takes one from the key shown.
    challenge, signed_in = sign_in_with_totp(local_cognito, pool, user, key)
    assert challenge == "SOFTWARE_TOKEN_MFA"
    assert signed_in, "Cognito refused a code made from the key the enrol screen showed"


async def test_wrong_code_says_so_and_keeps_the_same_key(
    settings: Settings, user: PoolUser, calls: CognitoCalls
) -> None:
    async with TotpApp(settings, client_factory=calls).run_test(size=SIZE) as pilot:
        screen = await reach_enrol(pilot, user)
        key_before = str(screen.query_one(SecretKey).content)
        key = shown_key(screen)
        await paste(pilot, wrong_code(key.value))
        await pilot.press("enter")
        await wait_until_idle(pilot)
        assert shows(pilot.app, WRONG_CODE_MESSAGE)
        assert pilot.app.screen is screen
        assert is_empty(field(screen, "code"))
        assert focused_id(pilot.app) == "code"
        same_key = str(screen.query_one(SecretKey).content) == key_before
        assert same_key, "the key on screen changed after a wrong code"
        assert calls.count("VerifySoftwareToken") == 1
        assert calls.count("AssociateSoftwareToken") == 1
        # The key shown is still the one Cognito checks against.
        await paste(pilot, code_now(key.value))
        await pilot.press("enter")
        await arrive(pilot, DoneScreen)
    assert calls.count("AssociateSoftwareToken") == 1


async def test_a_second_wrong_code_says_it_is_the_second(
    settings: Settings, user: PoolUser, calls: CognitoCalls
) -> None:
    """The same message twice would look as if the Enter had done nothing."""
    async with TotpApp(settings, client_factory=calls).run_test(size=SIZE) as pilot:
        screen = await reach_enrol(pilot, user)
        key = shown_key(screen)
        for _ in range(2):
            await paste(pilot, wrong_code(key.value))
            await pilot.press("enter")
            await wait_until_idle(pilot)
        assert calls.count("VerifySoftwareToken") == 2
        assert shows(pilot.app, "(2nd time)")
        await paste(pilot, wrong_code(key.value))
        await pilot.press("enter")
        await wait_until_idle(pilot)
        assert shows(pilot.app, "(3rd time)")


async def test_ctrl_y_copies_the_key(settings: Settings, user: PoolUser) -> None:
    async with TotpApp(settings).run_test(size=SIZE, notifications=True) as pilot:
        screen = await reach_enrol(pilot, user)
        key = shown_key(screen)
        await pilot.press("ctrl+y")
        copied = pilot.app.clipboard == key.value
        assert copied, "ctrl+y did not put the key on the clipboard"
        await pilot.pause()
        assert shows(pilot.app, "Key sent to the clipboard")
        assert focused_id(pilot.app) == "code"


def qr_on_screen_carries(app: App[None], account: str, key: Hidden) -> None:
    """The QR code the screen shows, read as a phone camera would, is the key URI."""
    uris = decode_qr(screen_cells(app))
    codes_read = len(uris)  # counted apart: pytest would print the URIs, key included
    assert codes_read == 1, "no QR code a camera can read on the enrol screen"
    read = parse_key_uri(uris[0])
    assert (read.issuer, read.account) == ("AWSCognito", account)
    same_key = read.secret == key.value
    assert same_key, "the QR code carries a different key from the one written beside it"
    exact = uris[0] == build_key_uri("AWSCognito", account, key.value)
    assert exact, "the QR code's URI is not the one build_key_uri makes"


async def test_qr_on_screen_decodes_to_the_key_uri(settings: Settings, user: PoolUser) -> None:
    async with TotpApp(settings).run_test(size=SIZE) as pilot:
        screen = await reach_enrol(pilot, user)
        qr_on_screen_carries(pilot.app, user.username, shown_key(screen))


async def test_qr_decodes_with_a_cognito_length_key_and_an_email_account(
    local_cognito: LocalCognito, pool: DemoPool, settings: Settings, cognito_length_keys: None
) -> None:
    user = make_user(local_cognito, pool, username=email_account())
    async with TotpApp(settings).run_test(size=SIZE) as pilot:
        screen = await reach_enrol(pilot, user)
        key = shown_key(screen)
        key_length = len(key.value)
        assert key_length == 52
        qr_on_screen_carries(pilot.app, user.username, key)
        assert shows(pilot.app, COUNTDOWN)


async def test_too_small_terminal_says_so_and_resizing_back_draws_the_qr(
    settings: Settings, user: PoolUser
) -> None:
    async with TotpApp(settings).run_test(size=SIZE) as pilot:
        screen = await reach_enrol(pilot, user)
        key = shown_key(screen)
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert shows(pilot.app, "The terminal is too small for the QR code")
        assert not shows_half_blocks(pilot.app), "a cropped QR code is on the screen"
        key_visible = holds_text(visible_text(pilot.app), key)
        assert key_visible, "the key to type by hand is not on the screen"
        assert focused_id(pilot.app) == "code"

        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert not shows(pilot.app, "too small")
        uris = decode_qr(screen_cells(pilot.app))
        codes_read = len(uris)
        assert codes_read == 1, "the QR code did not come back at 80x24"
        same_key = parse_key_uri(uris[0]).secret == key.value
        assert same_key, "the QR code drawn again carries a different key"


async def test_countdown_stays_visible_after_a_wrong_code_with_a_cognito_length_key(
    local_cognito: LocalCognito, pool: DemoPool, settings: Settings, cognito_length_keys: None
) -> None:
    user = make_user(local_cognito, pool, username=email_account())
    async with TotpApp(settings).run_test(size=SIZE) as pilot:
        screen = await reach_enrol(pilot, user)
        key = shown_key(screen)
        key_length = len(key.value)
        assert key_length == 52
        assert shows(pilot.app, COUNTDOWN)
        await paste(pilot, wrong_code(key.value))
        await pilot.press("enter")
        await wait_until_idle(pilot)
        assert shows(pilot.app, WRONG_CODE_MESSAGE)
        assert shows(pilot.app, COUNTDOWN), "the session countdown is off the screen"


async def test_countdown_stays_visible_in_a_small_terminal(
    settings: Settings, user: PoolUser
) -> None:
    async with TotpApp(settings).run_test(size=SIZE) as pilot:
        await reach_enrol(pilot, user)
        assert shows(pilot.app, COUNTDOWN)
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert shows(pilot.app, "The terminal is too small for the QR code")
        assert shows(pilot.app, COUNTDOWN), "the session countdown is off the screen"
