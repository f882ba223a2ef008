"""Runs in a subprocess under QT_QPA_PLATFORM=offscreen; prints one JSON object.

``gui_worker.py start HOME``: start the app as ``pos-app gui`` does (create_application,
logging, translators, ``Runtime.open``, MainWindow shown and started) and print the
CLOCK_MONOTONIC time at which it is ready to scan, with a breakdown.
``gui_worker.py scan HOME N``: on a ready window, N scans of fresh codes as a wedge
scanner types them (12 digits + Enter, 2 ms apart) and the time from the last key to the
result card painted; then 32-character bursts at 2 ms per key, checking nothing is dropped.
"""

from __future__ import annotations

import ctypes
import json
import sys
import time
from pathlib import Path
from typing import Any

T_PROC = time.monotonic_ns()

KEY_GAP_NS = 2_000_000
NONE_RESERVE = 1 << 40
CALLS = [0]  # our own PySide calls that return None (each may drop a reference to None)


def none_leak_per_call() -> float:
    """References to ``None`` lost per void PySide call (0 on a sound build)."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(200):
        probe.setObjectName("probe")
    return (before - sys.getrefcount(None)) / 200


def none_reserve() -> int:
    """PySide6 6.12.0 on CPython 3.11 drops one reference to ``None`` per call of a method
    returning void (processEvents, keyClick, setText, update, ...); the interpreter aborts
    ("none_dealloc") once the count reaches zero. The benchmark gives ``None`` a reserve of
    references, as ``pos_app.ui.pyside_fixes`` does for ``True``/``False``, so that it can run;
    returns ``None``'s reference count before the reserve."""
    before = sys.getrefcount(None)
    ctypes.c_ssize_t.from_address(id(None)).value += NONE_RESERVE
    return before


def pump(app: Any) -> None:
    CALLS[0] += 1
    app.processEvents()


def _watch(window: Any) -> Any:
    """Records when ``window`` is first painted and first activated, as those events arrive
    (CLOCK_MONOTONIC ns), whatever the event loop does in the same turn."""
    from PySide6.QtCore import QEvent, QObject

    class Seen(QObject):
        painted = 0
        active = 0

        def eventFilter(self, watched: Any, event: Any) -> bool:
            kind = event.type()
            if kind == QEvent.Type.Paint and not self.painted:
                self.painted = time.monotonic_ns()
            elif kind == QEvent.Type.WindowActivate and not self.active:
                self.active = time.monotonic_ns()
            return False

    seen = Seen(window)
    window.installEventFilter(seen)
    return seen


def _ready(app: Any, window: Any, *, start: bool = True, seen: Any = None) -> int:
    """Show ``window`` and wait until it is painted and active; the time it was both."""
    seen = seen or _watch(window)
    window.show()
    window.activateWindow()
    if start:
        window.start()
    deadline = time.monotonic() + 10
    while not (seen.painted and seen.active) and time.monotonic() < deadline:
        pump(app)
    pump(app)
    return max(seen.painted, seen.active) or time.monotonic_ns()


def start(home_dir: str) -> dict[str, Any]:
    """As ``pos-app gui`` starts (``app.start_gui``, without the event loop): the start
    window, taking scans, is "ready"; then the main window in its place ("built"); then the
    simulator and keyring behind it ("connected")."""
    t0 = time.monotonic_ns()
    from pos_app.app import create_application, start_gui
    from pos_app.config.home import AppHome

    t_import = time.monotonic_ns()
    app = create_application()
    counter = start_gui(app, AppHome(Path(home_dir)))
    shell = counter.shell
    t_settings = time.monotonic_ns()
    t_ready = _ready(app, shell, start=False)
    deadline = time.monotonic() + 30
    while counter.window is None and time.monotonic() < deadline:
        pump(app)
    window = counter.window  # put inside the start window as it was built
    while not (window.isVisible() and window.isActiveWindow()) and time.monotonic() < deadline:
        pump(app)
    t_built = time.monotonic_ns()
    runtime = counter.runtime
    while not runtime.started and time.monotonic() < deadline:
        pump(app)
    t_connected = time.monotonic_ns()
    out = {
        "ready": t_ready,
        "built": t_built,
        "connected": t_connected,
        "proc": T_PROC,
        "imports_ns": t_import - t0,
        "settings_ns": t_settings - t_import,
        "shown_ns": t_ready - t_settings,
    }
    counter.close()
    return out


def _type(app: Any, handle: Any, text: str, gaps: list[int]) -> int:
    """Type ``text`` then Enter, one key every 2 ms (events processed meanwhile); the time of
    the last key."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    keys: list[Any] = [*text, Qt.Key.Key_Return]
    start = time.perf_counter_ns()
    last = start
    for k, key in enumerate(keys):
        due = start + k * KEY_GAP_NS
        while time.perf_counter_ns() < due:
            pump(app)
        now = time.perf_counter_ns()
        if k:
            gaps.append(now - last)
        last = now
        CALLS[0] += 1
        QTest.keyClick(handle, key)
    return last


def scan(home_dir: str, n: int) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).parent))
    from PySide6.QtCore import QEvent, QObject
    from rig import fresh_code, open_runtime, start_simulator

    from pos_app.app import create_application
    from pos_app.ui.main_window import MainWindow
    from pos_app.ui.tasks import TaskManager
    from pos_app.ui.widgets.result_card import CardState

    app = create_application()
    sim = start_simulator(n + 10)
    runtime = open_runtime(Path(home_dir), sim)
    tasks = TaskManager("service")
    window = MainWindow(runtime, tasks)
    _ready(app, window)
    handle = window.windowHandle()
    card = window.scan_screen.card

    class PaintWatch(QObject):
        painted_at = 0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (
                event.type() == QEvent.Type.Paint
                and card.state is CardState.SUCCESS
                and not self.painted_at
            ):
                self.painted_at = time.perf_counter_ns()
            return False

    watch = PaintWatch()
    card.installEventFilter(watch)
    marks = _instrument(window, runtime)
    latencies, gaps, states = [], [], []
    phases: list[dict[str, int]] = []
    none_start, calls_start = sys.getrefcount(None), CALLS[0]
    for i in range(n + 3):
        watch.painted_at = 0
        marks.clear()
        last = _type(app, handle, fresh_code(i), gaps)
        # The app waits in its own event loop, as it does at the counter (a busy loop here
        # would take the GIL from the service worker and count that against both).
        wait_until(
            lambda: (
                bool(watch.painted_at)
                or card.state in (CardState.FAILURE, CardState.UNKNOWN, CardState.ALREADY)
            ),
            15_000,
        )
        states.append(str(card.state))
        if i >= 3 and watch.painted_at:  # 3 warm-up scans
            latencies.append(watch.painted_at - last)
            phases.append(_phases(marks, last, watch.painted_at))
        wait_until(lambda: False, 300)  # a cashier's pace between scans
    none_after = sys.getrefcount(None)
    none_lost_by_app = (none_start - none_after) - (CALLS[0] - calls_start)
    # 32-character bursts at 2 ms per key: what the scanner filter hands on must be the code.
    got: list[str] = []
    window.scanner.scanned.connect(got.append)
    bursts, burst_gaps = 20, []
    sent = []
    for b in range(bursts):
        code = f"BURST{b:02d}" + "ABCDEFGHJKLMNPQRSTUVWXYZ2"[: 32 - 7]
        sent.append(code)
        _type(app, handle, code, burst_gaps)
        t_idle = time.monotonic() + 0.2
        while time.monotonic() < t_idle:
            pump(app)
    window.shutdown()
    tasks.shutdown(timeout_s=30)
    runtime.close()
    return {
        "phases": phases,
        "latencies": latencies,
        "states": states,
        "gaps": gaps,
        "burst_gaps": burst_gaps,
        "sent": sent,
        "got": got,
        "none_lost_per_scan": none_lost_by_app / (n + 3),
        "none_at_start": NONE_AT_START[0],
        "none_leak": NONE_LEAK[0],
    }


def wait_until(done: Any, timeout_ms: int) -> None:
    """Run a real event loop until ``done()`` (checked after every event) or the timeout."""
    from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QTimer

    loop = QEventLoop()

    class Check(QObject):
        def eventFilter(self, watched: Any, event: Any) -> bool:
            if done():
                loop.quit()
            return False

    check = Check()
    app = QCoreApplication.instance()
    assert app is not None
    app.installEventFilter(check)
    QTimer.singleShot(timeout_ms, loop.quit)
    try:
        if not done():
            CALLS[0] += 1
            loop.exec()
    finally:
        app.removeEventFilter(check)


def _instrument(window: Any, runtime: Any) -> dict[str, int]:
    """Timestamps (perf_counter_ns) of one scan's way through the app, taken by wrapping the
    functions that do each step: the scanner filter's ``scanned``, the service call on the worker
    (its start and end), the outcome back on the UI thread, the card's ``show_view``."""
    marks: dict[str, int] = {}

    def stamp(name: str, fn: Any) -> Any:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            marks.setdefault(name, time.perf_counter_ns())
            try:
                return fn(*args, **kwargs)
            finally:
                marks.setdefault(name + "_end", time.perf_counter_ns())

        return wrapped

    window.scanner.scanned.connect(
        lambda _code: marks.setdefault("scanned", time.perf_counter_ns())
    )
    service = runtime.service
    service.redeem = stamp("service", service.redeem)
    screen = window.scan_screen
    screen._on_outcome = stamp("outcome", screen._on_outcome)
    screen.card.show_view = stamp("show_view", screen.card.show_view)
    return marks


def _phases(marks: dict[str, int], last_key: int, painted: int) -> dict[str, int]:
    """ns per step from the Enter key to the card painted (missing steps count 0)."""
    at = {k: v for k, v in marks.items() if v >= last_key}
    service = at.get("service_end", 0) - at.get("service", 0)
    return {
        "total": painted - last_key,
        "service": service,
        "gui": painted - last_key - service,
        "to_scanned": at.get("scanned", last_key) - last_key,
        "to_worker": at.get("service", last_key) - at.get("scanned", last_key),
        "back_to_ui": at.get("outcome", 0) - at.get("service_end", 0),
        "outcome_to_card": at.get("outcome_end", 0) - at.get("outcome", 0),
        "to_paint": painted - at.get("outcome_end", painted),
    }


NONE_AT_START = [0]
NONE_LEAK = [0.0]


def bare() -> dict[str, Any]:
    """The baseline: a bare PySide6 ``QMainWindow`` shown and active in a fresh process."""
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1024, 768)
    return {"ready": _ready(app, window, start=False), "proc": T_PROC}


def main() -> None:
    if sys.argv[1] == "bare":  # nothing before Qt: the baseline is Qt alone
        sys.stdout.write("\n" + json.dumps(bare()) + "\n")
        return
    NONE_LEAK[0] = none_leak_per_call()
    NONE_AT_START[0] = none_reserve() if NONE_LEAK[0] > 0.5 else sys.getrefcount(None)
    out = start(sys.argv[2]) if sys.argv[1] == "start" else scan(sys.argv[2], int(sys.argv[3]))
    sys.stdout.write("\n" + json.dumps(out) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
