"""PySide6 6.12.0's Signal.emit drops a reference to True per call; the app must survive that."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

import pos_app.ui  # noqa: F401 - applies the work-arounds
from pos_app.ui import pyside_fixes


class Emitter(QObject):
    ping = Signal()
    value = Signal(object)


def test_thousands_of_emits_leave_true_alive() -> None:
    emitter = Emitter()
    received: list[object] = []
    emitter.value.connect(received.append)
    before = sys.getrefcount(True)
    for _ in range(20_000):  # without the reserve, CPython 3.11 aborts long before this
        emitter.ping.emit()
        emitter.value.emit(True)
    assert len(received) == 20_000
    assert sys.getrefcount(True) > 1_000
    if pyside_fixes.emit_drops_bool_references():
        assert before > pyside_fixes.BOOL_REFERENCE_RESERVE // 2  # the reserve is in place
