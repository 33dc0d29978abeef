"""Enrol: the QR code and the key, and the first code from the app."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Input, Static

from totp_tui.authenticator.qr import QrMatrix
from totp_tui.ui.screens.base import WizardScreen
from totp_tui.ui.widgets.code_input import CodeInput
from totp_tui.ui.widgets.countdown import SessionCountdown
from totp_tui.ui.widgets.device_name import DeviceNameField
from totp_tui.ui.widgets.field_label import FieldLabel
from totp_tui.ui.widgets.qr_code import QrCode
from totp_tui.ui.widgets.qr_polarity import QrPolarityHint
from totp_tui.ui.widgets.secret_key import SecretKey
from totp_tui.ui.widgets.status_line import StatusLine

CLOCK_SKEW_LIMIT = 30  # seconds; codes are accepted one 30 s window early or late


def clock_warning(offset: float) -> str:
    direction = "behind" if offset > 0 else "ahead of"
    return (
        f"This computer's clock is {abs(offset):.0f} s {direction} Cognito's. Codes come "
        "from your phone's clock, so they still work if the phone is right; compare "
        "codes only with the phone."
    )


# The text column beside the QR: wide enough for the key's groups and the messages.
SIDE_WIDTH = 34
FOOTER_ROWS = 1


class EnrolScreen(WizardScreen):
    # Loaded when the screen is first shown (Textual adds a screen's CSS then), not at the
    # app's start; scoped to this screen.
    CSS = """
    #enrol {
        height: 1fr;
    }
    #qr {
        margin: 0 1 0 0;
    }
    /* NO_COLOR: reverse video is the only contrast, and on a light terminal a reversed cell
       is dark. The code field's border and a focused field's cursor start the text column,
       and with one blank column they stood 3 modules from the symbol (2 of the drawing's
       paper, 1 blank). These margins keep 4 modules clear, the standard quiet zone: 2 more
       columns, or 4 in an ASCII code (two columns a module). On a dark terminal the
       drawing's own 2 modules of paper are the zone, and a reversed cell is light. */
    #qr:nocolor {
        margin: 0 2 0 0;
    }
    #qr.-ascii:nocolor {
        margin: 0 4 0 0;
    }
    /* Zoomed (z): the code alone, on paper that fills the screen (the widget draws it). */
    #qr.-maximized, #qr.-maximized:nocolor {
        width: 1fr;
        height: 1fr;
        margin: 0;
    }
    #enrol-side {
        width: 1fr;
        height: 1fr;
        padding: 0 1 0 0;
        scrollbar-size-vertical: 1;
    }
    #countdown, #clock-skew, #enrol-side > #secret, #account, #qr-polarity, #too-small {
        margin-bottom: 1;
    }
    #enrol-side FieldLabel {
        color: $text-muted;
    }
    #too-small, #clock-skew {
        color: $text-warning;
    }
    """

    BINDINGS = [
        Binding("enter", "submit", "Verify", show=True),
        Binding("ctrl+y", "copy_secret", "Copy key", show=True),
        # The code field leaves letters to the screen (CodeInput.on_key); the device-name
        # field keeps them, so z types a z there. Escape also zooms out.
        Binding("z", "zoom_qr", "Zoom QR", show=True),
        Binding("z", "unzoom_qr", "Back", show=True),
    ]

    def __init__(
        self,
        account: str,
        issuer: str,
        secret: str,
        matrix: QrMatrix,
        session_seconds: float | None = 180,
        clock_offset: float | None = None,
        also_offered: tuple[str, ...] = (),
    ) -> None:
        """session_seconds None: no Session to run out (enrolling with an access token)."""
        super().__init__()
        self._account = account
        self._issuer = issuer
        self._secret = secret
        self._matrix = matrix
        self._session_seconds = session_seconds
        self._clock_offset = clock_offset
        self._also_offered = also_offered
        self._key_copied = False  # Ctrl+Y: the clipboards are cleared when the screen goes

    # The code field takes the focus as the screen is built. Textual's default gave it first
    # to the text column (a scrolling container, so focusable), which restyled the whole
    # column twice (focus in, then out to the code field): ~6 ms of the step's wait.
    AUTO_FOCUS = "#code"

    def compose(self) -> ComposeResult:
        with Horizontal(id="enrol"):
            yield QrCode(self._matrix, id="qr")
            # Most urgent first: the countdown and a clock warning must never be pushed off
            # the bottom by a long key or a long message.
            with VerticalScroll(id="enrol-side"):
                yield Static("Set up your authenticator", classes="heading")
                if self._session_seconds is not None:
                    yield SessionCountdown(self._session_seconds, id="countdown")
                if self._clock_offset is not None and abs(self._clock_offset) > CLOCK_SKEW_LIMIT:
                    yield Static(clock_warning(self._clock_offset), id="clock-skew")
                yield Static(
                    "Scan the QR code with your authenticator app, or type this key:",
                    id="scan-hint",
                )
                yield SecretKey(self._secret, id="secret")
                yield Static(f"Account {self._issuer}:{self._account}", id="account", markup=False)
                # NO_COLOR, light or dark unknown: which way the code is drawn, the key to flip it.
                yield QrPolarityHint(id="qr-polarity")
                yield Static("", id="too-small")
                yield FieldLabel("Code from the app")
                yield CodeInput(id="code")
                yield StatusLine(id="status")
                yield FieldLabel("Device name (optional, Tab)")
                # Cognito's FriendlyDeviceName: helps tell authenticators apart later.
                yield DeviceNameField(
                    self.holds_key,
                    self._key_not_a_name,
                    placeholder="totp-tui",
                    id="device-name",
                    max_length=64,
                )
                if self._also_offered:
                    names = {"SMS_MFA": "SMS codes", "EMAIL_OTP": "email codes"}
                    factors = " and ".join(names.get(f, f) for f in self._also_offered)
                    yield Static(
                        f"The pool also offers {factors}; those are not set up here, only "
                        "the authenticator app.",
                        id="also-offered",
                    )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#too-small").display = False
        # Fitted now, so that the first paint has the code; the resize that follows finds
        # the same drawing and draws nothing again.
        self.layout_qr(self.app.size.width, self.app.size.height)
        self.query_one("#code", Input).focus()

    def on_resize(self, event: events.Resize) -> None:
        self.layout_qr(event.size.width, event.size.height)

    def layout_qr(self, width: int, height: int) -> None:
        """Draw the QR beside the text if it fits whole; otherwise say so and keep the key."""
        qr = self.query_one(QrCode)
        fits = qr.fit_into(width - SIDE_WIDTH, height - FOOTER_ROWS)
        notice = self.query_one("#too-small", Static)
        notice.display = not fits
        if fits:
            self.query_one("#scan-hint", Static).update(
                "Scan the QR code with your authenticator app, or type this key:"
            )
        else:
            columns, rows = qr.smallest_size()
            self.query_one("#scan-hint", Static).update(
                "Type this key into your authenticator app:"
            )
            alone = " or press z to show it alone," if qr.fits_alone(width, height) else ""
            notice.update(
                f"The terminal is too small for the QR code (it needs "
                f"{columns + SIDE_WIDTH}x{rows + FOOTER_ROWS}). "
                f"Enlarge it to scan,{alone} or type the key."
            )

    def action_zoom_qr(self) -> None:
        self.query_one(QrCode).zoom()

    def action_unzoom_qr(self) -> None:
        self.query_one(QrCode).unzoom()

    @property
    def asks_before_quitting(self) -> bool:
        # The person may have scanned the code already: quitting leaves their app with an
        # entry that will never work, and the enrolment starts again from the sign-in.
        return True

    def go_back(self) -> None:
        """Zoomed, back is the screen with the field; else an empty sign-in, where the
        next sign-in shows a new key (this one is never verified)."""
        if self.maximized is not None:
            self.action_unzoom_qr()
        else:
            super().go_back()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Zoomed, the QR code is all there is: the field and the messages are hidden.
        zoomed = self.maximized is not None
        if action == "back":
            return True
        if action in ("submit", "zoom_qr"):
            return not zoomed
        if action == "unzoom_qr":
            return zoomed
        return True

    def submit(self) -> None:
        field = self.query_one("#code", CodeInput)
        code = field.code
        if code is None:
            self.status.error("Type the 6-digit code your app shows for this account.")
            field.focus()
            return
        device_name = self.query_one("#device-name", Input).value.strip()
        self.wizard.verify_code(self, code, device_name)

    def session_left(self) -> float | None:
        countdowns = self.query(SessionCountdown)
        return countdowns.first().remaining if countdowns else None

    def on_session_countdown_expired(self, event: SessionCountdown.Expired) -> None:
        event.stop()
        minutes = (self._session_seconds or 0) / 60
        self.wizard.restart(
            f"The sign-in session expired (Cognito allows {minutes:g} minutes to enter the "
            "code). Sign in again: you will get a new QR code. Remove the old entry from "
            "your app."
        )

    def action_copy_secret(self) -> None:
        # OSC 52: reaches the local clipboard over SSH when the terminal allows it.
        self.app.copy_to_clipboard(self._secret)
        self._key_copied = True
        # In the status line, not a toast: a toast sits on the QR code's corner, and a code
        # whose quiet zone is covered may not scan.
        self.status.show(
            "Key sent to the clipboard (if your terminal allows OSC 52); cleared when you "
            "leave this screen.",
            "ok",
        )

    def holds_key(self, text: str) -> bool:
        """Whether `text` holds this screen's key: plain, or in the groups it is shown in."""
        key = self._secret.upper()
        return bool(key) and key in "".join(text.split()).upper()

    def _key_not_a_name(self) -> None:
        self.status.error("The key is not a device name: it would show here, and in Cognito.")

    def _clear_clipboard(self) -> None:
        """The key copied with Ctrl+Y goes with the screen: from Textual's clipboard, where
        Ctrl+V in the next screen's fields would paste it, and from the terminal's, which an
        empty OSC 52 clears where the terminal allows. Not if something else was copied
        since (kiosk mode clears the clipboard itself, for the next person: ui/kiosk.py)."""
        if self._key_copied:
            self._key_copied = False
            if self._secret and self.app.clipboard == self._secret:
                self.app.copy_to_clipboard("")

    def show_error(self, message: str) -> None:
        super().show_error(message)
        field = self.query_one("#code", CodeInput)
        field.value = ""
        field.focus()

    def wipe(self) -> None:
        self._clear_clipboard()  # first: it compares the clipboard with the key
        self._secret = ""
        self._matrix = QrMatrix(())  # the QR code's modules are the secret too
        self.query_one(QrCode).wipe()
        self.query_one(SecretKey).wipe()
        self.query_one("#code", CodeInput).value = ""

    def on_unmount(self) -> None:
        # A backstop for a screen that goes without a wipe (a crash report, Textual closing
        # it): the clipboard still goes. After a wipe there is nothing left to clear.
        self._clear_clipboard()
