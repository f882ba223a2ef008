"""SqliteJournal on real files: durability settings, file modes, reopening, the emptied file.

The backend-independent rules and queries run against SQLite and PostgreSQL alike in
tests/integration/test_journal_conformance.py."""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from journal_helpers import FakeClock, new_op, redeemed

from pos_app.core.errors import (
    JournalError,
)
from pos_app.core.journal import (
    OpKind,
)
from pos_app.journal.migrations import SCHEMA_VERSION
from pos_app.journal.sqlite import SqliteJournal


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def journal(tmp_path: Path, clock: FakeClock) -> Iterator[SqliteJournal]:
    j = SqliteJournal(tmp_path / "journal" / "journal.sqlite3", clock=clock)
    yield j
    j.close()


# --- files and settings ---------------------------------------------------------------------------


def test_durability_settings_are_on(journal: SqliteJournal) -> None:
    settings = journal.durability()
    assert str(settings["journal_mode"]).lower() == "wal"
    assert settings["synchronous"] == 2  # FULL
    assert settings["foreign_keys"] == 1
    assert settings["busy_timeout"] == 5000
    assert settings["user_version"] == SCHEMA_VERSION


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_files_are_owner_only_even_with_an_open_umask(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "home"
    old = os.umask(0)
    try:
        j = SqliteJournal(folder / "journal.sqlite3")
        j.add(new_op())
        files = [folder / f"journal.sqlite3{suffix}" for suffix in ("", "-wal", "-shm")]
        modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in files}
        j.close()
    finally:
        os.umask(old)
    assert modes == dict.fromkeys(modes, 0o600)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_reopen_sees_everything(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "j.sqlite3"
    with SqliteJournal(path, clock=clock) as j:
        first = redeemed(j, "111111111111", "12.50")
        rev = j.add(new_op(OpKind.REVERSE, "111111111111", parent_id=first.id))
        pending = j.add(new_op(code="222222222222"))
        history = j.history(first.id)
    with SqliteJournal(path, clock=clock) as again:
        got = again.get(first.id)
        assert got is not None and got.amount == Decimal("12.50") and got.reversed_by == rev.id
        assert again.get(pending.id) == pending
        assert again.history(first.id) == history
        assert [o.id for o in again.open_operations()] == [rev.id, pending.id]


def test_closed_journal_raises_journal_error(journal: SqliteJournal) -> None:
    journal.close()
    with pytest.raises(JournalError):
        journal.get(1)
    with pytest.raises(JournalError):
        journal.add(new_op())
    journal.close()  # twice is fine


def test_a_file_that_is_not_a_journal_is_a_journal_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"this is not a database, just some text" * 200)
    with pytest.raises(JournalError):
        SqliteJournal(bad)
    with pytest.raises(JournalError):
        SqliteJournal(tmp_path)  # a folder


def test_the_file_itself_refuses_a_second_open_redemption(journal: SqliteJournal) -> None:
    journal.add(new_op(code="555555555555"))
    raw = sqlite3.connect(journal.path)
    try:
        with pytest.raises(sqlite3.IntegrityError):
            raw.execute(
                "INSERT INTO operations (kind, request_id, code, quantity, state, created_us,"
                " updated_us, local_day) VALUES ('REDEEM', 'X', '555555555555', 1, 'UNKNOWN',"
                " 0, 0, '2024-05-06')"
            )
    finally:
        raw.close()


def test_local_day_is_the_terminals_date_not_utc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        at = datetime(2024, 5, 5, 23, 30, tzinfo=UTC)  # 07:30 on 6 May in Shanghai
        with SqliteJournal(tmp_path / "j.sqlite3", clock=lambda: at) as j:
            op = j.add(new_op())
            assert [o.id for o in j.day_page(date(2024, 5, 6))] == [op.id]
            assert j.day_page(date(2024, 5, 5)) == []
            assert j.totals(date(2024, 5, 6)).open_count == 1
    finally:
        monkeypatch.undo()
        time.tzset()


# --------------------------------------------------------------------------- an emptied journal


def test_an_emptied_journal_is_refused_and_kept_as_evidence(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"")  # truncated by a bad copy or a full disk
    with pytest.raises(JournalError) as info:
        SqliteJournal(path)
    assert info.value.code == "JOURNAL_EMPTY"
    assert str(path) in info.value.detail
    assert "0 字节" in info.value.zh and "empty" in info.value.en
    assert path.stat().st_size == 0  # not silently turned into a new, empty log


def test_an_emptied_journal_may_start_afresh_with_a_loud_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "training-journal.sqlite3"
    path.write_bytes(b"")
    with caplog.at_level("WARNING", logger="pos_app.journal.sqlite"):
        journal = SqliteJournal(path, empty_ok=True)
    journal.close()
    assert any("EMPTY" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)
    assert path.stat().st_size > 0


def test_a_new_journal_never_exists_as_an_empty_file(tmp_path: Path) -> None:
    """It is built aside and linked in, so a crash cannot leave the 0-byte file that the check
    above would refuse; nothing of the aside file is left behind."""
    path = tmp_path / "data" / "journal.sqlite3"
    SqliteJournal(path).close()
    assert path.stat().st_size > 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["journal.sqlite3"]
    SqliteJournal(path).close()  # and it opens again as the same, non-empty log
