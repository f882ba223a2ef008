"""How a journal row reads and looks on the manager's screens: kind, state, colour, summary."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QColor

from pos_app.core.codes import mask_code
from pos_app.core.journal import Operation, OpKind, OpState
from pos_app.core.service import review_message
from pos_app.ui.messages import local_time, money, pick

# Foreground colours on white; chosen to stay readable for red/green colour blindness too
# (the state is always spelled out as well).
STATE_COLOURS: dict[OpState, str] = {
    OpState.SUCCEEDED: "#1b7f3b",
    OpState.FAILED: "#b00020",
    OpState.UNKNOWN: "#a15c00",
    OpState.PENDING: "#a15c00",
    OpState.REVIEW: "#7d3c98",  # amber-violet: neither done nor failed, a manager decides
}
REVERSED_COLOUR = "#6b6b6b"
REVIEW_BACKGROUND = "#f5eef8"  # a REVIEW row stands out in the records; text stays AA-readable


# The English source texts (marked for lupdate); shown translated, or as they are for an
# English CSV whatever the UI language.
_KINDS: dict[OpKind, str] = {
    OpKind.REDEEM: str(QT_TRANSLATE_NOOP("OperationText", "Redeem")),
    OpKind.REVERSE: str(QT_TRANSLATE_NOOP("OperationText", "Reversal")),
    OpKind.SYNC: str(QT_TRANSLATE_NOOP("OperationText", "Sync")),
}
_STATES: dict[OpState, str] = {
    OpState.SUCCEEDED: str(QT_TRANSLATE_NOOP("OperationText", "Succeeded")),
    OpState.FAILED: str(QT_TRANSLATE_NOOP("OperationText", "Failed")),
    OpState.UNKNOWN: str(QT_TRANSLATE_NOOP("OperationText", "Confirming")),
    OpState.REVIEW: str(QT_TRANSLATE_NOOP("OperationText", "Review")),
    OpState.PENDING: str(QT_TRANSLATE_NOOP("OperationText", "Sending")),
}
_REVERSED = str(QT_TRANSLATE_NOOP("OperationText", "Reversed"))


def _word(source: str, english: bool) -> str:
    return source if english else QCoreApplication.translate("OperationText", source)


def kind_text(kind: OpKind, *, english: bool = False) -> str:
    return _word(_KINDS[kind], english)


def state_text(state: OpState, *, english: bool = False) -> str:
    return _word(_STATES[state], english)


def row_state_text(op: Operation, *, english: bool = False) -> str:
    """The state, plus "reversed" for a succeeded redemption that was reversed."""
    if op.kind is OpKind.REDEEM and op.reversed_by is not None:
        return _word(_REVERSED, english)
    return state_text(op.state, english=english)


def row_colour(op: Operation) -> QColor:
    if op.kind is OpKind.REDEEM and op.reversed_by is not None:
        return QColor(REVERSED_COLOUR)
    return QColor(STATE_COLOURS[op.state])


def review_text(op: Operation) -> str:
    """Why a REVIEW row waits for a manager, in the UI's language ("" for any other row)."""
    return pick(review_message(op)) if op.state is OpState.REVIEW else ""


def link_text(op: Operation) -> str:
    """How a row points at its partner: a reversal at its redemption and back."""
    if op.parent_id is not None:
        text = QCoreApplication.translate("OperationText", "reverses #%1")
        return text.replace("%1", str(op.parent_id))
    if op.reversed_by is not None:
        text = QCoreApplication.translate("OperationText", "reversed by #%1")
        return text.replace("%1", str(op.reversed_by))
    return ""


def reversal_summary(op: Operation, reason: str) -> str:
    """The confirmation text: what exactly will be reversed (code masked)."""
    lines = [
        QCoreApplication.translate("OperationText", "Reverse this redemption?"),
        "",
        QCoreApplication.translate("OperationText", "Code: %1").replace("%1", mask_code(op.code)),
        QCoreApplication.translate("OperationText", "Quantity: %1").replace("%1", str(op.quantity)),
        QCoreApplication.translate("OperationText", "Amount paid: %1").replace(
            "%1", money(op.amount) or QCoreApplication.translate("OperationText", "unknown")
        ),
        QCoreApplication.translate("OperationText", "Redeemed at: %1").replace(
            "%1", local_time(op.created_at)
        ),
        QCoreApplication.translate("OperationText", "Order no: %1").replace(
            "%1", op.order_no or QCoreApplication.translate("OperationText", "none")
        ),
    ]
    if op.item_name:
        lines.append(
            QCoreApplication.translate("OperationText", "Item: %1").replace("%1", op.item_name)
        )
    lines += [
        QCoreApplication.translate("OperationText", "Reason: %1").replace("%1", reason),
        "",
        QCoreApplication.translate(
            "OperationText",
            "The voucher becomes usable again for the customer. This cannot be undone here.",
        ),
    ]
    return "\n".join(lines)
