"""Receipts as data: printer addresses, slips and report pages, and how they are laid out.

No Qt and no printer driver here. ``printing.escpos`` turns a ``Slip`` into ESC/POS bytes and the
UI's ``receipt_preview`` paints the very same lines (``layout``), so the screenshot shows what the
printer prints.

A slip is built only from a journal row (``redemption_slip`` / ``reversal_slip``): the undo log
is the record, so any slip can be printed again later (``pos-app receipt REQUEST_ID``, history's
补打小票) and a slip that could not be printed is never lost.

**Reports** (``ReportLike``): anything with a ``title`` and ``rows`` of ``(label, value)``
strings prints as a report slip; a row with an empty value prints as a bold section heading. The
report's chart goes beside it as PNG bytes (``printing.escpos.print_report``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol
from urllib.parse import urlsplit

from pos_app.core.codes import group_code, mask_code
from pos_app.core.errors import InputInvalid
from pos_app.core.journal import Operation, OpKind, OpState

PRINTER_SCHEMES = ("tcp", "usb", "serial", "file")
DEFAULT_TCP_PORT = 9100
WIDTHS_MM = (58, 80)
# Characters per line in the printer's font A (12×24 dots): 384 dots on 58 mm, 576 on 80 mm.
COLUMNS = {58: 32, 80: 48}
DOTS = {58: 384, 80: 576}
_USB_ID = re.compile(r"(?:0x)?([0-9A-Fa-f]{4})")


# --- printer addresses ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PrinterUri:
    """A parsed printer address: ``tcp://HOST[:PORT]``, ``usb://VID:PID`` (hex),
    ``serial:///dev/ttyUSB0`` (or ``serial://COM3``), ``file:///dev/usb/lp0``."""

    scheme: str
    host: str = ""
    port: int = DEFAULT_TCP_PORT
    vendor_id: int = 0
    product_id: int = 0
    path: str = ""

    def __str__(self) -> str:
        if self.scheme == "tcp":
            return f"tcp://{self.host}:{self.port}"
        if self.scheme == "usb":
            return f"usb://{self.vendor_id:04x}:{self.product_id:04x}"
        return f"{self.scheme}://{self.path}"


def _bad_uri(reason: str) -> InputInvalid:
    return InputInvalid("PRINTER_URI", "printer.uri", f"printer.uri: {reason}")


def parse_printer_uri(text: str) -> PrinterUri:
    """The address a person typed, or ``InputInvalid`` ("PRINTER_URI") saying what is wrong."""
    text = text.strip()
    scheme, sep, rest = text.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in PRINTER_SCHEMES:
        raise _bad_uri("must start with tcp://, usb://, serial:// or file://")
    if any(unicodedata.category(ch)[0] in "CZ" for ch in rest):
        raise _bad_uri("contains spaces or control characters")
    if scheme == "tcp":
        return _tcp_uri(text)
    if scheme == "usb":
        return _usb_uri(rest)
    if not rest or rest == "/":
        raise _bad_uri(f"{scheme}:// needs a device, e.g. {scheme}:///dev/ttyUSB0")
    return PrinterUri(scheme, path=rest)


def _tcp_uri(text: str) -> PrinterUri:
    parts = urlsplit(text)
    try:
        port = parts.port or DEFAULT_TCP_PORT
    except ValueError:
        raise _bad_uri("has a bad port (1..65535)") from None
    if not parts.hostname or parts.path not in ("", "/") or parts.query or parts.username:
        raise _bad_uri("must be tcp://HOST or tcp://HOST:PORT")
    return PrinterUri("tcp", host=parts.hostname, port=port)


def _usb_uri(rest: str) -> PrinterUri:
    vendor, sep, product = rest.partition(":")
    ids = [_USB_ID.fullmatch(part) for part in (vendor, product)]
    if not sep or ids[0] is None or ids[1] is None:
        raise _bad_uri("must be usb://VID:PID with 4 hex digits each, e.g. usb://0416:5011")
    return PrinterUri("usb", vendor_id=int(ids[0][1], 16), product_id=int(ids[1][1], 16))


# --- slips ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Slip:
    """What one receipt says. ``rows`` are (label, value); ``qr`` is printed as a QR code."""

    title: str
    rows: tuple[tuple[str, str], ...]
    qr: str = ""
    notes: tuple[str, ...] = ()


class ReportLike(Protocol):
    """What ``print_report`` needs of a report model (the shift/day report plugs in here).

    ``rows``: (label, value) strings in print order; an empty value makes the label a heading.
    """

    @property
    def title(self) -> str: ...

    @property
    def rows(self) -> Sequence[tuple[str, str]]: ...


@dataclass(frozen=True, slots=True)
class ReportPage:
    """The simplest ``ReportLike``: a ready-made title and rows."""

    title: str
    rows: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SlipShop:
    """Where the slip was printed: the shop's name or id, and whether this is training."""

    shop: str
    training: bool = False


def _when(at: datetime) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _yuan(amount: Decimal | None) -> str:
    return "-" if amount is None else f"{amount:.2f}元"


def _code(op: Operation) -> str:
    return group_code(mask_code(op.code))


def _notes(shop: SlipShop, reprint: bool) -> tuple[str, ...]:
    notes: list[str] = []
    if shop.training:
        notes.append("培训模式 · 非真实交易")
    if reprint:
        notes.append("补打 " + _when(datetime.now().astimezone()))
    return tuple(notes)


def printable(op: Operation) -> bool:
    """A slip exists for a redemption or reversal that succeeded (a reversed redemption too)."""
    return op.kind in (OpKind.REDEEM, OpKind.REVERSE) and op.state is OpState.SUCCEEDED


def _check_printable(op: Operation) -> None:
    if not printable(op):
        raise InputInvalid(
            "RECEIPT_NOT_PRINTABLE", "request_id", f"{op.kind.value} {op.state.value}"
        )


def redemption_slip(op: Operation, shop: SlipShop, *, reprint: bool = False) -> Slip:
    """核销凭条 for a SUCCEEDED redemption row."""
    _check_printable(op)
    rows = (
        ("门店", shop.shop or "-"),
        ("收银台", op.terminal or "-"),
        ("收银员", op.operator or "-"),
        ("时间", _when(op.created_at)),
        ("商品", op.item_name or "-"),
        ("核销份数", str(op.quantity)),
        ("实付金额", _yuan(op.amount)),
        ("券码", _code(op)),
        ("订单号", op.order_no or "-"),
        ("请求号", op.request_id),
    )
    reversed_note = ("此笔核销已撤销",) if op.reversed_by is not None else ()
    return Slip("核销凭条", rows, op.request_id, reversed_note + _notes(shop, reprint))


def reversal_slip(
    op: Operation, redemption: Operation | None, shop: SlipShop, *, reprint: bool = False
) -> Slip:
    """撤销凭条 for a SUCCEEDED reversal row; ``redemption`` is the row it reversed."""
    _check_printable(op)
    original = redemption or op
    rows = (
        ("门店", shop.shop or "-"),
        ("收银台", op.terminal or "-"),
        ("店长", op.manager or "-"),
        ("原收银员", original.operator or "-"),
        ("撤销时间", _when(op.updated_at)),
        ("原核销时间", _when(original.created_at)),
        ("商品", original.item_name or "-"),
        ("撤销份数", str(op.quantity)),
        ("原实付金额", _yuan(original.amount)),
        ("券码", _code(op)),
        ("订单号", op.order_no or original.order_no or "-"),
        ("请求号", op.request_id),
        ("原请求号", original.request_id if redemption else "-"),
        ("原因", op.reason or "-"),
    )
    return Slip("撤销凭条", rows, op.request_id, _notes(shop, reprint))


def print_test_slip(uri: str, width_mm: int, shop: SlipShop) -> Slip:
    """打印测试: the address and width in use, a line of Chinese, a QR code."""
    rows = (
        ("打印机", uri),
        ("纸宽", f"{width_mm}mm"),
        ("门店", shop.shop or "-"),
        ("时间", _when(datetime.now().astimezone())),
        ("中文", "口碑团购券核销 ￥0.00"),
    )
    return Slip(
        "打印测试", rows, "POS-APP PRINT TEST", ("如能看清本页中文和二维码，打印机设置正确。",)
    )


def report_slip(report: ReportLike) -> Slip:
    return Slip(report.title, tuple((label, value) for label, value in report.rows))


# --- layout --------------------------------------------------------------------------------------


class Style:
    TITLE = "title"  # centred, double width and height: half the columns
    HEADING = "heading"  # bold
    TEXT = "text"
    CENTER = "center"
    RULE = "rule"


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    style: str = Style.TEXT


def text_width(text: str) -> int:
    """Columns a text takes on the printer: in Chinese mode every character outside ASCII is a
    double-byte one and prints two columns wide (also "·" and "（", which Unicode calls narrow
    or ambiguous)."""
    return sum(1 if ord(ch) < 128 else 2 for ch in text)


def wrap(text: str, columns: int) -> list[str]:
    """``text`` cut into lines of at most ``columns`` (never splitting a wide character)."""
    lines: list[str] = []
    current, used = "", 0
    for ch in text:
        width = text_width(ch)
        if used + width > columns:
            lines.append(current)
            current, used = "", 0
        current += ch
        used += width
    return [*lines, current] if current or not lines else lines


def _row(label: str, value: str, columns: int) -> list[Line]:
    gap = columns - text_width(label) - text_width(value)
    if not value:
        return [Line(part, Style.HEADING) for part in wrap(label, columns)]
    if gap >= 1:
        return [Line(label + " " * gap + value)]
    # Too long for one line (order and request numbers on 58 mm): the value goes below, flush
    # right when it fits a line (a 32-character id does, exactly), else wrapped and indented.
    if text_width(value) <= columns:
        return [Line(label + "："), Line(" " * (columns - text_width(value)) + value)]
    return [Line(label + "：")] + [Line("  " + part) for part in wrap(value, columns - 2)]


def layout(slip: Slip, width_mm: int) -> list[Line]:
    """The slip's printed lines for a paper width; the QR code follows them."""
    columns = COLUMNS[width_mm]
    lines = [Line(part, Style.TITLE) for part in wrap(slip.title, columns // 2)]
    lines.append(Line("-" * columns, Style.RULE))
    for label, value in slip.rows:
        lines.extend(_row(label, value, columns))
    lines.append(Line("-" * columns, Style.RULE))
    for note in slip.notes:
        lines.extend(Line(part, Style.CENTER) for part in wrap(note, columns))
    return lines
