"""The settings screen over a real Runtime: TOML persistence, keyring import, connection test,
and the scanner test page.

Keyring tests need a Secret Service (``make test`` runs pytest under dbus-run-session with
gnome-keyring); they use a unique keyring service name and delete what they stored.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from manager_helpers import WAIT_MS, wait_idle
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.config.home import AppHome
from pos_app.config.settings import load_settings
from pos_app.core.secret_store import SECRET_NAMES
from pos_app.runtime import Runtime
from pos_app.sandbox import Simulator
from pos_app.secrets.store import SERVICE_ENV, KeyringSecretStore
from pos_app.ui.scanner import ScannerFilter
from pos_app.ui.screens.scan import ScanScreen
from pos_app.ui.screens.scanner_test import ScannerTestPage, judge
from pos_app.ui.screens.settings import SettingsScreen
from pos_app.ui.tasks import TaskManager
from pos_app.ui.widgets.result_card import CardState


@pytest.fixture
def keyring_runtime(
    tmp_path: Path, sim_keys: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Runtime]:
    """A training Runtime whose secret store is the real keyring under a unique service."""
    monkeypatch.setenv(SERVICE_ENV, f"pos_app-test-{uuid.uuid4().hex[:12]}")
    home = AppHome(tmp_path / "home")
    simulator = Simulator.start(host="127.0.0.1", port=0, data_dir=None, keys=sim_keys)
    runtime = Runtime(home, load_settings(home), simulator=simulator)
    store = runtime.secrets
    try:
        yield runtime
    finally:
        runtime.close()
        if store is not None:
            for name in SECRET_NAMES:
                store.delete(name)


def _screen(
    qtbot: QtBot,
    runtime: Runtime,
    tasks: TaskManager,
    probe: TaskManager,
    scanner: ScannerFilter | None = None,
) -> SettingsScreen:
    screen = SettingsScreen(runtime, tasks, probe=probe, scanner=scanner)
    qtbot.addWidget(screen)
    screen.resize(1000, 700)
    wait_idle(qtbot, tasks)
    return screen


def _need_keyring(runtime: Runtime) -> KeyringSecretStore:
    store = runtime.secrets
    if not isinstance(store, KeyringSecretStore):
        pytest.skip("no Secret Service here: run under `make test` (dbus-run-session + keyring)")
    return store


# ----------------------------------------------------------------------------- settings file
def test_changes_persist_to_the_toml_file(
    qtbot: QtBot, keyring_runtime: Runtime, tasks: TaskManager, probe: TaskManager
) -> None:
    runtime = keyring_runtime
    scanner = ScannerFilter()
    screen = _screen(qtbot, runtime, tasks, probe, scanner)
    screen.fields["shop.id"].clear()  # type: ignore[attr-defined]
    qtbot.keyClicks(screen.fields["shop.id"], "shop-42")
    screen.fields["alipay.app_id"].setText("2021000123456789")  # type: ignore[attr-defined]
    screen.fields["network.timeout_s"].setValue(7.5)  # type: ignore[attr-defined]
    screen.min_chars_spin.setValue(10)
    screen.interval_spin.setValue(35)
    screen.tab_check.setChecked(False)
    screen.fields["scanner.affixes"].setText("#, *")  # type: ignore[attr-defined]
    screen.fields["alipay.sign_type"].setCurrentIndex(1)  # type: ignore[attr-defined]
    with qtbot.waitSignal(screen.saved, timeout=WAIT_MS):
        qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, tasks)

    on_disk = load_settings(runtime.home)
    assert on_disk.shop_id == "shop-42"
    assert on_disk.alipay_app_id == "2021000123456789"
    assert on_disk.timeout_s == 7.5
    assert on_disk.alipay_sign_type == "RSA"
    assert (on_disk.scanner.min_chars, on_disk.scanner.max_interval_ms) == (10, 35)
    assert on_disk.scanner.terminators == "enter"
    assert on_disk.scanner.affixes == "#,*"
    assert runtime.settings == on_disk, "the running app uses them from now on"
    assert "Saved" in screen.status_label.text()
    assert scanner.config.min_chars == 10 and scanner.config.terminators == ("enter",)
    # A fresh screen shows what was saved.
    again = _screen(qtbot, runtime, tasks, probe)
    assert again.form_values()["shop.id"] == "shop-42"
    assert not again.tab_check.isChecked()


def test_a_bad_field_is_named_and_nothing_is_saved(
    qtbot: QtBot, keyring_runtime: Runtime, tasks: TaskManager, probe: TaskManager
) -> None:
    runtime = keyring_runtime
    config = runtime.home.config_file
    before = config.read_bytes() if config.exists() else None
    screen = _screen(qtbot, runtime, tasks, probe)
    screen.fields["alipay.app_id"].setText("not-digits")  # type: ignore[attr-defined]
    screen.fields["shop.id"].setText("shop-1")  # type: ignore[attr-defined]
    screen.save_button.click()
    wait_idle(qtbot, tasks)
    assert "alipay.app_id" in screen.status_label.text()
    assert "b00020" in screen.fields["alipay.app_id"].styleSheet()
    assert (config.read_bytes() if config.exists() else None) == before
    assert runtime.settings.shop_id == ""


def test_language_change_asks_for_a_restart(
    qtbot: QtBot, keyring_runtime: Runtime, tasks: TaskManager, probe: TaskManager
) -> None:
    screen = _screen(qtbot, keyring_runtime, tasks, probe)
    screen.fields["ui.language"].setCurrentIndex(1)  # type: ignore[attr-defined]
    with qtbot.waitSignal(screen.saved, timeout=WAIT_MS):
        screen.save_button.click()
    assert load_settings(keyring_runtime.home).language == "en"
    assert "Restart" in screen.status_label.text()


# ----------------------------------------------------------------------------- keyring
def _pem_key(tmp_path: Path) -> tuple[Path, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    path = tmp_path / "app_private_key.pem"
    path.write_text(pem, encoding="ascii")
    return path, pem


def _import(  # noqa: PLR0917 - test helper
    qtbot: QtBot,
    screen: SettingsScreen,
    tasks: TaskManager,
    name: str,
    path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(SettingsScreen, "ask_key_file", classmethod(lambda cls, p, t: str(path)))
    qtbot.mouseClick(screen.key_buttons[name], Qt.MouseButton.LeftButton)
    wait_idle(qtbot, tasks)


@pytest.mark.keyring
def test_keys_are_imported_into_the_keyring(
    qtbot: QtBot,
    *,
    keyring_runtime: Runtime,
    tasks: TaskManager,
    probe: TaskManager,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = _need_keyring(keyring_runtime)
    screen = _screen(qtbot, keyring_runtime, tasks, probe)
    assert store.backend_name in screen.backend_label.text()
    assert screen.key_status["alipay-private-key"].text() == "not set"

    path, pem = _pem_key(tmp_path)
    with qtbot.waitSignal(screen.key_imported, timeout=WAIT_MS):
        _import(qtbot, screen, tasks, "alipay-private-key", path, monkeypatch)
    wait_idle(qtbot, tasks)
    assert "RSA 2048-bit" in screen.key_result.text()
    assert (
        "PRIVATE KEY" not in screen.key_result.text() and pem[40:80] not in screen.key_result.text()
    )
    assert screen.key_status["alipay-private-key"].text() == "stored"
    # In the real keyring: a second store (a new connection) reads the same key back.
    fresh = KeyringSecretStore(store.service)
    assert fresh.get("alipay-private-key") == pem.strip()

    secret = tmp_path / "top_secret.txt"
    secret.write_text("a1b2c3d4e5f6\n", encoding="ascii")
    _import(qtbot, screen, tasks, "top-app-secret", secret, monkeypatch)
    assert fresh.get("top-app-secret") == "a1b2c3d4e5f6"
    assert screen.key_status["top-app-secret"].text() == "stored"
    assert "a1b2c3d4e5f6" not in screen.key_result.text()
    # Nothing secret went into the settings file.
    screen.save_button.click()
    wait_idle(qtbot, tasks)
    text = keyring_runtime.home.config_file.read_text(encoding="utf-8")
    assert "a1b2c3d4e5f6" not in text and "PRIVATE" not in text


@pytest.mark.keyring
def test_a_bad_key_file_is_refused(
    qtbot: QtBot,
    *,
    keyring_runtime: Runtime,
    tasks: TaskManager,
    probe: TaskManager,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = _need_keyring(keyring_runtime)
    screen = _screen(qtbot, keyring_runtime, tasks, probe)
    bad = tmp_path / "not_a_key.pem"
    bad.write_text("-----BEGIN PRIVATE KEY-----\nnonsense\n-----END PRIVATE KEY-----\n")
    _import(qtbot, screen, tasks, "alipay-private-key", bad, monkeypatch)
    assert "密钥格式无法识别" in screen.key_result.text()
    assert store.get("alipay-private-key") is None
    missing = tmp_path / "gone.pem"
    _import(qtbot, screen, tasks, "alipay-public-key", missing, monkeypatch)
    assert "Could not read the file" in screen.key_result.text()


def test_without_a_keyring_the_screen_says_so(
    qtbot: QtBot, keyring_runtime: Runtime, tasks: TaskManager, probe: TaskManager
) -> None:
    keyring_runtime.secrets = None
    keyring_runtime.keyring_problem = "没有系统密钥库"
    screen = _screen(qtbot, keyring_runtime, tasks, probe)
    assert "没有系统密钥库" in screen.backend_label.text()
    assert not any(button.isEnabled() for button in screen.key_buttons.values())


# ----------------------------------------------------------------------------- connection
def test_connection_test(
    qtbot: QtBot, keyring_runtime: Runtime, tasks: TaskManager, probe: TaskManager
) -> None:
    screen = _screen(qtbot, keyring_runtime, tasks, probe)
    screen.test_button.click()
    wait_idle(qtbot, probe)
    assert screen.test_label.text() == "The platform answers."
    assert keyring_runtime.simulator is not None
    keyring_runtime.simulator.stop()
    screen.test_button.click()
    wait_idle(qtbot, probe)
    assert "No answer" in screen.test_label.text()


def test_the_connection_test_never_queues_in_front_of_a_redemption(
    qtbot: QtBot,
    *,
    keyring_runtime: Runtime,
    tasks: TaskManager,
    probe: TaskManager,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before: the connection test ran on the money lane, so a redemption scanned while the
    platform was slow to answer the test waited behind it. Now it runs on the probe lane."""
    screen = _screen(qtbot, keyring_runtime, tasks, probe)
    scan = ScanScreen(keyring_runtime.service, tasks)
    qtbot.addWidget(scan)
    gate = threading.Event()
    answered: list[str] = []

    def slow_health(timeout_s: float = 2.0) -> bool:
        assert gate.wait(10), "test never released the probe"
        answered.append("health")
        return True

    monkeypatch.setattr(keyring_runtime, "gateway_health", slow_health)
    assert keyring_runtime.simulator is not None
    code = keyring_runtime.simulator.demo.codes["single"]
    screen.test_button.click()
    assert scan.submit(code)
    assert probe.pending_labels() == ["test-connection"]
    assert tasks.pending_labels() == ["redeem"], "the money lane owes only the redemption"
    qtbot.waitUntil(lambda: scan.card.state is CardState.SUCCESS, timeout=WAIT_MS)
    assert answered == [] and screen.test_label.text() == "Testing…"
    gate.set()
    wait_idle(qtbot, probe)
    assert answered == ["health"]
    assert screen.test_label.text() == "The platform answers."


# ----------------------------------------------------------------------------- scanner test page
def test_scanner_test_page_shows_keys_timings_and_terminator(
    qtbot: QtBot, keyring_runtime: Runtime, tasks: TaskManager, probe: TaskManager
) -> None:
    screen = _screen(qtbot, keyring_runtime, tasks, probe)
    page = screen.scanner_test
    # A scanner burst: twelve digits and Enter, a few milliseconds apart.
    qtbot.keyClicks(page.capture, "286501034417")
    qtbot.keyClick(page.capture, Qt.Key.Key_Return)
    assert page.table.rowCount() == 13
    assert [page.table.item(r, 1).text() for r in range(12)] == list("286501034417")
    assert page.table.item(12, 0).text() == "Enter (terminator)"
    assert page.table.item(0, 2).text() == "", "the first key has no gap"
    gaps = [float(page.table.item(r, 2).text()) for r in range(1, 13)]
    assert all(gap < 50 for gap in gaps)
    assert "12 characters" in page.verdict_label.text()
    assert "Recognised as a scan" in page.verdict_label.text()

    # Typing by hand: the gaps are long, so it would not count as a scan.
    page.clear()
    with qtbot.waitSignal(page.burst_judged, timeout=WAIT_MS) as signal:
        qtbot.keyClicks(page.capture, "123456", delay=90)
        qtbot.keyClick(page.capture, Qt.Key.Key_Tab, delay=90)
    verdict = signal.args[0]
    assert not verdict.is_scan and verdict.why_not == "too_slow"
    assert verdict.longest_gap_ms >= 80
    assert page.table.item(6, 0).text() == "Tab (terminator)"
    assert "longer than 50 ms" in page.verdict_label.text()

    # The verdict follows the settings on the form: Tab switched off.
    screen.tab_check.setChecked(False)
    page.clear()
    qtbot.keyClicks(page.capture, "286501034417")
    qtbot.keyClick(page.capture, Qt.Key.Key_Tab)
    assert "terminator is not enabled" in page.verdict_label.text()


def test_scanner_test_page_exact_timings_with_a_clock(qtbot: QtBot) -> None:
    now = [0.0]
    page = ScannerTestPage(lambda: (6, 50, ("enter",)), clock=lambda: now[0])
    qtbot.addWidget(page)
    for char, gap in zip("ABC123", (0, 4, 7, 3, 60, 2), strict=True):
        now[0] += gap
        qtbot.keyClicks(page.capture, char)
    now[0] += 5
    qtbot.keyClick(page.capture, Qt.Key.Key_Enter)
    assert [page.table.item(r, 2).text() for r in range(7)] == ["", "4", "7", "3", "60", "2", "5"]
    assert "longest gap 60 ms" in page.verdict_label.text()
    assert "Not a scan" in page.verdict_label.text()


def test_judge_rules() -> None:
    from pos_app.ui.screens.scanner_test import KeyRecord

    burst = [KeyRecord(c, c, None if i == 0 else 3.0) for i, c in enumerate("12345678")]
    enter = KeyRecord("Enter", "", 3.0, "enter")
    assert judge([*burst, enter], 6, 50, ("enter", "tab")).is_scan
    assert judge([*burst, enter], 9, 50, ("enter",)).why_not == "too_few"
    assert judge([*burst, enter], 6, 2, ("enter",)).why_not == "too_slow"
    assert judge([*burst, enter], 6, 50, ("tab",)).why_not == "no_terminator"
    assert judge(burst, 6, 50, ()).is_scan, "no terminator configured: a pause ends the burst"


def test_the_app_scanner_is_off_while_the_test_page_listens(
    qtbot: QtBot, keyring_runtime: Runtime, tasks: TaskManager, probe: TaskManager
) -> None:
    scanner = ScannerFilter()
    screen = _screen(qtbot, keyring_runtime, tasks, probe, scanner)
    screen.tabs.setCurrentIndex(3)
    screen.show()
    qtbot.waitExposed(screen)
    screen.activateWindow()
    page = screen.scanner_test
    page.capture.setFocus()
    qtbot.waitUntil(page.capture.hasFocus, timeout=WAIT_MS)
    assert not scanner.enabled, "a test scan must not redeem anything"
    screen.save_button.setFocus()
    qtbot.waitUntil(lambda: scanner.enabled, timeout=WAIT_MS)
