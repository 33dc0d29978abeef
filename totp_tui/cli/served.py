"""`totp-tui serve`: the wizard as sshd's ForceCommand, one process per SSH connection.

Everything comes from the operator: the pool and the `[served]` options from the system
configuration (only `--config`, which the operator writes into the ForceCommand, points
elsewhere), nothing from the client. The client's environment is dropped at once but for the
locale (served_environment.py), the command it asked for (SSH_ORIGINAL_COMMAND) is ignored,
no keyring or profile is read or written, and kiosk rules apply: nothing saved, everything of
the person wiped after an enrolment or Escape. On top of the kiosk: an audit line per
enrolment with the client's address, an idle timeout that ends the session, and a cap on
concurrent sessions. A dropped connection ends the process like any hang-up (ui/hang_up.py).
"""

from __future__ import annotations

import argparse
import getpass
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from totp_tui.cli.output import fail
from totp_tui.cli.served_environment import (
    ClientAddress,
    client_address,
    replace_environment,
    served_environment,
)
from totp_tui.cli.session_slots import SessionSlot, SlotsError, take_slot
from totp_tui.cli.wizard import no_terminal, run_wizard
from totp_tui.config.settings import RequestedSettings, Settings, SettingsError, effective_settings
from totp_tui.config.system_config import (
    SYSTEM_CONFIG_PATH,
    SystemConfig,
    SystemConfigError,
    SystemPool,
    load_system_config,
)

if TYPE_CHECKING:
    from totp_tui.helpdesk.audit import SharedAuditLog
    from totp_tui.ui.start_options import Kiosk

AUDIT_ACTION = "served-enrol"
TELL_THE_OPERATOR = "Please tell the operator of this host."


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="totp-tui serve",
        description="The wizard for sshd's ForceCommand on a bastion host: one process per SSH"
        " connection, the pool and its limits from the system configuration only. The"
        " client's command and environment (but LANG and LC_*) are ignored.",
        epilog='See the README\'s "Serving over SSH" for the sshd_config Match block. Exit'
        " codes: 0 done or quit; 1 tried and did not succeed; 2 nothing was tried (no"
        " terminal, a configuration or audit log that cannot be used, every session taken);"
        " 128+N signal N.",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=str(SYSTEM_CONFIG_PATH),
        help=f"the system configuration (default {SYSTEM_CONFIG_PATH}); set in the"
        " ForceCommand, never by the client",
    )
    return parser


@dataclass(frozen=True)
class ServedSession:
    """One connection's wizard, ready to run: its settings, kiosk rules and session slot."""

    settings: Settings
    kiosk: Kiosk
    slot: SessionSlot
    client: ClientAddress | None = None
    audit_log: SharedAuditLog | None = field(default=None, repr=False, compare=False)


def run_served(argv: Sequence[str]) -> int:
    # First of all: nothing the client set may reach the code below (boto3 reads AWS_*,
    # Textual TEXTUAL_*, the wizard TOTP_TUI_*).
    replace_environment(served_environment(os.environ))
    args = build_parser().parse_args(list(argv))
    problem = no_terminal()
    if problem:
        return fail(
            "this service draws in a terminal, and the connection has none: connect with"
            " ssh -t (e.g. ssh -t mfa@HOST)"
        )
    prepared = prepare_session(Path(args.config), os.environ.get("SSH_CONNECTION", ""))
    if isinstance(prepared, str):
        return fail(prepared)
    try:
        return run_wizard(prepared.settings, kiosk=prepared.kiosk)
    finally:  # the kernel would close both anyway, at exit
        os.close(prepared.slot.fd)
        if prepared.audit_log is not None:
            prepared.audit_log.close()


def prepare_session(config_path: Path, ssh_connection: str) -> ServedSession | str:
    """Everything a session needs before its first screen, or why it cannot start (one
    message, for the person to pass on when the operator must fix something)."""
    try:
        config = load_system_config(config_path, required=True)
        assert config is not None  # required: a missing file raised
        pool = served_pool(config)
        settings = effective_settings(RequestedSettings(), {}, system_pool=pool)
    except SettingsError as error:
        return f"{error} {TELL_THE_OPERATOR}"
    # No username kept or prefilled, nothing saved: the kiosk's rules.
    settings = replace(settings, save=False, username="")
    served = config.served
    from totp_tui.helpdesk.audit import SharedAuditLog

    audit_log = SharedAuditLog(Path(served.audit_log))
    try:  # no enrolment without its audit line: opened now, kept open for the session
        audit_log.open()
    except OSError as error:
        return (
            f"the audit log {served.audit_log} cannot be appended to ({error.strerror}), and"
            f" every enrolment must be audited. {TELL_THE_OPERATOR}"
        )
    try:
        slot = take_slot(Path(served.runtime_dir), served.max_sessions)
    except SlotsError as error:
        audit_log.close()
        return f"{error}. {TELL_THE_OPERATOR}"
    if slot is None:
        audit_log.close()
        return (
            f"all {served.max_sessions} sessions of this service are in use. Please try again"
            " in a few minutes."
        )
    client = client_address({"SSH_CONNECTION": ssh_connection})
    from totp_tui.ui.start_options import Kiosk

    kiosk = Kiosk(
        idle_seconds=served.idle_minutes * 60,
        idle_ends_session=True,
        audit=audit_line_writer(audit_log, client),
        quit_question="End this session? Anything not finished is lost.",
    )
    return ServedSession(settings, kiosk, slot, client, audit_log)


def served_pool(config: SystemConfig) -> SystemPool:
    """[served]'s pool, or the only one. Raises SystemConfigError."""
    name = config.served.pool
    pool = config.pool(name) if name else config.only_pool
    if pool is None:
        names = ", ".join(p.name for p in config.pools)
        raise SystemConfigError(
            f"{config.path}: it has several pools ({names}) and [served] names none."
            ' Fix: add pool = "NAME" to its [served] table'
        )
    return pool


def audit_line_writer(
    audit_log: SharedAuditLog, client: ClientAddress | None
) -> Callable[[str, str, bool], None]:
    """Writes one line per enrolment: pool, username, the account that served it and the
    client's address. Never a secret: the audit log refuses any key that could name one."""
    try:
        account = getpass.getuser()
    except Exception:  # no login name: the line is still worth writing
        account = "unknown"

    def write(pool: str, username: str, replaced: bool) -> None:
        audit_log.record(
            AUDIT_ACTION,
            pool,
            username,
            "ok",
            None,
            account=account,
            client_address=client.address if client else None,
            client_port=client.port if client else None,
            replaced=replaced,
        )

    return write
