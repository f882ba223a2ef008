"""Sounds on success, failure and "still confirming", so the cashier need not look.

PySide6-Essentials has no QtMultimedia, so the small WAVs in ``resources/sounds`` are played by
the platform: ``winsound`` on Windows, ``afplay`` on macOS, ``paplay``/``aplay`` on Linux — always
asynchronously, never blocking the UI thread. With no way to play a file,
``QApplication.beep()``.

The WAVs are generated, not recorded: ``python -m pos_app.ui.sound resources/sounds``.
"""

from __future__ import annotations

import enum
import logging
import math
import shutil
import struct
import subprocess
import sys
import threading
import wave
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import QApplication

from pos_app.ui.paths import sounds_dir

if sys.platform == "win32":
    import winsound

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16_000


class Cue(enum.StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    ATTENTION = "attention"


# (frequency Hz, duration s) per tone; 0 Hz is silence.
_TONES: dict[Cue, tuple[tuple[float, float], ...]] = {
    Cue.SUCCESS: ((880, 0.09), (0, 0.03), (1320, 0.14)),  # rising two-tone "ding-ding"
    Cue.FAILURE: ((330, 0.18), (0, 0.07), (247, 0.30)),  # falling low "dum-dum"
    Cue.ATTENTION: ((660, 0.12), (0, 0.08), (660, 0.12)),  # two equal beeps: wait
}

Player = Callable[[Path], bool]


def _tone_samples(tones: Sequence[tuple[float, float]], volume: float = 0.45) -> bytes:
    frames = bytearray()
    for frequency, seconds in tones:
        count = int(SAMPLE_RATE * seconds)
        fade = max(1, int(SAMPLE_RATE * 0.01))  # 10 ms ramps: no clicks
        for i in range(count):
            envelope = min(1.0, i / fade, (count - i) / fade)
            value = math.sin(2 * math.pi * frequency * i / SAMPLE_RATE) if frequency else 0.0
            frames += struct.pack("<h", int(32767 * volume * envelope * value))
    return bytes(frames)


def write_sounds(folder: Path) -> list[Path]:
    """Write one 16-bit mono WAV per cue into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for cue, tones in _TONES.items():
        path = folder / f"{cue.value}.wav"
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(SAMPLE_RATE)
            out.writeframes(_tone_samples(tones))
        written.append(path)
    return written


def _external_player() -> Player | None:
    if sys.platform == "win32":

        def play_windows(path: Path) -> bool:
            winsound.PlaySound(str(path), winsound.SND_FILENAME | winsound.SND_ASYNC)
            return True

        return play_windows
    for program in ("afplay", "paplay", "aplay"):
        exe = shutil.which(program)
        if exe:
            args = [exe, "-q"] if program == "aplay" else [exe]

            def play_process(path: Path, args: list[str] = args) -> bool:
                # Started on a thread: fork + exec of the player took milliseconds of the UI
                # thread between the result and the painted card (issue #13).
                threading.Thread(
                    target=_spawn, args=([*args, str(path)],), name="sound", daemon=True
                ).start()
                return True

            return play_process
    return None


def _spawn(command: list[str]) -> None:
    try:
        # Fixed program, our own file: no untrusted input reaches the command line.
        subprocess.Popen(  # noqa: S603
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
    except OSError:
        logger.warning("could not start the sound player %s", command[0], exc_info=True)


class SoundPlayer:
    """``play(Cue.SUCCESS)``; does nothing when disabled. ``player`` is injectable for tests."""

    def __init__(
        self,
        *,
        enabled: bool = True,
        folder: Path | None = None,
        player: Player | None = None,
    ) -> None:
        self.enabled = enabled
        self._folder = folder or sounds_dir()
        self._player = player if player is not None else _external_player()
        self.played: list[Cue] = []  # what was asked for, newest last (tests, diagnostics)

    def play(self, cue: Cue) -> None:
        if not self.enabled:
            return
        self.played.append(cue)
        del self.played[:-20]
        path = self._folder / f"{cue.value}.wav"
        try:
            if self._player is not None and path.is_file() and self._player(path):
                return
        except OSError:
            logger.warning("could not play %s", path.name, exc_info=True)
        QApplication.beep()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else sounds_dir()
    for written in write_sounds(target):
        print(written)
