"""Code sync (凭证码同步, manager): set how many uses of a code remain, mostly for external codes.

The code and remaining count are checked here as they are typed (the same rules as the service:
``core.codes``), so a mistake shows inline before anything is sent; the service checks again.
A scanner burst on this page fills the code field (``handle_scan``); it never redeems.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pos_app.core.codes import MAX_QUANTITY, mask_code, normalize_code
from pos_app.core.errors import InputInvalid
from pos_app.core.journal import OpState
from pos_app.core.models import CodeType
from pos_app.core.service import OpOutcome, RedemptionService
from pos_app.ui.messages import error_text, pick
from pos_app.ui.screens.reversal import result_style
from pos_app.ui.tasks import TaskManager, in_background

logger = logging.getLogger(__name__)

_CODE_TYPES: tuple[CodeType | None, ...] = (None, CodeType.EXTERNAL, CodeType.INTERNAL)


class SyncScreen(QWidget):
    synced = Signal(object)  # OpOutcome

    def __init__(
        self,
        service: RedemptionService,
        tasks: TaskManager,
        manager: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._tasks = tasks
        self._manager = manager
        self._busy = False

        intro = QLabel(
            self.tr(
                "Set how many uses of a code remain on the platform (mostly for the shop's "
                "own external codes)."
            )
        )
        intro.setWordWrap(True)
        self.code_edit = QLineEdit()
        self.code_edit.setMaxLength(64)
        self.code_edit.setPlaceholderText(self.tr("Scan or type the code"))
        self.type_combo = QComboBox()
        self.type_combo.addItems(
            [self.tr("Detect"), self.tr("External code"), self.tr("Internal code (12 digits)")]
        )
        self.order_edit = QLineEdit()
        self.order_edit.setMaxLength(32)
        self.order_edit.setPlaceholderText(
            self.tr("Order no (may stay empty if this terminal redeemed the code)")
        )
        self.remaining_spin = QSpinBox()
        self.remaining_spin.setRange(0, MAX_QUANTITY)
        self.code_hint = QLabel()
        self.code_hint.setObjectName("syncCodeHint")
        self.sync_button = QPushButton(self.tr("Sync…"))
        self.sync_button.setMinimumHeight(44)
        self.sync_button.setMinimumWidth(120)
        self.result_label = QLabel()
        self.result_label.setObjectName("syncResult")
        self.result_label.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("Code"), self.code_edit)
        form.addRow("", self.code_hint)
        form.addRow(self.tr("Code type"), self.type_combo)
        form.addRow(self.tr("Order no"), self.order_edit)
        form.addRow(self.tr("Remaining uses"), self.remaining_spin)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        actions = QHBoxLayout()  # an action button at the right, as on the other screens
        actions.addStretch(1)
        actions.addWidget(self.sync_button)
        layout.addLayout(actions)
        layout.addWidget(self.result_label)
        layout.addStretch(1)

        self.code_edit.textChanged.connect(self._validate)
        self.type_combo.currentIndexChanged.connect(self._validate)
        self.sync_button.clicked.connect(self.start_sync)
        self._validate()

    def handle_scan(self, code: str) -> bool:
        """A scan fills the code field (the bare code when it is one); the count comes next."""
        try:
            text = normalize_code(code, self.code_type()).value
        except InputInvalid:
            text = code.strip()  # kept as scanned, so the hint under the field says what is wrong
        self.code_edit.setText(text)
        self.remaining_spin.setFocus()
        self.remaining_spin.selectAll()
        return True

    def code_type(self) -> CodeType | None:
        return _CODE_TYPES[max(0, self.type_combo.currentIndex())]

    def _validate(self) -> bool:
        text = self.code_edit.text()
        ok = False
        if not text.strip():
            self.code_hint.setText("")
        else:
            try:
                code = normalize_code(text, self.code_type())
            except InputInvalid as exc:
                self.code_hint.setStyleSheet("color: #b00020;")
                self.code_hint.setText(pick(exc.message))
            else:
                ok = True
                self.code_hint.setStyleSheet("color: #1b7f3b;")
                kind = (
                    self.tr("internal code")
                    if code.code_type is CodeType.INTERNAL
                    else self.tr("external code")
                )
                self.code_hint.setText(f"{code.masked} · {kind}")
        self.sync_button.setEnabled(ok and not self._busy)
        return ok

    @classmethod
    def confirm(cls, parent: QWidget, text: str) -> bool:
        """Ask the manager to confirm; tests replace this."""
        title = QCoreApplication.translate("SyncScreen", "Confirm sync")
        answer = QMessageBox.question(parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def start_sync(self) -> None:
        if not self._validate():
            return
        code = normalize_code(self.code_edit.text(), self.code_type())
        remaining = self.remaining_spin.value()
        order_no = self.order_edit.text().strip()
        text = self.tr("Set the remaining uses of %1 to %2?")
        text = text.replace("%1", mask_code(code.value)).replace("%2", str(remaining))
        if not type(self).confirm(self, text):
            return
        manager, service, code_type = self._manager(), self._service, code.code_type
        self._busy = True
        self.sync_button.setEnabled(False)
        self.result_label.setStyleSheet(result_style(OpState.PENDING))
        self.result_label.setText(self.tr("Syncing…"))
        in_background(
            self._tasks,
            self,
            lambda: service.sync(
                code.value, remaining, order_no=order_no, code_type=code_type, manager=manager
            ),
            self._show_outcome,
            self._show_refusal,
            label="sync",
        )

    def _show_outcome(self, outcome: OpOutcome) -> None:
        self._busy = False
        op = outcome.operation
        if outcome.state is OpState.SUCCEEDED:
            text = self.tr("Synced: %1 now has %2 uses left.")
            text = text.replace("%1", mask_code(op.code)).replace("%2", str(op.quantity))
        elif outcome.state is OpState.FAILED:
            text = self.tr("Not synced (%1).").replace("%1", outcome.error_code)
        else:
            text = self.tr("The result is being confirmed; it is retried on its own.")
        if outcome.message is not None:
            text += "\n" + pick(outcome.message)
        self.result_label.setStyleSheet(result_style(outcome.state))
        self.result_label.setText(text)
        self.synced.emit(outcome)
        self._validate()

    def _show_refusal(self, error: Exception) -> None:
        self._busy = False
        text = error_text(error)
        if isinstance(error, InputInvalid) and error.field == "order_no":
            text = self.tr("Enter the order no of this code (the log does not know it).")
            self.order_edit.setFocus()
        self.result_label.setStyleSheet(result_style(OpState.FAILED))
        self.result_label.setText(text)
        self._validate()
