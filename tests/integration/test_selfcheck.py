"""`pos-app self-check` from source, as the packaging smoke test runs it on the frozen bundle.

Real subprocesses, the real simulator on loopback, a throw-away home. The keyring line says
which backend is in use, or (outside a desktop session / CI) that there is none.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from pos_app import resources_path
from pos_app.config.home import AppHome
from pos_app.config.settings import Settings, save_settings
from pos_app.resources_path import icon_files, resource_path

ROOT = Path(__file__).resolve().parents[2]
LABELS = ("keyring", "translations", "data folder", "training redemption")


def _self_check(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env}
    environ.pop("POS_APP_HOME", None)
    return subprocess.run(
        [sys.executable, "-m", "pos_app", "--home", str(home), "self-check", *args],
        capture_output=True,
        text=True,
        env=environ,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_self_check_passes_from_source(tmp_path: Path) -> None:
    if not (ROOT / "resources" / "translations" / "pos_app_zh_CN.qm").is_file():
        pytest.skip("run `make translations` first")
    done = _self_check(tmp_path / "home")
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "self-check (source," in out
    for label in LABELS:
        assert f"OK ] {label}:" in out, out
    assert "pos_app_zh_CN.qm" in out
    assert "qtbase_zh_CN.qm" in out
    assert "training redemption: SUCCEEDED" in out
    assert str(tmp_path / "home") in out  # the data folder named is the one asked for
    assert out.rstrip().splitlines()[-1].startswith("self-check passed in ")
    # The demo redemption ran on its own temporary home, not on the terminal's journal.
    assert not (tmp_path / "home" / "sandbox" / "state.json").exists()


def test_missing_keyring_fails_only_when_required(tmp_path: Path) -> None:
    no_keyring = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    relaxed = _self_check(tmp_path / "a", **no_keyring)
    assert "OK ] keyring: none" in relaxed.stdout, relaxed.stdout
    strict = _self_check(tmp_path / "b", "--require-keyring", **no_keyring)
    assert strict.returncode == 1
    assert "[失败 FAIL] keyring: none" in strict.stdout
    assert "1 check(s) failed" in strict.stdout


def test_missing_translations_fail(tmp_path: Path) -> None:
    empty = tmp_path / "resources"
    (empty / "translations").mkdir(parents=True)
    done = _self_check(tmp_path / "home", POS_APP_RESOURCES=str(empty))
    assert done.returncode == 1
    assert "[失败 FAIL] translations: pos_app_zh_CN.qm not found" in done.stdout
    assert "OK ] training redemption: SUCCEEDED" in done.stdout  # the others still ran


def test_resource_path_from_source_frozen_and_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(resources_path.ENV_RESOURCES, raising=False)
    assert resource_path("sounds", "success.wav") == ROOT / "resources" / "sounds" / "success.wav"
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("icons") == tmp_path / "resources" / "icons"
    monkeypatch.setenv(resources_path.ENV_RESOURCES, str(tmp_path / "x"))
    assert resource_path("translations") == tmp_path / "x" / "translations"


def test_icon_set_is_complete() -> None:
    sizes = [int(p.stem.rsplit("_", 1)[1]) for p in icon_files()]
    assert sizes == [16, 24, 32, 48, 64, 128, 256]
    ico = resource_path("icons", "pos_app.ico").read_bytes()
    assert ico[:4] == b"\x00\x00\x01\x00" and int.from_bytes(ico[4:6], "little") == 7
    assert resource_path("icons", "pos_app.svg").is_file()


def _pos_app(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, **env}
    environ.pop("POS_APP_HOME", None)
    return subprocess.run(
        [sys.executable, "-m", "pos_app", "--home", str(home), *args],
        capture_output=True,
        text=True,
        env=environ,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_self_check_names_the_journal_of_the_current_mode(tmp_path: Path) -> None:
    """A fresh till is in training mode: its journal is the training one, not the empty
    production file a support call would then go looking in."""
    home = tmp_path / "home"
    out = _self_check(home).stdout
    assert f"training mode, journal {AppHome(home).journal_path('training')})" in out, out
    assert str(AppHome(home).journal_file) + ")" not in out


def test_doctor_in_training_mode_does_not_fail_for_a_missing_keyring(tmp_path: Path) -> None:
    no_keyring = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    done = _pos_app(tmp_path / "home", "doctor", **no_keyring)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[失败 FAIL]" not in done.stdout
    assert "[提示 INFO] keyring:" in done.stdout and "production" in done.stdout
    # In production the same missing keyring is a failure.
    save_settings(AppHome(tmp_path / "home"), replace(Settings(), mode="production"))
    prod = _pos_app(tmp_path / "home", "doctor", **no_keyring)
    assert prod.returncode != 0
    assert "[失败 FAIL] keyring:" in prod.stdout
