"""The floor for a screen change: the smallest Textual app that switches between two screens.

Each screen is a Static with its own text and an Input (focused, as Textual focuses the first
focusable widget). Enter in the Input switches to a new instance of the other screen, built
and mounted then, as the wizard builds each of its screens; no CSS beyond Textual's defaults.
`tests/support/benchmark_steps.py` starts it under tmux as it starts `totp-tui` and times
Enter → the other screen's text visible. Ctrl+Q quits (Textual's default binding).
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Input, Static

TEXTS = ("minimal switch: screen A", "minimal switch: screen B")


class Page(Screen[None]):
    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index

    def compose(self) -> ComposeResult:
        yield Static(TEXTS[self.index])
        yield Input()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.app.switch_screen(Page(1 - self.index))


class MinimalSwitchApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(Page(0))


if __name__ == "__main__":
    MinimalSwitchApp().run()
