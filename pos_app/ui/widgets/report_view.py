"""A report (``core/reports.py``) on screen: its head, the hourly chart, by product and cashier.

Used at 交班 (the shift report before signing out) and on the manager's report page. It only lays
the model out; the texts are the PDF's (``ui/report_render.py``), so screen and paper agree.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from pos_app.core.reports import Line, Report
from pos_app.ui.report_render import (
    cashier_label,
    chart_image,
    report_title,
    summary_rows,
    tally_text,
)

logger = logging.getLogger(__name__)

CHART_SIZE = (720, 220)


class ReportView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportView")
        self.report: Report | None = None
        self.title = QLabel(self)
        self.title.setObjectName("reportTitle")
        self.title.setStyleSheet("font-size: 26px; font-weight: bold;")
        self.summary = QFormLayout()
        self.chart = QLabel(self)
        self.chart.setObjectName("reportChart")
        self.chart.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.groups = QLabel(self)
        self.groups.setObjectName("reportGroups")
        self.groups.setTextFormat(Qt.TextFormat.PlainText)
        self.groups.setStyleSheet("font-size: 16px;")
        column = QVBoxLayout(self)
        column.addWidget(self.title)
        column.addLayout(self.summary)
        column.addWidget(self.chart)
        column.addWidget(self.groups, 1)

    def show_report(self, report: Report) -> None:
        self.report = report
        self.title.setText(report_title(report))
        while self.summary.rowCount():
            self.summary.removeRow(0)
        for label, value in summary_rows(report):
            shown = QLabel(value, self)
            shown.setStyleSheet("font-size: 18px;")
            self.summary.addRow(QLabel(label, self), shown)
        self.chart.setPixmap(QPixmap.fromImage(chart_image(report, *CHART_SIZE)))
        lines = [QCoreApplication.translate("ReportRender", "By product")]
        lines += [_line(x.key or "—", x) for x in report.by_product]
        lines += ["", QCoreApplication.translate("ReportRender", "By cashier")]
        lines += [_line(cashier_label(x.key), x) for x in report.by_cashier]
        self.groups.setText("\n".join(lines))

    def summary_text(self) -> str:
        """Every label and value shown (for tests and screen readers)."""
        parts = []
        for row in range(self.summary.rowCount()):
            for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole):
                item = self.summary.itemAt(row, role)
                widget = item.widget() if item is not None else None
                if isinstance(widget, QLabel):
                    parts.append(widget.text())
        return " ".join(parts)


def _line(name: str, line: Line) -> str:
    reversed_ = QCoreApplication.translate("ReportRender", "reversed %1").replace(
        "%1", str(line.reversed.count)
    )
    return f"  {name}   {tally_text(line.redeemed)}   {reversed_}"
