"""The PySide6 counter app."""
