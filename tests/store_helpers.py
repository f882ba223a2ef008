"""Tills on one store database for the cross-till tests (integration and GUI): each till is the
product's own Runtime in training mode with its own home (SQLite journal, replicator), all
sharing one simulator — the shop's gateway — and one PostgreSQL database."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pos_app.config.home import AppHome
from pos_app.config.settings import Settings, set_setting
from pos_app.runtime import Runtime
from pos_app.sandbox import Simulator


def open_till(root: Path, name: str, url: str, sim: Simulator) -> Runtime:
    """Till ``name`` (its terminal id) in ``root/name``, replicating to ``url``."""
    settings = set_setting(Settings(), "terminal.id", name)
    settings = set_setting(settings, "store.database_url", url)
    return Runtime(AppHome(root / name), settings, simulator=sim)


def close_tills(*tills: Runtime) -> None:
    for till in tills:
        till.simulator = None  # shared: whoever started it stops it
        till.close()


def wait_for(predicate: Callable[[], Any], timeout_s: float = 30) -> Any:
    """Poll until ``predicate()`` is truthy (or the time is up); its last answer."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.05)
    return predicate()
