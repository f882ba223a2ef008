"""Background work for the UI: serial lanes and one way to use them (style.md, "Threading").

Modelled on Anki's ``taskman``/``operations``. The app's lanes are named by ``Lane``:

* ``Lane.MONEY`` — every service call: redeem, reverse, sync, resolve_review, recover/retry, and
  the journal and keyring reads and writes around them. One job at a time, in submission order:
  exactly-once relies on it (one redemption at a time per terminal).
* ``Lane.PROBE`` — read-only probes that touch no money and write nothing (gateway health, the
  settings screen's connection test, voucher lookups — a lookup may read the journal's rows of
  its code, which the journal's lock allows from any thread). A slow or hanging probe never
  queues in front of a redemption, and a redemption never delays the health light.
* ``Lane.PRINT`` — receipts (``ui.receipts.ReceiptDesk``): a printer that is off or out of paper
  waits out its timeout here, never in front of a redemption or a lookup.

Every caller uses ``in_background``::

    in_background(tasks, self, lambda: service.redeem(code), self.show, label="redeem")

``fn`` runs on the lane's ``QThread``; ``done``/``failed`` run on the UI thread (the result
travels back as a queued Qt signal), and only while ``owner`` still exists. Every failure is
logged here, once. Without a ``failed`` handler the *default error display* runs: the error's
zh/en text (``PosError.message`` in the UI language) goes out on ``TaskManager.error_shown``,
which the main window shows in its status bar. A handler that cleans up and then wants the same
display calls ``TaskManager.show_error``.
"""

from __future__ import annotations

import enum
import itertools
import logging
import queue
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QThread, Signal

from pos_app.core.errors import PosError
from pos_app.ui.messages import error_text

logger = logging.getLogger(__name__)

T = TypeVar("T")

SuccessCallback = Callable[[Any], None]
FailureCallback = Callable[[Exception], None]


class Lane(enum.StrEnum):
    """The app's background lanes: the only ``TaskManager`` instances it makes."""

    MONEY = "service"
    PROBE = "probe"
    PRINT = "print"


@dataclass(frozen=True, slots=True)
class _Job:
    job_id: int
    fn: Callable[[], Any]
    label: str


@dataclass(frozen=True, slots=True)
class _Callbacks:
    label: str
    on_success: SuccessCallback
    on_failure: FailureCallback


class _Worker(QThread):
    """Runs queued jobs one after another until it meets the ``None`` sentinel."""

    def __init__(self, jobs: queue.Queue[_Job | None], manager: TaskManager) -> None:
        super().__init__()
        self._jobs = jobs
        self._manager = manager

    def run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                result = job.fn()
            except Exception as exc:
                self._manager.job_finished.emit(job.job_id, None, exc)
            else:
                self._manager.job_finished.emit(job.job_id, result, None)


class TaskManager(QObject):
    """One serial lane. Create it on the UI thread; call ``shutdown`` before exit."""

    # (job id, result, exception) — emitted on the worker, delivered on the UI thread.
    job_finished = Signal(int, object, object)
    busy_changed = Signal(bool)
    # The default error display: a cashier/manager-facing text for a failure nobody handled.
    error_shown = Signal(str)

    def __init__(self, name: str = Lane.MONEY, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = str(name)
        self._ids = itertools.count(1)
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._callbacks: dict[int, _Callbacks] = {}
        self._closed = False
        self.job_finished.connect(self._deliver)
        self._worker = _Worker(self._jobs, self)
        self._worker.setObjectName(f"{self._name}-worker")
        self._worker.start()

    @property
    def name(self) -> str:
        return self._name

    @property
    def closed(self) -> bool:
        """Shut down: ``submit`` refuses new jobs."""
        return self._closed

    # ----------------------------------------------------------------- submitting
    def submit(
        self,
        fn: Callable[[], Any],
        on_success: SuccessCallback,
        on_failure: FailureCallback,
        *,
        label: str,
    ) -> int:
        """Queue ``fn``. Callers use ``in_background``: it guards the owning widget and brings
        the default error display."""
        if self._closed:
            raise RuntimeError(f"task manager {self._name} is shut down")
        job_id = next(self._ids)
        was_busy = self.busy
        self._callbacks[job_id] = _Callbacks(label, on_success, on_failure)
        self._jobs.put(_Job(job_id, fn, label))
        if not was_busy:
            self.busy_changed.emit(True)
        return job_id

    # ----------------------------------------------------------------- state
    @property
    def busy(self) -> bool:
        """Whether a job is queued or running (its callback not yet delivered)."""
        return bool(self._callbacks)

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    def pending_labels(self) -> list[str]:
        """The labels of the jobs queued or running, oldest first (what this lane owes)."""
        return [entry.label for entry in self._callbacks.values()]

    def shutdown(self, timeout_s: float = 30.0) -> bool:
        """Let queued jobs finish (a redemption that has left cannot be cancelled), then stop.

        Returns whether the worker stopped within ``timeout_s``. Callbacks of jobs that finish
        after this call are not delivered.
        """
        if self._closed:
            return True
        self._closed = True
        self._jobs.put(None)
        stopped = self._worker.wait(int(timeout_s * 1000))
        if not stopped:
            logger.error("%s worker still busy after %.0fs at shutdown", self._name, timeout_s)
        self._callbacks.clear()
        return bool(stopped)

    # ----------------------------------------------------------------- errors (UI thread)
    def show_error(self, error: Exception) -> None:
        """The default error display: the error's text in the UI language on ``error_shown``."""
        self.error_shown.emit(error_text(error))

    # ----------------------------------------------------------------- delivery (UI thread)
    def _deliver(self, job_id: int, result: object, error: object) -> None:
        entry = self._callbacks.pop(job_id, None)
        if entry is None:  # shut down meanwhile
            return
        try:
            if not isinstance(error, Exception):
                entry.on_success(result)
                return
            _log_failure(self._name, entry.label, error)
            entry.on_failure(error)
        finally:
            if not self._callbacks:
                self.busy_changed.emit(False)


def _log_failure(lane: str, label: str, error: Exception) -> None:
    """Once per failure. A ``PosError`` is expected (its code says it all; its detail may name
    a voucher, so it is not logged); anything else is a defect: logged with its traceback."""
    if isinstance(error, PosError):
        logger.warning("%s job %s failed: %s", lane, label, error.code)
    else:
        logger.error("%s job %s failed unexpectedly", lane, label, exc_info=error)


def in_background(
    tasks: TaskManager,
    owner: QObject,
    fn: Callable[[], T],
    done: Callable[[T], None],
    failed: Callable[[Exception], None] | None = None,
    *,
    label: str,
) -> int:
    """Run ``fn`` on ``tasks``; ``done(result)`` or ``failed(error)`` on the UI thread.

    Both are dropped when ``owner`` was deleted meanwhile (a dialog closed, a screen rebuilt
    while the job waited behind a slow redemption). Without ``failed`` the lane's default error
    display shows the failure.
    """

    def on_done(result: T) -> None:
        if shiboken6.isValid(owner):
            done(result)
        else:
            logger.debug("dropped the answer of %s: its widget is gone", label)

    def on_failed(error: Exception) -> None:
        if not shiboken6.isValid(owner):
            logger.debug("dropped the failure of %s: its widget is gone", label)
        elif failed is not None:
            failed(error)
        else:
            tasks.show_error(error)

    return tasks.submit(fn, on_done, on_failed, label=label)
