"""How an ``Operation`` is stored in a store-database row and found again (``journal.postgres``).

Every SQL fragment here is a constant; values are always bound as ``%s`` parameters. The
conditions mirror ``journal/sqlite_rows.py`` with one difference: a reversal counts for a
redemption whichever till journaled it (``parent_id`` is the store's id), so "reversed" and
"reversible" are store-wide answers.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pos_app.core.journal import Operation, OpKind, OpState

LIVE_REVERSAL = (
    "SELECT r.id FROM operations r WHERE r.parent_id = o.id AND r.kind = 'REVERSE'"
    " AND r.state IN ('PENDING', 'UNKNOWN', 'SUCCEEDED')"
)
SELECT_OPERATIONS = f"""
SELECT o.*, ({LIVE_REVERSAL} ORDER BY r.id LIMIT 1) AS reversed_by
FROM operations o
"""  # noqa: S608 - constant text
REVERSIBLE = f"o.kind = 'REDEEM' AND o.state = 'SUCCEEDED' AND NOT EXISTS ({LIVE_REVERSAL})"
REDEEMED_HERE = (
    f"o.kind = 'REDEEM' AND o.state IN ('SUCCEEDED', 'REVIEW') AND NOT EXISTS ({LIVE_REVERSAL})"
)
LIVE = "o.state IN ('PENDING', 'UNKNOWN', 'SUCCEEDED')"
IS_OPEN = "o.state IN ('PENDING', 'UNKNOWN')"
TILL = "o.shop_id = %s AND o.terminal_id = %s"
SHOP = "o.shop_id = %s"


def to_operation(row: dict[str, Any]) -> Operation:
    amount = row["amount"]
    return Operation(
        id=row["id"],
        kind=OpKind(row["kind"]),
        request_id=row["request_id"],
        code=row["code"],
        code_type=row["code_type"],
        quantity=row["quantity"],
        payload=dict(row["payload"]),
        state=OpState(row["state"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        shop_id=row["shop_id"],
        order_no=row["order_no"],
        operator=row["operator"],
        manager=row["manager"],
        reason=row["reason"],
        parent_id=row["parent_id"],
        terminal=row["terminal_id"],
        error_code=row["error_code"],
        error_message=row["error_message"],
        result=dict(row["result"]),
        attempts=row["attempts"],
        next_retry_at=row["next_retry_at"],
        item_name=row["item_name"],
        amount=None if amount is None else Decimal(amount),
        reversed_by=row["reversed_by"],
        cashier=row["cashier"],
    )


def search_filter(search: str) -> tuple[str, list[object]]:
    """Same matches as ``sqlite_rows.search_filter``: a code's tail, or an order no / request id
    by prefix ("" and [] when empty)."""
    text = search.strip()
    if not text:
        return "", []
    n = len(text)
    params: list[object]
    if n >= 4:
        code_match = "(o.code_tail = %s AND right(o.code, %s) = %s)"
        params = [text[-4:], n, text]
    else:
        code_match = "right(o.code_tail, %s) = %s"
        params = [n, text]
    where = f"({code_match} OR left(o.order_no, %s) = %s OR left(o.request_id, %s) = %s)"
    return where, [*params, n, text, n, text]


def day_filter(
    day: date,
    search: str,
    states: frozenset[OpState] | None,
    kinds: frozenset[OpKind] | None,
    cashier: str | None = None,
) -> tuple[str, list[object]]:
    clauses = ["o.local_day = %s"]
    params: list[object] = [day]
    if cashier is not None:
        clauses.append("o.cashier = %s")
        params.append(cashier)
    matches, search_params = search_filter(search)
    if matches:
        clauses.append(matches)
        params += search_params
    for column, values in (("state", states), ("kind", kinds)):
        if values is not None:
            clauses.append(f"o.{column} = ANY(%s)")
            params.append(sorted(v.value for v in values))
    return " AND ".join(clauses), params
