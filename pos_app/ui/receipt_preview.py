"""A slip drawn as the printer prints it: the same lines (``core.receipt.layout``) on paper of
the same width in dots, font A's 12×24 cells (a Chinese character takes two), the QR code in
the printer's 6-dot modules. For ``make screenshots`` and for a look before a printer exists."""

from __future__ import annotations

from typing import Any

import qrcode
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from pos_app.core.receipt import DOTS, Line, Slip, Style, layout, text_width

CELL_W, CELL_H = 12, 24  # font A: one column is 12 dots wide, a line 24 dots high (+ spacing)
LINE_H = 30
MARGIN = 16
QR_MODULE = 6  # printing.escpos.QR_DOT_SIZE
FONT_FAMILY = "Noto Sans Mono CJK SC"


def _font(pixels: int, *, bold: bool = False) -> QFont:
    font = QFont(FONT_FAMILY)
    font.setPixelSize(pixels)
    font.setBold(bold)
    return font


def _draw_text(painter: QPainter, x: int, y: int, text: str, scale: int) -> None:
    """Character by character on the printer's grid, so columns line up as on paper."""
    for ch in text:
        width = text_width(ch) * CELL_W * scale
        painter.drawText(QRect(x, y, width, CELL_H * scale), Qt.AlignmentFlag.AlignCenter, ch)
        x += width


def _draw_line(painter: QPainter, line: Line, y: int, paper: int) -> int:
    scale = 2 if line.style == Style.TITLE else 1
    painter.setFont(_font(22 * scale, bold=line.style in (Style.TITLE, Style.HEADING)))
    width = text_width(line.text) * CELL_W * scale
    centred = line.style in (Style.TITLE, Style.CENTER)
    x = MARGIN + ((paper - width) // 2 if centred else 0)
    _draw_text(painter, x, y, line.text, scale)
    return y + LINE_H * scale


def _qr_matrix(text: str) -> list[list[bool]]:
    code: Any = qrcode.QRCode(border=1)
    code.add_data(text)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def render_slip(slip: Slip, width_mm: int) -> QImage:
    """The slip on white paper ``DOTS[width_mm]`` wide (plus a margin), one pixel per dot."""
    paper = DOTS[width_mm]
    lines = layout(slip, width_mm)
    matrix = _qr_matrix(slip.qr) if slip.qr else []
    qr_size = len(matrix) * QR_MODULE
    height = MARGIN * 2 + sum(LINE_H * (2 if ln.style == Style.TITLE else 1) for ln in lines)
    height += qr_size + (MARGIN if matrix else 0)
    image = QImage(paper + 2 * MARGIN, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setPen(QColor("black"))
    y = MARGIN
    for line in lines:
        y = _draw_line(painter, line, y, paper)
    left = MARGIN + (paper - qr_size) // 2
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                painter.fillRect(
                    left + col * QR_MODULE,
                    y + row * QR_MODULE,
                    QR_MODULE,
                    QR_MODULE,
                    Qt.GlobalColor.black,
                )
    painter.end()
    return image


def render_slips(slips: list[tuple[Slip, int]]) -> QImage:
    """Several slips side by side on a grey counter (for the screenshot)."""
    images = [render_slip(slip, width) for slip, width in slips]
    gap = 40
    width = gap + sum(image.width() + gap for image in images)
    height = gap * 2 + max(image.height() for image in images)
    sheet = QImage(width, height, QImage.Format.Format_RGB32)
    sheet.fill(QColor("#d9d9d9"))
    painter = QPainter(sheet)
    x = gap
    for image in images:
        painter.drawImage(x, gap, image)
        x += image.width() + gap
    painter.end()
    return sheet
