"""Voucher codes never reach the log file in full, whoever logs them."""

from __future__ import annotations

import logging
from pathlib import Path

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
