"""No usable keyring (ui/profile_requests.py): a line of the sign-in screen above its footer."""

from __future__ import annotations

from textual.widgets import Static

# One line at 80 columns: enrolment goes on, only nothing can be saved.
KEYRING_NOTICE = "No usable keyring: profiles cannot be saved on this host; enrolment works."


class KeyringNotice(Static):
    """In the screen's layout, so it never covers the form. Docks on one edge overlap: the
    margin keeps the footer's row."""

    # Here rather than in app.tcss: Textual parses a widget's CSS when one is first mounted,
    # so a host with a keyring never pays for it at start-up (which is measured).
    DEFAULT_CSS = """
    KeyringNotice {
        dock: bottom;
        height: auto;
        margin-bottom: 1;
        padding: 0 1;
        color: $text-warning;
    }
    """

    def __init__(self) -> None:
        super().__init__(KEYRING_NOTICE, id="keyring-notice", markup=False)
