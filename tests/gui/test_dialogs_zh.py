"""Every dialog of the app, opened in Chinese: no English text may show.

Each dialog is opened the way the app opens it (the screens' classmethods, ``PinDialog``), read
while it is on screen, and closed. A text counts as untranslated when an English word of three or
more letters is left after removing the few Latin words a Chinese till shows as they are (CSV,
PIN, file patterns, key names). The old code failed here: the reversal confirmation, the CSV
export and key-file dialogs and their file filters were looked up under a context lupdate never
wrote (``parent.tr`` inside a classmethod), so they stayed English.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from gui_fakes import make_op
from manager_helpers import wait_idle
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTimer, QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QLabel,
    QLineEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from pos_app.core.pin import MAX_TRIES, ManagerPins
from pos_app.secrets.memory import MemorySecretStore
from pos_app.ui.dialogs.pin import PinDialog
from pos_app.ui.operation_text import reversal_summary
from pos_app.ui.screens.history import HistoryScreen
from pos_app.ui.screens.reversal import ReversalScreen
from pos_app.ui.screens.review import ReviewScreen
from pos_app.ui.screens.settings import SettingsScreen
from pos_app.ui.screens.sync import SyncScreen
from pos_app.ui.tasks import TaskManager

# Latin words a Chinese till shows untranslated, and file patterns such as "(*.csv)".
_KEPT = re.compile(r"\(\*[^)]*\)|\*\.\w+|\b(?:CSV|PIN|ID|Esc|Enter|OK)\b")
_ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


_PATH = re.compile(r"^(?:/|~|[A-Za-z]:[\\/])")  # a folder the file dialog shows is not text


def english_in(text: str) -> list[str]:
    if _PATH.match(text):
        return []
    return _ENGLISH_WORD.findall(_KEPT.sub("", text))


def visible_texts(dialog: QWidget) -> list[str]:
    """Title, labels, buttons, placeholders and combo entries the person can read."""
    texts = [dialog.windowTitle()]
    for label in dialog.findChildren(QLabel):
        if label.isVisibleTo(dialog):
            texts.append(label.text())
    for button in dialog.findChildren(QAbstractButton):
        if button.isVisibleTo(dialog):
            texts.append(button.text())
    for edit in dialog.findChildren(QLineEdit):
        if edit.isVisibleTo(dialog):
            texts.append(edit.placeholderText())
    for combo in dialog.findChildren(QComboBox):
        if combo.isVisibleTo(dialog) and not combo.isEditable():
            texts += [combo.itemText(i) for i in range(combo.count())]
    return [t for t in texts if t]


def untranslated(dialog: QWidget) -> list[str]:
    return [t for t in visible_texts(dialog) if english_in(t)]


@pytest.fixture
def zh_with_qt(zh_ui: None, qapp: QApplication) -> Iterator[None]:
    """As the app starts in Chinese: our texts and Qt's own (standard buttons, file dialog)."""
    qt = QTranslator()
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    assert qt.load("qtbase_zh_CN", folder)
    QCoreApplication.installTranslator(qt)
    try:
        yield
    finally:
        QCoreApplication.removeTranslator(qt)


def read_modal(qtbot: QtBot, open_it: Callable[[], object]) -> list[str]:
    """Open a modal dialog with ``open_it`` (it blocks in exec), read it, close it."""
    seen: list[list[str]] = []

    def inspect() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, inspect)
            return
        if isinstance(dialog, QFileDialog):
            dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        seen.append([*untranslated(dialog), "#title:" + dialog.windowTitle()])
        if isinstance(dialog, QDialog):
            dialog.reject()
        else:
            dialog.close()

    QTimer.singleShot(50, inspect)
    open_it()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    return seen[0]


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _problems(texts: list[str]) -> list[str]:
    return [t for t in texts if not t.startswith("#title:")]


def _title(texts: list[str]) -> str:
    return next(t for t in texts if t.startswith("#title:")).removeprefix("#title:")


def test_the_reversal_confirmation_is_chinese(
    qtbot: QtBot, zh_with_qt: None, parent: QWidget
) -> None:
    text = reversal_summary(make_op(item_name="双人下午茶套餐"), "顾客要求取消")
    texts = read_modal(qtbot, lambda: ReversalScreen.confirm(parent, text))
    assert _title(texts) == "确认撤销"
    assert _problems(texts) == []


def test_the_sync_and_review_confirmations_are_chinese(
    qtbot: QtBot, zh_with_qt: None, parent: QWidget
) -> None:
    texts = read_modal(qtbot, lambda: SyncScreen.confirm(parent, "把 **** 9629 的剩余次数设为 0？"))
    assert _title(texts) == "确认同步"
    assert _problems(texts) == []
    texts = read_modal(qtbot, lambda: ReviewScreen.confirm(parent, "顾客已消费？"))
    assert _problems(texts) == []


def test_the_csv_export_dialog_and_its_filter_are_chinese(
    qtbot: QtBot, zh_with_qt: None, parent: QWidget, tmp_path: Path
) -> None:
    suggested = str(tmp_path / "redemptions.csv")
    texts = read_modal(qtbot, lambda: HistoryScreen.ask_export_path(parent, suggested))
    assert _title(texts) == "导出 CSV"
    assert _problems(texts) == []


def test_the_key_file_dialog_filter_is_chinese(
    qtbot: QtBot, zh_with_qt: None, parent: QWidget
) -> None:
    texts = read_modal(qtbot, lambda: SettingsScreen.ask_key_file(parent, "导入密钥"))
    assert _problems(texts) == []


def test_the_pin_dialog_in_every_state_is_chinese(
    qtbot: QtBot, zh_with_qt: None, tasks: TaskManager, tmp_path: Path
) -> None:
    pins = ManagerPins(MemorySecretStore(), tmp_path / "pin.lock")
    first = PinDialog(pins, tasks)  # no PIN yet: set one
    qtbot.addWidget(first)
    first.show()
    wait_idle(qtbot, tasks)
    assert first.setting_up
    assert untranslated(first) == []
    pins.set_pin("2468", manager="王店长")
    check = PinDialog(pins, tasks)
    qtbot.addWidget(check)
    check.show()
    wait_idle(qtbot, tasks)
    assert untranslated(check) == []
    for _ in range(MAX_TRIES):
        check.pin_edit.setText("1111")
        check.submit()
        wait_idle(qtbot, tasks)
    assert check.locked
    assert untranslated(check) == []


def test_the_check_itself_catches_english() -> None:
    assert english_in("Confirm reversal") == ["Confirm", "reversal"]
    assert english_in("CSV 文件 (*.csv)") == []
    assert english_in("&Look in:") == ["Look"]
    assert english_in("/home/cashier") == []
    assert english_in("密钥 (*.pem *.txt *.key);;所有文件 (*)") == []
