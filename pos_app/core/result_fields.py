"""A redemption's answer as flat strings for the journal, and back, so history can show it later."""

from __future__ import annotations

import dataclasses
from decimal import Decimal, InvalidOperation

from pos_app.core.models import RedeemResult

_SKIP = {"details", "repeat"}


def redeem_result_fields(result: RedeemResult) -> dict[str, str]:
    """The non-empty scalar fields of ``result`` as strings (Decimal kept exact)."""
    fields: dict[str, str] = {}
    for f in dataclasses.fields(result):
        if f.name in _SKIP:
            continue
        value = getattr(result, f.name)
        if value is None or value == "":
            continue
        fields[f.name] = str(value)
    if result.details:
        fields["detail_count"] = str(len(result.details))
    return fields


def money(fields: dict[str, str], name: str) -> Decimal | None:
    """A money field from stored strings; None when absent or unreadable."""
    text = fields.get(name, "")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None
