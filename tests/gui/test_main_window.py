"""The main window: keyboard shortcuts, scans from anywhere, banner and status bar."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from gui_fakes import CODE, FakeRuntime, FakeService, success, unknown
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from pos_app.ui.dialogs.pin import PinDialog
from pos_app.ui.main_window import MainWindow, Screen
from pos_app.ui.tasks import TaskManager
from pos_app.ui.widgets.result_card import CardState


@pytest.fixture(autouse=True)
def pin_answers(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """F9 asks for the manager PIN at once. ``PinDialog.ask`` answers from this list (the
    manager's name; ``None`` is Cancel) and cancels once the list is empty."""
    answers: list[str | None] = []

    def ask(cls: type[PinDialog], *_args: object, **_kw: object) -> str | None:
        return answers.pop(0) if answers else None

    monkeypatch.setattr(PinDialog, "ask", classmethod(ask))
    return answers


@pytest.fixture
def window(
    qtbot: QtBot, zh_ui: None, fake_runtime: FakeRuntime, tasks: TaskManager
) -> Iterator[MainWindow]:
    main = MainWindow(fake_runtime, tasks)  # type: ignore[arg-type]
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow, timeout=2000)
    yield main
    main.shutdown()


def press(window: MainWindow, key: Qt.Key) -> None:
    QTest.keyClick(window.windowHandle(), key)  # as the platform delivers it


def test_function_keys_switch_screens_and_esc_goes_back(qtbot: QtBot, window: MainWindow) -> None:
    assert window.current_screen() is Screen.SCAN
    press(window, Qt.Key.Key_F2)
    assert window.current_screen() is Screen.MANUAL
    assert window.nav_buttons[Screen.MANUAL].isChecked()
    press(window, Qt.Key.Key_F3)
    assert window.current_screen() is Screen.HISTORY
    press(window, Qt.Key.Key_Escape)
    assert window.current_screen() is Screen.SCAN


def test_esc_on_manual_entry_clears_first_then_goes_back(qtbot: QtBot, window: MainWindow) -> None:
    press(window, Qt.Key.Key_F2)
    window.manual_screen.set_text("1234")
    press(window, Qt.Key.Key_Escape)
    assert window.manual_screen.text == ""
    assert window.current_screen() is Screen.MANUAL
    press(window, Qt.Key.Key_Escape)
    assert window.current_screen() is Screen.SCAN


def test_nav_buttons_work_by_touch(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.mouseClick(window.nav_buttons[Screen.MANUAL], Qt.MouseButton.LeftButton)
    assert window.current_screen() is Screen.MANUAL
    qtbot.mouseClick(window.nav_buttons[Screen.SCAN], Qt.MouseButton.LeftButton)
    assert window.current_screen() is Screen.SCAN


def test_scan_burst_from_another_screen_redeems_on_the_scan_screen(
    qtbot: QtBot, window: MainWindow, fake_service: FakeService
) -> None:
    fake_service.script.append(success())
    press(window, Qt.Key.Key_F2)
    QTest.keyClicks(window.manual_screen, CODE)  # a scanner burst while manual entry shows
    QTest.keyClick(window.manual_screen, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.scan_screen.card.state is CardState.SUCCESS, timeout=5000)
    assert window.current_screen() is Screen.SCAN
    assert window.manual_screen.text == ""  # the burst did not leak into the entry field
    assert [c["code"] for c in fake_service.calls] == [CODE]


def test_scan_while_focus_is_in_a_line_edit_does_not_type_into_it(
    qtbot: QtBot, window: MainWindow, fake_service: FakeService
) -> None:
    search = QLineEdit(window.screens[Screen.HISTORY])  # e.g. the history search field
    press(window, Qt.Key.Key_F3)
    search.setFocus()
    fake_service.script.append(success())
    for ch in CODE:
        QTest.keyClick(window.windowHandle(), ch)
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.scan_screen.card.state is CardState.SUCCESS, timeout=5000)
    assert search.text() == ""


def test_manual_entry_enter_redeems_and_clears(
    qtbot: QtBot, window: MainWindow, fake_service: FakeService
) -> None:
    fake_service.script.append(success(quantity=3))
    press(window, Qt.Key.Key_F2)
    window.manual_screen.set_text(CODE)
    window.manual_screen.quantity.setValue(3)
    window.manual_screen.confirm()
    qtbot.waitUntil(lambda: window.scan_screen.card.state is CardState.SUCCESS, timeout=5000)
    assert fake_service.calls[0]["quantity"] == 3
    assert window.manual_screen.text == ""


def test_training_banner_and_status_bar(
    qtbot: QtBot, window: MainWindow, fake_service: FakeService, fake_runtime: FakeRuntime
) -> None:
    assert window.banner.isVisible()
    assert "培训模式" in window.banner.message()
    assert "培训" in window.mode_label.text()
    window.start()
    qtbot.waitUntil(lambda: window.health_label.text() == "平台：连接正常", timeout=3000)
    fake_service.open = 1
    fake_service.script.append(unknown(op_id=2))
    window.scan_screen.submit(CODE)
    qtbot.waitUntil(lambda: window.open_label.text() == "待确认：1 笔", timeout=3000)


def test_unreachable_gateway_shows_in_the_status_bar(
    qtbot: QtBot, window: MainWindow, fake_runtime: FakeRuntime
) -> None:
    fake_runtime.healthy = False
    window.check_health()
    qtbot.waitUntil(lambda: window.health_label.text() == "平台：连接不上", timeout=3000)


def test_production_mode_has_no_banner(
    qtbot: QtBot, zh_ui: None, fake_service: FakeService, tasks: TaskManager
) -> None:
    main = MainWindow(FakeRuntime(fake_service, mode="production"), tasks)  # type: ignore[arg-type]
    qtbot.addWidget(main)
    main.show()
    assert not main.banner.isVisible()
    assert main.mode_label.text() == "模式：正式"
    main.shutdown()


def test_fits_1024_by_768(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(1024, 768)
    for screen in (Screen.SCAN, Screen.MANUAL):
        window.show_screen(screen)
        qtbot.wait(10)
        hint = window.centralWidget().minimumSizeHint()
        assert hint.width() <= 1024 and hint.height() <= 768 - 60, (screen, hint)


def test_manager_screen_is_plugged_in_and_a_cancelled_pin_goes_home(
    qtbot: QtBot, window: MainWindow, pin_answers: list[str | None]
) -> None:
    """Unlocking and leaving over a real Runtime: tests/gui/test_manager_access.py."""
    from pos_app.ui.screens.manager import ManagerScreen

    manager = window.screens[Screen.MANAGER]
    assert isinstance(manager, ManagerScreen)
    pin_answers.append(None)  # Cancel
    press(window, Qt.Key.Key_F9)  # asks for the PIN at once
    qtbot.waitUntil(lambda: pin_answers == [], timeout=3000)
    qtbot.waitUntil(lambda: window.current_screen() is Screen.SCAN, timeout=3000)
    assert not manager.is_unlocked


def test_saved_settings_are_applied_to_banner_and_scanner(
    qtbot: QtBot, window: MainWindow, fake_runtime: FakeRuntime
) -> None:
    """The manager screen relays its settings tab's ``saved`` (test_manager_access.py saves
    through the real tab); the window re-applies mode, scanner and sound."""
    scanner = replace(fake_runtime.settings.scanner, min_chars=10, terminators="enter")
    fake_runtime.settings = replace(fake_runtime.settings, mode="production", scanner=scanner)
    window.manager_screen.settings_saved.emit(fake_runtime.settings)
    assert not window.banner.isVisible()
    assert window.mode_label.text() == "模式：正式"
    assert window.scanner.config.min_chars == 10
    assert window.scanner.config.terminators == ("enter",)


def test_scan_while_a_dialog_is_open_is_swallowed_and_ignored(
    qtbot: QtBot, window: MainWindow, fake_service: FakeService
) -> None:
    pressed: list[bool] = []
    dialog = QDialog(window)
    pin = QLineEdit(dialog)
    ok = QPushButton("OK", dialog)
    ok.setDefault(True)
    ok.clicked.connect(lambda: pressed.append(True))
    dialog.open()  # modal, e.g. the manager PIN dialog or a confirmation
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog, timeout=2000)
    pin.setFocus()
    QTest.keyClicks(pin, CODE)
    QTest.keyClick(pin, Qt.Key.Key_Return)
    qtbot.wait(150)
    assert pin.text() == ""  # the digits did not fill the field
    assert pressed == []  # the scanner's Enter did not press the default button
    assert fake_service.calls == []  # nothing redeemed behind the dialog
    assert "扫码已忽略" in window.statusBar().currentMessage()
    dialog.reject()
