"""The main scan screen: always ready for the next voucher, and says in large type what happened.

States of the result card: idle ("请扫码"), busy (a redemption is in flight: a second scan is told
to wait), success (green), failure (red, the reason and what to do), unknown (amber "正在确认": the
service retries with the same request id; the card turns green or red on its own when the row
settles), review (amber-violet "需核对": a retry was told the voucher is used, perhaps by our own
first try; it is not retried, a manager decides on the 需核对 page) and "already redeemed here"
(when and by whom). Input mistakes are shown
inline under the card, never in a pop-up.

A settled card (green, red, needs review, already redeemed) goes back to "请扫码" after
``idle_reset_ms`` so a stale red card never greets the next customer; an amber "正在确认" card
stays, since it still changes on its own. Digits or letters typed by hand on this screen are not
dropped: ``typed`` hands them to manual entry (the scanner filter has already told them from a
scan burst). In training mode the idle card lists the demo codes to try.

Voucher lookups (``service.lookup``; read-only) run on the probe lane, so they never queue in front
of a redemption and never delay a card: a red card is shown at once and its generic reason is
replaced by the real cause when the lookup answers; a 次卡's success card gains 剩余 N 次; 再次核销
is offered only when the lookup says the voucher is multi-use with uses left; ``show_lookup`` is
the manual screen's 查询 (check before redeeming). A lookup that fails leaves the card as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from pos_app.core import codes
from pos_app.core.errors import AlreadyInFlight, InputInvalid, PosError
from pos_app.core.journal import Operation, OpKind, OpState
from pos_app.core.messages import Message, message_for
from pos_app.core.models import CodeType, VoucherInfo
from pos_app.core.service import (
    AlreadyRedeemedHere,
    OpOutcome,
    RedeemedElsewhere,
    review_message,
)
from pos_app.ui import messages as ui_text
from pos_app.ui.after_paint import after_next_paint
from pos_app.ui.scanner import scanner_chars
from pos_app.ui.sound import Cue, SoundPlayer
from pos_app.ui.tasks import in_background
from pos_app.ui.voucher_text import VoucherText
from pos_app.ui.widgets.result_card import CardState, CardView, ResultCard

if TYPE_CHECKING:
    from pos_app.core.service import RedemptionService
    from pos_app.ui.service_bridge import ServiceEvents
    from pos_app.ui.tasks import TaskManager

logger = logging.getLogger(__name__)

DEFAULT_IDLE_RESET_MS = 30_000
# Cards that are the final word on one customer's voucher: these go back to idle on their own.
_SETTLED_CARDS = frozenset(
    {CardState.SUCCESS, CardState.FAILURE, CardState.REVIEW, CardState.ALREADY}
)
# Failures whose reason is already exact: a lookup would only repeat it.
_EXACT_FAILURES = frozenset({"TICKET_CODE_NOT_EXIST", "NOT_SAME_MERCHANT_PID"})


@dataclass(frozen=True, slots=True)
class _Request:
    raw_code: str
    quantity: int
    code_type: CodeType | None
    key: str  # the normalised code, to recognise a second scan of the same voucher
    ticket_id: str = ""  # seed 003 凭证ID, typed with a third-party code on the manual screen


def _lookable(code: str) -> bool:
    """Only 12-digit platform codes can be looked up (ticketcode.query)."""
    return len(code) == codes.INTERNAL_CODE_LEN and code.isdigit()


def _display_code(code: str) -> str:
    """Masked and grouped: ``**** **** 9012``."""
    return codes.group_code(codes.mask_code(code))


class ScanScreen(QWidget):
    """Redeems what is scanned or typed. Built with its service, worker and event bridge."""

    busy_changed = Signal(bool)
    notice = Signal(str)  # one-line news for the status bar (an earlier "confirming" settled)
    typed = Signal(str)  # characters typed by hand here: manual entry takes them

    def __init__(
        self,
        service: RedemptionService,
        tasks: TaskManager,
        events: ServiceEvents | None = None,
        *,
        sounds: SoundPlayer | None = None,
        operator: str = "",
        now: Callable[[], datetime] | None = None,
        probe: TaskManager | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``probe``: the lane for lookups; without it the cards are shown without them."""
        super().__init__(parent)
        self.setObjectName("scanScreen")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # hand-typed keys land here, not nowhere
        self._service = service
        self._tasks = tasks
        self._probe = probe
        self._voucher_text = VoucherText(self)
        self._sounds = sounds or SoundPlayer(enabled=False)
        self.operator = operator
        self.cashier = ""  # the signed-in cashier (ui/shift.py); "" when nobody signs in
        self._now = now or (lambda: datetime.now(UTC))
        self._in_flight: _Request | None = None
        # What the card's action button sends, and whether as "again" (a 次卡's next use).
        self._again: tuple[_Request, bool] | None = None
        self._watching: Operation | None = None  # the UNKNOWN row the card shows
        self._confirming: dict[int, str] = {}  # UNKNOWN rows seen here: id -> masked code
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._refresh_unknown)
        self._demo_rows: tuple[tuple[str, str], ...] = ()
        self._card_op: int | None = None  # the journal row the card shows, if any
        self._idle_reset = QTimer(self)
        self._idle_reset.setSingleShot(True)
        self._idle_reset.timeout.connect(self._reset_if_settled)
        self.idle_reset_ms = DEFAULT_IDLE_RESET_MS

        self.card = ResultCard(self)
        self.card.action_clicked.connect(self._redeem_again)
        self.input_error = QLabel(self)
        self.input_error.setObjectName("inputError")
        self.input_error.setWordWrap(True)
        self.input_error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.input_error.setTextFormat(Qt.TextFormat.PlainText)
        self.input_error.setStyleSheet("color: #b71c1c; font-size: 20px; font-weight: bold;")
        self.input_error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 8)
        layout.addWidget(self.card, 1)
        layout.addWidget(self.input_error)
        if events is not None:
            events.outcome.connect(self.on_service_outcome)
        self.reset()

    # ----------------------------------------------------------------- public
    @property
    def busy(self) -> bool:
        return self._in_flight is not None

    def submit(
        self,
        raw_code: str,
        quantity: int = 1,
        code_type: CodeType | None = None,
        *,
        again: bool = False,
        ticket_id: str = "",
    ) -> bool:
        """Redeem in the background. False when refused at once (busy: told inline)."""
        key = self._key_of(raw_code, code_type)
        request = _Request(raw_code, quantity, code_type, key, ticket_id)
        if self._in_flight is not None:
            if request.key == self._in_flight.key:
                self._show_input_error(ui_text.pick(message_for("ALREADY_IN_FLIGHT")))
            else:
                self._show_input_error(
                    self.tr(
                        "Still redeeming the previous voucher. Scan this one again when it is done."
                    )
                )
            self._sounds.play(Cue.ATTENTION)
            return False
        self._clear_input_error()
        self._set_in_flight(request)
        self._watching = None
        self._countdown.stop()
        service, operator, cashier = self._service, self.operator, self.cashier
        # Queued first, the busy card built while the worker already redeems (issue #13). The
        # outcome comes back as a queued signal, so it is shown after the busy card, never before.
        in_background(
            self._tasks,
            self,
            lambda: service.redeem(
                raw_code,
                quantity,
                code_type=code_type,
                operator=operator,
                again=again,
                ticket_id=ticket_id,
                cashier=cashier,
            ),
            self._on_outcome,
            self._on_error,
            label="redeem",
        )
        self._show_view(self._busy_view(request))
        return True

    def show_waiting(self, raw_code: str) -> None:
        """A scan that came while the till is still connecting: it is redeemed (or refused)
        as soon as the platform is up; nothing has been sent yet."""
        self._clear_input_error()
        self._countdown.stop()
        self._show_view(
            CardView(
                CardState.BUSY,
                self.tr("Connecting to the platform…"),
                headline=_display_code(self._key_of(raw_code, None)),
                detail=self.tr("Scan received: it is redeemed as soon as the till is connected."),
            )
        )

    def reset(self) -> None:
        """Back to "scan a voucher" (Esc). A redemption in flight keeps its busy card."""
        self._clear_input_error()
        if self.busy:
            return
        self._watching = None
        self._again = None
        self._countdown.stop()
        self._show_view(self._idle_view())

    def set_idle_reset(self, seconds: int) -> None:
        """How long a settled card stays before "请扫码" (0: until the next scan or Esc)."""
        self.idle_reset_ms = max(0, seconds) * 1000
        if self.card.state in _SETTLED_CARDS:
            self._arm_idle_reset()

    def set_demo_codes(self, rows: tuple[tuple[str, str], ...]) -> None:
        """(what it is, code) pairs the idle card lists in training mode; () hides them."""
        self._demo_rows = rows
        if self.card.state is CardState.IDLE:
            self._show_view(self._idle_view())

    def shows_operation(self, op_id: int) -> bool:
        """Whether the card shows that journal row's outcome right now."""
        return self._card_op == op_id

    def reset_if_settled(self) -> None:
        """Back to "请扫码" unless a redemption is in flight or still being confirmed (the
        manager screen locked: whoever comes next must not see the last customer's card)."""
        self._reset_if_settled()

    def on_service_outcome(self, outcome: OpOutcome) -> None:
        """Any row settled (on the UI thread): update the card if it shows that row."""
        op = outcome.operation
        if op.kind is not OpKind.REDEEM:
            return
        watching = self._watching
        if watching is not None and op.id == watching.id and not self.busy:
            self._show_outcome(outcome, announce=op.state is not OpState.UNKNOWN)
        elif op.id in self._confirming and op.state is OpState.REVIEW:
            text = self.tr("Voucher %1 needs review: ask the manager to check it.")
            self.notice.emit(ui_text.arg(text, _display_code(op.code)))
            self._sounds.play(Cue.ATTENTION)
        elif op.id in self._confirming and outcome.settled:
            done = op.state is OpState.SUCCEEDED
            text = (
                self.tr("Voucher %1 confirmed: redeemed.")
                if done
                else self.tr("Voucher %1 confirmed: NOT redeemed.")
            )
            self.notice.emit(ui_text.arg(text, _display_code(op.code)))
            self._sounds.play(Cue.SUCCESS if done else Cue.FAILURE)
        if not op.state.is_open:
            self._confirming.pop(op.id, None)

    # ----------------------------------------------------------------- idle reset, typing
    def _show_view(self, view: CardView, op_id: int | None = None) -> None:
        self._card_op = op_id
        self.card.show_view(view)
        if view.state in _SETTLED_CARDS:
            self._arm_idle_reset()
        else:
            self._idle_reset.stop()

    def _update_view(self, view: CardView) -> None:
        """The card shown now, changed (a lookup's answer): it stays about the same operation."""
        self._show_view(view, self._card_op)

    def _arm_idle_reset(self) -> None:
        if self.idle_reset_ms > 0:
            self._idle_reset.start(self.idle_reset_ms)
        else:
            self._idle_reset.stop()

    def _reset_if_settled(self) -> None:
        if not self.busy and self.card.state in _SETTLED_CARDS:
            self.reset()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        chars = "" if event.modifiers() & ~plain else scanner_chars(event.text())
        if chars and chars.isalnum():
            self.typed.emit(chars)
            event.accept()
            return
        super().keyPressEvent(event)

    # ----------------------------------------------------------------- results
    def _on_outcome(self, outcome: OpOutcome) -> None:
        self._set_in_flight(None)
        self._show_outcome(outcome, announce=True)

    def _show_outcome(self, outcome: OpOutcome, *, announce: bool) -> None:
        op = outcome.operation
        if op.state is OpState.SUCCEEDED:
            view, cue = self._success_view(outcome), Cue.SUCCESS
        elif op.state is OpState.FAILED:
            view, cue = self._failure_view(outcome), Cue.FAILURE
        elif op.state is OpState.REVIEW:
            view, cue = self._review_view(outcome), Cue.ATTENTION
        else:
            view, cue = self._unknown_view(op, outcome), Cue.ATTENTION
        if op.state.is_open:
            self._watching = op
            self._confirming[op.id] = _display_code(op.code)
            self._countdown.start()
        else:
            self._watching = None
            self._countdown.stop()
        self._again = None
        self._show_view(view, op.id)
        if announce:
            self._sounds.play(cue)
        if op.state is OpState.FAILED:
            self._explain_failure(op, outcome.error_code or op.error_code)
        elif op.state is OpState.SUCCEEDED:
            request = _Request(op.code, 1, CodeType(op.code_type), op.code)
            # After the card is painted: the lookup's work on the probe lane would otherwise
            # compete with painting the answer (issue #13).
            after_next_paint(self.card, lambda: self._offer_next_use(request, view))

    # ----------------------------------------------------------------- lookups (probe lane)
    def show_lookup(
        self,
        raw_code: str,
        quantity: int = 1,
        code_type: CodeType | None = None,
        *,
        ticket_id: str = "",
    ) -> bool:
        """查询: the voucher card (item, price, validity, uses left) with 核销 as the next step.
        Nothing is redeemed. False when refused at once (busy, or no lookup lane)."""
        key = self._key_of(raw_code, code_type)
        if self.busy or self._probe is None:
            if self.busy:
                self._show_input_error(
                    self.tr("Still redeeming the previous voucher. Look this one up when done.")
                )
            return False
        self._clear_input_error()
        self._watching = None
        self._countdown.stop()
        self._again = None
        request = _Request(raw_code, quantity, code_type, key, ticket_id)
        looking = CardView(
            CardState.BUSY,
            self.tr("Looking up…"),
            headline=_display_code(key),
            detail=self.tr("Checking the voucher with the platform. Nothing is redeemed."),
        )
        self._show_view(looking)
        service = self._service
        in_background(
            self._probe,
            self,
            lambda: service.explain_failure(raw_code),
            lambda result: self._show_voucher(looking, request, result),
            lambda error: self._lookup_failed(looking, key, error),
            label="lookup",
        )
        return True

    def _show_voucher(
        self, looking: CardView, request: _Request, result: tuple[VoucherInfo, Message | None]
    ) -> None:
        if self.card.view is not looking:  # a scan or Esc moved the card on meanwhile
            return
        info, why = result
        view = self._voucher_text.lookup_view(info, why)
        self._again = (request, False) if view.action else None
        self._show_view(view)

    def _lookup_failed(self, looking: CardView, key: str, error: Exception) -> None:
        if self.card.view is not looking:
            return
        code = error.code if isinstance(error, PosError) else "POS_ERROR"
        self._show_view(
            CardView(
                CardState.FAILURE,
                self.tr("Could not look up"),
                headline=ui_text.error_text(error),
                rows=((self.tr("Code"), _display_code(key)),),
                detail=self.tr("Nothing was redeemed."),
                footnote=ui_text.arg(self.tr("Error code: %1"), code),
            )
        )
        self._sounds.play(Cue.FAILURE)

    def _explain_failure(self, op: Operation, code: str) -> None:
        """Replace the red card's generic reason with the real cause, once the lookup answers."""
        if self._probe is None or not _lookable(op.code) or code in _EXACT_FAILURES:
            return
        shown = self.card.view
        looking = replace(shown, detail=self.tr("Looking up the reason…"))
        self._update_view(looking)
        service = self._service
        in_background(
            self._probe,
            self,
            lambda: service.explain_failure(op.code),
            lambda result: self._explained(looking, shown, result[1]),
            lambda _error: self._explained(looking, shown, None),
            label="lookup",
        )

    def _explained(self, looking: CardView, shown: CardView, why: Message | None) -> None:
        if self.card.view is not looking:
            return
        if why is None:  # the lookup does not tell (or failed): the generic reason stays
            self._update_view(shown)
            return
        detail = self.tr("Checked with the platform just now.")
        self._update_view(replace(shown, headline=ui_text.pick(why), detail=detail))

    def _offer_next_use(self, request: _Request, shown: CardView) -> None:
        """After a redemption (or "already redeemed here"): a 次卡 shows its uses left, and
        再次核销 is offered only when the lookup says uses are left."""
        if self._probe is None or self._probe.closed or not _lookable(request.key):
            return  # closed: the window closed before the card was painted
        service = self._service
        in_background(
            self._probe,
            self,
            lambda: service.lookup(request.key),
            lambda info: self._show_uses_left(shown, request, info),
            lambda _error: None,  # logged by the lane; the card stays as it is
            label="lookup",
        )

    def _show_uses_left(self, shown: CardView, request: _Request, info: VoucherInfo) -> None:
        if self.card.view is not shown:
            return
        if not info.multi_use:
            if shown.state is CardState.ALREADY:
                detail = self.tr("A single-use voucher cannot be redeemed again.")
                self._update_view(replace(shown, detail=detail))
            return
        rows = (*shown.rows, (self.tr("Uses left"), self._voucher_text.uses_left(info)))
        action = self.tr("Redeem again (multi-use card)") if info.can_redeem_again else ""
        self._again = (replace(request, quantity=1), True) if action else None
        self._update_view(replace(shown, rows=rows, action=action))

    def _on_error(self, error: Exception) -> None:
        request = self._in_flight
        self._set_in_flight(None)
        if isinstance(error, AlreadyRedeemedHere) and request is not None:
            self._again = None
            self._show_view(self._already_view(error))
            self._sounds.play(Cue.ATTENTION)
            self._offer_next_use(request, self.card.view)
            return
        if isinstance(error, (InputInvalid, AlreadyInFlight)):
            self._show_view(self._idle_view())
            self._show_input_error(ui_text.error_text(error))
            self._sounds.play(Cue.FAILURE if isinstance(error, InputInvalid) else Cue.ATTENTION)
            return
        code = error.code if isinstance(error, PosError) else "POS_ERROR"
        self._show_view(
            CardView(
                CardState.FAILURE,
                self.tr("Not redeemed"),
                headline=ui_text.error_text(error),
                footnote=ui_text.arg(self.tr("Error code: %1"), code),
            )
        )
        self._sounds.play(Cue.FAILURE)

    def _redeem_again(self) -> None:
        pending = self._again
        if pending is not None and not self.busy:
            request, again = pending
            self.submit(
                request.raw_code,
                request.quantity,
                request.code_type,
                again=again,
                ticket_id=request.ticket_id,
            )

    def _refresh_unknown(self) -> None:
        op = self._watching
        if op is None or self.card.state is not CardState.UNKNOWN:
            self._countdown.stop()
            return
        view = self.card.view
        self._show_view(
            CardView(
                view.state, view.title, view.headline, view.rows, self._progress(op), view.footnote
            ),
            op.id,
        )

    # ----------------------------------------------------------------- views
    def _idle_view(self) -> CardView:
        detail = self.tr(
            "Scan the code on the customer's phone with the scanner, or press F2 to type it."
        )
        if self._demo_rows:
            detail += "\n" + self.tr("Training mode: try these demo codes.")
        rows = tuple((label, codes.group_code(code)) for label, code in self._demo_rows)
        return CardView(CardState.IDLE, self.tr("Scan a voucher"), rows=rows, detail=detail)

    def _busy_view(self, request: _Request) -> CardView:
        return CardView(
            CardState.BUSY,
            self.tr("Redeeming…"),
            headline=_display_code(request.key),
            rows=((self.tr("Quantity"), str(request.quantity)),),
            detail=self.tr("Please wait. Do not scan this voucher again."),
        )

    def _success_view(self, outcome: OpOutcome) -> CardView:
        op, result = outcome.operation, outcome.redeem
        item = (result.item_name if result else "") or op.item_name
        amount = (result.buyer_pay_amount if result else None) or op.amount
        order_no = (result.order_no if result else "") or op.order_no
        rows = [(self.tr("Quantity"), str(op.quantity))]
        rows.append((self.tr("Customer paid"), ui_text.money(amount) or self.tr("not given")))
        if order_no:
            rows.append((self.tr("Order no."), order_no))
        rows.append((self.tr("Time"), ui_text.local_time(op.updated_at)))
        rows.append((self.tr("Code"), _display_code(op.code)))
        title = (
            self.tr("Redeemed (confirmed after a network retry)")
            if outcome.confirmed_on_retry
            else self.tr("Redeemed")
        )
        return CardView(
            CardState.SUCCESS,
            title,
            headline=item or self.tr("(the platform did not name the item)"),
            rows=tuple(rows),
            detail=ui_text.pick(outcome.message),  # e.g. "had already succeeded (repeat)"
            footnote=op.request_id,
        )

    def _failure_view(self, outcome: OpOutcome) -> CardView:
        op = outcome.operation
        code = outcome.error_code or op.error_code
        reason = ui_text.pick(outcome.message or message_for(code or "POS_ERROR"))
        return CardView(
            CardState.FAILURE,
            self.tr("Not redeemed"),
            headline=reason,
            rows=((self.tr("Code"), _display_code(op.code)),),
            footnote=ui_text.arg(self.tr("Error code: %1"), code) + f"  ·  {op.request_id}",
        )

    def _review_view(self, outcome: OpOutcome) -> CardView:
        """Not green (it may not have been ours), not red (it may have been), not the amber
        spinner (nothing is retried): the cashier hands it to the manager."""
        op = outcome.operation
        code = outcome.error_code or op.error_code
        return CardView(
            CardState.REVIEW,
            self.tr("Needs review"),
            headline=ui_text.pick(outcome.message or review_message(op)),
            rows=(
                (self.tr("Code"), _display_code(op.code)),
                (self.tr("Quantity"), str(op.quantity)),
            ),
            detail=self.tr("Ask the manager to check it (Manager → Needs review)."),
            footnote=ui_text.arg(self.tr("Error code: %1"), code) + f"  ·  {op.request_id}",
        )

    def _unknown_view(self, op: Operation, outcome: OpOutcome) -> CardView:
        code = outcome.error_code or op.error_code or "OUTCOME_UNKNOWN"
        return CardView(
            CardState.UNKNOWN,
            self.tr("Confirming…"),
            headline=ui_text.pick(outcome.message or message_for(code)),
            rows=(
                (self.tr("Code"), _display_code(op.code)),
                (self.tr("Quantity"), str(op.quantity)),
            ),
            detail=self._progress(op),
            footnote=ui_text.arg(self.tr("Error code: %1"), code) + f"  ·  {op.request_id}",
        )

    def _progress(self, op: Operation) -> str:
        if op.next_retry_at is None:
            return self.tr("Tried %n time(s).", "", op.attempts)
        left = int((op.next_retry_at - self._now()).total_seconds() + 0.999)
        if left <= 0:
            return self.tr("Tried %n time(s). Trying again now…", "", op.attempts)
        text = self.tr(
            "Tried %n time(s). Next try in %1 s; the card updates by itself.", "", op.attempts
        )
        return ui_text.arg(text, left)

    def _already_view(self, error: AlreadyRedeemedHere) -> CardView:
        """Redeemed before at this till, or (``RedeemedElsewhere``) today at another till of the
        shop — the store database said so before anything was sent."""
        previous = error.previous
        elsewhere = isinstance(error, RedeemedElsewhere)
        rows = [(self.tr("Redeemed at"), ui_text.local_time(previous.created_at))]
        rows.append((self.tr("By"), previous.operator or "—"))  # a person, not the till
        if previous.terminal:
            rows.append((self.tr("Till"), previous.terminal))
        rows.append((self.tr("Quantity"), str(previous.quantity)))
        if previous.item_name:
            rows.append((self.tr("Item"), previous.item_name))
        return CardView(
            CardState.ALREADY,
            self.tr("Already redeemed at another till")
            if elsewhere
            else self.tr("Already redeemed here"),
            headline=ui_text.pick(error.message),
            rows=tuple(rows),
            detail=(
                self.tr("Checking whether uses are left…")
                if self._probe is not None and _lookable(previous.code)
                else ""
            ),
            footnote=previous.request_id,
        )

    # ----------------------------------------------------------------- helpers
    @staticmethod
    def _key_of(raw_code: str, code_type: CodeType | None) -> str:
        try:
            return codes.normalize_code(raw_code, code_type).value
        except InputInvalid:
            return raw_code.strip()

    def _set_in_flight(self, request: _Request | None) -> None:
        was_busy = self.busy
        self._in_flight = request
        if was_busy != self.busy:
            self.busy_changed.emit(self.busy)

    def _show_input_error(self, text: str) -> None:
        self.input_error.setText(text)
        self.input_error.show()

    def _clear_input_error(self) -> None:
        self.input_error.clear()
        self.input_error.hide()
