"""Where the app's resources (translations, sounds) are, from a checkout or a frozen bundle."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_RESOURCES = "POS_APP_RESOURCES"


def resources_dir() -> Path:
    """``POS_APP_RESOURCES``, else PyInstaller's bundle, else the checkout's ``resources/``."""
    override = os.environ.get(ENV_RESOURCES)
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def translations_dir() -> Path:
    return resources_dir() / "translations"


def sounds_dir() -> Path:
    return resources_dir() / "sounds"
