"""Manager PIN: scrypt hash only, wrong/right, lock-out after 5 that survives a restart."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from pos_app.core.errors import ConfigError, InputInvalid, PinLockedOut, PinRefused
from pos_app.core.pin import LOCKOUT_S, MAX_TRIES, ManagerPins, WrongPin


class FakeClock:
    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clocks() -> tuple[FakeClock, FakeClock]:
    return FakeClock(1000.0), FakeClock(1_700_000_000.0)


@pytest.fixture
def pin_file(tmp_path: Path) -> Path:
    return tmp_path / "home" / "manager_pin.json"


def _pins(path: Path, clocks: tuple[FakeClock, FakeClock]) -> ManagerPins:
    mono, wall = clocks
    return ManagerPins(path, clock=mono, wall_clock=wall)


def _advance(clocks: tuple[FakeClock, FakeClock], seconds: float) -> None:
    for clock in clocks:
        clock.now += seconds


def test_not_set(pin_file: Path, clocks: tuple[FakeClock, FakeClock]) -> None:
    pins = _pins(pin_file, clocks)
    assert not pins.is_set()
    with pytest.raises(PinRefused) as info:
        pins.verify("1234")
    assert info.value.code == "PIN_NOT_SET"


def test_right_and_wrong(pin_file: Path, clocks: tuple[FakeClock, FakeClock]) -> None:
    pins = _pins(pin_file, clocks)
    pins.set_pin("2468", manager="王店长")
    assert pins.is_set()
    assert pins.verify("2468") == "王店长"
    with pytest.raises(WrongPin) as info:
        pins.verify("1357")
    assert isinstance(info.value, PinRefused)
    assert info.value.code == "PIN_WRONG"
    assert info.value.tries_left == MAX_TRIES - 1
    assert "4" in info.value.zh
    assert pins.verify("２４６８") == "王店长"  # full-width digits from an input method
    assert json.loads(pin_file.read_text(encoding="utf-8"))["failures"] == 0  # reset by success


def test_default_manager_name(pin_file: Path, clocks: tuple[FakeClock, FakeClock]) -> None:
    pins = _pins(pin_file, clocks)
    pins.set_pin("0000")
    assert pins.verify("0000") == "manager"


@pytest.mark.parametrize("bad", ["", "123", "1234567890123", "12a4", "12 34", "١٢٣٤"])
def test_pin_format(pin_file: Path, clocks: tuple[FakeClock, FakeClock], bad: str) -> None:
    with pytest.raises(InputInvalid) as info:
        _pins(pin_file, clocks).set_pin(bad)
    assert info.value.code == "PIN_FORMAT"
    assert not pin_file.exists()


def test_manager_name_checked(pin_file: Path, clocks: tuple[FakeClock, FakeClock]) -> None:
    with pytest.raises(InputInvalid) as info:
        _pins(pin_file, clocks).set_pin("1234", manager="  ")
    assert info.value.code == "MANAGER_NAME"


def test_file_holds_only_a_salted_hash(pin_file: Path, clocks: tuple[FakeClock, FakeClock]) -> None:
    pins = _pins(pin_file, clocks)
    pins.set_pin("987654")
    first = json.loads(pin_file.read_text(encoding="utf-8"))
    raw = pin_file.read_text(encoding="utf-8")
    assert "987654" not in raw
    assert first["kdf"] == "scrypt"
    assert (first["n"], first["r"], first["p"]) == (2**14, 8, 1)
    if os.name == "posix":
        assert stat.S_IMODE(pin_file.stat().st_mode) == 0o600
    pins.set_pin("987654")
    second = json.loads(pin_file.read_text(encoding="utf-8"))
    assert first["salt"] != second["salt"]
    assert first["hash"] != second["hash"]
    assert [p.name for p in pin_file.parent.iterdir()] == ["manager_pin.json"]


def _fail(pins: ManagerPins, times: int) -> None:
    for _ in range(times):
        with pytest.raises(WrongPin):
            pins.verify("0000")


def test_lock_out_after_five(pin_file: Path, clocks: tuple[FakeClock, FakeClock]) -> None:
    pins = _pins(pin_file, clocks)
    pins.set_pin("1234")
    _fail(pins, MAX_TRIES - 1)
    with pytest.raises(PinLockedOut) as info:
        pins.verify("0000")
    assert info.value.seconds_left == pytest.approx(LOCKOUT_S)
    # While locked even the right PIN is refused.
    _advance(clocks, 60)
    with pytest.raises(PinLockedOut) as info2:
        pins.verify("1234")
    assert info2.value.seconds_left == pytest.approx(LOCKOUT_S - 60)
    assert pins.seconds_locked() == pytest.approx(LOCKOUT_S - 60)


def test_lock_out_persists_across_restart(
    pin_file: Path, clocks: tuple[FakeClock, FakeClock]
) -> None:
    pins = _pins(pin_file, clocks)
    pins.set_pin("1234")
    _fail(pins, MAX_TRIES - 1)
    with pytest.raises(PinLockedOut):
        pins.verify("0000")
    _advance(clocks, 100)
    restarted = _pins(pin_file, clocks)
    with pytest.raises(PinLockedOut) as info:
        restarted.verify("1234")
    assert info.value.seconds_left == pytest.approx(LOCKOUT_S - 100)


def test_failure_count_persists_across_restart(
    pin_file: Path, clocks: tuple[FakeClock, FakeClock]
) -> None:
    pins = _pins(pin_file, clocks)
    pins.set_pin("1234")
    _fail(pins, 3)
    restarted = _pins(pin_file, clocks)
    with pytest.raises(WrongPin) as info:
        restarted.verify("0000")
    assert info.value.tries_left == 1
    with pytest.raises(PinLockedOut):
        restarted.verify("0000")


def test_unlocks_after_five_minutes(pin_file: Path, clocks: tuple[FakeClock, FakeClock]) -> None:
    pins = _pins(pin_file, clocks)
    pins.set_pin("1234")
    _fail(pins, MAX_TRIES - 1)
    with pytest.raises(PinLockedOut):
        pins.verify("0000")
    _advance(clocks, LOCKOUT_S - 1)
    with pytest.raises(PinLockedOut):
        pins.verify("1234")
    _advance(clocks, 1)
    assert pins.verify("1234") == "manager"
    # A fresh counter after the lock-out: five more tries before the next one.
    _fail(pins, MAX_TRIES - 1)
    with pytest.raises(PinLockedOut):
        pins.verify("0000")


def test_wall_clock_turned_back_does_not_extend_lock(
    pin_file: Path, clocks: tuple[FakeClock, FakeClock]
) -> None:
    pins = _pins(pin_file, clocks)
    pins.set_pin("1234")
    _fail(pins, MAX_TRIES - 1)
    with pytest.raises(PinLockedOut):
        pins.verify("0000")
    _mono, wall = clocks
    wall.now -= 10 * 86400
    with pytest.raises(PinLockedOut) as info:
        _pins(pin_file, clocks).verify("1234")
    assert info.value.seconds_left <= LOCKOUT_S


def test_in_process_lock_ignores_wall_clock_jumps(
    pin_file: Path, clocks: tuple[FakeClock, FakeClock]
) -> None:
    pins = _pins(pin_file, clocks)
    pins.set_pin("1234")
    _fail(pins, MAX_TRIES - 1)
    with pytest.raises(PinLockedOut):
        pins.verify("0000")
    clocks[1].now += 10 * 86400  # someone moves the system clock forward
    with pytest.raises(PinLockedOut):
        pins.verify("1234")


def test_set_pin_clears_lock(pin_file: Path, clocks: tuple[FakeClock, FakeClock]) -> None:
    pins = _pins(pin_file, clocks)
    pins.set_pin("1234")
    _fail(pins, MAX_TRIES - 1)
    with pytest.raises(PinLockedOut):
        pins.verify("0000")
    pins.set_pin("5678")
    assert pins.verify("5678") == "manager"


def test_damaged_file_is_config_error(pin_file: Path, clocks: tuple[FakeClock, FakeClock]) -> None:
    pin_file.parent.mkdir(parents=True)
    pin_file.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        _pins(pin_file, clocks).verify("1234")
    assert info.value.code == "PIN_FILE_INVALID"
    pin_file.write_text('{"manager": "x"}', encoding="utf-8")
    with pytest.raises(ConfigError):
        _pins(pin_file, clocks).is_set()
