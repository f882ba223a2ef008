"""The GUI's resource folders (translations, sounds), found by ``pos_app.resources_path``."""

from __future__ import annotations

from pathlib import Path

from pos_app.resources_path import resource_path


def translations_dir() -> Path:
    return resource_path("translations")


def sounds_dir() -> Path:
    return resource_path("sounds")
