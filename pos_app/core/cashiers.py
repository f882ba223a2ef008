"""The till's cashiers: name, active or not, and a 4–6 digit PIN kept as a salted scrypt verifier.

Like the manager PIN (``core/pin.py``) everything lives in the OS keyring, not in the app's
folder, so a cashier editing files there can neither add a cashier, re-enable one, nor lift a
lock-out:

* entry ``cashiers`` — the list, JSON ``{"version": 1, "cashiers": [{"id": 1, "name": "小李",
  "active": true}, ...]}``;
* entry ``cashier-pin-<id>`` — that cashier's PIN record, written and checked by ``CashierPin``,
  which *is* ``ManagerPins`` (same KDF, same count-before-check, same five-tries lock-out) with
  a 4–6 digit rule and cashier texts.

A cashier is never deleted, only disabled: the journal names cashiers, and a name must keep
meaning the same person in old reports. With no keyring at all (``vault`` is ``None``) nobody
can have added a cashier, so the list is empty and the till works as before (single operator);
an unreadable keyring or a damaged list refuses (fail closed) instead.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from pos_app.core.errors import ConfigError, InputInvalid, PinLockedOut, PinRefused
from pos_app.core.files import exclusive_lock
from pos_app.core.messages import Message
from pos_app.core.pin import ManagerPins, WrongPin, WrongPinLockedOut
from pos_app.core.secret_store import SecretStore

logger = logging.getLogger(__name__)

LIST_ENTRY = "cashiers"
MAX_NAME_LEN = 16
_MAX_CASHIERS = 999


@dataclass(frozen=True, slots=True)
class Cashier:
    id: int
    name: str
    active: bool = True


class WrongCashierPin(WrongPin):
    code = "CASHIER_PIN_WRONG"

    def __init__(self, tries_left: int) -> None:
        super().__init__(tries_left)
        self.message = Message(
            f"收银员密码不正确，还可以再试 {tries_left} 次。",
            f"Wrong cashier PIN; {tries_left} tries left.",
        )


class CashierLockedOut(PinLockedOut):
    code = "CASHIER_PIN_LOCKED"


class WrongCashierPinLockedOut(WrongPinLockedOut):
    code = "CASHIER_PIN_LOCKED"


class CashierPin(ManagerPins):
    """One cashier's PIN record: the manager PIN's code with a 4–6 digit rule."""

    pin_rule = re.compile(r"[0-9]{4,6}")
    format_error = ("CASHIER_PIN_FORMAT", "4..6 digits")
    name_error = ("CASHIER_NAME", f"1..{MAX_NAME_LEN} characters")
    role = "cashier"

    def wrong_pin(self, tries_left: int) -> PinRefused:
        return WrongCashierPin(tries_left)

    def locked_out(self, seconds_left: float) -> PinLockedOut:
        return WrongCashierPinLockedOut(seconds_left)

    def still_locked(self, seconds_left: float) -> PinLockedOut:
        return CashierLockedOut(seconds_left)


def pin_entry(cashier_id: int) -> str:
    return f"cashier-pin-{cashier_id}"


def validate_name(name: str) -> str:
    """A cashier's name as shown and journaled: 1..16 printable characters, trimmed."""
    text = " ".join(name.split())
    if not text or len(text) > MAX_NAME_LEN or not text.isprintable():
        raise InputInvalid("CASHIER_NAME", "name", f"1..{MAX_NAME_LEN} printable characters")
    return text


class CashierRegistry:
    """The cashier list and each cashier's PIN, in ``vault`` (``None``: no keyring).

    ``lock_file`` serialises changes of the list between processes; ``pin_lock_file`` the PIN
    checks (their failure counters). Clocks are injectable for tests, as in ``ManagerPins``.
    """

    def __init__(
        self,
        vault: SecretStore | None,
        lock_file: Path,
        pin_lock_file: Path,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._vault = vault
        self._lock_file = Path(lock_file)
        self._pin_lock_file = Path(pin_lock_file)
        self._clock = clock
        self._wall = wall_clock
        self._lock = threading.Lock()  # the list
        self._pins_lock = threading.Lock()  # the PIN objects (taken inside ``_guard`` by ``add``)
        self._pins: dict[int, CashierPin] = {}  # one per cashier, so lock-outs time correctly

    # --- reading ---------------------------------------------------------------------------------

    def all(self) -> list[Cashier]:
        """Every cashier, active or not, in the order they were added."""
        if self._vault is None:
            return []
        with self._guard():
            return self._load()

    def active(self) -> list[Cashier]:
        return [c for c in self.all() if c.active]

    def find(self, name: str) -> Cashier:
        """The cashier called ``name`` (``CASHIER_UNKNOWN`` if none)."""
        wanted = " ".join(name.split())
        for cashier in self.all():
            if cashier.name == wanted:
                return cashier
        raise InputInvalid("CASHIER_UNKNOWN", "name", "no cashier with that name")

    def seconds_locked(self, name: str) -> float:
        return self._pin(self.find(name)).seconds_locked()

    # --- the manager's changes -------------------------------------------------------------------

    def add(self, name: str, pin: str) -> Cashier:
        """A new active cashier. Its PIN record is written before the list names it, so a listed
        cashier always has one."""
        name = validate_name(name)
        vault = self._need_vault()
        with self._guard():
            cashiers = self._load()
            if any(c.name == name for c in cashiers):
                raise InputInvalid("CASHIER_EXISTS", "name", "a cashier with that name exists")
            if len(cashiers) >= _MAX_CASHIERS:
                raise InputInvalid("CASHIER_NAME", "name", f"at most {_MAX_CASHIERS} cashiers")
            cashier = Cashier(max((c.id for c in cashiers), default=0) + 1, name)
            self._pin(cashier, vault).set_pin(pin, manager=name)
            self._save([*cashiers, cashier])
        logger.info("cashier %d added", cashier.id)
        return cashier

    def set_active(self, name: str, active: bool) -> Cashier:
        """Disable (or enable again) a cashier; a disabled one is not offered at 请登录 and its
        PIN is refused."""
        with self._guard():
            cashiers = self._load()
            for i, cashier in enumerate(cashiers):
                if cashier.name == " ".join(name.split()):
                    cashiers[i] = changed = replace(cashier, active=active)
                    self._save(cashiers)
                    logger.info("cashier %d active=%s", cashier.id, active)
                    return changed
        raise InputInvalid("CASHIER_UNKNOWN", "name", "no cashier with that name")

    # --- signing in ------------------------------------------------------------------------------

    def verify(self, name: str, pin: str) -> Cashier:
        """The cashier for the right PIN. Raises ``InputInvalid`` (``CASHIER_UNKNOWN``),
        ``PinRefused`` (``CASHIER_DISABLED``, wrong PIN, lock-out — as ``ManagerPins.verify``)."""
        cashier = self.find(name)
        if not cashier.active:
            raise PinRefused("CASHIER_DISABLED", f"cashier {cashier.id}")
        self._pin(cashier).verify(pin)
        return cashier

    # --- internals -------------------------------------------------------------------------------

    def _pin(self, cashier: Cashier, vault: SecretStore | None = None) -> CashierPin:
        with self._pins_lock:
            found = self._pins.get(cashier.id)
            if found is None:
                found = CashierPin(
                    vault or self._vault, self._pin_lock_file, entry=pin_entry(cashier.id),
                    clock=self._clock, wall_clock=self._wall,
                )  # fmt: skip
                self._pins[cashier.id] = found
            return found

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        with self._lock:
            try:
                with exclusive_lock(self._lock_file):
                    yield
            except OSError as exc:
                raise ConfigError("PIN_LOCK_FAILED", f"{self._lock_file}: {exc.strerror}") from None

    def _need_vault(self) -> SecretStore:
        if self._vault is None:
            raise PinRefused("PIN_UNAVAILABLE", "no OS keyring")
        return self._vault

    def _load(self) -> list[Cashier]:
        vault = self._need_vault()
        try:
            raw = vault.get(LIST_ENTRY)
        except ConfigError as exc:
            raise PinRefused("PIN_UNAVAILABLE", exc.code) from None
        return [] if raw is None else _parse(raw)

    def _save(self, cashiers: list[Cashier]) -> None:
        vault = self._need_vault()
        body = {"version": 1, "cashiers": [asdict(c) for c in cashiers]}
        try:
            vault.set(LIST_ENTRY, json.dumps(body, ensure_ascii=False, sort_keys=True))
        except ConfigError as exc:
            raise PinRefused("PIN_UNAVAILABLE", exc.code) from None


def _parse(raw: str) -> list[Cashier]:
    """The stored list, or ``CASHIER_LIST_INVALID`` (refused, never "no cashiers")."""
    try:
        data: Any = json.loads(raw)
        if data.get("version") != 1:
            raise ValueError("unknown version")
        cashiers = [Cashier(**item) for item in data["cashiers"]]
        for c in cashiers:
            if not isinstance(c.id, int) or not isinstance(c.name, str):
                raise ValueError("bad fields")
            if not isinstance(c.active, bool):
                raise ValueError("bad fields")
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise PinRefused("CASHIER_LIST_INVALID", type(exc).__name__) from None
    return cashiers
