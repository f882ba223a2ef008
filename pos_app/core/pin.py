"""The manager PIN: a slow salted hash (scrypt), with lock-out after repeated failures.

File (JSON, mode 0600, written crash-safely)::

    {"version": 1, "manager": "店长", "kdf": "scrypt", "n": 16384, "r": 8, "p": 1,
     "salt": "<base64, 16 bytes>", "hash": "<base64, 32 bytes>",
     "failures": 0, "locked_until": 0.0}

``failures`` counts wrong tries in a row; the fifth locks verification for five minutes and
``locked_until`` (wall-clock epoch seconds) is written down, so restarting the app neither resets
the counter nor lifts the lock. Within one process the lock is timed on the monotonic clock (so a
changed system clock does not shorten it); a lock read from the file is never longer than
``LOCKOUT_S`` even if the system clock was turned back.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import os
import re
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from pos_app.config.home import write_private_file
from pos_app.core.errors import ConfigError, InputInvalid, PinLockedOut, PinRefused
from pos_app.core.messages import Message

logger = logging.getLogger(__name__)

MAX_TRIES = 5
LOCKOUT_S = 300.0
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
_PIN = re.compile(r"[0-9]{4,12}")
_MAX_MANAGER_LEN = 32


class WrongPin(PinRefused):
    """A wrong PIN (code "PIN_WRONG"); ``tries_left`` before the lock-out."""

    code = "PIN_WRONG"

    def __init__(self, tries_left: int) -> None:
        self.tries_left = tries_left
        message = Message(
            f"店长密码不正确，还可以再试 {tries_left} 次。",
            f"Wrong manager PIN; {tries_left} tries left.",
        )
        super().__init__(type(self).code, f"tries_left={tries_left}", message)


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
    """The manager PIN kept in ``path``.

    ``clock`` is monotonic seconds (lock-out timing inside this process); ``wall_clock`` is epoch
    seconds (the lock-out written to the file). Both are injectable for tests.
    """

    def __init__(
        self,
        path: Path,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self._clock = clock
        self._wall = wall_clock
        self._lock = threading.Lock()
        self._deadline: float | None = None  # monotonic end of a lock-out seen in this process

    def is_set(self) -> bool:
        return self._read() is not None

    def manager(self) -> str | None:
        record = self._read()
        return None if record is None else record.manager

    def set_pin(self, pin: str, manager: str = "manager") -> None:
        """Set (or replace) the PIN; clears failures and any lock-out."""
        pin = normalize_pin(pin)
        if not _PIN.fullmatch(pin):
            raise InputInvalid("PIN_FORMAT", "pin", "4..12 digits")
        name = manager.strip()
        if not name or len(name) > _MAX_MANAGER_LEN or not name.isprintable():
            raise InputInvalid("MANAGER_NAME", "manager", f"1..{_MAX_MANAGER_LEN} characters")
        salt = os.urandom(SALT_BYTES)
        digest = _derive(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        record = _Record(manager=name, salt=_b64(salt), hash=_b64(digest))
        with self._lock:
            self._write(record)
            self._deadline = None
        logger.info("manager PIN set for %s", name)

    def seconds_locked(self) -> float:
        """Seconds left of a lock-out, 0.0 when not locked."""
        record = self._read()
        return 0.0 if record is None else self._seconds_left(record)

    def verify(self, pin: str) -> str:
        """The manager's name for the right PIN.

        Raises ``PinRefused("PIN_NOT_SET")``, ``PinLockedOut(seconds_left)`` (no PIN is checked
        while locked) or ``WrongPin`` (a ``PinRefused`` with code "PIN_WRONG" and ``tries_left``).
        """
        with self._lock:
            record = self._read()
            if record is None:
                raise PinRefused("PIN_NOT_SET")
            left = self._seconds_left(record)
            if left > 0:
                raise PinLockedOut(left)
            if self._matches(record, normalize_pin(pin)):
                if record.failures or record.locked_until:
                    self._write(replace(record, failures=0, locked_until=0.0))
                self._deadline = None
                logger.info("manager PIN accepted for %s", record.manager)
                return record.manager
            return self._refuse(record)

    # --- internals -----------------------------------------------------------------------------

    def _matches(self, record: _Record, pin: str) -> bool:
        salt, expected = _unb64(record.salt, self.path), _unb64(record.hash, self.path)
        # Always run the KDF (even for a malformed PIN) so timing says nothing about the input.
        candidate = pin if _PIN.fullmatch(pin) else "0000"
        actual = _derive(candidate, salt, record.n, record.r, record.p)
        return hmac.compare_digest(actual, expected) and candidate == pin

    def _refuse(self, record: _Record) -> str:
        failures = record.failures + 1
        if failures >= MAX_TRIES:
            self._write(replace(record, failures=0, locked_until=self._wall() + LOCKOUT_S))
            self._deadline = self._clock() + LOCKOUT_S
            logger.warning("PIN locked for %.0f s after %d wrong tries", LOCKOUT_S, failures)
            raise PinLockedOut(LOCKOUT_S)
        self._write(replace(record, failures=failures))
        logger.warning("wrong manager PIN (%d of %d)", failures, MAX_TRIES)
        raise WrongPin(MAX_TRIES - failures)

    def _seconds_left(self, record: _Record) -> float:
        if not record.locked_until:
            self._deadline = None
            return 0.0
        if self._deadline is None:
            from_file = min(max(record.locked_until - self._wall(), 0.0), LOCKOUT_S)
            self._deadline = self._clock() + from_file
        left = self._deadline - self._clock()
        if left <= 0:
            return 0.0
        return left

    def _read(self) -> _Record | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ConfigError("PIN_FILE_INVALID", f"{self.path}: {exc.strerror}") from None
        try:
            data: Any = json.loads(raw.decode("utf-8"))
            record = _Record(**data)
            _check_record(record)
        except (ValueError, TypeError) as exc:
            raise ConfigError("PIN_FILE_INVALID", f"{self.path}: {type(exc).__name__}") from None
        return record

    def _write(self, record: _Record) -> None:
        data = json.dumps(asdict(record), ensure_ascii=False, indent=1, sort_keys=True)
        try:
            write_private_file(self.path, (data + "\n").encode("utf-8"))
        except OSError as exc:
            raise ConfigError("PIN_FILE_INVALID", f"{self.path}: {exc.strerror}") from None


def _check_record(record: _Record) -> None:
    if record.kdf != "scrypt" or record.version != 1:
        raise ValueError("unknown PIN file version")
    numbers = (record.n, record.r, record.p, record.failures)
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in numbers):
        raise ValueError("bad numbers")
    if not isinstance(record.locked_until, int | float) or not isinstance(record.manager, str):
        raise ValueError("bad fields")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, path: Path) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise ConfigError("PIN_FILE_INVALID", f"{path}: bad base64") from None
