"""The journal's schema, as an ordered list of migrations (Vorta ``store/migrations.py``).

The file's schema version is SQLite's ``PRAGMA user_version``: version N means migrations 1..N have
run. Each migration runs in one ``BEGIN IMMEDIATE`` transaction together with its version bump, so
a crash leaves the file at the old version or the new one, never between; two processes opening a
fresh file at the same time cannot both apply a step (the version is re-read under the write lock).

Append new steps at the end; never edit a released one. Statements are run one by one
(``executescript`` would commit on its own and break the one-transaction rule).

Storage choices (see ``journal/sqlite.py`` for the queries that rely on them):

* timestamps are integer microseconds since the Unix epoch, UTC (``*_us`` columns);
* ``local_day`` is the terminal's local date of ``created_at`` (``YYYY-MM-DD``), set at insert;
* amounts are decimal text; ``payload`` and ``result`` are objects of strings, JSON text in rows
  written before issue #13 and packed since (``sqlite_rows.pack_fields``);
* ``code_tail`` is the last four characters of the code, for the "last digits" search.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence

from pos_app.core.errors import JournalError

logger = logging.getLogger(__name__)

# Version 1: the undo log and its state history.
_V1: tuple[str, ...] = (
    """
    CREATE TABLE operations (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        kind          TEXT    NOT NULL CHECK (kind IN ('REDEEM', 'REVERSE', 'SYNC')),
        request_id    TEXT    NOT NULL,
        code          TEXT    NOT NULL,
        code_type     TEXT    NOT NULL DEFAULT '',
        quantity      INTEGER NOT NULL,
        payload       TEXT    NOT NULL DEFAULT '{}',
        state         TEXT    NOT NULL
                      CHECK (state IN ('PENDING', 'SUCCEEDED', 'FAILED', 'UNKNOWN')),
        created_us    INTEGER NOT NULL,
        updated_us    INTEGER NOT NULL,
        local_day     TEXT    NOT NULL,
        shop_id       TEXT    NOT NULL DEFAULT '',
        order_no      TEXT    NOT NULL DEFAULT '',
        operator      TEXT    NOT NULL DEFAULT '',
        manager       TEXT    NOT NULL DEFAULT '',
        reason        TEXT    NOT NULL DEFAULT '',
        parent_id     INTEGER REFERENCES operations (id),
        terminal      TEXT    NOT NULL DEFAULT '',
        error_code    TEXT    NOT NULL DEFAULT '',
        error_message TEXT    NOT NULL DEFAULT '',
        result        TEXT    NOT NULL DEFAULT '{}',
        attempts      INTEGER NOT NULL DEFAULT 0,
        next_retry_us INTEGER,
        item_name     TEXT    NOT NULL DEFAULT '',
        amount        TEXT
    )
    """,
    """
    CREATE TABLE state_changes (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        operation_id INTEGER NOT NULL REFERENCES operations (id),
        state        TEXT    NOT NULL,
        at_us        INTEGER NOT NULL,
        error_code   TEXT    NOT NULL DEFAULT '',
        note         TEXT    NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX ix_state_changes_op ON state_changes (operation_id, id)",
    # A request id is used once per kind; also the index for lookups by request id (any kind).
    # (``kind`` second: a leading ``kind`` would tempt the planner for "all REDEEM rows" queries.)
    "CREATE UNIQUE INDEX ux_ops_request ON operations (request_id, kind)",
    "CREATE INDEX ix_ops_code ON operations (code, id)",
    "CREATE INDEX ix_ops_day ON operations (local_day, id)",
    "CREATE INDEX ix_ops_open ON operations (id) WHERE state IN ('PENDING', 'UNKNOWN')",
    "CREATE INDEX ix_ops_parent ON operations (parent_id) WHERE parent_id IS NOT NULL",
    # Design rule 4, enforced by the file itself: one open redemption per code.
    """
    CREATE UNIQUE INDEX ux_ops_redeem_open ON operations (code)
    WHERE kind = 'REDEEM' AND state IN ('PENDING', 'UNKNOWN')
    """,
)

# Version 2: the "last digits" search column, one live reversal per redemption, and the newest-first
# walk of succeeded redemptions for the reversal screen.
_V2: tuple[str, ...] = (
    "ALTER TABLE operations ADD COLUMN code_tail TEXT NOT NULL DEFAULT ''",
    "UPDATE operations SET code_tail = substr(code, -4)",
    "CREATE INDEX ix_ops_redeemed ON operations (id) WHERE kind = 'REDEEM' AND state = 'SUCCEEDED'",
    """
    CREATE UNIQUE INDEX ux_ops_reverse_live ON operations (parent_id)
    WHERE kind = 'REVERSE' AND state IN ('PENDING', 'UNKNOWN', 'SUCCEEDED')
    """,
)

# Ordered: MIGRATIONS[i] takes a file from version i to version i + 1.
# Version 3: manager actions that are not operations (settings, keys, PIN) — who, what, when.
_V3: tuple[str, ...] = (
    """
    CREATE TABLE audit (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        at_us     INTEGER NOT NULL,
        local_day TEXT    NOT NULL,
        actor     TEXT    NOT NULL,
        action    TEXT    NOT NULL,
        detail    TEXT    NOT NULL DEFAULT '',
        terminal  TEXT    NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX ix_audit_day ON audit (local_day, id)",
)

# Version 4: the REVIEW state (design.md rule 6). SQLite cannot change a CHECK constraint in place,
# so ``operations`` is rebuilt the documented way (https://sqlite.org/lang_altertable.html,
# "other kinds of table schema changes"): new table, copy, drop, rename, indexes again — with
# foreign keys off for the step (see ``migrate``) and checked before the commit.
_OPERATION_INDEXES: tuple[str, ...] = (
    "CREATE UNIQUE INDEX ux_ops_request ON operations (request_id, kind)",
    "CREATE INDEX ix_ops_code ON operations (code, id)",
    "CREATE INDEX ix_ops_day ON operations (local_day, id)",
    "CREATE INDEX ix_ops_open ON operations (id) WHERE state IN ('PENDING', 'UNKNOWN')",
    "CREATE INDEX ix_ops_parent ON operations (parent_id) WHERE parent_id IS NOT NULL",
    """
    CREATE UNIQUE INDEX ux_ops_redeem_open ON operations (code)
    WHERE kind = 'REDEEM' AND state IN ('PENDING', 'UNKNOWN')
    """,
    "CREATE INDEX ix_ops_redeemed ON operations (id) WHERE kind = 'REDEEM' AND state = 'SUCCEEDED'",
    """
    CREATE UNIQUE INDEX ux_ops_reverse_live ON operations (parent_id)
    WHERE kind = 'REVERSE' AND state IN ('PENDING', 'UNKNOWN', 'SUCCEEDED')
    """,
    "CREATE INDEX ix_ops_review ON operations (id) WHERE state = 'REVIEW'",
)
_V4: tuple[str, ...] = (
    """
    CREATE TABLE operations_v4 (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        kind          TEXT    NOT NULL CHECK (kind IN ('REDEEM', 'REVERSE', 'SYNC')),
        request_id    TEXT    NOT NULL,
        code          TEXT    NOT NULL,
        code_type     TEXT    NOT NULL DEFAULT '',
        quantity      INTEGER NOT NULL,
        payload       TEXT    NOT NULL DEFAULT '{}',
        state         TEXT    NOT NULL
                      CHECK (state IN ('PENDING', 'SUCCEEDED', 'FAILED', 'UNKNOWN', 'REVIEW')),
        created_us    INTEGER NOT NULL,
        updated_us    INTEGER NOT NULL,
        local_day     TEXT    NOT NULL,
        shop_id       TEXT    NOT NULL DEFAULT '',
        order_no      TEXT    NOT NULL DEFAULT '',
        operator      TEXT    NOT NULL DEFAULT '',
        manager       TEXT    NOT NULL DEFAULT '',
        reason        TEXT    NOT NULL DEFAULT '',
        parent_id     INTEGER REFERENCES operations (id),
        terminal      TEXT    NOT NULL DEFAULT '',
        error_code    TEXT    NOT NULL DEFAULT '',
        error_message TEXT    NOT NULL DEFAULT '',
        result        TEXT    NOT NULL DEFAULT '{}',
        attempts      INTEGER NOT NULL DEFAULT 0,
        next_retry_us INTEGER,
        item_name     TEXT    NOT NULL DEFAULT '',
        amount        TEXT,
        code_tail     TEXT    NOT NULL DEFAULT ''
    )
    """,
    "INSERT INTO operations_v4 SELECT * FROM operations",
    "DROP TABLE operations",
    "ALTER TABLE operations_v4 RENAME TO operations",
    *_OPERATION_INDEXES,
)

# Version 5: replication to the store database (docs/store.md). The append-only ``state_changes``
# and ``audit`` tables are the outbox; this table keeps, per stream, the newest row id the store
# database has committed ("pushed up to") and when.
_V5: tuple[str, ...] = (
    """
    CREATE TABLE replication (
        stream    TEXT    PRIMARY KEY CHECK (stream IN ('state_changes', 'audit')),
        pushed_id INTEGER NOT NULL DEFAULT 0,
        pushed_us INTEGER
    )
    """,
    "INSERT INTO replication (stream) VALUES ('state_changes'), ('audit')",
)

# Version 6: the signed-in cashier of each row (issue #12; "" when nobody signs in at this till),
# and the index the history's "by cashier" filter and the reports walk.
_V6: tuple[str, ...] = (
    "ALTER TABLE operations ADD COLUMN cashier TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX ix_ops_day_cashier ON operations (local_day, cashier, id)",
)

# Version 7: that index did not pay for itself (issue #13: about 27 of a row's bytes at 1M rows).
# A day holds about a thousand rows; its "by cashier" filter and the reports walk the day through
# ix_ops_day and test the cashier on each row, which costs a fraction of a millisecond.
_V7: tuple[str, ...] = ("DROP INDEX IF EXISTS ix_ops_day_cashier",)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7)
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(
    conn: sqlite3.Connection,
    target: int | None = None,
    migrations: Sequence[Sequence[str]] = MIGRATIONS,
) -> int:
    """Bring the file at ``conn`` up to ``target`` (default: the newest); return the version.

    ``conn`` must be in autocommit mode (``isolation_level=None``). A file newer than this code
    knows is refused rather than guessed at. ``migrations`` is for tests.
    """
    newest = len(migrations)
    goal = newest if target is None else target
    if not 0 <= goal <= newest:
        raise ValueError(f"no schema version {goal}")
    # A table rebuild (version 4) drops a table others refer to: foreign keys are off while
    # migrating (it cannot change inside a transaction) and checked before each commit.
    foreign_keys = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        return _migrate(conn, goal, newest, migrations)
    finally:
        conn.execute(f"PRAGMA foreign_keys = {int(foreign_keys)}")


def _migrate(
    conn: sqlite3.Connection, goal: int, newest: int, migrations: Sequence[Sequence[str]]
) -> int:
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = schema_version(conn)
            if current > newest:
                raise JournalError(
                    detail=f"journal schema version {current} is newer than this app ({newest});"
                    " update the app"
                )
            if current >= goal:
                conn.execute("COMMIT")
                return current
            _apply(conn, migrations[current])
            if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise JournalError(detail=f"migration to version {current + 1} broke a reference")
            conn.execute(f"PRAGMA user_version = {current + 1}")
            conn.execute("COMMIT")
            logger.info("journal schema migrated from version %d to %d", current, current + 1)
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def _apply(conn: sqlite3.Connection, statements: Sequence[str]) -> None:
    for statement in statements:
        conn.execute(statement)
