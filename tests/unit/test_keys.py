"""Key loading: every form the Alipay console hands out, and clear errors for everything else."""

from __future__ import annotations

import base64
import subprocess

import pytest
from conftest_http import KEYS, key_text, openssl_verify

from pos_app.core.errors import KeyInvalid
from pos_app.gateways.keys import (
    fingerprint,
    load_private_key,
    load_public_key,
    private_key_pkcs8_base64,
    public_key_base64,
)
from pos_app.gateways.signing import rsa_sign

APP_PUBLIC_PEM = KEYS / "app_public.pem"


def _modulus_from_openssl() -> int:
    out = subprocess.run(
        ["openssl", "rsa", "-pubin", "-in", str(APP_PUBLIC_PEM), "-noout", "-modulus"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return int(out.strip().split("=", 1)[1], 16)


def _pem_to_bare_base64(pem: str) -> str:
    return "".join(line for line in pem.splitlines() if not line.startswith("-----"))


PRIVATE_FORMS = {
    "pkcs1_pem": lambda: key_text("app_pkcs1.pem"),
    "pkcs8_pem": lambda: key_text("app_pkcs8.pem"),
    "pkcs1_bare_base64": lambda: key_text("app_pkcs1.b64"),
    "pkcs8_bare_base64": lambda: key_text("app_pkcs8.b64"),
    "pkcs8_base64_wrapped_lines": lambda: _pem_to_bare_base64(key_text("app_pkcs8.pem")),
    "pkcs8_pem_crlf_and_spaces": lambda: "  " + key_text("app_pkcs8.pem").replace("\n", "\r\n"),
    "pkcs8_bytes": lambda: key_text("app_pkcs8.pem").encode("ascii"),
}


@pytest.mark.parametrize("form", sorted(PRIVATE_FORMS))
def test_private_key_forms_load_and_sign_verifiably(form: str) -> None:
    key = load_private_key(PRIVATE_FORMS[form]())
    assert key.key_size == 2048
    assert key.public_key().public_numbers().n == _modulus_from_openssl()
    signature = rsa_sign("probe", key, "RSA2")
    assert openssl_verify("probe", signature, APP_PUBLIC_PEM, "sha256")


PUBLIC_FORMS = {
    "x509_pem": lambda: key_text("app_public.pem"),
    "x509_bare_base64": lambda: key_text("app_public.b64"),
    "x509_base64_from_pem": lambda: _pem_to_bare_base64(key_text("app_public.pem")),
    "pkcs1_pem": lambda: key_text("app_public_pkcs1.pem"),
    "x509_bytes_with_newline": lambda: (key_text("app_public.b64") + "\n").encode("ascii"),
}


@pytest.mark.parametrize("form", sorted(PUBLIC_FORMS))
def test_public_key_forms_load(form: str) -> None:
    key = load_public_key(PUBLIC_FORMS[form]())
    assert key.public_numbers().n == _modulus_from_openssl()
    assert key.public_numbers().e == 65537


def test_round_trip_to_console_forms() -> None:
    key = load_private_key(key_text("app_pkcs1.pem"))
    assert private_key_pkcs8_base64(key) == key_text("app_pkcs8.b64").strip()
    assert public_key_base64(key.public_key()) == key_text("app_public.b64").strip()
    fp = fingerprint(key.public_key())
    assert len(fp) == 16
    assert fp == fingerprint(load_public_key(key_text("app_public.pem")))
    assert fp != fingerprint(load_public_key(key_text("alipay_public.pem")))


def _detail(exc: pytest.ExceptionInfo[KeyInvalid]) -> str:
    return exc.value.detail


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----", "empty"),
        ("this is not a key", "not Base64"),
        ("MIIB$$$", "not Base64"),
        (base64.b64encode(b"random bytes, not DER").decode(), "neither PKCS#8 nor PKCS#1"),
    ],
)
def test_garbage_private_key(text: str, expected: str) -> None:
    with pytest.raises(KeyInvalid) as exc:
        load_private_key(text)
    assert expected in _detail(exc)
    assert exc.value.code == "KEY_INVALID"


@pytest.mark.parametrize("name", ["app_public.pem", "app_public.b64", "app_public_pkcs1.pem"])
def test_public_key_given_as_private(name: str) -> None:
    with pytest.raises(KeyInvalid) as exc:
        load_private_key(key_text(name))
    assert "public key" in _detail(exc)
    assert "private key" in _detail(exc)


@pytest.mark.parametrize("name", ["app_pkcs8.pem", "app_pkcs1.pem"])
def test_private_key_given_as_public(name: str) -> None:
    with pytest.raises(KeyInvalid) as exc:
        load_public_key(key_text(name))
    assert "private key" in _detail(exc)


def test_private_bare_base64_given_as_public() -> None:
    with pytest.raises(KeyInvalid) as exc:
        load_public_key(key_text("app_pkcs8.b64"))
    assert "X.509" in _detail(exc)


@pytest.mark.parametrize(
    "name", ["encrypted_pkcs8.pem", "encrypted_pkcs8.b64", "encrypted_legacy.pem"]
)
def test_encrypted_private_key(name: str) -> None:
    with pytest.raises(KeyInvalid) as exc:
        load_private_key(key_text(name))
    assert "encrypted" in _detail(exc)


@pytest.mark.parametrize("name", ["ec_sec1.pem", "ec_pkcs8.pem"])
def test_ec_private_key(name: str) -> None:
    with pytest.raises(KeyInvalid) as exc:
        load_private_key(key_text(name))
    assert "not an RSA key" in _detail(exc)


def test_ec_public_key() -> None:
    with pytest.raises(KeyInvalid) as exc:
        load_public_key(key_text("ec_public.pem"))
    assert "not an RSA key" in _detail(exc)


def test_short_rsa_key() -> None:
    with pytest.raises(KeyInvalid) as exc:
        load_private_key(key_text("rsa512_pkcs1.pem"))
    assert "512 bits" in _detail(exc)


@pytest.mark.parametrize(
    ("name", "loader"),
    [
        ("app_pkcs8.b64", load_public_key),
        ("app_public.b64", load_private_key),
        ("encrypted_pkcs8.pem", load_private_key),
    ],
)
def test_errors_never_echo_key_material(name: str, loader: object) -> None:
    text = key_text(name)
    body = _pem_to_bare_base64(text) if "-----" in text else text.strip()
    with pytest.raises(KeyInvalid) as exc:
        loader(text)  # type: ignore[operator]
    rendered = f"{exc.value} {exc.value.detail} {exc.value.zh} {exc.value.en} {exc.value!r}"
    for i in range(0, len(body) - 16, 16):
        assert body[i : i + 16] not in rendered
