"""Run a service call on the serial worker on behalf of a widget that may be gone by the answer.

A dialog can be closed, or a screen rebuilt, while its job waits in the queue behind a slow
redemption; the answer must then be dropped rather than delivered to a deleted C++ object.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import shiboken6
from PySide6.QtCore import QObject

from pos_app.ui.tasks import TaskManager

logger = logging.getLogger(__name__)

T = TypeVar("T")


def in_background(
    tasks: TaskManager,
    owner: QObject,
    fn: Callable[[], T],
    done: Callable[[T], None],
    failed: Callable[[Exception], None],
    *,
    label: str = "",
) -> int:
    """Queue ``fn``; ``done``/``failed`` run on the UI thread only while ``owner`` still exists."""

    def on_done(result: T) -> None:
        if shiboken6.isValid(owner):
            done(result)
        else:
            logger.debug("dropped the answer of %s: its widget is gone", label or "a job")

    def on_failed(error: Exception) -> None:
        if shiboken6.isValid(owner):
            failed(error)
        else:
            logger.warning("%s failed after its widget was gone: %s", label or "a job", error)

    return tasks.op(fn, label=label).success(on_done).failure(on_failed).run_in_background()
