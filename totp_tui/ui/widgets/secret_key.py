"""The TOTP secret in groups of four, for typing into an app by hand."""

from __future__ import annotations

from textual import events
from textual.widgets import Static

from totp_tui.authenticator.key_uri import group_secret


def wrap_groups(secret: str, width: int) -> str:
    """The groups in as few lines as fit `width` columns, balanced: 8 groups in two lines of
    4 rather than 7 and 1 (each group is 4 characters and a space)."""
    groups = group_secret(secret).split(" ") if secret else []
    if not groups:
        return ""
    most = max(1, (width + 1) // 5)
    lines = -(-len(groups) // most)
    per_line = -(-len(groups) // lines)
    return "\n".join(" ".join(groups[i : i + per_line]) for i in range(0, len(groups), per_line))


class SecretKey(Static):
    DEFAULT_CSS = """
    SecretKey { width: 1fr; height: auto; text-style: bold; }
    """

    def __init__(self, secret: str, *, id: str | None = None) -> None:
        super().__init__(wrap_groups(secret, 19), id=id, markup=False)
        self._secret = secret

    def on_resize(self, event: events.Resize) -> None:
        self.update(wrap_groups(self._secret, event.size.width))

    def wipe(self) -> None:
        self._secret = ""
        self.update("")
