"""The till's outbox for the store database: what is not yet pushed, read from the SQLite file.

The append-only ``state_changes`` and ``audit`` tables are the outbox (every ``add``, ``settle``,
``resolve`` and audit writes a row there in the same transaction as the change itself); the
``replication`` table (migration 5) keeps the newest id of each stream that the store database
has committed. ``SqliteOutbox`` has its own connection to the journal file, so the replicator
never waits for the journal's lock: in WAL mode its reads never block the money path, and
``mark_pushed`` is one tiny write transaction.

``Batch`` is what one push carries: the outbox rows, in order, plus a snapshot of every
operation they touch (read in the same read transaction, so it is consistent with them).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pos_app.core.errors import JournalError
from pos_app.journal.migrations import schema_version
from pos_app.journal.sqlite_rows import from_us, to_us

Row = dict[str, Any]
OUTBOX_SCHEMA = 5  # the journal schema version that has the ``replication`` table
_BUSY_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class Batch:
    """One push: ``operations`` (snapshots, oldest first, ``last_change_id`` = the newest change
    folded in), ``changes`` and ``audit`` (outbox rows, oldest first). Keys are SQLite columns."""

    operations: list[Row] = field(default_factory=list)
    changes: list[Row] = field(default_factory=list)
    audit: list[Row] = field(default_factory=list)

    @property
    def last_change_id(self) -> int:
        return max((int(c["id"]) for c in self.changes), default=0)

    @property
    def last_audit_id(self) -> int:
        return max((int(a["id"]) for a in self.audit), default=0)

    def __len__(self) -> int:
        return len(self.changes) + len(self.audit)


_SNAPSHOT = """
SELECT o.*, CASE WHEN o.kind = 'REVERSE'
                 THEN COALESCE(p.request_id, json_extract(o.payload, '$.request_id'), '')
                 ELSE '' END AS parent_request_id,
       (SELECT max(c.id) FROM state_changes c WHERE c.operation_id = o.id) AS last_change_id
FROM operations o LEFT JOIN operations p ON p.id = o.parent_id
WHERE o.id IN (SELECT value FROM json_each(?))
ORDER BY o.id
"""


class SqliteOutbox:
    """The pending rows of the journal file at ``path`` (opened by ``SqliteJournal`` first)."""

    def __init__(self, path: Path) -> None:
        try:
            self._conn = sqlite3.connect(
                path, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            self._conn.row_factory = sqlite3.Row
            # The pushed-up-to mark needs no fsync of its own: a mark lost in a crash only makes
            # the next push send a batch again, which the store's keys turn into a no-op. The
            # money path's own connection stays FULL, so its rows are as durable as ever.
            self._conn.execute("PRAGMA synchronous = NORMAL")
            version = schema_version(self._conn)
        except sqlite3.Error as exc:
            raise JournalError(detail=f"outbox: cannot open {path}: {exc}") from exc
        if version < OUTBOX_SCHEMA:
            self._conn.close()
            raise JournalError(detail=f"outbox: journal schema {version} has no outbox")

    def _marks(self) -> dict[str, tuple[int, int | None]]:
        rows = self._conn.execute("SELECT stream, pushed_id, pushed_us FROM replication")
        return {r["stream"]: (int(r["pushed_id"]), r["pushed_us"]) for r in rows}

    def pending(self) -> int:
        """Outbox rows the store database has not committed yet."""
        try:
            marks = self._marks()
            changes = self._conn.execute(
                "SELECT count(*) FROM state_changes WHERE id > ?", (marks["state_changes"][0],)
            ).fetchone()[0]
            audit = self._conn.execute(
                "SELECT count(*) FROM audit WHERE id > ?", (marks["audit"][0],)
            ).fetchone()[0]
        except sqlite3.Error as exc:
            raise JournalError(detail=f"outbox read failed: {exc}") from exc
        return int(changes) + int(audit)

    def oldest_pending_at(self) -> datetime | None:
        """When the oldest change still waiting was made (the lag), or ``None``."""
        pushed = self._marks()["state_changes"][0]
        row = self._conn.execute(
            "SELECT min(at_us) FROM state_changes WHERE id > ?", (pushed,)
        ).fetchone()
        return None if row[0] is None else from_us(int(row[0]))

    def last_push(self) -> datetime | None:
        """When a push last committed (either stream), or ``None`` if never."""
        times = [us for _, us in self._marks().values() if us is not None]
        return from_us(max(times)) if times else None

    def next_batch(self, limit: int = 500) -> Batch:
        """Up to ``limit`` changes and ``limit`` audit entries after the marks, with snapshots of
        the operations they touch: one read transaction, so all of it is one consistent view."""
        try:
            self._conn.execute("BEGIN")
            try:
                return self._read_batch(limit)
            finally:
                self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise JournalError(detail=f"outbox read failed: {exc}") from exc

    def _read_batch(self, limit: int) -> Batch:
        marks = self._marks()
        changes = [
            dict(r)
            for r in self._conn.execute(
                "SELECT * FROM state_changes WHERE id > ? ORDER BY id LIMIT ?",
                (marks["state_changes"][0], limit),
            )
        ]
        audit = [
            dict(r)
            for r in self._conn.execute(
                "SELECT * FROM audit WHERE id > ? ORDER BY id LIMIT ?", (marks["audit"][0], limit)
            )
        ]
        op_ids = sorted({int(c["operation_id"]) for c in changes})
        operations = [dict(r) for r in self._conn.execute(_SNAPSHOT, (_json_list(op_ids),))]
        return Batch(operations, changes, audit)

    def mark_pushed(self, batch: Batch, at: datetime) -> None:
        """After the store database committed ``batch``: move the marks forward (never back —
        two pushers may race, e.g. ``store push`` while the till's replicator runs)."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for stream, last in (
                    ("state_changes", batch.last_change_id),
                    ("audit", batch.last_audit_id),
                ):
                    self._conn.execute(
                        "UPDATE replication SET pushed_id = max(pushed_id, ?), pushed_us = ?"
                        " WHERE stream = ?",
                        (last, to_us(at), stream),
                    )
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise JournalError(detail=f"outbox mark failed: {exc}") from exc

    def close(self) -> None:
        self._conn.close()


def _json_list(ids: list[int]) -> str:
    return "[" + ",".join(str(i) for i in ids) + "]"
