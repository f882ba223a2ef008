"""The simulated Taobao Open Platform gateway (``/router/rest``): redeem.

Platform checks and their ``error_response`` codes (numbers, as TOP sends them):
21/22 method missing/unknown, 28/29 app_key missing/unknown, 7 more than
``SimOptions.top_calls_per_s`` calls in a second for the app key, 25 signature missing or wrong
(``sign_method`` md5, hmac, hmac-sha256, via ``signing.top_verify``), 30/31 timestamp missing or
off by more than 10 minutes (``yyyy-MM-dd HH:mm:ss`` GMT+8 or epoch milliseconds), 32/34 ``v``
missing or not 2.0, 26/27 session missing or unknown, 40/41 ``use_request`` missing or not a JSON
object (41 also for a ``sign_method`` or ``format`` the gateway does not serve).

Business errors are code 15 "Remote service error" with ``sub_code`` ``isv.<CODE>`` (definite) or
``isp.SYSTEM_ERROR`` / ``isp.TICKET_PROCESSING`` (unknown outcome). TOP responses are not signed.
"""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any

from pos_app.core.codes import mask_code
from pos_app.gateways.signing import TOP_SIGN_METHODS, top_verify
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


def _json(data: dict[str, Any], status: int = 200) -> Reply:
    return Reply(status, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


def _request_id() -> str:
    return secrets.token_hex(7)


def error_response(code: int, msg: str, sub_code: str = "", sub_msg: str = "") -> Reply:
    body: dict[str, Any] = {"code": code, "msg": msg}
    if sub_code:
        body["sub_code"] = sub_code
    if sub_msg:
        body["sub_msg"] = sub_msg
    body["request_id"] = _request_id()
    logger.info("sandbox top error_response %d %s", code, sub_code)
    return _json({"error_response": body})


def business_error(exc: BizError) -> Reply:
    prefix = "isp." if exc.code in UNKNOWN_OUTCOME_CODES else "isv."
    return error_response(15, "Remote service error", prefix + exc.code, exc.sub_msg)


def _fault_answer(kind: str) -> Reply:
    if kind == "service_unavailable":
        return error_response(50, "Remote service error", "isp.unknown-error", "服务暂不可用")
    return business_error(
        BizError("SYSTEM_ERROR" if kind == "system_error" else "TICKET_PROCESSING")
    )


def handle(ctx: SimContext, params: dict[str, str]) -> Reply:
    problem = _check_system(ctx, params)
    if problem is not None:
        return problem
    raw = params.get("use_request", "")
    if not raw:
        return error_response(40, "Missing required arguments:use_request")
    try:
        use_request = json.loads(raw)
        if not isinstance(use_request, dict):
            raise ValueError
    except ValueError:
        return error_response(
            41,
            "Invalid arguments:use_request",
            "isv.invalid-parameter",
            "use_request 不是合法的 JSON 对象",
        )
    try:
        parsed = _redeem_params(use_request)
    except BizError as exc:
        return business_error(exc)
    simplify = params.get("simplify", "").lower() in ("true", "1")

    def op(_corrupt: bool) -> Reply:
        try:
            answer = ctx.state.redeem(ctx.merchant_pid, parsed)
        except BizError as exc:
            return business_error(exc)
        return _success(answer, simplify=simplify, legacy=ctx.options.legacy_fields)

    logger.info("sandbox top redeem %s", mask_code(parsed.code))
    return run_with_fault(ctx.faults.take("redeem", signed=False), op, _fault_answer)


def _check_system(ctx: SimContext, p: dict[str, str]) -> Reply | None:
    return _check_caller(ctx, p) or _check_call(ctx, p)


def _check_caller(ctx: SimContext, p: dict[str, str]) -> Reply | None:
    """Who is calling, and did they sign it?"""
    if not p.get("method"):
        return error_response(21, "Missing method")
    if p["method"] != METHOD:
        return error_response(22, "Invalid method")
    if not p.get("app_key"):
        return error_response(28, "Missing app key")
    if p["app_key"] != ctx.keys.top_app_key:
        return error_response(29, "Invalid app key")
    if not ctx.limiter.allow(p["app_key"], ctx.options.top_calls_per_s):
        return error_response(
            7,
            "App Call Limited",
            "accesscontrol.limited-by-app-access-count",
            "This ban will last for 1 more seconds",
        )
    if not p.get("sign"):
        return error_response(25, "Invalid signature", sub_msg="缺少签名参数 sign")
    if p.get("sign_method", "md5") not in TOP_SIGN_METHODS:
        return error_response(
            41,
            "Invalid arguments:sign_method",
            "isv.invalid-parameter",
            "sign_method 仅支持 md5、hmac、hmac-sha256",
        )
    if p.get("format", "json").lower() != "json":
        return error_response(
            41, "Invalid arguments:format", "isv.invalid-parameter", "模拟网关仅支持 format=json"
        )
    if not top_verify(p, ctx.keys.top_app_secret):
        logger.info("sandbox top: request signature does not verify")
        return error_response(25, "Invalid signature")
    return None


def _check_call(ctx: SimContext, p: dict[str, str]) -> Reply | None:
    """Is the signed call itself acceptable: time, version, session?"""
    if not p.get("timestamp"):
        return error_response(30, "Missing timestamp")
    if not timestamp_ok(
        p["timestamp"], ctx.clock(), ctx.options.timestamp_tolerance_s, epoch_ms=True
    ):
        return error_response(
            31,
            "Invalid timestamp",
            sub_msg="时间戳格式应为 yyyy-MM-dd HH:mm:ss（北京时间）或毫秒数，误差不超过10分钟",
        )
    if not p.get("v"):
        return error_response(32, "Missing version")
    if p["v"] != "2.0":
        return error_response(34, "Unsupported version")
    if not p.get("session"):
        return error_response(26, "Missing session")
    if p["session"] != ctx.keys.top_session:
        return error_response(27, "Invalid session", "invalid-sessionkey", "授权无效或已过期")
    return None


def _redeem_params(u: dict[str, Any]) -> RedeemParams:
    if u.get("ticket_infos"):
        raise BizError("INVALID_PARAMETER", "参数有误：模拟网关不支持 ticket_infos，请逐个核销")
    date_field(u, "gmt_biz")
    text_field(u, "ticket_id", 64)
    return RedeemParams(
        request_id=text_field(u, "ticket_request_id", 32, required=True, alnum=True),
        code=text_field(u, "ticket_code", 32, required=True, alnum=True),
        quantity=quantity_field(u),
        shop_id=text_field(u, "shop_id", 64, required=True),
        shop_type=text_field(u, "shop_type", 32, choices=SHOP_TYPES) or "INTERNAL_SHOP",
    )


def _success(answer: Answer, *, simplify: bool, legacy: bool) -> Reply:
    fields = dict(answer.fields)
    details: list[dict[str, Any]] = list(fields.pop("ticket_use_details", []))
    if not legacy:
        fields = {k: v for k, v in fields.items() if k in _MODERN_FIELDS}
        details = [{k: v for k, v in d.items() if k in _MODERN_DETAIL_FIELDS} for d in details]
    if simplify:
        return _json({**fields, "ticket_use_details": details, "request_id": _request_id()})
    node = {
        **fields,
        "ticket_use_details": {"merchant_ticket_use_detail": details},
        "request_id": _request_id(),
    }
    return _json({NODE: node})
