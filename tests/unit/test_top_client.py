"""TopClient against a real local HTTP server; signatures recomputed with the stdlib."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from conftest_http import RESPONSES, GatewayServer, Received, Reply

from pos_app.core.errors import (
    ConfigError,
    GatewayRejected,
    InputInvalid,
    OutcomeUnknown,
    ProtocolDefect,
)
from pos_app.core.models import RedeemRequest, ShopType
from pos_app.gateways.top import METHOD_REDEEM, RESPONSE_NODE, TopClient

RID = "2016102903214476899999999"
CODE = "016569843362"
SHOP = "671505495"
SECRET = "helloworld"
SESSION = "6100e23657fb0b2d0c78568e55a3031134be9a3a5d4b3a365753805479"
FIXED_NOW = datetime(2016, 10, 29, 3, 21, 44, tzinfo=UTC)


@pytest.fixture
def server() -> Iterator[GatewayServer]:
    with GatewayServer() as s:
        yield s


def make_client(server: GatewayServer, **kw: object) -> TopClient:
    args: dict[str, object] = {
        "gateway_url": server.top_url,
        "app_key": "12345678",
        "app_secret": SECRET,
        "session_key": SESSION,
        "clock": lambda: FIXED_NOW,
        "timeout_s": 5.0,
    }
    args.update(kw)
    return TopClient(**args)  # type: ignore[arg-type]


@pytest.fixture
def client(server: GatewayServer) -> Iterator[TopClient]:
    c = make_client(server)
    yield c
    c.close()


def redeem_req(**kw: object) -> RedeemRequest:
    args: dict[str, object] = {
        "ticket_request_id": RID,
        "ticket_code": CODE,
        "quantity": 2,
        "shop_id": SHOP,
    }
    args.update(kw)
    return RedeemRequest(**args)  # type: ignore[arg-type]


def seed_default_body() -> str:
    """The seed's response example (its XML, in the JSON default shape), recorded as a fixture."""
    return (RESPONSES / "top_use_default.json").read_text("utf-8")


def seed_simplified_body() -> str:
    return (RESPONSES / "top_use_simplify.json").read_text("utf-8")


def minimal_body(**fields: str) -> str:
    node = {"ticket_request_id": RID, "use_date": "2016-10-07 11:30:24", **fields}
    return json.dumps({RESPONSE_NODE: {**node, "request_id": "15qnuxy9tgkpn"}}, ensure_ascii=False)


def error_body(code: object, sub_code: str | None = None, sub_msg: str = "非法参数") -> str:
    err: dict[str, object] = {"code": code, "msg": "Remote service error"}
    if sub_code is not None:
        err["sub_code"] = sub_code
        err["sub_msg"] = sub_msg
    err["request_id"] = "zt8e3xqnxyri"
    return json.dumps({"error_response": err}, ensure_ascii=False)


def expected_sign(got: Received, method: str) -> str:
    params = {k: v[0] for k, v in got.query.items()}
    params.update({k: v[0] for k, v in got.form.items()})
    s = "".join(f"{k}{params[k]}" for k in sorted(params) if k != "sign" and params[k]).encode()
    key = SECRET.encode()
    if method == "md5":
        return hashlib.md5(key + s + key).hexdigest().upper()  # noqa: S324
    digest = hashlib.md5 if method == "hmac" else hashlib.sha256
    return hmac.new(key, s, digest).hexdigest().upper()


# --- what goes on the wire -------------------------------------------------------------------


@pytest.mark.parametrize("sign_method", ["md5", "hmac", "hmac-sha256"])
def test_redeem_request_on_the_wire(sign_method: str, server: GatewayServer) -> None:
    client = make_client(server, sign_method=sign_method)
    server.queue(Reply(minimal_body()))
    client.redeem(redeem_req())
    (got,) = server.received
    assert got.method == "POST"
    assert got.path == "/router/rest"
    assert got.headers["content-type"] == "application/x-www-form-urlencoded;charset=utf-8"
    assert set(got.query) == {
        "method",
        "app_key",
        "session",
        "timestamp",
        "v",
        "sign_method",
        "format",
        "sign",
    }
    assert set(got.form) == {"use_request"}
    assert got.q("method") == METHOD_REDEEM
    assert got.q("app_key") == "12345678"
    assert got.q("session") == SESSION
    assert got.q("timestamp") == "2016-10-29 11:21:44"
    assert got.q("v") == "2.0"
    assert got.q("format") == "json"
    assert got.q("sign_method") == sign_method
    assert got.f("use_request") == (
        '{"quantity":"2","ticket_request_id":"2016102903214476899999999","shop_id":"671505495",'
        '"shop_type":"INTERNAL_SHOP","ticket_code":"016569843362"}'
    )
    assert got.q("sign") == expected_sign(got, sign_method)
    assert len(got.q("sign")) == (64 if sign_method == "hmac-sha256" else 32)


def test_simplify_and_optional_fields(server: GatewayServer) -> None:
    client = make_client(server, simplify=True)
    server.queue(Reply(seed_simplified_body()))
    # The seed's answer is about 016569843362, not this code: not believed (checked below);
    # what is checked here is the request as sent.
    with pytest.raises(OutcomeUnknown) as exc:
        client.redeem(
            redeem_req(
                shop_type=ShopType.EXTERNAL,
                shop_id="store-001",
                gmt_biz="2017-09-09 12:12:12",
                ticket_code="GAL358309629",
                ticket_id="T-1234_5",
            )
        )
    assert exc.value.code == "RESPONSE_MALFORMED"
    (got,) = server.received
    assert got.q("simplify") == "true"
    assert json.loads(got.f("use_request")) == {
        "quantity": "2",
        "ticket_request_id": RID,
        "shop_id": "store-001",
        "shop_type": "EXTERNAL_SHOP",
        "ticket_code": "GAL358309629",
        "gmt_biz": "2017-09-09 12:12:12",
        "ticket_id": "T-1234_5",
    }
    assert got.q("sign") == expected_sign(got, "hmac-sha256")


# --- answers ---------------------------------------------------------------------------------


def test_default_shape_seed_example(server: GatewayServer, client: TopClient) -> None:
    server.queue(Reply(seed_default_body()))
    r = client.redeem(redeem_req())
    assert r.ticket_request_id == RID
    assert r.repeat is True  # the seed's example carries TICKET_ALREADY_USED
    assert r.biz_code == "TICKET_ALREADY_USED"
    assert r.order_no == "20170301011040030100490000189223"
    assert r.item_name == "暑期超值洗剪吹套餐"
    assert r.use_shop_name == "烘培世家"
    assert r.use_date == "2016-10-07 11:30:24"
    assert r.voucher_id == "20170818000730023147007LT3RE"
    assert r.original_price == Decimal("100.00")
    assert r.current_price == Decimal("50.00")
    assert r.buyer_pay_amount == Decimal("45.00")
    assert r.receipt_amount == Decimal("49.00")
    assert r.discount_amount == Decimal("1.00")
    assert r.invoice_amount == Decimal("45.00")
    assert r.merchant_subsidy_amount == Decimal("4.00")
    assert r.gateway_request_id == "15qnuxy9tgkpn"
    (detail,) = r.details
    assert detail.ticket_code == CODE
    assert detail.ticket_id == "123456789"
    assert detail.discount_amount == Decimal("1")
    assert detail.merchant_subsidy_amount == Decimal("20")
    assert all(
        isinstance(v, Decimal)
        for v in (detail.buyer_pay_amount, detail.receipt_amount, detail.invoice_amount)
    )


def test_simplified_shape(server: GatewayServer, client: TopClient) -> None:
    server.queue(Reply(seed_simplified_body()))
    r = client.redeem(redeem_req())
    assert r.repeat is False
    assert r.buyer_pay_amount == Decimal("45.00")
    assert [d.ticket_code for d in r.details] == [CODE, "016569843363"]
    assert r.details[1].receipt_amount is None


def test_new_integration_without_price_fields(server: GatewayServer, client: TopClient) -> None:
    server.queue(Reply(minimal_body()))
    r = client.redeem(redeem_req())
    assert r.repeat is False
    assert r.use_date == "2016-10-07 11:30:24"
    assert r.buyer_pay_amount is None
    assert r.original_price is None
    assert r.item_name == ""
    assert r.details == ()


def test_single_detail_object_in_wrapper(server: GatewayServer, client: TopClient) -> None:
    body = json.dumps(
        {
            RESPONSE_NODE: {
                "ticket_request_id": RID,
                "ticket_use_details": {
                    "merchant_ticket_use_detail": {"ticket_code": CODE, "receipt_amount": "9.90"}
                },
            }
        }
    )
    server.queue(Reply(body))
    (detail,) = client.redeem(redeem_req()).details
    assert detail.receipt_amount == Decimal("9.90")


def test_money_as_json_numbers_stays_exact(server: GatewayServer, client: TopClient) -> None:
    body = (
        f'{{"{RESPONSE_NODE}":{{"ticket_request_id":"{RID}","buyer_pay_amount":0.1,'
        '"receipt_amount":45,"discount_amount":"abc","invoice_amount":"","current_price":null}}'
    )
    server.queue(Reply(body))
    r = client.redeem(redeem_req())
    assert r.buyer_pay_amount == Decimal("0.1")
    assert str(r.buyer_pay_amount) == "0.1"  # not 0.1000000000000000055...
    assert r.receipt_amount == Decimal(45)
    assert r.discount_amount is None  # unreadable: shown as absent, never fails a redemption
    assert r.invoice_amount is None
    assert r.current_price is None


@pytest.mark.parametrize("biz_code", ["TICKET_ALREADY_USED", "BIZ_ALREADY_SUCCESS"])
def test_idempotent_repeat(biz_code: str, server: GatewayServer, client: TopClient) -> None:
    server.queue(Reply(minimal_body(biz_code=biz_code)))
    r = client.redeem(redeem_req())
    assert r.repeat is True
    assert r.biz_code == biz_code


def test_answer_for_another_request_id(server: GatewayServer, client: TopClient) -> None:
    server.queue(Reply(minimal_body(ticket_request_id="OTHER1")))
    with pytest.raises(OutcomeUnknown) as exc:
        client.redeem(redeem_req())
    assert exc.value.code == "RESPONSE_MALFORMED"


# --- error_response: every code ----------------------------------------------------------------

ERROR_CASES = [
    # business codes as TOP delivers them (bare or isv./isp.-prefixed sub_code under code 15)
    (15, "isv.TICKET_CODE_NOT_EXIST", GatewayRejected, "TICKET_CODE_NOT_EXIST"),
    (15, "TICKET_CODE_NOT_EXIST", GatewayRejected, "TICKET_CODE_NOT_EXIST"),
    (15, "isv.NOT_SAME_MERCHANT_PID", GatewayRejected, "NOT_SAME_MERCHANT_PID"),
    (15, "isv.TICKET_STATUS_ILLEGAL", GatewayRejected, "TICKET_STATUS_ILLEGAL"),
    (15, "isv.INVALID_PARAMETER", GatewayRejected, "INVALID_PARAMETER"),
    (15, "isv.USE_BIZ_ORDER_CLOSE", GatewayRejected, "USE_BIZ_ORDER_CLOSE"),
    (15, "isp.SYSTEM_ERROR", OutcomeUnknown, "SYSTEM_ERROR"),
    (15, "SYSTEM_ERROR", OutcomeUnknown, "SYSTEM_ERROR"),
    (15, "isv.SYSTEM_ERROR", OutcomeUnknown, "SYSTEM_ERROR"),
    (15, "isv.TICKET_PROCESSING", OutcomeUnknown, "TICKET_PROCESSING"),
    (15, "isv.REQUEST_ID_REPEAT", ProtocolDefect, "REQUEST_ID_REPEAT"),
    # platform
    (50, "isv.invalid-parameter", GatewayRejected, "INVALID_PARAMETER"),  # the seed's example
    (15, "isv.missing-parameter:use_request", GatewayRejected, "INVALID_PARAMETER"),
    (15, "isp.remote-service-timeout", OutcomeUnknown, "SERVICE_UNAVAILABLE"),
    (50, "isp.top-remote-connection-error", OutcomeUnknown, "SERVICE_UNAVAILABLE"),
    (15, None, OutcomeUnknown, "SERVICE_UNAVAILABLE"),
    (50, None, OutcomeUnknown, "SERVICE_UNAVAILABLE"),
    (10, None, OutcomeUnknown, "SERVICE_UNAVAILABLE"),
    (15, "isv.something-new", GatewayRejected, "GATEWAY_REJECTED"),
    (7, "accesscontrol.limited-by-app-access-count", GatewayRejected, "GATEWAY_RATE_LIMITED"),
    (7, None, GatewayRejected, "GATEWAY_RATE_LIMITED"),
    (11, None, GatewayRejected, "GATEWAY_AUTH_REJECTED"),
    (12, None, GatewayRejected, "GATEWAY_AUTH_REJECTED"),
    (25, None, GatewayRejected, "GATEWAY_SIGNATURE_REJECTED"),
    (26, None, GatewayRejected, "GATEWAY_AUTH_REJECTED"),
    (27, "invalid-sessionkey", GatewayRejected, "GATEWAY_AUTH_REJECTED"),
    ("27", None, GatewayRejected, "GATEWAY_AUTH_REJECTED"),
    (28, None, GatewayRejected, "GATEWAY_AUTH_REJECTED"),
    (29, None, GatewayRejected, "GATEWAY_AUTH_REJECTED"),
    (30, None, GatewayRejected, "GATEWAY_TIMESTAMP_REJECTED"),
    (31, None, GatewayRejected, "GATEWAY_TIMESTAMP_REJECTED"),
    (40, None, GatewayRejected, "INVALID_PARAMETER"),
    (41, "isv.invalid-parameter", GatewayRejected, "INVALID_PARAMETER"),
    (99, None, GatewayRejected, "GATEWAY_REJECTED"),
]


@pytest.mark.parametrize(("code", "sub_code", "cls", "expected"), ERROR_CASES)
def test_error_response_classification(
    *,
    code: object,
    sub_code: str | None,
    cls: type[Exception],
    expected: str,
    server: GatewayServer,
    client: TopClient,
) -> None:
    server.queue(Reply(error_body(code, sub_code, sub_msg="说明文字")))
    with pytest.raises(cls) as exc:
        client.redeem(redeem_req())
    err = exc.value
    assert getattr(err, "code", None) == expected
    if cls is GatewayRejected:
        assert not isinstance(err, OutcomeUnknown | ProtocolDefect)
        assert isinstance(err, GatewayRejected)
        assert err.gateway_code == (sub_code or str(code))
        if sub_code:
            assert err.sub_msg == "说明文字"
    if cls is OutcomeUnknown:
        assert not isinstance(err, GatewayRejected)
    if expected == "TICKET_PROCESSING":
        assert isinstance(err, OutcomeUnknown)
        assert err.wait_s > 0


@pytest.mark.parametrize(
    "sub_code", ["isv.TICKET_ALREADY_USED", "TICKET_ALREADY_USED", "isv.BIZ_ALREADY_SUCCESS"]
)
def test_already_used_as_an_error_is_someone_elses_use_not_our_repeat(
    sub_code: str, server: GatewayServer, client: TopClient
) -> None:
    # Our own repeat comes back as a success node with biz_code (the seed); an error answer
    # carries no proof that it is about our request id, so it is never taken as success.
    server.queue(Reply(error_body(15, sub_code)))
    with pytest.raises(GatewayRejected) as info:
        client.redeem(redeem_req())
    assert info.value.code == "TICKET_STATUS_ILLEGAL"
    assert info.value.gateway_code == sub_code


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("<html>502</html>", "HTTP_ERROR"),
        ("", "HTTP_ERROR"),
        ('{"alibaba_alsc_merchant_ext_ticketcode_use_response":{"ticket_req', "RESPONSE_MALFORMED"),
        ("{}", "RESPONSE_MALFORMED"),
        ('{"unrelated":1}', "RESPONSE_MALFORMED"),
        ('{"error_response":"boom"}', "RESPONSE_MALFORMED"),
        (f'{{"{RESPONSE_NODE}":[1]}}', "RESPONSE_MALFORMED"),
        (
            f'{{"{RESPONSE_NODE}":{{"ticket_request_id":"{RID}"}},'
            f'"{RESPONSE_NODE}":{{"ticket_request_id":"{RID}"}}}}',
            "RESPONSE_MALFORMED",
        ),
    ],
)
def test_malformed_answers(body: str, code: str, server: GatewayServer, client: TopClient) -> None:
    server.queue(Reply(body))
    with pytest.raises(OutcomeUnknown) as exc:
        client.redeem(redeem_req())
    assert exc.value.code == code


# HTTP 200 answers that do not confirm this request: TOP answers are unsigned, so a success must
# say which request or code it is about (issue #9.1). Each was shown as 核销成功 before.
_OTHER_RID = "R0000000000000000000000000000001"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(f'{{"{RESPONSE_NODE}":{{}}}}', id="empty node"),
        pytest.param('{"order_no":""}', id="no node, simplify-like root"),
        pytest.param(
            json.dumps({RESPONSE_NODE: {"order_no": "1", "use_date": "2016-10-07 11:30:24"}}),
            id="node names neither request id nor code",
        ),
        pytest.param(
            json.dumps({RESPONSE_NODE: {"ticket_request_id": _OTHER_RID, "ticket_code": CODE}}),
            id="another request id",
        ),
        pytest.param(
            json.dumps({RESPONSE_NODE: {"ticket_request_id": RID, "ticket_code": "999999999999"}}),
            id="our request id but another code",
        ),
        pytest.param(
            json.dumps({RESPONSE_NODE: {"ticket_code": "999999999999", "order_no": "1"}}),
            id="another code, no request id",
        ),
        pytest.param(
            json.dumps(
                {
                    RESPONSE_NODE: {
                        "ticket_use_details": {
                            "merchant_ticket_use_detail": [{"ticket_code": "999999999999"}]
                        }
                    }
                }
            ),
            id="details about another code",
        ),
    ],
)
def test_an_answer_that_does_not_confirm_this_request_is_unknown(
    body: str, server: GatewayServer, client: TopClient
) -> None:
    server.queue(Reply(body))
    with pytest.raises(OutcomeUnknown) as exc:
        client.redeem(redeem_req())
    assert exc.value.code == "RESPONSE_MALFORMED"


@pytest.mark.parametrize(
    "node",
    [
        pytest.param({"ticket_request_id": RID}, id="request id alone"),
        pytest.param({"ticket_code": CODE, "order_no": "1"}, id="code alone (no request id)"),
        pytest.param(
            {"ticket_use_details": {"merchant_ticket_use_detail": [{"ticket_code": CODE}]}},
            id="code in the details",
        ),
    ],
)
def test_an_answer_that_confirms_this_request_is_believed(
    node: dict[str, object], server: GatewayServer, client: TopClient
) -> None:
    server.queue(Reply(json.dumps({RESPONSE_NODE: node})))
    assert client.redeem(redeem_req()).ticket_request_id == RID


# --- validation before sending -----------------------------------------------------------------

BAD_REDEEMS = {
    "request id 33": redeem_req(ticket_request_id="A" * 33),
    "request id dash": redeem_req(ticket_request_id="R-1"),
    "request id empty": redeem_req(ticket_request_id=""),
    "code empty": redeem_req(ticket_code=""),
    "code 33": redeem_req(ticket_code="1" * 33),
    "code slash": redeem_req(ticket_code="0165/6984/3362"),
    "code space": redeem_req(ticket_code="0165 6984 3362"),
    "code full-width": redeem_req(ticket_code="０１６５６９８４３３６２"),
    "code url": redeem_req(ticket_code="https://x/?code=016569843362"),
    "code control char": redeem_req(ticket_code="016569843362\r"),
    "quantity 0": redeem_req(quantity=0),
    "quantity 10000": redeem_req(quantity=10000),
    "quantity -1": redeem_req(quantity=-1),
    "quantity bool": redeem_req(quantity=True),
    "quantity float": redeem_req(quantity=1.5),
    "shop empty": redeem_req(shop_id=""),
    "shop 65": redeem_req(shop_id="1" * 65),
    "shop chinese": redeem_req(shop_id="门店1"),
    "shop type string": redeem_req(shop_type="INTERNAL_SHOP"),
    "gmt_biz bad": redeem_req(gmt_biz="2017/09/09 12:12:12"),
    "gmt_biz no day 30 in February": redeem_req(gmt_biz="2017-02-30 12:12:12"),
    "gmt_biz not zero-padded": redeem_req(gmt_biz="2017-9-09 12:12:12"),
    "gmt_biz full-width digits": redeem_req(gmt_biz="２０１７-09-09 12:12:12"),
    "gmt_biz hour 24": redeem_req(gmt_biz="2017-09-09 24:00:00"),
    "gmt_biz ISO T": redeem_req(gmt_biz="2017-09-09T12:12:12"),
    "gmt_biz trailing space": redeem_req(gmt_biz="2017-09-09 12:12:12 "),
}


@pytest.mark.parametrize("name", sorted(BAD_REDEEMS))
def test_invalid_redeem_is_refused_before_sending(
    name: str, server: GatewayServer, client: TopClient
) -> None:
    with pytest.raises(InputInvalid) as exc:
        client.redeem(BAD_REDEEMS[name])
    assert exc.value.zh and exc.value.en
    assert server.received == []


def test_limits_are_inclusive(server: GatewayServer, client: TopClient) -> None:
    server.queue(Reply(minimal_body(ticket_request_id="A" * 32)), Reply(minimal_body()))
    client.redeem(redeem_req(ticket_request_id="A" * 32, quantity=9999, ticket_code="Z" * 32))
    client.redeem(redeem_req(quantity=1, shop_id="s" * 64))
    assert [json.loads(r.f("use_request"))["quantity"] for r in server.received] == ["9999", "1"]


@pytest.mark.parametrize(
    ("kw", "what"),
    [
        ({"sign_method": "sha1"}, "sign_method"),
        ({"app_secret": ""}, "secret"),
        ({"session_key": ""}, "session"),
        ({"app_key": ""}, "app key"),
        ({"gateway_url": "ftp://eco.taobao.com/router/rest"}, "URL"),
        ({"timeout_s": -1}, "timeout"),
    ],
)
def test_bad_configuration(server: GatewayServer, kw: dict[str, object], what: str) -> None:
    with pytest.raises(ConfigError) as exc:
        make_client(server, **kw)
    assert what in exc.value.detail


# --- transport faults --------------------------------------------------------------------------


def test_timeout(server: GatewayServer) -> None:
    client = make_client(server, timeout_s=0.3)
    server.queue(Reply(minimal_body(), delay_s=1.5))
    with pytest.raises(OutcomeUnknown) as exc:
        client.redeem(redeem_req())
    assert exc.value.code == "TIMEOUT"
    assert len(server.received) == 1


def test_connection_dropped(server: GatewayServer, client: TopClient) -> None:
    server.queue(Reply(drop=True))
    with pytest.raises(OutcomeUnknown) as exc:
        client.redeem(redeem_req())
    assert exc.value.code == "CONNECTION_ERROR"
    assert len(server.received) == 1


def test_connection_refused() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = TopClient(
        gateway_url=f"http://127.0.0.1:{port}/router/rest",
        app_key="12345678",
        app_secret=SECRET,
        session_key=SESSION,
        timeout_s=2.0,
    )
    with pytest.raises(OutcomeUnknown) as exc:
        client.redeem(redeem_req())
    assert exc.value.code == "CONNECTION_ERROR"


@pytest.mark.parametrize("status", [500, 502, 503])
def test_http_5xx(status: int, server: GatewayServer, client: TopClient) -> None:
    server.queue(Reply(minimal_body(), status=status))
    with pytest.raises(OutcomeUnknown) as exc:
        client.redeem(redeem_req())
    assert exc.value.code == "HTTP_ERROR"


def test_answer_in_a_declared_other_charset(server: GatewayServer, client: TopClient) -> None:
    body = minimal_body(item_name="暑期套餐")
    server.queue(Reply(raw=body.encode("gbk"), content_type="application/json;charset=GBK"))
    assert client.redeem(redeem_req()).item_name == "暑期套餐"


def test_answer_not_utf8_and_not_declared(server: GatewayServer, client: TopClient) -> None:
    server.queue(Reply(raw=minimal_body(item_name="暑期套餐").encode("gbk")))
    with pytest.raises(OutcomeUnknown) as exc:
        client.redeem(redeem_req())
    assert exc.value.code == "RESPONSE_MALFORMED"


# --- secrecy -----------------------------------------------------------------------------------


def test_logs_and_errors_hold_no_secrets(
    server: GatewayServer, client: TopClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="pos_app")
    server.queue(Reply(minimal_body()), Reply(error_body(25, None)))
    client.redeem(redeem_req())
    with pytest.raises(GatewayRejected) as exc:
        client.redeem(redeem_req())
    rendered = f"{caplog.text} {exc.value} {exc.value.detail} {client!r}"
    assert SECRET not in rendered
    assert SESSION not in rendered
    assert CODE not in caplog.text
    assert "********3362" in caplog.text
