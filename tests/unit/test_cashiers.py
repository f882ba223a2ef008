"""Cashiers: list and PINs in the secret store, 4–6 digit PINs, the manager PIN's lock-out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pos_app.core.cashiers import (
    LIST_ENTRY,
    CashierLockedOut,
    CashierRegistry,
    WrongCashierPin,
    WrongCashierPinLockedOut,
    pin_entry,
)
from pos_app.core.errors import InputInvalid, PinRefused
from pos_app.core.pin import LOCKOUT_S, MAX_TRIES, PIN_ENTRY, ManagerPins
from pos_app.secrets.memory import MemorySecretStore


class Clock:
    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def _registry(vault: MemorySecretStore | None, folder: Path, mono: Clock | None = None,
              wall: Clock | None = None) -> CashierRegistry:  # fmt: skip
    return CashierRegistry(
        vault, folder / "cashiers.lock", folder / "cashier_pin.lock",
        clock=mono or Clock(100.0), wall_clock=wall or Clock(1_700_000_000.0),
    )  # fmt: skip


def test_a_cashier_pin_is_kept_only_as_a_salted_scrypt_verifier(tmp_path: Path) -> None:
    vault = MemorySecretStore()
    reg = _registry(vault, tmp_path)
    li = reg.add(" 小李 ", "2468")
    assert (li.name, li.active) == ("小李", True)
    record = json.loads(vault.get(pin_entry(li.id)) or "")
    assert record["kdf"] == "scrypt" and "2468" not in json.dumps(record)
    assert len(record["salt"]) >= 20 and record["hash"]
    assert reg.verify("小李", "2468") == li
    assert [c.name for c in reg.all()] == ["小李"]
    assert list(tmp_path.iterdir()) == [] or all(p.suffix == ".lock" for p in tmp_path.iterdir())


@pytest.mark.parametrize(
    ("name", "pin", "code"),
    [
        ("小李", "123", "CASHIER_PIN_FORMAT"),
        ("小李", "1234567", "CASHIER_PIN_FORMAT"),
        ("小李", "12a4", "CASHIER_PIN_FORMAT"),
        ("", "1234", "CASHIER_NAME"),
        ("名" * 17, "1234", "CASHIER_NAME"),
        ("a\x07b", "1234", "CASHIER_NAME"),
    ],
)
def test_bad_names_and_pins_are_refused_with_a_clear_message(
    tmp_path: Path, name: str, pin: str, code: str
) -> None:
    vault = MemorySecretStore()
    with pytest.raises(InputInvalid) as caught:
        _registry(vault, tmp_path).add(name, pin)
    assert caught.value.code == code
    assert caught.value.zh and caught.value.en and "收银员" in caught.value.zh
    assert vault.get(LIST_ENTRY) is None  # nothing written


def test_names_are_unique_and_a_disabled_cashier_cannot_sign_in(tmp_path: Path) -> None:
    reg = _registry(MemorySecretStore(), tmp_path)
    reg.add("小李", "2468")
    with pytest.raises(InputInvalid) as dup:
        reg.add("小李", "1357")
    assert dup.value.code == "CASHIER_EXISTS"
    reg.set_active("小李", False)
    assert reg.active() == []
    with pytest.raises(PinRefused) as refused:
        reg.verify("小李", "2468")
    assert refused.value.code == "CASHIER_DISABLED"
    with pytest.raises(InputInvalid) as unknown:
        reg.verify("小王", "2468")
    assert unknown.value.code == "CASHIER_UNKNOWN"


def test_wrong_pins_lock_one_cashier_out_like_the_manager_pin(tmp_path: Path) -> None:
    vault, mono, wall = MemorySecretStore(), Clock(100.0), Clock(1_700_000_000.0)
    reg = _registry(vault, tmp_path, mono, wall)
    reg.add("小李", "2468")
    reg.add("小王", "1357")
    for left in range(MAX_TRIES - 1, 0, -1):
        with pytest.raises(WrongCashierPin) as wrong:
            reg.verify("小李", "0000")
        assert wrong.value.tries_left == left and f"再试 {left} 次" in wrong.value.zh
    with pytest.raises(WrongCashierPinLockedOut):
        reg.verify("小李", "0000")
    with pytest.raises(CashierLockedOut) as locked:
        reg.verify("小李", "2468")  # the right PIN is not even checked while locked
    assert locked.value.code == "CASHIER_PIN_LOCKED" and "锁定" in locked.value.zh
    assert reg.verify("小王", "1357").name == "小王"  # the others still sign in
    # A restart (new registry on the same keyring) keeps the lock; it ends after LOCKOUT_S.
    again = _registry(vault, tmp_path, Clock(5.0), wall)
    assert again.seconds_locked("小李") == pytest.approx(LOCKOUT_S)
    wall.now += LOCKOUT_S + 1
    assert _registry(vault, tmp_path, Clock(9.0), wall).verify("小李", "2468").name == "小李"


def test_cashiers_never_touch_the_manager_pin(tmp_path: Path) -> None:
    vault = MemorySecretStore()
    manager = ManagerPins(vault, tmp_path / "manager_pin.lock")
    manager.set_pin("97531", "店长")
    _registry(vault, tmp_path).add("小李", "2468")
    assert manager.verify("97531") == "店长"
    assert vault.get(PIN_ENTRY) is not None


def test_no_keyring_means_no_cashiers_and_a_damaged_list_refuses(tmp_path: Path) -> None:
    assert _registry(None, tmp_path).all() == []
    with pytest.raises(PinRefused) as no_vault:
        _registry(None, tmp_path).add("小李", "2468")
    assert no_vault.value.code == "PIN_UNAVAILABLE"
    vault = MemorySecretStore({LIST_ENTRY: '{"version": 1, "cashiers": [{"id": "x"}]}'})
    with pytest.raises(PinRefused) as damaged:
        _registry(vault, tmp_path).all()
    assert damaged.value.code == "CASHIER_LIST_INVALID"
