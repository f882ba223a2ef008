"""Keyboard-wedge scanner detection: an application-wide event filter that tells bursts from typing.

A USB barcode scanner "types" the code and presses Enter within a few milliseconds; a person
types with gaps of 100 ms or more. The filter holds every printable key press back for at most
``max_interval_ms`` (+ a little slack):

* if the next key comes sooner, it joins the burst and is held too;
* if a terminator (Enter/Tab) comes quickly after at least ``min_chars`` held characters, the burst
  is a scan: ``scanned(text)`` is emitted and the held keys are dropped, so nothing leaks into
  the widget that has focus;
* otherwise (a pause, a slow key, a non-printable key, a short burst) the held events are replayed,
  in order, to the objects they were meant for: typing works as usual, only ~80 ms later.

A Chinese input method does not break it: with an IME active, digit keys arrive as
``QInputMethodEvent`` commit strings (often full-width, ``１２３``); commits with no pre-edit text
are treated like key presses, and every character is NFKC-normalised to ASCII. Composition (pinyin
pre-edit) is human typing and passes untouched. Prefixes, suffixes and URLs are the service's job
(``codes.normalize_code``); this filter only delivers what was scanned.
"""

from __future__ import annotations

import logging
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QInputMethodEvent, QKeyEvent, QWindow
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from pos_app.config.settings import Settings

logger = logging.getLogger(__name__)

PAUSE_SLACK_MS = 30  # how much longer than max_interval_ms a pause must last to end a burst

_MODIFIER_KEYS = frozenset(
    {
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_Meta,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_NumLock,
        Qt.Key.Key_Super_L,
        Qt.Key.Key_Super_R,
    }
)
_TERMINATOR_KEYS: dict[str, frozenset[Qt.Key]] = {
    "enter": frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter}),
    "tab": frozenset({Qt.Key.Key_Tab}),
}
# Shift (upper-case letters) and Keypad (numeric keypad digits) still make plain characters.
_PLAIN_MODIFIERS = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier


@dataclass(frozen=True, slots=True)
class ScannerConfig:
    """How a burst is recognised. ``terminators``: any of ``"enter"``, ``"tab"``; empty means a
    burst ends with a pause."""

    min_chars: int = 6
    max_interval_ms: int = 50
    terminators: tuple[str, ...] = ("enter", "tab")

    @classmethod
    def from_values(
        cls, min_chars: int, max_interval_ms: int, terminators: Iterable[str]
    ) -> ScannerConfig:
        names = tuple(
            t.strip().lower() for t in terminators if t.strip().lower() in _TERMINATOR_KEYS
        )
        return cls(max(1, min_chars), max(1, max_interval_ms), names)


@dataclass(frozen=True, slots=True)
class BurstReport:
    """What one burst looked like, for the scanner test page in settings."""

    text: str
    intervals_ms: tuple[float, ...]
    terminator: str  # "enter" | "tab" | "" (ended by a pause or another key)
    accepted: bool  # recognised as a scan


@dataclass(slots=True)
class _Held:
    target: QObject
    event: QEvent  # a clone; the original is gone once the filter returns
    key: int = 0  # key code of a held press/release (0 for input-method commits)
    press: bool = True


@dataclass(slots=True)
class _Burst:
    held: list[_Held] = field(default_factory=list)
    text: str = ""
    intervals: list[float] = field(default_factory=list)
    last_ms: float = 0.0

    def open_presses(self) -> set[int]:
        pressed: set[int] = set()
        for item in self.held:
            if item.key and item.press:
                pressed.add(item.key)
            elif item.key:
                pressed.discard(item.key)
        return pressed


def scanner_chars(text: str) -> str:
    """``text`` as the ASCII characters a scanner sends, or "" if it is not scanner material.

    Full-width digits and letters (from a Chinese input method) become ASCII; spaces, control
    characters and anything non-ASCII (e.g. Chinese characters) are not scanner material.
    """
    normal = unicodedata.normalize("NFKC", text)
    if not normal or any(not ("!" <= ch <= "~") for ch in normal):
        return ""
    return normal


def _monotonic_ms() -> float:
    return time.monotonic() * 1000.0


def scanner_config(settings: Settings) -> ScannerConfig:
    """The scanner's settings (``[scanner]``) as the filter's config."""
    s = settings.scanner
    return ScannerConfig.from_values(s.min_chars, s.max_interval_ms, s.terminator_list)


class ScannerFilter(QObject):
    """Install on the QApplication (``install()``); connect ``scanned``.

    ``scope``: only key events for this window (and its children) are watched; dialogs and other
    windows get their keys untouched. ``clock``: milliseconds, injectable for tests.
    """

    scanned = Signal(str)
    burst_seen = Signal(object)  # BurstReport, after every burst (scan or not)

    def __init__(
        self,
        config: ScannerConfig | None = None,
        *,
        scope: QWidget | None = None,
        clock: Callable[[], float] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._config = config or ScannerConfig()
        self._scope = scope
        self._clock = clock or _monotonic_ms
        self._enabled = True
        self._replaying = False
        self._burst = _Burst()
        self._swallow_release: set[int] = set()
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.timeout.connect(self._on_pause)
        self._installed_on: QCoreApplication | None = None

    # ----------------------------------------------------------------- set-up
    @property
    def config(self) -> ScannerConfig:
        return self._config

    def set_config(self, config: ScannerConfig) -> None:
        if config == self._config:
            return  # e.g. the main window applying the settings the start window used: a burst
            # being typed meanwhile goes on
        self.flush()
        self._config = config

    def set_enabled(self, enabled: bool) -> None:
        """Turned off, every key passes untouched (e.g. while a test page shows raw input)."""
        if not enabled:
            self.flush()
        self._enabled = enabled

    @property
    def enabled(self) -> bool:
        return self._enabled

    def install(self, app: QCoreApplication | None = None) -> None:
        target = app or QCoreApplication.instance()
        if target is None:
            raise RuntimeError("create the QApplication before the scanner filter")
        target.installEventFilter(self)
        self._installed_on = target

    def uninstall(self) -> None:
        self.flush()
        if self._installed_on is not None and shiboken6.isValid(self._installed_on):
            self._installed_on.removeEventFilter(self)
        self._installed_on = None

    # ----------------------------------------------------------------- the filter
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.InputMethod):
            return False
        if self._replaying or not self._enabled or not self._in_scope(watched):
            return False
        if isinstance(event, QKeyEvent):
            if kind == QEvent.Type.KeyPress:
                return self._key_press(watched, event)
            return self._key_release(watched, event)
        if isinstance(event, QInputMethodEvent):
            return self._input_method(watched, event)
        return False

    def _key_press(self, target: QObject, event: QKeyEvent) -> bool:
        key = event.key()
        if key in _MODIFIER_KEYS:
            return False
        terminator = self._terminator_name(event)
        if terminator and not event.isAutoRepeat():
            return self._terminate(key, terminator)
        chars = "" if event.isAutoRepeat() else self._plain_chars(event)
        if not chars:
            self.flush()  # arrows, Backspace, F-keys, shortcuts: a person is at the keyboard
            return False
        self._hold(_Held(target, event.clone(), key, press=True), chars)
        return True

    def _key_release(self, target: QObject, event: QKeyEvent) -> bool:
        key = event.key()
        if self._burst.held and key in self._burst.open_presses():
            self._burst.held.append(_Held(target, event.clone(), key, press=False))
            return True
        if key in self._swallow_release and not event.isAutoRepeat():
            self._swallow_release.discard(key)
            return True
        return False

    def _input_method(self, target: QObject, event: QInputMethodEvent) -> bool:
        commit, preedit = event.commitString(), event.preeditString()
        if not commit and not preedit:
            return False  # attribute/cursor updates: not typing
        chars = scanner_chars(commit) if not preedit and not event.replacementLength() else ""
        if not chars:
            self.flush()  # pinyin composition or Chinese text: a person is typing
            return False
        self._hold(_Held(target, event.clone()), chars)
        return True

    # ----------------------------------------------------------------- burst logic
    def _hold(self, item: _Held, chars: str) -> None:
        now = self._clock()
        burst = self._burst
        if burst.held and now - burst.last_ms > self._config.max_interval_ms:
            self.flush()
            burst = self._burst
        if burst.text:
            burst.intervals.append(now - burst.last_ms)
        burst.held.append(item)
        burst.text += chars
        burst.last_ms = now
        self._pause.start(self._config.max_interval_ms + PAUSE_SLACK_MS)

    def _terminate(self, key: int, terminator: str) -> bool:
        burst = self._burst
        gap = self._clock() - burst.last_ms
        if len(burst.text) >= self._config.min_chars and gap <= self._config.max_interval_ms:
            self._accept(terminator, gap)
            self._swallow_release.add(key)
            return True
        self.flush(terminator)
        return False

    def _accept(self, terminator: str, gap: float | None = None) -> None:
        burst = self._burst
        self._pause.stop()
        self._swallow_release |= burst.open_presses()
        self._burst = _Burst()
        intervals = tuple(burst.intervals) + ((gap,) if gap is not None else ())
        from pos_app.core.codes import mask_code  # here: the start window takes scans first

        logger.info("scan: %d chars (%s)", len(burst.text), mask_code(burst.text))
        self.burst_seen.emit(BurstReport(burst.text, intervals, terminator, accepted=True))
        self.scanned.emit(burst.text)

    def _on_pause(self) -> None:
        burst = self._burst
        if not self._config.terminators and len(burst.text) >= self._config.min_chars:
            self._accept("")
        else:
            self.flush()

    def flush(self, terminator: str = "") -> None:
        """Not a scan: hand every held event to the object it was meant for, in order."""
        self._pause.stop()
        burst, self._burst = self._burst, _Burst()
        if not burst.held:
            return
        self.burst_seen.emit(
            BurstReport(burst.text, tuple(burst.intervals), terminator, accepted=False)
        )
        self._replaying = True
        try:
            for item in burst.held:
                if shiboken6.isValid(item.target):
                    QCoreApplication.sendEvent(item.target, item.event)
        finally:
            self._replaying = False

    # ----------------------------------------------------------------- helpers
    def _terminator_name(self, event: QKeyEvent) -> str:
        if event.modifiers() & ~_PLAIN_MODIFIERS:
            return ""
        key = event.key()
        for name in self._config.terminators:
            if key in _TERMINATOR_KEYS[name]:
                return name
        return ""

    @staticmethod
    def _plain_chars(event: QKeyEvent) -> str:
        if event.modifiers() & ~_PLAIN_MODIFIERS:
            return ""  # Ctrl/Alt/Meta combinations are commands, not characters
        return scanner_chars(event.text())

    def _in_scope(self, watched: QObject) -> bool:
        scope = self._scope
        if scope is None:
            return True
        if not shiboken6.isValid(scope):
            return False
        if isinstance(watched, QWidget):
            return watched is scope or scope.isAncestorOf(watched)
        if isinstance(watched, QWindow):
            return watched is scope.windowHandle()
        return False
