"""请登录: the cashier taps their name (large buttons), then types their PIN on the keypad.

Shown when the till has cashiers and nobody is signed in (at start, after 交班, on 换人). The PIN
is checked on the probe lane (scrypt takes a moment; a redemption is never queued behind it) by
``CashierRegistry.verify``: a wrong PIN says how many tries are left, the fifth locks that
cashier out for five minutes (the manager PIN's rule, kept in the keyring across restarts).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.core.cashiers import Cashier
from pos_app.core.errors import PinLockedOut
from pos_app.ui.messages import error_text
from pos_app.ui.tasks import TaskManager, in_background
from pos_app.ui.widgets.keypad import Keypad

logger = logging.getLogger(__name__)

NAME_BUTTON_SIZE = (200, 96)
_COLUMNS = 4


class SignInScreen(QWidget):
    signed_in = Signal(object)  # Cashier

    def __init__(self, registry: Any, probe: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInScreen")
        self._registry = registry
        self._probe = probe
        self.chosen: str | None = None
        self._checking = False
        self.name_buttons: dict[str, QPushButton] = {}
        self.title = QLabel(self.tr("Please sign in"), self)
        self.title.setObjectName("signInTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet("font-size: 36px; font-weight: bold; padding: 8px;")
        self.pages = QStackedWidget(self)
        self.names_page = QWidget(self)
        self.names_grid = QGridLayout(self.names_page)
        self.names_grid.setSpacing(16)
        self.pages.addWidget(self.names_page)
        self.pages.addWidget(self._build_pin_page())
        column = QVBoxLayout(self)
        column.addWidget(self.title)
        column.addWidget(self.pages, 1)

    def _build_pin_page(self) -> QWidget:
        page = QWidget(self)
        self.pin_prompt = QLabel(page)
        self.pin_prompt.setStyleSheet("font-size: 28px;")
        self.pin_edit = QLineEdit(page)
        self.pin_edit.setObjectName("cashierPin")
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(6)
        self.pin_edit.setStyleSheet("font-size: 32px; padding: 8px;")
        self.pin_edit.returnPressed.connect(self.submit)
        self.error_label = QLabel(page)
        self.error_label.setObjectName("signInError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828; font-size: 20px;")
        self.keypad = Keypad(page, key_size=(96, 60))
        self.keypad.digit_pressed.connect(self.pin_edit.insert)
        self.keypad.backspace_pressed.connect(self.pin_edit.backspace)
        self.keypad.clear_pressed.connect(self.pin_edit.clear)
        self.ok_button = QPushButton(self.tr("Sign in"), page)
        self.ok_button.setObjectName("signInOk")
        self.back_button = QPushButton(self.tr("Back"), page)
        for button in (self.ok_button, self.back_button):
            button.setMinimumHeight(72)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setStyleSheet("font-size: 24px;")
        self.ok_button.clicked.connect(self.submit)
        self.back_button.clicked.connect(self.show_names)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.ok_button)
        # Side by side (keypad on the right) so the page fits 1024×768 with the nav bar.
        column = QVBoxLayout()
        for widget in (self.pin_prompt, self.pin_edit, self.error_label):
            column.addWidget(widget)
        column.addStretch(1)
        column.addLayout(buttons)
        row = QHBoxLayout(page)
        row.addLayout(column, 1)
        row.addWidget(self.keypad, 1)
        return page

    # ----------------------------------------------------------------- public
    def set_registry(self, registry: Any) -> None:
        """The till's cashiers (known once the runtime has read the keyring)."""
        self._registry = registry

    def refresh(self) -> None:
        """Load the active cashiers' names again and show them."""
        in_background(self._probe, self, self._registry.active, self.show_cashiers,
                      lambda e: self.title.setText(error_text(e)), label="cashiers")  # fmt: skip

    def show_cashiers(self, cashiers: list[Cashier]) -> None:
        for button in self.name_buttons.values():
            button.deleteLater()
        self.name_buttons.clear()
        for index, cashier in enumerate(cashiers):
            button = QPushButton(cashier.name, self.names_page)
            button.setObjectName(f"cashier_{cashier.id}")
            button.setMinimumSize(*NAME_BUTTON_SIZE)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setStyleSheet("font-size: 30px; font-weight: bold;")
            button.clicked.connect(lambda _c=False, name=cashier.name: self.choose(name))
            self.names_grid.addWidget(button, index // _COLUMNS, index % _COLUMNS)
            self.name_buttons[cashier.name] = button
        self.show_names()

    def show_names(self) -> None:
        self.chosen = None
        self.pin_edit.clear()
        self.error_label.clear()
        self.title.setText(self.tr("Please sign in"))
        self.pages.setCurrentIndex(0)

    def choose(self, name: str) -> None:
        """A name was tapped: the PIN keypad for that cashier."""
        self.chosen = name
        self.pin_edit.clear()
        self.error_label.clear()
        self.pin_prompt.setText(self.tr("PIN for %1:").replace("%1", name))
        self.pages.setCurrentIndex(1)
        self.pin_edit.setFocus()

    def submit(self) -> None:
        name, pin = self.chosen, self.pin_edit.text()
        if name is None or self._checking:
            return
        self._set_checking(True)
        registry = self._registry
        in_background(self._probe, self, lambda: registry.verify(name, pin), self._accepted,
                      self._refused, label="cashier-sign-in")  # fmt: skip

    # ----------------------------------------------------------------- internals
    def _accepted(self, cashier: Cashier) -> None:
        self._set_checking(False)
        logger.info("cashier %d signed in", cashier.id)
        self.show_names()
        self.signed_in.emit(cashier)

    def _refused(self, error: Exception) -> None:
        self._set_checking(False)
        self.pin_edit.clear()
        text = error_text(error)
        if isinstance(error, PinLockedOut):
            minutes = max(round(error.seconds_left / 60), 1)
            text += " " + self.tr("(about %1 min)").replace("%1", str(minutes))
        self._show_error(text)

    def _show_error(self, error: Exception | str) -> None:
        self.error_label.setText(error if isinstance(error, str) else error_text(error))

    def _set_checking(self, on: bool) -> None:
        self._checking = on
        self.ok_button.setEnabled(not on)
