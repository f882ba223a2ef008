"""The interface of the place secrets live (the OS keyring in the app, memory in tests).

The core depends on this interface only; ``pos_app.secrets`` implements it.
"""

from __future__ import annotations

from typing import Protocol


class SecretStore(Protocol):
    """Named secrets; ``get`` of a missing name is ``None``. Values never reach a log."""

    backend_name: str

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...
