"""One person's attempt: the name they gave, and the Session or access token behind it.

Changed on the UI thread only (ui/controller.py): what a request started becomes the
attempt's only if the person still waits for its answer (ui/engine_requests.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from totp_tui.cognito.flow import EnrolmentFlow
    from totp_tui.cognito.token_enrolment import TokenEnrolment

# What holds a Session or an access token, and forgets it on request.
Holder = Union["EnrolmentFlow", "TokenEnrolment"]


class Attempt:
    """The current person's sign-in: the name they gave, and what the code goes to (the
    sign-in's flow, with its Session, or a token enrolment, with an access token)."""

    def __init__(self) -> None:
        self.account = ""  # the name typed: the label their authenticator app shows
        self.flow: EnrolmentFlow | None = None
        self.enrolment: Holder | None = None

    @property
    def token_mode(self) -> bool:
        """Enrolling with an access token (no Session, no countdown)."""
        return self.enrolment is not None and self.enrolment is not self.flow

    def take(
        self, flow: EnrolmentFlow | None, enrolment: Holder | None, account: str | None
    ) -> None:
        """Make what a request started this attempt's (None: unchanged)."""
        if flow is not None:
            self.flow = flow
        if enrolment is not None:
            self.enrolment = enrolment
        if account is not None:
            self.account = account

    def forget(self, *, account: bool = False) -> None:
        """Forget the Session and access token now, not whenever they are collected; with
        `account`, the person's name too (the next person)."""
        for held in (self.flow, self.enrolment):
            if held is not None:
                held.forget()
        self.flow = self.enrolment = None
        if account:
            self.account = ""
