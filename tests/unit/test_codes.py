"""Input rules of core/codes.py: scanner noise in, bare code out (or a clear refusal)."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pos_app.core.codes import (
    group_code,
    mask_code,
    new_request_id,
    normalize_code,
    reversal_order_no,
    validate_field,
    validate_quantity,
    validate_request_id,
    validate_text,
)
from pos_app.core.errors import InputInvalid
from pos_app.core.models import CodeType

internal_codes = st.text(alphabet="0123456789", min_size=12, max_size=12)
external_codes = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    min_size=1,
    max_size=32,
).filter(lambda c: not re.fullmatch(r"\d{12}", c))

_FULL_WIDTH = str.maketrans(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
    "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ",
)


def _full_width(text: str) -> str:
    return text.translate(_FULL_WIDTH)


# --- normalize_code: properties ---------------------------------------------------------------


@given(internal_codes)
def test_bare_internal_code_is_kept(code: str) -> None:
    v = normalize_code(code)
    assert (v.value, v.code_type) == (code, CodeType.INTERNAL)


@given(external_codes)
def test_bare_external_code_is_kept(code: str) -> None:
    v = normalize_code(code)
    assert (v.value, v.code_type) == (code, CodeType.EXTERNAL)


@given(internal_codes)
def test_full_width_digits_from_an_input_method(code: str) -> None:
    assert normalize_code(_full_width(code)).value == code


@given(external_codes)
def test_full_width_letters(code: str) -> None:
    assert normalize_code(_full_width(code)).value == code


@given(
    internal_codes,
    st.lists(st.sampled_from([" ", "-", "\u3000", "\u00a0", "\t", "_"]), min_size=3, max_size=3),
)
def test_separators_between_groups(code: str, seps: list[str]) -> None:
    spaced = code[:4] + seps[0] + code[4:8] + seps[1] + code[8:] + seps[2]
    assert normalize_code(spaced).value == code


@given(
    internal_codes,
    st.text(alphabet="\r\n\t\x00\x02\x03\x1b\x7f\u200b\ufeff", max_size=4),
    st.text(alphabet="\r\n\t\x00\x02\x03\x1b\x7f\u200b\ufeff", max_size=4),
)
def test_control_characters_from_the_scanner(code: str, before: str, after: str) -> None:
    assert normalize_code(before + code + after).value == code


@given(internal_codes, st.sampled_from(["ticket_code", "code", "c", "qrcode", "ticketCode"]))
def test_url_wrapping_the_code(code: str, key: str) -> None:
    url = f"https://render.alipay.com/p/s/voucher?a=1&{key}={code}&z=2"
    assert normalize_code(url).value == code


@given(internal_codes)
def test_url_with_code_as_last_path_segment(code: str) -> None:
    assert normalize_code(f"https://m.koubei.com/v/{code}/").value == code


@given(internal_codes, st.sampled_from(["#", "*", "<>", "]C1"]))
def test_configured_affixes(code: str, affix: str) -> None:
    assert normalize_code(f"{affix}{code}{affix}", affixes=(affix,)).value == code


@given(st.text(max_size=40))
def test_never_crashes_and_result_is_always_clean(raw: str) -> None:
    try:
        v = normalize_code(raw)
    except InputInvalid as exc:
        assert exc.code in {"CODE_EMPTY", "CODE_FORMAT"}
        return
    assert re.fullmatch(r"[A-Za-z0-9._-]{1,32}", v.value), v.value
    assert re.search(r"[A-Za-z0-9]", v.value), v.value
    assert (v.code_type is CodeType.INTERNAL) == bool(re.fullmatch(r"[0-9]{12}", v.value))


@given(internal_codes)
def test_normalize_is_idempotent(code: str) -> None:
    once = normalize_code(f" {code[:6]}-{code[6:]}\r\n").value
    assert normalize_code(once).value == once


# --- external codes are sent as scanned (issue #9.7) -------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code_type", "expected"),
    [
        ("GAL-358309629", None, "GAL-358309629"),
        ("  GAL-358309629\r\n", None, "GAL-358309629"),
        ("EXT_2024.A1", None, "EXT_2024.A1"),
        ("ＧＡＬ－３５８３０９６２９", None, "GAL-358309629"),  # full width from an IME
        ("]C1GAL-358309629", None, "GAL-358309629"),  # AIM identifier: the scanner's framing
        ("1234-5678-9012", CodeType.EXTERNAL, "1234-5678-9012"),  # declared external: as is
        ("1234-5678-9012", None, "123456789012"),  # the platform code printed 4-4-4
    ],
)
def test_an_external_code_keeps_its_characters(
    raw: str, code_type: CodeType | None, expected: str
) -> None:
    assert normalize_code(raw, code_type).value == expected


def test_an_external_code_with_configured_affixes() -> None:
    assert normalize_code("#GAL-1#", affixes=("#",)).value == "GAL-1"


@pytest.mark.parametrize("raw", ["GAL 358309629", "GAL/358", "-_.", "A" * 33])
def test_an_external_code_that_cannot_be_a_code_is_refused(raw: str) -> None:
    with pytest.raises(InputInvalid) as exc:
        normalize_code(raw)
    assert exc.value.code in {"CODE_FORMAT", "CODE_EMPTY"}


# --- normalize_code: examples -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code_type", "error"),
    [
        ("", None, "CODE_EMPTY"),
        ("   \r\n", None, "CODE_EMPTY"),
        ("---", None, "CODE_EMPTY"),
        ("01656984336", CodeType.INTERNAL, "CODE_FORMAT"),  # 11 digits declared internal
        ("0165698433621", CodeType.INTERNAL, "CODE_FORMAT"),
        ("ABC123456789", CodeType.INTERNAL, "CODE_FORMAT"),
        ("A" * 33, None, "CODE_FORMAT"),
        ("券码123", None, "CODE_FORMAT"),
        ("0165/6984/3362", None, "CODE_FORMAT"),
    ],
)
def test_refused_codes(raw: str, code_type: CodeType | None, error: str) -> None:
    with pytest.raises(InputInvalid) as exc:
        normalize_code(raw, code_type)
    assert exc.value.code == error
    assert exc.value.field == "ticket_code"
    assert exc.value.zh and exc.value.en


def test_declared_external_keeps_a_12_digit_code_external() -> None:
    v = normalize_code("016569843362", CodeType.EXTERNAL)
    assert v.code_type is CodeType.EXTERNAL
    assert normalize_code("16569843362").code_type is CodeType.EXTERNAL  # seed's sync example


def test_non_ascii_decimal_digits_are_refused() -> None:
    # Arabic-Indic / Devanagari digits are not full-width forms: NFKC keeps them
    with pytest.raises(InputInvalid):
        normalize_code("١٢٣٤٥٦٧٨٩٠١٢")


# --- quantities -------------------------------------------------------------------------------


@given(st.integers(min_value=1, max_value=9999))
def test_quantity_in_range(n: int) -> None:
    assert validate_quantity(n) == n
    assert validate_quantity(str(n)) == n
    assert validate_quantity(_full_width(str(n))) == n


@given(st.integers().filter(lambda n: not 1 <= n <= 9999))
def test_quantity_out_of_range(n: int) -> None:
    with pytest.raises(InputInvalid) as exc:
        validate_quantity(n)
    assert exc.value.code == "QUANTITY_RANGE"


@given(st.integers(min_value=0, max_value=9999))
def test_remaining_allows_zero(n: int) -> None:
    assert validate_quantity(n, minimum=0) == n


@pytest.mark.parametrize("n", [-1, 10000])
def test_remaining_out_of_range(n: int) -> None:
    with pytest.raises(InputInvalid) as exc:
        validate_quantity(n, minimum=0)
    assert exc.value.code == "REMAINING_RANGE"


@pytest.mark.parametrize("value", [True, False, 1.0, 2.5, None, "", "1.5", "-1", "1e3", "abc", " "])
def test_quantity_wrong_kind(value: object) -> None:
    with pytest.raises(InputInvalid):
        validate_quantity(value)  # type: ignore[arg-type]


@given(st.text(max_size=6))
def test_quantity_from_text_never_crashes(text: str) -> None:
    try:
        n = validate_quantity(text)
    except InputInvalid:
        return
    assert 1 <= n <= 9999


# --- request ids and fields -------------------------------------------------------------------


@given(st.text(alphabet="ABCxyz0189", min_size=1, max_size=32))
def test_request_id_ok(rid: str) -> None:
    assert validate_request_id(rid) == rid


@pytest.mark.parametrize("rid", ["", "A" * 33, "R-1", "R 1", "请求", "R_1", "ＡＢ"])
def test_request_id_refused(rid: str) -> None:
    with pytest.raises(InputInvalid):
        validate_request_id(rid)


def test_new_request_ids_are_valid_and_distinct() -> None:
    ids = {new_request_id("R") for _ in range(500)}
    assert len(ids) == 500
    for rid in ids:
        assert validate_request_id(rid) == rid
        assert rid.startswith("R")
        assert len(rid) <= 32


def test_validate_field() -> None:
    assert validate_field("abc", field="f", max_len=3) == "abc"
    assert validate_field("", field="f", max_len=3, required=False) == ""
    with pytest.raises(InputInvalid):
        validate_field("abcd", field="f", max_len=3)
    with pytest.raises(InputInvalid):
        validate_field("", field="f", max_len=3)


# --- display helpers --------------------------------------------------------------------------


@given(st.text(min_size=0, max_size=40))
def test_mask_keeps_only_last_four(code: str) -> None:
    masked = mask_code(code)
    assert len(masked) == len(code)
    if len(code) > 4:
        assert masked.endswith(code[-4:])
        assert set(masked[:-4]) == {"*"}
    else:
        assert set(masked) <= {"*"}


@given(internal_codes)
def test_group_code_round_trips(code: str) -> None:
    grouped = group_code(code)
    assert grouped.replace(" ", "") == code
    assert [len(g) for g in grouped.split(" ")] == [4, 4, 4]
    assume(code)
    assert normalize_code(grouped).value == code


# --- the order number a reversal sends
# (seed 001: 外部券码取消时必填; seed 003: no order_no after 2022-09-22)

ORDER = "20180404111040030100130500594477"  # seed 001's example, 32 digits
EXT, INT = CodeType.EXTERNAL, CodeType.INTERNAL


def test_reversal_order_no_uses_the_logged_one_or_the_typed_one() -> None:
    assert reversal_order_no("", known=ORDER, code_type=EXT) == ORDER
    assert reversal_order_no("", known="", code_type=INT) == ""  # optional for internal codes
    assert reversal_order_no(f" {ORDER} ", known="", code_type=EXT) == ORDER
    full_width = ORDER.translate(_FULL_WIDTH)  # typed with a Chinese input method
    assert reversal_order_no(full_width, known="", code_type=EXT) == ORDER
    assert reversal_order_no(ORDER, known=ORDER, code_type=EXT) == ORDER


@pytest.mark.parametrize(
    ("typed", "known", "code"),
    [
        ("", "", "ORDER_NO_REQUIRED"),
        ("   ", "", "ORDER_NO_REQUIRED"),
        ("2018!0404", "", "ORDER_NO_FORMAT"),
        ("订单20180404", "", "ORDER_NO_FORMAT"),
        (ORDER + "1", "", "ORDER_NO_FORMAT"),  # 33 characters
        ("20180404111040030100130500594478", ORDER, "ORDER_NO_MISMATCH"),
    ],
)
def test_reversal_order_no_refusals_are_specific(typed: str, known: str, code: str) -> None:
    with pytest.raises(InputInvalid) as caught:
        reversal_order_no(typed, known=known, code_type=EXT)
    assert caught.value.code == code and caught.value.field == "order_no"
    assert "订单号" in caught.value.zh and "order number" in caught.value.en


# --------------------------------------------------------------------------- free text


@pytest.mark.parametrize(
    "text",
    [
        "\u202e",  # RIGHT-TO-LEFT OVERRIDE alone
        "\u200b\u200b",  # zero-width spaces
        " \u2066\u2069 ",  # an empty isolate between spaces
        "\u3164",  # Hangul filler: a letter that renders as nothing
        "\u0301",  # a combining accent on nothing
        "\x1b\x07",  # terminal controls
    ],
)
def test_text_of_invisible_characters_only_is_refused_by_name(text: str) -> None:
    with pytest.raises(InputInvalid) as info:
        validate_text(text, field="reason", max_len=200)
    assert (info.value.code, info.value.field) == ("TEXT_INVISIBLE", "reason")
    assert "不可见" in info.value.zh or "看不见" in info.value.zh
    assert "invisible" in info.value.en


def test_direction_overrides_and_controls_are_removed_from_visible_text() -> None:
    assert validate_text(" 顾客\u202e退款\x07 ", field="reason", max_len=200) == "顾客退款"
    assert validate_text("a\u200db", field="reason", max_len=200) == "a\u200db"  # ZWJ kept


def test_plain_blank_text_keeps_its_old_meaning() -> None:
    assert validate_text("   ", field="reason", max_len=200, required=False) == ""
    with pytest.raises(InputInvalid) as info:
        validate_text("   ", field="reason", max_len=200)
    assert info.value.code == "FIELD_INVALID"
    with pytest.raises(InputInvalid):
        validate_text("x" * 201, field="reason", max_len=200)


@pytest.mark.parametrize("code", ["GAL358309629", "GAL-358309629", "EXT2024A0001", "A12345"])
def test_an_external_code_is_displayed_as_it_is_sent(code: str) -> None:
    assert group_code(code) == code
    assert normalize_code(group_code(code)).value == code
