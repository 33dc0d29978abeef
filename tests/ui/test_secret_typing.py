"""Typing never shows a password: any keys, any order, any speed, prefilled or not (issue 19).

Hypothesis drives the real app through Pilot, against the local Cognito, on every screen
with a secret field. The keys are generated from the person's picture of the form, not from
where the focus is: that is how case 1 happened (the name, Tab, the password, typed into a
prefilled form whose focus was in Password). The person:
- starts at the top of the form, or at the field they see has the focus;
- types into the field they believe they are in: a password into a secret field, a name,
  a code or an attribute into the others;
- moves down with Tab and up with Shift+Tab; at the last field Tab either wraps to the first
  (as Textual does) or stays (a web form's Tab goes on to its button): both are generated;
  at the first field Shift+Tab stays (nobody goes backwards to reach the password);
- edits (Backspace, arrows, Home, End), pastes, types in bursts or with pauses;
- after Enter or Escape looks at the screen, and carries on from the focus they see.

Whatever they type as a secret must never be in a frame the app draws, nor in a field that
shows its text, nor in a request field that carries a shown field's text (USERNAME,
Username, attributes, device name), nor in the debug log.

The secret alphabet (Greek letters, capitals, symbols) shares no character with names
(lower case, digits, `.@`) or codes (digits), so a single character out of place is found.
Every secret has a Greek letter: the app's own text has none, so a frame holding one holds a
secret.

TOTP_TUI_TYPING_EXAMPLES sets the examples per screen (default 8, a few seconds a screen);
the closing note of issue 19 records a long run.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import string
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events
from textual.widgets import Input

from tests.conftest import make_user, settings_for
from tests.support.cognito_calls import ShownParameters
from tests.support.ui_driving import key_event
from tests.support.wizard_steps import arrive, paste
from tests.ui.conftest import SIZE
from totp_tui.demo.local_cognito import DemoPool, LocalCognito
from totp_tui.diagnostics import debug_log
from totp_tui.ui.app import TotpApp
from totp_tui.ui.screens.access_token import AccessTokenScreen
from totp_tui.ui.screens.base import WizardScreen
from totp_tui.ui.screens.new_password import NewPasswordScreen
from totp_tui.ui.screens.password_reset import PasswordResetScreen
from totp_tui.ui.screens.sign_in import SignInScreen
from totp_tui.ui.screens.sign_in_check import SignInCheckScreen

EXAMPLES = int(os.environ.get("TOTP_TUI_TYPING_EXAMPLES", "8"))

GREEK = "αβγδεζηθλμξπσφψω"
SECRET_ALPHABET = GREEK + string.ascii_uppercase + "!#%&*+-=?^_~"
NAME_ALPHABET = string.ascii_lowercase + string.digits + ".@"
CODE_ALPHABET = string.digits
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")

SECRET, NAME, CODE = "secret", "name", "code"


@dataclass(frozen=True)
class Form:
    """A screen's fields in the order the person sees them: (widget id, kind)."""

    fields: tuple[tuple[str, str], ...]

    def kind(self, index: int) -> str:
        return self.fields[index][1]

    def index_of(self, widget_id: str | None) -> int | None:
        ids = [name for name, _ in self.fields]
        return ids.index(widget_id) if widget_id in ids else None


# --- What the person does --------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Typing (or pasting) into the field the person believes has the focus: `secret` if it
    is a secret field in their picture, `name` or `code` otherwise."""

    secret: str
    name: str
    code: str
    pasted: bool


@dataclass(frozen=True)
class Key:
    key: str


@dataclass(frozen=True)
class Pause:
    seconds: float


Action = Text | Key | Pause

secret_text = st.builds(
    lambda greek, rest: greek + rest,
    st.sampled_from(GREEK),
    st.text(SECRET_ALPHABET, max_size=7),
)
action = st.one_of(
    st.builds(
        Text,
        secret=secret_text,
        name=st.text(NAME_ALPHABET, min_size=1, max_size=8),
        code=st.text(CODE_ALPHABET, min_size=1, max_size=7),
        pasted=st.booleans(),
    ),
    st.sampled_from(
        [Key(k) for k in ("tab", "tab", "shift+tab", "backspace", "left", "right", "home", "end")]
    ),
    st.sampled_from([Key("enter"), Key("escape")]),
    st.builds(Pause, st.sampled_from([0.0, 0.05])),
)


@dataclass(frozen=True)
class Person:
    """How one person pictures the form: where they start, and what Tab does at its end."""

    starts_at_top: bool
    tab_wraps: bool
    retypes_name: bool  # auto-type's {USERNAME} first, on a form whose name is filled in


# --- What the app showed and sent -----------------------------------------------------------


@dataclass
class Watch:
    """Every frame's text and every shown field's value, kept only as yes/no findings."""

    secrets: list[str] = field(default_factory=list, repr=False)
    findings: list[str] = field(default_factory=list)

    def secret_in(self, text: str) -> bool:
        if any(letter in text for letter in GREEK):
            return True
        return any(len(s) >= 3 and s in text for s in self.secrets)

    def check_frame(self, app: TotpApp, renderable: Any) -> None:
        try:
            text = _ESCAPES.sub(" ", renderable.render_segments(app.console))
        except Exception:  # a renderable of another kind: the widgets are checked below
            text = ""
        if self.secret_in(text):
            self.findings.append(f"a frame on {type(app.screen).__name__} showed a secret")
        self.check_fields(app)

    def check_fields(self, app: TotpApp) -> None:
        for widget in app.screen.query(Input):
            if not widget.password and any(c in SECRET_ALPHABET for c in widget.value):
                self.findings.append(f"the shown field #{widget.id} held a secret's text")


def watch_frames(app: TotpApp, watch: Watch) -> None:
    """Look at every update the app draws (Textual's compositor hands each to `_display`)."""
    draw = app._display

    def display(screen: Any, renderable: Any) -> None:
        if renderable is not None:
            watch.check_frame(app, renderable)
        draw(screen, renderable)

    app._display = display  # type: ignore[method-assign]


# --- Playing it -----------------------------------------------------------------------------


def focused_index(app: TotpApp, form: Form) -> int:
    focused = app.focused
    index = form.index_of(focused.id if focused is not None else None)
    return 0 if index is None else index


async def settle(app: TotpApp, pilot: Any) -> None:
    """Until every key was handled and no request is in flight: the person looks now."""
    for _ in range(1000):
        await pilot.pause()
        running = any(worker.is_running for worker in app.workers)
        if not getattr(app.screen, "in_flight", False) and not running:
            return
        await asyncio.sleep(0.005)


async def play(
    app: TotpApp, pilot: Any, form: Form, person: Person, actions: list[Action], watch: Watch
) -> None:
    """Send the person's keys: everything up to an Enter or Escape in one burst (no wait
    between keys, except the generated pauses), then let them look."""
    screen = app.screen
    believed = 0 if person.starts_at_top else focused_index(app, form)
    driver = app._driver
    assert driver is not None

    def send_text(text: str, pasted: bool) -> None:
        if pasted:
            driver.send_message(events.Paste(text))
        else:
            for character in text:
                driver.send_message(key_event(character))

    username = app.wizard.settings.username if app.wizard.settings else ""
    if person.retypes_name and username and believed == 0 and form.kind(0) == NAME:
        send_text(username, pasted=False)  # auto-type's {USERNAME}, whatever the focus
    for step in actions:
        if isinstance(step, Pause):
            await asyncio.sleep(step.seconds)
            await pilot.pause()
            continue
        if isinstance(step, Text):
            kind = form.kind(believed)
            text = {SECRET: step.secret, NAME: step.name, CODE: step.code}[kind]
            if kind == SECRET:
                watch.secrets.append(text)
            send_text(text, step.pasted)
            continue
        if step.key == "tab":
            last = len(form.fields) - 1
            believed = (0 if person.tab_wraps else last) if believed == last else believed + 1
        elif step.key == "shift+tab":
            believed = max(0, believed - 1)
        driver.send_message(events.Key(step.key, {"enter": "\r", "tab": "\t"}.get(step.key)))
        if step.key in ("enter", "escape"):
            await settle(app, pilot)
            watch.check_fields(app)
            if app.screen is not screen:
                return  # a new step (or the way back): this form is done
            believed = focused_index(app, form)
    await settle(app, pilot)
    watch.check_fields(app)


# --- The screens ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    form: Form
    prefilled: bool
    arrive: Callable[[TotpApp, Any, LocalCognito, DemoPool], Awaitable[WizardScreen]]


async def at_sign_in(app: TotpApp, pilot: Any, *_: Any) -> WizardScreen:
    return await arrive(pilot, SignInScreen)


async def at_new_password(
    app: TotpApp, pilot: Any, local_cognito: LocalCognito, pool: DemoPool
) -> WizardScreen:
    user = make_user(local_cognito, pool)  # each example its own: a new password changes it
    await arrive(pilot, SignInScreen)
    await paste(pilot, user.username)
    await pilot.press("tab")
    await paste(pilot, user.password)
    await pilot.press("enter")
    return await arrive(pilot, NewPasswordScreen)


async def at_test_sign_in(app: TotpApp, pilot: Any, *_: Any) -> WizardScreen:
    await arrive(pilot, SignInScreen)
    app.wizard.attempt.account = EXISTING
    app.wizard.start_test_sign_in()
    return await arrive(pilot, SignInCheckScreen)


async def at_password_reset(app: TotpApp, pilot: Any, *_: Any) -> WizardScreen:
    await arrive(pilot, SignInScreen)
    app.wizard.recovery.start_password_reset(EXISTING)
    return await arrive(pilot, PasswordResetScreen)


async def at_access_token(app: TotpApp, pilot: Any, *_: Any) -> WizardScreen:
    await arrive(pilot, SignInScreen)
    app.wizard.ask_access_token()
    return await arrive(pilot, AccessTokenScreen)


EXISTING = "existing.user"  # made once per module, so sign-ins name a real user
SIGN_IN = Form((("username", NAME), ("password", SECRET)))
CASES = {
    "sign-in": Case(SIGN_IN, False, at_sign_in),
    "sign-in, name filled in": Case(SIGN_IN, True, at_sign_in),
    "new password": Case(
        Form((("new-password", SECRET), ("confirm-password", SECRET))), False, at_new_password
    ),
    "test sign-in": Case(Form((("password", SECRET), ("code", CODE))), False, at_test_sign_in),
    "password reset": Case(
        Form((("code", CODE), ("new-password", SECRET), ("confirm-password", SECRET))),
        False,
        at_password_reset,
    ),
    "access token": Case(Form((("token", SECRET),)), False, at_access_token),
}


@pytest.fixture(scope="module")
def existing(local_cognito: LocalCognito, pool: DemoPool) -> str:
    local_cognito.create_user(pool, EXISTING, "Existing-Password-1")
    return EXISTING


@pytest.fixture(scope="module")
def log_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The app's own debug log (botocore's wire logging included), as `--debug` sets it."""
    path = tmp_path_factory.mktemp("log") / "debug.log"
    loggers = {name: logging.getLogger(name) for name in ("totp_tui", "botocore", "urllib3")}
    before = {name: (lg.handlers[:], lg.level, lg.propagate) for name, lg in loggers.items()}
    debug_log.configure(str(path), debug=True)
    yield path
    for name, (handlers, level, propagate) in before.items():
        logger = loggers[name]
        for handler in logger.handlers[:]:
            if handler not in handlers:
                logger.removeHandler(handler)
                handler.close()
        logger.setLevel(level)
        logger.propagate = propagate


@dataclass
class Driven:
    """One running app for all of a case's examples: starting Textual for each would make
    the long run hours long. Each example starts from a new sign-in, everything of the
    example before forgotten, as for the next person at a kiosk."""

    app: TotpApp
    pilot: Any
    calls: ShownParameters
    watch: Watch
    case: Case

    async def fresh_start(self, local_cognito: LocalCognito, pool: DemoPool) -> None:
        await settle(self.app, self.pilot)
        old = self.app.screen
        self.app.wizard.next_person()
        for _ in range(500):
            await self.pilot.pause()
            screen = self.app.screen
            if screen is not old and isinstance(screen, SignInScreen) and screen.takes_keys:
                break
        await self.case.arrive(self.app, self.pilot, local_cognito, pool)
        # What was drawn until now belongs to the example before (its screen goes only with
        # the switch), and so do its requests.
        self.watch.secrets.clear()
        self.watch.findings.clear()
        self.calls.sent.clear()


@pytest.fixture
async def driven(
    request: pytest.FixtureRequest, local_cognito: LocalCognito, pool: DemoPool, existing: str
) -> AsyncIterator[Driven]:
    case = CASES[request.node.callspec.params["case_name"]]
    calls = ShownParameters()
    username = existing if case.prefilled else ""
    # USER_PASSWORD_AUTH: a sign-in costs a tenth of SRP's, and the password then travels in
    # the request body, which the debug log must not show either.
    settings = settings_for(local_cognito, pool, username=username, auth_flow="USER_PASSWORD_AUTH")
    app = TotpApp(settings, client_factory=calls)
    watch = Watch()
    async with app.run_test(size=SIZE) as pilot:
        await arrive(pilot, SignInScreen)
        watch_frames(app, watch)
        yield Driven(app, pilot, calls, watch, case)


@pytest.mark.parametrize("case_name", list(CASES))
@pytest.mark.timeout(60 + 3 * EXAMPLES)  # the whole search: about half a second an example
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    person=st.builds(Person, st.booleans(), st.booleans(), st.booleans()),
    actions=st.lists(action, max_size=14),
)
async def test_what_is_typed_as_a_secret_is_never_shown_nor_sent_as_a_name(
    local_cognito: LocalCognito,
    pool: DemoPool,
    log_file: Path,
    driven: Driven,
    case_name: str,
    person: Person,
    actions: list[Action],
) -> None:
    logged_before = log_file.stat().st_size if log_file.exists() else 0
    await driven.fresh_start(local_cognito, pool)
    watch = driven.watch
    await play(driven.app, driven.pilot, driven.case.form, person, actions, watch)
    # Yes/no findings only: a message holding what was typed would print the secret.
    assert not watch.findings, watch.findings[0]
    sent_as_shown = any(_has_secret_letters(value) for value in driven.calls.usernames())
    assert not sent_as_shown, "a secret was sent in a field that carries a shown field's text"
    with log_file.open(encoding="utf-8", errors="replace") as log:
        log.seek(logged_before)
        logged = log.read()
    forms = [form for s in watch.secrets for form in (s, json.dumps(s)[1:-1]) if len(s) >= 3]
    assert not any(form in logged for form in forms), "a secret was logged"


def _has_secret_letters(value: str) -> bool:
    return any(c in SECRET_ALPHABET for c in value)
