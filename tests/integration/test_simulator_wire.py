"""The simulator's wire formats over real HTTP, spoken raw (requests + signing, no client code):
gateway checks, answer shapes, and the simulator's own response signatures (checked with openssl).
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sim_wire import CANCEL, SYNC, TOP_NODE, SimWire

from pos_app.core.clock import gateway_timestamp, now_china
from pos_app.gateways.signing import rsa_verify

pytestmark = pytest.mark.filterwarnings("error")


def _error(reply_json: dict[str, object]) -> dict[str, object]:
    err = reply_json["error_response"]
    assert isinstance(err, dict)
    return err


# --- TOP: signing and platform errors -----------------------------------------------------------


@pytest.mark.parametrize("sign_method", ["md5", "hmac", "hmac-sha256"])
def test_top_accepts_every_sign_method(wire: SimWire, sign_method: str) -> None:
    reply = wire.top(wire.top_params(wire.use_request(), sign_method=sign_method))
    node = reply.json()[TOP_NODE]
    assert node["ticket_request_id"] == "REQ1"
    assert node["request_id"]


@pytest.mark.parametrize("transport", ["split", "body", "get"])
def test_top_merges_query_and_body(wire: SimWire, transport: str) -> None:
    reply = wire.top(wire.top_params(wire.use_request()), transport=transport)
    assert TOP_NODE in reply.json(), reply.text


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"method": None}, 21),
        ({"method": "taobao.item.get"}, 22),
        ({"app_key": None}, 28),
        ({"app_key": "99999999"}, 29),
        ({"timestamp": None}, 30),
        ({"v": None}, 32),
        ({"v": "1.0"}, 34),
        ({"session": None}, 26),
        ({"session": "not-our-session"}, 27),
        ({"use_request": None}, 40),
        ({"use_request": "{not json"}, 41),
        ({"format": "yaml"}, 23),
    ],
)
def test_top_platform_errors_have_numeric_codes(
    wire: SimWire, change: dict[str, str | None], code: int
) -> None:
    use = change.pop("use_request", json.dumps(wire.use_request()))
    err = _error(wire.top(wire.top_params(use, **change)).json())
    assert err["code"] == code
    assert err["msg"] and err["request_id"]


def test_top_wrong_secret_is_code_25(wire: SimWire) -> None:
    err = _error(wire.top(wire.top_params(wire.use_request(), secret="wrong")).json())
    assert err["code"] == 25 and err["msg"] == "Invalid signature"


def test_top_tampered_use_request_is_code_25(wire: SimWire) -> None:
    params = wire.top_params(wire.use_request())
    params["use_request"] = params["use_request"].replace('"quantity":"1"', '"quantity":"2"')
    assert _error(wire.top(params).json())["code"] == 25


def test_top_missing_sign_is_code_24(wire: SimWire) -> None:
    params = wire.top_params(wire.use_request())
    del params["sign"]
    assert _error(wire.top(params).json())["code"] == 24


def test_top_unknown_sign_method_is_refused(wire: SimWire) -> None:
    params = wire.top_params(wire.use_request())
    params["sign_method"] = "sha1"
    assert _error(wire.top(params).json())["code"] in (25, 41)


def test_top_timestamp_window_is_ten_minutes_gmt8(wire: SimWire) -> None:
    stale = gateway_timestamp(now_china() - timedelta(minutes=11))
    assert (
        _error(wire.top(wire.top_params(wire.use_request(), timestamp=stale)).json())["code"] == 31
    )
    near = gateway_timestamp(now_china() - timedelta(minutes=9))
    assert TOP_NODE in wire.top(wire.top_params(wire.use_request(), timestamp=near)).json()


def test_top_accepts_epoch_milliseconds(wire: SimWire) -> None:
    epoch_ms = str(int(now_china().timestamp() * 1000))
    reply = wire.top(wire.top_params(wire.use_request(), timestamp=epoch_ms))
    assert TOP_NODE in reply.json(), reply.text


def test_top_rate_limit_is_code_7(wire: SimWire) -> None:
    wire.sim.options.top_calls_per_s = 2
    codes = []
    for i in range(4):
        data = wire.top(wire.top_params(wire.use_request(request_id=f"RL{i}"))).json()
        codes.append(_error(data)["code"] if "error_response" in data else "ok")
    assert codes[0] != 7 and 7 in codes


def test_top_simplify_puts_fields_at_root_with_plain_lists(wire: SimWire) -> None:
    data = wire.top(wire.top_params(wire.use_request(), simplify="true")).json()
    assert TOP_NODE not in data
    assert data["ticket_request_id"] == "REQ1"
    assert isinstance(data["ticket_use_details"], list)
    assert data["ticket_use_details"][0]["ticket_code"] == wire.demo.codes["single"]


def test_top_default_shape_wraps_lists(wire: SimWire) -> None:
    node = wire.redeem()[TOP_NODE]
    details = node["ticket_use_details"]["merchant_ticket_use_detail"]
    assert details[0]["buyer_pay_amount"] == "45.00"
    assert node["item_name"] == "双人下午茶套餐"
    assert node["order_no"] == wire.demo.order_nos["single"]
    assert node["use_shop_id"] == wire.demo.shop_id
    for field in (
        "original_price",
        "current_price",
        "buyer_pay_amount",
        "receipt_amount",
        "invoice_amount",
        "use_date",
        "ticket_trans_id",
        "voucher_id",
    ):
        assert node[field], field


def test_top_modern_integrations_get_fewer_fields(wire: SimWire) -> None:
    wire.sim.options.legacy_fields = False
    node = wire.redeem()[TOP_NODE]
    assert "item_name" not in node and "buyer_pay_amount" not in node
    assert node["use_date"] and node["ticket_request_id"] == "REQ1"


# --- Alipay: signing and gateway errors -----------------------------------------------------------


def _cancel_biz(wire: SimWire) -> dict[str, str]:
    rid = wire.demo.request_ids["used"]
    return {
        "request_id": rid,
        "request_biz_no": rid,
        "ticket_code": wire.demo.codes["used"],
        "quantity": "1",
        "code_type": "INTERNAL_CODE",
    }


@pytest.mark.parametrize("sign_type", ["RSA2", "RSA"])
def test_alipay_signs_answers_with_the_apps_registered_algorithm(
    wire: SimWire, sign_type: str
) -> None:
    wire.sim.options.alipay_sign_type = sign_type  # the app as registered on the console
    node = wire.call_alipay(CANCEL, _cancel_biz(wire), sign_type=sign_type)
    assert node["code"] == "10000" and node["msg"] == "Success"
    reply = wire.alipay(wire.alipay_params(CANCEL, _cancel_biz(wire), sign_type=sign_type))
    raw, sign = wire.alipay_node(reply, CANCEL)
    other = "RSA" if sign_type == "RSA2" else "RSA2"
    assert sign is not None and not rsa_verify(raw, sign, wire.alipay_public, other)


@pytest.mark.parametrize("transport", ["split", "body", "get"])
def test_alipay_merges_query_and_body(wire: SimWire, transport: str) -> None:
    reply = wire.alipay(wire.alipay_params(CANCEL, _cancel_biz(wire)), transport=transport)
    assert '"code":"10000"' in reply.text


def test_alipay_wrong_key_is_40002_invalid_signature_signed(wire: SimWire) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    reply = wire.alipay(wire.alipay_params(CANCEL, _cancel_biz(wire), key=stranger))
    raw, sign = wire.alipay_node(reply, CANCEL)
    node = json.loads(raw)
    assert reply.text.startswith('{"koubei_trade_ticket_ticketcode_cancel_response":')
    assert node["code"] == "40002" and node["sub_code"] == "isv.invalid-signature"
    assert node["msg"] == "Invalid Arguments" and "验签出错" in node["sub_msg"]
    assert sign is not None and rsa_verify(raw, sign, wire.alipay_public, "RSA2")
    assert wire.sim.state.status(wire.demo.codes["used"]) == "USED"  # nothing happened


def test_alipay_tampered_biz_content_is_refused(wire: SimWire) -> None:
    params = wire.alipay_params(CANCEL, _cancel_biz(wire))
    params["biz_content"] = params["biz_content"].replace('"quantity":"1"', '"quantity":"2"')
    node = json.loads(wire.alipay_node(wire.alipay(params), CANCEL)[0])
    assert node["sub_code"] == "isv.invalid-signature"


def test_alipay_sign_type_is_covered_by_the_signature(wire: SimWire) -> None:
    wire.sim.options.alipay_sign_type = "RSA"  # so the changed sign_type is not refused earlier
    params = wire.alipay_params(CANCEL, _cancel_biz(wire), sign_type="RSA2")
    params["sign_type"] = "RSA"
    node = json.loads(wire.alipay_node(wire.alipay(params), CANCEL)[0])
    assert node["sub_code"] == "isv.invalid-signature"


def test_alipay_unknown_app_id_is_unsigned_40002(wire: SimWire) -> None:
    reply = wire.alipay(wire.alipay_params(CANCEL, _cancel_biz(wire), app_id="2021000000000000"))
    raw, sign = wire.alipay_node(reply, CANCEL)
    node = json.loads(raw)
    assert (node["code"], node["sub_code"]) == ("40002", "isv.invalid-app-id")
    assert sign is None


@pytest.mark.parametrize(
    ("drop", "sub_code"),
    [
        ("app_id", "isv.missing-app-id"),
        ("timestamp", "isv.missing-timestamp"),
        ("version", "isv.missing-version"),
        ("sign_type", "isv.missing-signature-type"),
    ],
)
def test_alipay_missing_system_parameter_is_40001(wire: SimWire, drop: str, sub_code: str) -> None:
    params = wire.alipay_params(CANCEL, _cancel_biz(wire))
    del params[drop]
    node = json.loads(wire.alipay_node(wire.alipay(params), CANCEL)[0])
    assert (node["code"], node["sub_code"]) == ("40001", sub_code)


def test_alipay_missing_sign_is_40001(wire: SimWire) -> None:
    params = wire.alipay_params(CANCEL, _cancel_biz(wire))
    del params["sign"]
    node = json.loads(wire.alipay_node(wire.alipay(params), CANCEL)[0])
    assert (node["code"], node["sub_code"]) == ("40001", "isv.missing-signature")


def test_alipay_unknown_method_answers_error_response(wire: SimWire) -> None:
    reply = wire.alipay(wire.alipay_params("alipay.trade.pay", {"x": "1"}))
    assert reply.text.startswith('{"error_response":')
    assert (
        json.loads(wire.alipay_node(reply, "alipay.trade.pay")[0])["sub_code"]
        == "isv.invalid-method"
    )


@pytest.mark.parametrize(
    ("change", "sub_code"),
    [
        ({"charset": "big5"}, "isv.invalid-charset"),
        ({"format": "xml"}, "isv.invalid-format"),
        ({"version": "2.0"}, "isv.invalid-parameter"),
        (
            {"timestamp": gateway_timestamp(now_china() - timedelta(minutes=11))},
            "isv.invalid-timestamp",
        ),
        ({"timestamp": "2024/06/01 12:00:00"}, "isv.invalid-timestamp"),
    ],
)
def test_alipay_bad_system_parameter_is_40002(
    wire: SimWire, change: dict[str, str], sub_code: str
) -> None:
    node = json.loads(
        wire.alipay_node(
            wire.alipay(wire.alipay_params(CANCEL, _cancel_biz(wire), **change)), CANCEL
        )[0]
    )
    assert (node["code"], node["sub_code"]) == ("40002", sub_code)


def test_alipay_bad_biz_content_is_invalid_parameter(wire: SimWire) -> None:
    node = wire.call_alipay(SYNC, {"request_id": "S1"})
    assert (node["code"], node["sub_code"]) == ("40004", "INVALID_PARAMETER")
    reply = wire.alipay(wire.alipay_params(SYNC, "[1,2]"))
    assert json.loads(wire.alipay_node(reply, SYNC)[0])["sub_code"] == "INVALID_PARAMETER"


def test_alipay_answer_escapes_slashes_and_keeps_chinese(wire: SimWire) -> None:
    reply = wire.alipay(
        wire.alipay_params(
            SYNC,
            {
                "request_id": "S1",
                "ticket_code": wire.demo.codes["refunded"],
                "quantity": "0",
                "order_no": wire.demo.order_nos["refunded"],
            },
        )
    )
    raw, _ = wire.alipay_node(reply, SYNC)
    assert "券已退款" in raw  # UTF-8 Chinese, not \\u escapes
    # a sub_msg with "/" is written with "\/" on the wire and the signature covers that text
    reply = wire.alipay(
        wire.alipay_params(
            CANCEL,
            {
                "request_id": "NOPE1",
                "request_biz_no": "NOPE1",
                "ticket_code": "123",
                "code_type": "OTHER",
            },
        )
    )
    raw, sign = wire.alipay_node(reply, CANCEL)
    assert "INTERNAL_CODE\\/EXTERNAL_CODE" in raw
    assert "/" not in raw.replace("\\/", "")
    assert sign is not None and rsa_verify(raw, sign, wire.alipay_public, "RSA2")
    assert not rsa_verify(raw.replace("\\/", "/"), sign, wire.alipay_public, "RSA2")


def _openssl_verify(tmp_path: Path, wire: SimWire, raw: str, sign: str, digest: str) -> bool:
    public = wire.alipay_public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (tmp_path / "pub.pem").write_bytes(public)
    (tmp_path / "node.txt").write_bytes(raw.encode("utf-8"))
    (tmp_path / "sig.bin").write_bytes(base64.b64decode(sign))
    run = subprocess.run(
        [
            "openssl",
            "dgst",
            f"-{digest}",
            "-verify",
            str(tmp_path / "pub.pem"),
            "-signature",
            str(tmp_path / "sig.bin"),
            str(tmp_path / "node.txt"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return run.returncode == 0 and "Verified OK" in run.stdout


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
@pytest.mark.parametrize(("sign_type", "digest"), [("RSA2", "sha256"), ("RSA", "sha1")])
def test_openssl_verifies_the_raw_node_text(
    tmp_path: Path, wire: SimWire, sign_type: str, digest: str
) -> None:
    wire.sim.options.alipay_sign_type = sign_type
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    bad_type = {"request_id": "X1", "request_biz_no": "X1", "ticket_code": "1", "code_type": "?"}
    for biz, key in ((_cancel_biz(wire), None), (bad_type, None), (_cancel_biz(wire), stranger)):
        # success; a sub_msg with "\/"; a sub_msg quoting the sign content (braces, quotes)
        reply = wire.alipay(wire.alipay_params(CANCEL, biz, sign_type=sign_type, key=key))
        raw, sign = wire.alipay_node(reply, CANCEL)
        assert sign is not None
        assert _openssl_verify(tmp_path, wire, raw, sign, digest), raw
        assert not _openssl_verify(tmp_path, wire, raw + " ", sign, digest)
