"""请登录, lock-out, 交班 and 换人 on the real main window (training Runtime, simulator over HTTP,
real SQLite) with a cashier list in a secret store (in memory here; the keyring itself is
covered by tests/integration/test_cashier_cli.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from pos_app.core.cashiers import CashierRegistry
from pos_app.core.journal import OpState
from pos_app.core.pin import MAX_TRIES
from pos_app.secrets.memory import MemorySecretStore
from pos_app.ui.main_window import MainWindow, Screen
from pos_app.ui.tasks import TaskManager

WAIT_MS = 15_000


@pytest.fixture
def window(
    qtbot: QtBot, zh_ui: None, training_runtime: Any, tasks: TaskManager, tmp_path: Any
) -> Iterator[MainWindow]:
    registry = CashierRegistry(MemorySecretStore(), tmp_path / "c.lock", tmp_path / "p.lock")
    registry.add("小李", "2468")
    registry.add("小王", "1357")
    training_runtime.cashiers = registry
    main = MainWindow(training_runtime, tasks)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow, timeout=2000)
    main.start()
    yield main
    main.shutdown()
    qtbot.waitUntil(lambda: not tasks.busy, timeout=WAIT_MS)


def scan(window: MainWindow, code: str) -> None:
    handle = window.windowHandle()
    for ch in code:
        QTest.keyClick(handle, ch)
    QTest.keyClick(handle, Qt.Key.Key_Return)


def sign_in(qtbot: QtBot, window: MainWindow, name: str, pin: str) -> None:
    screen = window.sign_in_screen
    qtbot.mouseClick(screen.name_buttons[name], Qt.MouseButton.LeftButton)
    for digit in pin:
        qtbot.mouseClick(screen.keypad.buttons[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.ok_button, Qt.MouseButton.LeftButton)


def test_the_counter_starts_on_sign_in_and_rows_name_the_cashier(
    qtbot: QtBot, window: MainWindow, training_runtime: Any
) -> None:
    assert window.current_screen() is Screen.SIGN_IN
    assert window.sign_in_screen.title.text() == "请登录"
    assert set(window.sign_in_screen.name_buttons) == {"小李", "小王"}
    code = training_runtime.simulator.demo.codes["single"]
    scan(window, code)  # nobody signed in: refused, nothing sent
    assert "请先登录" in window.statusBar().currentMessage()
    assert training_runtime.service.day_count(date.today()) == 0
    window.show_screen(Screen.HISTORY)  # F3 and the nav bar lead nowhere while signed out
    assert window.current_screen() is Screen.SIGN_IN
    sign_in(qtbot, window, "小李", "2468")
    qtbot.waitUntil(lambda: window.current_screen() is Screen.SCAN, timeout=WAIT_MS)
    assert window.shift.end_button.isVisible() and window.shift.switch_button.isVisible()
    scan(window, code)
    qtbot.waitUntil(lambda: training_runtime.service.day_count(date.today()) == 1, timeout=WAIT_MS)
    row = training_runtime.service.day_page(date.today())[0]
    qtbot.waitUntil(lambda: not window.scan_screen.busy, timeout=WAIT_MS)
    assert (row.cashier, row.operator) == ("小李", "小李")
    assert training_runtime.service.day_count(date.today(), cashier="小李") == 1


def test_wrong_pins_lock_the_cashier_out(qtbot: QtBot, window: MainWindow) -> None:
    error = window.sign_in_screen.error_label
    for left in range(MAX_TRIES - 1, 0, -1):
        sign_in(qtbot, window, "小王", "0000")
        qtbot.waitUntil(lambda n=left: f"还可以再试 {n} 次" in error.text(), timeout=WAIT_MS)
        window.sign_in_screen.show_names()
    sign_in(qtbot, window, "小王", "0000")
    qtbot.waitUntil(lambda: "锁定" in error.text(), timeout=WAIT_MS)
    window.sign_in_screen.show_names()
    sign_in(qtbot, window, "小王", "1357")  # right, but locked: still refused
    qtbot.waitUntil(lambda: "锁定" in error.text(), timeout=WAIT_MS)
    assert window.current_screen() is Screen.SIGN_IN and window.shift.cashier is None
    window.sign_in_screen.show_names()
    sign_in(qtbot, window, "小李", "2468")  # another cashier is not locked
    qtbot.waitUntil(lambda: window.current_screen() is Screen.SCAN, timeout=WAIT_MS)


def test_end_shift_shows_the_shift_report_then_signs_out(
    qtbot: QtBot, window: MainWindow, training_runtime: Any
) -> None:
    sign_in(qtbot, window, "小李", "2468")
    qtbot.waitUntil(lambda: window.current_screen() is Screen.SCAN, timeout=WAIT_MS)
    scan(window, training_runtime.simulator.demo.codes["single"])
    qtbot.waitUntil(
        lambda: (
            [op.state for op in training_runtime.service.day_page(date.today())]
            == [OpState.SUCCEEDED]
        ),
        timeout=WAIT_MS,
    )
    qtbot.waitUntil(lambda: not window.scan_screen.busy, timeout=WAIT_MS)
    qtbot.mouseClick(window.shift.end_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.shift.dialog is not None, timeout=WAIT_MS)
    dialog = window.shift.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.view.title.text() == "交班报表"
    assert "1 笔核销，1 份" in dialog.view.summary_text() and "小李" in dialog.view.summary_text()
    assert dialog.view.chart.pixmap() is not None and not dialog.view.chart.pixmap().isNull()
    assert window.current_screen() is Screen.SCAN  # still signed in until confirmed
    qtbot.mouseClick(dialog.end_button, Qt.MouseButton.LeftButton)
    assert window.current_screen() is Screen.SIGN_IN and window.shift.cashier is None
    assert not window.shift.end_button.isVisible()


def test_switching_cashier_is_two_taps(qtbot: QtBot, window: MainWindow) -> None:
    sign_in(qtbot, window, "小李", "2468")
    qtbot.waitUntil(lambda: window.current_screen() is Screen.SCAN, timeout=WAIT_MS)
    qtbot.mouseClick(window.shift.switch_button, Qt.MouseButton.LeftButton)  # tap 1
    assert window.current_screen() is Screen.SIGN_IN and window.shift.cashier is None
    qtbot.waitUntil(lambda: "小王" in window.sign_in_screen.name_buttons, timeout=WAIT_MS)
    button = window.sign_in_screen.name_buttons["小王"]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # tap 2: the PIN pad for 小王
    assert window.sign_in_screen.chosen == "小王"
    assert "小王" in window.sign_in_screen.pin_prompt.text()
    for digit in "1357":
        qtbot.mouseClick(window.sign_in_screen.keypad.buttons[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.sign_in_screen.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_screen() is Screen.SCAN, timeout=WAIT_MS)
    assert window.scan_screen.cashier == "小王" and window.scan_screen.operator == "小王"


def test_with_no_cashiers_the_till_works_as_before(
    qtbot: QtBot, zh_ui: None, fake_runtime: Any, tasks: TaskManager
) -> None:
    main = MainWindow(fake_runtime, tasks)
    qtbot.addWidget(main)
    main.start()
    assert main.current_screen() is Screen.SCAN and not main.shift.enabled
    assert main.shift.end_button.isHidden()
    main.shutdown()
