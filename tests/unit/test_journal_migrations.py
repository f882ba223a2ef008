"""The journal's schema versions: a fresh file, an upgrade from version 1, refusals."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from pos_app.core.errors import JournalError, NotReversible
from pos_app.core.journal import NewOperation, OpKind, OpState, Settle
from pos_app.journal.migrations import MIGRATIONS, SCHEMA_VERSION, migrate, schema_version
from pos_app.journal.sqlite import SqliteJournal


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def _indexes(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    return {name for (name,) in rows}


def test_a_fresh_file_gets_the_newest_schema(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    SqliteJournal(path).close()
    conn = _raw(path)
    try:
        assert schema_version(conn) == SCHEMA_VERSION == len(MIGRATIONS)
        assert {
            "ux_ops_request",
            "ix_ops_code",
            "ix_ops_day",
            "ix_ops_open",
            "ix_ops_parent",
            "ux_ops_redeem_open",
            "ux_ops_reverse_live",
            "ix_ops_redeemed",
            "ix_state_changes_op",
        } <= _indexes(conn)
    finally:
        conn.close()


def _version_1_file(path: Path) -> None:
    """A file as version 1 of the app left it: two redemptions, one reversed by a live reversal."""
    conn = _raw(path)
    try:
        assert migrate(conn, target=1) == 1
        insert = (
            "INSERT INTO operations (kind, request_id, code, code_type, quantity, payload, state,"
            " created_us, updated_us, local_day, order_no, parent_id, amount)"
            " VALUES (?, ?, ?, 'TICKET_CODE', 1, '{\"k\": \"v\"}', ?, ?, ?, '2023-12-31', ?, ?, ?)"
        )
        conn.execute(
            insert, ("REDEEM", "R1", "111122223333", "SUCCEEDED", 1, 2, "O1", None, "9.90")
        )
        conn.execute(
            insert, ("REDEEM", "R2", "444455556666", "SUCCEEDED", 3, 4, "O2", None, "5.00")
        )
        conn.execute(insert, ("REVERSE", "V1", "111122223333", "PENDING", 5, 5, "O1", 1, None))
        conn.execute(
            "INSERT INTO state_changes (operation_id, state, at_us, note)"
            " VALUES (1, 'PENDING', 1, 'a')"
        )
    finally:
        conn.close()


def test_a_version_1_file_upgrades_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _version_1_file(path)
    with SqliteJournal(path) as journal:
        assert journal.durability()["user_version"] == SCHEMA_VERSION
        old = journal.get(1)
        assert old is not None
        assert (old.state, old.payload, old.order_no) == (OpState.SUCCEEDED, {"k": "v"}, "O1")
        assert old.reversed_by == 3
        assert [h.note for h in journal.history(1)] == ["a"]
        day = date(2023, 12, 31)
        # code_tail was backfilled: the "last digits" search finds the old rows
        assert [o.id for o in journal.day_page(day, search="6666")] == [2]
        assert [o.id for o in journal.day_page(day, search="3333")] == [3, 1]
        assert [o.id for o in journal.reversible(day=day)] == [2]
        # the rules added in version 2 hold for old rows too
        with pytest.raises(NotReversible):
            journal.add(
                NewOperation(
                    OpKind.REVERSE, "V2", "111122223333", "TICKET_CODE", 1, {}, parent_id=1
                )
            )
        journal.settle(3, Settle(OpState.SUCCEEDED))
        assert journal.totals(day).reversed_count == 1
        assert journal.totals(day).redeemed_amount == 5


def test_migrating_twice_does_nothing(tmp_path: Path) -> None:
    conn = _raw(tmp_path / "j.sqlite3")
    try:
        assert migrate(conn) == SCHEMA_VERSION
        assert migrate(conn) == SCHEMA_VERSION
    finally:
        conn.close()


def test_a_failing_step_leaves_the_file_at_the_old_version(tmp_path: Path) -> None:
    conn = _raw(tmp_path / "j.sqlite3")
    broken = (*MIGRATIONS, ("CREATE TABLE half_done (a)", "THIS IS NOT SQL"))
    try:
        migrate(conn)
        with pytest.raises(sqlite3.OperationalError):
            migrate(conn, migrations=broken)
        assert schema_version(conn) == SCHEMA_VERSION
        tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "half_done" not in tables
        assert not conn.in_transaction
    finally:
        conn.close()


def test_a_file_from_a_newer_app_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    conn = _raw(path)
    try:
        migrate(conn)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    finally:
        conn.close()
    with pytest.raises(JournalError) as refused:
        SqliteJournal(path)
    assert "newer" in refused.value.detail


def test_unknown_target_is_a_programming_error(tmp_path: Path) -> None:
    conn = _raw(tmp_path / "j.sqlite3")
    try:
        with pytest.raises(ValueError):
            migrate(conn, target=SCHEMA_VERSION + 1)
    finally:
        conn.close()


def test_a_version_5_file_gains_an_empty_cashier_column(tmp_path: Path) -> None:
    path = tmp_path / "v5.sqlite3"
    conn = _raw(path)
    try:
        assert migrate(conn, target=5) == 5
        conn.execute(
            "INSERT INTO operations (kind, request_id, code, code_type, quantity, state,"
            " created_us, updated_us, local_day) VALUES ('REDEEM', 'R1', '111122223333', '', 1,"
            " 'SUCCEEDED', 1, 1, '2024-01-02')"
        )
    finally:
        conn.close()
    with SqliteJournal(path) as journal:
        old = journal.get(1)
        assert old is not None and old.cashier == ""
        assert journal.day_count(date(2024, 1, 2), cashier="") == 1
        assert journal.day_count(date(2024, 1, 2), cashier="小李") == 0
