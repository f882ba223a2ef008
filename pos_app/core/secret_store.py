"""The interface of the place secrets live (the OS keyring in the app, memory in tests).

The core depends on this interface only; ``pos_app.secrets`` implements it.
"""

from __future__ import annotations

from typing import Protocol

# The gateway (and store database) secrets a till keeps in the OS keyring, by name.
SECRET_NAMES = (
    "alipay-private-key",
    "alipay-public-key",
    "top-app-secret",
    "top-session",
    "app-auth-token",
    "store-db-password",  # the store database (PostgreSQL) role's password
)


class SecretStore(Protocol):
    """Named secrets; ``get`` of a missing name is ``None``. Values never reach a log."""

    backend_name: str

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...
