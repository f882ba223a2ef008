"""Logging for the app and the CLI: a rotating file in the app's log folder, warnings to stderr."""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
from pathlib import Path

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# A bare 12-digit run is an internal voucher code (order numbers and request ids are longer).
_INTERNAL_CODE = re.compile(r"(?<![0-9])[0-9]{8}([0-9]{4})(?![0-9])")


class MaskVoucherCodes(logging.Filter):
    """Last line of defence: a voucher code that reached a log message (e.g. inside a gateway's
    sub_msg) is masked before any handler writes it. Call sites mask codes themselves too."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _INTERNAL_CODE.sub(r"********\1", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def setup_logging(log_dir: Path, *, verbose: bool = False) -> Path:
    """Log to ``log_dir/pos_app.log`` (5 × 1 MB, owner-only); return the file's path."""
    log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = log_dir / "pos_app.log"
    root = logging.getLogger()
    if any(getattr(h, "_pos_app", False) for h in root.handlers):
        return path
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter(_FORMAT))
    file_handler._pos_app = True  # type: ignore[attr-defined]
    os.chmod(path, 0o600)
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    console._pos_app = True  # type: ignore[attr-defined]
    for handler in (file_handler, console):
        handler.addFilter(MaskVoucherCodes())
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    # urllib3 would log full URLs, whose query holds request parameters.
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    return path
