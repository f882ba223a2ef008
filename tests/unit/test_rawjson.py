"""Raw member text for signature checks: exact bytes as received, strings and escapes respected."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.gateways.rawjson import (
    DuplicateMember,
    RawJsonError,
    member_raw,
    top_level_members,
)

NODE = "koubei_trade_ticket_ticketcode_cancel_response"


def test_compact_body() -> None:
    body = f'{{"{NODE}":{{"code":"10000","msg":"Success"}},"sign":"abc"}}'
    assert member_raw(body, NODE) == '{"code":"10000","msg":"Success"}'
    assert member_raw(body, "sign") == '"abc"'
    assert member_raw(body, "error_response") is None


def test_pretty_printed_body_keeps_inner_whitespace_exactly() -> None:
    inner = '{\n        "code": "10000",\n        "msg": "Success",\n        "biz_code": "X"\n    }'
    body = f'{{\n    "{NODE}": {inner},\n    "sign": "ERITJK"\n}}\n'
    assert member_raw(body, NODE) == inner
    assert member_raw(body, "sign") == '"ERITJK"'


def test_braces_and_quotes_inside_strings() -> None:
    inner = r'{"code":"40004","sub_msg":"a } b { c \" } \\","x":"\\"}'
    body = f'{{"{NODE}":{inner},"sign":"s"}}'
    assert member_raw(body, NODE) == inner
    assert json.loads(inner)["sub_msg"] == 'a } b { c " } \\'


def test_escaped_slashes_and_unicode_escapes_are_kept_raw() -> None:
    inner = r'{"url":"http:\/\/x\/y","msg":"\u7cfb\u7edf","zh":"系统繁忙"}'
    body = f'{{"{NODE}":{inner},"sign":"a\\/b"}}'
    assert member_raw(body, NODE) == inner
    assert member_raw(body, "sign") == r'"a\/b"'


def test_nested_arrays_and_objects() -> None:
    inner = '{"request_id":["2016"],"d":{"e":[{"f":"]"}]}}'
    body = f'{{"{NODE}":{inner},"sign":"s"}}'
    assert member_raw(body, NODE) == inner


def test_members_in_order_with_offsets() -> None:
    body = '{"a":1, "b" : [1,2] ,"c":"x"}'
    members = top_level_members(body)
    assert [m.name for m in members] == ["a", "b", "c"]
    assert [m.raw for m in members] == ["1", "[1,2]", '"x"']
    for m in members:
        assert body[m.start : m.end] == m.raw


def test_empty_object() -> None:
    assert top_level_members("  {  }  ") == []


def test_duplicate_node_is_refused() -> None:
    forged = '{"n":{"code":"40004"},"n":{"code":"10000"},"sign":"s"}'
    with pytest.raises(DuplicateMember):
        member_raw(forged, "n")
    # duplicates hidden behind an escape in the name are the same name
    forged_escaped = '{"n":{"code":"40004"},"\\u006e":{"code":"10000"}}'
    with pytest.raises(DuplicateMember):
        member_raw(forged_escaped, "n")


@pytest.mark.parametrize(
    "body",
    [
        "",
        "[]",
        "<html>502</html>",
        '{"n":{"code":"10000"',
        '{"n":{"code":"10000"}',
        '{"n":{"code":"10000"},',
        '{"n":{"code":"10000"},"sign":"abc',
        '{"n" {"code":"10000"}}',
        "{n:1}",
        '{"n":tru}',
        '{"n":{"a":"b"}} trailing',
        '{"n":{"a":"b"}}{"n":{"a":"c"}}',
    ],
)
def test_malformed_and_truncated_bodies(body: str) -> None:
    with pytest.raises(RawJsonError):
        member_raw(body, "n")


# --- property: the raw text of each member is exactly what json would parse -----------------

_json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
)
_json_values = st.recursive(
    _json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


@given(
    st.dictionaries(st.text(min_size=1, max_size=8), _json_values, min_size=1, max_size=5),
    st.sampled_from([None, 2]),
    st.booleans(),
    st.booleans(),
)
def test_raw_member_text_parses_to_the_member(
    obj: dict[str, object], indent: int | None, ensure_ascii: bool, escape_slash: bool
) -> None:
    body = json.dumps(obj, indent=indent, ensure_ascii=ensure_ascii)
    if escape_slash:
        body = body.replace("/", "\\/")  # JSON allows \/ anywhere a / appears in a string
    for name, value in obj.items():
        raw = member_raw(body, name)
        assert raw is not None
        assert json.loads(raw) == value
        assert raw in body
