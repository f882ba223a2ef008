"""The manager PIN dialog: the gate in front of reversal, sync and settings.

``PinDialog.ask(parent, pins, tasks)`` returns the manager's name, or ``None`` when cancelled;
tests replace ``ask`` to skip the dialog. With no PIN set yet the dialog asks for a new one
(twice) and the manager's name. A wrong PIN shows how many tries are left; after the last one the
PIN store locks verification and the dialog shows a countdown until it may be tried again.

Checking a PIN reads the keyring record and runs scrypt (and writes the count of failed tries),
so the check runs on the money lane (``tasks``) and the dialog waits (inputs disabled) for the
answer.

A touch till has no keyboard: the dialog carries the same big on-screen keypad as manual entry.
Its keys never take the focus, so a digit goes into the PIN field the manager last touched (the
repeat field while setting up a PIN, else the PIN field).
"""

from __future__ import annotations

import logging
import math
import re
import time
import unicodedata
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.core.errors import PinLockedOut, PinRefused, PosError
from pos_app.core.pin import ManagerPins
from pos_app.ui.messages import error_text, pick
from pos_app.ui.tasks import TaskManager, in_background
from pos_app.ui.widgets.keypad import Keypad

logger = logging.getLogger(__name__)

T = TypeVar("T")
_PIN = re.compile(r"[0-9]{4,12}")
_ERROR_STYLE = "color: #b00020; font-weight: bold;"
_INFO_STYLE = "color: #444;"


def _clean_pin(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


class PinDialog(QDialog):
    """Asks for the manager PIN (or sets the first one). ``manager`` holds the name on success."""

    def __init__(
        self,
        pins: ManagerPins,
        tasks: TaskManager,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._pins = pins
        self._tasks = tasks
        self._setting_up = False
        self._lock_deadline = 0.0
        self._locked = False
        self.manager: str | None = None
        self.setWindowTitle(self.tr("Manager PIN"))
        self.setModal(True)
        self.setMinimumWidth(420)
        # Large enough to read and touch at the counter, like the rest of the app.
        self.setStyleSheet(
            "QLabel, QLineEdit { font-size: 18px; } QLineEdit { padding: 4px; }"
            " QPushButton { font-size: 18px; min-height: 40px; padding: 0 16px; }"
        )

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(32)
        self.name_edit.setText(self.tr("Manager"))
        self.pin_edit = self._pin_field()
        self.repeat_edit = self._pin_field()
        self.status = QLabel()
        self.status.setObjectName("pinStatus")
        self.status.setWordWrap(True)
        self.keypad = Keypad(self, key_size=(80, 56))
        self.keypad.digit_pressed.connect(lambda digit: self._keypad_field().insert(digit))
        self.keypad.backspace_pressed.connect(lambda: self._keypad_field().backspace())
        self.keypad.clear_pressed.connect(lambda: self._keypad_field().clear())

        self.form = QFormLayout()
        self.form.addRow(self.tr("Manager name"), self.name_edit)
        self.form.addRow(self.tr("PIN"), self.pin_edit)
        self.form.addRow(self.tr("Repeat PIN"), self.repeat_edit)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        for button in self.buttons.buttons():
            if isinstance(button, QPushButton):
                # Enter means "check the PIN", never "Cancel" (which would become the default
                # button when it takes the focus while the PIN field is disabled).
                button.setAutoDefault(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.status)
        layout.addWidget(self.keypad)
        layout.addWidget(self.buttons)

        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)

        self._set_busy(True)
        self.status.setText(self.tr("Checking…"))
        self._run(self._initial_state, self._show_initial, self._show_failure)

    # ------------------------------------------------------------------ public
    @classmethod
    def ask(cls, parent: QWidget | None, pins: ManagerPins, tasks: TaskManager) -> str | None:
        """Show the dialog modally; the manager's name, or ``None`` when cancelled."""
        dialog = cls(pins, tasks, parent)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.manager
            return None
        finally:
            dialog.deleteLater()

    @property
    def setting_up(self) -> bool:
        """Whether the dialog asks for a first PIN rather than checking one."""
        return self._setting_up

    @property
    def locked(self) -> bool:
        """Whether the dialog shows a lock-out (input disabled until it ends)."""
        return self._locked

    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()  # the fields submit on returnPressed; no default-button click
            return
        super().keyPressEvent(event)

    # ------------------------------------------------------------------ set-up
    def _pin_field(self) -> QLineEdit:
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setMaxLength(12)
        edit.setInputMethodHints(
            Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData
        )
        edit.setValidator(QRegularExpressionValidator(r"[0-9０-９]{0,12}", edit))
        edit.returnPressed.connect(self.submit)
        return edit

    def _initial_state(self) -> tuple[bool, float]:
        return self._pins.is_set(), self._pins.seconds_locked()

    def _show_initial(self, state: tuple[bool, float]) -> None:
        is_set, locked_s = state
        self._setting_up = not is_set
        self.form.setRowVisible(self.name_edit, self._setting_up)
        self.form.setRowVisible(self.repeat_edit, self._setting_up)
        if self._setting_up:
            self.setWindowTitle(self.tr("Set the manager PIN"))
            self.intro.setText(
                self.tr(
                    "No manager PIN is set yet. Choose a PIN of 4 to 12 digits; it protects "
                    "reversals, code sync and settings."
                )
            )
        else:
            self.intro.setText(self.tr("Enter the manager PIN."))
        self.status.clear()
        self._set_busy(False)
        self.adjustSize()  # shrink to the rows on show (hidden rows leave no gap)
        if locked_s > 0:
            self._start_lockout(locked_s)
        else:
            self.pin_edit.setFocus()

    # ------------------------------------------------------------------ submit
    def submit(self) -> None:
        if not self.ok_button().isEnabled():
            return
        pin = _clean_pin(self.pin_edit.text())
        if not _PIN.fullmatch(pin):
            self._error(self.tr("The PIN must be 4 to 12 digits."))
            self.pin_edit.setFocus()
            return
        if self._setting_up:
            self._submit_new(pin)
            return
        self._set_busy(True)
        self.status.setStyleSheet(_INFO_STYLE)
        self.status.setText(self.tr("Checking…"))
        self._run(lambda: self._pins.verify(pin), self._accepted, self._refused)

    def _submit_new(self, pin: str) -> None:
        name = self.name_edit.text().strip()
        if not name:
            self._error(self.tr("Enter the manager's name."))
            self.name_edit.setFocus()
            return
        if _clean_pin(self.repeat_edit.text()) != pin:
            self._error(self.tr("The two PINs differ. Type the same PIN twice."))
            self.repeat_edit.clear()
            self.repeat_edit.setFocus()
            return
        self._set_busy(True)

        def set_and_verify() -> str:
            self._pins.set_pin(pin, manager=name)
            return self._pins.verify(pin)

        self._run(set_and_verify, self._accepted, self._show_failure)

    def _accepted(self, manager: str) -> None:
        self.manager = manager
        self._set_busy(False)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self._set_busy(False)
        self.pin_edit.clear()
        if isinstance(error, PinLockedOut):
            self._start_lockout(error.seconds_left)
        elif isinstance(error, PinRefused):
            self._error(pick(error.message))
            self.pin_edit.setFocus()
        else:
            self._show_failure(error)

    def _show_failure(self, error: Exception) -> None:
        if not isinstance(error, PosError):
            logger.error("PIN dialog: unexpected error", exc_info=error)
        self._set_busy(False)
        self._error(error_text(error))

    # ------------------------------------------------------------------ lock-out
    def _start_lockout(self, seconds: float) -> None:
        self._lock_deadline = self.now() + seconds
        self._locked = True
        self.pin_edit.setEnabled(False)
        self.ok_button().setEnabled(False)
        self.keypad.setEnabled(False)
        self._countdown.start()
        self._show_lockout()

    def _tick(self) -> None:
        if self.seconds_left() > 0:
            self._show_lockout()
            return
        # The screen's countdown ran out: ask the PIN store, which keeps the real lock.
        self._countdown.stop()
        self._run(self._pins.seconds_locked, self._lock_checked, self._show_failure)

    def _lock_checked(self, seconds: float) -> None:
        if seconds > 0:
            self._start_lockout(seconds)
            return
        self._locked = False
        self.pin_edit.setEnabled(True)
        self.ok_button().setEnabled(True)
        self.keypad.setEnabled(True)
        self.status.setStyleSheet(_INFO_STYLE)
        self.status.setText(self.tr("You may try the PIN again."))
        self.pin_edit.setFocus()

    def now(self) -> float:
        """Monotonic seconds (tests replace this together with the PIN store's clock)."""
        return time.monotonic()

    def seconds_left(self) -> int:
        return max(0, math.ceil(self._lock_deadline - self.now()))

    def _show_lockout(self) -> None:
        left = self.seconds_left()
        text = self.tr("Too many wrong PINs. Locked: try again in %1:%2.")
        self._error(text.replace("%1", str(left // 60)).replace("%2", f"{left % 60:02d}"))

    # ------------------------------------------------------------------ helpers
    def _error(self, text: str) -> None:
        self.status.setStyleSheet(_ERROR_STYLE)
        self.status.setText(text)

    def _keypad_field(self) -> QLineEdit:
        """Where an on-screen key goes: the repeat field if the manager is in it, else the PIN."""
        return self.repeat_edit if self.repeat_edit.hasFocus() else self.pin_edit

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.name_edit, self.pin_edit, self.repeat_edit):
            widget.setEnabled(not busy)
        self.ok_button().setEnabled(not busy)
        self.keypad.setEnabled(not busy and not self._locked)

    def _run(
        self,
        fn: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[Exception], None],
    ) -> None:
        in_background(self._tasks, self, fn, done, failed, label="manager-pin")
