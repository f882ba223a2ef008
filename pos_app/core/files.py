"""Files the app writes: private folders, crash-safe replacement, and cross-process locks.

Every file the app writes whole (settings, the sandbox's state and keys, CSV exports, …) goes
through ``atomic_file``: a temp file in the same folder is written, flushed and fsynced, then
``os.replace``d over the target, then the folder is fsynced. A failure at any step leaves the
old file intact and no temp file behind; the ``OSError`` propagates.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

logger = logging.getLogger(__name__)

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


class LockBusy(OSError):
    """``exclusive_lock(..., wait=False)`` found the lock held by someone else."""


def make_private_dir(folder: Path) -> None:
    """``mkdir -p`` where every folder this call creates gets mode 0700 whatever the umask."""
    missing: list[Path] = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):
            path.mkdir(mode=PRIVATE_DIR_MODE)
            if os.name == "posix":
                os.chmod(path, PRIVATE_DIR_MODE)
            logger.debug("created %s", path)


@contextmanager
def atomic_file(
    path: Path,
    *,
    mode: int = PRIVATE_FILE_MODE,
    encoding: str | None = None,
    newline: str | None = None,
) -> Iterator[IO[Any]]:
    """A handle whose content replaces ``path`` when the block ends without an error.

    Binary unless ``encoding`` is given. The file gets ``mode`` (0600 by default).
    """
    make_private_dir(path.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
        text = encoding is not None
        with os.fdopen(fd, "w" if text else "wb", encoding=encoding, newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    fsync_dir(path.parent)


def write_atomic(path: Path, data: bytes, *, mode: int = PRIVATE_FILE_MODE) -> None:
    """Replace ``path`` with ``data`` crash-safely (see ``atomic_file``)."""
    with atomic_file(path, mode=mode) as handle:
        handle.write(data)


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX only; Windows has no directory handles to fsync)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some filesystems refuse fsync on directories
        logger.debug("fsync of folder %s refused", folder)
    finally:
        os.close(fd)


@contextmanager
def exclusive_lock(path: Path, *, wait: bool = True) -> Iterator[IO[bytes]]:
    """Hold an exclusive, advisory lock on ``path`` (created 0600 if missing) for the block.

    ``wait=False`` raises ``LockBusy`` at once when another process holds it. Every party that
    shares the state must take the lock: it is advisory.
    """
    make_private_dir(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "r+b") as handle:
        lock_handle(handle, wait=wait)
        try:
            yield handle
        finally:
            unlock_handle(handle)


if sys.platform == "win32":
    import msvcrt

    def lock_handle(handle: IO[bytes], *, wait: bool = True) -> None:
        handle.seek(0)
        while True:  # LK_LOCK gives up after about 10 s; a waiting caller just waits on
            try:
                msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
                return
            except OSError:
                if not wait:
                    raise LockBusy(str(handle.name)) from None

    def unlock_handle(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def lock_handle(handle: IO[bytes], *, wait: bool = True) -> None:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise LockBusy(str(handle.name)) from None

    def unlock_handle(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
