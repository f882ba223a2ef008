"""需核对 (REVIEW) in the GUI, and the 凭证ID on manual entry (issue #9 points 3 and 6).

Real parts only: a Runtime in training mode (the simulator over HTTP on 127.0.0.1, a SQLite
journal in tmp_path), the real serial worker and real widgets. A REVIEW row is made the way it
happens at a counter: our first try is lost (HTTP 500, not processed), another till redeems the
code, and our retry is told the voucher is used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from manager_helpers import WAIT_MS, build_manager, wait_idle
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pos_app.core.codes import mask_code
from pos_app.core.journal import NewOperation, Operation, OpKind, OpState, Settle
from pos_app.core.messages import message_for
from pos_app.core.service import RedemptionService, ShopConfig
from pos_app.gateways.top import TopClient
from pos_app.journal.sqlite import SqliteJournal
from pos_app.runtime import Runtime
from pos_app.sandbox import Fault
from pos_app.sandbox.demo import DEMO_CODES
from pos_app.ui.dialogs.pin import PinDialog
from pos_app.ui.main_window import MainWindow, Screen
from pos_app.ui.screens.history import HistoryScreen
from pos_app.ui.screens.history_model import Column
from pos_app.ui.screens.manager import ManagerScreen
from pos_app.ui.screens.reversal import ReversalScreen
from pos_app.ui.screens.review import ReviewScreen
from pos_app.ui.screens.scan import ScanScreen
from pos_app.ui.service_bridge import ServiceEvents
from pos_app.ui.tasks import TaskManager, in_background
from pos_app.ui.widgets.result_card import CardState

PIN = "2468"
MANAGER = "王店长"
REVIEW_REDEEM = message_for("REVIEW_REDEEM").zh
REVIEW_PARENT = message_for("REVIEW_PARENT").zh


# ------------------------------------------------------------------------------------- set-up
@pytest.fixture
def other_lane(training_runtime: Runtime, tmp_path: Path) -> Iterator[RedemptionService]:
    """Another till of the same shop: its own journal file, the same simulator."""
    sim = training_runtime.simulator
    assert sim is not None
    creds = training_runtime.top_credentials()
    top = TopClient(
        gateway_url=sim.top_url,
        app_key=creds.app_key,
        app_secret=creds.app_secret,
        session_key=creds.session,
        timeout_s=2.0,
    )

    def no_alipay() -> TopClient:
        raise AssertionError("the other lane only redeems")

    with SqliteJournal(tmp_path / "lane2.sqlite3") as journal:
        yield RedemptionService(
            journal=journal,
            top=lambda: top,
            alipay=no_alipay,  # type: ignore[arg-type]
            shop=ShopConfig(shop_id=sim.demo.shop_id, terminal_id="LANE2"),
        )
    top.close()


def _lose_first_try(runtime: Runtime, code: str) -> None:
    sim = runtime.simulator
    assert sim is not None
    sim.faults.add(Fault("http_500", api="redeem", times=1))


def _make_review_row(runtime: Runtime, other_lane: RedemptionService, code: str) -> Operation:
    """Through the service alone (no GUI): our redemption of ``code`` ends in REVIEW."""
    _lose_first_try(runtime, code)
    first = runtime.service.redeem(code, operator="cashier")
    assert first.state is OpState.UNKNOWN
    assert other_lane.redeem(code).state is OpState.SUCCEEDED
    (outcome,) = runtime.service.recover()
    assert outcome.state is OpState.REVIEW
    return outcome.operation


def _unlock(qtbot: QtBot, screen: ManagerScreen, tasks: TaskManager) -> None:
    """Type the PIN into the real PIN dialog that ``unlock`` opens."""

    def type_pin() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PinDialog)
        wait_idle(qtbot, tasks)
        qtbot.keyClicks(dialog.pin_edit, PIN)
        qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
        wait_idle(qtbot, tasks)

    QTimer.singleShot(0, type_pin)
    assert screen.unlock()
    wait_idle(qtbot, tasks)


@pytest.fixture
def manager_screen(
    qtbot: QtBot, zh_ui: None, training_runtime: Runtime, tasks: TaskManager, probe: TaskManager
) -> ManagerScreen:
    training_runtime.pins.set_pin(PIN, manager=MANAGER)
    widget = build_manager(training_runtime, tasks, probe)
    qtbot.addWidget(widget)
    widget.resize(1024, 700)
    return widget


# ------------------------------------------------------------------------------------- scan card
def test_a_retry_told_used_shows_the_review_card_not_success_failure_or_confirming(
    qtbot: QtBot,
    zh_ui: None,
    training_runtime: Runtime,
    tasks: TaskManager,
    other_lane: RedemptionService,
) -> None:
    service = training_runtime.service
    screen = ScanScreen(service, tasks, ServiceEvents(service))
    qtbot.addWidget(screen)
    code = DEMO_CODES["single"]
    _lose_first_try(training_runtime, code)
    assert screen.submit(code)
    qtbot.waitUntil(lambda: screen.card.state is CardState.UNKNOWN, timeout=WAIT_MS)
    assert other_lane.redeem(code).state is OpState.SUCCEEDED

    in_background(tasks, screen, service.recover, lambda _: None, label="recover")  # the pump's job
    qtbot.waitUntil(lambda: screen.card.state is CardState.REVIEW, timeout=WAIT_MS)

    view = screen.card.view
    assert view.title == "需核对"
    assert view.headline == REVIEW_REDEEM
    assert "请店长核对" in view.detail
    assert screen.card.property("state") == "review"  # its own colours, not green/red/amber
    assert "#8e44ad" in screen.card.styleSheet()
    assert not screen._countdown.isActive(), "REVIEW is not retried: no countdown"
    assert code not in screen.card.text()
    wait_idle(qtbot, tasks)
    assert screen.card.state is CardState.REVIEW, "stays: nothing retries it"


# ------------------------------------------------------------------------------------- history
def test_history_shows_the_review_row_in_its_colour_with_its_reason_and_counts_it_apart(
    qtbot: QtBot,
    zh_ui: None,
    training_runtime: Runtime,
    tasks: TaskManager,
    other_lane: RedemptionService,
) -> None:
    review = _make_review_row(training_runtime, other_lane, DEMO_CODES["single"])
    done = training_runtime.service.redeem(DEMO_CODES["single_3"])
    assert done.state is OpState.SUCCEEDED
    screen = HistoryScreen(training_runtime.service, tasks)
    qtbot.addWidget(screen)
    screen.resize(1000, 600)
    wait_idle(qtbot, tasks)

    model = screen.model
    row = model.row_of(review.id)
    assert row is not None
    assert model.index(row, Column.STATE).data() == "需核对"
    assert model.index(row, Column.STATE).data(Qt.ItemDataRole.ForegroundRole).name() == "#7d3c98"
    assert model.index(row, Column.CODE).data(Qt.ItemDataRole.BackgroundRole).name() == "#f5eef8"
    assert REVIEW_REDEEM in model.index(row, Column.CODE).data(Qt.ItemDataRole.ToolTipRole)
    other = model.row_of(done.operation.id)
    assert other is not None
    assert model.index(other, Column.CODE).data(Qt.ItemDataRole.BackgroundRole) is None
    screen.table.selectRow(row)
    assert REVIEW_REDEEM in screen.details.note_label.text()
    assert "需核对" in screen.details.title_label.text()

    totals = screen.totals_label.text()
    assert totals.startswith("已核销：1 笔"), "the REVIEW row is not counted as redeemed"
    assert "需核对：1" in totals and "失败：0" in totals

    assert screen.state_combo.itemText(4) == "需核对"
    screen.state_combo.setCurrentIndex(4)
    wait_idle(qtbot, tasks)
    assert [model.operation(r).id for r in range(model.rowCount())] == [review.id]  # type: ignore[union-attr]


# ------------------------------------------------------------------------------------- manager
@pytest.mark.parametrize(
    ("button", "resolution", "redeemed"),
    [("consumed_button", OpState.SUCCEEDED, 1), ("not_redeemed_button", OpState.FAILED, 0)],
)
def test_the_manager_resolves_a_review_item_with_a_reason(
    qtbot: QtBot,
    *,
    manager_screen: ManagerScreen,
    training_runtime: Runtime,
    tasks: TaskManager,
    other_lane: RedemptionService,
    monkeypatch: pytest.MonkeyPatch,
    button: str,
    resolution: OpState,
    redeemed: int,
) -> None:
    code = DEMO_CODES["single"]
    review = _make_review_row(training_runtime, other_lane, code)
    asked: list[str] = []
    monkeypatch.setattr(
        ReviewScreen, "confirm", classmethod(lambda cls, p, text: asked.append(text) or True)
    )
    _unlock(qtbot, manager_screen, tasks)
    tab = ManagerScreen.TAB_REVIEW
    assert manager_screen.tabs.tabText(tab) == "需核对 (1)", "a badge while items wait"
    manager_screen.tabs.setCurrentIndex(tab)
    wait_idle(qtbot, tasks)
    page = manager_screen.review
    assert page is not None and page.table.rowCount() == 1
    cells = [page.table.item(0, c).text() for c in range(page.table.columnCount())]
    assert cells[2] == mask_code(code) and code not in " ".join(cells)
    assert cells[3] == "1" and cells[5] == REVIEW_REDEEM
    assert page.selected() is not None and page.selected().id == review.id  # type: ignore[union-attr]

    sent = training_runtime.simulator.state.total_requests()  # type: ignore[union-attr]
    page.reason_edit.setText("\u200b\u202e ")  # invisible only: no reason
    getattr(page, button).click()
    wait_idle(qtbot, tasks)
    assert "请填写核对原因" in page.result_label.text()
    assert asked == [], "refused before the confirmation"
    still = training_runtime.service.get(review.id)
    assert still is not None and still.state is OpState.REVIEW
    assert training_runtime.journal.audit_entries(date.today()) == []

    page.reason_edit.setText("顾客出示了消费记录")
    with qtbot.waitSignal(page.resolved, timeout=WAIT_MS):
        getattr(page, button).click()
    wait_idle(qtbot, tasks)

    assert mask_code(code) in asked[0] and "顾客出示了消费记录" in asked[0]
    row = training_runtime.service.get(review.id)
    assert row is not None and row.state is resolution
    last = training_runtime.service.history(review.id)[-1]
    assert (last.state, last.error_code) == (resolution, "REVIEW_RESOLVED")
    assert MANAGER in last.note and "顾客出示了消费记录" in last.note
    (audit,) = training_runtime.journal.audit_entries(date.today())
    assert (audit.actor, audit.action) == (MANAGER, "review")
    assert training_runtime.simulator.state.total_requests() == sent  # type: ignore[union-attr]
    assert page.table.rowCount() == 0 and page.hint.text() == "没有需要核对的记录。"
    assert manager_screen.tabs.tabText(tab) == "需核对", "no badge when nothing waits"
    assert page.reason_edit.text() == ""

    history = manager_screen.history
    assert history is not None
    totals = history.totals_label.text()
    assert totals.startswith(f"已核销：{redeemed} 笔") and "需核对：0" in totals
    history_row = history.model.row_of(review.id)
    assert history_row is not None
    expected = "成功" if resolution is OpState.SUCCEEDED else "失败"
    assert history.model.index(history_row, Column.STATE).data() == expected


def test_the_review_page_is_keyboard_reachable(
    qtbot: QtBot,
    *,
    manager_screen: ManagerScreen,
    training_runtime: Runtime,
    tasks: TaskManager,
    other_lane: RedemptionService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    review = _make_review_row(training_runtime, other_lane, DEMO_CODES["single"])
    monkeypatch.setattr(ReviewScreen, "confirm", classmethod(lambda cls, p, t: True))
    manager_screen.show()
    qtbot.waitExposed(manager_screen)
    _unlock(qtbot, manager_screen, tasks)
    manager_screen.tabs.setCurrentIndex(ManagerScreen.TAB_REVIEW)
    wait_idle(qtbot, tasks)
    manager_screen.activateWindow()  # the PIN dialog had the keyboard
    qtbot.waitUntil(manager_screen.isActiveWindow, timeout=2000)
    page = manager_screen.review
    assert page is not None
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Tab)
    assert page.reason_edit.hasFocus()
    qtbot.keyClicks(page.reason_edit, "called the customer")  # QTest types ASCII only
    qtbot.keyClick(page.reason_edit, Qt.Key.Key_Tab)
    assert page.consumed_button.hasFocus()
    qtbot.keyClick(page.consumed_button, Qt.Key.Key_Tab)
    assert page.not_redeemed_button.hasFocus()
    with qtbot.waitSignal(page.resolved, timeout=WAIT_MS):
        qtbot.keyClick(page.not_redeemed_button, Qt.Key.Key_Space)
    wait_idle(qtbot, tasks)
    row = training_runtime.service.get(review.id)
    assert row is not None and row.state is OpState.FAILED


def test_a_reversal_told_the_order_is_closed_says_so_and_lists_the_redemption_for_review(
    qtbot: QtBot,
    manager_screen: ManagerScreen,
    training_runtime: Runtime,
    tasks: TaskManager,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The simulator's record of this request id is a redemption that never completed (CLOSED):
    # its cancel answers USE_BIZ_ORDER_CLOSE, contradicting the SUCCEEDED row here.
    sim = training_runtime.simulator
    assert sim is not None
    code, rid = sim.demo.codes["expired"], sim.demo.request_ids["expired"]
    payload = {"ticket_request_id": rid, "ticket_code": code, "quantity": "1"}
    op = training_runtime.journal.add(
        NewOperation(OpKind.REDEEM, rid, code, "INTERNAL_CODE", 1, payload)
    )
    parent = training_runtime.journal.settle(
        op.id, Settle(OpState.SUCCEEDED, order_no=sim.demo.order_nos["expired"])
    )
    monkeypatch.setattr(ReversalScreen, "confirm", classmethod(lambda cls, p, t: True))
    _unlock(qtbot, manager_screen, tasks)
    reversal = manager_screen.reversal
    assert reversal is not None and reversal.select_operation(parent.id)
    reversal.reason_combo.setEditText("顾客要求退")
    with qtbot.waitSignal(reversal.reversed, timeout=WAIT_MS) as signal:
        reversal.reverse_button.click()
    wait_idle(qtbot, tasks)

    assert signal.args[0].error_code == "USE_BIZ_ORDER_CLOSE"
    assert REVIEW_PARENT in reversal.result_label.text()
    assert manager_screen.tabs.tabText(ManagerScreen.TAB_REVIEW) == "需核对 (1)"
    page = manager_screen.review
    assert page is not None
    assert [r.id for r in page._rows] == [parent.id]
    assert page.table.item(0, 5).text() == REVIEW_PARENT


# ------------------------------------------------------------------------------------- manual
@pytest.fixture
def window(
    qtbot: QtBot, zh_ui: None, training_runtime: Runtime, tasks: TaskManager
) -> Iterator[MainWindow]:
    main = MainWindow(training_runtime, tasks)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.shutdown()
    wait_idle(qtbot, tasks)


def _journal_rows(runtime: Runtime, code: str) -> Callable[[], list[Operation]]:
    return lambda: runtime.journal.by_code(code)


def test_manual_entry_sends_the_ticket_id_of_an_external_code(
    qtbot: QtBot, window: MainWindow, training_runtime: Runtime, tasks: TaskManager
) -> None:
    manual = window.manual_screen
    window.show_screen(Screen.MANUAL)
    assert not manual.ticket_edit.isVisible(), "internal codes have no 凭证ID"
    manual.set_code_type(manual.code_type.EXTERNAL)
    assert manual.ticket_edit.isVisible()
    assert manual.ticket_label.text() == "凭证ID（选填）"
    code = DEMO_CODES["external"]
    manual.set_text(code)
    sent = training_runtime.simulator.state.total_requests()  # type: ignore[union-attr]

    manual.ticket_edit.setText("票据!")  # not letters/digits/-/_: refused inline
    assert manual.has_problem and not manual.redeem_button.isEnabled()
    assert "凭证ID" in manual.hint.text()
    qtbot.keyClick(manual.ticket_edit, Qt.Key.Key_Return)
    assert training_runtime.simulator.state.total_requests() == sent  # type: ignore[union-attr]
    assert _journal_rows(training_runtime, code)() == []

    manual.ticket_edit.setText("TKT-2026_0001")
    assert manual.is_valid
    qtbot.keyClick(manual.ticket_edit, Qt.Key.Key_Return)
    card = window.scan_screen.card
    qtbot.waitUntil(lambda: card.state is CardState.SUCCESS, timeout=WAIT_MS)
    (row,) = _journal_rows(training_runtime, code)()
    assert row.payload["ticket_id"] == "TKT-2026_0001", "kept so a retry sends the same request"
    assert manual.ticket_edit.text() == "", "cleared with the code after it was handed over"


def test_the_ticket_id_is_hidden_and_cleared_for_internal_codes(
    qtbot: QtBot, window: MainWindow, training_runtime: Runtime, tasks: TaskManager
) -> None:
    manual = window.manual_screen
    window.show_screen(Screen.MANUAL)
    manual.set_code_type(manual.code_type.EXTERNAL)
    manual.ticket_edit.setText("TKT1")
    manual.set_code_type(manual.code_type.INTERNAL)
    assert not manual.ticket_edit.isVisible() and manual.ticket_edit.text() == ""
    code = DEMO_CODES["single"]
    manual.set_text(code)
    with qtbot.waitSignal(manual.submitted) as signal:
        assert manual.confirm()
    assert signal.args == [code, 1, manual.code_type.INTERNAL, ""]
    qtbot.waitUntil(lambda: window.scan_screen.card.state is CardState.SUCCESS, timeout=WAIT_MS)
    (row,) = training_runtime.journal.by_code(code)
    assert row.payload["ticket_id"] == ""
