"""A reversal of another till's redemption in this till's SQLite journal (issue #10).

The redemption has no row here: the reversal carries its request id (``parent_request_id``,
sent as the payload's ``request_id``). The journal keeps one live reversal per such redemption,
checked in its write transaction, and the outbox hands the request id to the store database,
which links the two there.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from journal_helpers import new_op, redeemed

from pos_app.core.errors import NotReversible
from pos_app.core.journal import NewOperation, OpKind, OpState, Settle
from pos_app.journal.outbox import SqliteOutbox
from pos_app.journal.sqlite import SqliteJournal

REMOTE = "R20240506TILLA0000000000000001"
CODE = "286501034417"


def _reversal(parent_request_id: str = REMOTE, *, sends: str = REMOTE) -> NewOperation:
    op = new_op(OpKind.REVERSE, code=CODE)
    payload = {"request_id": sends, "request_biz_no": sends, "ticket_code": CODE}
    return replace(op, payload=payload, parent_request_id=parent_request_id)


def test_one_live_reversal_per_remote_redemption(tmp_path: Path) -> None:
    with SqliteJournal(tmp_path / "j.sqlite3") as journal:
        assert journal.live_reversal_of(REMOTE) is None
        first = journal.add(_reversal())
        assert first.parent_id is None
        assert journal.live_reversal_of(REMOTE) == first
        with pytest.raises(NotReversible):  # open: no second one
            journal.add(_reversal())
        journal.settle(first.id, Settle(OpState.SUCCEEDED))
        with pytest.raises(NotReversible):  # succeeded: still none
            journal.add(_reversal())
        assert journal.live_reversal_of(REMOTE) == journal.get(first.id)


def test_a_failed_remote_reversal_may_be_tried_again(tmp_path: Path) -> None:
    with SqliteJournal(tmp_path / "j.sqlite3") as journal:
        first = journal.add(_reversal())
        journal.settle(first.id, Settle(OpState.FAILED, error_code="SYSTEM_BUSY"))
        assert journal.live_reversal_of(REMOTE) is None
        second = journal.add(_reversal())
        assert second.state is OpState.PENDING


def test_the_reversal_must_send_the_redemptions_request_id(tmp_path: Path) -> None:
    with SqliteJournal(tmp_path / "j.sqlite3") as journal:
        with pytest.raises(NotReversible):
            journal.add(_reversal(sends="SOMETHINGELSE1"))
        assert journal.by_code(CODE) == []


def test_a_redemption_of_this_till_is_reversed_through_its_row(tmp_path: Path) -> None:
    with SqliteJournal(tmp_path / "j.sqlite3") as journal:
        mine = redeemed(journal, CODE)
        with pytest.raises(NotReversible):
            journal.add(_reversal(mine.request_id, sends=mine.request_id))


def test_the_outbox_hands_the_parent_request_id_to_the_store(tmp_path: Path) -> None:
    with SqliteJournal(tmp_path / "j.sqlite3") as journal:
        mine = redeemed(journal, "286501034425")
        local = journal.add(new_op(OpKind.REVERSE, code=mine.code, parent_id=mine.id))
        remote = journal.add(_reversal())
        outbox = SqliteOutbox(journal.path)
        try:
            rows = {row["id"]: row for row in outbox.next_batch().operations}
        finally:
            outbox.close()
    assert rows[remote.id]["parent_request_id"] == REMOTE
    assert rows[local.id]["parent_request_id"] == mine.request_id
    assert rows[mine.id]["parent_request_id"] == ""
