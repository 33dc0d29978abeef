"""`totp-tui profiles list|show|delete|save`, and loading the profile `totp-tui --profile` (or
`admin --profile`) names.

Exit codes (cli/output.py): 0 done, or not confirmed; 1 a keyring call failed (locked, timed
out, refused) or the saved data is damaged; 2 nothing was tried: a usage error, no such
profile, or no usable keyring here; 130 Ctrl+C. Every failure is one line on stderr, with the
store's own message: never a traceback. The client secret is never printed: `show` says
whether one is set, nothing more.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TypeVar

from totp_tui.cli.options import add_network_options, add_pool_options, requested
from totp_tui.cli.output import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    confirm,
    fail,
    failed,
    print_record,
)
from totp_tui.cli.system_pools import read_system_config
from totp_tui.config.settings import (
    CLIENT_SECRET_VARIABLE,
    RequestedSettings,
    SettingsError,
    effective_settings,
    requested_profile_name,
)
from totp_tui.config.system_config import SystemPool
from totp_tui.profiles import (
    KeyringAccessError,
    Profile,
    ProfileError,
    ProfileNameError,
    ProfileNotFoundError,
    ProfileStore,
    profile_from_settings,
    validate_name,
)
from totp_tui.profiles.backend_policy import GET_A_KEYRING
from totp_tui.profiles.keyring_access import KeyringUnusableError
from totp_tui.sentences import as_sentence

_T = TypeVar("_T")

# The way on for these commands when no keyring may hold profiles: they have no --no-save
# (the wizard's way on), but the wizard works without any profile.
WITHOUT_A_KEYRING = (
    f"Profiles are kept in the OS keyring: to use them, {GET_A_KEYRING}. Without one, give the"
    " pool on the command line instead, which needs no profile:"
    " totp-tui --user-pool-id ID --client-id ID"
)
# What `--profile NAME` says when the profile cannot be read, for each command that takes it.
ENROL_WITHOUT_IT = "To enrol without the profile, give --user-pool-id and --client-id."
ADMIN_WITHOUT_IT = (
    "To run it without the profile, give --user-pool-id (an admin command needs no client id)."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="totp-tui profiles",
        description="Saved profiles (kept in the OS keyring, service 'totp-tui').",
        epilog="Exit codes: 0 done; 1 a keyring call failed or saved data is damaged; 2 nothing"
        " was tried: usage error, no such profile, or no usable keyring; 130 Ctrl+C."
        ' See the README\'s "Exit codes".',
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    listing = commands.add_parser(
        "list",
        help="the names of the saved profiles, after the system configuration's pools (read-only)",
    )
    _add_output_option(listing)
    show = commands.add_parser("show", help="one profile (the client secret only as set/unset)")
    show.add_argument("name", metavar="NAME")
    _add_output_option(show)
    delete = commands.add_parser("delete", help="delete a profile and its client secret")
    delete.add_argument("name", metavar="NAME")
    delete.add_argument("-y", "--yes", action="store_true", help="do not ask first")
    save = commands.add_parser(
        "save",
        help="save a profile from flags, for scripts (replaces one of the same name)",
        description="Save a profile from flags, replacing any profile of the same name. "
        f"The app client secret, if any, comes from {CLIENT_SECRET_VARIABLE} (without it, the "
        "profile has none). Other environment variables are not saved.",
    )
    save.add_argument("name", metavar="NAME")
    add_pool_options(save)
    save.add_argument("--username", help="the username to prefill next time")
    add_network_options(save)
    return parser


def _add_output_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", choices=("text", "json"), default="text", help="format")


def run_profiles(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    command: Callable[[ProfileStore, argparse.Namespace], int] = _COMMANDS[args.command]
    try:
        return command(ProfileStore(), args)
    except (ProfileNameError, ProfileNotFoundError, SettingsError) as error:
        return fail(str(error))
    except KeyringUnusableError as error:  # nothing was tried: a setup problem, as for --profile
        return fail(f"{error.problem} {WITHOUT_A_KEYRING}")
    except ProfileError as error:
        return failed(str(error))
    except KeyboardInterrupt:  # a keyring call may still finish on its own thread
        changes = args.command in ("save", "delete")
        maybe = f" (the {args.command} may have been done)" if changes else ""
        print(f"\ntotp-tui: interrupted{maybe}", file=sys.stderr)
        return EXIT_INTERRUPTED


def _list(store: ProfileStore, args: argparse.Namespace) -> int:
    system = read_system_config(os.environ)
    pools = list(system.pools) if system else []
    try:
        names = store.list_names()
    except KeyringUnusableError as error:
        if not pools:
            raise
        # The system's pools need no keyring: list them, and say why there is nothing more.
        print(f"totp-tui: no saved profiles: {error.problem}", file=sys.stderr)
        names = []
    if args.output == "json":
        listed: dict[str, object] = {"profiles": names}
        if system is not None:
            listed["system_pools"] = [
                {"name": pool.name, "read_only": True, "file": str(system.path)} for pool in pools
            ]
        print(json.dumps(listed))
        return EXIT_OK
    lines = [f"{pool.name}  (system, read-only)" for pool in pools] + names
    if lines:
        print("\n".join(lines))
    else:
        print("totp-tui: no saved profiles", file=sys.stderr)
    return EXIT_OK


def _system_pool(name: str) -> tuple[SystemPool, Path] | None:
    """The system configuration's pool of this name, and the file it is in."""
    system = read_system_config(os.environ)
    pool = system.pool(name) if system else None
    return (pool, system.path) if pool and system else None


def _refuse_system_pool(name: str) -> None:
    found = _system_pool(name)
    if found:
        raise SettingsError(
            f"{name!r} is a pool of the system configuration {found[1]}, which is read-only"
            " here: its operator changes it in that file"
        )


def _show(store: ProfileStore, args: argparse.Namespace) -> int:
    found = _system_pool(args.name)
    if found:
        shown: dict[str, object] = asdict(found[0])
        shown |= {"read_only": True, "file": str(found[1])}
        print_record(shown, args.output)
        return EXIT_OK
    profile = store.load(args.name)
    shown = asdict(profile)
    shown["client_secret"] = "set" if store.has_client_secret(profile.name) else "unset"
    print_record(shown, args.output)
    return EXIT_OK


def _delete(store: ProfileStore, args: argparse.Namespace) -> int:
    name = validate_name(args.name)
    _refuse_system_pool(name)
    if not args.yes:
        if sys.stdin is None or not sys.stdin.isatty():
            return fail(
                f"not deleting profile {name!r} without asking, and stdin is not a terminal"
                " to ask on; pass --yes to delete it"
            )
        if not store.exists(name):
            raise ProfileNotFoundError(f"there is no saved profile named {name!r}")
        try:
            yes = confirm(f"Delete profile {name}? [y/N] ")
        except KeyboardInterrupt:
            print(f"totp-tui: interrupted; profile {name!r} was not deleted", file=sys.stderr)
            return EXIT_INTERRUPTED
        if not yes:
            print(f"totp-tui: profile {name!r} was not deleted", file=sys.stderr)
            return EXIT_OK
    store.delete(name)
    print(f"Deleted profile {name!r}.")
    return EXIT_OK


def _save(store: ProfileStore, args: argparse.Namespace) -> int:
    name = validate_name(args.name)
    _refuse_system_pool(name)
    secret = os.environ.get(CLIENT_SECRET_VARIABLE) or None
    # Only the secret comes from the environment: AWS_REGION, AWS_ENDPOINT_URL... describe this
    # shell, not the pool, and would otherwise stick to the profile.
    settings = effective_settings(
        requested(args), {CLIENT_SECRET_VARIABLE: secret} if secret else {}
    )
    store.save(profile_from_settings(settings, name, remember_username=True))
    try:
        if secret:
            store.set_client_secret(name, secret)
        else:
            store.delete_client_secret(name)
    except ProfileError as error:
        raise type(error)(f"profile {name!r} was saved, but its client secret: {error}") from None
    print(f"Saved profile {name!r} (client secret: {'set' if secret else 'unset'}).")
    return EXIT_OK


_COMMANDS: dict[str, Callable[[ProfileStore, argparse.Namespace], int]] = {
    "list": _list,
    "show": _show,
    "delete": _delete,
    "save": _save,
}


def load_profile_for_wizard(
    flags: RequestedSettings, env: Mapping[str, str]
) -> tuple[Profile | None, str | None]:
    """The profile --profile or TOTP_TUI_PROFILE names, and its client secret (None if unset).

    Raises SettingsError (exit 2) when it cannot be loaded, except when the keyring is what
    failed and the flags name a pool: enrolment never depends on a keyring, so this warns on
    stderr and returns (None, None).
    """

    def read(store: ProfileStore, name: str) -> tuple[Profile, str | None]:
        profile = store.load(name)
        # The environment's secret wins anyway: then the stored one need not be read at all.
        secret = None if env.get(CLIENT_SECRET_VARIABLE) else store.get_client_secret(name)
        return profile, secret

    pool_given = bool(flags.user_pool_id and flags.client_id)
    loaded = _load_profile(flags, env, read, pool_given, ENROL_WITHOUT_IT)
    return loaded or (None, None)


def load_profile_for_admin(flags: RequestedSettings, env: Mapping[str, str]) -> Profile | None:
    """As load_profile_for_wizard, for the admin commands: they need only the pool (never the
    app client or its secret, which is not even read), so --user-pool-id is enough to go on
    without the profile."""
    return _load_profile(
        flags, env, lambda store, name: store.load(name), bool(flags.user_pool_id), ADMIN_WITHOUT_IT
    )


def _load_profile(
    flags: RequestedSettings,
    env: Mapping[str, str],
    read: Callable[[ProfileStore, str], _T],
    pool_given: bool,
    without_it: str,
) -> _T | None:
    """`read` the named profile (None when none is named), with failures as SettingsError.

    `pool_given`: the flags hold all the command needs, so a keyring that fails is a warning.
    `without_it` says how to run this command without the profile.
    """
    name = requested_profile_name(flags, env)
    if name is None:
        return None
    try:
        return read(ProfileStore(), name)
    except KeyringAccessError as error:
        if pool_given:
            print(
                f"totp-tui: warning: profile {name!r} was not loaded, so only the command line's"
                f" settings are used: {_keyring_problem(error)}",
                file=sys.stderr,
            )
            return None
        raise SettingsError(f"{_keyring_problem(error)} {without_it}") from None
    except ProfileNotFoundError as error:
        raise SettingsError(f"{error}; `totp-tui profiles list` shows the saved ones") from None
    except ProfileError as error:
        raise SettingsError(str(error)) from None


def _keyring_problem(error: KeyringAccessError) -> str:
    """What went wrong, as a sentence. For no usable keyring, how to get one, but not the
    wizard's --no-save: with --profile, not saving does not load the profile."""
    if isinstance(error, KeyringUnusableError):
        return f"{error.problem} To use profiles, {GET_A_KEYRING}."
    return as_sentence(str(error), capital=False)
