"""交班: the signed-in cashier's shift report; 确认交班 signs them out, 导出 PDF keeps a copy.

Non-modal-blocking (``open()``, not ``exec()``): the window acts on ``ended`` so a scan that
arrives meanwhile is still refused by the main window's open-dialog rule.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from pos_app.core.reports import Report
from pos_app.ui.messages import error_text
from pos_app.ui.report_render import write_report_pdf
from pos_app.ui.widgets.report_view import ReportView

logger = logging.getLogger(__name__)


class ShiftEndDialog(QDialog):
    ended = Signal()  # 确认交班: the window signs the cashier out

    def __init__(self, report: Report, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shiftEndDialog")
        self.setWindowTitle(self.tr("End shift"))
        self.report = report
        self.view = ReportView(self)
        self.view.show_report(report)
        self.end_button = QPushButton(self.tr("End shift and sign out"), self)
        self.end_button.setObjectName("endShift")
        self.pdf_button = QPushButton(self.tr("Save as PDF…"), self)
        self.cancel_button = QPushButton(self.tr("Keep working"), self)
        for button in (self.cancel_button, self.pdf_button, self.end_button):
            button.setMinimumHeight(64)
            button.setStyleSheet("font-size: 20px;")
        self.end_button.clicked.connect(self._end)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for button in (self.cancel_button, self.pdf_button, self.end_button):
            buttons.addWidget(button)
        column = QVBoxLayout(self)
        column.addWidget(self.view, 1)
        column.addLayout(buttons)
        self.resize(820, 720)

    @classmethod
    def ask_pdf_path(cls, parent: QWidget, suggested: str) -> str:
        from pos_app.ui.screens.report_page import ask_report_pdf_path

        return ask_report_pdf_path(parent, suggested)

    def save_pdf(self) -> None:
        name = f"shift-{self.report.cashier or 'till'}-{self.report.start:%Y%m%d-%H%M}.pdf"
        path = type(self).ask_pdf_path(self, name)
        if not path:
            return
        try:
            write_report_pdf(self.report, Path(path))
        except Exception as exc:  # shown, never lost: the shift is still open
            logger.exception("shift report PDF failed")
            self.view.groups.setText(error_text(exc))

    def _end(self) -> None:
        self.ended.emit()
        self.accept()
