"""Settings (manager): mode, gateways, ids, shop, sign types, timeout, language, scanner; keys.

The form edits a copy of ``runtime.settings``; "Save" validates every field with the settings
module's own rules (``set_setting``: a bad field is named inline, nothing is saved) and then
``runtime.apply_settings`` writes the TOML file crash-safely on the worker. Keys are imported from
files straight into the OS keyring (``secrets.import_secret``); the screen shows which keyring
backend is in use, or why there is none, and never shows a key — only whether it is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.config import settings as cfg
from pos_app.config.settings import Settings, set_setting
from pos_app.core.errors import InputInvalid, PosError
from pos_app.core.receipt import WIDTHS_MM, parse_printer_uri
from pos_app.core.secret_store import SECRET_NAMES, SecretStore
from pos_app.ui.messages import error_text
from pos_app.ui.scanner import ScannerConfig, ScannerFilter
from pos_app.ui.screens.scanner_test import ScannerTestPage
from pos_app.ui.tasks import TaskManager, in_background

if TYPE_CHECKING:
    from pos_app.runtime import Runtime
    from pos_app.ui.receipts import ReceiptDesk

logger = logging.getLogger(__name__)

MAX_KEY_FILE_BYTES = 64 * 1024
_OK = "color: #1b7f3b;"
_BAD = "color: #b00020; font-weight: bold;"


def _combo(options: tuple[str, ...], labels: list[str] | None = None) -> QComboBox:
    box = QComboBox()
    for value, label in zip(options, labels or list(options), strict=True):
        box.addItem(label, value)
    return box


def read_key_file(path: Path) -> str:
    """A key file's text (UTF-8 or ASCII), refusing anything implausibly large."""
    with path.open("rb") as handle:
        data = handle.read(MAX_KEY_FILE_BYTES + 1)
    if len(data) > MAX_KEY_FILE_BYTES:
        raise InputInvalid("SECRET_FORMAT", "file", "key file larger than 64 KiB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputInvalid("SECRET_FORMAT", "file", "key file is not text") from None


class SettingsScreen(QWidget):
    saved = Signal(object)  # Settings, after they were written and applied
    key_imported = Signal(str)  # secret name

    def __init__(
        self,
        runtime: Runtime,
        tasks: TaskManager,
        parent: QWidget | None = None,
        *,
        probe: TaskManager,
        scanner: ScannerFilter | None = None,
        manager_fn: Callable[[], str] | None = None,
        receipts: ReceiptDesk | None = None,
    ) -> None:
        """``tasks``: the money lane (settings and keys are journaled); ``probe``: the lane for
        the connection test, so it never waits behind, or holds up, a redemption;
        ``receipts``: prints the 打印测试 page (on its own print lane)."""
        super().__init__(parent)
        self._receipts = receipts
        self._runtime = runtime
        self._tasks = tasks
        self._probe = probe
        self._scanner = scanner
        # Who is changing things, for the journal's audit trail (the unlocked manager).
        self._manager_fn = manager_fn or (lambda: "")
        self.fields: dict[str, QWidget] = {}
        self.key_status: dict[str, QLabel] = {}
        self.key_buttons: dict[str, QPushButton] = {}

        self.tabs = QTabWidget()
        self.tabs.addTab(self._general_tab(), self.tr("General"))
        self.tabs.addTab(self._gateway_tab(), self.tr("Platforms"))
        self.tabs.addTab(self._keys_tab(), self.tr("Keys"))
        self.tabs.addTab(self._scanner_tab(), self.tr("Scanner"))
        self.tabs.addTab(self._printer_tab(), self.tr("Printer"))
        self.save_button = QPushButton(self.tr("Save"))
        self.revert_button = QPushButton(self.tr("Undo changes"))
        self.status_label = QLabel()
        self.status_label.setObjectName("settingsStatus")
        self.status_label.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.load)
        self.load()
        self.refresh_keys()

    # ------------------------------------------------------------------ form
    def _line(self, key: str, max_len: int = 200) -> QLineEdit:
        edit = QLineEdit()
        edit.setMaxLength(max_len)
        self.fields[key] = edit
        return edit

    def _general_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.fields["mode"] = _combo(cfg.MODES, [self.tr("Training"), self.tr("Production")])
        self.fields["ui.language"] = _combo(cfg.LANGUAGES, ["中文", "English"])
        timeout = QDoubleSpinBox()
        timeout.setRange(1, 120)
        timeout.setDecimals(1)
        timeout.setSuffix(self.tr(" s"))
        self.fields["network.timeout_s"] = timeout
        sound = QCheckBox(self.tr("Play a sound on success and failure"))
        self.fields["sound.enabled"] = sound
        form.addRow(self.tr("Mode"), self.fields["mode"])
        form.addRow(self.tr("Language"), self.fields["ui.language"])
        form.addRow(self.tr("Terminal id"), self._line("terminal.id", 16))
        form.addRow(self.tr("Network timeout"), timeout)
        form.addRow("", sound)
        note = QLabel(self.tr("Mode and language changes take effect after a restart."))
        note.setWordWrap(True)
        form.addRow("", note)
        return page

    def _gateway_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.fields["alipay.sign_type"] = _combo(cfg.SIGN_TYPES)
        self.fields["top.sign_method"] = _combo(cfg.SIGN_METHODS)
        self.fields["shop.type"] = _combo(
            cfg.SHOP_TYPES, [self.tr("Koubei shop (internal)"), self.tr("External shop")]
        )
        form.addRow(self.tr("Alipay gateway"), self._line("alipay.gateway"))
        form.addRow(self.tr("Alipay app id"), self._line("alipay.app_id", 32))
        form.addRow(self.tr("Alipay sign type"), self.fields["alipay.sign_type"])
        form.addRow(self.tr("Taobao (TOP) gateway"), self._line("top.gateway"))
        form.addRow(self.tr("TOP app key"), self._line("top.app_key", 32))
        form.addRow(self.tr("TOP sign method"), self.fields["top.sign_method"])
        form.addRow(self.tr("Shop id"), self._line("shop.id", 32))
        form.addRow(self.tr("Shop type"), self.fields["shop.type"])
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_label = QLabel()
        self.test_label.setObjectName("connectionResult")
        self.test_button.clicked.connect(self.test_connection)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addWidget(self.test_label, 1)
        form.addRow("", row)
        return page

    def _printer_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        uri = self.printer_uri_edit = self._line("printer.uri")
        uri.setPlaceholderText("tcp://192.168.1.50:9100")
        labels = [self.tr("%1 mm").replace("%1", str(width)) for width in WIDTHS_MM]
        self.fields["printer.width"] = _combo(tuple(str(w) for w in WIDTHS_MM), labels)
        auto = QCheckBox(self.tr("Print a slip after each redemption and reversal"))
        self.fields["printer.auto"] = auto
        form.addRow(self.tr("Printer address"), uri)
        form.addRow(self.tr("Paper width"), self.fields["printer.width"])
        form.addRow("", auto)
        hint = QLabel(
            self.tr(
                "Network: tcp://HOST:9100; USB: usb://VID:PID; serial: serial:///dev/ttyUSB0; "
                "device file: file:///dev/usb/lp0. Leave empty for no printer."
            )
        )
        hint.setWordWrap(True)
        form.addRow("", hint)
        self.print_test_button = QPushButton(self.tr("Print test page"))
        self.print_test_button.setObjectName("printTest")
        self.print_test_button.setEnabled(self._receipts is not None)
        self.print_test_button.clicked.connect(self.print_test)
        self.print_test_label = QLabel()
        self.print_test_label.setObjectName("printTestResult")
        self.print_test_label.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.print_test_button)
        row.addWidget(self.print_test_label, 1)
        form.addRow("", row)
        return page

    def print_test(self) -> None:
        """打印测试 on the address typed (saved or not); a bad address is named inline."""
        edit = self.printer_uri_edit
        edit.setStyleSheet("")
        try:
            parse_printer_uri(edit.text())
        except InputInvalid as exc:
            edit.setStyleSheet("border: 2px solid #b00020;")
            self.print_test_label.setStyleSheet(_BAD)
            self.print_test_label.setText(f"{error_text(exc)} ({exc.detail})")
            return
        if self._receipts is None:
            return
        width = int(self.form_values()["printer.width"])
        self.print_test_label.setStyleSheet("")
        self.print_test_label.setText(self.tr("Printing the test page…"))
        self._receipts.print_test(
            edit.text(),
            width,
            self,
            lambda _uri: self.show_print_result(
                True, self.tr("Test page printed: check that its Chinese text reads clearly.")
            ),
            lambda error: self.show_print_result(False, error_text(error)),
        )

    def show_print_result(self, ok: bool, text: str) -> None:
        """What the print lane said about the test page."""
        self.print_test_label.setStyleSheet(_OK if ok else _BAD)
        self.print_test_label.setText(text)

    def _keys_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.backend_label = QLabel()
        self.backend_label.setObjectName("keyringBackend")
        self.backend_label.setWordWrap(True)
        layout.addWidget(self.backend_label)
        grid = QGridLayout()
        labels = {
            "alipay-private-key": self.tr("Alipay app private key"),
            "alipay-public-key": self.tr("Alipay public key"),
            "top-app-secret": self.tr("TOP app secret"),
            "top-session": self.tr("TOP session key"),
            "app-auth-token": self.tr("app_auth_token (optional)"),
            "store-db-password": self.tr("Store database password (optional)"),
        }
        for row, name in enumerate(SECRET_NAMES):
            state = QLabel()
            button = QPushButton(self.tr("Import from file…"))
            button.clicked.connect(lambda _=False, n=name: self.import_key(n))
            self.key_status[name], self.key_buttons[name] = state, button
            grid.addWidget(QLabel(labels.get(name, name)), row, 0)
            grid.addWidget(state, row, 1)
            grid.addWidget(button, row, 2)
        layout.addLayout(grid)
        self.key_result = QLabel()
        self.key_result.setObjectName("keyResult")
        self.key_result.setWordWrap(True)
        layout.addWidget(self.key_result)
        layout.addStretch(1)
        return page

    def _scanner_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        form = QFormLayout()
        self.min_chars_spin, self.interval_spin = QSpinBox(), QSpinBox()
        min_chars, interval = self.min_chars_spin, self.interval_spin
        min_chars.setRange(1, 64)
        interval.setRange(5, 1000)
        interval.setSuffix(" ms")
        self.fields["scanner.min_chars"] = min_chars
        self.fields["scanner.max_interval_ms"] = interval
        self.enter_check = QCheckBox(self.tr("Enter"))
        self.tab_check = QCheckBox(self.tr("Tab"))
        ends = QHBoxLayout()
        ends.addWidget(self.enter_check)
        ends.addWidget(self.tab_check)
        ends.addStretch(1)
        form.addRow(self.tr("At least (characters)"), min_chars)
        form.addRow(self.tr("At most between keys"), interval)
        form.addRow(self.tr("Ends with"), ends)
        form.addRow(self.tr("Prefixes/suffixes (comma list)"), self._line("scanner.affixes"))
        layout.addLayout(form)
        self.scanner_test = ScannerTestPage(self._scanner_rules, self._scanner)
        layout.addWidget(QLabel(self.tr("Scanner test")))
        layout.addWidget(self.scanner_test, 1)
        return page

    def _scanner_rules(self) -> tuple[int, int, tuple[str, ...]]:
        return self.min_chars_spin.value(), self.interval_spin.value(), self._terminators()

    def _terminators(self) -> tuple[str, ...]:
        checks = (("enter", self.enter_check), ("tab", self.tab_check))
        return tuple(name for name, box in checks if box.isChecked())

    # ------------------------------------------------------------------ load / save
    def load(self) -> None:
        """Show the settings in use (no I/O: the runtime holds them)."""
        values = cfg.settings_as_dict(self._runtime.settings)
        for key, widget in self.fields.items():
            value = values[key]
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(0, widget.findData(str(value))))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QSpinBox):
                widget.setValue(int(value))
            elif isinstance(widget, QDoubleSpinBox):
                widget.setValue(float(value))
            elif isinstance(widget, QLineEdit):
                widget.setText(str(value))
                widget.setStyleSheet("")
        terminators = cfg.split_list(str(values["scanner.terminators"]))
        self.enter_check.setChecked("enter" in terminators)
        self.tab_check.setChecked("tab" in terminators)
        self.status_label.clear()

    def form_values(self) -> dict[str, str]:
        """Every field as the text ``set_setting`` takes, by dotted key."""
        values: dict[str, str] = {}
        for key, widget in self.fields.items():
            if isinstance(widget, QComboBox):
                values[key] = str(widget.currentData())
            elif isinstance(widget, QCheckBox):
                values[key] = "true" if widget.isChecked() else "false"
            elif isinstance(widget, QSpinBox | QDoubleSpinBox):
                values[key] = f"{widget.value():g}"
            elif isinstance(widget, QLineEdit):
                values[key] = widget.text()
        values["scanner.terminators"] = ",".join(self._terminators())
        return values

    def build_settings(self) -> Settings:
        """The form as ``Settings``; ``InputInvalid`` (field = dotted key) at the first bad one."""
        settings = self._runtime.settings
        values = self.form_values()
        # Mode last: switching to production checks the gateways already set above.
        for key in sorted(values, key=lambda k: k == "mode"):
            settings = set_setting(settings, key, values[key])
        return settings

    def save(self) -> None:
        for widget in self.fields.values():
            widget.setStyleSheet("")
        try:
            new = self.build_settings()
        except (InputInvalid, PosError) as exc:
            field = getattr(exc, "field", "")
            bad_widget = self.fields.get(field)
            if bad_widget is not None:
                bad_widget.setStyleSheet("border: 2px solid #b00020;")
                bad_widget.setFocus()
            self._status(_BAD, f"{error_text(exc)} ({exc.detail or exc.code})")
            return
        old = self._runtime.settings
        runtime = self._runtime
        manager = self._manager_fn()
        self.save_button.setEnabled(False)
        self._status("", self.tr("Saving…"))

        def done(_: object) -> None:
            self.save_button.setEnabled(True)
            text = self.tr("Saved.")
            if (new.mode, new.language) != (old.mode, old.language):
                text += " " + self.tr("Restart the app to use the new mode or language.")
            self._status(_OK, text)
            if self._scanner is not None:
                s = new.scanner
                self._scanner.set_config(
                    ScannerConfig.from_values(s.min_chars, s.max_interval_ms, s.terminator_list)
                )
            self.saved.emit(new)

        def failed(error: Exception) -> None:
            self.save_button.setEnabled(True)
            self._status(_BAD, error_text(error))

        in_background(
            self._tasks,
            self,
            lambda: runtime.apply_settings(new, by=manager),
            done,
            failed,
            label="settings",
        )

    # ------------------------------------------------------------------ keys
    def refresh_keys(self) -> None:
        store = self._runtime.secrets
        if store is None:
            problem = self._runtime.keyring_problem or self.tr("No OS keyring is available.")
            self.backend_label.setStyleSheet(_BAD)
            self.backend_label.setText(self.tr("No keyring: %1").replace("%1", problem))
            for button in self.key_buttons.values():
                button.setEnabled(False)
            return
        text = self.tr("Keys are kept in the OS keyring: %1").replace("%1", store.backend_name)
        self.backend_label.setStyleSheet("")
        self.backend_label.setText(text)
        in_background(
            self._tasks, self, lambda: _key_status(store), self._show_key_status, label="key-status"
        )

    def _show_key_status(self, present: dict[str, bool]) -> None:
        for name, label in self.key_status.items():
            if present.get(name):
                label.setStyleSheet(_OK)
                label.setText(self.tr("stored"))
            else:
                label.setStyleSheet("color: #6b6b6b;")
                label.setText(self.tr("not set"))

    @classmethod
    def ask_key_file(cls, parent: QWidget, title: str) -> str:
        """The file to import ("" when cancelled); tests replace this."""
        path, _ = QFileDialog.getOpenFileName(
            parent,
            title,
            str(Path.home()),
            QCoreApplication.translate("SettingsScreen", "Keys (*.pem *.txt *.key);;All files (*)"),
        )
        return path

    def import_key(self, name: str) -> None:
        store = self._runtime.secrets
        if store is None:
            return
        title = self.tr("Import %1").replace("%1", name)
        path = type(self).ask_key_file(self, title)
        if not path:
            return
        runtime = self._runtime

        manager = self._manager_fn()

        def work() -> str:
            return runtime.import_key(name, read_key_file(Path(path)), by=manager)

        def done(summary: str) -> None:
            text = self.tr("Imported %1 into the keyring: %2").replace("%1", name)
            self._key_result(_OK, text.replace("%2", summary))
            self.key_imported.emit(name)
            self.refresh_keys()

        in_background(self._tasks, self, work, done, self._key_failed, label="import-key")

    def _key_failed(self, error: Exception) -> None:
        if isinstance(error, OSError):
            self._key_result(
                _BAD, self.tr("Could not read the file: %1").replace("%1", str(error.strerror))
            )
            return
        self._key_result(_BAD, error_text(error))

    def _key_result(self, style: str, text: str) -> None:
        self.key_result.setStyleSheet(style)
        self.key_result.setText(text)

    # ------------------------------------------------------------------ connection
    def test_connection(self) -> None:
        runtime = self._runtime
        self.test_button.setEnabled(False)
        self.test_label.setStyleSheet("")
        self.test_label.setText(self.tr("Testing…"))

        def done(ok: bool) -> None:
            self.test_button.setEnabled(True)
            if ok:
                self.test_label.setStyleSheet(_OK)
                self.test_label.setText(self.tr("The platform answers."))
            else:
                self.test_label.setStyleSheet(_BAD)
                self.test_label.setText(
                    self.tr("No answer from the platform. Check the network and the gateway.")
                )

        def failed(error: Exception) -> None:
            self.test_button.setEnabled(True)
            self.test_label.setStyleSheet(_BAD)
            self.test_label.setText(error_text(error))

        in_background(
            self._probe, self, runtime.gateway_health, done, failed, label="test-connection"
        )

    def _status(self, style: str, text: str) -> None:
        self.status_label.setStyleSheet(style)
        self.status_label.setText(text)


def _key_status(store: SecretStore) -> dict[str, bool]:
    """Which keys the keyring holds (on a lane: keyring is imported on first use, not at start)."""
    from pos_app.secrets.store import status

    return status(store)
