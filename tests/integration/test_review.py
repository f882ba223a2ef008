"""Ambiguous answers become REVIEW items a manager decides (issue #9.3, design.md rule 6), and an
answer that cannot be written after the request left is "outcome unknown" (issue #9.4).

Real parts: the simulator over HTTP on loopback, the product's clients, SQLite journal files.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from pos_app.core.errors import InputInvalid, NotReviewable
from pos_app.core.journal import NewOperation, OpKind, OpState, Settle
from pos_app.core.messages import message_for
from pos_app.core.service import RedemptionService, ShopConfig, review_message
from pos_app.gateways.alipay import AlipayClient
from pos_app.gateways.top import TopClient
from pos_app.journal.sqlite import SqliteJournal
from pos_app.sandbox import Fault, Simulator


def _service(
    journal: SqliteJournal, sim: Simulator, top: TopClient, alipay: AlipayClient
) -> RedemptionService:
    return RedemptionService(
        journal=journal,
        top=lambda: top,
        alipay=lambda: alipay,
        shop=ShopConfig(shop_id=sim.demo.shop_id, terminal_id="LANE1"),
    )


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[SqliteJournal]:
    with SqliteJournal(tmp_path / "lane1.sqlite3") as j:
        yield j


@pytest.fixture
def service(
    journal: SqliteJournal, simulator: Simulator, top_client: TopClient, alipay_client: AlipayClient
) -> RedemptionService:
    return _service(journal, simulator, top_client, alipay_client)


@pytest.fixture
def in_doubt(
    service: RedemptionService,
    simulator: Simulator,
    tmp_path: Path,
    top_client: TopClient,
    alipay_client: AlipayClient,
) -> int:
    """Our first try is lost (HTTP 500, not processed) and another till then redeems the code:
    the id of our redemption, left UNKNOWN."""
    code = simulator.demo.codes["single"]
    simulator.faults.add(Fault("http_500", api="redeem", times=1))
    first = service.redeem(code)
    assert first.state is OpState.UNKNOWN
    with SqliteJournal(tmp_path / "lane2.sqlite3") as other:
        assert _service(other, simulator, top_client, alipay_client).redeem(code).settled
    return first.operation.id


def test_a_retry_told_used_is_review_not_failed(service: RedemptionService, in_doubt: int) -> None:
    (outcome,) = service.recover()
    assert outcome.state is OpState.REVIEW
    assert not outcome.settled  # a manager decides; `recover` exits 3 on it
    assert outcome.message is not None and "需核对" in outcome.message.zh
    row = service.get(in_doubt)
    assert row is not None and row.state is OpState.REVIEW
    assert row.error_code == "TICKET_STATUS_ILLEGAL"
    assert review_message(row) == message_for("REVIEW_REDEEM")
    assert service.open_operations() == []  # not retried again
    assert [r.id for r in service.review_items()] == [in_doubt]
    totals = service.totals(date.today())
    assert (totals.review_count, totals.redeemed_count, totals.failed_count) == (1, 0, 0)
    assert service.reversible() == []  # not reversible while in doubt


def test_a_first_try_told_used_is_a_plain_failure(
    service: RedemptionService, simulator: Simulator
) -> None:
    # Not ambiguous: nothing of ours was sent before, so "used" is someone else's use.
    outcome = service.redeem(simulator.demo.codes["used"])
    assert outcome.state is OpState.FAILED
    assert outcome.error_code == "TICKET_STATUS_ILLEGAL"


@pytest.mark.parametrize("resolution", [OpState.SUCCEEDED, OpState.FAILED])
def test_a_manager_resolves_a_review_with_a_reason(
    service: RedemptionService,
    journal: SqliteJournal,
    simulator: Simulator,
    in_doubt: int,
    resolution: OpState,
) -> None:
    redeemed = 1 if resolution is OpState.SUCCEEDED else 0
    service.recover()
    sent_before = simulator.state.total_requests()
    row = service.resolve_review(in_doubt, resolution, reason="顾客出示了消费记录", manager="店长")
    assert row.state is resolution
    assert simulator.state.total_requests() == sent_before  # a decision sends nothing
    last = service.history(in_doubt)[-1]
    assert (last.state, last.error_code) == (resolution, "REVIEW_RESOLVED")
    assert "店长" in last.note and "顾客出示了消费记录" in last.note
    (audit,) = journal.audit_entries(date.today())
    assert (audit.actor, audit.action) == ("店长", "review")
    assert service.totals(date.today()).redeemed_count == redeemed
    assert service.totals(date.today()).review_count == 0
    with pytest.raises(NotReviewable):  # decided once
        service.resolve_review(in_doubt, OpState.FAILED, reason="again", manager="店长")


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("", "REASON_REQUIRED"),
        ("   ", "REASON_REQUIRED"),
        ("\u202e", "TEXT_INVISIBLE"),
        ("\u200b\u202e ", "TEXT_INVISIBLE"),
    ],
)
def test_a_review_needs_a_visible_reason(
    service: RedemptionService, in_doubt: int, reason: str, code: str
) -> None:
    service.recover()
    with pytest.raises(InputInvalid) as exc:
        service.resolve_review(in_doubt, OpState.FAILED, reason=reason, manager="店长")
    assert exc.value.code == code
    row = service.get(in_doubt)
    assert row is not None and row.state is OpState.REVIEW


def _succeeded_row(journal: SqliteJournal, simulator: Simulator, label: str) -> int:
    """A redemption this till holds as SUCCEEDED under the simulator's prior request id."""
    code = simulator.demo.codes[label]
    rid = simulator.demo.request_ids[label]
    payload = {"ticket_request_id": rid, "ticket_code": code, "quantity": "1"}
    op = journal.add(NewOperation(OpKind.REDEEM, rid, code, "INTERNAL_CODE", 1, payload))
    done = Settle(OpState.SUCCEEDED, order_no=simulator.demo.order_nos[label])
    return journal.settle(op.id, done).id


def test_a_reversal_told_the_order_is_closed_fails_and_its_redemption_needs_review(
    service: RedemptionService, journal: SqliteJournal, simulator: Simulator
) -> None:
    # The simulator's record of this request id is a redemption that never completed (CLOSED):
    # cancel answers USE_BIZ_ORDER_CLOSE, contradicting the SUCCEEDED row here.
    parent_id = _succeeded_row(journal, simulator, "expired")
    outcome = service.reverse(parent_id, reason="顾客要求退", manager="店长")
    assert outcome.state is OpState.FAILED
    assert outcome.error_code == "USE_BIZ_ORDER_CLOSE"
    assert outcome.message is not None and "需核对" in outcome.message.zh
    parent = service.get(parent_id)
    assert parent is not None and parent.state is OpState.REVIEW
    assert parent.reversed_by is None
    # The row says why it is in review (the manager's list shows it), not the redemption's answer.
    assert parent.error_code == "USE_BIZ_ORDER_CLOSE"
    assert review_message(parent) == message_for("REVIEW_PARENT")
    change = service.history(parent_id)[-1]
    assert (change.state, change.error_code) == (OpState.REVIEW, "USE_BIZ_ORDER_CLOSE")
    totals = service.totals(date.today())
    assert (totals.redeemed_count, totals.review_count) == (0, 1)
    assert parent_id not in [r.id for r in service.reversible()]


# --- the disk fills after the request left (issue #9.4) ------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 2 MiB tmpfs, so "disk full" is the kernel's ENOSPC, not a stand-in."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> None:
    with open(folder / "filler", "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass


def test_a_disk_full_after_the_request_left_is_unknown_then_settled_once(
    small_disk: Path, simulator: Simulator, top_client: TopClient, alipay_client: AlipayClient
) -> None:
    code = simulator.demo.codes["single"]
    with SqliteJournal(small_disk / "journal.sqlite3") as journal:
        service = _service(journal, simulator, top_client, alipay_client)
        # The answer takes 0.5 s; the disk fills while the request is at the gateway.
        simulator.faults.add(Fault("delay", api="redeem", times=1, delay_s=0.5))
        filler = threading.Timer(0.1, _fill, args=(small_disk,))
        filler.start()
        outcome = service.redeem(code)
        filler.join()
        assert outcome.error_code == "JOURNAL_AFTER_SEND"
        assert outcome.state.is_open  # unknown — never "nothing was sent"
        assert outcome.message is not None and "未发送" not in outcome.message.zh
        assert len(simulator.state.redemptions_for(code)) == 1  # it did happen
        # The backoff the full journal cannot hold is kept in memory: no flood of re-sends.
        sent = simulator.state.total_requests()
        assert service.retry_due() == []
        assert (service.seconds_to_next_retry() or 0) >= 1
        assert simulator.state.total_requests() == sent
        os.remove(small_disk / "filler")
        (retried,) = service.recover()
        assert retried.state is OpState.SUCCEEDED
    assert len(simulator.state.redemptions_for(code)) == 1  # and only once


def test_a_first_try_the_gateway_forgot_is_review_on_retry(
    service: RedemptionService, simulator: Simulator
) -> None:
    code = simulator.demo.codes["single"]
    simulator.faults.add(Fault("forget_request", api="redeem", times=1))
    first = service.redeem(code)
    assert first.state is OpState.UNKNOWN
    (retried,) = service.recover()
    assert retried.state is OpState.REVIEW  # "used" — by our own first try, as it happens
    assert len(simulator.state.redemptions_for(code)) == 1


@pytest.mark.parametrize("kind", ["empty_node", "no_node", "other_request"])
def test_a_200_that_confirms_nothing_is_unknown_then_settled_once(
    service: RedemptionService, simulator: Simulator, kind: str
) -> None:
    code = simulator.demo.codes["single"]
    simulator.faults.add(Fault(kind, api="redeem", times=1))
    first = service.redeem(code)
    assert (first.state, first.error_code) == (OpState.UNKNOWN, "RESPONSE_MALFORMED")
    assert simulator.state.redemptions_for(code) == []  # nothing was redeemed
    (retried,) = service.recover()
    assert retried.state is OpState.SUCCEEDED
    assert retried.operation.request_id == first.operation.request_id
    assert len(simulator.state.redemptions_for(code)) == 1


@pytest.mark.parametrize(
    ("kind", "code"),
    [("order_closed", "USE_BIZ_ORDER_CLOSE"), ("order_not_exist", "USE_BIZ_ORDER_NOT_EXIST")],
)
def test_a_reversal_of_a_redemption_the_platform_does_not_know_puts_it_in_review(
    service: RedemptionService, simulator: Simulator, kind: str, code: str
) -> None:
    redeemed = service.redeem(simulator.demo.codes["single"])
    assert redeemed.state is OpState.SUCCEEDED
    simulator.faults.add(Fault(kind, api="cancel", times=1))
    outcome = service.reverse(redeemed.operation.id, reason="误核销", manager="店长")
    assert (outcome.state, outcome.error_code) == (OpState.FAILED, code)
    parent = service.get(redeemed.operation.id)
    assert parent is not None and parent.state is OpState.REVIEW
    # A manager who confirms the customer did consume makes it reversible again.
    service.resolve_review(parent.id, OpState.SUCCEEDED, reason="已核实", manager="店长")
    assert [r.id for r in service.reversible()] == [parent.id]
