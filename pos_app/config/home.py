"""The app's folders, and crash-safe writes of the small files that live in them.

Where things live, first match wins:

1. an explicit root (``--home``): everything under it;
2. the environment variable ``POS_APP_HOME``: everything under it;
3. the platform's folders (platformdirs): settings and the PIN file in the user config folder,
   the journal and the simulator's data in the user data folder, logs in the user log folder.

Folders are created on construction with mode 0700 (owner only).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from pos_app.core.errors import ConfigError
from pos_app.core.files import make_private_dir

logger = logging.getLogger(__name__)

APP_NAME = "pos_app"
ENV_HOME = "POS_APP_HOME"
# Room for the app's own names below the home within every OS's path limit (Linux 4096).
MAX_HOME_CHARS = 1024


class HomeUnusable(ConfigError):
    """The app's folder cannot be used: not a folder, not writable, or a path the OS refuses.
    ``detail`` names the folder and why (paths hold no secrets)."""

    code = "HOME_UNUSABLE"


class AppHome:
    """Paths of the app's files. ``root`` is the explicit/env home, or the data folder."""

    def __init__(
        self,
        root: Path | str | None = None,
        *,
        env: Mapping[str, str] | None = None,
        create: bool = True,
    ) -> None:
        environ = os.environ if env is None else env
        chosen = root if root not in (None, "") else environ.get(ENV_HOME) or None
        if chosen is not None:
            base = _resolve(chosen)
            self.explicit = True
            self.root = base
            self.config_dir = base
            self.data_dir = base
            self.log_dir = base / "logs"
        else:
            self.explicit = False
            self.config_dir = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
            self.data_dir = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
            self.log_dir = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
            self.root = self.data_dir
        if create:
            self.ensure()

    def __repr__(self) -> str:
        return f"AppHome(root={str(self.root)!r}, explicit={self.explicit})"

    @property
    def config_file(self) -> Path:
        return self.config_dir / "settings.toml"

    @property
    def pin_file(self) -> Path:
        """Where older versions kept the PIN record (it now lives in the OS keyring)."""
        return self.config_dir / "manager_pin.json"

    @property
    def pin_lock_file(self) -> Path:
        """Serialises PIN checks between processes (the failure counter)."""
        return self.config_dir / "manager_pin.lock"

    @property
    def cashier_lock_file(self) -> Path:
        """Serialises changes of the cashier list between processes (``core/cashiers.py``)."""
        return self.config_dir / "cashiers.lock"

    @property
    def cashier_pin_lock_file(self) -> Path:
        """Serialises cashier PIN checks between processes (their failure counters)."""
        return self.config_dir / "cashier_pin.lock"

    @property
    def journal_file(self) -> Path:
        """The production journal: real redemptions only."""
        return self.data_dir / "journal.sqlite3"

    def journal_path(self, mode: str) -> Path:
        """Each mode keeps its own undo log, so demo redemptions never mix with real ones in
        totals, history or the reversal list, and a row is only ever retried at its own gateway."""
        if mode == "training":
            return self.data_dir / "training-journal.sqlite3"
        return self.journal_file

    @property
    def sandbox_dir(self) -> Path:
        return self.data_dir / "sandbox"

    def ensure(self) -> AppHome:
        """Create every folder (0700) and check each is a folder this user can write, or raise
        ``HomeUnusable``: a home on a file, ``/dev/null`` or a read-only disk is refused here,
        before a log file is opened or a journal row written. Existing folders keep their mode."""
        for folder in (self.config_dir, self.data_dir, self.log_dir, self.sandbox_dir):
            try:
                make_private_dir(folder)
            except (OSError, ValueError) as exc:
                raise HomeUnusable(detail=f"{_short(str(folder))}: {_why(exc)}") from None
            if not folder.is_dir():
                raise HomeUnusable(detail=f"{_short(str(folder))}: not a folder")
            if not os.access(folder, os.W_OK | os.X_OK):  # EROFS counts, even for root
                raise HomeUnusable(detail=f"{_short(str(folder))}: not writable (read-only?)")
        return self


def _resolve(chosen: Path | str) -> Path:
    """The absolute home folder, refused up front when its path is too long to hold the app's
    files (so no half-made chain of folders is left behind) or is no path at all."""
    try:
        path = Path(chosen).expanduser().resolve()
    except (OSError, ValueError, RuntimeError) as exc:  # too long, NUL byte, symlink loop
        raise HomeUnusable(detail=f"{_short(str(chosen))}: {_why(exc)}") from None
    if len(str(path)) > MAX_HOME_CHARS:
        raise HomeUnusable(detail=f"{_short(str(path))}: path longer than {MAX_HOME_CHARS}")
    return path


def _short(text: str) -> str:
    """A path fit for one line of an error message."""
    return text if len(text) <= 120 else f"{text[:50]}…{text[-50:]}"


def _why(exc: Exception) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
