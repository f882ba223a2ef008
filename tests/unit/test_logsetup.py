"""Voucher codes never reach the log file in full, whoever logs them."""

from __future__ import annotations

import io
import logging
import sys
from pathlib import Path

import pytest

from pos_app.logsetup import setup_logging


def test_a_code_inside_a_gateway_message_is_masked_in_the_log_file(tmp_path: Path) -> None:
    root = logging.getLogger()
    saved = list(root.handlers)
    for handler in saved:  # an earlier test in this process may have set up logging already
        if getattr(handler, "_pos_app", False):
            root.removeHandler(handler)
    try:
        path = setup_logging(tmp_path / "logs")
        log = logging.getLogger("pos_app.gateways.top")
        log.info("rejected: %s", "凭证码016569843362不存在")
        log.info("order 20180404111040030100130500594477 request R2026112310005700ABC")
        for handler in root.handlers:
            handler.flush()
        text = path.read_text(encoding="utf-8")
        assert "016569843362" not in text
        assert "********3362" in text
        # longer digit runs (order numbers) are not voucher codes and stay readable
        assert "20180404111040030100130500594477" in text
        assert (path.stat().st_mode & 0o777) == 0o600
    finally:
        for handler in list(root.handlers):
            if handler not in saved:
                root.removeHandler(handler)
                handler.close()
        for handler in saved:
            if handler not in root.handlers:
                root.addHandler(handler)


def test_the_caller_only_queues_a_record_and_the_listener_writes_it(tmp_path: Path) -> None:
    """Logging is off the redemption's path (issue #13): the calling thread never touches the
    file; a listener thread writes it, masked, and ``flush`` waits for it."""
    import threading

    from pos_app.logsetup import QueueToHandlers

    root = logging.getLogger()
    saved = [h for h in root.handlers if getattr(h, "_pos_app", False)]
    for handler in saved:
        root.removeHandler(handler)
    writers: list[str] = []
    try:
        path = setup_logging(tmp_path / "logs")
        [ours] = [h for h in root.handlers if getattr(h, "_pos_app", False)]
        assert isinstance(ours, QueueToHandlers)
        file_handler = next(h for h in ours.listener.handlers if isinstance(h, logging.FileHandler))
        original = file_handler.emit

        def emit(record: logging.LogRecord) -> None:
            writers.append(threading.current_thread().name)
            original(record)

        file_handler.emit = emit  # type: ignore[method-assign]
        logging.getLogger("pos_app.core.service").info("redeemed %s", "016569843362")
        ours.flush()
        assert writers and threading.current_thread().name not in writers
        text = path.read_text(encoding="utf-8")
        assert "redeemed ********3362" in text and "016569843362" not in text
        ours.close()
        ours.close()  # twice is harmless (atexit after a test closed it)
    finally:
        for handler in [h for h in root.handlers if getattr(h, "_pos_app", False)]:
            root.removeHandler(handler)
            handler.close()
        for handler in saved:
            root.addHandler(handler)


def test_the_console_handler_writes_to_stderr_as_it_is_now(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The listener thread may write after stderr was swapped (a redirect, a test harness) and
    the old stream closed: the record goes to the current one, never to a closed file."""
    from pos_app.logsetup import CurrentStderr

    handler = CurrentStderr()
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    before, now = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", before)
    handler.handle(logging.LogRecord("t", logging.WARNING, __file__, 1, "first", None, None))
    before.close()
    monkeypatch.setattr(sys, "stderr", now)
    handler.handle(logging.LogRecord("t", logging.WARNING, __file__, 1, "second", None, None))
    assert now.getvalue() == "WARNING second\n"
