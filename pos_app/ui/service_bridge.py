"""The service, seen from the UI thread: its settle events as a Qt signal, and the retry pump.

``RedemptionService`` calls its listeners on whatever thread settled the row (our serial worker).
``ServiceEvents`` turns each call into a queued Qt signal, so slots run on the UI thread.

The service has no timer of its own: ``RetryPump`` recovers open rows at start-up and then asks
the worker to ``retry_due()`` whenever the next UNKNOWN row is due, so an amber card turns green
or red on its own. Every pump step is one job on the same serial worker as the redemptions.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from pos_app.core.journal import OpState
from pos_app.core.service import OpOutcome
from pos_app.ui.tasks import TaskManager, in_background

if TYPE_CHECKING:
    from pos_app.core.service import RedemptionService

logger = logging.getLogger(__name__)

IDLE_POLL_S = 30.0  # also look now and then when nothing is open (other terminals, clock jumps)
MIN_WAIT_S = 0.5


class ServiceEvents(QObject):
    """``outcome(OpOutcome)`` on the UI thread after every settle (redeem, retry, reverse, sync)."""

    outcome = Signal(object)

    def __init__(self, service: RedemptionService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        service.add_listener(self._from_worker)

    def _from_worker(self, outcome: OpOutcome) -> None:
        if shiboken6.isValid(self):  # the window may be gone while the worker drains
            self.outcome.emit(outcome)


class RetryPump(QObject):
    """Keeps UNKNOWN rows moving: ``start()`` once, then it schedules itself."""

    open_count_changed = Signal(int)
    # A row this pump's recover/retry brought to a definite answer or to REVIEW (OpOutcome):
    # news for the counter, which no cashier asked for at that moment.
    settled_in_background = Signal(object)

    def __init__(
        self,
        service: RedemptionService,
        tasks: TaskManager,
        *,
        idle_poll_s: float = IDLE_POLL_S,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._tasks = tasks
        self._idle_poll_s = idle_poll_s
        self._running = False
        self._in_queue = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)

    def start(self, *, recover: bool = True) -> None:
        """Settle what a previous run left open (``recover``), then keep retrying as due."""
        self._running = True
        if recover:
            self._in_queue = True
            service = self._service
            in_background(
                self._tasks,
                self,
                lambda: (service.recover(), service.seconds_to_next_retry(), service.open_count()),
                self._after,
                self._failed,
                label="recover",
            )
        else:
            self.wake(0)

    def stop(self) -> None:
        self._running = False
        self._timer.stop()

    def wake(self, seconds: float = 0.0) -> None:
        """Look again within ``seconds`` (sooner than planned only)."""
        if not self._running or self._in_queue:
            return
        wait_ms = int(max(0.0, seconds) * 1000)
        if self._timer.isActive() and self._timer.remainingTime() <= wait_ms:
            return
        self._timer.start(wait_ms)

    def note_outcome(self, outcome: OpOutcome) -> None:
        """An outcome arrived: an UNKNOWN one brings the next retry forward if needed."""
        op = outcome.operation
        if op.state is OpState.UNKNOWN and op.next_retry_at is not None:
            delay = (op.next_retry_at - op.updated_at).total_seconds()
            self.wake(max(MIN_WAIT_S, delay))

    def _tick(self) -> None:
        if not self._running or self._in_queue:
            return
        self._in_queue = True
        service = self._service
        in_background(
            self._tasks,
            self,
            lambda: (service.retry_due(), service.seconds_to_next_retry(), service.open_count()),
            self._after,
            self._failed,
            label="retry_due",
        )

    def _after(self, result: tuple[list[OpOutcome], float | None, int]) -> None:
        self._in_queue = False
        outcomes, next_s, open_count = result
        for outcome in outcomes:
            if outcome.settled or outcome.state is OpState.REVIEW:
                self.settled_in_background.emit(outcome)
        self.open_count_changed.emit(open_count)
        if not self._running:
            return
        self._timer.start(
            int(1000 * (self._idle_poll_s if next_s is None else max(MIN_WAIT_S, next_s)))
        )

    def _failed(self, _error: Exception) -> None:
        # Logged by the lane; not shown: the rows stay open and the next pass tries again.
        self._in_queue = False
        if self._running:
            self._timer.start(int(1000 * self._idle_poll_s))
