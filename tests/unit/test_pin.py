"""Manager PIN: scrypt hash only, wrong/right, lock-out after 5 that survives a restart.

The record lives in a secret store (here the in-memory one; tests/integration/test_pin_access.py
uses the real keyring); a "restart" is a new ``ManagerPins`` on the same store and folder.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from pos_app.core.errors import InputInvalid, PinLockedOut, PinRefused
from pos_app.core.pin import (
    LOCKOUT_S,
    MAX_TRIES,
    PIN_ENTRY,
    ManagerPins,
    WrongPin,
    WrongPinLockedOut,
)
from pos_app.secrets.memory import MemorySecretStore


class FakeClock:
    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@dataclass
class Till:
    vault: MemorySecretStore
    folder: Path

    @property
    def legacy(self) -> Path:
        return self.folder / "manager_pin.json"

    def record(self) -> dict[str, object]:
        raw = self.vault.get(PIN_ENTRY)
        assert raw is not None
        data: dict[str, object] = json.loads(raw)
        return data


@pytest.fixture
def clocks() -> tuple[FakeClock, FakeClock]:
    return FakeClock(1000.0), FakeClock(1_700_000_000.0)


@pytest.fixture
def till(tmp_path: Path) -> Till:
    return Till(MemorySecretStore(), tmp_path / "home")


def _pins(till: Till, clocks: tuple[FakeClock, FakeClock]) -> ManagerPins:
    mono, wall = clocks
    return ManagerPins(
        till.vault,
        till.folder / "manager_pin.lock",
        legacy_file=till.legacy,
        clock=mono,
        wall_clock=wall,
    )


def _advance(clocks: tuple[FakeClock, FakeClock], seconds: float) -> None:
    for clock in clocks:
        clock.now += seconds


def test_not_set(till: Till, clocks: tuple[FakeClock, FakeClock]) -> None:
    pins = _pins(till, clocks)
    assert not pins.is_set()
    with pytest.raises(PinRefused) as info:
        pins.verify("1234")
    assert info.value.code == "PIN_NOT_SET"


def test_right_and_wrong(till: Till, clocks: tuple[FakeClock, FakeClock]) -> None:
    pins = _pins(till, clocks)
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
    assert till.record()["failures"] == 0  # reset by success


def test_default_manager_name(till: Till, clocks: tuple[FakeClock, FakeClock]) -> None:
    pins = _pins(till, clocks)
    pins.set_pin("0000")
    assert pins.verify("0000") == "manager"


@pytest.mark.parametrize("bad", ["", "123", "1234567890123", "12a4", "12 34", "١٢٣٤"])
def test_pin_format(till: Till, clocks: tuple[FakeClock, FakeClock], bad: str) -> None:
    with pytest.raises(InputInvalid) as info:
        _pins(till, clocks).set_pin(bad)
    assert info.value.code == "PIN_FORMAT"
    assert till.vault.get(PIN_ENTRY) is None


def test_manager_name_checked(till: Till, clocks: tuple[FakeClock, FakeClock]) -> None:
    with pytest.raises(InputInvalid) as info:
        _pins(till, clocks).set_pin("1234", manager="  ")
    assert info.value.code == "MANAGER_NAME"


def test_record_holds_only_a_salted_hash(till: Till, clocks: tuple[FakeClock, FakeClock]) -> None:
    pins = _pins(till, clocks)
    pins.set_pin("987654")
    first = till.record()
    assert "987654" not in json.dumps(first)
    assert first["kdf"] == "scrypt"
    assert (first["n"], first["r"], first["p"]) == (2**14, 8, 1)
    pins.set_pin("987654")
    second = till.record()
    assert first["salt"] != second["salt"]
    assert first["hash"] != second["hash"]
    # Nothing about the PIN is in the app's folder: only the (empty) cross-process lock file.
    assert [p.name for p in till.folder.iterdir()] == ["manager_pin.lock"]
    assert (till.folder / "manager_pin.lock").read_bytes() == b""


def _fail(pins: ManagerPins, times: int) -> None:
    for _ in range(times):
        with pytest.raises(WrongPin):
            pins.verify("0000")


def test_lock_out_after_five(till: Till, clocks: tuple[FakeClock, FakeClock]) -> None:
    pins = _pins(till, clocks)
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


def test_lock_out_persists_across_restart(till: Till, clocks: tuple[FakeClock, FakeClock]) -> None:
    pins = _pins(till, clocks)
    pins.set_pin("1234")
    _fail(pins, MAX_TRIES - 1)
    with pytest.raises(PinLockedOut):
        pins.verify("0000")
    _advance(clocks, 100)
    restarted = _pins(till, clocks)
    with pytest.raises(PinLockedOut) as info:
        restarted.verify("1234")
    assert info.value.seconds_left == pytest.approx(LOCKOUT_S - 100)


def test_failure_count_persists_across_restart(
    till: Till, clocks: tuple[FakeClock, FakeClock]
) -> None:
    pins = _pins(till, clocks)
    pins.set_pin("1234")
    _fail(pins, 3)
    restarted = _pins(till, clocks)
    with pytest.raises(WrongPin) as info:
        restarted.verify("0000")
    assert info.value.tries_left == 1
    with pytest.raises(PinLockedOut):
        restarted.verify("0000")


def test_unlocks_after_five_minutes(till: Till, clocks: tuple[FakeClock, FakeClock]) -> None:
    pins = _pins(till, clocks)
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
    till: Till, clocks: tuple[FakeClock, FakeClock]
) -> None:
    pins = _pins(till, clocks)
    pins.set_pin("1234")
    _fail(pins, MAX_TRIES - 1)
    with pytest.raises(PinLockedOut):
        pins.verify("0000")
    _mono, wall = clocks
    wall.now -= 10 * 86400
    with pytest.raises(PinLockedOut) as info:
        _pins(till, clocks).verify("1234")
    assert info.value.seconds_left <= LOCKOUT_S


def test_in_process_lock_ignores_wall_clock_jumps(
    till: Till, clocks: tuple[FakeClock, FakeClock]
) -> None:
    pins = _pins(till, clocks)
    pins.set_pin("1234")
    _fail(pins, MAX_TRIES - 1)
    with pytest.raises(PinLockedOut):
        pins.verify("0000")
    clocks[1].now += 10 * 86400  # someone moves the system clock forward
    with pytest.raises(PinLockedOut):
        pins.verify("1234")


def test_set_pin_clears_lock(till: Till, clocks: tuple[FakeClock, FakeClock]) -> None:
    pins = _pins(till, clocks)
    pins.set_pin("1234")
    _fail(pins, MAX_TRIES - 1)
    with pytest.raises(PinLockedOut):
        pins.verify("0000")
    pins.set_pin("5678")
    assert pins.verify("5678") == "manager"


def test_damaged_record_is_refused_naming_the_recovery(
    till: Till, clocks: tuple[FakeClock, FakeClock]
) -> None:
    for damaged in (
        "{not json",
        '{"manager": "x"}',
        json.dumps({"manager": "x", "salt": "AA==", "hash": "AA=="}),
    ):
        till.vault.set(PIN_ENTRY, damaged)
        with pytest.raises(PinRefused) as info:
            _pins(till, clocks).verify("1234")
        assert info.value.code == "PIN_RECORD_INVALID"
        assert "pos-app manager reset-pin" in info.value.zh
        assert "pos-app manager reset-pin" in info.value.en
        with pytest.raises(PinRefused):
            _pins(till, clocks).is_set()  # never "no PIN set"


def test_no_keyring_refuses_instead_of_no_pin(
    till: Till, clocks: tuple[FakeClock, FakeClock]
) -> None:
    pins = ManagerPins(None, till.folder / "manager_pin.lock")
    for call in (pins.is_set, pins.seconds_locked, lambda: pins.verify("1234")):
        with pytest.raises(PinRefused) as info:
            call()
        assert info.value.code == "PIN_UNAVAILABLE"
    with pytest.raises(PinRefused):
        pins.set_pin("1234")


def test_missing_pin_is_refused_without_counting(
    till: Till, clocks: tuple[FakeClock, FakeClock]
) -> None:
    pins = _pins(till, clocks)
    pins.set_pin("1234")
    with pytest.raises(PinRefused) as info:
        pins.verify("  ")
    assert info.value.code == "PIN_MISSING"
    assert till.record()["failures"] == 0


def test_editing_the_old_file_does_not_lift_a_lock_out(
    till: Till, clocks: tuple[FakeClock, FakeClock]
) -> None:
    """Before: ``locked_until=0`` in manager_pin.json lifted the lock-out."""
    pins = _pins(till, clocks)
    pins.set_pin("1234")
    _fail(pins, MAX_TRIES - 1)
    with pytest.raises(WrongPinLockedOut):
        pins.verify("0000")
    till.legacy.write_text(
        json.dumps({"manager": "x", "salt": "AA==", "hash": "AA==", "locked_until": 0}),
        encoding="utf-8",
    )
    with pytest.raises(PinLockedOut):
        _pins(till, clocks).verify("1234")
    for path in till.folder.iterdir():  # wiping the whole folder does not help either
        path.unlink()
    with pytest.raises(PinLockedOut):
        _pins(till, clocks).verify("1234")
    assert _pins(till, clocks).is_set()


def test_an_older_pin_file_moves_into_the_keyring_once(
    till: Till, clocks: tuple[FakeClock, FakeClock], tmp_path: Path
) -> None:
    other = Till(MemorySecretStore(), tmp_path / "other")
    _pins(other, clocks).set_pin("2468", manager="王店长")
    till.folder.mkdir(parents=True)
    till.legacy.write_text(json.dumps(other.record()), encoding="utf-8")
    assert _pins(till, clocks).verify("2468") == "王店长"
    assert not till.legacy.exists()
    assert till.record()["manager"] == "王店长"


def test_damaged_older_pin_file_is_refused(till: Till, clocks: tuple[FakeClock, FakeClock]) -> None:
    till.folder.mkdir(parents=True)
    till.legacy.write_text("{not json", encoding="utf-8")
    with pytest.raises(PinRefused) as info:
        _pins(till, clocks).is_set()
    assert info.value.code == "PIN_RECORD_INVALID"


def test_reset_forgets_the_pin_and_its_lock_out(
    till: Till, clocks: tuple[FakeClock, FakeClock]
) -> None:
    pins = _pins(till, clocks)
    pins.set_pin("1234")
    _fail(pins, MAX_TRIES - 1)
    with pytest.raises(PinLockedOut):
        pins.verify("0000")
    pins.reset()
    assert not pins.is_set() and pins.seconds_locked() == 0.0
    pins.set_pin("5678")
    assert pins.verify("5678") == "manager"


def test_a_lock_set_by_another_process_is_seen_by_a_long_running_one(
    till: Till, clocks: tuple[FakeClock, FakeClock]
) -> None:
    gui = _pins(till, clocks)
    gui.set_pin("1234")
    _fail(gui, MAX_TRIES - 1)
    with pytest.raises(PinLockedOut):
        gui.verify("0000")
    _advance(clocks, LOCKOUT_S)
    assert gui.verify("1234") == "manager"  # the lock ran out
    cli = _pins(till, clocks)
    _fail(cli, MAX_TRIES - 1)
    with pytest.raises(PinLockedOut):
        cli.verify("0000")
    with pytest.raises(PinLockedOut):
        gui.verify("1234")  # not fooled by the earlier, expired lock it remembers


def test_parallel_wrong_pins_check_at_most_five(
    till: Till, clocks: tuple[FakeClock, FakeClock]
) -> None:
    """40 tries at once (each its own ``ManagerPins``, as separate processes would be): only
    the file lock orders them, and each try is counted before scrypt runs."""
    _pins(till, clocks).set_pin("1234")
    barrier = threading.Barrier(40)
    outcomes: list[str] = []

    def attempt() -> None:
        pins = _pins(till, clocks)
        barrier.wait()
        try:
            pins.verify("0000")
        except PinRefused as exc:
            outcomes.append("checked" if getattr(exc, "checked", False) else exc.code)

    threads = [threading.Thread(target=attempt) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("checked") == MAX_TRIES
    assert outcomes.count("PIN_LOCKED") == 40 - MAX_TRIES
    assert _pins(till, clocks).seconds_locked() == pytest.approx(LOCKOUT_S)
