"""Getting into the manager screen from the main window, being locked out of it when idle, and
scans while it shows (they search or fill a field, never redeem: issue #9 point 8).

F9 or the 店长 button asks for the PIN at once (no extra click on the locked page); Cancel goes
back to scanning; the open screen locks itself after ``idle_lock_ms`` without input. The main
window runs over a real training Runtime (the tabs need the real settings and key store);
``PinDialog.ask`` is replaced except in the test that types into the real dialog.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from manager_helpers import WAIT_MS, wait_idle
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from pos_app.core.journal import OpKind
from pos_app.runtime import Runtime
from pos_app.sandbox import Simulator
from pos_app.ui.dialogs.pin import PinDialog
from pos_app.ui.main_window import MainWindow, Screen
from pos_app.ui.screens.manager import IDLE_LOCK_MS, ManagerScreen
from pos_app.ui.screens.reversal import ReversalScreen
from pos_app.ui.screens.settings import SettingsScreen
from pos_app.ui.tasks import TaskManager

PIN = "2468"
MANAGER = "王店长"


@pytest.fixture
def window(
    qtbot: QtBot, zh_ui: None, training_runtime: Runtime, tasks: TaskManager
) -> Iterator[MainWindow]:
    training_runtime.pins.set_pin(PIN, manager=MANAGER)
    main = MainWindow(training_runtime, tasks)
    qtbot.addWidget(main)
    main.resize(1024, 768)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow, timeout=2000)
    yield main
    main.shutdown()
    wait_idle(qtbot, tasks)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """What ``PinDialog.ask`` answers, in turn (a name, or ``None`` for Cancel)."""
    queued: list[str | None] = []

    def ask(cls: type[PinDialog], *_args: object, **_kw: object) -> str | None:
        assert queued, "the PIN was asked for more often than expected"
        return queued.pop(0)

    monkeypatch.setattr(PinDialog, "ask", classmethod(ask))
    return queued


def manager_of(window: MainWindow) -> ManagerScreen:
    screen = window.screens[Screen.MANAGER]
    assert isinstance(screen, ManagerScreen)
    return screen


def press(window: MainWindow, key: Qt.Key) -> None:
    QTest.keyClick(window.windowHandle(), key)


def test_f9_asks_for_the_pin_at_once(
    qtbot: QtBot, window: MainWindow, answers: list[str | None], tasks: TaskManager
) -> None:
    manager = manager_of(window)
    answers.append(MANAGER)
    press(window, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: manager.is_unlocked, timeout=WAIT_MS)
    assert answers == []
    assert window.current_screen() is Screen.MANAGER
    assert manager.stack.currentIndex() == 1 and manager.manager == MANAGER
    assert manager.tabs.currentIndex() == ManagerScreen.TAB_REVERSAL
    wait_idle(qtbot, tasks)
    press(window, Qt.Key.Key_F9)  # already open: not asked again
    qtbot.wait(50)
    assert manager.is_unlocked
    press(window, Qt.Key.Key_Escape)
    assert window.current_screen() is Screen.SCAN and not manager.is_unlocked


def test_the_manager_button_asks_too_and_cancel_goes_back_to_scanning(
    qtbot: QtBot, window: MainWindow, answers: list[str | None]
) -> None:
    manager = manager_of(window)
    answers.append(None)  # Cancel
    qtbot.mouseClick(window.nav_buttons[Screen.MANAGER], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: answers == [], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.current_screen() is Screen.SCAN, timeout=WAIT_MS)
    assert window.nav_buttons[Screen.SCAN].isChecked()
    assert not manager.is_unlocked and manager.reversal is None
    answers.append(MANAGER)
    qtbot.mouseClick(window.nav_buttons[Screen.MANAGER], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: manager.is_unlocked, timeout=WAIT_MS)
    manager.leave()  # "Lock and leave"
    assert window.current_screen() is Screen.SCAN and not manager.is_unlocked


def test_the_real_pin_dialog_opens_without_blocking_the_key_press(
    qtbot: QtBot, window: MainWindow, tasks: TaskManager
) -> None:
    manager = manager_of(window)
    seen: list[str] = []

    def type_pin() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PinDialog) or not dialog.pin_edit.isEnabled():
            QTimer.singleShot(20, type_pin)  # not open yet, or still reading the PIN state
            return
        seen.append(dialog.windowTitle())
        qtbot.keyClicks(dialog.pin_edit, PIN)
        qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)

    QTimer.singleShot(0, type_pin)
    press(window, Qt.Key.Key_F9)  # returns at once: the dialog opens from the event loop
    assert window.current_screen() is Screen.MANAGER
    qtbot.waitUntil(lambda: manager.is_unlocked, timeout=WAIT_MS)
    assert seen == ["店长密码"]
    assert manager.manager == MANAGER


def test_locked_page_is_a_centred_card_with_a_real_button(qtbot: QtBot, window: MainWindow) -> None:
    manager = manager_of(window)
    window.stack.setCurrentWidget(manager)  # shown without activated(): no PIN dialog
    qtbot.wait(20)
    button = manager.unlock_button
    assert button.text() == "输入店长密码"
    assert 200 <= button.width() <= manager.width() // 2, "a button, not a full-width strip"
    centre = button.mapTo(manager, button.rect().center())
    assert abs(centre.x() - manager.width() // 2) <= 8
    assert button.height() >= 56


def test_idle_manager_screen_locks_and_goes_back_to_scanning(
    qtbot: QtBot, window: MainWindow, answers: list[str | None], tasks: TaskManager
) -> None:
    manager = manager_of(window)
    assert manager.idle_lock_ms == IDLE_LOCK_MS == 3 * 60_000
    manager.idle_lock_ms = 400
    answers.append(MANAGER)
    press(window, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: manager.is_unlocked, timeout=WAIT_MS)
    wait_idle(qtbot, tasks)
    for _ in range(6):  # the manager keeps working: input restarts the clock
        qtbot.wait(150)
        QTest.keyClick(manager.tabs, Qt.Key.Key_Shift)
    assert manager.is_unlocked and window.current_screen() is Screen.MANAGER
    qtbot.waitUntil(lambda: not manager.is_unlocked, timeout=3000)  # then walks away
    assert window.current_screen() is Screen.SCAN
    assert manager.stack.currentIndex() == 0


def test_idle_lock_waits_for_an_open_dialog(
    qtbot: QtBot, window: MainWindow, answers: list[str | None], tasks: TaskManager
) -> None:
    manager = manager_of(window)
    manager.idle_lock_ms = 150
    answers.append(MANAGER)
    press(window, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: manager.is_unlocked, timeout=WAIT_MS)
    wait_idle(qtbot, tasks)
    box = QMessageBox(QMessageBox.Icon.Question, "?", "?", parent=manager)
    box.open()  # e.g. the reversal confirmation: its caller still needs the manager
    qtbot.wait(500)
    assert manager.is_unlocked
    box.reject()
    qtbot.waitUntil(lambda: not manager.is_unlocked, timeout=3000)
    assert window.current_screen() is Screen.SCAN


# --- scans while a manager page shows ---------------------------------------------------------


def scan(window: MainWindow, code: str) -> None:
    """A wedge scanner: the code's keys and Enter, back to back, through the window."""
    handle = window.windowHandle()
    for ch in code:
        QTest.keyClick(handle, ch)
    QTest.keyClick(handle, Qt.Key.Key_Return)


def open_tab(
    qtbot: QtBot, window: MainWindow, answers: list[str | None], tasks: TaskManager, tab: int
) -> ManagerScreen:
    manager = manager_of(window)
    answers.append(MANAGER)
    press(window, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: manager.is_unlocked, timeout=WAIT_MS)
    manager.tabs.setCurrentIndex(tab)
    wait_idle(qtbot, tasks)
    return manager


def sim_of(runtime: Runtime) -> Simulator:
    assert runtime.simulator is not None
    return runtime.simulator


def test_scan_on_the_sync_page_fills_its_code_and_redeems_nothing(
    qtbot: QtBot,
    window: MainWindow,
    answers: list[str | None],
    tasks: TaskManager,
    training_runtime: Runtime,
) -> None:
    sim = sim_of(training_runtime)
    code = sim.demo.codes["single"]
    manager = open_tab(qtbot, window, answers, tasks, ManagerScreen.TAB_SYNC)
    assert manager.sync is not None
    manager.sync.code_edit.setFocus()  # even with the cursor in the code field itself
    before = sim.state.snapshot(code)
    scan(window, "]C1" + code)  # with the scanner's symbology prefix
    wait_idle(qtbot, tasks)
    qtbot.wait(100)
    assert manager.sync.code_edit.text() == code  # filled once, the bare code
    assert manager.sync.remaining_spin.hasFocus()  # the count is what comes next
    assert manager.sync.sync_button.isEnabled()
    assert window.current_screen() is Screen.MANAGER
    assert training_runtime.journal.by_code(code) == []  # no REDEEM row (and no other)
    assert sim.state.snapshot(code) == before and sim.state.total_requests("top") == 0


def test_scan_on_the_reversal_page_searches_its_list_and_redeems_nothing(
    qtbot: QtBot,
    window: MainWindow,
    answers: list[str | None],
    tasks: TaskManager,
    training_runtime: Runtime,
) -> None:
    sim = sim_of(training_runtime)
    codes = sim.demo.codes
    first = training_runtime.service.redeem(codes["single"]).operation
    training_runtime.service.redeem(codes["multi"])
    manager = open_tab(qtbot, window, answers, tasks, ManagerScreen.TAB_REVERSAL)
    reversal = manager.reversal
    assert reversal is not None and reversal.table.rowCount() == 2
    redeemed_before = sim.state.total_requests("top")

    scan(window, codes["single"])
    wait_idle(qtbot, tasks)
    qtbot.waitUntil(lambda: reversal.table.rowCount() == 1, timeout=WAIT_MS)
    assert reversal.search_edit.text() == codes["single"]
    selected = reversal.selected()
    assert selected is not None and selected.id == first.id  # the only match is picked

    fresh = codes["single_3"]  # a voucher never redeemed: on the scan screen it would be
    before = sim.state.snapshot(fresh)
    scan(window, fresh)
    wait_idle(qtbot, tasks)
    qtbot.waitUntil(lambda: reversal.table.rowCount() == 0, timeout=WAIT_MS)
    assert reversal.hint.text() == "没有与搜索匹配的可撤销核销。"
    assert window.current_screen() is Screen.MANAGER
    assert sim.state.snapshot(fresh) == before
    assert sim.state.total_requests("top") == redeemed_before
    assert training_runtime.journal.by_code(fresh) == []
    assert [op.kind for op in training_runtime.journal.by_code(codes["single"])] == [OpKind.REDEEM]


def test_scan_on_the_settings_page_is_ignored_with_a_notice(
    qtbot: QtBot,
    window: MainWindow,
    answers: list[str | None],
    tasks: TaskManager,
    training_runtime: Runtime,
) -> None:
    sim = sim_of(training_runtime)
    code = sim.demo.codes["single"]
    open_tab(qtbot, window, answers, tasks, ManagerScreen.TAB_SETTINGS)
    scan(window, code)
    wait_idle(qtbot, tasks)
    assert "扫码已忽略" in window.statusBar().currentMessage()
    assert window.current_screen() is Screen.MANAGER
    assert training_runtime.journal.by_code(code) == [] and sim.state.total_requests("top") == 0


def test_settings_and_key_imports_are_journaled_under_the_manager(
    qtbot: QtBot,
    window: MainWindow,
    *,
    answers: list[str | None],
    tasks: TaskManager,
    training_runtime: Runtime,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before: the settings tab was built without the manager, so the audit actor was "?"."""
    manager = manager_of(window)
    answers.append(MANAGER)
    assert manager.show_tab(ManagerScreen.TAB_SETTINGS)
    settings = manager.settings
    assert settings is not None
    wait_idle(qtbot, tasks)
    settings.fields["shop.id"].setText("shop-77")  # type: ignore[attr-defined]
    with qtbot.waitSignal(settings.saved, timeout=WAIT_MS):
        qtbot.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, tasks)
    audit = training_runtime.journal.audit_entries(date.today())
    [change] = [e for e in audit if e.action == "settings"]
    assert change.actor == MANAGER and "shop-77" in change.detail

    if training_runtime.secrets is None:
        pytest.skip("no Secret Service here: run under `make test` for the key import half")
    token = tmp_path / "session.txt"
    token.write_text("session-token-1", encoding="utf-8")
    monkeypatch.setattr(SettingsScreen, "ask_key_file", classmethod(lambda *_: str(token)))
    with qtbot.waitSignal(settings.key_imported, timeout=WAIT_MS):
        settings.import_key("top-session")
    wait_idle(qtbot, tasks)
    [imported] = [
        e for e in training_runtime.journal.audit_entries(date.today()) if e.action == "key-import"
    ]
    assert imported.actor == MANAGER and imported.detail.startswith("top-session:")


# --- settle events reach each screen once (issue #10) -----------------------------------------


def test_one_reversal_reaches_the_manager_history_once(
    qtbot: QtBot,
    window: MainWindow,
    *,
    answers: list[str | None],
    tasks: TaskManager,
    training_runtime: Runtime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before: the window wired the manager screen to the service's settle events, and the
    screen also wired its reversal page's ``reversed`` to the same slot, so every reversal
    reached the records tab twice (two totals reloads, two row refreshes)."""
    code = sim_of(training_runtime).demo.codes["single"]
    redeemed = training_runtime.service.redeem(code).operation
    manager = open_tab(qtbot, window, answers, tasks, ManagerScreen.TAB_REVERSAL)
    reversal, history = manager.reversal, manager.history
    assert reversal is not None and history is not None
    wait_idle(qtbot, tasks)
    totals_reloads: list[object] = []
    history.totals_shown.connect(totals_reloads.append)
    row_refreshes: list[int] = []

    def changed(first: QModelIndex, *_: object) -> None:
        op = history.model.operation(first.row())
        if op is not None and op.id == redeemed.id:
            row_refreshes.append(op.id)

    history.model.dataChanged.connect(changed)
    monkeypatch.setattr(ReversalScreen, "confirm", classmethod(lambda *_: True))
    reversal.table.selectRow(0)
    reversal.reason_combo.setEditText("误核销")
    with qtbot.waitSignal(reversal.reversed, timeout=WAIT_MS):
        reversal.reverse_button.click()
    wait_idle(qtbot, tasks)
    qtbot.wait(50)  # anything still queued as a Qt event
    wait_idle(qtbot, tasks)

    assert len(totals_reloads) == 1, "the day's totals reload once per reversal"
    assert row_refreshes == [redeemed.id], "the reversed redemption's row refreshes once"
    red_row = history.model.row_of(redeemed.id)
    assert red_row is not None
    refreshed = history.model.operation(red_row)
    assert refreshed is not None and refreshed.reversed_by is not None
