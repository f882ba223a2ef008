"""The store database's schema (PostgreSQL), as an ordered list of migrations.

Like ``journal/migrations.py`` for SQLite: ``MIGRATIONS[i]`` takes a database from version ``i`` to
``i + 1``; each step runs in one transaction together with its version bump (PostgreSQL DDL is
transactional), under a transaction-scoped advisory lock so that two tills starting against a
fresh database cannot both apply a step. The version lives in ``store_schema`` (one row). Append
new steps at the end; never edit a released one.

Keys (docs/store.md): every row names its ``shop_id`` and the ``terminal_id`` of the till that
journaled it, and that till's own row id (``local_id``) — unique together, which is what makes a
replicated batch idempotent. State changes and audit entries are keyed the same way by the till's
change / entry id. ``id`` is the store's own id (what ``PostgresJournal`` returns as
``Operation.id``); ``parent_id`` links a reversal to its redemption by store id, whichever till
made either of them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import psycopg
from psycopg.rows import tuple_row

from pos_app.core.errors import StoreUnavailable

logger = logging.getLogger(__name__)

# Any constant: the key of the advisory lock that serialises migrations.
_MIGRATION_LOCK = 0x706F735F73746F72

_V1: tuple[str, ...] = (
    """
    CREATE TABLE operations (
        id                BIGSERIAL PRIMARY KEY,
        shop_id           TEXT        NOT NULL,
        terminal_id       TEXT        NOT NULL,
        local_id          BIGINT      NOT NULL,
        kind              TEXT        NOT NULL CHECK (kind IN ('REDEEM', 'REVERSE', 'SYNC')),
        request_id        TEXT        NOT NULL,
        code              TEXT        NOT NULL,
        code_tail         TEXT        NOT NULL DEFAULT '',
        code_type         TEXT        NOT NULL DEFAULT '',
        quantity          INTEGER     NOT NULL,
        payload           JSONB       NOT NULL DEFAULT '{}',
        state             TEXT        NOT NULL
                          CHECK (state IN ('PENDING', 'SUCCEEDED', 'FAILED', 'UNKNOWN', 'REVIEW')),
        created_at        TIMESTAMPTZ NOT NULL,
        updated_at        TIMESTAMPTZ NOT NULL,
        local_day         DATE        NOT NULL,
        order_no          TEXT        NOT NULL DEFAULT '',
        operator          TEXT        NOT NULL DEFAULT '',
        manager           TEXT        NOT NULL DEFAULT '',
        reason            TEXT        NOT NULL DEFAULT '',
        parent_id         BIGINT      REFERENCES operations (id),
        parent_local_id   BIGINT,
        parent_request_id TEXT        NOT NULL DEFAULT '',
        error_code        TEXT        NOT NULL DEFAULT '',
        error_message     TEXT        NOT NULL DEFAULT '',
        result            JSONB       NOT NULL DEFAULT '{}',
        attempts          INTEGER     NOT NULL DEFAULT 0,
        next_retry_at     TIMESTAMPTZ,
        item_name         TEXT        NOT NULL DEFAULT '',
        amount            NUMERIC(14, 2),
        -- the till's newest state change folded into this row: an older snapshot never wins
        last_change_id    BIGINT      NOT NULL DEFAULT 0,
        received_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
        UNIQUE (shop_id, terminal_id, local_id),
        UNIQUE (shop_id, terminal_id, request_id, kind)
    )
    """,
    "CREATE INDEX ix_ops_shop_day ON operations (shop_id, local_day, id)",
    "CREATE INDEX ix_ops_shop_code ON operations (shop_id, code, id)",
    "CREATE INDEX ix_ops_shop_request ON operations (shop_id, request_id)",
    "CREATE INDEX ix_ops_parent ON operations (parent_id) WHERE parent_id IS NOT NULL",
    """
    CREATE INDEX ix_ops_open ON operations (shop_id, terminal_id, id)
    WHERE state IN ('PENDING', 'UNKNOWN')
    """,
    "CREATE INDEX ix_ops_review ON operations (shop_id, terminal_id, id) WHERE state = 'REVIEW'",
    """
    CREATE TABLE state_changes (
        id              BIGSERIAL   PRIMARY KEY,
        shop_id         TEXT        NOT NULL,
        terminal_id     TEXT        NOT NULL,
        local_change_id BIGINT      NOT NULL,
        operation_id    BIGINT      NOT NULL REFERENCES operations (id),
        state           TEXT        NOT NULL,
        at              TIMESTAMPTZ NOT NULL,
        error_code      TEXT        NOT NULL DEFAULT '',
        note            TEXT        NOT NULL DEFAULT '',
        UNIQUE (shop_id, terminal_id, local_change_id)
    )
    """,
    "CREATE INDEX ix_changes_op ON state_changes (operation_id, local_change_id)",
    """
    CREATE TABLE audit (
        id          BIGSERIAL   PRIMARY KEY,
        shop_id     TEXT        NOT NULL,
        terminal_id TEXT        NOT NULL,
        local_id    BIGINT      NOT NULL,
        at          TIMESTAMPTZ NOT NULL,
        local_day   DATE        NOT NULL,
        actor       TEXT        NOT NULL,
        action      TEXT        NOT NULL,
        detail      TEXT        NOT NULL DEFAULT '',
        terminal    TEXT        NOT NULL DEFAULT '',
        UNIQUE (shop_id, terminal_id, local_id)
    )
    """,
    "CREATE INDEX ix_audit_day ON audit (shop_id, local_day, id)",
    # Per till: when it last pushed, and up to which change (status and lag for every till).
    """
    CREATE TABLE tills (
        shop_id         TEXT        NOT NULL,
        terminal_id     TEXT        NOT NULL,
        last_push_at    TIMESTAMPTZ NOT NULL,
        last_change_id  BIGINT      NOT NULL DEFAULT 0,
        PRIMARY KEY (shop_id, terminal_id)
    )
    """,
)

# Version 2: the signed-in cashier of each row (issue #12), replicated from the tills.
_V2: tuple[str, ...] = (
    "ALTER TABLE operations ADD COLUMN cashier TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX ix_ops_shop_day_cashier ON operations (shop_id, local_day, cashier, id)",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2)
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: psycopg.Connection[object]) -> int:
    """The database's version (0: never migrated). Runs in the caller's transaction."""
    cur = conn.cursor(row_factory=tuple_row)  # whatever the connection's row factory is
    found = cur.execute("SELECT to_regclass('store_schema') IS NOT NULL").fetchone()
    if not found or not found[0]:
        return 0
    row = cur.execute("SELECT version FROM store_schema").fetchone()
    return 0 if row is None else int(row[0])


def migrate(
    conn: psycopg.Connection[object],
    target: int | None = None,
    migrations: Sequence[Sequence[str]] = MIGRATIONS,
) -> int:
    """Bring the database up to ``target`` (default: the newest); return the version.

    A database newer than this code is refused (``STORE_SCHEMA``) rather than guessed at.
    """
    newest = len(migrations)
    goal = newest if target is None else target
    if not 0 <= goal <= newest:
        raise ValueError(f"no schema version {goal}")
    while True:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            current = schema_version(conn)
            if current > newest:
                raise StoreUnavailable(
                    "STORE_SCHEMA",
                    f"store schema version {current} is newer than this app ({newest})",
                )
            if current >= goal:
                return current
            if current == 0:
                conn.execute("CREATE TABLE store_schema (version INTEGER NOT NULL)")
                conn.execute("INSERT INTO store_schema VALUES (0)")
            for statement in migrations[current]:
                conn.execute(statement)
            conn.execute("UPDATE store_schema SET version = %s", (current + 1,))
        logger.info("store schema migrated from version %d to %d", current, current + 1)
