"""`ssh -tt mfa@bastion`: the README's operator page, run as it stands against a real sshd.

sshd (OpenSSH 9.2 here) on a free port with a temporary host key, the README's Match block and
system configuration (only paths, port, account, pool ids and endpoint replaced), AcceptEnv
widened to everything. A client under tmux enrols end to end against the local Cognito,
while sending an endpoint of its own in its environment and a command after the host; then
it is killed, and nothing of its session may be left running.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from tests.conftest import PoolUser
from tests.support.sshd import (
    ServedFiles,
    TestSshd,
    command_line,
    free_port,
    process_environment,
    require_sshd,
    served_files,
    served_processes,
)
from tests.support.tmux_session import TmuxSession, require_tmux
from tests.support.totp_clock import code_now
from totp_tui.authenticator.key_uri import parse_key_uri
from totp_tui.demo.local_cognito import DemoPool, LocalCognito

pytestmark = pytest.mark.e2e


@pytest.fixture
def served(local_cognito: LocalCognito, pool: DemoPool) -> Iterator[tuple[TestSshd, ServedFiles]]:
    require_tmux()
    require_sshd()
    with tempfile.TemporaryDirectory(prefix="totp-tui-served-") as folder:
        files = served_files(
            Path(folder), pool.user_pool_id, pool.client_id, local_cognito.endpoint_url
        )
        with TestSshd(files.config) as sshd:
            yield sshd, files


def wait_for_pids(find: object, timeout: float) -> list[int]:
    assert callable(find)
    deadline = time.monotonic() + timeout
    while True:
        found: list[int] = find()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_enrol_through_sshd_ignoring_the_clients_environment_and_command(
    served: tuple[TestSshd, ServedFiles],
    local_cognito: LocalCognito,
    pool: DemoPool,
    user: PoolUser,
) -> None:
    sshd, files = served
    elsewhere = f"http://127.0.0.1:{free_port()}"  # nothing listens: a sign-in there fails
    other_config = files.folder / "other.toml"
    client = sshd.ssh_command(
        "-o", f"SetEnv AWS_ENDPOINT_URL={elsewhere}"
        f" AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER={elsewhere}"
        f" TOTP_TUI_SYSTEM_CONFIG={other_config} TOTP_TUI_PROFILE=other"
        f" HTTP_PROXY={elsewhere} http_proxy={elsewhere} HTTPS_PROXY={elsewhere}",
        "-o", "SendEnv LANG",
    )  # fmt: skip
    command = [*client, f"totp-tui --endpoint-url {elsewhere} --user-pool-id us-east-1_X"]
    with TmuxSession(command, width=80, height=24) as session:
        screen = session.wait_for("Password", timeout=20)
        assert f"Endpoint {local_cognito.endpoint_url}" in screen
        assert pool.user_pool_id in screen
        # The client's variables and command did reach the process: it ignored them.
        (served_pid,) = wait_for_pids(lambda: served_processes(sshd), 5)
        started_with = process_environment(served_pid)
        assert started_with["AWS_ENDPOINT_URL"] == elsewhere
        assert started_with["TOTP_TUI_SYSTEM_CONFIG"] == str(other_config)
        assert started_with["HTTP_PROXY"] == elsewhere
        assert "--endpoint-url" in started_with["SSH_ORIGINAL_COMMAND"]
        assert "--endpoint-url" not in command_line(served_pid)

        # The whole sign-in form in one burst, as an SSH link delivers it.
        session.type(f"{user.username}\t{user.password}\r")
        session.wait_for("New password", timeout=15)
        session.type(f"{user.new_password}\t{user.new_password}\r")
        session.wait_for("Code from the app", timeout=15)
        key = parse_key_uri(session.wait_for_qr(timeout=10))
        assert key.account == user.username
        session.type(f"{code_now(key.secret)}\r")
        session.wait_for("is enrolled", timeout=15)

        # One audit line, with the client's address, and nothing secret in the file.
        audit = files.audit_log.read_text()
        (line,) = [json.loads(row) for row in audit.splitlines()]
        assert (line["action"], line["username"], line["pool"]) == (
            "served-enrol",
            user.username,
            pool.user_pool_id,
        )
        assert line["client_address"] == "127.0.0.1"
        for secret in (user.password, user.new_password, key.secret):
            assert secret not in audit

        # The client dies (a dropped link): nothing of its session stays behind.
        ssh_pids = [pid for pid in sshd_clients(sshd) if pid]
        assert ssh_pids, "the ssh client was not found"
        for pid in ssh_pids:
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while (sshd.children() or alive(served_pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = [command_line(pid) for pid in sshd.children()]
        assert not left, f"left running after the client was killed: {left}"
        # Not merely moved away from sshd (a process whose parent died goes to init).
        assert not alive(served_pid), "the served process outlived its connection"

    # The service's view: a fresh sign-in now meets the TOTP challenge.
    cognito = boto3.client(
        "cognito-idp",
        region_name=pool.region,
        endpoint_url=local_cognito.endpoint_url,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    answer = cognito.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.new_password},
    )
    assert answer["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


def alive(pid: int) -> bool:
    """Running (a zombie has ended: only its exit status waits to be collected)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def sshd_clients(sshd: TestSshd) -> list[int]:
    """The ssh clients connected to this sshd (found by the client key on their command
    line)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            line = command_line(int(entry.name))
            if line[:1] == ["ssh"] and str(sshd.client_key) in line:
                found.append(int(entry.name))
    return found


def forward_through(sshd: TestSshd, port: str) -> subprocess.CompletedProcess[bytes]:
    """ssh -W: a direct TCP channel through the bastion to 127.0.0.1:port, an HTTP request on
    it."""
    return subprocess.run(
        sshd.ssh_command("-W", f"127.0.0.1:{port}", tty=False),
        input=b"GET / HTTP/1.0\r\n\r\n",
        capture_output=True,
        timeout=20,
    )


def test_forwarding_is_refused(
    served: tuple[TestSshd, ServedFiles], local_cognito: LocalCognito
) -> None:
    sshd, files = served
    port = local_cognito.endpoint_url.rsplit(":", 1)[1]
    direct = forward_through(sshd, port)
    assert direct.returncode != 0
    assert b"stdio forwarding failed" in direct.stderr
    assert direct.stdout == b""  # no answer from the local Cognito came through
    # -R: a listening port on the bastion.
    remote = subprocess.run(
        sshd.ssh_command("-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9",
                         tty=False),
        capture_output=True,
        timeout=20,
    )  # fmt: skip
    assert remote.returncode != 0
    assert b"remote port forwarding failed" in remote.stderr
    assert "refused local port forward" in sshd.log
    assert wait_gone(sshd)

    # The same server without the block's DisableForwarding line lets the channel through:
    # that line is what refused it.
    with TestSshd(files.config, dropped="DisableForwarding yes") as open_sshd:
        through = forward_through(open_sshd, port)
    assert through.returncode == 0, through.stderr
    assert through.stdout.startswith(b"HTTP/1.")


def test_without_a_terminal_the_client_is_told_to_ask_for_one(
    served: tuple[TestSshd, ServedFiles],
) -> None:
    sshd, _ = served
    answer = subprocess.run(sshd.ssh_command(tty=False), capture_output=True, timeout=20)
    assert answer.returncode == 2
    assert b"connect with ssh -t" in answer.stderr
    assert wait_gone(sshd)


def wait_gone(sshd: TestSshd) -> bool:
    deadline = time.monotonic() + 5
    while sshd.children() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not sshd.children()
