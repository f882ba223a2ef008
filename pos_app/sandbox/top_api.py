"""The simulated Taobao Open Platform gateway (``/router/rest``): redeem.

Platform checks and their ``error_response`` codes (numbers, as TOP sends them):
21/22 method missing/unknown, 28/29 app_key missing/unknown, 7 more than
``SimOptions.top_calls_per_s`` calls in a second for the app key, 23 a ``format`` other than
json/xml, 24 ``sign`` missing, 41 a ``sign_method`` the gateway does not serve, 25 signature
wrong (``sign_method`` md5, hmac, hmac-sha256, via ``signing.top_verify``; lower-case hex is
wrong too; no ``sign_method`` means md5, refused while the app is set to hmac-sha256,
``SimOptions.top_sign_method``), 30/31 timestamp missing or off by more than 10 minutes
(``yyyy-MM-dd HH:mm:ss`` GMT+8 or epoch milliseconds), 32/34 ``v`` missing or not 2.0, 26/27
session missing or unknown, 40/41 ``use_request`` missing or not a JSON object.

``format=xml`` answers XML (``simplify`` is a JSON matter and is ignored there). In
``use_request`` only ``ticket_code`` and ``shop_id`` are required: without ``ticket_request_id``
the redemption happens but cannot be repeated idempotently; a third-party code (三方码) needs its
``ticket_id``. Business errors are code 15 "Remote service error" with ``sub_code``
``isv.<CODE>`` (definite) or ``isp.SYSTEM_ERROR`` / ``isp.TICKET_PROCESSING`` (unknown outcome).
TOP responses are not signed.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from typing import Any
from xml.sax.saxutils import escape

from pos_app.core.codes import mask_code
from pos_app.gateways.signing import TOP_SIGN_METHODS, top_verify
from pos_app.sandbox.demo import DEMO_CODES
from pos_app.sandbox.state import Answer, BizError, RedeemParams
from pos_app.sandbox.wire import (
    Reply,
    SimContext,
    date_field,
    quantity_field,
    run_with_fault,
    text_field,
    timestamp_ok,
)

logger = logging.getLogger(__name__)

METHOD = "alibaba.alsc.merchant.ext.ticketcode.use"
NODE = "alibaba_alsc_merchant_ext_ticketcode_use_response"
SHOP_TYPES = ("INTERNAL_SHOP", "EXTERNAL_SHOP")
UNKNOWN_OUTCOME_CODES = ("SYSTEM_ERROR", "TICKET_PROCESSING")
# Fields integrations made after 2022-09-22 still receive (seed 003).
_MODERN_FIELDS = ("biz_code", "use_date", "ticket_request_id", "ticket_use_details")
_MODERN_DETAIL_FIELDS = ("ticket_trans_id", "ticket_code", "ticket_id")
FORMATS = ("json", "xml")
_UPPER_HEX = re.compile(r"[0-9A-F]+")


def _request_id() -> str:
    return secrets.token_hex(7)


def _xml_elements(data: dict[str, Any]) -> str:
    """TOP's XML: one element per field, a list as repeated elements of its field's name."""
    out = []
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            inner = _xml_elements(item) if isinstance(item, dict) else escape(str(item))
            out.append(f"<{name}>{inner}</{name}>")
    return "".join(out)


class _Responder:
    """Writes every answer of one call in the format it asked for (``json`` or ``xml``)."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt

    def body(self, data: dict[str, Any]) -> Reply:
        if self.fmt == "xml":
            text = '<?xml version="1.0" encoding="utf-8" ?>' + _xml_elements(data)
            return Reply(200, text.encode("utf-8"), "text/xml;charset=utf-8")
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return Reply(200, text.encode("utf-8"))

    def error(self, code: int, msg: str, sub_code: str = "", sub_msg: str = "") -> Reply:
        body: dict[str, Any] = {"code": code, "msg": msg}
        if sub_code:
            body["sub_code"] = sub_code
        if sub_msg:
            body["sub_msg"] = sub_msg
        body["request_id"] = _request_id()
        logger.info("sandbox top error_response %d %s", code, sub_code)
        return self.body({"error_response": body})

    def business_error(self, exc: BizError) -> Reply:
        prefix = "isp." if exc.code in UNKNOWN_OUTCOME_CODES else "isv."
        return self.error(15, "Remote service error", prefix + exc.code, exc.sub_msg)

    def success(self, answer: Answer, *, simplify: bool, legacy: bool) -> Reply:
        fields = dict(answer.fields)
        details: list[dict[str, Any]] = list(fields.pop("ticket_use_details", []))
        if not legacy:
            fields = {k: v for k, v in fields.items() if k in _MODERN_FIELDS}
            details = [{k: v for k, v in d.items() if k in _MODERN_DETAIL_FIELDS} for d in details]
        if simplify and self.fmt == "json":
            return self.body({**fields, "ticket_use_details": details, "request_id": _request_id()})
        node = {
            **fields,
            "ticket_use_details": {"merchant_ticket_use_detail": details},
            "request_id": _request_id(),
        }
        return self.body({NODE: node})


def handle(ctx: SimContext, params: dict[str, str]) -> Reply:
    fmt = params.get("format", "json").lower()
    r = _Responder(fmt if fmt in FORMATS else "json")
    problem = _check_system(ctx, params, r)
    if problem is not None:
        return problem
    raw = params.get("use_request", "")
    if not raw:
        return r.error(40, "Missing required arguments:use_request")
    try:
        use_request = json.loads(raw)
        if not isinstance(use_request, dict):
            raise ValueError
    except ValueError:
        return r.error(
            41,
            "Invalid arguments:use_request",
            "isv.invalid-parameter",
            "use_request 不是合法的 JSON 对象",
        )
    try:
        parsed = _redeem_params(use_request)
    except BizError as exc:
        return r.business_error(exc)
    simplify = params.get("simplify", "").lower() in ("true", "1")
    legacy = ctx.options.legacy_fields
    fault = ctx.faults.take("redeem", signed=False)

    def op(_corrupt: bool) -> Reply:
        try:
            answer = ctx.state.redeem(ctx.merchant_pid, parsed)
        except BizError as exc:
            return r.business_error(exc)
        if fault is not None and fault.kind == "forget_request":
            ctx.state.forget_request(parsed.request_id)
        return r.success(answer, simplify=simplify, legacy=legacy)

    def fault_answer(kind: str) -> Reply:
        if kind == "other_request":
            other = _other_code(parsed.code)
            answer = ctx.state.describe_redemption(other, "SIMOTHER" + secrets.token_hex(6))
            return r.success(answer, simplify=simplify, legacy=legacy)
        return _fault_answer(r, kind)

    logger.info("sandbox top redeem %s", mask_code(parsed.code))
    return run_with_fault(fault, op, fault_answer)


def _fault_answer(r: _Responder, kind: str) -> Reply:
    """The 200s that say nothing (``empty_node``, ``no_node``) and the unknown outcomes."""
    if kind == "empty_node":
        return r.body({NODE: {}})
    if kind == "no_node":
        return r.body({"order_no": ""})
    if kind == "service_unavailable":
        return r.error(50, "Remote service error", "isp.unknown-error", "服务暂不可用")
    return r.business_error(
        BizError("SYSTEM_ERROR" if kind == "system_error" else "TICKET_PROCESSING")
    )


def _other_code(code: str) -> str:
    """A demo code that is not ``code``: what the ``other_request`` answer is about."""
    return DEMO_CODES["single_2"] if code != DEMO_CODES["single_2"] else DEMO_CODES["single"]


def _check_system(ctx: SimContext, p: dict[str, str], r: _Responder) -> Reply | None:
    return _check_caller(ctx, p, r) or _check_signature(ctx, p, r) or _check_call(ctx, p, r)


def _check_caller(ctx: SimContext, p: dict[str, str], r: _Responder) -> Reply | None:
    """Who is calling, and did they sign it?"""
    if not p.get("method"):
        return r.error(21, "Missing method")
    if p["method"] != METHOD:
        return r.error(22, "Invalid method")
    if not p.get("app_key"):
        return r.error(28, "Missing app key")
    if p["app_key"] != ctx.keys.top_app_key:
        return r.error(29, "Invalid app key")
    if not ctx.limiter.allow(p["app_key"], ctx.options.top_calls_per_s):
        return r.error(
            7,
            "App Call Limited",
            "accesscontrol.limited-by-app-access-count",
            "This ban will last for 1 more seconds",
        )
    if p.get("format", "json").lower() not in FORMATS:
        return r.error(23, "Invalid format", sub_msg="format 仅支持 json、xml")
    return None


def _check_signature(ctx: SimContext, p: dict[str, str], r: _Responder) -> Reply | None:
    if not p.get("sign"):
        return r.error(24, "Missing signature", sub_msg="缺少签名参数 sign")
    if p.get("sign_method", "md5") not in TOP_SIGN_METHODS:
        return r.error(
            41,
            "Invalid arguments:sign_method",
            "isv.invalid-parameter",
            "sign_method 仅支持 md5、hmac、hmac-sha256",
        )
    if not p.get("sign_method") and ctx.options.top_sign_method != "md5":
        return r.error(
            25,
            "Invalid signature",
            sub_msg=f"缺少 sign_method：该应用的签名方法为 {ctx.options.top_sign_method}",
        )
    if not _UPPER_HEX.fullmatch(p["sign"]):
        return r.error(25, "Invalid signature", sub_msg="签名应为大写十六进制")
    if not top_verify(p, ctx.keys.top_app_secret):
        logger.info("sandbox top: request signature does not verify")
        return r.error(25, "Invalid signature")
    return None


def _check_call(ctx: SimContext, p: dict[str, str], r: _Responder) -> Reply | None:
    """Is the signed call itself acceptable: time, version, session?"""
    if not p.get("timestamp"):
        return r.error(30, "Missing timestamp")
    if not timestamp_ok(
        p["timestamp"], ctx.clock(), ctx.options.timestamp_tolerance_s, epoch_ms=True
    ):
        return r.error(
            31,
            "Invalid timestamp",
            sub_msg="时间戳格式应为 yyyy-MM-dd HH:mm:ss（北京时间）或毫秒数，误差不超过10分钟",
        )
    if not p.get("v"):
        return r.error(32, "Missing version")
    if p["v"] != "2.0":
        return r.error(34, "Unsupported version")
    if not p.get("session"):
        return r.error(26, "Missing session")
    if p["session"] != ctx.keys.top_session:
        return r.error(27, "Invalid session", "invalid-sessionkey", "授权无效或已过期")
    return None


def _redeem_params(u: dict[str, Any]) -> RedeemParams:
    if u.get("ticket_infos"):
        raise BizError("INVALID_PARAMETER", "参数有误：模拟网关不支持 ticket_infos，请逐个核销")
    date_field(u, "gmt_biz")
    return RedeemParams(
        request_id=text_field(u, "ticket_request_id", 32, alnum=True),  # optional (seed 003)
        code=text_field(u, "ticket_code", 32, required=True, alnum=True),
        quantity=quantity_field(u),
        shop_id=text_field(u, "shop_id", 64, required=True),
        shop_type=text_field(u, "shop_type", 32, choices=SHOP_TYPES) or "INTERNAL_SHOP",
        ticket_id=text_field(u, "ticket_id", 64),
    )
