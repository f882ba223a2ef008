"""The manager's 报表 and 收银员 pages on a real training Runtime (SQLite, simulator)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from manager_helpers import build_manager, wait_idle
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.core.cashiers import CashierRegistry
from pos_app.secrets.memory import MemorySecretStore
from pos_app.ui.dialogs.pin import PinDialog
from pos_app.ui.screens.manager import ManagerScreen
from pos_app.ui.tasks import TaskManager

WAIT_MS = 15_000


@pytest.fixture
def screen(  # noqa: PLR0917 - pytest fixtures
    qtbot: QtBot,
    zh_ui: None,
    training_runtime: Any,
    tasks: TaskManager,
    probe: TaskManager,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[ManagerScreen]:
    training_runtime.cashiers = CashierRegistry(
        MemorySecretStore(), tmp_path / "c.lock", tmp_path / "p.lock"
    )
    monkeypatch.setattr(PinDialog, "ask", classmethod(lambda cls, *a, **k: "店长"))
    manager = build_manager(training_runtime, tasks, probe)
    qtbot.addWidget(manager)
    manager.show()
    assert manager.unlock()
    wait_idle(qtbot, tasks)
    yield manager


def test_the_report_page_shows_the_day_report_agreeing_with_the_totals(
    qtbot: QtBot, screen: ManagerScreen, training_runtime: Any, tasks: TaskManager
) -> None:
    codes = training_runtime.simulator.demo.codes
    training_runtime.service.redeem(codes["single"], cashier="小李")
    training_runtime.service.redeem(codes["multi"], 3, cashier="小王")
    screen.tabs.setCurrentIndex(ManagerScreen.TAB_REPORT)
    page = screen.report_page
    qtbot.waitUntil(lambda: page.view.report is not None, timeout=WAIT_MS)
    totals = training_runtime.service.totals(date.today())
    assert page.view.title.text() == "日结报表"
    shown = page.view.summary_text()
    assert f"{totals.redeemed_count} 笔核销，{totals.redeemed_quantity} 份" in shown
    assert f"¥{totals.redeemed_amount:.2f}" in shown
    assert "小李" in page.view.groups.text() and "小王" in page.view.groups.text()
    assert not page.store_box.isEnabled()  # no store database set


def test_the_cashiers_page_adds_refuses_and_disables(
    qtbot: QtBot, screen: ManagerScreen, training_runtime: Any, tasks: TaskManager
) -> None:
    screen.tabs.setCurrentIndex(ManagerScreen.TAB_CASHIERS)
    page = screen.cashiers_page
    assert page is not None
    page.name_edit.setText("小李")  # QTest types Latin-1 only; an IME would commit this
    qtbot.keyClicks(page.pin_edit, "12")  # too short: refused with the reason, nothing added
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "4 到 6 位数字" in page.message.text(), timeout=WAIT_MS)
    assert training_runtime.cashiers.all() == []
    qtbot.keyClicks(page.pin_edit, "2468")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.list.count() == 1, timeout=WAIT_MS)
    assert "小李" in page.list.item(0).text() and "在岗" in page.list.item(0).text()
    page.list.setCurrentRow(0)
    qtbot.mouseClick(page.toggle_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已停用" in page.list.item(0).text(), timeout=WAIT_MS)
    assert training_runtime.cashiers.active() == []
    wait_idle(qtbot, tasks)
    actions = [(e.actor, e.action) for e in training_runtime.journal.audit_entries(date.today())]
    assert ("店长", "cashier-add") in actions and ("店长", "cashier-disable") in actions
