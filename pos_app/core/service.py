"""RedemptionService: exactly-once redeem, reverse and sync over the undo log. No Qt here.

Every operation follows the same four steps (design.md, "Exactly once, nothing lost"):
validate everything (nothing written, nothing sent on bad input) → write the row PENDING, durably →
send → settle it SUCCEEDED / FAILED / UNKNOWN. An UNKNOWN row is re-sent later with the same request
id and the same payload, taken from the journal, never rebuilt from fresh input.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import threading
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from pos_app.core import codes
from pos_app.core.clock import gateway_timestamp
from pos_app.core.errors import (
    AlreadyRedeemedHere,
    ConfigError,
    GatewayRejected,
    InputInvalid,
    JournalAfterSend,
    JournalError,
    NotReversible,
    NotReviewable,
    OutcomeUnknown,
    PosError,
    ProtocolDefect,
    RedeemedElsewhere,
)
from pos_app.core.journal import (
    DayTotals,
    Journal,
    NewOperation,
    Operation,
    OpKind,
    OpState,
    Settle,
    StateChange,
)
from pos_app.core.lookup import DEFAULT_TTL_S, VoucherLookup, explain
from pos_app.core.messages import Message, message_for
from pos_app.core.models import (
    CancelRequest,
    CancelResult,
    CodeType,
    RedeemRequest,
    RedeemResult,
    ShopType,
    SyncRequest,
    SyncResult,
    VoucherInfo,
)
from pos_app.core.result_fields import redeem_result_fields
from pos_app.core.store_views import StoreViews

logger = logging.getLogger(__name__)

# Seconds to wait before the n-th retry of an UNKNOWN row; the last value repeats (bounded backoff).
RETRY_DELAYS_S: tuple[float, ...] = (2, 5, 10, 30, 60, 120, 300)


class RedeemGateway(Protocol):
    def redeem(self, req: RedeemRequest) -> RedeemResult: ...

    def validate_redeem(self, req: RedeemRequest) -> None: ...


class AlipayGateway(Protocol):
    def cancel(self, req: CancelRequest, *, notify_url: str = "") -> CancelResult: ...

    def sync(self, req: SyncRequest) -> SyncResult: ...

    def validate_cancel(self, req: CancelRequest) -> None: ...

    def validate_sync(self, req: SyncRequest) -> None: ...

    def query(self, code: str, shop_id: str) -> VoucherInfo: ...


SendResult = tuple[Settle, RedeemResult | None]
_Req = typing.TypeVar("_Req", RedeemRequest, CancelRequest, SyncRequest)
Sender = Callable[[], SendResult]


__all__ = [
    "AlreadyRedeemedHere",
    "OpOutcome",
    "RedeemedElsewhere",
    "RedemptionService",
    "ShopConfig",
    "review_message",
]

# A retry of an UNKNOWN (or crashed PENDING) redemption answered with one of these may be hearing
# about our own first try: a manager decides (design.md rule 6), it is never a silent FAILED.
_USED_ANSWERS = frozenset({"TICKET_STATUS_ILLEGAL", "TICKET_ALREADY_USED"})
# A reversal told the redemption never completed contradicts a SUCCEEDED row in the journal.
_ORDER_GONE_ANSWERS = frozenset({"USE_BIZ_ORDER_CLOSE", "USE_BIZ_ORDER_NOT_EXIST"})


@dataclass(frozen=True, slots=True)
class OpOutcome:
    operation: Operation
    error_code: str = ""
    message: Message | None = None
    redeem: RedeemResult | None = None
    # A redemption whose earlier send got no answer and that a later send (same request id)
    # confirmed: the cashier must read "confirmed after a retry", never "already used".
    confirmed_on_retry: bool = False

    @property
    def state(self) -> OpState:
        return self.operation.state

    @property
    def settled(self) -> bool:
        """A definite answer; REVIEW waits for a manager, so it is not settled."""
        return self.operation.state in (OpState.SUCCEEDED, OpState.FAILED)


@dataclass(frozen=True, slots=True)
class _Reversal:
    """What a manager gave for a reversal (checked), and who is at the till."""

    reason: str
    manager: str
    operator: str
    order_no: str
    cashier: str


@dataclass(frozen=True, slots=True)
class ShopConfig:
    shop_id: str
    shop_type: ShopType = ShopType.INTERNAL
    terminal_id: str = ""
    affixes: tuple[str, ...] = ()


def retry_delay(attempts: int, wait_s: float = 0.0) -> float:
    """Delay before the next try after ``attempts`` tries; at least what the gateway asked."""
    index = max(0, min(attempts - 1, len(RETRY_DELAYS_S) - 1))
    return max(RETRY_DELAYS_S[index], wait_s)


class RedemptionService:
    def __init__(
        self,
        *,
        journal: Journal,
        top: Callable[[], RedeemGateway],
        alipay: Callable[[], AlipayGateway],
        shop: ShopConfig,
        clock: Callable[[], datetime] | None = None,
        lookup_ttl_s: float = DEFAULT_TTL_S,
        store: StoreViews | None = None,
    ) -> None:
        self._journal = journal
        self._store = store
        self._top = top
        self._alipay = alipay
        self._shop = shop
        self._clock = clock or (lambda: datetime.now(UTC))
        self._listeners: list[Callable[[OpOutcome], None]] = []
        self._other_modes: list[RedemptionService] = []
        # One attempt per row at a time within this process (retry timer vs. a manual recover).
        self._attempt_lock = threading.Lock()
        # Rows whose answer could not be written (disk full): the journal cannot hold their
        # backoff, so it is kept here — a full disk must not turn the retry timer into a flood.
        self._unrecorded: dict[int, tuple[int, datetime]] = {}
        self._lookups = VoucherLookup(self._alipay, ttl_s=lookup_ttl_s)

    def set_journal(self, journal: Journal) -> None:
        """Another undo log (a mode switch): used from the next operation on."""
        with self._attempt_lock:
            self._journal = journal

    def set_other_modes(self, services: list[RedemptionService]) -> None:
        """Services over other modes' undo logs whose open rows this one's ``recover``,
        ``retry_due``, ``seconds_to_next_retry`` and ``open_count`` include, each retried at its
        own gateway: a hand edit of the mode must not hide an UNKNOWN real redemption. Their
        outcomes are not passed to this service's listeners (their row ids are another file's)."""
        with self._attempt_lock:
            self._other_modes = list(services)

    def set_store(self, store: StoreViews | None) -> None:
        """The store database's views (None: no store database is configured)."""
        self._store = store

    @property
    def store_configured(self) -> bool:
        return self._store is not None

    def set_shop(self, shop: ShopConfig) -> None:
        """New shop settings, used from the next operation on (rows written keep their payload)."""
        self._shop = shop

    # ----------------------------------------------------------------- listeners
    def add_listener(self, callback: Callable[[OpOutcome], None]) -> None:
        self._listeners.append(callback)

    def _notify(self, outcome: OpOutcome) -> None:
        for callback in list(self._listeners):
            try:
                callback(outcome)
            except Exception:  # a listener's bug must not undo a settled operation
                logger.exception("outcome listener failed")

    # ----------------------------------------------------------------- redeem
    def redeem(
        self,
        raw_code: str,
        quantity: int | str = 1,
        *,
        code_type: CodeType | None = None,
        operator: str = "",
        again: bool = False,
        ticket_id: str = "",
        cashier: str = "",
    ) -> OpOutcome:
        """Redeem a code. A code redeemed here before (and not reversed) is refused with
        ``AlreadyRedeemedHere`` unless ``again``; one still open with ``AlreadyInFlight`` — both
        decided by the journal in the same transaction as the insert. ``cashier``: who is
        signed in at the till (kept on the row for the shift report)."""
        voucher = codes.normalize_code(raw_code, code_type, affixes=self._shop.affixes)
        count = codes.validate_quantity(quantity)
        ticket_id = codes.validate_ticket_id(ticket_id)
        if not self._shop.shop_id:
            raise ConfigError("CONFIG_ERROR", "shop.id is not set")
        top = self._top()  # ConfigError (missing keys) here, before anything is written
        request = RedeemRequest(
            ticket_request_id=codes.new_request_id("R"),
            ticket_code=voucher.value,
            quantity=count,
            shop_id=self._shop.shop_id,
            shop_type=self._shop.shop_type,
            gmt_biz=gateway_timestamp(self._clock()),
            ticket_id=ticket_id,
        )
        top.validate_redeem(request)  # every field as the wire needs it, before the journal
        if not again:
            self._check_redeemed_elsewhere(voucher.value)
        op = self._journal.add(
            NewOperation(
                kind=OpKind.REDEEM,
                request_id=request.ticket_request_id,
                code=voucher.value,
                code_type=voucher.code_type.value,
                quantity=count,
                payload=_payload(request),
                shop_id=request.shop_id,
                operator=operator,
                terminal=self._shop.terminal_id,
                cashier=cashier,
                again=again,
            )
        )
        logger.info("redeem %s x%d as %s", voucher.masked, count, op.request_id)
        return self._attempt(op, lambda: _send_redeem(top, op.payload))

    def _check_redeemed_elsewhere(self, code: str) -> None:
        """The cross-till re-scan warning: another till of the shop redeemed ``code`` today.
        Only when the store database answers at once; otherwise redeeming goes on as without
        one (the reader gives up within a fraction of a second, or at once while offline)."""
        if self._store is None:
            return
        today = self._clock().astimezone().date()
        try:
            elsewhere = self._store.redeemed_elsewhere(code, today)
        except PosError as exc:  # StoreUnavailable, or any store trouble: never block the till
            logger.info("re-scan check skipped: store database %s", exc.code)
            return
        if elsewhere:
            raise RedeemedElsewhere(elsewhere[0])

    # ----------------------------------------------------------------- reverse
    def reverse_request(
        self, request_id: str, *, reason: str, manager: str, operator: str = "", order_no: str = ""
    ) -> OpOutcome:
        """Reverse the redemption with ``request_id``: this till's own (as ``reverse``), or
        another till's found in the store database (``reverse_remote``)."""
        local = self._journal.by_request_id(request_id, OpKind.REDEEM)
        if local:
            return self.reverse(
                local[0].id, reason=reason, manager=manager, operator=operator, order_no=order_no
            )
        return self.reverse_remote(
            self.find_store_redemption(request_id),
            reason=reason,
            manager=manager,
            operator=operator,
            order_no=order_no,
        )

    def find_store_redemption(self, request_id: str) -> Operation:
        """Another till's redemption, from the store database (``NO_SUCH_REDEMPTION`` when it is
        not there; ``StoreUnavailable`` when the store cannot be asked)."""
        if self._store is None:  # as before there was a store database
            raise InputInvalid("FIELD_INVALID", "request_id", "no redemption with that request id")
        found = self._store.find_redemption(request_id)
        if found is None:
            raise InputInvalid("NO_SUCH_REDEMPTION", "request_id", "no redemption with that id")
        return found

    def reverse_remote(
        self,
        parent: Operation,
        *,
        reason: str,
        manager: str,
        operator: str = "",
        order_no: str = "",
        cashier: str = "",
    ) -> OpOutcome:
        """Reverse a redemption another till journaled (``parent``: its row in the store
        database). The reversal is journaled here, PENDING before sending as always, with the
        redemption's request id as ``request_id``/``request_biz_no`` — so any second reversal,
        from any till, is the same request and gets the gateway's idempotent answer. This till
        keeps at most one live reversal of it: a SUCCEEDED one is answered "already reversed"
        (nothing sent), an open one with its state as it stands (it is being retried)."""
        reason = codes.validate_reason(reason)
        if not manager:
            raise InputInvalid("FIELD_INVALID", "manager", "a manager must approve a reversal")
        if parent.kind is not OpKind.REDEEM or parent.state is not OpState.SUCCEEDED:
            raise NotReversible(detail=f"store operation {parent.id} is {parent.state.value}")
        mine = self._journal.live_reversal_of(parent.request_id)
        if mine is not None:
            if mine.state is OpState.SUCCEEDED:
                return OpOutcome(mine, "ALREADY_REVERSED", message_for("ALREADY_REVERSED"))
            return _outcome_of(mine)
        logger.info(
            "reverse %s of till %s by %s", parent.request_id, parent.terminal or "?", manager
        )
        return self._reverse(
            parent,
            _Reversal(reason, manager, operator, order_no, cashier or parent.cashier),
            remote=True,
        )

    def reverse(
        self,
        op_id: int,
        *,
        reason: str,
        manager: str,
        operator: str = "",
        order_no: str = "",
        cashier: str = "",
    ) -> OpOutcome:
        """Reverse a SUCCEEDED redemption. ``order_no``: typed by the manager when the row has
        none (external codes need one, seed 001); it is sent and kept on the reversal row.
        The row names both the approving ``manager`` and a ``cashier``: the one signed in at the
        till, else the redemption's own (so its shift report shows what was taken back)."""
        reason = codes.validate_reason(reason)
        if not manager:
            raise InputInvalid("FIELD_INVALID", "manager", "a manager must approve a reversal")
        parent = self._journal.get(op_id)
        if parent is None or parent.kind is not OpKind.REDEEM:
            raise NotReversible(detail=f"operation {op_id} is not a redemption")
        if parent.state is not OpState.SUCCEEDED or parent.reversed_by is not None:
            raise NotReversible(detail=f"operation {op_id} is {parent.state.value}")
        logger.info("reverse operation %d (%s) by %s", parent.id, parent.request_id, manager)
        return self._reverse(
            parent,
            _Reversal(reason, manager, operator, order_no, cashier or parent.cashier),
            remote=False,
        )

    def _reverse(self, parent: Operation, how: _Reversal, *, remote: bool) -> OpOutcome:
        """Journal and send the cancel of ``parent``: with its request id as ``request_id`` and
        ``request_biz_no`` (design.md rule 3), linked by row id, or — ``remote``, a redemption of
        another till — by its request id."""
        code_type = CodeType(parent.code_type)
        order_no = codes.reversal_order_no(how.order_no, known=parent.order_no, code_type=code_type)
        alipay = self._alipay()  # ConfigError before anything is written
        request = CancelRequest(
            request_id=parent.request_id,
            request_biz_no=parent.request_id,
            ticket_code=parent.code,
            quantity=parent.quantity,
            order_no=order_no,
            code_type=code_type,
        )
        alipay.validate_cancel(request)
        op = self._journal.add(
            NewOperation(
                kind=OpKind.REVERSE,
                request_id=codes.new_request_id("V"),
                code=parent.code,
                code_type=parent.code_type,
                quantity=parent.quantity,
                payload=_payload(request),
                shop_id=parent.shop_id,
                order_no=order_no,
                operator=how.operator,
                manager=how.manager,
                reason=how.reason,
                parent_id=None if remote else parent.id,
                parent_request_id=parent.request_id if remote else "",
                terminal=self._shop.terminal_id,
                cashier=how.cashier,
            )
        )
        return self._attempt(op, lambda: _send_cancel(alipay, op.payload))

    # ----------------------------------------------------------------- sync
    def sync(
        self,
        raw_code: str,
        remaining: int | str,
        *,
        order_no: str = "",
        code_type: CodeType | None = None,
        manager: str = "",
    ) -> OpOutcome:
        voucher = codes.normalize_code(raw_code, code_type, affixes=self._shop.affixes)
        count = codes.validate_quantity(remaining, field="remaining", minimum=0)
        order_no = order_no.strip() or self._known_order_no(voucher.value)
        codes.validate_field(order_no, field="order_no", max_len=32)
        alipay = self._alipay()  # ConfigError before anything is written
        request = SyncRequest(
            request_id=codes.new_request_id("S"),
            ticket_code=voucher.value,
            quantity=count,
            order_no=order_no,
            code_type=voucher.code_type,
            gmt_biz=gateway_timestamp(self._clock()),
            sync_shop_id=self._shop.shop_id,
        )
        alipay.validate_sync(request)
        op = self._journal.add(
            NewOperation(
                kind=OpKind.SYNC,
                request_id=request.request_id,
                code=voucher.value,
                code_type=voucher.code_type.value,
                quantity=count,
                payload=_payload(request),
                shop_id=self._shop.shop_id,
                order_no=order_no,
                manager=manager,
                terminal=self._shop.terminal_id,
            )
        )
        logger.info("sync %s remaining=%d as %s", voucher.masked, count, op.request_id)
        return self._attempt(op, lambda: _send_sync(alipay, op.payload, op.order_no))

    def _known_order_no(self, code: str) -> str:
        for earlier in self._journal.by_code(code, limit=20):
            if earlier.order_no:
                return earlier.order_no
        raise InputInvalid("FIELD_INVALID", "order_no", "order number required (口碑订单号)")

    # ----------------------------------------------------------------- lookup (read-only)
    def lookup(self, raw_code: str) -> VoucherInfo:
        """What the platform knows of a 12-digit code (status, item, validity, uses).

        The code is normalised as ``redeem`` does. Read-only: nothing is journaled and no money
        state changes; every error only means "could not look up" (``InputInvalid`` before
        anything is sent, ``GatewayRejected`` a definite answer, ``OutcomeUnknown`` untrusted).
        """
        return self._lookups.lookup(raw_code, self._shop.shop_id, affixes=self._shop.affixes)

    def explain_failure(self, raw_code: str) -> tuple[VoucherInfo, Message | None]:
        """The lookup of a code whose redemption failed, and the real cause in the cashier's
        words (None when the lookup does not tell). Reads this journal's rows of the code (to say
        whether it was used at this till or shop); writes nothing."""
        info = self.lookup(raw_code)
        earlier = self._journal.by_code(info.ticket_code, limit=20)
        shop = self._shop
        why = explain(
            info, earlier, shop_id=shop.shop_id, terminal=shop.terminal_id, now=self._clock()
        )
        return info, why

    # ----------------------------------------------------------------- retries
    def recover(self) -> list[OpOutcome]:
        """Re-send every open row now (start-up after a crash, or `pos-app recover`)."""
        own = self._retry_all(self._journal.open_operations())
        return own + self._in_other_modes(lambda other: other.recover())

    def retry_due(self) -> list[OpOutcome]:
        now = self._clock()
        due = self._journal.open_operations(due_before=now)
        own = self._retry_all([op for op in due if self._held_until(op) <= now])
        return own + self._in_other_modes(lambda other: other.retry_due())

    def _held_until(self, op: Operation) -> datetime:
        """When a row may be tried again: its journaled backoff, or the in-memory one."""
        journaled = op.next_retry_at or datetime.min.replace(tzinfo=UTC)
        held = self._unrecorded.get(op.id)
        return journaled if held is None else max(journaled, held[1])

    def _in_other_modes(
        self, retry: Callable[[RedemptionService], list[OpOutcome]]
    ) -> list[OpOutcome]:
        outcomes: list[OpOutcome] = []
        for other in self._other_modes:
            try:
                outcomes += retry(other)
            except PosError as exc:  # that log's trouble must not hide this one's outcomes
                logger.error("retry of another mode's open rows failed: %s", exc.code)
        return outcomes

    def _retry_all(self, ops: list[Operation]) -> list[OpOutcome]:
        outcomes: list[OpOutcome] = []
        for op in ops:
            try:
                outcomes.append(self._retry(op))
            except PosError as exc:  # e.g. the journal is busy: the other rows still get their try
                logger.error("retry of %s failed before settling: %s", op.request_id, exc.code)
        return outcomes

    def seconds_to_next_retry(self) -> float | None:
        now = self._clock()
        pending = self._journal.open_operations()
        waits = [(self._held_until(op) - now).total_seconds() for op in pending]
        waits += [
            w for other in self._other_modes if (w := other.seconds_to_next_retry()) is not None
        ]
        return max(0.0, min(waits)) if waits else None

    def _retry(self, op: Operation) -> OpOutcome:
        try:
            sender = self._sender_for(op)
        except ConfigError as exc:
            # Keys or settings went missing since the row was written: nothing can be sent, so the
            # row keeps its state and is tried again later.
            logger.warning("cannot retry %s: %s", op.request_id, exc.code)
            return OpOutcome(op, exc.code, exc.message)
        return self._attempt(op, sender, retry=True)

    def _sender_for(self, op: Operation) -> Sender:
        """The typed send function for a journal row, from its stored payload only."""
        if op.kind is OpKind.REDEEM:
            top = self._top()
            return lambda: _send_redeem(top, op.payload)
        alipay = self._alipay()
        if op.kind is OpKind.REVERSE:
            return lambda: _send_cancel(alipay, op.payload)
        return lambda: _send_sync(alipay, op.payload, op.order_no)

    # ----------------------------------------------------------------- one attempt
    def _attempt(self, op: Operation, send: Sender, *, retry: bool = False) -> OpOutcome:
        with self._attempt_lock:
            # A row added by this call is read again only for a retry: a fresh one cannot have
            # been settled meanwhile except by a retry elsewhere, which ``settle`` refuses.
            current = (self._journal.get(op.id) or op) if retry else op
            if not current.state.is_open:  # another worker or process settled it meanwhile
                return _outcome_of(current)
            how, redeem = self._classify(current, send, retry=retry)
            try:
                settled = self._journal.settle(current.id, how)
            except JournalError as exc:
                latest = self._settled_elsewhere(current.id)
                if latest is None:
                    return self._answer_not_recorded(current, how, exc)
                settled = latest  # settled concurrently by another process: keep its answer
            self._unrecorded.pop(current.id, None)
        self._lookups.forget(current.code)  # a cached lookup of this code is out of date now
        confirmed = retry and settled.kind is OpKind.REDEEM and settled.state is OpState.SUCCEEDED
        message = message_for("RETRY_CONFIRMED") if confirmed else _message(how)
        outcome = OpOutcome(settled, how.error_code, message, redeem, confirmed_on_retry=confirmed)
        self._notify(outcome)
        return outcome

    def _settled_elsewhere(self, op_id: int) -> Operation | None:
        try:
            latest = self._journal.get(op_id)
        except JournalError:
            return None
        return None if latest is None or latest.state.is_open else latest

    def _answer_not_recorded(self, op: Operation, how: Settle, exc: JournalError) -> OpOutcome:
        """The request left but its answer could not be written (e.g. the disk is full).

        The row is still open as it was written before the send, so it is re-sent with the same
        request id once the journal can be written again: the outcome is unknown — never
        "nothing was sent" (that is only true of a failure before the send).
        """
        logger.error(
            "%s: answer %s not recorded (%s); kept open for a retry",
            op.request_id,
            how.state.value,
            exc.detail,
        )
        tries = self._unrecorded.get(op.id, (op.attempts, self._clock()))[0] + 1
        hold = self._clock() + timedelta(seconds=retry_delay(tries))
        self._unrecorded[op.id] = (tries, hold)
        error = JournalAfterSend(exc.detail)
        outcome = OpOutcome(op, error.code, error.message)
        self._notify(outcome)
        return outcome

    def _classify(
        self, op: Operation, send: Sender, *, retry: bool
    ) -> tuple[Settle, RedeemResult | None]:
        """Send once and turn whatever happened into how the row settles."""
        try:
            return send()
        except ProtocolDefect as exc:
            logger.error(
                "REQUEST_ID_REPEAT for %s (%s): request ids collided; not retried",
                op.request_id,
                op.kind.value,
            )
            return self._failed(exc), None
        except GatewayRejected as exc:
            if op.kind is OpKind.REVERSE and exc.code == "REPEAT_CANCEL":
                # Already reversed under another request id: the redemption is reversed.
                return Settle(OpState.SUCCEEDED, error_code=exc.code, note=exc.code), None
            if op.kind is OpKind.REDEEM and retry and exc.code in _USED_ANSWERS:
                logger.warning("%s: retry answered %s: needs review", op.request_id, exc.code)
                why = "retry answered used: the first try may have redeemed"
                return self._review(exc, why), None
            if op.kind is OpKind.REVERSE and exc.code in _ORDER_GONE_ANSWERS:
                logger.warning("%s: %s: its redemption needs review", op.request_id, exc.code)
                failed = self._failed(exc)
                if op.parent_id is None:  # another till's redemption: not a row of this journal
                    return failed, None
                return dataclasses.replace(failed, parent_state=OpState.REVIEW), None
            return self._failed(exc), None
        except InputInvalid as exc:  # refused by the client before sending
            if retry:
                # An earlier attempt may have taken effect (the rules tightened since, e.g. after
                # an upgrade): this is no answer from the gateway, so the row stays UNKNOWN.
                logger.error("%s: stored payload now refused (%s)", op.request_id, exc.code)
                return self._unknown(op, exc.code, exc.detail, retry_delay(op.attempts + 1)), None
            return self._failed(exc), None
        except OutcomeUnknown as exc:
            delay = retry_delay(op.attempts + 1, exc.wait_s)
            logger.warning("%s for %s: retry in %.0fs", exc.code, op.request_id, delay)
            return self._unknown(op, exc.code, exc.detail, delay), None
        except Exception as exc:  # a bug after the request may have left: never guess an answer
            logger.exception("unexpected error while sending %s", op.request_id)
            delay = retry_delay(op.attempts + 1)
            return self._unknown(op, "OUTCOME_UNKNOWN", type(exc).__name__, delay), None

    def _unknown(self, op: Operation, code: str, detail: str, delay: float) -> Settle:
        return Settle(
            OpState.UNKNOWN,
            error_code=code,
            error_message=detail[:500],
            next_retry_at=self._clock() + timedelta(seconds=delay),
        )

    @staticmethod
    def _failed(exc: PosError) -> Settle:
        return Settle(OpState.FAILED, error_code=exc.code, error_message=exc.detail[:500])

    @staticmethod
    def _review(exc: PosError, why: str) -> Settle:
        return Settle(OpState.REVIEW, error_code=exc.code, error_message=exc.detail[:500], note=why)

    # ----------------------------------------------------------------- review
    def review_items(self, limit: int = 200) -> list[Operation]:
        """Rows waiting for a manager's decision, newest first."""
        return self._journal.review_items(limit=limit)

    def resolve_review(
        self, op_id: int, resolution: OpState, *, reason: str, manager: str
    ) -> Operation:
        """A manager settles a REVIEW row: the customer did consume (SUCCEEDED) or not (FAILED).

        Nothing is sent; the decision, who made it and why are journaled with the row.
        """
        reason = codes.validate_reason(reason)
        if not manager:
            raise InputInvalid("FIELD_INVALID", "manager", "a manager must decide a review")
        if resolution not in (OpState.SUCCEEDED, OpState.FAILED):
            raise InputInvalid("FIELD_INVALID", "resolve", "succeeded or failed")
        op = self._journal.get(op_id)
        if op is None or op.state is not OpState.REVIEW:
            raise NotReviewable(detail=f"operation {op_id} is not in review")
        with self._attempt_lock:
            resolved = self._journal.resolve(op_id, resolution, manager=manager, reason=reason)
        logger.info("review of %s resolved %s by %s", op.request_id, resolution.value, manager)
        self._notify(OpOutcome(resolved))
        return resolved

    # ----------------------------------------------------------------- read side
    def get(self, op_id: int) -> Operation | None:
        return self._journal.get(op_id)

    def find_request(self, request_id: str, kind: OpKind | None = None) -> list[Operation]:
        return self._journal.by_request_id(request_id, kind)

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
        return self._journal.day_page(
            day, offset=offset, limit=limit, search=search, states=states, kinds=kinds,
            cashier=cashier,
        )  # fmt: skip

    def day_count(
        self,
        day: date,
        *,
        search: str = "",
        states: frozenset[OpState] | None = None,
        cashier: str | None = None,
    ) -> int:
        return self._journal.day_count(day, search=search, states=states, cashier=cashier)

    def totals(self, day: date) -> DayTotals:
        return self._journal.totals(day)

    def reversible(self, limit: int = 200, *, search: str = "") -> list[Operation]:
        """Reversible redemptions, newest first; ``search`` as in ``day_page``."""
        return self._journal.reversible(limit=limit, search=search)

    def open_operations(self) -> list[Operation]:
        return self._journal.open_operations()

    # ----------------------------------------------------------------- the store views
    # The whole shop, from the store database (``StoreViews``): ``STORE_NOT_CONFIGURED`` without
    # one, ``StoreUnavailable`` while it cannot be reached. Rows carry store ids: reverse one
    # with ``reverse_request(op.request_id, …)``.
    def _views(self) -> StoreViews:
        if self._store is None:
            raise ConfigError("STORE_NOT_CONFIGURED")
        return self._store

    def shop_day_page(
        self,
        day: date,
        *,
        offset: int = 0,
        limit: int = 100,
        search: str = "",
        states: frozenset[OpState] | None = None,
        kinds: frozenset[OpKind] | None = None,
    ) -> list[Operation]:
        return self._views().shop_day_page(
            day, offset=offset, limit=limit, search=search, states=states, kinds=kinds
        )

    def shop_day_count(
        self, day: date, *, search: str = "", states: frozenset[OpState] | None = None
    ) -> int:
        return self._views().shop_day_count(day, search=search, states=states)

    def shop_totals(self, day: date) -> DayTotals:
        return self._views().shop_totals(day)

    def shop_reversible(self, limit: int = 200, *, search: str = "") -> list[Operation]:
        return self._views().shop_reversible(limit=limit, search=search)

    def open_count(self) -> int:
        """Open rows here and in the other modes' logs this service retries."""
        own = len(self._journal.open_operations())
        return own + sum(other.open_count() for other in self._other_modes)

    def history(self, op_id: int) -> list[StateChange]:
        return self._journal.history(op_id)


# --------------------------------------------------------------------- payloads
# The payload is what was sent, as strings; a retry rebuilds the request from it and nothing else.


def _payload(req: RedeemRequest | CancelRequest | SyncRequest) -> dict[str, str]:
    """The request's fields as strings: enums by value, an absent optional number as ""."""
    out: dict[str, str] = {}
    for f in dataclasses.fields(req):
        value = getattr(req, f.name)
        out[f.name] = "" if value is None else str(getattr(value, "value", value))
    return out


_FIELD_TYPES: dict[type, dict[str, typing.Any]] = {}


def _field_types(cls: type) -> dict[str, typing.Any]:
    """A request class's field types (evaluating its annotations is slow: once per class)."""
    hints = _FIELD_TYPES.get(cls)
    if hints is None:
        hints = _FIELD_TYPES[cls] = typing.get_type_hints(cls)
    return hints


def _request(cls: type[_Req], payload: dict[str, str]) -> _Req:
    """Rebuild a request from its stored payload, each field back to its declared type."""
    hints = _field_types(cls)
    values: dict[str, typing.Any] = {}
    for f in dataclasses.fields(cls):
        text = payload.get(f.name, "")
        kind = hints[f.name]
        if kind in (int, int | None):
            values[f.name] = int(text) if text else None
        elif isinstance(kind, type) and issubclass(kind, enum.Enum):
            values[f.name] = kind(text)
        else:
            values[f.name] = text
    return cls(**values)


def _send_redeem(client: RedeemGateway, payload: dict[str, str]) -> SendResult:
    result = client.redeem(_request(RedeemRequest, payload))
    how = Settle(
        OpState.SUCCEEDED,
        error_code=result.biz_code if result.repeat else "",
        result=redeem_result_fields(result),
        order_no=result.order_no,
        item_name=result.item_name,
        amount=result.buyer_pay_amount,
        note="repeat" if result.repeat else "",
    )
    return how, result


def _send_cancel(client: AlipayGateway, payload: dict[str, str]) -> SendResult:
    cancel = client.cancel(_request(CancelRequest, payload))
    return Settle(OpState.SUCCEEDED, note=cancel.biz_code), None


def _send_sync(client: AlipayGateway, payload: dict[str, str], order_no: str) -> SendResult:
    synced = client.sync(_request(SyncRequest, payload))
    how = Settle(OpState.SUCCEEDED, order_no=synced.order_no or order_no, note=synced.biz_code)
    return how, None


def _message(how: Settle) -> Message | None:
    """What the person at the till reads about this settlement (None: plain success)."""
    if how.state is OpState.REVIEW:
        return message_for("REVIEW_REDEEM")
    if how.parent_state is OpState.REVIEW:
        return message_for("REVIEW_PARENT")
    return message_for(how.error_code) if how.error_code else None


def review_message(op: Operation) -> Message:
    """Why a REVIEW row waits for a manager, from the answer that put it there: its reversal was
    told the order is closed or missing (REVIEW_PARENT), or a retry was told "used"."""
    if op.error_code in _ORDER_GONE_ANSWERS:
        return message_for("REVIEW_PARENT")
    return message_for("REVIEW_REDEEM")


def _outcome_of(op: Operation) -> OpOutcome:
    code = op.error_code
    if op.state is OpState.REVIEW:
        return OpOutcome(op, code, review_message(op))
    return OpOutcome(op, code, message_for(code) if code else None)
