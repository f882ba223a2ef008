"""Start the counter app: QApplication, language, logging, the crash handler, the main window.

Chinese (zh_CN) is the language whatever the OS locale says, unless settings (``ui.language``) or
``POS_APP_LANG`` choose English. Our own strings come from ``resources/translations/*.qm`` (built
from the ``.ts`` sources by ``make translations``); Qt's own ``qtbase_zh_CN.qm`` from the PySide6
wheel makes standard buttons say 取消/确定; ``QLocale.setDefault`` formats dates and numbers.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from pos_app.config.home import AppHome
from pos_app.config.settings import load_settings
from pos_app.core.errors import PosError
from pos_app.core.messages import message_for
from pos_app.logsetup import setup_logging
from pos_app.resources_path import icon_files
from pos_app.ui import messages as ui_text
from pos_app.ui.after_paint import after_next_paint
from pos_app.ui.paths import translations_dir

if TYPE_CHECKING:
    from pos_app.config.settings import Settings
    from pos_app.runtime import Runtime
    from pos_app.ui.main_window import MainWindow
    from pos_app.ui.start_window import StartWindow
    from pos_app.ui.tasks import TaskManager

logger = logging.getLogger(__name__)

APP_NAME = "pos_app"
ENV_LANG = "POS_APP_LANG"
EXIT_STARTUP_FAILED = 2
START_ANYWAY_MS = 1000  # the runtime's slow half begins by then even without a paint

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (reused if one exists, as under pytest-qt), named for settings/logs."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    font = QFont(app.font())
    font.setPointSize(max(font.pointSize(), 12))
    app.setFont(font)
    icon = QIcon()
    for path in icon_files():
        icon.addFile(str(path))
    if not icon.isNull():
        app.setWindowIcon(icon)
    return app


def choose_language(settings_language: str = "") -> str:
    """``POS_APP_LANG``, else the settings' choice, else zh_CN — never the OS locale."""
    wanted = os.environ.get(ENV_LANG) or settings_language or ui_text.DEFAULT_LANGUAGE
    return wanted if wanted in ui_text.LANGUAGES else ui_text.DEFAULT_LANGUAGE


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Load Qt's and our translations for ``language``; returns what was installed."""
    chosen = ui_text.set_language(language)
    chinese = chosen == "zh_CN"
    locale = (
        QLocale(QLocale.Language.Chinese, QLocale.Country.China)
        if chinese
        else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    )
    QLocale.setDefault(locale)
    installed: list[QTranslator] = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    sources = [("qtbase_" + chosen, qt_dir)] if chinese else []
    sources.append(("pos_app_" + chosen, str(translations_dir())))
    for name, folder in sources:
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            installed.append(translator)
        elif name.startswith("pos_app_") and chinese:
            logger.warning("no %s.qm in %s: run `make translations`", name, folder)
    logger.info("language %s (%d translation files)", chosen, len(installed))
    return installed


def install_excepthook(
    parent: Callable[[], QWidget | None] = lambda: None, *, show: bool = True
) -> ExceptHook:
    """Log every unhandled exception with its traceback; tell the cashier generically."""
    showing = False

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        nonlocal showing
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        logger.critical("unhandled exception", exc_info=(exc_type, exc, tb))
        if not show or showing or QApplication.instance() is None:
            return
        showing = True  # one box at a time, even if the box itself triggers another error
        try:
            text = ui_text.pick(
                exc.message if isinstance(exc, PosError) else message_for("POS_ERROR")
            )
            QMessageBox.critical(
                parent(),
                QCoreApplication.translate("App", "Unexpected error"),
                text
                + "\n\n"
                + QCoreApplication.translate("App", "Details were written to the log."),
            )
        finally:
            showing = False

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        logger.critical(
            "unhandled exception in thread %s",
            args.thread.name if args.thread else "?",
            exc_info=(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback),
        )

    sys.excepthook = hook
    threading.excepthook = thread_hook
    return hook


def run_gui(home: AppHome) -> int:
    """``pos-app gui``: run the counter app until its window closes (``start_gui``)."""
    app = create_application()
    try:
        counter = start_gui(app, home)
    except PosError as exc:
        install_translators(app, choose_language())
        logger.error("cannot start: %s", exc.code)
        QMessageBox.critical(None, QCoreApplication.translate("App", "Cannot start"), exc.zh)
        return EXIT_STARTUP_FAILED
    install_excepthook(counter.top_window)
    try:
        return app.exec()
    finally:
        counter.close()


def start_gui(app: QApplication, home: AppHome) -> Counter:
    """What ``pos-app gui`` does before its event loop: logging, settings (``PosError`` when
    they cannot be read), translations, then ``start_counter``."""
    setup_logging(home.log_dir)
    settings = load_settings(home)
    install_translators(app, choose_language(settings.language))
    app.setApplicationDisplayName(QCoreApplication.translate("App", "Koubei voucher counter"))
    return start_counter(app, home, settings)


def start_window(
    app: QApplication, runtime: Runtime, *, shell: StartWindow | None = None
) -> tuple[MainWindow, TaskManager]:
    """Build, show and start the main window: up at once, even while ``runtime`` is still
    opening in the background (the 平台 light says it is connecting meanwhile).

    The runtime's ``await_started`` is the first job of the serial money lane, so nothing is
    redeemed before it is up. A scan made meanwhile is held by the window (one) and goes on once
    it is: redeemed with the simulator's shop and keys, or refused when the till turns out to have
    cashiers and nobody signed in. If opening failed, the reason is shown, the held scan is
    dropped unsent and the app exits with status 2.
    """
    from pos_app.ui.main_window import MainWindow  # late: after translators are in
    from pos_app.ui.tasks import TaskManager, in_background

    tasks = TaskManager("service")
    window = MainWindow(runtime, tasks, scanner=shell.scanner if shell is not None else None)

    def started(_: None) -> None:
        window.runtime_started()  # the demo codes, the cashiers, a scan held meanwhile
        if runtime.keyring_problem and not runtime.training:
            window.statusBar().showMessage(runtime.keyring_problem, 60_000)
        logger.info("runtime started")

    def failed(error: Exception) -> None:
        window.runtime_failed()
        text = error.zh if isinstance(error, PosError) else ui_text.pick(message_for("POS_ERROR"))
        QMessageBox.critical(window, QCoreApplication.translate("App", "Cannot start"), text)
        app.exit(EXIT_STARTUP_FAILED)

    # First on the money lane, before any scan can be queued; it waits without starting.
    in_background(tasks, window, runtime.await_started, started, failed, label="runtime_start")

    begun: list[bool] = []

    def begin() -> None:
        if not begun:
            begun.append(True)
            runtime.begin_start()
            window.start()

    # Once the window is painted: a thread started earlier would hold the GIL while it is built.
    # A window that is not painted (started minimised) begins after a second all the same.
    after_next_paint(window, begin)
    QTimer.singleShot(START_ANYWAY_MS, window, begin)
    app.aboutToQuit.connect(runtime.begin_start)  # closed even sooner: never left waiting
    if shell is not None:
        shell.adopt(window, window.on_scanned)  # its content now, with the scans it held
    else:
        window.show()
    return window, tasks


def start_counter(app: QApplication, home: AppHome, settings: Settings) -> Counter:
    """``pos-app gui``: the start window now, the counter behind it after its first paint."""
    return Counter(app, home, settings)


class Counter:
    """The GUI as ``pos-app gui`` starts it (issue #13): a ``StartWindow`` shown at once and
    already taking scans; after its first paint the runtime is opened (its slow half still on a
    thread, see ``start_window``) and the main window becomes the start window's content, with
    the scans it held (one top-level window throughout). ``window``, ``tasks`` and ``runtime``
    are None until then; if the runtime cannot be opened, the reason is shown and the app exits
    with status 2, nothing sent."""

    def __init__(self, app: QApplication, home: AppHome, settings: Settings) -> None:
        from pos_app.ui.scanner import ScannerFilter, scanner_config
        from pos_app.ui.start_window import StartWindow

        self._app, self._home, self._settings = app, home, settings
        self.runtime: Runtime | None = None
        self.window: MainWindow | None = None
        self.tasks: TaskManager | None = None
        self.failed = False
        # Installed before anything is shown, parented to the app: it outlives the start window.
        self.scanner = ScannerFilter(scanner_config(settings), parent=app)
        self.scanner.install()
        self.shell = StartWindow(self.scanner, training=settings.mode == "training")
        after_next_paint(self.shell, self._build)
        QTimer.singleShot(START_ANYWAY_MS, self.shell, self._build)  # a minimised start
        self.shell.show()

    def _build(self) -> None:
        if self.runtime is not None or self.failed:
            return
        logger.info("start window shown")
        from pos_app.runtime import Runtime

        try:
            self.runtime = Runtime.open(self._home, background=True, settings=self._settings)
        except PosError as exc:
            self.failed = True
            self.shell.held = None  # never sent
            logger.error("cannot start: %s", exc.code)
            QMessageBox.critical(
                self.shell, QCoreApplication.translate("App", "Cannot start"), exc.zh
            )
            self._app.exit(EXIT_STARTUP_FAILED)
            return
        self.window, self.tasks = start_window(self._app, self.runtime, shell=self.shell)
        logger.info("GUI started (%s mode)", self.runtime.settings.mode)

    def top_window(self) -> QWidget:
        return self.shell  # the one top-level window: the main window lives inside it

    def close(self) -> None:
        """After the event loop: stop the window's work, wait for the money lane, close."""
        if self.window is not None:
            self.window.shutdown()  # the scanner filter's uninstall included
        else:
            self.scanner.uninstall()
        self.scanner.deleteLater()
        if self.tasks is not None and self.runtime is not None:
            timeout_s = max(30.0, 3 * self.runtime.settings.timeout_s)
            if not self.tasks.shutdown(timeout_s=timeout_s):
                logger.error("exiting with a job still running on the service worker")
        if self.runtime is not None:
            self.runtime.close()
