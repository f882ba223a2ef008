"""The manager PIN: a slow salted hash (scrypt), with lock-out after repeated failures.

The record lives in the OS keyring (entry ``manager-pin`` of the app's keyring service), not in
the app's folder: the till's OS user is the cashier, and a text edit of a file there must neither
lift a lock-out nor make the app think that no PIN is set. The record (JSON)::

    {"version": 1, "manager": "店长", "kdf": "scrypt", "n": 16384, "r": 8, "p": 1,
     "salt": "<base64, 16 bytes>", "hash": "<base64, 32 bytes>",
     "failures": 0, "locked_until": 0.0}

Every try is *counted before it is checked*, under a cross-process file lock, and the count is
cleared again when the PIN was right; so parallel ``pos-app`` commands cannot all run scrypt
against the same "0 failures" (at most ``MAX_TRIES`` are ever checked before the lock-out).
The fifth counted try locks verification for five minutes; ``locked_until`` (wall-clock epoch
seconds) is kept in the record, so restarting the app neither resets the counter nor lifts the
lock. Within one process the lock is timed on the monotonic clock (so a changed system clock does
not shorten it); a lock read from the record is never longer than ``LOCKOUT_S``.

Fail closed: no keyring, an unreadable keyring or a damaged record refuse (``PinRefused``), never
"no PIN set". A forgotten PIN or a damaged record is fixed only by ``pos-app manager reset-pin``,
which also wipes the gateway keys (they must be imported again). An older ``manager_pin.json``
(``legacy_file``) is moved into the keyring once, when the keyring has no record yet.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hmac
import json
import logging
import os
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from pos_app.core.errors import ConfigError, InputInvalid, PinLockedOut, PinRefused
from pos_app.core.files import exclusive_lock
from pos_app.core.messages import Message
from pos_app.core.secret_store import SecretStore

logger = logging.getLogger(__name__)

MAX_TRIES = 5
LOCKOUT_S = 300.0
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
PIN_ENTRY = "manager-pin"
RESET_COMMAND = "pos-app manager reset-pin"
_PIN = re.compile(r"[0-9]{4,12}")
_MAX_MANAGER_LEN = 32
_MAX_SCRYPT_N = 2**20  # a forged record must not make every check take minutes

T = TypeVar("T")


class WrongPin(PinRefused):
    """A wrong PIN (code "PIN_WRONG"); ``tries_left`` before the lock-out."""

    code = "PIN_WRONG"
    checked = True  # scrypt ran on it (the audit trail says so)

    def __init__(self, tries_left: int) -> None:
        self.tries_left = tries_left
        message = Message(
            f"店长密码不正确，还可以再试 {tries_left} 次。",
            f"Wrong manager PIN; {tries_left} tries left.",
        )
        super().__init__(type(self).code, f"tries_left={tries_left}", message)


class WrongPinLockedOut(PinLockedOut):
    """The last allowed try was wrong: it was checked, and it started the lock-out."""

    checked = True


def pin_record_invalid(detail: str) -> PinRefused:
    """The record is damaged or was altered: refuse, and name the recovery command."""
    return PinRefused("PIN_RECORD_INVALID", detail)


@dataclass(frozen=True)
class _Record:
    manager: str
    salt: str
    hash: str
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P
    failures: int = 0
    locked_until: float = 0.0
    kdf: str = "scrypt"
    version: int = 1


def normalize_pin(pin: str) -> str:
    """Full-width digits from an input method count as digits; spaces around are ignored."""
    return unicodedata.normalize("NFKC", pin).strip()


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=HASH_BYTES, n=n, r=r, p=p).derive(pin.encode("ascii"))


class ManagerPins:
    """The manager PIN kept in ``vault`` (``None``: no keyring, so every check is refused).

    ``lock_file`` serialises the failure counter between processes. ``clock`` is monotonic
    seconds (lock-out timing inside this process); ``wall_clock`` is epoch seconds (the lock-out
    kept in the record). Both are injectable for tests. ``entry`` is the keyring entry of the
    record: a subclass (``core.cashiers.CashierPin``) keeps a cashier's PIN the same way, with
    its own PIN rule and texts (the class attributes below).
    """

    pin_rule: re.Pattern[str] = _PIN
    format_error = ("PIN_FORMAT", "4..12 digits")
    name_error = ("MANAGER_NAME", f"1..{_MAX_MANAGER_LEN} characters")
    role = "manager"

    def __init__(
        self,
        vault: SecretStore | None,
        lock_file: Path,
        *,
        legacy_file: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        entry: str = PIN_ENTRY,
    ) -> None:
        self._vault = vault
        self.entry = entry
        self.lock_file = Path(lock_file)
        self.legacy_file = legacy_file
        self._clock = clock
        self._wall = wall_clock
        self._lock = threading.Lock()
        # The monotonic end of a lock-out seen in this process, and the record value it is for.
        self._deadline: float | None = None
        self._deadline_for = 0.0

    def is_set(self) -> bool:
        with self._guard():
            return self._load() is not None

    def manager(self) -> str | None:
        with self._guard():
            record = self._load()
        return None if record is None else record.manager

    def set_pin(self, pin: str, manager: str = "manager") -> None:
        """Set (or replace) the PIN; clears failures and any lock-out.

        Callers gate a *replacement* behind ``verify`` of the current PIN.
        """
        pin = normalize_pin(pin)
        if not self.pin_rule.fullmatch(pin):
            raise InputInvalid(self.format_error[0], "pin", self.format_error[1])
        name = manager.strip()
        if not name or len(name) > _MAX_MANAGER_LEN or not name.isprintable():
            raise InputInvalid(self.name_error[0], self.role, self.name_error[1])
        salt = os.urandom(SALT_BYTES)
        digest = _derive(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        record = _Record(manager=name, salt=_b64(salt), hash=_b64(digest))
        with self._guard():
            self._save(record)
            self._deadline = None
        logger.info("%s PIN set for %s", self.role, name)

    def reset(self) -> None:
        """Forget the PIN (and any lock-out). Only ``pos-app manager reset-pin`` calls this,
        after it wiped the gateway keys, so a reset never leaves the old keys usable."""
        vault = self._need_vault()
        with self._guard():
            _vault_call(lambda: vault.delete(self.entry))
            self._drop_legacy()
            self._deadline = None
        logger.warning("%s PIN reset", self.role)

    def seconds_locked(self) -> float:
        """Seconds left of a lock-out, 0.0 when not locked."""
        with self._guard():
            record = self._load()
            return 0.0 if record is None else self._seconds_left(record)

    def verify(self, pin: str) -> str:
        """The manager's name for the right PIN.

        Raises ``PinRefused`` with code "PIN_NOT_SET", "PIN_MISSING", "PIN_UNAVAILABLE" (no
        keyring) or "PIN_RECORD_INVALID"; ``PinLockedOut(seconds_left)`` (no PIN is checked while
        locked; ``WrongPinLockedOut`` when this wrong try started the lock) or ``WrongPin``.
        """
        pin = normalize_pin(pin)
        if not pin:
            raise PinRefused("PIN_MISSING")
        record, failures = self._count_try()
        if self._matches(record, pin):
            self._clear_failures(record)
            logger.info("%s PIN accepted for %s", self.role, record.manager)
            return record.manager
        if failures >= MAX_TRIES:
            logger.warning("PIN locked for %.0f s after %d wrong tries", LOCKOUT_S, failures)
            raise self.locked_out(LOCKOUT_S)
        logger.warning("wrong %s PIN (%d of %d)", self.role, failures, MAX_TRIES)
        raise self.wrong_pin(MAX_TRIES - failures)

    def wrong_pin(self, tries_left: int) -> PinRefused:
        """The error for a wrong PIN (a subclass names its own role in the text)."""
        return WrongPin(tries_left)

    def locked_out(self, seconds_left: float) -> PinLockedOut:
        """The error when this wrong try started the lock-out."""
        return WrongPinLockedOut(seconds_left)

    def still_locked(self, seconds_left: float) -> PinLockedOut:
        """The error for a try while locked (no PIN is checked)."""
        return PinLockedOut(seconds_left)

    # --- internals -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """This process's threads and every other process on this till, one at a time."""
        with self._lock:
            try:
                with exclusive_lock(self.lock_file):
                    yield
            except OSError as exc:
                raise ConfigError("PIN_LOCK_FAILED", f"{self.lock_file}: {exc.strerror}") from None

    def _count_try(self) -> tuple[_Record, int]:
        """Write the try down before scrypt runs; the fifth one locks for the next tries."""
        with self._guard():
            record = self._load()
            if record is None:
                raise PinRefused("PIN_NOT_SET")
            left = self._seconds_left(record)
            if left > 0:
                raise self.still_locked(left)
            failures = record.failures + 1
            if failures >= MAX_TRIES:
                locked_until = self._wall() + LOCKOUT_S
                self._save(replace(record, failures=0, locked_until=locked_until))
                self._deadline, self._deadline_for = self._clock() + LOCKOUT_S, locked_until
            else:
                self._save(replace(record, failures=failures))
        return record, failures

    def _clear_failures(self, checked: _Record) -> None:
        with self._guard():
            current = self._load()
            if current is None or current.hash != checked.hash:
                return  # the PIN was replaced or reset meanwhile: that write stands
            if current.failures or current.locked_until:
                self._save(replace(current, failures=0, locked_until=0.0))
            self._deadline = None

    def _matches(self, record: _Record, pin: str) -> bool:
        salt, expected = _unb64(record.salt), _unb64(record.hash)
        # Always run the KDF (even for a malformed PIN) so timing says nothing about the input.
        candidate = pin if self.pin_rule.fullmatch(pin) else "0000"
        actual = _derive(candidate, salt, record.n, record.r, record.p)
        return hmac.compare_digest(actual, expected) and candidate == pin

    def _seconds_left(self, record: _Record) -> float:
        if not record.locked_until:
            self._deadline = None
            return 0.0
        if self._deadline is None or self._deadline_for != record.locked_until:
            from_record = min(max(record.locked_until - self._wall(), 0.0), LOCKOUT_S)
            self._deadline = self._clock() + from_record
            self._deadline_for = record.locked_until
        return max(self._deadline - self._clock(), 0.0)

    def _need_vault(self) -> SecretStore:
        if self._vault is None:
            raise PinRefused("PIN_UNAVAILABLE", "no OS keyring")
        return self._vault

    def _load(self) -> _Record | None:
        vault = self._need_vault()
        raw = _vault_call(lambda: vault.get(self.entry))
        if raw is None:
            return self._migrate_legacy(vault)
        return _parse(raw, "keyring record")

    def _save(self, record: _Record) -> None:
        vault = self._need_vault()
        text = json.dumps(asdict(record), ensure_ascii=False, sort_keys=True)
        _vault_call(lambda: vault.set(self.entry, text))

    def _migrate_legacy(self, vault: SecretStore) -> _Record | None:
        """An older install kept the record in a file: move it into the keyring, once."""
        if self.legacy_file is None:
            return None
        try:
            raw = self.legacy_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise pin_record_invalid(f"{self.legacy_file}: {type(exc).__name__}") from None
        record = _parse(raw, str(self.legacy_file))
        text = json.dumps(asdict(record), ensure_ascii=False, sort_keys=True)
        _vault_call(lambda: vault.set(self.entry, text))
        self._drop_legacy()
        logger.warning("manager PIN moved from %s into the OS keyring", self.legacy_file)
        return record

    def _drop_legacy(self) -> None:
        if self.legacy_file is not None:
            with contextlib.suppress(FileNotFoundError):
                self.legacy_file.unlink()


def _vault_call(action: Callable[[], T]) -> T:
    """Keyring trouble means the PIN cannot be checked: refuse (never "no PIN set")."""
    try:
        return action()
    except ConfigError as exc:  # NO_KEYRING, KEYRING_ERROR, SECRET_CORRUPT
        raise PinRefused("PIN_UNAVAILABLE", exc.code) from None


def _parse(raw: str, where: str) -> _Record:
    try:
        data: Any = json.loads(raw)
        record = _Record(**data)
        _check_record(record)
    except (ValueError, TypeError) as exc:
        raise pin_record_invalid(f"{where}: {type(exc).__name__}") from None
    return record


def _check_record(record: _Record) -> None:
    if record.kdf != "scrypt" or record.version != 1:
        raise ValueError("unknown PIN record version")
    numbers = (record.n, record.r, record.p, record.failures)
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in numbers):
        raise ValueError("bad numbers")
    if not 2 <= record.n <= _MAX_SCRYPT_N or not 1 <= record.r <= 32 or not 1 <= record.p <= 4:
        raise ValueError("scrypt parameters out of range")
    if not isinstance(record.locked_until, int | float) or not isinstance(record.manager, str):
        raise ValueError("bad fields")
    if len(_unb64(record.salt)) < SALT_BYTES or len(_unb64(record.hash)) != HASH_BYTES:
        raise ValueError("bad salt or hash")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise ValueError("bad base64") from None
