"""Voucher state of the simulator: codes, redemptions, reversals and syncs, thread-safe.

The business rules of the three APIs live here, independent of the wire: ``redeem``, ``cancel``
and ``sync`` either return the response fields or raise ``BizError`` with a seed error code.
Redemptions are keyed by ``ticket_request_id`` (idempotent repeats), reversals by
``request_biz_no``, syncs by ``request_id``. With a path the state is saved as JSON after every
change (temp file, fsync, replace), so training mode keeps it across restarts.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pos_app.core.clock import FORMAT, now_china
from pos_app.core.codes import mask_code
from pos_app.core.files import write_atomic
from pos_app.sandbox.lookup import query_fields, valid_at, valid_now
from pos_app.sandbox.records import (
    AVAILABLE,
    CLOSED,
    EXPIRED,
    OPEN_PLATFORM,
    REFUNDED,
    REVERSED,
    SUB_MSGS,
    SUCCEEDED,
    USED,
    Answer,
    BizError,
    CancelParams,
    QueryParams,
    RedeemParams,
    Redemption,
    SyncParams,
    Voucher,
)

logger = logging.getLogger(__name__)

__all__ = [
    "SUB_MSGS",
    "Answer",
    "BizError",
    "CancelParams",
    "RedeemParams",
    "Redemption",
    "SyncParams",
    "Voucher",
    "VoucherState",
]

_MONEY_FIELDS = (
    "buyer_pay_amount",
    "receipt_amount",
    "discount_amount",
    "merchant_subsidy_amount",
    "invoice_amount",
)


def _money(value: str, quantity: int) -> str:
    return str((Decimal(value) * quantity).quantize(Decimal("0.01")))


class VoucherState:
    def __init__(
        self,
        data: dict[str, Any],
        path: Path | None = None,
        clock: Callable[[], datetime] = now_china,
        initial: dict[str, Any] | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self._path = path
        self._clock = clock
        self._initial = copy.deepcopy(initial if initial is not None else data)
        self._requests: dict[str, int] = {}  # gateway -> requests received (not persisted)
        self._load(data)

    # ---------------------------------------------------------------- persistence
    def _load(self, data: dict[str, Any]) -> None:
        data = copy.deepcopy(data)
        self.merchants: dict[str, str] = data["merchants"]
        self.shops: list[dict[str, str]] = data["shops"]
        self.items: dict[str, dict[str, str]] = data["items"]
        self._vouchers = {v["code"]: Voucher(**v) for v in data["vouchers"]}
        self._redemptions = {r["request_id"]: Redemption(**r) for r in data["redemptions"]}
        self._cancels: dict[str, dict[str, Any]] = {c["request_biz_no"]: c for c in data["cancels"]}
        self._syncs: dict[str, dict[str, Any]] = {s["request_id"]: s for s in data["syncs"]}
        self._flaky_seen: set[str] = set(data["flaky_seen"])
        self._counter: int = data["counter"]

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {
                "version": 1,
                "merchants": self.merchants,
                "shops": self.shops,
                "items": self.items,
                "vouchers": [asdict(v) for v in self._vouchers.values()],
                "redemptions": [asdict(r) for r in self._redemptions.values()],
                "cancels": list(self._cancels.values()),
                "syncs": list(self._syncs.values()),
                "flaky_seen": sorted(self._flaky_seen),
                "counter": self._counter,
            }

    @classmethod
    def open(
        cls, path: Path | None, initial: dict[str, Any], clock: Callable[[], datetime] = now_china
    ) -> VoucherState:
        """State from ``path`` if it exists, else ``initial`` (saved to ``path`` when given)."""
        if path is not None and path.exists():
            return cls(json.loads(path.read_text(encoding="utf-8")), path, clock, initial)
        state = cls(initial, path, clock)
        state._save()
        return state

    def reset(self) -> None:
        """Back to the demo data set (training: "start over")."""
        with self._lock:
            self._load(self._initial)
            self._save()

    def _save(self) -> None:
        if self._path is None:
            return
        data = json.dumps(self.to_json(), ensure_ascii=False, indent=1)
        write_atomic(self._path, data.encode("utf-8"))

    # ---------------------------------------------------------------- queries (tests, /__sim/state)
    def note_request(self, gateway: str) -> None:
        """The server counts every request that reaches a gateway route, whatever its outcome."""
        with self._lock:
            self._requests[gateway] = self._requests.get(gateway, 0) + 1

    def total_requests(self, gateway: str | None = None) -> int:
        """Gateway requests received since start (``"alipay"``, ``"top"`` or both): lets a test
        prove that nothing was sent."""
        with self._lock:
            if gateway is None:
                return sum(self._requests.values())
            return self._requests.get(gateway, 0)

    def redemptions_for(self, code: str) -> list[Redemption]:
        """Redemptions of ``code`` that took effect (succeeded, possibly reversed since)."""
        with self._lock:
            return [
                copy.deepcopy(r)
                for r in self._redemptions.values()
                if r.code == code and r.status in (SUCCEEDED, REVERSED)
            ]

    def attempts_for(self, code: str) -> list[Redemption]:
        """Every redemption record of ``code``, failed (CLOSED) attempts included."""
        with self._lock:
            return [copy.deepcopy(r) for r in self._redemptions.values() if r.code == code]

    def remaining(self, code: str) -> int:
        with self._lock:
            return self._vouchers[code].remaining

    def status(self, code: str) -> str:
        with self._lock:
            return self._vouchers[code].status

    def voucher(self, code: str) -> Voucher | None:
        with self._lock:
            v = self._vouchers.get(code)
            return copy.deepcopy(v)

    def cancels_for(self, code: str) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(c) for c in self._cancels.values() if c["code"] == code]

    def snapshot(self, code: str) -> dict[str, Any]:
        with self._lock:
            v = self._vouchers.get(code)
            return {
                "code": code,
                "exists": v is not None,
                "status": v.status if v else None,
                "remaining": v.remaining if v else None,
                "total": v.total if v else None,
                "order_no": v.order_no if v else None,
                "redemptions": [asdict(r) for r in self.redemptions_for(code)],
                "attempts": [asdict(r) for r in self.attempts_for(code)],
                "cancels": self.cancels_for(code),
            }

    # ---------------------------------------------------------------- helpers
    def _now(self) -> str:
        return self._clock().strftime(FORMAT)

    def _next_trans_id(self) -> str:
        self._counter += 1
        return f"{self._clock().strftime('%Y%m%d')}0016400402{self._counter:014d}"

    def _own_voucher(self, code: str, merchant_pid: str) -> Voucher:
        v = self._vouchers.get(code)
        if v is None:
            raise BizError("TICKET_CODE_NOT_EXIST")
        if v.merchant_pid != merchant_pid:
            raise BizError("NOT_SAME_MERCHANT_PID")
        return v

    def _transient(self, v: Voucher, attempt_key: str) -> None:
        """The demo codes that are busy (TICKET_PROCESSING) or flaky (SYSTEM_ERROR).

        ``attempt_key`` names the operation and its request id: a flaky code fails the first
        attempt of each key and lets the retry through.
        """
        if v.processing_left > 0:
            v.processing_left -= 1
            if v.processing_left == 0 and v.after_processing:
                v.status = v.after_processing
                v.remaining = 0
            self._save()
            raise BizError("TICKET_PROCESSING")
        if v.flaky and attempt_key not in self._flaky_seen:
            self._flaky_seen.add(attempt_key)
            self._save()
            raise BizError("SYSTEM_ERROR")

    def _shop(self, merchant_pid: str, shop_id: str, shop_type: str) -> dict[str, str]:
        key = "external_id" if shop_type == "EXTERNAL_SHOP" else "shop_id"
        for shop in self.shops:
            if shop[key] == shop_id and shop["merchant_pid"] == merchant_pid:
                return shop
        raise BizError("INVALID_PARAMETER", "参数有误：门店不存在或不属于当前商家")

    # ---------------------------------------------------------------- redeem
    def redeem(self, merchant_pid: str, p: RedeemParams) -> Answer:
        with self._lock:
            anonymous = not p.request_id
            if anonymous:  # no ticket_request_id: a new redemption every time, never a repeat
                p = replace(p, request_id=self._anonymous_request_id())
            prior = self._redemptions.get(p.request_id)
            if prior is not None and prior.status != CLOSED:
                return self._redeem_repeat(prior, merchant_pid, p)
            v = self._own_voucher(p.code, merchant_pid)
            _check_ticket_id(v, p.ticket_id)
            shop = self._shop(merchant_pid, p.shop_id, p.shop_type)
            self._transient(v, "redeem:" + p.request_id)
            try:
                self._check_valid_here(v, p.shop_id)
                quantity = self._redeemable(v, p.quantity)
            except BizError as exc:
                self._close_attempt(merchant_pid, p, exc.code)
                raise
            v.remaining -= quantity
            if v.remaining == 0:
                v.status = USED
            r = Redemption(
                p.request_id,
                p.code,
                quantity,
                p.shop_id,
                p.shop_type,
                merchant_pid,
                use_date=self._now(),
                ticket_trans_id=self._next_trans_id(),
            )
            r.response = self._redeem_fields(v, r, shop)
            if anonymous:  # the caller sent no request id, so none is echoed
                del r.response["ticket_request_id"]
            self._redemptions[r.request_id] = r
            self._save()
            logger.info(
                "sandbox redeemed %s x%d (request %s)", mask_code(p.code), quantity, p.request_id
            )
            return Answer(dict(r.response))

    def _anonymous_request_id(self) -> str:
        # ":" keeps it apart from every id a caller can send (those are letters and digits).
        self._counter += 1
        return f"noid:{self._counter}"

    def forget_request(self, request_id: str) -> None:
        """The ``forget_request`` fault: the redemption stays (the code is used) but is no longer
        filed under ``request_id``, so a retry with that id is a stranger's use of a used code."""
        with self._lock:
            r = self._redemptions.pop(request_id, None)
            if r is None:
                return
            r.request_id = f"forgotten:{request_id}"
            self._redemptions[r.request_id] = r
            self._save()
            logger.info("sandbox forgot request %s (%s)", request_id, mask_code(r.code))

    def describe_redemption(self, code: str, request_id: str) -> Answer:
        """The answer a redemption of ``code`` under ``request_id`` would get; nothing changes.

        The ``other_request`` fault sends it: a well-formed success about another request.
        """
        with self._lock:
            v = self._vouchers[code]
            shop = next(s for s in self.shops if s["merchant_pid"] == v.merchant_pid)
            r = Redemption(
                request_id,
                code,
                1,
                shop["shop_id"],
                "INTERNAL_SHOP",
                v.merchant_pid,
                use_date=self._now(),
                ticket_trans_id=f"{self._clock().strftime('%Y%m%d')}0016400402{99:014d}",
            )
            return Answer(self._redeem_fields(v, r, shop))

    def _redeem_repeat(self, prior: Redemption, merchant_pid: str, p: RedeemParams) -> Answer:
        same = (
            prior.merchant_pid == merchant_pid
            and prior.channel == OPEN_PLATFORM
            and prior.code == p.code
            and prior.shop_id == p.shop_id
            and prior.shop_type == p.shop_type
            and prior.quantity == (p.quantity if p.quantity is not None else 1)
        )
        if not same:
            raise BizError("REQUEST_ID_REPEAT")
        if prior.status == REVERSED:
            raise BizError(
                "TICKET_STATUS_ILLEGAL", "凭证状态不可用：该核销已撤销，请用新的请求号重新核销"
            )
        fields = dict(prior.response)
        fields["biz_code"] = "TICKET_ALREADY_USED"
        return Answer(fields, repeat=True)

    def _check_valid_here(self, v: Voucher, shop_id: str) -> None:
        """Outside its validity window, or at a shop it is not for: not redeemable."""
        if v.status == AVAILABLE and not valid_now(v, self._now()):
            raise BizError("TICKET_STATUS_ILLEGAL", "凭证不在有效期内")
        if v.status == AVAILABLE and not valid_at(v, shop_id):
            raise BizError("TICKET_STATUS_ILLEGAL", "凭证不可在该门店使用")

    # ---------------------------------------------------------------- query (read-only)
    def query(self, merchant_pid: str, p: QueryParams) -> Answer:
        with self._lock:
            v = self._own_voucher(p.code, merchant_pid)
            self._shop(merchant_pid, p.shop_id, "INTERNAL_SHOP")
            uses = [r for r in self._redemptions.values() if r.code == p.code]
            fields = query_fields(v, self.items[v.item], uses, p.shop_id, self._now())
            return Answer(copy.deepcopy(fields))

    @staticmethod
    def _redeemable(v: Voucher, quantity: int | None) -> int:
        if v.status != AVAILABLE:
            raise BizError("TICKET_STATUS_ILLEGAL")
        if v.multi:
            if quantity is None:
                raise BizError("INVALID_PARAMETER", "参数有误：次卡核销必须填写 quantity")
            if quantity > v.remaining:
                raise BizError(
                    "INVALID_PARAMETER",
                    f"参数有误：核销份数 {quantity} 超过剩余可核销份数 {v.remaining}",
                )
            return quantity
        if quantity not in (None, 1):
            raise BizError("INVALID_PARAMETER", "参数有误：该凭证只能核销 1 份")
        return 1

    def _close_attempt(self, merchant_pid: str, p: RedeemParams, code: str) -> None:
        self._redemptions[p.request_id] = Redemption(
            p.request_id,
            p.code,
            p.quantity or 1,
            p.shop_id,
            p.shop_type,
            merchant_pid,
            status=CLOSED,
            fail_code=code,
            use_date=self._now(),
        )
        self._save()

    def _redeem_fields(self, v: Voucher, r: Redemption, shop: dict[str, str]) -> dict[str, Any]:
        item = self.items[v.item]
        q = r.quantity
        detail = {"ticket_trans_id": r.ticket_trans_id, "ticket_code": v.code}
        detail.update({k: _money(item[k], q) for k in _MONEY_FIELDS})
        detail["ticket_id"] = v.ticket_id or v.voucher_id  # a third-party code: its own id
        fields: dict[str, Any] = {
            "ticket_request_id": r.request_id,
            "ticket_code": v.code,
            "order_no": v.order_no,
            "item_id": item["item_id"],
            "item_alias": item["item_alias"],
            "item_name": item["item_name"],
            "original_price": item["original_price"],
            "current_price": item["current_price"],
            "use_date": r.use_date,
            "use_shop_id": shop["shop_id"],
            "use_shop_name": shop["name"],
            "ticket_trans_id": r.ticket_trans_id,
            "voucher_id": v.voucher_id,
        }
        fields.update({k: _money(item[k], q) for k in _MONEY_FIELDS})
        fields["ticket_use_details"] = [detail]
        return fields

    # ---------------------------------------------------------------- cancel
    def cancel(self, merchant_pid: str, p: CancelParams) -> Answer:
        with self._lock:
            done = self._cancels.get(p.request_biz_no)
            if done is not None:
                if done != {**asdict(p), "merchant_pid": merchant_pid}:
                    raise BizError("REQUEST_ID_REPEAT")
                return Answer({"request_id": p.request_id, "biz_code": "BIZ_ALREADY_SUCCESS"}, True)
            v = self._vouchers.get(p.code)
            if v is not None and v.merchant_pid != merchant_pid:
                raise BizError("NOT_SAME_MERCHANT_PID")
            r = self._redemptions.get(p.request_id)
            if r is None:
                if v is not None and self._used_elsewhere(v):
                    raise BizError("USE_CHANNEL_NOT_EQUAL")
                raise BizError("USE_BIZ_ORDER_NOT_EXIST")
            if r.merchant_pid != merchant_pid:
                raise BizError("NOT_SAME_MERCHANT_PID")
            if r.channel != OPEN_PLATFORM:
                raise BizError("USE_CHANNEL_NOT_EQUAL")
            if r.status == CLOSED:
                raise BizError("USE_BIZ_ORDER_CLOSE")
            if v is None or r.code != p.code:
                raise BizError("INVALID_PARAMETER", "参数有误：ticket_code 与该核销单的券码不一致")
            if r.status == REVERSED:
                raise BizError("REPEAT_CANCEL")
            self._transient(v, "cancel:" + p.request_biz_no)
            self._check_cancel(v, r, p)
            v.remaining = min(v.total, v.remaining + r.quantity)
            v.status = AVAILABLE
            r.status = REVERSED
            r.reversed_by = p.request_biz_no
            r.reversed_at = self._now()
            self._cancels[p.request_biz_no] = {**asdict(p), "merchant_pid": merchant_pid}
            self._save()
            logger.info(
                "sandbox reversed %s x%d (request %s)", mask_code(p.code), r.quantity, p.request_id
            )
            return Answer({"request_id": p.request_id})

    def _used_elsewhere(self, v: Voucher) -> bool:
        return any(
            r.code == v.code and r.channel != OPEN_PLATFORM and r.status == SUCCEEDED
            for r in self._redemptions.values()
        )

    @staticmethod
    def _check_cancel(v: Voucher, r: Redemption, p: CancelParams) -> None:
        if v.status in (REFUNDED, EXPIRED):
            raise BizError("TICKET_STATUS_ILLEGAL", "凭证状态不是已核销")
        if p.code_type != v.code_type:
            raise BizError("INVALID_PARAMETER", "参数有误：code_type 与凭证类型不一致")
        if v.code_type == "EXTERNAL_CODE" and not p.order_no:
            raise BizError("INVALID_PARAMETER", "参数有误：外部凭证码撤销时 order_no 必填")
        if p.order_no and p.order_no != v.order_no:
            raise BizError("INVALID_PARAMETER", "参数有误：order_no 与凭证所属订单不一致")
        if v.multi and p.quantity is None:
            raise BizError("INVALID_PARAMETER", "参数有误：次卡撤销必须填写 quantity")
        if p.quantity is not None and p.quantity != r.quantity:
            raise BizError(
                "INVALID_PARAMETER",
                f"参数有误：冲正份数 {p.quantity} 与核销份数 {r.quantity} 不一致",
            )

    # ---------------------------------------------------------------- sync
    def sync(self, merchant_pid: str, p: SyncParams) -> Answer:
        with self._lock:
            done = self._syncs.get(p.request_id)
            if done is not None:
                if done != {**asdict(p), "merchant_pid": merchant_pid}:
                    raise BizError("INVALID_PARAMETER", "参数有误：请求号重复，但参数不一致")
                return Answer(
                    {
                        "request_id": p.request_id,
                        "order_no": p.order_no,
                        "biz_code": "BIZ_ALREADY_SUCCESS",
                    },
                    True,
                )
            v = self._own_voucher(p.code, merchant_pid)
            self._transient(v, "sync:" + p.request_id)
            if v.status in (REFUNDED, EXPIRED):
                raise BizError(
                    "TICKET_STATUS_ILLEGAL",
                    "券已退款，无法同步" if v.status == REFUNDED else "券已过期，无法同步",
                )
            if p.order_no != v.order_no:
                raise BizError("INVALID_PARAMETER", "参数有误：order_no 与凭证所属订单不一致")
            if p.code_type != v.code_type:
                raise BizError("INVALID_PARAMETER", "参数有误：code_type 与凭证类型不一致")
            if p.quantity > v.total:
                raise BizError(
                    "INVALID_PARAMETER", f"参数有误：剩余份数 {p.quantity} 超过凭证总份数 {v.total}"
                )
            v.remaining = p.quantity
            v.status = AVAILABLE if p.quantity > 0 else USED
            self._syncs[p.request_id] = {**asdict(p), "merchant_pid": merchant_pid}
            self._save()
            logger.info("sandbox synced %s remaining=%d", mask_code(p.code), p.quantity)
            return Answer({"request_id": p.request_id, "order_no": v.order_no})


def _check_ticket_id(v: Voucher, ticket_id: str) -> None:
    """A third-party code (三方码) is redeemed only with its own ticket_id (seed 003)."""
    if not v.ticket_id:
        return
    if not ticket_id:
        raise BizError("INVALID_PARAMETER", "参数有误：三方码核销必须传 ticket_id（本地侧凭证id）")
    if ticket_id != v.ticket_id:
        raise BizError("INVALID_PARAMETER", "参数有误：ticket_id 与该三方码的凭证id不一致")
