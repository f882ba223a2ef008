"""The training-mode banner: impossible to miss, on every screen, above everything else."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

logger = logging.getLogger(__name__)

# Diagonal amber/black hazard stripes behind a solid plate that holds the text.
_STYLE = """
TrainingBanner {
    background: qlineargradient(spread:repeat, x1:0, y1:0, x2:0.03, y2:0.12,
        stop:0 #ffb300, stop:0.5 #ffb300, stop:0.501 #212121, stop:1 #212121);
    border: none;
    padding: 6px;
}
"""


class TrainingBanner(QLabel):
    """The words "training mode — nothing is really redeemed"; hidden in production."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingBanner")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet(_STYLE)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setMinimumHeight(48)
        self.set_message(self.tr("TRAINING MODE — practice only, no voucher is really redeemed"))

    def set_message(self, text: str) -> None:
        self._message = text
        self.setText(
            '<span style="background:#b71c1c; color:#ffffff; font-size:20px; font-weight:bold;">'
            f"&nbsp;&nbsp;{_escape(text)}&nbsp;&nbsp;</span>"
        )

    def message(self) -> str:
        return self._message


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
