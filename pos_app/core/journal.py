"""What the undo log holds, and the small interface every journal backend implements.

SQLite (``journal.sqlite``) is the embedded default; a shared server database can implement the
same ``Journal`` protocol later (design.md, "Where one machine is not enough").
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol


class OpKind(enum.StrEnum):
    REDEEM = "REDEEM"
    REVERSE = "REVERSE"
    SYNC = "SYNC"


class OpState(enum.StrEnum):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    UNKNOWN = "UNKNOWN"
    # 需核对: an answer that may mean the first try took effect, or one that contradicts the
    # journal (design.md rule 6). Not retried and not counted as redeemed: a manager decides.
    REVIEW = "REVIEW"

    @property
    def is_open(self) -> bool:
        return self in (OpState.PENDING, OpState.UNKNOWN)


# Allowed moves; anything else is a bug and the journal refuses it.
TRANSITIONS: dict[OpState, frozenset[OpState]] = {
    OpState.PENDING: frozenset({OpState.SUCCEEDED, OpState.FAILED, OpState.UNKNOWN}),
    OpState.UNKNOWN: frozenset(
        {OpState.SUCCEEDED, OpState.FAILED, OpState.UNKNOWN, OpState.REVIEW}
    ),
    OpState.SUCCEEDED: frozenset({OpState.REVIEW}),  # its reversal was told the order is closed
    OpState.FAILED: frozenset(),
    OpState.REVIEW: frozenset({OpState.SUCCEEDED, OpState.FAILED}),  # a manager's decision
}


@dataclass(frozen=True, slots=True)
class NewOperation:
    """A row to write as PENDING before its request leaves the machine.

    ``payload`` is the exact business content that is sent (e.g. the ``use_request`` or
    ``biz_content`` fields as strings); retries re-send it unchanged.
    """

    kind: OpKind
    request_id: str
    code: str
    code_type: str
    quantity: int
    payload: dict[str, str]
    shop_id: str = ""
    order_no: str = ""
    operator: str = ""
    manager: str = ""
    reason: str = ""
    parent_id: int | None = None  # a reversal points at the redemption it reverses
    terminal: str = ""
    cashier: str = ""  # the cashier signed in at the till ("" when nobody signs in)
    # A reversal of a redemption journaled at another till (found in the store database):
    # ``parent_id`` is None and this is that redemption's request id — which the reversal's
    # payload also sends as ``request_id`` (design.md rule 3). The replication links the two.
    parent_request_id: str = ""
    # REDEEM only: write it although this code was redeemed here before (the cashier's 再次核销);
    # without it ``add`` refuses with ``AlreadyRedeemedHere`` in the same transaction.
    again: bool = False


@dataclass(frozen=True, slots=True)
class Operation:
    id: int
    kind: OpKind
    request_id: str
    code: str
    code_type: str
    quantity: int
    payload: dict[str, str]
    state: OpState
    created_at: datetime  # aware, UTC
    updated_at: datetime
    shop_id: str = ""
    order_no: str = ""
    operator: str = ""
    manager: str = ""
    reason: str = ""
    parent_id: int | None = None
    terminal: str = ""
    error_code: str = ""
    error_message: str = ""
    result: dict[str, str] = field(default_factory=dict)  # the gateway's answer fields
    attempts: int = 0
    next_retry_at: datetime | None = None
    item_name: str = ""
    amount: Decimal | None = None  # what the customer paid (buyer_pay_amount), when known
    reversed_by: int | None = None  # id of the SUCCEEDED (or open) reversal row, if any
    cashier: str = ""  # the cashier signed in when the row was written ("" = no sign-in)


@dataclass(frozen=True, slots=True)
class StateChange:
    operation_id: int
    state: OpState
    at: datetime
    error_code: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """A manager action that is not an operation: a settings change, a key import, a PIN set."""

    id: int
    at: datetime
    actor: str
    action: str
    detail: str = ""
    terminal: str = ""


@dataclass(frozen=True, slots=True)
class DayTotals:
    day: date
    redeemed_count: int  # SUCCEEDED redemptions not reversed
    redeemed_quantity: int
    redeemed_amount: Decimal
    reversed_count: int
    failed_count: int
    open_count: int  # PENDING or UNKNOWN
    review_count: int = 0  # REVIEW: counted apart, never as redeemed


@dataclass(frozen=True, slots=True)
class Settle:
    """How a row settles after an attempt."""

    state: OpState
    error_code: str = ""
    error_message: str = ""
    result: dict[str, str] = field(default_factory=dict)
    order_no: str = ""
    item_name: str = ""
    amount: Decimal | None = None
    next_retry_at: datetime | None = None
    note: str = ""
    # A reversal's answer that contradicts its redemption (USE_BIZ_ORDER_CLOSE): the parent row
    # moves to this state in the same transaction.
    parent_state: OpState | None = None


class Journal(Protocol):
    """The undo log. Every write is durable when the call returns."""

    def add(self, op: NewOperation) -> Operation:
        """Write ``op`` as PENDING. For REDEEM, refuses (``AlreadyInFlight``) while another
        REDEEM of the same code is PENDING/UNKNOWN, and (``AlreadyRedeemedHere``, unless
        ``op.again``) when one SUCCEEDED or in REVIEW is not reversed — check and insert are one
        atomic step, across threads and processes."""

    def settle(self, op_id: int, how: Settle) -> Operation:
        """Move a row to ``how.state`` (checked against ``TRANSITIONS``), count the attempt,
        record the change in the state history."""

    def get(self, op_id: int) -> Operation | None: ...

    def by_request_id(self, request_id: str, kind: OpKind | None = None) -> list[Operation]: ...

    def by_code(self, code: str, limit: int = 50) -> list[Operation]: ...

    def live_reversal_of(self, request_id: str) -> Operation | None:
        """This journal's open or SUCCEEDED reversal of the redemption with ``request_id``
        (its own or another till's), or None."""

    def open_operations(self, due_before: datetime | None = None) -> list[Operation]:
        """PENDING and UNKNOWN rows (optionally only those due for a retry), oldest first."""

    def reversible(
        self, day: date | None = None, limit: int = 200, *, search: str = ""
    ) -> list[Operation]:
        """SUCCEEDED redemptions with no SUCCEEDED or open reversal, newest first. ``search``
        matches like ``day_page``'s (code tail, order no, request id)."""

    def review_items(self, limit: int = 200) -> list[Operation]:
        """Rows in REVIEW (waiting for a manager's decision), newest first."""

    def day_page(
        self,
        day: date,
        *,
        offset: int = 0,
        limit: int = 100,
        search: str = "",
        states: frozenset[OpState] | None = None,
        kinds: frozenset[OpKind] | None = None,
        cashier: str | None = None,
    ) -> list[Operation]:
        """Rows created on ``day`` (local date), newest first. ``search`` matches a code tail,
        an order no, or a request id; ``cashier`` keeps one cashier's rows (``None``: all)."""

    def day_count(
        self,
        day: date,
        *,
        search: str = "",
        states: frozenset[OpState] | None = None,
        cashier: str | None = None,
    ) -> int: ...

    def totals(self, day: date) -> DayTotals: ...

    def history(self, op_id: int) -> list[StateChange]: ...

    def resolve(self, op_id: int, state: OpState, *, manager: str, reason: str) -> Operation:
        """A manager's decision on a REVIEW row (SUCCEEDED or FAILED), journaled with who and
        why in the row's history and the audit trail, in one transaction."""

    def audit(self, actor: str, action: str, detail: str = "", terminal: str = "") -> AuditEntry:
        """Record a manager action durably. ``detail`` must never hold a secret."""

    def audit_entries(self, day: date) -> list[AuditEntry]: ...

    def close(self) -> None: ...
