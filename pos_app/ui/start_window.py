"""The first window a cashier sees, a few tens of milliseconds after launch (issue #13).

It shows the counter's frame saying 正在启动… and already takes scans: the app-wide scanner
filter is installed before it is shown, and a scan made now is handed to the counter's main
window, which holds it until the platform is connected and then redeems it (or refuses it when
someone must sign in first). Only PySide6 and the scanner filter are imported here: the main
window, the runtime and the gateways load after this window's first paint, and the main window
then becomes this window's content (``adopt``): one window throughout, so a scan that is being
typed while it happens still reaches the same scanner filter, key for key.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from pos_app.ui.scanner import ScannerFilter

MIN_SIZE = (800, 600)
DEFAULT_SIZE = (1024, 768)


def counter_title(training: bool) -> str:
    """The counter's window title: the app's name once; Qt appends the application display
    name to a title that does not already end with it, so the mode goes in front."""
    name = QCoreApplication.translate("MainWindow", "Koubei voucher counter")
    return QCoreApplication.translate("MainWindow", "TRAINING") + " — " + name if training else name


class StartWindow(QMainWindow):
    def __init__(self, scanner: ScannerFilter, *, training: bool) -> None:
        super().__init__()
        self.setObjectName("startWindow")
        self.scanner = scanner
        self.held: str | None = None  # the first scan; a later one is told to wait
        self._main: QMainWindow | None = None
        self.setWindowTitle(counter_title(training))
        self.title = QLabel(self.tr("Starting…"), self)
        self.title.setObjectName("startTitle")
        self.title.setStyleSheet("font-size: 40px; font-weight: bold;")
        self.detail = QLabel(
            self.tr("You can scan already: the voucher is redeemed as soon as the till is ready."),
            self,
        )
        self.detail.setObjectName("startDetail")
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet("font-size: 22px;")
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.addStretch(1)
        for label in (self.title, self.detail):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(label)
        column.addStretch(1)
        self.setCentralWidget(central)
        self.setMinimumSize(*MIN_SIZE)
        self.resize(*DEFAULT_SIZE)
        scanner.scanned.connect(self._hold)

    def _hold(self, code: str) -> None:
        if self.held is None:
            self.held = code
            text = self.tr("Scan received: it is redeemed as soon as the till is connected.")
        else:  # the main window's rule, and its words
            text = QCoreApplication.translate(
                "MainWindow",
                "Still connecting: scan this voucher again when the first one is done.",
            )
        self.detail.setText(text)

    def adopt(self, window: QMainWindow, deliver: Callable[[str], None]) -> None:
        """Put ``window`` (the counter's main window) in this one's place — inside it, so the
        window the system gives the keys to never changes, and no key of a scan is lost — and
        pass it the scan held here."""
        self.scanner.scanned.disconnect(self._hold)
        self._main = window
        self.setCentralWidget(window)  # the labels go; the window becomes this one's content
        window.show()
        self.setWindowTitle(window.windowTitle())
        window.windowTitleChanged.connect(self.setWindowTitle)
        held, self.held = self.held, None
        if held is not None:
            deliver(held)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the app is the counter's decision (it refuses while a redemption is in
        flight); before it is there, nothing can be in flight."""
        if self._main is not None:
            self._main.closeEvent(event)
        else:
            event.accept()
