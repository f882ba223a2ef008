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


def test_the_log_rotates_by_the_bytes_written_and_loses_no_line(tmp_path: Path) -> None:
    """The file handler counts its own bytes (no stat per record): the files stay under the
    limit, rotate into .1, .2…, and every line is in one of them exactly once."""
    from pos_app.logsetup import _RotatingLog

    path = tmp_path / "pos_app.log"
    path.write_text("已有的一行\n", encoding="utf-8")  # a file from an earlier run counts too
    handler = _RotatingLog(path, max_bytes=2_000, backups=9)
    handler.setFormatter(logging.Formatter("%(message)s"))
    lines = [f"第{i:03d}行 redeem ********{i:04d}" for i in range(200)]
    for text in lines:
        handler.handle(logging.LogRecord("t", logging.INFO, __file__, 1, text, None, None))
    handler.close()
    files = [path, *sorted(tmp_path.glob("pos_app.log.*"))]
    assert len(files) > 3
    assert all(f.stat().st_size < 2_000 for f in files)
    written = [line for f in files for line in f.read_text(encoding="utf-8").splitlines()]
    assert sorted(written) == sorted(["已有的一行", *lines])  # 9 backups: nothing dropped


def test_a_flush_does_not_wait_out_the_listeners_pause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The listener writes a quiet spell's first lines a moment late (off the redemption's
    path); a flush (a command's end, a test) makes it write at once."""
    import threading

    from pos_app import logsetup

    monkeypatch.setattr(logsetup._Coalescing, "PAUSE_S", 600.0)
    root = logging.getLogger()
    saved = [h for h in root.handlers if getattr(h, "_pos_app", False)]
    for handler in saved:
        root.removeHandler(handler)
    try:
        path = setup_logging(tmp_path / "logs")
        logging.getLogger("pos_app.core.service").info("redeem ********3362 x1")
        flushing = threading.Thread(target=logsetup.flush_logging)
        flushing.start()
        flushing.join(timeout=30)
        assert not flushing.is_alive(), "flush waited for the 600 s pause"
        assert "redeem ********3362 x1" in path.read_text(encoding="utf-8")
    finally:
        for handler in [h for h in root.handlers if getattr(h, "_pos_app", False)]:
            root.removeHandler(handler)
            handler.close()
        for handler in saved:
            root.addHandler(handler)
