"""``store.database_url`` and the ``store-db-password`` secret."""

from __future__ import annotations

import pytest

from pos_app.config.settings import Settings, set_setting
from pos_app.core.errors import InputInvalid
from pos_app.core.messages import message_for
from pos_app.journal.postgres import conninfo_from_url
from pos_app.secrets.store import SECRET_NAMES


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://pos@10.0.0.5:5432/store",
        "postgres://pos@db.local/store?sslmode=verify-full",
        "",
    ],
)
def test_store_url_accepted(url: str) -> None:
    assert set_setting(Settings(), "store.database_url", url).store_database_url == url


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("postgresql://pos:secret@10.0.0.5/store", "STORE_URL_PASSWORD"),
        ("http://pos@10.0.0.5/store", "STORE_URL"),
        ("postgresql://10.0.0.5/store", "STORE_URL"),
        ("postgresql://pos@10.0.0.5/", "STORE_URL"),
        ("postgresql://pos@10.0.0.5/store?sslmode=bogus", "STORE_URL"),
        ("postgresql://pos@10.0.0.5/store?password=x", "STORE_URL"),
        ("postgresql://pos@10.0.0.5:99999/store", "STORE_URL"),
    ],
)
def test_store_url_refused_with_a_clear_message(url: str, code: str) -> None:
    with pytest.raises(InputInvalid) as refused:
        set_setting(Settings(), "store.database_url", url)
    assert refused.value.code == code
    assert refused.value.field == "store.database_url"
    assert "secret" not in str(refused.value)  # the password is never echoed
    assert "store" in message_for(code).en.lower() and message_for(code).zh


def test_default_is_no_store_database() -> None:
    assert Settings().store_database_url == ""


def test_password_is_a_keyring_secret_and_goes_into_conninfo_only() -> None:
    assert "store-db-password" in SECRET_NAMES
    info = conninfo_from_url("postgresql://pos@db:6000/store?sslmode=require", "p4ss")
    assert "password=p4ss" in info and "port=6000" in info and "sslmode=require" in info
    assert "password" not in conninfo_from_url("postgresql://pos@db/store")
