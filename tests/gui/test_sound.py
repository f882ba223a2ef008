"""Sounds: generated WAVs, played through the platform, a beep when nothing can play them."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from pos_app.ui.sound import Cue, SoundPlayer, write_sounds

REPO_SOUNDS = Path(__file__).resolve().parents[2] / "resources" / "sounds"


def test_shipped_sounds_are_short_valid_wavs() -> None:
    for cue in Cue:
        with wave.open(str(REPO_SOUNDS / f"{cue.value}.wav")) as wav:
            seconds = wav.getnframes() / wav.getframerate()
            assert wav.getnchannels() == 1 and 0.1 < seconds < 1.0


def test_write_sounds_regenerates_them(tmp_path: Path) -> None:
    written = write_sounds(tmp_path)
    assert {p.name for p in written} == {f"{c.value}.wav" for c in Cue}
    assert (tmp_path / "success.wav").read_bytes() == (REPO_SOUNDS / "success.wav").read_bytes()


def test_player_gets_the_cue_file(qapp: QApplication) -> None:
    played: list[Path] = []
    player = SoundPlayer(folder=REPO_SOUNDS, player=lambda p: played.append(p) or True)
    player.play(Cue.FAILURE)
    assert played == [REPO_SOUNDS / "failure.wav"]


def test_disabled_player_is_silent(qapp: QApplication) -> None:
    played: list[Path] = []
    player = SoundPlayer(enabled=False, player=lambda p: played.append(p) or True)
    player.play(Cue.SUCCESS)
    assert played == [] and player.played == []


def test_beeps_when_the_file_cannot_be_played(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    beeps: list[bool] = []
    monkeypatch.setattr(QApplication, "beep", staticmethod(lambda: beeps.append(True)))

    def broken(_path: Path) -> bool:
        raise OSError("no audio device")

    SoundPlayer(folder=REPO_SOUNDS, player=broken).play(Cue.SUCCESS)
    SoundPlayer(folder=tmp_path, player=lambda _p: True).play(Cue.SUCCESS)  # no file there
    assert beeps == [True, True]


def test_an_external_player_is_started_off_the_ui_thread(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """fork + exec of aplay/paplay must not sit between the result and the painted card."""
    import subprocess
    import threading

    from pos_app.ui import sound

    started: list[tuple[list[str], str]] = []
    done = threading.Event()

    def popen(command: list[str], **_kw: object) -> None:
        started.append((command, threading.current_thread().name))
        done.set()

    monkeypatch.setattr(sound.sys, "platform", "linux")
    monkeypatch.setattr(
        sound.shutil, "which", lambda name: f"/usr/bin/{name}" if name == "paplay" else None
    )
    monkeypatch.setattr(subprocess, "Popen", popen)
    player = sound._external_player()
    assert player is not None
    wav = tmp_path / "success.wav"
    assert player(wav) is True
    assert done.wait(5)
    [(command, thread)] = started
    assert command == ["/usr/bin/paplay", str(wav)]
    assert thread != threading.current_thread().name
