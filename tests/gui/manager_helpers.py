"""Helpers for the manager-screen tests (the fixtures ``tasks`` and ``training_runtime`` are in
conftest.py): wait for the serial worker, and write journal rows through the real journal."""

from __future__ import annotations

import uuid
from decimal import Decimal

from pytestqt.qtbot import QtBot

from pos_app.core.journal import NewOperation, Operation, OpKind, OpState, Settle
from pos_app.runtime import Runtime
from pos_app.ui.screens.manager import ManagerScreen
from pos_app.ui.service_bridge import ServiceEvents
from pos_app.ui.tasks import TaskManager

WAIT_MS = 10_000


def wait_idle(qtbot: QtBot, tasks: TaskManager) -> None:
    """Until every queued job has run and its callback was delivered."""
    qtbot.waitUntil(lambda: not tasks.busy, timeout=WAIT_MS)


def build_manager(runtime: Runtime, tasks: TaskManager, probe: TaskManager) -> ManagerScreen:
    """The manager screen on its own, following the service's settle events as in the window."""
    events = ServiceEvents(runtime.service)
    screen = ManagerScreen(runtime, tasks, events, probe=probe)
    events.setParent(screen)  # lives as long as the screen
    return screen


def add_row(
    runtime: Runtime,
    code: str,
    *,
    request_id: str | None = None,
    order_no: str = "",
    state: OpState = OpState.SUCCEEDED,
    amount: str | None = "20.00",
    kind: OpKind = OpKind.REDEEM,
    quantity: int = 1,
) -> Operation:
    """A journal row written through the real journal (volume and edge cases for history)."""
    op = runtime.journal.add(
        NewOperation(
            kind=kind,
            request_id=request_id or f"T{uuid.uuid4().hex[:20].upper()}",
            code=code,
            code_type="INTERNAL_CODE" if code.isdigit() and len(code) == 12 else "EXTERNAL_CODE",
            quantity=quantity,
            payload={},
            order_no=order_no,
            operator="cashier",
        )
    )
    error = "TICKET_CODE_NOT_EXIST" if state is OpState.FAILED else ""
    return runtime.journal.settle(
        op.id,
        Settle(
            state,
            error_code=error,
            order_no=order_no,
            amount=None if amount is None else Decimal(amount),
            item_name="双人下午茶套餐",
        ),
    )
