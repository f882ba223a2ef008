"""Work-arounds for defects of the PySide6 build in use, applied once when ``pos_app.ui`` loads.

``SignalInstance.emit()`` in PySide6 6.12.0 returns ``True`` without taking a reference to it, so
every ``.emit(...)`` made from Python drops one reference to ``True``. On CPython 3.11 (where
``True`` is not yet immortal) its count reaches zero after a few hundred emits and the interpreter
aborts with "Fatal Python error: bool_dealloc". We detect the defect with a probe signal and, only
if it is present, give ``True``/``False`` a reserve of references no run could use up. A fixed
PySide6, or Python 3.12+ (immortal ``True``), makes this a no-op.
"""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QObject, Signal

logger = logging.getLogger(__name__)

BOOL_REFERENCE_RESERVE = 1 << 40  # ~10^12 emits
_PROBE_EMITS = 16
_applied = False


class _Probe(QObject):
    ping = Signal()


def emit_drops_bool_references() -> bool:
    """Whether ``Signal.emit`` loses a reference to ``True`` per call (the 6.12.0 defect)."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(_PROBE_EMITS):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    probe.deleteLater()
    return lost >= _PROBE_EMITS


def apply() -> bool:
    """Apply the work-arounds needed here; returns whether the emit reserve was added."""
    global _applied  # noqa: PLW0603 - process-wide, once
    if _applied or sys.implementation.name != "cpython":
        return False
    if not emit_drops_bool_references():
        return False
    for singleton in (True, False):
        # CPython object header: ob_refcnt is the first field, at the object's address.
        ctypes.c_ssize_t.from_address(id(singleton)).value += BOOL_REFERENCE_RESERVE
    _applied = True
    logger.info("PySide6 Signal.emit reference defect detected: bool reference reserve added")
    return True
