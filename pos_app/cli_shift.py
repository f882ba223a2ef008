"""``pos-app cashier add|list|disable`` and ``pos-app report`` (issue #12), wired in by ``cli.py``.

``cashier`` changes need the manager PIN like every other manager command (``_manager_gate``):
the PIN is the first line of standard input when not on a terminal, the new cashier's PIN the
next line. ``report`` only reads the undo log (or the store database with ``--store``).
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from datetime import date
from pathlib import Path
from typing import Any

from pos_app.config.home import AppHome
from pos_app.core.errors import InputInvalid
from pos_app.core.reports import Report, Tally, check_report_day, report_json, yuan

logger = logging.getLogger(__name__)


def add_parsers(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    cs = sub.add_parser("cashier", help="the till's cashiers (manager)")
    cs_sub = cs.add_subparsers(dest="action", required=True, parser_class=parser_class)
    add = cs_sub.add_parser("add", help="add a cashier; the PIN (4-6 digits) is asked for")
    add.add_argument("name")
    cs_sub.add_parser("list", help="every cashier, active or not").add_argument(
        "--json", action="store_true"
    )
    cs_sub.add_parser("disable", help="stop a cashier signing in").add_argument("name")
    rp = sub.add_parser("report", help="the day report (日结), or one cashier's part of it")
    rp.add_argument("--date", default=None, help="YYYY-MM-DD, the till's local day (default today)")
    rp.add_argument("--cashier", default=None, help="only this cashier's rows")
    rp.add_argument("--pdf", default=None, help="write the report as an A4 PDF")
    rp.add_argument("--printer", default=None, help="print on a receipt printer (URI)")
    rp.add_argument("--store", action="store_true", help="every till, from the store database")
    rp.add_argument("--json", action="store_true")


def cmd_cashier(args: argparse.Namespace, home: AppHome) -> int:
    from pos_app import cli
    from pos_app.core.cashiers import validate_name
    from pos_app.runtime import cashier_registry, manager_pins

    vault = cli._open_store_or_none()
    registry = cashier_registry(home, vault)
    if args.action == "list":
        return _list(registry.all(), as_json=args.json)
    name = validate_name(args.name)  # bad input before the PIN is asked (no try is spent)
    actor = cli._manager_gate(home, manager_pins(home, vault), f"cashier {args.action} {name}")
    if args.action == "disable":
        registry.set_active(name, False)
        cli._audit(home, "cashier-disable", name, actor)
        print(f"收银员 {name} 已停用 / cashier {name} disabled")
        return cli.EXIT_OK
    pin = cli._read_pin(f"{name} 的收银员密码 / cashier PIN (4-6 digits): ")
    if sys.stdin.isatty() and getpass.getpass("再输一次 / again: ") != pin:
        print("两次输入不一致 / the PINs differ", file=sys.stderr)
        return cli.EXIT_INPUT
    cashier = registry.add(name, pin)
    cli._audit(home, "cashier-add", cashier.name, actor)
    print(f"收银员 {cashier.name} 已添加 / cashier {cashier.name} added")
    return cli.EXIT_OK


def _list(cashiers: list[Any], *, as_json: bool) -> int:
    if as_json:
        body = [{"name": c.name, "active": c.active} for c in cashiers]
        print(json.dumps(body, ensure_ascii=False))
        return 0
    for c in cashiers:
        print(f"{c.name}\t{'在岗/active' if c.active else '已停用/disabled'}")
    if not cashiers:
        print("没有收银员（单人模式）/ no cashiers (single operator)")
    return 0


def report_day(text: str | None) -> date:
    """``--date``: the till's local calendar day, not in the future (``REPORT_DATE``)."""
    today = date.today()
    if text is None:
        return today
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InputInvalid("REPORT_DATE", "date", "YYYY-MM-DD") from None
    return check_report_day(day, today)


def cmd_report(args: argparse.Namespace, runtime: Any) -> int:
    from pos_app import cli
    from pos_app.core.cashiers import validate_name

    day = report_day(args.date)
    cashier = None if args.cashier is None else validate_name(args.cashier)
    printer = None if args.printer is None else runtime.receipt_printer(args.printer)
    pdf = None if args.pdf is None else Path(args.pdf)
    from pos_app.runtime import build_day_report

    report = build_day_report(runtime, day, cashier=cashier, store=args.store)
    if pdf is not None:
        from pos_app.ui.report_render import write_report_pdf

        write_report_pdf(report, pdf, language=runtime.settings.language)
    if printer is not None:
        status = _print_report(report, printer)
        if status != cli.EXIT_OK:
            return status
    if args.json:
        print(json.dumps(report_json(report), ensure_ascii=False))
    else:
        print(report_text(report))
        if pdf is not None:
            print(f"PDF: {pdf}")
    return cli.EXIT_OK


def _print_report(report: Report, printer: Any) -> int:
    """The report on the receipt printer: its lines, then the hourly chart as a raster image.
    A printer that fails is a definite failure (exit 1); the report itself is unaffected."""
    from pos_app import cli
    from pos_app.core.errors import PrinterError
    from pos_app.core.receipt import ReportPage
    from pos_app.printing.escpos import print_report
    from pos_app.ui.report_render import chart_png

    head, *body = report_text(report).splitlines()
    # A line ending in ":" heads a group (an empty value prints as a heading).
    rows = tuple((line.rstrip(":"), "") if line.endswith(":") else (line, " ") for line in body)
    width = 384 if printer.width_mm == 58 else 576
    try:
        print_report(ReportPage(head, rows), chart_png(report, width), printer)
    except PrinterError as exc:
        print(f"打印失败 {exc.code}: {exc.zh}\n{exc.en}\n  ({printer.uri})", file=sys.stderr)
        return cli.EXIT_FAILED
    print(f"报表已打印 / report printed on {printer.uri}", file=sys.stderr)
    return cli.EXIT_OK


def _tally(t: Tally) -> str:
    return f"{t.count} 笔 {t.quantity} 份 ¥{yuan(t.amount)}"


def report_text(report: Report) -> str:
    """The report as plain lines (the CLI's default output)."""
    title = "交班报表" if report.kind == "shift" else "日结报表"
    who = f" 收银员 {report.cashier}" if report.cashier is not None else ""
    lines = [
        f"{title} {report.day} {report.terminal}{who}"
        f" ({report.start:%Y-%m-%d %H:%M} – {report.end:%Y-%m-%d %H:%M})",
        f"核销 {_tally(report.redeemed)}",
        f"撤销 {_tally(report.reversed)}",
        f"失败 {report.failed}；待确认 {report.unknown}；需核对 {report.review}",
    ]
    for title_, rows in (("按商品", report.by_product), ("按收银员", report.by_cashier)):
        lines.append(title_ + ":")
        lines += [
            f"  {x.key or '—'}  {x.redeemed.count} 笔 ¥{yuan(x.redeemed.amount)}"
            f"  撤销 {x.reversed.count}"
            for x in rows
        ]
    lines.append("按小时:")
    lines += [
        f"  {x.key}:00  {'#' * x.redeemed.count} {x.redeemed.count}"
        for x in report.by_hour
        if x.redeemed.count or x.reversed.count
    ]
    return "\n".join(lines)
