"""Alipay OpenAPI client: ``koubei.trade.ticket.ticketcode.cancel``, ``...sync`` and ``...query``.

Wire format (protocol.md): system parameters and ``sign`` in the URL query, ``biz_content`` (compact
JSON, every scalar a string) in the form body, POST. The answer's signature is checked over the
raw text of the response node, with the algorithm pinned to the configured ``sign_type``; only the
verified text is parsed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from pos_app.core import clock as china_clock
from pos_app.core.codes import mask_code, validate_quantity
from pos_app.core.errors import (
    ConfigError,
    GatewayRejected,
    InputInvalid,
    OutcomeUnknown,
    PosError,
    SignatureInvalid,
)
from pos_app.core.models import (
    CancelRequest,
    CancelResult,
    CodeType,
    SyncRequest,
    SyncResult,
    VoucherInfo,
)
from pos_app.gateways import http
from pos_app.gateways.rawjson import DuplicateMember, RawJsonError, member_raw
from pos_app.gateways.signing import ALIPAY_SIGN_TYPES, rsa_verify, sign_alipay_params
from pos_app.gateways.voucher_info import text_value as _text
from pos_app.gateways.voucher_info import voucher_info

logger = logging.getLogger(__name__)

METHOD_CANCEL = "koubei.trade.ticket.ticketcode.cancel"
METHOD_SYNC = "koubei.trade.ticket.ticketcode.sync"
METHOD_QUERY = "koubei.trade.ticket.ticketcode.query"
SUCCESS_CODE = "10000"
SERVICE_UNAVAILABLE_CODE = "20000"
BUSINESS_FAILED_CODE = "40004"

# Seeds' maximum lengths.
_MAX_APP_ID = 32
_MAX_APP_AUTH_TOKEN = 40
_MAX_REQUEST_ID = 32
_MAX_REQUEST_BIZ_NO = 64
_MAX_ORDER_NO = 32
_MAX_SHOP_ID = 32
_MAX_NOTIFY_URL = 256
_MAX_QUERY_SHOP_ID = 64  # references/ticketcode-query.md


def response_node_name(method: str) -> str:
    """``koubei.trade.ticket.ticketcode.sync`` → ``koubei_trade_ticket_ticketcode_sync_response``"""
    return method.replace(".", "_") + "_response"


class AlipayClient:
    """Signs requests with the app private key; verifies answers with the Alipay public key."""

    def __init__(
        self,
        *,
        gateway_url: str,
        app_id: str,
        private_key: rsa.RSAPrivateKey,
        alipay_public_key: rsa.RSAPublicKey,
        sign_type: str = "RSA2",
        app_auth_token: str = "",
        timeout_s: float = 10.0,
        session: requests.Session | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._url = http.check_gateway_url(gateway_url)
        self._app_id = http.check_config_text(app_id, what="the Alipay app id", max_len=_MAX_APP_ID)
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise ConfigError(detail="the app private key is not an RSA private key")
        if not isinstance(alipay_public_key, rsa.RSAPublicKey):
            raise ConfigError(detail="the Alipay public key is not an RSA public key")
        if sign_type not in ALIPAY_SIGN_TYPES:
            raise ConfigError(detail="sign_type must be RSA2 or RSA")
        self._private_key = private_key
        self._alipay_public_key = alipay_public_key
        self._sign_type = sign_type
        self._app_auth_token = http.check_config_text(
            app_auth_token, what="app_auth_token", max_len=_MAX_APP_AUTH_TOKEN, required=False
        )
        self._timeout_s = http.check_timeout(timeout_s)
        self._owns_session = session is None
        self._session = session if session is not None else http.new_session(self._url)
        self._clock = clock

    def __repr__(self) -> str:  # never the keys
        return f"AlipayClient(gateway_url={self._url!r}, app_id={self._app_id!r})"

    # --- public API -------------------------------------------------------------------------

    def cancel(self, req: CancelRequest, *, notify_url: str = "") -> CancelResult:
        """Reverse one redemption. ``REPEAT_CANCEL`` is a ``GatewayRejected`` (already reversed)."""
        biz = _cancel_biz(req)
        extra = {"notify_url": _check_notify_url(notify_url)} if notify_url else {}
        node = self._call(METHOD_CANCEL, biz, req.request_id, req.ticket_code, extra)
        repeat, biz_code = _repeat_of(node)
        return CancelResult(request_id=req.request_id, repeat=repeat, biz_code=biz_code)

    def sync(self, req: SyncRequest) -> SyncResult:
        """Tell the platform the REMAINING uses of a code (0..9999)."""
        biz = _sync_biz(req)
        node = self._call(METHOD_SYNC, biz, req.request_id, req.ticket_code, {})
        repeat, biz_code = _repeat_of(node)
        return SyncResult(
            request_id=req.request_id,
            order_no=_text(node.get("order_no")) or req.order_no,
            repeat=repeat,
            biz_code=biz_code,
        )

    def query(self, code: str, shop_id: str) -> VoucherInfo:
        """Look a 12-digit platform code up (read-only): status, item, validity, uses.

        Signed and verified like cancel/sync; an answer about another code is
        ``RESPONSE_MALFORMED`` (unknown), never taken for this one's.
        """
        biz = {
            "ticket_code": http.check_ticket_code(code, CodeType.INTERNAL),
            "shop_id": http.check_shop_id(shop_id, field="shop_id", max_len=_MAX_QUERY_SHOP_ID),
        }
        node = self._call(METHOD_QUERY, biz, "", code, {})
        return voucher_info(node, code)

    def validate_cancel(self, req: CancelRequest) -> None:
        """Every field checked as ``cancel`` would, without sending (``InputInvalid``)."""
        _cancel_biz(req)

    def validate_sync(self, req: SyncRequest) -> None:
        """Every field checked as ``sync`` would, without sending (``InputInvalid``)."""
        _sync_biz(req)

    def close(self) -> None:
        if self._owns_session:
            self._session.close()

    # --- request ----------------------------------------------------------------------------

    def _now(self) -> datetime:
        return self._clock() if self._clock is not None else china_clock.now_china()

    def build_params(
        self, method: str, biz: dict[str, str], extra: dict[str, str]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """(query, body) exactly as sent: system parameters and ``sign`` / ``biz_content``."""
        params = {
            "app_id": self._app_id,
            "method": method,
            "format": "json",
            "charset": "utf-8",
            "sign_type": self._sign_type,
            "timestamp": _timestamp(self._now()),
            "version": "1.0",
            "biz_content": http.compact_json(biz),
        }
        if self._app_auth_token:
            params["app_auth_token"] = self._app_auth_token
        params.update({k: v for k, v in extra.items() if v})
        sign = sign_alipay_params(params, self._private_key, self._sign_type)
        body = {"biz_content": params.pop("biz_content")}
        params["sign"] = sign
        return params, body

    def _call(
        self,
        method: str,
        biz: dict[str, str],
        request_id: str,
        ticket_code: str,
        extra: dict[str, str],
    ) -> dict[str, Any]:
        """One signed call; ``request_id`` "" for a lookup (it has none to echo)."""
        query, body = self.build_params(method, biz, extra)
        logger.info("alipay %s request_id=%s code=%s", method, request_id, mask_code(ticket_code))
        try:
            answer = http.post_form(
                self._session, self._url, query=query, body=body, timeout_s=self._timeout_s
            )
            node = self.parse_response(method, answer.text)
            _check_echoed_request_id(node, request_id)
        except PosError as exc:
            _log_error(method, request_id, exc)
            raise
        logger.info("alipay %s request_id=%s succeeded", method, request_id)
        return node

    # --- response ---------------------------------------------------------------------------

    def parse_response(self, method: str, text: str) -> dict[str, Any]:
        """The verified success node of an answer, or the error it stands for (raised)."""
        http.require_json_object_text(text)
        node_name = response_node_name(method)
        try:
            raw = member_raw(text, node_name)
            error_raw = member_raw(text, "error_response")
            sign_raw = member_raw(text, "sign")
        except DuplicateMember:
            raise SignatureInvalid("a response node appears more than once") from None
        except RawJsonError:
            raise OutcomeUnknown("RESPONSE_MALFORMED", "not a whole JSON object") from None
        if raw is None:
            raw = error_raw
        if raw is None:
            raise OutcomeUnknown("RESPONSE_MALFORMED", "answer has no response node")
        sign = _sign_value(sign_raw)
        signed = bool(sign) and self._verify(raw, sign)
        if sign and not signed:
            raise SignatureInvalid("response signature does not verify")
        node = _load_node(raw)
        code = _text(node.get("code"))
        sub_code = _text(node.get("sub_code"))
        if code == SUCCESS_CODE and not sub_code:
            if not signed:
                raise SignatureInvalid("unsigned success")
            return node
        error = _classify(code, sub_code, _text(node.get("sub_msg")) or _text(node.get("msg")))
        if isinstance(error, _Repeat):
            if not signed:
                raise SignatureInvalid("unsigned repeat")
            node = dict(node)
            node["biz_code"] = error.biz_code
            return node
        if not signed and _needs_signature(code, sub_code, error):
            # Real business answers are always signed; an unsigned one could be forged.
            raise SignatureInvalid("unsigned business answer")
        raise error

    def _verify(self, raw: str, sign: str) -> bool:
        if rsa_verify(raw, sign, self._alipay_public_key, self._sign_type):
            return True
        if "\\/" in raw:
            return rsa_verify(
                raw.replace("\\/", "/"), sign, self._alipay_public_key, self._sign_type
            )
        return False


# --- helpers ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Repeat:
    """Internal marker: the answer is an idempotent repeat, i.e. success."""

    biz_code: str


def _timestamp(at: datetime) -> str:
    try:
        return china_clock.gateway_timestamp(at)
    except ValueError:
        raise ConfigError(detail="the clock must give timezone-aware times") from None


def _sign_value(sign_raw: str | None) -> str:
    if sign_raw is None:
        return ""
    try:
        value = json.loads(sign_raw)
    except ValueError:
        return ""
    return value if isinstance(value, str) else ""


def _load_node(raw: str) -> dict[str, Any]:
    try:
        node = json.loads(raw)
    except ValueError:
        raise OutcomeUnknown("RESPONSE_MALFORMED", "response node is not JSON") from None
    if not isinstance(node, dict):
        raise OutcomeUnknown("RESPONSE_MALFORMED", "response node is not an object")
    return node


def _classify(code: str, sub_code: str, sub_msg: str) -> PosError | _Repeat:
    """An Alipay answer that is not a plain success, as the error it stands for."""
    gateway_code = sub_code or code
    bare = http.bare_code(sub_code)
    if bare in http.REPEAT_CODES:
        return _Repeat(bare)
    business = http.business_error(bare, gateway_code=gateway_code, sub_msg=sub_msg)
    if business is not None:
        return business
    if code == SERVICE_UNAVAILABLE_CODE or sub_code.startswith("isp."):
        return OutcomeUnknown("SERVICE_UNAVAILABLE", gateway_code)
    platform = _platform_code(code, sub_code)
    return GatewayRejected(platform, gateway_code=gateway_code, sub_msg=sub_msg)


def _platform_code(code: str, sub_code: str) -> str:
    sub = sub_code.lower()
    if "signature" in sub or sub in ("isv.invalid-digest", "isv.decryption-error"):
        return "GATEWAY_SIGNATURE_REJECTED"
    if "timestamp" in sub:
        return "GATEWAY_TIMESTAMP_REJECTED"
    if sub in ("isv.missing-parameter", "isv.invalid-parameter"):
        return "INVALID_PARAMETER"
    if "app-id" in sub or "auth" in sub or "permission" in sub or code in ("40001", "40006"):
        return "GATEWAY_AUTH_REJECTED"
    return "GATEWAY_REJECTED"


def _needs_signature(code: str, sub_code: str, error: PosError) -> bool:
    """Which unsigned error answers are not believed: business answers that would settle a row
    (definite failures, REPEAT_CANCEL — which settles a reversal as done —, REQUEST_ID_REPEAT),
    whatever top-level ``code`` they came with, and any other 40004. Unsigned gateway errors (bad
    app id, our signature refused, service unavailable) are reported as they are."""
    if not isinstance(error, GatewayRejected):
        return False
    bare = http.bare_code(sub_code)
    is_business = bare in http.DEFINITE_BUSINESS_CODES or bare == "REQUEST_ID_REPEAT"
    return code == BUSINESS_FAILED_CODE or is_business


def _repeat_of(node: dict[str, Any]) -> tuple[bool, str]:
    biz_code = _text(node.get("biz_code"))
    return biz_code in http.REPEAT_CODES, biz_code


def _check_echoed_request_id(node: dict[str, Any], request_id: str) -> None:
    echoed = _text(node.get("request_id"))
    if echoed and request_id and echoed != request_id:
        raise OutcomeUnknown("RESPONSE_MALFORMED", "answer is for another request id")


def _check_notify_url(url: str) -> str:
    text = http.check_config_text(url, what="notify_url", max_len=_MAX_NOTIFY_URL)
    if not text.startswith(("http://", "https://")):
        raise InputInvalid("FIELD_INVALID", "notify_url", "must be an http(s) URL")
    return text


def _code_type(value: object) -> CodeType:
    if not isinstance(value, CodeType):
        raise InputInvalid("FIELD_INVALID", "code_type", "INTERNAL_CODE or EXTERNAL_CODE")
    return value


def _cancel_biz(req: CancelRequest) -> dict[str, str]:
    code_type = _code_type(req.code_type)
    biz = {
        "request_id": http.check_alnum(req.request_id, field="request_id", max_len=_MAX_REQUEST_ID),
        "request_biz_no": http.check_alnum(
            req.request_biz_no, field="request_biz_no", max_len=_MAX_REQUEST_BIZ_NO
        ),
        "ticket_code": http.check_ticket_code(req.ticket_code, code_type),
    }
    if req.quantity is not None:
        biz["quantity"] = str(validate_quantity(req.quantity))
    order_no = http.check_alnum(
        req.order_no,
        field="order_no",
        max_len=_MAX_ORDER_NO,
        required=code_type is CodeType.EXTERNAL,  # seed: 使用外部券码取消时必填
    )
    if order_no:
        biz["order_no"] = order_no
    biz["code_type"] = code_type.value
    return biz


def _sync_biz(req: SyncRequest) -> dict[str, str]:
    code_type = _code_type(req.code_type)
    biz = {
        "request_id": http.check_alnum(req.request_id, field="request_id", max_len=_MAX_REQUEST_ID),
        "ticket_code": http.check_ticket_code(req.ticket_code, code_type),
        "quantity": str(validate_quantity(req.quantity, minimum=0)),
        "order_no": http.check_alnum(req.order_no, field="order_no", max_len=_MAX_ORDER_NO),
        "code_type": code_type.value,
    }
    gmt_biz = http.check_gmt_biz(req.gmt_biz)
    if gmt_biz:
        biz["gmt_biz"] = gmt_biz
    shop = http.check_shop_id(
        req.sync_shop_id, field="sync_shop_id", max_len=_MAX_SHOP_ID, required=False
    )
    if shop:
        biz["sync_shop_id"] = shop
    return biz


def _log_error(method: str, request_id: str, exc: PosError) -> None:
    if exc.code == "REQUEST_ID_REPEAT":
        logger.error("alipay %s request_id=%s: REQUEST_ID_REPEAT (our defect)", method, request_id)
    elif isinstance(exc, OutcomeUnknown):
        logger.warning("alipay %s request_id=%s outcome unknown: %s", method, request_id, exc)
    else:
        logger.info("alipay %s request_id=%s rejected: %s", method, request_id, exc)
