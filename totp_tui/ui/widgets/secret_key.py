"""The TOTP secret in groups of four, for typing into an app by hand."""

from __future__ import annotations

from textual.widgets import Static

from totp_tui.totp import group_secret


def wrap_groups(secret: str, per_line: int = 4) -> str:
    groups = group_secret(secret).split(" ")
    return "\n".join(" ".join(groups[i : i + per_line]) for i in range(0, len(groups), per_line))


class SecretKey(Static):
    DEFAULT_CSS = """
    SecretKey { width: auto; height: auto; text-style: bold; }
    """

    def __init__(self, secret: str, *, id: str | None = None) -> None:
        super().__init__(wrap_groups(secret), id=id, markup=False)

    def wipe(self) -> None:
        self.update("")
