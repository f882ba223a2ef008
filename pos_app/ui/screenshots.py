"""Screenshots of every screen at 1024×768: ``python -m pos_app.ui.screenshots DIR [en]``.

Runs the real app in training mode in a throw-away home folder (the simulator answers over HTTP
on 127.0.0.1), drives it the way a cashier and a manager would, and saves one PNG per state.
``make screenshots`` runs it under Xvfb; any Qt platform works (``QT_QPA_PLATFORM=offscreen`` too).
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from pos_app.app import create_application, install_translators
from pos_app.config.home import AppHome
from pos_app.runtime import Runtime
from pos_app.sandbox import Fault
from pos_app.ui.dialogs.pin import PinDialog
from pos_app.ui.main_window import MainWindow, Screen
from pos_app.ui.screens.history import HistoryScreen
from pos_app.ui.tasks import TaskManager, in_background
from pos_app.ui.widgets.result_card import CardState

logger = logging.getLogger(__name__)

SIZE = (1024, 768)
MANAGER_PIN = "2468"
# postgresql://user@host:port/db of an empty store database (password: PGPASSWORD): adds the
# whole store's reversal list, with a second till's redemptions, to the screenshots.
STORE_URL_ENV = "POS_APP_SCREENSHOT_STORE_URL"


def _wait(condition: Callable[[], bool], timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not reach the expected state")
        QTest.qWait(20)


def _settle(tasks: TaskManager, timeout_s: float = 15.0) -> None:
    """Until the serial worker is idle and stays idle once the callbacks it delivered have run
    (a callback may queue the next call, e.g. the history's totals after its first page)."""
    deadline = time.monotonic() + timeout_s
    quiet = 0
    while quiet < 3:
        if time.monotonic() > deadline:
            raise TimeoutError("the serial worker did not become idle")
        QApplication.processEvents()
        quiet = quiet + 1 if tasks.pending == 0 else 0
        QTest.qWait(20)


class _Shooter:
    def __init__(self, window: MainWindow, tasks: TaskManager, folder: Path) -> None:
        self.window = window
        self.tasks = tasks
        self.folder = folder
        self.written: list[Path] = []

    def shot(self, name: str, widget: QWidget | None = None) -> None:
        _settle(self.tasks)  # the screen has its data, not "加载中…"
        QTest.qWait(60)  # let layouts and style sheets settle
        self.save(name, (widget or self.window).grab())

    def save(self, name: str, pixmap: QPixmap) -> None:
        path = self.folder / f"{len(self.written) + 1:02d}-{name}.png"
        pixmap.save(str(path))
        self.written.append(path)

    def shot_with_dialog(self, name: str, dialog: QWidget) -> None:
        """The window with the dialog drawn where it is (a grab shows one top-level only)."""
        QTest.qWait(60)
        picture = self.window.grab()
        over = dialog.grab()
        corner = dialog.mapToGlobal(QPoint(0, 0)) - self.window.mapToGlobal(QPoint(0, 0))
        if not picture.rect().contains(QRect(corner, over.size())):
            corner = picture.rect().center() - over.rect().center()
        painter = QPainter(picture)
        painter.fillRect(picture.rect(), QColor(0, 0, 0, 90))  # the window behind is inactive
        painter.drawPixmap(corner, over)
        painter.end()
        self.save(name, picture)

    def type_keys(self, text: str) -> None:
        handle = self.window.windowHandle()
        for ch in text:  # as a wedge scanner types: the keys, then Enter
            key: Any = ch  # a character: Qt makes the key code and the text from it
            QTest.keyClick(handle, key)
        QTest.keyClick(handle, Qt.Key.Key_Return)

    def scan(self, code: str, state: CardState) -> None:
        self.type_keys(code)
        card = self.window.scan_screen.card
        _wait(lambda: card.state is state)


def _reverse_in_background(tasks: TaskManager, owner: QWidget, runtime: Runtime, code: str) -> None:
    """A manager's earlier reversal, so the records show a reversed row linked to its redemption."""
    service = runtime.service
    ops = [op for op in service.reversible() if op.code == code]
    done: list[bool] = []
    in_background(
        tasks,
        owner,
        lambda: service.reverse(ops[0].id, reason="顾客要求取消", manager="店长", operator="店长"),
        lambda _outcome: done.append(True),
        label="shots-reverse",
    )
    _wait(lambda: bool(done))


def _select_record(history: HistoryScreen, row: int) -> None:
    if history.table.model().rowCount() > row:
        history.table.selectRow(row)


def _cashier_screens(shooter: _Shooter, runtime: Runtime) -> None:
    if runtime.simulator is None:
        raise RuntimeError("screenshots need training mode (the simulator)")
    codes = runtime.simulator.demo.codes
    faults = runtime.simulator.faults
    window = shooter.window
    shooter.shot("scan-idle")
    shooter.scan(codes["single"], CardState.SUCCESS)
    shooter.shot("scan-success")
    shooter.scan("999999999999", CardState.FAILURE)
    shooter.shot("scan-failure")
    faults.add(Fault("drop_response", api="redeem", times=1))
    shooter.scan(codes["single_2"], CardState.UNKNOWN)
    shooter.shot("scan-confirming")
    _wait(lambda: window.scan_screen.card.state is CardState.SUCCESS)
    shooter.shot("scan-confirmed")
    shooter.scan(codes["single"], CardState.ALREADY)
    shooter.shot("scan-already-redeemed")
    window.show_screen(Screen.MANUAL)
    window.manual_screen.set_text(codes["single_3"][:9])
    shooter.shot("manual-entry")
    window.manual_screen.set_text(codes["multi"])
    window.manual_screen.quantity.setValue(2)
    shooter.shot("manual-entry-valid")
    window.manual_screen.confirm()  # 2 uses of the 10-use card
    _wait(lambda: window.scan_screen.card.state is CardState.SUCCESS)
    shooter.scan(codes["external"], CardState.SUCCESS)
    shooter.scan(codes["expired"], CardState.FAILURE)
    _reverse_in_background(shooter.tasks, window, runtime, codes["single_2"])
    # The platform keeps answering "processing" for this one: it stays 待确认 in the records.
    faults.add(Fault("ticket_processing", api="redeem", times=0))
    shooter.scan(codes["single_3"], CardState.UNKNOWN)
    window.show_screen(Screen.HISTORY)
    _settle(shooter.tasks)
    _select_record(window.history_screen, 1)  # the reversal: its details pane filled
    shooter.shot("history")


def _manager_screens(shooter: _Shooter) -> None:
    window = shooter.window
    manager = window.manager_screen
    # The locked page as it shows behind the PIN dialog (show_screen would open the dialog).
    window.stack.setCurrentWidget(manager)
    window.nav_buttons[Screen.MANAGER].setChecked(True)
    shooter.shot("manager-locked")

    if not _unlock_manager(shooter, "manager-pin"):
        return
    _settle(shooter.tasks)
    reversal = manager.reversal
    if reversal is not None and reversal.table.rowCount():
        reversal.table.selectRow(min(1, reversal.table.rowCount() - 1))
        reversal.reason_combo.setCurrentText("顾客扫错了券，要求撤销")
    shooter.shot("manager-reversal")
    names = ("manager-sync", "manager-records", "manager-settings")
    for index, name in enumerate(names, start=1):
        manager.tabs.setCurrentIndex(index)
        if name == "manager-records" and manager.history is not None:
            _settle(shooter.tasks)
            _select_record(manager.history, 5)  # a reversed redemption
        if name == "manager-sync" and manager.sync is not None:
            codes = window.runtime.simulator.demo.codes if window.runtime.simulator else {}
            manager.sync.code_edit.setText(codes.get("external_multi", ""))
            manager.sync.remaining_spin.setValue(3)
        shooter.shot(name)


def _unlock_manager(shooter: _Shooter, shot: str = "") -> bool:
    """Open the manager screen and answer its PIN dialog (``shot``: save it with the PIN typed)."""
    window = shooter.window

    def answer_pin() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PinDialog) or not dialog.pin_edit.isEnabled():
            QTimer.singleShot(50, answer_pin)  # the dialog first reads the PIN state
            return
        QTest.keyClicks(dialog.pin_edit, MANAGER_PIN)
        _wait(lambda: len(dialog.pin_edit.text()) == len(MANAGER_PIN))  # typed keys are replayed
        if shot:
            shooter.shot_with_dialog(shot, dialog)
        QTimer.singleShot(20_000, dialog.reject)  # never hang on a dialog that stays open
        QTest.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)

    QTimer.singleShot(100, answer_pin)
    window.show_screen(Screen.MANAGER)  # asks for the PIN at once
    manager = window.manager_screen
    _wait(lambda: manager.is_unlocked or window.current_screen() is not Screen.MANAGER, 30.0)
    return manager.is_unlocked


def _store_screens(shooter: _Shooter, runtime: Runtime, url: str, home: Path) -> None:
    """The whole store's reversal list (全店): this till (LANE1) and a second till (LANE2, its
    own home, the same simulator) replicate to the store database at ``url`` (password from
    libpq's PGPASSWORD). Taken only when ``STORE_URL_ENV`` names a database."""
    simulator = runtime.simulator
    if simulator is None:
        return
    runtime.apply_settings(replace(runtime.settings, store_database_url=url), by="店长")
    lane2_settings = replace(
        runtime.settings, terminal_id="LANE2", operator="收银员小王", store_database_url=url
    )
    lane2 = Runtime(AppHome(home / "lane2"), lane2_settings, simulator=simulator)
    try:
        codes = simulator.demo.codes
        lane2.service.redeem(codes["multi"], operator="收银员小王", again=True)
        lane2.service.redeem(codes["external_multi"], 2, operator="收银员小王")
        for till in (runtime, lane2):
            if till.replicator is not None:
                till.replicator.push()
        if not _unlock_manager(shooter):
            return
        reversal = shooter.window.manager_screen.reversal
        if reversal is None:
            return
        shooter.window.manager_screen.tabs.setCurrentIndex(0)
        reversal.scope.set_store(True)
        _settle(shooter.tasks)
        _wait(lambda: reversal.table.rowCount() > 0)
        reversal.table.selectRow(0)
        reversal.reason_combo.setCurrentText("顾客在另一台收银台要求撤销")
        shooter.window.check_store()  # 门店库: 已同步 in the status bar
        _wait(shooter.window.store_label.isVisible)
        shooter.shot("manager-reversal-store")
    finally:
        lane2.simulator = None  # this till's: stopped with it
        lane2.close()


def _lookup_screens(shooter: _Shooter, runtime: Runtime) -> None:
    """The voucher lookup at the counter (taken last, so the older shots keep their numbers)."""
    if runtime.simulator is None:
        return
    codes = runtime.simulator.demo.codes
    runtime.simulator.faults.clear()  # the history's endless "processing" is over
    window = shooter.window
    card = window.scan_screen.card
    window.show_screen(Screen.SCAN)
    window.show_screen(Screen.MANUAL)
    window.manual_screen.set_text(codes["multi"])
    window.manual_screen.look_up()  # 查询: the voucher card, 核销 as the next step
    _wait(lambda: card.state is CardState.INFO)
    shooter.shot("lookup-card")
    shooter.scan(codes["multi"], CardState.ALREADY)  # redeemed here before: 再次核销 once known
    _wait(card.action_button.isVisible)
    card.action_button.click()
    _wait(lambda: card.state is CardState.SUCCESS and card.action_button.isVisible())
    shooter.shot("scan-multi-uses-left")
    for label in ("used", "refunded"):
        shooter.scan(codes[label], CardState.FAILURE)
        _wait(lambda: not window.probe.busy)  # the lookup has explained it
        shooter.shot(f"scan-failure-{label}")


def _shift_screens(shooter: _Shooter, runtime: Runtime) -> None:
    """请登录 and 交班 with its chart (issue #12; last, so the older shots keep their numbers)."""
    if runtime.simulator is None:
        return
    window = shooter.window
    window.manager_screen.lock()
    registry = runtime.cashiers
    if runtime.secrets is None:  # no keyring here (e.g. offscreen without D-Bus): demo store
        from pos_app.core.cashiers import CashierRegistry
        from pos_app.secrets.memory import MemorySecretStore

        home = runtime.home
        registry = CashierRegistry(
            MemorySecretStore(), home.cashier_lock_file, home.cashier_pin_lock_file
        )
        runtime.cashiers = registry
    for name, pin in (("小李", "2468"), ("小王", "1357"), ("阿芳", "8642")):
        registry.add(name, pin)
    window.shift.start()
    _settle(shooter.tasks)
    shooter.shot("sign-in")
    window.sign_in_screen.choose("小李")
    window.sign_in_screen.pin_edit.setText("2468")
    window.sign_in_screen.submit()
    _wait(lambda: window.current_screen() is Screen.SCAN)
    code, service = runtime.simulator.demo.codes["multi"], runtime.service
    done: list[bool] = []
    in_background(
        shooter.tasks,
        window,
        lambda: [
            service.redeem(code, n, again=True, cashier="小李", operator="小李") for n in (1, 2, 1)
        ],
        lambda _outcomes: done.append(True),
        label="shots-shift",
    )
    _wait(lambda: bool(done))
    window.shift.end_shift()
    _wait(lambda: window.shift.dialog is not None and window.shift.dialog.isVisible())
    dialog = window.shift.dialog
    assert dialog is not None  # noqa: S101 - just waited for it
    shooter.shot_with_dialog("shift-report", dialog)
    dialog.reject()


def _receipt_image(shooter: _Shooter, runtime: Runtime) -> None:
    """A redemption slip (80 mm) and a reversal slip (58 mm) from today's journal, drawn as the
    printer prints them (taken last, so the older shots keep their numbers)."""
    from datetime import date

    from pos_app.core.journal import OpKind, OpState
    from pos_app.printing.receipts import slip_for
    from pos_app.ui.receipt_preview import render_slips

    service = runtime.service
    done = frozenset({OpState.SUCCEEDED})
    redeemed = service.day_page(date.today(), states=done, kinds=frozenset({OpKind.REDEEM}))
    reversed_ = service.day_page(date.today(), states=done, kinds=frozenset({OpKind.REVERSE}))
    if not redeemed or not reversed_:
        return
    shop = runtime.slip_shop()
    slips = [
        (slip_for(service, redeemed[0], shop), 80),
        (slip_for(service, reversed_[0], shop), 58),
    ]
    shooter.save("receipt", QPixmap.fromImage(render_slips(slips)))


def take_screenshots(folder: Path, language: str = "zh_CN") -> list[Path]:
    """Every screen in ``language`` (Chinese by default, as the app starts; ``en`` to review the
    English UI)."""
    folder.mkdir(parents=True, exist_ok=True)
    app = create_application()
    translators = install_translators(app, language)
    with tempfile.TemporaryDirectory(prefix="pos_app_shots_") as tmp:
        runtime = Runtime.open(AppHome(tmp))
        runtime.pins.set_pin(MANAGER_PIN, manager="店长")
        # A till named like a shop names it, and a cashier rather than the OS account.
        shop_till = replace(runtime.settings, terminal_id="LANE1", operator="收银员小李")
        runtime.apply_settings(shop_till, by="店长")
        tasks = TaskManager("service")
        window = MainWindow(runtime, tasks)
        window.resize(*SIZE)
        window.show()
        window.start()
        shooter = _Shooter(window, tasks, folder)
        try:
            _settle(tasks)
            _cashier_screens(shooter, runtime)
            _manager_screens(shooter)
            _lookup_screens(shooter, runtime)
            _receipt_image(shooter, runtime)
            _shift_screens(shooter, runtime)
            store_url = os.environ.get(STORE_URL_ENV, "")
            if store_url:
                _store_screens(shooter, runtime, store_url, Path(tmp))
        finally:
            window.shutdown()
            window.close()
            tasks.shutdown()
            runtime.close()
            for translator in translators:
                app.removeTranslator(translator)
    return shooter.written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0] if args else "docs/screenshots")
    language = args[1] if len(args) > 1 else "zh_CN"
    logging.basicConfig(level=logging.WARNING)
    for path in take_screenshots(folder, language):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
