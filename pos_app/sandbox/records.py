"""The simulator's records and business answers: vouchers, redemptions, request parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

AVAILABLE, USED, REFUNDED, EXPIRED = "AVAILABLE", "USED", "REFUNDED", "EXPIRED"
SUCCEEDED, CLOSED, REVERSED = "SUCCEEDED", "CLOSED", "REVERSED"
OPEN_PLATFORM = "OPEN_PLATFORM"

# Chinese texts from the seeds' error tables (per API where they differ).
SUB_MSGS: dict[str, str] = {
    "SYSTEM_ERROR": "系统繁忙",
    "INVALID_PARAMETER": "参数有误",
    "TICKET_CODE_NOT_EXIST": "凭证码不存在",
    "NOT_SAME_MERCHANT_PID": "非当前商家的凭证码，无法操作",
    "TICKET_STATUS_ILLEGAL": "凭证状态不可用（已使用/已退款/已过期）",
    "TICKET_PROCESSING": "券已经在处理中",
    "USE_BIZ_ORDER_CLOSE": "正向核销流水已关闭",
    "USE_CHANNEL_NOT_EQUAL": "撤销的凭证不是通过开放平台核销",
    "USE_BIZ_ORDER_NOT_EXIST": "券正向核销操作单不存在",
    "REQUEST_ID_REPEAT": "流水号重复，但参数不一致",
    "REPEAT_CANCEL": "对同一正向流水重复冲正(请求ID不同)",
}


class BizError(Exception):
    """A business answer that is not success: ``code`` is the bare seed code."""

    def __init__(self, code: str, sub_msg: str = "") -> None:
        self.code = code
        self.sub_msg = sub_msg or SUB_MSGS.get(code, code)
        super().__init__(f"{code}: {self.sub_msg}")


@dataclass
class Voucher:
    code: str
    merchant_pid: str
    code_type: str
    order_no: str
    item: str
    total: int
    remaining: int
    status: str
    multi: bool = False
    voucher_id: str = ""
    flaky: bool = False  # first attempt of every request id fails with SYSTEM_ERROR
    processing_left: int = 0  # this many calls answer TICKET_PROCESSING ...
    after_processing: str = ""  # ... then the status becomes this
    ticket_id: str = ""  # a third-party code's 本地侧凭证id: redeeming it needs this ticket_id
    effect_date: str = ""  # validity window, "yyyy-MM-dd HH:mm:ss" GMT+8; "" = no limit
    expire_date: str = ""
    shops: list[str] = field(default_factory=list)  # shop ids it may be used at; [] = any


@dataclass
class Redemption:
    request_id: str
    code: str
    quantity: int
    shop_id: str
    shop_type: str
    merchant_pid: str
    channel: str = OPEN_PLATFORM
    status: str = SUCCEEDED  # SUCCEEDED | CLOSED (attempt failed) | REVERSED
    fail_code: str = ""
    use_date: str = ""
    ticket_trans_id: str = ""
    reversed_by: str = ""  # request_biz_no of the reversal
    reversed_at: str = ""  # when it was reversed ("yyyy-MM-dd HH:mm:ss" GMT+8)
    response: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RedeemParams:
    request_id: str  # "" when the caller sent none (seed 003: optional; no idempotency then)
    code: str
    quantity: int | None
    shop_id: str
    shop_type: str = "INTERNAL_SHOP"
    ticket_id: str = ""


@dataclass(frozen=True)
class CancelParams:
    request_id: str
    request_biz_no: str
    code: str
    quantity: int | None = None
    order_no: str = ""
    code_type: str = "INTERNAL_CODE"


@dataclass(frozen=True)
class SyncParams:
    request_id: str
    code: str
    quantity: int
    order_no: str
    code_type: str = "INTERNAL_CODE"


@dataclass(frozen=True)
class QueryParams:
    code: str
    shop_id: str


@dataclass(frozen=True)
class Answer:
    """A successful business answer: the response fields and whether it is an idempotent repeat."""

    fields: dict[str, Any]
    repeat: bool = False
