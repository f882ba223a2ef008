"""The store database: ``PostgresJournal``, a ``Journal`` over PostgreSQL (psycopg 3).

One PostgreSQL database holds the rows of every till of a store (and of several stores of a
chain): each row names its ``shop_id``, the ``terminal_id`` that journaled it, and that till's own
row id. Tills normally write their own SQLite journal and a ``Replicator`` (``pos_app.store``)
pushes it here through ``apply``; a till may also use this class directly as its journal.

As a ``Journal`` (the protocol in ``core/journal.py``) an instance acts for one till
(``shop_id`` + ``terminal_id``) with the same money rules as SQLite: every write is one
transaction, committed before the method returns; ``add`` takes a transaction-scoped advisory
lock per till, so "already in flight" and "already redeemed here" (here = this terminal) are
checked and the row inserted as one atomic step; a reversal locks its redemption's row, so one
live reversal per redemption holds even between tills; transitions follow ``TRANSITIONS``; REVIEW
rows are decided with ``resolve``. The ``Journal`` reads (``day_page``, ``reversible``,
``totals`` …) answer for this till.

Read API for the store views (the whole shop; rows name their till in ``Operation.terminal`` and
their cashier in ``Operation.operator``; ``Operation.id``/``parent_id`` are store ids):

* ``shop_day_page(day, offset=, limit=, search=, states=, kinds=)`` / ``shop_day_count(day, …)``
  / ``shop_totals(day)`` — the day's history and totals for every till of the shop;
* ``shop_reversible(day=None, limit=200, search="")`` — succeeded redemptions of any till, each
  once, without a live (open or succeeded) reversal from ANY till, newest first;
* ``find_redemption(request_id)`` — a redemption by its request id, whichever till made it;
* ``redeemed_elsewhere(code, day)`` — redemptions of ``code`` on ``day`` at another till that
  still count (succeeded or in review, not reversed): the cross-till re-scan warning;
* ``tills()`` — every till of the shop with its last push time (replication status).

Connection: ``connect_timeout`` is short (the replicator must give up fast while the server is
away); the password comes from the keyring (``store-db-password``), never from the URL.
Threading: one connection guarded by a lock, like ``SqliteJournal``.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg
from psycopg.rows import dict_row

from pos_app.core.errors import (
    AlreadyInFlight,
    AlreadyRedeemedHere,
    InputInvalid,
    JournalError,
    NotReversible,
    PosError,
    StoreUnavailable,
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
from pos_app.journal.outbox import Batch
from pos_app.journal.pg_apply import apply_batch
from pos_app.journal.pg_migrations import migrate, schema_version
from pos_app.journal.pg_rows import (
    IS_OPEN,
    LIVE,
    REDEEMED_HERE,
    REVERSIBLE,
    SELECT_OPERATIONS,
    SHOP,
    TILL,
    day_filter,
    search_filter,
    to_operation,
)

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 3
Row = dict[str, Any]
Conn = psycopg.Connection[Row]


def conninfo_from_url(url: str, password: str = "", *, connect_timeout_s: int = 3) -> str:
    """A libpq connection string from a ``store.database_url`` and the keyring's password."""
    parts = urlsplit(url)
    values: dict[str, str] = {
        "host": parts.hostname or "",
        "port": str(parts.port or 5432),
        "dbname": unquote(parts.path.lstrip("/")),
        "user": unquote(parts.username or ""),
        "connect_timeout": str(max(1, connect_timeout_s)),
        "application_name": "pos_app",
    }
    for key, found in parse_qs(parts.query).items():
        if key == "sslmode":
            values["sslmode"] = found[-1]
    if password:
        values["password"] = password
    return psycopg.conninfo.make_conninfo("", **values)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _local_day(at: datetime) -> date:
    return at.astimezone().date()


def _unavailable(exc: psycopg.Error, what: str) -> PosError:
    """Typed error for a psycopg failure: constraint names and SQLSTATE only, never values."""
    if isinstance(exc, psycopg.errors.UniqueViolation):
        return JournalError(detail=f"{what}: duplicate key")
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        return StoreUnavailable(detail=f"{what}: {type(exc).__name__}")
    return JournalError(detail=f"{what}: {type(exc).__name__} ({exc.sqlstate or '-'})")


@dataclass(frozen=True, slots=True)
class TillStatus:
    terminal_id: str
    last_push_at: datetime
    last_change_id: int


class PostgresJournal:
    """``Journal`` (and the store views) on the store database at ``conninfo``, for one till."""

    def __init__(
        self,
        conninfo: str,
        *,
        shop_id: str,
        terminal_id: str,
        clock: Callable[[], datetime] | None = None,
        statement_timeout_ms: int = 0,
    ) -> None:
        """``statement_timeout_ms``: the server cancels any statement that runs longer (0: no
        limit), for readers that must answer fast or not at all (``store.views``)."""
        self.shop_id = shop_id
        self.terminal_id = terminal_id
        self._clock = clock or _utc_now
        self._lock = threading.RLock()
        self._closed = False
        try:
            self._conn: Conn = psycopg.connect(
                conninfo, row_factory=dict_row, options="-c TimeZone=UTC"
            )
        except psycopg.Error as exc:
            raise StoreUnavailable(detail=f"cannot connect: {type(exc).__name__}") from exc
        try:
            migrate(self._conn)
            if statement_timeout_ms > 0:  # after migrating: a migration may take longer
                with self._conn.transaction():
                    self._conn.execute(f"SET statement_timeout = {int(statement_timeout_ms)}")
        except BaseException:
            self._conn.close()
            raise

    # --- plumbing --------------------------------------------------------------------------------

    @contextmanager
    def _write(self, what: str) -> Iterator[Conn]:
        with self._lock:
            conn = self._connection()
            try:
                with conn.transaction():
                    conn.execute(
                        "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                        (f"{self.shop_id}/{self.terminal_id}",),
                    )
                    yield conn
            except psycopg.Error as exc:
                raise _unavailable(exc, what) from exc

    def _connection(self) -> Conn:
        if self._closed:
            raise JournalError(detail="the store journal is closed")
        return self._conn

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        with self._lock:
            conn = self._connection()
            try:
                with conn.transaction():
                    return conn.execute(sql, params).fetchall()
            except psycopg.Error as exc:
                raise _unavailable(exc, "store read failed") from exc

    def _ops(self, where: str, params: Sequence[object] = (), tail: str = "") -> list[Operation]:
        sql = f"{SELECT_OPERATIONS} WHERE {where} {tail}"
        return [to_operation(row) for row in self._query(sql, params)]

    def _till(self) -> list[object]:
        return [self.shop_id, self.terminal_id]

    @staticmethod
    def _load(conn: Conn, op_id: int, *, lock: bool = False) -> Operation | None:
        if lock:  # lock the row itself first; the next statement sees the newest committed state
            conn.execute("SELECT id FROM operations WHERE id = %s FOR UPDATE", (op_id,))
        row = conn.execute(f"{SELECT_OPERATIONS} WHERE o.id = %s", (op_id,)).fetchone()
        return None if row is None else to_operation(row)

    def _now(self) -> datetime:
        return self._clock().astimezone(UTC)

    def schema_version(self) -> int:
        with self._lock, self._connection().transaction():
            return schema_version(self._conn)

    # --- writes ----------------------------------------------------------------------------------

    def add(self, op: NewOperation) -> Operation:
        if not op.request_id:
            raise InputInvalid("INPUT_INVALID", "request_id", "empty request id")
        if not op.code:
            raise InputInvalid("INPUT_INVALID", "code", "empty code")
        now = self._now()
        with self._write("store add failed") as conn:
            self._check_request_id(conn, op)
            if op.kind is OpKind.REDEEM:
                self._check_not_in_flight(conn, op.code)
                if not op.again:
                    self._check_not_redeemed_here(conn, op.code)
            elif op.kind is OpKind.REVERSE:
                op = self._with_store_parent(conn, op)
                self._check_reversible(conn, op)
            op_id = self._insert(conn, op, now)
            self._record_change(conn, op_id, OpState.PENDING, now, note="added")
            added = self._load(conn, op_id)
        assert added is not None  # noqa: S101 - just inserted in the same transaction
        return added

    def _check_request_id(self, conn: Conn, op: NewOperation) -> None:
        row = conn.execute(
            f"SELECT o.id FROM operations o WHERE {TILL} AND o.request_id = %s AND o.kind = %s",  # noqa: S608
            (*self._till(), op.request_id, op.kind.value),
        ).fetchone()
        if row is not None:
            raise JournalError(detail=f"{op.kind.value} request id already used by {row['id']}")

    def _check_not_in_flight(self, conn: Conn, code: str) -> None:
        row = conn.execute(
            f"SELECT o.id FROM operations o WHERE {TILL} AND o.code = %s"  # noqa: S608
            f" AND o.kind = 'REDEEM' AND {IS_OPEN}",
            (*self._till(), code),
        ).fetchone()
        if row is not None:
            raise AlreadyInFlight(detail=f"open operation {row['id']}")

    def _check_not_redeemed_here(self, conn: Conn, code: str) -> None:
        row = conn.execute(
            f"SELECT o.id FROM operations o WHERE {TILL} AND o.code = %s AND {REDEEMED_HERE}"  # noqa: S608
            " ORDER BY o.id DESC LIMIT 1",
            (*self._till(), code),
        ).fetchone()
        if row is not None:
            previous = self._load(conn, row["id"])
            assert previous is not None  # noqa: S101 - found in the same transaction
            raise AlreadyRedeemedHere(previous)

    def _with_store_parent(self, conn: Conn, op: NewOperation) -> NewOperation:
        """A reversal named by its redemption's request id (another till's row): here every
        till's rows are in one table, so it is linked by store id like any other."""
        if op.parent_id is not None or not op.parent_request_id:
            return op
        row = conn.execute(
            "SELECT o.id FROM operations o WHERE o.shop_id = %s AND o.request_id = %s"
            " AND o.kind = 'REDEEM' ORDER BY o.id LIMIT 1",
            (self.shop_id, op.parent_request_id),
        ).fetchone()
        if row is None:
            raise NotReversible(detail="no redemption with that request id in the store")
        return dataclasses.replace(op, parent_id=int(row["id"]))

    def _check_reversible(self, conn: Conn, op: NewOperation) -> None:
        if op.parent_id is None:
            raise NotReversible(detail="a reversal needs the redemption it reverses")
        parent = self._load(conn, op.parent_id, lock=True)
        if parent is None or parent.kind is not OpKind.REDEEM or parent.shop_id != self.shop_id:
            raise NotReversible(detail=f"operation {op.parent_id} is not a redemption")
        if parent.state is not OpState.SUCCEEDED:
            raise NotReversible(detail=f"redemption {parent.id} is {parent.state.value}")
        if parent.reversed_by is not None:
            raise NotReversible(detail=f"redemption {parent.id} has reversal {parent.reversed_by}")
        if parent.code != op.code:
            raise NotReversible(detail=f"the code differs from redemption {parent.id}")

    def _insert(self, conn: Conn, op: NewOperation, now: datetime) -> int:
        row = conn.execute("SELECT nextval(pg_get_serial_sequence('operations', 'id')) AS id")
        op_id = int(row.fetchone()["id"])  # type: ignore[index]
        parent_request_id = ""
        if op.parent_id is not None:
            found = conn.execute(
                "SELECT request_id FROM operations WHERE id = %s", (op.parent_id,)
            ).fetchone()
            parent_request_id = found["request_id"] if found else ""
        conn.execute(
            """
            INSERT INTO operations (
                id, shop_id, terminal_id, local_id, kind, request_id, code, code_tail, code_type,
                quantity, payload, state, created_at, updated_at, local_day, order_no, operator,
                manager, reason, parent_id, parent_local_id, parent_request_id, cashier
            ) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,
                      %s, %s, %s, %s)
            """,
            (
                op_id, self.shop_id, self.terminal_id, op_id, op.kind.value, op.request_id,
                op.code, op.code[-4:], op.code_type, op.quantity, json.dumps(op.payload),
                OpState.PENDING.value, now, now, _local_day(now), op.order_no, op.operator,
                op.manager, op.reason, op.parent_id, op.parent_id, parent_request_id, op.cashier,
            ),
        )  # fmt: skip
        return op_id

    def settle(self, op_id: int, how: Settle) -> Operation:
        now = self._now()
        with self._write("store settle failed") as conn:
            current = self._load(conn, op_id, lock=True)
            if current is None or not self._mine(current):
                raise JournalError(detail=f"no operation {op_id}")
            if how.state not in TRANSITIONS[current.state]:
                raise JournalError(
                    detail=f"operation {op_id}: {current.state.value} -> {how.state.value} "
                    "is not allowed"
                )
            amount = how.amount if how.amount is not None else current.amount
            conn.execute(
                """
                UPDATE operations SET
                    state = %s, updated_at = %s, attempts = attempts + 1, next_retry_at = %s,
                    error_code = %s, error_message = %s, result = %s, order_no = %s,
                    item_name = %s, amount = %s
                WHERE id = %s
                """,
                (
                    how.state.value, now, how.next_retry_at, how.error_code, how.error_message,
                    json.dumps(how.result or current.result), how.order_no or current.order_no,
                    how.item_name or current.item_name, amount, op_id,
                ),
            )  # fmt: skip
            self._record_change(
                conn, op_id, how.state, now, error_code=how.error_code, note=how.note
            )
            if how.parent_state is not None and current.parent_id is not None:
                self._move_parent(conn, current, how, now)
            settled = self._load(conn, op_id)
        assert settled is not None  # noqa: S101 - the row was there inside the transaction
        return settled

    def _mine(self, op: Operation) -> bool:
        return op.shop_id == self.shop_id and op.terminal == self.terminal_id

    def _record_change(
        self,
        conn: Conn,
        op_id: int,
        state: OpState,
        at: datetime,
        *,
        error_code: str = "",
        note: str = "",
    ) -> None:
        row = conn.execute("SELECT nextval(pg_get_serial_sequence('state_changes', 'id')) AS id")
        change_id = int(row.fetchone()["id"])  # type: ignore[index]
        conn.execute(
            "INSERT INTO state_changes (id, shop_id, terminal_id, local_change_id, operation_id,"
            " state, at, error_code, note) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (change_id, self.shop_id, self.terminal_id, change_id, op_id, state.value, at,
             error_code, note),
        )  # fmt: skip
        conn.execute("UPDATE operations SET last_change_id = %s WHERE id = %s", (change_id, op_id))

    def _move_state(self, conn: Conn, op: Operation, state: OpState, at: datetime) -> None:
        if state not in TRANSITIONS[op.state]:
            raise JournalError(
                detail=f"operation {op.id}: {op.state.value} -> {state.value} is not allowed"
            )
        conn.execute(
            "UPDATE operations SET state = %s, updated_at = %s WHERE id = %s",
            (state.value, at, op.id),
        )

    def _move_parent(self, conn: Conn, child: Operation, how: Settle, at: datetime) -> None:
        assert how.parent_state is not None and child.parent_id is not None  # noqa: S101
        parent = self._load(conn, child.parent_id, lock=True)
        if parent is None or parent.state is how.parent_state:
            return
        self._move_state(conn, parent, how.parent_state, at)
        conn.execute(
            "UPDATE operations SET error_code = %s WHERE id = %s", (how.error_code, parent.id)
        )
        note = f"reversal {child.request_id} answered {how.error_code}"
        self._record_change(
            conn, parent.id, how.parent_state, at, error_code=how.error_code, note=note
        )

    def resolve(self, op_id: int, state: OpState, *, manager: str, reason: str) -> Operation:
        if state not in (OpState.SUCCEEDED, OpState.FAILED):
            raise JournalError(detail=f"a review resolves to SUCCEEDED or FAILED, not {state}")
        now = self._now()
        with self._write("store resolve failed") as conn:
            current = self._load(conn, op_id, lock=True)
            if current is None or current.state is not OpState.REVIEW or not self._mine(current):
                raise JournalError(detail=f"operation {op_id} is not in review")
            self._move_state(conn, current, state, now)
            note = f"{manager}: {reason}"
            self._record_change(conn, op_id, state, now, error_code="REVIEW_RESOLVED", note=note)
            detail = f"{current.request_id} -> {state.value}: {reason}"
            self._insert_audit(
                conn, now, manager, "review", detail=detail, terminal=current.terminal
            )
            resolved = self._load(conn, op_id)
        assert resolved is not None  # noqa: S101 - the row was there inside the transaction
        return resolved

    def _insert_audit(
        self, conn: Conn, at: datetime, actor: str, action: str, *, detail: str, terminal: str
    ) -> int:
        row = conn.execute("SELECT nextval(pg_get_serial_sequence('audit', 'id')) AS id")
        entry_id = int(row.fetchone()["id"])  # type: ignore[index]
        conn.execute(
            "INSERT INTO audit (id, shop_id, terminal_id, local_id, at, local_day, actor, action,"
            " detail, terminal) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (entry_id, self.shop_id, self.terminal_id, entry_id, at, _local_day(at), actor,
             action, detail, terminal),
        )  # fmt: skip
        return entry_id

    def audit(self, actor: str, action: str, detail: str = "", terminal: str = "") -> AuditEntry:
        now = self._now()
        with self._write("store audit failed") as conn:
            entry_id = self._insert_audit(
                conn, now, actor, action, detail=detail, terminal=terminal
            )
        return AuditEntry(entry_id, now, actor, action, detail, terminal)

    # --- Journal reads (this till) ---------------------------------------------------------------

    def get(self, op_id: int) -> Operation | None:
        found = self._ops(f"{TILL} AND o.id = %s", [*self._till(), op_id])
        return found[0] if found else None

    def by_request_id(self, request_id: str, kind: OpKind | None = None) -> list[Operation]:
        where, params = f"{TILL} AND o.request_id = %s", [*self._till(), request_id]
        if kind is not None:
            where += " AND o.kind = %s"
            params.append(kind.value)
        return self._ops(where, params, "ORDER BY o.id")

    def by_code(self, code: str, limit: int = 50) -> list[Operation]:
        return self._ops(
            f"{TILL} AND o.code = %s", [*self._till(), code, max(limit, 0)],
            "ORDER BY o.id DESC LIMIT %s",
        )  # fmt: skip

    def live_reversal_of(self, request_id: str) -> Operation | None:
        found = self._ops(
            f"{TILL} AND o.kind = 'REVERSE' AND {LIVE} AND o.payload->>'request_id' = %s",
            [*self._till(), request_id], "ORDER BY o.id LIMIT 1",
        )  # fmt: skip
        return found[0] if found else None

    def open_operations(self, due_before: datetime | None = None) -> list[Operation]:
        where, params = f"{TILL} AND {IS_OPEN}", self._till()
        if due_before is not None:
            where += " AND (o.next_retry_at IS NULL OR o.next_retry_at <= %s)"
            params.append(due_before)
        return self._ops(where, params, "ORDER BY o.id")

    def reversible(
        self, day: date | None = None, limit: int = 200, *, search: str = ""
    ) -> list[Operation]:
        return self._reversible(TILL, self._till(), day, limit, search)

    def _reversible(
        self, scope: str, params: list[object], day: date | None, limit: int, search: str
    ) -> list[Operation]:
        where = f"{scope} AND {REVERSIBLE}"
        if day is not None:
            where += " AND o.local_day = %s"
            params = [*params, day]
        matches, search_params = search_filter(search)
        if matches:
            where += " AND " + matches
            params = [*params, *search_params]
        return self._ops(where, [*params, max(limit, 0)], "ORDER BY o.id DESC LIMIT %s")

    def review_items(self, limit: int = 200) -> list[Operation]:
        return self._ops(
            f"{TILL} AND o.state = 'REVIEW'", [*self._till(), max(limit, 0)],
            "ORDER BY o.id DESC LIMIT %s",
        )  # fmt: skip

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
        return self._day_page(
            TILL, self._till(), day,
            offset=offset, limit=limit, search=search, states=states, kinds=kinds,
            cashier=cashier,
        )  # fmt: skip

    def _day_page(
        self,
        scope: str,
        scope_params: list[object],
        day: date,
        *,
        offset: int,
        limit: int,
        search: str,
        states: frozenset[OpState] | None,
        kinds: frozenset[OpKind] | None,
        cashier: str | None = None,
    ) -> list[Operation]:
        where, params = day_filter(day, search, states, kinds, cashier)
        return self._ops(
            f"{scope} AND {where}", [*scope_params, *params, max(limit, 0), max(offset, 0)],
            "ORDER BY o.created_at DESC, o.id DESC LIMIT %s OFFSET %s",
        )  # fmt: skip

    def day_count(
        self,
        day: date,
        *,
        search: str = "",
        states: frozenset[OpState] | None = None,
        cashier: str | None = None,
    ) -> int:
        return self._day_count(TILL, self._till(), day, search, states, cashier=cashier)

    def _day_count(
        self,
        scope: str,
        scope_params: list[object],
        day: date,
        search: str,
        states: frozenset[OpState] | None,
        *,
        cashier: str | None = None,
    ) -> int:
        where, params = day_filter(day, search, states, None, cashier)
        sql = f"SELECT count(*) AS n FROM operations o WHERE {scope} AND {where}"  # noqa: S608
        return int(self._query(sql, [*scope_params, *params])[0]["n"])

    def totals(self, day: date) -> DayTotals:
        return self._totals(TILL, self._till(), day)

    def _totals(self, scope: str, scope_params: list[object], day: date) -> DayTotals:
        rows = self._query(
            "SELECT o.id, o.kind, o.state, o.quantity, o.amount, o.parent_id, EXISTS ("  # noqa: S608
            "  SELECT 1 FROM operations r WHERE r.parent_id = o.id AND r.kind = 'REVERSE'"
            f"  AND r.state = 'SUCCEEDED') AS was_reversed FROM operations o"
            f" WHERE {scope} AND o.local_day = %s",
            [*scope_params, day],
        )
        count = quantity = failed = open_count = review = 0
        amount = Decimal(0)
        reversed_parents: set[object] = set()  # two tills' reversals of one redemption count once
        for row in rows:
            state, kind = OpState(row["state"]), OpKind(row["kind"])
            if state.is_open:
                open_count += 1
            elif state is OpState.FAILED:
                failed += 1
            elif state is OpState.REVIEW:
                review += 1
            elif kind is OpKind.REVERSE:
                reversed_parents.add(row["parent_id"] or ("row", row["id"]))
            elif kind is OpKind.REDEEM and not row["was_reversed"]:
                count += 1
                quantity += row["quantity"]
                amount += row["amount"] if row["amount"] is not None else Decimal(0)
        return DayTotals(
            day, count, quantity, amount, len(reversed_parents), failed, open_count, review
        )

    def history(self, op_id: int) -> list[StateChange]:
        rows = self._query(
            "SELECT state, at, error_code, note FROM state_changes WHERE operation_id = %s"
            " ORDER BY local_change_id",
            (op_id,),
        )
        return [
            StateChange(op_id, OpState(r["state"]), r["at"], r["error_code"], r["note"])
            for r in rows
        ]

    def audit_entries(self, day: date) -> list[AuditEntry]:
        rows = self._query(
            "SELECT id, at, actor, action, detail, terminal FROM audit o"  # noqa: S608
            f" WHERE {TILL} AND o.local_day = %s ORDER BY o.at, o.id",
            [*self._till(), day],
        )
        return [
            AuditEntry(r["id"], r["at"], r["actor"], r["action"], r["detail"], r["terminal"])
            for r in rows
        ]

    # --- the store views (the whole shop) --------------------------------------------------------

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
        """Every till's rows created on ``day`` (the till's local date), newest first."""
        return self._day_page(
            SHOP, [self.shop_id], day,
            offset=offset, limit=limit, search=search, states=states, kinds=kinds,
        )  # fmt: skip

    def shop_day_count(
        self, day: date, *, search: str = "", states: frozenset[OpState] | None = None
    ) -> int:
        return self._day_count(SHOP, [self.shop_id], day, search, states)

    def shop_get(self, op_id: int) -> Operation | None:
        """A row of any till of the shop by its store id (the reports' reversal check)."""
        found = self._ops(f"{SHOP} AND o.id = %s", [self.shop_id, op_id])
        return found[0] if found else None

    def shop_totals(self, day: date) -> DayTotals:
        return self._totals(SHOP, [self.shop_id], day)

    def shop_reversible(
        self, day: date | None = None, limit: int = 200, *, search: str = ""
    ) -> list[Operation]:
        return self._reversible(SHOP, [self.shop_id], day, limit, search)

    def find_redemption(self, request_id: str) -> Operation | None:
        found = self._ops(
            f"{SHOP} AND o.request_id = %s AND o.kind = 'REDEEM'", [self.shop_id, request_id],
            "ORDER BY o.id LIMIT 1",
        )  # fmt: skip
        return found[0] if found else None

    def redeemed_elsewhere(self, code: str, day: date) -> list[Operation]:
        return self._ops(
            f"{SHOP} AND o.terminal_id <> %s AND o.code = %s AND o.local_day = %s"
            f" AND {REDEEMED_HERE}",
            [self.shop_id, self.terminal_id, code, day],
            "ORDER BY o.created_at DESC, o.id DESC",
        )

    def tills(self) -> list[TillStatus]:
        rows = self._query(
            "SELECT terminal_id, last_push_at, last_change_id FROM tills WHERE shop_id = %s"
            " ORDER BY terminal_id",
            (self.shop_id,),
        )
        return [TillStatus(r["terminal_id"], r["last_push_at"], r["last_change_id"]) for r in rows]

    # --- replication ----------------------------------------------------------------------------

    def apply(self, batch: Batch) -> None:
        """Write one till's batch in one transaction, idempotently: rows are keyed by (shop,
        terminal, the till's id); a snapshot older than the one stored is ignored; a change or
        audit entry already here is skipped. Raises ``StoreUnavailable`` if it did not commit."""
        with self._lock:
            conn = self._connection()
            try:
                with conn.transaction():
                    apply_batch(conn, batch, self.shop_id, self.terminal_id, self._now())
            except psycopg.Error as exc:
                raise _unavailable(exc, "store push failed") from exc

    # --- lifetime --------------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._conn.close()

    def __enter__(self) -> PostgresJournal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
