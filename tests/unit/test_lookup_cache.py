"""VoucherLookup: the code rules before anything is sent, and a cache of a few seconds."""

from __future__ import annotations

import pytest

from pos_app.core.errors import ConfigError, InputInvalid
from pos_app.core.lookup import VoucherLookup
from pos_app.core.models import VoucherInfo

CODE = "286501038830"


class Gateway:
    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def query(self, code: str, shop_id: str) -> VoucherInfo:
        self.asked.append((code, shop_id))
        return VoucherInfo(code, status="EFFECTIVE", available_quantity=len(self.asked))


def test_answers_are_cached_for_a_few_seconds_and_dropped_on_forget() -> None:
    gateway, now = Gateway(), [100.0]
    lookup = VoucherLookup(lambda: gateway, ttl_s=5.0, monotonic=lambda: now[0])
    assert lookup.lookup("2865-0103-8830", "S1").available_quantity == 1
    now[0] += 4.9
    assert lookup.lookup(CODE, "S1").available_quantity == 1  # cached
    now[0] += 0.2
    assert lookup.lookup(CODE, "S1").available_quantity == 2  # expired: asked again
    lookup.forget(CODE)
    assert lookup.lookup(CODE, "S1").available_quantity == 3
    assert lookup.lookup(CODE, "S2").available_quantity == 4  # per shop
    assert gateway.asked == [(CODE, "S1")] * 3 + [(CODE, "S2")]


@pytest.mark.parametrize(
    ("raw", "code"),
    [("", "CODE_EMPTY"), ("GAL358309629", "LOOKUP_CODE_TYPE"), ("1234", "LOOKUP_CODE_TYPE")],
)
def test_bad_codes_are_refused_before_asking(raw: str, code: str) -> None:
    gateway = Gateway()
    with pytest.raises(InputInvalid) as err:
        VoucherLookup(lambda: gateway).lookup(raw, "S1")
    assert err.value.code == code
    assert gateway.asked == []


def test_no_shop_id_is_a_settings_error() -> None:
    gateway = Gateway()
    with pytest.raises(ConfigError):
        VoucherLookup(lambda: gateway).lookup(CODE, "")
    assert gateway.asked == []
