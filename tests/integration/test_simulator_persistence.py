"""Training mode keeps keys and voucher state across restarts; `run_sandbox` in the foreground."""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sim_wire import TOP_NODE, SimWire

from pos_app.sandbox import DEMO_CODES, DemoKeys, SandboxBusy, Simulator
from pos_app.sandbox.cli import run_sandbox
from pos_app.sandbox.demo import DEMO_TICKET_IDS

ROOT = Path(__file__).resolve().parents[2]


def test_keys_and_state_survive_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "sandbox"
    sim = Simulator.start(data_dir=data)
    try:
        first_demo = sim.demo
        wire = SimWire(sim)
        wire.redeem("multi", "R1", quantity="3")
        wire.http.close()
    finally:
        sim.stop()
    keys_file = data / "keys.json"
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    saved = json.loads((data / "state.json").read_text(encoding="utf-8"))
    assert any(r["request_id"] == "R1" for r in saved["redemptions"])

    sim = Simulator.start(data_dir=data)
    try:
        assert sim.demo.app_public_key_b64 == first_demo.app_public_key_b64
        assert sim.demo.alipay_public_key_b64 == first_demo.alipay_public_key_b64
        assert sim.demo.top_app_secret == first_demo.top_app_secret
        assert sim.state.remaining(DEMO_CODES["multi"]) == 7
        wire = SimWire(sim)
        again = wire.redeem("multi", "R1", quantity="3")[TOP_NODE]
        assert again["biz_code"] == "TICKET_ALREADY_USED"  # idempotency survives the restart
        wire.http.close()
        sim.reset()
        assert sim.state.remaining(DEMO_CODES["multi"]) == 10
    finally:
        sim.stop()
    saved = json.loads((data / "state.json").read_text(encoding="utf-8"))
    assert not any(r["request_id"] == "R1" for r in saved["redemptions"])


def test_one_simulator_per_data_dir(tmp_path: Path) -> None:
    # (`pos-app sandbox` on a busy folder serves in-memory demo data instead: test_sandbox_cli.)
    with Simulator.start(data_dir=tmp_path), pytest.raises(SandboxBusy):
        Simulator.start(data_dir=tmp_path)
    Simulator.start(data_dir=tmp_path).stop()  # free again after stop


def test_loose_keys_file_is_tightened(tmp_path: Path) -> None:
    Simulator.start(data_dir=tmp_path).stop()
    (tmp_path / "keys.json").chmod(0o644)
    Simulator.start(data_dir=tmp_path).stop()
    assert stat.S_IMODE((tmp_path / "keys.json").stat().st_mode) == 0o600


def test_in_memory_simulator_writes_nothing(
    tmp_path: Path, sim_keys: DemoKeys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with Simulator.start(keys=sim_keys) as sim:
        SimWire(sim).redeem()
    assert list(tmp_path.iterdir()) == []


def test_demo_codes_are_stable_and_credentials_hide_secrets(simulator: Simulator) -> None:
    assert simulator.demo.codes == DEMO_CODES
    assert simulator.demo.codes["single"] == "286501034417"
    assert all(
        len(c) == 12 and c.isdigit()
        for k, c in DEMO_CODES.items()
        if not k.startswith(("external", "third_party"))
    )
    text = repr(simulator.demo)
    assert simulator.demo.top_app_secret not in text
    assert simulator.demo.app_private_key_b64[:40] not in text


def test_run_sandbox_refuses_a_bad_fault_spec(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_sandbox("127.0.0.1", 0, None, ["meteor"]) == 2
    assert "meteor" in capsys.readouterr().out


def _read_until(proc: subprocess.Popen[str], marker: str, timeout_s: float = 20) -> str:
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if marker in line:
            return "".join(lines)
    raise AssertionError("no " + marker + " in:\n" + "".join(lines))


@pytest.mark.skipif(sys.platform == "win32", reason="uses SIGINT")
def test_run_sandbox_in_the_foreground_until_ctrl_c(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pos_app.sandbox.cli",
            "--port",
            "0",
            "--data-dir",
            str(tmp_path / "sb"),
            "--fault",
            "http_500:redeem:1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out = _read_until(proc, "Ctrl-C")
        alipay = re.search(r"Alipay gateway : (\S+)", out)
        assert alipay is not None and alipay.group(1).endswith("/gateway.do")
        assert "/router/rest" in out and "fingerprint" in out
        for code in DEMO_CODES.values():
            assert code in out
        for label, ticket_id in DEMO_TICKET_IDS.items():  # third-party codes with their ids
            assert re.search(rf"{DEMO_CODES[label]}\s+ticket_id {ticket_id}", out), out
        keys = json.loads((tmp_path / "sb" / "keys.json").read_text(encoding="utf-8"))
        assert keys["top_app_secret"] not in out
        assert keys["app_private_key_b64"][:40] not in out
        base = alipay.group(1).removesuffix("/gateway.do")
        assert requests.get(base + "/__sim/health", timeout=5).json() == {"ok": True}
        faults = requests.get(base + "/__sim/faults", timeout=5).json()["faults"]
        assert faults[0]["kind"] == "http_500" and faults[0]["api"] == "redeem"
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "stopped" in rest
