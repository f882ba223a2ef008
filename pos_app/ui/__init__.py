"""The PySide6 counter app."""

from pos_app.ui import pyside_fixes

pyside_fixes.apply()
