"""AlipayClient.query (ticketcode.query) against canned answers signed by openssl."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

import pytest
from conftest_http import KEYS, GatewayServer, Reply, alipay_body, openssl_verify
from test_alipay_client import CODE, make_client, merged_params

from pos_app.core.errors import GatewayRejected, InputInvalid, OutcomeUnknown, SignatureInvalid
from pos_app.core.models import VoucherUse
from pos_app.gateways.alipay import METHOD_QUERY, AlipayClient

NODE = "koubei_trade_ticket_ticketcode_query_response"
SHOP = "2015051100077000000000000001"


@pytest.fixture
def server() -> Iterator[GatewayServer]:
    with GatewayServer() as s:
        yield s


@pytest.fixture
def client(server: GatewayServer) -> Iterator[AlipayClient]:
    c = make_client(server)
    yield c
    c.close()


def node(**fields: object) -> str:
    return json.dumps({"code": "10000", "msg": "Success", **fields}, ensure_ascii=False)


FULL = node(
    ticket_code=CODE,
    ticket_status="EFFECTIVE",
    ticket_status_desc="可使用",
    item_name="蛋糕10次卡",
    order_no="20180404111040030100130500594477",
    original_price="30.00",
    current_price="20.00",
    effect_date="2024-06-01 00:00:00",
    expire_date="2024-12-31 23:59:59",
    total_quantity="10",
    available_quantity="7",
    ticket_trans_info_list=[
        {"ticket_trans_type": "use", "quantity": "2", "create_time": "2024-06-02 10:00:00"},
        {"ticket_trans_type": "USE", "quantity": 1, "create_time": "2024-06-03 10:00:00"},
    ],
)


def test_query_request_is_signed_and_answer_read(
    server: GatewayServer, client: AlipayClient
) -> None:
    server.queue(Reply(alipay_body(NODE, FULL)))
    info = client.query(CODE, SHOP)
    (got,) = server.received
    assert got.q("method") == METHOD_QUERY
    assert json.loads(got.f("biz_content")) == {"ticket_code": CODE, "shop_id": SHOP}
    params = merged_params(got)
    content = "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "sign")
    assert openssl_verify(content, got.q("sign"), KEYS / "app_public.pem", "sha256")
    assert info.status == "EFFECTIVE" and info.item_name == "蛋糕10次卡"
    assert info.current_price == Decimal("20.00")
    assert (info.total_quantity, info.available_quantity) == (10, 7)
    assert info.multi_use and info.can_redeem_again
    assert info.uses == (
        VoucherUse("USE", 2, "2024-06-02 10:00:00"),
        VoucherUse("USE", 1, "2024-06-03 10:00:00"),
    )


def test_every_field_may_be_absent_or_odd(server: GatewayServer, client: AlipayClient) -> None:
    odd = node(
        original_price="n/a",
        total_quantity="",
        available_quantity=-1,
        ticket_trans_info_list={"ticket_trans_info": [{"quantity": "x"}, "junk"]},
    )
    server.queue(Reply(alipay_body(NODE, odd)))
    info = client.query(CODE, SHOP)
    assert info.ticket_code == CODE and info.status == "" and info.item_name == ""
    assert info.original_price is None and info.total_quantity is None
    assert info.available_quantity is None
    assert info.uses == (VoucherUse("", None, ""),)
    assert not info.multi_use and not info.can_redeem_again


def test_answer_about_another_code_is_not_believed(
    server: GatewayServer, client: AlipayClient
) -> None:
    server.queue(Reply(alipay_body(NODE, node(ticket_code="999999999999", ticket_status="USED"))))
    with pytest.raises(OutcomeUnknown) as err:
        client.query(CODE, SHOP)
    assert err.value.code == "RESPONSE_MALFORMED"


@pytest.mark.parametrize("sign", [None, "AAAA" * 86 + "AA=="])
def test_unsigned_or_tampered_answer_is_unknown(
    server: GatewayServer, client: AlipayClient, sign: str | None
) -> None:
    server.queue(Reply(alipay_body(NODE, FULL, sign=sign)))
    with pytest.raises(SignatureInvalid):
        client.query(CODE, SHOP)


def test_business_error_is_a_definite_rejection(
    server: GatewayServer, client: AlipayClient
) -> None:
    error = json.dumps(
        {
            "code": "40004",
            "msg": "Business Failed",
            "sub_code": "TICKET_CODE_NOT_EXIST",
            "sub_msg": "凭证码不存在",
        },
        ensure_ascii=False,
    )
    server.queue(Reply(alipay_body(NODE, error)))
    with pytest.raises(GatewayRejected) as err:
        client.query(CODE, SHOP)
    assert err.value.code == "TICKET_CODE_NOT_EXIST"


@pytest.mark.parametrize(("code", "shop"), [("GAL358309629", SHOP), ("12345", SHOP), (CODE, "")])
def test_bad_input_is_refused_before_sending(
    server: GatewayServer, client: AlipayClient, code: str, shop: str
) -> None:
    with pytest.raises(InputInvalid):
        client.query(code, shop)
    assert server.received == []
