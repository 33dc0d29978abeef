"""The environment a served session (`totp-tui serve`, sshd's ForceCommand) keeps.

An SSH client can set any variable the server's AcceptEnv lets through (SetEnv, SendEnv), and
an operator may have widened it. What a variable could do here: AWS_ENDPOINT_URL* or
HTTPS_PROXY send the password elsewhere; AWS_CA_BUNDLE, SSL_CERT_FILE or REQUESTS_CA_BUNDLE
make a forged certificate pass; TOTP_TUI_* and TEXTUAL_* change the app; XDG_* move files. So
the served process starts from nothing and keeps only:

- LANG and LC_*: the client's locale, for the encoding (the QR's block characters);
- TERM: from the client's terminal request; sshd sets it after the client's variables, and
  only a plain terminal name is kept;
- HOME, USER, LOGNAME, SHELL, PATH: sshd sets them from the server's account after the
  client's variables, so a client cannot replace them;
- SSH_CONNECTION, SSH_CLIENT, SSH_TTY: sshd's, set after the client's too; the audit line
  records the client's address from SSH_CONNECTION.

SSH_ORIGINAL_COMMAND (what the client asked to run) is dropped: the pool, like everything
else, comes from the system configuration. Variables the interpreter reads before any code
runs (PYTHON*, LD_*) are beyond this module: the ForceCommand runs `python -I` and sshd's
AcceptEnv stays at LANG LC_* (README, "Serving over SSH").
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

# sshd sets these itself, after copying the client's variables: their values are the server's.
FROM_SSHD = ("HOME", "USER", "LOGNAME", "SHELL", "PATH", "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY")
_LOCALE_NAME = re.compile(r"LANG|LC_[A-Z]+")
# Locale and terminal names: "C.UTF-8", "en_GB.UTF-8@euro", "xterm-256color".
_LOCALE_VALUE = re.compile(r"[A-Za-z0-9_.@+-]{1,64}")
_TERM_VALUE = re.compile(r"[A-Za-z0-9_.+-]{1,64}")
FALLBACK_TERM = "xterm-256color"


def served_environment(env: Mapping[str, str]) -> dict[str, str]:
    """What a served process keeps of `env` (see the module's notes)."""
    kept = {name: env[name] for name in FROM_SSHD if name in env}
    for name, value in env.items():
        if _LOCALE_NAME.fullmatch(name) and _LOCALE_VALUE.fullmatch(value):
            kept[name] = value
    term = env.get("TERM", "")
    kept["TERM"] = term if _TERM_VALUE.fullmatch(term) else FALLBACK_TERM
    return kept


def replace_environment(kept: Mapping[str, str]) -> None:
    """Make the process's environment exactly `kept`: os.environ and the C library's (libraries
    that call getenv, and any child, see the same)."""
    for name in list(os.environ):
        if name not in kept:
            del os.environ[name]  # unsetenv too
    os.environ.update(kept)


@dataclass(frozen=True)
class ClientAddress:
    """Where the SSH connection comes from, as sshd's SSH_CONNECTION says."""

    address: str
    port: int


def client_address(env: Mapping[str, str]) -> ClientAddress | None:
    """From SSH_CONNECTION ("client-address client-port server-address server-port"); None
    when it is missing or malformed (not run by sshd)."""
    parts = env.get("SSH_CONNECTION", "").split()
    if len(parts) != 4 or not parts[1].isdigit():
        return None
    try:
        address = str(ipaddress.ip_address(parts[0]))
    except ValueError:
        return None
    return ClientAddress(address, int(parts[1]))
