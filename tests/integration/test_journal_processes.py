"""The journal shared by several processes, and killed mid-work: what design.md promises.

* Two lanes racing to redeem the same code: exactly one writes a PENDING row, every round.
* Two managers racing to reverse the same redemption: exactly one reversal row.
* A process killed (SIGKILL) right after ``add()`` returned: the row is there, PENDING, on reopen.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import pytest

from pos_app.core.errors import AlreadyInFlight, NotReversible
from pos_app.core.journal import NewOperation, OpKind, OpState, Settle
from pos_app.journal.sqlite import SqliteJournal

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3
ROUNDS = 40


def _op(kind: OpKind, code: str, request_id: str, parent_id: int | None = None) -> NewOperation:
    return NewOperation(kind, request_id, code, "TICKET_CODE", 1, {"c": code}, parent_id=parent_id)


def _race(path: str, worker: int, kind: str, parents: list[int], sync: tuple[Barrier, Any]) -> None:
    """One lane: each round wait for the others, then try to write the same thing."""
    barrier, out = sync
    journal = SqliteJournal(Path(path))
    try:
        for rnd in range(ROUNDS):
            code = f"{rnd:012d}"
            rid = f"W{worker}N{rnd}"
            barrier.wait(timeout=30)
            try:
                if kind == "redeem":
                    op = journal.add(_op(OpKind.REDEEM, code, rid))
                else:
                    op = journal.add(_op(OpKind.REVERSE, code, rid, parent_id=parents[rnd]))
                out.put((rnd, worker, "won", op.id))
            except (AlreadyInFlight, NotReversible) as exc:
                out.put((rnd, worker, "refused", exc.code))
            except Exception as exc:  # anything else fails the test
                out.put((rnd, worker, "error", repr(exc)))
    finally:
        journal.close()


def _run_race(path: Path, kind: str, parents: list[int]) -> list[tuple[int, int, str, object]]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(WORKERS)
    out = ctx.Queue()
    procs = [
        ctx.Process(target=_race, args=(str(path), w, kind, parents, (barrier, out)))
        for w in range(WORKERS)
    ]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in range(WORKERS * ROUNDS)]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    return results


def _check_one_winner_per_round(results: list[tuple[int, int, str, object]]) -> None:
    assert [r for r in results if r[2] == "error"] == []
    for rnd in range(ROUNDS):
        outcomes = sorted(r[2] for r in results if r[0] == rnd)
        assert outcomes == ["refused"] * (WORKERS - 1) + ["won"], f"round {rnd}: {outcomes}"


@pytest.mark.slow
def test_racing_lanes_redeem_a_code_exactly_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    SqliteJournal(path).close()  # created (and WAL set) before the race
    results = _run_race(path, "redeem", [])
    _check_one_winner_per_round(results)
    with SqliteJournal(path) as journal:
        for rnd in range(ROUNDS):
            rows = journal.by_code(f"{rnd:012d}")
            assert [r.state for r in rows] == [OpState.PENDING]
        assert len(journal.open_operations()) == ROUNDS


@pytest.mark.slow
def test_racing_managers_reverse_a_redemption_exactly_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    parents: list[int] = []
    with SqliteJournal(path) as journal:
        for rnd in range(ROUNDS):
            op = journal.add(_op(OpKind.REDEEM, f"{rnd:012d}", f"R{rnd}"))
            parents.append(journal.settle(op.id, Settle(OpState.SUCCEEDED)).id)
    results = _run_race(path, "reverse", parents)
    _check_one_winner_per_round(results)
    with SqliteJournal(path) as journal:
        for rnd, parent_id in enumerate(parents):
            reversals = [o for o in journal.by_code(f"{rnd:012d}") if o.kind is OpKind.REVERSE]
            assert len(reversals) == 1
            parent = journal.get(parent_id)
            assert parent is not None and parent.reversed_by == reversals[0].id


_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from pos_app.core.journal import NewOperation, OpKind, OpState, Settle
    from pos_app.journal.sqlite import SqliteJournal

    journal = SqliteJournal(Path(sys.argv[1]))
    n = 0
    while True:
        op = journal.add(NewOperation(OpKind.REDEEM, f"K{n}", f"{n:012d}", "TICKET_CODE", 1, {}))
        print(f"added {op.id}", flush=True)
        if n % 2:
            journal.settle(op.id, Settle(OpState.UNKNOWN, "TIMEOUT"))
            print(f"unknown {op.id}", flush=True)
        n += 1
    """
)


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
@pytest.mark.parametrize("lines_before_kill", [1, 7, 40])
def test_a_killed_writer_loses_nothing_it_reported(tmp_path: Path, lines_before_kill: int) -> None:
    path = tmp_path / "j.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path)], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    reported: dict[int, str] = {}
    try:
        for _ in range(lines_before_kill):
            what, number = proc.stdout.readline().split()
            reported[int(number)] = what
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    with SqliteJournal(path) as journal:
        for op_id, what in reported.items():
            row = journal.get(op_id)
            assert row is not None, f"operation {op_id} was reported but is gone"
            if what == "unknown":
                assert row.state is OpState.UNKNOWN
            elif op_id % 2:  # never settled by the writer
                assert row.state is OpState.PENDING
            else:  # settled to UNKNOWN after the line, maybe before the kill
                assert row.state in (OpState.PENDING, OpState.UNKNOWN)
        assert set(reported) <= {o.id for o in journal.open_operations()}
        assert journal.history(1)[0].state is OpState.PENDING
