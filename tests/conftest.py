"""Shared test set-up. Qt must see the offscreen platform before it is first imported."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("POS_APP_LANG", "zh_CN")

# The throwaway PostgreSQL cluster (session) and a database per test: see tests/pg_server.py.
from pg_server import pg_database, pg_server  # noqa: F401
