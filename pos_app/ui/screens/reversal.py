"""Manager reversal (撤销核销): pick a redemption from the undo log, give a reason, confirm.

Only rows the service calls reversible are offered (succeeded redemptions not yet reversed). The
confirmation repeats exactly what will be reversed — masked code, quantity, amount, when, order
no — and the result is shown in the colours of the scan screen: green reversed, red refused (with
the platform's reason, e.g. REPEAT_CANCEL), amber while the outcome is being confirmed.

A search box narrows the list by code tail, order no or request id (the journal's own matcher),
and a scanner burst on this page searches for the scanned code instead of redeeming it. Cancelling
an external code needs the Koubei order no (seed 001), which newer integrations never receive with
the redemption (seed 003): for such a row the manager is asked to type it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
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

from pos_app.core.codes import MAX_ORDER_NO_LEN, mask_code, normalize_code, reversal_order_no
from pos_app.core.errors import InputInvalid
from pos_app.core.journal import Operation, OpState
from pos_app.core.models import CodeType
from pos_app.core.service import OpOutcome, RedemptionService
from pos_app.ui.messages import error_text, local_time, money, pick
from pos_app.ui.operation_text import STATE_COLOURS, reversal_summary
from pos_app.ui.tasks import TaskManager, in_background
from pos_app.ui.widgets.scope_switch import ScopeSwitch

logger = logging.getLogger(__name__)

MAX_REASON = 200
_TILL_COLUMN = 6  # shown in the whole store's list only
SEARCH_DELAY_MS = 300  # typing in the search box reloads the list after this pause


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
        self._select_single = False  # after a scan: pick the row when it is the only match

        title = QLabel(self.tr("Pick the redemption to reverse"))
        title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        # 全店: every till's reversible redemptions, from the store database.
        self.scope = ScopeSwitch(lambda: service.store_configured)
        self.scope.changed.connect(lambda _store: self.refresh())
        self.search_edit = self._search_field()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.table = self._table()
        self.reason_combo = self._reason_combo()
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.reverse_button = QPushButton(self.tr("Reverse…"))
        self.reverse_button.setMinimumHeight(44)
        self.reverse_button.setMinimumWidth(120)
        self.order_label = QLabel(self.tr("Order no"))
        self.order_edit = self._order_field()
        self.order_hint = QLabel(
            self.tr(
                "This external-code redemption has no order no in the log (newer integrations do "
                "not receive it). Type the Koubei order no from the customer's order."
            )
        )
        self.order_hint.setObjectName("reversalOrderHint")
        self.order_hint.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.result_label = QLabel()
        self.result_label.setObjectName("reversalResult")
        self.result_label.setWordWrap(True)

        self._lay_out(title)

        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.reason_combo.currentTextChanged.connect(self._update_buttons)
        self.refresh_button.clicked.connect(self.refresh)
        self.reverse_button.clicked.connect(self.start_reversal)
        self.search_edit.textChanged.connect(self._search_timer.start)
        self.search_edit.returnPressed.connect(self.refresh)
        self._selection_changed()

    def _lay_out(self, title: QLabel) -> None:
        """Title and search on top, the list, the order no (only when needed), reason, result."""
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.scope)
        top.addWidget(self.search_edit)
        order_row = QHBoxLayout()
        order_row.addWidget(self.order_label)
        order_row.addWidget(self.order_edit, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Reason")))
        row.addWidget(self.reason_combo, 1)
        row.addWidget(self.refresh_button)
        row.addWidget(self.reverse_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.order_hint)
        layout.addLayout(order_row)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        layout.addWidget(self.result_label)

    def _search_field(self) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName("reversalSearch")
        edit.setPlaceholderText(self.tr("Scan, or type code tail, order no or request id"))
        edit.setClearButtonEnabled(True)
        edit.setMaxLength(64)
        edit.setMinimumWidth(320)
        return edit

    def _order_field(self) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName("reversalOrderNo")
        edit.setMaxLength(MAX_ORDER_NO_LEN + 8)  # room for spaces a person types; checked on send
        edit.setPlaceholderText(self.tr("Koubei order no (up to 32 letters/digits)"))
        return edit

    def _table(self) -> QTableWidget:
        table = QTableWidget(0, 7)
        table.setHorizontalHeaderLabels(
            [
                self.tr("Redeemed at"),
                self.tr("Code"),
                self.tr("Qty"),
                self.tr("Paid"),
                self.tr("Item"),
                self.tr("Order no"),
                self.tr("Till · cashier"),
            ]
        )
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)  # item name takes the rest
        table.setColumnHidden(_TILL_COLUMN, True)
        return table

    def _reason_combo(self) -> QComboBox:
        combo = QComboBox()
        combo.setEditable(True)
        combo.addItems(
            [
                "",
                self.tr("Redeemed by mistake"),
                self.tr("Customer asked to cancel"),
                self.tr("Wrong quantity redeemed"),
            ]
        )
        line_edit = combo.lineEdit()
        if line_edit is not None:  # an editable combo box always has one
            line_edit.setMaxLength(MAX_REASON)
            line_edit.setPlaceholderText(self.tr("Reason (required)"))
        return combo

    # ------------------------------------------------------------------ list
    def refresh(self) -> None:
        self._search_timer.stop()
        self.scope.update_available()
        self.hint.setText(self.tr("Loading…"))
        service, search = self._service, self.search_edit.text().strip()
        rows = service.shop_reversible if self.scope.store else service.reversible
        self.table.setColumnHidden(_TILL_COLUMN, not self.scope.store)
        in_background(
            self._tasks,
            self,
            lambda: rows(search=search),
            self._show_rows,
            self._list_failed,
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
                " · ".join(part for part in (op.terminal, op.operator) if part),
            )
            for column, text in enumerate(cells):
                self.table.setItem(index, column, QTableWidgetItem(text))
        self.table.clearSelection()
        if rows:
            self.hint.setText("")
        elif self.search_edit.text().strip():
            self.hint.setText(self.tr("No redemption to reverse matches the search."))
        else:
            self.hint.setText(
                self.tr("Nothing to reverse: no succeeded redemptions that are not reversed yet.")
            )
        if self._select_single and len(rows) == 1:
            self.table.selectRow(0)
        self._select_single = False
        self._selection_changed()

    def handle_scan(self, code: str) -> bool:
        """A scanner burst on this page searches the list for that code; it never redeems."""
        try:
            text = normalize_code(code).value
        except InputInvalid:
            text = code.strip()  # not a voucher code: still search for what was scanned
        self._select_single = True
        self.search_edit.setText(text)
        self.refresh()
        return True

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

    def needs_order_no(self) -> bool:
        """The picked row has no order no: the manager may type one (external codes must)."""
        op = self.selected()
        return op is not None and not op.order_no

    def _selection_changed(self) -> None:
        needed = self.needs_order_no()
        op = self.selected()
        external = op is not None and op.code_type == CodeType.EXTERNAL.value
        self.order_hint.setVisible(needed and external)
        self.order_label.setVisible(needed)
        self.order_edit.setVisible(needed)
        if not needed:
            self.order_edit.clear()
        self._update_buttons()

    def _update_buttons(self) -> None:
        ready = self.selected() is not None and bool(self.reason()) and not self._busy
        self.reverse_button.setEnabled(ready)

    # ------------------------------------------------------------------ reversal
    @classmethod
    def confirm(cls, parent: QWidget, text: str) -> bool:
        """Ask the manager to confirm; tests replace this."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            QCoreApplication.translate("ReversalScreen", "Confirm reversal"),
            text,
            parent=parent,
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
        try:  # the service checks again; here a mistake shows before the confirmation
            order_no = reversal_order_no(
                self.order_edit.text(), known=op.order_no, code_type=CodeType(op.code_type)
            )
        except InputInvalid as exc:
            self._refuse_order_no(exc)
            return
        shown = dataclasses.replace(op, order_no=order_no)
        if not type(self).confirm(self, reversal_summary(shown, reason)):
            return
        manager = self._manager()
        service = self._service
        self._busy = True
        self._update_buttons()
        self._result(OpState.PENDING, self.tr("Reversing…"))
        if self.scope.store:  # a store row: this till's own, or another till's (issue #10)

            def reverse() -> OpOutcome:
                return service.reverse_request(
                    op.request_id, reason=reason, manager=manager, operator=manager,
                    order_no=order_no,
                )  # fmt: skip
        else:

            def reverse() -> OpOutcome:
                return service.reverse(
                    op.id, reason=reason, manager=manager, operator=manager, order_no=order_no
                )

        in_background(
            self._tasks,
            self,
            reverse,
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
        if isinstance(error, InputInvalid) and error.field == "order_no":
            self._refuse_order_no(error)
            return
        self._result(OpState.FAILED, error_text(error))
        self.refresh()

    def _refuse_order_no(self, error: InputInvalid) -> None:
        """Inline, next to the field: what is wrong with the order no; nothing was sent."""
        self._result(OpState.FAILED, error_text(error))
        self.order_edit.setFocus()
        self.order_edit.selectAll()

    def _list_failed(self, error: Exception) -> None:
        self.hint.clear()  # not "Loading…" any more; the default display says why
        self._tasks.show_error(error)

    def _result(self, state: OpState, text: str) -> None:
        self.result_label.setStyleSheet(result_style(state))
        self.result_label.setText(text)
        self._update_buttons()
