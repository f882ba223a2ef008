"""PySide6 6.12.0's Signal.emit drops a reference to True on every call, and CPython 3.11 aborts
("bool_dealloc") after a few hundred emits. pyproject excludes that release; this test fails on
any PySide6 with the same bug, so an upgrade that brings it back is caught here, not at a till.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    ping = Signal()
    value = Signal(object)


def test_emit_keeps_the_reference_count_of_true() -> None:
    emitter = Emitter()
    received: list[object] = []
    emitter.value.connect(received.append)
    before = sys.getrefcount(True)
    for _ in range(200):  # few enough that a buggy build does not yet abort
        emitter.ping.emit()
        emitter.value.emit(1)
    assert len(received) == 200
    assert sys.getrefcount(True) >= before - 5
