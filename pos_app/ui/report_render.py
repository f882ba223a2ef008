"""Drawing a report (``core/reports.py``): the hourly bar chart as an image, and the A4 PDF.

The chart is drawn with QPainter into a ``QImage`` (black bars on white, so it also suits a
receipt printer's 1-bit raster: ``chart_png`` gives PNG bytes at any width, e.g. 384 dots for
58 mm or 576 for 80 mm paper). The PDF is ``QPdfWriter`` on A4 with the Noto Sans CJK font, which
Qt embeds (as a subset) so the Chinese shows on any machine. A ``QGuiApplication`` must exist
(``ensure_gui_app`` makes an offscreen one for the command line).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)
from PySide6.QtWidgets import QApplication

from pos_app.core.errors import ConfigError
from pos_app.core.reports import Line, Report, Tally, yuan

logger = logging.getLogger(__name__)

CJK_FAMILY = "Noto Sans CJK SC"


def ensure_gui_app(language: str = "") -> QGuiApplication:
    """The running Qt application, or an offscreen one with the app's translations (the CLI
    draws without a display)."""
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):
        return app
    from pos_app.app import choose_language, install_translators

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # A QApplication (not only QGuiApplication): widgets may follow in the same process.
    app = QApplication([])
    install_translators(app, choose_language(language))
    return app


def report_title(report: Report) -> str:
    if report.kind == "shift":
        return QCoreApplication.translate("ReportRender", "Shift report")
    return (
        QCoreApplication.translate("ReportRender", "Day report (whole store)")
        if report.scope == "store"
        else QCoreApplication.translate("ReportRender", "Day report")
    )


def tally_text(t: Tally) -> str:
    return (
        QCoreApplication.translate("ReportRender", "%1 redemptions, %2 uses, ¥%3")
        .replace("%1", str(t.count))
        .replace("%2", str(t.quantity))
        .replace("%3", yuan(t.amount))
    )


def cashier_label(name: str) -> str:
    return name or QCoreApplication.translate("ReportRender", "(no sign-in)")


def summary_rows(report: Report) -> list[tuple[str, str]]:
    """The report's head as (label, value) pairs: the page, the PDF and the slip show these."""
    rows = [
        (
            QCoreApplication.translate("ReportRender", "Period"),
            f"{report.start:%Y-%m-%d %H:%M} – {report.end:%Y-%m-%d %H:%M}",
        ),
        (QCoreApplication.translate("ReportRender", "Till"), report.terminal or "—"),
    ]
    if report.cashier is not None:
        rows.append(
            (QCoreApplication.translate("ReportRender", "Cashier"), cashier_label(report.cashier))
        )
    rows.append(
        (QCoreApplication.translate("ReportRender", "Redeemed"), tally_text(report.redeemed))
    )
    rows.append(
        (QCoreApplication.translate("ReportRender", "Reversed"), tally_text(report.reversed))
    )
    rows.append((QCoreApplication.translate("ReportRender", "Failed"), str(report.failed)))
    rows.append(
        (QCoreApplication.translate("ReportRender", "Being confirmed"), str(report.unknown))
    )
    rows.append((QCoreApplication.translate("ReportRender", "Needs review"), str(report.review)))
    return rows


def chart_image(report: Report, width: int = 720, height: int = 260) -> QImage:
    """The hourly bar chart: redemptions per hour, 24 bars from the day's first hour."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        draw_chart(painter, QRectF(0, 0, width, height), report.by_hour)
    finally:
        painter.end()
    return image


def chart_png(report: Report, width: int = 576) -> bytes:
    """The chart as PNG bytes (for the receipt printer's raster image)."""
    ensure_gui_app()
    image = chart_image(report, width, max(width * 2 // 5, 120))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # PySide6 6.x takes str here
    buffer.close()
    return bytes(data.data())


def draw_chart(painter: QPainter, area: QRectF, hours: tuple[Line, ...]) -> None:
    """Bars of ``hours`` in ``area``: count above each bar, the hour under every third one."""
    if not hours:
        return
    font = QFont(CJK_FAMILY)
    font.setPixelSize(max(int(area.height() / 14), 8))
    painter.setFont(font)
    label_h = font.pixelSize() * 1.6
    plot = QRectF(area.left(), area.top() + label_h, area.width(), area.height() - 2 * label_h)
    top = max((line.redeemed.count for line in hours), default=0) or 1
    slot = plot.width() / len(hours)
    painter.setPen(QColor("black"))
    painter.drawLine(plot.bottomLeft(), plot.bottomRight())
    for i, line in enumerate(hours):
        x = plot.left() + i * slot
        bar_h = plot.height() * line.redeemed.count / top
        bar = QRectF(x + slot * 0.15, plot.bottom() - bar_h, slot * 0.7, bar_h)
        painter.fillRect(bar, QColor("black"))
        if line.redeemed.count:
            above = QRectF(x, bar.top() - label_h, slot, label_h)
            painter.drawText(above, Qt.AlignmentFlag.AlignCenter, str(line.redeemed.count))
        if i % 3 == 0:
            below = QRectF(x - slot, plot.bottom(), slot * 3, label_h)
            painter.drawText(below, Qt.AlignmentFlag.AlignCenter, line.key)


def write_report_pdf(report: Report, path: Path, *, language: str = "") -> None:
    """The report on A4 pages: head, chart, by product, by cashier. ``REPORT_PDF_FAILED`` when
    the file cannot be written."""
    ensure_gui_app(language)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        probe = path.open("wb")
        probe.close()
    except OSError as exc:
        raise ConfigError("REPORT_PDF_FAILED", f"{path}: {exc.strerror or exc}") from None
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    writer.setResolution(300)
    writer.setTitle(report_title(report))
    writer.setCreator("pos_app")
    painter = QPainter(writer)
    try:
        _PdfPage(painter, writer).draw(report)
    finally:
        painter.end()
    logger.info("report PDF written to %s", path)


class _PdfPage:
    """Lays the report out top to bottom, starting a new page when one is full."""

    def __init__(self, painter: QPainter, writer: QPdfWriter) -> None:
        self.painter = painter
        self.writer = writer
        rect = writer.pageLayout().paintRectPixels(writer.resolution())
        self.width = float(rect.width())
        self.height = float(rect.height())
        self.y = 0.0
        self.line_h = writer.resolution() * 0.2  # about 5 mm per line

    def _font(self, points: float, bold: bool = False) -> None:
        font = QFont(CJK_FAMILY)
        font.setPointSizeF(points)
        font.setBold(bold)
        self.painter.setFont(font)

    def _room(self, needed: float) -> None:
        if self.y + needed > self.height:
            self.writer.newPage()
            self.y = 0.0

    def text(self, left: str, right: str = "", *, points: float = 10.5, bold: bool = False) -> None:
        self._room(self.line_h)
        self._font(points, bold)
        row = QRectF(0, self.y, self.width, self.line_h * points / 10.5)
        self.painter.drawText(row, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, left)
        if right:
            self.painter.drawText(
                row, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, right
            )
        self.y += row.height()

    def draw(self, report: Report) -> None:
        self.text(report_title(report), points=18, bold=True)
        self.y += self.line_h * 0.5
        for label, value in summary_rows(report):
            self.text(label, value)
        self.y += self.line_h * 0.5
        self.text(QCoreApplication.translate("ReportRender", "Redemptions by hour"), bold=True)
        chart_h = self.width * 0.35
        self._room(chart_h)
        draw_chart(self.painter, QRectF(0, self.y, self.width, chart_h), report.by_hour)
        self.y += chart_h + self.line_h
        self.lines(
            QCoreApplication.translate("ReportRender", "By product"),
            [(x.key or "—", x) for x in report.by_product],
        )
        self.lines(
            QCoreApplication.translate("ReportRender", "By cashier"),
            [(cashier_label(x.key), x) for x in report.by_cashier],
        )

    def lines(self, heading: str, lines: list[tuple[str, Line]]) -> None:
        self.text(heading, bold=True)
        for name, line in lines:
            reversed_ = QCoreApplication.translate("ReportRender", "reversed %1").replace(
                "%1", str(line.reversed.count)
            )
            self.text(f"  {name}", f"{tally_text(line.redeemed)}  {reversed_}")
        self.y += self.line_h * 0.5
