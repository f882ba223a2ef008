"""Where the app's read-only resources are, from a checkout and from a frozen (PyInstaller) bundle.

``resource_path("translations", "pos_app_zh_CN.qm")`` is the one way to find a file that ships
with the app (translations, icons, sounds). The root is, first match wins:

1. the environment variable ``POS_APP_RESOURCES`` (tests, or a support engineer trying new files);
2. a frozen build: ``<sys._MEIPASS>/resources`` (``packaging/pos_app.spec`` puts them there; in a
   one-folder build ``_MEIPASS`` is the ``_internal`` folder next to the executable);
3. a checkout: ``resources/`` at the top of the repository.

No Qt here: the CLI and the self-check use it without loading a GUI.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

ENV_RESOURCES = "POS_APP_RESOURCES"


def resources_root() -> Path:
    """The folder that holds ``translations/``, ``icons/`` and ``sounds/``."""
    override = os.environ.get(ENV_RESOURCES)
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """A path under the resources root; it is not checked for existence."""
    return resources_root().joinpath(*parts)


def is_frozen() -> bool:
    """True when running from a PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False))


def icon_files() -> list[Path]:
    """The app icon's PNGs, smallest first (for ``QIcon.addFile``; no QtSvg plugin needed)."""
    folder = resource_path("icons")
    found = sorted(folder.glob("pos_app_*.png"), key=lambda p: int(p.stem.rsplit("_", 1)[1]))
    if not found:
        logger.warning("no icons in %s", folder)
    return found
