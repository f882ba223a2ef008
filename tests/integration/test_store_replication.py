"""Replication to the store database with the real server (tests/pg_server.py) and real tills.

* a batch pushed twice (or pushed, then re-sent because the mark was lost) changes nothing;
* an unreachable store database marks nothing pushed; the rows wait and arrive later;
* a till offline for 2,000 redemptions (4,000 state changes) catches up by itself;
* two and eight till processes (each its own SQLite file and Replicator) on one database: every
  row arrives exactly once;
* the server stopped (``pg_ctl stop``) for 5 s mid-run — shorter than the issue's 30 s to keep the
  suite fast — and restarted: both tills kept redeeming against the simulator, nothing is lost,
  every row arrives once.
No timed assertions: waits are bounded polls.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from journal_helpers import new_op
from pg_server import PgServer

from pos_app.core.journal import OpState, Settle
from pos_app.journal.outbox import SqliteOutbox
from pos_app.journal.postgres import PostgresJournal
from pos_app.journal.sqlite import SqliteJournal
from pos_app.sandbox import DemoKeys, Simulator
from pos_app.store.replicator import Replicator

SHOP = "S1"


def _store(server: PgServer, database: str, till: str) -> PostgresJournal:
    return PostgresJournal(server.conninfo(database), shop_id=SHOP, terminal_id=till)


def _count(server: PgServer, database: str, table: str, till: str | None = None) -> int:
    where = "" if till is None else " WHERE terminal_id = %s"
    with psycopg.connect(server.conninfo(database)) as conn:
        row = conn.execute(f"SELECT count(*) FROM {table}{where}", () if till is None else (till,))  # noqa: S608
        return int(row.fetchone()[0])  # type: ignore[index]


def _fill(journal: SqliteJournal, n: int, prefix: str = "7") -> None:
    for i in range(n):
        op = journal.add(new_op(code=f"{prefix}{i:011d}"))
        journal.settle(op.id, Settle(OpState.SUCCEEDED, amount=Decimal("1.00")))


def _local_counts(path: Path) -> tuple[int, int]:
    with SqliteJournal(path) as j:
        rows = j._query(
            "SELECT (SELECT count(*) FROM operations), (SELECT count(*) FROM state_changes)"
        )
        return int(rows[0][0]), int(rows[0][1])


def _wait(predicate: Any, timeout_s: float = 60) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return bool(predicate())


def test_a_batch_pushed_twice_changes_nothing(
    tmp_path: Path, pg_server: PgServer, pg_database: str
) -> None:
    with SqliteJournal(tmp_path / "j.sqlite3") as journal:
        _fill(journal, 3)
        journal.audit("manager", "settings", "x")
        outbox = SqliteOutbox(journal.path)
        batch = outbox.next_batch()
        with _store(pg_server, pg_database, "T1") as store:
            store.apply(batch)
            store.apply(batch)  # e.g. the mark was lost after the commit: sent again
            assert _count(pg_server, pg_database, "operations") == 3
            assert _count(pg_server, pg_database, "state_changes") == 6
            assert _count(pg_server, pg_database, "audit") == 1
            # An older snapshot never overwrites a newer one.
            newest = journal.by_code("700000000000")[0]
            assert store.shop_day_page(newest.created_at.astimezone().date())[-1].state is (
                OpState.SUCCEEDED
            )
        outbox.close()


def test_unreachable_store_marks_nothing_and_rows_arrive_later(
    tmp_path: Path, pg_server: PgServer, pg_database: str
) -> None:
    path = tmp_path / "j.sqlite3"
    with SqliteJournal(path) as journal:
        _fill(journal, 5)
    bad = pg_server.conninfo(pg_database).replace(f"port={pg_server.port}", "port=1")
    down = Replicator(path, lambda: PostgresJournal(bad, shop_id=SHOP, terminal_id="T1"))
    assert down.push() == 0
    status = down.status()
    assert (status.reachable, status.pending, status.last_push) == (False, 10, None)
    assert down.last_error == "STORE_UNREACHABLE"
    down.stop()
    up = Replicator(path, lambda: _store(pg_server, pg_database, "T1"))
    assert up.push() == 10
    assert (up.status().pending, up.status().reachable) == (0, True)
    assert up.status().last_push is not None
    up.stop()
    assert _count(pg_server, pg_database, "operations") == 5


def test_a_till_offline_for_2000_redemptions_catches_up(
    tmp_path: Path, pg_server: PgServer, pg_database: str
) -> None:
    path = tmp_path / "j.sqlite3"
    with SqliteJournal(path) as journal:
        _fill(journal, 2000)
    replicator = Replicator(path, lambda: _store(pg_server, pg_database, "T1"), interval_s=0.1)
    replicator.start()
    try:
        assert _wait(lambda: replicator.status().pending == 0)
    finally:
        replicator.stop()
    assert _count(pg_server, pg_database, "operations", "T1") == 2000
    assert _count(pg_server, pg_database, "state_changes", "T1") == 4000
    with _store(pg_server, pg_database, "T1") as store:
        day = datetime.now(UTC).astimezone().date()
        assert store.shop_totals(day).redeemed_count == 2000


# --- till processes ----------------------------------------------------------------------------


def _till_writes(path: str, conninfo: str, till: str, rows: int) -> None:
    """A till that journals ``rows`` redemptions while its replicator pushes in the background."""
    replicator = Replicator(
        Path(path) if Path(path).exists() else _create(path),
        lambda: PostgresJournal(conninfo, shop_id=SHOP, terminal_id=till),
        interval_s=0.05,
    )
    replicator.start()
    with SqliteJournal(Path(path)) as journal:
        _fill(journal, rows, prefix=str(len(till) % 10))
    _wait(lambda: replicator.status().pending == 0, 60)
    replicator.stop()


def _create(path: str) -> Path:
    SqliteJournal(Path(path)).close()
    return Path(path)


@pytest.mark.parametrize("tills", [2, 8])
def test_tills_in_processes_all_rows_arrive_once(
    tmp_path: Path, pg_server: PgServer, pg_database: str, tills: int
) -> None:
    ctx = multiprocessing.get_context("spawn")
    conninfo = pg_server.conninfo(pg_database)
    names = [f"LANE{n}" for n in range(tills)]
    procs = [
        ctx.Process(target=_till_writes, args=(str(tmp_path / f"{n}.sqlite3"), conninfo, n, 60))
        for n in names
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    for n in names:
        ops, changes = _local_counts(tmp_path / f"{n}.sqlite3")
        assert _count(pg_server, pg_database, "operations", n) == ops == 60
        assert _count(pg_server, pg_database, "state_changes", n) == changes == 120
    with psycopg.connect(conninfo) as conn:
        dupes = conn.execute(
            "SELECT count(*) FROM (SELECT terminal_id, request_id FROM operations"
            " GROUP BY 1, 2 HAVING count(*) > 1) d"
        ).fetchone()
    assert dupes == (0,)


def _till_redeems(  # noqa: PLR0917 - a process target takes its arguments by position
    path: str, conninfo: str, till: str, top: dict[str, str], stop: Any, out: Any
) -> None:
    """A till redeeming against the simulator (real HTTP) until ``stop`` is set."""
    from pos_app.core.models import ShopType
    from pos_app.core.service import RedemptionService, ShopConfig
    from pos_app.gateways.top import TopClient

    journal = SqliteJournal(Path(path))
    client = TopClient(
        gateway_url=top["url"], app_key=top["key"], app_secret=top["secret"],
        session_key=top["session"], timeout_s=5,
    )  # fmt: skip
    service = RedemptionService(
        journal=journal,
        top=lambda: client,
        alipay=lambda: None,  # type: ignore[arg-type,return-value]
        shop=ShopConfig(top["shop"], ShopType.INTERNAL, till),
    )
    replicator = Replicator(
        Path(path), lambda: PostgresJournal(conninfo, shop_id=SHOP, terminal_id=till),
        interval_s=0.1,
    )  # fmt: skip
    replicator.start()
    settled = 0
    n = 0
    while not stop.is_set() or n < 20:
        outcome = service.redeem(f"9{len(till)}{n:010d}", operator=till)
        settled += outcome.state is OpState.FAILED  # an unknown code: a definite answer
        n += 1
    _wait(lambda: replicator.status().pending == 0, 90)
    out.put((till, n, settled, replicator.status().pending))
    replicator.stop()
    journal.close()


def test_server_stopped_mid_run_tills_keep_redeeming_nothing_lost(
    tmp_path: Path, pg_server: PgServer, pg_database: str, sim_keys: DemoKeys
) -> None:
    sim = Simulator.start(host="127.0.0.1", port=0, data_dir=None, keys=sim_keys)
    demo = sim.demo
    top = {"url": sim.top_url, "key": demo.top_app_key, "secret": demo.top_app_secret,
           "session": demo.top_session, "shop": demo.shop_id}  # fmt: skip
    ctx = multiprocessing.get_context("spawn")
    stop, out = ctx.Event(), ctx.Queue()
    conninfo = pg_server.conninfo(pg_database)
    names = ["A", "BB"]
    _store(pg_server, pg_database, "setup").close()  # the schema, before the first count
    procs = [
        ctx.Process(
            target=_till_redeems, args=(str(tmp_path / f"{n}.sqlite3"), conninfo, n, top, stop, out)
        )
        for n in names
    ]
    try:
        for p in procs:
            p.start()
        assert _wait(lambda: _count(pg_server, pg_database, "operations") >= 10)
        pg_server.stop()
        before = [_local_counts(tmp_path / f"{n}.sqlite3")[0] for n in names]
        time.sleep(5)  # the outage (the issue says 30 s; 5 s keeps the suite fast)
        during = [_local_counts(tmp_path / f"{n}.sqlite3")[0] for n in names]
        assert all(d > b for d, b in zip(during, before, strict=True))  # kept redeeming
        pg_server.start()
        time.sleep(1)
        stop.set()
        results = {till: (n, settled, pending) for till, n, settled, pending in
                   (out.get(timeout=120) for _ in names)}  # fmt: skip
        for p in procs:
            p.join(timeout=60)
    finally:
        stop.set()
        for p in procs:
            if p.is_alive():
                p.terminate()
        sim.stop()
    for till in names:
        n, settled, pending = results[till]
        assert (settled, pending) == (n, 0)
        ops, changes = _local_counts(tmp_path / f"{till}.sqlite3")
        assert ops == n
        assert _count(pg_server, pg_database, "operations", till) == ops
        assert _count(pg_server, pg_database, "state_changes", till) == changes


def test_the_cashier_of_a_row_is_replicated(
    tmp_path: Path, pg_server: PgServer, pg_database: str
) -> None:
    with SqliteJournal(tmp_path / "j.sqlite3") as journal:
        op = journal.add(dataclasses.replace(new_op(code="810000000001"), cashier="小李"))
        journal.settle(op.id, Settle(OpState.SUCCEEDED, amount=Decimal("9.90")))
        outbox = SqliteOutbox(journal.path)
        with _store(pg_server, pg_database, "T9") as store:
            store.apply(outbox.next_batch())
            day = op.created_at.astimezone().date()
            rows = store.shop_day_page(day, search=op.request_id)
            assert [(r.cashier, r.state) for r in rows] == [("小李", OpState.SUCCEEDED)]
        outbox.close()


def test_the_store_day_report_adds_up_every_till_and_counts_a_reversal_once(
    tmp_path: Path, pg_server: PgServer, pg_database: str
) -> None:
    from pos_app.core.journal import OpKind
    from pos_app.core.reports import JournalSource, day_report

    tills = {}
    for till, cashier in (("T1", "小李"), ("T2", "小王")):
        journal = SqliteJournal(tmp_path / f"{till}.sqlite3")
        op = journal.add(
            dataclasses.replace(new_op(code=f"82000000000{till[-1]}"), cashier=cashier)
        )
        tills[till] = (
            journal,
            journal.settle(op.id, Settle(OpState.SUCCEEDED, amount=Decimal("9.90"))),
        )
    t1, redemption = tills["T1"]
    reversal = t1.add(dataclasses.replace(
        new_op(OpKind.REVERSE, code=redemption.code, parent_id=redemption.id),
        payload={"request_id": redemption.request_id}, cashier="小李",
    ))  # fmt: skip
    t1.settle(reversal.id, Settle(OpState.SUCCEEDED))
    for till, (journal, _op) in tills.items():
        outbox = SqliteOutbox(journal.path)
        with _store(pg_server, pg_database, till) as store:
            store.apply(outbox.next_batch())
        outbox.close()
    day = redemption.created_at.astimezone().date()
    with _store(pg_server, pg_database, "T1") as store:
        report = day_report(JournalSource.store(store), day, scope="store")
        totals = store.shop_totals(day)
    assert (report.redeemed.count, report.reversed.count) == (
        totals.redeemed_count, totals.reversed_count,
    ) == (1, 1)  # fmt: skip
    assert (
        report.reversed.amount == Decimal("9.90")
        and report.redeemed.amount == totals.redeemed_amount
    )
    assert {x.key: x.redeemed.count for x in report.by_cashier} == {"小王": 1, "小李": 0}
    for journal, _op in tills.values():
        journal.close()
