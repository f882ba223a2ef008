"""`pos-app` as a shop's support script would run it: real subprocesses, real keyring, real HTTP.

The terminal runs in *production* mode against a simulator on loopback (the simulator is in this
test process), with its keys imported into the OS keyring through `pos-app keys import`, so the
production path — settings, keyring, signing, journal — is the one exercised. The crash tests kill
the app between send and settle and check that `pos-app recover` settles without a second
redemption.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pos_app.sandbox import Fault, Simulator

pytestmark = pytest.mark.keyring


@dataclass
class Terminal:
    home: Path
    env: dict[str, str]
    sim: Simulator

    def run(
        self, *args: str, stdin: str = "", timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pos_app", "--home", str(self.home), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=timeout,
            check=False,
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "pos_app", "--home", str(self.home), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env,
        )

    def json(self, *args: str, stdin: str = "") -> tuple[int, dict[str, object]]:
        done = self.run(*args, "--json", stdin=stdin)
        lines = [ln for ln in done.stdout.splitlines() if ln.strip()]
        assert lines, done.stderr
        return done.returncode, json.loads(lines[-1])


def _keyring_available() -> bool:
    try:
        import keyring
        from keyring.backends import fail

        return not isinstance(keyring.get_keyring(), fail.Keyring)
    except Exception:
        return False


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    if not _keyring_available():
        if os.environ.get("CI"):
            pytest.fail("CI must provide a Secret Service (make test runs gnome-keyring)")
        pytest.skip("no OS keyring here; run under make test")
    sim = Simulator.start(host="127.0.0.1", port=0, data_dir=None)
    service = f"pos_app_test_{uuid.uuid4().hex[:8]}"
    env = dict(os.environ, POS_APP_KEYRING_SERVICE=service, PYTHONUNBUFFERED="1")
    env.pop("POS_APP_HOME", None)
    term = Terminal(tmp_path / "home", env, sim)
    demo = sim.demo
    for key, value in [
        ("mode", "production"),
        ("alipay.gateway", sim.alipay_url),
        ("alipay.app_id", demo.app_id),
        ("top.gateway", sim.top_url),
        ("top.app_key", demo.top_app_key),
        ("shop.id", demo.shop_id),
        ("network.timeout_s", "3"),
    ]:
        done = term.run("settings", "set", key, value)
        assert done.returncode == 0, done.stderr
    for name, value in [
        ("alipay-private-key", demo.app_private_key_b64),
        ("alipay-public-key", demo.alipay_public_key_b64),
        ("top-app-secret", demo.top_app_secret),
        ("top-session", demo.top_session),
    ]:
        done = term.run("keys", "import", name, "-", stdin=value)
        assert done.returncode == 0, done.stderr
    done = term.run("manager", "set-pin", stdin="2468\n")
    assert done.returncode == 0, done.stderr
    try:
        yield term
    finally:
        sim.stop()
        import keyring

        for name in (
            "alipay-private-key",
            "alipay-public-key",
            "top-app-secret",
            "top-session",
            "manager-pin",
        ):
            for suffix in ["", *[f"#{i}" for i in range(1, 10)]]:
                with contextlib.suppress(Exception):  # best-effort clean-up of test entries
                    keyring.delete_password(service, name + suffix)


def test_keys_status_names_the_backend_and_never_prints_values(terminal: Terminal) -> None:
    done = terminal.run("keys", "status")
    assert done.returncode == 0
    assert "SecretService" in done.stdout or "keyring" in done.stdout
    assert "alipay-private-key: present" in done.stdout
    assert "app-auth-token: missing" in done.stdout
    assert terminal.sim.demo.top_app_secret not in done.stdout + done.stderr
    assert terminal.sim.demo.app_private_key_b64[:40] not in done.stdout + done.stderr


def test_redeem_reverse_and_journal_over_the_production_path(terminal: Terminal) -> None:
    code = terminal.sim.demo.codes["multi"]
    done = terminal.run("redeem", code, "--quantity", "2", "--json")
    status, body = done.returncode, json.loads(done.stdout.splitlines()[-1])
    assert status == 0, body
    assert body["state"] == "SUCCEEDED"
    assert body["code"] != code and str(body["code"]).endswith(code[-4:])  # masked
    assert code not in done.stdout + done.stderr  # nor echoed in full in the gateway's answer
    assert body["result"]["ticket_code"] == body["code"]  # type: ignore[index]
    request_id = str(body["request_id"])
    status, body = terminal.json("reverse", request_id, "--reason", "顾客退单", stdin="2468\n")
    assert status == 0, body
    assert body["state"] == "SUCCEEDED" and body["kind"] == "REVERSE"
    listing = json.loads(terminal.run("journal", "--json").stdout)
    kinds = sorted((r["kind"], r["state"]) for r in listing)
    assert kinds == [("REDEEM", "SUCCEEDED"), ("REVERSE", "SUCCEEDED")]
    # the log file holds no code in full and no secret
    log = (terminal.home / "logs" / "pos_app.log").read_text(encoding="utf-8")
    assert code not in log
    assert terminal.sim.demo.top_app_secret not in log


def test_wrong_pin_is_refused_with_exit_4_and_nothing_is_sent(terminal: Terminal) -> None:
    code = terminal.sim.demo.codes["single"]
    status, body = terminal.json("redeem", code)
    assert status == 0
    request_id = str(body["request_id"])
    status, body = terminal.json("reverse", request_id, "--reason", "x", stdin="1111\n")
    assert status == 4
    assert body["code"] == "PIN_WRONG"
    assert terminal.sim.state.cancels_for(code) == []


def test_reverse_with_order_no_for_an_external_code_redeemed_without_one(
    terminal: Terminal,
) -> None:
    """Seed 003: integrations after 2022-09-22 get no order_no in the redeem answer (the
    simulator's ``legacy_fields = False``); seed 001: cancelling an external code needs it."""
    terminal.sim.options.legacy_fields = False
    code = terminal.sim.demo.codes["external"]
    order_no = terminal.sim.demo.order_nos["external"]
    status, body = terminal.json("redeem", code)
    assert status == 0 and body["state"] == "SUCCEEDED" and body["order_no"] == ""
    request_id = str(body["request_id"])
    before = terminal.sim.state.total_requests()
    for extra, error in [((), "ORDER_NO_REQUIRED"), (("--order-no", "12-34!"), "ORDER_NO_FORMAT")]:
        status, body = terminal.json(
            "reverse", request_id, "--reason", "误核销", *extra, stdin="2468\n"
        )
        assert (status, body["code"]) == (2, error)
        assert "订单号" in str(body["message"]) and "order number" in str(body["message_en"])
    assert terminal.sim.state.total_requests() == before  # nothing sent
    status, body = terminal.json(
        "reverse", request_id, "--reason", "误核销", "--order-no", order_no, stdin="2468\n"
    )
    assert status == 0, body
    assert (body["kind"], body["state"], body["order_no"]) == ("REVERSE", "SUCCEEDED", order_no)
    assert terminal.sim.state.remaining(code) == 1
    assert terminal.sim.state.cancels_for(code)[0]["order_no"] == order_no


@pytest.mark.parametrize(
    "args",
    [
        ("redeem", "1234-5678-901", "--code-type", "internal"),
        ("redeem", "券码!@#"),
        ("redeem", "016569843362", "--quantity", "0"),
        ("redeem", "016569843362", "--quantity", "abc"),
        ("sync", "GAL358309629", "--remaining", "-1"),
        ("settings", "set", "network.timeout_s", "zero"),
        ("settings", "set", "no.such.key", "1"),
        ("keys", "import", "not-a-secret", "-"),
        ("keys", "import", "alipay-private-key", "/nonexistent/key.pem"),
        ("reverse", "NOSUCHREQUEST1", "--reason", "x"),
        ("journal", "--date", "2026-13-45"),
        ("redeem",),
    ],
)
def test_bad_input_exits_2_with_a_message_and_sends_nothing(
    terminal: Terminal, args: tuple[str, ...]
) -> None:
    before = terminal.sim.state.total_requests()
    done = terminal.run(*args, stdin="2468\n")
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.strip()
    assert "Traceback" not in done.stderr
    assert terminal.sim.state.total_requests() == before


def test_garbage_key_import_is_refused_specifically(terminal: Terminal) -> None:
    done = terminal.run("keys", "import", "alipay-private-key", "-", stdin="2468\nnot a key at all")
    assert done.returncode == 2
    assert "KEY_INVALID" in done.stderr


def test_unknown_outcome_exits_3_and_recover_settles_it(terminal: Terminal) -> None:
    code = terminal.sim.demo.codes["single"]
    terminal.sim.faults.add(Fault("drop_response", api="redeem", times=1))
    status, body = terminal.json("redeem", code)
    assert status == 3 and body["state"] == "UNKNOWN"
    assert terminal.run("recover", "--json").returncode == 0
    listing = json.loads(terminal.run("journal", "--json").stdout)
    assert [r["state"] for r in listing] == ["SUCCEEDED"]
    assert len(terminal.sim.state.redemptions_for(code)) == 1


def _wait_for(predicate, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def test_crash_between_send_and_settle_is_recovered_exactly_once(terminal: Terminal) -> None:
    code = terminal.sim.demo.codes["single"]
    # the gateway commits, then holds its answer: the app is killed while waiting for it
    terminal.sim.faults.add(Fault("delay", api="redeem", times=1, delay_s=30))
    proc = terminal.start("redeem", code)
    _wait_for(lambda: len(terminal.sim.state.redemptions_for(code)) == 1)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    listing = json.loads(terminal.run("journal", "--json").stdout)
    assert [r["state"] for r in listing] == ["PENDING"]
    terminal.sim.faults.clear()
    done = terminal.run("recover", "--json")
    assert done.returncode == 0, done.stderr
    listing = json.loads(terminal.run("journal", "--json").stdout)
    assert [r["state"] for r in listing] == ["SUCCEEDED"]
    assert len(terminal.sim.state.redemptions_for(code)) == 1


def test_crash_during_reversal_is_recovered_exactly_once(terminal: Terminal) -> None:
    code = terminal.sim.demo.codes["single"]
    status, body = terminal.json("redeem", code)
    assert status == 0
    terminal.sim.faults.add(Fault("delay", api="cancel", times=1, delay_s=30))
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "pos_app", "--home", str(terminal.home),
            "reverse", str(body["request_id"]), "--reason", "误操作",
        ],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=terminal.env,
    )  # fmt: skip
    assert proc.stdin is not None
    proc.stdin.write("2468\n")
    proc.stdin.close()
    _wait_for(lambda: len(terminal.sim.state.cancels_for(code)) == 1)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    terminal.sim.faults.clear()
    assert terminal.run("recover").returncode == 0
    listing = json.loads(terminal.run("journal", "--json").stdout)
    assert sorted((r["kind"], r["state"]) for r in listing) == [
        ("REDEEM", "SUCCEEDED"),
        ("REVERSE", "SUCCEEDED"),
    ]
    assert len(terminal.sim.state.cancels_for(code)) == 1


def test_two_processes_scanning_the_same_code_redeem_it_once(terminal: Terminal) -> None:
    code = terminal.sim.demo.codes["single"]
    terminal.sim.faults.add(Fault("delay", api="redeem", times=1, delay_s=2))
    procs = [terminal.start("redeem", code, "--json") for _ in range(2)]
    results = [p.communicate(timeout=60) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes == [0, 2], results  # one redeems, the other is told it is in flight / done
    assert len(terminal.sim.state.redemptions_for(code)) == 1


def test_short_pin_is_refused_and_the_old_pin_still_works(terminal: Terminal) -> None:
    done = terminal.run("manager", "set-pin", stdin="2468\n12\n")  # current PIN, then new
    assert done.returncode == 2
    assert "PIN_FORMAT" in done.stderr
    code = terminal.sim.demo.codes["single"]
    status, body = terminal.json("redeem", code)
    assert status == 0
    request_id = str(body["request_id"])
    status, body = terminal.json("reverse", request_id, "--reason", "x", stdin="2468\n")
    assert status == 0 and body["state"] == "SUCCEEDED"


def test_settings_show_and_doctor_on_a_production_terminal(terminal: Terminal) -> None:
    shown = terminal.run("settings", "show")
    assert shown.returncode == 0
    assert "mode = production" in shown.stdout
    assert f"top.gateway = {terminal.sim.top_url}" in shown.stdout
    doctor = terminal.run("doctor")
    assert doctor.returncode == 0, doctor.stdout
    assert "keys" in doctor.stdout and "present: alipay-private-key" in doctor.stdout
    assert "top gateway" in doctor.stdout and "HTTP" in doctor.stdout
    terminal.sim.stop()  # the gateway goes away: doctor says so and fails
    down = terminal.run("doctor")
    assert down.returncode == 2
    assert "FAIL" in down.stdout and "gateway" in down.stdout


def test_redeem_with_the_gateway_down_is_unknown_not_failed(terminal: Terminal) -> None:
    terminal.sim.stop()
    status, body = terminal.json("redeem", terminal.sim.demo.codes["single"])
    assert status == 3
    assert body["state"] == "UNKNOWN" and body["error_code"] == "CONNECTION_ERROR"


def _redeemed_by_another_till(sim: Simulator, code: str) -> None:
    """Another till (its own request id) redeems ``code`` at the gateway."""
    from pos_app.core.models import RedeemRequest
    from pos_app.gateways.top import TopClient

    demo = sim.demo
    other = TopClient(
        gateway_url=sim.top_url,
        app_key=demo.top_app_key,
        app_secret=demo.top_app_secret,
        session_key=demo.top_session,
    )
    with contextlib.closing(other):
        other.redeem(RedeemRequest("OTHERTILL0001", code, 1, demo.shop_id))


def test_a_review_item_exits_3_is_listed_and_a_manager_resolves_it(terminal: Terminal) -> None:
    code = terminal.sim.demo.codes["single"]
    terminal.sim.faults.add(Fault("http_500", api="redeem", times=1))
    status, body = terminal.json("redeem", code)
    assert (status, body["state"]) == (3, "UNKNOWN")
    request_id = str(body["request_id"])
    _redeemed_by_another_till(terminal.sim, code)
    done = terminal.run("recover", "--json")
    assert done.returncode == 3  # left in REVIEW: not settled
    assert [r["state"] for r in json.loads(done.stdout)] == ["REVIEW"]
    listing = json.loads(terminal.run("journal", "--state", "REVIEW", "--json").stdout)
    assert [(r["request_id"], r["state"]) for r in listing] == [(request_id, "REVIEW")]
    assert "需核对 1" in terminal.run("journal").stdout
    sent = terminal.sim.state.total_requests()
    for pin, expected in [("1111", 4), ("", 4)]:
        status, body = terminal.json(
            "review", request_id, "--resolve", "failed", "--reason", "未消费", stdin=f"{pin}\n"
        )
        assert status == expected and body["state"] == "REFUSED"
    status, body = terminal.json(
        "review", request_id, "--resolve", "failed", "--reason", "\u202e", stdin="2468\n"
    )
    assert (status, body["code"]) == (2, "TEXT_INVISIBLE")
    listing = json.loads(terminal.run("journal", "--state", "REVIEW", "--json").stdout)
    assert len(listing) == 1  # nothing changed by the refusals
    status, body = terminal.json(
        "review", request_id, "--resolve", "failed", "--reason", "顾客未消费", stdin="2468\n"
    )
    assert (status, body["state"]) == (0, "FAILED")
    assert terminal.sim.state.total_requests() == sent  # deciding sends nothing
    status, body = terminal.json(
        "review", request_id, "--resolve", "succeeded", "--reason", "x", stdin="2468\n"
    )
    assert status == 2  # no longer in review
    log = terminal.run("journal").stdout
    assert "review" in log and "顾客未消费" in log


def test_redeem_sends_the_ticket_id_for_a_third_party_code(terminal: Terminal) -> None:
    code = terminal.sim.demo.codes["third_party"]
    ticket_id = terminal.sim.demo.ticket_ids["third_party"]
    status, body = terminal.json("redeem", code, "--ticket-id", "T 1")
    assert (status, body["code"]) == (2, "FIELD_INVALID")  # refused before anything is sent
    status, body = terminal.json("redeem", code)  # the platform needs it for this code
    assert (status, body["state"], body["error_code"]) == (1, "FAILED", "INVALID_PARAMETER")
    status, body = terminal.json("redeem", code, "--ticket-id", ticket_id)
    assert (status, body["state"]) == (0, "SUCCEEDED"), body
    from pos_app.config.home import AppHome
    from pos_app.journal.sqlite import SqliteJournal

    with SqliteJournal(AppHome(terminal.home).journal_path("production")) as journal:
        row = journal.by_code(code)[0]
    assert row.payload["ticket_id"] == ticket_id  # a retry sends the identical request


def test_a_reversal_told_the_order_is_closed_exits_1_and_its_redemption_needs_review(
    terminal: Terminal,
) -> None:
    code = terminal.sim.demo.codes["single"]
    status, body = terminal.json("redeem", code)
    assert status == 0
    request_id = str(body["request_id"])
    terminal.sim.faults.add(Fault("order_closed", api="cancel", times=1))
    status, body = terminal.json("reverse", request_id, "--reason", "误核销", stdin="2468\n")
    assert (status, body["state"], body["error_code"]) == (1, "FAILED", "USE_BIZ_ORDER_CLOSE")
    assert "需核对" in str(body["message"])
    listing = json.loads(terminal.run("journal", "--state", "REVIEW", "--json").stdout)
    assert [(r["request_id"], r["kind"]) for r in listing] == [(request_id, "REDEEM")]


def test_journal_archive_moves_old_rows_and_journal_from_reads_them(terminal: Terminal) -> None:
    from journal_helpers import DAY, FakeClock, redeemed

    from pos_app.config.home import AppHome
    from pos_app.journal.sqlite import SqliteJournal

    clock = FakeClock()  # rows of an earlier day, journaled by this till
    with SqliteJournal(AppHome(str(terminal.home)).journal_path("production"), clock=clock) as j:
        old = redeemed(j, "111122223333", amount="8.80")
    archive = terminal.home.parent / "2024.sqlite3"
    before = DAY.replace(day=DAY.day + 1).isoformat()

    refused = terminal.run("journal", "archive", "--before", before, str(archive), stdin="0000\n")
    assert refused.returncode == 4 and not archive.exists()

    done = terminal.run("journal", "archive", "--before", before, str(archive), stdin="2468\n")
    assert done.returncode == 0, done.stderr
    assert "1" in done.stdout and str(archive) in done.stdout
    live = json.loads(terminal.run("journal", "--date", DAY.isoformat(), "--json").stdout)
    assert live == []
    listing = terminal.run("journal", "--from", str(archive), "--json")
    assert listing.returncode == 0, listing.stderr
    [row] = json.loads(listing.stdout)
    assert (row["request_id"], row["state"], row["amount"]) == (old.request_id, "SUCCEEDED", "8.80")
    text = terminal.run("journal", "--from", str(archive)).stdout
    assert f"合计 {DAY.isoformat()}: 核销 1 笔" in text
    audit = terminal.run("journal").stdout
    assert "journal-archive" in audit

    missing = terminal.run("journal", "--from", str(archive.with_name("none.sqlite3")))
    assert missing.returncode == 2
    assert "ARCHIVE_NOT_FOUND" in missing.stderr and "找不到这个归档文件" in missing.stderr
