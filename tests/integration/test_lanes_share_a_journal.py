"""Lanes sharing one journal file never take an extra use of a 次卡 by accident (issue #9.2).

Every lane runs the real ``RedemptionService`` with its own ``SqliteJournal`` connection on the
same file and a real TOP client talking HTTP to one simulator on loopback. Each round, all lanes
wait at a barrier and then redeem the demo 10-use card without ``again``: exactly one use may
reach the simulator, and every other lane must be told ALREADY_REDEEMED_HERE or ALREADY_IN_FLIGHT.
Each round uses a fresh journal file (so the card is "never redeemed here" again), opened by all
lanes at once — the schema's creation races too.
Before the fix the "redeemed here?" check ran outside the write transaction and 3-4 lanes took
an extra use in most rounds.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pos_app.core.errors import PosError
from pos_app.core.service import RedemptionService, ShopConfig
from pos_app.gateways.top import TopClient
from pos_app.journal.sqlite import SqliteJournal
from pos_app.sandbox import Simulator

ROUNDS = 10  # the demo card has 10 uses: one per round


@pytest.fixture
def simulator(tmp_path: Path) -> Iterator[Simulator]:
    sim = Simulator.start(host="127.0.0.1", port=0, data_dir=tmp_path / "sim")
    try:
        yield sim
    finally:
        sim.stop()


def _lane_config(sim: Simulator, folder: Path) -> dict[str, str]:
    demo = sim.demo
    return {
        "folder": str(folder),
        "card": demo.codes["multi"],
        "top_url": sim.top_url,
        "app_key": demo.top_app_key,
        "app_secret": demo.top_app_secret,
        "session": demo.top_session,
        "shop_id": demo.shop_id,
    }


def _no_alipay() -> Any:
    raise AssertionError("no Alipay call expected")


def _redeem_once(cfg: dict[str, str], top: TopClient, rnd: int, lane: int) -> tuple[str, str]:
    journal = SqliteJournal(Path(cfg["folder"]) / f"round{rnd}.sqlite3")
    service = RedemptionService(
        journal=journal,
        top=lambda: top,
        alipay=_no_alipay,
        shop=ShopConfig(shop_id=cfg["shop_id"], terminal_id=f"LANE{lane}"),
    )
    try:
        return "redeemed", service.redeem(cfg["card"], 1).state.value
    except PosError as exc:
        return "refused", exc.code
    finally:
        journal.close()


def _lane(cfg: dict[str, str], barrier: Any, out: Any, lane: int) -> None:
    top = TopClient(
        gateway_url=cfg["top_url"],
        app_key=cfg["app_key"],
        app_secret=cfg["app_secret"],
        session_key=cfg["session"],
    )
    try:
        for rnd in range(ROUNDS):
            barrier.wait(timeout=60)
            try:
                out.put((rnd, *_redeem_once(cfg, top, rnd, lane)))
            except Exception as exc:  # anything else fails the test
                out.put((rnd, "error", repr(exc)))
    finally:
        top.close()


def _check(results: list[tuple[int, str, str]], lanes: int) -> None:
    assert len(results) == ROUNDS * lanes
    assert not [r for r in results if r[1] == "error"], results
    for rnd in range(ROUNDS):
        mine = [r for r in results if r[0] == rnd]
        won = [r for r in mine if r[1] == "redeemed"]
        assert [r[2] for r in won] == ["SUCCEEDED"], mine
        refused = Counter(r[2] for r in mine if r[1] == "refused")
        assert set(refused) <= {"ALREADY_REDEEMED_HERE", "ALREADY_IN_FLIGHT"}, mine


def _uses_at_simulator(sim: Simulator) -> int:
    return len(sim.state.redemptions_for(sim.demo.codes["multi"]))


def test_threads_sharing_a_journal_take_one_use_per_round(
    simulator: Simulator, tmp_path: Path
) -> None:
    lanes = 6
    cfg = _lane_config(simulator, tmp_path)
    barrier = threading.Barrier(lanes)
    out: queue.Queue[tuple[int, str, str]] = queue.Queue()
    threads = [threading.Thread(target=_lane, args=(cfg, barrier, out, n)) for n in range(lanes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    _check([out.get_nowait() for _ in range(out.qsize())], lanes)
    assert _uses_at_simulator(simulator) == ROUNDS


@pytest.mark.slow
def test_processes_sharing_a_journal_take_one_use_per_round(
    simulator: Simulator, tmp_path: Path
) -> None:
    lanes = 4
    cfg = _lane_config(simulator, tmp_path)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(lanes)
    out = ctx.Queue()
    procs = [ctx.Process(target=_lane, args=(cfg, barrier, out, n)) for n in range(lanes)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in range(ROUNDS * lanes)]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    _check(results, lanes)
    assert _uses_at_simulator(simulator) == ROUNDS
