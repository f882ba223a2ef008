"""Manual entry: type the voucher code on a big keypad (touch) or the keyboard, then redeem.

The code is shown grouped 4-4-4 as it is typed and checked live with the same rules the service
applies (``codes.normalize_code``): the Redeem button and Enter only work once the code is valid.
Internal codes are 12 digits; external codes (a merchant's own) up to 32 letters/digits.

An external code may be a third-party code value, which seed 003 redeems with its 凭证ID
(``ticket_id``): the field for it shows only while the code type is external, is optional, is
checked live (``codes.validate_ticket_id``) and is cleared when the type goes back to internal.
While the type is external a letters keyboard shows under the form, so a touch till can type one.

查询 (F4) checks a valid 12-digit code before redeeming: ``lookup_requested`` asks the window to
show the voucher card, whose next step is 核销. The scan path stays one step (scan → redeem).
"""

from __future__ import annotations

import logging
import unicodedata

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pos_app.core import codes
from pos_app.core.errors import InputInvalid
from pos_app.core.models import CodeType
from pos_app.ui import messages as ui_text
from pos_app.ui.widgets.keypad import Keypad, LetterKeys

logger = logging.getLogger(__name__)

_ERROR_STYLE = "color: #b71c1c; font-size: 18px; font-weight: bold;"
_HINT_STYLE = "color: #424242; font-size: 18px;"
_OK_STYLE = "color: #1b5e20; font-size: 18px; font-weight: bold;"


class ManualScreen(QWidget):
    """Emits ``submitted(code, quantity, code_type, ticket_id)`` when a valid code is confirmed."""

    submitted = Signal(str, int, object, str)  # code (bare), quantity, CodeType, 凭证ID or ""
    lookup_requested = Signal(str, int, object, str)  # the same, to look up before redeeming

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("manualScreen")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._text = ""
        self._valid: codes.VoucherCode | None = None

        title = QLabel(self.tr("Type the voucher code"), self)
        title.setStyleSheet("font-size: 26px; font-weight: bold;")
        self.internal_button = self._toggle(self.tr("Koubei code (12 digits)"))
        self.external_button = self._toggle(self.tr("Own code (external)"))
        self._types = QButtonGroup(self)
        self._types.addButton(self.internal_button)
        self._types.addButton(self.external_button)
        self.internal_button.setChecked(True)
        self._types.buttonToggled.connect(lambda *_: self._type_changed())

        self.display = self._code_display()
        self.hint = QLabel(self)
        self.hint.setObjectName("codeHint")
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)

        self.keypad = Keypad(self)
        self.keypad.digit_pressed.connect(self.append)
        self.keypad.backspace_pressed.connect(self.backspace)
        self.keypad.clear_pressed.connect(self.clear)
        self.letters = LetterKeys(self)
        self.letters.letter_pressed.connect(self.append)

        self.quantity = QSpinBox(self)
        self.quantity.setRange(1, codes.MAX_QUANTITY)
        self.quantity.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.quantity.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)
        self.quantity.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.quantity.setMinimumSize(120, 56)
        self.quantity.setStyleSheet("font-size: 26px;")
        self.minus_button = self._step_button("−", -1)
        self.plus_button = self._step_button("+", 1)

        self.redeem_button = QPushButton(self.tr("Redeem (Enter)"), self)
        self.redeem_button.setObjectName("redeemButton")
        self.redeem_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.redeem_button.setMinimumHeight(72)
        self.redeem_button.setStyleSheet(
            "QPushButton { font-size: 24px; font-weight: bold; }"
            "QPushButton:enabled { background: #2e7d32; color: #ffffff; }"
        )
        self.redeem_button.clicked.connect(self.confirm)
        self.lookup_button = self._lookup_button()
        self.ticket_label = QLabel(self.tr("Ticket ID (optional)"), self)
        self.ticket_label.setStyleSheet("font-size: 18px;")
        self.ticket_edit = self._ticket_field()

        self._lay_out(title)
        self._type_changed()

    # ----------------------------------------------------------------- layout
    def _code_display(self) -> QLabel:
        display = QLabel(self)
        display.setObjectName("codeDisplay")
        display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        display.setTextFormat(Qt.TextFormat.PlainText)
        display.setMinimumHeight(72)
        display.setStyleSheet(
            "font-size: 40px; font-weight: bold; font-family: monospace; letter-spacing: 2px;"
            "background: #ffffff; border: 3px solid #90a4ae; border-radius: 8px; padding: 8px;"
        )
        return display

    def _toggle(self, text: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setCheckable(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setMinimumHeight(52)
        button.setStyleSheet(
            "QPushButton { font-size: 18px; }"
            "QPushButton:checked { background: #1565c0; color: #ffffff; font-weight: bold; }"
        )
        return button

    def _lookup_button(self) -> QPushButton:
        button = QPushButton(self.tr("Look up (F4)"), self)
        button.setObjectName("lookupButton")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setMinimumHeight(72)
        button.setStyleSheet("font-size: 22px;")
        button.setToolTip(self.tr("Show the voucher (item, price, validity, uses left)"))
        button.clicked.connect(self.look_up)
        return button

    def _ticket_field(self) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName("ticketIdEdit")
        edit.setMaxLength(codes.MAX_TICKET_ID_LEN + 8)  # room for stray spaces; checked live
        edit.setPlaceholderText(self.tr("Only for a third-party code: its ticket ID"))
        edit.setMinimumHeight(44)
        edit.setStyleSheet("font-size: 18px;")
        edit.textChanged.connect(lambda *_: self._validate())
        edit.returnPressed.connect(self.confirm)
        return edit

    def _step_button(self, text: str, step: int) -> QPushButton:
        button = QPushButton(text, self)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setMinimumSize(72, 56)
        button.setAutoRepeat(True)
        button.setStyleSheet("font-size: 28px; font-weight: bold;")
        button.clicked.connect(lambda: self.quantity.stepBy(step))
        return button

    def _lay_out(self, title: QLabel) -> None:
        types = QHBoxLayout()
        types.addWidget(self.internal_button)
        types.addWidget(self.external_button)
        quantity = QHBoxLayout()
        quantity_label = QLabel(self.tr("Quantity"), self)
        quantity_label.setStyleSheet("font-size: 20px;")
        quantity.addWidget(quantity_label)
        quantity.addStretch(1)
        quantity.addWidget(self.minus_button)
        quantity.addWidget(self.quantity)
        quantity.addWidget(self.plus_button)
        left = QVBoxLayout()
        left.addWidget(title)
        left.addLayout(types)
        left.addWidget(self.display)
        left.addWidget(self.hint)
        ticket = QHBoxLayout()
        ticket.addWidget(self.ticket_label)
        ticket.addWidget(self.ticket_edit, 1)
        left.addLayout(ticket)
        left.addStretch(1)
        left.addLayout(quantity)
        actions = QHBoxLayout()
        actions.addWidget(self.lookup_button, 1)
        actions.addWidget(self.redeem_button, 2)
        left.addLayout(actions)
        grid = QGridLayout(self)
        grid.setContentsMargins(24, 16, 24, 16)
        grid.setHorizontalSpacing(24)
        grid.addLayout(left, 0, 0)
        grid.addWidget(self.keypad, 0, 1)
        grid.addWidget(self.letters, 1, 0, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)

    # ----------------------------------------------------------------- state
    @property
    def code_type(self) -> CodeType:
        return CodeType.EXTERNAL if self.external_button.isChecked() else CodeType.INTERNAL

    def set_code_type(self, code_type: CodeType) -> None:
        button = self.external_button if code_type is CodeType.EXTERNAL else self.internal_button
        button.setChecked(True)

    @property
    def text(self) -> str:
        return self._text

    @property
    def is_valid(self) -> bool:
        return self._valid is not None

    @property
    def ticket_id(self) -> str:
        """The 凭证ID to send: "" unless the code type is external and one was typed."""
        if self.code_type is not CodeType.EXTERNAL:
            return ""
        return self.ticket_edit.text().strip()

    def set_text(self, text: str) -> None:
        # Full-width digits from a Chinese input method become ASCII; spaces are display only.
        normal = unicodedata.normalize("NFKC", text)
        self._text = "".join(ch for ch in normal if not ch.isspace())[: codes.MAX_EXTERNAL_CODE_LEN]
        self._validate()

    def append(self, chars: str) -> None:
        self.set_text(self._text + chars)

    def backspace(self) -> None:
        self.set_text(self._text[:-1])

    def clear(self) -> None:
        self.quantity.setValue(1)
        self.ticket_edit.clear()
        self.set_text("")

    def confirm(self) -> bool:
        """Hand the code over for redemption if it is valid."""
        self._validate()
        if self._valid is None:
            return False
        ticket_id = codes.validate_ticket_id(self.ticket_id)  # _validate() checked it already
        self.submitted.emit(
            self._valid.value, self.quantity.value(), self._valid.code_type, ticket_id
        )
        return True

    def look_up(self) -> bool:
        """查询: ask for the voucher card of a valid 12-digit code (nothing is redeemed)."""
        self._validate()
        if self._valid is None or self._valid.code_type is not CodeType.INTERNAL:
            return False
        self.lookup_requested.emit(
            self._valid.value, self.quantity.value(), self._valid.code_type, ""
        )
        return True

    # ----------------------------------------------------------------- validation
    def _type_changed(self) -> None:
        """The 凭证ID belongs to third-party (external) codes only: hidden and emptied otherwise,
        so a value typed for one code can never ride along with an internal one."""
        external = self.code_type is CodeType.EXTERNAL
        if not external:
            self.ticket_edit.clear()
        self.ticket_label.setVisible(external)
        self.ticket_edit.setVisible(external)
        self.letters.setVisible(external)
        self._validate()

    def _validate(self) -> None:
        external = self.code_type is CodeType.EXTERNAL
        shown = self._text if external else codes.group_code(self._text)  # external: as sent
        self.display.setText(shown or "—")
        self._valid = None
        if not self._text:
            self._set_hint(self._empty_hint(), _HINT_STYLE)
        else:
            try:
                valid = codes.normalize_code(self._text, self.code_type)
                codes.validate_ticket_id(self.ticket_id)
            except InputInvalid as exc:
                self._set_hint(*self._problem(exc))
            else:
                self._valid = valid
                self._set_hint(self.tr("Looks right. Press Enter to redeem."), _OK_STYLE)
        self.redeem_button.setEnabled(self._valid is not None)
        internal = self._valid is not None and self._valid.code_type is CodeType.INTERNAL
        self.lookup_button.setEnabled(internal)

    def _empty_hint(self) -> str:
        if self.code_type is CodeType.INTERNAL:
            return self.tr("Type the 12 digits under the customer's QR code.")
        return self.tr("Type the merchant's own code: up to 32 letters or digits.")

    def _problem(self, exc: InputInvalid) -> tuple[str, str]:
        """A short code that is still being typed is a hint, not an error."""
        missing = codes.INTERNAL_CODE_LEN - len(self._text)
        if self.code_type is CodeType.INTERNAL and self._text.isdecimal() and missing > 0:
            return self.tr("%n more digit(s) to go.", "", missing), _HINT_STYLE
        if exc.field == "ticket_id":
            return self.tr(
                "The ticket ID is up to 64 letters, digits, - or _. Leave it empty if the "
                "voucher has none."
            ), _ERROR_STYLE
        return ui_text.error_text(exc), _ERROR_STYLE

    def _set_hint(self, text: str, style: str) -> None:
        self.hint.setText(text)
        self.hint.setStyleSheet(style)
        self.hint.setProperty("problem", style == _ERROR_STYLE)

    @property
    def has_problem(self) -> bool:
        return bool(self.hint.property("problem"))

    # ----------------------------------------------------------------- keyboard
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.confirm()
        elif key == Qt.Key.Key_F4:
            self.look_up()
        elif key == Qt.Key.Key_Backspace:
            self.backspace()
        elif key == Qt.Key.Key_Delete:
            self.set_text("")
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Up):
            self.quantity.stepBy(1)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Down):
            self.quantity.stepBy(-1)
        elif event.matches(QKeySequence.StandardKey.Paste):
            self.append(QGuiApplication.clipboard().text())
        elif event.text() and event.text().isprintable() and not event.text().isspace():
            self.append(event.text())
        else:
            super().keyPressEvent(event)
            return
        event.accept()
