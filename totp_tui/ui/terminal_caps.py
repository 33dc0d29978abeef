"""What the terminal can show, and the app's light or dark theme.

Facts this rests on (Textual 8.2.8, rich 15.0), measured under tmux 3.3a:
- Colours: rich picks the colour system from COLORTERM and TERM (COLORTERM=truecolor or
  24bit: truecolor; TERM ending in -256color: 256 colours; anything else, `linux` and
  `screen` included: 16) and sends each explicit colour as its nearest palette entry. The
  QR's black ink and white paper arrive as `38;2;0;0;0` / `48;2;255;255;255`, as `38;5;16` /
  `48;5;231`, and with 16 colours as `30` / `107` (ANSI 0 on bright white; the Linux console
  shows 107 as ANSI 7, light grey, which still reads). Nothing explicit becomes the
  terminal's default colour, so the code keeps its polarity on every TERM.
- NO_COLOR (set at all, even empty): Textual turns every colour grey (its Monochrome filter,
  still colour codes) unless the app uses ANSI colours, in which case its NoColor filter
  drops every colour for the terminal's defaults (`39`/`49`), keeping bold, dim and
  reverse. Grey is still colour, so the app asks for the second (`ansi_color=True`); the QR
  keeps its contrast with reverse video (widgets/qr_code.py), and app.tcss uses the App's
  `:nocolor` pseudo-class to show the input cursor in reverse video.
- Light or dark: Textual cannot tell. It never asks the terminal (no OSC 11 query, and its
  input parser would turn a reply into keystrokes); it starts in TEXTUAL_THEME or
  textual-dark. cli.wizard asks before Textual starts (ui/terminal_background.py). Some
  terminals (rxvt, Konsole, and programs that set it) also say it in COLORFGBG,
  "foreground;background" in ANSI numbers, which vim reads the same way.
- Unicode: Python 3.7+ writes UTF-8 in the C/POSIX locale (PEP 538/540), so the output
  encoding is not UTF-8 only when the locale names another charset (ISO-8859-1, KOI8-R...)
  or PYTHONIOENCODING / PYTHONUTF8=0 says so. That encoding is the user's declaration of
  what the terminal takes; cli.wizard._prepare_terminal then switches the stream to UTF-8 anyway
  (for the rest of the UI), so the QR's choice is made from the encoding before that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from textual.app import App

HALF_BLOCK = "\u2580"  # ▀: the QR's half blocks need an encoding that has it
LIGHT_THEME = "textual-light"
DARK_THEME = "textual-dark"
# COLORFGBG backgrounds that are dark, as vim judges them (0-6 and 8; 7 and 9-15 are light).
_DARK_BACKGROUNDS = {0, 1, 2, 3, 4, 5, 6, 8}


@dataclass(frozen=True)
class TerminalCaps:
    """What the command line found out about the terminal before the app started."""

    ascii_qr: bool = False  # draw the QR with spaces (two per module): no Unicode
    # What the terminal said of its background (background_said): True light, False dark,
    # None it said nothing (tmux 3.3a does not answer OSC 11), so the theme is a guess.
    light_background: bool | None = None


def encoding_has_half_blocks(encoding: str | None) -> bool:
    """Whether text in this encoding can carry the QR's half blocks (None: unknown, yes)."""
    if not encoding:
        return True
    try:
        HALF_BLOCK.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def detect_caps(
    stream: TextIO | None, ascii_qr_flag: bool, light_background: bool | None = None
) -> TerminalCaps:
    """Call before the stream is switched to UTF-8: its encoding is the locale's.
    light_background: background_said's verdict."""
    encoding = getattr(stream, "encoding", None)
    return TerminalCaps(
        ascii_qr=ascii_qr_flag or not encoding_has_half_blocks(encoding),
        light_background=light_background,
    )


def caps_of(app: App[Any]) -> TerminalCaps:
    """The app's TerminalCaps; defaults for apps that have none (tests' tiny apps)."""
    caps = getattr(app, "terminal_caps", None)
    return caps if isinstance(caps, TerminalCaps) else TerminalCaps()


def no_color_requested(environ: Mapping[str, str]) -> bool:
    """NO_COLOR as Textual reads it: set at all, even empty."""
    return "NO_COLOR" in environ


def terminal_is_light(environ: Mapping[str, str]) -> bool | None:
    """From COLORFGBG ("15;0", "0;default;15"): True light, False dark, None unknown."""
    background = environ.get("COLORFGBG", "").split(";")[-1].strip()
    if not background.isdigit():
        return None
    return int(background) not in _DARK_BACKGROUNDS


def background_said(environ: Mapping[str, str], answered: bool | None) -> bool | None:
    """Light or dark as the terminal says: what it answered about its background
    (ui/terminal_background.py: True light, False dark), else COLORFGBG, which may be stale
    (inherited from another terminal); None when neither says."""
    return answered if answered is not None else terminal_is_light(environ)


def initial_theme(environ: Mapping[str, str], answered: bool | None = None) -> str | None:
    """The theme to start in, or None for Textual's choice. TEXTUAL_THEME wins if set; then
    what the terminal says of its background (background_said)."""
    if environ.get("TEXTUAL_THEME"):
        return None
    light = background_said(environ, answered)
    if light is None:
        return None
    return LIGHT_THEME if light else DARK_THEME
