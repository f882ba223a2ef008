"""Under the records table: what the columns leave out for the selected row.

The table keeps what a manager reads at a glance so it fits 1024 px; the request id (support asks
for it), the whole order no, the people and the reason or error code are shown here, selectable so
they can be copied.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QWidget

from pos_app.core.journal import Operation, OpState
from pos_app.ui.operation_text import kind_text, review_text, row_state_text

logger = logging.getLogger(__name__)


class RecordDetails(QFrame):
    """The selected journal row's request id, order no, people, reason and error."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyDetails")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title_label = QLabel()
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.request_id_label = self._value()
        self.order_no_label = self._value()
        self.people_label = self._value()
        self.note_label = self._value()
        self.note_label.setWordWrap(True)

        grid = QGridLayout(self)
        grid.setContentsMargins(10, 6, 10, 6)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        grid.addWidget(self.title_label, 0, 0, 1, 4)
        pairs = (
            (self.tr("Request id"), self.request_id_label, 1, 0),
            (self.tr("Order no"), self.order_no_label, 1, 2),
            (self.tr("Operator / manager"), self.people_label, 2, 0),
            (self.tr("Reason / error"), self.note_label, 2, 2),
        )
        for caption, value, row, column in pairs:
            name = QLabel(caption)
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(name, row, column)
            grid.addWidget(value, row, column + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.show_operation(None)

    @staticmethod
    def _value() -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.PlainText)  # reasons and gateway texts are not HTML
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return label

    def show_operation(self, op: Operation | None) -> None:
        if op is None:
            self.title_label.setText(
                self.tr("Select a record to see its request id, operator and reason.")
            )
            for label in self._values():
                label.clear()
            return
        title = self.tr("Record #%1 · %2 · %3")
        for placeholder, value in (
            ("%1", str(op.id)),
            ("%2", kind_text(op.kind)),
            ("%3", row_state_text(op)),
        ):
            title = title.replace(placeholder, value)
        self.title_label.setText(title)
        self.request_id_label.setText(op.request_id)
        self.order_no_label.setText(op.order_no)
        people = " / ".join(name for name in (op.operator, op.manager) if name)
        self.people_label.setText(people)
        # A succeeded row may keep the code that settled it (e.g. "already used" on a retry).
        error = ""
        if op.state is not OpState.SUCCEEDED:
            error = " ".join(part for part in (op.error_code, op.error_message) if part)
        note = " · ".join(part for part in (review_text(op), op.reason, error) if part)
        self.note_label.setText(note)

    def _values(self) -> tuple[QLabel, ...]:
        return (self.request_id_label, self.order_no_label, self.people_label, self.note_label)

    def text(self) -> str:
        """Everything the pane says, one item per line (for tests and screen readers)."""
        return "\n".join(label.text() for label in (self.title_label, *self._values()))
