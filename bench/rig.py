"""The app as it runs in training mode, wired for benchmarks: simulator + Runtime + logging.

Differences from ``make run``, all stated in docs/performance.md:
* the simulator keeps its voucher state in memory (``data_dir=None``); the app's training mode
  gives it a folder, and it then rewrites and fsyncs its whole state file after every change;
* the simulator gets extra fresh single-use codes (its demo set has three), and its TOP call
  limit (100/s per app key, like the real gateway's default) is lifted so that throughput is ours;
* no OS keyring (training mode needs none).
Everything on the app's side is the real thing: ``Runtime`` wires the journal, the clients and
the service exactly as ``pos-app gui`` does, and logging goes to a rotating file as in the app.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchlib import ns, quiet_keyring

quiet_keyring()

from pos_app.config.home import AppHome  # noqa: E402
from pos_app.config.settings import load_settings  # noqa: E402
from pos_app.logsetup import setup_logging  # noqa: E402
from pos_app.runtime import Runtime  # noqa: E402
from pos_app.sandbox import DemoKeys, Simulator, alipay_api, server, top_api  # noqa: E402
from pos_app.sandbox import demo as sim_demo  # noqa: E402

_KEYS: list[DemoKeys] = []


def demo_keys() -> DemoKeys:
    """One set of demo keys per process (RSA key generation is slow and not what we measure)."""
    if not _KEYS:
        _KEYS.append(DemoKeys.generate())
    return _KEYS[0]


def fresh_code(i: int) -> str:
    """The i-th extra 12-digit internal code (none collides with the demo set)."""
    return f"7{i:011d}"


def order_no(i: int) -> str:
    return f"BENCH{i:020d}"


def _dataset_with(extra: int) -> Callable[..., dict[str, Any]]:
    base = sim_demo.demo_dataset

    def dataset(*args: Any, **kwargs: Any) -> dict[str, Any]:
        data = base(*args, **kwargs)
        for i in range(extra):
            code = fresh_code(i)
            data["vouchers"].append(
                {
                    "code": code,
                    "merchant_pid": sim_demo.OUR_PID,
                    "code_type": "INTERNAL_CODE",
                    "order_no": order_no(i),
                    "item": "tea",
                    "total": 1,
                    "remaining": 1,
                    "status": "AVAILABLE",
                    "multi": False,
                    "voucher_id": f"2024BENCH{i:012d}",
                }
            )
        return data

    return dataset


# --- the simulator's own time: measured inside its gateway handlers -------------------------


class SimClock:
    """Nanoseconds spent inside the simulator's Alipay/TOP handlers (verify, state, sign)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.total_ns = 0
        self.calls = 0

    def take(self) -> tuple[int, int]:
        with self.lock:
            out = (self.total_ns, self.calls)
            self.total_ns = self.calls = 0
        return out


SIM_CLOCK = SimClock()
_PATCHED: list[bool] = []


def _timed(fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = ns()
        try:
            return fn(*args, **kwargs)
        finally:
            dt = ns() - t0
            with SIM_CLOCK.lock:
                SIM_CLOCK.total_ns += dt
                SIM_CLOCK.calls += 1

    return wrapper


def _patch_simulator_handlers() -> None:
    if not _PATCHED:
        alipay_api.handle = _timed(alipay_api.handle)  # type: ignore[method-assign]
        top_api.handle = _timed(top_api.handle)  # type: ignore[method-assign]
        _PATCHED.append(True)


def start_simulator(extra_codes: int, data_dir: Path | None = None) -> Simulator:
    _patch_simulator_handlers()
    original = server.demo_dataset
    server.demo_dataset = _dataset_with(extra_codes)  # type: ignore[assignment]
    try:
        sim = Simulator.start(host="127.0.0.1", port=0, data_dir=data_dir, keys=demo_keys())
    finally:
        server.demo_dataset = original  # type: ignore[assignment]
    sim.options.top_calls_per_s = 1_000_000
    return sim


def open_runtime(home_dir: Path, sim: Simulator) -> Runtime:
    """The app's wiring (training mode) against ``sim``; logs to ``home_dir/logs``."""
    import logging

    home = AppHome(home_dir)
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_pos_app", False)]:
        root.removeHandler(handler)  # an earlier run's log folder may be gone
        handler.close()
    setup_logging(home.log_dir)
    settings = load_settings(home)
    assert settings.mode == "training"
    return Runtime(home, settings, simulator=sim)


def journal_path(home_dir: Path) -> Path:
    return AppHome(home_dir, create=False).journal_file
