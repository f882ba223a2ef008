"""The one HTTP transport both gateway clients share, and how transport faults are classified.

Every fault between "the request may have left" and "a whole answer arrived" is an unknown outcome:
the row stays UNKNOWN and is retried with the same request id and payload. Nothing here retries on
its own (urllib3 retries are off), so a POST is never silently sent twice.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError

from pos_app.core.codes import INTERNAL_CODE_LEN, is_external_code
from pos_app.core.errors import (
    ConfigError,
    GatewayRejected,
    InputInvalid,
    OutcomeUnknown,
    PosError,
    ProtocolDefect,
)
from pos_app.core.models import CodeType

logger = logging.getLogger(__name__)

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded;charset=utf-8"
USER_AGENT = "pos-app/0.1"
MAX_BODY_BYTES = 1 << 20  # no documented answer comes near 1 MiB


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    status: int
    text: str


def new_session(gateway_url: str) -> requests.Session:
    """A Session with keep-alive and no automatic retries of any kind.

    The environment (``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY``, ``REQUESTS_CA_BUNDLE``) is read
    once, here, for ``gateway_url``, as requests would read it: with ``trust_env`` on, requests
    scans the whole environment and looks for a ``.netrc`` file on every request, which was a
    tenth of a redemption's own time (issue #13). The clients are built again when settings
    change; a changed environment needs a restart, as for any process.
    """
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=0, pool_connections=2, pool_maxsize=4)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    session.trust_env = False
    session.proxies = requests.utils.get_environ_proxies(gateway_url)
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    return session


def check_gateway_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(detail="the gateway URL must be an http(s) URL")
    return url


def check_timeout(timeout_s: float) -> float:
    if not timeout_s > 0:
        raise ConfigError(detail="the timeout must be positive")
    return float(timeout_s)


def post_form(
    session: requests.Session,
    url: str,
    *,
    query: Mapping[str, str],
    body: Mapping[str, str],
    timeout_s: float,
) -> HttpAnswer:
    """POST ``body`` form-encoded (UTF-8) with ``query`` in the URL; the decoded answer.

    Raises ``OutcomeUnknown`` with ``TIMEOUT``, ``CONNECTION_ERROR`` or ``HTTP_ERROR`` (any status
    other than 200, an oversized or undecodable body). The caller classifies the text.
    """
    data = urlencode(dict(body), encoding="utf-8").encode("ascii")
    try:
        response = session.post(
            url,
            params=dict(query),
            data=data,
            headers={"Content-Type": FORM_CONTENT_TYPE, "Accept": "application/json"},
            timeout=timeout_s,
            allow_redirects=False,
        )
        content = response.content
    except requests.Timeout as exc:
        raise OutcomeUnknown("TIMEOUT", type(exc).__name__) from None
    except requests.ConnectionError as exc:
        # A read timeout while the body streams arrives wrapped in ConnectionError.
        if exc.args and isinstance(exc.args[0], ReadTimeoutError):
            raise OutcomeUnknown("TIMEOUT", "ReadTimeout") from None
        raise OutcomeUnknown("CONNECTION_ERROR", type(exc).__name__) from None
    except requests.RequestException as exc:
        # Chunked/content decoding errors: the answer broke off half way.
        raise OutcomeUnknown("CONNECTION_ERROR", type(exc).__name__) from None
    status = response.status_code
    if status != 200:
        logger.warning("gateway answered HTTP %s", status)
        raise OutcomeUnknown("HTTP_ERROR", f"HTTP {status}")
    if len(content) > MAX_BODY_BYTES:
        raise OutcomeUnknown("HTTP_ERROR", "answer too large")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        declared = response.encoding
        if not declared or declared.lower().replace("-", "") == "utf8":
            raise OutcomeUnknown("RESPONSE_MALFORMED", "answer is not UTF-8") from None
        try:
            text = content.decode(declared)
        except (LookupError, UnicodeDecodeError):
            raise OutcomeUnknown("RESPONSE_MALFORMED", "answer is not decodable") from None
    return HttpAnswer(status, text.lstrip("\ufeff"))


def require_json_object_text(text: str) -> None:
    """A body that is not even shaped like a JSON object (an HTML error page, a proxy's text)
    is a transport fault: ``HTTP_ERROR``."""
    if not text.strip().startswith("{"):
        raise OutcomeUnknown("HTTP_ERROR", "answer is not JSON")


# --- business codes shared by both gateways (seeds; protocol.md "Idempotency and retries") ---

#: Definite business failures: the row becomes FAILED.
DEFINITE_BUSINESS_CODES = frozenset(
    {
        "INVALID_PARAMETER",
        "TICKET_CODE_NOT_EXIST",
        "NOT_SAME_MERCHANT_PID",
        "TICKET_STATUS_ILLEGAL",
        "USE_BIZ_ORDER_CLOSE",
        "USE_CHANNEL_NOT_EQUAL",
        "USE_BIZ_ORDER_NOT_EXIST",
        "REPEAT_CANCEL",
    }
)
#: Idempotent repeats of our own request id: success.
REPEAT_CODES = frozenset({"BIZ_ALREADY_SUCCESS", "TICKET_ALREADY_USED"})
#: How long to wait before retrying a voucher the platform says is still being processed.
TICKET_PROCESSING_WAIT_S = 5.0


def bare_code(sub_code: str) -> str:
    """``isv.TICKET_CODE_NOT_EXIST`` → ``TICKET_CODE_NOT_EXIST``; other codes unchanged."""
    for prefix in ("isv.", "isp."):
        if sub_code.startswith(prefix):
            return sub_code[len(prefix) :]
    return sub_code


def business_error(bare: str, *, gateway_code: str, sub_msg: str) -> PosError | None:
    """The error for a documented business code, or None when ``bare`` is not one.

    Repeats (``REPEAT_CODES``) are successes and are left to the caller.
    """
    if bare == "SYSTEM_ERROR":
        return OutcomeUnknown("SYSTEM_ERROR", gateway_code)
    if bare == "TICKET_PROCESSING":
        return OutcomeUnknown("TICKET_PROCESSING", gateway_code, wait_s=TICKET_PROCESSING_WAIT_S)
    if bare == "REQUEST_ID_REPEAT":
        return ProtocolDefect("REQUEST_ID_REPEAT", gateway_code=gateway_code, sub_msg=sub_msg)
    if bare in DEFINITE_BUSINESS_CODES:
        return GatewayRejected(bare, gateway_code=gateway_code, sub_msg=sub_msg)
    return None


# --- field checks shared by both clients (limits from the seeds); all raise InputInvalid ---

_ALNUM = re.compile(r"[A-Za-z0-9]+")
_INTERNAL = re.compile(rf"[0-9]{{{INTERNAL_CODE_LEN}}}")
_SHOP_ID = re.compile(r"[A-Za-z0-9_.\-]+")


def _require_str(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise InputInvalid("FIELD_INVALID", field, "must be text")
    return value


def _check_pattern(
    value: object, pattern: re.Pattern[str], what: str, *, field: str, max_len: int, required: bool
) -> str:
    text = _require_str(value, field)
    if not text:
        if required:
            raise InputInvalid("FIELD_INVALID", field, "required")
        return text
    if len(text) > max_len or not pattern.fullmatch(text):
        raise InputInvalid("FIELD_INVALID", field, f"must be 1..{max_len} {what}")
    return text


def check_alnum(value: object, *, field: str, max_len: int, required: bool = True) -> str:
    """ASCII letters/digits only, at most ``max_len``; empty only when not ``required``."""
    return _check_pattern(
        value, _ALNUM, "letters/digits", field=field, max_len=max_len, required=required
    )


def check_shop_id(value: object, *, field: str, max_len: int = 64, required: bool = True) -> str:
    """A shop id: ASCII letters/digits and ``-_.``, at most ``max_len``."""
    return _check_pattern(
        value, _SHOP_ID, "letters/digits/-_.", field=field, max_len=max_len, required=required
    )


def check_ticket_code(value: object, code_type: CodeType | None) -> str:
    """An internal code is exactly 12 digits; an external one 1..32 letters/digits.

    ``code_type`` None (redeem, where the API takes no type) accepts either form.
    """
    text = _require_str(value, "ticket_code")
    if not text:
        raise InputInvalid("CODE_EMPTY", "ticket_code")
    if code_type is CodeType.INTERNAL:
        if not _INTERNAL.fullmatch(text):
            raise InputInvalid("CODE_FORMAT", "ticket_code", "internal code must be 12 digits")
        return text
    if code_type is not None and code_type is not CodeType.EXTERNAL:
        raise InputInvalid("FIELD_INVALID", "code_type")
    if not is_external_code(text):
        raise InputInvalid("CODE_FORMAT", "ticket_code", "code must be 1..32 letters/digits/-_.")
    return text


_GMT_BIZ = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})")


def check_gmt_biz(value: object, *, field: str = "gmt_biz") -> str:
    """Empty (the gateway uses the call time) or ``yyyy-MM-dd HH:mm:ss``."""
    text = _require_str(value, field)
    if not text:
        return text
    # A pattern and the datetime constructor's range checks: strptime costs more than all the
    # rest of the request's validation (it is on every redemption; issue #13).
    found = _GMT_BIZ.fullmatch(text)
    try:
        if found is None:
            raise ValueError(text)
        year, month, day, hour, minute, second = (int(part) for part in found.groups())
        datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise InputInvalid("FIELD_INVALID", field, "must be yyyy-MM-dd HH:mm:ss") from None
    return text


def check_config_text(value: object, *, what: str, max_len: int, required: bool = True) -> str:
    """A setting (app id, app key, token): printable ASCII without spaces. ``ConfigError``."""
    if not isinstance(value, str):
        raise ConfigError(detail=f"{what} must be text")
    if not value:
        if required:
            raise ConfigError(detail=f"{what} is not set")
        return value
    if len(value) > max_len or not value.isascii() or not value.isprintable() or " " in value:
        raise ConfigError(detail=f"{what} is not valid (at most {max_len} printable characters)")
    return value


def compact_json(obj: Mapping[str, str]) -> str:
    """The gateways' JSON form: compact, every scalar a string, non-ASCII kept as is."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
