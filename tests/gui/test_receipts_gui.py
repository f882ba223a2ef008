"""Receipts from the real window on a real training Runtime, printed to a fake network printer on
127.0.0.1: a slip after each redemption on its own lane, a printer that is away or out of paper
never holding up or changing a redemption (a warning instead), 补打小票, 打印测试."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from fake_printer import PAPER_OUT, FakePrinter, decode, refused_uri
from manager_helpers import WAIT_MS, wait_idle
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.core.journal import OpState
from pos_app.ui.main_window import MainWindow
from pos_app.ui.receipts import MAX_WAITING, ReceiptDesk
from pos_app.ui.screens.history import HistoryScreen
from pos_app.ui.screens.settings import SettingsScreen
from pos_app.ui.tasks import Lane, TaskManager
from pos_app.ui.widgets.result_card import CardState


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    fake = FakePrinter()
    try:
        yield fake
    finally:
        fake.close()


@pytest.fixture
def desk(training_runtime: Any, print_lane: TaskManager) -> ReceiptDesk:
    """The window's receipt desk on its own, over the real training runtime."""
    return ReceiptDesk(training_runtime, print_lane)


@pytest.fixture
def print_lane(qapp: Any) -> Iterator[TaskManager]:
    lane = TaskManager(Lane.PRINT)
    try:
        yield lane
    finally:
        assert lane.shutdown(timeout_s=20)


def _use_printer(runtime: Any, uri: str, **more: Any) -> None:
    runtime.settings = replace(runtime.settings, printer_uri=uri, **more)


def _window(qtbot: QtBot, runtime: Any, tasks: TaskManager) -> MainWindow:
    main = MainWindow(runtime, tasks)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


def _redeem(qtbot: QtBot, main: MainWindow, code: str) -> None:
    main.scan_screen.submit(code)
    qtbot.waitUntil(lambda: main.scan_screen.card.state is CardState.SUCCESS, timeout=WAIT_MS)


def _close(qtbot: QtBot, main: MainWindow, tasks: TaskManager) -> None:
    main.shutdown()
    qtbot.waitUntil(lambda: not tasks.busy, timeout=WAIT_MS)


def test_a_redemption_prints_its_slip_and_the_money_lane_never_waits_for_it(
    qtbot: QtBot, zh_ui: None, training_runtime: Any, tasks: TaskManager
) -> None:
    # A printer that never reports its paper status: each slip costs the status timeout.
    slow = FakePrinter(status=None)
    try:
        _use_printer(training_runtime, slow.uri, printer_width=58)
        main = _window(qtbot, training_runtime, tasks)
        code = training_runtime.simulator.demo.codes["single"]
        _redeem(qtbot, main, code)
        # The card is green and the money lane idle while the slip still waits for the printer.
        assert main.print_lane.busy
        wait_idle(qtbot, tasks)
        assert main.print_lane.busy

        printed = decode(slow.wait_jobs(1)[0])
        op = training_runtime.service.find_request(printed.qr[0])[0]
        assert op.state is OpState.SUCCEEDED and op.code == code
        assert printed.lines[0] == "核销凭条"
        assert "双人下午茶套餐" in printed.text and code not in printed.text
        assert printed.cut
        qtbot.waitUntil(lambda: not main.print_lane.busy, timeout=WAIT_MS)
        assert "小票已打印" in main.statusBar().currentMessage()
        _close(qtbot, main, tasks)
    finally:
        slow.close()


@pytest.mark.parametrize("away", ["refused", "no paper"])
def test_a_printer_that_is_away_leaves_the_redemption_alone_and_warns(
    qtbot: QtBot, zh_ui: None, training_runtime: Any, tasks: TaskManager, away: str
) -> None:
    out_of_paper = FakePrinter(status=PAPER_OUT)
    try:
        _use_printer(training_runtime, refused_uri() if away == "refused" else out_of_paper.uri)
        main = _window(qtbot, training_runtime, tasks)
        code = training_runtime.simulator.demo.codes["single"]
        _redeem(qtbot, main, code)
        qtbot.waitUntil(lambda: bool(main.toast.lines), timeout=WAIT_MS)

        warning = main.toast.lines[0]
        assert warning.startswith("小票未打印")
        assert ("连不上小票打印机" if away == "refused" else "缺纸") in warning
        assert "补打" in warning
        assert warning in main.statusBar().currentMessage()
        assert main.scan_screen.card.state is CardState.SUCCESS
        assert len(training_runtime.simulator.state.redemptions_for(code)) == 1
        rows = training_runtime.journal.by_code(code)
        assert [row.state for row in rows] == [OpState.SUCCEEDED]
        _close(qtbot, main, tasks)
    finally:
        out_of_paper.close()


def test_slips_beyond_the_bound_are_dropped_with_a_warning(
    qtbot: QtBot, zh_ui: None, training_runtime: Any, print_lane: TaskManager
) -> None:
    silent = FakePrinter(status=None)
    try:
        _use_printer(training_runtime, silent.uri)
        op = training_runtime.service.redeem(training_runtime.simulator.demo.codes["single"])
        desk = ReceiptDesk(training_runtime, print_lane)
        warnings: list[str] = []
        desk.warning.connect(warnings.append)
        for _ in range(MAX_WAITING + 2):
            desk.print_operation(op.operation)
        assert print_lane.pending == MAX_WAITING
        assert len(warnings) == 2 and all("排队" in text for text in warnings)
        desk.close()  # what still waits is not printed (the journal keeps it)
        qtbot.waitUntil(lambda: not print_lane.busy, timeout=WAIT_MS)
        qtbot.wait(200)
        assert len(silent.jobs) <= 1  # at most the slip that was being sent
        assert len(warnings) >= MAX_WAITING + 1  # each slip not printed was announced
    finally:
        silent.close()


@pytest.mark.usefixtures("zh_ui")
def test_history_reprints_the_selected_slip(
    qtbot: QtBot, training_runtime: Any, tasks: TaskManager, desk: ReceiptDesk, printer: FakePrinter
) -> None:
    _use_printer(training_runtime, printer.uri, printer_auto=False)
    outcome = training_runtime.service.redeem(training_runtime.simulator.demo.codes["multi"])
    screen = HistoryScreen(training_runtime.service, tasks, receipts=desk)
    qtbot.addWidget(screen)
    wait_idle(qtbot, tasks)
    assert screen.reprint_button.text() == "补打小票"
    assert not screen.reprint_button.isEnabled()  # nothing selected yet
    screen.table.selectRow(0)
    assert screen.reprint_button.isEnabled()
    qtbot.mouseClick(screen.reprint_button, Qt.MouseButton.LeftButton)

    printed = decode(printer.wait_jobs(1)[0])
    assert printed.qr == [outcome.operation.request_id]
    assert any(line.strip().startswith("补打") for line in printed.lines)


@pytest.mark.usefixtures("zh_ui")
def test_the_settings_print_test_button_prints_the_typed_address(
    qtbot: QtBot, tasks: TaskManager, probe: TaskManager, desk: ReceiptDesk, printer: FakePrinter
) -> None:
    training_runtime = desk._runtime
    screen = SettingsScreen(training_runtime, tasks, probe=probe, receipts=desk)
    qtbot.addWidget(screen)
    assert screen.print_test_button.text() == "打印测试"

    screen.printer_uri_edit.setText("lpt1")
    qtbot.mouseClick(screen.print_test_button, Qt.MouseButton.LeftButton)
    assert "打印机地址不对" in screen.print_test_label.text()
    assert "border" in screen.printer_uri_edit.styleSheet()
    assert not desk.waiting and printer.jobs == []

    screen.printer_uri_edit.setText(printer.uri)
    qtbot.mouseClick(screen.print_test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "测试页已打印" in screen.print_test_label.text(), timeout=WAIT_MS)
    printed = decode(printer.wait_jobs(1)[0])
    assert printed.lines[0] == "打印测试" and printer.uri in printed.text
    assert training_runtime.settings.printer_uri == ""  # testing saves nothing


@pytest.mark.parametrize("width", [58, 80])
def test_the_preview_draws_the_slip_on_paper_as_wide_as_the_printers(qapp: Any, width: int) -> None:
    from pos_app.core.receipt import DOTS, Slip
    from pos_app.ui.receipt_preview import MARGIN, render_slip

    plain = render_slip(Slip("核销凭条", (("商品", "双人下午茶套餐"),)), width)
    with_qr = render_slip(Slip("核销凭条", (("商品", "双人下午茶套餐"),), qr="P123"), width)
    assert plain.width() == DOTS[width] + 2 * MARGIN
    assert with_qr.height() > plain.height() + 100  # the QR code is drawn below the lines
    assert with_qr.pixelColor(2, 2).lightness() == 255  # white paper
    assert _dark(with_qr) > _dark(plain) + 200  # black modules, not an empty box


def _dark(image: Any) -> int:
    return sum(
        image.pixelColor(x, y).lightness() < 128
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
    )
