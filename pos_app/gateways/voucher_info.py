"""The lookup's answer node (``koubei.trade.ticket.ticketcode.query``) as a ``VoucherInfo``.

The method is documented only loosely (references/ticketcode-query.md), so every field may be
absent or come in an odd shape: a number as a string or a number, a list wrapped in an object.
Whatever cannot be read becomes "absent" (``""`` / ``None``), never an error. The one thing that
is not tolerated is an answer about another code: that is not an answer to our question.
"""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
from typing import Any

from pos_app.core.errors import OutcomeUnknown
from pos_app.core.models import VoucherInfo, VoucherUse

logger = logging.getLogger(__name__)

_TRANS_LIST = "ticket_trans_info_list"
_MAX_USES = 200  # a 次卡 has at most 9999 uses; nobody reads more than a few hundred lines


def text_value(value: object) -> str:
    """A scalar as text: strings as they are, numbers written out; anything else ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and len(value) == 1:
        return text_value(value[0])  # the sync seed's example writes request_id as a one-item list
    if isinstance(value, bool | int | float):
        return str(value)
    return ""


def _count(value: object) -> int | None:
    text = text_value(value).strip()
    if not text.isdecimal() or len(text) > 6:
        return None
    return int(text)


def _money(value: object) -> Decimal | None:
    text = text_value(value).strip()
    if not text or len(text) > 16:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and amount >= 0 else None


def _items(value: object) -> list[Any]:
    """A list, or the list inside a one-key wrapper object (``{"ticket_trans_info": [...]}``)."""
    if isinstance(value, dict) and len(value) == 1:
        value = next(iter(value.values()))
    if isinstance(value, dict):
        return [value]
    return value if isinstance(value, list) else []


def _use(entry: object) -> VoucherUse | None:
    if not isinstance(entry, dict):
        return None
    return VoucherUse(
        trans_type=text_value(entry.get("ticket_trans_type")).upper(),
        quantity=_count(entry.get("quantity")),
        time=text_value(entry.get("create_time")) or text_value(entry.get("last_modify_time")),
        trans_id=text_value(entry.get("ticket_trans_id")),
    )


def voucher_info(node: dict[str, Any], asked: str) -> VoucherInfo:
    """The verified success node of a lookup of ``asked``."""
    echoed = text_value(node.get("ticket_code"))
    if echoed and echoed != asked:
        raise OutcomeUnknown("RESPONSE_MALFORMED", "lookup answer is about another code")
    uses = [u for u in map(_use, _items(node.get(_TRANS_LIST))[:_MAX_USES]) if u is not None]
    return VoucherInfo(
        ticket_code=asked,
        status=text_value(node.get("ticket_status")).upper(),
        status_desc=text_value(node.get("ticket_status_desc")),
        item_name=text_value(node.get("item_name")) or text_value(node.get("item_alias")),
        item_id=text_value(node.get("item_id")),
        order_no=text_value(node.get("order_no")),
        voucher_id=text_value(node.get("voucher_id")),
        original_price=_money(node.get("original_price")),
        current_price=_money(node.get("current_price")),
        effect_date=text_value(node.get("effect_date")),
        expire_date=text_value(node.get("expire_date")),
        total_quantity=_count(node.get("total_quantity")),
        available_quantity=_count(node.get("available_quantity")),
        uses=tuple(uses),
    )
