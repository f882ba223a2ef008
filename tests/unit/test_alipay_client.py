"""AlipayClient against a real local HTTP server that answers with bodies signed by openssl."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
import requests
from conftest_http import (
    KEYS,
    GatewayServer,
    Received,
    Reply,
    alipay_body,
    key_text,
    openssl_verify,
)

from pos_app.core.errors import (
    ConfigError,
    GatewayRejected,
    InputInvalid,
    OutcomeUnknown,
    ProtocolDefect,
    SignatureInvalid,
)
from pos_app.core.models import CancelRequest, CodeType, SyncRequest
from pos_app.gateways.alipay import METHOD_CANCEL, METHOD_SYNC, AlipayClient, response_node_name
from pos_app.gateways.keys import load_private_key, load_public_key

CANCEL_NODE = "koubei_trade_ticket_ticketcode_cancel_response"
SYNC_NODE = "koubei_trade_ticket_ticketcode_sync_response"
APP_ID = "2014072300007148"
RID = "2016102903214476899999999"
CODE = "016569843362"
ORDER = "20180404111040030100130500594477"
# 2016-10-29 03:21:44 UTC is 11:21:44 in GMT+8
FIXED_NOW = datetime(2016, 10, 29, 3, 21, 44, tzinfo=UTC)

APP_PRIVATE = load_private_key(key_text("app_pkcs8.b64"))
ALIPAY_PUBLIC = load_public_key(key_text("alipay_public.pem"))


@pytest.fixture
def server() -> Iterator[GatewayServer]:
    with GatewayServer() as s:
        yield s


def make_client(server: GatewayServer, **kw: object) -> AlipayClient:
    args: dict[str, object] = {
        "gateway_url": server.alipay_url,
        "app_id": APP_ID,
        "private_key": APP_PRIVATE,
        "alipay_public_key": ALIPAY_PUBLIC,
        "clock": lambda: FIXED_NOW,
        "timeout_s": 5.0,
    }
    args.update(kw)
    return AlipayClient(**args)  # type: ignore[arg-type]


@pytest.fixture
def client(server: GatewayServer) -> Iterator[AlipayClient]:
    c = make_client(server)
    yield c
    c.close()


def cancel_req(**kw: object) -> CancelRequest:
    args: dict[str, object] = {
        "request_id": RID,
        "request_biz_no": RID,
        "ticket_code": CODE,
        "quantity": 2,
        "order_no": ORDER,
        "code_type": CodeType.INTERNAL,
    }
    args.update(kw)
    return CancelRequest(**args)  # type: ignore[arg-type]


def sync_req(**kw: object) -> SyncRequest:
    args: dict[str, object] = {
        "request_id": RID,
        "ticket_code": CODE,
        "quantity": 0,
        "order_no": ORDER,
    }
    args.update(kw)
    return SyncRequest(**args)  # type: ignore[arg-type]


def ok_node(**extra: str) -> str:
    fields = {"code": "10000", "msg": "Success", "request_id": RID, **extra}
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def error_node(
    code: str, sub_code: str, sub_msg: str = "出错了", msg: str = "Business Failed"
) -> str:
    return json.dumps(
        {"code": code, "msg": msg, "sub_code": sub_code, "sub_msg": sub_msg},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def merged_params(got: Received) -> dict[str, str]:
    merged = {k: v[0] for k, v in got.query.items()}
    for k, v in got.form.items():
        assert k not in merged, f"{k} sent twice"
        merged[k] = v[0]
    return merged


# --- what goes on the wire -------------------------------------------------------------------


def test_cancel_request_on_the_wire(server: GatewayServer, client: AlipayClient) -> None:
    server.queue(Reply(alipay_body(CANCEL_NODE, ok_node())))
    result = client.cancel(cancel_req())
    assert result.request_id == RID
    assert result.repeat is False

    (got,) = server.received
    assert got.method == "POST"
    assert got.path == "/gateway.do"
    assert got.headers["content-type"] == "application/x-www-form-urlencoded;charset=utf-8"
    # system parameters and sign in the query, biz_content alone in the body
    assert set(got.query) == {
        "app_id",
        "method",
        "format",
        "charset",
        "sign_type",
        "timestamp",
        "version",
        "sign",
    }
    assert set(got.form) == {"biz_content"}
    assert got.q("app_id") == APP_ID
    assert got.q("method") == METHOD_CANCEL
    assert got.q("format") == "json"
    assert got.q("charset") == "utf-8"
    assert got.q("sign_type") == "RSA2"
    assert got.q("version") == "1.0"
    assert got.q("timestamp") == "2016-10-29 11:21:44"  # GMT+8
    assert got.f("biz_content") == (
        '{"request_id":"2016102903214476899999999","request_biz_no":"2016102903214476899999999",'
        '"ticket_code":"016569843362","quantity":"2","order_no":"20180404111040030100130500594477",'
        '"code_type":"INTERNAL_CODE"}'
    )
    # the signature covers everything but sign (sign_type included), sorted, checked by openssl
    params = merged_params(got)
    content = "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "sign")
    assert "sign_type=RSA2" in content
    assert len(got.q("sign")) == 344
    assert openssl_verify(content, got.q("sign"), KEYS / "app_public.pem", "sha256")


def test_sync_request_on_the_wire(server: GatewayServer, client: AlipayClient) -> None:
    server.queue(Reply(alipay_body(SYNC_NODE, ok_node(order_no=ORDER))))
    result = client.sync(
        sync_req(
            code_type=CodeType.EXTERNAL,
            ticket_code="16569843362",
            gmt_biz="2017-09-09 12:12:12",
            sync_shop_id="store-001",
        )
    )
    assert result.order_no == ORDER
    (got,) = server.received
    assert got.q("method") == METHOD_SYNC
    biz = got.f("biz_content")
    assert biz == (
        '{"request_id":"2016102903214476899999999","ticket_code":"16569843362","quantity":"0",'
        '"order_no":"20180404111040030100130500594477","code_type":"EXTERNAL_CODE",'
        '"gmt_biz":"2017-09-09 12:12:12","sync_shop_id":"store-001"}'
    )
    assert all(isinstance(v, str) for v in json.loads(biz).values())


def test_optional_system_parameters_are_sent_and_signed(server: GatewayServer) -> None:
    client = make_client(
        server, app_auth_token="201510BB0c409dd5758b4d939d4008a525463X62", sign_type="RSA"
    )
    server.queue(Reply(alipay_body(CANCEL_NODE, ok_node(), digest="sha1")))
    client.cancel(
        cancel_req(quantity=None, order_no=""), notify_url="https://shop.example/notify?a=1&b=2"
    )
    (got,) = server.received
    assert got.q("app_auth_token") == "201510BB0c409dd5758b4d939d4008a525463X62"
    assert got.q("notify_url") == "https://shop.example/notify?a=1&b=2"
    assert got.q("sign_type") == "RSA"
    # optional biz fields left out, not sent empty
    assert json.loads(got.f("biz_content")) == {
        "request_id": RID,
        "request_biz_no": RID,
        "ticket_code": CODE,
        "code_type": "INTERNAL_CODE",
    }
    params = merged_params(got)
    content = "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "sign")
    assert openssl_verify(content, got.q("sign"), KEYS / "app_public.pem", "sha1")
    assert not openssl_verify(content, got.q("sign"), KEYS / "app_public.pem", "sha256")


def test_timestamp_is_gmt8_whatever_the_clock_zone(server: GatewayServer) -> None:
    new_york = timezone(timedelta(hours=-5))
    client = make_client(server, clock=lambda: datetime(2024, 12, 31, 20, 30, 0, tzinfo=new_york))
    server.queue(Reply(alipay_body(SYNC_NODE, ok_node())))
    client.sync(sync_req())
    assert server.received[0].q("timestamp") == "2025-01-01 09:30:00"


def test_default_clock_is_current_time(server: GatewayServer) -> None:
    client = make_client(server, clock=None)
    server.queue(Reply(alipay_body(SYNC_NODE, ok_node())))
    client.sync(sync_req())
    sent = datetime.strptime(server.received[0].q("timestamp"), "%Y-%m-%d %H:%M:%S")
    now_china = datetime.now(UTC).astimezone(timezone(timedelta(hours=8))).replace(tzinfo=None)
    assert abs((now_china - sent).total_seconds()) < 60


def test_naive_clock_is_a_config_error(server: GatewayServer) -> None:
    client = make_client(server, clock=lambda: datetime(2024, 1, 1))
    with pytest.raises(ConfigError):
        client.sync(sync_req())
    assert server.received == []


# --- validation before sending -----------------------------------------------------------------

BAD_CANCELS = {
    "request_id too long": cancel_req(request_id="A" * 33, request_biz_no="A" * 33),
    "request_id not alnum": cancel_req(request_id="R-1"),
    "request_id empty": cancel_req(request_id=""),
    "request_id chinese": cancel_req(request_id="请求1"),
    "request_biz_no too long": cancel_req(request_biz_no="B" * 65),
    "request_biz_no empty": cancel_req(request_biz_no=""),
    "internal code 11 digits": cancel_req(ticket_code="01656984336"),
    "internal code letters": cancel_req(ticket_code="01656984336A"),
    "internal code full-width": cancel_req(ticket_code="０１６５６９８４３３６２"),
    "internal code spaced": cancel_req(ticket_code="0165 6984 3362"),
    "external code 33": cancel_req(code_type=CodeType.EXTERNAL, ticket_code="A" * 33),
    "external code slash": cancel_req(code_type=CodeType.EXTERNAL, ticket_code="AB/12"),
    "code empty": cancel_req(ticket_code=""),
    "quantity 0": cancel_req(quantity=0),
    "quantity 10000": cancel_req(quantity=10000),
    "quantity negative": cancel_req(quantity=-1),
    "quantity bool": cancel_req(quantity=True),
    "order_no too long": cancel_req(order_no="1" * 33),
    "order_no missing for external": cancel_req(
        code_type=CodeType.EXTERNAL, ticket_code="X1", order_no=""
    ),
    "code_type plain string": cancel_req(code_type="INTERNAL_CODE"),
}


@pytest.mark.parametrize("name", sorted(BAD_CANCELS))
def test_invalid_cancel_is_refused_before_sending(
    name: str, server: GatewayServer, client: AlipayClient
) -> None:
    with pytest.raises(InputInvalid) as exc:
        client.cancel(BAD_CANCELS[name])
    assert exc.value.zh and exc.value.en
    assert server.received == []


BAD_SYNCS = {
    "remaining -1": sync_req(quantity=-1),
    "remaining 10000": sync_req(quantity=10000),
    "remaining text": sync_req(quantity="abc"),
    "order_no missing": sync_req(order_no=""),
    "order_no not alnum": sync_req(order_no="2018-04"),
    "gmt_biz bad format": sync_req(gmt_biz="2017-9-9 12:12:12"),
    "gmt_biz iso": sync_req(gmt_biz="2017-09-09T12:12:12"),
    "gmt_biz impossible date": sync_req(gmt_biz="2017-02-30 12:12:12"),
    "sync_shop_id too long": sync_req(sync_shop_id="s" * 33),
    "sync_shop_id space": sync_req(sync_shop_id="store 1"),
    "request_id 33": sync_req(request_id="1" * 33),
}


@pytest.mark.parametrize("name", sorted(BAD_SYNCS))
def test_invalid_sync_is_refused_before_sending(
    name: str, server: GatewayServer, client: AlipayClient
) -> None:
    with pytest.raises(InputInvalid):
        client.sync(BAD_SYNCS[name])
    assert server.received == []


def test_invalid_notify_url_is_refused(server: GatewayServer, client: AlipayClient) -> None:
    for url in ("ftp://x/y", "https://x/" + "a" * 256):
        with pytest.raises((InputInvalid, ConfigError)):
            client.cancel(cancel_req(), notify_url=url)
    assert server.received == []


def test_limits_are_inclusive(server: GatewayServer, client: AlipayClient) -> None:
    server.queue(
        Reply(alipay_body(SYNC_NODE, ok_node(request_id="A" * 32))),
        Reply(alipay_body(CANCEL_NODE, ok_node(request_id="A" * 32))),
    )
    client.sync(
        sync_req(request_id="A" * 32, quantity=9999, order_no="1" * 32, sync_shop_id="s" * 32)
    )
    client.cancel(cancel_req(request_id="A" * 32, request_biz_no="B" * 64, quantity=9999))
    assert len(server.received) == 2


@pytest.mark.parametrize(
    ("kw", "what"),
    [
        ({"sign_type": "RSA256"}, "sign_type"),
        ({"app_id": ""}, "app id"),
        ({"app_id": "1" * 33}, "app id"),
        ({"gateway_url": "openapi.alipay.com/gateway.do"}, "URL"),
        ({"timeout_s": 0}, "timeout"),
        ({"app_auth_token": "t" * 41}, "app_auth_token"),
        ({"private_key": ALIPAY_PUBLIC}, "private key"),
        ({"alipay_public_key": APP_PRIVATE}, "public key"),
    ],
)
def test_bad_configuration(server: GatewayServer, kw: dict[str, object], what: str) -> None:
    with pytest.raises(ConfigError) as exc:
        make_client(server, **kw)
    assert what in exc.value.detail


# --- response verification -------------------------------------------------------------------


def test_pretty_printed_signed_success(server: GatewayServer, client: AlipayClient) -> None:
    node = (
        '{\n        "code": "10000",\n        "msg": "Success",\n'
        f'        "request_id": "{RID}",\n        "biz_code": "BIZ_ALREADY_SUCCESS"\n    }}'
    )
    server.queue(Reply(alipay_body(CANCEL_NODE, node, pretty=True)))
    result = client.cancel(cancel_req())
    assert result.repeat is True
    assert result.biz_code == "BIZ_ALREADY_SUCCESS"


def test_seed_sync_example_with_list_request_id(
    server: GatewayServer, client: AlipayClient
) -> None:
    node = (
        '{\n        "code": "10000",\n        "msg": "Success",\n        "request_id": [\n'
        f'            "{RID}"\n        ],\n'
        '        "order_no": "20170301011040030100490000189223",\n'
        '        "biz_code": "BIZ_ALREADY_SUCCESS"\n    }'
    )
    server.queue(Reply(alipay_body(SYNC_NODE, node, pretty=True)))
    result = client.sync(sync_req())
    assert result.repeat is True
    assert result.order_no == "20170301011040030100490000189223"


def test_escaped_slashes_signed_as_received(server: GatewayServer, client: AlipayClient) -> None:
    node = ok_node()[:-1] + r',"memo":"http:\/\/a\/b"}'
    server.queue(Reply(alipay_body(CANCEL_NODE, node)))
    assert client.cancel(cancel_req()).request_id == RID


def test_escaped_slashes_signed_unescaped(server: GatewayServer, client: AlipayClient) -> None:
    signed_text = ok_node()[:-1] + ',"memo":"http://a/b"}'
    sent_text = signed_text.replace("/", "\\/")
    body = alipay_body(CANCEL_NODE, signed_text).replace(signed_text, sent_text)
    assert r"http:\/\/a\/b" in body
    server.queue(Reply(body))
    assert client.cancel(cancel_req()).request_id == RID


def test_brace_inside_string_and_chinese(server: GatewayServer, client: AlipayClient) -> None:
    node = error_node("40004", "TICKET_CODE_NOT_EXIST", sub_msg='凭证码}不存在 {"x":"}"')
    server.queue(Reply(alipay_body(SYNC_NODE, node)))
    with pytest.raises(GatewayRejected) as exc:
        client.sync(sync_req())
    assert exc.value.code == "TICKET_CODE_NOT_EXIST"
    assert exc.value.sub_msg == '凭证码}不存在 {"x":"}"'


def test_duplicate_node_forgery(server: GatewayServer, client: AlipayClient) -> None:
    genuine = error_node("40004", "TICKET_STATUS_ILLEGAL")
    signed = alipay_body(CANCEL_NODE, genuine)
    forged = signed[:-1] + f',"{CANCEL_NODE}":{ok_node()}}}'
    server.queue(Reply(forged))
    with pytest.raises(SignatureInvalid):
        client.cancel(cancel_req())
    # the forgery placed first is refused just the same
    forged_first = "{" + f'"{CANCEL_NODE}":{ok_node()},' + signed[1:]
    server.queue(Reply(forged_first))
    with pytest.raises(SignatureInvalid):
        client.cancel(cancel_req())


def test_sha1_signature_refused_under_rsa2(server: GatewayServer, client: AlipayClient) -> None:
    server.queue(Reply(alipay_body(CANCEL_NODE, ok_node(), digest="sha1")))
    with pytest.raises(SignatureInvalid) as exc:
        client.cancel(cancel_req())
    assert exc.value.code == "SIGNATURE_INVALID"
    assert isinstance(exc.value, OutcomeUnknown)


def test_sha256_signature_refused_under_rsa(server: GatewayServer) -> None:
    client = make_client(server, sign_type="RSA")
    server.queue(Reply(alipay_body(CANCEL_NODE, ok_node(), digest="sha256")))
    with pytest.raises(SignatureInvalid):
        client.cancel(cancel_req())


def test_signed_by_another_key(server: GatewayServer, client: AlipayClient) -> None:
    server.queue(Reply(alipay_body(CANCEL_NODE, ok_node(), key=KEYS / "app_pkcs1.pem")))
    with pytest.raises(SignatureInvalid):
        client.cancel(cancel_req())


def test_tampered_after_signing(server: GatewayServer, client: AlipayClient) -> None:
    genuine = error_node("40004", "TICKET_STATUS_ILLEGAL")
    body = alipay_body(SYNC_NODE, genuine).replace("TICKET_STATUS_ILLEGAL", "TICKET_CODE_NOT_EXIS")
    server.queue(Reply(body))
    with pytest.raises(SignatureInvalid):
        client.sync(sync_req())


def test_reserialised_json_does_not_verify(server: GatewayServer, client: AlipayClient) -> None:
    # signed over compact text but sent pretty-printed: the raw text differs, so it must fail
    compact = ok_node()
    body = alipay_body(CANCEL_NODE, compact).replace(
        compact, json.dumps(json.loads(compact), indent=2)
    )
    server.queue(Reply(body))
    with pytest.raises(SignatureInvalid):
        client.cancel(cancel_req())


@pytest.mark.parametrize("sign", [None, ""])
def test_unsigned_success_is_never_accepted(
    sign: str | None, server: GatewayServer, client: AlipayClient
) -> None:
    server.queue(Reply(alipay_body(CANCEL_NODE, ok_node(), sign=sign)))
    with pytest.raises(SignatureInvalid):
        client.cancel(cancel_req())
    server.queue(Reply(alipay_body(SYNC_NODE, ok_node(biz_code="BIZ_ALREADY_SUCCESS"), sign=sign)))
    with pytest.raises(SignatureInvalid):
        client.sync(sync_req())


@pytest.mark.parametrize(
    ("node_name", "code", "sub_code", "expected"),
    [
        ("error_response", "40002", "isv.invalid-app-id", "GATEWAY_AUTH_REJECTED"),
        ("error_response", "40002", "isv.invalid-signature", "GATEWAY_SIGNATURE_REJECTED"),
        (CANCEL_NODE, "40002", "isv.invalid-timestamp", "GATEWAY_TIMESTAMP_REJECTED"),
        (CANCEL_NODE, "40006", "isv.insufficient-isv-permissions", "GATEWAY_AUTH_REJECTED"),
    ],
)
def test_unsigned_gateway_error_is_reported(
    *,
    node_name: str,
    code: str,
    sub_code: str,
    expected: str,
    server: GatewayServer,
    client: AlipayClient,
) -> None:
    server.queue(
        Reply(
            alipay_body(node_name, error_node(code, sub_code, msg="Invalid Arguments"), sign=None)
        )
    )
    with pytest.raises(GatewayRejected) as exc:
        client.cancel(cancel_req())
    assert exc.value.code == expected
    assert exc.value.gateway_code == sub_code


def test_unsigned_service_unavailable_is_unknown(
    server: GatewayServer, client: AlipayClient
) -> None:
    server.queue(
        Reply(
            alipay_body(SYNC_NODE, error_node("20000", "isp.unknow-error", "系统繁忙"), sign=None)
        )
    )
    with pytest.raises(OutcomeUnknown) as exc:
        client.sync(sync_req())
    assert exc.value.code == "SERVICE_UNAVAILABLE"


@pytest.mark.parametrize(
    "sub_code",
    ["TICKET_STATUS_ILLEGAL", "REPEAT_CANCEL", "isv.REPEAT_CANCEL", "REQUEST_ID_REPEAT"],
)
# A business code settles the row (REPEAT_CANCEL even as "reversed") whatever ``code`` it rides
# with, so an unsigned one is not believed under any code, not only under 40004.
@pytest.mark.parametrize("code", ["40004", "40002", "40001", "10000"])
def test_unsigned_business_answer_is_not_believed(
    sub_code: str, code: str, server: GatewayServer, client: AlipayClient
) -> None:
    server.queue(Reply(alipay_body(CANCEL_NODE, error_node(code, sub_code), sign=None)))
    with pytest.raises(SignatureInvalid):
        client.cancel(cancel_req())


def test_signature_that_fails_on_an_error_is_unknown(
    server: GatewayServer, client: AlipayClient
) -> None:
    server.queue(
        Reply(alipay_body(CANCEL_NODE, error_node("40002", "isv.invalid-app-id"), sign="QUJD"))
    )
    with pytest.raises(SignatureInvalid):
        client.cancel(cancel_req())


def test_answer_for_another_request_id(server: GatewayServer, client: AlipayClient) -> None:
    server.queue(Reply(alipay_body(CANCEL_NODE, ok_node(request_id="SOMEONEELSE"))))
    with pytest.raises(OutcomeUnknown) as exc:
        client.cancel(cancel_req())
    assert exc.value.code == "RESPONSE_MALFORMED"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("<html><body>502 Bad Gateway</body></html>", "HTTP_ERROR"),
        ("", "HTTP_ERROR"),
        ("success", "HTTP_ERROR"),
        (
            '{"koubei_trade_ticket_ticketcode_cancel_response":{"code":"10000","msg":"Succ',
            "RESPONSE_MALFORMED",
        ),
        ('{"something_else":{"code":"10000"},"sign":"x"}', "RESPONSE_MALFORMED"),
        (
            '{"koubei_trade_ticket_ticketcode_cancel_response":"10000","sign":"x"}',
            "SIGNATURE_INVALID",
        ),
    ],
)
def test_malformed_answers_are_unknown(
    body: str, code: str, server: GatewayServer, client: AlipayClient
) -> None:
    server.queue(Reply(body))
    with pytest.raises(OutcomeUnknown) as exc:
        client.cancel(cancel_req())
    assert exc.value.code == code


def test_truncated_signed_body(server: GatewayServer, client: AlipayClient) -> None:
    full = alipay_body(CANCEL_NODE, ok_node())
    for cut in (len(full) - 1, len(full) // 2, 10):
        server.queue(Reply(full[:cut]))
        with pytest.raises(OutcomeUnknown) as exc:
            client.cancel(cancel_req())
        assert exc.value.code == "RESPONSE_MALFORMED"


def test_node_that_is_not_an_object(server: GatewayServer, client: AlipayClient) -> None:
    server.queue(Reply(alipay_body(CANCEL_NODE, '["10000"]')))
    with pytest.raises(OutcomeUnknown) as exc:
        client.cancel(cancel_req())
    assert exc.value.code == "RESPONSE_MALFORMED"


# --- every documented error code ---------------------------------------------------------------

SYNC_CODES = [  # seed 000: sync
    ("SYSTEM_ERROR", OutcomeUnknown, "SYSTEM_ERROR"),
    ("INVALID_PARAMETER", GatewayRejected, "INVALID_PARAMETER"),
    ("TICKET_CODE_NOT_EXIST", GatewayRejected, "TICKET_CODE_NOT_EXIST"),
    ("NOT_SAME_MERCHANT_PID", GatewayRejected, "NOT_SAME_MERCHANT_PID"),
    ("TICKET_STATUS_ILLEGAL", GatewayRejected, "TICKET_STATUS_ILLEGAL"),
    ("TICKET_PROCESSING", OutcomeUnknown, "TICKET_PROCESSING"),
]
CANCEL_CODES = [  # seed 001: cancel
    ("SYSTEM_ERROR", OutcomeUnknown, "SYSTEM_ERROR"),
    ("INVALID_PARAMETER", GatewayRejected, "INVALID_PARAMETER"),
    ("USE_BIZ_ORDER_CLOSE", GatewayRejected, "USE_BIZ_ORDER_CLOSE"),
    ("USE_CHANNEL_NOT_EQUAL", GatewayRejected, "USE_CHANNEL_NOT_EQUAL"),
    ("TICKET_STATUS_ILLEGAL", GatewayRejected, "TICKET_STATUS_ILLEGAL"),
    ("USE_BIZ_ORDER_NOT_EXIST", GatewayRejected, "USE_BIZ_ORDER_NOT_EXIST"),
    ("NOT_SAME_MERCHANT_PID", GatewayRejected, "NOT_SAME_MERCHANT_PID"),
    ("REQUEST_ID_REPEAT", ProtocolDefect, "REQUEST_ID_REPEAT"),
    ("REPEAT_CANCEL", GatewayRejected, "REPEAT_CANCEL"),
]


def _expect(exc: BaseException, cls: type[Exception], code: str) -> None:
    assert isinstance(exc, cls)
    assert getattr(exc, "code", None) == code
    if cls is GatewayRejected:
        assert not isinstance(exc, OutcomeUnknown | ProtocolDefect)
    if code == "TICKET_PROCESSING":
        assert isinstance(exc, OutcomeUnknown)
        assert exc.wait_s > 0
    if cls is OutcomeUnknown:
        assert not isinstance(exc, GatewayRejected)


@pytest.mark.parametrize("prefix", ["", "isv."])
@pytest.mark.parametrize(("sub_code", "cls", "code"), SYNC_CODES)
def test_sync_documented_codes(
    *,
    prefix: str,
    sub_code: str,
    cls: type[Exception],
    code: str,
    server: GatewayServer,
    client: AlipayClient,
) -> None:
    server.queue(Reply(alipay_body(SYNC_NODE, error_node("40004", prefix + sub_code, "说明"))))
    with pytest.raises(cls) as exc:
        client.sync(sync_req())
    _expect(exc.value, cls, code)
    if isinstance(exc.value, GatewayRejected):
        assert exc.value.gateway_code == prefix + sub_code
        assert exc.value.sub_msg == "说明"


@pytest.mark.parametrize(("sub_code", "cls", "code"), CANCEL_CODES)
def test_cancel_documented_codes(
    sub_code: str, cls: type[Exception], code: str, server: GatewayServer, client: AlipayClient
) -> None:
    server.queue(Reply(alipay_body(CANCEL_NODE, error_node("40004", sub_code))))
    with pytest.raises(cls) as exc:
        client.cancel(cancel_req())
    _expect(exc.value, cls, code)
    assert exc.value.zh  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("code", "sub_code", "cls", "expected"),
    [
        ("20000", "isp.unknow-error", OutcomeUnknown, "SERVICE_UNAVAILABLE"),
        ("40004", "isp.rpc-timeout", OutcomeUnknown, "SERVICE_UNAVAILABLE"),
        ("40004", "isp.SYSTEM_ERROR", OutcomeUnknown, "SYSTEM_ERROR"),
        ("40001", "isv.missing-signature", GatewayRejected, "GATEWAY_SIGNATURE_REJECTED"),
        ("40002", "isv.invalid-signature", GatewayRejected, "GATEWAY_SIGNATURE_REJECTED"),
        ("40002", "isv.invalid-signature-type", GatewayRejected, "GATEWAY_SIGNATURE_REJECTED"),
        ("40002", "isv.invalid-app-id", GatewayRejected, "GATEWAY_AUTH_REJECTED"),
        ("40002", "isv.invalid-app-auth-token", GatewayRejected, "GATEWAY_AUTH_REJECTED"),
        ("40002", "isv.invalid-timestamp", GatewayRejected, "GATEWAY_TIMESTAMP_REJECTED"),
        ("40006", "isv.insufficient-isv-permissions", GatewayRejected, "GATEWAY_AUTH_REJECTED"),
        ("40001", "isv.missing-app-id", GatewayRejected, "GATEWAY_AUTH_REJECTED"),
        ("40004", "isv.invalid-parameter", GatewayRejected, "INVALID_PARAMETER"),
        ("40004", "isv.missing-parameter", GatewayRejected, "INVALID_PARAMETER"),
        ("40004", "isv.SOMETHING_NEW", GatewayRejected, "GATEWAY_REJECTED"),
        ("40004", "SOMETHING_NEW", GatewayRejected, "GATEWAY_REJECTED"),
    ],
)
def test_platform_codes(
    *,
    code: str,
    sub_code: str,
    cls: type[Exception],
    expected: str,
    server: GatewayServer,
    client: AlipayClient,
) -> None:
    server.queue(Reply(alipay_body(CANCEL_NODE, error_node(code, sub_code))))
    with pytest.raises(cls) as exc:
        client.cancel(cancel_req())
    _expect(exc.value, cls, expected)


def test_signed_error_response_node(server: GatewayServer, client: AlipayClient) -> None:
    server.queue(Reply(alipay_body("error_response", error_node("40002", "isv.invalid-signature"))))
    with pytest.raises(GatewayRejected) as exc:
        client.sync(sync_req())
    assert exc.value.code == "GATEWAY_SIGNATURE_REJECTED"


def test_biz_already_success_as_sub_code_is_a_repeat(
    server: GatewayServer, client: AlipayClient
) -> None:
    server.queue(Reply(alipay_body(CANCEL_NODE, error_node("40004", "BIZ_ALREADY_SUCCESS"))))
    result = client.cancel(cancel_req())
    assert result.repeat is True
    assert result.biz_code == "BIZ_ALREADY_SUCCESS"


# --- transport faults --------------------------------------------------------------------------


def test_timeout(server: GatewayServer) -> None:
    client = make_client(server, timeout_s=0.3)
    server.queue(Reply(alipay_body(CANCEL_NODE, ok_node()), delay_s=1.5))
    with pytest.raises(OutcomeUnknown) as exc:
        client.cancel(cancel_req())
    assert exc.value.code == "TIMEOUT"
    assert len(server.received) == 1  # sent once, not retried


def test_connection_dropped_without_answer(server: GatewayServer, client: AlipayClient) -> None:
    server.queue(Reply(drop=True))
    with pytest.raises(OutcomeUnknown) as exc:
        client.cancel(cancel_req())
    assert exc.value.code == "CONNECTION_ERROR"
    assert len(server.received) == 1  # never silently re-sent


def test_connection_refused() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = AlipayClient(
        gateway_url=f"http://127.0.0.1:{port}/gateway.do",
        app_id=APP_ID,
        private_key=APP_PRIVATE,
        alipay_public_key=ALIPAY_PUBLIC,
        timeout_s=2.0,
    )
    with pytest.raises(OutcomeUnknown) as exc:
        client.sync(sync_req())
    assert exc.value.code == "CONNECTION_ERROR"


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_http_5xx(status: int, server: GatewayServer, client: AlipayClient) -> None:
    # even a well-signed success inside a 5xx is not trusted
    server.queue(Reply(alipay_body(CANCEL_NODE, ok_node()), status=status))
    with pytest.raises(OutcomeUnknown) as exc:
        client.cancel(cancel_req())
    assert exc.value.code == "HTTP_ERROR"


def test_one_session_reused(server: GatewayServer) -> None:
    session = requests.Session()
    client = make_client(server, session=session)
    server.queue(Reply(alipay_body(SYNC_NODE, ok_node())), Reply(alipay_body(SYNC_NODE, ok_node())))
    client.sync(sync_req())
    client.sync(sync_req())
    client.close()  # a session handed in is the caller's to close
    assert len(server.received) == 2
    assert session.adapters  # still usable
    session.close()


# --- secrecy in logs and errors ----------------------------------------------------------------


def test_logs_mask_codes_and_hold_no_secrets(
    server: GatewayServer, client: AlipayClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="pos_app")
    server.queue(
        Reply(alipay_body(CANCEL_NODE, ok_node())),
        Reply(alipay_body(CANCEL_NODE, error_node("40004", "REQUEST_ID_REPEAT"))),
    )
    client.cancel(cancel_req())
    with pytest.raises(ProtocolDefect):
        client.cancel(cancel_req())
    text = caplog.text
    assert CODE not in text
    assert "********3362" in text
    assert any(
        r.levelno == logging.ERROR and "REQUEST_ID_REPEAT" in r.getMessage() for r in caplog.records
    )
    key_b64 = key_text("app_pkcs8.b64")
    for i in range(0, len(key_b64) - 16, 64):
        assert key_b64[i : i + 16] not in text
    assert server.received[0].q("sign") not in text
    assert "PRIVATE" not in repr(client) and APP_ID in repr(client)


def test_response_node_name() -> None:
    assert response_node_name(METHOD_CANCEL) == CANCEL_NODE
    assert response_node_name(METHOD_SYNC) == SYNC_NODE
