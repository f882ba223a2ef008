"""``pos-app store status|push`` and ``journal --store`` as real subprocesses on a real server.

The till runs in training mode (no keys needed); the store password comes from libpq's
``PGPASSWORD`` here, as the keyring's ``store-db-password`` would supply it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pg_server import PgServer

from pos_app.config.home import AppHome
from pos_app.config.settings import Settings, save_settings, set_setting


def _run(home: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pos_app", "--home", str(home), *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


def test_store_commands_exit_codes_and_rows(
    tmp_path: Path, pg_server: PgServer, pg_database: str
) -> None:
    env = os.environ | {"PGPASSWORD": pg_server.password, "POS_APP_KEYRING_SERVICE": "pos_t"}
    home = tmp_path / "till"
    status = _run(home, env, "store", "status", "--json")
    assert status.returncode == 2, status.stderr  # not configured
    assert json.loads(status.stdout)["configured"] is False
    # Written as a manager's `settings set` would (that needs the keyring for the PIN check).
    settings = set_setting(Settings(), "terminal.id", "LANE1")
    settings = set_setting(settings, "store.database_url", pg_server.url(pg_database))
    save_settings(AppHome(home), settings)
    redeemed = _run(home, env, "redeem", "286501034417", "--json")
    assert redeemed.returncode == 0, redeemed.stderr
    # The settled redemption woke the command's replicator (it may be in the store already);
    # a settings change is an audit entry only the next push carries: that one waits.
    changed = _run(home, env, "settings", "set", "ui.idle_reset_s", "45")
    assert changed.returncode == 0, changed.stderr
    waiting = _run(home, env, "store", "status", "--json")
    body = json.loads(waiting.stdout)
    assert waiting.returncode == 3 and body["reachable"] is True and body["pending"] >= 1
    pushed = _run(home, env, "store", "push", "--json")
    assert pushed.returncode == 0, pushed.stderr
    assert json.loads(pushed.stdout)["pending"] == 0 and json.loads(pushed.stdout)["last_push"]
    assert _run(home, env, "store", "status").returncode == 0
    rows = _run(home, env, "journal", "--store", "--json")
    assert rows.returncode == 0, rows.stderr
    listed = json.loads(rows.stdout)
    assert [(r["terminal_id"], r["kind"], r["state"]) for r in listed] == [
        ("LANE1", "REDEEM", "SUCCEEDED")
    ]
    assert listed[0]["code"] != "286501034417"  # masked, as in `journal --json`
    pg_server.stop()
    try:
        down = _run(home, env, "store", "push", "--json")
        assert down.returncode == 3 and json.loads(down.stdout)["reachable"] is False
    finally:
        pg_server.start()
