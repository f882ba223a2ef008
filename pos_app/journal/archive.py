"""Retention for the SQLite undo log: settled rows before a date move to an archive file.

A till that runs for years should keep a small journal (issue #13). ``archive_before`` moves every
*settled* operation (SUCCEEDED or FAILED) of a local day before ``before``, with its state history,
into another journal file of the same schema, where ``pos-app journal --from FILE`` reads it.

What stays in the live file, whatever its date:
* open (PENDING, UNKNOWN) and REVIEW rows: they are still being settled or decided;
* a redemption and its reversals go together or not at all (a reversal refers to its redemption),
  so a family with any member that stays keeps all its members;
* with a store database configured, rows whose changes it has not committed yet (the outbox would
  lose them).

Moving is two transactions, never one across both files: SQLite commits attached WAL files one
after the other, so a crash inside one transaction could keep the delete and lose the copy. The
copy is committed first; the delete then removes only rows whose copy is there and unchanged. A
crash in between leaves rows in both files (shown twice, never lost); running again finishes it.
Ids are AUTOINCREMENT, so an id is never reused in the live file and rows keep their ids.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

logger = logging.getLogger(__name__)
T = TypeVar("T")

_FINAL = "('SUCCEEDED', 'FAILED')"
# Candidates: settled, before the day, and every family member settled and before the day too.
_SELECT_MOVABLE = f"""
INSERT INTO temp.archive_ids (id)
SELECT o.id FROM main.operations o
WHERE o.local_day < :before AND o.state IN {_FINAL}
  AND NOT EXISTS (SELECT 1 FROM main.operations c WHERE c.parent_id = o.id
                  AND (c.local_day >= :before OR c.state NOT IN {_FINAL}))
  AND NOT EXISTS (SELECT 1 FROM main.operations p WHERE p.id = o.parent_id
                  AND (p.local_day >= :before OR p.state NOT IN {_FINAL}
                       OR EXISTS (SELECT 1 FROM main.operations s WHERE s.parent_id = p.id
                                  AND (s.local_day >= :before OR s.state NOT IN {_FINAL}))))
  AND (:pushed_id IS NULL OR NOT EXISTS (SELECT 1 FROM main.state_changes c
                                          WHERE c.operation_id = o.id AND c.id > :pushed_id))
"""  # noqa: S608 - constant text


@dataclass(frozen=True, slots=True)
class ArchiveReport:
    """``moved`` operations (with ``changes`` state-history rows) now only in ``archive``."""

    archive: Path
    moved: int
    changes: int


def archive_before(
    conn: sqlite3.Connection, archive: Path, before: date, *, keep_unpushed: bool
) -> ArchiveReport:
    """Move settled rows of days before ``before`` from ``conn``'s file into ``archive``.

    ``conn``: the live journal's connection (autocommit, foreign keys on), used by one thread;
    ``archive``: an existing journal file at the same schema version (``SqliteJournal`` makes
    one). ``keep_unpushed``: a store database is configured, so rows it has not committed stay.
    """
    conn.execute("ATTACH DATABASE ? AS archive", (str(archive),))
    try:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS archive_ids (id INTEGER PRIMARY KEY)")
        pushed = _pushed_id(conn) if keep_unpushed else None
        params: dict[str, object] = {"before": before.isoformat(), "pushed_id": pushed}
        _in_transaction(conn, lambda: _copy(conn, params))
        moved, changes = _in_transaction(conn, lambda: _delete_copied(conn, params))
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.archive_ids")
        conn.execute("DETACH DATABASE archive")
    logger.info("journal: archived %d operation(s) before %s", moved, before.isoformat())
    return ArchiveReport(archive, moved, changes)


def _pushed_id(conn: sqlite3.Connection) -> int:
    row = conn.execute(
        "SELECT pushed_id FROM main.replication WHERE stream = 'state_changes'"
    ).fetchone()
    return 0 if row is None else int(row[0])


def _select(conn: sqlite3.Connection, params: dict[str, object]) -> None:
    conn.execute("DELETE FROM temp.archive_ids")
    conn.execute(_SELECT_MOVABLE, params)


def _copy(conn: sqlite3.Connection, params: dict[str, object]) -> None:
    """The movable rows into the archive (replacing an older copy: a rerun after a crash)."""
    _select(conn, params)
    ids = "SELECT id FROM temp.archive_ids"
    for table, key in (("operations", "id"), ("state_changes", "operation_id")):
        conn.execute(
            f"INSERT OR REPLACE INTO archive.{table}"  # noqa: S608 - constant names
            f" SELECT * FROM main.{table} WHERE {key} IN ({ids}) ORDER BY id"
        )


def _delete_copied(conn: sqlite3.Connection, params: dict[str, object]) -> tuple[int, int]:
    """Delete what is movable *now* and has an identical copy in the archive (row and history).
    Anything changed since the copy (another process) stays, and is moved by the next run."""
    _select(conn, params)
    conn.execute(
        """
        DELETE FROM temp.archive_ids WHERE id NOT IN (
            SELECT m.id FROM main.operations m JOIN archive.operations a ON a.id = m.id
            WHERE a.updated_us = m.updated_us AND a.state = m.state
              AND (SELECT count(*) FROM archive.state_changes c WHERE c.operation_id = m.id)
                = (SELECT count(*) FROM main.state_changes c WHERE c.operation_id = m.id))
        """
    )
    ids = "SELECT id FROM temp.archive_ids"
    changes = conn.execute(
        f"DELETE FROM main.state_changes WHERE operation_id IN ({ids})"  # noqa: S608
    ).rowcount
    # Children first: a reversal refers to its redemption (foreign keys are on).
    moved = conn.execute(
        f"DELETE FROM main.operations WHERE parent_id IN ({ids}) AND id IN ({ids})"  # noqa: S608
    ).rowcount
    moved += conn.execute(f"DELETE FROM main.operations WHERE id IN ({ids})").rowcount  # noqa: S608
    return moved, changes


def _in_transaction(conn: sqlite3.Connection, work: Callable[[], T]) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work()
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result
