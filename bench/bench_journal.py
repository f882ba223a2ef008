"""3. Scale of the undo log (1,000,000 rows) and 5. throughput of one terminal vs. journal size.

3: a journal file with 1M operations (``journal_gen``: the app's own schema and migrations, rows
   put in with executemany in one transaction) is opened with ``SqliteJournal`` and read through
   its API: by code, by request id, by id, today's history page, counts and totals, the reversal
   list, open rows; plus the file's size per row.
5: sustained redemptions per second of one terminal (``RedemptionService`` as wired by
   ``Runtime``, durable journal, one at a time as the GUI's single worker does) against the
   simulator, on journals already holding 0, 100,000 and 1,000,000 rows.

Run alone: ``.venv/bin/python bench/bench_journal.py`` (about 2 minutes; needs ~2 GB of disk).
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
from datetime import date
from pathlib import Path

from benchlib import (
    AFTER,
    STALL_BEFORE,
    Section,
    Stats,
    measure,
    ms,
    ns,
    ratio,
    target,
    verdict,
    work_dir,
)
from journal_gen import code_of, generate, request_id_of
from rig import fresh_code, journal_path, open_runtime, start_simulator

from pos_app.core.journal import OpKind
from pos_app.journal.sqlite import SqliteJournal

N_ROWS = int(os.environ.get("BENCH_JOURNAL_ROWS", "1000000"))  # scaled down only to try it
BYTES_TARGET = 800  # bytes per operation at 1M rows (issue #13)
N_LOOKUPS = 2000
N_PAGES = 200
SIZES = (0, 100_000, 1_000_000)
N_REDEEMS = 1500
WARMUP = 30


def _margin(value_ns: float, target_ns: float) -> str:
    """How far under (or over) its target a time is, as a share of the target."""
    if value_ns < target_ns:
        return f"{value_ns / target_ns:.0%} of it"
    return f"{ms(value_ns - target_ns)} ms over, {value_ns / target_ns:.1f}× the target"


def _scale(s: Section, path: Path) -> None:
    t0 = ns()
    generate(path, N_ROWS)
    gen_s = (ns() - t0) / 1e9
    size = sum(
        Path(f"{path}{x}").stat().st_size for x in ("", "-wal") if Path(f"{path}{x}").exists()
    )
    t0 = ns()
    journal = SqliteJournal(path)
    open_ns = ns() - t0
    today = date.today()
    rng = random.Random(5)
    try:
        t0 = ns()
        first_page = journal.day_page(today, limit=100)
        first_ns = ns() - t0
        assert len(first_page) == 100
        ids = [rng.randrange(N_ROWS) for _ in range(N_LOOKUPS + 50)]
        it = iter(ids)
        by_code = measure(
            "by_code", lambda: journal.by_code(code_of(next(it)), limit=20), n=N_LOOKUPS, warmup=50
        )
        it = iter(ids)
        by_rid = measure(
            "by_request_id",
            lambda: journal.by_request_id(request_id_of(next(it))),
            n=N_LOOKUPS,
            warmup=50,
        )
        it = iter(ids)
        by_rid_kind = measure(
            "by_request_id+kind",
            lambda: journal.by_request_id(request_id_of(next(it)), OpKind.REDEEM),
            n=N_LOOKUPS,
            warmup=50,
        )
        it = iter(ids)
        get = measure("get", lambda: journal.get(next(it) + 1), n=N_LOOKUPS, warmup=50)
        page = measure("day_page", lambda: journal.day_page(today, limit=100), n=N_PAGES)
        page_last = measure(
            "day_page offset 900", lambda: journal.day_page(today, offset=900, limit=100), n=N_PAGES
        )
        tail = code_of(N_ROWS - 10)[-4:]
        search = measure("day_page search", lambda: journal.day_page(today, search=tail), n=N_PAGES)
        by_cashier = measure(
            "day_page cashier", lambda: journal.day_page(today, cashier="小李"), n=N_PAGES
        )
        count = measure("day_count", lambda: journal.day_count(today), n=N_PAGES)
        totals = measure("totals", lambda: journal.totals(today), n=N_PAGES)
        reversible = measure("reversible", lambda: journal.reversible(limit=200), n=N_PAGES)
        open_ops = measure("open_operations", journal.open_operations, n=N_PAGES)
        day_rows = journal.day_count(today)
        packed = _packed_bytes(path)
    finally:
        journal.close()
    met = size / N_ROWS <= BYTES_TARGET
    target(f"Journal bytes per operation at {N_ROWS:,} rows", f"{size / N_ROWS:,.0f}",
           f"≤ {BYTES_TARGET}", met)  # fmt: skip
    AFTER["journal_bytes"] = f"{size / N_ROWS:,.0f} bytes"
    s.add(
        f"{N_ROWS:,} operations (plus {2 * N_ROWS:,} state-history rows) in the app's schema,"
        f" 1,000 a day ending today ({day_rows:,} today, 5 of them UNKNOWN); generated in"
        f" {gen_s:.1f} s with executemany (test data, not a figure). Queries through"
        " `SqliteJournal`'s own methods, OS file cache warm (caches were not dropped: that"
        " would disturb the rest of the machine). Random rows across the whole file for the"
        " lookups.",
        "",
        f"- File: {size / 1e6:,.0f} MB → **{size / N_ROWS:,.0f} bytes per operation**"
        f" (its row, its 2 state-history rows and all indexes; payload + result, packed as"
        f" the app stores them since issue #13, are {packed:,.0f} bytes of that: about 900 as"
        f" JSON text before). Target ≤ {BYTES_TARGET} bytes per operation:"
        f" {verdict(size / N_ROWS <= BYTES_TARGET)}.",
        f"- Opening the 1M-row file (`SqliteJournal(path)`: WAL, pragmas, migration check):"
        f" {ms(open_ns)} ms. First history page right after opening: {ms(first_ns)} ms.",
        "",
    )
    rows = []
    for st, target_ns, what in (
        (by_code, 1_000_000, "by_code(code, limit=20) — also the redeem pre-check"),
        (by_rid, 1_000_000, "by_request_id(id)"),
        (by_rid_kind, 1_000_000, "by_request_id(id, REDEEM)"),
        (get, 1_000_000, "get(op_id)"),
        (page, 50_000_000, "day_page(today) first 100 rows"),
        (page_last, 50_000_000, "day_page(today, offset=900)"),
        (search, 50_000_000, "day_page(today, search=last 4 digits)"),
        (by_cashier, 50_000_000, "day_page(today, cashier=…): the history's 收银员 filter"),
        (count, None, "day_count(today)"),
        (totals, None, "totals(today)"),
        (reversible, None, "reversible(limit=200)"),
        (open_ops, None, "open_operations()"),
    ):
        goal = (
            "—"
            if target_ns is None
            else (
                f"p99 < {ms(target_ns, 0)} ms:"
                f" {verdict(st.p99 < target_ns, _margin(st.p99, target_ns))}"
            )
        )
        rows.append([what, str(st.n), ms(st.p50), ms(st.p99), goal])
    s.table(["query", "n", "p50 ms", "p99 ms", "target"], rows)
    AFTER["day_page"] = f"{ms(page.p50)} / {ms(page.p99)} ms"
    AFTER["reversible"] = f"{ms(reversible.p50)} / {ms(reversible.p99)} ms"
    AFTER["totals"] = f"{ms(totals.p50)} / {ms(totals.p99)} ms"
    for st, limit in (
        (by_code, 1_000_000),
        (by_rid, 1_000_000),
        (get, 1_000_000),
        (page, 50_000_000),
    ):
        if st.p99 >= limit:
            s.problem(
                f"{st.name} takes {ms(st.p99)} ms p99 on {N_ROWS:,} rows"
                f" (target {ms(limit, 0)} ms)."
            )


def _throughput_one(home: Path, existing: Path | None, n: int) -> tuple[Stats, Stats]:
    """Redeem latencies, and the time of each redeem spent in the journal's two writes."""
    if existing is not None:
        target = journal_path(home)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(existing, target)
    sim = start_simulator(WARMUP + n + 5)
    rt = open_runtime(home, sim)
    spent = [0]
    journal = rt.journal
    for name in ("add", "settle"):
        original = getattr(journal, name)

        def timed(*a: object, _f: object = original, **k: object) -> object:
            t0 = ns()
            try:
                return _f(*a, **k)  # type: ignore[operator]
            finally:
                spent[0] += ns() - t0

        setattr(journal, name, timed)
    try:
        for i in range(WARMUP):
            rt.service.redeem(fresh_code(i), 1)
        samples, writes = [], []
        for i in range(WARMUP, WARMUP + n):
            spent[0] = 0
            t0 = ns()
            out = rt.service.redeem(fresh_code(i), 1)
            samples.append(ns() - t0)
            writes.append(spent[0])
            assert out.state == "SUCCEEDED", out
    finally:
        rt.close()
    return Stats("redeem", samples), Stats("journal writes", writes)


def _throughput(s: Section, tmp: Path, big: Path) -> None:
    rows = []
    rates: list[float] = []
    writes_p50: list[float] = []
    base = None
    for size in SIZES:
        home = tmp / f"home-{size}"
        existing = None
        if size == N_ROWS:
            existing = big
        elif size:
            existing = tmp / f"j{size}.sqlite3"
            generate(existing, size)
        st, writes = _throughput_one(home, existing, N_REDEEMS)
        total_s = sum(st.samples) / 1e9
        rate = st.n / total_s
        base = base or rate
        rates.append(rate)
        writes_p50.append(writes.p50)
        rows.append(
            [
                f"{size:,}",
                str(st.n),
                f"{rate:,.0f}",
                ratio(rate, base),
                ms(st.p50),
                ms(st.p99),
                ms(writes.p50),
                ms(writes.p99),
            ]
        )
        shutil.rmtree(home, ignore_errors=True)
    s.add(
        "One terminal redeeming fresh single-use codes back to back, one at a time (the GUI's"
        " single worker thread), each one journaled PENDING and settled with durable commits,"
        " against the in-process simulator as shipped (state in memory, TOP call limit lifted)."
        f' Warm-up {WARMUP}; rate = n / time spent in `redeem`; "vs empty" = rate / the'
        " empty journal's rate in this run.",
        "",
    )
    s.table(
        [
            "rows already in the journal",
            "n",
            "redemptions / s",
            "vs empty",
            "p50 ms",
            "p99 ms",
            "journal writes p50 ms",
            "journal writes p99 ms",
        ],
        rows,
    )
    change = rates[-1] / rates[0]
    writes_change = writes_p50[-1] / writes_p50[0]
    if change < 0.85 and writes_change > 1.2:
        why = (
            f"the journal's two writes take {writes_change:.2f}× as long as on the empty file"
            " (journal-writes columns): each commit updates the table and its indexes, whose"
            " B-trees are deeper and whose pages for random codes/request ids are scattered in"
            " a big file, so more pages go to the WAL and are fsynced per commit"
        )
    else:
        why = (
            f"within the run-to-run noise of this shared {os.cpu_count()}-core machine (earlier"
            " runs gave anything from about 0.6× to 1.3×); every query on the write path is an"
            f" index lookup, and the journal's two writes take {writes_change:.2f}× as long as"
            " on the empty file (journal-writes columns)"
        )
    s.add(
        "No target was set for throughput. A cashier needs a few redemptions a minute, so even"
        f" the 1M-row figure ({rates[-1]:,.0f}/s) is far more than one lane uses. At 1M rows the"
        f" rate is {change:.2f}× the empty journal's: {why}. Before the simulator set"
        " `TCP_NODELAY` (section 1), redeems back to back on one keep-alive connection hit its"
        f" Nagle/delayed-ACK stall and this benchmark measured {STALL_BEFORE['redeems_per_s']}"
        f" redemptions/s on an empty journal ({STALL_BEFORE['where']}); now"
        f" {rates[0]:,.0f}/s.",
        "",
    )


def run(scale: Section | None = None, throughput: Section | None = None) -> tuple[Section, Section]:
    s3 = scale or Section("3. Scale of the undo log: 1,000,000 rows")
    s5 = throughput or Section("5. Throughput of one terminal")
    with work_dir("journal") as tmp:
        big = tmp / "j1m.sqlite3"
        _scale(s3, big)
        for suffix in ("-wal", "-shm"):
            if Path(f"{big}{suffix}").exists():
                os.remove(f"{big}{suffix}")
        _throughput(s5, tmp, big)
    return s3, s5


def _packed_bytes(path: Path) -> float:
    """Average stored size of ``payload`` + ``result`` per operation (what packing shrinks)."""
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT avg(length(payload) + length(result)) FROM operations")
        return float(row.fetchone()[0] or 0)
    finally:
        conn.close()


if __name__ == "__main__":
    run()
