"""Every business answer of the three seed APIs, produced by a natural situation in the simulator
and driven THROUGH the product's clients over real HTTP: the client's classification and the
simulator's state are both asserted.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from pos_app.core.errors import GatewayRejected, OutcomeUnknown, PosError, ProtocolDefect
from pos_app.core.models import (
    CancelRequest,
    CancelResult,
    CodeType,
    RedeemRequest,
    RedeemResult,
    ShopType,
    SyncRequest,
    SyncResult,
)
from pos_app.gateways.alipay import AlipayClient
from pos_app.gateways.top import TopClient
from pos_app.sandbox import Simulator

# The error tables of the seed pages (000 sync, 001 cancel; 003 redeem has none of its own, the
# simulator answers it with the same business codes).
SEED_CODES = {
    "sync": {
        "SYSTEM_ERROR",
        "INVALID_PARAMETER",
        "TICKET_CODE_NOT_EXIST",
        "NOT_SAME_MERCHANT_PID",
        "TICKET_STATUS_ILLEGAL",
        "TICKET_PROCESSING",
    },
    "cancel": {
        "SYSTEM_ERROR",
        "INVALID_PARAMETER",
        "USE_BIZ_ORDER_CLOSE",
        "USE_CHANNEL_NOT_EQUAL",
        "TICKET_STATUS_ILLEGAL",
        "USE_BIZ_ORDER_NOT_EXIST",
        "NOT_SAME_MERCHANT_PID",
        "REQUEST_ID_REPEAT",
        "REPEAT_CANCEL",
    },
    "redeem": {
        "SYSTEM_ERROR",
        "INVALID_PARAMETER",
        "TICKET_CODE_NOT_EXIST",
        "NOT_SAME_MERCHANT_PID",
        "TICKET_STATUS_ILLEGAL",
        "TICKET_PROCESSING",
        "REQUEST_ID_REPEAT",
    },
}
UNKNOWN_OUTCOME = {"SYSTEM_ERROR", "TICKET_PROCESSING"}


class Env:
    def __init__(self, sim: Simulator, top: TopClient, alipay: AlipayClient) -> None:
        self.sim, self.top, self.alipay = sim, top, alipay
        self.codes = sim.demo.codes
        self.orders = sim.demo.order_nos

    def redeem(
        self,
        label: str,
        rid: str,
        quantity: int = 1,
        *,
        shop_id: str = "",
        shop_type: ShopType = ShopType.INTERNAL,
        code: str = "",
    ) -> RedeemResult:
        return self.top.redeem(
            RedeemRequest(
                ticket_request_id=rid,
                ticket_code=code or self.codes[label],
                quantity=quantity,
                shop_id=shop_id or self.sim.demo.shop_id,
                shop_type=shop_type,
            )
        )

    def cancel(
        self,
        label: str,
        rid: str,
        quantity: int | None = 1,
        *,
        biz_no: str = "",
        order_no: str = "",
        code_type: CodeType = CodeType.INTERNAL,
        code: str = "",
    ) -> CancelResult:
        return self.alipay.cancel(
            CancelRequest(
                request_id=rid,
                request_biz_no=biz_no or rid,
                ticket_code=code or self.codes[label],
                quantity=quantity,
                order_no=order_no,
                code_type=code_type,
            )
        )

    def sync(
        self,
        label: str,
        rid: str,
        remaining: int,
        *,
        order_no: str = "",
        code_type: CodeType = CodeType.INTERNAL,
        code: str = "",
    ) -> SyncResult:
        return self.alipay.sync(
            SyncRequest(
                request_id=rid,
                ticket_code=code or self.codes[label],
                quantity=remaining,
                order_no=order_no or self.orders.get(label, "20240601110400301001305009999999"),
                code_type=code_type,
            )
        )

    def sync_ext(self, label: str, rid: str, remaining: int) -> SyncResult:
        return self.sync(
            label, rid, remaining, order_no=self.orders[label], code_type=CodeType.EXTERNAL
        )


@pytest.fixture
def env(simulator: Simulator, top_client: TopClient, alipay_client: AlipayClient) -> Env:
    return Env(simulator, top_client, alipay_client)


# --- the natural situation behind each code --------------------------------------------------

Scenario = Callable[[Env], object]


def _redeem_then(env: Env, then: Scenario) -> object:
    env.redeem("single", "R1")
    return then(env)


SCENARIOS: dict[tuple[str, str], Scenario] = {
    # redeem
    ("redeem", "TICKET_CODE_NOT_EXIST"): lambda e: e.redeem("", "R1", code="123456789012"),
    ("redeem", "NOT_SAME_MERCHANT_PID"): lambda e: e.redeem("other_merchant", "R1"),
    ("redeem", "TICKET_STATUS_ILLEGAL"): lambda e: e.redeem("used", "R1"),
    ("redeem", "INVALID_PARAMETER"): lambda e: e.redeem("multi", "R1", quantity=11),
    ("redeem", "TICKET_PROCESSING"): lambda e: e.redeem("refunding", "R1"),
    ("redeem", "SYSTEM_ERROR"): lambda e: e.redeem("flaky", "R1"),
    ("redeem", "REQUEST_ID_REPEAT"): lambda e: _redeem_then(
        e, lambda e2: e2.redeem("single_2", "R1")
    ),
    # cancel
    ("cancel", "USE_BIZ_ORDER_NOT_EXIST"): lambda e: e.cancel("single", "NEVERSENT1"),
    ("cancel", "USE_BIZ_ORDER_CLOSE"): lambda e: e.cancel(
        "expired", e.sim.demo.request_ids["expired"]
    ),
    ("cancel", "USE_CHANNEL_NOT_EQUAL"): lambda e: e.cancel(
        "other_channel", e.sim.demo.request_ids["other_channel"]
    ),
    ("cancel", "NOT_SAME_MERCHANT_PID"): lambda e: e.cancel("other_merchant", "R1"),
    ("cancel", "TICKET_STATUS_ILLEGAL"): lambda e: e.cancel(
        "refunded", e.sim.demo.request_ids["refunded"]
    ),
    ("cancel", "INVALID_PARAMETER"): lambda e: _redeem_then(
        e, lambda e2: e2.cancel("single_2", "R1")
    ),
    ("cancel", "REPEAT_CANCEL"): lambda e: _redeem_then(
        e, lambda e2: (e2.cancel("single", "R1"), e2.cancel("single", "R1", biz_no="OTHERBIZNO1"))
    ),
    ("cancel", "REQUEST_ID_REPEAT"): lambda e: _redeem_then(
        e, lambda e2: (e2.cancel("single", "R1"), e2.cancel("single", "R1", quantity=None))
    ),
    ("cancel", "SYSTEM_ERROR"): lambda e: (
        _retry_once(lambda: e.redeem("flaky", "R1")),
        e.cancel("flaky", "R1"),
    ),
    # sync
    ("sync", "TICKET_CODE_NOT_EXIST"): lambda e: e.sync("", "S1", 0, code="123456789012"),
    ("sync", "NOT_SAME_MERCHANT_PID"): lambda e: e.sync("other_merchant", "S1", 0),
    ("sync", "TICKET_STATUS_ILLEGAL"): lambda e: e.sync("refunded", "S1", 0),
    ("sync", "INVALID_PARAMETER"): lambda e: e.sync(
        "external", "S1", 0, order_no=e.orders["single"], code_type=CodeType.EXTERNAL
    ),
    ("sync", "TICKET_PROCESSING"): lambda e: e.sync("refunding", "S1", 0),
    ("sync", "SYSTEM_ERROR"): lambda e: e.sync("flaky", "S1", 0),
}


def _retry_once(call: Callable[[], object]) -> object:
    try:
        return call()
    except OutcomeUnknown:
        return call()


def test_every_seed_code_has_a_natural_situation() -> None:
    for api, codes in SEED_CODES.items():
        assert codes <= {code for a, code in SCENARIOS if a == api}, api


@pytest.mark.parametrize(("api", "code"), sorted(SCENARIOS))
def test_seed_code_through_the_client(env: Env, api: str, code: str) -> None:
    with pytest.raises(PosError) as info:
        SCENARIOS[(api, code)](env)
    err = info.value
    assert err.code == code
    if code in UNKNOWN_OUTCOME:
        assert isinstance(err, OutcomeUnknown)
        if code == "TICKET_PROCESSING":
            assert err.wait_s > 0
    elif code == "REQUEST_ID_REPEAT":
        assert isinstance(err, ProtocolDefect)
    else:
        assert isinstance(err, GatewayRejected) and not isinstance(err, ProtocolDefect)
        assert err.sub_msg  # the gateway's Chinese text travels with the error


# --- redeem ------------------------------------------------------------------------------------


def test_redeem_single_returns_the_purchase(env: Env) -> None:
    result = env.redeem("single", "R1")
    assert not result.repeat
    assert result.item_name == "双人下午茶套餐"
    assert result.buyer_pay_amount == Decimal("45.00")
    assert result.order_no == env.orders["single"]
    assert result.details[0].ticket_code == env.codes["single"]
    assert env.sim.state.status(env.codes["single"]) == "USED"
    assert len(env.sim.state.redemptions_for(env.codes["single"])) == 1


def test_redeem_repeat_with_same_id_is_idempotent(env: Env) -> None:
    first = env.redeem("single", "R1")
    again = env.redeem("single", "R1")
    assert again.repeat and again.biz_code == "TICKET_ALREADY_USED"
    for field in ("ticket_trans_id", "order_no", "use_date", "buyer_pay_amount", "item_name"):
        assert getattr(again, field) == getattr(first, field), field
    assert len(env.sim.state.redemptions_for(env.codes["single"])) == 1


def test_redeem_second_request_id_on_a_used_code_is_refused(env: Env) -> None:
    env.redeem("single", "R1")
    with pytest.raises(GatewayRejected) as info:
        env.redeem("single", "R2")
    assert info.value.code == "TICKET_STATUS_ILLEGAL"
    assert len(env.sim.state.redemptions_for(env.codes["single"])) == 1


@pytest.mark.parametrize("label", ["used", "refunded", "expired"])
def test_redeem_unusable_states(env: Env, label: str) -> None:
    with pytest.raises(GatewayRejected) as info:
        env.redeem(label, "R1")
    assert info.value.code == "TICKET_STATUS_ILLEGAL"


def test_redeem_multi_use_card(env: Env) -> None:
    code = env.codes["multi"]
    result = env.redeem("multi", "R1", quantity=3)
    assert result.buyer_pay_amount == Decimal("54.00")  # 3 x 18.00
    assert env.sim.state.remaining(code) == 7
    env.redeem("multi", "R2", quantity=7)
    assert env.sim.state.remaining(code) == 0 and env.sim.state.status(code) == "USED"
    with pytest.raises(GatewayRejected) as info:
        env.redeem("multi", "R3", quantity=1)
    assert info.value.code == "TICKET_STATUS_ILLEGAL"


@pytest.mark.parametrize(
    ("label", "quantity", "shop_id"),
    [("multi", 11, ""), ("single", 2, ""), ("single", 1, "771505495"), ("single", 1, "nosuch")],
)
def test_redeem_invalid_parameter(env: Env, label: str, quantity: int, shop_id: str) -> None:
    with pytest.raises(GatewayRejected) as info:
        env.redeem(label, "R1", quantity=quantity, shop_id=shop_id)
    assert info.value.code == "INVALID_PARAMETER"
    assert env.sim.state.redemptions_for(env.codes[label]) == []


def test_redeem_same_id_other_quantity_is_request_id_repeat(env: Env) -> None:
    env.redeem("multi", "R1", quantity=2)
    with pytest.raises(ProtocolDefect):
        env.redeem("multi", "R1", quantity=3)
    assert env.sim.state.remaining(env.codes["multi"]) == 8


def test_redeem_external_code_at_external_shop_id(env: Env) -> None:
    result = env.redeem("external", "R1", shop_id="store-001", shop_type=ShopType.EXTERNAL)
    assert result.use_shop_id == env.sim.demo.shop_id
    assert env.sim.state.status(env.codes["external"]) == "USED"


def test_redeem_refund_in_progress_settles_as_refunded(env: Env) -> None:
    for _ in range(2):
        with pytest.raises(OutcomeUnknown) as info:
            env.redeem("refunding", "R1")
        assert info.value.code == "TICKET_PROCESSING"
    with pytest.raises(GatewayRejected) as final:
        env.redeem("refunding", "R1")
    assert final.value.code == "TICKET_STATUS_ILLEGAL"


def test_redeem_flaky_code_succeeds_on_retry_with_the_same_id(env: Env) -> None:
    with pytest.raises(OutcomeUnknown):
        env.redeem("flaky", "R1")
    result = env.redeem("flaky", "R1")
    assert not result.repeat
    assert len(env.sim.state.redemptions_for(env.codes["flaky"])) == 1


def test_redeem_reversed_request_id_is_not_replayed_as_success(env: Env) -> None:
    env.redeem("single", "R1")
    env.cancel("single", "R1")
    with pytest.raises(GatewayRejected) as info:
        env.redeem("single", "R1")
    assert info.value.code == "TICKET_STATUS_ILLEGAL"


# --- cancel ------------------------------------------------------------------------------------


def test_cancel_reverses_and_repeat_is_biz_already_success(env: Env) -> None:
    code = env.codes["single"]
    env.redeem("single", "R1")
    first = env.cancel("single", "R1")
    assert not first.repeat
    assert env.sim.state.status(code) == "AVAILABLE" and env.sim.state.remaining(code) == 1
    again = env.cancel("single", "R1")
    assert again.repeat and again.biz_code == "BIZ_ALREADY_SUCCESS"
    assert len(env.sim.state.cancels_for(code)) == 1
    env.redeem("single", "R2")  # usable again after the reversal
    assert env.sim.state.status(code) == "USED"


def test_cancel_multi_use_needs_the_same_quantity_and_restores_remaining(env: Env) -> None:
    code = env.codes["multi"]
    env.redeem("multi", "R1", quantity=3)
    with pytest.raises(GatewayRejected) as info:
        env.cancel("multi", "R1", quantity=2)
    assert info.value.code == "INVALID_PARAMETER"
    with pytest.raises(GatewayRejected):
        env.cancel("multi", "R1", quantity=None)
    assert env.sim.state.remaining(code) == 7
    env.cancel("multi", "R1", quantity=3)
    assert env.sim.state.remaining(code) == 10


def test_cancel_demo_redemption_on_record(env: Env) -> None:
    code = env.codes["used"]
    env.cancel("used", env.sim.demo.request_ids["used"])
    assert env.sim.state.status(code) == "AVAILABLE"


def test_cancel_failed_redemption_is_use_biz_order_close(env: Env) -> None:
    with pytest.raises(GatewayRejected):
        env.redeem("used", "FAILED1")
    with pytest.raises(GatewayRejected) as info:
        env.cancel("used", "FAILED1")
    assert info.value.code == "USE_BIZ_ORDER_CLOSE"


def test_cancel_code_used_in_another_channel(env: Env) -> None:
    with pytest.raises(GatewayRejected) as info:
        env.cancel("other_channel", "SOMEIDOFOURS1")
    assert info.value.code == "USE_CHANNEL_NOT_EQUAL"


def test_cancel_external_code_needs_its_order_no(env: Env) -> None:
    env.redeem("external", "R1")
    with pytest.raises(GatewayRejected) as info:
        env.cancel("external", "R1", order_no=env.orders["single"], code_type=CodeType.EXTERNAL)
    assert info.value.code == "INVALID_PARAMETER"
    env.cancel("external", "R1", order_no=env.orders["external"], code_type=CodeType.EXTERNAL)
    assert env.sim.state.status(env.codes["external"]) == "AVAILABLE"


# --- sync --------------------------------------------------------------------------------------


def test_sync_sets_remaining_and_repeat_is_biz_already_success(env: Env) -> None:
    code = env.codes["external_multi"]
    result = env.sync_ext("external_multi", "S1", 2)
    assert result.order_no == env.orders["external_multi"]
    assert not result.repeat and env.sim.state.remaining(code) == 2
    again = env.sync_ext("external_multi", "S1", 2)
    assert again.repeat and again.biz_code == "BIZ_ALREADY_SUCCESS"
    env.sync_ext("external_multi", "S2", 0)
    assert env.sim.state.status(code) == "USED"
    with pytest.raises(GatewayRejected):
        env.redeem("external_multi", "R1")
    env.sync_ext("external_multi", "S3", 5)
    env.redeem("external_multi", "R2", quantity=5)
    assert env.sim.state.remaining(code) == 0


def test_sync_more_than_the_total_is_invalid_parameter(env: Env) -> None:
    with pytest.raises(GatewayRejected) as info:
        env.sync_ext("external_multi", "S1", 6)
    assert info.value.code == "INVALID_PARAMETER"
    assert env.sim.state.remaining(env.codes["external_multi"]) == 5


def test_sync_same_id_other_values_is_invalid_parameter(env: Env) -> None:
    env.sync_ext("external_multi", "S1", 1)
    with pytest.raises(GatewayRejected) as info:
        env.sync_ext("external_multi", "S1", 0)
    assert info.value.code == "INVALID_PARAMETER"
    assert env.sim.state.remaining(env.codes["external_multi"]) == 1


def test_sync_internal_code_type_mismatch(env: Env) -> None:
    with pytest.raises(GatewayRejected) as info:
        env.sync("single", "S1", 0, code_type=CodeType.EXTERNAL)
    assert info.value.code == "INVALID_PARAMETER"


def test_rsa_sha1_client_works_end_to_end(simulator: Simulator) -> None:
    from pos_app.gateways.keys import load_private_key, load_public_key

    simulator.options.alipay_sign_type = "RSA"  # an app registered for RSA (SHA-1)
    demo = simulator.demo
    client = AlipayClient(
        gateway_url=simulator.alipay_url,
        app_id=demo.app_id,
        private_key=load_private_key(demo.app_private_key_b64),
        alipay_public_key=load_public_key(demo.alipay_public_key_b64),
        sign_type="RSA",
        timeout_s=2,
    )
    try:
        rid = demo.request_ids["used"]
        result = client.cancel(
            CancelRequest(
                request_id=rid, request_biz_no=rid, ticket_code=demo.codes["used"], quantity=1
            )
        )
        assert not result.repeat
    finally:
        client.close()


def test_top_client_simplify_and_every_sign_method(simulator: Simulator) -> None:
    demo = simulator.demo
    for i, (method, simplify) in enumerate([("md5", False), ("hmac", True), ("hmac-sha256", True)]):
        client = TopClient(
            gateway_url=simulator.top_url,
            app_key=demo.top_app_key,
            app_secret=demo.top_app_secret,
            session_key=demo.top_session,
            sign_method=method,
            simplify=simplify,
            timeout_s=2,
        )
        try:
            result = client.redeem(RedeemRequest(f"M{i}", demo.codes["multi"], 1, demo.shop_id))
            assert result.item_name == "蛋糕10次卡" and result.details
        finally:
            client.close()
    assert simulator.state.remaining(demo.codes["multi"]) == 7


def test_parallel_redemptions_of_one_code_succeed_exactly_once(simulator: Simulator) -> None:
    from concurrent.futures import ThreadPoolExecutor

    demo = simulator.demo
    code = demo.codes["single"]

    def attempt(rid: str) -> str:
        client = TopClient(
            gateway_url=simulator.top_url,
            app_key=demo.top_app_key,
            app_secret=demo.top_app_secret,
            session_key=demo.top_session,
            timeout_s=5,
        )
        try:
            result = client.redeem(RedeemRequest(rid, code, 1, demo.shop_id))
            return "repeat" if result.repeat else "ok"
        except GatewayRejected as exc:
            return exc.code
        finally:
            client.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        distinct = list(pool.map(attempt, [f"P{i}" for i in range(8)]))
    assert sorted(distinct) == ["TICKET_STATUS_ILLEGAL"] * 7 + ["ok"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        winner = simulator.state.redemptions_for(code)[0].request_id
        same = list(pool.map(attempt, [winner] * 8))
    assert same == ["repeat"] * 8
    assert len(simulator.state.redemptions_for(code)) == 1
