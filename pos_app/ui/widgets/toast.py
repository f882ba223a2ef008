"""A large notice over the top of the window that hides itself: news the cashier must see.

A background confirmation (a retry, or the recovery at start-up) that settles a row is news for
the person at the counter, but a modal box would stop the scanner (scans are ignored while a
dialog is open) and tiny status-bar text goes unseen. The toast is neither: it shows on top of
the screen, green for "redeemed", red for "not redeemed", amber-violet for "needs review", and
goes away after ``TOAST_MS`` or when clicked. Several notices stack as lines, newest first.
"""

from __future__ import annotations

import enum
import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QWidget

logger = logging.getLogger(__name__)

TOAST_MS = 20_000
MAX_LINES = 4


class Tone(enum.StrEnum):
    GOOD = "good"
    BAD = "bad"
    REVIEW = "review"


_STYLE: dict[Tone, str] = {
    Tone.GOOD: "background: #e8f5e9; color: #1b5e20; border: 3px solid #2e7d32;",
    Tone.BAD: "background: #ffebee; color: #b71c1c; border: 3px solid #c62828;",
    Tone.REVIEW: "background: #f5eef8; color: #4a235a; border: 3px solid #8e44ad;",
}


class Toast(QLabel):
    """Child of the window's central area; ``show_notice(text, tone)`` raises it on top."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("toast")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._lines: list[str] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self.hide()

    @property
    def lines(self) -> list[str]:
        return list(self._lines)

    def show_notice(self, text: str, tone: Tone) -> None:
        self._lines = [text, *self._lines][:MAX_LINES]
        self.setText("\n".join(self._lines))
        self.setStyleSheet(
            f"QLabel#toast {{ {_STYLE[tone]} border-radius: 10px; padding: 12px 20px;"
            " font-size: 22px; font-weight: bold; }"
        )
        self._place()
        self.show()
        self.raise_()
        self._timer.start(TOAST_MS)

    def dismiss(self) -> None:
        self._timer.stop()
        self._lines.clear()
        self.hide()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.dismiss()
        event.accept()

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        width = max(300, parent.width() - 80)
        self.setFixedWidth(width)
        self.adjustSize()
        self.move((parent.width() - width) // 2, 24)
