"""GUI fixtures: the serial worker, a scripted fake service, Chinese translations, a real Runtime.

Screens are built one at a time with their services passed in (style.md, "Tests"). The fake
service runs on the real ``TaskManager`` worker thread, so threading is exercised too; the e2e
fixture ``training_runtime`` is the real thing: Runtime in training mode in ``tmp_path`` with the
in-process simulator over real HTTP and a real SQLite journal.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from gui_fakes import FakeRuntime, FakeService
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QApplication

from pos_app.ui import messages as ui_text
from pos_app.ui.tasks import Lane, TaskManager

REPO = Path(__file__).resolve().parents[2]
TS_DIR = REPO / "resources" / "translations"


# ------------------------------------------------------------------------------------- worker
@pytest.fixture
def tasks(qapp: QApplication) -> Iterator[TaskManager]:
    """The money lane."""
    manager = TaskManager(Lane.MONEY)
    try:
        yield manager
    finally:
        assert manager.shutdown(timeout_s=10), "service worker did not stop"


@pytest.fixture
def probe(qapp: QApplication) -> Iterator[TaskManager]:
    """The probe lane (gateway health, the connection test)."""
    manager = TaskManager(Lane.PROBE)
    try:
        yield manager
    finally:
        assert manager.shutdown(timeout_s=10), "probe worker did not stop"


# ------------------------------------------------------------------------------------- language
def _lrelease() -> str:
    exe = Path(sys.executable).with_name("pyside6-lrelease")
    return str(exe) if exe.exists() else (shutil.which("pyside6-lrelease") or "pyside6-lrelease")


@pytest.fixture(scope="session")
def compiled_translations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .ts sources compiled to .qm in a temporary folder (tests never need `make`)."""
    out = tmp_path_factory.mktemp("qm")
    for ts in TS_DIR.glob("pos_app_*.ts"):
        subprocess.run(
            [_lrelease(), "-silent", str(ts), "-qm", str(out / ts.with_suffix(".qm").name)],
            check=True,
        )
    return out


@pytest.fixture
def zh_ui(qapp: QApplication, compiled_translations: Path) -> Iterator[None]:
    """The UI in Chinese, as the app starts by default: our .qm installed, core texts in zh."""
    translator = QTranslator()
    assert translator.load("pos_app_zh_CN", str(compiled_translations))
    QCoreApplication.installTranslator(translator)
    previous = ui_text.language()
    ui_text.set_language("zh_CN")
    try:
        yield
    finally:
        QCoreApplication.removeTranslator(translator)
        ui_text.set_language(previous)


@pytest.fixture
def en_ui(qapp: QApplication) -> Iterator[None]:
    previous = ui_text.language()
    ui_text.set_language("en")
    try:
        yield
    finally:
        ui_text.set_language(previous)


@pytest.fixture
def fake_service() -> FakeService:
    return FakeService()


@pytest.fixture
def fake_runtime(fake_service: FakeService) -> FakeRuntime:
    return FakeRuntime(fake_service)


# ------------------------------------------------------------------------------------- real runtime
@pytest.fixture(scope="session")
def sim_keys() -> Any:
    from pos_app.sandbox import DemoKeys

    return DemoKeys.generate()


@pytest.fixture
def training_runtime(
    tmp_path: Path, sim_keys: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    """A real Runtime in training mode: simulator over HTTP on 127.0.0.1, SQLite in tmp_path."""
    from pos_app.config.home import AppHome
    from pos_app.config.settings import load_settings
    from pos_app.runtime import Runtime
    from pos_app.sandbox import Simulator

    # Its own keyring service: the manager PIN record lives there and must not leak between tests.
    service = f"pos_app_gui_tests_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("POS_APP_KEYRING_SERVICE", service)
    home = AppHome(tmp_path / "home")
    settings = replace(load_settings(home), timeout_s=2.0, sound_enabled=False)
    assert settings.mode == "training"
    sim = Simulator.start(host="127.0.0.1", port=0, data_dir=None, keys=sim_keys)
    runtime = Runtime(home, settings, simulator=sim)
    try:
        yield runtime
    finally:
        runtime.close()
        if runtime.secrets is not None:
            from pos_app.core.pin import PIN_ENTRY
            from pos_app.core.secret_store import SECRET_NAMES

            for name in (*SECRET_NAMES, PIN_ENTRY):
                runtime.secrets.delete(name)
