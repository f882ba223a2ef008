"""``Replicator``: pushes one till's outbox to the store database, in order, in batches.

Offline-first (docs/store.md): the till's SQLite journal is the write-ahead log and never waits for
the store. The replicator runs on its own thread with its own connections: it reads a batch from
the outbox (``journal.outbox``), writes it to PostgreSQL in one transaction
(``PostgresJournal.apply``, idempotent), and only after that commit moves the till's "pushed up
to" marks. A failure anywhere leaves the marks where they were, so the same rows go again later
(a batch pushed twice changes nothing). While the server is away it retries with a growing pause
(``RETRY_MAX_S``); connecting gives up after ``connect_timeout_s``.

No Qt here; the status bar and the CLI read ``status()``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pos_app.core.errors import PosError
from pos_app.journal.outbox import SqliteOutbox
from pos_app.journal.postgres import PostgresJournal

logger = logging.getLogger(__name__)

BATCH_ROWS = 500
INTERVAL_S = 1.0
# After a wake, wait this long for more changes: one push (and one write of the pushed-up-to mark
# into the till's journal) per burst instead of per change keeps the money path's file quiet.
# 0.5 s (issue #13, bench section 7): with 0.2 s, eight tills pushing on two cores made a
# redemption about 1.3× slower; now about 1.0–1.1×, with the store at most ~0.65 s behind
# (p99; goal < 1 s). The platform, not the store, is what refuses a code used twice.
COALESCE_S = 0.5
RETRY_MAX_S = 30.0


@dataclass(frozen=True, slots=True)
class ReplicationStatus:
    """What ``store status`` and the status bar show (门店库: 已同步 / 延迟 N 条 / 离线)."""

    configured: bool
    reachable: bool | None  # None: not tried yet
    pending: int
    last_push: datetime | None
    lag_s: float | None  # age of the oldest change still waiting; None when nothing waits

    def as_dict(self) -> dict[str, object]:
        return {
            "configured": self.configured,
            "reachable": bool(self.reachable),
            "pending": self.pending,
            "last_push": None if self.last_push is None else self.last_push.isoformat(),
            "lag_s": None if self.lag_s is None else round(self.lag_s, 3),
        }


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Replicator:
    """Pushes the journal file at ``journal_path`` through ``connect`` (a ``PostgresJournal``
    factory for this till). ``push()`` runs one catch-up now; ``start()`` runs it in the
    background until ``stop()``."""

    def __init__(
        self,
        journal_path: Path,
        connect: Callable[[], PostgresJournal],
        *,
        batch_rows: int = BATCH_ROWS,
        interval_s: float = INTERVAL_S,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._outbox = SqliteOutbox(journal_path)
        self._connect = connect
        self._store: PostgresJournal | None = None
        self._batch_rows = batch_rows
        self._interval_s = interval_s
        self._clock = clock
        self._lock = threading.Lock()  # one push at a time per replicator
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.reachable: bool | None = None
        self.last_error = ""

    # --- one catch-up ---------------------------------------------------------------------------

    def push(self) -> int:
        """Push until nothing is pending or something fails; returns the rows pushed now.

        Never raises for an unreachable store: ``reachable`` / ``last_error`` say what happened
        and the rows stay pending."""
        pushed = 0
        with self._lock:
            while not self._stopping.is_set():
                try:
                    batch = self._outbox.next_batch(self._batch_rows)
                    if not len(batch):
                        break
                    self._store_journal().apply(batch)
                except PosError as exc:
                    self._lost(exc)
                    break
                self._outbox.mark_pushed(batch, self._clock())
                self.reachable, self.last_error = True, ""
                pushed += len(batch)
        if pushed:
            logger.info("store: pushed %d outbox row(s)", pushed)
        return pushed

    def _store_journal(self) -> PostgresJournal:
        if self._store is None:
            self._store = self._connect()
        return self._store

    def _lost(self, exc: PosError) -> None:
        """The store failed (or the outbox could not be read): drop the connection, keep rows."""
        if self.reachable is not False:
            logger.warning("store database: %s (%s); rows wait in the outbox", exc.code, exc.detail)
        self.reachable, self.last_error = False, exc.code
        if self._store is not None:
            try:
                self._store.close()
            except Exception:  # a broken connection may fail to close; it is dropped anyway
                logger.debug("store: closing a broken connection failed", exc_info=True)
            self._store = None

    def status(self) -> ReplicationStatus:
        oldest = self._outbox.oldest_pending_at()
        lag = None if oldest is None else max(0.0, (self._clock() - oldest).total_seconds())
        return ReplicationStatus(
            True, self.reachable, self._outbox.pending(), self._outbox.last_push(), lag
        )

    def check_reachable(self) -> bool:
        """Connect (or reuse the connection) and read the schema version: the server answers."""
        with self._lock:
            try:
                self._store_journal().schema_version()
            except PosError as exc:
                self._lost(exc)
                return False
            self.reachable = True
            return True

    # --- background ------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="store-replicator", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Something was journaled: push soon instead of at the next interval."""
        self._wake.set()

    def _run(self) -> None:
        pause = self._interval_s
        while not self._stopping.is_set():
            try:
                self.push()
            except Exception:  # never let the thread die: the till must keep replicating
                logger.exception("store replicator: unexpected error")
                self.reachable = False
            ok = self.reachable is not False
            pause = self._interval_s if ok else min(max(pause * 2, 1.0), RETRY_MAX_S)
            if self._wake.wait(pause) and ok:
                self._stopping.wait(COALESCE_S)
            self._wake.clear()

    def stop(self) -> None:
        """Stop the thread (a push in progress finishes its batch) and close connections."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
        self._outbox.close()
