"""Logging for the app and the CLI: a rotating file in the app's log folder, warnings to stderr.

The file and stderr are written by a listener thread (issue #13): a redemption logs a few lines,
and writing them (formatting, encoding, the rotating file's size check) on the serial worker cost
about 0.19 ms of a 2.5 ms redeem. The caller only masks the message and puts the record on a
queue. The listener waits a moment after a quiet spell's first record, so that a redemption's
lines are written together after it rather than beside it (the writing holds the GIL), counts
the file's bytes itself, and flushes when its queue is empty; a warning is written at once, and
``flush_logging`` (a command's end) or exit (``atexit``) makes it write everything now.
"""

from __future__ import annotations

import atexit
import logging
import logging.handlers
import os
import queue
import re
import sys
import threading
from pathlib import Path
from typing import TextIO

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# A bare 12-digit run is an internal voucher code (order numbers and request ids are longer).
_INTERNAL_CODE = re.compile(r"(?<![0-9])[0-9]{8}([0-9]{4})(?![0-9])")


class MaskVoucherCodes(logging.Filter):
    """Last line of defence: a voucher code that reached a log message (e.g. inside a gateway's
    sub_msg) is masked before any handler writes it. Call sites mask codes themselves too."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Always the finished text: the record is written later, on the listener's thread, and
        # its arguments may have changed by then.
        record.msg = _INTERNAL_CODE.sub(r"********\1", record.getMessage())
        record.args = None
        return True


class _Coalescing(logging.handlers.QueueListener):
    """Writes a quiet spell's first record a moment late, with what came meanwhile, and
    flushes the files once the queue is empty.

    Writing a record holds the GIL; done at once, it ran beside the redemption that logged it
    and slowed it down (issue #13). A redemption's lines arrive within a few milliseconds, so
    they are written together just after it; a cashier's next scan comes seconds later.
    """

    PAUSE_S = 0.1

    def __init__(self, records: queue.Queue[logging.LogRecord], *handlers: logging.Handler) -> None:
        super().__init__(records, *handlers, respect_handler_level=True)
        self._records = records
        self.hurry = threading.Event()  # set: write now (a flush is waiting)

    def dequeue(self, block: bool) -> logging.LogRecord:
        if not self._records.empty():
            return self._records.get(block)
        for handler in self.handlers:
            handler.flush()
        record = self._records.get(block)
        # A warning is for a person watching the console: at once, as are the lines after it.
        if record is not self._sentinel and record.levelno < logging.WARNING:  # type: ignore[attr-defined]
            self.hurry.wait(self.PAUSE_S)
        return record


class _RotatingLog(logging.handlers.RotatingFileHandler):
    """``RotatingFileHandler`` that formats a record once and counts the file's size itself:
    the standard one formats it twice and asks the file system (two ``stat`` calls, a seek)
    for every record. Flushed by the listener when its queue runs empty, not per record."""

    def __init__(self, path: Path, *, max_bytes: int, backups: int) -> None:
        super().__init__(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
        self._size = os.path.getsize(path)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + self.terminator
            size = len(line.encode("utf-8", "replace"))
            if self._size + size >= self.maxBytes and self._size > 0:
                self.doRollover()  # reopens the file: empty now
                self._size = 0
            if self.stream is None:  # closed by doRollover with delay, or by close()
                self.stream = self._open()
            self.stream.write(line)
            self._size += size
        except Exception:  # logging's contract: report, never raise
            self.handleError(record)


class QueueToHandlers(logging.handlers.QueueHandler):
    """The one handler on the root logger: records go on a queue that ``listener`` writes out.

    ``flush`` waits until the listener has written everything queued so far (tests, shutdown);
    ``close`` stops the listener after it has drained the queue.
    """

    def __init__(self, handlers: list[logging.Handler]) -> None:
        records: queue.Queue[logging.LogRecord] = queue.Queue()
        super().__init__(records)
        self.records = records
        self.listener = _Coalescing(records, *handlers)
        self.listener.start()
        self._running = True

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        """The record itself: the queue stays in this process, so the standard copy and
        pre-formatting (made for queues to other processes) would only cost the caller time.
        ``MaskVoucherCodes`` has already masked its message."""
        return record

    def flush(self) -> None:
        if self._running:
            self.listener.hurry.set()
            try:
                self.records.join()
            finally:
                self.listener.hurry.clear()
        for handler in self.listener.handlers:
            handler.flush()

    def close(self) -> None:
        if self._running:  # stopping twice would wait forever
            self._running = False
            self.listener.stop()
        for handler in self.listener.handlers:
            handler.close()
        super().close()


class CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to ``sys.stderr`` as it is when the record is written, not as it was at set-up:
    the listener thread may write after a caller (a test harness, a redirect) swapped it, and
    the stream kept from before is then closed."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass  # StreamHandler.__init__ and setStream assign it: always sys.stderr here


def flush_logging() -> None:
    """Write out every record logged so far (a command's end: its warnings before it returns)."""
    for handler in logging.getLogger().handlers:
        if getattr(handler, "_pos_app", False):
            handler.flush()


def setup_logging(log_dir: Path, *, verbose: bool = False) -> Path:
    """Log to ``log_dir/pos_app.log`` (5 × 1 MB, owner-only); return the file's path."""
    log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = log_dir / "pos_app.log"
    root = logging.getLogger()
    if any(getattr(h, "_pos_app", False) for h in root.handlers):
        return path
    file_handler = _RotatingLog(path, max_bytes=1_000_000, backups=5)
    file_handler.setFormatter(logging.Formatter(_FORMAT))
    os.chmod(path, 0o600)
    console = CurrentStderr()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler = QueueToHandlers([file_handler, console])
    handler.addFilter(MaskVoucherCodes())  # before the record leaves the caller's thread
    handler._pos_app = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    atexit.register(handler.close)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    # urllib3 would log full URLs, whose query holds request parameters.
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    return path
