"""A profile's settings: a form, validated inline with the same rules as the command line."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Footer, Input, Select

from totp_tui.config.settings import (
    AUTH_FLOWS,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_ISSUER,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_SESSION_MINUTES,
    MAX_SESSION_MINUTES,
    MIN_SESSION_MINUTES,
    SettingsError,
    region_of_pool,
    validate_ca_bundle,
    validate_client_id,
    validate_endpoint_url,
    validate_issuer,
    validate_pool_id,
    validate_region,
    validate_timeout,
)
from totp_tui.profiles import Profile, ProfileDraft, ProfileError
from totp_tui.sentences import as_sentence
from totp_tui.ui.screens.base import WizardScreen
from totp_tui.ui.widgets.field_label import FieldLabel
from totp_tui.ui.widgets.inputs import FormField, PasswordInput
from totp_tui.ui.widgets.status_line import StatusLine
from totp_tui.ui.widgets.title_bar import TitleBar

YES_NO = [("yes", True), ("no", False)]


class ProfileFormScreen(WizardScreen):
    # The form: one line per field, the label beside it, so it fits 80x24.
    CSS = """
    #profile-form {
        grid-size: 2;
        grid-columns: 15 1fr;
        grid-rows: 1;
        grid-gutter: 0 1;
        height: auto;
    }
    #profile-form FieldLabel {
        margin: 0;
    }
    #profile-form Input, #profile-form Select {
        width: 1fr;
    }
    """

    BINDINGS = [
        Binding("ctrl+s", "submit", "Save", show=True),
        # Enter in a text field saves too (a password manager's auto-type ends with it).
        Binding("enter", "submit", "Save", show=False),
    ]

    def __init__(self, profile: Profile | None, save: bool = True) -> None:
        super().__init__()
        self._original = profile
        self._save = save  # False: no keyring here, the settings are for this run only

    def compose(self) -> ComposeResult:
        p = self._original
        yield TitleBar()
        with Vertical(classes="card", id="profile-form-card") as card:
            card.border_title = (
                f"Edit profile {p.name}" if p else "New profile" if self._save else "Pool settings"
            )
            with Grid(id="profile-form"):
                yield FieldLabel("Name")
                yield FormField(
                    p.name if p else "", id="name", compact=True, disabled=p is not None
                )
                yield FieldLabel("User pool id")
                yield FormField(
                    p.user_pool_id if p else "",
                    placeholder="us-east-1_AbC123",
                    id="pool",
                    compact=True,
                )
                yield FieldLabel("App client id")
                yield FormField(p.client_id if p else "", id="client", compact=True)
                yield FieldLabel("Region")
                yield FormField(
                    p.region if p else "", placeholder="from the pool id", id="region", compact=True
                )
                yield FieldLabel("Sign-in flow")
                yield Select(
                    [(flow, flow) for flow in AUTH_FLOWS],
                    value=p.auth_flow if p else AUTH_FLOWS[0],
                    allow_blank=False,
                    id="flow",
                    compact=True,
                )
                yield FieldLabel("Issuer")
                yield FormField(p.issuer if p else DEFAULT_ISSUER, id="issuer", compact=True)
                yield FieldLabel("Endpoint URL")
                yield FormField(
                    (p.endpoint_url or "") if p else "",
                    placeholder="AWS's",
                    id="endpoint",
                    compact=True,
                )
                yield FieldLabel("CA bundle")
                yield FormField(
                    (p.ca_bundle or "") if p else "", placeholder="system's", id="ca", compact=True
                )
                yield FieldLabel("Verify TLS")
                yield Select(
                    YES_NO,
                    value=p.verify_ssl if p else True,
                    allow_blank=False,
                    id="verify",
                    compact=True,
                )
                yield FieldLabel("Timeouts (s)")
                yield FormField(
                    f"{p.connect_timeout:g} {p.read_timeout:g}"
                    if p
                    else f"{DEFAULT_CONNECT_TIMEOUT:g} {DEFAULT_READ_TIMEOUT:g}",
                    placeholder="connect read",
                    id="timeouts",
                    compact=True,
                )
                yield FieldLabel("Session (min)")
                yield FormField(
                    str(p.session_minutes if p else DEFAULT_SESSION_MINUTES),
                    placeholder=f"{MIN_SESSION_MINUTES}-{MAX_SESSION_MINUTES}",
                    id="session",
                    compact=True,
                )
                # Last: a form's secret fields stay at one end of it, so that no Tab order leads
                # a secret into a field that shows it (screens/focus_order.py).
                yield FieldLabel("Client secret")
                yield PasswordInput(
                    placeholder="only if the client has one; kept in the keyring",
                    id="secret",
                    compact=True,
                )
            yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        first = "#pool" if self._original else "#name"
        self.query_one(first, Input).focus()

    def _text(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def draft(self) -> ProfileDraft:
        """The form as a profile; raises SettingsError or ProfileError naming the bad field."""
        pool = self._text("pool")
        if not pool:
            raise SettingsError("the user pool id is required")
        region = validate_region(self._text("region") or region_of_pool(pool))
        validate_pool_id(pool, region)
        client = validate_client_id(self._text("client"))
        issuer = validate_issuer(self._text("issuer") or DEFAULT_ISSUER)
        endpoint = self._text("endpoint") or None
        if endpoint:
            validate_endpoint_url(endpoint)
        ca_bundle = self._text("ca") or None
        if ca_bundle:
            validate_ca_bundle(ca_bundle)
        parts = self._text("timeouts").split()
        try:
            connect, read = (float(part) for part in parts)
        except ValueError:  # not two values, or not numbers
            raise SettingsError(
                "the timeouts must be two numbers of seconds, connect then read, e.g. 10 30"
            ) from None
        validate_timeout("the connect timeout", connect)
        validate_timeout("the read timeout", read)
        session_minutes = self._session_minutes()
        name = self._original.name if self._original else self._text("name")
        if not name:
            if self._save:
                raise SettingsError("the profile needs a name")
            name = "this-run"  # not saved: the name is never shown or stored
        profile = Profile(
            name=name,
            region=region,
            user_pool_id=pool,
            client_id=client,
            auth_flow=self.query_one("#flow", Select).value,  # type: ignore[arg-type]
            issuer=issuer,
            endpoint_url=endpoint,
            verify_ssl=bool(self.query_one("#verify", Select).value),
            ca_bundle=ca_bundle,
            connect_timeout=connect,
            read_timeout=read,
            session_minutes=session_minutes,
            last_username=self._original.last_username if self._original else None,
        )
        secret = self.query_one("#secret", PasswordInput).value or None
        return ProfileDraft(profile, secret)

    def _session_minutes(self) -> int:
        """The app client's sign-in session length, checked here in the form's own words: the
        shared validator's message names --session-minutes, a flag this form has no part in."""
        text = self._text("session")
        if not text:  # emptied: the default, as for the issuer
            return DEFAULT_SESSION_MINUTES
        # ASCII digits only: int() would also take "1_0" or other scripts' digits.
        minutes = int(text) if text.isascii() and text.isdigit() else 0
        if not MIN_SESSION_MINUTES <= minutes <= MAX_SESSION_MINUTES:
            raise SettingsError(
                f"the session length must be a whole number of minutes from "
                f"{MIN_SESSION_MINUTES} to {MAX_SESSION_MINUTES}, not {text}"
            )
        return minutes

    def submit(self) -> None:
        try:
            draft = self.draft()
        except (SettingsError, ProfileError) as error:
            self.status.error(as_sentence(str(error)))
            return
        if self._save:
            self.wizard.profiles.save_profile(self, draft)
        else:
            self.wizard.profiles.use_draft_once(self, draft)

    def go_back(self) -> None:
        """Back one step: the list of profiles, with nothing typed here kept."""
        self.wipe()
        self.wizard.profiles.show_profiles()

    def wipe(self) -> None:
        self.query_one("#secret", PasswordInput).wipe()
