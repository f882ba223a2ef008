"""The big status area of the scan screen: idle, busy, and the coloured result of a redemption.

The card only renders a ``CardView``; what goes into it (and in which language) is decided by the
screen. Colours carry the meaning at a glance (green done, red not done, amber still open,
amber-violet for a manager to check) and the title says it in words too, for colour-blind cashiers.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

logger = logging.getLogger(__name__)


class CardState(enum.StrEnum):
    IDLE = "idle"
    BUSY = "busy"
    SUCCESS = "success"
    FAILURE = "failure"
    UNKNOWN = "unknown"
    ALREADY = "already"
    REVIEW = "review"  # a manager decides; not retried, so no "confirming" progress
    INFO = "info"  # a voucher looked up before redeeming: nothing happened yet


@dataclass(frozen=True, slots=True)
class CardView:
    state: CardState
    title: str
    headline: str = ""  # the item name on success, the reason on failure
    rows: tuple[tuple[str, str], ...] = ()  # (label, value), e.g. ("数量", "2")
    detail: str = ""  # what to do next / retry progress
    footnote: str = ""  # error code, request id: for support, small
    action: str = ""  # text of the action button; "" hides it


# Background, border, text. Text colours keep WCAG AA contrast on their backgrounds.
_PALETTE: dict[CardState, tuple[str, str, str]] = {
    CardState.IDLE: ("#f5f5f5", "#bdbdbd", "#212121"),
    CardState.BUSY: ("#e3f2fd", "#1565c0", "#0d47a1"),
    CardState.SUCCESS: ("#e8f5e9", "#2e7d32", "#1b5e20"),
    CardState.FAILURE: ("#ffebee", "#c62828", "#b71c1c"),
    CardState.UNKNOWN: ("#fff8e1", "#ff8f00", "#6d4c00"),
    CardState.ALREADY: ("#fff3e0", "#e65100", "#6d2a00"),
    CardState.REVIEW: ("#f5eef8", "#8e44ad", "#4a235a"),
    CardState.INFO: ("#e0f7fa", "#00838f", "#004d56"),
}


def card_style_sheet() -> str:
    parts = []
    for state, (background, border, text) in _PALETTE.items():
        parts.append(
            f'ResultCard[state="{state.value}"] {{ background: {background}; '
            f"border: 4px solid {border}; border-radius: 12px; }}"
            f'ResultCard[state="{state.value}"] QLabel {{ color: {text}; border: none; }}'
        )
    return "\n".join(parts)


class BalancedLabel(QLabel):
    """A centred, word-wrapped label whose lines come out about equally long.

    A message a little longer than one line would otherwise leave one or two characters alone on
    the last line ("…系统会自动重 / 试。"). The label keeps its font and its number of lines and
    narrows the text to the smallest width that still needs no more lines (side margins), so the
    text is never clipped: Qt sizes the label's height for the narrower text.
    """

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.balance()

    def balance(self) -> None:
        width = self.width()
        narrowest = _balanced_width(self, width) if self.wordWrap() and self.text() else width
        left = max(0, (width - narrowest) // 2)
        right = max(0, width - narrowest - left)
        if self.contentsMargins().left() != left or self.contentsMargins().right() != right:
            self.setContentsMargins(left, 0, right, 0)


def _balanced_width(label: QLabel, width: int) -> int:
    """The smallest width at which ``label``'s text wraps into no more lines than at ``width``."""
    metrics = label.fontMetrics()
    flags = int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignCenter)
    text = label.text()

    def height(at: int) -> int:
        return metrics.boundingRect(QRect(0, 0, at, 1 << 20), flags, text).height()

    full = height(width)
    if width <= 0 or full <= metrics.lineSpacing() * 1.5:  # one line: nothing to balance
        return width
    low, high = width // 2, width
    while low < high:
        middle = (low + high) // 2
        if height(middle) <= full:
            high = middle
        else:
            low = middle + 1
    return min(width, high + 4)  # a few pixels of slack against rounding


class ResultCard(QFrame):
    """Renders a ``CardView``. ``action_clicked`` fires when its button is pressed."""

    action_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultCard")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setStyleSheet(card_style_sheet())
        self._view = CardView(CardState.IDLE, "")

        self.title_label = self._label(34, bold=True)
        self.headline_label = self._label(28, bold=True)
        self.rows_widget = QWidget(self)
        self._rows = QFormLayout(self.rows_widget)
        self._rows.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self._rows.setFormAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._rows.setHorizontalSpacing(24)
        self._row_labels: list[tuple[QLabel, QLabel]] = []
        self.detail_label = self._label(18)
        self.footnote_label = self._label(11)
        self.action_button = QPushButton(self)
        self.action_button.setMinimumHeight(56)
        self.action_button.setStyleSheet("font-size: 18px; padding: 8px 24px;")
        self.action_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.action_button.clicked.connect(self.action_clicked)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(12)
        layout.addStretch(1)
        layout.addWidget(self.title_label)
        layout.addWidget(self.headline_label)
        layout.addWidget(self.rows_widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.detail_label)
        layout.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        layout.addWidget(self.footnote_label)
        self.show_view(self._view)

    def _label(self, point_size: int, *, bold: bool = False) -> BalancedLabel:
        label = BalancedLabel(self)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        label.setTextFormat(Qt.TextFormat.PlainText)  # gateway texts are never rendered as HTML
        font = label.font()
        font.setPointSize(point_size)
        font.setBold(bold)
        label.setFont(font)
        return label

    @property
    def view(self) -> CardView:
        return self._view

    @property
    def state(self) -> CardState:
        return self._view.state

    def show_view(self, view: CardView) -> None:
        self._view = view
        self.setProperty("state", view.state.value)
        self.style().unpolish(self)
        self.style().polish(self)
        self.title_label.setText(view.title)
        self.headline_label.setText(view.headline)
        for wrapped in (self.title_label, self.headline_label):
            wrapped.balance()
        self.headline_label.setVisible(bool(view.headline))
        self._set_rows(view.rows)
        self.detail_label.setText(view.detail)
        self.detail_label.setVisible(bool(view.detail))
        self.detail_label.balance()
        self.footnote_label.setText(view.footnote)
        self.footnote_label.setVisible(bool(view.footnote))
        self.action_button.setText(view.action)
        self.action_button.setVisible(bool(view.action))

    def _set_rows(self, rows: Sequence[tuple[str, str]]) -> None:
        """Rows keep their labels from card to card (texts changed, spare rows hidden): making
        and styling new labels for every card was a good part of the way from an answer to
        its painted card (issue #13)."""
        for i, (label, value) in enumerate(rows):
            if i == len(self._row_labels):
                pair = (self._row_label("", bold=False), self._row_label("", bold=True))
                self._rows.addRow(*pair)
                self._row_labels.append(pair)
            name, shown = self._row_labels[i]
            name.setText(label)
            shown.setText(value)
            self._rows.setRowVisible(i, True)
        for i in range(len(rows), len(self._row_labels)):
            self._rows.setRowVisible(i, False)
        self.rows_widget.setVisible(bool(rows))

    def _row_label(self, text: str, *, bold: bool) -> QLabel:
        label = self._label(20, bold=bold)
        label.setWordWrap(False)  # dates and order numbers stay on one line
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        label.setText(text)
        return label

    def text(self) -> str:
        """Everything the card says, one item per line (for tests and screen readers)."""
        parts = [self._view.title, self._view.headline]
        parts += [f"{label} {value}" for label, value in self._view.rows]
        parts += [self._view.detail, self._view.footnote, self._view.action]
        return "\n".join(p for p in parts if p)
