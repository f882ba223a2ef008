"""The cancel API's asynchronous notification, delivered by the simulator to a loopback URL."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest

from pos_app.core.models import CancelRequest, RedeemRequest
from pos_app.gateways.alipay import AlipayClient
from pos_app.gateways.keys import load_public_key
from pos_app.gateways.signing import alipay_sign_content, rsa_verify
from pos_app.gateways.top import TopClient
from pos_app.sandbox import Simulator
from pos_app.sandbox.notify import is_loopback_url


@pytest.fixture
def receiver() -> Iterator[tuple[str, queue.Queue[dict[str, str]]]]:
    received: queue.Queue[dict[str, str]] = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            received.put(dict(parse_qsl(body)))
            self.send_response(200)
            self.send_header("Content-Length", "7")
            self.end_headers()
            self.wfile.write(b"success")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/notify", received
    finally:
        server.shutdown()
        server.server_close()


def test_cancel_notifies_the_notify_url_signed(
    simulator: Simulator,
    top_client: TopClient,
    alipay_client: AlipayClient,
    receiver: tuple[str, queue.Queue[dict[str, str]]],
) -> None:
    url, received = receiver
    demo = simulator.demo
    code = demo.codes["single"]
    top_client.redeem(RedeemRequest("N1", code, 1, demo.shop_id))
    alipay_client.cancel(CancelRequest("N1", "N1", code, 1), notify_url=url)
    params = received.get(timeout=5)
    assert params["notify_type"] == "koubei_ticket_openapi_use_notify"
    assert params["request_id"] == "N1" and params["biz_type"] == "TICKET_CANCEL"
    content = alipay_sign_content(params, exclude_sign_type=True)
    assert "sign_type" not in content
    assert rsa_verify(
        content, params["sign"], load_public_key(demo.alipay_public_key_b64), params["sign_type"]
    )
    alipay_client.cancel(CancelRequest("N1", "N1", code, 1), notify_url=url)  # a repeat
    with pytest.raises(queue.Empty):
        received.get(timeout=0.5)


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:9/x", True),
        ("http://localhost/x", True),
        ("http://[::1]:8/", True),
        ("https://www.merchant.com/receive_notify.htm", False),
        ("http://10.0.0.1/", False),
        ("ftp://127.0.0.1/", False),
        ("not a url", False),
    ],
)
def test_only_loopback_urls_are_called(url: str, loopback: bool) -> None:
    assert is_loopback_url(url) is loopback
