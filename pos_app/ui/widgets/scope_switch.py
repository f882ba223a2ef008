"""本机 / 全店: the switch between this till's undo log and the whole store (the store database).

Shown only when a store database is configured; history, totals and the reversal list read the
service's store views (``RedemptionService.shop_*``) while it says 全店.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget


class ScopeSwitch(QComboBox):
    """``store`` is True while the whole store is chosen; ``changed(store)`` when switched."""

    changed = Signal(bool)

    def __init__(self, available: Callable[[], bool], parent: QWidget | None = None) -> None:
        """``available``: whether a store database is configured now (asked on ``update``)."""
        super().__init__(parent)
        self.setObjectName("scopeSwitch")
        self._available = available
        self.addItem(self.tr("This till"))
        self.addItem(self.tr("Whole store"))
        self.currentIndexChanged.connect(lambda index: self.changed.emit(index == 1))
        self.update_available()

    def update_available(self) -> None:
        """Show or hide the switch as the settings say now (a store database set or removed
        on the settings page takes effect at the next refresh, without a restart)."""
        available = self._available()
        if not available and self.currentIndex() == 1:
            self.blockSignals(True)  # the caller is refreshing anyway
            self.setCurrentIndex(0)
            self.blockSignals(False)
        if self.parentWidget() is not None or not available:  # never shown as its own window
            self.setVisible(available)
        self.setEnabled(available)

    @property
    def store(self) -> bool:
        return self.isEnabled() and self.currentIndex() == 1

    def set_store(self, store: bool) -> None:
        self.setCurrentIndex(1 if store and self.isEnabled() else 0)
