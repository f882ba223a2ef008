"""Cross-till features on the real store database (tests/pg_server.py) and the simulator.

Two tills (each its own home, SQLite journal, Runtime and background Replicator) share one
PostgreSQL database and one gateway simulator, as two lanes of a shop do:

* a manager at till B reverses a redemption made at till A (found in the store database); a second
  reversal from A, or from B again, settles as already done; the simulator saw one cancel;
* two managers reversing the same redemption at once from two tills: one cancel takes effect,
  and the store's totals count the redemption reversed once;
* a till never starts two live reversals of one remote redemption;
* the cross-till re-scan warning, with the "redeem again" escape, and redeeming as usual when the
  store database does not answer;
* a settled row wakes the replicator (the store sees it long before the next poll).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pg_server import PgServer
from store_helpers import close_tills, open_till, wait_for

from pos_app import runtime as runtime_module
from pos_app.config.home import AppHome
from pos_app.core.errors import AlreadyRedeemedHere, NotReversible, RedeemedElsewhere
from pos_app.core.journal import NewOperation, Operation, OpKind, OpState
from pos_app.journal.postgres import PostgresJournal
from pos_app.journal.sqlite import SqliteJournal
from pos_app.runtime import Runtime
from pos_app.sandbox import Fault, Simulator


@pytest.fixture
def tills(
    tmp_path: Path,
    pg_server: PgServer,
    pg_database: str,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Runtime, Runtime]]:
    monkeypatch.setenv("PGPASSWORD", pg_server.password)  # as the keyring's store-db-password
    url = pg_server.url(pg_database)
    a, b = (
        open_till(tmp_path, "LANE1", url, simulator),
        open_till(tmp_path, "LANE2", url, simulator),
    )
    try:
        yield a, b
    finally:
        close_tills(a, b)


def _in_store(till: Runtime, request_id: str, **expect: object) -> Operation | None:
    """The store's row of ``request_id`` once replication brought it there as expected."""

    def found() -> Operation | None:
        with till.store_journal() as store:
            row = store.find_redemption(request_id)
        if row is None or any(getattr(row, k) != v for k, v in expect.items()):
            return None
        return row

    return wait_for(found)


def _reversed_in_store(till: Runtime, request_id: str) -> bool:
    return _in_store(till, request_id, state=OpState.SUCCEEDED) is not None and bool(
        wait_for(lambda: (row := _in_store(till, request_id)) and row.reversed_by is not None)
    )


def _today() -> date:
    return date.today()


def test_a_manager_reverses_another_tills_redemption_and_repeats_settle_as_done(
    tills: tuple[Runtime, Runtime], simulator: Simulator
) -> None:
    a, b = tills
    code = simulator.demo.codes["single"]
    before = simulator.state.remaining(code)
    redeemed = a.service.redeem(code, operator="alice").operation
    assert redeemed.state is OpState.SUCCEEDED
    assert _in_store(b, redeemed.request_id, state=OpState.SUCCEEDED)

    reversal = b.service.reverse_request(redeemed.request_id, reason="顾客退单", manager="王店长")
    assert reversal.state is OpState.SUCCEEDED, reversal.error_code
    row = reversal.operation
    assert (row.kind, row.parent_id, row.terminal) == (OpKind.REVERSE, None, "LANE2")
    assert row.payload["request_id"] == row.payload["request_biz_no"] == redeemed.request_id
    assert b.journal.by_request_id(redeemed.request_id) == []  # no copy of A's redemption at B
    assert simulator.state.remaining(code) == before
    # Replication links B's reversal to A's redemption: the store counts it reversed, once.
    assert _reversed_in_store(a, redeemed.request_id)
    with a.store_journal() as store:
        totals = store.shop_totals(_today())
        assert (totals.redeemed_count, totals.reversed_count) == (0, 1)
        assert store.shop_reversible() == []

    # A (which has the redemption, not B's reversal) reverses too: the same request → done.
    again_a = a.service.reverse(redeemed.id, reason="再撤一次", manager="李店长")
    assert again_a.state is OpState.SUCCEEDED
    sent = simulator.state.total_requests()
    # B again: its own reversal already succeeded — answered "already reversed", nothing sent.
    again_b = b.service.reverse_request(redeemed.request_id, reason="再撤", manager="王店长")
    assert again_b.state is OpState.SUCCEEDED and again_b.error_code == "ALREADY_REVERSED"
    assert again_b.operation.id == row.id
    assert simulator.state.total_requests() == sent
    assert len(simulator.state.cancels_for(code)) == 1  # one effective cancel
    assert simulator.state.remaining(code) == before
    assert len(b.journal.by_code(code)) == 1  # still the one reversal at B
    wait_for(lambda: a.replicator and a.replicator.status().pending == 0)
    with a.store_journal() as store:
        totals = store.shop_totals(_today())
        assert (totals.redeemed_count, totals.reversed_count) == (0, 1)


def test_two_managers_reversing_at_once_from_two_tills_one_cancel_takes_effect(
    tills: tuple[Runtime, Runtime], simulator: Simulator
) -> None:
    a, b = tills
    code = simulator.demo.codes["multi"]
    before = simulator.state.remaining(code)
    redeemed = a.service.redeem(code, 2).operation
    remote = _in_store(b, redeemed.request_id, state=OpState.SUCCEEDED)
    assert remote is not None
    start = threading.Barrier(2)
    outcomes: dict[str, Any] = {}

    def at(name: str, reverse: Callable[[], Any]) -> None:
        start.wait()
        outcomes[name] = reverse()

    threads = [
        threading.Thread(
            target=at, args=("A", lambda: a.service.reverse(redeemed.id, reason="x", manager="m1"))
        ),
        threading.Thread(
            target=at,
            args=("B", lambda: b.service.reverse_remote(remote, reason="y", manager="m2")),
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert {k: o.state for k, o in outcomes.items()} == {
        "A": OpState.SUCCEEDED,
        "B": OpState.SUCCEEDED,
    }
    assert len(simulator.state.cancels_for(code)) == 1
    assert simulator.state.remaining(code) == before  # 2 uses back, not 4
    assert _reversed_in_store(a, redeemed.request_id)
    wait_for(lambda: all(t.replicator and t.replicator.status().pending == 0 for t in (a, b)))
    with a.store_journal() as store:
        totals = store.shop_totals(_today())
        assert (totals.redeemed_count, totals.redeemed_quantity, totals.reversed_count) == (
            0,
            0,
            1,
        )


def test_a_till_keeps_one_live_reversal_of_a_remote_redemption(
    tills: tuple[Runtime, Runtime], simulator: Simulator
) -> None:
    a, b = tills
    code = simulator.demo.codes["single"]
    redeemed = a.service.redeem(code).operation
    remote = _in_store(b, redeemed.request_id, state=OpState.SUCCEEDED)
    assert remote is not None
    simulator.faults.add(Fault("drop_response", api="cancel", times=1))
    first = b.service.reverse_remote(remote, reason="x", manager="m")
    assert first.state is OpState.UNKNOWN
    sent = simulator.state.total_requests()
    second = b.service.reverse_remote(remote, reason="x", manager="m")  # still open: as it stands
    assert (second.operation.id, second.state) == (first.operation.id, OpState.UNKNOWN)
    assert simulator.state.total_requests() == sent
    # The journal itself refuses a second live one (e.g. from another process on this file).
    with pytest.raises(NotReversible):
        b.journal.add(
            NewOperation(
                kind=OpKind.REVERSE, request_id="V2", code=code, code_type=remote.code_type,
                quantity=1, payload=dict(first.operation.payload),
                parent_request_id=redeemed.request_id,
            )
        )  # fmt: skip
    (settled,) = b.service.recover()
    assert settled.state is OpState.SUCCEEDED and settled.operation.id == first.operation.id
    assert len(simulator.state.cancels_for(code)) == 1


def test_rescan_at_another_till_warns_before_sending_and_again_overrides(
    tills: tuple[Runtime, Runtime], simulator: Simulator
) -> None:
    a, b = tills
    code = simulator.demo.codes["multi"]
    redeemed = a.service.redeem(code, operator="alice").operation
    assert _in_store(b, redeemed.request_id, state=OpState.SUCCEEDED)
    sent = simulator.state.total_requests()
    with pytest.raises(RedeemedElsewhere) as warned:
        b.service.redeem(code, operator="bob")
    previous = warned.value.previous
    assert (previous.terminal, previous.operator) == ("LANE1", "alice")
    assert warned.value.code == "REDEEMED_ELSEWHERE"
    hhmm = redeemed.created_at.astimezone().strftime("%H:%M")
    assert f"{hhmm} 已在 LANE1 核销" in warned.value.zh and "LANE1" in warned.value.en
    assert simulator.state.total_requests() == sent  # nothing sent
    assert b.journal.by_code(code) == []  # nothing journaled
    # A's own re-scan is the same-till warning as before (its own rows are not "elsewhere").
    with pytest.raises(AlreadyRedeemedHere) as here:
        a.service.redeem(code)
    assert not isinstance(here.value, RedeemedElsewhere)
    again = b.service.redeem(code, operator="bob", again=True)  # a multi-use card's next use
    assert again.state is OpState.SUCCEEDED


def test_redeeming_goes_on_at_once_when_the_store_database_does_not_answer(
    tmp_path: Path, simulator: Simulator
) -> None:
    # A "server" that accepts connections and never says a word: connecting would hang for the
    # whole connect timeout (3 s); the re-scan check gives up within a fraction of a second.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"postgresql://pos@127.0.0.1:{silent.getsockname()[1]}/pos"
        till = open_till(tmp_path, "LANE1", url, simulator)
        try:
            code = simulator.demo.codes["single"]
            started = time.monotonic()
            outcome = till.service.redeem(code)
            elapsed = time.monotonic() - started
            assert outcome.state is OpState.SUCCEEDED
            assert elapsed < 1.5, elapsed  # the reader's deadline is 0.5 s, the connect 3 s
            # Now the store is known to be away: the next redemption does not even try.
            started = time.monotonic()
            assert till.service.redeem(simulator.demo.codes["multi"]).state is OpState.SUCCEEDED
            assert time.monotonic() - started < 1.0
        finally:
            close_tills(till)


def test_a_settled_row_wakes_the_replicator(
    tmp_path: Path,
    pg_server: PgServer,
    pg_database: str,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PGPASSWORD", pg_server.password)
    monkeypatch.setattr(runtime_module, "STORE_POLL_S", 120.0)  # the poll alone would be late
    # One audit entry waiting, so the replicator's first push (at its start) is seen to happen.
    with SqliteJournal(AppHome(tmp_path / "LANE1").journal_path("training")) as journal:
        journal.audit("manager", "settings", "before start")
    till = open_till(tmp_path, "LANE1", pg_server.url(pg_database), simulator)
    try:
        assert wait_for(lambda: till.replicator and till.replicator.reachable, 10)
        assert till.replicator is not None and till.replicator.status().pending == 0
        redeemed = till.service.redeem(simulator.demo.codes["single"]).operation
        with PostgresJournal(pg_server.conninfo(pg_database), shop_id=redeemed.shop_id,
                             terminal_id="X") as store:  # fmt: skip
            row = wait_for(lambda: store.find_redemption(redeemed.request_id), 10)
            assert row is not None and row.state is OpState.SUCCEEDED
    finally:
        close_tills(till)
