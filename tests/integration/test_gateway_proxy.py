"""A shop behind an HTTP proxy: the environment's proxy settings are honoured (read once, when a
client is built, not on every request — issue #13), through a real forwarding proxy on loopback."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from pos_app.core.models import RedeemRequest
from pos_app.gateways.top import TopClient
from pos_app.sandbox import Simulator
from pos_app.sandbox.demo import DEMO_CODES, OUR_SHOP_ID

PROXY_VARS = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY",
              "all_proxy", "NO_PROXY", "no_proxy")  # fmt: skip


class ForwardingProxy(ThreadingHTTPServer):
    """A plain HTTP forward proxy: takes requests for absolute URLs and passes them on."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.seen: list[tuple[str, str]] = []
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def close(self) -> None:
        self.shutdown()
        self.server_close()


class _ProxyHandler(BaseHTTPRequestHandler):
    server: ForwardingProxy

    def do_POST(self) -> None:
        self.server.seen.append((self.command, self.path))
        target = urlsplit(self.path)  # a proxy is asked for the absolute URL
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        upstream = http.client.HTTPConnection(target.netloc, timeout=5)
        try:
            path = target.path + (f"?{target.query}" if target.query else "")
            upstream.request("POST", path, body, {"Content-Type": self.headers["Content-Type"]})
            answer = upstream.getresponse()
            data = answer.read()
        finally:
            upstream.close()
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.getheader("Content-Type", "application/json"))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[ForwardingProxy]:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    server = ForwardingProxy()
    try:
        yield server
    finally:
        server.close()


def _client(simulator: Simulator) -> TopClient:
    demo = simulator.demo
    return TopClient(
        gateway_url=simulator.top_url,
        app_key=demo.top_app_key,
        app_secret=demo.top_app_secret,
        session_key=demo.top_session,
        timeout_s=5,
    )


def _redeem(client: TopClient, code: str, request_id: str) -> str:
    result = client.redeem(RedeemRequest(request_id, code, 1, OUR_SHOP_ID))
    return result.order_no


def test_the_environments_proxy_carries_the_requests(
    simulator: Simulator, proxy: ForwardingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    client = _client(simulator)
    try:
        assert _redeem(client, DEMO_CODES["multi"], "R20240601120000PROXY000000000001")
        monkeypatch.delenv("HTTP_PROXY")  # read when the client was built: still proxied
        assert _redeem(client, DEMO_CODES["multi"], "R20240601120000PROXY000000000002")
    finally:
        client.close()
    assert [method for method, _ in proxy.seen] == ["POST", "POST"]
    assert all(url.startswith(simulator.top_url) for _, url in proxy.seen)
    assert len(simulator.state.redemptions_for(DEMO_CODES["multi"])) == 2


def test_no_proxy_for_the_gateways_host_goes_direct(
    simulator: Simulator, proxy: ForwardingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    client = _client(simulator)
    try:
        assert _redeem(client, DEMO_CODES["single"], "R20240601120000PROXY000000000003")
    finally:
        client.close()
    assert proxy.seen == []
    assert len(simulator.state.redemptions_for(DEMO_CODES["single"])) == 1
