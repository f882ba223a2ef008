"""Shared test set-up. Qt must see the offscreen platform before it is first imported."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("POS_APP_LANG", "zh_CN")
