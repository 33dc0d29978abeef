"""Where Tab and Shift+Tab go on a form (ui/screens/focus_order.py), on any form: any number
of fields, secret or shown, in any order, from any field."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.screen import Screen
from textual.widgets import Input

from tests.support.snapshot_apps import ACCOUNT, SnapshotApp, new_password_screen
from totp_tui.ui.screens.access_token import AccessTokenScreen
from totp_tui.ui.screens.focus_order import tab_target
from totp_tui.ui.screens.password_reset import PasswordResetScreen
from totp_tui.ui.screens.profile_form import ProfileFormScreen
from totp_tui.ui.screens.sign_in_check import SignInCheckScreen

# A form: each field is secret (True) or shown (False); fields are their index.
forms = st.lists(st.booleans(), min_size=1, max_size=8)


@given(forms, st.data(), st.booleans())
def test_focus_never_wraps_from_a_secret_field_into_a_shown_one(
    secret: list[bool], data: st.DataObject, forward: bool
) -> None:
    chain = list(range(len(secret)))
    current = data.draw(st.sampled_from(chain))
    target = tab_target(chain, current, forward, lambda i: secret[i])
    assert target is not None
    step = current + 1 if forward else current - 1
    if 0 <= step < len(chain):
        assert target == step  # along the form: the next field, as always
    elif secret[current] and not secret[step % len(chain)]:
        assert target == current  # it would wrap into a shown field: stays
    else:
        assert target == step % len(chain)  # wraps round, as Textual's focus does


@given(forms, st.booleans())
def test_with_nothing_focused_tab_goes_to_the_first_field_and_shift_tab_to_the_last(
    secret: list[bool], forward: bool
) -> None:
    chain = list(range(len(secret)))
    assert tab_target(chain, None, forward, lambda i: secret[i]) == (
        chain[0] if forward else chain[-1]
    )


def test_an_empty_form_has_nowhere_to_go() -> None:
    assert tab_target([], None, True, lambda _: False) is None


def one_run_at_an_end(shown: int, secret: int, secrets_first: bool) -> list[bool]:
    return [True] * secret + [False] * shown if secrets_first else [False] * shown + [True] * secret


# The shape every form with a secret has here: its secret fields are one run, at the top or
# at the bottom (sign-in: name, password; new password: two passwords, then attributes; the
# test sign-in: password, code; the reset: code, two passwords; the token). On such a form
# no order of Tab and Shift+Tab can lead a person's password into a shown field; with a
# shown field on both sides of a secret one, no focus rule can, for both pictures below.
safe_forms = st.builds(
    one_run_at_an_end,
    st.integers(0, 4),
    st.integers(1, 3),
    st.booleans(),
)


@given(safe_forms, st.data())
def test_a_password_typed_where_the_person_pictures_the_password_field_lands_in_a_secret_one(
    secret: list[bool], data: st.DataObject
) -> None:
    """The person's picture against the focus: the focus opens at the top or at the first
    secret field (a prefilled name); the person starts at the top or where they see the
    focus; Tab at the last field wraps in their mind or stays (a web form's Tab goes on to
    its button); Shift+Tab stops at the first field. Whenever they believe they are in a
    secret field, the focus is in one."""
    chain = list(range(len(secret)))
    first_secret = secret.index(True)
    focus = data.draw(st.sampled_from([0, first_secret]), label="focus at the start")
    believed = data.draw(st.sampled_from([0, focus]), label="where they think they start")
    tab_wraps = data.draw(st.booleans(), label="Tab wraps in their picture")
    keys = data.draw(st.lists(st.sampled_from(["tab", "shift+tab", "type"]), max_size=30))
    last = len(chain) - 1
    for key in keys:
        if key == "type":
            assert not secret[believed] or secret[focus], "a password went into a shown field"
            continue
        forward = key == "tab"
        moved = tab_target(chain, focus, forward, lambda i: secret[i])
        assert moved is not None
        focus = moved
        if forward:
            believed = (0 if tab_wraps else last) if believed == last else believed + 1
        else:
            believed = max(0, believed - 1)


# --- The app's own forms have that shape ---------------------------------------------------

SCREENS_WITH_SECRETS: dict[str, Callable[[], Screen[None]] | None] = {
    "sign_in": None,  # the app's first screen, with the username filled in
    "new_password": new_password_screen(),
    "new_password with attributes": new_password_screen("email", "custom:employee_id"),
    "sign_in_check": lambda: SignInCheckScreen(ACCOUNT),
    "password_reset": lambda: PasswordResetScreen(ACCOUNT),
    "access_token": AccessTokenScreen,
    "profile_form": lambda: ProfileFormScreen(None),
}


def test_every_screen_module_with_a_secret_field_is_checked_below() -> None:
    folder = Path(inspect.getfile(SignInCheckScreen)).parent
    with_secrets = {
        path.stem for path in folder.glob("*.py") if "PasswordInput" in path.read_text()
    }
    checked = {name.split()[0] for name in SCREENS_WITH_SECRETS}
    assert with_secrets <= checked, f"not checked: {sorted(with_secrets - checked)}"


@pytest.mark.parametrize("name", list(SCREENS_WITH_SECRETS))
async def test_each_forms_secret_fields_are_one_run_at_its_top_or_bottom(name: str) -> None:
    app = SnapshotApp(SCREENS_WITH_SECRETS[name])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        chain = app.screen.focus_chain
        secret = "".join("S" if isinstance(w, Input) and w.password else "." for w in chain)
    assert "S" in secret, "no secret field found: the screen did not open"
    runs = [run for run in secret.split(".") if run]
    at_an_end = secret.startswith("S") or secret.endswith("S")
    assert len(runs) == 1 and at_an_end, f"focus order {secret}: a shown field on both sides"
