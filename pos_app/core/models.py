"""Frozen value types shared by the clients, the journal and the service. Money is ``Decimal``."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal


class CodeType(enum.StrEnum):
    INTERNAL = "INTERNAL_CODE"
    EXTERNAL = "EXTERNAL_CODE"


class ShopType(enum.StrEnum):
    INTERNAL = "INTERNAL_SHOP"
    EXTERNAL = "EXTERNAL_SHOP"


@dataclass(frozen=True, slots=True)
class RedeemRequest:
    """One call of ``alibaba.alsc.merchant.ext.ticketcode.use``; validated before it is built."""

    ticket_request_id: str
    ticket_code: str
    quantity: int
    shop_id: str
    shop_type: ShopType = ShopType.INTERNAL
    gmt_biz: str = ""  # "yyyy-MM-dd HH:mm:ss" GMT+8; empty = gateway uses call time
    ticket_id: str = ""  # seed 003: required for a third-party code value (本地侧凭证id)


@dataclass(frozen=True, slots=True)
class TicketUseDetail:
    ticket_code: str = ""
    ticket_trans_id: str = ""
    ticket_id: str = ""
    buyer_pay_amount: Decimal | None = None
    receipt_amount: Decimal | None = None
    discount_amount: Decimal | None = None
    merchant_subsidy_amount: Decimal | None = None
    invoice_amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class RedeemResult:
    """What a redemption answered. Most price/item fields are absent for newer integrations."""

    ticket_request_id: str
    repeat: bool = False  # biz_code TICKET_ALREADY_USED / BIZ_ALREADY_SUCCESS for our own id
    biz_code: str = ""
    order_no: str = ""
    ticket_code: str = ""
    item_name: str = ""
    item_id: str = ""
    item_alias: str = ""
    use_date: str = ""
    use_shop_id: str = ""
    use_shop_name: str = ""
    ticket_trans_id: str = ""
    voucher_id: str = ""
    original_price: Decimal | None = None
    current_price: Decimal | None = None
    buyer_pay_amount: Decimal | None = None
    receipt_amount: Decimal | None = None
    discount_amount: Decimal | None = None
    invoice_amount: Decimal | None = None
    merchant_subsidy_amount: Decimal | None = None
    details: tuple[TicketUseDetail, ...] = ()
    gateway_request_id: str = ""  # TOP's own request_id, for support


@dataclass(frozen=True, slots=True)
class CancelRequest:
    """One call of ``koubei.trade.ticket.ticketcode.cancel``.

    ``request_id`` and ``request_biz_no`` are both the redemption's ``ticket_request_id``.
    """

    request_id: str
    request_biz_no: str
    ticket_code: str
    quantity: int | None = None
    order_no: str = ""
    code_type: CodeType = CodeType.INTERNAL


@dataclass(frozen=True, slots=True)
class CancelResult:
    request_id: str
    repeat: bool = False  # BIZ_ALREADY_SUCCESS
    biz_code: str = ""


@dataclass(frozen=True, slots=True)
class SyncRequest:
    """One call of ``koubei.trade.ticket.ticketcode.sync``. ``quantity`` is the REMAINING count."""

    request_id: str
    ticket_code: str
    quantity: int
    order_no: str
    code_type: CodeType = CodeType.INTERNAL
    gmt_biz: str = ""
    sync_shop_id: str = ""


@dataclass(frozen=True, slots=True)
class SyncResult:
    request_id: str
    order_no: str = ""
    repeat: bool = False
    biz_code: str = ""


@dataclass(frozen=True, slots=True)
class VoucherUse:
    """One transaction on a voucher as the lookup lists it (``TicketTransInfo``)."""

    trans_type: str = ""  # as the platform names it, e.g. "USE" or "CANCEL"
    quantity: int | None = None
    time: str = ""  # create_time, "yyyy-MM-dd HH:mm:ss" GMT+8
    trans_id: str = ""


@dataclass(frozen=True, slots=True)
class VoucherInfo:
    """What ``koubei.trade.ticket.ticketcode.query`` answered. Any field may be absent.

    ``status`` is the platform's ``ticket_status`` (``VoucherStatus`` values, or whatever new
    value it sends); dates are the platform's ``yyyy-MM-dd HH:mm:ss`` text (GMT+8).
    """

    ticket_code: str
    status: str = ""
    status_desc: str = ""
    item_name: str = ""
    item_id: str = ""
    order_no: str = ""
    voucher_id: str = ""
    original_price: Decimal | None = None
    current_price: Decimal | None = None
    effect_date: str = ""
    expire_date: str = ""
    total_quantity: int | None = None
    available_quantity: int | None = None
    uses: tuple[VoucherUse, ...] = ()

    @property
    def multi_use(self) -> bool:
        """A 次卡: more than one use bought."""
        return self.total_quantity is not None and self.total_quantity > 1

    @property
    def can_redeem_again(self) -> bool:
        """Another use may be taken: a multi-use voucher, still effective, with uses left."""
        left = self.available_quantity
        return self.multi_use and left is not None and left > 0 and self.status in ("", "EFFECTIVE")


class VoucherStatus(enum.StrEnum):
    """``ticket_status`` values documented for the lookup."""

    USED = "USED"
    EFFECTIVE = "EFFECTIVE"
    UN_EFFECTIVE = "UN_EFFECTIVE"
    REFUNDED = "REFUNDED"
    USING = "USING"
    REFUNDING = "REFUNDING"
