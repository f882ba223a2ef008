"""Shift (交班) and day (日结) reports as plain data, computed from the undo log only.

A report is what a manager closing a shift or a day counts: redemptions (count, uses, amount),
reversals (positive sums), failures, open (待确认) and review (需核对) rows, then the same
numbers by product, by cashier and by hour. Renderers (the report page, the PDF, the receipt
printer, ``pos-app report --json``) only lay this model out; none of them counts anything.

The numbers follow the journal's ``totals`` exactly, so the report and the history screen never
disagree: ``redeemed`` is the SUCCEEDED redemptions that have no SUCCEEDED reversal (what still
stands), ``reversed`` the SUCCEEDED reversals made in the period (their redemptions' amounts, as
positive sums; two tills' reversals of one redemption count once), ``unknown`` the PENDING and
UNKNOWN rows, ``review`` the REVIEW rows, ``failed`` the FAILED ones. Syncs count only when open,
failed or in review, as in ``totals``.

A day is the till's local calendar day; with a business-day cutoff (``report.day_cutoff``, e.g.
04:00 for a shop open past midnight) it runs from that time to the same time the next day.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Protocol

from pos_app.core.errors import InputInvalid
from pos_app.core.journal import Operation, OpKind, OpState

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
_PAGE = 1000


@dataclass(frozen=True, slots=True)
class Tally:
    count: int = 0
    quantity: int = 0
    amount: Decimal = Decimal("0.00")

    def plus(self, quantity: int, amount: Decimal | None) -> Tally:
        return Tally(self.count + 1, self.quantity + quantity, self.amount + (amount or 0))

    def as_json(self) -> dict[str, Any]:
        return {"count": self.count, "quantity": self.quantity, "amount": yuan(self.amount)}


@dataclass(frozen=True, slots=True)
class Line:
    """One product, cashier or hour: what was redeemed and what was reversed."""

    key: str
    redeemed: Tally = Tally()
    reversed: Tally = Tally()


@dataclass(frozen=True, slots=True)
class Report:
    kind: str  # "shift" (交班) or "day" (日结)
    scope: str  # "till" or "store" (every till of the shop, from the store database)
    day: date  # the business day (a shift: the day it started)
    start: datetime  # local, aware
    end: datetime
    terminal: str = ""
    cashier: str | None = None  # only this cashier's rows (``None``: everybody's)
    redeemed: Tally = Tally()
    reversed: Tally = Tally()
    failed: int = 0
    unknown: int = 0
    review: int = 0
    by_product: tuple[Line, ...] = ()
    by_cashier: tuple[Line, ...] = ()
    by_hour: tuple[Line, ...] = field(default=())  # 24 lines, key "HH", from the cutoff on

    @property
    def busiest_hour_count(self) -> int:
        return max((line.redeemed.count for line in self.by_hour), default=0)


class ReportSource(Protocol):
    """What a report reads: one local day's rows, and the two facts a row does not carry."""

    def rows(self, day: date) -> list[Operation]:
        """Every row whose local day is ``day``."""

    def redemption_of(self, reversal: Operation) -> Operation | None:
        """The redemption a reversal reverses (its amount is the reversed amount)."""

    def reversal_succeeded(self, redemption: Operation) -> bool:
        """Whether the redemption's live reversal (``reversed_by``) is SUCCEEDED."""


class JournalSource:
    """A till's own journal (``Journal``); ``store`` wraps a ``PostgresJournal``'s shop views."""

    def __init__(
        self,
        page: Callable[[date, int, int], list[Operation]],
        get: Callable[[int], Operation | None],
        redemption_of: Callable[[Operation], Operation | None],
    ) -> None:
        self._page = page
        self._get = get
        self._redemption_of = redemption_of

    @classmethod
    def till(cls, journal: Any) -> JournalSource:
        def parent(op: Operation) -> Operation | None:
            return None if op.parent_id is None else journal.get(op.parent_id)

        return cls(
            lambda day, offset, limit: journal.day_page(day, offset=offset, limit=limit),
            journal.get,
            parent,
        )

    @classmethod
    def store(cls, store: Any) -> JournalSource:
        """Every till of the shop: rows, reversals and their redemptions whichever till."""

        def parent(op: Operation) -> Operation | None:
            found: Operation | None = store.find_redemption(op.payload.get("request_id", ""))
            return found

        return cls(
            lambda day, offset, limit: store.shop_day_page(day, offset=offset, limit=limit),
            store.shop_get,
            parent,
        )

    def rows(self, day: date) -> list[Operation]:
        found: list[Operation] = []
        while True:
            page = self._page(day, len(found), _PAGE)
            found += page
            if len(page) < _PAGE:
                return found

    def redemption_of(self, reversal: Operation) -> Operation | None:
        return self._redemption_of(reversal)

    def reversal_succeeded(self, redemption: Operation) -> bool:
        if redemption.reversed_by is None:
            return False
        reversal = self._get(redemption.reversed_by)
        return reversal is not None and reversal.state is OpState.SUCCEEDED


def yuan(amount: Decimal) -> str:
    """An amount as the JSON and the slips show it: yuan with two decimals ("45.00")."""
    return str(amount.quantize(CENT))


def parse_cutoff(text: str) -> time:
    hours, _, minutes = (text or "00:00").partition(":")
    return time(int(hours), int(minutes or 0))


def business_day_of(at: datetime, cutoff: time) -> date:
    """The business day a moment belongs to (before the cutoff: the day before)."""
    local = at.astimezone()
    return (local - timedelta(hours=cutoff.hour, minutes=cutoff.minute)).date()


def check_report_day(day: date, today: date) -> date:
    if day > today:
        raise InputInvalid("REPORT_DATE", "date", "in the future")
    return day


def day_report(
    source: ReportSource,
    day: date,
    *,
    cutoff: time = time(0),
    cashier: str | None = None,
    scope: str = "till",
    terminal: str = "",
) -> Report:
    """日结: the business ``day`` (from ``cutoff`` to ``cutoff`` the next day)."""
    start = datetime.combine(day, cutoff).astimezone()
    end = datetime.combine(day + timedelta(days=1), cutoff).astimezone()
    days = [day] if cutoff == time(0) else [day, day + timedelta(days=1)]
    rows = [op for d in days for op in source.rows(d) if start <= op.created_at < end]
    if cashier is not None:
        rows = [op for op in rows if op.cashier == cashier]
    base = Report("day", scope, day, start, end, terminal, cashier)
    return _count(source, base, rows, cutoff.hour)


def shift_report(
    source: ReportSource,
    cashier: str,
    since: datetime,
    until: datetime,
    *,
    terminal: str = "",
) -> Report:
    """交班: ``cashier``'s rows at this till from sign-in (``since``) to now (``until``)."""
    first, last = since.astimezone().date(), until.astimezone().date()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    rows = [
        op
        for d in days
        for op in source.rows(d)
        if op.cashier == cashier and since <= op.created_at <= until
    ]
    base = Report("shift", "till", first, since.astimezone(), until.astimezone(), terminal, cashier)
    report = _count(source, base, rows, since.astimezone().hour)
    # A shift's chart shows the hours it spans (from the sign-in hour), not a whole day.
    top_of_hour = since.astimezone().replace(minute=0, second=0, microsecond=0)
    span = min(24, int((until.astimezone() - top_of_hour).total_seconds() // 3600) + 1)
    return replace(report, by_hour=report.by_hour[:span])


def _count(
    source: ReportSource, base: Report, rows: Iterable[Operation], first_hour: int
) -> Report:
    redeemed, reversed_, failed, unknown, review = Tally(), Tally(), 0, 0, 0
    products: dict[str, Line] = {}
    cashiers: dict[str, Line] = {}
    hours = {
        f"{(first_hour + n) % 24:02d}": Line(f"{(first_hour + n) % 24:02d}") for n in range(24)
    }
    reversed_parents: set[object] = set()
    for op in sorted(rows, key=lambda o: o.created_at):
        if op.state.is_open:
            unknown += 1
        elif op.state is OpState.FAILED:
            failed += 1
        elif op.state is OpState.REVIEW:
            review += 1
        elif op.kind is OpKind.REVERSE:
            parent = source.redemption_of(op)
            key = ("parent", parent.request_id) if parent else ("row", op.id)
            if key in reversed_parents:
                continue
            reversed_parents.add(key)
            amount = parent.amount if parent else op.amount
            item = parent.item_name if parent else op.item_name
            reversed_ = reversed_.plus(op.quantity, amount)
            for table, name in ((products, item), (cashiers, op.cashier), (hours, _hour(op))):
                line = table.get(name) or Line(name)
                table[name] = replace(line, reversed=line.reversed.plus(op.quantity, amount))
        elif op.kind is OpKind.REDEEM and not source.reversal_succeeded(op):
            redeemed = redeemed.plus(op.quantity, op.amount)
            for table, name in (
                (products, op.item_name),
                (cashiers, op.cashier),
                (hours, _hour(op)),
            ):
                line = table.get(name) or Line(name)
                table[name] = replace(line, redeemed=line.redeemed.plus(op.quantity, op.amount))
    return replace(
        base,
        redeemed=redeemed,
        reversed=reversed_,
        failed=failed,
        unknown=unknown,
        review=review,
        by_product=_ranked(products),
        by_cashier=_ranked(cashiers),
        by_hour=tuple(hours.values()),
    )


def _hour(op: Operation) -> str:
    return f"{op.created_at.astimezone().hour:02d}"


def _ranked(lines: dict[str, Line]) -> tuple[Line, ...]:
    """Biggest amount first, then name: the order a manager reads a list in."""
    return tuple(
        sorted(lines.values(), key=lambda x: (-x.redeemed.amount, -x.redeemed.count, x.key))
    )


def report_json(report: Report) -> dict[str, Any]:
    """The ``pos-app report --json`` body (keys as issue #12 names them; amounts in yuan)."""

    def line(x: Line, key: str) -> dict[str, Any]:
        return {key: x.key, "redeemed": x.redeemed.as_json(), "reversed": x.reversed.as_json()}

    return {
        "date": report.day.isoformat(),
        "kind": report.kind,
        "scope": report.scope,
        "start": report.start.isoformat(),
        "end": report.end.isoformat(),
        "terminal": report.terminal,
        "cashier": report.cashier,
        "redeemed": report.redeemed.as_json(),
        "reversed": report.reversed.as_json(),
        "failed": report.failed,
        "unknown": report.unknown,
        "review": report.review,
        "by_product": [line(x, "name") for x in report.by_product],
        "by_cashier": [line(x, "cashier") for x in report.by_cashier],
        "by_hour": [line(x, "hour") for x in report.by_hour],
    }
