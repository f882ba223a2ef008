"""The manager's area: reversal, code sync, the day's records, settings and the operations that
need review (需核对), behind the PIN. The 需核对 tab shows how many wait, e.g. "需核对 (2)".

The screen starts locked. ``unlock()`` asks for the manager PIN (``PinDialog.ask``) and, when it is
right, shows the tabs with the manager's name; every reversal and sync is journaled under that
name. Showing the screen while it is locked (F9, the 店长 button) asks for the PIN straight away;
cancelling the PIN goes back to scanning (``closed``). Leaving the screen (hiding it), pressing
"Lock" or ``idle_lock_ms`` without any key, click, wheel or touch locks it again, so the next
person at the counter meets the PIN again.

A scanner burst while this screen shows never redeems (``handle_scan``): the reversal tab searches
its list for the code, the sync tab fills its code field, the records tab searches; on the
settings tab or while locked the scan is ignored and ``notice`` says so.

The records and review tabs follow the app's settle events (``ServiceEvents``) and nothing else:
a reversal or a review decision made here reaches them through the service's listener once,
like a retry that settled in the background.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QHideEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.core.journal import OpState
from pos_app.core.service import OpOutcome
from pos_app.ui.dialogs.pin import PinDialog
from pos_app.ui.operation_text import STATE_COLOURS
from pos_app.ui.receipts import ReceiptDesk
from pos_app.ui.scanner import ScannerFilter
from pos_app.ui.screens.cashiers_page import CashiersPage
from pos_app.ui.screens.history import HistoryScreen
from pos_app.ui.screens.report_page import ReportPage
from pos_app.ui.screens.reversal import ReversalScreen
from pos_app.ui.screens.review import ReviewScreen
from pos_app.ui.screens.settings import SettingsScreen
from pos_app.ui.screens.sync import SyncScreen
from pos_app.ui.service_bridge import ServiceEvents
from pos_app.ui.tasks import TaskManager

if TYPE_CHECKING:
    from pos_app.runtime import Runtime

logger = logging.getLogger(__name__)

IDLE_LOCK_MS = 3 * 60_000  # the open manager screen locks itself after this long without input
_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
    }
)
_LOCKED_STYLE = (
    "QFrame#lockedCard { background: #f5f5f5; border: 4px solid #bdbdbd; border-radius: 12px; }"
    "QFrame#lockedCard QLabel { color: #212121; border: none; }"
)


class ManagerScreen(QWidget):
    """``closed`` when the manager leaves (Lock); ``unlocked(name)`` after a right PIN;
    ``settings_saved(Settings)`` after the settings tab wrote and applied new settings."""

    closed = Signal()
    locked = Signal()  # an unlocked screen locked again (left, idle, hidden)
    unlocked = Signal(str)
    notice = Signal(str)  # a short text for the window's status bar
    settings_saved = Signal(object)
    # Needs review is last so the other tabs keep their places (and keyboard habits).
    TAB_REVERSAL, TAB_SYNC, TAB_HISTORY, TAB_SETTINGS, TAB_REVIEW, TAB_REPORT, TAB_CASHIERS = range(
        7
    )

    def __init__(
        self,
        runtime: Runtime,
        tasks: TaskManager,
        events: ServiceEvents,
        parent: QWidget | None = None,
        *,
        probe: TaskManager,
        scanner: ScannerFilter | None = None,
        receipts: ReceiptDesk | None = None,
    ) -> None:
        """``tasks``: the money lane; ``probe``: the probe lane (the connection test);
        ``receipts``: slips (history's 补打小票, settings' 打印测试)."""
        super().__init__(parent)
        self._receipts = receipts
        self._runtime = runtime
        self._tasks = tasks
        self._probe = probe
        self._scanner = scanner
        self._manager: str | None = None
        self._asking = False  # the PIN dialog is open (unlock() is not re-entered)
        self.idle_lock_ms = IDLE_LOCK_MS
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self._idle_timeout)
        self.reversal: ReversalScreen | None = None
        self.sync: SyncScreen | None = None
        self.history: HistoryScreen | None = None
        self.settings: SettingsScreen | None = None
        self.review: ReviewScreen | None = None

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
        events.outcome.connect(self.on_outcome)

    def _locked_page(self) -> QWidget:
        """A card like the scan screen's idle card: what is locked, and one clear button."""
        card = QFrame()
        card.setObjectName("lockedCard")
        card.setStyleSheet(_LOCKED_STYLE)
        title = self._big_label(self.tr("Manager functions are locked"), 30, bold=True)
        text = self._big_label(
            self.tr("Reversal, code sync, the day's records and settings need the manager PIN."),
            18,
        )
        self.unlock_button = QPushButton(self.tr("Enter manager PIN"))
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setMinimumSize(280, 64)
        self.unlock_button.setStyleSheet("font-size: 22px; font-weight: bold; padding: 8px 32px;")
        self.unlock_button.clicked.connect(self._ask_or_leave)
        back = self._big_label(self.tr("Esc: back to scanning"), 14)
        back.setStyleSheet("color: #616161;")
        column = QVBoxLayout(card)
        column.setContentsMargins(32, 24, 32, 24)
        column.setSpacing(20)
        column.addStretch(1)
        column.addWidget(title)
        column.addWidget(text)
        column.addSpacing(12)
        column.addWidget(self.unlock_button, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(back)
        column.addStretch(1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(16, 16, 16, 8)
        layout.addWidget(card)
        return page

    @staticmethod
    def _big_label(text: str, point_size: int, *, bold: bool = False) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = label.font()
        font.setPointSize(point_size)
        font.setBold(bold)
        label.setFont(font)
        return label

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
        if self._asking:
            return False
        self._asking = True
        try:
            name = PinDialog.ask(self, self._runtime.pins, self._tasks)
        finally:
            self._asking = False
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
        self._watch_input(True)
        self.unlocked.emit(name)
        return True

    def lock(self) -> None:
        was_unlocked = self._manager is not None
        if was_unlocked:
            logger.info("manager screen locked (%s)", self._manager)
        self._watch_input(False)
        self._manager = None
        self.who_label.clear()
        self.stack.setCurrentIndex(0)
        if was_unlocked:
            self.locked.emit()

    def leave(self) -> None:
        self.lock()
        self.closed.emit()

    def show_tab(self, index: int) -> bool:
        """Switch to a tab (after unlocking if needed)."""
        if not self.unlock():
            return False
        self.tabs.setCurrentIndex(index)
        return True

    def activated(self) -> None:
        """The main window shows this screen: ask for the PIN at once when locked.

        Asked from the event loop, not from here, so the key press or click that showed the
        screen has finished before the (modal) PIN dialog opens.
        """
        if self._manager is None:
            QTimer.singleShot(0, self._ask_on_show)
        else:
            self._idle.start(self.idle_lock_ms)

    def _ask_on_show(self) -> None:
        if self._manager is None and not self._asking and self.isVisible():
            self._ask_or_leave()

    def _ask_or_leave(self) -> None:
        """Ask for the PIN; cancelled, go back to scanning."""
        if not self.unlock() and not self._asking and self.isVisible():
            self.closed.emit()

    # ------------------------------------------------------------------ idle lock
    def _watch_input(self, on: bool) -> None:
        app = QApplication.instance()
        if on:
            if app is not None:
                app.installEventFilter(self)
            self._idle.start(self.idle_lock_ms)
        else:
            self._idle.stop()
            if app is not None:
                app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS and self._idle.isActive():
            self._idle.start(self.idle_lock_ms)  # any input anywhere in the app: still here
        return False

    def _idle_timeout(self) -> None:
        if self._manager is None:
            return
        if QApplication.activeModalWidget() is not None:
            # A confirmation or file dialog is open: its caller still runs; lock after it.
            self._idle.start(self.idle_lock_ms)
            return
        logger.info("manager screen idle for %d ms: locking", self.idle_lock_ms)
        self.leave()

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
        self.history = HistoryScreen(service, self._tasks, receipts=self._receipts)
        # Settings and key imports are journaled under the manager who unlocked, like reversals.
        self.settings = SettingsScreen(
            self._runtime,
            self._tasks,
            probe=self._probe,
            scanner=self._scanner,
            manager_fn=self._current_manager,
            receipts=self._receipts,
        )
        self.review = ReviewScreen(service, self._tasks, self._current_manager, probe=self._probe)
        blocked = self.tabs.blockSignals(True)  # unlock() shows the first tab itself
        self.tabs.addTab(self.reversal, self.tr("Reverse redemption"))
        self.tabs.addTab(self.sync, self.tr("Code sync"))
        self.tabs.addTab(self.history, self.tr("Today's records"))
        self.tabs.addTab(self.settings, self.tr("Settings"))
        self.tabs.addTab(self.review, self.tr("Needs review"))
        self._add_shift_tabs()
        self.tabs.blockSignals(blocked)
        # A reversal or decision made here reaches on_outcome through the service's listener
        # (ServiceEvents); connecting reversed/resolved too delivered each of them twice.
        self.settings.saved.connect(self.settings_saved)
        self.review.count_changed.connect(self._show_review_count)
        self.review.refresh()  # the badge shows at once, whichever tab is open

    def _add_shift_tabs(self) -> None:
        """报表 (the day report) and, on a till with a cashier registry, 收银员 (issue #12)."""
        self.report_page = ReportPage(self._runtime, self._probe or self._tasks)
        self.tabs.addTab(self.report_page, self.tr("Reports"))
        self.cashiers_page: CashiersPage | None = None
        if getattr(self._runtime, "cashiers", None) is not None:
            self.cashiers_page = CashiersPage(self._runtime, self._tasks, self._current_manager)
            self.tabs.addTab(self.cashiers_page, self.tr("Cashiers"))

    def _tab_shown(self, index: int) -> None:
        if self._manager is None:
            return
        if index == self.TAB_REVERSAL and self.reversal is not None:
            self.reversal.refresh()  # the history tab reloads itself when shown
        elif index == self.TAB_REVIEW and self.review is not None:
            self.review.refresh()
        elif index == self.TAB_REPORT:
            self.report_page.refresh()
        elif index == self.TAB_CASHIERS and self.cashiers_page is not None:
            self.cashiers_page.refresh()

    def handle_scan(self, code: str) -> bool:
        """Always consumed: a scan on a manager page must never take a use of the voucher."""
        page = self.tabs.currentWidget() if self.is_unlocked else None
        if page is self.history and self.history is not None:
            self.history.search_edit.setText(code.strip())
            self.history.refresh()
            return True
        if page is self.reversal and self.reversal is not None and self.reversal.handle_scan(code):
            return True
        if page is self.sync and self.sync is not None and self.sync.handle_scan(code):
            return True
        self.notice.emit(
            self.tr("Scan ignored: nothing is redeemed on the manager screen. Esc goes back.")
        )
        return True

    def on_outcome(self, outcome: OpOutcome) -> None:
        """A settle event (any operation, once): the records and review tabs stay current."""
        if self.history is not None:
            self.history.on_outcome(outcome)
        if self.review is not None and self.is_unlocked:
            self.review.refresh()  # a retry or a reversal may have put a row in review

    def _show_review_count(self, count: int) -> None:
        """The tab's badge: how many operations wait for a decision."""
        text = self.tr("Needs review")
        if count:
            text = self.tr("Needs review (%1)").replace("%1", str(count))
        self.tabs.setTabText(self.TAB_REVIEW, text)
        colour = QColor(STATE_COLOURS[OpState.REVIEW]) if count else QColor()
        self.tabs.tabBar().setTabTextColor(self.TAB_REVIEW, colour)
