"""The simulated Alipay OpenAPI gateway (``/gateway.do``): cancel, sync and query (lookup).

Checks, in this order, like the real gateway: required parameters (method, app_id, sign,
sign_type, timestamp, version, charset: ``40001``), method, app_id, sign_type, version, format,
charset, whether the app is registered for the request's ``sign_type`` (``SimOptions.
alipay_sign_type``, RSA2 by default: an RSA (SHA-1) request from an RSA2 app is refused with
``40001 isv.missing-signature-config``), then the request signature (RSA2 = SHA256withRSA, RSA =
SHA1withRSA with the demo app's public key, over every parameter but ``sign``), then the
timestamp's value (GMT+8, within ``SimOptions.timestamp_tolerance_s``, 10 minutes by default — the
real gateway's window is not documented, so the simulator uses TOP's), then the optional
``app_auth_token`` (only the demo token is valid; anything else is ``20001
aop.invalid-app-auth-token``). ``format=json`` only; ``charset`` utf-8, GBK or gb2312: the request
is decoded, its signature checked and the answer written and signed in that charset.

Responses are ``{"<method>_response":{...},"sign":"..."}``: the node is written as Alipay writes
it — compact, Chinese as such (not ``\\u`` escapes), ``/`` escaped as ``\\/`` — and its exact text
is signed with the simulator's own Alipay key (the algorithm the app is registered for).
``isv.invalid-app-id`` and ``isv.invalid-signature-type`` answers are unsigned, as the real
gateway's are.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Callable
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from pos_app.core.codes import mask_code
from pos_app.gateways.signing import alipay_sign_content, rsa_sign, rsa_verify
from pos_app.sandbox import notify
from pos_app.sandbox.records import QueryParams
from pos_app.sandbox.state import Answer, BizError, CancelParams, SyncParams
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

METHODS = {
    "koubei.trade.ticket.ticketcode.cancel": "cancel",
    "koubei.trade.ticket.ticketcode.sync": "sync",
    "koubei.trade.ticket.ticketcode.query": "query",
}
CODE_TYPES = ("INTERNAL_CODE", "EXTERNAL_CODE")
# charset parameter (lower case) -> Python codec; the real gateway serves these three.
CHARSETS = {"utf-8": "utf-8", "utf8": "utf-8", "gbk": "gbk", "gb2312": "gb2312"}
_FAULT_CODES = {
    "system_error": "SYSTEM_ERROR",
    "ticket_processing": "TICKET_PROCESSING",
    "order_closed": "USE_BIZ_ORDER_CLOSE",
    "order_not_exist": "USE_BIZ_ORDER_NOT_EXIST",
}
_SYNC_MSGS = {"NOT_SAME_MERCHANT_PID": "非当前商家的凭证码，无法同步"}


def node_text(node: dict[str, Any]) -> str:
    """The node as Alipay writes it: compact, UTF-8 Chinese, slashes escaped."""
    return json.dumps(node, ensure_ascii=False, separators=(",", ":")).replace("/", "\\/")


def request_encoding(params: dict[str, str]) -> str:
    """The codec of a request's ``charset`` (UTF-8 when it is missing or not served)."""
    return CHARSETS.get(params.get("charset", "").lower(), "utf-8")


# The shared signing helpers (pos_app.gateways.signing) sign and verify UTF-8 text; a GBK or
# gb2312 request is signed over its bytes in that charset, and so is the answer to it.
_DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {"RSA2": hashes.SHA256, "RSA": hashes.SHA1}


def _sign(text: str, key: rsa.RSAPrivateKey, sign_type: str, encoding: str) -> str:
    if encoding == "utf-8":
        return rsa_sign(text, key, sign_type)
    signature = key.sign(text.encode(encoding), padding.PKCS1v15(), _DIGESTS[sign_type]())
    return base64.b64encode(signature).decode("ascii")


def _verify(text: str, sign_b64: str, key: rsa.RSAPublicKey, sign_type: str, encoding: str) -> bool:
    if encoding == "utf-8":
        return rsa_verify(text, sign_b64, key, sign_type)
    try:
        signature = base64.b64decode(sign_b64, validate=True)
        key.verify(signature, text.encode(encoding), padding.PKCS1v15(), _DIGESTS[sign_type]())
    except (binascii.Error, ValueError, InvalidSignature):
        return False
    return True


class _Responder:
    def __init__(self, ctx: SimContext, node_name: str, encoding: str) -> None:
        self.ctx = ctx
        self.node_name = node_name
        self.sign_type = ctx.options.alipay_sign_type  # Alipay signs as the app is registered
        self.encoding = encoding

    def body(self, node: dict[str, Any], *, signed: bool = True, corrupt: bool = False) -> Reply:
        text = node_text(node)
        out = '{"' + self.node_name + '":' + text
        if signed:
            content = text + (" " if corrupt else "")  # a well-formed signature of other text
            key = self.ctx.keys.alipay_private
            out += ',"sign":"' + _sign(content, key, self.sign_type, self.encoding) + '"'
        return Reply(
            200, (out + "}").encode(self.encoding), f"application/json;charset={self.encoding}"
        )

    def gateway_error(
        self, code: str, sub_code: str, sub_msg: str, *, signed: bool = True
    ) -> Reply:
        msg = {
            "20001": "Insufficient Token Permissions",
            "40001": "Missing Required Arguments",
            "40002": "Invalid Arguments",
            "40006": "Insufficient Permissions",
        }[code]
        logger.info("sandbox alipay gateway error %s %s", code, sub_code)
        return self.body(
            {"code": code, "msg": msg, "sub_code": sub_code, "sub_msg": sub_msg}, signed=signed
        )

    def business_error(self, exc: BizError, *, corrupt: bool = False) -> Reply:
        logger.info("sandbox alipay business error %s", exc.code)
        return self.body(
            {
                "code": "40004",
                "msg": "Business Failed",
                "sub_code": exc.code,
                "sub_msg": exc.sub_msg,
            },
            corrupt=corrupt,
        )

    def success(self, answer: Answer, *, corrupt: bool = False) -> Reply:
        return self.body({"code": "10000", "msg": "Success", **answer.fields}, corrupt=corrupt)

    def fault_answer(self, kind: str) -> Reply:
        if kind == "service_unavailable":
            return self.body(
                {
                    "code": "20000",
                    "msg": "Service Currently Unavailable",
                    "sub_code": "isp.unknow-error",
                    "sub_msg": "系统繁忙",
                }
            )
        return self.business_error(BizError(_FAULT_CODES[kind]))


def handle(ctx: SimContext, params: dict[str, str]) -> Reply:
    method = params.get("method", "")
    api = METHODS.get(method)
    node_name = method.replace(".", "_") + "_response" if api else "error_response"
    r = _Responder(ctx, node_name, request_encoding(params))
    problem = _check_system(ctx, params, r)
    if problem is not None:
        return problem
    if api is None:  # _check_system refused unknown methods already
        return r.gateway_error("40002", "isv.invalid-method", "不存在的方法名")
    try:
        biz = json.loads(params.get("biz_content", ""))
        if not isinstance(biz, dict):
            raise ValueError
    except ValueError:
        return r.business_error(
            BizError("INVALID_PARAMETER", "参数有误：biz_content 缺失或不是 JSON 对象")
        )
    try:
        parsed = _PARSERS[api](biz)
    except BizError as exc:
        return r.business_error(exc)

    def op(corrupt: bool) -> Reply:
        try:
            if isinstance(parsed, CancelParams):
                answer = ctx.state.cancel(ctx.merchant_pid, parsed)
            elif isinstance(parsed, QueryParams):
                answer = ctx.state.query(ctx.merchant_pid, parsed)
            else:
                answer = ctx.state.sync(ctx.merchant_pid, parsed)
        except BizError as exc:
            if api == "sync" and exc.code in _SYNC_MSGS and exc.sub_msg == _default(exc.code):
                exc = BizError(exc.code, _SYNC_MSGS[exc.code])
            return r.business_error(exc, corrupt=corrupt)
        if isinstance(parsed, CancelParams) and not answer.repeat and params.get("notify_url"):
            notify.send_later(
                params["notify_url"],
                notify.notification(parsed.request_id, ctx.keys.alipay_private, r.sign_type),
                ctx.stopping,
            )
        return r.success(answer, corrupt=corrupt)

    logger.info("sandbox alipay %s %s", api, mask_code(parsed.code))
    return run_with_fault(ctx.faults.take(api, signed=True), op, r.fault_answer)


def _default(code: str) -> str:
    return BizError(code).sub_msg


def _check_system(ctx: SimContext, p: dict[str, str], r: _Responder) -> Reply | None:
    missing = [
        (name, sub)
        for name, sub in (
            ("method", "isv.missing-method"),
            ("app_id", "isv.missing-app-id"),
            ("sign", "isv.missing-signature"),
            ("sign_type", "isv.missing-signature-type"),
            ("timestamp", "isv.missing-timestamp"),
            ("version", "isv.missing-version"),
            ("charset", "isv.missing-charset"),
        )
        if not p.get(name)
    ]
    if missing:
        name, sub = missing[0]
        return r.gateway_error("40001", sub, f"缺少{name}参数")
    if p["method"] not in METHODS:
        return r.gateway_error("40002", "isv.invalid-method", "不存在的方法名")
    if p["app_id"] != ctx.keys.app_id:
        return r.gateway_error("40002", "isv.invalid-app-id", "无效的AppID参数", signed=False)
    if p["sign_type"] not in ("RSA2", "RSA"):
        return r.gateway_error(
            "40002", "isv.invalid-signature-type", "无效的签名类型参数", signed=False
        )
    if p["version"] != "1.0":
        return r.gateway_error("40002", "isv.invalid-parameter", "version 参数无效，固定为 1.0")
    if p.get("format", "json").lower() != "json":
        return r.gateway_error("40002", "isv.invalid-format", "无效的数据格式，仅支持 JSON")
    if p["charset"].lower() not in CHARSETS:
        return r.gateway_error(
            "40002", "isv.invalid-charset", "无效的字符集，支持 utf-8、GBK、gb2312"
        )
    if p["sign_type"] != ctx.options.alipay_sign_type:
        return r.gateway_error(
            "40001", "isv.missing-signature-config", "应用未配置对应签名算法的公钥或者证书"
        )
    content = alipay_sign_content(p)
    app_public = ctx.keys.app_private.public_key()
    if not _verify(content, p["sign"], app_public, p["sign_type"], r.encoding):
        logger.info("sandbox alipay: request signature does not verify")
        return r.gateway_error(
            "40002",
            "isv.invalid-signature",
            "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为："
            + content,
        )
    if not timestamp_ok(
        p["timestamp"], ctx.clock(), ctx.options.timestamp_tolerance_s, epoch_ms=False
    ):
        return r.gateway_error(
            "40002",
            "isv.invalid-timestamp",
            "非法的时间戳参数（格式 yyyy-MM-dd HH:mm:ss，北京时间，误差不超过10分钟）",
        )
    token = p.get("app_auth_token", "")
    if token and token != ctx.keys.app_auth_token:  # too long, garbage, or not ours
        return r.gateway_error("20001", "aop.invalid-app-auth-token", "无效的应用授权令牌")
    return None


def _cancel_params(biz: dict[str, Any]) -> CancelParams:
    return CancelParams(
        request_id=text_field(biz, "request_id", 32, required=True, alnum=True),
        request_biz_no=text_field(biz, "request_biz_no", 64, required=True, alnum=True),
        code=text_field(biz, "ticket_code", 32, required=True, alnum=True),
        quantity=quantity_field(biz),
        order_no=text_field(biz, "order_no", 32),
        code_type=text_field(biz, "code_type", 16, choices=CODE_TYPES) or "INTERNAL_CODE",
    )


def _query_params(biz: dict[str, Any]) -> QueryParams:
    code = text_field(biz, "ticket_code", 12, required=True, alnum=True)
    if not (code.isdigit() and len(code) == 12):
        raise BizError("INVALID_PARAMETER", "参数有误：ticket_code 须为12位数字券码")
    return QueryParams(code=code, shop_id=text_field(biz, "shop_id", 64, required=True))


def _sync_params(biz: dict[str, Any]) -> SyncParams:
    date_field(biz, "gmt_biz")
    text_field(biz, "sync_shop_id", 32)
    quantity = quantity_field(biz, required=True, minimum=0) or 0
    return SyncParams(
        request_id=text_field(biz, "request_id", 32, required=True, alnum=True),
        code=text_field(biz, "ticket_code", 32, required=True, alnum=True),
        quantity=quantity,
        order_no=text_field(biz, "order_no", 32, required=True),
        code_type=text_field(biz, "code_type", 16, choices=CODE_TYPES) or "INTERNAL_CODE",
    )


_PARSERS: dict[str, Callable[[dict[str, Any]], CancelParams | SyncParams | QueryParams]] = {
    "cancel": _cancel_params,
    "sync": _sync_params,
    "query": _query_params,
}
