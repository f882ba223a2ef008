"""``pos-app sandbox``: run the simulator in the foreground until Ctrl-C.

The app in training mode runs its own simulator over the same data folder (a folder lock keeps
two simulators from writing one voucher state). ``make sandbox`` while the app is open then
still works: it serves fresh demo vouchers from memory, and says so, instead of refusing.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import signal
import threading
from pathlib import Path
from types import FrameType

from pos_app.gateways.keys import fingerprint
from pos_app.sandbox.demo import DEMO_REQUEST_IDS
from pos_app.sandbox.dirlock import SandboxBusy
from pos_app.sandbox.faults import Fault
from pos_app.sandbox.server import Simulator

logger = logging.getLogger(__name__)

_CODE_NOTES = {
    "single": "单次券，可核销",
    "single_2": "单次券，可核销",
    "single_3": "单次券，可核销",
    "multi": "10次卡，剩余10次",
    "used": "已核销（可撤销）",
    "refunded": "已退款",
    "expired": "已过期",
    "refunding": "退款处理中：前两次 TICKET_PROCESSING，之后已退款",
    "flaky": "每个请求号第一次 SYSTEM_ERROR，重试成功",
    "other_channel": "已在口碑商家端核销（非开放平台）",
    "other_merchant": "其他商家的券",
    "external": "外部券码，1次",
    "external_multi": "外部券码，5次",
    "third_party": "三方码，1次，核销须带 ticket_id",
    "third_party_multi": "三方码，3次，核销须带 ticket_id",
    "not_yet": "未生效：一周后才能使用（查询为 UN_EFFECTIVE）",
    "other_shop": "只限演示二店使用（本店查询为 UN_EFFECTIVE）",
    "using": "正在别处核销：查询为 USING，前两次 TICKET_PROCESSING，之后已使用",
}


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _describe(sim: Simulator) -> str:
    demo = sim.demo
    lines = [
        "本地网关模拟器 / local gateway simulator",
        f"  Alipay gateway : {sim.alipay_url}",
        f"  TOP gateway    : {sim.top_url}",
        f"  control        : {sim.base_url}/__sim/ (faults, state, reset)",
        f"  data dir       : {sim.data_dir or '(in memory)'}",
        f"  app_id {demo.app_id}; TOP app_key {demo.top_app_key}; shop_id {demo.shop_id}",
        f"  app key fingerprint          : {fingerprint(sim.keys.app_private.public_key())}",
        f"  simulator Alipay fingerprint : {fingerprint(sim.keys.alipay_private.public_key())}",
        "  demo codes:",
    ]
    for label, code in demo.codes.items():
        note = _CODE_NOTES.get(label, "")
        lines.append(f"    {label:<17} {code:<14} {demo.order_nos[label]}  {note}")
    lines.append("  third-party codes (三方码): send ticket_id in use_request:")
    for label, ticket_id in demo.ticket_ids.items():
        lines.append(f"    {label:<17} {demo.codes[label]:<14} ticket_id {ticket_id}")
    lines.append("  redemptions on record (request ids for reversal):")
    for label, request_id in DEMO_REQUEST_IDS.items():
        lines.append(f"    {label:<17} {request_id}")
    lines.append("Ctrl-C 停止 / to stop")
    return "\n".join(lines)


def _start(host: str, port: int, data_dir: Path | None) -> Simulator:
    try:
        return Simulator.start(host=host, port=port, data_dir=data_dir)
    except SandboxBusy:
        print(
            f"注意：{data_dir} 正被训练模式的收银程序使用；本模拟器改用内存中的独立演示数据"
            "（与收银程序的券状态互不影响，停止后不保留）。\n"
            f"note: the app in training mode is using {data_dir}; this simulator serves its own"
            " demo vouchers from memory (separate from the app's, not kept after it stops).",
            flush=True,
        )
        return Simulator.start(host=host, port=port, data_dir=None)


def run_sandbox(host: str, port: int, data_dir: Path | None, faults: list[str]) -> int:
    """Serve both gateways in the foreground; 0 on a clean Ctrl-C, 2 on bad arguments."""
    try:
        parsed = [Fault.parse(spec) for spec in faults]
    except ValueError as exc:
        print(f"error: {exc}")
        return 2
    if not _is_loopback(host):
        logger.warning(
            "sandbox listening on non-loopback %s: anyone on the network can use it", host
        )
    try:
        sim = _start(host, port, data_dir)
    except OSError as exc:
        print(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}")
        return 1
    for fault in parsed:
        sim.faults.add(fault)
    print(_describe(sim), flush=True)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        sim.stop()
        print("stopped")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pos-app sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument(
        "--fault", action="append", default=[], metavar="KIND[:API[:TIMES[:DELAY]]]"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    return run_sandbox(args.host, args.port, args.data_dir, args.fault)


if __name__ == "__main__":
    raise SystemExit(main())
