"""Voucher lookup (``ticketcode.query``) for the service, and what its answer tells the cashier.

A lookup is read-only (protocol.md): it writes no journal row, never changes a money state, may
be retried freely and is cached for a few seconds, so the check before a redemption, the failure
explanation and the 次卡 count right after do not each ask the gateway again. The cache entry of a
code is dropped whenever an operation on that code settles, so a count is never older than the
redemption it follows.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from pos_app.core import codes
from pos_app.core.clock import CHINA, FORMAT
from pos_app.core.errors import ConfigError, InputInvalid
from pos_app.core.journal import Operation, OpKind, OpState
from pos_app.core.messages import Message, message_with
from pos_app.core.models import CodeType, VoucherInfo, VoucherStatus

logger = logging.getLogger(__name__)

DEFAULT_TTL_S = 5.0
_MAX_ENTRIES = 256


class LookupGateway(Protocol):
    def query(self, code: str, shop_id: str) -> VoucherInfo: ...


class VoucherLookup:
    """Looks codes up at ``gateway()`` for one shop, with a short cache. Thread-safe."""

    def __init__(
        self,
        gateway: Callable[[], LookupGateway],
        *,
        ttl_s: float = DEFAULT_TTL_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._gateway = gateway
        self._ttl_s = ttl_s
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], tuple[float, VoucherInfo]] = {}

    def lookup(self, raw_code: str, shop_id: str, *, affixes: tuple[str, ...] = ()) -> VoucherInfo:
        """``InputInvalid`` for what is not a 12-digit platform code (nothing sent);
        ``ConfigError`` without a shop id or keys; otherwise the gateway's errors as they are:
        any of them only means "could not look up"."""
        voucher = codes.normalize_code(raw_code, affixes=affixes)
        if voucher.code_type is not CodeType.INTERNAL:
            raise InputInvalid("LOOKUP_CODE_TYPE", "ticket_code", "only 12-digit platform codes")
        if not shop_id:
            raise ConfigError("CONFIG_ERROR", "shop.id is not set")
        key = (voucher.value, shop_id)
        cached = self._cached(key)
        if cached is not None:
            logger.debug("lookup %s from cache", voucher.masked)
            return cached
        info = self._gateway().query(voucher.value, shop_id)
        logger.info("lookup %s: %s", voucher.masked, info.status or "-")
        with self._lock:
            if len(self._cache) >= _MAX_ENTRIES:
                self._cache.clear()
            self._cache[key] = (self._monotonic() + self._ttl_s, info)
        return info

    def forget(self, code: str) -> None:
        """An operation on ``code`` settled: its cached answer is out of date."""
        with self._lock:
            for key in [k for k in self._cache if k[0] == code]:
                del self._cache[key]

    def _cached(self, key: tuple[str, str]) -> VoucherInfo | None:
        with self._lock:
            entry = self._cache.get(key)
            if entry is None:
                return None
            if entry[0] <= self._monotonic():
                del self._cache[key]
                return None
            return entry[1]


# --------------------------------------------------------------------- the cashier's explanation


def explain(
    info: VoucherInfo,
    earlier: Sequence[Operation],
    *,
    shop_id: str,
    terminal: str,
    now: datetime,
) -> Message | None:
    """Why a redemption of ``info``'s code failed, in the cashier's words; None when the lookup
    does not say (e.g. the voucher is still effective: the redemption failed for another reason).

    ``earlier``: this journal's rows for the code, to say whether a use was at this till or shop.
    """
    status = info.status
    if status == VoucherStatus.USED:
        return _used(info, earlier, shop_id=shop_id, terminal=terminal)
    if status == VoucherStatus.REFUNDED:
        return message_with("LOOKUP_REFUNDED")
    if status == VoucherStatus.REFUNDING:
        return message_with("LOOKUP_REFUNDING")
    if status == VoucherStatus.USING:
        return message_with("LOOKUP_USING")
    if status == VoucherStatus.UN_EFFECTIVE:
        return _not_effective(info, now)
    return None


def _used(
    info: VoucherInfo, earlier: Sequence[Operation], *, shop_id: str, terminal: str
) -> Message:
    ours = [
        op
        for op in earlier
        if op.kind is OpKind.REDEEM and op.state is OpState.SUCCEEDED and op.reversed_by is None
    ]
    here = [op for op in ours if terminal and op.terminal == terminal]
    if here:
        return message_with("LOOKUP_USED_HERE", when=_china(here[0].created_at))
    at_shop = [op for op in ours if op.shop_id == shop_id]
    if at_shop:
        op = at_shop[0]
        return message_with("LOOKUP_USED_SHOP", when=_china(op.created_at), till=op.terminal or "—")
    when = last_use_time(info)
    if when:
        return message_with("LOOKUP_USED_ELSEWHERE", when=when)
    return message_with("LOOKUP_USED")


def _not_effective(info: VoucherInfo, now: datetime) -> Message:
    today = now.astimezone(CHINA).strftime(FORMAT)
    if info.effect_date and today < info.effect_date:
        return message_with("LOOKUP_NOT_YET", start=info.effect_date, end=info.expire_date or "—")
    if info.expire_date and today > info.expire_date:
        return message_with("LOOKUP_EXPIRED", end=info.expire_date)
    return message_with("LOOKUP_NOT_HERE")


def last_use_time(info: VoucherInfo) -> str:
    """When the voucher was last used, per the lookup ("" when it lists no use)."""
    times = [u.time for u in info.uses if u.trans_type == "USE" and u.time]
    return max(times) if times else ""


def _china(moment: datetime) -> str:
    return moment.astimezone(CHINA).strftime(FORMAT)
