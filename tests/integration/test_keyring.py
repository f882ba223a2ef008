"""Secrets against the real OS keyring (Secret Service under ``make test``), and without one.

``make test`` runs pytest inside ``dbus-run-session -- bash tests/with_keyring.sh`` so an unlocked
gnome-keyring is there. Without a usable Secret Service the real-backend tests skip, except in CI
(``CI`` set), where they fail: CI must not skip them silently.
"""

from __future__ import annotations

import os
import re
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import keyring
import keyring.backends.fail
import keyring.errors
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from pos_app.core.errors import ConfigError, InputInvalid, KeyInvalid, NoKeyringBackend
from pos_app.secrets.memory import MemorySecretStore
from pos_app.secrets.store import (
    CHUNK_CHARS,
    SECRET_NAMES,
    KeyringSecretStore,
    import_secret,
    no_keyring_help,
    open_secret_store,
    require_secret,
    status,
)


def _usable_backend() -> str | None:
    """None when a real keyring answers; otherwise why not."""
    backend = keyring.get_keyring()
    if isinstance(backend, keyring.backends.fail.Keyring):
        return f"no keyring backend ({backend!r})"
    probe = f"pos_app-probe-{uuid.uuid4().hex[:8]}"
    try:
        keyring.set_password(probe, "probe", "x")
        ok = keyring.get_password(probe, "probe") == "x"
        keyring.delete_password(probe, "probe")
    except Exception as exc:
        return f"keyring backend {type(backend).__name__} does not work: {type(exc).__name__}"
    return None if ok else "keyring backend does not return what was stored"


@pytest.fixture
def store() -> Iterator[KeyringSecretStore]:
    """A store on the real backend under a unique service name; cleaned up afterwards."""
    why = _usable_backend()
    if why is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs a real Secret Service for keyring tests: {why}")
        pytest.skip(f"no usable OS keyring (run under make test / with_keyring.sh): {why}")
    service = f"pos_app-test-{uuid.uuid4().hex[:12]}"
    secret_store = KeyringSecretStore(service)
    yield secret_store
    for name in SECRET_NAMES:
        secret_store.delete(name)


def _pem_private_key(bits: int = 4096) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def _raw_entries(service: str, name: str) -> dict[str, str]:
    """Every raw keyring entry of one secret (NAME, NAME#1, ...), read through keyring itself."""
    entries: dict[str, str] = {}
    head = keyring.get_password(service, name)
    if head is not None:
        entries[name] = head
    index = 1
    while (piece := keyring.get_password(service, f"{name}#{index}")) is not None:
        entries[f"{name}#{index}"] = piece
        index += 1
    return entries


# --- the real backend ----------------------------------------------------------------------------


@pytest.mark.keyring
def test_backend_name_says_which(store: KeyringSecretStore) -> None:
    assert re.search(r"\(priority -?[0-9.]+", store.backend_name)
    assert type(keyring.get_keyring()).__name__ in store.backend_name


@pytest.mark.keyring
def test_set_get_delete(store: KeyringSecretStore) -> None:
    assert store.get("top-app-secret") is None
    store.set("top-app-secret", "s3cr3t-値")
    assert store.get("top-app-secret") == "s3cr3t-値"
    assert keyring.get_password(store.service, "top-app-secret") == "s3cr3t-値"
    store.set("top-app-secret", "other")
    assert store.get("top-app-secret") == "other"
    store.delete("top-app-secret")
    assert store.get("top-app-secret") is None
    store.delete("top-app-secret")  # deleting a missing secret is fine


@pytest.mark.keyring
def test_long_pem_key_is_chunked_and_round_trips(store: KeyringSecretStore) -> None:
    pem = _pem_private_key()
    assert len(pem.encode()) > 3000
    store.set("alipay-private-key", pem)
    assert store.get("alipay-private-key") == pem
    raw = _raw_entries(store.service, "alipay-private-key")
    header = raw.pop("alipay-private-key")
    assert pem not in header
    match = re.fullmatch(r"pos_app-chunked:v1:([0-9]+):([0-9a-f]{64})", header)
    assert match is not None
    assert int(match.group(1)) == len(raw) >= 4
    for piece in raw.values():
        assert len(piece) <= CHUNK_CHARS
        assert len(piece.encode("utf-16-le")) <= 2000  # what Windows would store
    assert "".join(raw[f"alipay-private-key#{i}"] for i in range(1, len(raw) + 1)) == pem


@pytest.mark.keyring
def test_shorter_value_removes_old_pieces(store: KeyringSecretStore) -> None:
    store.set("alipay-public-key", "A" * (CHUNK_CHARS * 3 + 1))
    assert len(_raw_entries(store.service, "alipay-public-key")) == 5
    store.set("alipay-public-key", "B" * (CHUNK_CHARS + 1))
    assert len(_raw_entries(store.service, "alipay-public-key")) == 3
    store.set("alipay-public-key", "short")
    assert _raw_entries(store.service, "alipay-public-key") == {"alipay-public-key": "short"}


@pytest.mark.keyring
def test_delete_removes_all_pieces(store: KeyringSecretStore) -> None:
    store.set("alipay-private-key", _pem_private_key(2048))
    assert len(_raw_entries(store.service, "alipay-private-key")) >= 3
    store.delete("alipay-private-key")
    assert _raw_entries(store.service, "alipay-private-key") == {}
    assert keyring.get_password(store.service, "alipay-private-key#1") is None


@pytest.mark.keyring
def test_torn_write_is_detected(store: KeyringSecretStore) -> None:
    store.set("alipay-private-key", "x" * (CHUNK_CHARS * 2 + 5))
    keyring.set_password(store.service, "alipay-private-key#2", "y" * CHUNK_CHARS)
    with pytest.raises(ConfigError) as info:
        store.get("alipay-private-key")
    assert info.value.code == "SECRET_CORRUPT"
    assert "x" * 20 not in str(info.value) and "y" * 20 not in str(info.value)
    keyring.delete_password(store.service, "alipay-private-key#3")
    with pytest.raises(ConfigError):
        store.get("alipay-private-key")
    assert status(store)["alipay-private-key"] is False


@pytest.mark.keyring
def test_value_that_looks_like_a_header_survives(store: KeyringSecretStore) -> None:
    tricky = "pos_app-chunked:v1:1:" + "0" * 64
    store.set("top-session", tricky)
    assert store.get("top-session") == tricky


@pytest.mark.keyring
def test_import_and_status(store: KeyringSecretStore) -> None:
    assert status(store) == dict.fromkeys(SECRET_NAMES, False)
    pem = _pem_private_key(2048)
    summary = import_secret(store, "alipay-private-key", "\n" + pem + "\n")
    assert "2048" in summary and pem not in summary
    public_pem = (
        serialization.load_pem_private_key(pem.encode(), None)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    import_secret(store, "alipay-public-key", public_pem)
    import_secret(store, "top-session", "6100a1b2c3")
    present = status(store)
    assert present == {
        "alipay-private-key": True,
        "alipay-public-key": True,
        "top-app-secret": False,
        "top-session": True,
        "app-auth-token": False,
        "store-db-password": False,
    }
    assert "6100a1b2c3" not in repr(present)
    assert store.get("alipay-private-key") == pem.strip()
    assert require_secret(store, "top-session") == "6100a1b2c3"


@pytest.mark.keyring
def test_import_refuses_bad_values_and_stores_nothing(store: KeyringSecretStore) -> None:
    pem = _pem_private_key(2048)
    with pytest.raises(KeyInvalid):
        import_secret(store, "alipay-private-key", "not a key")
    with pytest.raises(KeyInvalid):
        import_secret(store, "alipay-public-key", pem)  # a private key where the public belongs
    with pytest.raises(InputInvalid) as info:
        import_secret(store, "top-app-secret", "two words")
    assert info.value.code == "SECRET_FORMAT"
    with pytest.raises(InputInvalid) as info:
        import_secret(store, "top-app-secret", "  ")
    assert info.value.code == "SECRET_EMPTY"
    with pytest.raises(InputInvalid) as info:
        import_secret(store, "password", "x")
    assert info.value.code == "SECRET_UNKNOWN"
    assert not any(status(store).values())


@pytest.mark.keyring
def test_open_secret_store_uses_the_real_backend(store: KeyringSecretStore) -> None:
    opened = open_secret_store()
    assert opened.service == "pos_app"
    assert opened.backend_name == store.backend_name


# --- without a backend, and with a failing one (no Secret Service needed) ---------------------


@pytest.fixture
def fail_backend() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def test_no_backend_says_how_to_fix(fail_backend: None) -> None:
    with pytest.raises(NoKeyringBackend) as info:
        open_secret_store()
    err = info.value
    assert err.code == "NO_KEYRING"
    assert isinstance(err, ConfigError)
    if sys.platform.startswith("linux"):
        assert "gnome-keyring" in err.en and "KWallet" in err.en and "D-Bus" in err.en
        assert "gnome-keyring" in err.zh
        assert "gnome-keyring" in str(err)
    assert "plain file" in err.en


def test_how_to_fix_per_platform() -> None:
    assert "Credential Manager" in no_keyring_help("win32").en
    assert "凭据管理器" in no_keyring_help("win32").zh
    assert "Keychain" in no_keyring_help("darwin").en
    assert "gnome-keyring" in no_keyring_help("linux").en


def test_empty_chainer_counts_as_no_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.backends import chainer

    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    with pytest.raises(NoKeyringBackend):
        KeyringSecretStore("pos_app-test", backend=chainer.ChainerBackend())


class _Failing:
    """A backend that fails every call the way a locked or vanished Secret Service does."""

    priority = 5

    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def get_password(self, service: str, username: str) -> str | None:
        raise self.exc

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.exc

    def delete_password(self, service: str, username: str) -> None:
        raise self.exc


@pytest.mark.parametrize(
    "exc",
    [
        keyring.errors.KeyringLocked("Failed to unlock the collection!"),
        keyring.errors.InitError("Failed to create the collection"),
        ConnectionRefusedError(111, "dbus gone"),
    ],
)
def test_keyring_errors_are_clear_and_hold_no_secret(exc: Exception) -> None:
    secret = "TOPSECRET-" + uuid.uuid4().hex
    failing: Any = _Failing(exc)
    store = KeyringSecretStore("pos_app-test", backend=failing)
    for action in (
        lambda: store.set("top-app-secret", secret),
        lambda: store.get("top-app-secret"),
        lambda: store.delete("top-app-secret"),
    ):
        with pytest.raises(ConfigError) as info:
            action()
        assert info.value.code == "KEYRING_ERROR"
        text = " ".join([str(info.value), info.value.zh, info.value.en, repr(info.value.args)])
        assert secret not in text
        assert "top-app-secret" in info.value.detail


def test_no_keyring_error_mid_use_is_no_backend() -> None:
    failing: Any = _Failing(keyring.errors.NoKeyringError("No recommended backend"))
    store = KeyringSecretStore("pos_app-test", backend=failing)
    with pytest.raises(NoKeyringBackend):
        store.get("top-session")


def test_unknown_secret_name_is_refused() -> None:
    store = MemorySecretStore()
    with pytest.raises(ConfigError) as info:
        store.set("password", "x")
    assert info.value.code == "SECRET_UNKNOWN"


def test_memory_store_has_the_same_interface() -> None:
    store = MemorySecretStore({"top-session": "abc"})
    assert status(store)["top-session"] is True
    store.delete("top-session")
    assert store.get("top-session") is None
    assert "memory" in store.backend_name


def test_store_database_password_is_imported_into_the_keyring(store: KeyringSecretStore) -> None:
    summary = import_secret(store, "store-db-password", "  s3cret-Pw!  \n")
    assert "s3cret" not in summary
    assert require_secret(store, "store-db-password") == "s3cret-Pw!"
    assert status(store)["store-db-password"] is True
