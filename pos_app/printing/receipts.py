"""Slips from the undo log: the one place that picks the slip for a journal row.

Every slip is rebuilt from the journal, so whatever could not be printed (printer off, out of
paper) is reprinted later from the same row: nothing about a receipt needs to be stored.
"""

from __future__ import annotations

import logging
from typing import Protocol

from pos_app.core.errors import InputInvalid
from pos_app.core.journal import Operation, OpKind
from pos_app.core.receipt import Slip, SlipShop, redemption_slip, reversal_slip

logger = logging.getLogger(__name__)


class OperationReader(Protocol):
    """The read side of ``RedemptionService`` a slip needs."""

    def get(self, op_id: int) -> Operation | None: ...

    def find_request(self, request_id: str, kind: OpKind | None = None) -> list[Operation]: ...


def slip_for(
    reader: OperationReader, op: Operation, shop: SlipShop, *, reprint: bool = False
) -> Slip:
    """The slip of a SUCCEEDED redemption or reversal (``InputInvalid`` "RECEIPT_NOT_PRINTABLE"
    for anything else); a reversal's slip names what it reversed."""
    if op.kind is OpKind.REVERSE:
        parent = reader.get(op.parent_id) if op.parent_id is not None else None
        return reversal_slip(op, parent, shop, reprint=reprint)
    return redemption_slip(op, shop, reprint=reprint)


def slip_for_request(reader: OperationReader, request_id: str, shop: SlipShop) -> Slip:
    """The slip to print again for ``request_id`` (a redemption's or a reversal's own id);
    ``InputInvalid`` "RECEIPT_NOT_FOUND" when this till's log has neither."""
    rows = [op for op in reader.find_request(request_id) if op.kind is not OpKind.SYNC]
    if not rows:
        raise InputInvalid("RECEIPT_NOT_FOUND", "request_id", "no such redemption or reversal")
    return slip_for(reader, rows[0], shop, reprint=True)
