"""One simulator per data directory: two would each keep their own state and overwrite
``state.json`` in turn. An advisory lock on ``sandbox.lock`` says the directory is in use."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from pos_app.core.files import lock_handle, make_private_dir, unlock_handle

LOCK_FILE = "sandbox.lock"


class SandboxBusy(OSError):
    """Another simulator (the app in training mode, or ``pos-app sandbox``) uses this folder."""


class DirLock:
    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle

    @classmethod
    def acquire(cls, data_dir: Path) -> DirLock:
        make_private_dir(data_dir)
        handle = open(data_dir / LOCK_FILE, "a+b")  # noqa: SIM115 - held until release()
        try:
            lock_handle(handle, wait=False)
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
            unlock_handle(self._handle)
            self._handle.close()
