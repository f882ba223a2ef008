"""The result card's wrapped texts: no character left alone on a last line, and nothing clipped."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from pos_app.ui.widgets.result_card import CardState, CardView, ResultCard

CONFIRMING = "连不上平台，结果待确认。请检查网络；系统会自动重试。"


def _line_widths(label: QLabel) -> list[float]:
    """How the label's text wraps in the width it actually has (its contents rect)."""
    layout = QTextLayout(label.text(), label.font())
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    widths = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(label.contentsRect().width())
        widths.append(line.naturalTextWidth())
    layout.endLayout()
    return widths


@pytest.mark.parametrize("width", [1024, 990, 900, 800])
def test_a_long_message_wraps_in_balanced_lines_without_clipping(qtbot: QtBot, width: int) -> None:
    card = ResultCard()
    qtbot.addWidget(card)
    card.resize(width, 580)
    card.show()
    qtbot.waitExposed(card)
    card.show_view(
        CardView(
            CardState.UNKNOWN,
            "正在确认…",
            headline=CONFIRMING,
            rows=(("券码", "**** **** 4425"), ("份数", "1")),
            detail="已尝试 1 次，2 秒后自动重试；结果出来后这里会自动更新。",
            footnote="错误代码：CONNECTION_ERROR · R20261123103805748BDA46C86D1EE1",
        )
    )
    qtbot.wait(20)
    label = card.headline_label
    lines = _line_widths(label)
    assert len(lines) >= 2, "the message is longer than one line here"
    assert min(lines) > 0.6 * max(lines), f"an orphan on a line: {lines}"
    full = label.fontMetrics().horizontalAdvance(CONFIRMING)
    assert sum(lines) >= full * 0.99, "the whole message is laid out"
    assert label.height() >= label.heightForWidth(label.width()), "not clipped"


def test_a_short_message_keeps_the_whole_width(qtbot: QtBot) -> None:
    card = ResultCard()
    qtbot.addWidget(card)
    card.resize(1000, 580)
    card.show()
    qtbot.waitExposed(card)
    card.show_view(CardView(CardState.FAILURE, "未核销", headline="券码不存在"))
    qtbot.wait(20)
    margins = card.headline_label.contentsMargins()
    assert (margins.left(), margins.right()) == (0, 0)
    assert len(_line_widths(card.headline_label)) == 1


def test_cards_reuse_their_row_labels_and_hide_the_spare_ones(qtbot: QtBot) -> None:
    """Making and styling new labels for every card cost most of the time from an answer to
    its painted card (issue #13): the rows keep their labels, only the texts change."""
    card = ResultCard()
    qtbot.addWidget(card)
    card.resize(1024, 580)
    card.show()
    qtbot.waitExposed(card)
    three = (("份数", "1"), ("实付", "¥45.00"), ("订单号", "2024060111040030100000001"))
    card.show_view(CardView(CardState.SUCCESS, "核销成功", "双人下午茶套餐", rows=three))
    before = set(card.rows_widget.findChildren(QLabel))
    assert len(before) == 6

    card.show_view(CardView(CardState.FAILURE, "核销失败", rows=(("原因", "已使用"),)))
    assert set(card.rows_widget.findChildren(QLabel)) == before  # nothing made, nothing dropped
    shown = [w.text() for w in card.rows_widget.findChildren(QLabel) if w.isVisible()]
    assert sorted(shown) == ["原因", "已使用"]
    assert card.text() == "核销失败\n原因 已使用"

    card.show_view(CardView(CardState.IDLE, "请扫码"))
    assert not card.rows_widget.isVisible()
    card.show_view(CardView(CardState.SUCCESS, "核销成功", rows=three))
    shown = [w.text() for w in card.rows_widget.findChildren(QLabel) if w.isVisible()]
    assert len(shown) == 6 and "¥45.00" in shown
