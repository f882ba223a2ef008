"""A lazy table model over one day of the journal: pages arrive from the serial worker.

Qt asks ``canFetchMore``/``fetchMore`` when the view scrolls near the end; each fetch queues one
``service.day_page`` call and the rows are inserted when it answers, so a day with tens of
thousands of rows opens as fast as one with ten. Rows are newest first; a row written while the
manager scrolls shifts later pages by one, so rows are de-duplicated by id.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from pos_app.core.codes import mask_code
from pos_app.core.journal import Operation, OpKind, OpState
from pos_app.core.service import RedemptionService
from pos_app.ui.messages import local_time, money
from pos_app.ui.operation_text import (
    REVIEW_BACKGROUND,
    kind_text,
    link_text,
    review_text,
    row_colour,
    row_state_text,
)
from pos_app.ui.tasks import TaskManager, in_background

logger = logging.getLogger(__name__)

PAGE_SIZE = 100
ModelIndex = QModelIndex | QPersistentModelIndex
OPERATION_ROLE = Qt.ItemDataRole.UserRole + 1


class Column(enum.IntEnum):
    TIME = 0
    KIND = 1
    STATE = 2
    CODE = 3
    QUANTITY = 4
    AMOUNT = 5
    ITEM = 6
    ORDER_NO = 7
    LINK = 8
    TILL = 9  # the whole store's view only: which till, which cashier
    # The request id, the people and the reason/error are in the details pane (history_details).


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    day: date
    search: str = ""
    states: frozenset[OpState] | None = None
    cashier: str | None = None  # one signed-in cashier's rows (issue #12); None: everybody's
    store: bool = False  # every till of the shop (the store database), not this till's log

    @property
    def filtered(self) -> bool:
        return bool(self.search) or self.states is not None or self.cashier is not None


@dataclass(frozen=True, slots=True)
class _FirstPage:
    count: int
    rows: list[Operation]


class OperationsModel(QAbstractTableModel):
    """Journal rows of one day (``HistoryQuery``), loaded page by page on the worker."""

    # rows loaded, rows in total (for "showing n of m")
    loaded = Signal(int, int)
    failed = Signal()  # a page did not load (the lane's default display said why)

    def __init__(
        self,
        service: RedemptionService,
        tasks: TaskManager,
        *,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._tasks = tasks
        self.page_size = page_size
        self._query: HistoryQuery | None = None
        self._rows: list[Operation] = []
        self._by_id: dict[int, int] = {}
        self._total = 0
        self._offset = 0  # rows fetched from the journal so far (duplicates included)
        self._exhausted = True
        self._loading = False
        self._generation = 0
        self._headers = self._header_texts()

    # ------------------------------------------------------------------ query
    @property
    def query(self) -> HistoryQuery | None:
        return self._query

    @property
    def total(self) -> int:
        return self._total

    @property
    def loading(self) -> bool:
        return self._loading

    def set_query(self, query: HistoryQuery) -> None:
        """Forget the rows and load the first page (and the count) of ``query``."""
        self._generation += 1
        generation = self._generation
        self.beginResetModel()
        self._query = query
        self._rows, self._by_id = [], {}
        self._total = self._offset = 0
        self._exhausted = False
        self._loading = True
        self.endResetModel()
        service, limit = self._service, self.page_size

        def first_page() -> _FirstPage:
            count = _day_count(service, query)
            return _FirstPage(count, _day_page(service, query, 0, limit))

        in_background(
            self._tasks,
            self,
            first_page,
            lambda page: self._on_first(generation, page),
            lambda error: self._on_failed(generation, error),
            label="history-first-page",
        )

    def reload(self) -> None:
        if self._query is not None:
            self.set_query(self._query)

    # ------------------------------------------------------------------ lazy loading
    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or self._query is None:
            return False
        return not self._loading and not self._exhausted

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent) or self._query is None:
            return
        self._loading = True
        query, generation, offset = self._query, self._generation, self._offset
        service, limit = self._service, self.page_size
        in_background(
            self._tasks,
            self,
            lambda: _day_page(service, query, offset, limit),
            lambda rows: self._on_page(generation, rows),
            lambda error: self._on_failed(generation, error),
            label="history-page",
        )

    def _on_first(self, generation: int, page: _FirstPage) -> None:
        if generation != self._generation:
            return
        self._total = page.count
        self._on_page(generation, page.rows)

    def _on_page(self, generation: int, rows: list[Operation]) -> None:
        if generation != self._generation:
            return  # an answer to a query that was replaced meanwhile
        self._loading = False
        self._offset += len(rows)
        self._exhausted = len(rows) < self.page_size
        fresh = [op for op in rows if op.id not in self._by_id]
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            for op in fresh:
                self._by_id[op.id] = len(self._rows)
                self._rows.append(op)
            self.endInsertRows()
        self._total = max(self._total, len(self._rows))
        self.loaded.emit(len(self._rows), self._total)

    def _on_failed(self, generation: int, error: Exception) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._exhausted = True  # do not hammer a failing journal; "refresh" tries again
        self.failed.emit()
        self._tasks.show_error(error)

    # ------------------------------------------------------------------ live updates
    def update_operation(self, op: Operation) -> bool:
        """Show the new state of a row already loaded; ``True`` if it was there."""
        if self._query is not None and self._query.store:
            return False  # ``op`` is this till's row; the store's ids are others
        row = self._by_id.get(op.id)
        if row is None:
            return False
        self._rows[row] = op
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))
        return True

    def add_new(self, op: Operation) -> bool:
        """Put a row written just now at the top, when it belongs to an unfiltered view."""
        query = self._query
        if query is None or query.filtered or op.id in self._by_id or self._loading:
            return False
        if query.store:  # store ids differ from this till's: the row arrives by replication
            return False
        if op.created_at.astimezone().date() != query.day:
            return False
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._rows.insert(0, op)
        self._by_id = {row_op.id: i for i, row_op in enumerate(self._rows)}
        self.endInsertRows()
        self._total += 1
        self.loaded.emit(len(self._rows), self._total)
        return True

    def operation(self, row: int) -> Operation | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, op_id: int) -> int | None:
        return self._by_id.get(op_id)

    # ------------------------------------------------------------------ model interface
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._headers):
            return self._headers[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        op = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(op, column)
        if role == Qt.ItemDataRole.ForegroundRole and column in (Column.STATE, Column.LINK):
            return row_colour(op)
        if role == Qt.ItemDataRole.BackgroundRole and op.state is OpState.REVIEW:
            return QColor(REVIEW_BACKGROUND)  # the whole row: it waits for the manager
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            Column.QUANTITY,
            Column.AMOUNT,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(op, column)
        if role == OPERATION_ROLE:
            return op
        return None

    def _display(self, op: Operation, column: Column) -> str:
        if column is Column.TIME:
            return local_time(op.created_at)[11:]
        if column is Column.KIND:
            return kind_text(op.kind)
        if column is Column.STATE:
            return row_state_text(op)
        if column is Column.CODE:
            return mask_code(op.code)
        if column is Column.QUANTITY:
            return str(op.quantity)
        if column is Column.AMOUNT:
            return money(op.amount) if op.kind is OpKind.REDEEM else ""
        if column is Column.ITEM:
            return op.item_name
        if column is Column.ORDER_NO:
            return op.order_no
        if column is Column.TILL:
            return " · ".join(part for part in (op.terminal, op.operator) if part)
        return link_text(op)

    def _tooltip(self, op: Operation, column: Column) -> str:
        """The whole of a cut item name or order no, and the request id support asks for."""
        lines = [self._display(op, column)] if column in (Column.ITEM, Column.ORDER_NO) else []
        lines.append(review_text(op))  # why it waits for the manager, on any cell of the row
        lines.append(self.tr("Request id: %1").replace("%1", op.request_id))
        return "\n".join(line for line in lines if line)

    def _header_texts(self) -> list[str]:
        return [
            self.tr("Time"),
            self.tr("Type"),
            self.tr("State"),
            self.tr("Code"),
            self.tr("Qty"),
            self.tr("Paid"),
            self.tr("Item"),
            self.tr("Order no"),
            self.tr("Linked"),
            self.tr("Till · cashier"),
        ]


def _day_page(
    service: RedemptionService, query: HistoryQuery, offset: int, limit: int
) -> list[Operation]:
    """One page of ``query``: this till's journal (optionally one cashier's), or the store's."""
    if query.store:
        return service.shop_day_page(
            query.day, offset=offset, limit=limit, search=query.search, states=query.states
        )
    return service.day_page(
        query.day,
        offset=offset,
        limit=limit,
        search=query.search,
        states=query.states,
        cashier=query.cashier,
    )


def _day_count(service: RedemptionService, query: HistoryQuery) -> int:
    if query.store:
        return service.shop_day_count(query.day, search=query.search, states=query.states)
    return service.day_count(
        query.day, search=query.search, states=query.states, cashier=query.cashier
    )
