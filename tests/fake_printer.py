"""A fake network receipt printer on 127.0.0.1, and a decoder for what it received.

``FakePrinter`` listens on a real TCP port (as a printer's port 9100 does), keeps every
connection's bytes as one job, and answers the paper-status query (``DLE EOT 4``) like a printer
with paper (``0x12``), without paper (``0x72``) or not at all. ``decode`` reads a job back as
ESC/POS: init, Chinese mode, the text lines (GB18030 only while Chinese mode is on), QR codes,
raster images and the cut. Not a conftest: tests import it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field

DLE_EOT_PAPER = b"\x10\x04\x04"
PAPER_OK, PAPER_OUT = 0x12, 0x72


class FakePrinter:
    """``status``: the byte answered to ``DLE EOT 4`` (``None``: never answers)."""

    def __init__(self, status: int | None = PAPER_OK) -> None:
        self.status = status
        self.jobs: list[bytes] = []
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def uri(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._job, args=(conn,), daemon=True).start()

    def _job(self, conn: socket.socket) -> None:
        data = b""
        answered = False
        with conn:
            conn.settimeout(10)
            while True:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                data += chunk
                if not answered and DLE_EOT_PAPER in data and self.status is not None:
                    conn.sendall(bytes([self.status]))
                    answered = True
        with self._lock:
            self.jobs.append(data)

    def wait_jobs(self, count: int, timeout_s: float = 10.0) -> list[bytes]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.jobs) >= count:
                    return list(self.jobs)
            time.sleep(0.02)
        raise AssertionError(f"expected {count} print job(s), got {len(self.jobs)}")

    def close(self) -> None:
        self._stop.set()
        self._server.close()
        self._thread.join(timeout=2)


def refused_uri() -> str:
    """A loopback port nobody listens on: connecting is refused at once."""
    with contextlib.closing(socket.create_server(("127.0.0.1", 0))) as sock:
        port = sock.getsockname()[1]
    return f"tcp://127.0.0.1:{port}"


@dataclass
class Printed:
    """A job as the printer understood it."""

    init: bool = False
    status_queries: int = 0
    lines: list[str] = field(default_factory=list)
    qr: list[str] = field(default_factory=list)
    images: list[tuple[int, int]] = field(default_factory=list)  # (width in dots, height)
    cut: bool = False
    chinese_outside_fs: bool = False  # a non-ASCII byte while Chinese mode was off

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


_ONE_ARG = {b"\x1ba", b"\x1bE", b"\x1bd", b"\x1d!", b"\x1b!", b"\x1bJ", b"\x1b-", b"\x1bt"}


def decode(data: bytes) -> Printed:
    """Read ESC/POS ``data`` the way a Chinese thermal printer does (the commands we send)."""
    out = Printed()
    chinese = False
    text = b""
    i = 0
    while i < len(data):
        two = data[i : i + 2]
        if data[i : i + 3] == DLE_EOT_PAPER:
            out.status_queries += 1
            i += 3
        elif two == b"\x1b@":
            out.init, i = True, i + 2
        elif two == b"\x1c&":
            chinese, i = True, i + 2
        elif two == b"\x1c.":
            chinese, i = False, i + 2
        elif two in _ONE_ARG:
            i += 3
        elif two in (b"\x1d(", b"\x1dv", b"\x1dV"):
            i = _graphics(data, i, out)
        elif data[i] == 0x0A:
            out.lines.append(text.decode("gb18030" if chinese else "ascii", errors="replace"))
            text, i = b"", i + 1
        else:
            if data[i] >= 0x80 and not chinese:
                out.chinese_outside_fs = True
            text += data[i : i + 1]
            i += 1
    return out


def _graphics(data: bytes, i: int, out: Printed) -> int:
    """GS ( k (QR), GS v 0 (raster image), GS V (cut): recorded; returns the next offset."""
    two = data[i : i + 2]
    if two == b"\x1d(":  # GS ( k pL pH cn fn [m] data
        size = data[i + 3] + 256 * data[i + 4]
        body = data[i + 5 : i + 5 + size]
        if data[i + 2 : i + 3] == b"k" and body[1:2] == b"P":
            out.qr.append(body[3:].decode("utf-8"))
        return i + 5 + size
    if two == b"\x1dv":  # GS v 0 m xL xH yL yH data
        width_bytes = data[i + 4] + 256 * data[i + 5]
        height = data[i + 6] + 256 * data[i + 7]
        out.images.append((width_bytes * 8, height))
        return i + 8 + width_bytes * height
    out.cut = True
    return i + (4 if data[i + 2] in (65, 66) else 3)
