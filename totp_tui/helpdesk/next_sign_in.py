"""What a user's next sign-in will ask, from AdminGetUser's answer and the pool's MFA
configuration (GetUserPoolMfaConfig): the sentence `admin status` and the pool report show.

Cognito's rules, as AWS documents them:
- a disabled user is refused; a temporary password asks for a new one first; after
  AdminResetUserPassword (RESET_REQUIRED) the person needs the code Cognito sends to their
  verified email or phone before anything else;
- a pool whose MFA is off asks for no code;
- a user with MFA factors gets the preferred one, their only one, or else a choice
  (SELECT_MFA_TYPE);
- a user with none gets MFA_SETUP on a pool that requires MFA, and no code on one where it
  is optional (totp-tui then offers to set up an app).

The factors are what AdminGetUser lists, which is what Cognito has turned on. An app verified
with an access token but never turned on (no SetUserMFAPreference) is not listed, and is not
asked for either; the local Cognito also leaves out an app set up through MFA_SETUP until
SetUserMFAPreference (DESIGN.md section 5), though it asks for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TOTP = "SOFTWARE_TOKEN_MFA"
SMS = "SMS_MFA"
EMAIL = "EMAIL_OTP"
# What the person is asked for, by factor.
ASKS = {TOTP: "code from the app", SMS: "SMS code", EMAIL: "email code"}
# Short names for the report and the status lines.
FACTOR_NAMES = {TOTP: "app (TOTP)", SMS: "SMS", EMAIL: "email"}

REQUIRED, OPTIONAL, OFF = "ON", "OPTIONAL", "OFF"
POOL_MFA_WORDS = {REQUIRED: "required", OPTIONAL: "optional", OFF: "off"}

DISABLED = "refused: the user is disabled"
SET_UP_APP = "set up an app"
NO_CODE = "no MFA code"
OFFERED = "no MFA code (totp-tui offers to set up an app)"


@dataclass(frozen=True)
class PoolMfa:
    """GetUserPoolMfaConfig's answer: whether MFA is required, and which factors the pool
    offers."""

    configuration: str  # ON, OPTIONAL or OFF
    totp: bool
    sms: bool
    email: bool

    @classmethod
    def from_response(cls, answer: Mapping[str, Any]) -> PoolMfa:
        token = answer.get("SoftwareTokenMfaConfiguration") or {}
        return cls(
            configuration=str(answer.get("MfaConfiguration") or OFF),
            totp=bool(token.get("Enabled")),
            sms=bool(answer.get("SmsMfaConfiguration")),
            email=bool(answer.get("EmailMfaConfiguration")),
        )

    @property
    def words(self) -> str:
        """E.g. "required: app (TOTP), SMS"."""
        words = POOL_MFA_WORDS.get(self.configuration, self.configuration)
        factors = ((TOTP, self.totp), (SMS, self.sms), (EMAIL, self.email))
        offered = [FACTOR_NAMES[factor] for factor, on in factors if on]
        if offered and self.configuration != OFF:
            return f"{words}: {', '.join(offered)}"
        return words


def factor_class(factors: tuple[str, ...]) -> str:
    """The report's column: "TOTP", "SMS/email only" or "none"."""
    if TOTP in factors:
        return "TOTP"
    return "SMS/email only" if factors else "none"


def _asks(factor: str) -> str:
    return ASKS.get(factor, f"{factor} code")


def _mfa_part(factors: tuple[str, ...], preferred: str | None, pool: PoolMfa | None) -> str:
    if pool is not None and pool.configuration == OFF:
        return NO_CODE
    if factors:
        chosen = preferred if preferred in factors else factors[0] if len(factors) == 1 else None
        asked = (
            _asks(chosen)
            if chosen
            else "a choice of " + " or ".join(_asks(factor) for factor in factors)
        )
        return asked if pool is not None else f"{asked} (unless the pool's MFA is off)"
    if pool is None:
        return f"{SET_UP_APP} if the pool requires MFA, else {NO_CODE}"
    if pool.configuration == REQUIRED:
        if pool.totp:
            return SET_UP_APP
        offered = [FACTOR_NAMES[f] for f, on in ((SMS, pool.sms), (EMAIL, pool.email)) if on]
        return f"set up {' or '.join(offered)} MFA" if offered else "set up an MFA factor"
    return OFFERED


def next_sign_in(
    user_status: str,
    enabled: bool,
    factors: tuple[str, ...],
    preferred: str | None,
    pool: PoolMfa | None,
) -> str:
    """One line: what the user's next sign-in asks. `pool` None: its configuration is unknown
    (no permission for GetUserPoolMfaConfig), and the line says what depends on it."""
    if not enabled:
        return DISABLED
    if user_status == "EXTERNAL_PROVIDER":
        return "sign-in through their identity provider"
    mfa = _mfa_part(factors, preferred, pool)
    if user_status == "FORCE_CHANGE_PASSWORD":
        return f"the temporary password and a new one, then {mfa}"
    if user_status == "RESET_REQUIRED":
        return (
            "a new password with the code Cognito sends to their verified email or phone, "
            f"then {mfa}"
        )
    if user_status == "UNCONFIRMED":
        return f"the sign-up confirmation code, then {mfa}"
    return mfa
