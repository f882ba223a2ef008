"""`make screenshots` keeps working: every screen state is reached and saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from pos_app.ui import messages as ui_text
from pos_app.ui.screenshots import SIZE, take_screenshots


@pytest.mark.slow
def test_every_screen_is_photographed(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POS_APP_KEYRING_SERVICE", "pos_app_gui_tests")
    previous = ui_text.language()
    try:
        written = take_screenshots(tmp_path / "shots")
    finally:
        ui_text.set_language(previous)
    names = [p.stem.split("-", 1)[1] for p in written]
    assert names[:9] == [
        "scan-idle",
        "scan-success",
        "scan-failure",
        "scan-confirming",
        "scan-confirmed",
        "scan-already-redeemed",
        "manual-entry",
        "manual-entry-valid",
        "history",
    ]
    assert names[9:] == [
        "manager-locked",
        "manager-pin",
        "manager-reversal",
        "manager-sync",
        "manager-records",
        "manager-settings",
        "lookup-card",
        "scan-multi-uses-left",
        "scan-failure-used",
        "scan-failure-refunded",
        "receipt",
        "sign-in",
        "shift-report",
    ]
    image = QImage(str(written[0]))
    assert (image.width(), image.height()) == SIZE
    receipt = QImage(str(next(p for p in written if p.stem.endswith("-receipt"))))
    # an 80 mm and a 58 mm slip side by side
    assert receipt.width() > 576 + 384 and receipt.height() > 600
