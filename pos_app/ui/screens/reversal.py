"""Manager reversal (撤销核销): pick a redemption from the undo log, give a reason, confirm.

Only rows the service calls reversible are offered (succeeded redemptions not yet reversed). The
confirmation repeats exactly what will be reversed — masked code, quantity, amount, when, order
no — and the result is shown in the colours of the scan screen: green reversed, red refused (with
the platform's reason, e.g. REPEAT_CANCEL), amber while the outcome is being confirmed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_app.core.codes import mask_code
from pos_app.core.errors import PosError
from pos_app.core.service import OpOutcome, RedemptionService
from pos_app.journal.model import Operation, OpState
from pos_app.ui.messages import error_text, local_time, money, pick
from pos_app.ui.operation_text import STATE_COLOURS, reversal_summary
from pos_app.ui.tasks import TaskManager
from pos_app.ui.worker_calls import in_background

logger = logging.getLogger(__name__)

MAX_REASON = 200


def result_style(state: OpState) -> str:
    colour = STATE_COLOURS[state]
    return f"color: {colour}; font-size: 16pt; font-weight: bold;"


class ReversalScreen(QWidget):
    """``manager()`` gives the name of the manager who unlocked the screen."""

    reversed = Signal(object)  # OpOutcome, after every reversal attempt that reached the journal

    def __init__(
        self,
        service: RedemptionService,
        tasks: TaskManager,
        manager: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._tasks = tasks
        self._manager = manager
        self._rows: list[Operation] = []
        self._busy = False

        title = QLabel(self.tr("Pick the redemption to reverse"))
        title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Redeemed at"),
                self.tr("Code"),
                self.tr("Qty"),
                self.tr("Paid"),
                self.tr("Item"),
                self.tr("Order no"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)  # item name takes the rest

        self.reason_combo = QComboBox()
        self.reason_combo.setEditable(True)
        self.reason_combo.addItems(
            [
                "",
                self.tr("Redeemed by mistake"),
                self.tr("Customer asked to cancel"),
                self.tr("Wrong quantity redeemed"),
            ]
        )
        line_edit = self.reason_combo.lineEdit()
        if line_edit is not None:  # an editable combo box always has one
            line_edit.setMaxLength(MAX_REASON)
            line_edit.setPlaceholderText(self.tr("Reason (required)"))
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.reverse_button = QPushButton(self.tr("Reverse…"))
        self.reverse_button.setMinimumHeight(44)
        self.reverse_button.setMinimumWidth(120)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.result_label = QLabel()
        self.result_label.setObjectName("reversalResult")
        self.result_label.setWordWrap(True)

        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Reason")))
        row.addWidget(self.reason_combo, 1)
        row.addWidget(self.refresh_button)
        row.addWidget(self.reverse_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        layout.addWidget(self.result_label)

        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.reason_combo.currentTextChanged.connect(self._update_buttons)
        self.refresh_button.clicked.connect(self.refresh)
        self.reverse_button.clicked.connect(self.start_reversal)
        self._update_buttons()

    # ------------------------------------------------------------------ list
    def refresh(self) -> None:
        self.hint.setText(self.tr("Loading…"))
        service = self._service
        in_background(
            self._tasks,
            self,
            service.reversible,
            self._show_rows,
            self._show_error,
            label="reversible",
        )

    def _show_rows(self, rows: list[Operation]) -> None:
        self._rows = rows
        self.table.setRowCount(len(rows))
        for index, op in enumerate(rows):
            cells = (
                local_time(op.created_at),
                mask_code(op.code),
                str(op.quantity),
                money(op.amount),
                op.item_name,
                op.order_no,
            )
            for column, text in enumerate(cells):
                self.table.setItem(index, column, QTableWidgetItem(text))
        self.table.clearSelection()
        self.hint.setText(
            self.tr("Nothing to reverse: no succeeded redemptions that are not reversed yet.")
            if not rows
            else ""
        )
        self._update_buttons()

    def selected(self) -> Operation | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self._rows):
            return None
        return self._rows[rows[0].row()]

    def select_operation(self, op_id: int) -> bool:
        for index, op in enumerate(self._rows):
            if op.id == op_id:
                self.table.selectRow(index)
                return True
        return False

    def reason(self) -> str:
        return self.reason_combo.currentText().strip()

    def _update_buttons(self) -> None:
        ready = self.selected() is not None and bool(self.reason()) and not self._busy
        self.reverse_button.setEnabled(ready)

    # ------------------------------------------------------------------ reversal
    @classmethod
    def confirm(cls, parent: QWidget, text: str) -> bool:
        """Ask the manager to confirm; tests replace this."""
        box = QMessageBox(
            QMessageBox.Icon.Warning, parent.tr("Confirm reversal"), text, parent=parent
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def start_reversal(self) -> None:
        op = self.selected()
        reason = self.reason()
        if op is None:
            self._result(OpState.FAILED, self.tr("Pick a redemption first."))
            return
        if not reason:
            self._result(OpState.FAILED, self.tr("Give a reason for the reversal."))
            return
        if not type(self).confirm(self, reversal_summary(op, reason)):
            return
        manager = self._manager()
        service = self._service
        self._busy = True
        self._update_buttons()
        self._result(OpState.PENDING, self.tr("Reversing…"))
        in_background(
            self._tasks,
            self,
            lambda: service.reverse(op.id, reason=reason, manager=manager, operator=manager),
            self._show_outcome,
            self._show_refusal,
            label="reverse",
        )

    def _show_outcome(self, outcome: OpOutcome) -> None:
        self._busy = False
        op = outcome.operation
        if outcome.state is OpState.SUCCEEDED and outcome.error_code:
            # e.g. REPEAT_CANCEL: reversed before by another request; nothing more to do.
            text = self.tr("Already reversed (%1).").replace("%1", outcome.error_code)
            text += "\n" + pick(outcome.message)
        elif outcome.state is OpState.SUCCEEDED:
            text = self.tr("Reversed: %1 × %2. The voucher can be used again.")
            text = text.replace("%1", mask_code(op.code)).replace("%2", str(op.quantity))
            if outcome.message is not None:
                text += "\n" + pick(outcome.message)
        elif outcome.state is OpState.FAILED:
            text = self.tr("Not reversed (%1).").replace("%1", outcome.error_code)
            text += "\n" + pick(outcome.message)
        else:
            text = self.tr("The result is being confirmed; it is retried on its own.")
            if outcome.message is not None:
                text += "\n" + pick(outcome.message)
        self._result(outcome.state, text)
        self.reversed.emit(outcome)
        self.refresh()

    def _show_refusal(self, error: Exception) -> None:
        self._busy = False
        if not isinstance(error, PosError):
            logger.error("reversal failed unexpectedly", exc_info=error)
        self._result(OpState.FAILED, error_text(error))
        self.refresh()

    def _show_error(self, error: Exception) -> None:
        if not isinstance(error, PosError):
            logger.error("loading reversible rows failed", exc_info=error)
        self.hint.setText(error_text(error))

    def _result(self, state: OpState, text: str) -> None:
        self.result_label.setStyleSheet(result_style(state))
        self.result_label.setText(text)
        self._update_buttons()
