#!/usr/bin/env bash
# Run a command inside a private D-Bus session with an unlocked gnome-keyring: a real Secret
# Service with its own HOME and XDG_RUNTIME_DIR, so tests never touch the user's keyring.
# Without dbus-run-session or gnome-keyring-daemon, the command runs as it is (the tests that
# need a Secret Service then skip, or fail under CI=true).
set -euo pipefail

if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
    echo "with_secret_service: no dbus-run-session/gnome-keyring-daemon; running without" >&2
    exec "$@"
fi

TEST_HOME=$(mktemp -d)
TEST_RUNTIME=$(mktemp -d)
chmod 700 "$TEST_RUNTIME"
trap 'rm -rf "$TEST_HOME" "$TEST_RUNTIME"' EXIT
export TOTP_TUI_REAL_HOME="$HOME" HOME="$TEST_HOME" XDG_RUNTIME_DIR="$TEST_RUNTIME"
unset DBUS_SESSION_BUS_ADDRESS

# --unlock reads the keyring password from stdin; without it a fresh HOME answers
# "Prompt dismissed". The password only guards this throwaway keyring.
dbus-run-session -- bash -c '
    eval "$(printf %s throwaway | gnome-keyring-daemon --unlock --components=secrets | sed "s/^/export /")"
    export TOTP_TUI_SECRET_SERVICE=1
    exec "$@"
' bash "$@"
