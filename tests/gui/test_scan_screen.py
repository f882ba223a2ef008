"""The scan screen's result card, driven by a scripted service on the real serial worker."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest
from gui_fakes import CODE, FakeService, failure, make_op, success, unknown
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.core.errors import AlreadyInFlight, ConfigError, InputInvalid
from pos_app.core.journal import OpState
from pos_app.core.messages import message_for
from pos_app.core.models import VoucherInfo
from pos_app.core.service import AlreadyRedeemedHere, OpOutcome
from pos_app.ui.screens.scan import ScanScreen
from pos_app.ui.service_bridge import ServiceEvents
from pos_app.ui.sound import Cue, SoundPlayer
from pos_app.ui.tasks import TaskManager
from pos_app.ui.widgets.result_card import CardState


@pytest.fixture
def sounds() -> SoundPlayer:
    return SoundPlayer(enabled=True, player=lambda _path: True)


@pytest.fixture
def screen(
    qtbot: QtBot, zh_ui: None, fake_service: FakeService, tasks: TaskManager, sounds: SoundPlayer
) -> Iterator[ScanScreen]:
    events = ServiceEvents(fake_service)  # type: ignore[arg-type]
    widget = ScanScreen(fake_service, tasks, events, sounds=sounds)  # type: ignore[arg-type]
    qtbot.addWidget(widget)
    widget.resize(1024, 640)
    widget.show()
    yield widget
    events.deleteLater()


def redeem(qtbot: QtBot, screen: ScanScreen, code: str = CODE, **kw: object) -> None:
    assert screen.submit(code, **kw)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: not screen.busy, timeout=5000)


def test_idle_card_asks_for_a_scan(screen: ScanScreen) -> None:
    assert screen.card.state is CardState.IDLE
    assert screen.card.title_label.text() == "请扫码"


def test_success_card_shows_item_quantity_paid_order_and_time(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService, sounds: SoundPlayer
) -> None:
    fake_service.script.append(success(quantity=2))
    redeem(qtbot, screen, quantity=2)
    card = screen.card
    assert card.state is CardState.SUCCESS
    assert card.property("state") == "success"
    assert card.title_label.text() == "核销成功"
    assert card.headline_label.text() == "双人下午茶套餐"
    rows = dict(card.view.rows)
    assert rows["份数"] == "2"
    assert rows["顾客实付"] == "¥45.00"
    assert rows["订单号"] == "20261123000000001234"
    assert rows["时间"].startswith("20")
    assert rows["券码"] == "**** **** 4417"  # masked on screen too
    assert CODE not in card.text()
    assert fake_service.calls == [
        {
            "code": CODE,
            "quantity": 2,
            "code_type": None,
            "again": False,
            "ticket_id": "",
            "operator": "",
        }
    ]
    assert sounds.played[-1] is Cue.SUCCESS


def test_failure_card_gives_the_reason_in_chinese(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService, sounds: SoundPlayer
) -> None:
    fake_service.script.append(failure(code="NOT_SAME_MERCHANT_PID"))
    redeem(qtbot, screen)
    assert screen.card.state is CardState.FAILURE
    assert screen.card.title_label.text() == "核销失败"
    assert screen.card.headline_label.text() == message_for("NOT_SAME_MERCHANT_PID").zh
    assert "NOT_SAME_MERCHANT_PID" in screen.card.footnote_label.text()
    assert sounds.played[-1] is Cue.FAILURE


def test_english_ui_shows_the_english_message(
    qtbot: QtBot, fake_service: FakeService, tasks: TaskManager, en_ui: None
) -> None:
    widget = ScanScreen(fake_service, tasks)  # type: ignore[arg-type]
    qtbot.addWidget(widget)
    fake_service.script.append(failure(code="TICKET_CODE_NOT_EXIST"))
    redeem(qtbot, widget)
    assert widget.card.headline_label.text() == message_for("TICKET_CODE_NOT_EXIST").en


def test_unknown_card_is_amber_with_progress_then_turns_green_on_its_own(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService, sounds: SoundPlayer
) -> None:
    fake_service.script.append(unknown(op_id=7, code="TIMEOUT", retry_in_s=30))
    redeem(qtbot, screen)
    card = screen.card
    assert card.state is CardState.UNKNOWN
    assert card.property("state") == "unknown"
    assert card.title_label.text() == "正在确认…"
    assert card.headline_label.text() == message_for("TIMEOUT").zh
    assert "已尝试 1 次" in card.detail_label.text()
    assert "秒后自动重试" in card.detail_label.text()
    assert sounds.played[-1] is Cue.ATTENTION
    # The retry pump settles the row on the worker; the service tells its listeners.
    fake_service.notify(success(op_id=7, attempts=2))
    qtbot.waitUntil(lambda: card.state is CardState.SUCCESS, timeout=2000)
    assert card.headline_label.text() == "双人下午茶套餐"
    assert sounds.played[-1] is Cue.SUCCESS


def test_unknown_then_still_unknown_updates_the_attempts(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService
) -> None:
    fake_service.script.append(unknown(op_id=3, retry_in_s=5))
    redeem(qtbot, screen)
    fake_service.notify(unknown(op_id=3, code="SYSTEM_ERROR", retry_in_s=10, attempts=2))
    qtbot.waitUntil(lambda: "已尝试 2 次" in screen.card.detail_label.text(), timeout=2000)
    assert screen.card.headline_label.text() == message_for("SYSTEM_ERROR").zh


def test_unknown_turns_red_when_settled_failed(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService
) -> None:
    fake_service.script.append(unknown(op_id=4))
    redeem(qtbot, screen)
    fake_service.notify(failure(op_id=4, code="TICKET_STATUS_ILLEGAL"))
    qtbot.waitUntil(lambda: screen.card.state is CardState.FAILURE, timeout=2000)
    assert screen.card.headline_label.text() == message_for("TICKET_STATUS_ILLEGAL").zh


def test_settling_an_earlier_unknown_while_another_card_shows_is_a_notice(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService
) -> None:
    fake_service.script.append(unknown(op_id=5))
    redeem(qtbot, screen)
    fake_service.script.append(success(op_id=6, code="286501034425"))
    redeem(qtbot, screen, code="286501034425")
    with qtbot.waitSignal(screen.notice, timeout=2000) as signal:
        fake_service.notify(success(op_id=5))
    assert signal.args == ["券 **** **** 4417 已确认：核销成功。"]
    assert screen.card.headline_label.text() == "双人下午茶套餐"  # card stays on the new one
    assert dict(screen.card.view.rows)["券码"].endswith("4425")


def test_busy_while_in_flight_and_a_second_scan_of_the_same_code_is_told(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService
) -> None:
    fake_service.gate = threading.Event()
    fake_service.script.append(success())
    with qtbot.waitSignal(screen.busy_changed) as signal:
        assert screen.submit(CODE)
    assert signal.args == [True]
    assert screen.card.state is CardState.BUSY
    assert screen.card.title_label.text() == "正在核销…"
    assert not screen.submit(CODE)  # the scanner fired twice
    assert screen.input_error.isVisible()
    assert screen.input_error.text() == message_for("ALREADY_IN_FLIGHT").zh
    assert not screen.submit("286501034425")  # another voucher must wait too
    assert "上一张券还在核销中" in screen.input_error.text()
    fake_service.gate.set()
    qtbot.waitUntil(lambda: screen.card.state is CardState.SUCCESS, timeout=5000)
    assert len(fake_service.calls) == 1  # exactly one redemption reached the service


def test_input_mistake_is_inline_and_the_card_stays_ready(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService
) -> None:
    fake_service.script.append(InputInvalid("CODE_FORMAT", "ticket_code"))
    redeem(qtbot, screen, code="12-34")
    assert screen.input_error.isVisible()
    assert screen.input_error.text() == message_for("CODE_FORMAT").zh
    assert screen.card.state is CardState.IDLE
    fake_service.script.append(success())
    redeem(qtbot, screen)
    assert not screen.input_error.isVisible()  # cleared by the next scan


def test_service_refusing_in_flight_is_inline(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService
) -> None:
    fake_service.script.append(AlreadyInFlight(detail="operation 1"))
    redeem(qtbot, screen)
    assert screen.input_error.text() == message_for("ALREADY_IN_FLIGHT").zh


def test_config_error_is_a_red_card_for_the_manager(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService
) -> None:
    fake_service.script.append(ConfigError(detail="shop.id is not set"))
    redeem(qtbot, screen)
    assert screen.card.state is CardState.FAILURE
    assert screen.card.headline_label.text() == message_for("CONFIG_ERROR").zh


def test_unexpected_error_is_logged_and_shown_generically(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService, caplog: pytest.LogCaptureFixture
) -> None:
    fake_service.script.append(RuntimeError("boom"))
    with caplog.at_level(logging.ERROR):
        redeem(qtbot, screen)
    assert screen.card.state is CardState.FAILURE
    assert screen.card.headline_label.text() == message_for("POS_ERROR").zh
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)


def test_already_redeemed_here_shows_when_and_who_and_can_redeem_again(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService, probe: TaskManager
) -> None:
    screen._probe = probe  # lookups on the probe lane, as the main window gives it
    previous = make_op(9, operator="小王", item_name="单人套餐")
    fake_service.script.append(AlreadyRedeemedHere(previous))
    fake_service.lookups.append(
        VoucherInfo(CODE, status="EFFECTIVE", total_quantity=10, available_quantity=4)
    )
    redeem(qtbot, screen, quantity=1)
    card = screen.card
    assert card.state is CardState.ALREADY
    assert card.title_label.text() == "本机已核销过这张券"
    rows = dict(card.view.rows)
    assert rows["核销人"] == "小王"
    assert rows["收银台"] == "POS1"  # the till has its own row; 核销人 is a person
    assert rows["核销时间"].startswith("20")
    # 再次核销 only once the lookup says it is a 次卡 with uses left
    qtbot.waitUntil(card.action_button.isVisible, timeout=5000)
    assert dict(card.view.rows)["剩余次数"] == "剩余 4 次（共 10 次）"
    assert card.action_button.text() == "再次核销（次卡）"
    fake_service.script.append(success(op_id=10))
    qtbot.mouseClick(card.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: card.state is CardState.SUCCESS, timeout=5000)
    assert fake_service.calls[-1]["again"] is True
    assert not card.action_button.isVisible()


def test_repeat_success_notes_it_was_already_done(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService
) -> None:
    outcome = success()
    fake_service.script.append(
        OpOutcome(
            outcome.operation,
            "TICKET_ALREADY_USED",
            message_for("TICKET_ALREADY_USED"),
            outcome.redeem,
        )
    )
    redeem(qtbot, screen)
    assert screen.card.state is CardState.SUCCESS
    assert screen.card.detail_label.text() == message_for("TICKET_ALREADY_USED").zh


def test_reset_returns_to_idle(qtbot: QtBot, screen: ScanScreen, fake_service: FakeService) -> None:
    fake_service.script.append(failure())
    redeem(qtbot, screen)
    screen.reset()
    assert screen.card.state is CardState.IDLE
    assert screen.card.title_label.text() == "请扫码"


def test_other_kinds_of_outcome_do_not_touch_the_card(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService
) -> None:
    fake_service.script.append(unknown(op_id=11))
    redeem(qtbot, screen)
    from pos_app.core.journal import OpKind

    reversal = OpOutcome(make_op(11, kind=OpKind.REVERSE, state=OpState.SUCCEEDED))
    fake_service.notify(reversal)
    qtbot.wait(100)
    assert screen.card.state is CardState.UNKNOWN


def test_who_redeemed_is_never_the_till_id(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService
) -> None:
    """A row written before the operator was recorded says "—", not the till's id."""
    fake_service.script.append(AlreadyRedeemedHere(make_op(9, operator="", terminal="LANE1")))
    redeem(qtbot, screen)
    rows = dict(screen.card.view.rows)
    assert rows["核销人"] == "—"
    assert rows["收银台"] == "LANE1"


def test_the_operator_is_sent_with_each_redemption(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService
) -> None:
    screen.operator = "收银员小李"
    fake_service.script.append(success())
    redeem(qtbot, screen)
    assert fake_service.calls[-1]["operator"] == "收银员小李"


@pytest.mark.parametrize(
    "outcome",
    [failure(), success(), OpOutcome(make_op(state=OpState.REVIEW), "TICKET_ALREADY_USED")],
)
def test_a_settled_card_goes_back_to_scan_after_the_idle_time(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService, outcome: OpOutcome
) -> None:
    screen.set_idle_reset(1)
    fake_service.script.append(outcome)
    redeem(qtbot, screen)
    assert screen.card.state is not CardState.IDLE
    qtbot.wait(500)
    assert screen.card.state is not CardState.IDLE, "reset too early"
    qtbot.waitUntil(lambda: screen.card.state is CardState.IDLE, timeout=2000)
    assert screen.card.title_label.text() == "请扫码"


def test_the_confirming_card_and_a_disabled_idle_reset_stay(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService
) -> None:
    screen.idle_reset_ms = 100
    fake_service.script.append(unknown())
    redeem(qtbot, screen)
    qtbot.wait(300)
    assert screen.card.state is CardState.UNKNOWN  # still changes on its own: not stale
    screen.set_idle_reset(0)
    fake_service.script.append(failure(op_id=2))
    redeem(qtbot, screen, "286501034425")
    qtbot.wait(300)
    assert screen.card.state is CardState.FAILURE


def test_success_confirmed_by_a_retry_does_not_read_as_already_used(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService
) -> None:
    first = unknown()
    fake_service.script.append(first)
    redeem(qtbot, screen)
    done = success()
    retried = OpOutcome(
        done.operation,
        "TICKET_ALREADY_USED",
        message_for("RETRY_CONFIRMED"),
        done.redeem,
        confirmed_on_retry=True,
    )
    fake_service.notify(retried)  # the retry pump's answer, via the service listener
    qtbot.waitUntil(lambda: screen.card.state is CardState.SUCCESS, timeout=3000)
    assert screen.card.title_label.text() == "核销成功（网络重试后已确认）"
    assert "此前已成功" not in screen.card.text()
    assert "重复请求" not in screen.card.text()


def test_hand_typed_characters_are_handed_on_not_dropped(qtbot: QtBot, screen: ScanScreen) -> None:
    typed: list[str] = []
    screen.typed.connect(typed.append)
    screen.setFocus()
    qtbot.keyClicks(screen, "28a")
    qtbot.keyClick(screen, Qt.Key.Key_F5)  # not a character: left to others
    assert typed == ["2", "8", "a"]


def test_already_redeemed_here_offers_nothing_when_the_lookup_fails(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService, probe: TaskManager
) -> None:
    screen._probe = probe
    fake_service.script.append(AlreadyRedeemedHere(make_op(9, operator="小王")))
    redeem(qtbot, screen)  # the fake's lookup cannot reach the platform
    qtbot.waitUntil(lambda: not probe.busy, timeout=5000)
    assert fake_service.lookup_calls == [CODE]
    assert screen.card.state is CardState.ALREADY
    assert not screen.card.action_button.isVisible()


def test_a_failure_keeps_its_generic_reason_when_the_lookup_fails(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService, probe: TaskManager
) -> None:
    screen._probe = probe
    fake_service.script.append(failure(code="TICKET_STATUS_ILLEGAL"))
    redeem(qtbot, screen)
    assert screen.card.headline_label.text() == message_for("TICKET_STATUS_ILLEGAL").zh
    qtbot.waitUntil(lambda: not probe.busy, timeout=5000)
    assert screen.card.headline_label.text() == message_for("TICKET_STATUS_ILLEGAL").zh
    assert screen.card.detail_label.text() == ""


def test_the_follow_up_lookup_starts_after_the_success_card_is_painted(
    qtbot: QtBot, screen: ScanScreen, fake_service: FakeService, probe: TaskManager
) -> None:
    """The 次卡 lookup after a success runs on the probe lane; started before the card's first
    paint, its work competed with painting the answer (issue #13)."""
    from PySide6.QtCore import QEvent, QObject

    screen._probe = probe
    order: list[str] = []

    class PaintWatch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and screen.card.state is CardState.SUCCESS:
                order.append("painted")
            return False

    watch = PaintWatch()
    screen.card.installEventFilter(watch)
    lookup = fake_service.lookup
    fake_service.lookup = lambda code: (order.append("lookup"), lookup(code))[1]  # type: ignore[method-assign]
    fake_service.script.append(success())
    redeem(qtbot, screen)
    qtbot.waitUntil(lambda: "lookup" in order, timeout=5000)
    qtbot.waitUntil(lambda: not probe.busy, timeout=5000)
    assert order.index("painted") < order.index("lookup")
    screen.card.removeEventFilter(watch)
