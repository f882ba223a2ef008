"""A tiny TOML writer for the settings file: top-level scalars and flat tables of scalars.

Reading uses the standard library's ``tomllib``; writing needs only this much, so no dependency.
Supported values: ``str``, ``bool``, ``int``, finite ``float``. Anything else is a programming
error and raises ``TypeError``.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping

logger = logging.getLogger(__name__)

Scalar = str | bool | int | float
Document = Mapping[str, "Scalar | Mapping[str, Scalar]"]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def quote_string(text: str) -> str:
    """A TOML basic string: backslash, quote and every control character escaped."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def format_key(key: str) -> str:
    if not key:
        raise TypeError("empty TOML key")
    return key if _BARE_KEY.fullmatch(key) else quote_string(key)


def format_value(value: object) -> str:
    # bool first: it is a subclass of int.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError("non-finite float in settings")
        return repr(value)
    if isinstance(value, str):
        return quote_string(value)
    raise TypeError(f"unsupported TOML value type {type(value).__name__}")


def dumps(document: Document) -> str:
    """The TOML text of ``document``: top-level scalars first, then one ``[table]`` per mapping."""
    lines: list[str] = []
    tables: list[tuple[str, Mapping[str, Scalar]]] = []
    for key, value in document.items():
        if isinstance(value, Mapping):
            tables.append((key, value))
        else:
            lines.append(f"{format_key(key)} = {format_value(value)}")
    for name, table in tables:
        if lines:
            lines.append("")
        lines.append(f"[{format_key(name)}]")
        for key, value in table.items():
            if isinstance(value, Mapping):
                raise TypeError("nested tables are not supported")
            lines.append(f"{format_key(key)} = {format_value(value)}")
    return "\n".join(lines) + "\n"
