"""The layering of design.md, checked: the core owns its interfaces and imports nothing of ours
outside itself, and nothing below ``ui/`` needs Qt.

A fresh interpreter is used with PySide6 blocked by an import hook, so a stray Qt import anywhere
below the GUI fails the test instead of being satisfied by an earlier test's import.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "pos_app"
# Modules that are the GUI (or start it): the only ones allowed to import PySide6.
GUI = ("pos_app.ui", "pos_app.app")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module an ``import`` or ``from … import`` in ``path`` names (absolute imports)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_the_core_imports_nothing_of_ours_outside_itself() -> None:
    offenders = {
        _module_name(path): sorted(
            name
            for name in _imports(path)
            if name.startswith("pos_app") and not name.startswith("pos_app.core")
        )
        for path in sorted((PACKAGE / "core").rglob("*.py"))
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_core_owns_the_interfaces_the_service_depends_on() -> None:
    from pos_app.core import journal, secret_store, service

    assert service.Journal is journal.Journal
    assert hasattr(secret_store.SecretStore, "get")


_PROBE = textwrap.dedent(
    """
    import importlib, importlib.abc, pkgutil, sys

    class NoQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "PySide6" or name.startswith("PySide6."):
                raise ImportError("PySide6 is blocked in this test")
            return None

    sys.meta_path.insert(0, NoQt())
    import pos_app.core
    for info in pkgutil.walk_packages(pos_app.core.__path__, "pos_app.core."):
        importlib.import_module(info.name)
    ours = sorted(m for m in sys.modules if m.startswith("pos_app"))
    outside = [m for m in ours if m not in ("pos_app",) and not m.startswith("pos_app.core")]
    print("core-loaded-outside:", outside)
    import pos_app
    gui = {gui!r}
    count = 0
    for info in pkgutil.walk_packages(pos_app.__path__, "pos_app."):
        if info.name.startswith(gui) or info.name == "pos_app.__main__":  # __main__ runs the app
            continue
        importlib.import_module(info.name)
        count += 1
    print("imported-below-ui:", count)
    """
).format(gui=GUI)


def test_core_and_every_package_below_the_gui_import_with_qt_blocked() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "core-loaded-outside: []" in done.stdout, done.stdout
    imported = int(done.stdout.split("imported-below-ui:")[1].split()[0])
    assert imported >= 30, done.stdout  # the walk really covered the packages
