"""The cancel API's asynchronous notification (``koubei_ticket_openapi_use_notify``, seed 001).

After a successful reversal that named a ``notify_url``, the simulator POSTs the notification
form to it, signed with its Alipay key over every parameter except ``sign`` and ``sign_type``
(protocol.md), and retries a few times until the answer body is ``success``. Only loopback URLs
are called: the simulator never reaches out to the network.
"""

from __future__ import annotations

import ipaddress
import logging
import secrets
import threading
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from pos_app.core.clock import gateway_timestamp
from pos_app.gateways.signing import alipay_sign_content, rsa_sign

logger = logging.getLogger(__name__)

ATTEMPTS = 3
RETRY_S = 1.0


def is_loopback_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def notification(request_id: str, key: rsa.RSAPrivateKey, sign_type: str) -> dict[str, str]:
    params = {
        "notify_id": secrets.token_hex(17),
        "notify_time": gateway_timestamp(),
        "notify_type": "koubei_ticket_openapi_use_notify",
        "biz_type": "TICKET_CANCEL",
        "request_id": request_id,
        "sign_type": sign_type,
    }
    params["sign"] = rsa_sign(alipay_sign_content(params, exclude_sign_type=True), key, sign_type)
    return params


def send_later(url: str, params: dict[str, str], stopping: threading.Event) -> None:
    """Deliver in a background thread; give up after ``ATTEMPTS`` or when the simulator stops."""
    if not is_loopback_url(url):
        logger.info("sandbox: notify_url is not on loopback; no notification sent")
        return

    def deliver() -> None:
        for _ in range(ATTEMPTS):
            try:
                reply = requests.post(url, data=params, timeout=5)
                if reply.text.strip() == "success":
                    logger.info("sandbox: cancel notification delivered")
                    return
            except requests.RequestException as exc:
                logger.info("sandbox: cancel notification failed: %s", type(exc).__name__)
            if stopping.wait(RETRY_S):
                return
        logger.info("sandbox: cancel notification not acknowledged; giving up")

    threading.Thread(target=deliver, name="sandbox-notify", daemon=True).start()
