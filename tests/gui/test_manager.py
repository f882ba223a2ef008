"""The manager screen end to end: PIN gate, reversal, sync and history over a real Runtime.

The runtime is in training mode: requests go over real HTTP to the in-process simulator, which
checks signatures and keeps voucher state; the journal and the PIN file are real files.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from manager_helpers import WAIT_MS, add_row, build_manager, wait_idle
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pos_app.core.journal import OpKind, OpState
from pos_app.core.models import CancelRequest
from pos_app.core.pin import MAX_TRIES
from pos_app.gateways.alipay import AlipayClient
from pos_app.gateways.keys import load_private_key, load_public_key
from pos_app.runtime import Runtime
from pos_app.sandbox.demo import DEMO_CODES, DEMO_REQUEST_IDS
from pos_app.ui.dialogs.pin import PinDialog
from pos_app.ui.screens.history_model import Column
from pos_app.ui.screens.manager import ManagerScreen
from pos_app.ui.screens.reversal import ReversalScreen
from pos_app.ui.screens.sync import SyncScreen
from pos_app.ui.tasks import TaskManager

PIN = "2468"
MANAGER = "王店长"


@pytest.fixture
def screen(
    qtbot: QtBot, training_runtime: Runtime, tasks: TaskManager, probe: TaskManager
) -> ManagerScreen:
    training_runtime.pins.set_pin(PIN, manager=MANAGER)
    widget = build_manager(training_runtime, tasks, probe)
    qtbot.addWidget(widget)
    widget.resize(1024, 700)
    return widget


def _in_pin_dialog(qtbot: QtBot, tasks: TaskManager, act: Callable[[PinDialog], None]) -> None:
    """Run ``act`` on the real PIN dialog once ``ManagerScreen.unlock`` has opened it."""

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PinDialog)
        wait_idle(qtbot, tasks)
        act(dialog)

    QTimer.singleShot(0, run)


def _type(qtbot: QtBot, tasks: TaskManager, dialog: PinDialog, pin: str) -> None:
    dialog.pin_edit.clear()
    qtbot.keyClicks(dialog.pin_edit, pin)
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    wait_idle(qtbot, tasks)


def _unlock(qtbot: QtBot, screen: ManagerScreen, tasks: TaskManager) -> None:
    _in_pin_dialog(qtbot, tasks, lambda d: _type(qtbot, tasks, d, PIN))
    assert screen.unlock()
    wait_idle(qtbot, tasks)


def test_starts_locked_and_cancelling_the_pin_keeps_it_locked(
    qtbot: QtBot, screen: ManagerScreen, tasks: TaskManager
) -> None:
    assert not screen.is_unlocked
    assert screen.stack.currentIndex() == 0
    assert screen.tabs.count() == 0 and screen.reversal is None, "nothing built before the PIN"
    _in_pin_dialog(qtbot, tasks, lambda d: d.reject())
    assert not screen.unlock()
    assert not screen.is_unlocked and screen.reversal is None


def test_wrong_pin_is_refused(qtbot: QtBot, screen: ManagerScreen, tasks: TaskManager) -> None:
    seen: list[str] = []

    def wrong_then_cancel(dialog: PinDialog) -> None:
        _type(qtbot, tasks, dialog, "1357")
        seen.append(dialog.status.text())
        dialog.reject()

    _in_pin_dialog(qtbot, tasks, wrong_then_cancel)
    assert not screen.unlock()
    assert "店长密码不正确" in seen[0] and f"{MAX_TRIES - 1}" in seen[0]
    assert screen.manager is None


def test_five_wrong_pins_lock_out_even_the_right_one(
    qtbot: QtBot, screen: ManagerScreen, tasks: TaskManager
) -> None:
    def five_wrong(dialog: PinDialog) -> None:
        for n in range(MAX_TRIES):
            _type(qtbot, tasks, dialog, f"10{n:02d}")
        assert dialog.locked
        dialog.reject()

    _in_pin_dialog(qtbot, tasks, five_wrong)
    assert not screen.unlock()

    states: list[tuple[bool, bool]] = []

    def right_pin_while_locked(dialog: PinDialog) -> None:
        states.append((dialog.locked, dialog.pin_edit.isEnabled()))
        dialog.pin_edit.setText(PIN)  # typed in anyway: submit must not check it
        dialog.submit()
        wait_idle(qtbot, tasks)
        dialog.reject()

    _in_pin_dialog(qtbot, tasks, right_pin_while_locked)
    assert not screen.unlock()
    assert states == [(True, False)]
    assert not screen.is_unlocked


def test_reversal_needs_the_pin_then_reverses_and_history_links_it(
    qtbot: QtBot,
    screen: ManagerScreen,
    training_runtime: Runtime,
    tasks: TaskManager,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code = DEMO_CODES["single"]
    redeemed = training_runtime.service.redeem(code, operator="cashier").operation
    assert redeemed.state is OpState.SUCCEEDED
    simulator = training_runtime.simulator
    assert simulator is not None and simulator.state.remaining(code) == 0

    _unlock(qtbot, screen, tasks)
    assert screen.manager == MANAGER and screen.stack.currentIndex() == 1
    reversal = screen.reversal
    assert reversal is not None
    assert [op.id for op in reversal._rows] == [redeemed.id]
    assert reversal.table.item(0, 1).text() == "********" + code[-4:]
    assert not reversal.reverse_button.isEnabled(), "nothing picked, no reason yet"

    reversal.table.selectRow(0)
    assert not reversal.reverse_button.isEnabled(), "a reason is required"
    reversal.reason_combo.setEditText("误核销 test")
    assert reversal.reverse_button.isEnabled()

    summaries: list[str] = []
    monkeypatch.setattr(
        ReversalScreen, "confirm", classmethod(lambda cls, p, text: summaries.append(text) or True)
    )
    with qtbot.waitSignal(reversal.reversed, timeout=WAIT_MS) as signal:
        qtbot.mouseClick(reversal.reverse_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, tasks)

    summary = summaries[0]
    assert "********" + code[-4:] in summary and code not in summary
    assert "Quantity: 1" in summary and redeemed.order_no in summary
    assert "误核销 test" in summary
    outcome = signal.args[0]
    assert outcome.state is OpState.SUCCEEDED
    assert "Reversed" in reversal.result_label.text()
    assert reversal.table.rowCount() == 0, "a reversed row is no longer offered"
    assert simulator.state.remaining(code) == 1, "the voucher is usable again at the platform"
    reverse_op = outcome.operation
    assert (reverse_op.kind, reverse_op.parent_id) == (OpKind.REVERSE, redeemed.id)
    assert reverse_op.manager == MANAGER and reverse_op.reason == "误核销 test"

    # History shows the reversal linked to its redemption, both ways.
    screen.tabs.setCurrentIndex(ManagerScreen.TAB_HISTORY)
    history = screen.history
    assert history is not None
    history.refresh()
    wait_idle(qtbot, tasks)
    model = history.model
    by_kind = {
        model.operation(r).kind: r
        for r in range(model.rowCount())  # type: ignore[union-attr]
    }
    rev_row, red_row = by_kind[OpKind.REVERSE], by_kind[OpKind.REDEEM]
    assert model.index(rev_row, Column.LINK).data() == f"reverses #{redeemed.id}"
    assert model.index(red_row, Column.LINK).data() == f"reversed by #{reverse_op.id}"
    assert model.index(red_row, Column.STATE).data() == "Reversed"
    assert "Reversed: 1" in history.totals_label.text()
    # Double-clicking the reversal jumps to the redemption it reverses.
    history.table.doubleClicked.emit(model.index(rev_row, Column.LINK))
    assert history.table.selectionModel().selectedRows()[0].row() == red_row


def test_platform_refusals_are_shown_with_their_message(
    qtbot: QtBot,
    screen: ManagerScreen,
    training_runtime: Runtime,
    tasks: TaskManager,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A redemption made in the Koubei merchant app (another channel) that our log knows about.
    other = add_row(
        training_runtime, DEMO_CODES["other_channel"], request_id=DEMO_REQUEST_IDS["other_channel"]
    )
    # And one of ours that was reversed meanwhile by another request (another till or tool
    # sent a cancel with a different request_biz_no), over the real Alipay wire.
    ours = training_runtime.service.redeem(DEMO_CODES["single_3"]).operation
    simulator = training_runtime.simulator
    assert simulator is not None
    creds = training_runtime.alipay_credentials()
    elsewhere = AlipayClient(
        gateway_url=simulator.alipay_url,
        app_id=creds.app_id,
        private_key=load_private_key(creds.private_key),
        alipay_public_key=load_public_key(creds.alipay_public_key),
    )
    elsewhere.cancel(
        CancelRequest(
            request_id=ours.request_id,
            request_biz_no="ELSEWHERE0001",
            ticket_code=ours.code,
            quantity=ours.quantity,
            order_no=ours.order_no,
        )
    )
    elsewhere.close()
    monkeypatch.setattr(ReversalScreen, "confirm", classmethod(lambda cls, p, t: True))

    _unlock(qtbot, screen, tasks)
    reversal = screen.reversal
    assert reversal is not None
    texts: dict[str, str] = {}
    for op_id, code in ((other.id, "USE_CHANNEL_NOT_EQUAL"), (ours.id, "REPEAT_CANCEL")):
        assert reversal.select_operation(op_id)
        reversal.reason_combo.setEditText("test")
        with qtbot.waitSignal(reversal.reversed, timeout=WAIT_MS) as signal:
            reversal.reverse_button.click()
        wait_idle(qtbot, tasks)
        assert signal.args[0].error_code == code
        texts[code] = reversal.result_label.text()
    assert "不是通过本系统" in texts["USE_CHANNEL_NOT_EQUAL"]
    assert "已经被撤销过" in texts["REPEAT_CANCEL"]
    assert texts["REPEAT_CANCEL"].startswith("Already reversed (REPEAT_CANCEL)")
    assert texts["USE_CHANNEL_NOT_EQUAL"].startswith("Not reversed (USE_CHANNEL_NOT_EQUAL)")


def test_external_reversal_asks_for_the_missing_order_no_and_sends_the_typed_one(
    qtbot: QtBot,
    screen: ManagerScreen,
    training_runtime: Runtime,
    tasks: TaskManager,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Seed 003: integrations after 2022-09-22 get no order_no with the redemption (the
    simulator's ``legacy_fields = False``); seed 001: cancelling an external code needs it."""
    simulator = training_runtime.simulator
    assert simulator is not None
    simulator.options.legacy_fields = False
    code = DEMO_CODES["external"]
    order_no = simulator.demo.order_nos["external"]
    redeemed = training_runtime.service.redeem(code).operation
    assert redeemed.state is OpState.SUCCEEDED and redeemed.order_no == ""
    summaries: list[str] = []
    monkeypatch.setattr(
        ReversalScreen, "confirm", classmethod(lambda cls, p, text: summaries.append(text) or True)
    )
    screen.show()
    _unlock(qtbot, screen, tasks)
    reversal = screen.reversal
    assert reversal is not None
    assert not reversal.order_edit.isVisible(), "asked only for a row without an order no"
    assert reversal.select_operation(redeemed.id)
    assert reversal.order_edit.isVisible() and reversal.order_hint.isVisible()
    reversal.reason_combo.setEditText("误核销")
    sent = simulator.state.total_requests()

    for typed, text in [("", "没有口碑订单号"), ("12-34!", "订单号格式不对")]:
        reversal.order_edit.setText(typed)
        reversal.reverse_button.click()
        wait_idle(qtbot, tasks)
        assert text in reversal.result_label.text()
        assert screen.focusWidget() is reversal.order_edit  # the cursor goes where to fix it
    assert summaries == [], "refused before the confirmation"
    assert simulator.state.total_requests() == sent, "nothing sent"
    assert [op.kind for op in training_runtime.journal.by_code(code)] == [OpKind.REDEEM]

    reversal.order_edit.setText(order_no)
    with qtbot.waitSignal(reversal.reversed, timeout=WAIT_MS) as signal:
        reversal.reverse_button.click()
    wait_idle(qtbot, tasks)
    assert order_no in summaries[0]  # the confirmation shows the order no that will be sent
    outcome = signal.args[0]
    assert outcome.state is OpState.SUCCEEDED, outcome.error_code
    assert outcome.operation.order_no == order_no
    assert outcome.operation.payload["order_no"] == order_no
    assert simulator.state.remaining(code) == 1
    assert simulator.state.cancels_for(code)[0]["order_no"] == order_no
    assert "Reversed" in reversal.result_label.text()


def test_reversal_search_box_narrows_the_list(
    qtbot: QtBot, screen: ManagerScreen, training_runtime: Runtime, tasks: TaskManager
) -> None:
    a = add_row(training_runtime, DEMO_CODES["single"], order_no="ORDERAAA1")
    b = add_row(training_runtime, DEMO_CODES["single_3"], order_no="ORDERBBB2")
    _unlock(qtbot, screen, tasks)
    reversal = screen.reversal
    assert reversal is not None and reversal.table.rowCount() == 2
    for search, expected in [
        (DEMO_CODES["single"][-4:], [a.id]),  # code tail
        ("ORDERBBB", [b.id]),  # order no prefix
        (a.request_id, [a.id]),  # request id
        ("", [b.id, a.id]),
    ]:
        reversal.search_edit.setText(search)
        qtbot.keyClick(reversal.search_edit, Qt.Key.Key_Return)
        wait_idle(qtbot, tasks)
        assert [op.id for op in reversal._rows] == expected, search
    reversal.search_edit.setText("ZZZZ")
    qtbot.waitUntil(lambda: reversal.table.rowCount() == 0, timeout=WAIT_MS)  # after the pause
    assert reversal.hint.text() == "No redemption to reverse matches the search."


def test_sync_sets_remaining_uses(
    qtbot: QtBot,
    screen: ManagerScreen,
    training_runtime: Runtime,
    tasks: TaskManager,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code = DEMO_CODES["external_multi"]
    _unlock(qtbot, screen, tasks)
    screen.tabs.setCurrentIndex(ManagerScreen.TAB_SYNC)
    sync = screen.sync
    assert sync is not None
    qtbot.keyClicks(sync.code_edit, "EXT2024A00")
    assert sync.code_hint.text().startswith("******4A00"), "valid so far, shown masked"
    sync.code_edit.setText("EXT-2024!!!")
    assert not sync.sync_button.isEnabled(), "a malformed code cannot be sent"
    sync.code_edit.setText(code)
    assert sync.sync_button.isEnabled()
    sync.remaining_spin.setValue(3)
    asked: list[str] = []
    monkeypatch.setattr(
        SyncScreen, "confirm", classmethod(lambda cls, p, text: asked.append(text) or True)
    )
    simulator = training_runtime.simulator
    assert simulator is not None
    # This terminal never redeemed the code, so the log knows no order no: refused, not sent.
    sync.sync_button.click()
    wait_idle(qtbot, tasks)
    assert "Enter the order no" in sync.result_label.text()
    assert simulator.state.remaining(code) == 5
    voucher = simulator.state.voucher(code)
    assert voucher is not None
    sync.order_edit.setText(voucher.order_no)
    with qtbot.waitSignal(sync.synced, timeout=WAIT_MS) as signal:
        sync.sync_button.click()
    wait_idle(qtbot, tasks)
    assert signal.args[0].state is OpState.SUCCEEDED, sync.result_label.text()
    assert "Synced" in sync.result_label.text()
    assert code not in asked[0] and "3" in asked[0]
    assert simulator.state.remaining(code) == 3
    assert signal.args[0].operation.manager == MANAGER


def test_leaving_locks_again(qtbot: QtBot, screen: ManagerScreen, tasks: TaskManager) -> None:
    _unlock(qtbot, screen, tasks)
    screen.show()
    qtbot.waitExposed(screen)
    with qtbot.waitSignal(screen.closed, timeout=WAIT_MS):
        screen.lock_button.click()
    assert not screen.is_unlocked and screen.stack.currentIndex() == 0
    _unlock(qtbot, screen, tasks)
    screen.hide()
    assert not screen.is_unlocked, "hiding the screen (going back to scanning) locks it"


def test_manager_screens_speak_chinese(
    qtbot: QtBot, zh_ui: None, training_runtime: Runtime, tasks: TaskManager, probe: TaskManager
) -> None:
    training_runtime.pins.set_pin(PIN, manager=MANAGER)
    add_row(training_runtime, DEMO_CODES["single"], order_no="ORDERZH1")
    screen = build_manager(training_runtime, tasks, probe)
    qtbot.addWidget(screen)
    assert screen.unlock_button.text() == "输入店长密码"
    _unlock(qtbot, screen, tasks)
    assert screen.who_label.text() == f"店长：{MANAGER}"
    assert [screen.tabs.tabText(i) for i in range(4)] == [
        "撤销核销",
        "凭证码同步",
        "当日记录",
        "设置",
    ]
    history = screen.history
    assert history is not None
    wait_idle(qtbot, tasks)
    model = history.model
    assert model.headerData(Column.STATE, Qt.Orientation.Horizontal) == "状态"
    assert model.index(0, Column.KIND).data() == "核销"
    assert model.index(0, Column.STATE).data() == "成功"
    assert history.totals_label.text().startswith("已核销：1 笔")
