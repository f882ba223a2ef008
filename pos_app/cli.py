"""``pos-app``: the GUI by default, and commands for scripting, support and tests.

Exit status: 0 success (idempotent repeats included), 1 definite failure, 2 bad input / usage /
settings, 3 outcome unknown (kept and retried), 4 refused (PIN).
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from pos_app import __version__, cli_shift
from pos_app.config.home import AppHome, HomeUnusable
from pos_app.core.codes import (
    mask_code,
    reversal_order_no,
    validate_reason,
    validate_request_id,
)
from pos_app.core.errors import (
    ConfigError,
    GatewayRejected,
    InputInvalid,
    JournalError,
    OutcomeUnknown,
    PinRefused,
    PosError,
)
from pos_app.core.journal import Operation, OpState
from pos_app.core.models import CodeType, VoucherInfo
from pos_app.core.service import AlreadyRedeemedHere, OpOutcome
from pos_app.logsetup import flush_logging, setup_logging

if TYPE_CHECKING:
    from pos_app.core.pin import ManagerPins
    from pos_app.core.secret_store import SecretStore

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_UNKNOWN, EXIT_REFUSED = 0, 1, 2, 3, 4
# Typed to confirm `manager reset-pin`: long enough that nobody types it by accident.
RESET_PHRASE = "WIPE KEYS AND PIN"
# Errors whose detail says which folder, file or key (never a value) the message is about.
_DETAIL_SHOWN = frozenset(
    {"HOME_UNUSABLE", "JOURNAL_EMPTY", "JOURNAL_ERROR", "KEY_FILE_UNREADABLE", "SECRET_MISSING"}
)
# A key file is a few KiB; reading more than this would let /dev/zero exhaust memory.
MAX_KEY_FILE_BYTES = 64 * 1024
# One scanned or typed code per line on stdin (``redeem -``); longer is not a code.
MAX_CODE_LINE_BYTES = 4096


class CliError(Exception):
    def __init__(self, status: int, code: str, message: str):
        self.status = status
        self.code = code
        super().__init__(message)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # usage errors exit 2, as the table says
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"{self.prog}: error: {message}\n")


def _code_type(value: str) -> CodeType:
    try:
        return {"internal": CodeType.INTERNAL, "external": CodeType.EXTERNAL}[value]
    except KeyError:
        raise argparse.ArgumentTypeError("internal or external") from None


def _add_manager_parser(sub: Any) -> None:
    mg = sub.add_parser("manager", help="manager PIN")
    mg_sub = mg.add_subparsers(dest="action", required=True, parser_class=_Parser)
    mg_sub.add_parser("set-pin", help="set the PIN; changing it needs the current PIN")
    mg_sub.add_parser(
        "reset-pin", help="forgotten PIN: wipe the PIN and every gateway key from the keyring"
    )


def _add_manager_commands(sub: Any) -> None:
    """`reverse` and `sync`: the manager's money commands (they ask for the PIN)."""
    rv = sub.add_parser("reverse", help="reverse a redemption by its request id (manager)")
    rv.add_argument("request_id")
    rv.add_argument("--reason", required=True)
    rv.add_argument(
        "--order-no", default="", help="Koubei order no, when the redemption's row has none"
    )
    rv.add_argument("--json", action="store_true")
    sy = sub.add_parser("sync", help="set the remaining uses of a code (manager)")
    sy.add_argument("code")
    sy.add_argument("--remaining", required=True)
    sy.add_argument("--order-no", default="")
    sy.add_argument("--code-type", type=_code_type)
    sy.add_argument("--json", action="store_true")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="pos-app", description="口碑券核销收银台 / Koubei voucher counter app")
    p.add_argument("--home", help="folder for settings, journal and logs (or POS_APP_HOME)")
    p.add_argument("--verbose", "-v", action="store_true", help="log to stderr too")
    p.add_argument("--version", action="version", version=f"pos-app {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    sub.add_parser("gui", help="start the counter app (default)")
    sb = sub.add_parser("sandbox", help="run the local gateway simulator in the foreground")
    sb.add_argument("--host", default="127.0.0.1")
    sb.add_argument("--port", type=int, default=8765)
    sb.add_argument("--fault", action="append", default=[], help="KIND[:API[:TIMES[:DELAY]]]")
    st = sub.add_parser("settings", help="show or change settings")
    st_sub = st.add_subparsers(dest="action", required=True, parser_class=_Parser)
    st_sub.add_parser("show")
    st_set = st_sub.add_parser("set")
    st_set.add_argument("key")
    st_set.add_argument("value")
    ks = sub.add_parser("keys", help="import keys into the OS keyring, or show which are there")
    ks_sub = ks.add_subparsers(dest="action", required=True, parser_class=_Parser)
    ks_imp = ks_sub.add_parser("import")
    ks_imp.add_argument("name")
    ks_imp.add_argument("file", nargs="?", default="-")
    ks_sub.add_parser("status")
    _add_manager_parser(sub)
    _add_redeem_parser(sub)
    _add_lookup_parser(sub)
    _add_manager_commands(sub)
    jr = sub.add_parser("journal", help="list the undo log")
    jr.add_argument("--date", type=date.fromisoformat, default=None)
    jr.add_argument("--state", choices=[s.value for s in OpState])
    jr.add_argument("--json", action="store_true")
    jr.add_argument(
        "--store", action="store_true", help="every till's rows, from the store database"
    )
    jr.add_argument(
        "--from", dest="from_file", metavar="FILE", help="read an archive file (every day in it)"
    )
    jr_sub = jr.add_subparsers(dest="journal_action")
    ar = jr_sub.add_parser("archive", help="move settled rows before a date to FILE (manager)")
    ar.add_argument("--before", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD")
    ar.add_argument("file")
    _add_review_parser(sub)
    _add_store_parser(sub)
    cli_shift.add_parsers(sub, _Parser)
    _add_printer_parsers(sub)
    rc = sub.add_parser("recover", help="settle every open operation now")
    rc.add_argument("--json", action="store_true")
    sub.add_parser("doctor", help="check keyring, settings, keys, gateways and clock")
    sub.add_parser("self-check", help="check this install (keyring, zh_CN, demo)").add_argument(
        "--require-keyring", action="store_true", help="fail if no OS keyring"
    )
    return p


def _add_redeem_parser(sub: Any) -> None:
    rd = sub.add_parser("redeem", help="redeem a voucher code")
    rd.add_argument("code")
    rd.add_argument("--quantity", default="1")
    rd.add_argument("--code-type", type=_code_type)
    rd.add_argument("--again", action="store_true", help="redeem although redeemed here before")
    rd.add_argument("--ticket-id", default="", help="凭证ID: required for third-party codes")
    rd.add_argument("--operator", default="cli")
    rd.add_argument("--json", action="store_true")


def _add_lookup_parser(sub: Any) -> None:
    lk = sub.add_parser("lookup", help="look a 12-digit voucher code up (read-only)")
    lk.add_argument("code", help="the code, or - to read it from the first line of stdin")
    lk.add_argument("--json", action="store_true")


def _add_store_parser(sub: Any) -> None:
    sr = sub.add_parser("store", help="replication to the store database (PostgreSQL)")
    sr_sub = sr.add_subparsers(dest="action", required=True, parser_class=_Parser)
    for action, text in (("status", "is it reachable, what waits"), ("push", "push every row now")):
        sr_sub.add_parser(action, help=text).add_argument("--json", action="store_true")


def _add_printer_parsers(sub: Any) -> None:
    """`print-test` and `receipt`: the receipt printer (docs/printers.md)."""
    pt = sub.add_parser("print-test", help="print a 打印测试 page on the receipt printer")
    rc = sub.add_parser("receipt", help="print a redemption's or reversal's slip again")
    rc.add_argument("request_id")
    for parser in (pt, rc):
        parser.add_argument("--printer", default="", help="tcp://HOST:9100, usb://VID:PID, …")
        parser.add_argument("--width", type=int, choices=[58, 80], help="paper width in mm")


def _add_review_parser(sub: Any) -> None:
    rw = sub.add_parser("review", help="decide an operation that needs review (manager)")
    rw.add_argument("request_id")
    rw.add_argument("--resolve", required=True, choices=["succeeded", "failed"])
    rw.add_argument("--reason", required=True)
    rw.add_argument("--json", action="store_true")


# ---------------------------------------------------------------------------- output


def _op_dict(op: Operation) -> dict[str, Any]:
    return {
        "id": op.id,
        "kind": op.kind.value,
        "state": op.state.value,
        "request_id": op.request_id,
        "code": mask_code(op.code),
        "code_type": op.code_type,
        "quantity": op.quantity,
        "order_no": op.order_no,
        "item_name": op.item_name,
        "amount": None if op.amount is None else str(op.amount),
        "created_at": op.created_at.isoformat(),
        "operator": op.operator,
        "manager": op.manager,
        "reason": op.reason,
        "error_code": op.error_code,
        "attempts": op.attempts,
        "reversed_by": op.reversed_by,
        "parent_id": op.parent_id,
    }


def _status_of(outcome: OpOutcome) -> int:
    return {
        OpState.SUCCEEDED: EXIT_OK,
        OpState.FAILED: EXIT_FAILED,
    }.get(outcome.state, EXIT_UNKNOWN)


def _report(outcome: OpOutcome, as_json: bool) -> int:
    op = outcome.operation
    text = outcome.message.zh if outcome.message else _success_text(outcome)
    if as_json:
        body = _op_dict(op) | {"message": text, "message_en": _en(outcome)}
        # The answer echoes the code in full; like "code" above it leaves masked.
        result = op.result
        body["result"] = {k: mask_code(v) if k == "ticket_code" else v for k, v in result.items()}
        print(json.dumps(body, ensure_ascii=False))
    else:
        head = f"{op.state.value} {op.kind.value} {mask_code(op.code)} ×{op.quantity}"
        print(f"{head} [{op.request_id}]")
        print(text)
        if op.item_name or op.amount is not None:
            print(f"  {op.item_name}  {'' if op.amount is None else f'¥{op.amount}'}")
    return _status_of(outcome)


def _success_text(outcome: OpOutcome) -> str:
    return {"REDEEM": "核销成功", "REVERSE": "撤销成功", "SYNC": "同步成功"}[
        outcome.operation.kind.value
    ]


def _en(outcome: OpOutcome) -> str:
    if outcome.message:
        return outcome.message.en
    return {"REDEEM": "Redeemed", "REVERSE": "Reversed", "SYNC": "Synced"}[
        outcome.operation.kind.value
    ]


def _fail(exc: PosError, as_json: bool = False) -> int:
    status = EXIT_REFUSED if isinstance(exc, PinRefused) else EXIT_INPUT
    if as_json:
        print(
            json.dumps(
                {"state": "REFUSED", "code": exc.code, "message": exc.zh, "message_en": exc.en},
                ensure_ascii=False,
            )
        )
    print(f"错误 {exc.code}: {exc.zh}\n{exc.en}", file=sys.stderr)
    if exc.code in _DETAIL_SHOWN and exc.detail:
        print(f"  ({exc.detail})", file=sys.stderr)
    return status


def _cli_user() -> str:
    return f"cli:{getpass.getuser()}"


def _audit(home: AppHome, action: str, detail: str, actor: str = "") -> None:
    """Manager actions outside an operation go to the journal's audit trail."""
    from pos_app.config.settings import load_settings
    from pos_app.runtime import open_journal

    with open_journal(home, load_settings(home).mode) as journal:
        journal.audit(actor or _cli_user(), action, detail)


def _read_pin(prompt: str = "店长密码 / manager PIN: ") -> str:
    """A terminal is asked (no echo); otherwise the next line of standard input is the PIN."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    # One line from the byte stream, not the text wrapper: the wrapper would read ahead and keep
    # what follows (the key of `keys import NAME -`) in its own buffer.
    line = sys.stdin.buffer.readline(1024)
    return line.decode("utf-8", errors="replace").strip()


def _open_store_or_none() -> SecretStore | None:
    """The keyring, or ``None`` when there is none (PIN checks then refuse: fail closed)."""
    from pos_app.secrets.store import open_secret_store

    try:
        return open_secret_store()
    except ConfigError as exc:
        logger.warning("no usable keyring: %s", exc.code)
        return None


def _manager_gate(home: AppHome, pins: ManagerPins, what: str) -> str:
    """Once a manager PIN exists, ``what`` needs it: the audit actor ("<manager> (cli:<user>)").

    Every refusal (wrong, missing, locked, no keyring, damaged record) is audited and raised, so
    the command exits 4 before it changes anything.
    """
    try:
        if not pins.is_set():
            return _cli_user()
        manager = pins.verify(_read_pin("当前店长密码 / current manager PIN: "))
    except PinRefused as exc:
        checked = "PIN checked" if getattr(exc, "checked", False) else "PIN not checked"
        _audit(home, "pin-refused", f"{what}: {exc.code} ({checked})")
        raise
    return f"{manager} ({_cli_user()})"


# ---------------------------------------------------------------------------- commands


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = _COMMANDS[args.command or "gui"]
    try:
        return handler(args, _open_home(args))
    except AlreadyRedeemedHere as exc:
        prev = exc.previous
        print(
            f"{exc.zh}\n  {prev.created_at.astimezone():%Y-%m-%d %H:%M:%S} "
            f"{prev.terminal or '-'} {prev.operator or '-'} [{prev.request_id}]"
            "  (--again 可再次核销)",
            file=sys.stderr,
        )
        return EXIT_INPUT
    except PosError as exc:
        return _fail(exc, getattr(args, "json", False))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`… | head`). What was done is journaled; only the printing
        # stopped. Quiet, with the shell's status for a process ended by SIGPIPE (128 + 13).
        _silence_stdout()
        return 141
    finally:
        flush_logging()  # the command's warnings are out before it returns


def _silence_stdout() -> None:
    """Point stdout at the null device, so Python's flush at exit does not fail again."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _open_home(args: argparse.Namespace) -> AppHome:
    """The app's folders and its log file, or ``HomeUnusable`` (exit 2) saying which folder and
    why — checked before anything else, so a bad ``--home`` never ends in a traceback."""
    home = AppHome(args.home)
    try:
        setup_logging(home.log_dir, verbose=args.verbose)
    except OSError as exc:
        raise HomeUnusable(detail=f"{home.log_dir}: {exc.strerror or exc}") from None
    return home


Command = Callable[[argparse.Namespace, Any], int]


def _with_runtime(
    *, gateways: bool = True, replicate: bool = True
) -> Callable[[Command], Callable[..., int]]:
    """Run a command with a Runtime. ``gateways=False``: it only reads the journal, so no
    training simulator is started (the open GUI may be holding it). ``replicate=False``: no
    background replicator (the store commands push or read themselves)."""

    def wrap(fn: Command) -> Callable[..., int]:
        def run(args: argparse.Namespace, home: AppHome) -> int:
            from pos_app.runtime import Runtime

            runtime = Runtime.open(home, start_simulator=gateways, replicate=replicate)
            try:
                return fn(args, runtime)
            finally:
                runtime.close()

        return run

    return wrap


def _cmd_gui(args: argparse.Namespace, home: AppHome) -> int:
    try:
        from pos_app.app import run_gui
    except ImportError as exc:
        print(f"GUI unavailable: {exc}", file=sys.stderr)
        return EXIT_INPUT
    return run_gui(home)


def _cmd_sandbox(args: argparse.Namespace, home: AppHome) -> int:
    from pos_app.sandbox.cli import run_sandbox

    return run_sandbox(args.host, args.port, home.sandbox_dir, list(args.fault))


def _cmd_settings(args: argparse.Namespace, home: AppHome) -> int:
    from pos_app.config.settings import load_settings, save_settings, set_setting, settings_as_dict

    settings = load_settings(home)
    if args.action == "set":
        from pos_app.runtime import (
            check_mode_switch,
            manager_pins,
            open_journal,
            settings_changes,
        )

        pins = manager_pins(home, _open_store_or_none())
        actor = _manager_gate(home, pins, f"settings set {args.key}")
        updated = set_setting(settings, args.key, args.value)
        if updated.mode != settings.mode:
            with open_journal(home, settings.mode) as journal:
                check_mode_switch(journal, settings.mode, updated.mode)
        save_settings(home, updated)
        _audit(home, "settings", settings_changes(settings, updated), actor)
        settings = updated
    for key, value in settings_as_dict(settings).items():
        print(f"{key} = {value}")
    return EXIT_OK


def _cmd_keys(args: argparse.Namespace, home: AppHome) -> int:
    from pos_app.core.secret_store import SECRET_NAMES
    from pos_app.runtime import manager_pins
    from pos_app.secrets.store import import_secret, open_secret_store, status

    store = open_secret_store()
    if args.action == "status":
        print(f"keyring: {store.backend_name}")
        present = status(store)
        for name in SECRET_NAMES:
            print(f"  {name}: {'present' if present.get(name) else 'missing'}")
        return EXIT_OK
    if args.name not in SECRET_NAMES:
        raise InputInvalid("FIELD_INVALID", "name", f"one of {', '.join(SECRET_NAMES)}")
    # From stdin ("-"), the PIN is the first line and the key the rest.
    actor = _manager_gate(home, manager_pins(home, store), f"keys import {args.name}")
    text = _read_key_text(args.file)
    summary = import_secret(store, args.name, text.strip())
    _audit(home, "key-import", f"{args.name}: {summary}", actor)
    print(f"{args.name}: stored in {store.backend_name} ({summary})")
    return EXIT_OK


def _read_key_text(source: str) -> str:
    """A key's text from a file or stdin (``-``): at most ``MAX_KEY_FILE_BYTES``, UTF-8 (a
    byte-order mark from Notepad is dropped)."""
    try:
        if source == "-":
            data = sys.stdin.buffer.read(MAX_KEY_FILE_BYTES + 1)
        else:
            with open(source, "rb") as fh:
                data = fh.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise ConfigError("KEY_FILE_UNREADABLE", f"{source}: {exc.strerror or exc}") from None
    if len(data) > MAX_KEY_FILE_BYTES:
        raise InputInvalid("KEY_FILE_TOO_LARGE", "file", f"more than {MAX_KEY_FILE_BYTES} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputInvalid("KEY_FILE_ENCODING", "file", "not UTF-8 text") from None


def _cmd_manager(args: argparse.Namespace, home: AppHome) -> int:
    from pos_app.runtime import manager_pins

    if args.action == "reset-pin":
        return _reset_pin(home)
    pins = manager_pins(home, _open_store_or_none())
    actor = _manager_gate(home, pins, "manager set-pin")  # the current PIN is the first line
    name = pins.manager() or "manager"  # a changed PIN keeps its manager's name
    pin = _read_pin("新店长密码 / new manager PIN: ")
    if sys.stdin.isatty() and getpass.getpass("再输一次 / again: ") != pin:
        print("两次输入不一致 / the PINs differ", file=sys.stderr)
        return EXIT_INPUT
    pins.set_pin(pin, manager=name)
    _audit(home, "pin-set", "manager PIN set from the command line", actor)
    print("店长密码已设置 / manager PIN set")
    return EXIT_OK


def _reset_pin(home: AppHome) -> int:
    """The way back from a forgotten PIN (or a damaged record). It wipes every gateway key first
    (then the PIN), so whoever resets the PIN cannot use the old keys: a manager must import the
    keys again from the merchant's accounts and set a new PIN."""
    from pos_app.runtime import manager_pins
    from pos_app.secrets.store import open_secret_store, wipe_secrets

    store = open_secret_store()
    print(
        "这将删除店长密码和系统密钥库中的全部网关密钥（之后须重新导入密钥、设置新密码）。\n"
        "This deletes the manager PIN and every gateway key in the OS keyring (import the keys"
        " and set a new PIN afterwards).",
        file=sys.stderr,
    )
    prompt = f"输入 {RESET_PHRASE} 以确认 / type {RESET_PHRASE} to confirm: "
    typed = input(prompt) if sys.stdin.isatty() else sys.stdin.readline()
    if typed.strip() != RESET_PHRASE:
        _audit(home, "pin-reset-refused", "the confirmation phrase did not match")
        raise PinRefused("RESET_NOT_CONFIRMED")
    wipe_secrets(store)
    manager_pins(home, store).reset()
    _audit(home, "pin-reset", "manager PIN and all gateway keys wiped from the keyring")
    print("店长密码和网关密钥已清除 / manager PIN and gateway keys wiped")
    return EXIT_OK


@_with_runtime()
def _cmd_redeem(args: argparse.Namespace, runtime: Any) -> int:
    outcome = runtime.service.redeem(
        _code_argument(args.code),
        args.quantity,
        code_type=args.code_type,
        operator=args.operator,
        again=args.again,
        ticket_id=args.ticket_id,
    )
    return _report(outcome, args.json)


def _code_argument(value: str) -> str:
    """``-`` reads the code from the first line of stdin, so a full code never shows in ``ps``.
    Bytes that are not UTF-8 become U+FFFD, which the code rules then refuse by name."""
    if value != "-":
        return value
    line = sys.stdin.buffer.readline(MAX_CODE_LINE_BYTES + 1)
    if len(line) > MAX_CODE_LINE_BYTES:
        raise InputInvalid("CODE_FORMAT", "ticket_code", "the line on stdin is too long")
    return line.decode("utf-8", errors="replace")


@_with_runtime()
def _cmd_lookup(args: argparse.Namespace, runtime: Any) -> int:
    """Read-only: 0 answered, 1 a definite "no" (e.g. no such code), 3 an answer that could not
    be trusted (unsigned, tampered, timeout), 2 bad input. Nothing is journaled."""
    try:
        info = runtime.service.lookup(_code_argument(args.code))
    except (GatewayRejected, OutcomeUnknown) as exc:
        unknown = isinstance(exc, OutcomeUnknown)
        if args.json:
            state = "UNKNOWN" if unknown else "FAILED"
            body = {"state": state, "code": exc.code, "message": exc.zh, "message_en": exc.en}
            print(json.dumps(body, ensure_ascii=False))
        print(f"查询失败 {exc.code}: {exc.zh}\n{exc.en}", file=sys.stderr)
        return EXIT_UNKNOWN if unknown else EXIT_FAILED
    if args.json:
        print(json.dumps(_lookup_dict(info), ensure_ascii=False))
    else:
        _print_lookup(info)
    return EXIT_OK


def _lookup_dict(info: VoucherInfo) -> dict[str, Any]:
    """The lookup as the ``--json`` keys promise: absent fields are null, the code masked."""

    def text(value: str) -> str | None:
        return value or None

    def money(value: Any) -> str | None:
        return None if value is None else str(value)

    return {
        "ticket_code": mask_code(info.ticket_code),
        "status": text(info.status),
        "status_desc": text(info.status_desc),
        "item_name": text(info.item_name),
        "order_no": text(info.order_no),
        "original_price": money(info.original_price),
        "current_price": money(info.current_price),
        "effect_date": text(info.effect_date),
        "expire_date": text(info.expire_date),
        "total_quantity": info.total_quantity,
        "available_quantity": info.available_quantity,
        "uses": [
            {"type": text(u.trans_type), "quantity": u.quantity, "time": text(u.time)}
            for u in info.uses
        ],
    }


def _print_lookup(info: VoucherInfo) -> None:
    shown = _lookup_dict(info)
    print(f"{shown['ticket_code']}  {info.status or '-'} {info.status_desc}")
    for key in ("item_name", "order_no", "current_price", "effect_date", "expire_date"):
        if shown[key] is not None:
            print(f"  {key}: {shown[key]}")
    if info.total_quantity is not None:
        print(f"  available/total: {info.available_quantity}/{info.total_quantity}")
    for use in shown["uses"]:
        print(f"  {use['time'] or '-'}  {use['type'] or '-'} ×{use['quantity'] or '-'}")


@_with_runtime()
def _cmd_reverse(args: argparse.Namespace, runtime: Any) -> int:
    request_id = validate_request_id(args.request_id)  # before it is looked up in the journal
    rows = [op for op in runtime.service.find_request(request_id) if op.kind.value == "REDEEM"]
    # Not this till's: another till's redemption, found in the store database (issue #10).
    row = rows[0] if rows else runtime.service.find_store_redemption(request_id)
    # Checked before the PIN is asked, so a missing or malformed order no costs no PIN attempt.
    reversal_order_no(args.order_no, known=row.order_no, code_type=CodeType(row.code_type))
    manager = runtime.pins.verify(_read_pin())
    if rows:
        outcome = runtime.service.reverse(
            row.id, reason=args.reason, manager=manager, order_no=args.order_no
        )
    else:
        outcome = runtime.service.reverse_remote(
            row, reason=args.reason, manager=manager, order_no=args.order_no
        )
    return _report(outcome, args.json)


@_with_runtime()
def _cmd_sync(args: argparse.Namespace, runtime: Any) -> int:
    manager = runtime.pins.verify(_read_pin())
    outcome = runtime.service.sync(
        args.code,
        args.remaining,
        order_no=args.order_no,
        code_type=args.code_type,
        manager=manager,
    )
    return _report(outcome, args.json)


@_with_runtime(gateways=False)
def _cmd_review(args: argparse.Namespace, runtime: Any) -> int:
    """A manager's decision on a REVIEW row. Sends nothing: the journal records who and why."""
    found = runtime.service.find_request(args.request_id)
    rows = [op for op in found if op.state is OpState.REVIEW]
    if not rows:
        raise InputInvalid("FIELD_INVALID", "request_id", "no operation in review with that id")
    reason = validate_reason(args.reason)  # bad input is refused before the PIN is asked
    manager = runtime.pins.verify(_read_pin())
    resolution = OpState.SUCCEEDED if args.resolve == "succeeded" else OpState.FAILED
    op = runtime.service.resolve_review(rows[0].id, resolution, reason=reason, manager=manager)
    text = "已确认：顾客已消费" if resolution is OpState.SUCCEEDED else "已确认：未核销"
    if args.json:
        print(json.dumps(_op_dict(op) | {"message": text}, ensure_ascii=False))
    else:
        print(f"{op.state.value} {op.kind.value} {mask_code(op.code)} [{op.request_id}]\n{text}")
    return EXIT_OK


def _cmd_journal(args: argparse.Namespace, home: AppHome) -> int:
    if args.journal_action == "archive":
        return _journal_archive(args, home)
    if args.from_file is not None:
        return _journal_from(args)
    return _journal_live(args, home)


@_with_runtime(gateways=False, replicate=False)
def _journal_live(args: argparse.Namespace, runtime: Any) -> int:
    day = args.date or date.today()
    states = frozenset({OpState(args.state)}) if args.state else None
    if args.store:
        from pos_app.store.commands import store_journal

        return store_journal(runtime, day, states, as_json=args.json, row=_op_dict)
    return _print_journal(runtime.journal, [day], states, as_json=args.json)


def _journal_from(args: argparse.Namespace) -> int:
    """``journal --from FILE``: an archive's rows (``--date``: that day only), read as they were."""
    from pos_app.journal.sqlite import SqliteJournal

    path = Path(args.from_file)
    if not path.is_file():
        raise InputInvalid("ARCHIVE_NOT_FOUND", "file", str(path))
    try:
        archive = SqliteJournal(path)
    except JournalError as exc:
        raise InputInvalid("ARCHIVE_UNREADABLE", "file", exc.detail) from exc
    with archive:
        days = [args.date] if args.date else archive.days()
        states = frozenset({OpState(args.state)}) if args.state else None
        return _print_journal(archive, days, states, as_json=args.json)


@_with_runtime(gateways=False, replicate=False)
def _journal_archive(args: argparse.Namespace, runtime: Any) -> int:
    """``journal archive --before DATE FILE`` (manager PIN once one is set; audited)."""
    actor = _manager_gate(runtime.home, runtime.pins, "journal archive")
    report = runtime.journal.archive(
        args.before, Path(args.file), keep_unpushed=bool(runtime.settings.store_database_url)
    )
    detail = f"{report.moved} operation(s) before {args.before.isoformat()} -> {report.archive}"
    runtime.journal.audit(actor, "journal-archive", detail)
    print(
        f"已归档 {report.moved} 笔（{args.before} 之前）到 {report.archive} / archived"
        f" {report.moved} operation(s) before {args.before} to {report.archive}"
    )
    return EXIT_OK


def _print_journal(
    journal: Any, days: Sequence[date], states: frozenset[OpState] | None, *, as_json: bool
) -> int:
    """Each day's rows, audit entries and totals (``--json``: the rows of all days, one list)."""
    if as_json:
        rows = [op for day in days for op in journal.day_page(day, limit=10_000, states=states)]
        print(json.dumps([_op_dict(op) for op in rows], ensure_ascii=False))
        return EXIT_OK
    for day in days:
        _print_day(journal, day, states)
    return EXIT_OK


def _print_day(journal: Any, day: date, states: frozenset[OpState] | None) -> None:
    rows = journal.day_page(day, limit=10_000, states=states)
    for op in rows:
        when = op.created_at.astimezone().strftime("%H:%M:%S")
        print(
            f"{when} {op.kind.value:7} {op.state.value:9} {mask_code(op.code)} ×{op.quantity} "
            f"{op.item_name} {'' if op.amount is None else op.amount} [{op.request_id}]"
        )
    for entry in journal.audit_entries(day):
        when = entry.at.astimezone().strftime("%H:%M:%S")
        print(f"{when} AUDIT   {entry.actor}: {entry.action} — {entry.detail}")
    totals = journal.totals(day)
    print(
        f"合计 {day}: 核销 {totals.redeemed_count} 笔 {totals.redeemed_quantity} 份 "
        f"¥{totals.redeemed_amount}；撤销 {totals.reversed_count}；失败 {totals.failed_count}；"
        f"待确认 {totals.open_count}；需核对 {totals.review_count}"
    )


@_with_runtime()
def _cmd_recover(args: argparse.Namespace, runtime: Any) -> int:
    # Production rows left open when settings.toml was edited to training are tried too, at
    # the production gateways; name them so nobody takes them for demo rows.
    production = {op.request_id for op in runtime.other_mode_open()}
    outcomes = runtime.service.recover()
    if args.json:
        print(json.dumps([_op_dict(o.operation) for o in outcomes], ensure_ascii=False))
    else:
        for o in outcomes:
            mark = " (正式/production)" if o.operation.request_id in production else ""
            print(f"{o.state.value} {o.operation.kind.value} [{o.operation.request_id}]{mark}")
        if production:
            count, mode = len(production), runtime.settings.mode
            print(
                f"{count} 笔正式模式的待确认操作已在正式网关重试 / {count} production "
                f"operation(s) retried at the production gateways while in {mode} mode"
            )
        print(f"{len(outcomes)} open operation(s) tried")
    still_open = [o for o in outcomes if not o.settled]
    return EXIT_UNKNOWN if still_open else EXIT_OK


@_with_runtime(gateways=False, replicate=False)
def _cmd_store(args: argparse.Namespace, runtime: Any) -> int:
    from pos_app.store.commands import store_push, store_status

    run = store_push if args.action == "push" else store_status
    return run(runtime, as_json=args.json)


@_with_runtime(gateways=False, replicate=False)
def _cmd_report(args: argparse.Namespace, runtime: Any) -> int:
    return cli_shift.cmd_report(args, runtime)


@_with_runtime(gateways=False, replicate=False)
def _cmd_print_test(args: argparse.Namespace, runtime: Any) -> int:
    from pos_app.core.receipt import print_test_slip

    printer = runtime.receipt_printer(args.printer, args.width)
    slip = print_test_slip(str(printer.uri), printer.width_mm, runtime.slip_shop())
    return _print_slip(printer, slip, "打印测试")


@_with_runtime(gateways=False, replicate=False)
def _cmd_receipt(args: argparse.Namespace, runtime: Any) -> int:
    """Print a slip again from the undo log: 0 printed, 1 the printer failed, 2 bad input (no
    such request id, not a succeeded operation, bad or missing printer address)."""
    from pos_app.printing.receipts import slip_for_request

    request_id = validate_request_id(args.request_id)
    printer = runtime.receipt_printer(args.printer, args.width)  # a bad address: exit 2 first
    slip = slip_for_request(runtime.service, request_id, runtime.slip_shop())
    return _print_slip(printer, slip, f"小票 {request_id}")


def _print_slip(printer: Any, slip: Any, what: str) -> int:
    """A printer that fails is a definite failure (exit 1); nothing else changes."""
    from pos_app.core.errors import PrinterError

    try:
        printer.print_slip(slip)
    except PrinterError as exc:
        if exc.code == "PRINTER_DRIVER_MISSING":
            raise
        print(f"打印失败 {exc.code}: {exc.zh}\n{exc.en}\n  ({printer.uri})", file=sys.stderr)
        return EXIT_FAILED
    print(f"{what}: 已打印 / printed on {printer.uri} ({printer.width_mm} mm)")
    return EXIT_OK


def _cmd_doctor(args: argparse.Namespace, home: AppHome) -> int:
    from pos_app.doctor import run_doctor

    return run_doctor(home)


def _cmd_self_check(args: argparse.Namespace, home: AppHome) -> int:
    from pos_app.selfcheck import run_self_check

    return run_self_check(home, require_keyring=args.require_keyring)


_COMMANDS: dict[str, Callable[[argparse.Namespace, AppHome], int]] = {
    "gui": _cmd_gui,
    "sandbox": _cmd_sandbox,
    "settings": _cmd_settings,
    "keys": _cmd_keys,
    "manager": _cmd_manager,
    "redeem": _cmd_redeem,
    "lookup": _cmd_lookup,
    "reverse": _cmd_reverse,
    "sync": _cmd_sync,
    "review": _cmd_review,
    "journal": _cmd_journal,
    "recover": _cmd_recover,
    "store": _cmd_store,
    "cashier": cli_shift.cmd_cashier,
    "report": _cmd_report,
    "print-test": _cmd_print_test,
    "receipt": _cmd_receipt,
    "doctor": _cmd_doctor,
    "self-check": _cmd_self_check,
}
