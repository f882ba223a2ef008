"""The lookup at the counter: real window and widgets, real Runtime in training mode, the
simulator over loopback HTTP, the probe lane for lookups (pytest-qt)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from test_e2e import WAIT_MS, scan, wait_card, window  # noqa: F401 - the real main window
from test_review_gui import _make_review_row, other_lane  # noqa: F401

from pos_app.core.messages import message_for
from pos_app.core.service import RedemptionService
from pos_app.runtime import Runtime
from pos_app.ui.main_window import MainWindow, Screen
from pos_app.ui.screens.review import ReviewScreen
from pos_app.ui.tasks import TaskManager
from pos_app.ui.widgets.result_card import CardState

GENERIC = message_for("TICKET_STATUS_ILLEGAL").zh


def headline(window: MainWindow) -> str:  # noqa: F811
    return window.scan_screen.card.headline_label.text()


def test_a_failure_is_explained_without_delaying_the_red_card(
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811
    training_runtime: Any,
) -> None:
    sim = training_runtime.simulator
    for label, cause in [
        ("used", "这张券已于 2024-06-01 12:00:00 被使用"),
        ("refunded", "这张券已退款"),
        ("not_yet", "这张券还未生效"),
    ]:
        scan(window, sim.demo.codes[label])
        wait_card(qtbot, window, CardState.FAILURE)
        qtbot.waitUntil(lambda cause=cause: cause in headline(window), timeout=WAIT_MS)
        card = window.scan_screen.card
        assert card.title_label.text() == "核销失败"
        assert "TICKET_STATUS_ILLEGAL" in card.footnote_label.text()  # the code stays for support
        assert card.detail_label.text() == "已向平台查询确认。"


def test_a_failure_at_this_till_says_when(
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811
    training_runtime: Any,
) -> None:
    code = training_runtime.simulator.demo.codes["single"]
    training_runtime.service.redeem(code)  # earlier, at this till
    window.scan_screen.submit(code, again=True)
    wait_card(qtbot, window, CardState.FAILURE)
    qtbot.waitUntil(lambda: "在本收银台核销过" in headline(window), timeout=WAIT_MS)


def test_a_multi_use_card_shows_uses_left_and_offers_the_next_use(
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811
    training_runtime: Any,
) -> None:
    sim = training_runtime.simulator
    code = sim.demo.codes["multi"]
    scan(window, code)
    wait_card(qtbot, window, CardState.SUCCESS)
    card = window.scan_screen.card
    qtbot.waitUntil(lambda: "剩余次数" in dict(card.view.rows), timeout=WAIT_MS)
    assert dict(card.view.rows)["剩余次数"] == "剩余 9 次（共 10 次）"
    assert card.action_button.isVisible()
    assert card.action_button.text() == "再次核销（次卡）"
    card.action_button.click()
    qtbot.waitUntil(
        lambda: dict(card.view.rows).get("剩余次数") == "剩余 8 次（共 10 次）", timeout=WAIT_MS
    )
    assert sim.state.remaining(code) == 8


def test_a_single_use_voucher_is_never_offered_again(
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811
    training_runtime: Any,
) -> None:
    code = training_runtime.simulator.demo.codes["single"]
    scan(window, code)
    wait_card(qtbot, window, CardState.SUCCESS)
    scan(window, code)
    wait_card(qtbot, window, CardState.ALREADY)
    card = window.scan_screen.card
    qtbot.waitUntil(lambda: "单次券不能再次核销" in card.detail_label.text(), timeout=WAIT_MS)
    assert not card.action_button.isVisible()
    assert "剩余次数" not in dict(card.view.rows)


def test_check_before_redeeming_from_manual_entry_with_f4(
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811
    training_runtime: Any,
) -> None:
    sim = training_runtime.simulator
    code = sim.demo.codes["multi"]
    window.show_screen(Screen.MANUAL)
    window.manual_screen.set_text(code)
    assert window.manual_screen.lookup_button.isEnabled()
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_F4)
    assert window.current_screen() is Screen.SCAN
    wait_card(qtbot, window, CardState.INFO)
    card = window.scan_screen.card
    rows = dict(card.view.rows)
    assert card.title_label.text() == "券信息"
    assert card.headline_label.text() == "蛋糕10次卡"
    assert rows["价格"] == "¥20.00（原价 ¥30.00）"
    assert rows["有效期"].count("至") == 1
    assert rows["次数"] == "剩余 10 次（共 10 次）"
    assert card.action_button.text() == "核销"
    assert sim.state.redemptions_for(code) == []  # looking is not redeeming
    card.action_button.click()
    wait_card(qtbot, window, CardState.SUCCESS)
    assert sim.state.remaining(code) == 9


def test_the_lookup_card_of_a_refunded_voucher_offers_no_redemption(
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811
    training_runtime: Any,
) -> None:
    code = training_runtime.simulator.demo.codes["refunded"]
    window.show_screen(Screen.MANUAL)
    window.manual_screen.set_text(code)
    window.manual_screen.lookup_button.click()
    wait_card(qtbot, window, CardState.INFO)
    card = window.scan_screen.card
    assert dict(card.view.rows)["状态"] == "已退款"
    assert "已退款" in card.detail_label.text()
    assert not card.action_button.isVisible()


def test_an_external_code_cannot_be_looked_up(
    window: MainWindow,  # noqa: F811
    training_runtime: Any,
) -> None:
    manual = window.manual_screen
    window.show_screen(Screen.MANUAL)
    manual.external_button.click()
    manual.set_text(training_runtime.simulator.demo.codes["external"])
    assert manual.is_valid and not manual.lookup_button.isEnabled()
    assert not manual.look_up()


@pytest.mark.usefixtures("zh_ui")
def test_review_items_show_the_platforms_use_history(
    qtbot: QtBot,
    training_runtime: Runtime,
    other_lane: RedemptionService,  # noqa: F811
    tasks: TaskManager,
    probe: TaskManager,
) -> None:
    code = training_runtime.simulator.demo.codes["single"]  # type: ignore[union-attr]
    _make_review_row(training_runtime, other_lane, code)
    screen = ReviewScreen(training_runtime.service, tasks, lambda: "王店长", probe=probe)
    qtbot.addWidget(screen)
    screen.refresh()
    qtbot.waitUntil(lambda: screen.table.rowCount() == 1, timeout=WAIT_MS)
    screen.table.selectRow(0)
    qtbot.waitUntil(lambda: "已使用" in screen.history_label.text(), timeout=WAIT_MS)
    text = screen.history_label.text()
    assert "平台记录：已使用" in text
    assert "核销 ×1" in text
