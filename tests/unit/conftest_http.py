"""Test helpers for the gateway clients: a tiny real HTTP server and independent (openssl) signing.

Not a pytest conftest (pytest does not load this name on its own): test modules import from it.
The server runs ``http.server`` on 127.0.0.1, port 0, in a thread; it records every request and
answers with canned replies, so client tests exercise the real ``requests`` stack unpatched.
"""

from __future__ import annotations

import base64
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KEYS = FIXTURES / "keys"
RESPONSES = FIXTURES / "responses"


def key_text(name: str) -> str:
    return (KEYS / name).read_text("ascii")


# --- openssl, the independent implementation --------------------------------------------------


def openssl_sign(content: str | bytes, private_key: Path, digest: str = "sha256") -> str:
    """Base64 RSA PKCS#1 v1.5 signature of ``content`` made by the openssl command."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    out = subprocess.run(
        ["openssl", "dgst", f"-{digest}", "-sign", str(private_key)],
        input=data,
        capture_output=True,
        check=True,
    ).stdout
    return base64.b64encode(out).decode("ascii")


def openssl_verify(
    content: str | bytes, signature_b64: str, public_key: Path, digest: str = "sha256"
) -> bool:
    """Does openssl accept ``signature_b64`` over ``content`` under ``public_key``?"""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with tempfile.NamedTemporaryFile(suffix=".sig") as sig:
        sig.write(base64.b64decode(signature_b64))
        sig.flush()
        result = subprocess.run(
            ["openssl", "dgst", f"-{digest}", "-verify", str(public_key), "-signature", sig.name],
            input=data,
            capture_output=True,
            check=False,
        )
    return result.returncode == 0 and b"Verified OK" in result.stdout


def alipay_body(
    node_name: str,
    node_text: str,
    *,
    sign: str | None = "openssl",
    digest: str = "sha256",
    key: Path = KEYS / "alipay_pkcs1.pem",
    pretty: bool = False,
) -> str:
    """An Alipay answer: ``{"<node>":<node_text>,"sign":"..."}`` signed over ``node_text`` as is.

    ``sign="openssl"`` signs with openssl; None leaves the answer unsigned; any other string is
    used as the signature verbatim. The signature's ``/`` are written as ``\\/`` like Alipay does.
    """
    sep = "\n  " if pretty else ""
    parts = [f'{sep}"{node_name}":{" " if pretty else ""}{node_text}']
    if sign is not None:
        value = openssl_sign(node_text, key, digest) if sign == "openssl" else sign
        escaped = value.replace("/", "\\/")
        parts.append(f'{sep}"sign":{" " if pretty else ""}"{escaped}"')
    return "{" + ",".join(parts) + ("\n}" if pretty else "}")


# --- the server -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    body: str = ""
    status: int = 200
    delay_s: float = 0.0
    drop: bool = False  # read the request, then close the connection without answering
    content_type: str = "application/json;charset=utf-8"
    raw: bytes | None = None  # exact bytes to send instead of ``body`` encoded as UTF-8


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]
    body: bytes
    headers: dict[str, str]

    def q(self, name: str) -> str:
        """The single query value ``name`` (asserts there is exactly one)."""
        values = self.query[name]
        assert len(values) == 1, values
        return values[0]

    def f(self, name: str) -> str:
        values = self.form[name]
        assert len(values) == 1, values
        return values[0]


@dataclass
class GatewayServer:
    """Answers each request with the next queued ``Reply`` (or ``default``), recording it."""

    default: Callable[[Received], Reply] | None = None
    replies: deque[Reply] = field(default_factory=deque)
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                got = Received(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query, keep_blank_values=True),
                    form=parse_qs(body.decode("utf-8"), keep_blank_values=True),
                    body=body,
                    headers={k.lower(): v for k, v in self.headers.items()},
                )
                owner.received.append(got)
                if owner.replies:
                    reply = owner.replies.popleft()
                elif owner.default is not None:
                    reply = owner.default(got)
                else:
                    reply = Reply(status=599, body="no reply queued")
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                if reply.drop:
                    self.close_connection = True
                    return
                data = reply.raw if reply.raw is not None else reply.body.encode("utf-8")
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                    self.close_connection = True

            do_POST = _handle
            do_GET = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def alipay_url(self) -> str:
        return self.base + "/gateway.do"

    @property
    def top_url(self) -> str:
        return self.base + "/router/rest"

    def queue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def start(self) -> GatewayServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> GatewayServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
