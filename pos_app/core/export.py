"""CSV export of journal rows (the history screen's "export"), with no Qt.

Codes are masked exactly as on screen (``mask_code``): a CSV leaves the counter on a USB stick or by
mail, so it carries no full voucher code. The file is UTF-8 with a byte-order mark so that Excel
opens the Chinese columns correctly, and any free-text cell that a spreadsheet would read as a
formula (``=``, ``+``, ``-``, ``@``) is prefixed with an apostrophe.

The file is written crash-safe: a temporary file next to the target, fsync, then ``os.replace``.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO

from pos_app.core.codes import mask_code
from pos_app.core.files import atomic_file
from pos_app.core.journal import Operation

logger = logging.getLogger(__name__)

# Stable column keys, in order. The UI passes translated headers of the same length.
COLUMNS: tuple[str, ...] = (
    "id",
    "time",
    "kind",
    "state",
    "code",
    "code_type",
    "quantity",
    "amount",
    "item",
    "order_no",
    "request_id",
    "linked_id",
    "operator",
    "manager",
    "reason",
    "error_code",
    # Added later, at the end so that the columns before keep their places for tools reading
    # the file by position: which till wrote the row (CSVs of several tills merge) and who was
    # signed in there ("" without sign-in).
    "till",
    "cashier",
)

_FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")

PageFn = Callable[[int, int], list[Operation]]
# The kind and state of a row as a person reads them (the UI's language, or English); without
# one the file carries the journal's own values (REDEEM, SUCCEEDED), as a machine reads them.
KindState = Callable[[Operation], tuple[str, str]]


def _safe(text: str) -> str:
    """Neutralise spreadsheet formula injection in free text."""
    if text and text.startswith(_FORMULA_LEADS):
        return "'" + text
    return text


def local_time(moment: datetime) -> str:
    """A journal timestamp (aware UTC) in the machine's zone, as shown on screen."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def operation_row(op: Operation, kind_state: KindState | None = None) -> list[str]:
    """One CSV row for ``op`` in ``COLUMNS`` order."""
    linked = op.parent_id if op.parent_id is not None else op.reversed_by
    kind, state = kind_state(op) if kind_state else (op.kind.value, op.state.value)
    return [
        str(op.id),
        local_time(op.created_at),
        kind,
        state,
        mask_code(op.code),
        op.code_type,
        str(op.quantity),
        "" if op.amount is None else f"{op.amount:.2f}",
        _safe(op.item_name),
        _safe(op.order_no),
        op.request_id,
        "" if linked is None else str(linked),
        _safe(op.operator),
        _safe(op.manager),
        _safe(op.reason),
        op.error_code,
        _safe(op.terminal),
        _safe(op.cashier),
    ]


def iter_pages(page: PageFn, page_size: int = 500) -> Iterator[Operation]:
    """Every row that ``page(offset, limit)`` yields, fetched ``page_size`` at a time."""
    if page_size <= 0:
        raise ValueError("page_size must be positive")
    offset = 0
    while True:
        rows = page(offset, page_size)
        yield from rows
        if len(rows) < page_size:
            return
        offset += len(rows)


def render_csv(
    operations: Iterable[Operation],
    headers: Sequence[str] | None = None,
    kind_state: KindState | None = None,
) -> str:
    """The CSV text (without BOM) for ``operations``; mostly for tests and previews."""
    buffer = io.StringIO()
    _write(buffer, operations, headers, kind_state)
    return buffer.getvalue()


def _write(
    out: IO[str],
    ops: Iterable[Operation],
    headers: Sequence[str] | None,
    kind_state: KindState | None = None,
) -> int:
    head = list(headers) if headers is not None else list(COLUMNS)
    if len(head) != len(COLUMNS):
        raise ValueError(f"expected {len(COLUMNS)} headers, got {len(head)}")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(head)
    count = 0
    for op in ops:
        writer.writerow(operation_row(op, kind_state))
        count += 1
    return count


def write_csv(
    path: Path,
    operations: Iterable[Operation],
    headers: Sequence[str] | None = None,
    kind_state: KindState | None = None,
) -> int:
    """Write ``operations`` to ``path`` (crash-safe, UTF-8 with BOM); return the row count."""
    with atomic_file(Path(path), encoding="utf-8-sig", newline="") as handle:
        count = _write(handle, operations, headers, kind_state)
    logger.info("exported %d journal rows to %s", count, path)
    return count
