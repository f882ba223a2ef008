"""How the SQLite undo log stores rows compactly and hands old ones to an archive (issue #13).

Packed ``payload``/``result`` columns, rows written before packing still read back, and
``SqliteJournal.archive``: which rows move, which stay, nothing lost on a rerun.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from journal_helpers import DAY, FakeClock, new_op, redeemed

from pos_app.core.errors import InputInvalid
from pos_app.core.journal import OpKind, OpState, Settle
from pos_app.journal.sqlite import SqliteJournal
from pos_app.journal.sqlite_rows import pack_fields, unpack_fields

RESULT = {
    "buyer_pay_amount": "45.00",
    "item_name": "双人下午茶套餐",
    "order_no": "20240601110400301000000001",
    "ticket_code": "123456789012",
    "use_shop_name": "烘培世家（演示一店）",
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def journal(tmp_path: Path, clock: FakeClock) -> Iterator[SqliteJournal]:
    with SqliteJournal(tmp_path / "journal.sqlite3", clock=clock) as j:
        yield j


def _raw(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.execute(sql, params))
    finally:
        conn.close()


# --- packed payload and result ------------------------------------------------------------------


def test_payload_and_result_are_stored_packed_and_read_back_exactly(
    journal: SqliteJournal,
) -> None:
    op = journal.add(new_op())
    journal.settle(op.id, Settle(OpState.SUCCEEDED, result=RESULT, order_no=RESULT["order_no"]))
    [(payload, result)] = _raw(journal.path, "SELECT payload, result FROM operations")
    assert isinstance(payload, bytes) and isinstance(result, bytes)
    as_json = json.dumps(RESULT, ensure_ascii=False, sort_keys=True).encode()
    assert len(result) < len(as_json) * 0.75  # the point of packing
    again = journal.get(op.id)
    assert again is not None
    assert again.result == RESULT and again.payload == op.payload


def test_rows_written_as_json_text_before_packing_still_read(journal: SqliteJournal) -> None:
    op = journal.add(new_op())
    conn = sqlite3.connect(journal.path)
    with conn:
        conn.execute(
            "UPDATE operations SET payload = ?, result = ? WHERE id = ?",
            ('{"quantity": "1", "ticket_code": "123456789012"}', json.dumps(RESULT), op.id),
        )
    conn.close()
    again = journal.get(op.id)
    assert again is not None
    assert again.payload == {"quantity": "1", "ticket_code": "123456789012"}
    assert again.result == RESULT


def test_an_unknown_packed_format_is_refused_not_guessed() -> None:
    assert unpack_fields(pack_fields({"a": "b"})) == {"a": "b"}
    with pytest.raises(ValueError, match="format"):
        unpack_fields(b"\x07garbage")


# --- archive --------------------------------------------------------------------------------------


def _ops_in(path: Path) -> list[tuple[object, ...]]:
    return _raw(path, "SELECT id, kind, state, local_day FROM operations ORDER BY id")


def test_archive_moves_settled_rows_before_the_date_with_their_history(
    journal: SqliteJournal, clock: FakeClock, tmp_path: Path
) -> None:
    old = redeemed(journal, "111111111111", amount="12.50")
    failed = journal.settle(journal.add(new_op(code="222222222222")).id, Settle(OpState.FAILED))
    still_open = journal.settle(
        journal.add(new_op(code="333333333333")).id, Settle(OpState.UNKNOWN)
    )
    clock.advance(days=1)
    today = redeemed(journal, "444444444444")
    into = tmp_path / "archive" / "2024.sqlite3"

    report = journal.archive(DAY + timedelta(days=1), into)

    assert (report.moved, report.changes) == (2, 4)
    live_ids = [row[0] for row in _ops_in(journal.path)]
    assert live_ids == [still_open.id, today.id]
    with SqliteJournal(into) as archive:
        assert archive.get(old.id) == old  # every field, as it was
        assert archive.get(failed.id) == failed
        assert [c.state for c in archive.history(old.id)] == [OpState.PENDING, OpState.SUCCEEDED]
        assert archive.totals(DAY).redeemed_amount == Decimal("12.50")
        assert archive.days() == [DAY]
    assert journal.get(old.id) is None and journal.history(old.id) == []


def test_a_redemption_and_its_reversal_move_together_or_not_at_all(
    journal: SqliteJournal, clock: FakeClock, tmp_path: Path
) -> None:
    kept = redeemed(journal, "111111111111")
    moved = redeemed(journal, "222222222222")
    reversal = journal.add(new_op(OpKind.REVERSE, "222222222222", parent_id=moved.id))
    journal.settle(reversal.id, Settle(OpState.SUCCEEDED))
    clock.advance(days=1)
    late = journal.add(new_op(OpKind.REVERSE, "111111111111", parent_id=kept.id))
    journal.settle(late.id, Settle(OpState.SUCCEEDED))

    report = journal.archive(DAY + timedelta(days=1), tmp_path / "a.sqlite3")

    assert report.moved == 2
    assert [row[0] for row in _ops_in(journal.path)] == [kept.id, late.id]
    assert [row[0] for row in _ops_in(tmp_path / "a.sqlite3")] == [moved.id, reversal.id]


def test_rows_the_store_database_has_not_committed_stay(
    journal: SqliteJournal, clock: FakeClock, tmp_path: Path
) -> None:
    pushed = redeemed(journal, "111111111111")
    conn = sqlite3.connect(journal.path)
    with conn:  # the replicator committed everything so far
        conn.execute("UPDATE replication SET pushed_id = (SELECT max(id) FROM state_changes)")
    conn.close()
    waiting = redeemed(journal, "222222222222")
    clock.advance(days=1)

    journal.archive(DAY + timedelta(days=1), tmp_path / "a.sqlite3", keep_unpushed=True)

    assert [row[0] for row in _ops_in(journal.path)] == [waiting.id]
    assert [row[0] for row in _ops_in(tmp_path / "a.sqlite3")] == [pushed.id]


def test_archiving_again_into_the_same_file_adds_and_never_duplicates(
    journal: SqliteJournal, clock: FakeClock, tmp_path: Path
) -> None:
    first = redeemed(journal, "111111111111")
    clock.advance(days=1)
    second = redeemed(journal, "222222222222")
    clock.advance(days=1)
    into = tmp_path / "a.sqlite3"
    journal.archive(DAY + timedelta(days=1), into)
    assert journal.archive(DAY + timedelta(days=1), into).moved == 0
    journal.archive(DAY + timedelta(days=2), into)
    assert [row[0] for row in _ops_in(into)] == [first.id, second.id]
    assert _ops_in(journal.path) == []
    # ids are never reused in the live file after the move
    assert journal.add(new_op(code="333333333333")).id > second.id


def test_a_crash_between_copy_and_delete_loses_nothing_and_a_rerun_finishes(
    journal: SqliteJournal, clock: FakeClock, tmp_path: Path
) -> None:
    op = redeemed(journal, "111111111111")
    clock.advance(days=1)
    into = tmp_path / "a.sqlite3"
    SqliteJournal(into).close()
    conn = sqlite3.connect(into)
    with conn:  # what the copy step left behind before the crash
        conn.execute("ATTACH DATABASE ? AS live", (str(journal.path),))
        conn.execute("INSERT INTO operations SELECT * FROM live.operations")
        conn.execute("INSERT INTO state_changes SELECT * FROM live.state_changes")
    conn.close()
    assert journal.get(op.id) == op  # still in the live file

    assert journal.archive(DAY + timedelta(days=1), into).moved == 1
    assert [row[0] for row in _ops_in(into)] == [op.id]
    assert _ops_in(journal.path) == []


def test_archive_refuses_a_future_date_and_the_journal_itself(
    journal: SqliteJournal, tmp_path: Path
) -> None:
    redeemed(journal, "111111111111")
    with pytest.raises(InputInvalid) as future:
        journal.archive(DAY + timedelta(days=2), tmp_path / "a.sqlite3")
    assert future.value.code == "ARCHIVE_DATE_INVALID"
    with pytest.raises(InputInvalid) as itself:
        journal.archive(DAY, journal.path)
    assert itself.value.code == "ARCHIVE_IS_JOURNAL"
    not_a_journal = tmp_path / "notes.txt"
    not_a_journal.write_text("shopping list\n" * 300)
    with pytest.raises(InputInvalid) as unreadable:
        journal.archive(DAY, not_a_journal)
    assert unreadable.value.code == "ARCHIVE_UNREADABLE"
    assert len(_ops_in(journal.path)) == 1
    assert "不是本机记录的归档文件" in unreadable.value.zh


# --- no repeated reads on the money path ----------------------------------------------------------


def test_settle_reads_the_row_once_and_returns_it_as_stored(journal: SqliteJournal) -> None:
    op = journal.add(new_op())
    statements: list[str] = []
    journal._conn.set_trace_callback(statements.append)
    retry_at = datetime(2024, 5, 6, 12, 0, 30, 123456)  # naive local, as a clock might give
    try:
        settled = journal.settle(
            op.id,
            Settle(
                OpState.UNKNOWN,
                error_code="TIMEOUT",
                result=RESULT,
                amount=Decimal("45.00"),
                order_no=RESULT["order_no"],
                next_retry_at=retry_at,
            ),
        )
    finally:
        journal._conn.set_trace_callback(None)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1  # the row before the change; the answer is built, not read back
    assert settled == journal.get(op.id)  # exactly what a later read gives
    assert settled.attempts == 1 and settled.next_retry_at == retry_at.astimezone()


def test_add_returns_the_row_as_stored_without_reading_it_back(journal: SqliteJournal) -> None:
    """A redemption, a reversal (its payload kept as JSON text) and a sync, each with every
    optional field set: what ``add`` answers equals a later read, and its only reads are the
    checks made under the write lock."""
    parent = redeemed(journal, "123456789012")
    fields = {"operator": "小李", "manager": "店长", "reason": "r", "terminal": "T2"}
    for op in (
        dataclasses.replace(new_op(code="555566667777"), shop_id="S1", cashier="小李", **fields),
        dataclasses.replace(
            new_op(OpKind.REVERSE, code="123456789012", parent_id=parent.id, order_no="O1"),
            **fields,
        ),
        dataclasses.replace(new_op(OpKind.SYNC, code="GAL-358309629"), cashier="阿芳"),
    ):
        statements: list[str] = []
        journal._conn.set_trace_callback(statements.append)
        try:
            added = journal.add(op)
        finally:
            journal._conn.set_trace_callback(None)
        assert added == journal.get(added.id)
        new_row = f"o.id = {added.id}"  # the trace shows statements with their values bound
        assert not any(new_row in s for s in statements), statements
