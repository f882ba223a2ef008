"""Journal test helpers shared by the SQLite tests and the conformance suite (both backends)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypeAlias

from pos_app.core.journal import NewOperation, Operation, OpKind, OpState, Settle
from pos_app.journal.postgres import PostgresJournal
from pos_app.journal.sqlite import SqliteJournal

AnyJournal: TypeAlias = SqliteJournal | PostgresJournal
DAY = date(2024, 5, 6)
OTHER_DAY = date(2024, 5, 7)


class FakeClock:
    """Starts at local noon of ``DAY``; ``advance`` moves it."""

    def __init__(self) -> None:
        self.now = datetime(DAY.year, DAY.month, DAY.day, 12, 0).astimezone()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


_ids = itertools.count(1)


def new_op(
    kind: OpKind = OpKind.REDEEM,
    code: str = "123456789012",
    *,
    request_id: str = "",
    parent_id: int | None = None,
    order_no: str = "",
    quantity: int = 1,
    again: bool = False,
) -> NewOperation:
    return NewOperation(
        again=again,
        kind=kind,
        request_id=request_id or f"{kind.value[0]}{next(_ids):010d}",
        code=code,
        code_type="TICKET_CODE",
        quantity=quantity,
        payload={"ticket_code": code, "quantity": str(quantity)},
        shop_id="S1",
        order_no=order_no,
        operator="cashier1",
        parent_id=parent_id,
        terminal="T1",
    )


def redeemed(j: AnyJournal, code: str, amount: str = "10.00", quantity: int = 1) -> Operation:
    op = j.add(new_op(code=code, quantity=quantity))
    return j.settle(op.id, Settle(OpState.SUCCEEDED, order_no=f"ORD{code}", amount=Decimal(amount)))


def reach(j: AnyJournal, state: OpState, code: str = "123456789012") -> Operation:
    op = j.add(new_op(code=code))
    if state is OpState.PENDING:
        return op
    if state is OpState.REVIEW:  # only reached through UNKNOWN (or from SUCCEEDED)
        op = j.settle(op.id, Settle(OpState.UNKNOWN))
    return j.settle(op.id, Settle(state))
