"""The scanner test page (settings): what the scanner sends, key by key, with timings.

Click into the capture area and scan: every key press is listed with the milliseconds since the
one before, the terminator is named, and a verdict says whether the scanner settings on the page
would recognise the burst as a scan (and if not, why). While the page captures, the app's scanner
filter is switched off so a test scan redeems nothing.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_app.ui.scanner import ScannerFilter

NEW_BURST_AFTER_MS = 1000.0
_TERMINATORS: dict[int, str] = {
    Qt.Key.Key_Return.value: "enter",
    Qt.Key.Key_Enter.value: "enter",
    Qt.Key.Key_Tab.value: "tab",
}


@dataclass(frozen=True, slots=True)
class KeyRecord:
    key_name: str  # "1", "A", "Enter", "Tab", "Shift"
    text: str  # the character it types ("" for control keys)
    gap_ms: float | None  # since the previous key of the same burst; None for the first
    terminator: str = ""  # "enter" | "tab" | ""


@dataclass(frozen=True, slots=True)
class Verdict:
    chars: int
    longest_gap_ms: float
    duration_ms: float
    terminator: str
    is_scan: bool
    why_not: str  # "" | "too_few" | "too_slow" | "no_terminator"


def judge(
    records: list[KeyRecord], min_chars: int, max_interval_ms: int, terminators: tuple[str, ...]
) -> Verdict:
    """Whether a burst would be recognised with these settings (the scanner filter's rules)."""
    typed = [r for r in records if r.text]
    gaps = [r.gap_ms for r in records if r.gap_ms is not None]
    terminator = records[-1].terminator if records else ""
    why = ""
    if len(typed) < min_chars:
        why = "too_few"
    elif gaps and max(gaps) > max_interval_ms:
        why = "too_slow"
    elif terminators and terminator not in terminators:
        why = "no_terminator"
    return Verdict(
        chars=len(typed),
        longest_gap_ms=max(gaps, default=0.0),
        duration_ms=sum(gaps),
        terminator=terminator,
        is_scan=not why,
        why_not=why,
    )


def _key_name(event: QKeyEvent) -> str:
    key = int(event.key())
    if key in _TERMINATORS:
        return "Enter" if _TERMINATORS[key] == "enter" else "Tab"
    text = event.text()
    if text and text.isprintable():
        return unicodedata.normalize("NFKC", text)
    try:
        return Qt.Key(key).name.removeprefix("Key_")
    except ValueError:
        return f"0x{key:x}"


class _CaptureArea(QFrame):
    """A focusable box that swallows every key (Tab included) and reports it."""

    key = Signal(object)  # QKeyEvent (valid only during the call)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumHeight(60)
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            self.key.emit(event)
            return True
        if event.type() == QEvent.Type.KeyRelease:
            return True
        return super().event(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.setStyleSheet("_CaptureArea { border: 2px solid #1b7f3b; }")

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.setStyleSheet("")


class ScannerTestPage(QWidget):
    """``rules()`` gives (min_chars, max_interval_ms, terminators) as currently on the form."""

    burst_judged = Signal(object)  # Verdict, after each terminator

    def __init__(
        self,
        rules: Callable[[], tuple[int, int, tuple[str, ...]]],
        scanner: ScannerFilter | None = None,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(parent)
        self._rules = rules
        self._scanner = scanner
        self._clock = clock or (lambda: time.monotonic() * 1000.0)
        self._last_ms: float | None = None
        self.records: list[KeyRecord] = []
        self._burst: list[KeyRecord] = []
        self._scanner_was_enabled = False

        self.capture = _CaptureArea()
        self.capture.label.setText(self.tr("Click here, then scan a code"))
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Key"), self.tr("Character"), self.tr("ms since previous key")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("scannerVerdict")
        self.verdict_label.setWordWrap(True)
        self.clear_button = QPushButton(self.tr("Clear"))

        bottom = QHBoxLayout()
        bottom.addWidget(self.verdict_label, 1)
        bottom.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.capture)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.capture.key.connect(self._on_key)
        self.clear_button.clicked.connect(self.clear)
        self.capture.installEventFilter(self)

    # ------------------------------------------------------------------ scanner filter
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Switch the app's scanner filter off while the capture area has the focus."""
        if watched is self.capture and self._scanner is not None:
            if event.type() == QEvent.Type.FocusIn:
                self._scanner_was_enabled = self._scanner.enabled
                self._scanner.set_enabled(False)
            elif event.type() == QEvent.Type.FocusOut and self._scanner_was_enabled:
                self._scanner.set_enabled(True)
        return False

    # ------------------------------------------------------------------ recording
    def clear(self) -> None:
        self.records.clear()
        self._burst.clear()
        self._last_ms = None
        self.table.setRowCount(0)
        self.verdict_label.clear()

    def _on_key(self, event: QKeyEvent) -> None:
        now = self._clock()
        if self._last_ms is None or now - self._last_ms > NEW_BURST_AFTER_MS:
            gap: float | None = None
            self._burst = []
        else:
            gap = now - self._last_ms
        self._last_ms = now
        terminator = _TERMINATORS.get(int(event.key()), "")
        text = "" if terminator else unicodedata.normalize("NFKC", event.text())
        if text and not text.isprintable():
            text = ""
        record = KeyRecord(_key_name(event), text, gap, terminator)
        self.records.append(record)
        self._burst.append(record)
        self._add_row(record)
        if terminator:
            self._judge()
            self._last_ms = None  # the next key starts a new burst

    def _add_row(self, record: KeyRecord) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        gap = "" if record.gap_ms is None else f"{record.gap_ms:.0f}"
        name = record.key_name
        if record.terminator:
            name = self.tr("%1 (terminator)").replace("%1", name)
        for column, text in enumerate((name, record.text, gap)):
            item = QTableWidgetItem(text)
            if column == 2:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, column, item)
        self.table.scrollToBottom()

    def _judge(self) -> None:
        min_chars, max_interval_ms, terminators = self._rules()
        verdict = judge(self._burst, min_chars, max_interval_ms, terminators)
        text = self.tr("%1 characters in %2 ms, longest gap %3 ms, ended by %4.")
        for placeholder, value in (
            ("%1", str(verdict.chars)),
            ("%2", f"{verdict.duration_ms:.0f}"),
            ("%3", f"{verdict.longest_gap_ms:.0f}"),
            ("%4", verdict.terminator.capitalize() or "-"),
        ):
            text = text.replace(placeholder, value)
        if verdict.is_scan:
            colour = "#1b7f3b"
            text += " " + self.tr("Recognised as a scan with these settings.")
        else:
            colour = "#b00020"
            reasons = {
                "too_few": self.tr("Not a scan: fewer than %1 characters.").replace(
                    "%1", str(min_chars)
                ),
                "too_slow": self.tr("Not a scan: a gap is longer than %1 ms.").replace(
                    "%1", str(max_interval_ms)
                ),
                "no_terminator": self.tr("Not a scan: this terminator is not enabled."),
            }
            text += " " + reasons[verdict.why_not]
        self.verdict_label.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.verdict_label.setText(text)
        self.burst_judged.emit(verdict)
