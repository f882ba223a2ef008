"""Receipts as data: printer addresses, the printer settings, slips from journal rows, layout."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from pos_app.config.settings import Settings, get_setting, set_setting
from pos_app.core.errors import InputInvalid
from pos_app.core.journal import Operation, OpKind, OpState
from pos_app.core.messages import message_for
from pos_app.core.receipt import (
    COLUMNS,
    PrinterUri,
    SlipShop,
    layout,
    parse_printer_uri,
    redemption_slip,
    reversal_slip,
    text_width,
)

NOW = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)


def redemption(**changes: object) -> Operation:
    values: dict[str, object] = {
        "id": 7,
        "kind": OpKind.REDEEM,
        "request_id": "P2026120100ABCDEF0123456789XYZ",
        "code": "286501034417",
        "code_type": "INTERNAL_CODE",
        "quantity": 2,
        "payload": {},
        "state": OpState.SUCCEEDED,
        "created_at": NOW,
        "updated_at": NOW,
        "order_no": "2026120122001100000123456789",
        "operator": "张三",
        "terminal": "LANE1",
        "item_name": "双人午市套餐（含饮料）",
        "amount": Decimal("45"),
    }
    values.update(changes)
    return Operation(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tcp://192.168.1.50:9100", PrinterUri("tcp", host="192.168.1.50", port=9100)),
        ("tcp://printer.local", PrinterUri("tcp", host="printer.local", port=9100)),
        ("TCP://10.0.0.9:9101", PrinterUri("tcp", host="10.0.0.9", port=9101)),
        ("usb://0416:5011", PrinterUri("usb", vendor_id=0x0416, product_id=0x5011)),
        ("usb://0x04b8:0x0202", PrinterUri("usb", vendor_id=0x04B8, product_id=0x0202)),
        ("serial:///dev/ttyUSB0", PrinterUri("serial", path="/dev/ttyUSB0")),
        ("file:///dev/usb/lp0", PrinterUri("file", path="/dev/usb/lp0")),
    ],
)
def test_printer_addresses_are_parsed(text: str, expected: PrinterUri) -> None:
    assert parse_printer_uri(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("192.168.1.50:9100", "must start with"),
        ("http://192.168.1.50", "must start with"),
        ("tcp://192.168.1.50:99999", "bad port"),
        ("tcp://:9100", "tcp://HOST"),
        ("tcp://host/path", "tcp://HOST"),
        ("usb://0416", "usb://VID:PID"),
        ("usb://zz16:5011", "usb://VID:PID"),
        ("serial://", "needs a device"),
        ("file:///dev/usb/lp 0", "spaces"),
    ],
)
def test_a_bad_printer_address_says_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(InputInvalid) as caught:
        parse_printer_uri(text)
    assert caught.value.code == "PRINTER_URI"
    assert caught.value.field == "printer.uri"
    assert reason in caught.value.detail
    assert "tcp://" in caught.value.zh and "tcp://" in caught.value.en


def test_printer_settings_are_validated_and_default_to_no_printer() -> None:
    settings = Settings()
    assert (settings.printer_uri, settings.printer_width, settings.printer_auto) == ("", 80, True)
    changed = set_setting(settings, "printer.uri", " tcp://10.0.0.9:9100 ")
    changed = set_setting(changed, "printer.width", "58")
    changed = set_setting(changed, "printer.auto", "false")
    assert get_setting(changed, "printer.uri") == "tcp://10.0.0.9:9100"
    assert (changed.printer_width, changed.printer_auto) == (58, False)
    with pytest.raises(InputInvalid) as bad_uri:
        set_setting(settings, "printer.uri", "lpt1")
    assert (bad_uri.value.code, bad_uri.value.field) == ("PRINTER_URI", "printer.uri")
    with pytest.raises(InputInvalid) as bad_width:
        set_setting(settings, "printer.width", "76")
    assert (bad_width.value.code, bad_width.value.field) == ("SETTING_CHOICE", "printer.width")
    assert set_setting(changed, "printer.uri", "").printer_uri == ""


def test_a_redemption_slip_names_everything_and_masks_the_code() -> None:
    slip = redemption_slip(redemption(), SlipShop("2019000000000000"))
    rows = dict(slip.rows)
    assert slip.title == "核销凭条"
    assert rows["门店"] == "2019000000000000"
    assert rows["收银台"] == "LANE1"
    assert rows["收银员"] == "张三"
    assert rows["时间"] == NOW.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    assert rows["商品"] == "双人午市套餐（含饮料）"
    assert rows["核销份数"] == "2"
    assert rows["实付金额"] == "45.00元"
    assert rows["券码"] == "**** **** 4417"
    assert rows["订单号"] == "2026120122001100000123456789"
    assert rows["请求号"] == slip.qr == "P2026120100ABCDEF0123456789XYZ"
    assert "286501034417" not in repr(slip)
    assert slip.notes == ()


def test_a_reversal_slip_names_the_manager_the_reason_and_what_it_reversed() -> None:
    parent = redemption()
    reversal = redemption(
        id=8,
        kind=OpKind.REVERSE,
        request_id="V2026120100REVERSAL000000001",
        operator="",
        manager="李店长",
        reason="顾客退单",
        parent_id=7,
        item_name="",
        amount=None,
    )
    slip = reversal_slip(reversal, parent, SlipShop("S1", training=True), reprint=True)
    rows = dict(slip.rows)
    assert slip.title == "撤销凭条"
    assert (rows["店长"], rows["原因"], rows["原收银员"]) == ("李店长", "顾客退单", "张三")
    assert (rows["商品"], rows["原实付金额"]) == ("双人午市套餐（含饮料）", "45.00元")
    assert rows["原请求号"] == parent.request_id
    assert slip.qr == reversal.request_id
    assert slip.notes[0] == "培训模式 · 非真实交易"
    assert slip.notes[1].startswith("补打 ")


@pytest.mark.parametrize("state", [OpState.FAILED, OpState.UNKNOWN, OpState.REVIEW])
def test_only_a_succeeded_operation_has_a_slip(state: OpState) -> None:
    with pytest.raises(InputInvalid) as caught:
        redemption_slip(redemption(state=state), SlipShop("S1"))
    assert caught.value.code == "RECEIPT_NOT_PRINTABLE"
    assert "成功" in message_for("RECEIPT_NOT_PRINTABLE").zh


@pytest.mark.parametrize("width", [58, 80])
def test_no_printed_line_is_wider_than_the_paper(width: int) -> None:
    slip = redemption_slip(redemption(), SlipShop("2019000000000000", training=True))
    lines = layout(slip, width)
    assert all(text_width(line.text) <= COLUMNS[width] for line in lines)
    # Chinese characters count two columns: the amount is flush right on its line.
    assert any(line.text.startswith("实付金额") and line.text.endswith("45.00元") for line in lines)
    assert text_width("实付金额 45.00元") == 8 + 1 + 5 + 2


def test_a_32_character_request_id_stays_on_one_line_on_58_mm_paper() -> None:
    request_id = "V" + "2" * 31
    slip = redemption_slip(redemption(request_id=request_id), SlipShop("S1"))
    texts = [line.text for line in layout(slip, 58)]
    at = texts.index("请求号：")
    assert texts[at + 1] == request_id  # 32 columns: the whole line, never cut in two
