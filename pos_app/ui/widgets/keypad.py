"""Big on-screen keys for touch screens (buttons never take keyboard focus): a numeric keypad
(manual entry, the PIN dialog) and a letters keyboard (a merchant's own external codes)."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget

logger = logging.getLogger(__name__)

KEY_MIN_SIZE = (96, 72)  # comfortably larger than a fingertip at 1024×768


class Keypad(QWidget):
    """Digits 0–9, a clear key and a backspace key, laid out like a phone."""

    digit_pressed = Signal(str)
    backspace_pressed = Signal()
    clear_pressed = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, key_size: tuple[int, int] = KEY_MIN_SIZE
    ) -> None:
        super().__init__(parent)
        self._key_size = key_size
        grid = QGridLayout(self)
        grid.setSpacing(8)
        self.buttons: dict[str, QPushButton] = {}
        for index, digit in enumerate("123456789"):
            self._add(grid, digit, digit, index // 3, index % 3)
        self._add(grid, "clear", self.tr("Clear"), 3, 0)
        self._add(grid, "0", "0", 3, 1)
        self._add(grid, "backspace", "⌫", 3, 2)
        self.buttons["backspace"].setToolTip(self.tr("Delete the last digit"))

    def _add(self, grid: QGridLayout, name: str, text: str, row: int, column: int) -> None:
        button = QPushButton(text, self)
        button.setObjectName(f"key_{name}")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setMinimumSize(*self._key_size)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        button.setAutoRepeat(name == "backspace")
        font = button.font()
        font.setPointSize(24)
        font.setBold(True)
        button.setFont(font)
        if name == "clear":
            button.clicked.connect(self.clear_pressed)
        elif name == "backspace":
            button.clicked.connect(self.backspace_pressed)
        else:
            button.clicked.connect(lambda _checked=False, d=name: self.digit_pressed.emit(d))
        grid.addWidget(button, row, column)
        self.buttons[name] = button


LETTER_ROWS = ("QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")
LETTER_KEY_SIZE = (52, 48)


class LetterKeys(QWidget):
    """A–Z in keyboard rows: external codes are letters and digits (the digits are on the
    keypad next to it). Emits upper-case letters, as printed on the vouchers."""

    letter_pressed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setSpacing(6)
        grid.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QPushButton] = {}
        for row, letters in enumerate(LETTER_ROWS):
            for column, letter in enumerate(letters):
                # Each row starts half a key further right, as on a keyboard: 2 cells a key.
                grid.addWidget(self._key(letter), row, 2 * column + row, 1, 2)

    def _key(self, letter: str) -> QPushButton:
        button = QPushButton(letter, self)
        button.setObjectName(f"letter_{letter}")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setMinimumSize(*LETTER_KEY_SIZE)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        font = button.font()
        font.setPointSize(18)
        font.setBold(True)
        button.setFont(font)
        button.clicked.connect(lambda _checked=False, ch=letter: self.letter_pressed.emit(ch))
        self.buttons[letter] = button
        return button
