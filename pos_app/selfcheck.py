"""``pos-app self-check``: proves that an installed build works, without a display or settings.

It prints one line per check and exits 0 only if every check passed:

- ``keyring``: the OS keyring backend in use, or why there is none. Training mode needs no
  keyring, so "none" is only a failure with ``require_keyring`` (the packaging smoke test sets it,
  because there a Secret Service runs and a missing backend means the bundle lost a module);
- ``translations``: our ``pos_app_zh_CN.qm`` and Qt's ``qtbase_zh_CN.qm`` load and translate a
  known string — found exactly where the GUI looks for them;
- ``data folder``: where settings, journal and logs live, and that the folder is writable;
- ``training redemption``: a ``Runtime`` on a throw-away home starts the bundled simulator and
  redeems its demo code ``single``, which must come back SUCCEEDED.

Only QtCore is loaded (no QApplication), so it runs on a headless machine as it is.
"""

from __future__ import annotations

import logging
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pos_app import __version__
from pos_app.config.home import AppHome
from pos_app.core.errors import PosError
from pos_app.resources_path import is_frozen, resource_path

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED = 0, 1

# One message per translation file whose translation we check: (context, source, expected).
_OUR_PROBE = ("App", "Unexpected error", "意外错误")
_QT_PROBE = ("QPlatformTheme", "Cancel", "取消")


class CheckFailed(Exception):
    """A check's definite failure; its text is printed after the label."""


class _Report:
    def __init__(self) -> None:
        self.failures = 0

    def check(self, label: str, fn: Callable[[], str]) -> None:
        started = time.perf_counter()
        try:
            detail = fn()
        except CheckFailed as exc:
            self._fail(label, str(exc))
            return
        except PosError as exc:
            self._fail(label, f"{exc.code} — {exc.zh} / {exc.en}")
            return
        except Exception as exc:  # a self-check reports, it never crashes
            logger.exception("self-check %s crashed", label)
            self._fail(label, f"{type(exc).__name__}: {exc}")
            return
        took = time.perf_counter() - started
        print(f"[正常  OK ] {label}: {detail} ({took:.2f} s)", flush=True)

    def _fail(self, label: str, detail: str) -> None:
        self.failures += 1
        print(f"[失败 FAIL] {label}: {detail}", flush=True)


def run_self_check(home: AppHome, *, require_keyring: bool = False) -> int:
    """Run every check, print one line each, return 0 if all passed, else 1."""
    started = time.perf_counter()
    kind = "frozen" if is_frozen() else "source"
    print(
        f"pos-app {__version__} self-check ({kind}, Python {platform.python_version()}, "
        f"{sys.platform})",
        flush=True,
    )
    report = _Report()
    report.check("keyring", lambda: check_keyring(require_keyring))
    report.check("translations", check_translations)
    report.check("data folder", lambda: check_data_folder(home))
    report.check("training redemption", check_training_redemption)
    total = time.perf_counter() - started
    verdict = "passed" if report.failures == 0 else f"{report.failures} check(s) failed"
    print(f"self-check {verdict} in {total:.2f} s", flush=True)
    return EXIT_OK if report.failures == 0 else EXIT_FAILED


# ---------------------------------------------------------------------------- checks


def check_keyring(required: bool) -> str:
    from pos_app.secrets.store import open_secret_store

    try:
        store = open_secret_store()
    except PosError as exc:
        text = f"none — {exc.zh} / {exc.en}"
        if required:
            raise CheckFailed(text) from None
        return text + " (training mode needs none)"
    return store.backend_name


def check_translations() -> str:
    """Load both zh_CN translation files as the GUI does and translate one string with each."""
    from PySide6.QtCore import QLibraryInfo

    ours = resource_path("translations")
    qt_dir = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    found = [
        _load_translation("pos_app_zh_CN", ours, _OUR_PROBE),
        _load_translation("qtbase_zh_CN", qt_dir, _QT_PROBE),
    ]
    return "zh_CN loaded: " + ", ".join(found)


def _load_translation(name: str, folder: Path, probe: tuple[str, str, str]) -> str:
    from PySide6.QtCore import QTranslator

    translator = QTranslator()
    if not translator.load(name, str(folder)):
        raise CheckFailed(f"{name}.qm not found or unreadable in {folder}")
    context, source, expected = probe
    got = translator.translate(context, source)
    if got != expected:
        raise CheckFailed(f"{name}.qm loaded but {source!r} -> {got!r}, expected {expected!r}")
    return f"{folder / (name + '.qm')}"


def check_data_folder(home: AppHome) -> str:
    home.ensure()
    probe = home.data_dir / ".self-check"
    try:
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        raise CheckFailed(f"{home.data_dir} is not writable: {exc.strerror}") from None
    mode = _mode_of(home)
    journal = home.journal_path(mode)
    return f"{home.root} (settings {home.config_file}, {mode} mode, journal {journal})"


def _mode_of(home: AppHome) -> str:
    """The mode the settings choose: its undo log is the one the app writes (each mode has its
    own), so that is the journal named — not always the production one."""
    from pos_app.config.settings import load_settings

    try:
        return load_settings(home).mode
    except PosError as exc:
        raise CheckFailed(f"settings: {exc.code} — {exc.zh}") from None


def check_training_redemption() -> str:
    """Redeem the demo code ``single`` against the bundled simulator on a throw-away home."""
    from pos_app.core.journal import OpState
    from pos_app.runtime import Runtime

    tmp_home = tempfile.TemporaryDirectory(prefix="pos_app_selfcheck_", ignore_cleanup_errors=True)
    with tmp_home as tmp:
        runtime = Runtime.open(AppHome(tmp))
        try:
            if runtime.simulator is None:
                raise CheckFailed("training mode started no simulator")
            code = runtime.simulator.demo.codes["single"]
            outcome = runtime.service.redeem(code, 1, operator="self-check")
            if outcome.state is not OpState.SUCCEEDED:
                why = outcome.error_code or "-"
                raise CheckFailed(f"demo code came back {outcome.state.value} ({why})")
            item = outcome.operation.item_name or "-"
            return f"SUCCEEDED, {item} ×{outcome.operation.quantity}, {runtime.simulator.top_url}"
        finally:
            runtime.close()
