"""The history screen over a real Runtime (training simulator, SQLite journal) and the worker."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from manager_helpers import WAIT_MS, add_row, wait_idle
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.core.journal import OpState
from pos_app.runtime import Runtime
from pos_app.sandbox.demo import DEMO_CODES
from pos_app.ui.screens.history import HistoryScreen
from pos_app.ui.screens.history_model import Column
from pos_app.ui.tasks import TaskManager


def _screen(
    qtbot: QtBot, runtime: Runtime, tasks: TaskManager, page_size: int | None = None
) -> HistoryScreen:
    screen = HistoryScreen(runtime.service, tasks, page_size=page_size)
    qtbot.addWidget(screen)
    screen.resize(1000, 600)
    wait_idle(qtbot, tasks)
    return screen


def _column(screen: HistoryScreen, column: Column) -> list[str]:
    model = screen.model
    return [str(model.index(row, column).data()) for row in range(model.rowCount())]


def _request_ids(screen: HistoryScreen) -> list[str]:
    rows = (screen.model.operation(row) for row in range(screen.model.rowCount()))
    return [op.request_id for op in rows if op is not None]


def _search(qtbot: QtBot, screen: HistoryScreen, tasks: TaskManager, text: str) -> None:
    screen.search_edit.clear()
    qtbot.keyClicks(screen.search_edit, text)
    qtbot.waitUntil(lambda: not screen._search_timer.isActive(), timeout=WAIT_MS)
    wait_idle(qtbot, tasks)


def test_redemptions_show_masked_with_state_and_totals(
    qtbot: QtBot, training_runtime: Runtime, tasks: TaskManager
) -> None:
    code = DEMO_CODES["single"]
    outcome = training_runtime.service.redeem(code)
    assert outcome.state is OpState.SUCCEEDED
    add_row(training_runtime, DEMO_CODES["expired"], state=OpState.FAILED, amount=None)
    screen = _screen(qtbot, training_runtime, tasks)
    assert screen.model.rowCount() == 2
    codes = _column(screen, Column.CODE)
    assert "********" + code[-4:] in codes
    assert all(code not in text for text in _column(screen, Column.CODE))
    states = dict(zip(codes, _column(screen, Column.STATE), strict=True))
    assert states["********" + code[-4:]] == "Succeeded"
    assert states["********" + DEMO_CODES["expired"][-4:]] == "Failed"
    # States carry their colour: green for succeeded, red for failed.
    colours = {
        screen.model.index(r, Column.CODE).data(): screen.model.index(r, Column.STATE)
        .data(9)  # Qt.ForegroundRole
        .name()
        for r in range(2)
    }
    assert colours["********" + code[-4:]] == "#1b7f3b"
    assert colours["********" + DEMO_CODES["expired"][-4:]] == "#b00020"
    totals = screen.totals_label.text()
    assert "Redeemed: 1" in totals and "Failed: 1" in totals
    assert "2 of 2" in screen.status_label.text()


def test_search_by_code_tail_order_no_and_request_id(
    qtbot: QtBot, training_runtime: Runtime, tasks: TaskManager
) -> None:
    a = add_row(training_runtime, "286501034417", order_no="ORDERAAA1")
    b = add_row(training_runtime, "286501038830", order_no="ORDERBBB2")
    add_row(training_runtime, "GAL358309629", order_no="ORDERCCC3")
    screen = _screen(qtbot, training_runtime, tasks)
    assert screen.model.rowCount() == 3

    _search(qtbot, screen, tasks, "4417")
    assert _column(screen, Column.ORDER_NO) == ["ORDERAAA1"]
    assert "1 of 1" in screen.status_label.text()

    _search(qtbot, screen, tasks, "ORDERBBB2")
    assert _column(screen, Column.CODE) == ["********8830"]

    _search(qtbot, screen, tasks, a.request_id)
    assert _request_ids(screen) == [a.request_id]

    _search(qtbot, screen, tasks, "nothing-like-this")
    assert screen.model.rowCount() == 0
    assert b.request_id not in _request_ids(screen)

    screen.search_edit.clear()
    wait_idle(qtbot, tasks)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 3, timeout=WAIT_MS)


def test_state_filter(qtbot: QtBot, training_runtime: Runtime, tasks: TaskManager) -> None:
    add_row(training_runtime, "286501034417")
    add_row(training_runtime, "286501034425", state=OpState.FAILED)
    screen = _screen(qtbot, training_runtime, tasks)
    screen.state_combo.setCurrentIndex(2)  # failed only
    wait_idle(qtbot, tasks)
    assert _column(screen, Column.STATE) == ["Failed"]


def test_lazy_model_fetches_in_pages(
    qtbot: QtBot, training_runtime: Runtime, tasks: TaskManager
) -> None:
    for n in range(250):
        add_row(training_runtime, f"28650100{n:04d}", order_no=f"ORD{n:05d}")
    screen = _screen(qtbot, training_runtime, tasks, page_size=100)
    model = screen.model
    assert model.rowCount() == 100
    assert model.total == 250
    assert model.canFetchMore()
    model.fetchMore()
    assert model.loading and not model.canFetchMore(), "one page at a time"
    wait_idle(qtbot, tasks)
    assert model.rowCount() == 200
    # Scrolling to the end makes the view ask for the rest by itself.
    screen.show()
    qtbot.waitExposed(screen)
    screen.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 250, timeout=WAIT_MS)
    assert not model.canFetchMore()
    orders = _column(screen, Column.ORDER_NO)
    assert len(set(orders)) == 250, "no row twice, none missing"
    assert orders[0] == "ORD00249", "newest first"


def test_other_days_and_new_rows(
    qtbot: QtBot, training_runtime: Runtime, tasks: TaskManager
) -> None:
    add_row(training_runtime, "286501034417")
    screen = _screen(qtbot, training_runtime, tasks)
    screen.set_day(date.today() - timedelta(days=1))
    wait_idle(qtbot, tasks)
    assert screen.model.rowCount() == 0
    assert "No records" in screen.status_label.text()
    screen.show_today()
    wait_idle(qtbot, tasks)
    assert screen.model.rowCount() == 1
    # An operation settled elsewhere in the app appears at the top without a reload.
    outcome = training_runtime.service.redeem(DEMO_CODES["single_2"])
    screen.on_outcome(outcome)
    wait_idle(qtbot, tasks)
    assert screen.model.rowCount() == 2
    assert screen.model.operation(0) == outcome.operation
    assert "Redeemed: 2" in screen.totals_label.text()


def test_csv_export_writes_the_rows(
    qtbot: QtBot,
    training_runtime: Runtime,
    tasks: TaskManager,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for n in range(7):
        add_row(training_runtime, f"28650100{n:04d}", order_no=f"ORD{n:05d}", amount="12.50")
    add_row(training_runtime, "GAL358309629", order_no="OTHER1")
    screen = _screen(qtbot, training_runtime, tasks, page_size=3)
    target = tmp_path / "out" / "day"
    target.parent.mkdir()
    asked: list[str] = []

    def fake_ask(parent: object, suggested: str) -> str:
        asked.append(suggested)
        return str(target)

    monkeypatch.setattr(
        HistoryScreen,
        "ask_export_path",
        classmethod(lambda cls, parent, suggested: fake_ask(parent, suggested)),
    )
    _search(qtbot, screen, tasks, "ORD0")
    with qtbot.waitSignal(screen.exported, timeout=WAIT_MS) as signal:
        screen.export_button.click()
    path, count = signal.args
    assert Path(path) == target.with_suffix(".csv")
    assert count == 7, "every matching row, not only the loaded page"
    assert asked and asked[0].endswith(".csv")
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["Id", "Time", "Type"]
    body = rows[1:]
    assert len(body) == 7
    assert {r[9] for r in body} == {f"ORD{n:05d}" for n in range(7)}
    assert all(r[4].startswith("********") for r in body)
    assert all(r[7] == "12.50" for r in body)
    text = Path(path).read_text(encoding="utf-8-sig")
    assert "286501000003" not in text, "no full code in the file"
    assert "Exported 7" in screen.status_label.text()
    assert screen.export_button.isEnabled()


def test_export_cancelled_writes_nothing(
    qtbot: QtBot,
    training_runtime: Runtime,
    tasks: TaskManager,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = _screen(qtbot, training_runtime, tasks)
    monkeypatch.setattr(HistoryScreen, "ask_export_path", classmethod(lambda cls, p, s: ""))
    screen.export_button.click()
    wait_idle(qtbot, tasks)
    assert list(tmp_path.glob("*.csv")) == []


@pytest.mark.parametrize("language", ["en", "zh"])
def test_short_words_fit_their_columns_and_ids_keep_their_tails(
    qtbot: QtBot,
    training_runtime: Runtime,
    tasks: TaskManager,
    language: str,
    request: pytest.FixtureRequest,
) -> None:
    request.getfixturevalue("en_ui" if language == "en" else "zh_ui")
    add_row(training_runtime, DEMO_CODES["single"], order_no="2024060111040030100130500000001")
    screen = _screen(qtbot, training_runtime, tasks)
    metrics = screen.table.fontMetrics()
    for column in (Column.KIND, Column.STATE):
        for text in _column(screen, column):
            assert metrics.horizontalAdvance(text) < screen.table.columnWidth(column), text
    delegate = screen.table.itemDelegateForColumn(Column.ORDER_NO)
    assert delegate is not None and delegate is not screen.table.itemDelegate()


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("width", [1024, 984])  # the records screen, and the manager's tab
def test_fits_1024_and_the_selected_row_shows_its_request_id(
    qtbot: QtBot,
    training_runtime: Runtime,
    tasks: TaskManager,
    *,
    language: str,
    width: int,
    request: pytest.FixtureRequest,
) -> None:
    request.getfixturevalue("en_ui" if language == "en" else "zh_ui")
    service = training_runtime.service
    long_order = "2024060111040030100130500000001"
    redeemed = add_row(training_runtime, "286501038830", order_no=long_order, amount="1280.00")
    add_row(training_runtime, "GAL358309629", order_no="ORD2", state=OpState.FAILED, amount=None)
    reversed_op = service.redeem(DEMO_CODES["single"]).operation
    reason = "顾客扫错了券，要求撤销"
    service.reverse(reversed_op.id, reason=reason, manager="店长", operator="店长")
    screen = HistoryScreen(training_runtime.service, tasks)
    qtbot.addWidget(screen)
    screen.resize(width, 768 - 160)  # minus the banner, the navigation and the status bar
    screen.show()
    qtbot.waitExposed(screen)
    wait_idle(qtbot, tasks)
    assert screen.model.rowCount() == 4
    bar = screen.table.horizontalScrollBar()
    assert not bar.isVisible() or bar.maximum() == 0
    header = screen.table.horizontalHeader()
    sizes = [header.sectionSize(column) for column in Column]
    assert header.sectionSize(Column.ITEM) >= 100, f"the item name keeps room to be read: {sizes}"

    assert screen.details.request_id_label.text() != redeemed.request_id, "nothing selected yet"
    row = screen.model.row_of(redeemed.id)
    assert row is not None
    screen.table.selectRow(row)
    assert screen.details.request_id_label.text() == redeemed.request_id
    assert screen.details.order_no_label.text() == long_order, "the whole order no"
    assert "cashier" in screen.details.people_label.text()
    reversal_row = screen.model.row_of(reversed_op.id + 1)
    assert reversal_row is not None
    screen.table.selectRow(reversal_row)
    assert reason in screen.details.note_label.text()
    assert "店长" in screen.details.people_label.text()
    tip = screen.model.index(row, Column.ORDER_NO).data(Qt.ItemDataRole.ToolTipRole)
    assert long_order in tip and redeemed.request_id in tip


def _export(
    qtbot: QtBot, screen: HistoryScreen, target: Path, monkeypatch: pytest.MonkeyPatch
) -> list[list[str]]:
    monkeypatch.setattr(
        HistoryScreen, "ask_export_path", classmethod(lambda cls, parent, suggested: str(target))
    )
    with qtbot.waitSignal(screen.exported, timeout=WAIT_MS):
        screen.export_button.click()
    with target.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.usefixtures("zh_ui")
def test_csv_states_and_kinds_are_in_the_ui_language_with_an_english_option(
    qtbot: QtBot,
    training_runtime: Runtime,
    tasks: TaskManager,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_row(training_runtime, "286501000001", order_no="ORD1", amount="12.50")
    add_row(training_runtime, "286501000002", state=OpState.FAILED)
    screen = _screen(qtbot, training_runtime, tasks)
    assert screen.english_csv.text() == "导出英文 CSV"
    rows = _export(qtbot, screen, tmp_path / "zh.csv", monkeypatch)
    assert rows[0][:4] == ["编号", "时间", "类型", "状态"]
    assert {r[2] for r in rows[1:]} == {"核销"}
    assert {r[3] for r in rows[1:]} == {"成功", "失败"}
    screen.english_csv.setChecked(True)
    rows = _export(qtbot, screen, tmp_path / "en.csv", monkeypatch)
    assert rows[0][:4] == ["Id", "Time", "Type", "State"]
    assert {r[2] for r in rows[1:]} == {"Redeem"}
    assert {r[3] for r in rows[1:]} == {"Succeeded", "Failed"}


def test_cashier_filter_lists_one_cashiers_rows_as_the_report_counts_them(
    qtbot: QtBot, training_runtime: Runtime, tasks: TaskManager
) -> None:
    codes = training_runtime.simulator.demo.codes  # type: ignore[union-attr]
    training_runtime.service.redeem(codes["single"], cashier="小李")
    training_runtime.service.redeem(codes["single_2"], cashier="小王")
    training_runtime.service.redeem(codes["refunded"], cashier="小王")
    screen = _screen(qtbot, training_runtime, tasks)
    assert screen.model.rowCount() == 3
    screen.cashier_edit.setText("小王")
    qtbot.waitUntil(lambda: not screen._search_timer.isActive(), timeout=WAIT_MS)
    wait_idle(qtbot, tasks)
    assert sorted(_column(screen, Column.STATE)) == ["Failed", "Succeeded"]
    assert {op.cashier for op in map(screen.model.operation, range(2)) if op} == {"小王"}
    from pos_app.core.reports import JournalSource, day_report

    day = date.today()
    report = day_report(JournalSource.till(training_runtime.journal), day, cashier="小王")
    assert (report.redeemed.count, report.failed) == (1, 1)  # the same two rows
