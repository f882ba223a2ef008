"""The store views in the GUI with real parts: two tills (Runtime, SQLite, replicator) on the
suite's PostgreSQL (tests/pg_server.py) and one simulator over HTTP; real widgets (pytest-qt).

* history and totals switch between 本机 and 全店; in 全店 each row names its till and cashier;
* the reversal list in 全店 lists another till's redemption, and reversing it goes through the
  cross-till reversal (journaled at this till with the redemption's request id);
* the scan card says when and at which till a code was redeemed today (before sending);
* the status bar's 门店库 label: in sync / N waiting / offline, hidden without a store database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from gui_fakes import FakeRuntime, FakeService, StoreStatus, make_op
from manager_helpers import WAIT_MS, wait_idle
from pg_server import PgServer
from pytestqt.qtbot import QtBot
from store_helpers import close_tills, open_till, wait_for

from pos_app.core.errors import RedeemedElsewhere
from pos_app.core.journal import OpKind, OpState
from pos_app.runtime import Runtime
from pos_app.sandbox import Simulator
from pos_app.ui.main_window import MainWindow
from pos_app.ui.screens.history import HistoryScreen
from pos_app.ui.screens.history_model import Column
from pos_app.ui.screens.reversal import ReversalScreen
from pos_app.ui.screens.scan import ScanScreen
from pos_app.ui.tasks import TaskManager
from pos_app.ui.widgets.result_card import CardState


@pytest.fixture
def shop(
    tmp_path: Path, pg_server: PgServer, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Runtime, Runtime, Simulator]]:
    """Till A (LANE1) has redeemed the demo single-use code as alice; it is in the store."""
    monkeypatch.setenv("PGPASSWORD", pg_server.password)  # as the keyring's store-db-password
    sim = Simulator.start(host="127.0.0.1", port=0, data_dir=None)
    url = pg_server.url(pg_database)
    a, b = open_till(tmp_path, "LANE1", url, sim), open_till(tmp_path, "LANE2", url, sim)
    try:
        redeemed = a.service.redeem(sim.demo.codes["single"], operator="alice").operation
        assert redeemed.state is OpState.SUCCEEDED
        assert wait_for(b.service.shop_reversible, 30)
        yield a, b, sim
    finally:
        close_tills(a, b)
        sim.stop()


def test_history_switches_to_the_whole_store_and_names_till_and_cashier(
    qtbot: QtBot, tasks: TaskManager, shop: tuple[Runtime, Runtime, Simulator]
) -> None:
    _, b, _ = shop
    screen = HistoryScreen(b.service, tasks)
    qtbot.addWidget(screen)
    wait_idle(qtbot, tasks)
    assert screen.scope.isVisibleTo(screen) and not screen.scope.store
    assert screen.model.rowCount() == 0  # this till has redeemed nothing
    assert screen.table.isColumnHidden(Column.TILL)
    assert screen.totals_label.text().startswith("Redeemed: 0 ")

    screen.scope.set_store(True)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=WAIT_MS)
    wait_idle(qtbot, tasks)
    till = screen.model.index(0, Column.TILL).data()
    assert till == "LANE1 · alice"
    assert not screen.table.isColumnHidden(Column.TILL)
    assert screen.totals_label.text().startswith("Redeemed: 1 ")

    screen.scope.set_store(False)  # back to this till
    qtbot.waitUntil(lambda: screen.model.rowCount() == 0, timeout=WAIT_MS)


def test_the_store_reversal_list_reverses_another_tills_redemption(
    qtbot: QtBot,
    tasks: TaskManager,
    shop: tuple[Runtime, Runtime, Simulator],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b, sim = shop
    code = sim.demo.codes["single"]
    screen = ReversalScreen(b.service, tasks, lambda: "王店长")
    qtbot.addWidget(screen)
    screen.refresh()
    wait_idle(qtbot, tasks)
    assert screen.table.rowCount() == 0  # this till's own list is empty
    screen.scope.set_store(True)
    qtbot.waitUntil(lambda: screen.table.rowCount() == 1, timeout=WAIT_MS)
    item = screen.table.item(0, 6)
    assert item is not None and item.text() == "LANE1 · alice"
    screen.table.selectRow(0)
    screen.reason_combo.setEditText("顾客退单")
    monkeypatch.setattr(ReversalScreen, "confirm", classmethod(lambda cls, p, text: True))
    with qtbot.waitSignal(screen.reversed, timeout=WAIT_MS) as signal:
        screen.reverse_button.click()
    outcome = signal.args[0]
    assert outcome.state is OpState.SUCCEEDED, outcome.error_code
    op = outcome.operation
    assert (op.kind, op.parent_id, op.terminal, op.manager) == (
        OpKind.REVERSE,
        None,
        "LANE2",
        "王店长",
    )
    assert op.payload["request_id"] == a.journal.by_code(code)[0].request_id
    assert len(sim.state.cancels_for(code)) == 1
    # Once B's reversal has reached the store, the whole store's list no longer offers it.
    assert wait_for(lambda: not b.service.shop_reversible(), 30)
    screen.refresh()
    qtbot.waitUntil(lambda: screen.table.rowCount() == 0, timeout=WAIT_MS)


def test_the_scan_card_says_which_till_redeemed_the_code_today(
    qtbot: QtBot, tasks: TaskManager, fake_service: FakeService
) -> None:
    previous = replace(make_op(1, operator="alice"), terminal="LANE1")
    fake_service.script.append(RedeemedElsewhere(previous))
    screen = ScanScreen(fake_service, tasks)  # type: ignore[arg-type]
    qtbot.addWidget(screen)
    screen.submit(previous.code)
    qtbot.waitUntil(lambda: screen.card.state is CardState.ALREADY, timeout=WAIT_MS)
    view = screen.card.view
    assert view.title == "Already redeemed at another till"
    hhmm = previous.created_at.astimezone().strftime("%H:%M")
    assert "LANE1" in view.headline and hhmm in view.headline
    assert ("Till", "LANE1") in view.rows and ("By", "alice") in view.rows


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (StoreStatus(True, 0), "Store DB: in sync"),
        (StoreStatus(True, 7), "Store DB: 7 waiting"),
        (StoreStatus(False, 7), "Store DB: offline"),
    ],
)
def test_the_status_bar_shows_the_store_database(
    qtbot: QtBot,
    tasks: TaskManager,
    fake_service: FakeService,
    status: StoreStatus,
    text: str,
) -> None:
    runtime = FakeRuntime(fake_service)
    main = MainWindow(runtime, tasks)  # type: ignore[arg-type]
    qtbot.addWidget(main)
    main.check_store()
    qtbot.waitUntil(lambda: not main._store_polling, timeout=WAIT_MS)
    assert not main.store_label.isVisibleTo(main)  # no store database: no label
    runtime.store = status
    main.check_store()
    qtbot.waitUntil(lambda: main.store_label.text() == text, timeout=WAIT_MS)
    assert main.store_label.isVisibleTo(main)
    main.shutdown()


def test_the_status_bar_polls_a_real_replicator(
    qtbot: QtBot, tasks: TaskManager, shop: tuple[Runtime, Runtime, Simulator]
) -> None:
    a, _, _ = shop
    main = MainWindow(a, tasks)
    qtbot.addWidget(main)
    main.check_store()
    qtbot.waitUntil(lambda: main.store_label.text() == "Store DB: in sync", timeout=WAIT_MS)
    main.shutdown()


def test_the_switch_appears_once_a_store_database_is_set_without_a_restart(
    qtbot: QtBot, tasks: TaskManager, tmp_path: Path
) -> None:
    sim = Simulator.start(host="127.0.0.1", port=0, data_dir=None)
    till = open_till(tmp_path, "LANE1", "", sim)
    try:
        history = HistoryScreen(till.service, tasks)
        reversal = ReversalScreen(till.service, tasks, lambda: "m")
        for widget in (history, reversal):
            qtbot.addWidget(widget)
            widget.show()
        wait_idle(qtbot, tasks)
        assert not history.scope.isVisible() and not reversal.scope.isVisible()
        url = "postgresql://pos@127.0.0.1:1/pos"  # never reached here: only configured
        till.apply_settings(replace(till.settings, store_database_url=url), by="m")
        history.refresh()
        reversal.refresh()
        wait_idle(qtbot, tasks)
        assert history.scope.isVisible() and reversal.scope.isVisible()
        till.apply_settings(replace(till.settings, store_database_url=""), by="m")
        history.scope.set_store(True)
        reversal.refresh()
        history.refresh()
        wait_idle(qtbot, tasks)
        assert not history.scope.isVisible() and not history.scope.store
    finally:
        close_tills(till)
        sim.stop()
