"""Settings (nothing secret): a frozen dataclass, read from and written to ``settings.toml``.

File layout (every key optional; a missing file means all defaults)::

    mode = "training"                 # or "production"

    [alipay]   gateway, app_id, sign_type ("RSA2" | "RSA")
    [top]      gateway, app_key, sign_method ("md5" | "hmac" | "hmac-sha256")
    [shop]     id, type ("INTERNAL_SHOP" | "EXTERNAL_SHOP")
    [network]  timeout_s (1..120 seconds)
    [terminal] id, operator (the name 核销人 shows; "" = the OS user)
    [ui]       language ("zh_CN" | "en"), idle_reset_s (0..3600; 0 = a result card stays)
    [scanner]  min_chars, max_interval_ms, terminators ("enter,tab"), affixes (comma list)
    [sound]    enabled
    [store]    database_url ("postgresql://user@host:port/db[?sslmode=...]"; "" = no store database)
    [report]   day_cutoff ("HH:MM", 00:00..11:59: when the business day starts; "00:00" = midnight)
    [printer]  uri ("tcp://HOST:9100" | "usb://VID:PID" | "serial:///dev/ttyUSB0" |
               "file:///dev/usb/lp0"; "" = no printer), width (58 | 80 mm), auto (a slip after
               each redemption / reversal)

``top.sign_method`` defaults to ``hmac-sha256``: the strongest of the three TOP accepts.
Every key is addressed by its dotted name (``alipay.app_id``) in ``set_setting`` and
``settings_as_dict``. Bad values in the file are a ``ConfigError`` naming the key; bad values
from a person (``set_setting``) are ``InputInvalid`` with ``field`` = the dotted key.
"""

from __future__ import annotations

import dataclasses
import getpass
import logging
import math
import re
import socket
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pos_app.config.home import AppHome
from pos_app.core.errors import ConfigError, InputInvalid
from pos_app.core.files import write_atomic
from pos_app.core.messages import Message

logger = logging.getLogger(__name__)

Scalar = str | bool | int | float  # what a setting's value is in settings.toml

MODES = ("training", "production")
SIGN_TYPES = ("RSA2", "RSA")
SIGN_METHODS = ("md5", "hmac", "hmac-sha256")
SHOP_TYPES = ("INTERNAL_SHOP", "EXTERNAL_SHOP")
LANGUAGES = ("zh_CN", "en")
TERMINATORS = ("enter", "tab")
DEFAULT_IDLE_RESET_S = 30  # a result card goes back to 请扫码 after this long
MAX_OPERATOR_LEN = 32
DEFAULT_ALIPAY_GATEWAY = "https://openapi.alipay.com/gateway.do"
DEFAULT_TOP_GATEWAY = "https://eco.taobao.com/router/rest"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_ID_LEN = 32
_DIGITS = re.compile(r"[0-9]{1,32}")
_ALNUM = re.compile(r"[A-Za-z0-9]{1,32}")
_SHOP_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_TERMINAL_ID = re.compile(r"[A-Za-z0-9_-]{1,16}")


def default_terminal_id() -> str:
    """A short id from the host name: letters/digits/dash, upper case, at most 16 characters."""
    host = socket.gethostname().split(".", 1)[0]
    cleaned = re.sub(r"[^A-Za-z0-9-]", "", host).strip("-").upper()[:16]
    return cleaned or "POS1"


@dataclass(frozen=True, slots=True)
class ScannerSettings:
    min_chars: int = 6
    max_interval_ms: int = 50
    terminators: str = "enter,tab"
    affixes: str = ""

    @property
    def terminator_list(self) -> tuple[str, ...]:
        return split_list(self.terminators)

    @property
    def affix_list(self) -> tuple[str, ...]:
        return split_list(self.affixes)


@dataclass(frozen=True, slots=True)
class Settings:
    mode: str = "training"
    alipay_gateway: str = DEFAULT_ALIPAY_GATEWAY
    alipay_app_id: str = ""
    alipay_sign_type: str = "RSA2"
    top_gateway: str = DEFAULT_TOP_GATEWAY
    top_app_key: str = ""
    top_sign_method: str = "hmac-sha256"
    shop_id: str = ""
    shop_type: str = "INTERNAL_SHOP"
    timeout_s: float = 10.0
    terminal_id: str = field(default_factory=default_terminal_id)
    operator: str = ""  # who redeems at this till; "" = the OS user (``operator_name``)
    language: str = "zh_CN"
    idle_reset_s: int = DEFAULT_IDLE_RESET_S
    scanner: ScannerSettings = field(default_factory=ScannerSettings)
    sound_enabled: bool = True
    # The store database (docs/store.md); its password is the keyring secret store-db-password.
    store_database_url: str = ""
    # The business day (日结) starts at this local time; "00:00" = the calendar day (the default).
    report_day_cutoff: str = "00:00"
    # The receipt printer (docs/printers.md): "" = none; slips print only with an address.
    printer_uri: str = ""
    printer_width: int = 80
    printer_auto: bool = True

    @property
    def production(self) -> bool:
        return self.mode == "production"

    @property
    def operator_name(self) -> str:
        """Who the journal names as 核销人: the configured operator, else the OS user name
        (until cashiers sign in), never the till id."""
        return self.operator or default_operator()


def default_operator() -> str:
    try:
        name = getpass.getuser()
    except (OSError, KeyError, ImportError):  # no user name in the environment or passwd
        return ""
    return name.strip()[:MAX_OPERATOR_LEN]


def split_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


# --- per-key rules -------------------------------------------------------------------------------
# A rule turns the raw value (TOML value or typed-in text) into the stored value, or raises
# ValueError with a short English reason and the message code to report.


class _Bad(ValueError):
    def __init__(self, code: str, reason: str) -> None:
        self.code = code
        super().__init__(reason)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise _Bad("SETTING_INVALID", "must be text")
    text = unicodedata.normalize("NFKC", value).strip()
    if any(unicodedata.category(ch)[0] == "C" for ch in text):
        raise _Bad("SETTING_INVALID", "contains control characters")
    return text


def _choice(options: tuple[str, ...]) -> Callable[[object], str]:
    def rule(value: object) -> str:
        text = _text(value)
        for option in options:
            if text.lower() == option.lower():
                return option
        raise _Bad("SETTING_CHOICE", "must be one of " + ", ".join(options))

    return rule


def _pattern(regex: re.Pattern[str], what: str) -> Callable[[object], str]:
    def rule(value: object) -> str:
        text = _text(value)
        if text and not regex.fullmatch(text):
            raise _Bad("SETTING_INVALID", what)
        return text

    return rule


def _integer(low: int, high: int) -> Callable[[object], int]:
    def rule(value: object) -> int:
        if isinstance(value, bool):
            raise _Bad("SETTING_INVALID", "must be a whole number")
        if isinstance(value, str):
            text = _text(value)
            if not re.fullmatch(r"[0-9]+", text):
                raise _Bad("SETTING_INVALID", "must be a whole number")
            value = int(text)
        if not isinstance(value, int):
            raise _Bad("SETTING_INVALID", "must be a whole number")
        if not low <= value <= high:
            raise _Bad("SETTING_RANGE", f"must be {low}..{high}")
        return value

    return rule


def _seconds(low: float, high: float) -> Callable[[object], float]:
    def rule(value: object) -> float:
        if isinstance(value, bool):
            raise _Bad("SETTING_INVALID", "must be a number of seconds")
        if isinstance(value, str):
            try:
                value = float(_text(value))
            except ValueError:
                raise _Bad("SETTING_INVALID", "must be a number of seconds") from None
        if not isinstance(value, int | float) or math.isnan(value):
            raise _Bad("SETTING_INVALID", "must be a number of seconds")
        if not low <= value <= high:
            raise _Bad("SETTING_RANGE", f"must be {low:g}..{high:g} seconds")
        return float(value)

    return rule


def _boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower() if isinstance(value, str) else ""
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0"):
        return False
    raise _Bad("SETTING_INVALID", "must be true or false")


def _name(value: object) -> str:
    text = _text(value)
    if len(text) > MAX_OPERATOR_LEN:
        raise _Bad("SETTING_INVALID", f"must be at most {MAX_OPERATOR_LEN} characters")
    return text


def _url(value: object) -> str:
    text = _text(value)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _Bad("SETTING_URL", "must be an http(s) URL with a host")
    try:
        _ = parts.port
    except ValueError:
        raise _Bad("SETTING_URL", "has a bad port") from None
    return text


_DB_SCHEMES = ("postgresql", "postgres")
_SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


def _database_url(value: object) -> str:
    """``postgresql://user@host[:port]/db[?sslmode=...]`` or "" (no store database). A password
    in the URL is refused: it would sit in a plain file; it belongs in the keyring."""
    text = _text(value)
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in _DB_SCHEMES or not parts.hostname:
        raise _Bad("STORE_URL", "must be postgresql://user@host:port/database")
    if parts.password is not None:
        raise _Bad("STORE_URL_PASSWORD", "must not contain a password (use the keyring)")
    try:
        _ = parts.port
    except ValueError:
        raise _Bad("STORE_URL", "has a bad port") from None
    if not parts.username or not parts.path.strip("/") or "/" in parts.path.strip("/"):
        raise _Bad("STORE_URL", "must name the user and the database")
    query = [item.split("=", 1) for item in parts.query.split("&") if item]
    for item in query:
        if len(item) != 2 or item[0] != "sslmode" or item[1] not in _SSLMODES:
            raise _Bad("STORE_URL", "only ?sslmode=" + "|".join(_SSLMODES) + " may follow")
    if parts.fragment:
        raise _Bad("STORE_URL", "must be postgresql://user@host:port/database")
    return text


def _printer_uri(value: object) -> str:
    """A printer address (``core.receipt.parse_printer_uri``), kept as typed; "" = none."""
    from pos_app.core.receipt import parse_printer_uri  # here: the counter's start needs none

    text = _text(value)
    if not text:
        return ""
    try:
        parse_printer_uri(text)
    except InputInvalid as exc:
        raise _Bad("PRINTER_URI", exc.detail.removeprefix("printer.uri: ")) from None
    return text


def _paper_width(value: object) -> int:
    from pos_app.core.receipt import WIDTHS_MM

    width = _integer(0, 1000)(value)
    if width not in WIDTHS_MM:
        raise _Bad("SETTING_CHOICE", "must be 58 or 80 (mm)")
    return width


def _terminators(value: object) -> str:
    items = [item.lower() for item in split_list(_text(value))]
    bad = [item for item in items if item not in TERMINATORS]
    if bad:
        raise _Bad("SETTING_CHOICE", "terminators must be a comma list of enter, tab")
    return ",".join(dict.fromkeys(items))


def _affixes(value: object) -> str:
    items = split_list(_text(value))
    if any(len(item) > 16 for item in items):
        raise _Bad("SETTING_INVALID", "each affix is at most 16 characters")
    return ",".join(items)


_CUTOFF = re.compile(r"(0?[0-9]|1[01]):([0-5][0-9])")


def _day_cutoff(value: object) -> str:
    """A business-day cutoff such as 04:00 (a shop open past midnight); 00:00 = calendar day."""
    text = _text(value).strip() or "00:00"
    found = _CUTOFF.fullmatch(text)
    if not found:
        raise _Bad("BUSINESS_DAY_CUTOFF", "must be HH:MM between 00:00 and 11:59")
    return f"{int(found[1]):02d}:{found[2]}"


@dataclass(frozen=True, slots=True)
class _Key:
    dotted: str
    attr: str  # attribute of Settings, or "scanner.<attr>"
    rule: Callable[[object], Any]


_KEYS: tuple[_Key, ...] = (
    _Key("mode", "mode", _choice(MODES)),
    _Key("alipay.gateway", "alipay_gateway", _url),
    _Key("alipay.app_id", "alipay_app_id", _pattern(_DIGITS, "must be 1..32 digits")),
    _Key("alipay.sign_type", "alipay_sign_type", _choice(SIGN_TYPES)),
    _Key("top.gateway", "top_gateway", _url),
    _Key("top.app_key", "top_app_key", _pattern(_ALNUM, "must be 1..32 letters/digits")),
    _Key("top.sign_method", "top_sign_method", _choice(SIGN_METHODS)),
    _Key("shop.id", "shop_id", _pattern(_SHOP_ID, "must be 1..32 letters/digits/-/_")),
    _Key("shop.type", "shop_type", _choice(SHOP_TYPES)),
    _Key("network.timeout_s", "timeout_s", _seconds(1, 120)),
    _Key("terminal.id", "terminal_id", _pattern(_TERMINAL_ID, "must be 1..16 letters/digits/-/_")),
    _Key("terminal.operator", "operator", _name),
    _Key("ui.language", "language", _choice(LANGUAGES)),
    _Key("ui.idle_reset_s", "idle_reset_s", _integer(0, 3600)),
    _Key("scanner.min_chars", "scanner.min_chars", _integer(1, 64)),
    _Key("scanner.max_interval_ms", "scanner.max_interval_ms", _integer(5, 1000)),
    _Key("scanner.terminators", "scanner.terminators", _terminators),
    _Key("scanner.affixes", "scanner.affixes", _affixes),
    _Key("sound.enabled", "sound_enabled", _boolean),
    _Key("store.database_url", "store_database_url", _database_url),
    _Key("report.day_cutoff", "report_day_cutoff", _day_cutoff),
    _Key("printer.uri", "printer_uri", _printer_uri),
    _Key("printer.width", "printer_width", _paper_width),
    _Key("printer.auto", "printer_auto", _boolean),
)
_BY_NAME = {key.dotted: key for key in _KEYS}
SETTING_KEYS: tuple[str, ...] = tuple(key.dotted for key in _KEYS)
_TABLES = frozenset(key.dotted.split(".", 1)[0] for key in _KEYS if "." in key.dotted)


def _get(settings: Settings, key: _Key) -> Scalar:
    if key.attr.startswith("scanner."):
        value: Scalar = getattr(settings.scanner, key.attr.split(".", 1)[1])
    else:
        value = getattr(settings, key.attr)
    return value


def _with(settings: Settings, key: _Key, value: Any) -> Settings:
    if key.attr.startswith("scanner."):
        scanner = dataclasses.replace(settings.scanner, **{key.attr.split(".", 1)[1]: value})
        return dataclasses.replace(settings, scanner=scanner)
    if key.attr == "terminal_id" and not value:
        value = default_terminal_id()
    return dataclasses.replace(settings, **{key.attr: value})


# --- production rule -----------------------------------------------------------------------------


def _insecure_gateway(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "https":
        return False
    return not (parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS)


def validate_for_production(settings: Settings) -> None:
    """Production talks to gateways over HTTPS only (plain http only to this machine's loopback)."""
    for dotted in ("alipay.gateway", "top.gateway"):
        url = str(_get(settings, _BY_NAME[dotted]))
        if _insecure_gateway(url):
            raise ConfigError("GATEWAY_NOT_HTTPS", f"{dotted}: production needs https")


# --- public API ----------------------------------------------------------------------------------


def settings_as_dict(settings: Settings) -> dict[str, Scalar]:
    """Every setting by dotted key, in file order (for ``settings show``); none is secret."""
    return {key.dotted: _get(settings, key) for key in _KEYS}


def get_setting(settings: Settings, dotted_key: str) -> Scalar:
    key = _BY_NAME.get(dotted_key)
    if key is None:
        raise InputInvalid("SETTING_UNKNOWN", dotted_key, "no such setting")
    return _get(settings, key)


def set_setting(settings: Settings, dotted_key: str, value: str) -> Settings:
    """A copy of ``settings`` with one key changed, validated.

    Raises ``InputInvalid`` (field = dotted key) for an unknown key or a bad value, including a
    plain-http gateway while in production; switching ``mode`` to production runs
    ``validate_for_production`` (``ConfigError`` "GATEWAY_NOT_HTTPS").
    """
    key = _BY_NAME.get(dotted_key)
    if key is None:
        raise InputInvalid("SETTING_UNKNOWN", dotted_key, "no such setting")
    try:
        parsed = key.rule(value)
    except _Bad as bad:
        raise InputInvalid(bad.code, dotted_key, f"{dotted_key}: {bad}") from None
    updated = _with(settings, key, parsed)
    if updated.production and key.rule is _url and _insecure_gateway(str(parsed)):
        raise InputInvalid("GATEWAY_NOT_HTTPS", dotted_key, f"{dotted_key}: production needs https")
    if updated.production:
        validate_for_production(updated)
    return updated


def settings_from_document(document: dict[str, Any], *, source: str = "settings") -> Settings:
    """Settings from a parsed TOML document; ``ConfigError`` naming the first bad key."""
    settings = Settings()
    for name, value in document.items():
        if name in _TABLES and not isinstance(value, dict):
            raise ConfigError(
                "SETTINGS_INVALID",
                f"{source}: {name}: must be a [{name}] table",
                _bad_key_message(name, f"must be a [{name}] table"),
            )
        if isinstance(value, dict):
            for sub, sub_value in value.items():
                settings = _apply_loaded(settings, f"{name}.{sub}", sub_value, source)
        else:
            settings = _apply_loaded(settings, name, value, source)
    if settings.production:
        validate_for_production(settings)
    return settings


def _apply_loaded(settings: Settings, dotted: str, value: object, source: str) -> Settings:
    key = _BY_NAME.get(dotted)
    if key is None:
        logger.warning("%s: ignoring unknown setting %s", source, dotted)
        return settings
    try:
        parsed = key.rule(value)
    except _Bad as bad:
        raise ConfigError(
            "SETTINGS_INVALID", f"{source}: {dotted}: {bad}", _bad_key_message(dotted, str(bad))
        ) from None
    return _with(settings, key, parsed)


def _bad_key_message(dotted: str, reason: str) -> Message:
    return Message(
        f"设置文件中“{dotted}”的值不对（{reason}）。请店长在设置中改正。",
        f"The setting '{dotted}' in the settings file is wrong ({reason}). A manager must fix it.",
    )


def load_settings(home: AppHome) -> Settings:
    """The settings in ``home.config_file``; defaults when there is no file.

    Unreadable or invalid files are a ``ConfigError`` ("SETTINGS_UNREADABLE" / "SETTINGS_INVALID")
    that names the file and, for bad values, the key.
    """
    path = home.config_file
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        logger.info("no settings file at %s; using defaults", path)
        return Settings()
    except OSError as exc:
        raise ConfigError("SETTINGS_UNREADABLE", f"{path}: {exc.strerror}") from None
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError("SETTINGS_UNREADABLE", f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("SETTINGS_UNREADABLE", f"{path}: invalid TOML: {exc}") from None
    return settings_from_document(document, source=str(path))


def settings_document(settings: Settings) -> dict[str, Scalar | dict[str, Scalar]]:
    """The TOML document (top-level ``mode``, then one table per section)."""
    top: dict[str, Scalar] = {}
    tables: dict[str, dict[str, Scalar]] = {}
    for dotted, value in settings_as_dict(settings).items():
        if "." in dotted:
            table, name = dotted.split(".", 1)
            tables.setdefault(table, {})[name] = value
        else:
            top[dotted] = value
    return {**top, **tables}


def save_settings(home: AppHome, settings: Settings) -> None:
    """Write ``home.config_file`` crash-safely: temp file 0600, fsync, ``os.replace``, fsync dir."""
    import tomli_w  # here: only a save writes TOML

    text = "# pos_app settings (no secrets here: keys live in the OS keyring)\n"
    text += tomli_w.dumps(settings_document(settings))
    try:
        write_atomic(home.config_file, text.encode("utf-8"))
    except OSError as exc:
        raise ConfigError("SETTINGS_WRITE_FAILED", f"{home.config_file}: {exc.strerror}") from None
    logger.info("settings saved to %s", home.config_file)
