"""Taobao Open Platform client: ``alibaba.alsc.merchant.ext.ticketcode.use`` (redeem).

Wire format (protocol.md): system parameters and ``sign`` in the URL query, ``use_request`` as one
compact JSON string in the form body, POST. TOP answers are not signed. Both answer shapes are
accepted: the default (a ``..._response`` node, lists wrapped in an object) and ``simplify``
(fields at the root, plain lists). Errors arrive as ``error_response`` with a numeric ``code``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

import requests

from pos_app.core import clock as china_clock
from pos_app.core.codes import mask_code, validate_quantity, validate_ticket_id
from pos_app.core.errors import (
    ConfigError,
    GatewayRejected,
    InputInvalid,
    OutcomeUnknown,
    PosError,
)
from pos_app.core.models import RedeemRequest, RedeemResult, ShopType, TicketUseDetail
from pos_app.gateways import http
from pos_app.gateways.signing import TOP_SIGN_METHODS, top_sign

logger = logging.getLogger(__name__)

METHOD_REDEEM = "alibaba.alsc.merchant.ext.ticketcode.use"
RESPONSE_NODE = "alibaba_alsc_merchant_ext_ticketcode_use_response"
DETAILS_FIELD = "ticket_use_details"
DETAILS_WRAPPER = "merchant_ticket_use_detail"

_MAX_REQUEST_ID = 32
_MAX_SHOP_ID = 64
_MAX_APP_KEY = 32
_MAX_SESSION = 128

# TOP platform error codes (numeric ``code`` of ``error_response``).
_RATE_LIMITED = frozenset({4, 5, 6, 7, 8})
_AUTH = frozenset({11, 12, 13, 26, 27, 28, 29})
_SIGNATURE = frozenset({24, 25})
_TIMESTAMP = frozenset({30, 31})
_ARGUMENTS = frozenset({40, 41})
_REMOTE = frozenset({10, 15, 50})  # service unavailable / remote service error
_PARAMETER_SUB_CODES = ("isv.invalid-parameter", "isv.missing-parameter", "isv.parameter")

_MONEY_FIELDS = (
    "original_price",
    "current_price",
    "buyer_pay_amount",
    "receipt_amount",
    "discount_amount",
    "invoice_amount",
    "merchant_subsidy_amount",
)
_TEXT_FIELDS = (
    "order_no",
    "ticket_code",
    "item_name",
    "item_id",
    "item_alias",
    "use_date",
    "use_shop_id",
    "use_shop_name",
    "ticket_trans_id",
    "voucher_id",
)
_RESULT_FIELDS = frozenset(
    (*_MONEY_FIELDS, *_TEXT_FIELDS, "ticket_request_id", "biz_code", DETAILS_FIELD)
)


class TopClient:
    """Signs with the app secret (md5, hmac or hmac-sha256); the session key authorises the shop."""

    def __init__(
        self,
        *,
        gateway_url: str,
        app_key: str,
        app_secret: str,
        session_key: str,
        sign_method: str = "hmac-sha256",
        simplify: bool = False,
        timeout_s: float = 10.0,
        session: requests.Session | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._url = http.check_gateway_url(gateway_url)
        self._app_key = http.check_config_text(
            app_key, what="the TOP app key", max_len=_MAX_APP_KEY
        )
        if not isinstance(app_secret, str) or not app_secret:
            raise ConfigError(detail="the TOP app secret is not set")
        self._app_secret = app_secret
        self._session_key = http.check_config_text(
            session_key, what="the TOP session key", max_len=_MAX_SESSION
        )
        if sign_method not in TOP_SIGN_METHODS:
            raise ConfigError(detail="sign_method must be md5, hmac or hmac-sha256")
        self._sign_method = sign_method
        self._simplify = bool(simplify)
        self._timeout_s = http.check_timeout(timeout_s)
        self._owns_session = session is None
        self._session = session if session is not None else http.new_session(self._url)
        self._clock = clock

    def __repr__(self) -> str:  # never the secret or the session key
        return f"TopClient(gateway_url={self._url!r}, app_key={self._app_key!r})"

    # --- public API -------------------------------------------------------------------------

    def redeem(self, req: RedeemRequest) -> RedeemResult:
        """Redeem ``quantity`` uses of a code; ``TICKET_ALREADY_USED`` in a success → ``repeat``."""
        use_request = _use_request(req)
        query, body = self.build_params(use_request)
        request_id = req.ticket_request_id
        # DEBUG: the service has just logged the same request id and masked code at INFO.
        logger.debug("top redeem request_id=%s code=%s", request_id, mask_code(req.ticket_code))
        try:
            answer = http.post_form(
                self._session, self._url, query=query, body=body, timeout_s=self._timeout_s
            )
            result = parse_redeem_response(answer.text, request_id, req.ticket_code)
        except PosError as exc:
            _log_error(request_id, exc)
            raise
        logger.info("top redeem request_id=%s succeeded repeat=%s", request_id, result.repeat)
        return result

    def validate_redeem(self, req: RedeemRequest) -> None:
        """Every field checked as ``redeem`` would, without sending (``InputInvalid``)."""
        _use_request(req)

    def close(self) -> None:
        if self._owns_session:
            self._session.close()

    # --- request ----------------------------------------------------------------------------

    def _now(self) -> datetime:
        return self._clock() if self._clock is not None else china_clock.now_china()

    def build_params(self, use_request: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
        """(query, body) exactly as sent: system parameters and ``sign`` / ``use_request``."""
        try:
            timestamp = china_clock.gateway_timestamp(self._now())
        except ValueError:
            raise ConfigError(detail="the clock must give timezone-aware times") from None
        params = {
            "method": METHOD_REDEEM,
            "app_key": self._app_key,
            "session": self._session_key,
            "timestamp": timestamp,
            "v": "2.0",
            "sign_method": self._sign_method,
            "format": "json",
            "use_request": http.compact_json(use_request),
        }
        if self._simplify:
            params["simplify"] = "true"
        sign = top_sign(params, self._app_secret, self._sign_method)
        body = {"use_request": params.pop("use_request")}
        params["sign"] = sign
        return params, body


# --- request helpers -------------------------------------------------------------------------


def _use_request(req: RedeemRequest) -> dict[str, str]:
    if not isinstance(req.shop_type, ShopType):
        raise InputInvalid("FIELD_INVALID", "shop_type", "INTERNAL_SHOP or EXTERNAL_SHOP")
    use = {
        "quantity": str(validate_quantity(req.quantity)),
        "ticket_request_id": http.check_alnum(
            req.ticket_request_id, field="ticket_request_id", max_len=_MAX_REQUEST_ID
        ),
        "shop_id": http.check_shop_id(req.shop_id, field="shop_id", max_len=_MAX_SHOP_ID),
        "shop_type": req.shop_type.value,
        "ticket_code": http.check_ticket_code(req.ticket_code, None),
    }
    gmt_biz = http.check_gmt_biz(req.gmt_biz)
    if gmt_biz:
        use["gmt_biz"] = gmt_biz
    if req.ticket_id:
        use["ticket_id"] = validate_ticket_id(req.ticket_id)
    return use


# --- response --------------------------------------------------------------------------------


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate member")
    return dict(pairs)


def parse_redeem_response(text: str, request_id: str, ticket_code: str) -> RedeemResult:
    """The result a TOP answer stands for, or the error (raised).

    TOP answers are unsigned, so a success is believed only when it confirms *this* request
    (protocol.md): the node echoes our ``ticket_request_id``, or — for integrations whose answers
    carry no request id — our ``ticket_code`` (at the top or in ``ticket_use_details``), and
    names no other request or code. An empty node, a missing node or a node about another
    request is ``RESPONSE_MALFORMED``: outcome unknown, retried with the same id.
    """
    http.require_json_object_text(text)
    try:
        obj = json.loads(text, object_pairs_hook=_reject_duplicates, parse_float=Decimal)
    except ValueError:
        raise OutcomeUnknown("RESPONSE_MALFORMED", "answer is not a whole JSON object") from None
    if not isinstance(obj, dict):
        raise OutcomeUnknown("RESPONSE_MALFORMED", "answer is not a JSON object")
    if "error_response" in obj:
        error = obj["error_response"]
        if not isinstance(error, dict):
            raise OutcomeUnknown("RESPONSE_MALFORMED", "error_response is not an object")
        _raise_for_error(error)
    node = obj.get(RESPONSE_NODE)
    if node is None:
        node = obj  # simplify=true: the fields at the root
        if not _RESULT_FIELDS.intersection(node):
            raise OutcomeUnknown("RESPONSE_MALFORMED", "answer has no response node")
    if not isinstance(node, dict):
        raise OutcomeUnknown("RESPONSE_MALFORMED", "response node is not an object")
    result = _result(node, request_id, root_request_id=_text(obj.get("request_id")))
    _require_confirmation(node, result, ticket_code)
    return result


def _require_confirmation(node: dict[str, Any], result: RedeemResult, ticket_code: str) -> None:
    """Raise RESPONSE_MALFORMED unless the answer is about this request (see above)."""
    echoed_id = _text(node.get("ticket_request_id"))
    codes = {result.ticket_code} | {d.ticket_code for d in result.details}
    codes.discard("")
    if echoed_id and echoed_id != result.ticket_request_id:
        raise OutcomeUnknown("RESPONSE_MALFORMED", "answer is for another request id")
    if codes and ticket_code not in codes:
        raise OutcomeUnknown("RESPONSE_MALFORMED", "answer is about another ticket code")
    if not echoed_id and not codes:
        raise OutcomeUnknown("RESPONSE_MALFORMED", "answer confirms neither request id nor code")


def _result(node: dict[str, Any], request_id: str, *, root_request_id: str) -> RedeemResult:
    biz_code = _text(node.get("biz_code"))

    def text(name: str) -> str:
        return _text(node.get(name))

    def money(name: str) -> Decimal | None:
        return _money(node.get(name), name)

    return RedeemResult(
        ticket_request_id=request_id,
        repeat=biz_code in http.REPEAT_CODES,
        biz_code=biz_code,
        order_no=text("order_no"),
        ticket_code=text("ticket_code"),
        item_name=text("item_name"),
        item_id=text("item_id"),
        item_alias=text("item_alias"),
        use_date=text("use_date"),
        use_shop_id=text("use_shop_id"),
        use_shop_name=text("use_shop_name"),
        ticket_trans_id=text("ticket_trans_id"),
        voucher_id=text("voucher_id"),
        original_price=money("original_price"),
        current_price=money("current_price"),
        buyer_pay_amount=money("buyer_pay_amount"),
        receipt_amount=money("receipt_amount"),
        discount_amount=money("discount_amount"),
        invoice_amount=money("invoice_amount"),
        merchant_subsidy_amount=money("merchant_subsidy_amount"),
        details=_details(node.get(DETAILS_FIELD)),
        gateway_request_id=_text(node.get("request_id")) or root_request_id,
    )


def _details(value: object) -> tuple[TicketUseDetail, ...]:
    """Default ``{"merchant_ticket_use_detail": [...]}`` (or one object); simplify ``[...]``."""
    if isinstance(value, dict):
        value = value.get(DETAILS_WRAPPER, [])
    if isinstance(value, dict):
        value = [value]  # an XML-to-JSON wrapper with a single item
    if not isinstance(value, list):
        return ()
    details = []
    for item in value:
        if not isinstance(item, dict):
            continue
        details.append(
            TicketUseDetail(
                ticket_code=_text(item.get("ticket_code")),
                ticket_trans_id=_text(item.get("ticket_trans_id")),
                ticket_id=_text(item.get("ticket_id")),
                buyer_pay_amount=_money(item.get("buyer_pay_amount"), "buyer_pay_amount"),
                receipt_amount=_money(item.get("receipt_amount"), "receipt_amount"),
                discount_amount=_money(item.get("discount_amount"), "discount_amount"),
                merchant_subsidy_amount=_money(
                    item.get("merchant_subsidy_amount"), "merchant_subsidy_amount"
                ),
                invoice_amount=_money(item.get("invoice_amount"), "invoice_amount"),
            )
        )
    return tuple(details)


def _text(value: object) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _money(value: object, field: str) -> Decimal | None:
    """A money field as Decimal; absent or unreadable → None (never fails a done redemption)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal | int | str):
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            amount = None
        if amount is not None and amount.is_finite():
            return amount
    logger.warning("top redeem: unreadable money field %s ignored", field)
    return None


def _code_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _raise_for_error(error: dict[str, Any]) -> NoReturn:
    """Raise what an ``error_response`` stands for."""
    code = _code_number(error.get("code"))
    sub_code = _text(error.get("sub_code"))
    sub_msg = _text(error.get("sub_msg")) or _text(error.get("msg"))
    gateway_code = sub_code or _text(error.get("code"))
    bare = http.bare_code(sub_code)
    if bare in http.REPEAT_CODES:
        # Our own repeat is a success node carrying biz_code (seed); an *error* saying "already
        # used" proves nothing about our request id, so the voucher counts as used elsewhere.
        raise GatewayRejected("TICKET_STATUS_ILLEGAL", gateway_code=gateway_code, sub_msg=sub_msg)
    business = http.business_error(bare, gateway_code=gateway_code, sub_msg=sub_msg)
    if business is not None:
        raise business
    platform = _platform_code(code)
    if platform:
        raise GatewayRejected(platform, gateway_code=gateway_code, sub_msg=sub_msg)
    if sub_code.startswith("isp."):
        raise OutcomeUnknown("SERVICE_UNAVAILABLE", gateway_code)
    if sub_code.startswith("isv."):
        if sub_code.lower().startswith(_PARAMETER_SUB_CODES):
            raise GatewayRejected("INVALID_PARAMETER", gateway_code=gateway_code, sub_msg=sub_msg)
        raise GatewayRejected("GATEWAY_REJECTED", gateway_code=gateway_code, sub_msg=sub_msg)
    if code is None or code in _REMOTE:
        # "Remote service error" with no telling sub_code: the call may have run.
        raise OutcomeUnknown("SERVICE_UNAVAILABLE", gateway_code)
    raise GatewayRejected("GATEWAY_REJECTED", gateway_code=gateway_code, sub_msg=sub_msg)


def _platform_code(code: int | None) -> str:
    if code in _RATE_LIMITED:
        return "GATEWAY_RATE_LIMITED"
    if code in _AUTH:
        return "GATEWAY_AUTH_REJECTED"
    if code in _SIGNATURE:
        return "GATEWAY_SIGNATURE_REJECTED"
    if code in _TIMESTAMP:
        return "GATEWAY_TIMESTAMP_REJECTED"
    if code in _ARGUMENTS:
        return "INVALID_PARAMETER"
    return ""


def _log_error(request_id: str, exc: PosError) -> None:
    if exc.code == "REQUEST_ID_REPEAT":
        logger.error("top redeem request_id=%s: REQUEST_ID_REPEAT (our defect)", request_id)
    elif isinstance(exc, OutcomeUnknown):
        logger.warning("top redeem request_id=%s outcome unknown: %s", request_id, exc)
    else:
        logger.info("top redeem request_id=%s rejected: %s", request_id, exc)
