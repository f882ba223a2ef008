"""The simulator's answer to ``koubei.trade.ticket.ticketcode.query``, from its voucher state.

Read-only: nothing here changes a voucher (a busy code's TICKET_PROCESSING countdown is not
consumed by looking at it). The status follows references/ticketcode-query.md: a code whose
redemption or refund is still being processed is USING / REFUNDING; one that is not valid now or
not at the asking shop is UN_EFFECTIVE (with its dates, so the app can say which).
"""

from __future__ import annotations

from typing import Any

from pos_app.sandbox.records import (
    AVAILABLE,
    EXPIRED,
    REFUNDED,
    REVERSED,
    SUCCEEDED,
    USED,
    Redemption,
    Voucher,
)

STATUS_DESC = {
    "USED": "已使用",
    "EFFECTIVE": "可使用",
    "UN_EFFECTIVE": "不可用",
    "REFUNDED": "已退款",
    "USING": "核销中",
    "REFUNDING": "退款中",
}


def valid_now(v: Voucher, now: str) -> bool:
    """Inside the validity window (dates compare as text: same fixed format)."""
    if v.effect_date and now < v.effect_date:
        return False
    return not (v.expire_date and now > v.expire_date)


def valid_at(v: Voucher, shop_id: str) -> bool:
    return not v.shops or shop_id in v.shops


def ticket_status(v: Voucher, shop_id: str, now: str) -> str:
    if v.processing_left > 0:
        return "REFUNDING" if v.after_processing == REFUNDED else "USING"
    if v.status == USED:
        return "USED"
    if v.status == REFUNDED:
        return "REFUNDED"
    if v.status == EXPIRED or not valid_now(v, now) or not valid_at(v, shop_id):
        return "UN_EFFECTIVE"
    return "EFFECTIVE" if v.status == AVAILABLE else "UN_EFFECTIVE"


def _transactions(redemptions: list[Redemption]) -> list[dict[str, str]]:
    """Each use that took effect, and each reversal of one, oldest first."""
    out: list[dict[str, str]] = []
    for r in redemptions:
        if r.status not in (SUCCEEDED, REVERSED):
            continue
        out.append(_trans(r.ticket_trans_id, "USE", r.quantity, r.use_date))
        if r.status == REVERSED:
            out.append(_trans(r.ticket_trans_id + "C", "CANCEL", r.quantity, r.reversed_at))
    return sorted(out, key=lambda t: t["create_time"])


def _trans(trans_id: str, kind: str, quantity: int, at: str) -> dict[str, str]:
    return {
        "ticket_trans_id": trans_id,
        "ticket_trans_type": kind,
        "quantity": str(quantity),
        "create_time": at,
        "last_modify_time": at,
    }


def query_fields(
    v: Voucher, item: dict[str, str], redemptions: list[Redemption], shop_id: str, now: str
) -> dict[str, Any]:
    status = ticket_status(v, shop_id, now)
    fields: dict[str, Any] = {
        "ticket_code": v.code,
        "ticket_status": status,
        "ticket_status_desc": STATUS_DESC[status],
        "item_id": item["item_id"],
        "item_alias": item["item_alias"],
        "item_name": item["item_name"],
        "order_no": v.order_no,
        "voucher_id": v.voucher_id,
        "original_price": item["original_price"],
        "current_price": item["current_price"],
        "effect_date": v.effect_date,
        "expire_date": v.expire_date,
        "total_quantity": str(v.total),
        "available_quantity": str(v.remaining if status == "EFFECTIVE" else 0),
        "ticket_trans_info_list": _transactions(redemptions),
    }
    return {k: val for k, val in fields.items() if val != ""}  # absent, not empty
