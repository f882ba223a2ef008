"""The ``pos-app store …`` and ``pos-app journal --store`` commands (called from ``cli.py``).

Exit status as the README's table: 0 reachable and nothing pending; 3 rows wait or the store
database cannot be reached (nothing is marked pushed that did not arrive); 2 no store database
is configured.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from pos_app.core.codes import mask_code
from pos_app.core.errors import StoreUnavailable
from pos_app.core.journal import Operation, OpState
from pos_app.core.messages import message_for
from pos_app.store.replicator import ReplicationStatus

if TYPE_CHECKING:
    from pos_app.runtime import Runtime

EXIT_OK, EXIT_INPUT, EXIT_UNKNOWN = 0, 2, 3


def _not_configured(as_json: bool) -> int:
    if as_json:
        body = {"configured": False, "reachable": False, "pending": 0, "last_push": None}
        print(json.dumps(body))
    text = message_for("STORE_NOT_CONFIGURED")
    print(f"{text.zh}\n{text.en}", file=sys.stderr)
    return EXIT_INPUT


def _report(status: ReplicationStatus, as_json: bool) -> int:
    if as_json:
        print(json.dumps(status.as_dict(), ensure_ascii=False))
    else:
        print(f"门店库 / store database: {_label(status)}")
        last = status.last_push.astimezone().isoformat(" ", "seconds") if status.last_push else "-"
        print(f"  reachable={bool(status.reachable)} pending={status.pending} last_push={last}")
    return EXIT_OK if status.reachable and status.pending == 0 else EXIT_UNKNOWN


def _label(status: ReplicationStatus) -> str:
    """The status bar's words: 已同步 / 延迟 N 条 / 离线."""
    if not status.reachable:
        return f"离线 / offline ({status.pending} waiting)"
    if status.pending:
        return f"延迟 {status.pending} 条 / {status.pending} waiting"
    return "已同步 / in sync"


def store_status(runtime: Runtime, *, as_json: bool) -> int:
    if runtime.replicator is None:
        return _not_configured(as_json)
    runtime.replicator.check_reachable()
    return _report(runtime.replicator.status(), as_json)


def store_push(runtime: Runtime, *, as_json: bool) -> int:
    if runtime.replicator is None:
        return _not_configured(as_json)
    runtime.replicator.push()
    if runtime.replicator.reachable is None:  # nothing was pending: still say whether it answers
        runtime.replicator.check_reachable()
    return _report(runtime.replicator.status(), as_json)


def store_journal(
    runtime: Runtime,
    day: date,
    states: frozenset[OpState] | None,
    *,
    as_json: bool,
    row: Callable[[Operation], dict[str, Any]],
) -> int:
    """Every till's rows of ``day`` in this shop, each once with its latest state."""
    if not runtime.settings.store_database_url:
        return _not_configured(False)
    try:
        with runtime.store_journal() as store:
            rows = store.shop_day_page(day, limit=100_000, states=states)
    except StoreUnavailable as exc:
        print(f"错误 {exc.code}: {exc.zh}\n{exc.en}", file=sys.stderr)
        return EXIT_UNKNOWN
    if as_json:
        print(
            json.dumps([row(op) | {"terminal_id": op.terminal} for op in rows], ensure_ascii=False)
        )
        return EXIT_OK
    for op in rows:
        when = op.created_at.astimezone().strftime("%H:%M:%S")
        print(
            f"{when} {op.terminal:16} {op.kind.value:7} {op.state.value:9} {mask_code(op.code)}"
            f" ×{op.quantity} {op.operator} [{op.request_id}]"
        )
    return EXIT_OK
