"""Secrets in the OS keyring: one entry per secret under the service name "pos_app".

Windows Credential Manager refuses values over about 2,500 bytes (keyring issue #355) and an RSA
PEM private key is longer, so values longer than ``CHUNK_CHARS`` (or that look like a header) are
stored split:

* ``NAME#1`` .. ``NAME#N`` hold consecutive pieces of at most ``CHUNK_CHARS`` characters;
* ``NAME`` holds the header ``pos_app-chunked:v1:<N>:<sha256 hex of the whole value>``,
  written *last*, so a torn write (pieces from two different values) fails the hash check and
  is reported as ``ConfigError("SECRET_CORRUPT")``, never returned as a wrong key.

Short values are stored as they are in ``NAME``. With no keyring backend the store raises
``NoKeyringBackend`` with how-to-fix text; it never falls back to a plain file. Keyring failures
(locked, D-Bus gone) become ``ConfigError("KEYRING_ERROR")``. No message ever contains a value.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import keyring
import keyring.backends.chainer
import keyring.backends.fail
import keyring.errors

from pos_app.core.errors import ConfigError, InputInvalid, NoKeyringBackend, SecretMissing
from pos_app.core.messages import Message
from pos_app.core.secret_store import SECRET_NAMES, SecretStore
from pos_app.gateways.keys import fingerprint, load_private_key, load_public_key

logger = logging.getLogger(__name__)

# Entries the app keeps for itself: never imported by `keys import`, never listed as keys.
INTERNAL_NAMES = ("manager-pin", "cashiers")
# One PIN record per cashier (``core/cashiers.py``), named by the cashier's number.
CASHIER_PIN_NAME = re.compile(r"cashier-pin-[0-9]{1,6}")
DEFAULT_SERVICE = "pos_app"
SERVICE_ENV = "POS_APP_KEYRING_SERVICE"
# 1,000 characters is at most 2,000 bytes as UTF-16 (what the Windows backend stores), under the
# 2,560-byte CRED_MAX_CREDENTIAL_BLOB_SIZE.
CHUNK_CHARS = 1000
HEADER_PREFIX = "pos_app-chunked:v1:"
_HEADER = re.compile(r"pos_app-chunked:v1:([0-9]{1,4}):([0-9a-f]{64})")
_MAX_CHUNKS = 64

T = TypeVar("T")


def no_keyring_help(platform: str | None = None) -> Message:
    """How to get a keyring on this kind of machine, zh_CN and en."""
    plat = platform or sys.platform
    if plat.startswith("win"):
        zh = (
            "本机没有可用的系统密钥库，密钥无法安全保存。请确认 Windows 凭据管理器"
            "（服务 VaultSvc）已启用，然后重新打开本程序。"
        )
        en = (
            "No OS keyring is available, so keys cannot be stored safely. Make sure Windows "
            "Credential Manager (the VaultSvc service) is running, then restart the app."
        )
    elif plat == "darwin":
        zh = (
            "本机没有可用的系统密钥库，密钥无法安全保存。"
            "请在已登录的桌面会话中运行，以便使用钥匙串。"
        )
        en = (
            "No OS keyring is available, so keys cannot be stored safely. Run the app in a "
            "logged-in desktop session so that the macOS Keychain can be used."
        )
    else:
        zh = (
            "本机没有可用的系统密钥库，密钥无法安全保存。请安装并启用 gnome-keyring"
            "（sudo apt install gnome-keyring）或 KWallet，并在桌面会话（D-Bus 会话总线）中运行，"
            "例如 dbus-run-session；程序不会把密钥写入普通文件。"
        )
        en = (
            "No OS keyring is available, so keys cannot be stored safely. Install and enable "
            "gnome-keyring (sudo apt install gnome-keyring) or KWallet, and run the app inside a "
            "desktop session with a D-Bus session bus (e.g. under dbus-run-session). Keys are "
            "never written to a plain file."
        )
    return Message(zh, en)


def _no_backend(detail: str) -> NoKeyringBackend:
    help_text = no_keyring_help()
    return NoKeyringBackend(detail=f"{detail}. {help_text.en}", message=help_text)


def _is_unusable(backend: Any) -> bool:
    if isinstance(backend, keyring.backends.fail.Keyring):
        return True
    if isinstance(backend, keyring.backends.chainer.ChainerBackend):
        return not list(backend.backends)
    # keyring.backends.null.Keyring silently forgets everything: as good as none.
    return type(backend).__module__ == "keyring.backends.null"


def describe_backend(backend: Any) -> str:
    """``module.Class (priority N)``; for the chainer, the backends it chains."""
    cls = type(backend)
    try:
        priority = f"{backend.priority:g}"
    except Exception:  # a broken backend must not break the description
        priority = "?"
    name = f"{cls.__module__}.{cls.__name__} (priority {priority})"
    if isinstance(backend, keyring.backends.chainer.ChainerBackend):
        inner = ", ".join(describe_backend(b) for b in backend.backends)
        name += f" [{inner}]"
    return name


class KeyringSecretStore:
    """The normal secret store. ``backend`` defaults to keyring's configured one."""

    def __init__(
        self,
        service: str = DEFAULT_SERVICE,
        *,
        backend: Any | None = None,
        chunk_chars: int = CHUNK_CHARS,
    ) -> None:
        if chunk_chars < 1:
            raise ValueError("chunk_chars must be positive")
        self.service = service
        self.chunk_chars = chunk_chars
        try:
            self._backend = backend if backend is not None else keyring.get_keyring()
        except keyring.errors.KeyringError as exc:
            raise _no_backend(f"keyring could not start ({type(exc).__name__})") from None
        if _is_unusable(self._backend):
            raise _no_backend(f"no usable keyring backend ({type(self._backend).__name__})")
        self.backend_name = describe_backend(self._backend)

    def __repr__(self) -> str:
        return f"KeyringSecretStore(service={self.service!r}, backend={self.backend_name!r})"

    # --- the SecretStore interface ---------------------------------------------------------

    def get(self, name: str) -> str | None:
        _check_name(name)
        head = self._raw_get(name)
        if head is None:
            return None
        match = _HEADER.fullmatch(head)
        if match is None:
            return head
        count, digest = int(match.group(1)), match.group(2)
        pieces = [self._raw_get(_chunk_name(name, i)) for i in range(1, count + 1)]
        if any(piece is None for piece in pieces):
            raise _corrupt(name, "a piece is missing")
        value = "".join(piece or "" for piece in pieces)
        if not hmac.compare_digest(_sha256(value), digest):
            raise _corrupt(name, "the pieces do not match their checksum (torn write)")
        return value

    def set(self, name: str, value: str) -> None:
        _check_name(name)
        if len(value) <= self.chunk_chars and not value.startswith(HEADER_PREFIX):
            self._raw_set(name, value)
            self._delete_chunks(name, start=1)
            return
        pieces = [value[i : i + self.chunk_chars] for i in range(0, len(value), self.chunk_chars)]
        if len(pieces) > _MAX_CHUNKS:
            raise ConfigError("SECRET_TOO_LONG", f"{name}: more than {_MAX_CHUNKS} pieces")
        for index, piece in enumerate(pieces, start=1):
            self._raw_set(_chunk_name(name, index), piece)
        self._raw_set(name, f"{HEADER_PREFIX}{len(pieces)}:{_sha256(value)}")
        self._delete_chunks(name, start=len(pieces) + 1)
        logger.info("stored secret %s in %d pieces", name, len(pieces))

    def delete(self, name: str) -> None:
        """Remove the secret and all its pieces; deleting a missing secret is not an error."""
        _check_name(name)
        self._raw_delete(name)
        self._delete_chunks(name, start=1)

    # --- raw keyring access, errors translated -------------------------------------------------

    def _call(self, what: str, name: str, action: Callable[[], T]) -> T:
        try:
            return action()
        except keyring.errors.NoKeyringError:
            raise _no_backend("keyring has no backend") from None
        except keyring.errors.KeyringLocked:
            raise _keyring_error(what, name, "the keyring is locked") from None
        except Exception as exc:  # D-Bus, Secret Service and OS errors of every backend
            raise _keyring_error(what, name, type(exc).__name__) from None

    def _raw_get(self, entry: str) -> str | None:
        result = self._call("read", entry, lambda: self._backend.get_password(self.service, entry))
        return None if result is None else str(result)

    def _raw_set(self, entry: str, value: str) -> None:
        self._call("write", entry, lambda: self._backend.set_password(self.service, entry, value))

    def _raw_delete(self, entry: str) -> bool:
        """Delete one entry; False when there was none."""

        def action() -> bool:
            try:
                self._backend.delete_password(self.service, entry)
            except keyring.errors.PasswordDeleteError:
                return False
            return True

        return self._call("delete", entry, action)

    def _delete_chunks(self, name: str, *, start: int) -> None:
        """Delete ``NAME#start``, ``NAME#start+1``, ... up to the first that does not exist."""
        index = start
        while index <= _MAX_CHUNKS + 1 and self._raw_delete(_chunk_name(name, index)):
            index += 1


def _chunk_name(name: str, index: int) -> str:
    return f"{name}#{index}"


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def is_known_name(name: str) -> bool:
    """A gateway key or one of the app's own entries (PIN records, the cashier list)."""
    return name in SECRET_NAMES or name in INTERNAL_NAMES or bool(CASHIER_PIN_NAME.fullmatch(name))


def _check_name(name: str) -> None:
    if not is_known_name(name):
        raise ConfigError("SECRET_UNKNOWN", f"unknown secret name {name!r}")


def _corrupt(name: str, why: str) -> ConfigError:
    logger.error("secret %s in the keyring is damaged: %s", name, why)
    return ConfigError("SECRET_CORRUPT", f"{name}: {why}")


def _keyring_error(what: str, name: str, why: str) -> ConfigError:
    logger.error("keyring %s of %s failed: %s", what, name, why)
    return ConfigError("KEYRING_ERROR", f"keyring {what} of {name} failed: {why}")


def open_secret_store(service: str | None = None) -> KeyringSecretStore:
    """The keyring-backed store, or ``NoKeyringBackend`` saying how to get a keyring.

    ``POS_APP_KEYRING_SERVICE`` names another service (two terminals on one desktop, or tests).
    """
    service = service or os.environ.get(SERVICE_ENV) or DEFAULT_SERVICE
    store = KeyringSecretStore(service)
    logger.info("secrets: keyring backend %s, service %s", store.backend_name, service)
    return store


# --- importing and listing ---------------------------------------------------------------------

_MAX_TOKEN_LEN = 512


def import_secret(store: SecretStore, name: str, text: str) -> str:
    """Validate ``text`` as secret ``name`` and store it; returns a safe summary (no value).

    Keys go through ``load_private_key`` / ``load_public_key`` (``KeyInvalid`` on a bad key);
    other secrets must be 1..512 printable characters without spaces (``InputInvalid``).
    """
    if name not in SECRET_NAMES:
        raise InputInvalid("SECRET_UNKNOWN", "name", f"unknown secret name {name!r}")
    value = text.strip()
    if not value:
        raise InputInvalid("SECRET_EMPTY", name)
    if name == "alipay-private-key":
        private = load_private_key(value)
        summary = f"RSA {private.key_size}-bit private key, public fingerprint "
        summary += fingerprint(private.public_key())
    elif name == "alipay-public-key":
        public = load_public_key(value)
        summary = f"RSA {public.key_size}-bit public key, fingerprint {fingerprint(public)}"
    else:
        spaced = any(ch.isspace() for ch in value)
        if len(value) > _MAX_TOKEN_LEN or not value.isprintable() or spaced:
            raise InputInvalid("SECRET_FORMAT", name, f"{name}: 1..512 characters, no spaces")
        summary = f"{len(value)} characters"
    store.set(name, value)
    logger.info("imported secret %s (%s)", name, summary)
    return summary


def status(store: SecretStore) -> dict[str, bool]:
    """Which secrets are present (never their values). A damaged entry counts as absent."""
    present: dict[str, bool] = {}
    for name in SECRET_NAMES:
        try:
            present[name] = store.get(name) is not None
        except ConfigError as exc:
            if exc.code != "SECRET_CORRUPT":
                raise
            present[name] = False
    return present


def wipe_secrets(store: SecretStore) -> None:
    """Delete every gateway key and token (the manager PIN reset: the old keys must not stay
    usable by whoever reset the PIN)."""
    for name in SECRET_NAMES:
        store.delete(name)
    logger.warning("all gateway keys deleted from %s", store.backend_name)


def require_secret(store: SecretStore, name: str) -> str:
    """The secret's value, or ``SecretMissing`` naming it."""
    value = store.get(name)
    if not value:
        raise SecretMissing(detail=name)
    return value
