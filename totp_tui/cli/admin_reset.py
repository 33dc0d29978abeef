"""`totp-tui admin reset-mfa`: the lost-phone reset, asked for and recorded.

Whoever signs in next with the password can register an app, so before anything is done the
operator is told to check the person's identity, gives a reason (or --reason) that goes to the
audit line, and confirms (or --yes). With --require-new-password the password is reset first
(AdminResetUserPassword), then the app deleted (AdminDeleteSoftwareToken): a user with no
verified email or phone is refused by Cognito before anything has changed.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from totp_tui.cli.admin_action import AdminAction
from totp_tui.cli.output import EXIT_CANNOT_START, EXIT_INTERRUPTED, EXIT_OK, confirm, fail
from totp_tui.config.admin_settings import AdminSettings
from totp_tui.helpdesk import admin_calls, audit, token_reset
from totp_tui.helpdesk.next_sign_in import PoolMfa, next_sign_in

# A reason is a ticket reference or a sentence, not an essay (and one audit line).
MAX_REASON = 300


def _identity_warning(user: str, new_password: bool) -> str:
    then = (
        "The password is reset too: they will need the code Cognito sends to their verified "
        "email or phone before they can enrol."
        if new_password
        else "Add --require-new-password so that they also need the code Cognito sends to "
        "their verified email or phone."
    )
    return (
        f"Whoever signs in next as {user} with the password can register an authenticator "
        "app for this account: check the person's identity first (for example, call them "
        f"back on a number on file). {then}"
    )


def _ask_reason() -> str:
    print("Reason or ticket reference: ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    if not answer.endswith("\n"):
        print(file=sys.stderr)
    return answer


def _clean_reason(text: str | None) -> str:
    return " ".join((text or "").split())


def run_reset(args: argparse.Namespace, action: AdminAction) -> int:
    user, pool = action.username, action.settings.user_pool_id
    reason = _clean_reason(args.reason)
    if len(reason) > MAX_REASON:
        return fail(f"--reason is longer than {MAX_REASON} characters; give a ticket reference")
    try:
        # Connect first: a credentials problem is reported before any question is asked.
        client = action.connect(args.sts_endpoint_url)
        token_reset.check_sdk(client)
    except admin_calls.AdminError as error:
        return action.failed(error)
    if not (args.yes and reason):
        if sys.stdin is None or not sys.stdin.isatty():
            missing = " and ".join(
                flag
                for flag, absent in (("--yes", not args.yes), ("--reason", not reason))
                if absent
            )
            return action.refused(
                f"not confirmed: no {missing}, and stdin is not a terminal",
                f"error: not resetting authenticator MFA for {user!r} without asking, and stdin"
                f" is not a terminal to ask on; pass {missing} to reset it",
                EXIT_CANNOT_START,
            )
        print(_identity_warning(user, args.require_new_password), file=sys.stderr)
        try:
            reason = reason or _clean_reason(_ask_reason())
            if not reason:
                return action.refused(
                    "no reason given",
                    f"a reason is required; authenticator MFA for {user!r} was not reset",
                    EXIT_OK,
                )
            if len(reason) > MAX_REASON:
                return action.refused(
                    "the reason was too long",
                    f"error: the reason is longer than {MAX_REASON} characters; give a ticket "
                    f"reference (authenticator MFA for {user!r} was not reset)",
                    EXIT_CANNOT_START,
                )
            yes = args.yes or confirm(
                f"Delete the authenticator app (TOTP) of {user} in {pool}? [y/N] "
            )
        except KeyboardInterrupt:
            return action.refused(
                "not confirmed: interrupted at the question",
                f"interrupted; authenticator MFA for {user!r} was not reset",
                EXIT_INTERRUPTED,
            )
        if not yes:
            return action.refused(
                "not confirmed: the operator said no",
                f"authenticator MFA for {user!r} was not reset",
                EXIT_OK,
            )
    # (Audit keys may not name a password: "also_reset" says what else this reset.)
    details: dict[str, audit.DetailValue] = {
        "reason": reason,
        "also_reset": "password" if args.require_new_password else None,
    }
    password_reset = False
    try:
        # The password first: if it cannot be reset (no verified email or phone), nothing has
        # changed, rather than a deleted app that the password alone can replace.
        if args.require_new_password:
            token_reset.require_new_password(client, action.settings, user)
            password_reset = True
        token_reset.delete_software_token(client, action.settings, user)
    except admin_calls.AdminError as error:
        note = (
            "the password was reset: the person must choose a new one with the code Cognito "
            "sent, and the app was not deleted"
            if password_reset
            else "nothing was changed"
        )
        done = {"done_before_failure": "password reset"} if password_reset else {}
        return action.failed(error, note, {**details, **done})
    action.write(audit.OK, details)
    print(f"Deleted the authenticator app (TOTP) of {user!r} in {pool}.")
    if password_reset:
        print("Their password was reset: Cognito sent a code to their verified email or phone.")
    then = _next_sign_in_after(client, action.settings, user)
    if then:
        print(f"Next sign-in: {then}.")
    return EXIT_OK


def _next_sign_in_after(client: Any, settings: AdminSettings, user: str) -> str | None:
    """What the next sign-in asks now, if the permissions allow finding out (best effort: the
    reset is done and audited whatever this says)."""
    try:
        status = admin_calls.get_mfa_status(client, settings, user)
        pool: PoolMfa | None = admin_calls.get_pool_mfa(client, settings)
    except admin_calls.AdminError:
        return None
    return next_sign_in(
        status.user_status, status.enabled, status.mfa_settings, status.preferred_mfa, pool
    )
