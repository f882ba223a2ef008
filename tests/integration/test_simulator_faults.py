"""Fault injection over real HTTP: raw, through the control API, and through the product's clients
(classification as an unknown outcome, then a retry with the same id settles it exactly once).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import requests
from sim_wire import CANCEL, TOP_NODE, SimWire

from pos_app.core.errors import OutcomeUnknown, SignatureInvalid
from pos_app.core.models import (
    CancelRequest,
    CancelResult,
    RedeemRequest,
    RedeemResult,
    SyncRequest,
    SyncResult,
)
from pos_app.gateways.alipay import AlipayClient
from pos_app.gateways.keys import load_private_key, load_public_key
from pos_app.gateways.signing import rsa_verify
from pos_app.gateways.top import TopClient
from pos_app.sandbox import Fault, Simulator

FAST_TIMEOUT_S = 0.4


@dataclass
class Clients:
    sim: Simulator
    top: TopClient
    alipay: AlipayClient

    def redeem(self, rid: str = "R1", label: str = "single", quantity: int = 1) -> RedeemResult:
        d = self.sim.demo
        return self.top.redeem(RedeemRequest(rid, d.codes[label], quantity, d.shop_id))

    def cancel(self, rid: str = "R1", label: str = "single") -> CancelResult:
        return self.alipay.cancel(CancelRequest(rid, rid, self.sim.demo.codes[label], 1))

    def sync(self, rid: str = "S1", remaining: int = 0) -> SyncResult:
        d = self.sim.demo
        return self.alipay.sync(
            SyncRequest(rid, d.codes["single"], remaining, d.order_nos["single"])
        )


@pytest.fixture
def clients(simulator: Simulator) -> Iterator[Clients]:
    d = simulator.demo
    top = TopClient(
        gateway_url=simulator.top_url,
        app_key=d.top_app_key,
        app_secret=d.top_app_secret,
        session_key=d.top_session,
        timeout_s=FAST_TIMEOUT_S,
    )
    alipay = AlipayClient(
        gateway_url=simulator.alipay_url,
        app_id=d.app_id,
        private_key=load_private_key(d.app_private_key_b64),
        alipay_public_key=load_public_key(d.alipay_public_key_b64),
        timeout_s=FAST_TIMEOUT_S,
    )
    try:
        yield Clients(simulator, top, alipay)
    finally:
        top.close()
        alipay.close()


# kind -> (the client's OutcomeUnknown code, did the call take effect before the fault showed)
KINDS: dict[str, tuple[str, bool]] = {
    "timeout": ("TIMEOUT", True),
    "drop_response": ("CONNECTION_ERROR", True),
    "http_500": ("HTTP_ERROR", False),
    "system_error": ("SYSTEM_ERROR", False),
    "ticket_processing": ("TICKET_PROCESSING", False),
    "service_unavailable": ("SERVICE_UNAVAILABLE", False),
    "bad_signature": ("SIGNATURE_INVALID", True),
}


def _effect(c: Clients, api: str) -> object:
    """What the call changed in the simulator: compared before/after to prove exactly once."""
    code = c.sim.demo.codes["single"]
    if api == "redeem":
        return (len(c.sim.state.redemptions_for(code)), c.sim.state.status(code))
    if api == "cancel":
        return (len(c.sim.state.cancels_for(code)), c.sim.state.status(code))
    return (c.sim.state.remaining(code), c.sim.state.status(code))


CALLS: dict[str, Callable[[Clients], RedeemResult | CancelResult | SyncResult]] = {
    "redeem": lambda c: c.redeem(),
    "cancel": lambda c: c.cancel(),
    "sync": lambda c: c.sync(),
}


# TOP answers are not signed, so bad_signature has no redeem case.
FAULT_CASES = [
    (kind, api)
    for kind in sorted(KINDS)
    for api in ("redeem", "cancel", "sync")
    if not (kind == "bad_signature" and api == "redeem")
]


@pytest.mark.parametrize(("kind", "api"), FAULT_CASES)
def test_fault_through_client_then_retry_settles_exactly_once(
    clients: Clients, kind: str, api: str
) -> None:
    if api == "cancel":
        clients.redeem()
    before = _effect(clients, api)
    clients.sim.faults.add(Fault(kind, api=api, times=1, delay_s=1.0))
    with pytest.raises(OutcomeUnknown) as info:
        CALLS[api](clients)
    expected_code, commits = KINDS[kind]
    assert info.value.code == expected_code
    if kind == "bad_signature":
        assert isinstance(info.value, SignatureInvalid)
    if kind == "ticket_processing":
        assert info.value.wait_s > 0
    after_fault = _effect(clients, api)
    assert (after_fault != before) == commits
    result = CALLS[api](clients)  # the retry: same id, same payload
    assert result.repeat == commits
    assert _effect(clients, api) == after_fault if commits else _effect(clients, api) != before
    if api == "redeem":
        assert len(clients.sim.state.redemptions_for(clients.sim.demo.codes["single"])) == 1


def test_http_500_with_commit_is_settled_by_the_retry(clients: Clients) -> None:
    clients.sim.faults.add(Fault("http_500", api="redeem", commit=True))
    with pytest.raises(OutcomeUnknown) as info:
        clients.redeem()
    assert info.value.code == "HTTP_ERROR"
    assert clients.redeem().repeat
    assert len(clients.sim.state.redemptions_for(clients.sim.demo.codes["single"])) == 1


def test_delay_shorter_than_the_timeout_is_just_slow(clients: Clients) -> None:
    clients.sim.faults.add(Fault("delay", api="redeem", delay_s=0.2))
    started = time.monotonic()
    result = clients.redeem()
    assert time.monotonic() - started >= 0.2
    assert not result.repeat


def test_fault_applies_only_to_its_api_and_times(clients: Clients) -> None:
    clients.sim.faults.add(Fault("system_error", api="cancel", times=2))
    clients.redeem("R1", "multi")  # not affected
    for _ in range(2):
        with pytest.raises(OutcomeUnknown):
            clients.cancel("R1", "multi")
    assert clients.sim.faults.pending() == []
    with pytest.raises(Exception) as info:  # multi needs its quantity: a definite answer now
        clients.alipay.cancel(CancelRequest("R1", "R1", clients.sim.demo.codes["multi"], 2))
    assert getattr(info.value, "code", "") == "INVALID_PARAMETER"


def test_bad_signature_for_any_api_waits_for_a_signed_answer(clients: Clients) -> None:
    clients.sim.faults.add(Fault("bad_signature"))
    clients.redeem()  # TOP: unsigned, the fault is not used up
    assert len(clients.sim.faults.pending()) == 1
    with pytest.raises(SignatureInvalid):
        clients.cancel()


def test_unlimited_fault_until_cleared(clients: Clients) -> None:
    clients.sim.faults.add(Fault("service_unavailable", times=0))
    for rid in ("A1", "A2", "A3"):
        with pytest.raises(OutcomeUnknown):
            clients.redeem(rid)
    clients.sim.faults.clear()
    assert not clients.redeem("A3").repeat


# --- raw HTTP and the control API -----------------------------------------------------------


def _post_fault(wire: SimWire, **fault: object) -> requests.Response:
    return wire.http.post(wire.sim.base_url + "/__sim/faults", json=fault, timeout=5)


def test_control_api_adds_lists_and_clears_faults(wire: SimWire) -> None:
    reply = _post_fault(wire, kind="http_500", api="redeem", times=2)
    assert reply.status_code == 200
    assert reply.json()["faults"][0]["kind"] == "http_500"
    listed = wire.http.get(wire.sim.base_url + "/__sim/faults", timeout=5).json()
    assert len(listed["faults"]) == 1
    cleared = wire.http.delete(wire.sim.base_url + "/__sim/faults", timeout=5)
    assert cleared.json() == {"faults": []}


@pytest.mark.parametrize(
    "bad", [{"kind": "meteor"}, {"kind": "delay", "api": "pay"}, {"kind": "delay", "colour": "red"}]
)
def test_control_api_refuses_bad_faults(wire: SimWire, bad: dict[str, str]) -> None:
    reply = wire.http.post(wire.sim.base_url + "/__sim/faults", json=bad, timeout=5)
    assert reply.status_code == 400 and reply.json()["error"]


def test_raw_http_500_is_an_html_page(wire: SimWire) -> None:
    _post_fault(wire, kind="http_500", api="redeem")
    reply = wire.top(wire.top_params(wire.use_request()))
    assert reply.status_code == 500 and reply.text.startswith("<html>")
    assert wire.sim_state(wire.demo.codes["single"])["redemptions"] == []


def test_raw_drop_response_commits_then_hangs_up(wire: SimWire) -> None:
    _post_fault(wire, kind="drop_response", api="redeem")
    with pytest.raises(requests.ConnectionError):
        wire.top(wire.top_params(wire.use_request()))
    state = wire.sim_state(wire.demo.codes["single"])
    assert len(state["redemptions"]) == 1 and state["remaining"] == 0
    again = wire.redeem()[TOP_NODE]
    assert again["biz_code"] == "TICKET_ALREADY_USED"


def test_raw_timeout_commits_before_sleeping(wire: SimWire) -> None:
    _post_fault(wire, kind="timeout", api="redeem", delay_s=2)
    with pytest.raises(requests.Timeout):
        wire.http.post(wire.sim.top_url, params=wire.top_params(wire.use_request()), timeout=0.3)
    assert wire.sim_state(wire.demo.codes["single"])["status"] == "USED"


def test_raw_bad_signature_is_well_formed_but_wrong(wire: SimWire) -> None:
    _post_fault(wire, kind="bad_signature", api="cancel")
    rid = wire.demo.request_ids["used"]
    reply = wire.alipay(
        wire.alipay_params(
            CANCEL,
            {"request_id": rid, "request_biz_no": rid, "ticket_code": wire.demo.codes["used"]},
        )
    )
    raw, sign = wire.alipay_node(reply, CANCEL)
    assert sign is not None and len(sign) == 344
    assert not rsa_verify(raw, sign, wire.alipay_public, "RSA2")
    assert '"code":"10000"' in raw


@pytest.mark.parametrize(
    ("kind", "sub_code"),
    [("system_error", "isp.SYSTEM_ERROR"), ("ticket_processing", "isp.TICKET_PROCESSING")],
)
def test_raw_top_unknown_outcome_errors(wire: SimWire, kind: str, sub_code: str) -> None:
    wire.sim.faults.add(Fault(kind, api="redeem"))
    err = wire.redeem()["error_response"]
    assert (err["code"], err["msg"], err["sub_code"]) == (15, "Remote service error", sub_code)
    assert err["sub_msg"] in ("系统繁忙", "券已经在处理中")


def test_requests_are_counted_per_gateway(wire: SimWire) -> None:
    assert wire.sim.state.total_requests() == 0
    wire.redeem()
    wire.top(wire.top_params(wire.use_request(), secret="wrong"))
    assert wire.sim.state.total_requests("top") == 2
    assert wire.sim.state.total_requests("alipay") == 0
    wire.sim_state(wire.demo.codes["single"])  # the control API is not a gateway request
    assert wire.sim.state.total_requests() == 2


def test_state_endpoint_and_reset(wire: SimWire) -> None:
    code = wire.demo.codes["multi"]
    wire.redeem("multi", "R1", quantity="4")
    state = wire.sim_state(code)
    assert state["remaining"] == 6 and state["total"] == 10
    assert [r["request_id"] for r in state["redemptions"]] == ["R1"]
    assert wire.http.get(wire.sim.base_url + "/__sim/state", timeout=5).status_code == 400
    assert wire.http.post(wire.sim.base_url + "/__sim/reset", timeout=5).json() == {"ok": True}
    assert wire.sim_state(code)["remaining"] == 10


# --- the command line form ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("http_500", Fault("http_500")),
        ("timeout:redeem:2:3.5", Fault("timeout", "redeem", 2, 3.5)),
        ("system_error::0", Fault("system_error", None, 0)),
        ("bad_signature:*:3", Fault("bad_signature", None, 3)),
    ],
)
def test_fault_specs_parse(spec: str, expected: Fault) -> None:
    assert Fault.parse(spec) == expected


@pytest.mark.parametrize(
    "spec", ["", "meteor", "delay:pay", "delay:redeem:x", "a:b:c:d:e", "delay:redeem:1:-1"]
)
def test_bad_fault_specs_are_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        Fault.parse(spec)
