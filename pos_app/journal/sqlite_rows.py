"""How an ``Operation`` is stored in a SQLite row and found again (used by ``journal.sqlite``).

Every SQL fragment here is a constant; values are always bound as ``?`` parameters.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Mapping
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


# ``payload`` and ``result`` are stored packed (issue #13: they were ~900 of the 1,481 bytes an
# operation took at 1M rows, mostly the same key names in every row): compact JSON, raw-deflated
# against a preset dictionary of those names, behind a format byte. Rows written before keep
# their JSON text; both read back the same. _PACK_V1_DICT is part of the file format: never edit
# it (a new dictionary gets a new format byte).
_PACK_V1 = 1
_PACK_V1_DICT = b"".join(
    f'"{name}":"'.encode()
    for name in (
        "buyer_pay_amount", "code_type", "current_price", "detail_count", "discount_amount",
        "gateway_request_id", "gmt_biz", "invoice_amount", "item_alias", "item_id", "item_name",
        "merchant_subsidy_amount", "order_no", "original_price", "quantity", "receipt_amount",
        "request_biz_no", "request_id", "shop_id", "shop_type", "sync_shop_id", "ticket_code",
        "ticket_request_id", "ticket_trans_id", "use_date", "use_shop_id", "use_shop_name",
        "voucher_id", "biz_code", "INTERNAL_CODE", "EXTERNAL_CODE", "INTERNAL_SHOP",
        "EXTERNAL_SHOP",
    )
)  # fmt: skip


def pack_fields(fields: Mapping[str, object]) -> bytes:
    """``payload``/``result`` as stored: format byte + deflated compact JSON (``unpack_fields``)."""
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zdict=_PACK_V1_DICT)
    return bytes((_PACK_V1,)) + packer.compress(text.encode()) + packer.flush()


def unpack_fields(stored: str | bytes) -> dict[str, str]:
    """A stored ``payload``/``result``: packed (``pack_fields``) or JSON text (older rows)."""
    if isinstance(stored, str):
        fields: dict[str, str] = json.loads(stored)
        return fields
    if not stored or stored[0] != _PACK_V1:
        raise ValueError(f"unknown packed journal field format {stored[:1]!r}")
    unpacker = zlib.decompressobj(-15, zdict=_PACK_V1_DICT)
    unpacked: dict[str, str] = json.loads(unpacker.decompress(stored[1:]) + unpacker.flush())
    return unpacked


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
        payload=unpack_fields(row["payload"]),
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
        result=unpack_fields(row["result"]),
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
