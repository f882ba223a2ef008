"""Fakes and builders for GUI tests: journal rows, outcomes, a scripted service, a runtime."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from pos_app.config.settings import Settings
from pos_app.core.errors import OutcomeUnknown
from pos_app.core.journal import DayTotals, Operation, OpKind, OpState
from pos_app.core.messages import Message, message_for
from pos_app.core.models import RedeemResult, VoucherInfo
from pos_app.core.service import OpOutcome

CODE = "286501034417"


def make_op(
    op_id: int = 1,
    *,
    state: OpState = OpState.SUCCEEDED,
    code: str = CODE,
    quantity: int = 1,
    error_code: str = "",
    attempts: int = 1,
    next_retry_in_s: float | None = None,
    item_name: str = "",
    amount: Decimal | None = None,
    order_no: str = "",
    operator: str = "",
    terminal: str = "POS1",
    kind: OpKind = OpKind.REDEEM,
) -> Operation:
    now = datetime.now(UTC)
    return Operation(
        id=op_id,
        kind=kind,
        request_id=f"R20261123{op_id:023d}",
        code=code,
        code_type="INTERNAL_CODE",
        quantity=quantity,
        payload={},
        state=state,
        created_at=now - timedelta(minutes=5),
        updated_at=now,
        order_no=order_no,
        operator=operator,
        terminal=terminal,
        error_code=error_code,
        attempts=attempts,
        next_retry_at=None if next_retry_in_s is None else now + timedelta(seconds=next_retry_in_s),
        item_name=item_name,
        amount=amount,
    )


def success(op_id: int = 1, **kw: Any) -> OpOutcome:
    kw.setdefault("item_name", "双人下午茶套餐")
    kw.setdefault("amount", Decimal("45.00"))
    kw.setdefault("order_no", "20261123000000001234")
    op = make_op(op_id, state=OpState.SUCCEEDED, **kw)
    result = RedeemResult(
        ticket_request_id=op.request_id,
        order_no=op.order_no,
        item_name=op.item_name,
        buyer_pay_amount=op.amount,
    )
    return OpOutcome(op, redeem=result)


def failure(op_id: int = 1, code: str = "TICKET_CODE_NOT_EXIST", **kw: Any) -> OpOutcome:
    return OpOutcome(
        make_op(op_id, state=OpState.FAILED, error_code=code, **kw), code, message_for(code)
    )


def unknown(op_id: int = 1, code: str = "TIMEOUT", retry_in_s: float = 30, **kw: Any) -> OpOutcome:
    op = make_op(op_id, state=OpState.UNKNOWN, error_code=code, next_retry_in_s=retry_in_s, **kw)
    return OpOutcome(op, code, message_for(code))


Scripted = OpOutcome | Exception | Callable[[], OpOutcome]


class FakeService:
    """Answers ``redeem`` from a script, on whatever thread calls it (the real worker).

    ``gate``: while set to an unset Event, ``redeem`` waits for it — a redemption "in flight".
    """

    def __init__(self) -> None:
        self.script: deque[Scripted] = deque()
        self.calls: list[dict[str, Any]] = []
        self.listeners: list[Callable[[OpOutcome], None]] = []
        self.gate: threading.Event | None = None
        self.open = 0
        self.lookups: deque[VoucherInfo] = deque()
        self.lookup_calls: list[str] = []
        self.explanation: Message | None = None

    def add_listener(self, callback: Callable[[OpOutcome], None]) -> None:
        self.listeners.append(callback)

    def notify(self, outcome: OpOutcome) -> None:
        for callback in self.listeners:
            callback(outcome)

    def redeem(
        self,
        raw_code: str,
        quantity: int | str = 1,
        *,
        code_type: Any = None,
        operator: str = "",
        again: bool = False,
        ticket_id: str = "",
        cashier: str = "",
    ) -> OpOutcome:
        self.calls.append(
            ({"cashier": cashier} if cashier else {})  # only when someone signed in
            | {
                "code": raw_code,
                "quantity": quantity,
                "code_type": code_type,
                "again": again,
                "ticket_id": ticket_id,
                "operator": operator,
            }
        )
        if self.gate is not None:
            assert self.gate.wait(10), "test never released the gate"
        item = self.script.popleft()
        if isinstance(item, Exception):
            raise item
        outcome = item() if callable(item) else item
        self.notify(outcome)
        return outcome

    # lookups (the probe lane): scripted; by default the platform cannot be reached
    def lookup(self, raw_code: str) -> VoucherInfo:
        self.lookup_calls.append(raw_code)
        if not self.lookups:
            raise OutcomeUnknown("CONNECTION_ERROR")
        return self.lookups.popleft()

    def explain_failure(self, raw_code: str) -> tuple[VoucherInfo, Message | None]:
        return self.lookup(raw_code), self.explanation

    # what the main window and the retry pump call
    def recover(self) -> list[OpOutcome]:
        return []

    def retry_due(self) -> list[OpOutcome]:
        return []

    def seconds_to_next_retry(self) -> float | None:
        return None

    def open_count(self) -> int:
        return self.open

    # what the history screen may call
    def day_page(self, day: date, **_kw: Any) -> list[Operation]:
        return []

    def day_count(self, day: date, **_kw: Any) -> int:
        return 0

    def totals(self, day: date) -> DayTotals:
        return DayTotals(day, 0, 0, Decimal(0), 0, 0, 0)

    def reversible(self, limit: int = 200, *, search: str = "") -> list[Operation]:
        return []

    def get(self, op_id: int) -> Operation | None:
        return None

    store_configured = False  # no store database: no 本机/全店 switch


class StoreStatus:
    """What ``Runtime.store_status`` gives the status bar (``ReplicationStatus``'s fields)."""

    def __init__(self, reachable: bool | None, pending: int) -> None:
        self.reachable, self.pending = reachable, pending


class FakeRuntime:
    def __init__(self, service: FakeService, *, mode: str = "training") -> None:
        self.service = service
        self.settings = replace(Settings(), mode=mode, sound_enabled=False)
        self.training = mode == "training"
        self.keyring_problem = ""
        self.healthy = True
        self.pins: Any = None  # the manager screen hands it to PinDialog.ask (tests replace ask)
        self.cashiers: Any = None  # no cashiers: the till works as a single operator

    def gateway_health(self, timeout_s: float = 2.0) -> bool:
        return self.healthy

    store: StoreStatus | None = None  # None: no store database configured

    def store_status(self) -> StoreStatus | None:
        return self.store
