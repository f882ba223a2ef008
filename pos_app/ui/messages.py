"""The UI's language choice, and how core texts, money and times are shown in it.

The core's cashier-facing texts come as zh/en pairs (``pos_app.core.messages.Message``); the GUI's
own strings go through Qt's ``tr()``. ``pick`` chooses the half of a pair that matches the language
the app was started in (``app.py`` calls ``set_language`` once, before any window is built).
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from pos_app.core.errors import PosError
from pos_app.core.messages import Message, message_for

logger = logging.getLogger(__name__)

LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"
_language = DEFAULT_LANGUAGE


def set_language(language: str) -> str:
    """Use ``language`` for core texts; anything unknown falls back to zh_CN. Returns the choice."""
    global _language  # noqa: PLW0603 - one process-wide UI language, set once at start-up
    _language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    return _language


def language() -> str:
    return _language


def is_chinese() -> bool:
    return _language == "zh_CN"


def pick(message: Message | None) -> str:
    """The text of a core message in the UI's language ("" for None)."""
    if message is None:
        return ""
    return message.zh if is_chinese() else message.en


def error_text(error: BaseException) -> str:
    """What to tell the cashier about ``error``: its own text, or the generic one."""
    if isinstance(error, PosError):
        return pick(error.message)
    return pick(message_for("POS_ERROR"))


def money(amount: Decimal | None) -> str:
    """``¥12.50`` (amounts are yuan with two decimals on both platforms); "" when unknown."""
    if amount is None:
        return ""
    return f"¥{amount.quantize(Decimal('0.01')):,}"


def local_time(moment: datetime | None) -> str:
    """A moment (aware) in this computer's time zone, ``2026-11-23 17:38:12``."""
    if moment is None:
        return ""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def arg(text: str, *values: object) -> str:
    """Fill Qt-style ``%1``, ``%2`` … placeholders (what ``QString::arg`` does in C++)."""
    for index in range(len(values), 0, -1):  # %10 before %1
        text = text.replace(f"%{index}", str(values[index - 1]))
    return text
