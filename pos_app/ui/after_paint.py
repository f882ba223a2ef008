"""Run something once a widget has been painted: work that must not delay what the cashier sees.

Issue #13: the runtime's slow start (simulator, keyring) waits for the main window's first paint,
and the 次卡 lookup after a success waits for the result card's. A 0 ms timer is not enough: Qt
paints top-level windows on their own update timer, which often fires after such a timer.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


def after_next_paint(widget: QWidget, then: Callable[[], None]) -> None:
    """Call ``then`` in the event loop's turn after ``widget``'s next paint, once. Dropped if
    ``widget`` is deleted first; waits as long as the widget is not painted (hidden)."""
    widget.installEventFilter(_AfterPaint(widget, then))


class _AfterPaint(QObject):
    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._then: Callable[[], None] | None = then

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._then is not None:
            then, self._then = self._then, None
            self._widget.removeEventFilter(self)
            self.deleteLater()
            QTimer.singleShot(0, self._widget, then)  # the paint itself finishes first
        return False
