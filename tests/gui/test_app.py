"""App start-up: language (zh_CN by default, Qt's own texts too), crash handler, start failures."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QDate, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from pos_app import app as app_module
from pos_app.config.home import AppHome
from pos_app.core.errors import PinRefused
from pos_app.core.messages import message_for
from pos_app.ui import messages as ui_text


@pytest.fixture
def translators(
    qapp: QApplication, compiled_translations: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[QTranslator]]:
    monkeypatch.setattr(app_module, "translations_dir", lambda: compiled_translations)
    installed: list[QTranslator] = []
    previous_locale = QLocale()
    previous_language = ui_text.language()
    yield installed
    for translator in installed:
        QCoreApplication.removeTranslator(translator)
    QLocale.setDefault(previous_locale)
    ui_text.set_language(previous_language)


def test_chinese_loads_qt_and_our_translations_and_the_locale(
    translators: list[QTranslator], qapp: QApplication
) -> None:
    translators += app_module.install_translators(qapp, "zh_CN")
    assert len(translators) == 2  # qtbase_zh_CN from the wheel + pos_app_zh_CN
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    assert QCoreApplication.translate("ScanScreen", "Scan a voucher") == "请扫码"
    assert QLocale().language() == QLocale.Language.Chinese
    assert (
        QLocale()
        .toString(QDate(2026, 11, 23), QLocale.FormatType.LongFormat)
        .startswith("2026年11月23日")
    )
    assert ui_text.language() == "zh_CN"


def test_english_keeps_source_texts(translators: list[QTranslator], qapp: QApplication) -> None:
    translators += app_module.install_translators(qapp, "en")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
    assert QCoreApplication.translate("ScanScreen", "Scan a voucher") == "Scan a voucher"
    assert QLocale().language() == QLocale.Language.English
    assert ui_text.pick(message_for("CODE_EMPTY")) == message_for("CODE_EMPTY").en


def test_language_is_chinese_unless_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POS_APP_LANG", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")  # the OS locale does not matter
    assert app_module.choose_language() == "zh_CN"
    assert app_module.choose_language("en") == "en"
    assert app_module.choose_language("fr") == "zh_CN"
    monkeypatch.setenv("POS_APP_LANG", "en")
    assert app_module.choose_language("zh_CN") == "en"


def test_excepthook_logs_the_traceback_and_shows_a_generic_message(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    shown: list[tuple[Any, ...]] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: shown.append(args))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    hook = app_module.install_excepthook()
    assert sys.excepthook is hook
    try:
        raise ValueError("secret-free detail")
    except ValueError as exc:
        with caplog.at_level(logging.CRITICAL):
            hook(type(exc), exc, exc.__traceback__)
    record = caplog.records[-1]
    assert record.levelno == logging.CRITICAL and record.exc_info is not None
    assert "secret-free detail" in caplog.text  # the traceback is in the log…
    text = shown[-1][2]
    assert message_for("POS_ERROR").zh in text  # …the cashier gets the generic words
    assert "secret-free detail" not in text
    hook(PinRefused, PinRefused(), None)  # a core error shows its own text
    assert message_for("PIN_WRONG").zh in shown[-1][2]


def test_start_failure_is_reported_not_a_crash(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = AppHome(tmp_path / "home")
    home.config_file.write_text(
        'mode = "production"\n[top]\ngateway = "http://gateway.example.com/router/rest"\n',
        encoding="utf-8",
    )
    shown: list[tuple[Any, ...]] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: shown.append(args))
    monkeypatch.setattr(app_module, "setup_logging", lambda *a, **k: tmp_path / "log")
    monkeypatch.setattr(app_module, "install_translators", lambda *a, **k: [])
    assert app_module.run_gui(home) == app_module.EXIT_STARTUP_FAILED
    assert shown, "the cashier was told why"
