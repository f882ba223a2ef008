"""`make sandbox` (``pos-app sandbox``) while the app in training mode runs: a real subprocess
next to a simulator that holds the app's sandbox folder, as the open app's does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

from pos_app.config.home import AppHome
from pos_app.sandbox import Simulator
from pos_app.sandbox.demo import DEMO_CODES


def _read_until(proc: subprocess.Popen[str], marker: str) -> list[str]:
    assert proc.stdout is not None
    lines: list[str] = []
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        if marker in line:
            return lines
    raise AssertionError("sandbox ended early:\n" + "\n".join(lines))


def test_sandbox_runs_while_the_app_uses_the_training_folder(tmp_path: Path) -> None:
    home = AppHome(tmp_path / "home")
    app_simulator = Simulator.start(host="127.0.0.1", port=0, data_dir=home.sandbox_dir)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.pop("POS_APP_HOME", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pos_app", "--home", str(home.root), "sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        lines = _read_until(proc, "Ctrl-C")
        text = "\n".join(lines)
        assert "正被训练模式的收银程序使用" in text and "from memory" in text
        assert DEMO_CODES["single"] in text  # the demo codes a newcomer tries
        top = next(ln.split(": ", 1)[1] for ln in lines if "TOP gateway" in ln)
        assert requests.get(top, timeout=5).status_code < 600  # it really serves
        assert app_simulator.top_url != top
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        app_simulator.stop()
    assert proc.returncode == 0
