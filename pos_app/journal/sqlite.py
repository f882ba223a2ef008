"""The undo log in one SQLite file: the embedded default ``Journal``.

Durability: WAL with ``synchronous=FULL``; every write is one ``BEGIN IMMEDIATE`` transaction that
is committed (and so fsynced) before the method returns. ``BEGIN IMMEDIATE`` takes the file's write
lock *before* the checks, so "is this code already in flight?" and the insert are one atomic step
even between processes sharing the file; partial unique indexes enforce the same rules again in the
file itself (see ``migrations.py``).

Threading: one connection per journal object, opened with ``check_same_thread=False`` and guarded
by a re-entrant lock, so any thread may call any method; calls run one at a time (the GUI's serial
worker writes, readers on other threads wait for at most one short transaction). Other processes
use their own ``SqliteJournal`` on the same file; SQLite's locks (``busy_timeout`` 5 s) order them.

Files: the folder is created 0700 and the database 0600; SQLite creates ``-wal``/``-shm`` with the
database's mode, which is checked (and tightened) after opening.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import TracebackType

from pos_app.core.errors import (
    AlreadyInFlight,
    AlreadyRedeemedHere,
    InputInvalid,
    JournalError,
    NotReversible,
    PosError,
)
from pos_app.core.journal import (
    TRANSITIONS,
    AuditEntry,
    DayTotals,
    NewOperation,
    Operation,
    OpKind,
    OpState,
    Settle,
    StateChange,
)
from pos_app.journal.archive import ArchiveReport, archive_before
from pos_app.journal.migrations import migrate
from pos_app.journal.sqlite_rows import (
    IS_OPEN,
    LIVE,
    REDEEMED_HERE,
    REVERSIBLE,
    SELECT_OPERATIONS,
    day_filter,
    from_us,
    local_day,
    pack_fields,
    search_filter,
    to_operation,
    to_us,
)

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _translate(exc: sqlite3.Error, what: str) -> PosError:
    """A typed error for a SQLite failure. Constraint names only; never row contents."""
    text = str(exc)
    if isinstance(exc, sqlite3.IntegrityError):
        if text.endswith("operations.code"):
            return AlreadyInFlight(detail="another redemption of this code is open")
        if text.endswith("operations.parent_id"):
            return NotReversible(detail="the redemption already has a reversal")
        if text.endswith("operations.request_id"):
            return JournalError(detail="request id already used")
    return JournalError(detail=f"{what}: {type(exc).__name__}: {text}")


def _set_wal(conn: sqlite3.Connection) -> str:
    """Switch to WAL. Several processes opening a new file at once: the switch needs a lock that
    SQLite does not wait for (no busy handler), so "locked" is retried for up to the busy time."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _stored_payload(op: NewOperation) -> str | bytes:
    """A reversal's payload stays JSON text: the journal looks its ``request_id`` up in SQL (one
    live reversal per remote redemption, the outbox's parent link). Every other payload is packed
    (``pack_fields``); reversals are a small share of the rows."""
    if op.kind is OpKind.REVERSE:
        return json.dumps(op.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return pack_fields(op.payload)


def _as_added(op: NewOperation, op_id: int, now: datetime) -> Operation:
    """The row ``add`` just wrote, without reading it back (issue #13: no repeated journal
    reads on the money path); times go through the stored microseconds."""
    at = from_us(to_us(now))
    return Operation(
        id=op_id, kind=op.kind, request_id=op.request_id, code=op.code, code_type=op.code_type,
        quantity=op.quantity, payload=dict(op.payload), state=OpState.PENDING, created_at=at,
        updated_at=at, shop_id=op.shop_id, order_no=op.order_no, operator=op.operator,
        manager=op.manager, reason=op.reason, parent_id=op.parent_id, terminal=op.terminal,
        cashier=op.cashier,
    )  # fmt: skip


def _insert_audit(
    conn: sqlite3.Connection, at: datetime, actor: str, action: str, *, detail: str, terminal: str
) -> int:
    cur = conn.execute(
        "INSERT INTO audit (at_us, local_day, actor, action, detail, terminal)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (to_us(at), local_day(at), actor, action, detail, terminal),
    )
    return int(cur.lastrowid or 0)


class SqliteJournal:
    """``Journal`` on a SQLite file at ``path`` (created, with its folder, if missing)."""

    def __init__(
        self,
        path: Path,
        *,
        clock: Callable[[], datetime] | None = None,
        empty_ok: bool = False,
    ) -> None:
        """``empty_ok``: a journal file found empty (0 bytes) is warned about and started afresh
        (training); otherwise it is refused with ``JOURNAL_EMPTY`` (production)."""
        self.path = Path(path)
        self._clock = clock or _utc_now
        self._empty_ok = empty_ok
        self._lock = threading.RLock()
        self._closed = False
        try:
            self._conn = self._connect()
        except sqlite3.Error as exc:
            raise _translate(exc, f"cannot open the journal at {self.path}") from exc
        except OSError as exc:
            raise JournalError(detail=f"cannot open the journal at {self.path}: {exc}") from exc

    # --- opening -------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if not self.path.parent.exists():
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not self._existing_file_ok():
            self._create_aside()
        conn = sqlite3.connect(
            self.path,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,  # we issue BEGIN/COMMIT ourselves
            check_same_thread=False,  # guarded by self._lock
        )
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = _set_wal(conn)
            if str(mode).lower() != "wal":
                logger.warning("journal could not use WAL (mode %s); still synchronous", mode)
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn)
            self._tighten_modes()
        except BaseException:
            conn.close()
            raise
        return conn

    def _existing_file_ok(self) -> bool:
        """Whether a journal file is there to open. One of 0 bytes was truncated (a copy gone
        wrong, a full disk, a hand edit): this class never leaves one (``_create_aside``), and
        opening it would silently start a new, empty undo log with every open row gone."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return False
        if size:
            return True
        if not self._empty_ok:
            raise JournalError("JOURNAL_EMPTY", str(self.path))
        logger.warning(
            "THE JOURNAL %s IS EMPTY (0 bytes): its earlier rows are gone; starting a new one",
            self.path,
        )
        return True

    def _create_aside(self) -> None:
        """Build a new journal file (mode 0600, WAL header written) under a temporary name and
        link it into place, so a crash never leaves an empty file under the journal's name and
        a file another process created meanwhile is never replaced."""
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".new", dir=self.path.parent
        )
        os.close(fd)
        try:
            conn = sqlite3.connect(tmp_name, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode = WAL")
            finally:
                conn.close()
            with contextlib.suppress(FileExistsError):  # another process was first: use its file
                os.link(tmp_name, self.path)
        finally:
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(f"{tmp_name}{suffix}")

    def _tighten_modes(self) -> None:
        if os.name != "posix":
            return
        for suffix in ("", "-wal", "-shm"):
            file = Path(f"{self.path}{suffix}")
            try:
                if file.stat().st_mode & 0o077:
                    file.chmod(0o600)
            except FileNotFoundError:
                continue

    # --- plumbing --------------------------------------------------------------------------------

    @contextmanager
    def _write(self, what: str) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed before the block's caller gets control back."""
        with self._lock:
            conn = self._connection()
            try:
                conn.execute("BEGIN IMMEDIATE")
                yield conn
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback(conn)
                raise _translate(exc, what) from exc
            except BaseException:
                self._rollback(conn)
                raise

    @staticmethod
    def _rollback(conn: sqlite3.Connection) -> None:
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        except sqlite3.Error:
            logger.exception("journal rollback failed")

    def _connection(self) -> sqlite3.Connection:
        if self._closed:
            raise JournalError(detail="the journal is closed")
        return self._conn

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return list(self._connection().execute(sql, params))
            except sqlite3.Error as exc:
                raise _translate(exc, "journal read failed") from exc

    def _ops(self, where: str, params: Sequence[object] = (), tail: str = "") -> list[Operation]:
        """Operations matching ``where``: constant fragments only, values always bound."""
        sql = f"{SELECT_OPERATIONS} WHERE {where} {tail}"
        return [to_operation(row) for row in self._query(sql, params)]

    @staticmethod
    def _load(conn: sqlite3.Connection, op_id: int) -> Operation | None:
        row = conn.execute(f"{SELECT_OPERATIONS} WHERE o.id = ?", (op_id,)).fetchone()
        return None if row is None else to_operation(row)

    def _now(self) -> datetime:
        return self._clock().astimezone(UTC)

    # --- writes ----------------------------------------------------------------------------------

    def add(self, op: NewOperation) -> Operation:
        if not op.request_id:
            raise InputInvalid("INPUT_INVALID", "request_id", "empty request id")
        if not op.code:
            raise InputInvalid("INPUT_INVALID", "code", "empty code")
        now = self._now()
        with self._write("journal add failed") as conn:
            self._check_request_id(conn, op)
            if op.kind is OpKind.REDEEM:
                self._check_not_in_flight(conn, op.code)
                if not op.again:
                    self._check_not_redeemed_here(conn, op.code)
            elif op.kind is OpKind.REVERSE:
                self._check_reversible(conn, op)
            op_id = self._insert(conn, op, now)
            self._record_change(conn, op_id, OpState.PENDING, now, note="added")
        logger.debug("journal: added %s operation %d", op.kind.value, op_id)
        return _as_added(op, op_id, now)

    @staticmethod
    def _check_request_id(conn: sqlite3.Connection, op: NewOperation) -> None:
        row = conn.execute(
            "SELECT id FROM operations WHERE request_id = ? AND kind = ?",
            (op.request_id, op.kind.value),
        ).fetchone()
        if row is not None:
            raise JournalError(detail=f"{op.kind.value} request id already used by {row[0]}")

    @staticmethod
    def _check_not_in_flight(conn: sqlite3.Connection, code: str) -> None:
        row = conn.execute(
            "SELECT id FROM operations"
            " WHERE code = ? AND kind = 'REDEEM' AND state IN ('PENDING', 'UNKNOWN')",
            (code,),
        ).fetchone()
        if row is not None:
            raise AlreadyInFlight(detail=f"open operation {row[0]}")

    def _check_not_redeemed_here(self, conn: sqlite3.Connection, code: str) -> None:
        """Under the write lock, so two lanes scanning one 次卡 cannot both pass (issue #9.2)."""
        row = conn.execute(
            f"SELECT o.id FROM operations o WHERE o.code = ? AND {REDEEMED_HERE}"  # noqa: S608
            " ORDER BY o.id DESC LIMIT 1",
            (code,),
        ).fetchone()
        if row is not None:
            previous = self._load(conn, row[0])
            assert previous is not None  # noqa: S101 - found in the same transaction
            raise AlreadyRedeemedHere(previous)

    def _check_reversible(self, conn: sqlite3.Connection, op: NewOperation) -> None:
        if op.parent_id is None and op.parent_request_id:
            self._check_remote_reversible(conn, op)
            return
        if op.parent_id is None:
            raise NotReversible(detail="a reversal needs the redemption it reverses")
        parent = self._load(conn, op.parent_id)
        if parent is None or parent.kind is not OpKind.REDEEM:
            raise NotReversible(detail=f"operation {op.parent_id} is not a redemption")
        if parent.state is not OpState.SUCCEEDED:
            raise NotReversible(detail=f"redemption {parent.id} is {parent.state.value}")
        if parent.reversed_by is not None:
            raise NotReversible(detail=f"redemption {parent.id} has reversal {parent.reversed_by}")
        if parent.code != op.code:
            raise NotReversible(detail=f"the code differs from redemption {parent.id}")

    def _check_remote_reversible(self, conn: sqlite3.Connection, op: NewOperation) -> None:
        """Another till's redemption: it has no row here, so the reversal carries its request id
        (in the payload, as sent). Under the write lock, so this till never starts two live
        reversals of it, not even from two processes."""
        if op.payload.get("request_id") != op.parent_request_id:
            raise NotReversible(detail="the reversal must send the redemption's request id")
        local = conn.execute(
            "SELECT id FROM operations WHERE request_id = ? AND kind = 'REDEEM'",
            (op.parent_request_id,),
        ).fetchone()
        if local is not None:  # this till's own redemption: reversed through its row
            raise NotReversible(detail=f"redemption {local[0]} is in this journal")
        live = self._live_reversal(conn, op.parent_request_id, op.code)
        if live is not None:
            raise NotReversible(detail=f"the redemption has reversal {live}")

    @staticmethod
    def _live_reversal(conn: sqlite3.Connection, request_id: str, code: str | None) -> int | None:
        """Id of a live reversal that sends ``request_id`` (its redemption's), or None."""
        where = f"o.kind = 'REVERSE' AND {LIVE} AND json_extract(o.payload, '$.request_id') = ?"
        params: list[object] = [request_id]
        if code is not None:  # narrows the walk to the code's rows (ix_ops_code)
            where += " AND o.code = ?"
            params.append(code)
        row = conn.execute(
            f"SELECT o.id FROM operations o WHERE {where} ORDER BY o.id LIMIT 1",  # noqa: S608
            params,
        ).fetchone()
        return None if row is None else int(row[0])

    @staticmethod
    def _insert(conn: sqlite3.Connection, op: NewOperation, now: datetime) -> int:
        cursor = conn.execute(
            """
            INSERT INTO operations (
                kind, request_id, code, code_tail, code_type, quantity, payload, state,
                created_us, updated_us, local_day, shop_id, order_no, operator, manager, reason,
                parent_id, terminal, cashier
            ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (
                op.kind.value, op.request_id, op.code, op.code[-4:], op.code_type, op.quantity,
                _stored_payload(op), OpState.PENDING.value,
                to_us(now), to_us(now), local_day(now), op.shop_id, op.order_no, op.operator,
                op.manager, op.reason, op.parent_id, op.terminal, op.cashier,
            ),
        )  # fmt: skip
        assert cursor.lastrowid is not None  # noqa: S101 - an INSERT always sets it
        return cursor.lastrowid

    def settle(self, op_id: int, how: Settle) -> Operation:
        now = self._now()
        with self._write("journal settle failed") as conn:
            current = self._load(conn, op_id)
            if current is None:
                raise JournalError(detail=f"no operation {op_id}")
            if how.state not in TRANSITIONS[current.state]:
                raise JournalError(
                    detail=f"operation {op_id}: {current.state.value} -> {how.state.value} "
                    "is not allowed"
                )
            amount = how.amount if how.amount is not None else current.amount
            result = how.result or current.result
            conn.execute(
                """
                UPDATE operations SET
                    state = ?, updated_us = ?, attempts = attempts + 1, next_retry_us = ?,
                    error_code = ?, error_message = ?, result = ?, order_no = ?, item_name = ?,
                    amount = ?
                WHERE id = ?
                """,
                (
                    how.state.value, to_us(now),
                    None if how.next_retry_at is None else to_us(how.next_retry_at),
                    how.error_code, how.error_message,
                    pack_fields(result),
                    how.order_no or current.order_no, how.item_name or current.item_name,
                    None if amount is None else str(amount), op_id,
                ),
            )  # fmt: skip
            code, note = how.error_code, how.note
            self._record_change(conn, op_id, how.state, now, error_code=code, note=note)
            if how.parent_state is not None and current.parent_id is not None:
                self._move_parent(conn, current, how, now)
        # The row as the UPDATE left it, without reading it again (issue #13: no repeated
        # journal reads on the money path); times go through the stored microseconds.
        settled = dataclasses.replace(
            current,
            state=how.state,
            updated_at=from_us(to_us(now)),
            attempts=current.attempts + 1,
            next_retry_at=None if how.next_retry_at is None else from_us(to_us(how.next_retry_at)),
            error_code=how.error_code,
            error_message=how.error_message,
            result=dict(result),
            order_no=how.order_no or current.order_no,
            item_name=how.item_name or current.item_name,
            amount=None if amount is None else Decimal(str(amount)),
        )
        logger.debug("journal: operation %d %s -> %s", op_id, current.state, how.state)
        return settled

    @staticmethod
    def _record_change(
        conn: sqlite3.Connection,
        op_id: int,
        state: OpState,
        at: datetime,
        *,
        error_code: str = "",
        note: str = "",
    ) -> None:
        conn.execute(
            "INSERT INTO state_changes (operation_id, state, at_us, error_code, note)"
            " VALUES (?, ?, ?, ?, ?)",
            (op_id, state.value, to_us(at), error_code, note),
        )

    def _move_state(
        self, conn: sqlite3.Connection, op: Operation, state: OpState, at: datetime
    ) -> None:
        """A state change that is no attempt (attempts and answer fields stay as they are)."""
        if state not in TRANSITIONS[op.state]:
            raise JournalError(
                detail=f"operation {op.id}: {op.state.value} -> {state.value} is not allowed"
            )
        conn.execute(
            "UPDATE operations SET state = ?, updated_us = ? WHERE id = ?",
            (state.value, to_us(at), op.id),
        )

    def _move_parent(
        self, conn: sqlite3.Connection, child: Operation, how: Settle, at: datetime
    ) -> None:
        assert how.parent_state is not None and child.parent_id is not None  # noqa: S101
        parent = self._load(conn, child.parent_id)
        if parent is None or parent.state is how.parent_state:
            return
        self._move_state(conn, parent, how.parent_state, at)
        # The row's error code says why it is in review (the manager's list and the records show
        # it); the answer that settled the redemption stays in its history.
        conn.execute(
            "UPDATE operations SET error_code = ? WHERE id = ?", (how.error_code, parent.id)
        )
        note = f"reversal {child.request_id} answered {how.error_code}"
        self._record_change(
            conn, parent.id, how.parent_state, at, error_code=how.error_code, note=note
        )

    def resolve(self, op_id: int, state: OpState, *, manager: str, reason: str) -> Operation:
        if state not in (OpState.SUCCEEDED, OpState.FAILED):
            raise JournalError(detail=f"a review resolves to SUCCEEDED or FAILED, not {state}")
        now = self._now()
        with self._write("journal resolve failed") as conn:
            current = self._load(conn, op_id)
            if current is None or current.state is not OpState.REVIEW:
                raise JournalError(detail=f"operation {op_id} is not in review")
            self._move_state(conn, current, state, now)
            note = f"{manager}: {reason}"
            self._record_change(conn, op_id, state, now, error_code="REVIEW_RESOLVED", note=note)
            detail = f"{current.request_id} -> {state.value}: {reason}"
            _insert_audit(conn, now, manager, "review", detail=detail, terminal=current.terminal)
            resolved = self._load(conn, op_id)
        assert resolved is not None  # noqa: S101 - the row was there inside the transaction
        return resolved

    # --- reads -----------------------------------------------------------------------------------

    def get(self, op_id: int) -> Operation | None:
        found = self._ops("o.id = ?", (op_id,))
        return found[0] if found else None

    def by_request_id(self, request_id: str, kind: OpKind | None = None) -> list[Operation]:
        if kind is None:
            return self._ops("o.request_id = ?", (request_id,), "ORDER BY o.id")
        return self._ops(
            "o.request_id = ? AND o.kind = ?", (request_id, kind.value), "ORDER BY o.id"
        )

    def by_code(self, code: str, limit: int = 50) -> list[Operation]:
        return self._ops("o.code = ?", (code, max(limit, 0)), "ORDER BY o.id DESC LIMIT ?")

    def live_reversal_of(self, request_id: str) -> Operation | None:
        with self._lock:
            try:
                found = self._live_reversal(self._connection(), request_id, None)
            except sqlite3.Error as exc:
                raise _translate(exc, "journal read failed") from exc
        return None if found is None else self.get(found)

    def open_operations(self, due_before: datetime | None = None) -> list[Operation]:
        where = IS_OPEN
        if due_before is None:
            return self._ops(where, (), "ORDER BY o.id")
        where += " AND (o.next_retry_us IS NULL OR o.next_retry_us <= ?)"
        return self._ops(where, (to_us(due_before),), "ORDER BY o.id")

    def reversible(
        self, day: date | None = None, limit: int = 200, *, search: str = ""
    ) -> list[Operation]:
        where = REVERSIBLE
        params: list[object] = []
        if day is not None:
            where += " AND o.local_day = ?"
            params.append(day.isoformat())
        matches, search_params = search_filter(search)
        if matches:
            where += " AND " + matches
            params += search_params
        return self._ops(where, [*params, limit], "ORDER BY o.id DESC LIMIT ?")

    def review_items(self, limit: int = 200) -> list[Operation]:
        return self._ops("o.state = 'REVIEW'", (max(limit, 0),), "ORDER BY o.id DESC LIMIT ?")

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
        where, params = day_filter(day, search, states, kinds, cashier)
        return self._ops(where, [*params, max(limit, 0), max(offset, 0)],
                         "ORDER BY o.id DESC LIMIT ? OFFSET ?")  # fmt: skip

    def day_count(
        self,
        day: date,
        *,
        search: str = "",
        states: frozenset[OpState] | None = None,
        cashier: str | None = None,
    ) -> int:
        where, params = day_filter(day, search, states, None, cashier)
        sql = f"SELECT count(*) FROM operations o WHERE {where}"  # noqa: S608 - constant fragments
        return int(self._query(sql, params)[0][0])

    def totals(self, day: date) -> DayTotals:
        rows = self._query(
            "SELECT o.kind, o.state, o.quantity, o.amount, EXISTS (SELECT 1 FROM operations r"
            "  WHERE r.parent_id = o.id AND r.kind = 'REVERSE' AND r.state = 'SUCCEEDED')"
            " FROM operations o WHERE o.local_day = ?",
            (day.isoformat(),),
        )
        count = quantity = reversed_count = failed = open_count = review = 0
        amount = Decimal(0)
        for kind, state, qty, paid, was_reversed in rows:
            if OpState(state).is_open:
                open_count += 1
            elif state == OpState.FAILED:
                failed += 1
            elif state == OpState.REVIEW:
                review += 1
            elif kind == OpKind.REVERSE:
                reversed_count += 1
            elif kind == OpKind.REDEEM and not was_reversed:
                count += 1
                quantity += qty
                amount += Decimal(paid) if paid is not None else Decimal(0)
        return DayTotals(day, count, quantity, amount, reversed_count, failed, open_count, review)

    def days(self) -> list[date]:
        """Every local day with an operation, oldest first (what an archive file holds)."""
        rows = self._query("SELECT DISTINCT local_day FROM operations ORDER BY local_day")
        return [date.fromisoformat(day) for (day,) in rows]

    def history(self, op_id: int) -> list[StateChange]:
        rows = self._query(
            "SELECT state, at_us, error_code, note FROM state_changes"
            " WHERE operation_id = ? ORDER BY id",
            (op_id,),
        )
        return [
            StateChange(op_id, OpState(s), from_us(at), code, note) for s, at, code, note in rows
        ]

    def audit(self, actor: str, action: str, detail: str = "", terminal: str = "") -> AuditEntry:
        now = self._now()
        with self._write("journal audit failed") as conn:
            entry_id = _insert_audit(conn, now, actor, action, detail=detail, terminal=terminal)
        return AuditEntry(entry_id, now, actor, action, detail, terminal)

    def audit_entries(self, day: date) -> list[AuditEntry]:
        rows = self._query(
            "SELECT id, at_us, actor, action, detail, terminal FROM audit"
            " WHERE local_day = ? ORDER BY id",
            (day.isoformat(),),
        )
        return [AuditEntry(i, from_us(at), a, act, d, t) for i, at, a, act, d, t in rows]

    def durability(self) -> dict[str, str | int]:
        """The connection's safety settings as SQLite reports them (for tests and ``doctor``)."""
        names = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout", "user_version")
        return {name: self._query(f"PRAGMA {name}")[0][0] for name in names}

    # --- retention -------------------------------------------------------------------------------

    def archive(self, before: date, into: Path, *, keep_unpushed: bool = False) -> ArchiveReport:
        """Move settled rows of days before ``before`` into the journal file ``into`` (created if
        missing; rules in ``journal/archive.py``), then compact this file. ``keep_unpushed``: a
        store database is configured, so rows it has not committed yet stay."""
        if before > self._now().astimezone().date():
            raise InputInvalid("ARCHIVE_DATE_INVALID", "before", before.isoformat())
        if into.resolve() == self.path.resolve():
            raise InputInvalid("ARCHIVE_IS_JOURNAL", "file", str(into))
        try:
            SqliteJournal(into).close()  # made and migrated like any journal
        except JournalError as exc:
            raise InputInvalid("ARCHIVE_UNREADABLE", "file", exc.detail) from exc
        with self._lock:
            conn = self._connection()
            try:
                report = archive_before(conn, into, before, keep_unpushed=keep_unpushed)
                if report.moved:  # hand the freed pages back to the file system
                    conn.execute("VACUUM")
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as exc:
                raise _translate(exc, "journal archive failed") from exc
        return report

    # --- lifetime --------------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._conn.close()

    def __enter__(self) -> SqliteJournal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
