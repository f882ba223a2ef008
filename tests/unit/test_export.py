"""CSV export of journal rows: masking, linking, formula safety, paging, crash-safe write."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pos_app.core.export import COLUMNS, iter_pages, operation_row, render_csv, write_csv
from pos_app.core.journal import Operation, OpKind, OpState

AT = datetime(2024, 5, 1, 2, 3, 4, tzinfo=UTC)


def _op(op_id: int, **kw: object) -> Operation:
    base: dict[str, object] = {
        "id": op_id,
        "kind": OpKind.REDEEM,
        "request_id": f"P2024050100000{op_id:04d}",
        "code": "123456789012",
        "code_type": "INTERNAL_CODE",
        "quantity": 1,
        "payload": {},
        "state": OpState.SUCCEEDED,
        "created_at": AT,
        "updated_at": AT,
    }
    base.update(kw)
    return Operation(**base)  # type: ignore[arg-type]


def _row(op: Operation) -> dict[str, str]:
    return dict(zip(COLUMNS, operation_row(op), strict=True))


def _read(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_row_masks_code_and_formats_amount() -> None:
    row = _row(_op(7, amount=Decimal("12.5"), item_name="双人套餐"))
    assert row["code"] == "********9012"
    assert "123456789012" not in render_csv([_op(7)])
    assert row["amount"] == "12.50"
    assert row["item"] == "双人套餐"
    assert row["kind"] == "REDEEM"
    assert row["state"] == "SUCCEEDED"
    assert row["time"] == AT.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def test_reversal_and_redemption_are_linked() -> None:
    redeem = _row(_op(1, reversed_by=2))
    reverse = _row(_op(2, kind=OpKind.REVERSE, parent_id=1))
    plain = _row(_op(3))
    assert redeem["linked_id"] == "2"
    assert reverse["linked_id"] == "1"
    assert plain["linked_id"] == ""


def test_rows_name_their_till_and_cashier_after_the_older_columns() -> None:
    """Added at the end: a tool reading the older columns by position still finds them."""
    assert COLUMNS[:16][-1] == "error_code" and COLUMNS[16:] == ("till", "cashier")
    row = _row(_op(1, terminal="LANE-2", cashier="小李"))
    assert (row["till"], row["cashier"]) == ("LANE-2", "小李")
    assert _row(_op(2, cashier="=cmd"))["cashier"] == "'=cmd"  # free text: no formula


def test_free_text_cannot_become_a_formula() -> None:
    row = _row(_op(1, reason="=HYPERLINK(1)", manager="@x"))
    assert row["reason"] == "'=HYPERLINK(1)"
    assert row["manager"] == "'@x"
    ok = _row(_op(1, reason="顾客要求"))
    assert ok["reason"] == "顾客要求"


def test_write_csv_writes_all_rows_with_headers(tmp_path: Path) -> None:
    target = tmp_path / "day.csv"
    ops = [_op(i, order_no=f"ORD{i}", quantity=i) for i in range(1, 4)]
    headers = [f"H{i}" for i in range(len(COLUMNS))]
    assert write_csv(target, ops, headers) == 3
    rows = _read(target)
    assert rows[0] == headers
    assert [r[COLUMNS.index("order_no")] for r in rows[1:]] == ["ORD1", "ORD2", "ORD3"]
    assert [r[COLUMNS.index("quantity")] for r in rows[1:]] == ["1", "2", "3"]
    assert list(tmp_path.iterdir()) == [target], "no temporary file left behind"


def test_write_csv_failure_leaves_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "day.csv"
    target.write_text("old", encoding="utf-8")

    def broken() -> object:
        yield _op(1)
        raise RuntimeError("journal went away")

    with pytest.raises(RuntimeError):
        write_csv(target, broken())  # type: ignore[arg-type]
    assert target.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_wrong_header_count_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="headers"):
        write_csv(tmp_path / "x.csv", [], ["only one"])


def test_iter_pages_walks_every_page() -> None:
    data = [_op(i) for i in range(1, 1206)]
    calls: list[tuple[int, int]] = []

    def page(offset: int, limit: int) -> list[Operation]:
        calls.append((offset, limit))
        return data[offset : offset + limit]

    assert [op.id for op in iter_pages(page, page_size=500)] == list(range(1, 1206))
    assert calls == [(0, 500), (500, 500), (1000, 500)]


def test_iter_pages_exact_multiple_stops_on_empty_page() -> None:
    data = [_op(i) for i in range(1, 11)]
    out = list(iter_pages(lambda o, n: data[o : o + n], page_size=5))
    assert len(out) == 10


def test_kinds_and_states_can_be_written_as_a_person_reads_them() -> None:
    op = _op(7)
    words = {"REDEEM": "核销", "SUCCEEDED": "成功"}
    row = dict(
        zip(COLUMNS, operation_row(op, lambda o: (words[o.kind], words[o.state])), strict=True)
    )
    assert (row["kind"], row["state"]) == ("核销", "成功")
    assert (_row(op)["kind"], _row(op)["state"]) == ("REDEEM", "SUCCEEDED")  # machine default
    text = render_csv([op], None, lambda o: ("Redeem", "Succeeded"))
    assert ",Redeem,Succeeded," in text
