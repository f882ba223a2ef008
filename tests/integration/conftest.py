"""Integration fixtures: the local gateway simulator on 127.0.0.1, and clients pointed at it.

``simulator`` is function-scoped (fresh demo state and no faults per test) but reuses one set of
demo keys per session, so starting it takes milliseconds. ``wire`` speaks raw HTTP to it (for
tests of the wire format itself); ``top_client`` / ``alipay_client`` are the product's clients.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sim_wire import SimWire

from pos_app.gateways.alipay import AlipayClient
from pos_app.gateways.keys import load_private_key, load_public_key
from pos_app.gateways.top import TopClient
from pos_app.sandbox import DemoKeys, Simulator

CLIENT_TIMEOUT_S = 1.5


@pytest.fixture(scope="session")
def sim_keys() -> DemoKeys:
    """One set of demo keys for the whole session (RSA generation is the slow part)."""
    return DemoKeys.generate()


@pytest.fixture
def simulator(sim_keys: DemoKeys) -> Iterator[Simulator]:
    sim = Simulator.start(host="127.0.0.1", port=0, data_dir=None, keys=sim_keys)
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture
def wire(simulator: Simulator) -> Iterator[SimWire]:
    w = SimWire(simulator)
    try:
        yield w
    finally:
        w.http.close()


@pytest.fixture
def top_client(simulator: Simulator) -> Iterator[TopClient]:
    demo = simulator.demo
    client = TopClient(
        gateway_url=simulator.top_url,
        app_key=demo.top_app_key,
        app_secret=demo.top_app_secret,
        session_key=demo.top_session,
        timeout_s=CLIENT_TIMEOUT_S,
    )
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def alipay_client(simulator: Simulator) -> Iterator[AlipayClient]:
    demo = simulator.demo
    client = AlipayClient(
        gateway_url=simulator.alipay_url,
        app_id=demo.app_id,
        private_key=load_private_key(demo.app_private_key_b64),
        alipay_public_key=load_public_key(demo.alipay_public_key_b64),
        timeout_s=CLIENT_TIMEOUT_S,
    )
    try:
        yield client
    finally:
        client.close()
