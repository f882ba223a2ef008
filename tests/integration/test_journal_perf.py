"""The journal stays fast with a year of busy trading: 1,000,000 rows (about 2,700 a day).

Targets (design): a lookup by code or request id under 1 ms; the first page of a day under 50 ms.
The rows are written straight into a real journal file with SQL (the API's fsync per write would
take an hour); the queries under test are the journal's own. ``POS_APP_PERF_ROWS`` shrinks it.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from pos_app.journal.model import OpKind, OpState
from pos_app.journal.sqlite import SqliteJournal

ROWS = int(os.environ.get("POS_APP_PERF_ROWS", "1000000"))
PER_DAY = 2700
START = datetime(2024, 1, 1, 1, 0, tzinfo=UTC)
START_US = (START - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)

# Row i: day i // PER_DAY, every 10 s; a scrambled 12-digit code; 1 in 25 FAILED, 1 in 50 reversed
# (its reversal is another row), the newest 20 UNKNOWN.
_FILL = f"""
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < {ROWS})
INSERT INTO operations (kind, request_id, code, code_tail, code_type, quantity, payload, state,
    created_us, updated_us, local_day, shop_id, order_no, operator, terminal, result, attempts,
    item_name, amount, parent_id)
SELECT k.kind, k.kind || printf('%020d', i), k.code, substr(k.code, -4), 'TICKET_CODE', 1,
    '{{}}', k.state, k.at, k.at, date(k.at / 1000000, 'unixepoch', 'localtime'), 'S1',
    printf('O%015d', (i * 2654435761) % 1000000000000000), 'cashier', 'T1', '{{}}', 1, '套餐',
    '19.90', CASE k.kind WHEN 'REVERSE' THEN i END
FROM (SELECT i,
        CASE WHEN i % 50 = 49 THEN 'REVERSE' ELSE 'REDEEM' END AS kind,
        printf('%012d', (i * 7919 + 104729) % 1000000000000) AS code,
        CASE WHEN i >= {ROWS} - 20 THEN 'UNKNOWN' WHEN i % 25 = 7 THEN 'FAILED'
             ELSE 'SUCCEEDED' END AS state,
        {START_US} + (i / {PER_DAY}) * 86400000000 + (i % {PER_DAY}) * 10000000 AS at
      FROM n) AS k
"""  # noqa: S608 - numbers from this module only


@pytest.fixture(scope="module")
def big_journal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteJournal]:
    path = tmp_path_factory.mktemp("perf") / "journal.sqlite3"
    journal = SqliteJournal(path)
    conn = journal._conn  # test set-up only: bulk rows in one transaction
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("PRAGMA foreign_keys = OFF")  # row ids for parent_id are fixed up below
    conn.execute(_FILL)
    # a REVERSE row i reverses the REDEEM row just before it (ids are i + 1)
    conn.execute(
        "UPDATE operations SET parent_id = id - 1,"
        " code = (SELECT p.code FROM operations p WHERE p.id = operations.id - 1)"
        " WHERE kind = 'REVERSE'"
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA foreign_keys = ON")
    yield journal
    journal.close()


def _median_ms(call: Callable[[], object], runs: int = 25) -> float:
    call()  # warm the page cache once, as a running app would have it
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _middle(journal: SqliteJournal) -> tuple[str, str, date]:
    op = journal.get(ROWS // 2 + 1)  # row i = ROWS // 2: a SUCCEEDED redemption, not reversed
    assert op is not None and op.kind is OpKind.REDEEM
    return op.code, op.request_id, op.created_at.astimezone().date()


@pytest.mark.slow
def test_lookups_by_code_and_request_id_under_1ms(big_journal: SqliteJournal) -> None:
    code, request_id, _ = _middle(big_journal)
    assert [o.code for o in big_journal.by_code(code)] == [code]
    assert _median_ms(lambda: big_journal.by_code(code)) < 1
    assert _median_ms(lambda: big_journal.by_request_id(request_id)) < 1
    assert _median_ms(lambda: big_journal.by_request_id(request_id, OpKind.REDEEM)) < 1


@pytest.mark.slow
def test_day_page_and_screens_stay_fast(big_journal: SqliteJournal) -> None:
    code, _, day = _middle(big_journal)
    assert len(big_journal.day_page(day)) == 100
    assert _median_ms(lambda: big_journal.day_page(day)) < 50
    assert _median_ms(lambda: big_journal.day_page(day, offset=2000)) < 50
    assert code in {o.code for o in big_journal.day_page(day, search=code[-4:])}
    assert _median_ms(lambda: big_journal.day_page(day, search=code[-4:])) < 50
    failed = frozenset({OpState.FAILED})
    assert _median_ms(lambda: big_journal.day_page(day, states=failed)) < 50
    assert _median_ms(lambda: big_journal.day_count(day)) < 50
    assert _median_ms(lambda: big_journal.totals(day)) < 50
    assert _median_ms(big_journal.reversible) < 50
    assert _median_ms(lambda: big_journal.reversible(day=day)) < 50
    assert [o.state for o in big_journal.open_operations()] == [OpState.UNKNOWN] * 20
    assert _median_ms(big_journal.open_operations) < 5
