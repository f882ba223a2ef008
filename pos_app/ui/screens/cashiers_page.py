"""The manager's 收银员 page: the till's cashiers, adding one (name + 4–6 digit PIN), disabling
or enabling one. Changes go to the keyring (``CashierRegistry``) on the serial lane, each journaled
in the audit trail under the manager who unlocked the screen."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.core.cashiers import Cashier
from pos_app.ui.messages import error_text
from pos_app.ui.tasks import TaskManager, in_background

logger = logging.getLogger(__name__)


class CashiersPage(QWidget):
    def __init__(
        self,
        runtime: Any,
        tasks: TaskManager,
        manager_fn: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("cashiersPage")
        self._runtime = runtime
        self._registry = runtime.cashiers
        self._tasks = tasks
        self._manager_fn = manager_fn
        self.list = QListWidget(self)
        self.list.setStyleSheet("font-size: 20px;")
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText(self.tr("Name"))
        self.pin_edit = QLineEdit(self)
        self.pin_edit.setPlaceholderText(self.tr("PIN (4-6 digits)"))
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(6)
        self.add_button = QPushButton(self.tr("Add cashier"), self)
        self.toggle_button = QPushButton(self.tr("Disable / enable"), self)
        self.message = QLabel(self)
        self.message.setObjectName("cashiersMessage")
        self.message.setWordWrap(True)
        self.add_button.clicked.connect(self.add)
        self.toggle_button.clicked.connect(self.toggle)
        form = QHBoxLayout()
        for widget in (self.name_edit, self.pin_edit, self.add_button):
            form.addWidget(widget)
        column = QVBoxLayout(self)
        hint = QLabel(self.tr("With no cashiers the till works without signing in."), self)
        column.addWidget(hint)
        column.addWidget(self.list, 1)
        column.addWidget(self.toggle_button)
        column.addLayout(form)
        column.addWidget(self.message)

    def refresh(self) -> None:
        in_background(self._tasks, self, self._registry.all, self._show, self._failed,
                      label="cashiers-list")  # fmt: skip

    def add(self) -> None:
        name, pin, manager = self.name_edit.text(), self.pin_edit.text(), self._manager_fn()

        def run() -> Cashier:
            cashier: Cashier = self._registry.add(name, pin)
            self._runtime.journal.audit(manager, "cashier-add", cashier.name)
            return cashier

        in_background(self._tasks, self, run, self._added, self._failed, label="cashier-add")

    def toggle(self) -> None:
        item = self.list.currentItem()
        if item is None:
            self.message.setText(self.tr("Select a cashier first."))
            return
        cashier: Cashier = item.data(Qt.ItemDataRole.UserRole)
        manager, active = self._manager_fn(), not cashier.active

        def run() -> Cashier:
            changed: Cashier = self._registry.set_active(cashier.name, active)
            action = "cashier-enable" if active else "cashier-disable"
            self._runtime.journal.audit(manager, action, cashier.name)
            return changed

        in_background(self._tasks, self, run, lambda _c: self.refresh(), self._failed,
                      label="cashier-toggle")  # fmt: skip

    def _added(self, cashier: Cashier) -> None:
        self.name_edit.clear()
        self.pin_edit.clear()
        self.message.setText(self.tr("Cashier %1 added.").replace("%1", cashier.name))
        self.refresh()

    def _show(self, cashiers: list[Cashier]) -> None:
        self.list.clear()
        for cashier in cashiers:
            state = self.tr("active") if cashier.active else self.tr("disabled")
            item = QListWidgetItem(f"{cashier.name}  ({state})")
            item.setData(Qt.ItemDataRole.UserRole, cashier)
            self.list.addItem(item)

    def _failed(self, error: Exception) -> None:
        self.pin_edit.clear()
        self.message.setText(error_text(error))
