"""How an ``Operation`` is stored in a SQLite row and found again (used by ``journal.sqlite``).

Every SQL fragment here is a constant; values are always bound as ``?`` parameters.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from pos_app.core.journal import Operation, OpKind, OpState

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

# A reversal is "live" while open or SUCCEEDED: the redemption shows it as ``reversed_by`` and
# cannot gain another (the partial unique index ``ux_ops_reverse_live`` has the same condition).
SELECT_OPERATIONS = """
SELECT o.*, (SELECT r.id FROM operations r WHERE r.parent_id = o.id
             AND r.kind = 'REVERSE' AND r.state IN ('PENDING', 'UNKNOWN', 'SUCCEEDED'))
       AS reversed_by
FROM operations o
"""
REVERSIBLE = """
o.kind = 'REDEEM' AND o.state = 'SUCCEEDED' AND NOT EXISTS
(SELECT 1 FROM operations r WHERE r.parent_id = o.id
 AND r.kind = 'REVERSE' AND r.state IN ('PENDING', 'UNKNOWN', 'SUCCEEDED'))
"""
# A redemption that counts as "redeemed here" for the re-scan warning: done, or maybe done (REVIEW),
# and not reversed.
REDEEMED_HERE = """
o.kind = 'REDEEM' AND o.state IN ('SUCCEEDED', 'REVIEW') AND NOT EXISTS
(SELECT 1 FROM operations r WHERE r.parent_id = o.id
 AND r.kind = 'REVERSE' AND r.state IN ('PENDING', 'UNKNOWN', 'SUCCEEDED'))
"""
# A reversal that counts: open or SUCCEEDED (one per redemption at a time).
LIVE = "o.state IN ('PENDING', 'UNKNOWN', 'SUCCEEDED')"
# Same text as the partial index ``ix_ops_open`` so that the planner uses it.
IS_OPEN = "o.state IN ('PENDING', 'UNKNOWN')"


def to_us(at: datetime) -> int:
    """Aware (or naive local) time as integer microseconds since the epoch."""
    return (at.astimezone(UTC) - _EPOCH) // _MICROSECOND


def from_us(value: int) -> datetime:
    return _EPOCH + value * _MICROSECOND


def local_day(at: datetime) -> str:
    """The terminal's local date of ``at``: what ``date.today()`` said at that moment."""
    return at.astimezone().date().isoformat()


def to_operation(row: sqlite3.Row) -> Operation:
    next_retry = row["next_retry_us"]
    amount = row["amount"]
    return Operation(
        id=row["id"],
        kind=OpKind(row["kind"]),
        request_id=row["request_id"],
        code=row["code"],
        code_type=row["code_type"],
        quantity=row["quantity"],
        payload=json.loads(row["payload"]),
        state=OpState(row["state"]),
        created_at=from_us(row["created_us"]),
        updated_at=from_us(row["updated_us"]),
        shop_id=row["shop_id"],
        order_no=row["order_no"],
        operator=row["operator"],
        manager=row["manager"],
        reason=row["reason"],
        parent_id=row["parent_id"],
        terminal=row["terminal"],
        error_code=row["error_code"],
        error_message=row["error_message"],
        result=json.loads(row["result"]),
        attempts=row["attempts"],
        next_retry_at=None if next_retry is None else from_us(next_retry),
        item_name=row["item_name"],
        amount=None if amount is None else Decimal(amount),
        reversed_by=row["reversed_by"],
        cashier=row["cashier"],
    )


def search_filter(search: str) -> tuple[str, list[object]]:
    """WHERE text and parameters for a search box ("" and [] when empty).

    It matches a code's tail (suffix: "the last digits"), or an order number or request id by
    prefix (which includes equality). Shared by the day's records and the reversal list.
    """
    text = search.strip()
    if not text:
        return "", []
    n = len(text)
    params: list[object]
    if n >= 4:
        code_match = "(o.code_tail = ? AND substr(o.code, -?) = ?)"
        params = [text[-4:], n, text]
    else:
        code_match = "substr(o.code_tail, -?) = ?"
        params = [n, text]
    where = f"({code_match} OR substr(o.order_no, 1, ?) = ? OR substr(o.request_id, 1, ?) = ?)"
    return where, [*params, n, text, n, text]


def day_filter(
    day: date,
    search: str,
    states: frozenset[OpState] | None,
    kinds: frozenset[OpKind] | None,
    cashier: str | None = None,
) -> tuple[str, list[object]]:
    """WHERE text and parameters for one local day, a search text (``search_filter``),
    state/kind filters and one cashier (``None``: any; "": rows with no signed-in cashier)."""
    clauses = ["o.local_day = ?"]
    params: list[object] = [day.isoformat()]
    if cashier is not None:
        clauses.append("o.cashier = ?")
        params.append(cashier)
    matches, search_params = search_filter(search)
    if matches:
        clauses.append(matches)
        params += search_params
    for column, values in (("state", states), ("kind", kinds)):
        if values is not None:
            marks = ", ".join("?" * len(values))
            clauses.append(f"o.{column} IN ({marks})" if values else "0")
            params += sorted(v.value for v in values)
    return " AND ".join(clauses), params
