"""Manual entry: grouped display, live validation shown inline, Enter only when valid."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from pos_app.core.messages import message_for
from pos_app.core.models import CodeType
from pos_app.ui.screens.manual import ManualScreen

CODE = "286501034417"


@pytest.fixture
def screen(qtbot: QtBot, zh_ui: None) -> ManualScreen:
    widget = ManualScreen()
    qtbot.addWidget(widget)
    widget.resize(1024, 640)
    widget.show()
    return widget


def press_keypad(qtbot: QtBot, screen: ManualScreen, digits: str) -> None:
    for digit in digits:
        qtbot.mouseClick(screen.keypad.buttons[digit], Qt.MouseButton.LeftButton)


def test_keypad_digits_are_shown_grouped_four_by_four(qtbot: QtBot, screen: ManualScreen) -> None:
    press_keypad(qtbot, screen, "2865010")
    assert screen.display.text() == "2865 010"
    press_keypad(qtbot, screen, "34417")
    assert screen.display.text() == "2865 0103 4417"
    assert screen.text == CODE


def test_incomplete_code_is_a_hint_and_redeem_is_disabled(
    qtbot: QtBot, screen: ManualScreen
) -> None:
    press_keypad(qtbot, screen, "28650103441")  # 11 of 12
    assert screen.hint.text() == "还差 1 位数字。"
    assert not screen.has_problem
    assert not screen.redeem_button.isEnabled()
    with qtbot.assertNotEmitted(screen.submitted):
        QTest.keyClick(screen, Qt.Key.Key_Return)


def test_invalid_code_is_shown_inline(qtbot: QtBot, screen: ManualScreen) -> None:
    QTest.keyClicks(screen, "2865ab")  # letters in a Koubei (internal) code
    assert screen.has_problem
    assert screen.hint.text() == message_for("CODE_FORMAT").zh
    assert not screen.redeem_button.isEnabled()


def test_too_long_internal_code_is_invalid(qtbot: QtBot, screen: ManualScreen) -> None:
    screen.set_text(CODE + "9")
    assert screen.has_problem
    assert not screen.redeem_button.isEnabled()


def test_enter_redeems_once_valid(qtbot: QtBot, screen: ManualScreen) -> None:
    press_keypad(qtbot, screen, CODE)
    assert screen.redeem_button.isEnabled()
    assert screen.hint.text() == "格式正确，按 Enter 核销。"
    with qtbot.waitSignal(screen.submitted) as signal:
        QTest.keyClick(screen, Qt.Key.Key_Return)
    assert signal.args == [CODE, 1, CodeType.INTERNAL, ""]


def test_backspace_and_clear_keys(qtbot: QtBot, screen: ManualScreen) -> None:
    press_keypad(qtbot, screen, "123")
    qtbot.mouseClick(screen.keypad.buttons["backspace"], Qt.MouseButton.LeftButton)
    assert screen.text == "12"
    qtbot.mouseClick(screen.keypad.buttons["clear"], Qt.MouseButton.LeftButton)
    assert screen.text == ""
    assert screen.display.text() == "—"


def test_external_switch_accepts_letters(qtbot: QtBot, screen: ManualScreen) -> None:
    qtbot.mouseClick(screen.external_button, Qt.MouseButton.LeftButton)
    assert screen.code_type is CodeType.EXTERNAL
    QTest.keyClicks(screen, "GAL358309629")
    assert screen.display.text() == "GAL358309629"  # an external code is shown as it is sent
    assert screen.is_valid
    with qtbot.waitSignal(screen.submitted) as signal:
        qtbot.mouseClick(screen.redeem_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["GAL358309629", 1, CodeType.EXTERNAL, ""]


def test_switching_type_revalidates(qtbot: QtBot, screen: ManualScreen) -> None:
    screen.set_text("GAL358309629")
    assert screen.has_problem  # internal: digits only
    screen.set_code_type(CodeType.EXTERNAL)
    assert screen.is_valid and not screen.has_problem


def test_full_width_digits_are_normalised(qtbot: QtBot, screen: ManualScreen) -> None:
    screen.set_text("２８６５０１０３４４１７")
    assert screen.text == CODE
    assert screen.is_valid


def test_quantity_stepper_is_bounded(qtbot: QtBot, screen: ManualScreen) -> None:
    qtbot.mouseClick(screen.minus_button, Qt.MouseButton.LeftButton)
    assert screen.quantity.value() == 1  # never below 1
    for _ in range(3):
        qtbot.mouseClick(screen.plus_button, Qt.MouseButton.LeftButton)
    assert screen.quantity.value() == 4
    screen.quantity.setValue(20000)
    assert screen.quantity.value() == 9999
    press_keypad(qtbot, screen, CODE)
    with qtbot.waitSignal(screen.submitted) as signal:
        screen.confirm()
    assert signal.args[1] == 9999


def test_keypad_buttons_are_touch_sized_and_never_take_focus(screen: ManualScreen) -> None:
    for button in screen.keypad.buttons.values():
        assert button.focusPolicy() == Qt.FocusPolicy.NoFocus
        assert button.height() >= 64 and button.width() >= 80


def test_an_external_code_can_be_typed_on_the_letters_keyboard(
    qtbot: QtBot, screen: ManualScreen
) -> None:
    """A touch till has no keyboard: letters come from the on-screen keys, digits from the
    keypad; the letters show only for an external code."""
    assert not screen.letters.isVisible()
    qtbot.mouseClick(screen.external_button, Qt.MouseButton.LeftButton)
    assert screen.letters.isVisible()
    for ch in "GAL358309629":
        keys = screen.letters.buttons if ch.isalpha() else screen.keypad.buttons
        qtbot.mouseClick(keys[ch], Qt.MouseButton.LeftButton)
    assert screen.text == "GAL358309629"
    assert screen.is_valid
    assert all(
        b.focusPolicy() is Qt.FocusPolicy.NoFocus and b.height() >= 48
        for b in screen.letters.buttons.values()
    )
    assert sorted(screen.letters.buttons) == [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    qtbot.mouseClick(screen.internal_button, Qt.MouseButton.LeftButton)
    assert not screen.letters.isVisible()
