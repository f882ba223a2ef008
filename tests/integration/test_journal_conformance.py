"""The journal conformance suite: the same tests against SQLite and the store database.

``journal`` is parametrized over both backends: a ``SqliteJournal`` on a temporary file, and a
``PostgresJournal`` on the throwaway cluster the suite starts (tests/pg_server.py; one database
per module, a fresh till id per test, so every test sees an empty journal of its own). SQLite-only
behaviour (file modes, WAL pragmas, the emptied file) stays in tests/unit/test_journal_sqlite.py.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from journal_helpers import (
    DAY,
    OTHER_DAY,
    AnyJournal,
    FakeClock,
    new_op,
    reach,
    redeemed,
)
from pg_server import PgServer

from pos_app.core.errors import (
    AlreadyInFlight,
    AlreadyRedeemedHere,
    InputInvalid,
    JournalError,
    NotReversible,
)
from pos_app.core.journal import TRANSITIONS, Operation, OpKind, OpState, Settle
from pos_app.journal.postgres import PostgresJournal
from pos_app.journal.sqlite import SqliteJournal

_tills = itertools.count(1)


@pytest.fixture(scope="module")
def store_db(pg_server: PgServer) -> Iterator[str]:
    name = pg_server.create_database()
    try:
        yield name
    finally:
        pg_server.drop_database(name)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["sqlite", "postgres"])
def journal(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> Iterator[AnyJournal]:
    j: AnyJournal
    if request.param == "sqlite":
        j = SqliteJournal(tmp_path / "journal" / "journal.sqlite3", clock=clock)
    else:
        server: PgServer = request.getfixturevalue("pg_server")
        database: str = request.getfixturevalue("store_db")
        till = f"T{next(_tills)}"
        j = PostgresJournal(server.conninfo(database), shop_id="S1", terminal_id=till, clock=clock)
    yield j
    j.close()


# --- add ------------------------------------------------------------------------------------------


def test_add_writes_pending_with_its_fields_and_history(
    journal: AnyJournal, clock: FakeClock
) -> None:
    op = journal.add(new_op(code="987654321098", request_id="R1"))
    assert op.state is OpState.PENDING
    assert (op.request_id, op.code, op.quantity, op.shop_id) == ("R1", "987654321098", 1, "S1")
    assert op.payload == {"ticket_code": "987654321098", "quantity": "1"}
    assert op.created_at == clock.now and op.created_at.tzinfo is not None
    assert op.attempts == 0 and op.reversed_by is None and op.amount is None
    assert [(c.state, c.note) for c in journal.history(op.id)] == [(OpState.PENDING, "added")]
    assert journal.get(op.id) == op


def test_add_refuses_empty_request_id_and_code(journal: AnyJournal) -> None:
    with pytest.raises(InputInvalid):
        journal.add(dataclasses.replace(new_op(), request_id=""))
    with pytest.raises(InputInvalid):
        journal.add(new_op(code=""))
    assert journal.day_count(DAY) == 0


@pytest.mark.parametrize("open_state", [OpState.PENDING, OpState.UNKNOWN])
def test_redeem_of_a_code_in_flight_is_refused(journal: AnyJournal, open_state: OpState) -> None:
    first = reach(journal, open_state, "555555555555")
    with pytest.raises(AlreadyInFlight) as refused:
        journal.add(new_op(code="555555555555"))
    assert str(first.id) in refused.value.detail
    assert len(journal.by_code("555555555555")) == 1
    journal.add(new_op(code="555555555556"))  # another code is fine


def test_redeem_again_after_a_failure(journal: AnyJournal) -> None:
    reach(journal, OpState.FAILED, "555555555555")
    again = journal.add(new_op(code="555555555555"))
    assert again.state is OpState.PENDING


@pytest.mark.parametrize("done_state", [OpState.SUCCEEDED, OpState.REVIEW])
def test_redeemed_here_is_refused_in_the_insert_unless_again(
    journal: AnyJournal, done_state: OpState
) -> None:
    first = reach(journal, done_state, "555555555555")
    with pytest.raises(AlreadyRedeemedHere) as refused:
        journal.add(new_op(code="555555555555"))
    assert refused.value.previous.id == first.id
    assert len(journal.by_code("555555555555")) == 1  # nothing written
    again = journal.add(new_op(code="555555555555", again=True))
    assert again.state is OpState.PENDING


def test_open_sync_does_not_block_a_redemption(journal: AnyJournal) -> None:
    journal.add(new_op(OpKind.SYNC, "555555555555"))
    journal.add(new_op(code="555555555555"))


def test_duplicate_request_id_is_refused_per_kind(journal: AnyJournal) -> None:
    journal.add(new_op(code="100000000001", request_id="SAME"))
    with pytest.raises(JournalError):
        journal.add(new_op(code="100000000002", request_id="SAME"))
    journal.add(new_op(OpKind.SYNC, "100000000003", request_id="SAME"))  # other kind: fine
    assert [o.kind for o in journal.by_request_id("SAME")] == [OpKind.REDEEM, OpKind.SYNC]
    assert [o.code for o in journal.by_request_id("SAME", OpKind.SYNC)] == ["100000000003"]


# --- settle and transitions -----------------------------------------------------------------------


@pytest.mark.parametrize(("start", "target"), list(itertools.product(OpState, OpState)))
def test_every_transition_is_allowed_or_refused(
    journal: AnyJournal, start: OpState, target: OpState
) -> None:
    op = reach(journal, start)
    before_history = journal.history(op.id)
    if target in TRANSITIONS[start]:
        moved = journal.settle(op.id, Settle(target))
        assert moved.state is target
        assert moved.attempts == op.attempts + 1
        assert journal.history(op.id)[-1].state is target
    else:
        with pytest.raises(JournalError):
            journal.settle(op.id, Settle(target))
        assert journal.get(op.id) == op
        assert journal.history(op.id) == before_history


def test_settle_of_a_missing_row_is_a_journal_error(journal: AnyJournal) -> None:
    with pytest.raises(JournalError):
        journal.settle(999, Settle(OpState.SUCCEEDED))


def test_settle_fills_fields_counts_attempts_and_records_history(
    journal: AnyJournal, clock: FakeClock
) -> None:
    op = journal.add(new_op(code="123123123123"))
    retry_at = clock.now + timedelta(seconds=30)
    clock.advance(seconds=5)
    unknown = journal.settle(
        op.id,
        Settle(OpState.UNKNOWN, "TIMEOUT", "timed out", next_retry_at=retry_at, note="try 1"),
    )
    assert (unknown.attempts, unknown.error_code, unknown.next_retry_at) == (1, "TIMEOUT", retry_at)
    assert unknown.updated_at == clock.now and unknown.created_at == op.created_at
    clock.advance(seconds=30)
    done = journal.settle(
        op.id,
        Settle(
            OpState.SUCCEEDED,
            result={"order_no": "O1", "item_name": "双人套餐"},
            order_no="O1",
            item_name="双人套餐",
            amount=Decimal("88.80"),
        ),
    )
    assert done.attempts == 2 and done.next_retry_at is None and done.error_code == ""
    assert (done.order_no, done.item_name, done.amount) == ("O1", "双人套餐", Decimal("88.80"))
    assert done.result == {"order_no": "O1", "item_name": "双人套餐"}
    changes = journal.history(op.id)
    assert [(c.state, c.error_code, c.note) for c in changes] == [
        (OpState.PENDING, "", "added"),
        (OpState.UNKNOWN, "TIMEOUT", "try 1"),
        (OpState.SUCCEEDED, "", ""),
    ]
    assert changes[-1].at == clock.now


def test_settle_keeps_known_fields_when_not_given(journal: AnyJournal) -> None:
    op = journal.add(new_op(code="123123123124", order_no="KEEP"))
    done = journal.settle(op.id, Settle(OpState.FAILED, "TICKET_STATUS_ILLEGAL"))
    assert done.order_no == "KEEP" and done.result == {} and done.amount is None


# --- reversals ------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [OpState.PENDING, OpState.UNKNOWN, OpState.FAILED])
def test_reversal_of_an_unfinished_redemption_is_refused(
    journal: AnyJournal, state: OpState
) -> None:
    parent = reach(journal, state)
    with pytest.raises(NotReversible):
        journal.add(new_op(OpKind.REVERSE, parent.code, parent_id=parent.id))
    assert journal.by_code(parent.code) == [journal.get(parent.id)]


def test_reversal_needs_a_redemption_parent(journal: AnyJournal) -> None:
    sync = journal.add(new_op(OpKind.SYNC, "777777777777"))
    journal.settle(sync.id, Settle(OpState.SUCCEEDED))
    for parent_id in (None, 12345, sync.id):
        with pytest.raises(NotReversible):
            journal.add(new_op(OpKind.REVERSE, "777777777777", parent_id=parent_id))
    parent = redeemed(journal, "777777777778")
    with pytest.raises(NotReversible):  # the code must be the redemption's
        journal.add(new_op(OpKind.REVERSE, "777777777779", parent_id=parent.id))


def test_one_live_reversal_per_redemption(journal: AnyJournal) -> None:
    parent = redeemed(journal, "888888888888")
    first = journal.add(new_op(OpKind.REVERSE, parent.code, parent_id=parent.id))
    assert journal.get(parent.id).reversed_by == first.id  # type: ignore[union-attr]
    with pytest.raises(NotReversible):  # while the first is open
        journal.add(new_op(OpKind.REVERSE, parent.code, parent_id=parent.id))
    journal.settle(first.id, Settle(OpState.FAILED, "USE_BIZ_ORDER_NOT_EXIST"))
    assert journal.get(parent.id).reversed_by is None  # type: ignore[union-attr]
    second = journal.add(new_op(OpKind.REVERSE, parent.code, parent_id=parent.id))
    journal.settle(second.id, Settle(OpState.UNKNOWN, "TIMEOUT"))
    journal.settle(second.id, Settle(OpState.SUCCEEDED))
    assert journal.get(parent.id).reversed_by == second.id  # type: ignore[union-attr]
    with pytest.raises(NotReversible):  # already reversed
        journal.add(new_op(OpKind.REVERSE, parent.code, parent_id=parent.id))


def test_reversible_lists_succeeded_unreversed_redemptions_newest_first(
    journal: AnyJournal, clock: FakeClock
) -> None:
    a = redeemed(journal, "100000000001")
    b = redeemed(journal, "100000000002")
    c = redeemed(journal, "100000000003")
    reach(journal, OpState.FAILED, "100000000004")
    reach(journal, OpState.UNKNOWN, "100000000005")
    rev = journal.add(new_op(OpKind.REVERSE, b.code, parent_id=b.id))
    clock.advance(days=1)
    d = redeemed(journal, "100000000006")
    assert [o.id for o in journal.reversible()] == [d.id, c.id, a.id]
    assert [o.id for o in journal.reversible(day=DAY)] == [c.id, a.id]
    assert [o.id for o in journal.reversible(limit=1)] == [d.id]
    journal.settle(rev.id, Settle(OpState.FAILED))
    assert [o.id for o in journal.reversible(day=DAY)] == [c.id, b.id, a.id]


def test_reversible_search_matches_like_the_days_records(journal: AnyJournal) -> None:
    a = redeemed(journal, "100000000021")
    b = redeemed(journal, "100000000022")
    reach(journal, OpState.FAILED, "100000000023")  # matches the tail but is not reversible
    assert [o.id for o in journal.reversible(search="0022")] == [b.id]  # code tail
    assert [o.id for o in journal.reversible(search=" 100000000021 ")] == [a.id]  # whole code
    assert [o.id for o in journal.reversible(search="ORD100000000022")] == [b.id]  # order no
    assert [o.id for o in journal.reversible(search=a.request_id)] == [a.id]  # request id
    assert journal.reversible(search="0023") == []
    assert journal.reversible(search="1000") == []  # a code's head is not its tail
    assert [o.id for o in journal.reversible(search="")] == [b.id, a.id]


# --- queries --------------------------------------------------------------------------------------


def test_by_code_newest_first_with_limit(journal: AnyJournal) -> None:
    ops = [reach(journal, OpState.FAILED, "121212121212") for _ in range(3)]
    reach(journal, OpState.FAILED, "999999999999")
    assert [o.id for o in journal.by_code("121212121212")] == [o.id for o in reversed(ops)]
    assert [o.id for o in journal.by_code("121212121212", limit=2)] == [ops[2].id, ops[1].id]
    assert journal.by_code("000000000000") == []


def test_open_operations_oldest_first_and_due(journal: AnyJournal, clock: FakeClock) -> None:
    pending = journal.add(new_op(code="100000000001"))
    later = journal.add(new_op(code="100000000002"))
    journal.settle(
        later.id, Settle(OpState.UNKNOWN, next_retry_at=clock.now + timedelta(minutes=5))
    )
    soon = journal.add(new_op(code="100000000003"))
    journal.settle(soon.id, Settle(OpState.UNKNOWN, next_retry_at=clock.now + timedelta(seconds=1)))
    redeemed(journal, "100000000004")
    all_open = journal.open_operations()
    assert [o.id for o in all_open] == [pending.id, later.id, soon.id]
    due = journal.open_operations(due_before=clock.now + timedelta(seconds=2))
    assert [o.id for o in due] == [pending.id, soon.id]


def _fill_day(journal: AnyJournal, clock: FakeClock) -> list[Operation]:
    """Fifteen rows on DAY (states vary), then two on the next day (one has the tail 0012)."""
    rows: list[Operation] = []
    for i in range(15):
        code = f"6000000{i:05d}"
        op = journal.add(new_op(code=code, order_no=f"ORD{i:04d}"))
        if i % 5 == 4:
            op = journal.settle(op.id, Settle(OpState.FAILED, "TICKET_CODE_NOT_EXIST"))
        elif i % 5 != 3:
            op = journal.settle(op.id, Settle(OpState.SUCCEEDED, amount=Decimal("1.00")))
        rows.append(op)
        clock.advance(minutes=1)
    clock.advance(days=1)
    for i in range(2):
        journal.add(new_op(code=f"70000000001{i + 2}", order_no=f"ORD{i:04d}"))
    return rows


def test_day_page_pages_newest_first(journal: AnyJournal, clock: FakeClock) -> None:
    rows = _fill_day(journal, clock)
    pages = [journal.day_page(DAY, offset=off, limit=4) for off in range(0, 16, 4)]
    assert [len(p) for p in pages] == [4, 4, 4, 3]
    assert [o.id for p in pages for o in p] == [o.id for o in reversed(rows)]
    assert journal.day_count(DAY) == 15
    assert journal.day_count(OTHER_DAY) == 2
    assert journal.day_page(date(2024, 1, 1)) == []


def test_day_page_search(journal: AnyJournal, clock: FakeClock) -> None:
    rows = _fill_day(journal, clock)
    twelve = rows[12]  # code 600000000012
    assert [o.id for o in journal.day_page(DAY, search="0012")] == [twelve.id]
    assert [o.id for o in journal.day_page(DAY, search=" 600000000012 ")] == [twelve.id]
    assert [o.id for o in journal.day_page(DAY, search="12")] == [twelve.id]
    assert journal.day_page(DAY, search="6000") == []  # a code's head is not its tail
    assert [o.id for o in journal.day_page(DAY, search="ORD0007")] == [rows[7].id]
    assert len(journal.day_page(DAY, search="ORD001")) == 5  # order number prefix: 10..14
    assert [o.id for o in journal.day_page(DAY, search=twelve.request_id)] == [twelve.id]
    assert journal.day_count(DAY, search="ORD001") == 5
    assert [o.code for o in journal.day_page(OTHER_DAY, search="0012")] == ["700000000012"]


def test_day_page_filters(journal: AnyJournal, clock: FakeClock) -> None:
    rows = _fill_day(journal, clock)
    failed = journal.day_page(DAY, states=frozenset({OpState.FAILED}))
    assert [o.id for o in failed] == [rows[14].id, rows[9].id, rows[4].id]
    both = frozenset({OpState.FAILED, OpState.PENDING})
    assert journal.day_count(DAY, states=both) == 6
    assert journal.day_page(DAY, kinds=frozenset({OpKind.REVERSE})) == []
    assert len(journal.day_page(DAY, kinds=frozenset({OpKind.REDEEM}))) == 15
    assert journal.day_page(DAY, states=frozenset()) == []
    assert journal.day_count(DAY, search="ORD001", states=frozenset({OpState.FAILED})) == 1


def test_totals_with_a_reversed_row(journal: AnyJournal, clock: FakeClock) -> None:
    a = redeemed(journal, "100000000001", "10.10", quantity=2)
    redeemed(journal, "100000000002", "20.20", quantity=1)
    c = redeemed(journal, "100000000003", "30.30", quantity=3)
    reach(journal, OpState.FAILED, "100000000004")
    reach(journal, OpState.UNKNOWN, "100000000005")
    rev = journal.add(new_op(OpKind.REVERSE, c.code, parent_id=c.id))
    open_rev = journal.add(new_op(OpKind.REVERSE, a.code, parent_id=a.id))
    totals = journal.totals(DAY)
    # both reversals still open: nothing is reversed yet
    assert (totals.redeemed_count, totals.redeemed_quantity) == (3, 6)
    assert totals.redeemed_amount == Decimal("60.60")
    assert (totals.reversed_count, totals.failed_count, totals.open_count) == (0, 1, 3)
    journal.settle(rev.id, Settle(OpState.SUCCEEDED))
    journal.settle(open_rev.id, Settle(OpState.FAILED))
    clock.advance(days=1)
    redeemed(journal, "100000000009", "99.00")
    totals = journal.totals(DAY)
    assert (totals.day, totals.redeemed_count, totals.redeemed_quantity) == (DAY, 2, 3)
    assert totals.redeemed_amount == Decimal("30.30")
    assert (totals.reversed_count, totals.failed_count, totals.open_count) == (1, 2, 1)
    assert journal.totals(OTHER_DAY).redeemed_amount == Decimal("99.00")


def test_threads_share_one_journal(journal: AnyJournal) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                op = journal.add(new_op(code=f"{n:06d}{i:06d}"))
                journal.settle(op.id, Settle(OpState.SUCCEEDED))
                journal.day_page(DAY, limit=5)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert journal.day_count(DAY, states=frozenset({OpState.SUCCEEDED})) == 80


def test_rows_keep_their_cashier_and_the_day_filters_by_cashier(journal: AnyJournal) -> None:
    mine = journal.add(dataclasses.replace(new_op(code="100000000001"), cashier="小李"))
    journal.add(dataclasses.replace(new_op(code="100000000002"), cashier="小王"))
    journal.add(new_op(code="100000000003"))  # nobody signed in
    assert journal.get(mine.id) is not None
    assert journal.get(mine.id).cashier == "小李"  # type: ignore[union-attr]
    assert [op.cashier for op in journal.day_page(DAY, cashier="小李")] == ["小李"]
    assert journal.day_count(DAY, cashier="小王") == 1
    assert journal.day_count(DAY, cashier="") == 1
    assert journal.day_count(DAY) == 3
