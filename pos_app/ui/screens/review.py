"""Needs review (需核对): the manager decides what the platform's answer left in doubt.

A row is here when a retry was told the voucher is used (the first try may have redeemed it) or
when a reversal was told the original order is closed or missing (design.md rule 6). For the
picked row the manager chooses "顾客已消费" (SUCCEEDED: it counts as redeemed) or "未核销"
(FAILED), with a reason, and confirms. Nothing is sent to the platform: the service journals the
decision with the manager's name in the row's history and the audit trail. The list, the records
and the totals follow through ``resolved`` and the service's settle events.

Like the reversal page, every service call runs on the serial worker (``in_background``), except
the lookup of the picked row's voucher: its platform use history helps the manager decide, and it
is read-only, so it runs on the probe lane and never waits behind a redemption.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_app.core.codes import MAX_REASON_LEN, mask_code, validate_reason
from pos_app.core.errors import InputInvalid
from pos_app.core.journal import Operation, OpState
from pos_app.core.models import VoucherInfo
from pos_app.core.service import OpOutcome, RedemptionService
from pos_app.ui.messages import arg, error_text, local_time
from pos_app.ui.operation_text import review_text
from pos_app.ui.screens.reversal import result_style
from pos_app.ui.tasks import TaskManager, in_background
from pos_app.ui.voucher_text import VoucherText

logger = logging.getLogger(__name__)


class ReviewScreen(QWidget):
    """``manager()`` gives the name of the manager who unlocked the screen.

    ``count_changed(n)`` after every load (for the tab's badge); ``resolved(OpOutcome)`` after a
    decision was journaled.
    """

    count_changed = Signal(int)
    resolved = Signal(object)

    def __init__(
        self,
        service: RedemptionService,
        tasks: TaskManager,
        manager: Callable[[], str],
        parent: QWidget | None = None,
        *,
        probe: TaskManager | None = None,
    ) -> None:
        """``probe``: the lane for the voucher lookup; without it no use history is shown."""
        super().__init__(parent)
        self._service = service
        self._tasks = tasks
        self._probe = probe
        self._voucher_text = VoucherText(self)
        self._manager = manager
        self._rows: list[Operation] = []
        self._busy = False

        title = QLabel(self.tr("Operations that need a manager's decision"))
        title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.table = self._table()
        self.why_label = QLabel()
        self.why_label.setObjectName("reviewWhy")
        self.why_label.setWordWrap(True)
        self.why_label.setTextFormat(Qt.TextFormat.PlainText)
        self.history_label = QLabel()
        self.history_label.setObjectName("reviewHistory")
        self.history_label.setWordWrap(True)
        self.history_label.setTextFormat(Qt.TextFormat.PlainText)
        self.history_label.setStyleSheet("color: #37474f;")
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("reviewReason")
        self.reason_edit.setMaxLength(MAX_REASON_LEN)
        self.reason_edit.setPlaceholderText(
            self.tr("Reason (required), e.g. what the customer's order shows")
        )
        self.consumed_button = QPushButton(self.tr("Customer did consume"))
        self.consumed_button.setObjectName("reviewConsumed")
        self.not_redeemed_button = QPushButton(self.tr("Not redeemed"))
        self.not_redeemed_button.setObjectName("reviewNotRedeemed")
        for button in (self.consumed_button, self.not_redeemed_button):
            button.setMinimumHeight(44)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # reachable with Tab
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.result_label = QLabel()
        self.result_label.setObjectName("reviewResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self._lay_out(title)

        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.refresh_button.clicked.connect(self.refresh)
        self.consumed_button.clicked.connect(lambda: self.decide(OpState.SUCCEEDED))
        self.not_redeemed_button.clicked.connect(lambda: self.decide(OpState.FAILED))
        self._selection_changed()

    def _lay_out(self, title: QLabel) -> None:
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.refresh_button)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Reason")))
        row.addWidget(self.reason_edit, 1)
        row.addWidget(self.consumed_button)
        row.addWidget(self.not_redeemed_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.why_label)
        layout.addWidget(self.history_label)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        layout.addWidget(self.result_label)
        QWidget.setTabOrder(self.table, self.reason_edit)
        QWidget.setTabOrder(self.reason_edit, self.consumed_button)
        QWidget.setTabOrder(self.consumed_button, self.not_redeemed_button)

    def _table(self) -> QTableWidget:
        table = QTableWidget(0, 6)
        table.setObjectName("reviewTable")
        table.setHorizontalHeaderLabels(
            [
                self.tr("Time"),
                self.tr("Till"),
                self.tr("Code"),
                self.tr("Qty"),
                self.tr("Item"),
                self.tr("Why"),
            ]
        )
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)  # Tab leaves the list for the reason and the buttons
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)  # the reason takes the rest
        return table

    # ------------------------------------------------------------------ list
    def refresh(self) -> None:
        self.hint.setText(self.tr("Loading…"))
        service = self._service
        in_background(
            self._tasks,
            self,
            service.review_items,
            self._show_rows,
            self._list_failed,
            label="review-items",
        )

    def _show_rows(self, rows: list[Operation]) -> None:
        picked = self.selected()
        self._rows = rows
        self.table.setRowCount(len(rows))
        for index, op in enumerate(rows):
            why = review_text(op)
            cells = (
                local_time(op.created_at),
                op.terminal,
                mask_code(op.code),
                str(op.quantity),
                op.item_name,
                why,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(why)
                self.table.setItem(index, column, item)
        self.table.clearSelection()
        self.hint.setText("" if rows else self.tr("Nothing needs review."))
        if picked is not None:
            self.select_operation(picked.id)
        elif len(rows) == 1:
            self.table.selectRow(0)  # the usual case: one row, ready to decide
        self._selection_changed()
        self.count_changed.emit(len(rows))

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

    def _selection_changed(self) -> None:
        op = self.selected()
        self.why_label.setText(review_text(op) if op is not None else "")
        self._look_up(op)
        ready = op is not None and not self._busy
        self.consumed_button.setEnabled(ready)
        self.not_redeemed_button.setEnabled(ready)

    def _look_up(self, op: Operation | None) -> None:
        """The platform's use history of the picked row's voucher (12-digit codes only)."""
        self.history_label.clear()
        if self._probe is None or op is None or not (len(op.code) == 12 and op.code.isdigit()):
            return
        self.history_label.setText(self.tr("Platform record: looking up…"))
        service, op_id = self._service, op.id
        in_background(
            self._probe,
            self,
            lambda: service.lookup(op.code),
            lambda info: self._show_history(op_id, info),
            lambda error: self._history_failed(op_id, error),
            label="lookup",
        )

    def _still_selected(self, op_id: int) -> bool:
        op = self.selected()
        return op is not None and op.id == op_id

    def _show_history(self, op_id: int, info: VoucherInfo) -> None:
        if self._still_selected(op_id):
            self.history_label.setText(self._voucher_text.history(info))

    def _history_failed(self, op_id: int, error: Exception) -> None:
        if self._still_selected(op_id):
            text = self.tr("Platform record: could not look up (%1)")
            self.history_label.setText(arg(text, error_text(error)))

    # ------------------------------------------------------------------ decision
    @classmethod
    def confirm(cls, parent: QWidget, text: str) -> bool:
        """Ask the manager to confirm; tests replace this."""
        title = QCoreApplication.translate("ReviewScreen", "Confirm decision")
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def decide(self, resolution: OpState) -> None:
        """Journal the manager's decision on the picked row, after a reason and a confirmation."""
        op = self.selected()
        if op is None or self._busy:
            self._result(OpState.FAILED, self.tr("Pick an operation first."))
            return
        try:  # the service checks again; here a mistake shows before the confirmation
            reason = validate_reason(self.reason_edit.text())
        except InputInvalid:
            self._refuse_reason()
            return
        if not type(self).confirm(self, self._summary(op, resolution, reason)):
            return
        manager, service = self._manager(), self._service
        self._busy = True
        self._selection_changed()
        self._result(OpState.PENDING, self.tr("Recording the decision…"))
        in_background(
            self._tasks,
            self,
            lambda: service.resolve_review(op.id, resolution, reason=reason, manager=manager),
            self._show_resolved,
            self._show_refusal,
            label="resolve-review",
        )

    def _summary(self, op: Operation, resolution: OpState, reason: str) -> str:
        decision = (
            self.tr("Customer did consume: it counts as redeemed.")
            if resolution is OpState.SUCCEEDED
            else self.tr("Not redeemed: it counts as failed.")
        )
        lines = [
            decision,
            "",
            arg(self.tr("Code: %1"), mask_code(op.code)),
            arg(self.tr("Quantity: %1"), op.quantity),
            arg(self.tr("Time: %1"), local_time(op.created_at)),
            arg(self.tr("Reason: %1"), reason),
            "",
            self.tr("Nothing is sent to the platform. Your name and reason are recorded."),
        ]
        return "\n".join(lines)

    def _show_resolved(self, op: Operation) -> None:
        self._busy = False
        self.reason_edit.clear()
        text = (
            self.tr("Recorded: customer did consume (%1).")
            if op.state is OpState.SUCCEEDED
            else self.tr("Recorded: not redeemed (%1).")
        )
        self._result(op.state, arg(text, mask_code(op.code)))
        self.resolved.emit(OpOutcome(op))
        self.refresh()

    def _show_refusal(self, error: Exception) -> None:
        self._busy = False
        if isinstance(error, InputInvalid) and error.field == "reason":
            self._refuse_reason()
            return
        self._result(OpState.FAILED, error_text(error))  # e.g. decided meanwhile elsewhere
        self.refresh()

    def _refuse_reason(self) -> None:
        """Inline, next to the field: a reason a person can read is required; nothing recorded."""
        self._result(
            OpState.FAILED,
            self.tr("Give a reason for the decision (visible text, not only spaces)."),
        )
        self.reason_edit.setFocus()
        self.reason_edit.selectAll()

    def _list_failed(self, error: Exception) -> None:
        self.hint.clear()  # not "Loading…" any more; the default display says why
        self._tasks.show_error(error)

    def _result(self, state: OpState, text: str) -> None:
        self.result_label.setStyleSheet(result_style(state))
        self.result_label.setText(text)
        self._selection_changed()
