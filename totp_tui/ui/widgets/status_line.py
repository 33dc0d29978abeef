"""One place on each screen that says what is happening or what went wrong."""

from __future__ import annotations

from textual.widgets import Static


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: auto; width: 1fr; }
    StatusLine.-busy { color: $text-accent; }
    StatusLine.-error { color: $text-error; }
    StatusLine.-ok { color: $text-success; }
    """

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(text, id=id, markup=False)

    def on_mount(self) -> None:
        self.display = bool(str(self.content))

    def show(self, text: str, kind: str = "") -> None:
        self.set_classes("" if not kind else f"-{kind}")
        self.update(text)
        self.display = bool(text)  # no empty row under a form

    def busy(self, text: str) -> None:
        self.show(text, "busy")

    def error(self, text: str) -> None:
        self.show(text, "error")

    def clear(self) -> None:
        self.show("")
