"""How a voucher lookup (``VoucherInfo``) reads at the counter: the 查询 card, 剩余 N 次, and the
use history the manager sees on the 需核对 page. Texts only; the screens decide when to show them.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject

from pos_app.core import codes
from pos_app.core.lookup import last_use_time
from pos_app.core.messages import Message
from pos_app.core.models import VoucherInfo, VoucherStatus
from pos_app.ui import messages as ui_text
from pos_app.ui.widgets.result_card import CardState, CardView

logger = logging.getLogger(__name__)


class VoucherText(QObject):
    """Builds the texts (``tr`` context ``VoucherText``)."""

    def status(self, info: VoucherInfo) -> str:
        names: dict[str, str] = {
            VoucherStatus.EFFECTIVE: self.tr("Valid, can be redeemed"),
            VoucherStatus.USED: self.tr("Used"),
            VoucherStatus.UN_EFFECTIVE: self.tr("Not valid here or now"),
            VoucherStatus.REFUNDED: self.tr("Refunded"),
            VoucherStatus.USING: self.tr("Being redeemed elsewhere"),
            VoucherStatus.REFUNDING: self.tr("Refund in progress"),
        }
        return names.get(info.status) or info.status_desc or info.status or self.tr("not given")

    def uses_left(self, info: VoucherInfo) -> str:
        """``剩余 7 次`` (of 10)."""
        left = info.available_quantity if info.available_quantity is not None else 0
        text = self.tr("%1 of %2 use(s) left")
        return ui_text.arg(text, left, info.total_quantity or "?")

    def validity(self, info: VoucherInfo) -> str:
        start, end = info.effect_date[:10], info.expire_date[:10]
        if start and end:
            return ui_text.arg(self.tr("%1 to %2"), start, end)
        if end:
            return ui_text.arg(self.tr("until %1"), end)
        return ui_text.arg(self.tr("from %1"), start) if start else ""

    def price(self, info: VoucherInfo) -> str:
        paid = ui_text.money(info.current_price)
        listed = ui_text.money(info.original_price)
        if paid and listed and listed != paid:
            return ui_text.arg(self.tr("%1 (list price %2)"), paid, listed)
        return paid or listed

    def lookup_view(self, info: VoucherInfo, why: Message | None) -> CardView:
        """The 查询 card: what the voucher is and whether it can be redeemed now; its action
        (核销) only when the platform says it is valid here."""
        rows = [(self.tr("Status"), self.status(info))]
        for label, value in (
            (self.tr("Price"), self.price(info)),
            (self.tr("Valid"), self.validity(info)),
        ):
            if value:
                rows.append((label, value))
        if info.total_quantity is not None:
            rows.append((self.tr("Uses"), self.uses_left(info)))
        rows.append((self.tr("Code"), codes.group_code(codes.mask_code(info.ticket_code))))
        usable = info.status in ("", VoucherStatus.EFFECTIVE)
        detail = (
            self.tr("Nothing has been redeemed yet. Press Redeem to redeem it.")
            if usable
            else ui_text.pick(why) or self.tr("This voucher cannot be redeemed now.")
        )
        return CardView(
            CardState.INFO,
            self.tr("Voucher details"),
            headline=info.item_name or self.tr("(the platform did not name the item)"),
            rows=tuple(rows),
            detail=detail,
            footnote=info.order_no,
            action=self.tr("Redeem") if usable else "",
        )

    def history(self, info: VoucherInfo) -> str:
        """The platform's use history of a voucher, one line per use or reversal."""
        kinds = {"USE": self.tr("used"), "CANCEL": self.tr("reversed")}
        lines = [
            ui_text.arg(
                self.tr("%1  %2 ×%3"),
                use.time or "—",
                kinds.get(use.trans_type, use.trans_type or "—"),
                use.quantity if use.quantity is not None else "?",
            )
            for use in info.uses
        ]
        head = ui_text.arg(self.tr("Platform: %1"), self.status(info))
        if info.total_quantity is not None:
            head += " · " + self.uses_left(info)
        if not lines:
            lines = [self.tr("The platform lists no use of this voucher.")]
        last = last_use_time(info)
        if last:
            head += " · " + ui_text.arg(self.tr("last used %1"), last)
        return "\n".join([head, *lines])
