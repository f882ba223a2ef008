"""Wiring: settings, secrets, journal, gateway clients and the service, for the GUI and the CLI.

Training mode starts the bundled simulator in-process and talks to it with its demo keys, so the
app works out of the box. Production reads the keys from the OS keyring and talks to the real
gateways. Clients are built lazily (missing keys surface as ``ConfigError`` when an operation
needs them, before anything is written) and rebuilt when the settings change.

Start-up speed (issue #13): ``Runtime.open(home, background=True)`` (the GUI) returns as soon as
settings, journal and service are there; the slow half — starting the training simulator, probing
the keyring, the store replicator — runs on a thread, so the window shows first. Whatever needs
that half waits for it (``wait_started``): the client factories on the service worker, the
``simulator``/``secrets``/``pins`` properties. The GUI queues ``wait_started`` as the first job of
its serial money lane, so a scan made meanwhile is redeemed right after, never before. Modules
the first screen does not need (the gateways and ``requests``, keyring, PostgreSQL) are imported
where they are first used.
"""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from pos_app.config.home import AppHome
from pos_app.config.settings import (
    Settings,
    load_settings,
    save_settings,
    settings_as_dict,
    validate_for_production,
)
from pos_app.core.errors import ConfigError, NoKeyringBackend, PosError
from pos_app.core.journal import Journal, Operation
from pos_app.core.models import ShopType
from pos_app.core.secret_store import SecretStore
from pos_app.core.service import RedemptionService, ShopConfig
from pos_app.journal.sqlite import SqliteJournal

if TYPE_CHECKING:
    from pos_app.core.cashiers import CashierRegistry
    from pos_app.core.pin import ManagerPins
    from pos_app.core.receipt import SlipShop
    from pos_app.core.reports import Report
    from pos_app.gateways.alipay import AlipayClient
    from pos_app.gateways.top import TopClient
    from pos_app.journal.postgres import PostgresJournal
    from pos_app.printing.escpos import ReceiptPrinter
    from pos_app.sandbox import Simulator
    from pos_app.store.replicator import ReplicationStatus, Replicator
    from pos_app.store.views import StoreReader

logger = logging.getLogger(__name__)

# The store database may be away: a till gives up connecting fast and keeps redeeming.
STORE_CONNECT_TIMEOUT_S = 3
# How often the replicator looks for rows on its own; every settled operation wakes it at once
# (a service listener), so this only bounds the lag of audit entries and of retries after errors.
STORE_POLL_S = 5.0


@dataclass(frozen=True, slots=True)
class TopCredentials:
    """What the TOP client needs; never logged, never written anywhere but the keyring."""

    app_key: str
    app_secret: str
    session: str


@dataclass(frozen=True, slots=True)
class AlipayCredentials:
    """What the Alipay client needs; never logged, never written anywhere but the keyring."""

    app_id: str
    private_key: str
    alipay_public_key: str
    app_auth_token: str


class Runtime:
    def __init__(
        self,
        home: AppHome,
        settings: Settings,
        *,
        simulator: Simulator | None = None,
        replicate: bool = True,
        background: bool = False,
        start_simulator: bool = False,
    ):
        """``replicate``: run the store replicator in the background (when a store database is
        set); commands that only look at the store pass ``False`` and push or read themselves.
        ``background``: finish opening (``start_simulator``: the training simulator; the keyring
        probe; the replicator) on a thread; see the module's docstring."""
        self.home = home
        self.settings = settings
        self._simulator = simulator
        self.journal = open_journal(home, settings.mode)
        self._secrets: SecretStore | None = None
        self._keyring_problem = ""
        self._pins: ManagerPins | None = None
        self._cashiers: CashierRegistry | None = None
        self._started = threading.Event()
        self._start_error: PosError | None = None
        self._lock = threading.Lock()
        # Clients by "for production rows while in another mode?" (see _attach_other_modes).
        self._tops: dict[bool, TopClient] = {}
        self._alipays: dict[bool, AlipayClient] = {}
        self._other_journals: list[SqliteJournal] = []
        self.service = RedemptionService(
            journal=self.journal,
            top=self._top_client,
            alipay=self._alipay_client,
            shop=self._shop_config(),
        )
        self._attach_other_modes()
        self._replicate = replicate
        self.replicator: Replicator | None = None
        self.store_reader: StoreReader | None = None
        self.service.add_listener(self._wake_replicator)
        self._opener_lock = threading.Lock()
        self._opener: threading.Thread | None = None
        if background:  # started by ``begin_start`` (or the first ``wait_started``)
            self._opener = threading.Thread(
                target=self._finish_opening, args=(start_simulator, True), name="runtime-start"
            )
        else:
            self._finish_opening(start_simulator, False)

    @classmethod
    def open(
        cls,
        home: AppHome,
        *,
        start_simulator: bool = True,
        replicate: bool = True,
        background: bool = False,
        settings: Settings | None = None,
    ) -> Runtime:
        """``background``: return before the simulator, keyring and replicator are up (GUI).
        ``settings``: as loaded from ``home`` already (the GUI reads them before its window)."""
        settings = settings if settings is not None else load_settings(home)
        simulator = None
        wanted = settings.mode == "training" and start_simulator
        if settings.mode == "production":
            validate_for_production(settings)
        elif wanted and not background:
            simulator = _start_simulator(home)
        return cls(
            home,
            settings,
            simulator=simulator,
            replicate=replicate,
            background=background,
            start_simulator=wanted and background,
        )

    # ------------------------------------------------------------------ the slow half of opening
    def _finish_opening(self, start_simulator: bool, background: bool) -> None:
        try:
            if start_simulator:
                self._simulator = _start_simulator(self.home)
                self.service.set_shop(self._shop_config())  # the demo shop, before any redeem
            self._probe_keyring()
            self._start_store()
        except PosError as exc:
            if not background:
                raise
            logger.error("start-up failed: %s", exc.code)
            self._start_error = exc
        except BaseException:
            logger.exception("start-up failed")
            self._start_error = PosError(detail="start-up failed")
            if not background:
                raise
        finally:
            self._started.set()

    def _probe_keyring(self) -> None:
        from pos_app.secrets.store import open_secret_store

        try:
            self._secrets = open_secret_store()
        except (NoKeyringBackend, ConfigError) as exc:
            self._keyring_problem = exc.zh
            # Training mode uses the simulator's demo keys: no keyring is needed there.
            level = logging.INFO if self.settings.mode == "training" else logging.WARNING
            logger.log(level, "no usable keyring: %s", exc.code)
        self._pins = manager_pins(self.home, self._secrets)
        self._cashiers = cashier_registry(self.home, self._secrets)

    def begin_start(self) -> None:
        """Start the slow half of a background open (once). The GUI calls it when its window is
        up: on a thread, that work would still hold the GIL while the window is being built."""
        with self._opener_lock:  # not ``_lock``: the client factories wait while holding it
            opener, self._opener = self._opener, None
        if opener is not None:
            opener.start()

    def await_started(self) -> None:
        """``wait_started`` without starting anything: for a job queued before ``begin_start``."""
        self._started.wait()
        if self._start_error is not None:
            raise self._start_error

    def wait_started(self) -> None:
        """Return once opening has finished; raise what stopped it (e.g. ``SANDBOX_BUSY``)."""
        self.begin_start()
        self._started.wait()
        if self._start_error is not None:
            raise self._start_error

    @property
    def started(self) -> bool:
        """Whether opening has finished (without waiting)."""
        return self._started.is_set()

    def _wait(self) -> None:
        self.begin_start()
        self._started.wait()

    @property
    def simulator(self) -> Simulator | None:
        self._wait()
        return self._simulator

    @simulator.setter
    def simulator(self, value: Simulator | None) -> None:
        self._simulator = value

    @property
    def secrets(self) -> SecretStore | None:
        self._wait()
        return self._secrets

    @secrets.setter
    def secrets(self, value: SecretStore | None) -> None:
        self._secrets = value

    @property
    def keyring_problem(self) -> str:
        self._wait()
        return self._keyring_problem

    @keyring_problem.setter
    def keyring_problem(self, value: str) -> None:
        self._keyring_problem = value

    @property
    def pins(self) -> ManagerPins:
        self.wait_started()
        assert self._pins is not None  # noqa: S101 - set by every finished start
        return self._pins

    @property
    def cashiers(self) -> CashierRegistry:
        self.wait_started()
        assert self._cashiers is not None  # noqa: S101 - set by every finished start
        return self._cashiers

    @cashiers.setter
    def cashiers(self, value: CashierRegistry) -> None:
        self._cashiers = value

    # ------------------------------------------------------------------ state
    @property
    def training(self) -> bool:
        return self.settings.mode == "training"

    @property
    def keyring_backend(self) -> str:
        return self.secrets.backend_name if self.secrets else ""

    def apply_settings(self, settings: Settings, *, by: str = "") -> None:
        """Save new settings and use them from the next operation on; journal who changed what."""
        if settings.mode == "production":
            validate_for_production(settings)
        check_mode_switch(self.journal, self.settings.mode, settings.mode)
        changed = settings_changes(self.settings, settings)
        save_settings(self.home, settings)
        if changed:
            self.journal.audit(by or "?", "settings", changed, settings.terminal_id)
        with self._lock:
            switched = settings.mode != self.settings.mode
            self.settings = settings
            self._drop_clients()
            # A mode switch changes where requests go and which undo log holds them: training
            # needs its simulator running, production must not keep one serving the demo keys.
            if settings.mode == "training" and self.simulator is None:
                self.simulator = _start_simulator(self.home)
            elif settings.mode == "production" and self.simulator is not None:
                self.simulator.stop()
                self.simulator = None
            if switched:
                self.journal.close()
                self.journal = open_journal(self.home, settings.mode)
                self.service.set_journal(self.journal)
        self.service.set_shop(self._shop_config())
        if switched:
            self._attach_other_modes()
        self._stop_store()
        self._start_store()

    def import_key(self, name: str, text: str, *, by: str = "") -> str:
        """Validate and store a secret in the keyring; returns a summary without the value."""
        from pos_app.secrets.store import import_secret

        if self.secrets is None:
            raise NoKeyringBackend(detail=self.keyring_problem or "no keyring")
        summary = import_secret(self.secrets, name, text)
        self.forget_clients()
        self.journal.audit(by or "?", "key-import", f"{name}: {summary}", self.settings.terminal_id)
        return summary

    def forget_clients(self) -> None:
        """After keys were imported: build the clients again from the keyring."""
        with self._lock:
            self._drop_clients()

    def _drop_clients(self) -> None:
        clients: list[TopClient | AlipayClient] = [*self._tops.values(), *self._alipays.values()]
        for client in clients:
            client.close()
        self._tops.clear()
        self._alipays.clear()

    # ------------------------------------------------------------------ other modes' open rows
    def _attach_other_modes(self) -> None:
        """Production rows still open while the settings say training (someone edited
        settings.toml by hand): retried at the production gateways with the production keys,
        never the simulator, and counted as open. Without production keys they stay UNKNOWN.
        Open training rows wait while in production: they are demo data (``check_mode_switch``)."""
        self._detach_other_modes()
        path = self.home.journal_path("production")
        if self.settings.mode == "production" or not path.exists():
            return
        try:
            journal = open_journal(self.home, "production")
        except PosError as exc:
            logger.error("the production undo log cannot be opened (%s): not retried", exc.code)
            return
        stranded = journal.open_operations()
        if not stranded:
            journal.close()
            return
        logger.warning(
            "%d production operation(s) still open in %s mode: retried at the production "
            "gateways (%s)",
            len(stranded),
            self.settings.mode,
            ", ".join(op.request_id for op in stranded),
        )
        self._other_journals.append(journal)
        production_rows = RedemptionService(
            journal=journal,
            top=functools.partial(self._top_client, production=True),
            alipay=functools.partial(self._alipay_client, production=True),
            shop=self._shop_config(),
        )
        self.service.set_other_modes([production_rows])

    def _detach_other_modes(self) -> None:
        self.service.set_other_modes([])
        for journal in self._other_journals:
            journal.close()
        self._other_journals.clear()

    def other_mode_open(self) -> list[Operation]:
        """Open rows of another mode's undo log that this runtime retries (see above)."""
        return [op for journal in self._other_journals for op in journal.open_operations()]

    def _shop_config(self) -> ShopConfig:
        s = self.settings
        simulator = self._simulator  # never waits: also called while opening
        shop_id = simulator.demo.shop_id if simulator and self.training else s.shop_id
        return ShopConfig(
            shop_id=shop_id,
            shop_type=ShopType(s.shop_type),
            terminal_id=s.terminal_id,
            affixes=tuple(a for a in s.scanner.affixes.split(",") if a),
        )

    # ------------------------------------------------------------------ credentials
    def _simulator_for(self, production: bool) -> Simulator | None:
        """The training simulator when requests go there; never for production rows. Waits for
        it (and refuses with what stopped it) rather than fall back to the real gateways."""
        if production or not self.training:
            return None
        self.wait_started()
        return self._simulator

    def top_credentials(self, *, production: bool = False) -> TopCredentials:
        if simulator := self._simulator_for(production):
            demo = simulator.demo
            return TopCredentials(demo.top_app_key, demo.top_app_secret, demo.top_session)
        from pos_app.secrets.store import require_secret

        store = self._store()
        return TopCredentials(
            self.settings.top_app_key,
            require_secret(store, "top-app-secret"),
            require_secret(store, "top-session"),
        )

    def alipay_credentials(self, *, production: bool = False) -> AlipayCredentials:
        if simulator := self._simulator_for(production):
            demo = simulator.demo
            return AlipayCredentials(
                demo.app_id, demo.app_private_key_b64, demo.alipay_public_key_b64, ""
            )
        from pos_app.secrets.store import require_secret

        store = self._store()
        return AlipayCredentials(
            self.settings.alipay_app_id,
            require_secret(store, "alipay-private-key"),
            require_secret(store, "alipay-public-key"),
            store.get("app-auth-token") or "",
        )

    def _store(self) -> SecretStore:
        if self.secrets is None:
            raise NoKeyringBackend(detail=self.keyring_problem or "no keyring")
        return self.secrets

    def _urls(self, production: bool = False) -> tuple[str, str]:
        if simulator := self._simulator_for(production):
            return simulator.alipay_url, simulator.top_url
        if production and self.settings.mode != "production":
            validate_for_production(self.settings)  # the rules production itself would apply
        return self.settings.alipay_gateway, self.settings.top_gateway

    def _top_client(self, production: bool = False) -> TopClient:
        from pos_app.gateways.top import TopClient

        with self._lock:
            if production not in self._tops:
                top = self.top_credentials(production=production)
                if not top.app_key:
                    raise ConfigError(detail="top.app_key is not set")
                self._tops[production] = TopClient(
                    gateway_url=self._urls(production)[1],
                    app_key=top.app_key,
                    app_secret=top.app_secret,
                    session_key=top.session,
                    sign_method=self.settings.top_sign_method,
                    timeout_s=self.settings.timeout_s,
                )
            return self._tops[production]

    def _alipay_client(self, production: bool = False) -> AlipayClient:
        from pos_app.gateways.alipay import AlipayClient
        from pos_app.gateways.keys import load_private_key, load_public_key

        with self._lock:
            if production not in self._alipays:
                creds = self.alipay_credentials(production=production)
                if not creds.app_id:
                    raise ConfigError(detail="alipay.app_id is not set")
                self._alipays[production] = AlipayClient(
                    gateway_url=self._urls(production)[0],
                    app_id=creds.app_id,
                    private_key=load_private_key(creds.private_key),
                    alipay_public_key=load_public_key(creds.alipay_public_key),
                    sign_type=self.settings.alipay_sign_type,
                    app_auth_token=creds.app_auth_token,
                    timeout_s=self.settings.timeout_s,
                )
            return self._alipays[production]

    # ------------------------------------------------------------------ health
    def gateway_health(self, timeout_s: float = 2.0) -> bool:
        """Whether the redeem gateway answers HTTP at all (any status) within ``timeout_s``."""
        import requests

        try:
            requests.get(self._urls()[1], timeout=timeout_s)
        except requests.RequestException:
            return False
        return True

    # ------------------------------------------------------------------ the store database
    def _start_store(self) -> None:
        """With ``store.database_url`` set: a replicator for the current mode's journal (started
        in the background unless this runtime was opened with ``replicate=False``)."""
        if not self.settings.store_database_url:
            return
        from pos_app.store.replicator import Replicator
        from pos_app.store.views import STATEMENT_TIMEOUT_MS, StoreReader

        self.replicator = Replicator(self.journal.path, self.store_journal, interval_s=STORE_POLL_S)
        replicator = self.replicator
        self.store_reader = StoreReader(
            functools.partial(self.store_journal, statement_timeout_ms=STATEMENT_TIMEOUT_MS),
            lambda: replicator.reachable,
        )
        self.service.set_store(self.store_reader)
        if self._replicate:
            self.replicator.start()

    def _stop_store(self) -> None:
        self.service.set_store(None)
        if self.store_reader is not None:
            self.store_reader.close()
            self.store_reader = None
        if self.replicator is not None:
            self.replicator.stop()
            self.replicator = None

    def _wake_replicator(self, _outcome: object) -> None:
        """A row settled: push it now rather than at the next poll, so the lag stays low."""
        replicator = self.replicator
        if replicator is not None:
            replicator.wake()

    def store_status(self) -> ReplicationStatus | None:
        """Replication status for the status bar (None: no store database is configured).
        Reads only the till's SQLite outbox: safe to poll from a background lane."""
        replicator = self.replicator
        return None if replicator is None else replicator.status()

    def store_journal(self, *, statement_timeout_ms: int = 0) -> PostgresJournal:
        """A new connection to the store database for this till (``StoreUnavailable`` when it
        cannot be reached; ``ConfigError`` "STORE_NOT_CONFIGURED" without a URL). Training rows
        carry the simulator's demo shop id, so they never mix with the real shop's."""
        from pos_app.journal.postgres import PostgresJournal, conninfo_from_url

        url = self.settings.store_database_url
        if not url:
            raise ConfigError("STORE_NOT_CONFIGURED")
        password = ""
        if self.secrets is not None:
            password = self.secrets.get("store-db-password") or ""
        return PostgresJournal(
            conninfo_from_url(url, password, connect_timeout_s=STORE_CONNECT_TIMEOUT_S),
            shop_id=self._store_shop_id(),
            terminal_id=self.settings.terminal_id,
            statement_timeout_ms=statement_timeout_ms,
        )

    def _store_shop_id(self) -> str:
        """The shop the store views show: the demo shop in training (whether or not this
        runtime started the simulator), the configured shop otherwise."""
        if self.training:
            from pos_app.sandbox.demo import OUR_SHOP_ID

            return OUR_SHOP_ID
        return self.settings.shop_id

    # ------------------------------------------------------------------ receipts
    def receipt_printer(self, uri: str = "", width_mm: int | None = None) -> ReceiptPrinter:
        """The printer at ``uri`` (default ``printer.uri``) with ``width_mm`` paper (default
        ``printer.width``); ``PrinterError`` "PRINTER_NOT_CONFIGURED" with no address at all,
        ``InputInvalid`` "PRINTER_URI" for a bad one. Imported here: the CLI's other commands
        need not load the printer library."""
        from pos_app.core.errors import PrinterError
        from pos_app.printing.escpos import ReceiptPrinter

        address = uri.strip() or self.settings.printer_uri
        if not address:
            raise PrinterError("PRINTER_NOT_CONFIGURED")
        return ReceiptPrinter(address, width_mm or self.settings.printer_width)

    def slip_shop(self) -> SlipShop:
        """What a slip says about where it was printed (training slips are marked as such)."""
        from pos_app.core.receipt import SlipShop

        return SlipShop(self._store_shop_id(), training=self.training)

    def close(self) -> None:
        self._wait()  # a simulator or replicator being started is stopped too
        self._stop_store()
        with self._lock:
            self._drop_clients()
        self._detach_other_modes()
        self.journal.close()
        if self.simulator is not None:
            self.simulator.stop()
            self.simulator = None


def manager_pins(home: AppHome, store: SecretStore | None) -> ManagerPins:
    """The manager PIN of this till: its record in ``store`` (the OS keyring; ``None`` refuses
    every check), its cross-process lock in ``home``."""
    from pos_app.core.pin import ManagerPins

    return ManagerPins(store, home.pin_lock_file, legacy_file=home.pin_file)


def cashier_registry(home: AppHome, store: SecretStore | None) -> CashierRegistry:
    """The till's cashiers: their list and PINs in ``store`` (the OS keyring), locks in ``home``."""
    from pos_app.core.cashiers import CashierRegistry

    return CashierRegistry(store, home.cashier_lock_file, home.cashier_pin_lock_file)


def build_day_report(runtime: Runtime, day: date, *, cashier: str | None, store: bool) -> Report:
    """The day report of this till, or of the whole shop from the store database."""
    from pos_app.core.reports import JournalSource, day_report, parse_cutoff

    cutoff = parse_cutoff(runtime.settings.report_day_cutoff)
    terminal = runtime.settings.terminal_id
    if not store:
        source = JournalSource.till(runtime.journal)
        return day_report(source, day, cutoff=cutoff, cashier=cashier, terminal=terminal)
    with runtime.store_journal() as shop:
        source = JournalSource.store(shop)
        return day_report(
            source, day, cutoff=cutoff, cashier=cashier, scope="store", terminal=terminal
        )


def open_journal(home: AppHome, mode: str) -> SqliteJournal:
    """The undo log of ``mode``. A production log found empty (0 bytes) is refused with
    ``JOURNAL_EMPTY``: real rows are gone and must be restored, not replaced. A training log is
    demo data: it is warned about loudly and started afresh."""
    return SqliteJournal(home.journal_path(mode), empty_ok=mode != "production")


def check_mode_switch(journal: Journal, before: str, after: str) -> None:
    """Refuse to leave production while real operations are open.

    Each mode has its own undo log, and only the current mode's rows are retried: leaving
    production with a redemption of unknown outcome would leave real money unsettled until
    someone switches back. (Open training rows are demo data and may wait.)
    """
    if before == after or before != "production":
        return
    open_ops = journal.open_operations()
    if open_ops:
        raise ConfigError(
            "MODE_SWITCH_OPEN",
            f"{len(open_ops)} open operation(s) must settle before switching {before} → {after}",
        )


def settings_changes(before: Settings, after: Settings) -> str:
    """What changed, for the audit trail (settings hold no secrets)."""
    old = settings_as_dict(before)
    return "; ".join(
        f"{key}: {old.get(key)} → {value}"
        for key, value in settings_as_dict(after).items()
        if old.get(key) != value
    )


def _start_simulator(home: AppHome) -> Simulator:
    from pos_app.sandbox import Simulator
    from pos_app.sandbox.dirlock import SandboxBusy

    try:
        simulator = Simulator.start(host="127.0.0.1", port=0, data_dir=home.sandbox_dir)
    except SandboxBusy as exc:
        raise ConfigError("SANDBOX_BUSY", str(home.sandbox_dir)) from exc
    logger.info("training mode: simulator at %s", simulator.top_url)
    return simulator
