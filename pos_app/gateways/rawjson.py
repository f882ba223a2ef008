"""Find the raw text of a top-level JSON member, exactly as received, for signature checks.

Alipay signs the response node's value as it was written on the wire, from its ``{`` to the
matching ``}``. Re-serialising parsed JSON changes spacing, escapes and key order, so we scan the
text with awareness of strings and escapes instead, and refuse a body that names the node twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


class RawJsonError(ValueError):
    """The body is not a JSON object, or the member is missing, duplicated or truncated."""


class DuplicateMember(RawJsonError):
    """The member appears more than once (duplicate-key forgery)."""


@dataclass(frozen=True, slots=True)
class TopLevelMember:
    name: str
    raw: str  # the value's exact text
    start: int
    end: int


_DECODER = json.JSONDecoder()


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def _end_of_value(text: str, i: int) -> int:
    """Index just past the JSON value starting at ``i`` (objects/arrays by bracket matching)."""
    if i >= len(text):
        raise RawJsonError("truncated body")
    if text[i] not in "{[":
        try:
            _, end = _DECODER.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            raise RawJsonError(f"bad value at {i}") from exc
        return end
    depth = 0
    in_string = False
    j = i
    while j < len(text):
        ch = text[j]
        if in_string:
            if ch == "\\":
                j += 2
                continue
            if ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    raise RawJsonError("truncated body")


def top_level_members(text: str) -> list[TopLevelMember]:
    """Every member of the top-level object, in order, with its value's raw text."""
    i = _skip_ws(text, 0)
    if i >= len(text) or text[i] != "{":
        raise RawJsonError("body is not a JSON object")
    members: list[TopLevelMember] = []
    i = _skip_ws(text, i + 1)
    if i < len(text) and text[i] == "}":
        if _skip_ws(text, i + 1) != len(text):
            raise RawJsonError("data after the top-level object")
        return members
    while True:
        if i >= len(text) or text[i] != '"':
            raise RawJsonError(f"expected a member name at {i}")
        try:
            name, i = _DECODER.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            raise RawJsonError("truncated member name") from exc
        i = _skip_ws(text, i)
        if i >= len(text) or text[i] != ":":
            raise RawJsonError(f"expected ':' at {i}")
        start = _skip_ws(text, i + 1)
        end = _end_of_value(text, start)
        members.append(TopLevelMember(str(name), text[start:end], start, end))
        i = _skip_ws(text, end)
        if i < len(text) and text[i] == ",":
            i = _skip_ws(text, i + 1)
            continue
        if i < len(text) and text[i] == "}":
            if _skip_ws(text, i + 1) != len(text):
                raise RawJsonError("data after the top-level object")
            return members
        raise RawJsonError("truncated body")


def member_raw(text: str, name: str) -> str | None:
    """The raw text of member ``name``; None if absent; ``RawJsonError`` if it appears twice."""
    found = [m for m in top_level_members(text) if m.name == name]
    if len(found) > 1:
        raise DuplicateMember(f"member {name!r} appears {len(found)} times")
    return found[0].raw if found else None
