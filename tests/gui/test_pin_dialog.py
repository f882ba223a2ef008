"""The manager PIN dialog over the real PIN store (scrypt, record in a memory secret store) and
the real serial worker."""

from __future__ import annotations

from pathlib import Path

import pytest
from manager_helpers import WAIT_MS, wait_idle
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pos_app.core.errors import PinLockedOut
from pos_app.core.pin import LOCKOUT_S, MAX_TRIES, ManagerPins
from pos_app.secrets.memory import MemorySecretStore
from pos_app.ui.dialogs.pin import PinDialog
from pos_app.ui.tasks import TaskManager


@pytest.fixture
def pins(tmp_path: Path) -> ManagerPins:
    store = ManagerPins(MemorySecretStore(), tmp_path / "pin.lock")
    store.set_pin("2468", manager="王店长")
    return store


def _dialog(qtbot: QtBot, pins: ManagerPins, tasks: TaskManager) -> PinDialog:
    dialog = PinDialog(pins, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, tasks)
    return dialog


def _enter(qtbot: QtBot, dialog: PinDialog, tasks: TaskManager, pin: str) -> None:
    dialog.pin_edit.clear()
    qtbot.keyClicks(dialog.pin_edit, pin)
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    wait_idle(qtbot, tasks)


def test_right_pin_returns_the_manager(qtbot: QtBot, pins: ManagerPins, tasks: TaskManager) -> None:
    dialog = _dialog(qtbot, pins, tasks)
    assert not dialog.setting_up
    assert not dialog.repeat_edit.isVisibleTo(dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        _enter(qtbot, dialog, tasks, "2468")
    assert dialog.manager == "王店长"


def test_wrong_pin_is_refused_with_tries_left(
    qtbot: QtBot, pins: ManagerPins, tasks: TaskManager
) -> None:
    dialog = _dialog(qtbot, pins, tasks)
    _enter(qtbot, dialog, tasks, "1111")
    assert dialog.result() != PinDialog.DialogCode.Accepted
    assert dialog.manager is None
    assert "店长密码不正确" in dialog.status.text()
    assert f"{MAX_TRIES - 1} 次" in dialog.status.text()
    assert dialog.pin_edit.text() == "", "a refused PIN is cleared"
    _enter(qtbot, dialog, tasks, "1112")
    assert f"{MAX_TRIES - 2} 次" in dialog.status.text()


def test_five_wrong_pins_lock_out_with_time_left(
    qtbot: QtBot, pins: ManagerPins, tasks: TaskManager
) -> None:
    dialog = _dialog(qtbot, pins, tasks)
    for attempt in range(MAX_TRIES):
        _enter(qtbot, dialog, tasks, f"99{attempt:02d}")
    assert dialog.locked
    assert not dialog.pin_edit.isEnabled()
    assert not dialog.ok_button().isEnabled()
    minutes = int(LOCKOUT_S) // 60
    assert f"{minutes}:00" in dialog.status.text() or f"{minutes - 1}:59" in dialog.status.text()
    # The lock is real, not just on screen: even the right PIN is not checked now.
    with pytest.raises(PinLockedOut):
        pins.verify("2468")
    # A dialog opened later shows the lock-out straight away.
    later = _dialog(qtbot, pins, tasks)
    assert later.locked
    assert 0 < later.seconds_left() <= LOCKOUT_S


def test_lockout_ends_and_pin_works_again(qtbot: QtBot, tmp_path: Path, tasks: TaskManager) -> None:
    now = [1000.0]
    pins = ManagerPins(
        MemorySecretStore(), tmp_path / "pin.lock", clock=lambda: now[0], wall_clock=lambda: now[0]
    )
    pins.set_pin("2468", manager="店长")
    dialog = _dialog(qtbot, pins, tasks)
    dialog.now = lambda: now[0]  # type: ignore[method-assign]
    for attempt in range(MAX_TRIES):
        _enter(qtbot, dialog, tasks, f"99{attempt:02d}")
    assert dialog.locked
    assert dialog.seconds_left() == int(LOCKOUT_S)
    now[0] += LOCKOUT_S / 2
    qtbot.waitUntil(lambda: dialog.seconds_left() == int(LOCKOUT_S / 2), timeout=WAIT_MS)
    qtbot.wait(1100)  # a countdown tick: still locked half way
    assert dialog.locked and not dialog.pin_edit.isEnabled()
    assert "2:30" in dialog.status.text()
    now[0] += LOCKOUT_S / 2 + 1
    qtbot.waitUntil(lambda: not dialog.locked, timeout=WAIT_MS)
    assert dialog.pin_edit.isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        _enter(qtbot, dialog, tasks, "2468")
    assert dialog.manager == "店长"


def test_first_use_sets_a_pin(qtbot: QtBot, tmp_path: Path, tasks: TaskManager) -> None:
    pins = ManagerPins(MemorySecretStore(), tmp_path / "pin.lock")
    dialog = _dialog(qtbot, pins, tasks)
    assert dialog.setting_up
    assert dialog.repeat_edit.isVisibleTo(dialog)
    dialog.name_edit.setText("李经理")  # QTest types ASCII only
    qtbot.keyClicks(dialog.pin_edit, "13579")
    qtbot.keyClicks(dialog.repeat_edit, "13570")
    qtbot.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, tasks)
    assert not pins.is_set(), "different PINs must not be saved"
    assert "differ" in dialog.status.text() or "不一致" in dialog.status.text()
    qtbot.keyClicks(dialog.repeat_edit, "13579")
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)
        wait_idle(qtbot, tasks)
    assert dialog.manager == "李经理"
    assert pins.verify("13579") == "李经理"


def test_short_pin_is_refused_inline(qtbot: QtBot, pins: ManagerPins, tasks: TaskManager) -> None:
    dialog = _dialog(qtbot, pins, tasks)
    _enter(qtbot, dialog, tasks, "12")
    assert "4" in dialog.status.text() and "12" in dialog.status.text()
    assert pins.verify("2468") == "王店长", "a malformed PIN did not count as a wrong try"


def test_ask_returns_name_or_none(qtbot: QtBot, pins: ManagerPins, tasks: TaskManager) -> None:
    def type_pin(pin: str) -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PinDialog)
        qtbot.waitUntil(dialog.pin_edit.isEnabled, timeout=WAIT_MS)
        qtbot.keyClicks(dialog.pin_edit, pin)
        qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)

    QTimer.singleShot(0, lambda: type_pin("2468"))
    assert PinDialog.ask(None, pins, tasks) == "王店长"

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PinDialog)
        dialog.reject()

    QTimer.singleShot(0, cancel)
    assert PinDialog.ask(None, pins, tasks) is None


def test_the_pin_can_be_entered_on_the_on_screen_keypad(
    qtbot: QtBot, pins: ManagerPins, tasks: TaskManager
) -> None:
    dialog = _dialog(qtbot, pins, tasks)
    keys = dialog.keypad.buttons
    for digit in "24689":
        qtbot.mouseClick(keys[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keys["backspace"], Qt.MouseButton.LeftButton)
    assert dialog.pin_edit.text() == "2468"
    assert all(b.focusPolicy() is Qt.FocusPolicy.NoFocus for b in keys.values())
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)
    assert dialog.manager == "王店长"


def test_the_keypad_fills_the_repeat_field_when_setting_up(
    qtbot: QtBot, tmp_path: Path, tasks: TaskManager
) -> None:
    fresh = ManagerPins(MemorySecretStore(), tmp_path / "pin.lock")
    dialog = _dialog(qtbot, fresh, tasks)
    assert dialog.setting_up
    keys = dialog.keypad.buttons
    for digit in "1357":
        qtbot.mouseClick(keys[digit], Qt.MouseButton.LeftButton)
    dialog.repeat_edit.setFocus()
    qtbot.waitUntil(dialog.repeat_edit.hasFocus, timeout=WAIT_MS)
    for digit in "1357":
        qtbot.mouseClick(keys[digit], Qt.MouseButton.LeftButton)
    assert dialog.pin_edit.text() == dialog.repeat_edit.text() == "1357"
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)
    assert fresh.is_set()


def test_the_keypad_is_off_while_locked_out(
    qtbot: QtBot, pins: ManagerPins, tasks: TaskManager
) -> None:
    dialog = _dialog(qtbot, pins, tasks)
    for _ in range(MAX_TRIES):
        _enter(qtbot, dialog, tasks, "1111")
    assert dialog.locked
    assert not dialog.keypad.isEnabled()
