"""Settings: defaults, TOML round trip, per-key validation, crash-safe writes, the HTTPS rule."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest

from pos_app.config import settings as settings_mod
from pos_app.config.home import AppHome
from pos_app.config.settings import (
    DEFAULT_ALIPAY_GATEWAY,
    DEFAULT_TOP_GATEWAY,
    SETTING_KEYS,
    ScannerSettings,
    Settings,
    get_setting,
    load_settings,
    save_settings,
    set_setting,
    settings_as_dict,
    validate_for_production,
)
from pos_app.core.errors import ConfigError, InputInvalid
from pos_app.core.messages import known_codes


@pytest.fixture
def home(tmp_path: Path) -> AppHome:
    return AppHome(tmp_path / "home")


def _write(home: AppHome, text: str) -> None:
    home.config_file.write_text(text, encoding="utf-8")


# --- AppHome ---------------------------------------------------------------------------------


def test_explicit_home_holds_everything(tmp_path: Path) -> None:
    home = AppHome(tmp_path / "h", env={"POS_APP_HOME": str(tmp_path / "ignored")})
    root = (tmp_path / "h").resolve()
    assert home.root == root
    for path in (home.config_file, home.journal_file, home.pin_file):
        assert path.parent == root
    assert home.log_dir.parent == root
    assert home.sandbox_dir.parent == root
    assert home.config_file.name == "settings.toml"
    if os.name == "posix":
        for folder in (root, home.log_dir, home.sandbox_dir):
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_env_home_is_used_without_explicit(tmp_path: Path) -> None:
    home = AppHome(None, env={"POS_APP_HOME": str(tmp_path / "env")})
    assert home.root == (tmp_path / "env").resolve()
    assert home.explicit


def test_platform_dirs_without_explicit_or_env(monkeypatch: pytest.MonkeyPatch) -> None:
    home = AppHome(None, env={}, create=False)
    assert not home.explicit
    assert home.config_file.parent == home.config_dir
    assert "pos_app" in str(home.config_dir)
    assert "pos_app" in str(home.journal_file)


# --- defaults and round trip -------------------------------------------------------------------


def test_missing_file_gives_defaults(home: AppHome) -> None:
    s = load_settings(home)
    assert s.mode == "training"
    assert s.alipay_gateway == DEFAULT_ALIPAY_GATEWAY
    assert s.top_gateway == DEFAULT_TOP_GATEWAY
    assert s.alipay_sign_type == "RSA2"
    assert s.top_sign_method == "hmac-sha256"
    assert s.shop_type == "INTERNAL_SHOP"
    assert s.timeout_s == 10.0
    assert s.language == "zh_CN"
    assert s.scanner == ScannerSettings(6, 50, "enter,tab", "")
    assert s.sound_enabled is True
    assert s.terminal_id
    assert s.idle_reset_s == 30  # a result card goes back to 请扫码 after 30 s
    assert s.operator == ""
    assert not home.config_file.exists()


def test_round_trip(home: AppHome) -> None:
    s = Settings()
    for key, value in [
        ("alipay.app_id", "2021000123456789"),
        ("top.app_key", "12345678"),
        ("top.sign_method", "md5"),
        ("shop.id", "store-001"),
        ("shop.type", "EXTERNAL_SHOP"),
        ("network.timeout_s", "7.5"),
        ("terminal.id", "LANE-2"),
        ("ui.language", "en"),
        ("ui.idle_reset_s", "45"),
        ("terminal.operator", "收银员小李"),
        ("scanner.min_chars", "8"),
        ("scanner.max_interval_ms", "30"),
        ("scanner.terminators", "enter"),
        ("scanner.affixes", '#, "q\\, 前缀'),
        ("sound.enabled", "off"),
        ("alipay.sign_type", "rsa"),
        ("store.database_url", "postgresql://pos@10.0.0.5:5432/store?sslmode=require"),
        ("report.day_cutoff", "4:00"),
    ]:
        s = set_setting(s, key, value)
    save_settings(home, s)
    loaded = load_settings(home)
    assert loaded == s
    assert loaded.scanner.affix_list == ("#", '"q\\', "前缀")
    assert loaded.alipay_sign_type == "RSA"
    assert loaded.sound_enabled is False
    # The file is plain TOML with the documented tables.
    doc = tomllib.loads(home.config_file.read_text(encoding="utf-8"))
    assert doc["mode"] == "training"
    assert doc["alipay"]["app_id"] == "2021000123456789"
    assert doc["network"]["timeout_s"] == 7.5
    assert doc["sound"]["enabled"] is False
    assert set(doc) == {
        "mode",
        "alipay",
        "top",
        "shop",
        "network",
        "terminal",
        "ui",
        "scanner",
        "sound",
        "store",
        "report",
        "printer",
    }
    assert doc["printer"] == {"uri": "", "width": 80, "auto": True}
    assert doc["store"]["database_url"] == "postgresql://pos@10.0.0.5:5432/store?sslmode=require"


def test_settings_as_dict_has_every_key(home: AppHome) -> None:
    d = settings_as_dict(Settings(terminal_id="T1"))
    assert tuple(d) == SETTING_KEYS
    assert d["terminal.id"] == "T1"
    assert d["scanner.min_chars"] == 6
    assert get_setting(Settings(), "alipay.gateway") == DEFAULT_ALIPAY_GATEWAY


def test_partial_file_keeps_other_defaults(home: AppHome) -> None:
    _write(home, '[alipay]\napp_id = "2021"\n[network]\ntimeout_s = 30\n')
    s = load_settings(home)
    assert s.alipay_app_id == "2021"
    assert s.timeout_s == 30.0
    assert s.top_gateway == DEFAULT_TOP_GATEWAY


def test_unknown_keys_in_file_are_ignored(home: AppHome) -> None:
    _write(home, '[alipay]\nfuture_thing = 1\n[other]\nx = "y"\n')
    assert load_settings(home).alipay_app_id == ""


# --- invalid files -----------------------------------------------------------------------------


def test_invalid_toml_is_config_error(home: AppHome) -> None:
    _write(home, "[alipay\napp_id = 1\n")
    with pytest.raises(ConfigError) as info:
        load_settings(home)
    assert info.value.code == "SETTINGS_UNREADABLE"
    assert "invalid TOML" in info.value.detail
    assert str(home.config_file) in info.value.detail


def test_not_utf8_is_config_error(home: AppHome) -> None:
    home.config_file.write_bytes(b'mode = "\xff\xfe"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(home)
    assert info.value.code == "SETTINGS_UNREADABLE"


def test_unreadable_file_is_config_error(home: AppHome) -> None:
    home.config_file.mkdir()  # a folder where the file should be: reading fails with OSError
    with pytest.raises(ConfigError) as info:
        load_settings(home)
    assert info.value.code == "SETTINGS_UNREADABLE"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('mode = "live"\n', "mode"),
        ('[alipay]\ngateway = "ftp://x/"\n', "alipay.gateway"),
        ('[alipay]\napp_id = "20x1"\n', "alipay.app_id"),
        ('[alipay]\napp_id = "' + "1" * 33 + '"\n', "alipay.app_id"),
        ('[alipay]\nsign_type = "DSA"\n', "alipay.sign_type"),
        ('[top]\nsign_method = "sha1"\n', "top.sign_method"),
        ('[top]\napp_key = "a b"\n', "top.app_key"),
        ('[shop]\nid = "' + "s" * 33 + '"\n', "shop.id"),
        ('[shop]\ntype = "MALL"\n', "shop.type"),
        ("[network]\ntimeout_s = 0\n", "network.timeout_s"),
        ("[network]\ntimeout_s = 121\n", "network.timeout_s"),
        ("[network]\ntimeout_s = true\n", "network.timeout_s"),
        ('[network]\ntimeout_s = "fast"\n', "network.timeout_s"),
        ('[terminal]\nid = "a/b"\n', "terminal.id"),
        ('[ui]\nlanguage = "fr"\n', "ui.language"),
        ("[ui]\nidle_reset_s = 3601\n", "ui.idle_reset_s"),
        ("[ui]\nidle_reset_s = -1\n", "ui.idle_reset_s"),
        ('[terminal]\noperator = "' + "名" * 33 + '"\n', "terminal.operator"),
        ("[scanner]\nmin_chars = 0\n", "scanner.min_chars"),
        ("[scanner]\nmax_interval_ms = 1.5\n", "scanner.max_interval_ms"),
        ('[scanner]\nterminators = "enter,space"\n', "scanner.terminators"),
        ('[sound]\nenabled = "maybe"\n', "sound.enabled"),
        ("alipay = 3\n", "alipay"),
    ],
)
def test_bad_value_in_file_names_the_key(home: AppHome, text: str, key: str) -> None:
    _write(home, text)
    with pytest.raises(ConfigError) as info:
        load_settings(home)
    assert info.value.code == "SETTINGS_INVALID"
    assert f": {key}: " in info.value.detail
    assert key in info.value.zh
    assert key in info.value.en


# --- set_setting -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("alipay.app_id", "abc", "SETTING_INVALID"),
        ("alipay.app_id", "1" * 33, "SETTING_INVALID"),
        ("shop.id", "x" * 33, "SETTING_INVALID"),
        ("network.timeout_s", "0.5", "SETTING_RANGE"),
        ("network.timeout_s", "200", "SETTING_RANGE"),
        ("network.timeout_s", "ten", "SETTING_INVALID"),
        ("network.timeout_s", "nan", "SETTING_INVALID"),
        ("alipay.gateway", "openapi.alipay.com/gateway.do", "SETTING_URL"),
        ("top.gateway", "https:///router/rest", "SETTING_URL"),
        ("top.gateway", "https://host:99999/x", "SETTING_URL"),
        ("mode", "live", "SETTING_CHOICE"),
        ("shop.type", "MALL", "SETTING_CHOICE"),
        ("scanner.min_chars", "-1", "SETTING_INVALID"),
        ("scanner.max_interval_ms", "5000", "SETTING_RANGE"),
        ("scanner.affixes", "x" * 17, "SETTING_INVALID"),
        ("sound.enabled", "perhaps", "SETTING_INVALID"),
        ("shop.id", "store\x07", "SETTING_INVALID"),
        ("no.such", "1", "SETTING_UNKNOWN"),
    ],
)
def test_set_setting_refuses_bad_values(key: str, value: str, code: str) -> None:
    before = Settings()
    with pytest.raises(InputInvalid) as info:
        set_setting(before, key, value)
    assert info.value.code == code
    assert info.value.field == key
    assert code in known_codes()


def test_set_setting_normalises_and_returns_a_copy() -> None:
    before = Settings()
    after = set_setting(before, "alipay.app_id", " ２０２１ ")  # full-width digits from an IME
    assert after.alipay_app_id == "2021"
    assert before.alipay_app_id == ""
    assert set_setting(before, "shop.type", "external_shop").shop_type == "EXTERNAL_SHOP"
    assert set_setting(before, "network.timeout_s", "120").timeout_s == 120.0
    assert set_setting(before, "alipay.app_id", "").alipay_app_id == ""
    assert set_setting(before, "terminal.id", "").terminal_id  # back to the host-derived id
    with pytest.raises(AttributeError):
        after.mode = "production"  # type: ignore[misc]


# --- production HTTPS rule ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://openapi.alipay.com/gateway.do",
        "http://127.0.0.1:8080/gateway.do",
        "http://localhost/gateway.do",
        "http://[::1]:9000/router/rest",
    ],
)
def test_production_accepts_https_and_loopback(url: str) -> None:
    s = set_setting(Settings(), "alipay.gateway", url)
    s = set_setting(s, "mode", "production")
    validate_for_production(s)
    assert set_setting(s, "top.gateway", url).top_gateway == url


@pytest.mark.parametrize(
    "url",
    ["http://openapi.alipay.com/gateway.do", "http://10.0.0.5/gateway.do", "http://127.0.0.2/"],
)
def test_production_refuses_plain_http(url: str) -> None:
    training = set_setting(Settings(), "alipay.gateway", url)  # fine in training
    with pytest.raises(ConfigError) as info:
        set_setting(training, "mode", "production")
    assert info.value.code == "GATEWAY_NOT_HTTPS"
    assert "alipay.gateway" in info.value.detail
    production = set_setting(Settings(), "mode", "production")
    with pytest.raises(InputInvalid) as info2:
        set_setting(production, "top.gateway", url)
    assert info2.value.code == "GATEWAY_NOT_HTTPS"
    assert info2.value.field == "top.gateway"


def test_production_file_with_http_gateway_is_refused(home: AppHome) -> None:
    _write(home, 'mode = "production"\n[top]\ngateway = "http://eco.taobao.com/router/rest"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(home)
    assert info.value.code == "GATEWAY_NOT_HTTPS"
    assert "top.gateway" in info.value.detail


# --- crash-safe writes -------------------------------------------------------------------------


def test_saved_file_is_private_and_no_temp_left(home: AppHome) -> None:
    save_settings(home, Settings())
    save_settings(home, set_setting(Settings(), "shop.id", "S1"))
    if os.name == "posix":
        assert stat.S_IMODE(home.config_file.stat().st_mode) == 0o600
    assert sorted(p.name for p in home.config_dir.iterdir() if p.is_file()) == ["settings.toml"]


def test_interrupted_write_leaves_old_file(home: AppHome, monkeypatch: pytest.MonkeyPatch) -> None:
    save_settings(home, set_setting(Settings(), "shop.id", "OLD"))
    old = home.config_file.read_bytes()

    def boom(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(ConfigError) as info:
        save_settings(home, set_setting(Settings(), "shop.id", "NEW"))
    assert info.value.code == "SETTINGS_WRITE_FAILED"
    monkeypatch.undo()
    assert home.config_file.read_bytes() == old
    assert load_settings(home).shop_id == "OLD"
    assert [p.name for p in home.config_dir.iterdir() if p.is_file()] == ["settings.toml"]


def test_write_failure_before_replace_leaves_no_temp(
    home: AppHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_settings(home, Settings(shop_id="OLD"))

    def no_sync(fd: int) -> None:
        raise OSError(5, "I/O error")

    monkeypatch.setattr(os, "fsync", no_sync)
    with pytest.raises(ConfigError):
        save_settings(home, Settings(shop_id="NEW"))
    monkeypatch.undo()
    assert load_settings(home).shop_id == "OLD"
    assert [p.name for p in home.config_dir.iterdir() if p.is_file()] == ["settings.toml"]


def test_settings_module_never_mentions_secrets() -> None:
    names = " ".join(settings_as_dict(Settings()))
    for word in ("secret", "private", "session", "token", "password"):
        assert word not in names
    assert settings_mod.Settings.__dataclass_fields__.keys() >= {"mode", "scanner"}


def test_the_operator_name_is_the_configured_one_else_the_os_user(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "cashier1")
    assert Settings().operator_name == "cashier1"  # never the till id
    assert set_setting(Settings(), "terminal.operator", " 小李 ").operator_name == "小李"


def test_business_day_cutoff_is_off_by_default_and_checked() -> None:
    assert Settings().report_day_cutoff == "00:00"
    assert set_setting(Settings(), "report.day_cutoff", "04:30").report_day_cutoff == "04:30"
    for bad in ("12:00", "4", "25:00", "04:60", "morning"):
        with pytest.raises(InputInvalid) as caught:
            set_setting(Settings(), "report.day_cutoff", bad)
        assert caught.value.code == "BUSINESS_DAY_CUTOFF"
        assert "HH:MM" in caught.value.en and "营业日" in caught.value.zh
