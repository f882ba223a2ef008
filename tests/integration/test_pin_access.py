"""Access control from the command line: the till's OS user is the cashier and can run `pos-app`.

Once a manager PIN exists, `settings set`, `keys import` and `manager set-pin` need it; refusals
exit 4, change nothing and are audited; parallel wrong PINs cannot outrun the lock-out; editing or
deleting files in the app's folder neither lifts a lock-out nor removes the PIN; `manager
reset-pin` is the deliberate way back and wipes the gateway keys. Real `python -m pos_app`
subprocesses, the real keyring (Secret Service under `make test`), the real SQLite journal.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from pos_app.config.home import AppHome
from pos_app.core.journal import AuditEntry
from pos_app.core.pin import MAX_TRIES, PIN_ENTRY
from pos_app.journal.sqlite import SqliteJournal
from pos_app.secrets.store import SECRET_NAMES, KeyringSecretStore

pytestmark = pytest.mark.keyring

PIN = "2468"
PARALLEL = 40


@dataclass
class Till:
    home: Path
    env: dict[str, str]
    store: KeyringSecretStore

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "pos_app", "--home", str(self.home), *args]

    def run(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*args),
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=120,
            check=False,
        )

    @property
    def settings_file(self) -> Path:
        return AppHome(self.home).config_file

    def audit(self) -> list[AuditEntry]:
        with SqliteJournal(AppHome(self.home).journal_path("training")) as journal:
            return journal.audit_entries(date.today())

    def refusals(self) -> list[AuditEntry]:
        return [e for e in self.audit() if e.action == "pin-refused"]


@pytest.fixture
def till(tmp_path: Path) -> Iterator[Till]:
    service = f"pos_app_pin_test_{uuid.uuid4().hex[:8]}"
    try:
        store = KeyringSecretStore(service)
        store.get("top-session")
    except Exception as exc:  # no Secret Service here
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide a Secret Service: {exc}")
        pytest.skip("no OS keyring here; run under make test")
    env = dict(os.environ, POS_APP_KEYRING_SERVICE=service, PYTHONUNBUFFERED="1")
    env.pop("POS_APP_HOME", None)
    term = Till(tmp_path / "home", env, store)
    done = term.run("settings", "set", "shop.id", "shop-1")  # no PIN yet: allowed
    assert done.returncode == 0, done.stderr
    done = term.run("keys", "import", "top-session", "-", stdin="session-before")
    assert done.returncode == 0, done.stderr
    done = term.run("manager", "set-pin", stdin=f"{PIN}\n")
    assert done.returncode == 0, done.stderr
    try:
        yield term
    finally:
        for name in (*SECRET_NAMES, PIN_ENTRY):
            with contextlib.suppress(Exception):  # best-effort clean-up of test entries
                store.delete(name)


# ----------------------------------------------------------------------------- the PIN gate
@pytest.mark.parametrize("stdin", ["", "\n", "1111\n", "２４６９\n"])
def test_settings_set_needs_the_current_pin(till: Till, stdin: str) -> None:
    before = till.settings_file.read_bytes()
    done = till.run("settings", "set", "shop.id", "shop-evil", stdin=stdin)
    assert done.returncode == 4, done.stderr
    assert "PIN_" in done.stderr and "Traceback" not in done.stderr
    assert till.settings_file.read_bytes() == before
    [refusal] = till.refusals()
    assert refusal.detail.startswith("settings set shop.id: PIN_")
    assert refusal.actor.startswith("cli:")


def test_settings_set_with_the_right_pin_is_audited_with_the_manager(till: Till) -> None:
    done = till.run("settings", "set", "shop.id", "shop-2", stdin=f"{PIN}\n")
    assert done.returncode == 0, done.stderr
    assert "shop.id = shop-2" in done.stdout
    [change] = [e for e in till.audit() if e.action == "settings" and "shop-2" in e.detail]
    assert change.actor.startswith("manager (cli:")


def test_keys_import_from_stdin_takes_the_pin_from_the_first_line(till: Till) -> None:
    done = till.run("keys", "import", "top-session", "-", stdin="9999\nsession-evil")
    assert done.returncode == 4, done.stderr
    assert till.store.get("top-session") == "session-before"
    assert "keys import top-session: PIN_WRONG" in till.refusals()[0].detail
    done = till.run("keys", "import", "top-session", "-", stdin=f"{PIN}\nsession-after")
    assert done.returncode == 0, done.stderr
    assert till.store.get("top-session") == "session-after"
    [imported] = [e for e in till.audit() if e.action == "key-import" and "manager" in e.actor]
    assert imported.detail.startswith("top-session:")


def test_keys_import_from_a_file_needs_the_pin_too(till: Till, tmp_path: Path) -> None:
    key_file = tmp_path / "session.txt"
    key_file.write_text("session-from-file", encoding="utf-8")
    done = till.run("keys", "import", "top-session", str(key_file))
    assert done.returncode == 4
    assert till.store.get("top-session") == "session-before"
    done = till.run("keys", "import", "top-session", str(key_file), stdin=f"{PIN}\n")
    assert done.returncode == 0, done.stderr
    assert till.store.get("top-session") == "session-from-file"


def test_set_pin_needs_the_current_pin_then_reads_the_new_one(till: Till) -> None:
    record = json.loads(till.store.get(PIN_ENTRY) or "")
    done = till.run("manager", "set-pin", stdin="1357\n1357\n")
    assert done.returncode == 4
    after = json.loads(till.store.get(PIN_ENTRY) or "")
    assert after == record | {"failures": 1}, "a wrong current PIN only counts as a try"
    assert "manager set-pin: PIN_WRONG" in till.refusals()[0].detail
    done = till.run("manager", "set-pin", stdin=f"{PIN}\n12\n")
    assert done.returncode == 2 and "PIN_FORMAT" in done.stderr
    done = till.run("manager", "set-pin", stdin=f"{PIN}\n1357\n")
    assert done.returncode == 0, done.stderr
    assert till.run("settings", "set", "shop.id", "s3", stdin=f"{PIN}\n").returncode == 4
    assert till.run("settings", "set", "shop.id", "s3", stdin="1357\n").returncode == 0


# ----------------------------------------------------------------------------- the lock-out
@pytest.mark.slow
def test_forty_parallel_wrong_pins_check_at_most_five(till: Till) -> None:
    """Before: each process read "0 failures" and ran scrypt; 30 of 40 were checked."""
    before = till.settings_file.read_bytes()
    procs = [
        subprocess.Popen(
            till.command("settings", "set", "shop.id", f"evil-{i}"),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=till.env,
        )
        for i in range(PARALLEL)
    ]
    # Every process is started (and waits for its PIN on stdin) before any PIN is given.
    results = [p.communicate(input="0000\n", timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [4] * PARALLEL, results
    refusals = till.refusals()
    assert len(refusals) == PARALLEL
    checked = [e for e in refusals if "(PIN checked)" in e.detail]
    assert len(checked) == MAX_TRIES
    assert till.settings_file.read_bytes() == before
    done = till.run("settings", "set", "shop.id", "x", stdin=f"{PIN}\n")
    assert done.returncode == 4 and "PIN_LOCKED" in done.stderr, "the right PIN waits too"


def _lock_out(till: Till) -> None:
    for _ in range(MAX_TRIES):
        assert till.run("settings", "set", "shop.id", "x", stdin="0000\n").returncode == 4
    done = till.run("settings", "set", "shop.id", "x", stdin=f"{PIN}\n")
    assert "PIN_LOCKED" in done.stderr


def test_editing_files_in_the_home_lifts_no_lock_out_and_removes_no_pin(till: Till) -> None:
    """Before: ``locked_until=0`` in manager_pin.json lifted the lock-out."""
    _lock_out(till)
    before = till.settings_file.read_bytes()
    pin_file = AppHome(till.home).pin_file
    pin_file.write_text(
        json.dumps({"manager": "x", "salt": "AA==", "hash": "AA==", "locked_until": 0}),
        encoding="utf-8",
    )
    done = till.run("settings", "set", "shop.id", "x", stdin=f"{PIN}\n")
    assert done.returncode == 4 and "PIN_LOCKED" in done.stderr
    for path in AppHome(till.home).config_dir.glob("manager_pin*"):
        path.unlink()
    done = till.run("settings", "set", "shop.id", "x", stdin="")
    assert done.returncode == 4, "a deleted file does not mean 'no PIN'"
    assert till.settings_file.read_bytes() == before


def test_an_altered_record_fails_closed_naming_the_recovery(till: Till) -> None:
    raw = till.store.get(PIN_ENTRY)
    assert raw is not None
    record = json.loads(raw)
    till.store.set(PIN_ENTRY, json.dumps(record | {"hash": "not base64!"}))
    before = till.settings_file.read_bytes()
    done = till.run("settings", "set", "shop.id", "x", stdin=f"{PIN}\n")
    assert done.returncode == 4
    assert "PIN_RECORD_INVALID" in done.stderr
    assert "pos-app manager reset-pin" in done.stderr
    assert till.settings_file.read_bytes() == before


def test_no_keyring_refuses_instead_of_letting_settings_through(till: Till) -> None:
    before = till.settings_file.read_bytes()
    env = dict(till.env, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    done = subprocess.run(
        till.command("settings", "set", "shop.id", "x"),
        input=f"{PIN}\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 4, done.stderr
    assert "PIN_UNAVAILABLE" in done.stderr
    assert till.settings_file.read_bytes() == before


# ----------------------------------------------------------------------------- recovery
def test_reset_pin_needs_the_phrase_and_wipes_the_keys(till: Till) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    done = till.run("keys", "import", "alipay-private-key", "-", stdin=f"{PIN}\n{pem}")
    assert done.returncode == 0, done.stderr
    _lock_out(till)  # a forgotten PIN

    done = till.run("manager", "reset-pin", stdin="yes\n")
    assert done.returncode == 4
    assert till.store.get("top-session") == "session-before"
    assert till.store.get(PIN_ENTRY) is not None

    done = till.run("manager", "reset-pin", stdin="WIPE KEYS AND PIN\n")
    assert done.returncode == 0, done.stderr
    for name in SECRET_NAMES:
        assert till.store.get(name) is None, name
    assert till.store.get(PIN_ENTRY) is None
    actions = [e.action for e in till.audit()]
    assert "pin-reset-refused" in actions and actions[-1] == "pin-reset"
    status = till.run("keys", "status")
    assert "alipay-private-key: missing" in status.stdout
    # A new PIN can be set, and guards as before.
    assert till.run("manager", "set-pin", stdin="8642\n").returncode == 0
    assert till.run("settings", "set", "shop.id", "y", stdin="8642\n").returncode == 0
