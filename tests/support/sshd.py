"""A real OpenSSH server for tests (DESIGN.md section 10), serving the README's operator page.

The README's `Match` block and system configuration are taken from README.md as they stand,
with only what is this host's own replaced: the paths, the account, the pool and app client
ids, the endpoint. The server runs as root on 127.0.0.1 on a free port, with a temporary
host key and a generated client key, and is killed (by its pid) on leaving.
"""

from __future__ import annotations

import getpass
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
PYTHON = sys.executable  # the virtual environment's interpreter, where totp_tui is installed
# What the README's text names, and what replaces it here.
README_PYTHON = "/opt/totp-tui/bin/python"
README_CONFIG = "/etc/totp-tui/config.toml"
README_ACCOUNT = "mfa"
README_POOL_ID = "eu-west-2_AbC123def"
README_CLIENT_ID = "1example23456789abcdefghij"
README_ENDPOINT = "https://cognito-idp.eu-west-2.amazonaws.com"
README_AUDIT_LOG = "/var/log/totp-tui/audit.jsonl"
README_RUNTIME_DIR = "/run/totp-tui"
_START_SECONDS = 10.0


def require_sshd() -> str:
    """sshd's path; skipped on a laptop without it or without root, a failure under CI=true
    (where this test must run: the Makefile installs openssh-server)."""
    sshd = shutil.which("sshd") or ("/usr/sbin/sshd" if os.path.exists("/usr/sbin/sshd") else None)
    problem = ""
    if sshd is None or shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        problem = "openssh-server and openssh-client are not installed"
    elif os.geteuid() != 0:
        problem = "a test sshd must run as root (it switches to the logged-in user)"
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    assert sshd is not None
    return sshd


def readme_block(after_heading: str, language: str) -> str:
    """The first fenced block of `language` ("" for a bare ```) after a README heading."""
    text = README.read_text()
    start = text.index(after_heading)
    found = re.compile(rf"^```{language}\n(.*?)^```$", re.M | re.S).search(text, start)
    assert found, f"no ```{language} block after {after_heading!r} in README.md"
    return found.group(1)


def served_match_block(config_path: Path, account: str) -> str:
    block = readme_block("Add this block at the **end**", "")
    assert block.startswith(f"Match User {README_ACCOUNT}\n")
    return (
        block.replace(README_PYTHON, PYTHON)
        .replace(README_CONFIG, str(config_path))
        .replace(f"Match User {README_ACCOUNT}", f"Match User {account}")
    )


def system_config_text(
    pool_id: str, client_id: str, endpoint: str, audit_log: Path, runtime_dir: Path
) -> str:
    text = readme_block("## System-wide configuration", "toml")
    for old, new in (
        (README_POOL_ID, pool_id),
        (README_CLIENT_ID, client_id),
        (README_ENDPOINT, endpoint),
        (README_AUDIT_LOG, str(audit_log)),
        (README_RUNTIME_DIR, str(runtime_dir)),
    ):
        assert old in text, f"the README's configuration example lost {old!r}"
        text = text.replace(old, new)
    return text


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class ServedFiles:
    """Where one served set-up keeps its files."""

    folder: Path
    config: Path
    audit_log: Path
    runtime_dir: Path


def served_files(folder: Path, pool_id: str, client_id: str, endpoint: str) -> ServedFiles:
    """The README's configuration, audit log and runtime folder, under `folder` (0700)."""
    folder.chmod(0o700)
    audit_log, runtime_dir = folder / "audit.jsonl", folder / "run"
    runtime_dir.mkdir(mode=0o700)
    audit_log.touch(mode=0o600)
    config = folder / "config.toml"
    config.write_text(system_config_text(pool_id, client_id, endpoint, audit_log, runtime_dir))
    config.chmod(0o644)
    return ServedFiles(folder, config, audit_log, runtime_dir)


class TestSshd:
    """sshd -D on 127.0.0.1:port, with the README's Match block for the current user."""

    __test__ = False  # not a pytest test class

    def __init__(self, config_path: Path, extra: str = "", dropped: str = "") -> None:
        """`dropped`: a line of the README's block to leave out (to show what it does)."""
        self.sshd = require_sshd()
        self.account = getpass.getuser()
        self.port = free_port()
        self._config_path = config_path
        self._extra = extra
        self._dropped = dropped
        self._directory: tempfile.TemporaryDirectory[str] | None = None
        self.folder = Path()
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> TestSshd:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def client_key(self) -> Path:
        return self.folder / "client"

    @property
    def log(self) -> str:
        path = self.folder / "sshd.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self) -> None:
        self._directory = tempfile.TemporaryDirectory(prefix="totp-tui-sshd-")
        self.folder = Path(self._directory.name)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        for key in ("host", "client"):
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.folder / key)],
                check=True,
                capture_output=True,
            )
        authorized = self.folder / "authorized_keys"
        authorized.write_text((self.folder / "client.pub").read_text())
        authorized.chmod(0o600)
        config = self.folder / "sshd_config"
        config.write_text(self.sshd_config())
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd refuses to start without
        with (self.folder / "sshd.log").open("wb") as log:
            self.process = subprocess.Popen(
                [self.sshd, "-D", "-e", "-f", str(config), "-p", str(self.port),
                 "-h", str(self.folder / "host")],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            )  # fmt: skip
        deadline = time.monotonic() + _START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"sshd exited with {self.process.returncode}:\n{self.log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"sshd did not listen within {_START_SECONDS:.0f}s:\n{self.log}")

    def sshd_config(self) -> str:
        """The test's own global lines, then the README's block verbatim but for its paths
        and account (a Match block must come last: it runs to the end of the file)."""
        return f"""\
ListenAddress 127.0.0.1
PidFile none
UsePAM no
# The key file sits under /tmp, which everyone may write: StrictModes would refuse it.
StrictModes no
AuthorizedKeysFile {self.folder}/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
# Widened on purpose, far beyond Debian's LANG LC_*: the app must ignore what comes through.
AcceptEnv *
# Many sessions at once (the bench): sshd must not drop unauthenticated ones.
MaxStartups 100
LogLevel VERBOSE
{self._extra}
{self.match_block()}"""

    def match_block(self) -> str:
        block = served_match_block(self._config_path, self.account)
        if not self._dropped:
            return block
        lines = block.splitlines(keepends=True)
        kept = [line for line in lines if line.strip() != self._dropped]
        assert len(kept) == len(lines) - 1, f"{self._dropped!r} is not a line of the block"
        return "".join(kept)

    def ssh_command(self, *options: str, tty: bool = True) -> list[str]:
        """ssh to the served account, options before the destination (a command after it
        can be added by the caller)."""
        return [
            "ssh",
            *(["-tt"] if tty else ["-T"]),
            "-p", str(self.port),
            "-i", str(self.client_key),
            "-F", "/dev/null",
            "-o", "IdentitiesOnly=yes",
            "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null",
            "-o", "LogLevel=ERROR",
            "-o", "BatchMode=yes",
            *options,
            f"{self.account}@127.0.0.1",
        ]  # fmt: skip

    def children(self) -> list[int]:
        """Processes started under this sshd (its per-connection processes and theirs)."""
        if self.process is None:
            return []
        return descendants(self.process.pid)

    def stop(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=5)
            self.process = None
        if self._directory is not None:
            self._directory.cleanup()
            self._directory = None


def descendants(pid: int) -> list[int]:
    """Every living process below `pid`, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":  # a zombie is gone, only not yet reaped
            parents[int(entry.name)] = int(fields[1])
    found: list[int] = []
    frontier = [pid]
    while frontier:
        current = frontier.pop()
        for child, parent in parents.items():
            if parent == current:
                found.append(child)
                frontier.append(child)
    return found


def process_environment(pid: int) -> dict[str, str]:
    """The environment a process started with (/proc/PID/environ)."""
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
    return {name.decode(errors="replace"): value.decode(errors="replace") for name, value in pairs}


def command_line(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def served_processes(sshd: TestSshd) -> list[int]:
    """The `totp-tui serve` processes under this sshd."""
    return [
        pid
        for pid in sshd.children()
        if "totp_tui" in command_line(pid) and "serve" in command_line(pid)
    ]
