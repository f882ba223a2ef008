"""The day's redemptions (any day): search, states in colour, reversals linked, totals, CSV.

Everything comes from the service's read side on the serial worker; the table is a lazy model
(``history_model.OperationsModel``) so a large journal scrolls smoothly. Codes are masked on screen
and in the export.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pos_app.core.export import iter_pages, write_csv
from pos_app.core.journal import DayTotals, Operation, OpKind, OpState
from pos_app.core.receipt import printable
from pos_app.core.service import OpOutcome, RedemptionService
from pos_app.ui.messages import money
from pos_app.ui.operation_text import kind_text, link_text, row_state_text
from pos_app.ui.screens.history_details import RecordDetails
from pos_app.ui.screens.history_model import Column, HistoryQuery, OperationsModel
from pos_app.ui.tasks import TaskManager, in_background
from pos_app.ui.widgets.scope_switch import ScopeSwitch

if TYPE_CHECKING:
    from pos_app.ui.receipts import ReceiptDesk

logger = logging.getLogger(__name__)

# The CSV's column titles in ``COLUMNS`` order, as English sources: translated for the file in
# the UI's language, used as they are for an English file.
_CSV_HEADERS: tuple[str, ...] = tuple(
    str(text)
    for text in (
        QT_TRANSLATE_NOOP("HistoryScreen", "Id"),
        QT_TRANSLATE_NOOP("HistoryScreen", "Time"),
        QT_TRANSLATE_NOOP("HistoryScreen", "Type"),
        QT_TRANSLATE_NOOP("HistoryScreen", "State"),
        QT_TRANSLATE_NOOP("HistoryScreen", "Code (masked)"),
        QT_TRANSLATE_NOOP("HistoryScreen", "Code type"),
        QT_TRANSLATE_NOOP("HistoryScreen", "Quantity"),
        QT_TRANSLATE_NOOP("HistoryScreen", "Paid (yuan)"),
        QT_TRANSLATE_NOOP("HistoryScreen", "Item"),
        QT_TRANSLATE_NOOP("HistoryScreen", "Order no"),
        QT_TRANSLATE_NOOP("HistoryScreen", "Request id"),
        QT_TRANSLATE_NOOP("HistoryScreen", "Linked record"),
        QT_TRANSLATE_NOOP("HistoryScreen", "Operator"),
        QT_TRANSLATE_NOOP("HistoryScreen", "Manager"),
        QT_TRANSLATE_NOOP("HistoryScreen", "Reason"),
        QT_TRANSLATE_NOOP("HistoryScreen", "Error code"),
        QT_TRANSLATE_NOOP("HistoryScreen", "Till"),
        QT_TRANSLATE_NOOP("HistoryScreen", "Cashier"),
    )
)

SEARCH_DELAY_MS = 300
EXPORT_PAGE = 500
_STATE_FILTERS: tuple[frozenset[OpState] | None, ...] = (
    None,
    frozenset({OpState.SUCCEEDED}),
    frozenset({OpState.FAILED}),
    frozenset({OpState.PENDING, OpState.UNKNOWN}),
    frozenset({OpState.REVIEW}),
)


class _ElideMiddle(QStyledItemDelegate):
    """Order numbers differ at the end: keep both ends when cut."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


def _fitted_widths(table: QTableView) -> dict[Column, int]:
    """Widths the times and short translated words need ("Succeeded" is wider than "成功")."""
    metrics = table.fontMetrics()
    samples = {
        Column.TIME: ["00:00:00", "88:88:88"],
        Column.KIND: [kind_text(kind) for kind in OpKind],
        Column.STATE: [row_state_text(_sample(state)) for state in OpState]
        + [row_state_text(_sample(OpState.SUCCEEDED, reversed_by=9999))],
        Column.LINK: [link_text(_sample(OpState.SUCCEEDED, reversed_by=9999))],
    }
    return {
        column: max(metrics.horizontalAdvance(text) for text in texts) + 16
        for column, texts in samples.items()
    }


def _sample(state: OpState, *, reversed_by: int | None = None) -> Operation:
    now = datetime.now(UTC)
    return Operation(0, OpKind.REDEEM, "", "", "", 1, {}, state, now, now, reversed_by=reversed_by)


class HistoryScreen(QWidget):
    """Journal rows of a day. ``exported(path, rows)`` after a CSV export."""

    exported = Signal(str, int)
    totals_shown = Signal(object)  # DayTotals

    def __init__(
        self,
        service: RedemptionService,
        tasks: TaskManager,
        parent: QWidget | None = None,
        *,
        page_size: int | None = None,
        receipts: ReceiptDesk | None = None,
    ) -> None:
        """``receipts``: where 补打小票 sends a slip (no such button without it)."""
        super().__init__(parent)
        self._service = service
        self._tasks = tasks
        self._receipts = receipts
        self._shown_once = False
        self.model = OperationsModel(service, tasks, parent=self)
        if page_size is not None:
            self.model.page_size = page_size

        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setMaximumDate(QDate.currentDate())
        self.today_button = QPushButton(self.tr("Today"))
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Code tail, order no or request id"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMaxLength(64)
        self.search_edit.setMinimumWidth(280)
        self.state_combo = QComboBox()
        for text in (
            self.tr("All states"),
            self.tr("Succeeded"),
            self.tr("Failed"),
            self.tr("Being confirmed"),
            self.tr("Needs review"),
        ):
            self.state_combo.addItem(text)
        self.cashier_edit = QLineEdit()
        self.cashier_edit.setObjectName("historyCashier")
        self.cashier_edit.setPlaceholderText(self.tr("Cashier (all)"))
        self.cashier_edit.setClearButtonEnabled(True)
        self.cashier_edit.setMaximumWidth(140)
        self.scope = ScopeSwitch(lambda: service.store_configured)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.export_button = QPushButton(self.tr("Export CSV…"))
        # The file is in the UI's language; an English one for an accountant or head office.
        self.english_csv = QCheckBox(self.tr("CSV in English"))
        self.reprint_button = QPushButton(self.tr("Reprint slip"))
        self.reprint_button.setObjectName("reprintSlip")
        self.reprint_button.setEnabled(False)

        self.totals_label = QLabel()
        self.totals_label.setObjectName("historyTotals")
        self.totals_label.setWordWrap(True)
        self.status_label = QLabel()
        self.status_label.setObjectName("historyStatus")

        self.table = self._build_table()
        self.details = RecordDetails()

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self._lay_out()
        # Only once it is in the layout: shown while it has no parent it became a window.
        self.reprint_button.setVisible(receipts is not None)
        self._connect()
        self.refresh()

    def _build_table(self) -> QTableView:
        self._middle_elider = _ElideMiddle(self)
        table = QTableView()
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        # Fixed row heights and no per-row size hints keep scrolling a long day cheap.
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        # Fits 1024 px (also inside the manager's tab): the item name takes what is left, the
        # order no is cut in the middle, the rest of a row is in the details pane below.
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.ITEM, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        widths = (
            (Column.TIME, 76),
            (Column.KIND, 56),
            (Column.STATE, 70),
            (Column.CODE, 116),
            (Column.QUANTITY, 46),
            (Column.AMOUNT, 76),
            (Column.ORDER_NO, 170),
            (Column.LINK, 100),
            (Column.TILL, 140),
        )
        fitted = _fitted_widths(table)
        for column, width in widths:
            table.setColumnWidth(column, max(width, fitted.get(column, 0)))
        table.setItemDelegateForColumn(Column.ORDER_NO, self._middle_elider)
        table.doubleClicked.connect(self._jump_to_partner)
        return table

    def _lay_out(self) -> None:
        bar = QHBoxLayout()
        for widget in (
            self.scope,
            self.date_edit,
            self.today_button,
            self.search_edit,
            self.state_combo,
        ):
            bar.addWidget(widget)
        bar.addWidget(self.cashier_edit)
        bar.addStretch(1)
        # The actions share a row with the totals: one row for everything does not fit 1024 px
        # at the app's 12 pt font.
        actions = QHBoxLayout()
        self.totals_label.setWordWrap(True)
        actions.addWidget(self.totals_label, 1)
        for action in (
            self.refresh_button,
            self.export_button,
            self.english_csv,
            self.reprint_button,
        ):
            actions.addWidget(action)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.status_label)

    def _connect(self) -> None:
        self.date_edit.dateChanged.connect(self.refresh)
        self.today_button.clicked.connect(self.show_today)
        self.search_edit.textChanged.connect(self._search_timer.start)
        self.search_edit.returnPressed.connect(self.refresh)
        self.state_combo.currentIndexChanged.connect(self.refresh)
        self.cashier_edit.textChanged.connect(self._search_timer.start)
        self.scope.changed.connect(lambda _store: self.refresh())
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.export_csv)
        self.reprint_button.clicked.connect(self.reprint)
        self.model.loaded.connect(self._show_loaded)
        self.model.failed.connect(self.status_label.clear)  # not "Loading…": the display says why
        self.model.modelReset.connect(self._show_details)
        self.model.dataChanged.connect(self._show_details)
        self.table.selectionModel().selectionChanged.connect(self._show_details)

    # ------------------------------------------------------------------ queries
    def current_query(self) -> HistoryQuery:
        return HistoryQuery(
            day=self.date_edit.date().toPython(),  # type: ignore[arg-type]
            search=self.search_edit.text().strip(),
            states=_STATE_FILTERS[max(0, self.state_combo.currentIndex())],
            cashier=" ".join(self.cashier_edit.text().split()) or None,
            store=self.scope.store,
        )

    def set_day(self, day: date) -> None:
        self.date_edit.setDate(QDate(day.year, day.month, day.day))

    def show_today(self) -> None:
        today = QDate.currentDate()
        self.date_edit.setMaximumDate(today)
        if self.date_edit.date() == today:
            self.refresh()
        else:
            self.date_edit.setDate(today)

    def refresh(self) -> None:
        """Load the first page and the day's totals again."""
        self._search_timer.stop()
        self.scope.update_available()
        query = self.current_query()
        self.status_label.setText(self.tr("Loading…"))
        # Till and cashier name each row of the whole store; here every row is this till's.
        self.table.setColumnHidden(Column.TILL, not query.store)
        self.model.set_query(query)
        self._load_totals(query.day)

    def _load_totals(self, day: date) -> None:
        service = self._service
        totals = service.shop_totals if self.scope.store else service.totals
        in_background(
            self._tasks,
            self,
            lambda: totals(day),
            self._show_totals,
            label="history-totals",
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._shown_once:
            self.refresh()
        self._shown_once = True

    # ------------------------------------------------------------------ live updates
    def on_outcome(self, outcome: OpOutcome) -> None:
        """An operation settled somewhere in the app: show it without losing the scroll."""
        op = outcome.operation
        if not self.model.update_operation(op):
            self.model.add_new(op)
        if op.kind is OpKind.REVERSE and op.parent_id is not None:
            self._refresh_row(op.parent_id)
        query = self.model.query
        if query is not None and op.created_at.astimezone().date() == query.day:
            self._load_totals(query.day)

    def _refresh_row(self, op_id: int) -> None:
        if self.model.row_of(op_id) is None:
            return
        service = self._service

        def updated(op: Operation | None) -> None:
            if op is not None:
                self.model.update_operation(op)

        in_background(self._tasks, self, lambda: service.get(op_id), updated, label="get")

    # ------------------------------------------------------------------ display
    def _show_loaded(self, loaded: int, total: int) -> None:
        if total == 0:
            self.status_label.setText(self.tr("No records for this day."))
            return
        text = self.tr("Showing %1 of %2 records.")
        self.status_label.setText(text.replace("%1", str(loaded)).replace("%2", str(total)))

    def _show_totals(self, totals: DayTotals) -> None:
        # Needs review is counted apart: such a row may or may not have been redeemed.
        text = self.tr(
            "Redeemed: %1 (%2 uses, paid %3) · Reversed: %4 · Failed: %5 · Being confirmed: %6"
            " · Needs review: %7"
        )
        for placeholder, value in (
            ("%1", str(totals.redeemed_count)),
            ("%2", str(totals.redeemed_quantity)),
            ("%3", money(totals.redeemed_amount) or "¥0.00"),
            ("%4", str(totals.reversed_count)),
            ("%5", str(totals.failed_count)),
            ("%6", str(totals.open_count)),
            ("%7", str(totals.review_count)),
        ):
            text = text.replace(placeholder, value)
        self.totals_label.setText(text)
        self.totals_shown.emit(totals)

    def selected_operation(self) -> Operation | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.operation(rows[0].row()) if rows else None

    def _show_details(self) -> None:
        op = self.selected_operation()
        self.details.show_operation(op)
        self.reprint_button.setEnabled(op is not None and printable(op))

    def reprint(self) -> None:
        """补打小票: the selected redemption's or reversal's slip, on the print lane."""
        op = self.selected_operation()
        if self._receipts is None or op is None or not printable(op):
            return
        self._receipts.print_operation(op)
        self.status_label.setText(self.tr("Slip sent to the printer."))

    def _jump_to_partner(self, index: QModelIndex) -> None:
        op = self.model.operation(index.row())
        if op is None:
            return
        partner = op.parent_id if op.parent_id is not None else op.reversed_by
        if partner is None:
            return
        row = self.model.row_of(partner)
        if row is None:
            self.status_label.setText(
                self.tr("Record #%1 is not in this list.").replace("%1", str(partner))
            )
            return
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    # ------------------------------------------------------------------ export
    @classmethod
    def ask_export_path(cls, parent: QWidget, suggested: str) -> str:
        """Where to save the CSV ("" when cancelled); tests replace this."""
        path, _ = QFileDialog.getSaveFileName(
            parent,
            QCoreApplication.translate("HistoryScreen", "Export CSV"),
            suggested,
            QCoreApplication.translate("HistoryScreen", "CSV files (*.csv)"),
        )
        return path

    def export_csv(self) -> None:
        query = self.current_query()
        suggested = str(Path.home() / f"redemptions-{query.day.isoformat()}.csv")
        path = type(self).ask_export_path(self, suggested)
        if not path:
            return
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(".csv")
        english = self.english_csv.isChecked()
        headers = self._csv_headers(english=english)
        service = self._service

        def kind_state(op: Operation) -> tuple[str, str]:
            return kind_text(op.kind, english=english), row_state_text(op, english=english)

        def page(offset: int, limit: int) -> list[Operation]:
            day_page = service.shop_day_page if query.store else service.day_page
            return day_page(
                query.day, offset=offset, limit=limit, search=query.search, states=query.states
            )

        def write() -> int:
            return write_csv(target, iter_pages(page, EXPORT_PAGE), headers, kind_state)

        def done(count: int) -> None:
            self.export_button.setEnabled(True)
            text = self.tr("Exported %1 records to %2.")
            self.status_label.setText(text.replace("%1", str(count)).replace("%2", str(target)))
            self.exported.emit(str(target), count)

        def failed(error: Exception) -> None:
            self.export_button.setEnabled(True)
            if isinstance(error, OSError):
                text = self.tr("Could not write the file: %1").replace("%1", str(error.strerror))
                self.status_label.setText(text)
            else:
                self.status_label.clear()
                self._tasks.show_error(error)

        self.export_button.setEnabled(False)
        self.status_label.setText(self.tr("Exporting…"))
        in_background(self._tasks, self, write, done, failed, label="history-export")

    def _csv_headers(self, *, english: bool) -> list[str]:
        return [
            h if english else QCoreApplication.translate("HistoryScreen", h) for h in _CSV_HEADERS
        ]
