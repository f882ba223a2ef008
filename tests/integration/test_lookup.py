"""The lookup end to end: AlipayClient.query against the simulator over loopback (its answers
signed with the simulator's real key and verified), the service's lookup and failure explanation
over a real SQLite journal, and `pos-app lookup`'s JSON and exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_cli import Terminal, terminal  # noqa: F401 - the production CLI fixture

from pos_app import cli
from pos_app.config.home import AppHome
from pos_app.core.errors import GatewayRejected, InputInvalid, OutcomeUnknown, SignatureInvalid
from pos_app.core.journal import OpState
from pos_app.gateways.alipay import AlipayClient
from pos_app.runtime import Runtime
from pos_app.sandbox import Fault, Simulator

JSON_KEYS = {
    "ticket_code",
    "status",
    "status_desc",
    "item_name",
    "order_no",
    "original_price",
    "current_price",
    "effect_date",
    "expire_date",
    "total_quantity",
    "available_quantity",
    "uses",
}


def codes(sim: Simulator) -> dict[str, str]:
    return sim.demo.codes


@pytest.mark.parametrize(
    ("label", "status"),
    [
        ("single", "EFFECTIVE"),
        ("used", "USED"),
        ("refunded", "REFUNDED"),
        ("refunding", "REFUNDING"),
        ("using", "USING"),
        ("not_yet", "UN_EFFECTIVE"),
        ("other_shop", "UN_EFFECTIVE"),
        ("expired", "UN_EFFECTIVE"),
    ],
)
def test_simulator_answers_each_status_signed(
    simulator: Simulator, alipay_client: AlipayClient, label: str, status: str
) -> None:
    info = alipay_client.query(codes(simulator)[label], simulator.demo.shop_id)
    assert info.status == status
    assert info.item_name == "双人下午茶套餐"
    assert info.effect_date and info.expire_date
    assert info.total_quantity == 1


def test_a_multi_use_card_counts_down_and_lists_uses_and_cancels(
    simulator: Simulator, alipay_client: AlipayClient, top_client: object, tmp_path: Path
) -> None:
    rt = Runtime.open(AppHome(tmp_path / "home"))
    try:
        code = rt.simulator.demo.codes["multi"]  # type: ignore[union-attr]
        first = rt.service.redeem(code, 2)
        assert first.state is OpState.SUCCEEDED
        info = rt.service.lookup(code)
        assert (info.total_quantity, info.available_quantity) == (10, 8)
        assert info.multi_use and info.can_redeem_again
        assert [(u.trans_type, u.quantity) for u in info.uses] == [("USE", 2)]
        rt.service.reverse(first.operation.id, reason="顾客退单", manager="店长")
        after = rt.service.lookup(code)  # the reversal dropped the cached answer
        assert after.available_quantity == 10
        assert [u.trans_type for u in after.uses] == ["USE", "CANCEL"]
    finally:
        rt.close()


def test_the_simulator_refuses_to_redeem_outside_validity_or_shop(tmp_path: Path) -> None:
    rt = Runtime.open(AppHome(tmp_path / "home"))
    try:
        demo = rt.simulator.demo  # type: ignore[union-attr]
        for label in ("not_yet", "other_shop"):
            outcome = rt.service.redeem(demo.codes[label])
            assert outcome.state is OpState.FAILED
            assert outcome.error_code == "TICKET_STATUS_ILLEGAL"
    finally:
        rt.close()


@pytest.mark.parametrize("kind", ["bad_signature", "timeout", "service_unavailable", "http_500"])
def test_an_untrusted_or_lost_answer_is_unknown(
    simulator: Simulator, alipay_client: AlipayClient, kind: str
) -> None:
    simulator.faults.add(Fault(kind, api="query", delay_s=3.0 if kind == "timeout" else 0.0))
    with pytest.raises(OutcomeUnknown) as err:
        alipay_client.query(codes(simulator)["single"], simulator.demo.shop_id)
    if kind == "bad_signature":
        assert isinstance(err.value, SignatureInvalid)


def test_definite_answers_are_rejections(simulator: Simulator, alipay_client: AlipayClient) -> None:
    with pytest.raises(GatewayRejected) as err:
        alipay_client.query("999999999999", simulator.demo.shop_id)
    assert err.value.code == "TICKET_CODE_NOT_EXIST"
    with pytest.raises(GatewayRejected) as err:
        alipay_client.query(codes(simulator)["other_merchant"], simulator.demo.shop_id)
    assert err.value.code == "NOT_SAME_MERCHANT_PID"


# --------------------------------------------------------------------------------- service


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    rt = Runtime.open(AppHome(tmp_path / "home"))
    try:
        yield rt
    finally:
        rt.close()


def test_lookup_normalises_like_redeem_caches_and_writes_nothing(runtime: Runtime) -> None:
    sim = runtime.simulator
    assert sim is not None
    code = sim.demo.codes["multi"]
    spaced = f"{code[:4]} {code[4:8]}-{code[8:]}"
    before = sim.state.total_requests("alipay")
    info = runtime.service.lookup(spaced)
    assert info.ticket_code == code and info.status == "EFFECTIVE"
    assert runtime.service.lookup(code) == info  # a few seconds' cache: not asked again
    assert sim.state.total_requests("alipay") == before + 1
    assert runtime.service.open_count() == 0
    assert runtime.journal.by_code(code) == []  # read-only: no journal row
    with pytest.raises(InputInvalid) as err:
        runtime.service.lookup(sim.demo.codes["external"])
    assert err.value.code == "LOOKUP_CODE_TYPE"
    assert sim.state.total_requests("alipay") == before + 1  # nothing sent


def test_a_failed_redemption_is_explained(runtime: Runtime) -> None:
    sim = runtime.simulator
    assert sim is not None
    cases = {
        "used": "已于 2024-06-01 12:00:00 被使用",
        "refunded": "已退款",
        "using": "正在别处核销",
        "expired": "已过期（有效期至",
        "not_yet": "还未生效",
        "other_shop": "不能在本店使用",
    }
    for label, expected in cases.items():
        outcome = runtime.service.redeem(sim.demo.codes[label])
        assert outcome.state in (OpState.FAILED, OpState.UNKNOWN), label
        _info, why = runtime.service.explain_failure(sim.demo.codes[label])
        assert why is not None and expected in why.zh, (label, why)


def test_used_at_this_till_says_so_with_the_time(runtime: Runtime) -> None:
    sim = runtime.simulator
    assert sim is not None
    code = sim.demo.codes["single"]
    first = runtime.service.redeem(code)
    again = runtime.service.redeem(code, again=True)
    assert again.state is OpState.FAILED
    _info, why = runtime.service.explain_failure(code)
    assert why is not None and "在本收银台核销过" in why.zh
    assert first.operation.created_at.year and str(first.operation.created_at.year) in why.zh


# --------------------------------------------------------------------------------- CLI


def run_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = cli.main(["--home", str(tmp_path / "cli"), "lookup", *args])
    return status, capsys.readouterr().out


def test_cli_lookup_json_keys_and_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = "286501038830"  # the demo 次卡
    status, out = run_cli(tmp_path, capsys, code, "--json")
    body = json.loads(out)
    assert status == 0
    assert set(body) == JSON_KEYS
    assert body["ticket_code"] == "********8830"
    assert code not in out
    assert (body["total_quantity"], body["available_quantity"]) == (10, 10)
    assert body["uses"] == []
    status, out = run_cli(tmp_path, capsys, "286501030019", "--json")  # used
    body = json.loads(out)
    assert body["status"] == "USED"
    assert body["uses"] == [{"type": "USE", "quantity": 1, "time": "2024-06-01 12:00:00"}]
    status, out = run_cli(tmp_path, capsys, "999999999999", "--json")
    assert status == 1 and json.loads(out)["code"] == "TICKET_CODE_NOT_EXIST"
    status, out = run_cli(tmp_path, capsys, "12345", "--json")
    assert status == 2 and json.loads(out)["code"] == "LOOKUP_CODE_TYPE"
    status, out = run_cli(tmp_path, capsys, "  ", "--json")
    assert status == 2 and json.loads(out)["code"] == "CODE_EMPTY"
    status, out = run_cli(tmp_path, capsys, "GAL358309629")
    assert status == 2


@pytest.mark.keyring
def test_cli_lookup_exits_3_when_the_answer_cannot_be_trusted(terminal: Terminal) -> None:  # noqa: F811
    code = terminal.sim.demo.codes["single"]
    terminal.sim.faults.add(Fault("bad_signature", api="query", times=1))
    status, body = terminal.json("lookup", code)
    assert status == 3 and body["code"] == "SIGNATURE_INVALID"
    status, body = terminal.json("lookup", code)  # the fault is spent: now it answers
    assert status == 0 and body["status"] == "EFFECTIVE"
    assert terminal.run("journal", "--json").stdout.strip() == "[]"  # nothing journaled
