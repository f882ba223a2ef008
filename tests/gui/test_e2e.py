"""End to end: the real main window on a real Runtime in training mode.

The simulator answers over real HTTP on 127.0.0.1, the journal is real SQLite in tmp_path, every
service call runs on the real serial worker, and the scanner filter sees keys as the platform
delivers them (through the window).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from pos_app.core import codes
from pos_app.core.journal import OpState
from pos_app.core.messages import message_for
from pos_app.sandbox import Fault
from pos_app.ui.dialogs.pin import PinDialog
from pos_app.ui.main_window import MainWindow, Screen
from pos_app.ui.tasks import TaskManager
from pos_app.ui.widgets.result_card import CardState

WAIT_MS = 15_000


@pytest.fixture
def window(
    qtbot: QtBot, zh_ui: None, training_runtime: Any, tasks: TaskManager
) -> Iterator[MainWindow]:
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
    """A wedge scanner: the code's keys and Enter, back to back, through the window."""
    handle = window.windowHandle()
    for ch in code:
        QTest.keyClick(handle, ch)
    QTest.keyClick(handle, Qt.Key.Key_Return)


def wait_card(qtbot: QtBot, window: MainWindow, state: CardState) -> None:
    card = window.scan_screen.card
    qtbot.waitUntil(lambda: card.state is state, timeout=WAIT_MS)


def test_scan_burst_redeems_and_shows_the_simulators_item(
    qtbot: QtBot, window: MainWindow, training_runtime: Any
) -> None:
    code = training_runtime.simulator.demo.codes["single"]
    scan(window, code)
    wait_card(qtbot, window, CardState.SUCCESS)
    card = window.scan_screen.card
    assert card.title_label.text() == "核销成功"
    assert card.headline_label.text() == "双人下午茶套餐"
    assert dict(card.view.rows)["份数"] == "1"
    assert len(training_runtime.simulator.state.redemptions_for(code)) == 1
    assert training_runtime.simulator.state.remaining(code) == 0


def test_unknown_code_is_a_red_card_in_chinese(
    qtbot: QtBot, window: MainWindow, training_runtime: Any
) -> None:
    scan(window, "999999999999")
    wait_card(qtbot, window, CardState.FAILURE)
    card = window.scan_screen.card
    assert card.title_label.text() == "核销失败"
    assert card.headline_label.text() == message_for("TICKET_CODE_NOT_EXIST").zh
    assert "TICKET_CODE_NOT_EXIST" in card.footnote_label.text()


def test_used_voucher_says_why(qtbot: QtBot, window: MainWindow, training_runtime: Any) -> None:
    scan(window, training_runtime.simulator.demo.codes["used"])
    wait_card(qtbot, window, CardState.FAILURE)
    # The generic reason first, then the lookup's real cause (when it was used).
    headline = window.scan_screen.card.headline_label
    qtbot.waitUntil(lambda: "2024-06-01 12:00:00 被使用" in headline.text(), timeout=WAIT_MS)


def test_dropped_response_is_amber_then_green_after_the_retry(
    qtbot: QtBot, window: MainWindow, training_runtime: Any
) -> None:
    sim = training_runtime.simulator
    code = sim.demo.codes["single"]
    sim.faults.add(Fault("drop_response", api="redeem", times=1))
    scan(window, code)
    wait_card(qtbot, window, CardState.UNKNOWN)
    card = window.scan_screen.card
    assert card.title_label.text() == "正在确认…"
    assert "已尝试 1 次" in card.detail_label.text()
    qtbot.waitUntil(lambda: window.open_label.text() == "待确认：1 笔", timeout=WAIT_MS)
    # Nobody touches anything: the retry pump re-sends the same request and the card turns green.
    wait_card(qtbot, window, CardState.SUCCESS)
    assert card.headline_label.text() == "双人下午茶套餐"
    assert len(sim.state.redemptions_for(code)) == 1  # exactly once
    op = training_runtime.service.get(1)  # the only row of this fresh journal
    assert op.code == code
    assert op.state is OpState.SUCCEEDED and op.attempts == 2  # the same row, sent twice
    qtbot.waitUntil(lambda: window.open_label.text() == "待确认：0 笔", timeout=WAIT_MS)


def test_second_scan_of_a_redeemed_code_says_already_redeemed_here(
    qtbot: QtBot, window: MainWindow, training_runtime: Any
) -> None:
    code = training_runtime.simulator.demo.codes["multi"]
    scan(window, code)
    wait_card(qtbot, window, CardState.SUCCESS)
    scan(window, code)
    wait_card(qtbot, window, CardState.ALREADY)
    card = window.scan_screen.card
    assert card.title_label.text() == "本机已核销过这张券"
    before = training_runtime.simulator.state.remaining(code)
    # Offered once the lookup says this multi-use card has uses left.
    qtbot.waitUntil(card.action_button.isVisible, timeout=WAIT_MS)
    qtbot.mouseClick(card.action_button, Qt.MouseButton.LeftButton)
    wait_card(qtbot, window, CardState.SUCCESS)
    assert training_runtime.simulator.state.remaining(code) == before - 1


def test_manual_entry_redeems_an_external_code(
    qtbot: QtBot, window: MainWindow, training_runtime: Any
) -> None:
    code = training_runtime.simulator.demo.codes["external"]
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_F2)
    assert window.current_screen() is Screen.MANUAL
    manual = window.manual_screen
    qtbot.mouseClick(manual.external_button, Qt.MouseButton.LeftButton)
    for ch in code:  # typed by a person: slow keys
        QTest.keyClick(window.windowHandle(), ch, Qt.KeyboardModifier.NoModifier, 60)
    qtbot.waitUntil(lambda: manual.text == code, timeout=WAIT_MS)
    assert manual.is_valid
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, 60)
    wait_card(qtbot, window, CardState.SUCCESS)
    assert window.current_screen() is Screen.SCAN


def test_a_scanned_voucher_link_is_redeemed(
    qtbot: QtBot, window: MainWindow, training_runtime: Any
) -> None:
    """Some vouchers are QR links: the scanner types the URL; the service takes the code out."""
    code = training_runtime.simulator.demo.codes["single"]
    scan(window, f"https://render.alipay.com/p/v?ticket_code={code}&from=koubei")
    wait_card(qtbot, window, CardState.SUCCESS)
    assert dict(window.scan_screen.card.view.rows)["券码"].endswith(code[-4:])
    assert len(training_runtime.simulator.state.redemptions_for(code)) == 1


def test_locking_the_manager_screen_clears_a_stale_red_card_at_once(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PinDialog, "ask", classmethod(lambda cls, *_a, **_k: "店长"))
    scan(window, "999999999999")
    wait_card(qtbot, window, CardState.FAILURE)
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: window.manager_screen.is_unlocked, timeout=WAIT_MS)
    qtbot.mouseClick(window.manager_screen.lock_button, Qt.MouseButton.LeftButton)  # 锁定并退出
    assert window.current_screen() is Screen.SCAN
    assert window.scan_screen.card.state is CardState.IDLE  # at once, not after the idle time


def test_a_retry_that_confirms_reads_confirmed_after_a_retry_and_names_the_operator(
    qtbot: QtBot, window: MainWindow, training_runtime: Any
) -> None:
    sim = training_runtime.simulator
    code = sim.demo.codes["single"]
    sim.faults.add(Fault("drop_response", api="redeem", times=1))
    scan(window, code)
    wait_card(qtbot, window, CardState.UNKNOWN)
    wait_card(qtbot, window, CardState.SUCCESS)  # the pump's retry: answered as our repeat
    card = window.scan_screen.card
    assert card.title_label.text() == "核销成功（网络重试后已确认）"
    assert "此前已成功" not in card.text()
    op = training_runtime.service.get(1)
    assert op.operator == training_runtime.settings.operator_name != op.terminal


def test_a_background_confirmation_pops_a_notice(
    qtbot: QtBot, window: MainWindow, training_runtime: Any
) -> None:
    sim = training_runtime.simulator
    sim.faults.add(Fault("drop_response", api="redeem", times=1))
    scan(window, sim.demo.codes["single"])
    wait_card(qtbot, window, CardState.UNKNOWN)
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_Escape)  # the cashier moves on
    assert window.scan_screen.card.state is CardState.IDLE
    qtbot.waitUntil(window.toast.isVisible, timeout=WAIT_MS)
    assert window.toast.lines == ["已确认：券 **** **** 4417 核销成功（1 份）。"]


def test_the_idle_card_in_training_lists_demo_codes_to_try(
    qtbot: QtBot, window: MainWindow, training_runtime: Any
) -> None:
    card = window.scan_screen.card
    assert card.state is CardState.IDLE
    rows = dict(card.view.rows)
    demo = training_runtime.simulator.demo.codes
    assert rows["单次券"] == "2865 0103 4417" == codes.group_code(demo["single"])
    assert rows["10次卡"] == codes.group_code(demo["multi"])
    assert "已使用" in rows and "已退款" in rows
    assert "培训模式：可用下面的演示券码练习。" in card.detail_label.text()
    scan(window, demo["single"])  # and one of them really redeems
    wait_card(qtbot, window, CardState.SUCCESS)
