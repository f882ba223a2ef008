"""One till's outbox batch written into the store database, idempotently.

Used by ``PostgresJournal.apply``.

Keys: an operation is (shop, terminal, the till's row id); a state change (shop, terminal, the
till's change id); an audit entry (shop, terminal, the till's entry id). Pushing the same batch
twice changes nothing: changes and audit entries already there are skipped, and a snapshot only
replaces the stored row when it folds in a newer change (``last_change_id``) of the same request.
The shop of an operation is the row's own ``shop_id`` (the till's default when empty).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import psycopg

from pos_app.journal.outbox import Batch
from pos_app.journal.sqlite_rows import from_us, unpack_fields

_UPSERT_OPERATION = """
INSERT INTO operations (
    shop_id, terminal_id, local_id, kind, request_id, code, code_tail, code_type, quantity,
    payload, state, created_at, updated_at, local_day, order_no, operator, manager, reason,
    parent_local_id, parent_request_id, parent_id, error_code, error_message, result, attempts,
    next_retry_at, item_name, amount, last_change_id, cashier
) VALUES (
    %(shop)s, %(terminal)s, %(id)s, %(kind)s, %(request_id)s, %(code)s, %(code_tail)s,
    %(code_type)s, %(quantity)s, %(payload)s, %(state)s, %(created)s, %(updated)s, %(day)s,
    %(order_no)s, %(operator)s, %(manager)s, %(reason)s, %(parent_id)s, %(parent_request_id)s,
    COALESCE(
        (SELECT p.id FROM operations p WHERE p.shop_id = %(shop)s
         AND p.terminal_id = %(terminal)s AND p.local_id = %(parent_id)s),
        (SELECT p.id FROM operations p WHERE p.shop_id = %(shop)s AND %(parent_request_id)s <> ''
         AND p.request_id = %(parent_request_id)s AND p.kind = 'REDEEM' ORDER BY p.id LIMIT 1)),
    %(error_code)s, %(error_message)s, %(result)s, %(attempts)s, %(next_retry)s, %(item_name)s,
    %(amount)s, %(last_change_id)s, %(cashier)s
)
ON CONFLICT (shop_id, terminal_id, local_id) DO UPDATE SET
    state = EXCLUDED.state, updated_at = EXCLUDED.updated_at, order_no = EXCLUDED.order_no,
    error_code = EXCLUDED.error_code, error_message = EXCLUDED.error_message,
    result = EXCLUDED.result, attempts = EXCLUDED.attempts,
    next_retry_at = EXCLUDED.next_retry_at, item_name = EXCLUDED.item_name,
    amount = EXCLUDED.amount, last_change_id = EXCLUDED.last_change_id,
    parent_id = COALESCE(operations.parent_id, EXCLUDED.parent_id), received_at = now()
WHERE operations.last_change_id < EXCLUDED.last_change_id
  AND operations.request_id = EXCLUDED.request_id AND operations.kind = EXCLUDED.kind
"""

_INSERT_CHANGE = """
INSERT INTO state_changes (
    shop_id, terminal_id, local_change_id, operation_id, state, at, error_code, note
) SELECT %(shop)s, %(terminal)s, %(id)s, o.id, %(state)s, %(at)s, %(error_code)s, %(note)s
  FROM operations o
  WHERE o.shop_id = %(shop)s AND o.terminal_id = %(terminal)s AND o.local_id = %(operation_id)s
ON CONFLICT (shop_id, terminal_id, local_change_id) DO NOTHING
"""

_INSERT_AUDIT = """
INSERT INTO audit (shop_id, terminal_id, local_id, at, local_day, actor, action, detail, terminal)
VALUES (%(shop)s, %(terminal)s, %(id)s, %(at)s, %(day)s, %(actor)s, %(action)s, %(detail)s,
        %(till)s)
ON CONFLICT (shop_id, terminal_id, local_id) DO NOTHING
"""

_UPSERT_TILL = """
INSERT INTO tills (shop_id, terminal_id, last_push_at, last_change_id) VALUES (%s, %s, %s, %s)
ON CONFLICT (shop_id, terminal_id) DO UPDATE SET last_push_at = EXCLUDED.last_push_at,
    last_change_id = GREATEST(tills.last_change_id, EXCLUDED.last_change_id)
"""


def apply_batch(
    conn: psycopg.Connection[Any], batch: Batch, shop_id: str, terminal_id: str, now: datetime
) -> None:
    """Inside the caller's transaction: operations first (oldest first, so a reversal finds its
    redemption), then their changes, then audit entries, then the till's push time."""
    shops: dict[int, str] = {}
    operations = []
    for row in sorted(batch.operations, key=lambda r: int(r["id"])):
        shop = row["shop_id"] or shop_id
        shops[int(row["id"])] = shop
        operations.append(_operation_params(row, shop, terminal_id))
    changes = [
        {
            "shop": shops.get(int(c["operation_id"]), shop_id), "terminal": terminal_id,
            "id": c["id"], "operation_id": c["operation_id"], "state": c["state"],
            "at": from_us(c["at_us"]), "error_code": c["error_code"], "note": c["note"],
        }
        for c in batch.changes
    ]  # fmt: skip
    audit = [
        {
            "shop": shop_id, "terminal": terminal_id, "id": a["id"], "at": from_us(a["at_us"]),
            "day": date.fromisoformat(a["local_day"]), "actor": a["actor"],
            "action": a["action"], "detail": a["detail"], "till": a["terminal"],
        }
        for a in batch.audit
    ]  # fmt: skip
    with conn.cursor() as cur:
        if operations:
            cur.executemany(_UPSERT_OPERATION, operations)
        if changes:
            cur.executemany(_INSERT_CHANGE, changes)
        if audit:
            cur.executemany(_INSERT_AUDIT, audit)
        cur.execute(_UPSERT_TILL, (shop_id, terminal_id, now, batch.last_change_id))


def _operation_params(row: dict[str, Any], shop: str, terminal_id: str) -> dict[str, Any]:
    next_retry = row["next_retry_us"]
    return {
        "shop": shop, "terminal": terminal_id, "id": row["id"], "kind": row["kind"],
        "request_id": row["request_id"], "code": row["code"], "code_tail": row["code_tail"],
        "code_type": row["code_type"], "quantity": row["quantity"],
        "payload": json.dumps(unpack_fields(row["payload"])), "state": row["state"],
        "created": from_us(row["created_us"]), "updated": from_us(row["updated_us"]),
        "day": date.fromisoformat(row["local_day"]), "order_no": row["order_no"],
        "operator": row["operator"], "manager": row["manager"], "reason": row["reason"],
        "parent_id": row["parent_id"], "parent_request_id": row["parent_request_id"],
        "error_code": row["error_code"], "error_message": row["error_message"],
        "result": json.dumps(unpack_fields(row["result"])), "attempts": row["attempts"],
        "next_retry": None if next_retry is None else from_us(next_retry),
        "item_name": row["item_name"], "amount": row["amount"],
        "last_change_id": row["last_change_id"] or 0,
        # A batch read from a journal older than schema 6 has no cashier column.
        "cashier": row.get("cashier", ""),
    }  # fmt: skip
