"""What both simulated gateways share: the reply type, the context, field checks, fault handling."""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pos_app.core.clock import FORMAT, parse_gateway_timestamp
from pos_app.sandbox.demo import DemoKeys
from pos_app.sandbox.faults import ANSWER_INSTEAD, Fault, FaultSet
from pos_app.sandbox.state import BizError, VoucherState

_ALNUM = re.compile(r"[A-Za-z0-9]+")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json;charset=utf-8"
    delay_s: float = 0.0  # sleep this long before answering
    drop: bool = False  # close the connection without answering


HTTP_500 = Reply(
    500, b"<html><body><h1>500 Internal Server Error</h1></body></html>", "text/html;charset=utf-8"
)


@dataclass
class SimOptions:
    """Knobs a test or a trainer may turn while the simulator runs."""

    timestamp_tolerance_s: float = 600.0  # both gateways: +-10 minutes of GMT+8 "now"
    legacy_fields: bool = True  # False: omit the fields integrations after 2022-09-22 lack
    top_calls_per_s: int = 100  # per app key; more answers TOP code 7 (App Call Limited)
    # What the demo apps are registered for on the open platforms' consoles.
    alipay_sign_type: str = "RSA2"  # requests signed otherwise: 40001 missing-signature-config
    top_sign_method: str = "hmac-sha256"  # a request without sign_method: refused unless "md5"


class RateLimiter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[str, deque[float]] = {}

    def allow(self, key: str, per_second: int) -> bool:
        now = time.monotonic()
        with self._lock:
            window = self._calls.setdefault(key, deque())
            while window and now - window[0] > 1.0:
                window.popleft()
            if len(window) >= per_second:
                return False
            window.append(now)
            return True


@dataclass
class SimContext:
    keys: DemoKeys
    state: VoucherState
    faults: FaultSet
    clock: Callable[[], datetime]
    merchant_pid: str  # the merchant the demo app id and TOP session act for
    options: SimOptions = field(default_factory=SimOptions)
    limiter: RateLimiter = field(default_factory=RateLimiter)
    stopping: threading.Event = field(default_factory=threading.Event)  # set by Simulator.stop


def timestamp_ok(text: str, now: datetime, tolerance_s: float, *, epoch_ms: bool) -> bool:
    """A ``yyyy-MM-dd HH:mm:ss`` GMT+8 time (or epoch ms where allowed) close enough to now."""
    if text.isdigit() and not epoch_ms:
        return False
    try:
        if not text.isdigit():
            datetime.strptime(text, FORMAT)  # exact format, no loose parsing
        moment = parse_gateway_timestamp(text)
    except (ValueError, OverflowError, OSError):
        return False
    return abs((moment - now).total_seconds()) <= tolerance_s


# ------------------------------------------------------------------ business field checks
def _bad(name: str, why: str) -> BizError:
    return BizError("INVALID_PARAMETER", f"参数有误：{name} {why}")


def text_field(
    data: dict[str, Any],
    name: str,
    max_len: int,
    *,
    required: bool = False,
    alnum: bool = False,
    choices: tuple[str, ...] = (),
) -> str:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise _bad(name, "必填")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _bad(name, "必须是字符串")
    text = str(value)
    if len(text) > max_len:
        raise _bad(name, f"超过最大长度 {max_len}")
    if alnum and not _ALNUM.fullmatch(text):
        raise _bad(name, "只能包含英文字母和数字")
    if choices and text not in choices:
        raise _bad(name, f"只能是 {'/'.join(choices)}")
    return text


def quantity_field(
    data: dict[str, Any], name: str = "quantity", *, required: bool = False, minimum: int = 1
) -> int | None:
    text = text_field(data, name, 4, required=required)
    if not text:
        return None
    if not _DIGITS.fullmatch(text) or int(text) < minimum:
        raise _bad(name, f"必须是 {minimum} 到 9999 的整数")
    return int(text)


def date_field(data: dict[str, Any], name: str) -> str:
    text = text_field(data, name, 32)
    if text:
        try:
            datetime.strptime(text, FORMAT)
        except ValueError:
            raise _bad(name, "格式应为 yyyy-MM-dd HH:mm:ss") from None
    return text


# ------------------------------------------------------------------ faults around a business call
def run_with_fault(
    fault: Fault | None, op: Callable[[bool], Reply], answer: Callable[[str], Reply]
) -> Reply:
    """Run ``op`` (its argument: corrupt the signature) under ``fault``.

    ``answer(kind)`` builds the reply of an answering fault (``ANSWER_INSTEAD`` but ``http_500``:
    ``system_error``, ``order_closed``, ``empty_node`` ...) in the gateway's own format.
    ``forget_request`` is dropped here like ``drop_response``; the forgetting itself is the
    gateway's part (it knows the request id).
    """
    if fault is None:
        return op(False)
    if fault.kind in ANSWER_INSTEAD:
        if fault.commits:
            op(False)
        return HTTP_500 if fault.kind == "http_500" else answer(fault.kind)
    reply = op(fault.kind == "bad_signature")
    if fault.kind in ("delay", "timeout"):
        return replace(reply, delay_s=fault.sleep_s)
    if fault.kind in ("drop_response", "forget_request"):
        return replace(reply, drop=True)
    return reply
