"""`pos-app cashier add|list|disable` in real subprocesses with the real keyring (test_cli's
production terminal): the manager PIN gates changes, PINs and the list stay in the keyring."""

from __future__ import annotations

import json

import pytest
from test_cli import Terminal, terminal  # noqa: F401 - the fixture

pytestmark = pytest.mark.keyring


def test_cashiers_are_added_listed_and_disabled_behind_the_manager_pin(
    terminal: Terminal,  # noqa: F811
) -> None:
    done = terminal.run("cashier", "add", "小李", stdin="2468\n1357\n")
    assert done.returncode == 0, done.stderr
    listing = terminal.run("cashier", "list", "--json")
    assert json.loads(listing.stdout) == [{"name": "小李", "active": True}]
    wrong = terminal.run("cashier", "add", "小王", stdin="0000\n1357\n")
    assert wrong.returncode == 4 and "店长密码不正确" in wrong.stderr
    short = terminal.run("cashier", "add", "小王", stdin="2468\n12\n")
    assert short.returncode == 2 and "4 到 6 位数字" in short.stderr
    dup = terminal.run("cashier", "add", "小李", stdin="2468\n9999\n")
    assert dup.returncode == 2 and "同名" in dup.stderr
    assert terminal.run("cashier", "disable", "小李", stdin="2468\n").returncode == 0
    listing = terminal.run("cashier", "list", "--json")
    assert json.loads(listing.stdout) == [{"name": "小李", "active": False}]
    # Nothing of the verifier is in the app's folder (only in the keyring); the audit names who.
    for path in terminal.home.rglob("*"):
        if path.is_file():
            assert b"scrypt" not in path.read_bytes()
    audit = terminal.run("journal").stdout
    assert "cashier-add" in audit and "cashier-disable" in audit
