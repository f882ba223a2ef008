"""Input rules: voucher codes, quantities, request ids and field lengths, from the seeds.

Scanner input is messy: full-width digits from a Chinese input method, spaces and dashes from
printed codes, prefixes/suffixes and control characters added by the scanner, and URLs whose
query carries the code. ``normalize_code`` turns all of that into the bare code or refuses it.
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from pos_app.core.errors import InputInvalid
from pos_app.core.models import CodeType

INTERNAL_CODE_LEN = 12
MAX_EXTERNAL_CODE_LEN = 32
MAX_REQUEST_ID_LEN = 32
MAX_ORDER_NO_LEN = 32  # seed 001: order_no String(32), 口碑订单号
MAX_QUANTITY = 9999

_ALNUM = re.compile(r"[A-Za-z0-9]+")
_TICKET_ID = re.compile(r"[A-Za-z0-9_-]+")
_INTERNAL = re.compile(r"[0-9]{12}")
# A merchant's own code: letters and digits, with the joiners such codes are printed with.
_EXTERNAL = re.compile(r"(?=.*[A-Za-z0-9])[A-Za-z0-9._-]{1,32}")
# Query keys that carry a voucher code in the links seen on vouchers.
_URL_CODE_KEYS = ("ticket_code", "ticketCode", "code", "c", "qrcode", "voucher", "t")
_SEPARATORS = str.maketrans("", "", " -_\u00a0\u3000\t")
# Letters that render as blank space although their category says they are letters or symbols.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Marks and overrides that change the direction text is shown in (the "Trojan source" set).
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Framing some scanners add on their own: an AIM symbology identifier (``]C1``, ``]Q1``) in front,
# or Code 39's ``*…*`` start/stop characters. Other punctuation is refused, not guessed away.
_SCANNER_FRAMING = re.compile(r"^(?:\][A-Za-z][0-9])?\*?(?P<body>.*?)\*?$")


@dataclass(frozen=True, slots=True)
class VoucherCode:
    value: str
    code_type: CodeType

    @property
    def masked(self) -> str:
        return mask_code(self.value)


def mask_code(code: str) -> str:
    """For logs and screens: keep the last four characters only."""
    if len(code) <= 4:
        return "*" * len(code)
    return "*" * (len(code) - 4) + code[-4:]


def group_code(code: str) -> str:
    """Display form of a 12-digit platform code, its mask, or its first digits as they are typed:
    groups of four, as printed (``1234 5678 9012``). Any other code is shown exactly as it is
    sent: an external code typed with those spaces would be another code."""
    if len(code) > INTERNAL_CODE_LEN or not all(ch.isdigit() or ch == "*" for ch in code):
        return code
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def _from_url(text: str) -> str:
    parts = urlsplit(text)
    query = parse_qs(parts.query)
    for key in _URL_CODE_KEYS:
        if query.get(key):
            return query[key][0]
    # Some links carry the code as the last path segment.
    segment = parts.path.rstrip("/").rsplit("/", 1)[-1]
    return segment


def normalize_code(
    raw: str,
    code_type: CodeType | None = None,
    *,
    affixes: tuple[str, ...] = (),
) -> VoucherCode:
    """The bare code from what a scanner or a person typed, or ``InputInvalid``.

    ``affixes`` are the scanner's configured prefixes/suffixes, cut off when present. With
    ``code_type`` None the type is inferred: exactly 12 digits is internal, any other
    letters/digits up to 32 is external.
    """
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()
    if "://" in text:
        text = _from_url(text)
    for affix in affixes:
        if affix and text.startswith(affix):
            text = text[len(affix) :]
        if affix and text.endswith(affix):
            text = text[: -len(affix)]
    framed = _SCANNER_FRAMING.match(text.strip())
    text = framed.group("body").strip() if framed else ""
    if not text:
        raise InputInvalid("CODE_EMPTY", "ticket_code")
    # Spaces and dashes are how a 12-digit platform code is printed (4-4-4): only there are they
    # separators. An external code is the merchant's own value and is sent as scanned.
    bare = text.translate(_SEPARATORS)
    if not bare:
        raise InputInvalid("CODE_EMPTY", "ticket_code")
    is_internal = _INTERNAL.fullmatch(bare) is not None
    if code_type is CodeType.INTERNAL or (code_type is None and is_internal):
        if not is_internal:
            raise InputInvalid("CODE_FORMAT", "ticket_code", "internal code must be 12 digits")
        return VoucherCode(bare, CodeType.INTERNAL)
    if not is_external_code(text):
        raise InputInvalid(
            "CODE_FORMAT", "ticket_code", "external code must be 1..32 letters/digits/-_."
        )
    return VoucherCode(text, CodeType.EXTERNAL)


def is_external_code(text: str) -> bool:
    """An external code as sent: 1..32 letters, digits, ``-``, ``_`` or ``.`` with at least one
    letter or digit (seed: ticket_code ≤ 32; ``GAL-358309629`` keeps its dash)."""
    return _EXTERNAL.fullmatch(text) is not None


def validate_quantity(value: int | str, *, field: str = "quantity", minimum: int = 1) -> int:
    """A quantity 1..9999 (or ``minimum``..9999); strings from a form are accepted when integral."""
    code = "QUANTITY_RANGE" if minimum == 1 else "REMAINING_RANGE"
    if isinstance(value, bool):
        raise InputInvalid(code, field)
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if not (text.isascii() and text.isdigit()):
            raise InputInvalid(code, field, "not a whole number")
        value = int(text)
    if not isinstance(value, int) or not minimum <= value <= MAX_QUANTITY:
        raise InputInvalid(code, field, f"must be {minimum}..{MAX_QUANTITY}")
    return value


def validate_request_id(value: str, *, field: str = "request_id") -> str:
    """Request ids: 1..32 ASCII letters/digits (seeds: 支持英文字母和数字)."""
    if not value or len(value) > MAX_REQUEST_ID_LEN or not _ALNUM.fullmatch(value):
        raise InputInvalid("FIELD_INVALID", field, "must be 1..32 letters/digits")
    return value


def validate_field(value: str, *, field: str, max_len: int, required: bool = True) -> str:
    """A text field bounded by the seeds' maximum length."""
    if required and not value:
        raise InputInvalid("FIELD_INVALID", field, "required")
    if len(value) > max_len:
        raise InputInvalid("FIELD_INVALID", field, f"longer than {max_len}")
    return value


MAX_REASON_LEN = 200
MAX_TICKET_ID_LEN = 64


def validate_reason(value: str, *, field: str = "reason") -> str:
    """A manager's reason (a reversal, a review decision): required, at most 200 characters, and
    something a person can read (``TEXT_INVISIBLE`` for one made only of invisible characters)."""
    text = validate_text(value, field=field, max_len=MAX_REASON_LEN, required=False)
    if not text:
        raise InputInvalid("REASON_REQUIRED", field)
    return text


def validate_ticket_id(value: str) -> str:
    """Seed 003's ``ticket_id`` (本地侧凭证id, for third-party code values): optional; when given,
    1..64 ASCII letters, digits, ``-`` or ``_``."""
    text = unicodedata.normalize("NFKC", value).strip()
    if text and (len(text) > MAX_TICKET_ID_LEN or not _TICKET_ID.fullmatch(text)):
        raise InputInvalid("FIELD_INVALID", "ticket_id", "1..64 letters, digits, - or _")
    return text


def reversal_order_no(typed: str, *, known: str, code_type: CodeType) -> str:
    """The order number a reversal sends: the one the log knows, or the one a manager typed.

    Seed 001 makes ``order_no`` (String 32) mandatory when cancelling an external code, and seed
    003 says integrations after 2022-09-22 get no ``order_no`` in the redeem answer, so a manager
    may have to supply it. Typed text is NFKC-normalised (full-width digits from an input method)
    and must be 1..32 ASCII letters/digits; when the log knows the number, a typed one must match.
    """
    text = unicodedata.normalize("NFKC", typed).translate(_SEPARATORS)
    if text:
        if len(text) > MAX_ORDER_NO_LEN or not _ALNUM.fullmatch(text):
            raise InputInvalid("ORDER_NO_FORMAT", "order_no", "must be 1..32 letters/digits")
        if known and text != known:
            raise InputInvalid("ORDER_NO_MISMATCH", "order_no", "differs from the logged order")
        return text
    if not known and code_type is CodeType.EXTERNAL:
        raise InputInvalid("ORDER_NO_REQUIRED", "order_no", "external code: order_no required")
    return known


def validate_text(value: str, *, field: str, max_len: int, required: bool = True) -> str:
    """Free text a person typed (a reason, a name): controls and direction overrides removed,
    trimmed, and refused when nothing in it is visible — a lone U+202E or zero-width space is no
    reason for a reversal, and would make the next text in a list read backwards."""
    text = "".join(ch for ch in value if not _is_control(ch)).strip()
    if value.strip() and not any(_is_visible(ch) for ch in text):
        raise InputInvalid("TEXT_INVISIBLE", field, "only invisible characters")
    return validate_field(text, field=field, max_len=max_len, required=required)


def _is_control(ch: str) -> bool:
    """Characters free text never needs: C0/C1 controls and bidirectional overrides."""
    return unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS


def _is_visible(ch: str) -> bool:
    """Has a glyph of its own: not a control, format character, separator or combining mark."""
    return unicodedata.category(ch)[0] not in "CZM" and ch not in _BLANK_LETTERS


def new_request_id(prefix: str = "P") -> str:
    """A fresh request id: a letter prefix and 31 random-enough characters, never reused.

    Time-ordered (so support can read the day from it) plus 64 random bits.
    """
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
    import secrets  # here: hashlib and OpenSSL load when the first request id is made

    return f"{prefix[:1]}{stamp}{secrets.token_hex(8)}".upper()[:MAX_REQUEST_ID_LEN]
