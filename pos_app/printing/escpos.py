"""ESC/POS receipts: a ``Slip`` (or a report) as printer bytes, and the printer they go to.

``python-escpos`` brings the connections (``Network``, ``Usb``, ``Serial``, ``File``), the QR code
(``GS ( k``), the raster image (``GS v 0``) and the cut (``GS V``). Its ``text()`` cannot print
Chinese: it encodes through single-byte code pages (``MagicEncode``), has no GB18030 and never
switches the printer's Chinese mode. So the Chinese text is written here as raw bytes: the
printer's Chinese mode on (``FS &``), the text in GB18030 (its GB2312 part is what Chinese
thermal printers carry in ROM), Chinese mode off (``FS .``) before the cut.

A slip is built in memory first (python-escpos's ``Dummy``) and sent in one write over one short
connection with explicit timeouts, so a printer that is off, unplugged or out of paper fails fast
with a ``PrinterError`` and never half-prints into the next slip. A network printer is asked for
its paper sensor first (``DLE EOT 4``); one that does not answer is printed to anyway.
"""

from __future__ import annotations

import copy
import io
import logging
import socket
from typing import Any

from escpos.exceptions import DeviceNotFoundError
from escpos.printer import Dummy, File, Network, Serial, Usb
from PIL import Image

from pos_app.core.errors import PrinterError
from pos_app.core.receipt import (
    DOTS,
    Line,
    PrinterUri,
    ReportLike,
    Slip,
    Style,
    layout,
    parse_printer_uri,
    report_slip,
)

logger = logging.getLogger(__name__)

ESC_INIT = b"\x1b@"
FS_CHINESE_ON = b"\x1c&"
FS_CHINESE_OFF = b"\x1c."
GS_CUT = b"\x1dV"
DLE_EOT_PAPER = b"\x10\x04\x04"
_PAPER_END = 0x60  # DLE EOT 4 answer bits 5-6: the roll sensor sees no paper
_ALIGN = {"left": b"\x1ba\x00", "center": b"\x1ba\x01"}
_SIZE_NORMAL, _SIZE_DOUBLE = b"\x1d!\x00", b"\x1d!\x11"
_BOLD_ON, _BOLD_OFF = b"\x1bE\x01", b"\x1bE\x00"
DEFAULT_TIMEOUT_S = 5.0
DEFAULT_STATUS_TIMEOUT_S = 1.0
QR_DOT_SIZE = 6


# --- bytes ---------------------------------------------------------------------------------------


def _text(text: str) -> bytes:
    """One printed line in GB18030 (Chinese mode is already on)."""
    return text.encode("gb18030", errors="replace") + b"\n"


def _line_bytes(line: Line) -> bytes:
    if line.style == Style.TITLE:
        return _ALIGN["center"] + _SIZE_DOUBLE + _text(line.text) + _SIZE_NORMAL + _ALIGN["left"]
    if line.style == Style.HEADING:
        return _BOLD_ON + _text(line.text) + _BOLD_OFF
    if line.style == Style.CENTER:
        return _ALIGN["center"] + _text(line.text) + _ALIGN["left"]
    return _text(line.text)


def _buffer(width_mm: int) -> Any:
    """python-escpos's in-memory printer, told the paper's width in dots (its default profile
    leaves it unknown and then prints a warning to stdout for every image)."""
    out = Dummy()
    data = copy.deepcopy(out.profile.profile_data)  # the profile's dict is shared by its class
    data["media"]["width"] = {"mm": width_mm, "pixels": DOTS[width_mm]}
    out.profile.profile_data = data
    return out


def _document(
    width_mm: int, lines: list[Line], qr: str = "", image: Image.Image | None = None
) -> bytes:
    """Init, Chinese mode, the lines, an optional raster image and QR code, then the cut."""
    out = _buffer(width_mm)
    out._raw(ESC_INIT + FS_CHINESE_ON)
    for line in lines:
        out._raw(_line_bytes(line))
    if image is not None:
        out._raw(_ALIGN["center"])
        out.image(image, impl="bitImageRaster")
        out._raw(_ALIGN["left"])
    if qr:
        out._raw(_ALIGN["center"])
        out.qr(qr, size=QR_DOT_SIZE, native=True)
        out._raw(b"\n" + _ALIGN["left"])
    out._raw(FS_CHINESE_OFF)
    out.cut()
    return bytes(out.output)


def slip_bytes(slip: Slip, width_mm: int) -> bytes:
    """The ESC/POS bytes of a slip for 58 or 80 mm paper."""
    return _document(width_mm, layout(slip, width_mm), slip.qr)


def _chart_image(png: bytes, width_mm: int) -> Image.Image:
    """The chart scaled to the paper's printable dots, in black and white."""
    try:
        image: Image.Image = Image.open(io.BytesIO(png))
        image.load()
    except (OSError, ValueError) as exc:
        raise PrinterError("PRINTER_ERROR", f"the chart is not a readable image: {exc}") from None
    dots = DOTS[width_mm]
    if image.width > dots:
        height = max(1, round(image.height * dots / image.width))
        image = image.resize((dots, height))
    return image.convert("L").convert("1")


def report_bytes(report: ReportLike, chart_png: bytes | None, width_mm: int) -> bytes:
    """A report (title, rows, then the chart as a raster image) for 58 or 80 mm paper."""
    image = _chart_image(chart_png, width_mm) if chart_png else None
    return _document(width_mm, layout(report_slip(report), width_mm), image=image)


# --- the printer ---------------------------------------------------------------------------------


class ReceiptPrinter:
    """One receipt printer at ``uri`` with ``width_mm`` paper. Each ``send`` opens, writes and
    closes its own connection (a printer switched off and on again needs no restart)."""

    def __init__(
        self,
        uri: PrinterUri | str,
        width_mm: int = 80,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        status_timeout_s: float = DEFAULT_STATUS_TIMEOUT_S,
    ) -> None:
        self.uri = uri if isinstance(uri, PrinterUri) else parse_printer_uri(uri)
        self.width_mm = width_mm
        self.timeout_s = timeout_s
        self.status_timeout_s = status_timeout_s

    def print_slip(self, slip: Slip) -> None:
        self.send(slip_bytes(slip, self.width_mm))

    def send(self, data: bytes) -> None:
        """Write ``data``; ``PrinterError`` (unreachable, out of paper, write failed)."""
        device = self._open()
        try:
            if self.uri.scheme == "tcp":
                self._check_paper(device)
            device._raw(data)
        except PrinterError:
            raise
        except Exception as exc:
            logger.warning("printing to %s failed: %s", self.uri, exc)
            raise PrinterError("PRINTER_ERROR", str(self.uri)) from None
        finally:
            _close(device)
        logger.info("printed %d bytes to %s", len(data), self.uri)

    def check(self) -> str:
        """Open the printer and close it again, printing nothing (``pos-app doctor``); a network
        printer is also asked for its paper. ``PrinterError`` as ``send`` would raise it."""
        device = self._open()
        try:
            if self.uri.scheme == "tcp":
                self._check_paper(device)
        finally:
            _close(device)
        return f"{self.uri.scheme} printer answers ({self.width_mm} mm paper)"

    def _open(self) -> Any:
        device = self._device()
        try:
            device.open()
        except RuntimeError as exc:  # python-escpos: the USB/serial library is not installed
            raise PrinterError("PRINTER_DRIVER_MISSING", f"{self.uri.scheme}: {exc}") from None
        except (DeviceNotFoundError, OSError) as exc:
            logger.warning("printer %s cannot be reached: %s", self.uri, exc)
            raise PrinterError("PRINTER_UNREACHABLE", str(self.uri)) from None
        except Exception as exc:  # pyusb/pyserial errors have no common base class
            logger.warning("printer %s cannot be opened: %s", self.uri, exc)
            raise PrinterError("PRINTER_UNREACHABLE", str(self.uri)) from None
        return device

    def _device(self) -> Any:
        uri = self.uri
        try:
            if uri.scheme == "tcp":
                return Network(uri.host, port=uri.port, timeout=self.timeout_s)
            if uri.scheme == "usb":
                usb_ms = int(self.timeout_s * 1000)
                return Usb(uri.vendor_id, uri.product_id, timeout=usb_ms)
            if uri.scheme == "serial":
                return Serial(uri.path, timeout=self.timeout_s)
            return File(uri.path)
        except RuntimeError as exc:  # python-escpos: the USB/serial library is not installed
            raise PrinterError("PRINTER_DRIVER_MISSING", f"{uri.scheme}: {exc}") from None

    def _check_paper(self, device: Any) -> None:
        """``DLE EOT 4``: out of paper is refused before anything prints. No answer within
        ``status_timeout_s`` (some printers never answer) means "print anyway"."""
        sock: socket.socket = device.device
        sock.settimeout(self.status_timeout_s)
        try:
            sock.sendall(DLE_EOT_PAPER)
            answer = sock.recv(1)
        except TimeoutError:
            logger.info("printer %s did not report its paper status", self.uri)
            answer = b""
        finally:
            sock.settimeout(self.timeout_s)
        if answer and answer[0] & _PAPER_END == _PAPER_END:
            raise PrinterError("PRINTER_NO_PAPER", str(self.uri))


def _close(device: Any) -> None:
    try:
        device.close()
    except Exception:  # closing a dead connection must not hide why it died
        logger.debug("closing the printer connection failed", exc_info=True)


def print_report(
    report_model: ReportLike, chart_png_bytes: bytes | None, printer: ReceiptPrinter
) -> None:
    """Print a report on the receipt printer: ``report_model.title``, its ``rows`` (label,
    value; an empty value is a heading), then the chart PNG as a raster image scaled to the
    paper. ``PrinterError`` when it cannot print."""
    printer.send(report_bytes(report_model, chart_png_bytes, printer.width_mm))
