"""Under NO_COLOR, which terminal the QR code is drawn for, and the key that flips it.

Without colours the code's only contrast is reverse video, so a drawing is right for a
light terminal or for a dark one, never both (widgets/qr_code.py), and inverted on the
other, which phone scanners refuse. The app draws it for the terminal's background when
the terminal said what it is (OSC 11, or COLORFGBG); tmux 3.3a passes no OSC 11 answer on,
so inside it nothing says, the theme is a guess (dark), and the person is the only one who
can see which way round the code is. This line tells them, and names ctrl+t (the app's
theme toggle, which redraws the code for the other background).

Shown only then, or when the code has been flipped away from what the terminal said (a
ctrl+t too many): with colours the code is black on white whatever the terminal, and when
the terminal said what it is the drawing follows it.
"""

from __future__ import annotations

from textual.widgets import Static

from totp_tui.ui.terminal_caps import caps_of

FLIP_KEY = "Ctrl+T"  # the app's theme binding (ui/app.py: ctrl+t)


def polarity_hint(dark: bool) -> str:
    """What the line says while the code is drawn for a dark (or a light) terminal."""
    drawn_for, other = ("dark", "light") if dark else ("light", "dark")
    return (
        f"No colours (NO_COLOR): the code is drawn for a {drawn_for} terminal. "
        f"On a {other} one, press {FLIP_KEY}."
    )


class QrPolarityHint(Static):
    DEFAULT_CSS = """
    QrPolarityHint { height: auto; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._follow_theme)  # init: shown (or not) at once

    @property
    def needed(self) -> bool:
        """NO_COLOR, and the code is not drawn for the background the terminal said it has
        (it said nothing, or ctrl+t has drawn the code for the other one)."""
        said_light = caps_of(self.app).light_background
        drawn_for_light = not self.app.current_theme.dark
        return self.app.no_color and drawn_for_light is not said_light

    def _follow_theme(self) -> None:
        needed = self.needed
        self.display = needed
        if needed:
            self.update(polarity_hint(self.app.current_theme.dark))
