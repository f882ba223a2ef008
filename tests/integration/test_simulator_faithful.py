"""Issue #9 point 14: the simulator rejects what the real gateways reject, accepts what they
accept, and produces the REVIEW cases on demand. Raw wire requests over loopback HTTP, signed
independently (``pos_app.gateways.signing`` or ``cryptography`` directly), no client code.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from sim_wire import CANCEL, TOP_NODE, SimWire

from pos_app.gateways.rawjson import member_raw
from pos_app.gateways.signing import alipay_sign_content, rsa_verify, top_sign
from pos_app.sandbox import Fault
from pos_app.sandbox.demo import DEMO_APP_AUTH_TOKEN, DEMO_TICKET_IDS
from pos_app.sandbox.faults import KINDS, ONLY_FOR

pytestmark = pytest.mark.filterwarnings("error")


def _cancel_biz(wire: SimWire, label: str = "used") -> dict[str, str]:
    rid = wire.demo.request_ids[label]
    return {
        "request_id": rid,
        "request_biz_no": rid,
        "ticket_code": wire.demo.codes[label],
        "quantity": "1",
    }


def _alipay_node(
    wire: SimWire, *, sign_type: str = "RSA2", **overrides: str | None
) -> dict[str, Any]:
    """Cancel the demo redemption on record; the parsed node (its signature checked if any)."""
    params = wire.alipay_params(CANCEL, _cancel_biz(wire), sign_type=sign_type, **overrides)
    reply = wire.alipay(params)
    raw, sign = wire.alipay_node(reply, CANCEL)
    if sign is not None:
        assert rsa_verify(raw, sign, wire.alipay_public, "RSA2"), reply.text
    node: dict[str, Any] = json.loads(raw)
    return node


def _top_error(reply: requests.Response) -> dict[str, Any]:
    err: dict[str, Any] = reply.json()["error_response"]
    return err


# --- Alipay: what the real gateway rejects -------------------------------------------------------


def test_rsa_signature_from_an_app_registered_for_rsa2_is_refused(wire: SimWire) -> None:
    assert wire.sim.options.alipay_sign_type == "RSA2"  # the demo app, as registered
    node = _alipay_node(wire, sign_type="RSA")  # a valid SHA-1 signature, wrong algorithm
    assert (node["code"], node["sub_code"]) == ("40001", "isv.missing-signature-config")
    assert node["sub_msg"] == "应用未配置对应签名算法的公钥或者证书"
    assert wire.sim.state.status(wire.demo.codes["used"]) == "USED"  # nothing reversed


def test_missing_charset_is_refused(wire: SimWire) -> None:
    node = _alipay_node(wire, charset=None)
    assert (node["code"], node["sub_code"]) == ("40001", "isv.missing-charset")
    assert wire.sim.state.status(wire.demo.codes["used"]) == "USED"


@pytest.mark.parametrize(
    "token",
    [
        "t" * 41,  # longer than any real token
        "not a token!",  # garbage
        "201510BB0c409dd5758b4d939d4008a525463X62",  # well-formed, but not this merchant's
    ],
)
def test_bad_app_auth_token_is_20001(wire: SimWire, token: str) -> None:
    node = _alipay_node(wire, app_auth_token=token)
    assert (node["code"], node["msg"]) == ("20001", "Insufficient Token Permissions")
    assert (node["sub_code"], node["sub_msg"]) == (
        "aop.invalid-app-auth-token",
        "无效的应用授权令牌",
    )
    assert wire.sim.state.status(wire.demo.codes["used"]) == "USED"


def test_the_demo_app_auth_token_is_accepted(wire: SimWire) -> None:
    assert wire.demo.app_auth_token == DEMO_APP_AUTH_TOKEN and len(DEMO_APP_AUTH_TOKEN) == 40
    node = _alipay_node(wire, app_auth_token=DEMO_APP_AUTH_TOKEN)
    assert node["code"] == "10000"


# --- Alipay: what the real gateway accepts -------------------------------------------------------


def _gbk_call(wire: SimWire, charset: str, biz: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """A cancel sent and signed in ``charset`` (as the Java SDK does); (content type, node),
    the answer's signature checked over its bytes in that charset."""
    codec = charset.lower()
    params = {
        "app_id": wire.demo.app_id,
        "method": CANCEL,
        "format": "json",
        "charset": charset,
        "sign_type": "RSA2",
        "timestamp": wire.alipay_params(CANCEL, None)["timestamp"],
        "version": "1.0",
        "biz_content": json.dumps(biz, ensure_ascii=False, separators=(",", ":")),
    }
    content = alipay_sign_content(params).encode(codec)
    signature = wire.app_key.sign(content, padding.PKCS1v15(), hashes.SHA256())
    params["sign"] = base64.b64encode(signature).decode("ascii")
    reply = wire.http.post(
        wire.sim.alipay_url,
        data=urlencode(params, encoding=codec),
        headers={"Content-Type": f"application/x-www-form-urlencoded;charset={charset}"},
        timeout=10,
    )
    assert reply.status_code == 200, reply.content
    text = reply.content.decode(codec)
    raw = member_raw(text, "koubei_trade_ticket_ticketcode_cancel_response")
    sign_raw = member_raw(text, "sign")
    assert raw is not None and sign_raw is not None, text
    wire.alipay_public.verify(
        base64.b64decode(json.loads(sign_raw)),
        raw.encode(codec),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )
    node: dict[str, Any] = json.loads(raw)
    return reply.headers["Content-Type"], node


@pytest.mark.parametrize("charset", ["GBK", "gb2312"])
def test_gbk_and_gb2312_requests_are_decoded_and_answered_as_such(
    wire: SimWire, charset: str
) -> None:
    # Chinese in biz_content: its GBK bytes are what the request signature covers.
    biz = {**_cancel_biz(wire), "memo": "顾客要求撤销"}
    ctype, node = _gbk_call(wire, charset, biz)
    assert node["code"] == "10000" and ctype.endswith("charset=" + charset.lower())
    assert wire.sim.state.status(wire.demo.codes["used"]) == "AVAILABLE"  # reversed
    nothing = {"request_id": "NOPE1", "request_biz_no": "NOPE1", "ticket_code": "286501039999"}
    _, node = _gbk_call(wire, charset, nothing)
    assert node["sub_msg"] == "券正向核销操作单不存在"  # Chinese answer, GBK on the wire


# --- TOP: what the real gateway rejects ----------------------------------------------------------


def test_top_lower_case_sign_is_code_25(wire: SimWire) -> None:
    params = wire.top_params(wire.use_request())
    params["sign"] = params["sign"].lower()
    err = _top_error(wire.top(params))
    assert (err["code"], err["msg"]) == (25, "Invalid signature")
    assert wire.sim.state.status(wire.demo.codes["single"]) == "AVAILABLE"


def _without_sign_method(wire: SimWire) -> dict[str, str]:
    """Signed with md5 and no ``sign_method`` (md5 is what TOP assumes then)."""
    params = wire.top_params(wire.use_request())
    del params["sign_method"], params["sign"]
    params["sign"] = top_sign(params, wire.demo.top_app_secret, "md5")
    return params


def test_top_without_sign_method_is_refused_when_the_app_is_set_to_hmac_sha256(
    wire: SimWire,
) -> None:
    assert wire.sim.options.top_sign_method == "hmac-sha256"
    err = _top_error(wire.top(_without_sign_method(wire)))
    assert err["code"] == 25 and "sign_method" in err["sub_msg"]
    assert wire.sim.state.status(wire.demo.codes["single"]) == "AVAILABLE"
    wire.sim.options.top_sign_method = "md5"  # an app on the legacy default
    assert TOP_NODE in wire.top(_without_sign_method(wire)).json()


@pytest.mark.parametrize("fmt", ["yaml", "jsonp"])
def test_top_unsupported_format_is_code_23(wire: SimWire, fmt: str) -> None:
    err = _top_error(wire.top(wire.top_params(wire.use_request(), format=fmt)))
    assert (err["code"], err["msg"]) == (23, "Invalid format")


# --- TOP: what the real gateway accepts ----------------------------------------------------------


def test_top_format_xml_answers_xml(wire: SimWire) -> None:
    reply = wire.top(wire.top_params(wire.use_request(), format="xml"))
    assert reply.headers["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(reply.content)  # noqa: S314 - our own simulator
    assert root.tag == TOP_NODE
    assert root.findtext("ticket_request_id") == "REQ1"
    assert root.findtext("item_name") == "双人下午茶套餐"
    detail = root.find("ticket_use_details/merchant_ticket_use_detail")
    assert detail is not None and detail.findtext("ticket_code") == wire.demo.codes["single"]
    # errors too: the same code again under another request id
    again = wire.top(wire.top_params(wire.use_request(request_id="REQ2"), format="xml"))
    err = ElementTree.fromstring(again.content)  # noqa: S314 - our own simulator
    assert err.tag == "error_response" and err.findtext("code") == "15"
    assert err.findtext("sub_code") == "isv.TICKET_STATUS_ILLEGAL"


def test_top_use_request_without_ticket_request_id_redeems_each_time(wire: SimWire) -> None:
    use = wire.use_request("multi")
    del use["ticket_request_id"]
    for remaining in (9, 8):  # no id: no idempotency, every call is a new redemption
        node = wire.top(wire.top_params(use)).json()[TOP_NODE]
        assert "ticket_request_id" not in node
        assert node["ticket_code"] == wire.demo.codes["multi"]
        assert wire.sim.state.remaining(wire.demo.codes["multi"]) == remaining


# --- third-party codes (三方码) -------------------------------------------------------------------


def _third_party_use(wire: SimWire, label: str, **fields: str) -> dict[str, str]:
    return wire.use_request(label, "TP1", **fields)


@pytest.mark.parametrize(
    ("fields", "why"),
    [({}, "必须传 ticket_id"), ({"ticket_id": "2024060100073002315000000099"}, "ticket_id 与")],
)
def test_third_party_code_without_its_ticket_id_is_refused(
    wire: SimWire, fields: dict[str, str], why: str
) -> None:
    for label in DEMO_TICKET_IDS:
        err = _top_error(wire.top(wire.top_params(_third_party_use(wire, label, **fields))))
        assert (err["code"], err["sub_code"]) == (15, "isv.INVALID_PARAMETER")
        assert why in err["sub_msg"]
        code = wire.demo.codes[label]
        assert wire.sim.state.attempts_for(code) == []
        voucher = wire.sim.state.voucher(code)
        assert voucher is not None and voucher.remaining == voucher.total


def test_third_party_code_with_its_ticket_id_redeems(wire: SimWire) -> None:
    ticket_id = wire.demo.ticket_ids["third_party"]
    node = wire.top(
        wire.top_params(_third_party_use(wire, "third_party", ticket_id=ticket_id))
    ).json()[TOP_NODE]
    detail = node["ticket_use_details"]["merchant_ticket_use_detail"][0]
    assert detail["ticket_id"] == ticket_id
    assert wire.sim.state.status(wire.demo.codes["third_party"]) == "USED"


# --- faults that produce the REVIEW cases --------------------------------------------------------


def test_forget_request_commits_drops_and_answers_the_retry_as_someone_elses_use(
    wire: SimWire,
) -> None:
    code = wire.demo.codes["single"]
    wire.sim.faults.add(Fault("forget_request", api="redeem"))
    with pytest.raises(requests.ConnectionError):
        wire.top(wire.top_params(wire.use_request(request_id="REQ1")))
    assert wire.sim.state.status(code) == "USED" and len(wire.sim.state.redemptions_for(code)) == 1
    retry = _top_error(wire.top(wire.top_params(wire.use_request(request_id="REQ1"))))
    stranger = _top_error(wire.top(wire.top_params(wire.use_request(request_id="REQ9"))))
    assert retry["sub_code"] == stranger["sub_code"] == "isv.TICKET_STATUS_ILLEGAL"
    assert retry["sub_msg"] == stranger["sub_msg"]
    assert len(wire.sim.state.redemptions_for(code)) == 1  # still redeemed exactly once


@pytest.mark.parametrize(
    ("kind", "sub_code"),
    [("order_closed", "USE_BIZ_ORDER_CLOSE"), ("order_not_exist", "USE_BIZ_ORDER_NOT_EXIST")],
)
def test_cancel_faults_answer_a_signed_business_error_without_reversing(
    wire: SimWire, kind: str, sub_code: str
) -> None:
    wire.sim.faults.add(Fault(kind))  # any api: these only ever touch cancel
    wire.redeem("single", "R1")  # a redemption is not affected
    assert len(wire.sim.faults.pending()) == 1
    biz = {"request_id": "R1", "request_biz_no": "R1", "ticket_code": wire.demo.codes["single"]}
    node = wire.call_alipay(CANCEL, biz)  # signature checked over the raw node
    assert (node["code"], node["msg"], node["sub_code"]) == ("40004", "Business Failed", sub_code)
    assert wire.sim.state.status(wire.demo.codes["single"]) == "USED"
    assert wire.sim.state.cancels_for(wire.demo.codes["single"]) == []


def _empty_node(wire: SimWire, body: dict[str, Any]) -> None:
    assert body == {TOP_NODE: {}}


def _no_node(wire: SimWire, body: dict[str, Any]) -> None:
    assert body == {"order_no": ""}


def _other_request(wire: SimWire, body: dict[str, Any]) -> None:
    node = body[TOP_NODE]
    assert node["ticket_request_id"] != "REQ1" and node["ticket_code"] != wire.demo.codes["single"]
    assert node["use_date"] and node["ticket_use_details"]["merchant_ticket_use_detail"]
    assert wire.sim.state.status(node["ticket_code"]) == "AVAILABLE"  # nothing redeemed there


NOTHING_IN_IT: dict[str, Callable[[SimWire, dict[str, Any]], None]] = {
    "empty_node": _empty_node,
    "no_node": _no_node,
    "other_request": _other_request,
}


@pytest.mark.parametrize("kind", sorted(NOTHING_IN_IT))
@pytest.mark.parametrize("commit", [False, True])
def test_top_200_with_nothing_in_it(wire: SimWire, kind: str, commit: bool) -> None:
    wire.sim.faults.add(Fault(kind, commit=commit or None))
    cancel = wire.call_alipay(CANCEL, _cancel_biz(wire))  # never applied to Alipay APIs
    assert cancel["code"] == "10000" and len(wire.sim.faults.pending()) == 1
    reply = wire.top(wire.top_params(wire.use_request()))
    assert reply.status_code == 200
    NOTHING_IN_IT[kind](wire, reply.json())
    expected = "USED" if commit else "AVAILABLE"
    assert wire.sim.state.status(wire.demo.codes["single"]) == expected


# --- the fault list itself ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(ONLY_FOR))
def test_new_kinds_are_known_and_parse(kind: str) -> None:
    assert kind in KINDS
    assert Fault.parse(kind) == Fault(kind)
    assert Fault.parse(f"{kind}:{ONLY_FOR[kind]}:2") == Fault(kind, ONLY_FOR[kind], 2)
    other = "sync" if ONLY_FOR[kind] == "redeem" else "redeem"
    with pytest.raises(ValueError, match="applies to api"):
        Fault.parse(f"{kind}:{other}")


def test_control_api_takes_the_new_kinds(wire: SimWire) -> None:
    url = wire.sim.base_url + "/__sim/faults"
    ok = wire.http.post(url, json={"kind": "other_request", "api": "redeem"}, timeout=5)
    assert ok.status_code == 200 and ok.json()["faults"][0]["kind"] == "other_request"
    bad = wire.http.post(url, json={"kind": "order_closed", "api": "redeem"}, timeout=5)
    assert bad.status_code == 400 and "cancel" in bad.json()["error"]
