"""Shift and day reports from a real undo log filled through the service and the simulator.

The numbers must agree with the journal's totals (what the history screen shows), the JSON must
carry the keys issue #12 names, and the PDF must hold the totals in Chinese (read back with
poppler's ``pdftotext``; its pages rendered with ``pdftoppm``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

from pos_app.cli import main
from pos_app.config.home import AppHome
from pos_app.core.journal import OpState
from pos_app.core.reports import JournalSource, day_report, shift_report
from pos_app.runtime import Runtime


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    rt = Runtime.open(AppHome(tmp_path / "home"))
    try:
        yield rt
    finally:
        rt.close()


def _fill(rt: Runtime) -> datetime:
    """小李 redeems three (one reversed by the manager), 小王 one, one fails, one stays open."""
    assert rt.simulator is not None
    codes = rt.simulator.demo.codes
    start = datetime.now().astimezone() - timedelta(seconds=1)
    service = rt.service
    first = service.redeem(codes["single"], cashier="小李", operator="小李")
    service.redeem(codes["multi"], 2, cashier="小李", operator="小李")
    service.redeem(codes["single_2"], cashier="小李", operator="小李")
    service.redeem(codes["single_3"], cashier="小王", operator="小王")
    assert service.redeem(codes["refunded"], cashier="小王").state is OpState.FAILED
    assert service.redeem(codes["flaky"], cashier="小李").state is OpState.UNKNOWN
    reversal = service.reverse(first.operation.id, reason="顾客要求", manager="店长", cashier="")
    assert reversal.state is OpState.SUCCEEDED
    assert reversal.operation.cashier == "小李" and reversal.operation.manager == "店长"
    return start


def test_the_day_report_agrees_with_the_history_totals(runtime: Runtime) -> None:
    _fill(runtime)
    day = datetime.now().date()
    report = day_report(JournalSource.till(runtime.journal), day, terminal="T")
    totals = runtime.service.totals(day)  # what the history screen's totals line shows
    assert report.redeemed.count == totals.redeemed_count == 3
    assert report.redeemed.quantity == totals.redeemed_quantity == 4
    assert report.redeemed.amount == totals.redeemed_amount > 0
    assert report.reversed.count == totals.reversed_count == 1
    assert report.reversed.amount > 0  # the reversed redemption's amount, as a positive sum
    assert (report.failed, report.unknown, report.review) == (
        totals.failed_count, totals.open_count, totals.review_count,
    )  # fmt: skip
    by_cashier = {line.key: line for line in report.by_cashier}
    assert by_cashier["小李"].redeemed.count == 2 and by_cashier["小李"].reversed.count == 1
    assert by_cashier["小王"].redeemed.count == 1
    assert sum(x.redeemed.amount for x in report.by_product) == report.redeemed.amount
    assert sum(x.redeemed.count for x in report.by_hour) == 3 and len(report.by_hour) == 24
    # The history filtered by cashier lists the same rows the report counts for them.
    assert runtime.service.day_count(day, cashier="小王") == 2  # the redemption and the failure


def test_the_shift_report_counts_only_the_cashiers_rows_since_sign_in(runtime: Runtime) -> None:
    start = _fill(runtime)
    source = JournalSource.till(runtime.journal)
    report = shift_report(source, "小王", start, datetime.now().astimezone(), terminal="T")
    assert (report.kind, report.cashier) == ("shift", "小王")
    assert (report.redeemed.count, report.failed, report.unknown) == (1, 1, 0)
    later = shift_report(source, "小李", datetime.now().astimezone(), datetime.now().astimezone())
    assert later.redeemed.count == 0  # a new shift starts empty


def test_a_business_day_cutoff_moves_early_rows_to_the_day_before(runtime: Runtime) -> None:
    _fill(runtime)
    now = datetime.now().astimezone()
    source = JournalSource.till(runtime.journal)
    if now.hour >= 1:  # rows made after 01:00 belong to today's business day either way
        cut = day_report(source, now.date(), cutoff=time(1))
        assert cut.redeemed.count == 3 and cut.by_hour[0].key == "01"
    before = day_report(source, now.date() - timedelta(days=1), cutoff=time(11, 59))
    assert before.redeemed.count == (3 if now.time() < time(11, 59) else 0)


def test_report_json_keys_amounts_and_bad_input(
    runtime: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill(runtime)
    home = str(runtime.home.root)
    assert main(["--home", home, "report", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert {"date", "redeemed", "reversed", "failed", "unknown", "review", "by_product",
            "by_cashier", "by_hour"} <= set(body)  # fmt: skip
    assert set(body["redeemed"]) == {"count", "quantity", "amount"}
    assert body["redeemed"]["count"] == 3 and body["reversed"]["count"] == 1
    assert (
        isinstance(body["redeemed"]["amount"], str) and body["redeemed"]["amount"].count(".") == 1
    )
    assert len(body["redeemed"]["amount"].split(".")[1]) == 2  # "45.00"
    assert (body["failed"], body["unknown"], body["review"]) == (1, 1, 0)
    assert main(["--home", home, "report", "--cashier", "小王", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["redeemed"]["count"] == 1
    for bad in (["--date", "2024-13-01"], ["--date", "2999-01-01"]):
        assert main(["--home", home, "report", *bad]) == 2
        assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["--home", home, "report", "--printer", "lpt1"]) == 2  # not a printer address
    assert "PRINTER_URI" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_report_pdf_is_a4_with_the_totals_in_chinese(
    runtime: Runtime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill(runtime)
    pdf = tmp_path / "日结.pdf"
    # A process of its own, as a shop runs it: in this one a QApplication made by an earlier
    # test (without the app's translations) would be reused, and the PDF would come out English.
    done = subprocess.run(
        [sys.executable, "-m", "pos_app", "--home", str(runtime.home.root), "report", "--pdf",
         str(pdf)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    raw = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    # Noto CJK maps some ideographs to Kangxi radicals (日 → ⽇) in its cmap: NFKC undoes that.
    text = unicodedata.normalize("NFKC", raw)
    totals = runtime.service.totals(datetime.now().date())
    assert "日结报表" in text and "小李" in text and "小王" in text
    expected = f"{totals.redeemed_count} 笔核销，{totals.redeemed_quantity} 份"
    assert unicodedata.normalize("NFKC", expected) in text
    assert f"¥{totals.redeemed_amount:.2f}" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "A4" in info.stdout
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    assert "CJK" in fonts.stdout and " yes " in fonts.stdout  # embedded
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 1000


def test_a_shift_chart_shows_the_hours_the_shift_spans(runtime: Runtime) -> None:
    start = _fill(runtime)
    source = JournalSource.till(runtime.journal)
    now = datetime.now().astimezone()
    report = shift_report(source, "小李", start - timedelta(hours=2), now)
    assert len(report.by_hour) in (3, 4)  # from the sign-in hour to now
    assert report.by_hour[0].key == f"{(start - timedelta(hours=2)).hour:02d}"
    assert sum(x.redeemed.count for x in report.by_hour) == report.redeemed.count == 2
