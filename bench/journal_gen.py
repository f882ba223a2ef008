"""Fill a journal file with N realistic rows, fast, through the journal's own schema.

The file is created and migrated by ``SqliteJournal`` itself (``pos_app.journal.migrations``);
the rows then go in with ``executemany`` inside one transaction (synchronous=OFF while filling:
this is test data, not a measurement), two ``state_changes`` per operation as the app writes.

Shape: ``per_day`` operations a day going back from today (default 1,000 a day, so 1M rows are
about 2.7 years of one busy lane); 90 % succeeded redemptions, 5 % reversals (each linked to the
redemption just before it), 2 % failed redemptions, 1 % syncs, and a few UNKNOWN rows today.
Payload and result are copies of what a real redemption against the simulator stores, packed
as the app packs them (``sqlite_rows.pack_fields``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pos_app.journal.sqlite import SqliteJournal
from pos_app.journal.sqlite_rows import pack_fields

RESULT = {
    "buyer_pay_amount": "45.00",
    "current_price": "50.00",
    "detail_count": "1",
    "discount_amount": "1.00",
    "gateway_request_id": "cceb53e3445df8",
    "invoice_amount": "45.00",
    "item_alias": "2019060100076000000000002845",
    "item_id": "2015060400076000000000012100",
    "item_name": "双人下午茶套餐",
    "merchant_subsidy_amount": "4.00",
    "order_no": "",
    "original_price": "100.00",
    "receipt_amount": "49.00",
    "ticket_code": "",
    "ticket_request_id": "",
    "ticket_trans_id": "20261123001640040200000000000001",
    "use_date": "",
    "use_shop_id": "671505495",
    "use_shop_name": "烘培世家（演示一店）",
    "voucher_id": "2024BENCH000000000000",
}
SHOP = "671505495"
OPEN_TODAY = 5


def code_of(i: int) -> str:
    return f"5{i:011d}"


def request_id_of(i: int) -> str:
    return f"R20240101000000{i:016X}"


def order_of(i: int) -> str:
    return f"20240601110400301{i:013d}"


# A till with cashiers signing in (issue #12): each row names one, as the app writes it.
CASHIERS = ("小李", "小王", "阿芳")


def _stored(kind: str, payload: dict[str, str]) -> str | bytes:
    """As ``SqliteJournal`` stores a payload: a reversal's as JSON text, the rest packed."""
    if kind == "REVERSE":
        return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return pack_fields(payload)


def _kind(i: int) -> str:
    if i % 20 == 19:
        return "REVERSE"
    if i % 100 == 33:
        return "SYNC"
    if i % 50 == 7:
        return "FAILED"
    return "REDEEM"


def _rows(n: int, per_day: int, today: date) -> Iterator[tuple[object, ...]]:
    us_per_slot = (12 * 3600 * 1_000_000) // per_day
    midnights: dict[int, tuple[int, str]] = {}
    for i in range(n):
        back = (n - 1 - i) // per_day
        if back not in midnights:
            day = today - timedelta(days=back)
            local_midnight = datetime(day.year, day.month, day.day).astimezone()
            midnights[back] = (
                int(local_midnight.astimezone(UTC).timestamp()) * 1_000_000,
                day.isoformat(),
            )
        base_us, day_text = midnights[back]
        created = base_us + 8 * 3600 * 1_000_000 + (i % per_day) * us_per_slot
        kind = _kind(i)
        rid = request_id_of(i)
        code = code_of(i)
        parent = None
        state, error_code, amount, item = "SUCCEEDED", "", None, ""
        result: dict[str, str] = {}
        manager = reason = ""
        if kind == "REVERSE":
            parent = i  # ids are 1-based: row i-1 has id i
            code = code_of(i - 1)
            rid = "V" + rid[1:]
            manager, reason = "manager", "顾客要求撤销"
            payload = {
                "code_type": "INTERNAL_CODE",
                "order_no": order_of(i - 1),
                "quantity": "1",
                "request_biz_no": request_id_of(i - 1),
                "request_id": request_id_of(i - 1),
                "ticket_code": code,
            }
        elif kind == "SYNC":
            rid = "S" + rid[1:]
            payload = {
                "code_type": "INTERNAL_CODE",
                "gmt_biz": "",
                "order_no": order_of(i),
                "quantity": "0",
                "request_id": rid,
                "sync_shop_id": SHOP,
                "ticket_code": code,
            }
        else:
            payload = {
                "gmt_biz": "",
                "quantity": "1",
                "shop_id": SHOP,
                "shop_type": "INTERNAL_SHOP",
                "ticket_code": code,
                "ticket_request_id": rid,
            }
            if kind == "FAILED":
                state, error_code = "FAILED", "TICKET_STATUS_ILLEGAL"
            elif i >= n - OPEN_TODAY:
                state, error_code = "UNKNOWN", "TIMEOUT"
            else:
                result = {
                    **RESULT,
                    "order_no": order_of(i),
                    "ticket_code": code,
                    "ticket_request_id": rid,
                }
                amount, item = "45.00", RESULT["item_name"]
            kind = "REDEEM"
        yield (
            i + 1,
            kind,
            rid,
            code,
            code[-4:],
            "INTERNAL_CODE",
            1,
            _stored(kind, payload),
            state,
            created,
            created + 5000,
            day_text,
            SHOP,
            order_of(i),
            CASHIERS[i % len(CASHIERS)],  # the operator is the signed-in cashier
            manager,
            reason,
            parent,
            "LANE1",
            error_code,
            pack_fields(result),
            1,
            item,
            amount,
            CASHIERS[i % len(CASHIERS)],
        )


def _changes(n: int) -> Iterator[tuple[object, ...]]:
    for i in range(n):
        yield (i + 1, "PENDING", 0, "", "added")
        yield (i + 1, "SUCCEEDED", 0, "", "")


def generate(path: Path, n: int, *, per_day: int = 1000, today: date | None = None) -> None:
    """Create ``path`` (must not exist) with ``n`` operations ending today."""
    SqliteJournal(path).close()  # create + migrate with the app's own code
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        conn.executemany(
            """INSERT INTO operations (
                id, kind, request_id, code, code_tail, code_type, quantity, payload, state,
                created_us, updated_us, local_day, shop_id, order_no, operator, manager, reason,
                parent_id, terminal, error_code, result, attempts, item_name, amount, cashier
            ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            _rows(n, per_day, today or date.today()),
        )
        conn.executemany(
            "INSERT INTO state_changes (operation_id, state, at_us, error_code, note)"
            " VALUES (?, ?, ?, ?, ?)",
            _changes(n),
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # no ANALYZE: the app never runs it
    finally:
        conn.close()
