"""Slips on a fake network printer on 127.0.0.1 (a real TCP socket), decoded byte by byte; the
`print-test` and `receipt` commands as a shop's script runs them (training mode, real journal)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from fake_printer import PAPER_OUT, FakePrinter, decode, refused_uri
from PIL import Image

from pos_app.core.errors import PrinterError
from pos_app.core.journal import Operation, OpKind, OpState
from pos_app.core.receipt import ReportPage, SlipShop, redemption_slip
from pos_app.printing.escpos import (
    ESC_INIT,
    FS_CHINESE_OFF,
    FS_CHINESE_ON,
    ReceiptPrinter,
    print_report,
)

NOW = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)
DEMO_SINGLE = "286501034425"


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    fake = FakePrinter()
    try:
        yield fake
    finally:
        fake.close()


def _op() -> Operation:
    return Operation(
        7,
        OpKind.REDEEM,
        "P2026120100ABCDEF0123456789XYZ",
        "286501034417",
        "INTERNAL_CODE",
        1,
        {},
        OpState.SUCCEEDED,
        NOW,
        NOW,
        order_no="2026120122001100000123456789",
        operator="张三",
        terminal="LANE1",
        item_name="双人午市套餐",
        amount=Decimal("45.00"),
    )


@pytest.mark.parametrize("width", [58, 80])
def test_a_slip_prints_chinese_in_gb18030_under_fs_and_a_qr_and_a_cut(
    printer: FakePrinter, width: int
) -> None:
    slip = redemption_slip(_op(), SlipShop("2019000000000000"))
    ReceiptPrinter(printer.uri, width).print_slip(slip)
    data = printer.wait_jobs(1)[0]
    printed = decode(data)

    assert printed.status_queries == 1  # the paper sensor was asked first
    assert printed.init and printed.cut
    assert not printed.chinese_outside_fs
    # The bytes themselves: init, Chinese mode on, GB18030 text, Chinese mode off, then the cut.
    body = data[data.index(ESC_INIT) :]
    assert body.startswith(ESC_INIT + FS_CHINESE_ON)
    assert "核销凭条".encode("gb18030") in body
    assert "双人午市套餐".encode("gb18030") in body
    assert "双人午市套餐".encode() not in body  # never UTF-8
    assert body.index(FS_CHINESE_OFF) < body.rindex(b"\x1dV")
    assert "收银员" in printed.text and "张三" in printed.text
    assert "**** **** 4417" in printed.text and "286501034417" not in printed.text
    assert "45.00元" in printed.text
    assert printed.qr == ["P2026120100ABCDEF0123456789XYZ"]
    columns = {58: 32, 80: 48}[width]
    assert all(len(line.encode("gb18030")) <= columns for line in printed.lines)


def test_out_of_paper_is_refused_before_anything_prints() -> None:
    fake = FakePrinter(status=PAPER_OUT)
    try:
        with pytest.raises(PrinterError) as caught:
            ReceiptPrinter(fake.uri, 80).print_slip(redemption_slip(_op(), SlipShop("S1")))
        assert caught.value.code == "PRINTER_NO_PAPER"
        assert "缺纸" in caught.value.zh and "paper" in caught.value.en
        printed = decode(fake.wait_jobs(1)[0])
        assert printed.status_queries == 1 and not printed.lines and not printed.cut
    finally:
        fake.close()


def test_a_printer_that_never_reports_status_is_printed_to_anyway() -> None:
    fake = FakePrinter(status=None)
    try:
        printer = ReceiptPrinter(fake.uri, 58, status_timeout_s=0.2)
        printer.print_slip(redemption_slip(_op(), SlipShop("S1")))
        assert decode(fake.wait_jobs(1)[0]).cut
    finally:
        fake.close()


def test_a_refused_connection_is_a_printer_error_fast() -> None:
    with pytest.raises(PrinterError) as caught:
        ReceiptPrinter(refused_uri(), 80, timeout_s=2).print_slip(
            redemption_slip(_op(), SlipShop("S1"))
        )
    assert caught.value.code == "PRINTER_UNREACHABLE"
    assert "补打" in caught.value.zh


def test_check_opens_the_printer_asks_for_paper_and_prints_nothing() -> None:
    """What ``pos-app doctor`` does with the configured printer."""
    fine, empty = FakePrinter(), FakePrinter(status=PAPER_OUT)
    try:
        assert "answers" in ReceiptPrinter(fine.uri, 58).check()
        printed = decode(fine.wait_jobs(1)[0])
        assert printed.status_queries == 1 and not printed.lines and not printed.cut
        with pytest.raises(PrinterError) as no_paper:
            ReceiptPrinter(empty.uri, 80).check()
        assert no_paper.value.code == "PRINTER_NO_PAPER"
        with pytest.raises(PrinterError) as refused:
            ReceiptPrinter(refused_uri(), 80, timeout_s=2).check()
        assert refused.value.code == "PRINTER_UNREACHABLE"
    finally:
        fine.close()
        empty.close()


def test_a_file_printer_gets_the_same_bytes(tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    ReceiptPrinter(f"file://{device}", 58).print_slip(redemption_slip(_op(), SlipShop("S1")))
    printed = decode(device.read_bytes())
    assert printed.status_queries == 0  # a device file cannot answer
    assert "核销凭条" in printed.text and printed.cut


def test_a_report_prints_its_rows_and_the_chart_scaled_to_the_paper(
    printer: FakePrinter,
) -> None:
    chart = Image.new("RGB", (1000, 400), "white")
    for x in range(100, 300):
        for y in range(100, 400):
            chart.putpixel((x, y), (0, 0, 0))
    png = io.BytesIO()
    chart.save(png, "PNG")
    report = ReportPage("日结报表 2026-12-01", (("核销", ""), ("笔数", "12"), ("金额", "540.00")))
    print_report(report, png.getvalue(), ReceiptPrinter(printer.uri, 58))
    printed = decode(printer.wait_jobs(1)[0])
    # Double-size title: 16 columns on 58 mm paper, so it wraps.
    assert printed.lines[:2] == ["日结报表 2026-12", "-01"]
    assert "核销" in printed.lines and any(line.startswith("金额") for line in printed.lines)
    assert printed.images == [(384, 154)]  # 1000×400 scaled to the 384 dots of 58 mm paper
    assert printed.cut


def test_a_chart_that_is_not_an_image_is_a_printer_error(printer: FakePrinter) -> None:
    with pytest.raises(PrinterError):
        print_report(ReportPage("x"), b"not a png", ReceiptPrinter(printer.uri, 80))
    assert printer.jobs == []


# --- the commands ----------------------------------------------------------------------------


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pos_app", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_print_test_prints_a_page_that_says_so(tmp_path: Path, printer: FakePrinter) -> None:
    done = _run(tmp_path, "print-test", "--printer", printer.uri, "--width", "58")
    assert done.returncode == 0, done.stderr
    printed = decode(printer.wait_jobs(1)[0])
    assert printed.lines[0] == "打印测试"
    assert printer.uri in printed.text and "58mm" in printed.text
    assert printed.qr and printed.cut


def test_receipt_reprints_a_redemption_from_the_journal(
    tmp_path: Path, printer: FakePrinter
) -> None:
    done = _run(tmp_path, "redeem", DEMO_SINGLE, "--json")
    assert done.returncode == 0, done.stderr
    request_id = json.loads(done.stdout.splitlines()[-1])["request_id"]

    done = _run(tmp_path, "receipt", request_id, "--printer", printer.uri)
    assert done.returncode == 0, done.stderr
    printed = decode(printer.wait_jobs(1)[0])
    assert printed.lines[0] == "核销凭条"
    assert printed.qr == [request_id]
    assert "**** **** 4425" in printed.text and DEMO_SINGLE not in printed.text
    assert "培训模式 · 非真实交易" in printed.text and "补打" in printed.text


def test_receipt_refuses_bad_input_with_exit_2_and_prints_nothing(
    tmp_path: Path, printer: FakePrinter
) -> None:
    unknown = _run(tmp_path, "receipt", "P000000000000000000000000", "--printer", printer.uri)
    assert unknown.returncode == 2
    assert "RECEIPT_NOT_FOUND" in unknown.stderr and "请求号" in unknown.stderr
    bad = _run(tmp_path, "receipt", "P0000", "--printer", "lpt1")
    assert bad.returncode == 2 and "PRINTER_URI" in bad.stderr and "Traceback" not in bad.stderr
    unset = _run(tmp_path, "print-test")
    assert unset.returncode == 2 and "PRINTER_NOT_CONFIGURED" in unset.stderr
    assert printer.jobs == []


def test_an_unreachable_printer_exits_1_and_says_so(tmp_path: Path) -> None:
    done = _run(tmp_path, "print-test", "--printer", refused_uri())
    assert done.returncode == 1
    assert "PRINTER_UNREACHABLE" in done.stderr and "Traceback" not in done.stderr


def test_doctor_checks_the_configured_printer_without_printing(
    tmp_path: Path, printer: FakePrinter
) -> None:
    tmp_path.mkdir(exist_ok=True)
    settings = tmp_path / "settings.toml"
    settings.write_text(f'[printer]\nuri = "{printer.uri}"\nwidth = 58\n', encoding="utf-8")
    done = _run(tmp_path, "doctor")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[正常  OK ] printer: tcp printer answers (58 mm paper)" in done.stdout
    assert decode(printer.wait_jobs(1)[0]).lines == []  # asked for paper; printed nothing
    settings.write_text(f'[printer]\nuri = "{refused_uri()}"\n', encoding="utf-8")
    dead = _run(tmp_path, "doctor")
    assert dead.returncode == 2
    assert "[失败 FAIL] printer: PRINTER_UNREACHABLE" in dead.stdout
    assert "Traceback" not in dead.stdout + dead.stderr


def test_the_day_report_prints_with_its_chart(tmp_path: Path, printer: FakePrinter) -> None:
    done = _run(tmp_path, "redeem", DEMO_SINGLE, "--json")
    assert done.returncode == 0, done.stderr
    done = _run(tmp_path, "report", "--printer", printer.uri, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1])["redeemed"]["count"] == 1
    printed = decode(printer.wait_jobs(1)[0])
    assert printed.init and printed.cut and not printed.chinese_outside_fs
    assert "日结报表" in printed.text and "核销 1 笔" in printed.text
    assert printed.images and printed.images[0][0] == 576  # the hourly chart, 80 mm paper


def test_a_report_to_a_dead_printer_fails_and_changes_nothing(tmp_path: Path) -> None:
    done = _run(tmp_path, "report", "--printer", refused_uri())
    assert done.returncode == 1
    assert "打印失败" in done.stderr
