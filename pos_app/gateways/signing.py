"""Canonical strings and signatures of both gateways (protocol.md), shared by clients and simulator.

Alipay: every parameter but ``sign`` (``sign_type`` included), empties dropped, sorted by key,
``k=v&k=v`` with raw values, UTF-8, RSA PKCS#1 v1.5 over SHA-256 (RSA2) or SHA-1 (RSA), Base64.
Alipay notifications: the same, but ``sign_type`` is left out too.
TOP: every parameter but ``sign``, empties dropped, sorted, ``k1v1k2v2``, then MD5(secret+s+secret),
HMAC-MD5 or HMAC-SHA256 keyed by the secret, upper-case hex.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

AlipaySignType = Literal["RSA2", "RSA"]
TopSignMethod = Literal["md5", "hmac", "hmac-sha256"]
ALIPAY_SIGN_TYPES: tuple[AlipaySignType, ...] = ("RSA2", "RSA")
TOP_SIGN_METHODS: tuple[TopSignMethod, ...] = ("md5", "hmac", "hmac-sha256")


def _hash_for(sign_type: str) -> hashes.HashAlgorithm:
    if sign_type == "RSA2":
        return hashes.SHA256()
    if sign_type == "RSA":
        return hashes.SHA1()  # noqa: S303 - legacy Alipay apps still sign with RSA-SHA1
    raise ValueError(f"unsupported sign_type {sign_type!r}")


def alipay_sign_content(params: Mapping[str, str], *, exclude_sign_type: bool = False) -> str:
    """The string Alipay signs for a request (or, with ``exclude_sign_type``, a notification)."""
    excluded = {"sign", "sign_type"} if exclude_sign_type else {"sign"}
    items = sorted((k, v) for k, v in params.items() if k not in excluded and v not in ("", None))
    return "&".join(f"{k}={v}" for k, v in items)


def rsa_sign(content: str, key: rsa.RSAPrivateKey, sign_type: str = "RSA2") -> str:
    signature = key.sign(content.encode("utf-8"), padding.PKCS1v15(), _hash_for(sign_type))
    return base64.b64encode(signature).decode("ascii")


def rsa_verify(
    content: str, signature_b64: str, key: rsa.RSAPublicKey, sign_type: str = "RSA2"
) -> bool:
    """True only when ``signature_b64`` is a valid signature of ``content`` under ``sign_type``.

    The algorithm is pinned by the caller: a SHA-1 signature does not verify under RSA2.
    """
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        return False
    try:
        key.verify(signature, content.encode("utf-8"), padding.PKCS1v15(), _hash_for(sign_type))
    except InvalidSignature:
        return False
    return True


def sign_alipay_params(
    params: Mapping[str, str], key: rsa.RSAPrivateKey, sign_type: str = "RSA2"
) -> str:
    return rsa_sign(alipay_sign_content(params), key, sign_type)


def top_sign_content(params: Mapping[str, str]) -> str:
    items = sorted((k, v) for k, v in params.items() if k != "sign" and v not in ("", None))
    return "".join(f"{k}{v}" for k, v in items)


def top_sign(params: Mapping[str, str], secret: str, sign_method: str) -> str:
    content = top_sign_content(params).encode("utf-8")
    key = secret.encode("utf-8")
    if sign_method == "md5":
        digest = hashlib.md5(key + content + key).hexdigest()  # noqa: S324 - the protocol's MD5
    elif sign_method == "hmac":
        digest = hmac.new(key, content, hashlib.md5).hexdigest()
    elif sign_method == "hmac-sha256":
        digest = hmac.new(key, content, hashlib.sha256).hexdigest()
    else:
        raise ValueError(f"unsupported sign_method {sign_method!r}")
    return digest.upper()


def top_verify(params: Mapping[str, str], secret: str) -> bool:
    """Simulator side: does ``params['sign']`` match, under the request's own ``sign_method``?"""
    method = params.get("sign_method", "md5")
    if method not in TOP_SIGN_METHODS:
        return False
    given = params.get("sign", "").upper().encode("utf-8")  # bytes: str needs ASCII-only input
    return hmac.compare_digest(given, top_sign(params, secret, method).encode("ascii"))
