"""``StoreReader``: the store database's views for the service and the GUI, never in the way.

The money path asks one question of the store database — "did another till redeem this code
today?" — and must never wait on PostgreSQL for more than a fraction of a second: a till keeps
redeeming when the store is down (docs/store.md). So every read here runs on one helper thread
with a deadline (``FAST_S`` for that question, ``VIEW_S`` for the screens' lists), on its own
connection with a server-side statement timeout. While the replicator says the store is offline,
or a read has just timed out, reads fail at once with ``StoreUnavailable`` instead of trying.

Implements core's ``StoreViews``; the connection is a ``PostgresJournal`` for this till.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import date
from typing import TypeVar

from pos_app.core.errors import PosError, StoreUnavailable
from pos_app.core.journal import DayTotals, Operation, OpKind, OpState
from pos_app.journal.postgres import PostgresJournal

logger = logging.getLogger(__name__)

T = TypeVar("T")

FAST_S = 0.5  # the re-scan check on the money path: a fraction of a second at most
VIEW_S = 5.0  # history, totals and the reversal list (probe lane)
STATEMENT_TIMEOUT_MS = 3000
BACKOFF_S = 10.0  # after a timeout or failure: fail fast for this long


class StoreReader:
    """Reads through ``connect`` (a ``PostgresJournal`` factory); ``reachable`` is the
    replicator's cached flag (False: offline, do not even try)."""

    def __init__(
        self,
        connect: Callable[[], PostgresJournal],
        reachable: Callable[[], bool | None] = lambda: None,
        *,
        fast_s: float = FAST_S,
        view_s: float = VIEW_S,
    ) -> None:
        self._connect = connect
        self._reachable = reachable
        self._fast_s = fast_s
        self._view_s = view_s
        self._store: PostgresJournal | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-reader")
        self._lock = threading.Lock()
        self._quiet_until = 0.0
        # Connect now, off the caller's thread: the first re-scan check then only reads.
        self._pool.submit(self._warm)

    # --- StoreViews ------------------------------------------------------------------------------

    def redeemed_elsewhere(self, code: str, day: date) -> list[Operation]:
        return self._read(lambda s: s.redeemed_elsewhere(code, day), self._fast_s)

    def find_redemption(self, request_id: str) -> Operation | None:
        return self._read(lambda s: s.find_redemption(request_id), self._view_s)

    def shop_reversible(
        self, day: date | None = None, limit: int = 200, *, search: str = ""
    ) -> list[Operation]:
        return self._read(lambda s: s.shop_reversible(day, limit, search=search), self._view_s)

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
        return self._read(
            lambda s: s.shop_day_page(
                day, offset=offset, limit=limit, search=search, states=states, kinds=kinds
            ),
            self._view_s,
        )

    def shop_day_count(
        self, day: date, *, search: str = "", states: frozenset[OpState] | None = None
    ) -> int:
        return self._read(
            lambda s: s.shop_day_count(day, search=search, states=states), self._view_s
        )

    def shop_totals(self, day: date) -> DayTotals:
        return self._read(lambda s: s.shop_totals(day), self._view_s)

    # --- plumbing --------------------------------------------------------------------------------

    def _read(self, fn: Callable[[PostgresJournal], T], deadline_s: float) -> T:
        """``fn`` on the helper thread, waited for at most ``deadline_s``."""
        with self._lock:
            if self._reachable() is False:
                raise StoreUnavailable(detail="the replicator reports the store offline")
            if time.monotonic() < self._quiet_until:
                raise StoreUnavailable(detail="the store database did not answer just now")
            # Reads queue on the one helper thread; each caller waits at most its deadline, and
            # after a timeout nobody queues for BACKOFF_S, so a hung server cannot pile them up.
            future: Future[T] = self._pool.submit(self._call, fn)
        try:
            return future.result(timeout=deadline_s)
        except FutureTimeout:
            self._quiet(f"no answer within {deadline_s:.1f}s")
            raise StoreUnavailable(detail=f"no answer within {deadline_s:.1f}s") from None
        except StoreUnavailable as exc:
            self._quiet(exc.detail)
            raise

    def _call(self, fn: Callable[[PostgresJournal], T]) -> T:
        """On the helper thread: (re)connect when needed, drop the connection after a failure."""
        try:
            if self._store is None:
                self._store = self._connect()
            return fn(self._store)
        except PosError as exc:
            self._drop()
            if isinstance(exc, StoreUnavailable):
                raise
            raise StoreUnavailable(detail=exc.detail) from exc

    def _warm(self) -> None:
        try:
            self._call(lambda store: store.schema_version())
        except StoreUnavailable as exc:
            logger.info("store views: not reachable yet (%s)", exc.detail)

    def _quiet(self, why: str) -> None:
        logger.info("store views: %s; not asked again for %.0fs", why, BACKOFF_S)
        self._quiet_until = time.monotonic() + BACKOFF_S

    def _drop(self) -> None:
        store, self._store = self._store, None
        if store is not None:
            try:
                store.close()
            except Exception:  # a broken connection may fail to close; it is dropped anyway
                logger.debug("store views: closing a broken connection failed", exc_info=True)

    def close(self) -> None:
        self._pool.submit(self._drop)
        self._pool.shutdown(wait=False)
