"""NO_COLOR under tmux (issue 22): the QR decodes from the screen as shown, or after the key
the screen itself names, on a light and on a dark terminal, whether or not the terminal
answers the background question.

Every combination runs the real app module showing the enrol screen for the public test key
(tests/support/enrol_screen_app.py) under tmux, reads the pane with its attributes
(`capture-pane -e`), judges the default colours as the modelled terminal's, and decodes with
zxing-cpp without inversion (tests/support/screen_reading.py). tmux 3.3a answers no OSC 11
query, unless `window-style` gives the pane a background: then it answers with that colour,
as a terminal would. Keys are pressed the way the screen names them ("press Ctrl+T").
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass

import pytest

from tests.support.screen_reading import (
    DARK_THEME,
    LIGHT_THEME,
    Region,
    Screen,
    TerminalTheme,
    cells_from_ansi,
    decode_qr,
    quiet_modules,
    read_codes,
)
from tests.support.tmux_session import TmuxSession, require_tmux
from tests.test_terminal_scanning import ENROL_SCREEN_APP, REPO, SNAPSHOT_URI, colour_parameters

WIDTH, HEIGHT = 80, 24
HEADING = "Set up your authenticator"  # the first line of the text column
# What the enrol screen says when the code may be drawn for the other background.
_NAMED_KEY = re.compile(r"press (Ctrl\+[A-Z])\b")
# Quiet zone, in modules: the standard 4 where the terminal's own light background is the
# zone (NO_COLOR on a light terminal: a reversed cell there is dark); elsewhere the
# drawing's own 2 modules of paper, which end where a dark ground begins.
STANDARD_ZONE = 4
DRAWN_ZONE = 2


@dataclass(frozen=True)
class Case:
    no_color: bool
    terminal: TerminalTheme
    tmux_answers: bool  # tmux answers OSC 11 with the terminal's background

    def __str__(self) -> str:
        colours = "NO_COLOR" if self.no_color else "colours"
        answers = "tmux answers OSC 11" if self.tmux_answers else "tmux silent"
        return f"{colours}, {self.terminal.name} terminal, {answers}"

    @property
    def light(self) -> bool:
        return self.terminal is LIGHT_THEME


CASES = [
    Case(no_color, terminal, answers)
    for no_color in (False, True)
    for terminal in (DARK_THEME, LIGHT_THEME)
    for answers in (False, True)
]


def expected_before_and_after_ctrl_t(case: Case) -> tuple[tuple[bool, bool], tuple[bool, bool]]:
    """(reads as shown, names a key) on the first screen, then after one Ctrl+T.

    With colours the code is black on white whatever the theme. Under NO_COLOR it is drawn
    for one background: the one tmux answered, or (silent) a dark one, and Ctrl+T draws it
    for the other; whenever it may be the wrong one, the screen names the key."""
    if not case.no_color:
        return (True, False), (True, False)
    if case.tmux_answers:
        return (True, False), (False, True)  # a Ctrl+T too many: the screen names the way back
    return (not case.light, True), (case.light, True)


def tmux_options(case: Case) -> dict[str, str]:
    if not case.tmux_answers:
        return {}
    red, green, blue = case.terminal.bg
    return {"window-style": f"bg=#{red:02x}{green:02x}{blue:02x}"}


def enrol_screen(case: Case) -> TmuxSession:
    env = {"TERM": "xterm-256color", "PYTHONPATH": str(REPO)}
    if case.no_color:
        env["NO_COLOR"] = "1"
    return TmuxSession(
        ENROL_SCREEN_APP, env=env, width=WIDTH, height=HEIGHT, options=tmux_options(case)
    )


# --- reading the pane ----------------------------------------------------------------------


def as_seen(ansi: str, terminal: TerminalTheme) -> Screen:
    return cells_from_ansi(ansi, WIDTH, HEIGHT, terminal.fg, terminal.bg)


def text_column(screen: Screen) -> int:
    """Where the text beside the code starts (its heading's first column)."""
    for line in screen.lines():
        if HEADING in line:
            return line.index(HEADING)
    raise AssertionError("no enrol screen")


def code_side(screen: Screen) -> tuple[tuple[object, ...], ...]:
    """The cells left of the text column, attributes and all: the code, its margin and the
    rows below it. The field's blinking cursor is not in them; a new drawing or theme is."""
    left = text_column(screen)
    return tuple(tuple(row[:left]) for row in screen.rows)


def settled(session: TmuxSession, unlike: str | None = None, timeout: float = 10.0) -> str:
    """A capture of the pane once a code is drawn (of either polarity) and the code's side
    of the screen stops changing; with `unlike`, once that side differs from it too."""
    deadline = time.monotonic() + timeout
    before = None if unlike is None else code_side(as_seen(unlike, DARK_THEME))
    previous = None
    while True:
        ansi = session.ansi()
        screen = as_seen(ansi, DARK_THEME)
        if HEADING in screen.text():
            side = code_side(screen)
            drawn = bool(read_codes(screen, try_invert=True))
            if drawn and side == previous and side != before:
                return ansi
            previous = side
        if time.monotonic() > deadline:
            raise AssertionError(f"the screen did not settle within {timeout:.0f}s")
        time.sleep(0.15)


def named_key(screen: Screen) -> str | None:
    """The key the text column names to flip the code ("Ctrl+T"), as tmux names it ("C-t")."""
    left = text_column(screen)
    words = " ".join(line[left:] for line in screen.lines())
    match = _NAMED_KEY.search(" ".join(words.split()))
    return None if match is None else "C-" + match[1][-1].lower()


def reads(screen: Screen) -> bool:
    """Whether the one code on the screen decodes to the enrol screen's URI, as the terminal
    shows it (a camera on the whole screen, no inversion). URIs hold the key: never shown."""
    return decode_qr(screen, Region(0, 0, WIDTH, HEIGHT)) == [SNAPSHOT_URI]


def zone_of_the_code(screen: Screen) -> int:
    [code] = read_codes(screen)
    return quiet_modules(screen, code, most=STANDARD_ZONE)


@dataclass(frozen=True)
class State:
    ansi: str
    reads: bool
    names: str | None


def state(session: TmuxSession, case: Case, unlike: str | None = None) -> State:
    ansi = settled(session, unlike)
    screen = as_seen(ansi, case.terminal)
    return State(ansi, reads(screen), named_key(screen))


def assert_reads_as_shown_or_after_the_named_key(
    session: TmuxSession, case: Case, now: State
) -> None:
    """The rule: the code decodes as shown, or the screen names a key after which it does,
    with its quiet zone clear."""
    if not now.reads:
        assert now.names is not None, f"{case}: the code does not read, and no key is named"
        session.send_keys(now.names)
        now = state(session, case, unlike=now.ansi)
        assert now.reads, f"{case}: the code does not read after the key the screen names"
    screen = as_seen(now.ansi, case.terminal)
    zone = zone_of_the_code(screen)
    if case.no_color and case.light:
        assert zone == STANDARD_ZONE, f"{case}: {zone} modules clear around the code"
    else:
        assert zone >= DRAWN_ZONE, f"{case}: {zone} modules clear around the code"


# --- the tests -----------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_code_reads_as_shown_or_after_the_key_the_screen_names(case: Case) -> None:
    require_tmux()
    before_expected, after_expected = expected_before_and_after_ctrl_t(case)
    with enrol_screen(case) as session:
        session.wait_for("Code from the app", timeout=15)
        before = state(session, case)
        assert (before.reads, before.names is not None) == before_expected, str(case)
        if case.no_color:
            assert colour_parameters(before.ansi) == set(), "NO_COLOR, yet colours were sent"

        session.send_keys("C-t")  # the app's theme key, named by the screen or not
        after = state(session, case, unlike=before.ansi)
        assert (after.reads, after.names is not None) == after_expected, str(case)
        if case.no_color:
            assert colour_parameters(after.ansi) == set(), "NO_COLOR, yet colours were sent"

        for named in (before.names, after.names):
            assert named in (None, "C-t"), f"{case}: the screen names {named}, not Ctrl+T"
        # Whatever the state, the rule holds; from the state after Ctrl+T, without leaving it.
        assert_reads_as_shown_or_after_the_named_key(session, case, after)


@pytest.mark.e2e
@pytest.mark.parametrize("terminal", [LIGHT_THEME, DARK_THEME], ids=lambda theme: theme.name)
def test_the_first_screen_under_silent_tmux_follows_the_rule(terminal: TerminalTheme) -> None:
    """The first screen, before any key: on a light terminal the code (drawn for a dark
    one) does not read, the screen names Ctrl+T, and after it the code reads."""
    require_tmux()
    case = Case(no_color=True, terminal=terminal, tmux_answers=False)
    with enrol_screen(case) as session:
        session.wait_for("Code from the app", timeout=15)
        assert_reads_as_shown_or_after_the_named_key(session, case, state(session, case))


def test_tmux_answers_osc_11_only_with_a_background_in_its_window_style() -> None:
    """What the combinations above rest on: tmux 3.3a itself answers the question the app
    asks before it starts, with window-style's background, and nothing without one."""
    require_tmux()
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "from totp_tui.ui.terminal_background import terminal_is_light; "
        "print('light-said', terminal_is_light(0, 1), flush=True); "
        # Kept alive: when the process ends tmux scrolls its line out of the screen.
        "import time; time.sleep(60)"
    )
    said = {}
    for name, options in (
        ("silent", {}),
        ("light", tmux_options(Case(True, LIGHT_THEME, True))),
        ("dark", tmux_options(Case(True, DARK_THEME, True))),
    ):
        command = [sys.executable, "-c", probe, str(REPO)]
        with TmuxSession(command, options=options) as session:
            text = session.wait_for("light-said", timeout=10)
            said[name] = text.split("light-said", 1)[1].split()[0]
    assert said == {"silent": "None", "light": "True", "dark": "False"}
