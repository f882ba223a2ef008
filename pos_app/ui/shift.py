"""Who is signed in at the till, and the 交班 (end shift) / 换人 (switch cashier) buttons.

With no cashiers configured nothing changes: the till works as a single operator (核销人 is
``terminal.operator``). With cashiers, the window starts on 请登录; the signed-in cashier's name
goes on every row the scan screen writes (``cashier`` and 核销人). 换人 signs out at once (tap 1)
and shows the names; the next cashier taps theirs (tap 2) and types the PIN. 交班 shows the
shift report first and signs out only when the cashier confirms it. A redemption in flight
keeps the cashier signed in until it has an answer.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QPushButton

from pos_app.core.cashiers import Cashier
from pos_app.core.errors import PosError
from pos_app.core.reports import JournalSource, Report, shift_report
from pos_app.ui.dialogs.shift_end import ShiftEndDialog
from pos_app.ui.tasks import in_background

if TYPE_CHECKING:
    from pos_app.ui.main_window import MainWindow

logger = logging.getLogger(__name__)


class ShiftControl(QObject):
    changed = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._registry: Any = None  # read from the runtime in start(): it is in the keyring
        self.cashier: Cashier | None = None
        self.since: datetime | None = None
        self.enabled = False  # the till has cashiers (decided at start)
        self.dialog: ShiftEndDialog | None = None
        self.end_button = self._button("endShiftButton", self.tr("End shift"), self.end_shift)
        self.switch_button = self._button("switchCashier", self.tr("Switch cashier"), self.switch)
        window.sign_in_screen.signed_in.connect(self.sign_in)

    def _button(self, name: str, text: str, slot: object) -> QPushButton:
        button = QPushButton(text, self._window)
        button.setObjectName(name)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setMinimumHeight(56)
        button.setStyleSheet("QPushButton { font-size: 18px; }")
        button.clicked.connect(slot)
        button.hide()
        return button

    @property
    def signed_out(self) -> bool:
        return self.enabled and self.cashier is None

    def start(self) -> None:
        """Read the cashier list once (a keyring read); a list that cannot be read refuses
        sign-in rather than letting the till run without cashiers (fail closed). Called once
        the runtime has finished opening."""
        self._registry = getattr(self._window.runtime, "cashiers", None)
        if self._registry is None:
            return
        self._window.sign_in_screen.set_registry(self._registry)
        nav = self._window.nav_layout
        if nav.indexOf(self.end_button) < 0:  # start() again after the list changed
            nav.addWidget(self.switch_button)
            nav.addWidget(self.end_button)
        try:
            cashiers = self._registry.active()
        except PosError as exc:
            logger.error("cashier list unreadable: %s", exc.code)
            self.enabled = True
            self._window.sign_in_screen.title.setText(exc.zh)
            self._window.show_sign_in()
            return
        self.enabled = bool(cashiers)
        if self.enabled:
            self._window.sign_in_screen.show_cashiers(cashiers)
            self._window.show_sign_in()
        self._update()

    def operator_name(self, default: str) -> str:
        return self.cashier.name if self.cashier is not None else default

    def sign_in(self, cashier: Cashier) -> None:
        self.cashier = cashier
        self.since = datetime.now(UTC)
        self._apply()
        self._window.show_home()

    def switch(self) -> None:
        """换人: sign out now (no report) and offer the names."""
        if self._refuse_while_busy():
            return
        self.sign_out()

    def end_shift(self) -> None:
        """交班: the shift report, then sign out when confirmed."""
        if self.cashier is None or self.since is None or self._refuse_while_busy():
            return
        name, since = self.cashier.name, self.since
        runtime = self._window.runtime
        terminal = runtime.settings.terminal_id

        def build() -> Report:
            source = JournalSource.till(runtime.journal)
            return shift_report(source, name, since, datetime.now(UTC), terminal=terminal)

        in_background(self._window.probe, self, build, self._show_report, label="shift-report")

    def _show_report(self, report: Report) -> None:
        self.dialog = ShiftEndDialog(report, self._window)
        self.dialog.ended.connect(self.sign_out)
        self.dialog.open()

    def sign_out(self) -> None:
        if self.cashier is not None:
            logger.info("cashier %d signed out", self.cashier.id)
        self.cashier, self.since = None, None
        self._apply()
        self._window.lock_manager()
        self._window.sign_in_screen.refresh()
        self._window.show_sign_in()

    # ----------------------------------------------------------------- internals
    def _refuse_while_busy(self) -> bool:
        if self._window.scan_screen.busy:
            self._window.show_notice(self.tr("Wait for the redemption in flight to finish."))
            return True
        return False

    def _apply(self) -> None:
        window = self._window
        window.scan_screen.cashier = self.cashier.name if self.cashier else ""
        window.scan_screen.operator = self.operator_name(window.runtime.settings.operator_name)
        self._update()
        self.changed.emit()

    def _update(self) -> None:
        signed_in = self.enabled and self.cashier is not None
        self.end_button.setVisible(signed_in)
        self.switch_button.setVisible(signed_in)
        for button in self._window.nav_buttons.values():
            button.setEnabled(not self.signed_out)
