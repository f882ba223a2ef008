"""What the service reads from the store database (PostgreSQL), as core's own interface.

The store database holds every till's rows of the shop (docs/store.md). ``journal.postgres``
implements the reads; ``store.views.StoreReader`` guards them for the service and the GUI (a
short deadline, and none at all while the replicator says the store is offline). Every method
may raise ``StoreUnavailable``: the caller then carries on with this till's own journal.
Operations returned here carry store ids (``Operation.id``), name their till in ``terminal`` and
their cashier in ``operator``.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from pos_app.core.journal import DayTotals, Operation, OpKind, OpState


class StoreViews(Protocol):
    def find_redemption(self, request_id: str) -> Operation | None:
        """The shop's redemption with ``request_id``, whichever till made it."""

    def redeemed_elsewhere(self, code: str, day: date) -> list[Operation]:
        """Redemptions of ``code`` on ``day`` at another till that still count, newest first."""

    def shop_reversible(
        self, day: date | None = None, limit: int = 200, *, search: str = ""
    ) -> list[Operation]:
        """Succeeded redemptions of every till without a live reversal from any till."""

    def shop_day_page(
        self,
        day: date,
        *,
        offset: int = 0,
        limit: int = 100,
        search: str = "",
        states: frozenset[OpState] | None = None,
        kinds: frozenset[OpKind] | None = None,
    ) -> list[Operation]: ...

    def shop_day_count(
        self, day: date, *, search: str = "", states: frozenset[OpState] | None = None
    ) -> int: ...

    def shop_totals(self, day: date) -> DayTotals: ...
