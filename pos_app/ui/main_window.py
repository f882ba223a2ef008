"""The main window: the training banner, the screens, a touch navigation bar and the status bar.

Screens live in a stack: scan (home), manual entry (F2), history (F3), manager (F9); Esc goes
back/clears. A scanner burst is recognised anywhere in the app (``ScannerFilter``, installed
application-wide) and redeemed on the scan screen, unless the manager screen shows (its pages
search or fill a field with it, never redeem). While a dialog is open a burst is swallowed and
ignored (the cashier is told): its Enter must never press a dialog's default button, its digits
never fill a PIN field.

The window holds the app's two background lanes (``pos_app.ui.tasks.Lane``): the money lane it
is given and the probe lane for the gateway health light. Both lanes' default error display, and
the screens' ``notice`` texts, show in the status bar.

The 平台 light is red while the health probe cannot reach the gateway and amber for
``RECENT_TROUBLE_MS`` after a request timed out or got no usable answer (until a definite answer
comes back): "reachable" alone said 连接正常 during an outage. A row that a background retry or
the start-up recovery settles pops a toast over the screen, unless the scan card shows it.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.core.codes import group_code, mask_code
from pos_app.core.journal import OpKind, OpState
from pos_app.core.models import CodeType
from pos_app.core.service import OpOutcome
from pos_app.ui.receipts import ReceiptDesk
from pos_app.ui.scanner import ScannerFilter, scanner_config
from pos_app.ui.screens.manual import ManualScreen
from pos_app.ui.screens.scan import ScanScreen
from pos_app.ui.screens.sign_in import SignInScreen
from pos_app.ui.service_bridge import RetryPump, ServiceEvents
from pos_app.ui.shift import ShiftControl
from pos_app.ui.sound import Cue, SoundPlayer
from pos_app.ui.start_window import DEFAULT_SIZE, MIN_SIZE, counter_title
from pos_app.ui.tasks import Lane, TaskManager, in_background
from pos_app.ui.widgets.banner import TrainingBanner
from pos_app.ui.widgets.toast import Toast, Tone

if TYPE_CHECKING:
    from pos_app.runtime import Runtime
    from pos_app.store.replicator import ReplicationStatus
    from pos_app.ui.screens.history import HistoryScreen
    from pos_app.ui.screens.manager import ManagerScreen

logger = logging.getLogger(__name__)

HEALTH_INTERVAL_MS = 30_000
STORE_STATUS_MS = 3_000  # the store label: 已同步 / 延迟 N 条 / 离线
RECENT_TROUBLE_MS = 120_000  # the 平台 light stays amber this long after a timeout / no answer
# Demo codes the idle card lists in training mode: one of each thing a newcomer should see.
DEMO_LABELS = ("single", "multi", "used", "refunded", "external")
NOTICE_MS = 15_000  # how long a notice (or the default error display) stays in the status bar


class Screen(enum.StrEnum):
    SCAN = "scan"
    MANUAL = "manual"
    HISTORY = "history"
    MANAGER = "manager"
    SIGN_IN = "sign_in"  # 请登录: only when the till has cashiers


class _Screens(dict[Screen, QWidget]):
    """The stack's screens by name; one not built yet is built on first lookup (``build``)."""

    def __init__(self, build: Callable[[Screen], QWidget]) -> None:
        super().__init__()
        self._build = build

    def __missing__(self, screen: Screen) -> QWidget:
        return self._build(screen)


class Health(enum.StrEnum):
    CHECKING = "checking"  # no probe answer yet
    OK = "ok"
    TROUBLE = "trouble"  # reachable, but a request recently timed out or got no usable answer
    DOWN = "down"  # the probe cannot reach the gateway


class MainWindow(QMainWindow):
    """Built from a ``Runtime`` and the money lane (``tasks``); call ``start()`` once shown.

    ``probe``: the probe lane; made (and shut down) here when not given.
    """

    def __init__(
        self,
        runtime: Runtime,
        tasks: TaskManager,
        *,
        sounds: SoundPlayer | None = None,
        scanner: ScannerFilter | None = None,
        probe: TaskManager | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.runtime = runtime
        self.tasks = tasks
        settings = runtime.settings
        self.sounds = sounds or SoundPlayer(enabled=settings.sound_enabled)
        self.probe = probe or TaskManager(Lane.PROBE, self)
        self._own_probe = probe is None
        self._probing = False
        self._shut_down = False
        self._reachable: bool | None = None  # the last probe's answer; None before the first
        self._trouble = QTimer(self)  # running: a request recently timed out / got no answer
        self._trouble.setSingleShot(True)
        self._trouble.timeout.connect(self._render_health)
        self.events = ServiceEvents(runtime.service, self)
        self.pump = RetryPump(runtime.service, tasks, parent=self)
        # Receipts on their own lane: a dead printer never waits in front of money or lookups.
        self.print_lane = TaskManager(Lane.PRINT, self)
        self.receipts = ReceiptDesk(runtime, self.print_lane, self)
        # Application-wide: a burst never types into a dialog or presses its default button.
        self.scanner = scanner or ScannerFilter(scanner_config(settings), parent=self)

        self.banner = TrainingBanner(self)
        self.scan_screen = ScanScreen(
            runtime.service, tasks, self.events, sounds=self.sounds, probe=self.probe, parent=self
        )
        self.manual_screen = ManualScreen(self)
        # History and manager are built (and their modules imported) when first shown: the
        # first screen does not need them, and building them was a good part of the start-up.
        self._history: HistoryScreen | None = None
        self._manager: ManagerScreen | None = None
        # The cashier list is read once the runtime is up (it is in the keyring): ShiftControl.
        self.sign_in_screen = SignInScreen(None, self.probe, self)
        self.stack = QStackedWidget(self)
        self.screens = _Screens(self._build_screen)
        self._add_screen(Screen.SCAN, self.scan_screen)
        self._add_screen(Screen.MANUAL, self.manual_screen)
        self._add_screen(Screen.SIGN_IN, self.sign_in_screen)
        self.shift = ShiftControl(self)
        self.nav_buttons: dict[Screen, QPushButton] = {}
        self._build_layout()
        self.toast = Toast(self.stack)
        self._build_status_bar()
        self._build_shortcuts()

        self.scanner.scanned.connect(self.on_scanned)
        if scanner is None:
            self.scanner.install()
        self._wire_screens()
        self.pump.open_count_changed.connect(self._show_open_count)
        self._build_timers()

        self.setMinimumSize(*MIN_SIZE)
        self.resize(*DEFAULT_SIZE)
        # A runtime opened in the background (the app's start): until it is up, a scan is held
        # (one) and the manager's screens wait; see ``runtime_started``.
        self._opening = not getattr(runtime, "started", True)
        self._held_scan: str | None = None
        self.apply_settings()
        self.show_screen(Screen.SCAN)
        if not self._opening:
            self.shift.start()

    # ----------------------------------------------------------------- building
    def _build_timers(self) -> None:
        """The gateway health probe and the store status poll (both off the money lane)."""
        self._health_timer = QTimer(self)
        self._health_timer.setInterval(HEALTH_INTERVAL_MS)
        self._health_timer.timeout.connect(self.check_health)
        self._store_timer = QTimer(self)
        self._store_timer.setInterval(STORE_STATUS_MS)
        self._store_timer.timeout.connect(self.check_store)
        self._store_polling = False

    def _wire_screens(self) -> None:
        """Each screen's signals to where they go; every settle event reaches each screen once."""
        self.manual_screen.submitted.connect(self._redeem_typed)
        self.scan_screen.typed.connect(self._typed_on_scan)
        self.pump.settled_in_background.connect(self._settled_in_background)
        self.manual_screen.lookup_requested.connect(self._look_up_typed)
        self.scan_screen.busy_changed.connect(self._on_busy)
        self.events.outcome.connect(self._on_outcome)
        self._wire_receipts()
        for notices in (self.scan_screen.notice, self.tasks.error_shown, self.probe.error_shown):
            notices.connect(self.show_notice)

    def _wire_receipts(self) -> None:
        """A slip after each settle (``printer.auto``); a slip that did not print is shown in
        the status bar and as a toast, so the cashier knows to reprint it from the history."""
        self.events.outcome.connect(self.receipts.on_outcome)
        self.receipts.warning.connect(self._printer_warning)
        self.receipts.printed.connect(
            lambda what: self.show_notice(self.tr("Slip printed: %1").replace("%1", what))
        )
        self.print_lane.error_shown.connect(self.show_notice)

    def _printer_warning(self, text: str) -> None:
        if self._shut_down:
            return
        self.show_notice(text)
        self.toast.show_notice(text, Tone.BAD)

    @property
    def history_screen(self) -> HistoryScreen:
        """The day's records (built on first use; it then follows every settled row)."""
        if self._history is None:
            from pos_app.ui.screens.history import HistoryScreen

            self._history = HistoryScreen(
                self.runtime.service, self.tasks, self, receipts=self.receipts
            )
            self.events.outcome.connect(self._history.on_outcome)
            self._add_screen(Screen.HISTORY, self._history)
        return self._history

    @property
    def manager_screen(self) -> ManagerScreen:
        """The manager's screens behind the PIN (built on first use)."""
        if self._manager is None:
            from pos_app.ui.screens.manager import ManagerScreen

            manager = ManagerScreen(
                self.runtime,
                self.tasks,
                self.events,
                self,
                probe=self.probe,
                scanner=self.scanner,
                receipts=self.receipts,
            )
            manager.locked.connect(self.scan_screen.reset_if_settled)
            manager.closed.connect(lambda: self.show_screen(Screen.SCAN))
            manager.settings_saved.connect(lambda _settings: self.apply_settings())
            manager.notice.connect(self.show_notice)
            self._manager = manager
            self._add_screen(Screen.MANAGER, manager)
        return self._manager

    def _build_screen(self, screen: Screen) -> QWidget:
        return self.history_screen if screen is Screen.HISTORY else self.manager_screen

    def _add_screen(self, screen: Screen, widget: QWidget) -> None:
        self.screens[screen] = widget
        self.stack.addWidget(widget)

    def _build_layout(self) -> None:
        nav = QHBoxLayout()
        nav.setContentsMargins(8, 4, 8, 4)
        group = QButtonGroup(self)
        labels = {
            Screen.SIGN_IN: "",
            Screen.SCAN: self.tr("Scan (Esc)"),
            Screen.MANUAL: self.tr("Type code (F2)"),
            Screen.HISTORY: self.tr("History (F3)"),
            Screen.MANAGER: self.tr("Manager (F9)"),
        }
        for screen, text in labels.items():
            if screen is Screen.SIGN_IN:
                continue
            button = QPushButton(text, self)
            button.setObjectName(f"nav_{screen.value}")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumHeight(56)
            button.setStyleSheet(
                "QPushButton { font-size: 18px; } QPushButton:checked { font-weight: bold; }"
            )
            button.clicked.connect(lambda _checked=False, s=screen: self.show_screen(s))
            group.addButton(button)
            nav.addWidget(button)
            self.nav_buttons[screen] = button
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.stack, 1)
        column.addLayout(nav)
        self.nav_layout = nav
        self.setCentralWidget(central)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.mode_label = QLabel(self)
        self.health_label = QLabel(self.tr("Platform: checking…"), self)
        self.open_label = QLabel(self)
        # 门店库: 已同步 / 延迟 N 条 / 离线 — only with a store database (issue #10).
        self.store_label = QLabel(self)
        self.store_label.setObjectName("storeStatus")
        self.store_label.setVisible(False)
        for label in (self.mode_label, self.health_label, self.store_label, self.open_label):
            label.setStyleSheet("padding: 0 12px; font-size: 14px;")
            bar.addPermanentWidget(label)
        self._show_open_count(0)

    def _build_shortcuts(self) -> None:
        keys: list[tuple[Qt.Key, Callable[[], None]]] = [
            (Qt.Key.Key_F2, lambda: self.show_screen(Screen.MANUAL)),
            (Qt.Key.Key_F3, lambda: self.show_screen(Screen.HISTORY)),
            (Qt.Key.Key_F4, self._look_up_from_manual),
            (Qt.Key.Key_F9, lambda: self.show_screen(Screen.MANAGER)),
            (Qt.Key.Key_Escape, self.go_back),
            (Qt.Key.Key_F11, self.toggle_full_screen),
        ]
        self.shortcuts: list[QShortcut] = []
        for key, slot in keys:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
            self.shortcuts.append(shortcut)

    # ----------------------------------------------------------------- public
    def start(self) -> None:
        """Begin background work: settle what a previous run left open, watch the gateway."""
        self.pump.start(recover=True)
        self.check_health()
        self._health_timer.start()
        self.check_store()
        self._store_timer.start()

    @property
    def opening(self) -> bool:
        """The runtime is still opening (simulator, keyring): see ``runtime_started``."""
        return self._opening

    def runtime_started(self) -> None:
        """The runtime has finished opening: the demo codes and the cashiers can be read now,
        and a scan held meanwhile goes on — redeemed, or refused when someone must sign in
        first (it was not known before whether the till has cashiers)."""
        if self._opening:
            self._opening = False
            self._show_demo_codes()  # the rest of the settings are applied already
            self.shift.start()
        held, self._held_scan = self._held_scan, None
        if held is None:
            return
        if self.shift.signed_out:
            self.scan_screen.reset()
            self.statusBar().showMessage(self.tr("Scan ignored: sign in first."), 10_000)
            self.sounds.play(Cue.ATTENTION)
        else:
            self.on_scanned(held)

    def runtime_failed(self) -> None:
        """Opening failed (the app says why and exits): a held scan is dropped, never sent."""
        self._held_scan = None
        self.scan_screen.reset()

    def _hold_scan(self, code: str) -> None:
        if self._held_scan is not None:
            self.statusBar().showMessage(
                self.tr("Still connecting: scan this voucher again when the first one is done."),
                10_000,
            )
            self.sounds.play(Cue.ATTENTION)
            return
        self._held_scan = code
        self.show_screen(Screen.SCAN)
        self.scan_screen.show_waiting(code)

    def apply_settings(self) -> None:
        """Re-read ``runtime.settings`` (after the settings screen saved): mode, scanner, sound."""
        settings = self.runtime.settings
        training = settings.mode == "training"
        self.banner.setVisible(training)
        self.setWindowTitle(counter_title(training))
        self.mode_label.setText(
            self.tr("Mode: training (simulator)") if training else self.tr("Mode: production")
        )
        self.mode_label.setStyleSheet(
            "padding: 0 12px; font-size: 14px;"
            + ("background: #ffb300; color: #000; font-weight: bold;" if training else "")
        )
        self.sounds.enabled = settings.sound_enabled
        self.scanner.set_config(scanner_config(settings))
        self.scan_screen.operator = self.shift.operator_name(settings.operator_name)
        self.scan_screen.set_idle_reset(settings.idle_reset_s)
        self._show_demo_codes()

    def _show_demo_codes(self) -> None:
        training = self.runtime.settings.mode == "training"
        self.scan_screen.set_demo_codes(self._demo_rows() if training else ())

    def _demo_rows(self) -> tuple[tuple[str, str], ...]:
        if not getattr(self.runtime, "started", True):  # still opening: listed once it is up
            return ()
        simulator = getattr(self.runtime, "simulator", None)
        demo = getattr(simulator, "demo", None)
        if demo is None:
            return ()
        labels = {
            "single": self.tr("Single-use voucher"),
            "multi": self.tr("10-use card"),
            "used": self.tr("Already used"),
            "refunded": self.tr("Refunded"),
            "external": self.tr("Own code (external)"),
        }
        return tuple((labels[name], demo.codes[name]) for name in DEMO_LABELS if name in demo.codes)

    def current_screen(self) -> Screen:
        widget = self.stack.currentWidget()
        for screen, candidate in self.screens.items():
            if candidate is widget:
                return screen
        return Screen.SCAN

    def show_screen(self, screen: Screen) -> None:
        if screen is not Screen.SIGN_IN and self.shift.signed_out:
            screen = Screen.SIGN_IN  # nobody signed in: nothing else until someone does
        if screen is Screen.MANAGER and self._opening:  # its PIN is in the keyring, not read yet
            self.show_notice(self.tr("Still connecting: open the manager screens in a moment."))
            return
        widget = self.screens[screen]
        self.stack.setCurrentWidget(widget)
        if screen in self.nav_buttons:
            self.nav_buttons[screen].setChecked(True)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        if screen is Screen.MANAGER:
            self.manager_screen.activated()  # asks for the PIN when locked

    def lock_manager(self) -> None:
        """Lock the manager's screens (if they were ever built)."""
        if self._manager is not None:
            self._manager.lock()

    def show_sign_in(self) -> None:
        self.show_screen(Screen.SIGN_IN)

    def show_home(self) -> None:
        self.show_screen(Screen.SCAN)

    def go_back(self) -> None:
        """Esc: clear what is on the screen, or go back to the scan screen."""
        screen = self.current_screen()
        if screen is Screen.SIGN_IN:
            self.sign_in_screen.show_names()
        elif screen is Screen.SCAN:
            self.scan_screen.reset()
        elif screen is Screen.MANUAL and self.manual_screen.text:
            self.manual_screen.clear()
        else:
            self.show_screen(Screen.SCAN)

    def on_scanned(self, code: str) -> None:
        """A scanner burst anywhere in the app (its keys never reached any widget)."""
        modal = QApplication.activeModalWidget()
        if modal is not None and modal is not self:
            # A dialog (PIN, confirmation) is open: redeeming behind it would go unseen.
            self.statusBar().showMessage(
                self.tr("Scan ignored: close the open dialog first, then scan again."), 10_000
            )
            self.sounds.play(Cue.ATTENTION)
            return
        if self._opening:
            self._hold_scan(code)
            return
        if self.shift.signed_out:
            self.statusBar().showMessage(self.tr("Scan ignored: sign in first."), 10_000)
            self.sounds.play(Cue.ATTENTION)
            return
        if self.current_screen() is Screen.MANAGER and self.manager_screen.handle_scan(code):
            return  # searched or filled a field there, or ignored with a notice: never redeemed
        if self.current_screen() is not Screen.SCAN:
            self.show_screen(Screen.SCAN)
        self.scan_screen.submit(code)

    def check_health(self) -> None:
        if self._probing:
            return
        self._probing = True
        in_background(
            self.probe,
            self,
            self.runtime.gateway_health,
            self._show_health,
            lambda _error: self._show_health(False),
            label="gateway_health",
        )

    def check_store(self) -> None:
        """Replication status on the probe lane (it reads the till's outbox, never PG)."""
        if self._store_polling:
            return
        self._store_polling = True
        in_background(
            self.probe,
            self,
            self.runtime.store_status,
            self._show_store,
            lambda _error: self._show_store(None),
            label="store_status",
        )

    def _show_store(self, status: ReplicationStatus | None) -> None:
        self._store_polling = False
        self.store_label.setVisible(status is not None)
        if status is None:
            return
        style = "padding: 0 12px; font-size: 14px;"
        if status.reachable is False:
            text = self.tr("Store DB: offline")
            style += "background: #c62828; color: #fff; font-weight: bold;"
        elif status.pending:
            text = self.tr("Store DB: %1 waiting").replace("%1", str(status.pending))
            style += "background: #ffb300; color: #000;" if status.pending > 50 else ""
        else:
            text = self.tr("Store DB: in sync")
        self.store_label.setText(text)
        self.store_label.setStyleSheet(style)

    def toggle_full_screen(self) -> None:
        top = self.window()  # this window, or the start window it lives in (``pos-app gui``)
        if top.isFullScreen():
            top.showNormal()
        else:
            top.showFullScreen()

    def shutdown(self) -> None:
        """Stop timers and the probe worker; the caller shuts the serial worker down."""
        self._shut_down = True
        self.pump.stop()
        self._health_timer.stop()
        self._store_timer.stop()
        self.scanner.uninstall()
        if self._own_probe:
            self.probe.shutdown(timeout_s=5.0)
        self.receipts.close()  # waiting slips are not printed; the one being sent finishes
        self.print_lane.shutdown(timeout_s=15.0)

    # ----------------------------------------------------------------- slots
    def _typed_on_scan(self, chars: str) -> None:
        """Keys typed by hand on the scan screen: open manual entry with them in it."""
        self.show_screen(Screen.MANUAL)
        if not chars.isdecimal() and self.manual_screen.code_type is CodeType.INTERNAL:
            self.manual_screen.set_code_type(CodeType.EXTERNAL)
        self.manual_screen.append(chars)

    def _redeem_typed(self, code: str, quantity: int, code_type: object, ticket_id: str) -> None:
        if self._opening:  # the typed code stays in the field
            self.show_notice(self.tr("Still connecting: press Enter again in a moment."))
            return
        kind = code_type if isinstance(code_type, CodeType) else None
        self.show_screen(Screen.SCAN)
        if self.scan_screen.submit(code, quantity, kind, ticket_id=ticket_id):
            self.manual_screen.clear()

    def _look_up_typed(self, code: str, quantity: int, code_type: object, ticket_id: str) -> None:
        """查询 from manual entry: the voucher card on the scan screen, 核销 as its next step."""
        kind = code_type if isinstance(code_type, CodeType) else None
        self.show_screen(Screen.SCAN)
        if self.scan_screen.show_lookup(code, quantity, kind, ticket_id=ticket_id):
            self.manual_screen.clear()

    def _look_up_from_manual(self) -> None:
        """F4 anywhere on the manual screen (whichever child has the focus)."""
        if self.current_screen() is Screen.MANUAL:
            self.manual_screen.look_up()

    def show_notice(self, text: str) -> None:
        """A one-line notice in the status bar: a screen's news or a background failure."""
        self.statusBar().showMessage(text, NOTICE_MS)

    def _on_busy(self, busy: bool) -> None:
        if busy:
            self.statusBar().showMessage(self.tr("Redeeming… please wait"))
        else:
            self.statusBar().clearMessage()

    def _on_outcome(self, outcome: OpOutcome) -> None:
        if self._shut_down:
            return
        self.pump.note_outcome(outcome)
        self._note_gateway_answer(outcome)
        in_background(
            self.tasks,
            self,
            self.runtime.service.open_count,
            self._show_open_count,
            label="open_count",
        )

    def _show_open_count(self, count: int) -> None:
        self.open_label.setText(self.tr("Unconfirmed: %n", "", count))
        self.open_label.setStyleSheet(
            "padding: 0 12px; font-size: 14px;"
            + ("background: #ffe082; font-weight: bold;" if count else "")
        )

    def _show_health(self, healthy: bool) -> None:
        self._probing = False
        self._reachable = healthy
        self._render_health()

    @property
    def health(self) -> Health:
        if self._reachable is False:
            return Health.DOWN
        if self._trouble.isActive():
            return Health.TROUBLE
        return Health.CHECKING if self._reachable is None else Health.OK

    def _note_gateway_answer(self, outcome: OpOutcome) -> None:
        """A timeout / unusable answer turns the light amber (and probes at once); a definite
        answer from the gateway turns it back."""
        if outcome.state is OpState.UNKNOWN and outcome.error_code != "JOURNAL_AFTER_SEND":
            self._trouble.start(RECENT_TROUBLE_MS)
            self.check_health()
        elif outcome.settled and outcome.error_code not in ("CONFIG_ERROR",):
            self._trouble.stop()
        self._render_health()

    def _render_health(self) -> None:
        health = self.health
        texts = {
            Health.CHECKING: self.tr("Platform: checking…"),
            Health.OK: self.tr("Platform: reachable"),
            Health.TROUBLE: self.tr("Platform: recent timeouts"),
            Health.DOWN: self.tr("Platform: NOT reachable"),
        }
        styles = {
            Health.CHECKING: "",
            Health.OK: "",
            Health.TROUBLE: "background: #ffb300; color: #000; font-weight: bold;",
            Health.DOWN: "background: #c62828; color: #fff; font-weight: bold;",
        }
        self.health_label.setText(texts[health])
        self.health_label.setStyleSheet("padding: 0 12px; font-size: 14px;" + styles[health])

    def _settled_in_background(self, outcome: OpOutcome) -> None:
        """A retry or the start-up recovery settled a row: say so where it is seen."""
        op = outcome.operation
        if self._shut_down or self.scan_screen.shows_operation(op.id):
            return  # the card in front of the cashier already turned green / red
        code = group_code(mask_code(op.code))
        if op.state is OpState.REVIEW:
            text, tone = self.tr("Voucher %1 needs review: ask the manager."), Tone.REVIEW
        elif op.kind is OpKind.REDEEM and op.state is OpState.SUCCEEDED:
            text, tone = self.tr("Confirmed: voucher %1 was redeemed (×%2)."), Tone.GOOD
        elif op.kind is OpKind.REDEEM:
            text, tone = self.tr("Confirmed: voucher %1 was NOT redeemed."), Tone.BAD
        elif op.state is OpState.SUCCEEDED:
            text, tone = self.tr("Confirmed: the operation on voucher %1 succeeded."), Tone.GOOD
        else:
            text, tone = self.tr("Confirmed: the operation on voucher %1 failed."), Tone.BAD
        self.toast.show_notice(text.replace("%1", code).replace("%2", str(op.quantity)), tone)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.scan_screen.busy:
            # A request that has left cannot be cancelled: wait for its answer first.
            self.statusBar().showMessage(
                self.tr("A redemption is in flight. Close again when it has finished."), 10_000
            )
            event.ignore()
            return
        self.shutdown()
        event.accept()
