"""The manager's area: reversal, code sync, the day's records and settings, behind the PIN.

The screen starts locked. ``unlock()`` asks for the manager PIN (``PinDialog.ask``) and, when it is
right, shows the tabs with the manager's name; every reversal and sync is journaled under that
name. Leaving the screen (hiding it) or pressing "Lock" locks it again, so the next person at the
counter meets the PIN again.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.core.runtime import Runtime
from pos_app.core.service import OpOutcome
from pos_app.ui.dialogs.pin import PinDialog
from pos_app.ui.scanner import ScannerFilter
from pos_app.ui.screens.history import HistoryScreen
from pos_app.ui.screens.reversal import ReversalScreen
from pos_app.ui.screens.settings import SettingsScreen
from pos_app.ui.screens.sync import SyncScreen
from pos_app.ui.tasks import TaskManager

logger = logging.getLogger(__name__)


class ManagerScreen(QWidget):
    """``closed`` when the manager leaves (Lock); ``unlocked(name)`` after a right PIN."""

    closed = Signal()
    unlocked = Signal(str)
    TAB_REVERSAL, TAB_SYNC, TAB_HISTORY, TAB_SETTINGS = range(4)

    def __init__(
        self,
        runtime: Runtime,
        tasks: TaskManager,
        parent: QWidget | None = None,
        *,
        scanner: ScannerFilter | None = None,
    ) -> None:
        super().__init__(parent)
        self._runtime = runtime
        self._tasks = tasks
        self._scanner = scanner
        self._manager: str | None = None
        self.reversal: ReversalScreen | None = None
        self.sync: SyncScreen | None = None
        self.history: HistoryScreen | None = None
        self.settings: SettingsScreen | None = None

        self.stack = QStackedWidget()
        self.stack.addWidget(self._locked_page())
        self.tabs = QTabWidget()
        self.who_label = QLabel()
        self.who_label.setObjectName("managerName")
        self.lock_button = QPushButton(self.tr("Lock and leave"))
        self.lock_button.clicked.connect(self.leave)
        header = QHBoxLayout()
        header.addWidget(self.who_label, 1)
        header.addWidget(self.lock_button)
        open_page = QWidget()
        open_layout = QVBoxLayout(open_page)
        open_layout.addLayout(header)
        open_layout.addWidget(self.tabs, 1)
        self.stack.addWidget(open_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.tabs.currentChanged.connect(self._tab_shown)

    def _locked_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        text = QLabel(
            self.tr("Reversal, code sync, the day's records and settings need the manager PIN.")
        )
        text.setWordWrap(True)
        text.setStyleSheet("font-size: 14pt;")
        self.unlock_button = QPushButton(self.tr("Enter manager PIN"))
        self.unlock_button.setMinimumHeight(48)
        self.unlock_button.clicked.connect(self.unlock)
        layout.addWidget(text)
        layout.addWidget(self.unlock_button)
        layout.addStretch(1)
        return page

    # ------------------------------------------------------------------ access
    @property
    def manager(self) -> str | None:
        """The manager who unlocked the screen; ``None`` while locked."""
        return self._manager

    @property
    def is_unlocked(self) -> bool:
        return self._manager is not None

    def unlock(self) -> bool:
        """Ask for the PIN; ``True`` when the screen is open for a manager."""
        if self._manager is not None:
            return True
        name = PinDialog.ask(self, self._runtime.pins, self._tasks)
        if not name:
            return False
        self._manager = name
        self._build_tabs()
        self.who_label.setText(self.tr("Manager: %1").replace("%1", name))
        self.stack.setCurrentIndex(1)
        if self.tabs.currentIndex() == self.TAB_REVERSAL:
            self._tab_shown(self.TAB_REVERSAL)
        else:
            self.tabs.setCurrentIndex(self.TAB_REVERSAL)
        logger.info("manager screen unlocked by %s", name)
        self.unlocked.emit(name)
        return True

    def lock(self) -> None:
        if self._manager is not None:
            logger.info("manager screen locked (%s)", self._manager)
        self._manager = None
        self.who_label.clear()
        self.stack.setCurrentIndex(0)

    def leave(self) -> None:
        self.lock()
        self.closed.emit()

    def show_tab(self, index: int) -> bool:
        """Switch to a tab (after unlocking if needed)."""
        if not self.unlock():
            return False
        self.tabs.setCurrentIndex(index)
        return True

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        if not event.spontaneous():  # minimising the window does not lock; leaving does
            self.lock()

    # ------------------------------------------------------------------ tabs
    def _current_manager(self) -> str:
        return self._manager or ""

    def _build_tabs(self) -> None:
        if self.tabs.count():
            return
        service = self._runtime.service
        self.reversal = ReversalScreen(service, self._tasks, self._current_manager)
        self.sync = SyncScreen(service, self._tasks, self._current_manager)
        self.history = HistoryScreen(service, self._tasks)
        self.settings = SettingsScreen(self._runtime, self._tasks, scanner=self._scanner)
        blocked = self.tabs.blockSignals(True)  # unlock() shows the first tab itself
        self.tabs.addTab(self.reversal, self.tr("Reverse redemption"))
        self.tabs.addTab(self.sync, self.tr("Code sync"))
        self.tabs.addTab(self.history, self.tr("Today's records"))
        self.tabs.addTab(self.settings, self.tr("Settings"))
        self.tabs.blockSignals(blocked)
        self.reversal.reversed.connect(self.on_outcome)

    def _tab_shown(self, index: int) -> None:
        if self._manager is None:
            return
        if index == self.TAB_REVERSAL and self.reversal is not None:
            self.reversal.refresh()  # the history tab reloads itself when shown

    def on_outcome(self, outcome: OpOutcome) -> None:
        """Connect to the app's settle events so the records tab stays current."""
        if self.history is not None:
            self.history.on_outcome(outcome)
