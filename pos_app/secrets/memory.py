"""An in-memory secret store for tests and demos. Nothing is written anywhere."""

from __future__ import annotations

import logging

from pos_app.core.errors import ConfigError
from pos_app.secrets.store import is_known_name

logger = logging.getLogger(__name__)


class MemorySecretStore:
    """Same interface as ``KeyringSecretStore``; forgets everything when the process ends."""

    backend_name = "memory (not persistent; tests and demos only)"

    def __init__(self, initial: dict[str, str] | None = None) -> None:
        self._values: dict[str, str] = {}
        for name, value in (initial or {}).items():
            self.set(name, value)

    def get(self, name: str) -> str | None:
        self._check(name)
        return self._values.get(name)

    def set(self, name: str, value: str) -> None:
        self._check(name)
        self._values[name] = value

    def delete(self, name: str) -> None:
        self._check(name)
        self._values.pop(name, None)

    @staticmethod
    def _check(name: str) -> None:
        if not is_known_name(name):
            raise ConfigError("SECRET_UNKNOWN", f"unknown secret name {name!r}")
