"""本机 / 全店: the switch between this till's undo log and the whole store (the store database).

Shown only when a store database is configured; history, totals and the reversal list read the
service's store views (``RedemptionService.shop_*``) while it says 全店.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget


class ScopeSwitch(QComboBox):
    """``store`` is True while the whole store is chosen; ``changed(store)`` when switched."""

    changed = Signal(bool)

    def __init__(self, available: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scopeSwitch")
        self.addItem(self.tr("This till"))
        self.addItem(self.tr("Whole store"))
        self.setVisible(available)
        self.setEnabled(available)
        self.currentIndexChanged.connect(lambda index: self.changed.emit(index == 1))

    @property
    def store(self) -> bool:
        return self.isEnabled() and self.currentIndex() == 1

    def set_store(self, store: bool) -> None:
        self.setCurrentIndex(1 if store and self.isEnabled() else 0)
