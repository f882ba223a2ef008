"""A retry re-sends exactly what was journaled: payload → request → payload is lossless."""

from __future__ import annotations

import json

import pytest

from pos_app.core.models import CancelRequest, CodeType, RedeemRequest, ShopType, SyncRequest
from pos_app.core.service import _payload, _request

ORDER_NO = "20180404111040030100130500594477"
REQUESTS = [
    RedeemRequest("R1", "016569843362", 2, "shop-1", ShopType.EXTERNAL, "2026-01-01 08:00:00"),
    RedeemRequest("R2", "GAL358309629", 1, "shop-1"),
    CancelRequest("R1", "R1", "016569843362"),  # no quantity: not sent at all
    CancelRequest("R3", "R3", "EXT2024A0001", 3, ORDER_NO, CodeType.EXTERNAL),
    SyncRequest("S1", "GAL358309629", 0, ORDER_NO, CodeType.EXTERNAL),
]


@pytest.mark.parametrize("req", REQUESTS, ids=lambda r: type(r).__name__)
def test_payload_round_trips_through_the_journal_as_json(
    req: RedeemRequest | CancelRequest | SyncRequest,
) -> None:
    stored = json.loads(json.dumps(_payload(req)))  # what the SQLite journal keeps
    assert all(isinstance(v, str) for v in stored.values())
    assert _request(type(req), stored) == req


def test_enums_are_stored_by_their_wire_value() -> None:
    stored = _payload(REQUESTS[0])
    assert stored["shop_type"] == "EXTERNAL_SHOP"
    assert stored["quantity"] == "2"
    assert _payload(REQUESTS[2])["quantity"] == ""
