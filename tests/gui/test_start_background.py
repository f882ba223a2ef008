"""Start-up off the critical path (issue #13): the window is up and takes scans while the runtime
finishes opening (training simulator, keyring probe) on a thread.

A real ``Runtime.open(home, background=True)`` and the app's own ``start_window``; the simulator's
start is held back until the test releases it, so the first scan really arrives while the
platform light says 正在连接.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from pos_app import app as app_module
from pos_app import runtime as runtime_module
from pos_app.config.home import AppHome
from pos_app.core.errors import ConfigError
from pos_app.core.journal import OpKind, OpState
from pos_app.runtime import Runtime
from pos_app.sandbox import Simulator
from pos_app.sandbox.demo import DEMO_CODES, OUR_SHOP_ID
from pos_app.ui.main_window import MainWindow, Screen
from pos_app.ui.tasks import TaskManager
from pos_app.ui.widgets.result_card import CardState

WAIT_MS = 15_000


class HeldStart:
    """Stands in for ``runtime._start_simulator``: waits for ``release``, then starts the real
    simulator (or raises ``error``)."""

    def __init__(self, keys: Any, error: Exception | None = None) -> None:
        self.keys = keys
        self.error = error
        self.release = threading.Event()
        self.called = threading.Event()

    def __call__(self, home: AppHome) -> Simulator:
        self.called.set()
        assert self.release.wait(WAIT_MS / 1000)
        if self.error is not None:
            raise self.error
        return Simulator.start(host="127.0.0.1", port=0, data_dir=None, keys=self.keys)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppHome:
    monkeypatch.setenv("POS_APP_KEYRING_SERVICE", f"pos_app_gui_tests_{uuid.uuid4().hex[:8]}")
    home = AppHome(tmp_path / "home")
    home.config_file.write_text("[sound]\nenabled = false\n", encoding="utf-8")
    return home


def _start(
    qtbot: QtBot, qapp: QApplication, home: AppHome
) -> tuple[Runtime, MainWindow, TaskManager]:
    runtime = Runtime.open(home, background=True)
    window, tasks = app_module.start_window(qapp, runtime)
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    return runtime, window, tasks


def _stop(qtbot: QtBot, runtime: Runtime, window: MainWindow, tasks: TaskManager) -> None:
    window.shutdown()
    qtbot.waitUntil(lambda: not tasks.busy, timeout=WAIT_MS)
    assert tasks.shutdown(timeout_s=10)
    runtime.close()


def _scan(window: MainWindow, code: str) -> None:
    handle = window.windowHandle()
    for ch in code:
        QTest.keyClick(handle, ch)
    QTest.keyClick(handle, Qt.Key.Key_Return)


@pytest.fixture
def held(sim_keys: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldStart]:
    start = HeldStart(sim_keys)
    monkeypatch.setattr(runtime_module, "_start_simulator", start)
    yield start
    start.release.set()


def test_the_first_scan_while_connecting_is_redeemed_once_the_simulator_is_up(
    qtbot: QtBot, qapp: QApplication, zh_ui: None, home: AppHome, held: HeldStart
) -> None:
    runtime, window, tasks = _start(qtbot, qapp, home)
    try:
        assert held.called.wait(5), "the slow half starts once the window is up"
        assert not runtime.started
        assert window.health_label.text() == "平台：正在连接…"

        code = DEMO_CODES["single"]
        _scan(window, code)
        qtbot.wait(300)  # the scan waits behind the start: nothing journaled, nothing sent yet
        assert runtime.journal.day_page(date.today()) == []

        held.release.set()
        card = window.scan_screen.card
        qtbot.waitUntil(lambda: card.state is CardState.SUCCESS, timeout=WAIT_MS)
        [op] = runtime.journal.day_page(date.today())
        assert (op.kind, op.state, op.code) == (OpKind.REDEEM, OpState.SUCCEEDED, code)
        assert op.shop_id == OUR_SHOP_ID  # the demo shop, though the scan came first
        simulator = runtime.simulator
        assert simulator is not None and len(simulator.state.redemptions_for(code)) == 1
        qtbot.waitUntil(lambda: window.health_label.text() != "平台：正在连接…", timeout=WAIT_MS)
        assert window.scan_screen._demo_rows  # listed once the simulator is up
    finally:
        held.release.set()
        _stop(qtbot, runtime, window, tasks)


def test_a_failed_start_is_shown_the_app_exits_2_and_a_waiting_scan_is_refused(
    qtbot: QtBot,
    qapp: QApplication,
    home: AppHome,
    held: HeldStart,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    held.error = ConfigError("SANDBOX_BUSY", "another app holds the simulator")
    shown: list[tuple[Any, ...]] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: shown.append(args))
    exits: list[int] = []
    monkeypatch.setattr(qapp, "exit", exits.append)
    runtime, window, tasks = _start(qtbot, qapp, home)
    try:
        _scan(window, DEMO_CODES["single"])
        held.release.set()
        qtbot.waitUntil(lambda: bool(shown) and bool(exits), timeout=WAIT_MS)
        assert exits == [app_module.EXIT_STARTUP_FAILED]
        assert "模拟平台已被另一个收银程序占用" in str(shown[0][2])
        qtbot.waitUntil(lambda: not tasks.busy, timeout=WAIT_MS)
        assert runtime.journal.day_page(date.today()) == []  # refused before anything was written
        with pytest.raises(ConfigError):
            runtime.wait_started()
    finally:
        _stop(qtbot, runtime, window, tasks)


def test_a_scan_while_connecting_on_a_till_with_cashiers_is_refused_not_redeemed(
    qtbot: QtBot, qapp: QApplication, zh_ui: None, home: AppHome, held: HeldStart
) -> None:
    """Whether the till has cashiers is in the keyring, read only once it is up: a scan held
    meanwhile must not be redeemed without a signed-in cashier (fail closed)."""
    from pos_app.runtime import cashier_registry
    from pos_app.secrets.store import open_secret_store

    cashier_registry(home, open_secret_store()).add("小李", "2468")
    runtime, window, tasks = _start(qtbot, qapp, home)
    try:
        assert held.called.wait(5)
        assert window.current_screen() is Screen.SCAN  # not known yet: the scan screen
        code = DEMO_CODES["single"]
        _scan(window, code)
        card = window.scan_screen.card
        assert card.state is CardState.BUSY and card.view.title == "正在连接平台…"
        window.show_screen(Screen.MANAGER)  # its PIN is in the keyring too: not yet
        assert window.current_screen() is Screen.SCAN
        assert "仍在连接平台" in window.statusBar().currentMessage()

        held.release.set()
        qtbot.waitUntil(lambda: window.current_screen() is Screen.SIGN_IN, timeout=WAIT_MS)
        assert set(window.sign_in_screen.name_buttons) == {"小李"}
        assert "请先登录" in window.statusBar().currentMessage()
        qtbot.wait(200)
        assert runtime.journal.day_page(date.today()) == []
        simulator = runtime.simulator
        assert simulator is not None and simulator.state.redemptions_for(code) == []
    finally:
        held.release.set()
        _stop(qtbot, runtime, window, tasks)


def test_only_the_first_scan_is_held_while_connecting_the_second_is_told_to_wait(
    qtbot: QtBot, qapp: QApplication, zh_ui: None, home: AppHome, held: HeldStart
) -> None:
    runtime, window, tasks = _start(qtbot, qapp, home)
    try:
        assert held.called.wait(5)
        first, second = DEMO_CODES["single"], DEMO_CODES["multi"]
        _scan(window, first)
        _scan(window, second)
        assert "再扫" in window.statusBar().currentMessage()
        held.release.set()
        card = window.scan_screen.card
        qtbot.waitUntil(lambda: card.state is CardState.SUCCESS, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: not tasks.busy, timeout=WAIT_MS)
        assert [op.code for op in runtime.journal.day_page(date.today())] == [first]
        simulator = runtime.simulator
        assert simulator is not None and simulator.state.redemptions_for(second) == []
    finally:
        held.release.set()
        _stop(qtbot, runtime, window, tasks)


def test_pos_app_gui_shows_the_start_window_first_and_a_scan_there_is_redeemed(
    qtbot: QtBot, qapp: QApplication, zh_ui: None, home: AppHome, held: HeldStart
) -> None:
    """``pos-app gui``'s own start (``start_counter``): the start window is up before anything
    else is imported or built; a scan typed into it reaches the main window that becomes its
    content, is held there while the simulator starts, then redeemed once."""
    from pos_app.config.settings import load_settings

    counter = app_module.start_counter(qapp, home, load_settings(home))
    shell = counter.shell
    assert shell is not None and shell.isVisible() and counter.window is None
    assert shell.title.text() == "正在启动…"
    code = DEMO_CODES["single"]
    # QTest runs the event loop between keys, so the main window is built and put into the
    # start window in the middle of the burst: every key still reaches the scanner filter.
    handle = shell.windowHandle()
    for key in [*code, Qt.Key.Key_Return]:
        QTest.keyClick(handle, key)
    try:
        qtbot.waitUntil(lambda: counter.window is not None, timeout=WAIT_MS)
        window, runtime = counter.window, counter.runtime
        assert window is not None and runtime is not None
        qtbot.waitUntil(window.isVisible, timeout=WAIT_MS)
        assert window.window() is shell  # one top-level window throughout
        assert window.scanner is counter.scanner
        card = window.scan_screen.card
        assert card.state is CardState.BUSY and card.view.title == "正在连接平台…"
        assert runtime.journal.day_page(date.today()) == []  # nothing sent before the start
        held.release.set()
        qtbot.waitUntil(lambda: card.state is CardState.SUCCESS, timeout=WAIT_MS)
        [op] = runtime.journal.day_page(date.today())
        assert (op.code, op.state) == (code, OpState.SUCCEEDED)
        simulator = runtime.simulator
        assert simulator is not None and len(simulator.state.redemptions_for(code)) == 1
    finally:
        held.release.set()
        counter.close()


def test_closing_the_counter_is_refused_while_a_redemption_is_in_flight(
    qtbot: QtBot, qapp: QApplication, zh_ui: None, home: AppHome, held: HeldStart
) -> None:
    """The main window lives inside the start window (``pos-app gui``): closing that window is
    the counter's decision, and a request that has left cannot be called back."""
    from pos_app.config.settings import load_settings
    from pos_app.sandbox.faults import Fault

    held.release.set()
    counter = app_module.start_counter(qapp, home, load_settings(home))
    shell = counter.shell
    try:
        qtbot.waitUntil(
            lambda: counter.runtime is not None and counter.runtime.started, timeout=WAIT_MS
        )
        window, runtime = counter.window, counter.runtime
        assert window is not None and runtime is not None and runtime.simulator is not None
        runtime.simulator.faults.add(Fault("delay", api="redeem", times=1, delay_s=1.5))
        code = DEMO_CODES["single"]
        handle = shell.windowHandle()
        for key in [*code, Qt.Key.Key_Return]:
            QTest.keyClick(handle, key)
        qtbot.waitUntil(lambda: window.scan_screen.busy, timeout=WAIT_MS)
        assert shell.close() is False  # refused: the redemption is in flight
        assert shell.isVisible()
        assert "请等它完成后再关闭" in window.statusBar().currentMessage()
        card = window.scan_screen.card
        qtbot.waitUntil(lambda: card.state is CardState.SUCCESS, timeout=WAIT_MS)
        assert shell.close() is True  # answered: now it closes
    finally:
        counter.close()


def test_the_start_window_holds_the_first_scan_and_tells_a_second_to_wait(
    qtbot: QtBot, zh_ui: None
) -> None:
    """The main window's rule from the very first moment: one scan is held, a later one is
    not promised (it is scanned again once the first is done)."""
    from PySide6.QtWidgets import QMainWindow

    from pos_app.ui.scanner import ScannerFilter
    from pos_app.ui.start_window import StartWindow

    scanner = ScannerFilter()
    shell = StartWindow(scanner, training=True)
    qtbot.addWidget(shell)
    first, second = DEMO_CODES["single"], DEMO_CODES["multi"]
    scanner.scanned.emit(first)
    assert shell.held == first and "已收到扫码" in shell.detail.text()
    scanner.scanned.emit(second)
    assert shell.held == first and "再扫这一张" in shell.detail.text()
    delivered: list[str] = []
    main = QMainWindow()
    shell.adopt(main, delivered.append)
    assert delivered == [first] and shell.held is None
    scanner.scanned.emit(second)  # the main window's now: the start window no longer holds
    assert delivered == [first] and main.parent() is shell
