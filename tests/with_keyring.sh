#!/usr/bin/env bash
# Run a command with a real Secret Service: gnome-keyring inside the caller's dbus session
# (make test wraps this in dbus-run-session). The login keyring is created and unlocked with a
# throwaway password so that keyring's SecretService backend can store and read secrets.
# Its files live in a folder of their own: a developer's real keyring is never touched, and two
# runs at once (each daemon reloads the file when another writes it) cannot clobber each other.
set -euo pipefail
if command -v gnome-keyring-daemon >/dev/null && [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  XDG_DATA_HOME="$(mktemp -d "${TMPDIR:-/tmp}/pos_app_keyring.XXXXXX")"
  export XDG_DATA_HOME
  eval "$(printf 'ci-keyring\n' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || true
  export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
else
  echo "with_keyring: no gnome-keyring-daemon or no dbus session; keyring tests will skip" >&2
fi
exec "$@"
