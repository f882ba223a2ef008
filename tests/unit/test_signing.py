"""Signatures checked against independent implementations: openssl for RSA, stdlib for TOP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
from collections.abc import Callable
from typing import Any

import pytest
from conftest_http import KEYS, key_text, openssl_sign, openssl_verify
from hypothesis import given
from hypothesis import strategies as st

from pos_app.gateways.keys import load_private_key, load_public_key
from pos_app.gateways.signing import (
    alipay_sign_content,
    rsa_sign,
    rsa_verify,
    sign_alipay_params,
    top_sign,
    top_sign_content,
    top_verify,
)

APP_PRIVATE = load_private_key(key_text("app_pkcs8.pem"))
APP_PUBLIC = load_public_key(key_text("app_public.pem"))
OTHER_PUBLIC = load_public_key(key_text("alipay_public.pem"))

DIGESTS = {"RSA2": "sha256", "RSA": "sha1"}
CONTENTS = [
    'app_id=2014072300007148&biz_content={"a":"1"}&method=x',
    '中文内容 sub_msg=系统繁忙 & } \\/ "quoted"',
    "",
    "x" * 5000,
]


# --- RSA: ours against openssl, both ways ---------------------------------------------------


@pytest.mark.parametrize("sign_type", ["RSA2", "RSA"])
@pytest.mark.parametrize("content", CONTENTS)
def test_our_signature_verifies_with_openssl(sign_type: str, content: str) -> None:
    signature = rsa_sign(content, APP_PRIVATE, sign_type)
    assert len(signature) == 344  # 2048-bit key, standard Base64 with padding
    assert openssl_verify(content, signature, KEYS / "app_public.pem", DIGESTS[sign_type])
    # and openssl is not simply saying yes: the other digest and other content fail
    other = "sha1" if sign_type == "RSA2" else "sha256"
    assert not openssl_verify(content, signature, KEYS / "app_public.pem", other)
    assert not openssl_verify(content + "x", signature, KEYS / "app_public.pem", DIGESTS[sign_type])


@pytest.mark.parametrize("sign_type", ["RSA2", "RSA"])
@pytest.mark.parametrize("content", CONTENTS)
def test_openssl_signature_verifies_with_ours(sign_type: str, content: str) -> None:
    signature = openssl_sign(content, KEYS / "app_pkcs1.pem", DIGESTS[sign_type])
    assert rsa_verify(content, signature, APP_PUBLIC, sign_type)
    assert not rsa_verify(content + " ", signature, APP_PUBLIC, sign_type)
    assert not rsa_verify(content, signature, OTHER_PUBLIC, sign_type)


def test_algorithm_is_pinned() -> None:
    content = "a=1&b=2"
    sha1_signature = openssl_sign(content, KEYS / "app_pkcs1.pem", "sha1")
    sha256_signature = openssl_sign(content, KEYS / "app_pkcs1.pem", "sha256")
    assert not rsa_verify(content, sha1_signature, APP_PUBLIC, "RSA2")
    assert not rsa_verify(content, sha256_signature, APP_PUBLIC, "RSA")
    assert rsa_verify(content, sha1_signature, APP_PUBLIC, "RSA")


@pytest.mark.parametrize(
    "signature",
    ["", "not base64!", "QUJD", "=" * 8, "中文", base64.b64encode(b"\0" * 256).decode()],
)
def test_garbage_signatures_do_not_verify(signature: str) -> None:
    assert rsa_verify("a=1", signature, APP_PUBLIC, "RSA2") is False


def test_unknown_sign_type_is_refused() -> None:
    with pytest.raises(ValueError, match="sign_type"):
        rsa_sign("a", APP_PRIVATE, "RSA3")


def test_alipay_request_signature_matches_openssl_over_canonical_string() -> None:
    params = {
        "app_id": "2014072300007148",
        "method": "koubei.trade.ticket.ticketcode.sync",
        "format": "json",
        "charset": "utf-8",
        "sign_type": "RSA2",
        "timestamp": "2014-07-24 03:07:50",
        "version": "1.0",
        "biz_content": '{"request_id":"R1","ticket_code":"016569843362","quantity":"1"}',
        "app_auth_token": "",
    }
    expected_content = (
        'app_id=2014072300007148&biz_content={"request_id":"R1","ticket_code":"016569843362",'
        '"quantity":"1"}&charset=utf-8&format=json&method=koubei.trade.ticket.ticketcode.sync'
        "&sign_type=RSA2&timestamp=2014-07-24 03:07:50&version=1.0"
    )
    assert alipay_sign_content(params) == expected_content
    signature = sign_alipay_params(params, APP_PRIVATE, "RSA2")
    assert openssl_verify(expected_content, signature, KEYS / "app_public.pem", "sha256")
    # RSA PKCS#1 v1.5 is deterministic: openssl produces the very same bytes
    assert signature == openssl_sign(expected_content, KEYS / "app_pkcs1.pem", "sha256")


def test_notification_content_leaves_out_sign_type() -> None:
    params = {"notify_id": "n1", "sign_type": "RSA2", "sign": "s", "request_id": "R1"}
    assert alipay_sign_content(params, exclude_sign_type=True) == "notify_id=n1&request_id=R1"
    assert alipay_sign_content(params) == "notify_id=n1&request_id=R1&sign_type=RSA2"


# --- TOP ------------------------------------------------------------------------------------

WORKED_EXAMPLE = {
    "method": "taobao.item.seller.get",
    "app_key": "12345678",
    "session": "test",
    "timestamp": "2016-01-01 12:00:00",
    "format": "json",
    "v": "2.0",
    "sign_method": "md5",
    "fields": "num_iid,title,nick,price,num",
    "num_iid": "11223344",
}


def test_top_md5_published_worked_example() -> None:
    assert top_sign(WORKED_EXAMPLE, "helloworld", "md5") == "66987CB115214E59E6EC978214934FB8"
    assert top_verify({**WORKED_EXAMPLE, "sign": "66987CB115214E59E6EC978214934FB8"}, "helloworld")
    assert top_verify({**WORKED_EXAMPLE, "sign": "66987cb115214e59e6ec978214934fb8"}, "helloworld")


@pytest.mark.parametrize(
    ("method", "digest", "length"), [("hmac", hashlib.md5, 32), ("hmac-sha256", hashlib.sha256, 64)]
)
def test_top_hmac_against_stdlib(method: str, digest: Callable[..., Any], length: int) -> None:
    params = {
        **WORKED_EXAMPLE,
        "sign_method": method,
        "use_request": '{"quantity":"2","ticket_code":"016569843362","shop_id":"门店"}',
    }
    s = "".join(f"{k}{params[k]}" for k in sorted(params))  # by hand, not top_sign_content
    expected = hmac.new(b"helloworld", s.encode("utf-8"), digest).hexdigest().upper()
    got = top_sign(params, "helloworld", method)
    assert got == expected
    assert len(got) == length
    assert got == got.upper()
    assert top_verify({**params, "sign": got}, "helloworld")
    assert not top_verify({**params, "sign": got}, "helloworlD")


def test_top_md5_is_secret_sandwich() -> None:
    params = {"b": "2", "a": "1", "sign": "ignored", "empty": ""}
    expected = hashlib.md5(b"s3cret" + b"a1b2" + b"s3cret").hexdigest().upper()  # noqa: S324
    assert top_sign(params, "s3cret", "md5") == expected


def test_top_verify_refuses_unknown_method_and_non_ascii_sign() -> None:
    assert not top_verify({**WORKED_EXAMPLE, "sign_method": "sha1", "sign": "X"}, "helloworld")
    # a non-ASCII sign must be a plain "no", not a crash in compare_digest
    assert not top_verify({**WORKED_EXAMPLE, "sign": "签名"}, "helloworld")


def test_top_unknown_sign_method_raises() -> None:
    with pytest.raises(ValueError, match="sign_method"):
        top_sign(WORKED_EXAMPLE, "s", "sha1")


# --- canonical strings: properties ------------------------------------------------------------

_keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12).filter(
    lambda k: k != "sign"
)
_values = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="&="), max_size=20
)
_params = st.dictionaries(_keys, _values, max_size=8)


@given(_params, st.randoms())
def test_alipay_content_is_order_independent(params: dict[str, str], rnd: random.Random) -> None:
    items = list(params.items())
    rnd.shuffle(items)
    assert alipay_sign_content(dict(items)) == alipay_sign_content(params)


@given(_params, _values)
def test_alipay_content_drops_empties_and_sign(params: dict[str, str], sign: str) -> None:
    content = alipay_sign_content({**params, "sign": sign})
    pairs = [p.split("=", 1) for p in content.split("&")] if content else []
    expected = sorted((k, v) for k, v in params.items() if v)
    assert [tuple(p) for p in pairs] == expected


@given(_params, st.sampled_from(["RSA2", "RSA"]))
def test_alipay_content_keeps_sign_type_unless_notification(
    params: dict[str, str], sign_type: str
) -> None:
    with_type = {**params, "sign_type": sign_type}
    assert f"sign_type={sign_type}" in alipay_sign_content(with_type).split("&")
    assert "sign_type=" not in alipay_sign_content(with_type, exclude_sign_type=True)


@given(_params, _values, st.randoms())
def test_top_content_properties(params: dict[str, str], sign: str, rnd: random.Random) -> None:
    items = list(params.items())
    rnd.shuffle(items)
    content = top_sign_content({**dict(items), "sign": sign})
    assert content == "".join(k + v for k, v in sorted(params.items()) if v)
    assert top_sign_content({**params, "extra_empty_key": ""}) == top_sign_content(params)


@given(_params, st.sampled_from(["md5", "hmac", "hmac-sha256"]))
def test_top_sign_ignores_order_empties_and_existing_sign(params: dict[str, str], m: str) -> None:
    base = {**params, "sign_method": m}
    signed = top_sign(base, "k", m)
    empty = "zz"
    while empty in base:  # an added empty parameter, not one of the given ones emptied
        empty += "z"
    shuffled = {**dict(reversed(list(base.items()))), "sign": "X", empty: ""}
    assert top_sign(shuffled, "k", m) == signed
    assert top_verify({**base, "sign": signed}, "k")
