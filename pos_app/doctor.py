"""``pos-app doctor``: what a support call asks first, checked and said in one screen."""

from __future__ import annotations

import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime

import requests

from pos_app.config.home import AppHome
from pos_app.config.settings import Settings, load_settings, validate_for_production
from pos_app.core.errors import PosError
from pos_app.core.secret_store import SECRET_NAMES, SecretStore
from pos_app.gateways.keys import load_private_key, load_public_key
from pos_app.secrets.store import KeyringSecretStore, open_secret_store

CLOCK_TOLERANCE_S = 300  # TOP tolerates ±10 minutes; warn well before that


class _Report:
    def __init__(self) -> None:
        self.failures = 0

    def check(self, label: str, fn: Callable[[], str], *, not_needed: str = "") -> None:
        """``not_needed``: why a definite failure does not matter here (printed as INFO)."""
        try:
            detail = fn()
        except PosError as exc:
            if not_needed:
                print(f"[提示 INFO] {label}: {exc.code} — {exc.zh} ({not_needed})")
                return
            self.failures += 1
            print(f"[失败 FAIL] {label}: {exc.code} — {exc.zh}")
            return
        except Exception as exc:
            self.failures += 1
            print(f"[失败 FAIL] {label}: {type(exc).__name__}")
            return
        print(f"[正常  OK ] {label}: {detail}")


def run_doctor(home: AppHome) -> int:
    report = _Report()
    print(f"home: {home.root}")
    holder: dict[str, object] = {}

    def settings() -> str:
        s = load_settings(home)
        holder["settings"] = s
        if s.mode == "production":
            validate_for_production(s)
        return f"mode={s.mode}, shop={s.shop_id or '-'}"

    def keyring_backend() -> str:
        store = open_secret_store()
        holder["store"] = store
        return store.backend_name

    report.check("settings", settings)
    s = holder.get("settings")
    training = isinstance(s, Settings) and s.mode == "training"
    # Training runs on the simulator's demo keys: no keyring needed until production.
    why = "训练模式不需要；切换到正式模式前必须装好 / not needed in training; needed for production"
    report.check("keyring", keyring_backend, not_needed=why if training else "")
    store = holder.get("store")
    if isinstance(s, Settings) and s.mode == "production" and isinstance(store, KeyringSecretStore):
        report.check("keys", lambda: _check_keys(store))
        report.check("alipay gateway", lambda: _reach(s.alipay_gateway))
        report.check("top gateway", lambda: _reach(s.top_gateway))
    elif isinstance(s, Settings) and s.mode == "training":
        print("[提示 INFO] training mode: keys and gateways are the bundled simulator's")
    if isinstance(s, Settings) and s.printer_uri:
        report.check("printer", lambda: _check_printer(s))
    if isinstance(s, Settings) and s.store_database_url:
        secrets = store if isinstance(store, KeyringSecretStore) else None
        report.check("store database", lambda: _check_store(home, s, secrets))
    return 0 if report.failures == 0 else 2


def _check_keys(store: SecretStore) -> str:
    present = [n for n in SECRET_NAMES if store.get(n)]
    for name, loader in (
        ("alipay-private-key", load_private_key),
        ("alipay-public-key", load_public_key),
    ):
        value = store.get(name)
        if value:
            loader(value)  # raises KeyInvalid naming the form, never the key
    return "present: " + (", ".join(present) or "none")


def _reach(url: str) -> str:
    started = time.monotonic()
    response = requests.get(url, timeout=5)
    elapsed = (time.monotonic() - started) * 1000
    skew = ""
    if "Date" in response.headers:
        server = parsedate_to_datetime(response.headers["Date"]).timestamp()
        offset = time.time() - server
        skew = f", clock offset {offset:+.0f}s"
        if abs(offset) > CLOCK_TOLERANCE_S:
            skew += " — 本机时钟偏差过大，请校准 / fix this computer's clock"
    return f"HTTP {response.status_code} in {elapsed:.0f} ms{skew}"


def _check_printer(settings: Settings) -> str:
    """Open the configured receipt printer and close it again: nothing is printed."""
    from pos_app.printing.escpos import ReceiptPrinter  # the printer library, only when set

    return ReceiptPrinter(settings.printer_uri, settings.printer_width).check()


def _check_store(home: AppHome, settings: Settings, secrets: SecretStore | None) -> str:
    """Connect to the store database, read its schema version, and say how far behind this
    till's outbox is (``StoreUnavailable`` when it cannot be reached)."""
    from pos_app.journal.outbox import SqliteOutbox
    from pos_app.journal.pg_migrations import SCHEMA_VERSION
    from pos_app.journal.postgres import PostgresJournal, conninfo_from_url
    from pos_app.runtime import open_journal

    password = (secrets.get("store-db-password") if secrets else None) or ""
    conninfo = conninfo_from_url(settings.store_database_url, password, connect_timeout_s=5)
    with PostgresJournal(conninfo, shop_id=settings.shop_id, terminal_id="doctor") as store:
        version = store.schema_version()
    with open_journal(home, settings.mode) as journal:
        outbox = SqliteOutbox(journal.path)
        try:
            pending, oldest = outbox.pending(), outbox.oldest_pending_at()
        finally:
            outbox.close()
    lag = "" if oldest is None else f", oldest waiting {time.time() - oldest.timestamp():.0f}s"
    return f"schema {version}/{SCHEMA_VERSION}, {pending} row(s) waiting{lag}"
