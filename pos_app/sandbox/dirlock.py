"""One simulator per data directory: two would each keep their own state and overwrite
``state.json`` in turn. An advisory lock on ``sandbox.lock`` says the directory is in use."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

LOCK_FILE = "sandbox.lock"


class SandboxBusy(OSError):
    """Another simulator (the app in training mode, or ``pos-app sandbox``) uses this folder."""


class DirLock:
    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle

    @classmethod
    def acquire(cls, data_dir: Path) -> DirLock:
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle = open(data_dir / LOCK_FILE, "a+b")  # noqa: SIM115 - held until release()
        try:
            _lock(handle)
        except OSError:
            handle.close()
            raise SandboxBusy(
                f"another simulator is already using {data_dir} "
                "(the app in training mode, or `pos-app sandbox`); stop it first"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()).encode("ascii"))
        handle.flush()
        return cls(handle)

    def release(self) -> None:
        if not self._handle.closed:
            _unlock(self._handle)
            self._handle.close()


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
