"""Screenshots of every screen, in Chinese, at 1024×768: ``python -m pos_app.ui.screenshots DIR``.

Runs the real app in training mode in a throw-away home folder (the simulator answers over HTTP
on 127.0.0.1), drives it the way a cashier and a manager would, and saves one PNG per state.
``make screenshots`` runs it under Xvfb; any Qt platform works (``QT_QPA_PLATFORM=offscreen`` too).
"""

from __future__ import annotations

import logging
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from pos_app.app import create_application, install_translators
from pos_app.config.home import AppHome
from pos_app.core.runtime import Runtime
from pos_app.sandbox import Fault
from pos_app.ui.main_window import MainWindow, Screen
from pos_app.ui.tasks import TaskManager
from pos_app.ui.widgets.result_card import CardState

logger = logging.getLogger(__name__)

SIZE = (1024, 768)
MANAGER_PIN = "2468"


def _wait(condition: Callable[[], bool], timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not reach the expected state")
        QTest.qWait(20)


class _Shooter:
    def __init__(self, window: MainWindow, folder: Path) -> None:
        self.window = window
        self.folder = folder
        self.written: list[Path] = []

    def shot(self, name: str, widget: QWidget | None = None) -> None:
        QTest.qWait(120)  # let layouts and style sheets settle
        path = self.folder / f"{len(self.written) + 1:02d}-{name}.png"
        (widget or self.window).grab().save(str(path))
        self.written.append(path)

    def scan(self, code: str, state: CardState) -> None:
        handle = self.window.windowHandle()
        for ch in code:  # digits: the key code is the character
            QTest.keyClick(handle, Qt.Key(ord(ch)))
        QTest.keyClick(handle, Qt.Key.Key_Return)
        card = self.window.scan_screen.card
        _wait(lambda: card.state is state)


def _cashier_screens(shooter: _Shooter, runtime: Runtime) -> None:
    if runtime.simulator is None:
        raise RuntimeError("screenshots need training mode (the simulator)")
    codes = runtime.simulator.demo.codes
    window = shooter.window
    shooter.shot("scan-idle")
    shooter.scan(codes["single"], CardState.SUCCESS)
    shooter.shot("scan-success")
    shooter.scan("999999999999", CardState.FAILURE)
    shooter.shot("scan-failure")
    runtime.simulator.faults.add(Fault("drop_response", api="redeem", times=1))
    shooter.scan(codes["single_2"], CardState.UNKNOWN)
    shooter.shot("scan-confirming")
    _wait(lambda: window.scan_screen.card.state is CardState.SUCCESS)
    shooter.shot("scan-confirmed")
    shooter.scan(codes["single"], CardState.ALREADY)
    shooter.shot("scan-already-redeemed")
    window.show_screen(Screen.MANUAL)
    window.manual_screen.set_text(codes["single_3"][:9])
    shooter.shot("manual-entry")
    window.manual_screen.set_text(codes["single_3"])
    window.manual_screen.quantity.setValue(2)
    shooter.shot("manual-entry-valid")
    window.manual_screen.clear()
    window.show_screen(Screen.HISTORY)
    shooter.shot("history")


def _manager_screens(shooter: _Shooter) -> None:
    window = shooter.window
    window.show_screen(Screen.MANAGER)
    shooter.shot("manager-locked")
    manager: Any = window.screens[Screen.MANAGER]
    if not hasattr(manager, "unlock"):
        return

    def answer_pin() -> None:
        dialog: Any = QApplication.activeModalWidget()
        if dialog is None or not getattr(dialog, "pin_edit", dialog).isEnabled():
            QTimer.singleShot(50, answer_pin)  # the dialog first reads the PIN state
            return
        shooter.shot("manager-pin", dialog)
        QTimer.singleShot(20_000, dialog.reject)  # never hang on a dialog that stays open
        QTest.keyClicks(dialog.pin_edit, MANAGER_PIN)
        _wait(lambda: len(dialog.pin_edit.text()) == len(MANAGER_PIN))  # typed keys are replayed
        ok = dialog.ok_button() if hasattr(dialog, "ok_button") else None
        if ok is not None:
            QTest.mouseClick(ok, Qt.MouseButton.LeftButton)
        else:
            QTest.keyClick(dialog.pin_edit, Qt.Key.Key_Return)

    QTimer.singleShot(100, answer_pin)
    if not manager.unlock():
        return
    names = ("manager-reversal", "manager-sync", "manager-records", "manager-settings")
    for index, name in enumerate(names):
        manager.tabs.setCurrentIndex(index)
        shooter.shot(name)


def take_screenshots(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    app = create_application()
    translators = install_translators(app, "zh_CN")
    with tempfile.TemporaryDirectory(prefix="pos_app_shots_") as tmp:
        runtime = Runtime.open(AppHome(tmp))
        runtime.pins.set_pin(MANAGER_PIN, manager="店长")
        tasks = TaskManager("service")
        window = MainWindow(runtime, tasks)
        window.resize(*SIZE)
        window.show()
        window.start()
        shooter = _Shooter(window, folder)
        try:
            _wait(lambda: not tasks.busy)
            _cashier_screens(shooter, runtime)
            _manager_screens(shooter)
        finally:
            window.shutdown()
            window.close()
            tasks.shutdown()
            runtime.close()
            for translator in translators:
                app.removeTranslator(translator)
    return shooter.written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0] if args else "docs/screenshots")
    logging.basicConfig(level=logging.WARNING)
    for path in take_screenshots(folder):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
