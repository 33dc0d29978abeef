"""Knowing there is no keyring without loading keyring's backends (profiles/keyring_reach.py).

The rule: whenever `no_keyring_possible()` says so, keyring itself would have chosen its fail
backend. Checked against keyring in a fresh interpreter, over generated environments (a
session bus address, a display, a runtime directory with or without a bus socket, a chosen
backend, keyring's config file), the way a bastion's SSH sessions differ."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from totp_tui.profiles.keyring_reach import only_keyrings_own_backends, session_bus_possible

PROBE = textwrap.dedent(
    """
    import json
    from totp_tui.profiles.keyring_reach import no_keyring_possible
    predicted = no_keyring_possible()
    import keyring
    backend = keyring.get_keyring()
    print(json.dumps([predicted, type(backend).__module__ + "." + type(backend).__name__]))
    """
)


def probe(env: dict[str, str]) -> tuple[bool, str]:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    predicted, backend = json.loads(completed.stdout)
    return predicted, backend


@settings(
    max_examples=int(os.environ.get("TOTP_TUI_KEYRING_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@example(bus_address=False, display="", runtime_dir="none", chosen="")  # a bastion's
@example(bus_address=False, display="", runtime_dir="with bus", chosen="")
@given(
    bus_address=st.booleans(),
    display=st.sampled_from(["", "DISPLAY", "WAYLAND_DISPLAY"]),
    runtime_dir=st.sampled_from(["none", "empty", "with bus"]),
    chosen=st.sampled_from(["", "environment", "config file"]),
)
def test_no_keyring_is_said_only_when_keyring_finds_none(
    bus_address: bool, display: str, runtime_dir: str, chosen: str
) -> None:
    with tempfile.TemporaryDirectory() as home:
        env = {"HOME": home, "PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"}
        if bus_address:  # a bus that is not there: keyring still tries it
            env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={home}/no-such-bus"
        if display:
            env[display] = ":97" if display == "DISPLAY" else "wayland-97"
        if runtime_dir != "none":
            runtime = Path(home) / "run"
            runtime.mkdir(mode=0o700)
            env["XDG_RUNTIME_DIR"] = str(runtime)
            if runtime_dir == "with bus":
                (runtime / "bus").touch()  # where libdbus and GLib look for a session bus
        if chosen == "environment":
            env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
        elif chosen == "config file":
            config = Path(home) / ".config" / "python_keyring"
            config.mkdir(parents=True)
            (config / "keyringrc.cfg").write_text(
                "[backend]\ndefault-keyring=keyring.backends.null.Keyring\n"
            )
        predicted, backend = probe(env)
    if predicted:
        assert backend == "keyring.backends.fail.Keyring"
    # And it says so in the bastion's case: nothing to reach, nothing chosen.
    if not bus_address and not display and runtime_dir != "with bus" and not chosen:
        assert predicted


def test_a_session_bus_or_a_display_may_give_a_keyring() -> None:
    assert not session_bus_possible({})
    assert session_bus_possible({"DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1/bus"})
    assert session_bus_possible({"DISPLAY": ":0"})
    assert session_bus_possible({"WAYLAND_DISPLAY": "wayland-0"})
    with tempfile.TemporaryDirectory() as runtime:
        assert not session_bus_possible({"XDG_RUNTIME_DIR": runtime})
        (Path(runtime) / "bus").touch()
        assert session_bus_possible({"XDG_RUNTIME_DIR": runtime})


def test_the_installed_backends_are_keyrings_own() -> None:
    # keyrings.alt (or any other backend) in the environment would change keyring's choice:
    # the shortcut must then not be taken. Here (and in a plain install) there is none.
    assert only_keyrings_own_backends()
