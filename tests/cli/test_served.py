"""`totp-tui serve` in this process: what a client can send is ignored, the pool and limits come
from the system configuration only, the cap refuses one session more, the audit line."""

from __future__ import annotations

import json
import os
import string
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.sshd import ServedFiles, served_files
from totp_tui.cli.main import main
from totp_tui.cli.served import ServedSession, prepare_session
from totp_tui.cli.served_environment import FROM_SSHD, client_address, served_environment
from totp_tui.config.settings import Settings
from totp_tui.ui.start_options import Kiosk

POOL_ID, CLIENT_ID = "us-east-1_Served1", "servedclient1"
ENDPOINT = "http://127.0.0.1:4999"
KEPT = {*FROM_SSHD, "TERM"}

# Names an SSH client could send, the dangerous ones among them, and values of any kind.
_NAMES = st.one_of(
    st.sampled_from([
        "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_CA_BUNDLE",
        "AWS_REGION", "AWS_PROFILE", "TOTP_TUI_SYSTEM_CONFIG", "TOTP_TUI_PROFILE",
        "TOTP_TUI_CLIENT_SECRET", "HTTPS_PROXY", "https_proxy", "SSL_CERT_FILE",
        "REQUESTS_CA_BUNDLE", "TEXTUAL", "TEXTUAL_DRIVER", "NO_COLOR", "COLORTERM",
        "XDG_STATE_HOME", "PYTHON_KEYRING_BACKEND", "SSH_ORIGINAL_COMMAND", "LD_PRELOAD",
        "COLUMNS", "TZ",
    ]),
    st.builds(lambda s: "AWS_" + s, st.text(string.ascii_uppercase + "_", min_size=1)),
    st.builds(lambda s: "TOTP_TUI_" + s, st.text(string.ascii_uppercase + "_", min_size=1)),
    st.text(string.ascii_letters + string.digits + "_", min_size=1, max_size=20),
)  # fmt: skip
_VALUES = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=40
)


@settings(max_examples=300, deadline=None)
@given(sent=st.dictionaries(_NAMES, _VALUES, max_size=12))
def test_only_the_locale_and_what_sshd_sets_is_kept(sent: dict[str, str]) -> None:
    kept = served_environment(sent)
    for name, value in kept.items():
        is_locale = name == "LANG" or name.startswith("LC_")
        assert name in KEPT or is_locale, name
        if name in FROM_SSHD or is_locale:
            assert value == sent[name]
    assert not any(name.startswith(("AWS_", "TOTP_TUI_", "TEXTUAL")) for name in kept)
    assert "SSH_ORIGINAL_COMMAND" not in kept
    assert kept["TERM"]  # always a plain terminal name, the client's or a fallback


@given(lang=st.text(max_size=30), term=st.text(max_size=30))
def test_locale_and_terminal_names_are_kept_only_when_plain(lang: str, term: str) -> None:
    kept = served_environment({"LANG": lang, "LC_ALL": "C.UTF-8", "TERM": term})
    assert kept["LC_ALL"] == "C.UTF-8"
    plain = set(string.ascii_letters + string.digits + "_.@+-")
    assert ("LANG" in kept) == (0 < len(lang) <= 64 and set(lang) <= plain)
    if kept["TERM"] != "xterm-256color":
        assert kept["TERM"] == term


def test_the_client_address_comes_from_ssh_connection() -> None:
    found = client_address({"SSH_CONNECTION": "2001:db8::7 50022 2001:db8::1 22"})
    assert found is not None
    assert (found.address, found.port) == ("2001:db8::7", 50022)
    assert client_address({"SSH_CONNECTION": "not an address 1 2"}) is None
    assert client_address({}) is None


# --- the whole command, with the wizard replaced by a recorder -----------------------------


@pytest.fixture(autouse=True)
def restored_environment() -> Iterator[None]:
    """`serve` empties the process's environment, this test process's included: put it back."""
    before = dict(os.environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(before)


@pytest.fixture
def files() -> Iterator[ServedFiles]:
    with tempfile.TemporaryDirectory(prefix="totp-tui-served-") as folder:
        yield served_files(Path(folder), POOL_ID, CLIENT_ID, ENDPOINT)


class Recorder:
    def __init__(self) -> None:
        self.runs: list[tuple[Settings, Kiosk, dict[str, str]]] = []

    def __call__(self, settings: Settings, *, kiosk: Kiosk, **_: object) -> int:
        self.runs.append((settings, kiosk, dict(os.environ)))
        return 0


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recorder = Recorder()
    monkeypatch.setattr("totp_tui.cli.served.run_wizard", recorder)
    monkeypatch.setattr("totp_tui.cli.served.no_terminal", lambda: None)
    return recorder


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sent=st.dictionaries(_NAMES, _VALUES.filter(lambda v: "=" not in v), max_size=8))
def test_whatever_the_client_sends_the_pool_is_the_operators(
    files: ServedFiles, recorder: Recorder, sent: dict[str, str]
) -> None:
    before = dict(os.environ)
    try:
        os.environ.update(sent)
        os.environ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1"  # always one that would redirect
        os.environ["SSH_CONNECTION"] = "192.0.2.7 40000 192.0.2.1 22"
        assert main(["serve", "--config", str(files.config)]) == 0
    finally:
        os.environ.clear()
        os.environ.update(before)
    settings_used, kiosk, environment = recorder.runs.pop()
    assert (settings_used.user_pool_id, settings_used.client_id) == (POOL_ID, CLIENT_ID)
    assert settings_used.endpoint_url == ENDPOINT
    assert settings_used.client_secret is None
    assert (settings_used.save, settings_used.profile_name, settings_used.username) == (
        False,
        None,
        "",
    )
    assert all(source == "default" or source.startswith("system:")
               for source in settings_used.sources.values())  # fmt: skip
    # The process's own environment, which boto3 and Textual read, holds nothing else.
    assert set(environment) <= KEPT | {n for n in environment if n == "LANG" or n[:3] == "LC_"}
    assert (kiosk.idle_ends_session, kiosk.idle_seconds) == (True, 300.0)


@pytest.mark.parametrize(
    "argv",
    [["--endpoint-url", "http://127.0.0.1:1"], ["--user-pool-id", "us-east-1_X"], ["--kiosk"]],
)
def test_wizard_flags_are_not_options_of_serve(
    files: ServedFiles,
    recorder: Recorder,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--config", str(files.config), *argv])
    assert exited.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err
    assert recorder.runs == []


def test_without_a_terminal_it_says_to_use_ssh_t(
    files: ServedFiles, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--config", str(files.config)]) == 2  # pytest's stdin is no terminal
    assert "connect with ssh -t" in capsys.readouterr().err


# --- the cap, the audit log, the runtime folder ----------------------------------------------


def prepared(files: ServedFiles) -> ServedSession:
    session = prepare_session(files.config, "198.51.100.4 51000 198.51.100.1 22")
    assert isinstance(session, ServedSession), session
    return session


def set_max_sessions(files: ServedFiles, count: int) -> None:
    text = files.config.read_text().replace("max_sessions = 20", f"max_sessions = {count}")
    files.config.write_text(text)


def test_one_session_more_than_the_cap_is_refused_until_one_ends(files: ServedFiles) -> None:
    set_max_sessions(files, 3)
    held = [prepared(files) for _ in range(3)]
    assert sorted(session.slot.number for session in held) == [1, 2, 3]
    refused = prepare_session(files.config, "")
    assert refused == (
        "all 3 sessions of this service are in use. Please try again in a few minutes."
    )
    os.close(held[1].slot.fd)  # a session ends (the kernel drops its lock)
    again = prepared(files)
    assert again.slot.number == 2
    for session in (held[0], held[2], again):
        os.close(session.slot.fd)


def test_enrolments_are_audited_with_the_clients_address(files: ServedFiles) -> None:
    session = prepared(files)
    os.close(session.slot.fd)
    assert session.kiosk.audit is not None
    session.kiosk.audit(POOL_ID, "jane", False)
    (line,) = files.audit_log.read_text().splitlines()
    entry = json.loads(line)
    assert {key: entry[key] for key in ("action", "pool", "username", "outcome")} == {
        "action": "served-enrol",
        "pool": POOL_ID,
        "username": "jane",
        "outcome": "ok",
    }
    assert (entry["client_address"], entry["client_port"]) == ("198.51.100.4", 51000)
    assert entry["account"]
    # The operator's file keeps its mode: the audit log is never created or chmod-ed here.
    assert files.audit_log.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("missing", ["audit_log", "runtime_dir"])
def test_no_session_without_its_audit_log_or_runtime_folder(
    files: ServedFiles, missing: str
) -> None:
    if missing == "audit_log":
        files.audit_log.unlink()
    else:
        files.runtime_dir.rmdir()
    refused = prepare_session(files.config, "")
    assert isinstance(refused, str)
    assert str(getattr(files, missing)) in refused
    assert "tell the operator" in refused


def test_several_pools_need_served_pool(files: ServedFiles) -> None:
    text = files.config.read_text()
    second = '[pools.other]\nuser_pool_id = "us-east-1_Other1"\nclient_id = "o1"\n'
    files.config.write_text(second + text)
    refused = prepare_session(files.config, "")
    assert isinstance(refused, str)
    assert 'add pool = "NAME" to its [served] table' in refused
    files.config.write_text(second + text.replace("[served]\n", '[served]\npool = "other"\n'))
    session = prepared(files)
    os.close(session.slot.fd)
    assert session.settings.user_pool_id == "us-east-1_Other1"
