"""The main window: keyboard shortcuts, scans from anywhere, banner and status bar."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest
import shiboken6
from gui_fakes import CODE, FakeRuntime, FakeService, failure, success, unknown
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from pos_app.core.errors import JournalError
from pos_app.core.messages import message_for
from pos_app.core.models import CodeType
from pos_app.core.service import OpOutcome
from pos_app.ui.dialogs.pin import PinDialog
from pos_app.ui.main_window import Health, MainWindow, Screen
from pos_app.ui.tasks import TaskManager, in_background
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
    assert main.scan_screen.card.view.rows == ()  # no demo codes outside training
    main.shutdown()


def test_fits_1024_by_768(qtbot: QtBot, window: MainWindow) -> None:
    from pos_app.app import create_application

    before = QApplication.font()
    app = create_application()  # the app's own font (12 pt at least), as `pos-app gui` runs
    try:
        window.resize(1024, 768)
        for screen in (Screen.SCAN, Screen.MANUAL, Screen.HISTORY):
            window.show_screen(screen)
            qtbot.wait(10)
            hint = window.centralWidget().minimumSizeHint()
            assert hint.width() <= 1024 and hint.height() <= 768 - 60, (screen, hint)
    finally:
        app.setFont(before)


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


# --- background work: the default error display and the two lanes (issue #10) ---------------


def test_a_failing_background_call_without_a_handler_shows_its_message(
    qtbot: QtBot, window: MainWindow, caplog: pytest.LogCaptureFixture
) -> None:
    """Before: the history screen hand-wrote its own fallback into its own label (and the
    open-count refresh only logged); now every unhandled failure, on either lane, shows its
    zh/en text in the status bar and is logged once (the code only: a detail may name a code)."""
    shown: list[str] = []
    window.tasks.error_shown.connect(shown.append)

    def broken_journal() -> int:
        raise JournalError(detail=f"disk full while writing {CODE}")

    answers: list[int] = []
    with caplog.at_level(logging.WARNING, logger="pos_app.ui.tasks"):
        in_background(window.tasks, window, broken_journal, answers.append, label="open_count")
        qtbot.waitUntil(lambda: bool(shown), timeout=3000)
    assert answers == [], "done() is not called on a failure"
    assert shown == [message_for("JOURNAL_ERROR").zh]
    assert window.statusBar().currentMessage() == message_for("JOURNAL_ERROR").zh
    assert "open_count" in caplog.text and "JOURNAL_ERROR" in caplog.text
    assert CODE not in caplog.text, "the voucher code in the detail never reaches the log"

    # A defect (not a PosError) on the probe lane: the generic text, and a traceback in the log.
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="pos_app.ui.tasks"):
        in_background(window.probe, window, lambda: 1 // 0, answers.append, label="probe-bug")
        qtbot.waitUntil(
            lambda: window.statusBar().currentMessage() == message_for("POS_ERROR").zh,
            timeout=3000,
        )
    [record] = [r for r in caplog.records if "probe-bug" in r.getMessage()]
    assert record.exc_info is not None and record.exc_info[0] is ZeroDivisionError


def test_a_screen_call_without_a_handler_uses_the_default_display(
    qtbot: QtBot, window: MainWindow, fake_service: FakeService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The history screen's totals have no failure handler of their own any more."""

    def totals(_day: object) -> object:
        raise JournalError(detail="database is locked")

    monkeypatch.setattr(fake_service, "totals", totals)
    window.show_screen(Screen.HISTORY)
    window.history_screen.refresh()
    expected = message_for("JOURNAL_ERROR").zh
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == expected, timeout=3000)


def test_a_failure_for_a_widget_that_is_gone_is_not_shown(
    qtbot: QtBot, window: MainWindow, fake_service: FakeService
) -> None:
    gate = threading.Event()
    owner = QWidget()
    shown: list[str] = []
    window.tasks.error_shown.connect(shown.append)

    def fails_later() -> None:
        assert gate.wait(10)
        raise JournalError()

    in_background(window.tasks, owner, fails_later, lambda _r: None, label="gone")
    owner.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(owner), timeout=3000)
    gate.set()
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=3000)
    assert shown == []


def test_a_hanging_health_probe_does_not_hold_up_a_redemption(
    qtbot: QtBot,
    window: MainWindow,
    fake_runtime: FakeRuntime,
    fake_service: FakeService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The health light runs on the probe lane: a redemption submitted behind a probe that
    hangs is neither queued behind it nor queued with it."""
    gate = threading.Event()
    order: list[str] = []

    def slow_health(timeout_s: float = 2.0) -> bool:
        assert gate.wait(10), "test never released the probe"
        order.append("health")
        return True

    def redeemed() -> OpOutcome:
        order.append("redeem")
        return success()

    monkeypatch.setattr(fake_runtime, "gateway_health", slow_health)
    fake_service.script.append(redeemed)
    window.check_health()
    assert window.scan_screen.submit(CODE)
    assert window.probe.pending_labels() == ["gateway_health"]
    assert window.tasks.pending_labels() == ["redeem"], "the money lane owes only the redemption"
    qtbot.waitUntil(lambda: window.scan_screen.card.state is CardState.SUCCESS, timeout=3000)
    assert order == ["redeem"], "redeemed while the probe still hangs"
    gate.set()
    qtbot.waitUntil(lambda: window.health_label.text() == "平台：连接正常", timeout=3000)
    assert order == ["redeem", "health"]


def test_digits_typed_at_human_speed_open_manual_entry_with_them(
    qtbot: QtBot, window: MainWindow
) -> None:
    """A person typing on the scan screen (gaps far above the scanner's 50 ms) is not ignored."""
    handle = window.windowHandle()
    for digit in "2865":
        QTest.keyClick(handle, digit)
        qtbot.wait(120)
    qtbot.waitUntil(lambda: window.manual_screen.text == "2865", timeout=2000)
    assert window.current_screen() is Screen.MANUAL
    assert window.manual_screen.code_type is CodeType.INTERNAL


def test_letters_typed_on_the_scan_screen_open_an_external_code(
    qtbot: QtBot, window: MainWindow
) -> None:
    handle = window.windowHandle()
    for ch in "GA":
        QTest.keyClick(handle, ch)
        qtbot.wait(120)
    qtbot.waitUntil(lambda: window.manual_screen.text == "GA", timeout=2000)
    assert window.manual_screen.code_type is CodeType.EXTERNAL


def test_the_idle_reset_and_operator_come_from_the_settings(
    qtbot: QtBot, window: MainWindow, fake_runtime: FakeRuntime, fake_service: FakeService
) -> None:
    assert window.scan_screen.idle_reset_ms == 30_000  # the default
    fake_runtime.settings = replace(fake_runtime.settings, idle_reset_s=5, operator="小李")
    window.apply_settings()
    assert window.scan_screen.idle_reset_ms == 5_000
    fake_service.script.append(success())
    window.scan_screen.submit(CODE)
    qtbot.waitUntil(lambda: bool(fake_service.calls), timeout=3000)
    assert fake_service.calls[0]["operator"] == "小李"  # 核销人: a person, not the till id


def test_a_timeout_turns_the_platform_light_amber_until_a_definite_answer(
    qtbot: QtBot, window: MainWindow, fake_service: FakeService
) -> None:
    window.start()
    qtbot.waitUntil(lambda: window.health_label.text() == "平台：连接正常", timeout=3000)
    fake_service.script.append(unknown())
    window.scan_screen.submit(CODE)
    qtbot.waitUntil(lambda: window.health_label.text() == "平台：最近超时", timeout=3000)
    assert window.health is Health.TROUBLE
    assert "#ffb300" in window.health_label.styleSheet()  # amber
    qtbot.wait(300)  # the probe it started answers "reachable": still amber, it timed out
    assert window.health is Health.TROUBLE
    fake_service.script.append(success(op_id=2))
    window.scan_screen.submit("286501034425")
    qtbot.waitUntil(lambda: window.health_label.text() == "平台：连接正常", timeout=3000)


def test_an_unreachable_gateway_is_red_even_after_a_timeout(
    qtbot: QtBot, window: MainWindow, fake_service: FakeService, fake_runtime: FakeRuntime
) -> None:
    fake_runtime.healthy = False
    fake_service.script.append(unknown())
    window.scan_screen.submit(CODE)
    qtbot.waitUntil(lambda: window.health is Health.DOWN, timeout=3000)
    assert window.health_label.text() == "平台：连接不上"
    assert "#c62828" in window.health_label.styleSheet()


def test_a_row_settled_by_the_start_up_recovery_pops_a_notice(
    qtbot: QtBot, window: MainWindow, fake_service: FakeService, monkeypatch: pytest.MonkeyPatch
) -> None:
    settled = [success(op_id=7, quantity=2), failure(op_id=8, code="TICKET_STATUS_ILLEGAL")]
    monkeypatch.setattr(fake_service, "recover", lambda: settled)
    window.start()
    qtbot.waitUntil(window.toast.isVisible, timeout=3000)
    assert window.toast.lines == [
        "已确认：券 **** **** 4417 未核销。",
        "已确认：券 **** **** 4417 核销成功（2 份）。",
    ]
    qtbot.mouseClick(window.toast, Qt.MouseButton.LeftButton)
    assert not window.toast.isVisible()


def test_the_window_title_names_the_app_once(
    qtbot: QtBot, window: MainWindow, fake_runtime: FakeRuntime
) -> None:
    """Qt appends the application display name unless the title ends with it (app.py sets
    it): the title must end with it and say it only once."""
    name = "口碑券核销"
    assert window.windowTitle() == "培训模式 — " + name
    assert window.windowTitle().endswith(name) and window.windowTitle().count(name) == 1
    fake_runtime.settings = replace(fake_runtime.settings, mode="production")
    window.apply_settings()
    assert window.windowTitle() == name
