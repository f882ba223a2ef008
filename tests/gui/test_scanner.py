"""The keyboard-wedge filter: bursts become scans, typing stays typing, nothing leaks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from pos_app.ui.scanner import BurstReport, ScannerConfig, ScannerFilter, scanner_chars

CODE = "286501034417"


class FakeClock:
    def __init__(self) -> None:
        self.ms = 1_000.0

    def __call__(self) -> float:
        return self.ms


class Window(QWidget):
    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.edit = QLineEdit(self)
        self.other = QLineEdit(self)
        layout.addWidget(self.edit)
        layout.addWidget(self.other)
        self.returned: list[str] = []
        self.edit.returnPressed.connect(lambda: self.returned.append(self.edit.text()))


@pytest.fixture
def window(qtbot: QtBot) -> Window:
    w = Window()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.edit.setFocus()
    return w


def _filter(
    window: QWidget, clock: FakeClock | None = None, **config: object
) -> Iterator[ScannerFilter]:
    scanner = ScannerFilter(ScannerConfig(**config), scope=window, clock=clock)  # type: ignore[arg-type]
    scanner.install()
    try:
        yield scanner
    finally:
        scanner.uninstall()


@pytest.fixture
def scanner(window: Window) -> Iterator[ScannerFilter]:
    yield from _filter(window)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def clocked(window: Window, clock: FakeClock) -> Iterator[ScannerFilter]:
    yield from _filter(window, clock)


def type_slowly(widget: QWidget, text: str, clock: FakeClock, gap_ms: float = 120) -> None:
    for ch in text:
        clock.ms += gap_ms
        QTest.keyClick(widget, ch)


def test_burst_into_focused_line_edit_is_a_scan_and_nothing_leaks(
    qtbot: QtBot, window: Window, scanner: ScannerFilter
) -> None:
    with qtbot.waitSignal(scanner.scanned, timeout=1000) as signal:
        QTest.keyClicks(window.edit, CODE)  # ~no gap between keys, like a wedge scanner
        QTest.keyClick(window.edit, Qt.Key.Key_Return)
    assert signal.args == [CODE]
    QTest.qWait(200)  # well past the pause timer: nothing is replayed later either
    assert window.edit.text() == ""
    assert window.returned == []  # the scanner's Enter did not reach the line edit


def test_slow_typing_with_real_key_delays_reaches_the_widget(
    qtbot: QtBot, window: Window, scanner: ScannerFilter
) -> None:
    with qtbot.assertNotEmitted(scanner.scanned, wait=200):
        for ch in "12345678":
            QTest.keyClick(window.edit, ch, Qt.KeyboardModifier.NoModifier, 80)  # 80 ms apart
        QTest.keyClick(window.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, 80)
    assert window.edit.text() == "12345678"
    assert window.returned == ["12345678"]  # Enter arrived after every digit, in order


def test_slow_typing_with_synthetic_clock_is_not_a_scan(
    qtbot: QtBot, window: Window, clocked: ScannerFilter, clock: FakeClock
) -> None:
    reports: list[BurstReport] = []
    clocked.burst_seen.connect(reports.append)
    with qtbot.assertNotEmitted(clocked.scanned, wait=150):
        type_slowly(window.edit, CODE, clock)
        clock.ms += 120
        QTest.keyClick(window.edit, Qt.Key.Key_Return)
    assert window.edit.text() == CODE
    assert window.returned == [CODE]
    assert reports and not any(r.accepted for r in reports)


def test_synthetic_clock_fast_keys_are_a_scan(
    qtbot: QtBot, window: Window, clocked: ScannerFilter, clock: FakeClock
) -> None:
    reports: list[BurstReport] = []
    clocked.burst_seen.connect(reports.append)
    with qtbot.waitSignal(clocked.scanned, timeout=1000) as signal:
        type_slowly(window.edit, CODE, clock, gap_ms=20)
        clock.ms += 20
        QTest.keyClick(window.edit, Qt.Key.Key_Tab)
    assert signal.args == [CODE]
    assert reports[-1].accepted and reports[-1].terminator == "tab"
    assert reports[-1].intervals_ms == (20.0,) * len(CODE)
    assert window.edit.text() == ""
    assert window.edit.hasFocus()  # the scanner's Tab did not move focus either


def test_one_slow_gap_splits_the_burst(
    qtbot: QtBot, window: Window, clocked: ScannerFilter, clock: FakeClock
) -> None:
    with qtbot.assertNotEmitted(clocked.scanned, wait=150):
        type_slowly(window.edit, "12345", clock, gap_ms=5)
        clock.ms += 200  # a person paused
        type_slowly(window.edit, "678", clock, gap_ms=5)
        QTest.keyClick(window.edit, Qt.Key.Key_Return)
    assert window.returned == ["12345678"]


def test_short_fast_burst_is_replayed_before_the_enter(
    qtbot: QtBot, window: Window, scanner: ScannerFilter
) -> None:
    with qtbot.assertNotEmitted(scanner.scanned, wait=150):
        QTest.keyClicks(window.edit, "12345")  # fast but below min_chars (6)
        QTest.keyClick(window.edit, Qt.Key.Key_Return)
    assert window.returned == ["12345"]
    assert window.edit.text() == "12345"


def test_backspace_applies_after_the_held_keys(
    qtbot: QtBot, window: Window, scanner: ScannerFilter
) -> None:
    QTest.keyClicks(window.edit, "123")
    QTest.keyClick(window.edit, Qt.Key.Key_Backspace)
    assert window.edit.text() == "12"


def test_min_chars_is_configurable(qtbot: QtBot, window: Window) -> None:
    for scanner in _filter(window, min_chars=13):
        with qtbot.assertNotEmitted(scanner.scanned, wait=150):
            QTest.keyClicks(window.edit, CODE)  # 12 < 13
            QTest.keyClick(window.edit, Qt.Key.Key_Return)
        assert window.edit.text() == CODE


def test_tab_is_no_terminator_when_not_configured(qtbot: QtBot, window: Window) -> None:
    for scanner in _filter(window, terminators=("enter",)):
        with qtbot.assertNotEmitted(scanner.scanned, wait=150):
            QTest.keyClicks(window.edit, CODE)
            QTest.keyClick(window.edit, Qt.Key.Key_Tab)
        assert window.edit.text() == CODE


def test_full_width_digits_from_an_input_method_are_a_scan(
    qtbot: QtBot, window: Window, scanner: ScannerFilter
) -> None:
    full_width = "".join(chr(ord("０") + int(d)) for d in CODE)
    with qtbot.waitSignal(scanner.scanned, timeout=1000) as signal:
        for ch in full_width:  # a Chinese IME in full-width mode commits each digit
            event = QInputMethodEvent("", [])
            event.setCommitString(ch)
            QApplication.sendEvent(window.edit, event)
        QTest.keyClick(window.edit, Qt.Key.Key_Return)
    assert signal.args == [CODE]
    QTest.qWait(150)
    assert window.edit.text() == ""


def test_pinyin_composition_and_chinese_commit_pass_through(
    qtbot: QtBot, window: Window, scanner: ScannerFilter
) -> None:
    with qtbot.assertNotEmitted(scanner.scanned, wait=150):
        QApplication.sendEvent(window.edit, QInputMethodEvent("nihao", []))
        commit = QInputMethodEvent("", [])
        commit.setCommitString("你好")
        QApplication.sendEvent(window.edit, commit)
    assert window.edit.text() == "你好"


def test_slow_input_method_digits_reach_the_widget(
    qtbot: QtBot, window: Window, clocked: ScannerFilter, clock: FakeClock
) -> None:
    with qtbot.assertNotEmitted(clocked.scanned, wait=150):
        for ch in "１２３":
            clock.ms += 150
            event = QInputMethodEvent("", [])
            event.setCommitString(ch)
            QApplication.sendEvent(window.edit, event)
    qtbot.waitUntil(lambda: window.edit.text() == "１２３", timeout=1000)


def test_windows_outside_the_scope_are_not_watched(
    qtbot: QtBot, window: Window, scanner: ScannerFilter
) -> None:
    dialog = QLineEdit()  # another top-level window, e.g. a PIN dialog
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.assertNotEmitted(scanner.scanned, wait=100):
        QTest.keyClicks(dialog, CODE)
        QTest.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.text() == CODE


def test_disabled_filter_passes_everything(
    qtbot: QtBot, window: Window, scanner: ScannerFilter
) -> None:
    scanner.set_enabled(False)
    with qtbot.assertNotEmitted(scanner.scanned, wait=100):
        QTest.keyClicks(window.edit, CODE)
        QTest.keyClick(window.edit, Qt.Key.Key_Return)
    assert window.returned == [CODE]


def test_ctrl_shortcuts_are_not_held(qtbot: QtBot, window: Window, scanner: ScannerFilter) -> None:
    window.edit.setText("abc")
    QTest.keyClick(window.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # select all
    assert window.edit.selectedText() == "abc"


def test_real_window_path_burst_is_a_scan(
    qtbot: QtBot, window: Window, scanner: ScannerFilter
) -> None:
    """Through the QWindow, as the platform delivers keys (not straight to the widget)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    window.edit.setFocus()
    handle = window.windowHandle()
    with qtbot.waitSignal(scanner.scanned, timeout=1000) as signal:
        for ch in CODE:
            QTest.keyClick(handle, ch)
        QTest.keyClick(handle, Qt.Key.Key_Return)
    assert signal.args == [CODE]
    QTest.qWait(150)
    assert window.edit.text() == ""


def test_real_window_path_slow_typing_reaches_the_focus_widget(
    qtbot: QtBot, window: Window, scanner: ScannerFilter
) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    window.other.setFocus()
    handle = window.windowHandle()
    for ch in "42":
        QTest.keyClick(handle, ch, Qt.KeyboardModifier.NoModifier, 80)
    qtbot.waitUntil(lambda: window.other.text() == "42", timeout=1000)
    assert window.edit.text() == ""


def test_scanner_chars_normalises_full_width_and_refuses_chinese() -> None:
    assert scanner_chars("１２Ａ") == "12A"
    assert scanner_chars("你") == ""
    assert scanner_chars(" ") == ""
    assert scanner_chars("?code=1") == "?code=1"


def test_replayed_events_are_key_events_for_the_original_target(
    qtbot: QtBot, window: Window, scanner: ScannerFilter
) -> None:
    seen: list[str] = []

    class Spy(QWidget):
        def event(self, e: QEvent) -> bool:
            if isinstance(e, QKeyEvent) and e.type() == QEvent.Type.KeyPress:
                seen.append(e.text())
            return super().event(e)

    spy = Spy(window)
    QTest.keyClicks(spy, "ab")
    qtbot.waitUntil(lambda: seen == ["a", "b"], timeout=1000)


def test_the_same_config_again_mid_burst_keeps_the_burst_a_new_one_replays_it(
    qtbot: QtBot, window: Window, clocked: ScannerFilter, clock: FakeClock
) -> None:
    """The main window applies the scanner settings the start window already used while a scan
    may be half typed (issue #13): that must not cut the scan. A changed config does end it:
    the held keys go to the widget as typing."""
    with qtbot.waitSignal(clocked.scanned, timeout=1000) as signal:
        type_slowly(window.edit, CODE[:5], clock, gap_ms=5)
        clocked.set_config(ScannerConfig())  # the same settings once more
        type_slowly(window.edit, CODE[5:], clock, gap_ms=5)
        clock.ms += 5
        QTest.keyClick(window.edit, Qt.Key.Key_Return)
    assert signal.args == [CODE]
    assert window.edit.text() == ""
    type_slowly(window.edit, CODE[:5], clock, gap_ms=5)
    clocked.set_config(ScannerConfig(min_chars=8))  # a changed setting
    assert window.edit.text() == CODE[:5]  # replayed as typing, in order
