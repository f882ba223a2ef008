"""The manager's 报表 page: the day report (日结) of this till — or of the whole store when the
store database is set — for any day, on screen and as PDF."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pos_app.core.reports import Report
from pos_app.runtime import build_day_report
from pos_app.ui.messages import error_text
from pos_app.ui.report_render import write_report_pdf
from pos_app.ui.tasks import TaskManager, in_background
from pos_app.ui.widgets.report_view import ReportView

logger = logging.getLogger(__name__)


class ReportPage(QWidget):
    def __init__(self, runtime: Any, probe: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportPage")
        self._runtime = runtime
        self._probe = probe
        self.day_edit = QDateEdit(QDate.currentDate(), self)
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setMaximumDate(QDate.currentDate())
        self.store_box = QCheckBox(self.tr("Whole store"), self)
        self.store_box.setEnabled(bool(runtime.settings.store_database_url))
        self.show_button = QPushButton(self.tr("Show"), self)
        self.pdf_button = QPushButton(self.tr("Save as PDF…"), self)
        self.pdf_button.setEnabled(False)
        self.message = QLabel(self)
        self.view = ReportView(self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.view)
        self.show_button.clicked.connect(self.refresh)
        self.pdf_button.clicked.connect(self.save_pdf)
        bar = QHBoxLayout()
        for widget in (self.day_edit, self.store_box, self.show_button, self.pdf_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        column = QVBoxLayout(self)
        column.addLayout(bar)
        column.addWidget(self.message)
        column.addWidget(scroll, 1)

    def refresh(self) -> None:
        picked = self.day_edit.date()
        day = date(picked.year(), picked.month(), picked.day())
        store, runtime = self.store_box.isChecked(), self._runtime
        self.message.setText(self.tr("Counting…"))
        in_background(
            self._probe, self,
            lambda: build_day_report(runtime, day, cashier=None, store=store),
            self._show, self._failed, label="day-report",
        )  # fmt: skip

    def _show(self, report: Report) -> None:
        self.message.clear()
        self.view.show_report(report)
        self.pdf_button.setEnabled(True)

    def _failed(self, error: Exception) -> None:
        self.message.setText(error_text(error))

    @classmethod
    def ask_pdf_path(cls, parent: QWidget, suggested: str) -> str:
        return ask_report_pdf_path(parent, suggested)

    def save_pdf(self) -> None:
        report = self.view.report
        if report is None:
            return
        path = type(self).ask_pdf_path(self, f"day-report-{report.day}.pdf")
        if not path:
            return
        try:
            write_report_pdf(report, Path(path))
        except Exception as exc:
            logger.exception("day report PDF failed")
            self.message.setText(error_text(exc))
            return
        self.message.setText(self.tr("Saved: %1").replace("%1", path))


def ask_report_pdf_path(parent: QWidget, suggested: str) -> str:
    """Where to save a report's PDF ("" when cancelled). Translated under one context of its
    own: ``parent.tr`` would look the text up under the parent's class, where it is not."""
    path, _filter = QFileDialog.getSaveFileName(
        parent,
        QCoreApplication.translate("ReportPdf", "Save report"),
        suggested,
        QCoreApplication.translate("ReportPdf", "PDF files (*.pdf)"),
    )
    return path
