"""One serial background worker for every service call (style.md, "Threading").

Modelled on Anki's ``taskman``/``operations``: the UI builds an operation, says what to do on
success and on failure, and runs it in the background::

    tasks.op(lambda: service.redeem(code)).success(show).failure(explain).run_in_background()

Jobs run one at a time, in the order they were submitted, on a single ``QThread`` fed by a queue.
The callbacks run on the UI thread (the result travels back as a queued Qt signal), so they may
touch widgets; the job itself never does.
"""

from __future__ import annotations

import itertools
import logging
import queue
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QThread, Signal

logger = logging.getLogger(__name__)

T = TypeVar("T")

SuccessCallback = Callable[[Any], None]
FailureCallback = Callable[[Exception], None]


@dataclass(frozen=True, slots=True)
class _Job:
    job_id: int
    fn: Callable[[], Any]
    label: str


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
    """A serial background worker. Create it on the UI thread; call ``shutdown`` before exit."""

    # (job id, result, exception) — emitted on the worker, delivered on the UI thread.
    job_finished = Signal(int, object, object)
    busy_changed = Signal(bool)

    def __init__(self, name: str = "service", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._ids = itertools.count(1)
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._callbacks: dict[int, tuple[str, SuccessCallback | None, FailureCallback | None]] = {}
        self._closed = False
        self.job_finished.connect(self._deliver)
        self._worker = _Worker(self._jobs, self)
        self._worker.setObjectName(f"{name}-worker")
        self._worker.start()

    # ----------------------------------------------------------------- submitting
    def op(self, fn: Callable[[], T], *, label: str = "") -> BackgroundOp[T]:
        """An operation to configure with ``success``/``failure`` and start."""
        return BackgroundOp(self, fn, label=label)

    def submit(
        self,
        fn: Callable[[], Any],
        on_success: SuccessCallback | None = None,
        on_failure: FailureCallback | None = None,
        *,
        label: str = "",
    ) -> int:
        """Queue ``fn``; its result (or exception) comes back to a callback on the UI thread."""
        if self._closed:
            raise RuntimeError(f"task manager {self._name} is shut down")
        job_id = next(self._ids)
        was_busy = self.busy
        self._callbacks[job_id] = (label or getattr(fn, "__name__", "job"), on_success, on_failure)
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

    # ----------------------------------------------------------------- delivery (UI thread)
    def _deliver(self, job_id: int, result: object, error: object) -> None:
        entry = self._callbacks.pop(job_id, None)
        if entry is None:  # shut down meanwhile
            return
        label, on_success, on_failure = entry
        try:
            if isinstance(error, Exception):
                if on_failure is not None:
                    on_failure(error)
                else:
                    logger.error("background job %s failed", label, exc_info=error)
            elif on_success is not None:
                on_success(result)
        finally:
            if not self._callbacks:
                self.busy_changed.emit(False)


class BackgroundOp(Generic[T]):
    """Fluent set-up of one background call: ``.success(cb).failure(cb).run_in_background()``."""

    def __init__(self, tasks: TaskManager, fn: Callable[[], T], *, label: str = "") -> None:
        self._tasks = tasks
        self._fn = fn
        self._label = label
        self._on_success: Callable[[T], None] | None = None
        self._on_failure: FailureCallback | None = None

    def success(self, callback: Callable[[T], None]) -> BackgroundOp[T]:
        self._on_success = callback
        return self

    def failure(self, callback: FailureCallback) -> BackgroundOp[T]:
        self._on_failure = callback
        return self

    def run_in_background(self) -> int:
        return self._tasks.submit(self._fn, self._on_success, self._on_failure, label=self._label)
