"""The baseline for the start-up benchmark: the smallest Textual app that shows one line.

`tests/support/benchmark.py` starts it exactly as it starts `totp-tui` (same interpreter, same tmux
pane size and environment) and times both until their first screen is on the terminal.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

READY_TEXT = "minimal Textual app: ready"


class MinimalApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(READY_TEXT)


if __name__ == "__main__":
    MinimalApp().run()
