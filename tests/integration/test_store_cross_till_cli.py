"""The cross-till commands as a shop's script runs them: two tills' ``pos-app`` processes in
production mode against one simulator (the real keyring holds the keys and the manager PIN), one
store database (tests/pg_server.py). ``reverse REQUEST_ID`` takes another till's redemption from
the store database; a repeat from either till exits 0; ``redeem`` of a code another till redeemed
today exits 2 with when and where, and ``--again`` overrides it.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_server import PgServer
from test_cli import Terminal, _keyring_available

from pos_app.sandbox import Simulator

pytestmark = pytest.mark.keyring
PIN = "2468\n"
_SECRETS = ("alipay-private-key", "alipay-public-key", "top-app-secret", "top-session")


def _setup(term: Terminal, terminal_id: str, url: str) -> None:
    demo = term.sim.demo
    for key, value in [
        ("mode", "production"),
        ("alipay.gateway", term.sim.alipay_url),
        ("alipay.app_id", demo.app_id),
        ("top.gateway", term.sim.top_url),
        ("top.app_key", demo.top_app_key),
        ("shop.id", demo.shop_id),
        ("network.timeout_s", "3"),
        ("terminal.id", terminal_id),
        ("store.database_url", url),
    ]:
        done = term.run("settings", "set", key, value)
        assert done.returncode == 0, done.stderr


@pytest.fixture
def two_tills(
    tmp_path: Path, pg_server: PgServer, pg_database: str
) -> Iterator[tuple[Terminal, Terminal]]:
    if not _keyring_available():
        if os.environ.get("CI"):
            pytest.fail("CI must provide a Secret Service (make test runs gnome-keyring)")
        pytest.skip("no OS keyring here; run under make test")
    sim = Simulator.start(host="127.0.0.1", port=0, data_dir=None)
    service = f"pos_app_test_{uuid.uuid4().hex[:8]}"
    env = dict(os.environ, POS_APP_KEYRING_SERVICE=service, PYTHONUNBUFFERED="1")
    env["PGPASSWORD"] = pg_server.password  # as the keyring's store-db-password would
    env.pop("POS_APP_HOME", None)
    a, b = Terminal(tmp_path / "a", env, sim), Terminal(tmp_path / "b", env, sim)
    _setup(a, "LANE1", pg_server.url(pg_database))
    _setup(b, "LANE2", pg_server.url(pg_database))
    demo = sim.demo
    values = [demo.app_private_key_b64, demo.alipay_public_key_b64]
    values += [demo.top_app_secret, demo.top_session]
    for name, value in zip(_SECRETS, values, strict=True):  # one keyring: the shop's keys
        assert a.run("keys", "import", name, "-", stdin=value).returncode == 0
    assert a.run("manager", "set-pin", stdin=PIN).returncode == 0
    try:
        yield a, b
    finally:
        sim.stop()
        import keyring

        for name in (*_SECRETS, "manager-pin"):
            for suffix in ["", *[f"#{i}" for i in range(1, 10)]]:
                with contextlib.suppress(Exception):  # best-effort clean-up of test entries
                    keyring.delete_password(service, name + suffix)


def _push(*tills: Terminal) -> None:
    for till in tills:
        done = till.run("store", "push", "--json")
        assert done.returncode == 0, done.stdout + done.stderr


def test_reverse_another_tills_redemption_and_repeats_exit_0(
    two_tills: tuple[Terminal, Terminal],
) -> None:
    a, b = two_tills
    code = a.sim.demo.codes["single"]
    status, redeemed = a.json("redeem", code)
    assert status == 0, redeemed
    request_id = str(redeemed["request_id"])
    _push(a)

    status, body = b.json("reverse", request_id, "--reason", "顾客退单", stdin=PIN)
    assert status == 0, body
    assert (body["kind"], body["state"], body["parent_id"]) == ("REVERSE", "SUCCEEDED", None)
    _push(b)
    status, again_a = a.json("reverse", request_id, "--reason", "再撤一次", stdin=PIN)
    assert status == 0 and again_a["state"] == "SUCCEEDED", again_a  # the gateway: done already
    sent = a.sim.state.total_requests()
    status, again_b = b.json("reverse", request_id, "--reason", "再撤", stdin=PIN)
    assert status == 0 and again_b["message"] == "这笔核销已由本机撤销过，无需再次撤销。", again_b
    assert a.sim.state.total_requests() == sent  # B sent nothing the second time
    assert len(a.sim.state.cancels_for(code)) == 1
    _push(a)
    rows = json.loads(a.run("journal", "--store", "--json").stdout)
    listed = sorted((r["terminal_id"], r["kind"], r["state"]) for r in rows)
    assert listed == [
        ("LANE1", "REDEEM", "SUCCEEDED"),
        ("LANE1", "REVERSE", "SUCCEEDED"),
        ("LANE2", "REVERSE", "SUCCEEDED"),
    ]
    # A request id neither till nor the store knows: bad input, nothing sent, no PIN used up.
    missing = b.run("reverse", "NOSUCHREQUEST1", "--reason", "x", stdin=PIN)
    assert missing.returncode == 2 and "NO_SUCH_REDEMPTION" in missing.stderr
    assert a.sim.state.total_requests() == sent


def test_redeem_of_a_code_another_till_redeemed_today_exits_2_and_again_overrides(
    two_tills: tuple[Terminal, Terminal],
) -> None:
    a, b = two_tills
    code = a.sim.demo.codes["multi"]
    status, _ = a.json("redeem", code, "--operator", "alice")
    assert status == 0
    _push(a)
    sent = a.sim.state.total_requests()
    warned = b.run("redeem", code)
    assert warned.returncode == 2, warned.stdout + warned.stderr
    assert "已在 LANE1 核销" in warned.stderr and "--again" in warned.stderr
    assert "Traceback" not in warned.stderr
    assert a.sim.state.total_requests() == sent  # nothing sent
    status, body = b.json("redeem", code, "--again")
    assert status == 0 and body["state"] == "SUCCEEDED", body
