"""RSA keys in every form the Alipay console hands out.

Private keys: PKCS#8 or PKCS#1, as PEM or as a bare Base64 body (the console's default).
Public keys: X.509 SubjectPublicKeyInfo (or PKCS#1 RSAPublicKey), PEM or bare Base64.
Errors say what is wrong with the key's *form*; they never echo the key.
"""

from __future__ import annotations

import base64
import binascii
import re

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from pos_app.core.errors import KeyInvalid

_PEM_ARMOUR = re.compile(r"-----(BEGIN|END) [A-Z0-9 ]+-----")
_MIN_BITS = 1024
_ENCRYPTED = "the private key is encrypted; export it without a password"


def _der_from_text(text: str | bytes, what: str) -> bytes:
    raw = text.decode("ascii", "replace") if isinstance(text, bytes) else text
    if "PRIVATE KEY-----" in raw and what == "public":
        raise KeyInvalid(detail="a private key was given where the Alipay public key belongs")
    if "PUBLIC KEY-----" in raw and what == "private":
        raise KeyInvalid(detail="a public key was given where the app private key belongs")
    if "ENCRYPTED" in raw:  # PKCS#8 "ENCRYPTED PRIVATE KEY" or legacy "Proc-Type: 4,ENCRYPTED"
        raise KeyInvalid(detail=_ENCRYPTED)
    body = "".join(_PEM_ARMOUR.sub("", raw).split())
    if not body:
        raise KeyInvalid(detail=f"the {what} key is empty")
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise KeyInvalid(detail=f"the {what} key is not Base64 or PEM text") from None


def load_private_key(text: str | bytes) -> rsa.RSAPrivateKey:
    der = _der_from_text(text, "private")
    try:
        key = serialization.load_der_private_key(der, password=None)
    except TypeError:
        raise KeyInvalid(detail=_ENCRYPTED) from None
    except (ValueError, UnsupportedAlgorithm):
        if _looks_public(der):
            raise KeyInvalid(detail="this is a public key; the app private key is needed") from None
        raise KeyInvalid(detail="the private key is neither PKCS#8 nor PKCS#1 RSA") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyInvalid(detail="the private key is not an RSA key")
    if key.key_size < _MIN_BITS:
        raise KeyInvalid(detail=f"the private key has only {key.key_size} bits")
    return key


def load_public_key(text: str | bytes) -> rsa.RSAPublicKey:
    der = _der_from_text(text, "public")
    try:
        key = serialization.load_der_public_key(der)
    except (ValueError, UnsupportedAlgorithm):
        raise KeyInvalid(
            detail="the public key is not an X.509 (SubjectPublicKeyInfo) or PKCS#1 RSA key"
        ) from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise KeyInvalid(detail="the public key is not an RSA key")
    return key


def _looks_public(der: bytes) -> bool:
    try:
        serialization.load_der_public_key(der)
    except (ValueError, UnsupportedAlgorithm):
        return False
    return True


def private_key_pkcs8_base64(key: rsa.RSAPrivateKey) -> str:
    """The console's form: bare Base64 of PKCS#8 DER, no headers."""
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return base64.b64encode(der).decode("ascii")


def public_key_base64(key: rsa.RSAPublicKey) -> str:
    """The console's form: bare Base64 of X.509 SubjectPublicKeyInfo DER."""
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode("ascii")


def fingerprint(key: rsa.RSAPublicKey) -> str:
    """Short SHA-256 fingerprint of a public key, safe to print and log."""
    digest = hashes.Hash(hashes.SHA256())
    digest.update(
        key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return digest.finalize().hex()[:16]
