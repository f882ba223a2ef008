"""The redemption service end to end: real simulator over HTTP on loopback, real SQLite journal.

Each test opens the product's own Runtime in training mode in a fresh home folder, so the wiring
that `make run` uses is what is tested.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from pos_app.config.home import AppHome
from pos_app.config.settings import Settings, set_setting
from pos_app.core.errors import AlreadyInFlight, ConfigError, InputInvalid, NotReversible
from pos_app.core.journal import OpKind, OpState
from pos_app.core.messages import message_for
from pos_app.core.models import CodeType
from pos_app.core.service import AlreadyRedeemedHere, OpOutcome
from pos_app.runtime import Runtime
from pos_app.sandbox import Fault, Simulator


@pytest.fixture
def runtime(tmp_path) -> Iterator[Runtime]:
    rt = Runtime.open(AppHome(tmp_path / "home"))
    try:
        yield rt
    finally:
        rt.close()


def demo_code(rt: Runtime, label: str) -> str:
    assert rt.simulator is not None
    return rt.simulator.demo.codes[label]


def sim_redemptions(rt: Runtime, code: str) -> list[object]:
    assert rt.simulator is not None
    return list(rt.simulator.state.redemptions_for(code))


def production_settings(base: Settings, sim: Simulator) -> Settings:
    """Production settings pointing at ``sim`` as if it were the real gateways (loopback)."""
    for key, value in [
        ("alipay.gateway", sim.alipay_url),
        ("top.gateway", sim.top_url),
        ("top.app_key", sim.demo.top_app_key),
        ("alipay.app_id", sim.demo.app_id),
        ("shop.id", sim.demo.shop_id),
        ("mode", "production"),
    ]:
        base = set_setting(base, key, value)
    return base


def force_due(rt: Runtime) -> list[OpOutcome]:
    """Retry every open row as if its backoff had passed."""
    return rt.service.recover()


def test_redeem_single_use_code_succeeds_and_is_journaled(runtime: Runtime) -> None:
    code = demo_code(runtime, "single")
    outcome = runtime.service.redeem(code, operator="alice")
    assert outcome.state is OpState.SUCCEEDED
    assert outcome.redeem is not None and outcome.redeem.item_name
    row = runtime.service.get(outcome.operation.id)
    assert row is not None
    assert row.state is OpState.SUCCEEDED
    assert row.operator == "alice"
    assert row.order_no and row.item_name == outcome.redeem.item_name
    assert row.payload["ticket_code"] == code
    assert len(sim_redemptions(runtime, code)) == 1
    # the state history shows PENDING written before the answer
    states = [c.state for c in runtime.service.history(row.id)]
    assert states[0] is OpState.PENDING and states[-1] is OpState.SUCCEEDED


def test_full_width_scanner_input_is_normalised_before_sending(runtime: Runtime) -> None:
    code = demo_code(runtime, "single")
    wide = "".join(chr(ord(c) + 0xFEE0) for c in code)  # what a Chinese IME produces
    outcome = runtime.service.redeem(f"\x02{wide}\r")
    assert outcome.state is OpState.SUCCEEDED
    assert outcome.operation.code == code


def test_second_scan_of_a_redeemed_code_says_so_without_calling_the_gateway(
    runtime: Runtime,
) -> None:
    code = demo_code(runtime, "single")
    first = runtime.service.redeem(code, operator="alice")
    with pytest.raises(AlreadyRedeemedHere) as info:
        runtime.service.redeem(code)
    assert info.value.previous.id == first.operation.id
    assert info.value.previous.operator == "alice"
    assert len(sim_redemptions(runtime, code)) == 1
    # forcing it reaches the gateway, which refuses a used single-use code
    again = runtime.service.redeem(code, again=True)
    assert again.state is OpState.FAILED
    assert again.error_code == "TICKET_STATUS_ILLEGAL"
    assert again.message is not None and "券" in again.message.zh


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("used", "TICKET_STATUS_ILLEGAL"),
        ("refunded", "TICKET_STATUS_ILLEGAL"),
        ("other_merchant", "NOT_SAME_MERCHANT_PID"),
    ],
)
def test_definite_failures_are_failed_with_a_message(
    runtime: Runtime, label: str, expected: str
) -> None:
    outcome = runtime.service.redeem(demo_code(runtime, label))
    assert outcome.state is OpState.FAILED
    assert outcome.error_code == expected
    assert outcome.message is not None and outcome.message.zh


def test_unknown_code_fails_as_not_exist(runtime: Runtime) -> None:
    outcome = runtime.service.redeem("999999999999")
    assert outcome.state is OpState.FAILED
    assert outcome.error_code == "TICKET_CODE_NOT_EXIST"


def test_quantity_above_remaining_is_refused_by_the_gateway(runtime: Runtime) -> None:
    code = demo_code(runtime, "multi")
    assert runtime.simulator is not None
    remaining = runtime.simulator.state.remaining(code)
    outcome = runtime.service.redeem(code, remaining + 1)
    assert outcome.state is OpState.FAILED
    assert runtime.simulator.state.remaining(code) == remaining


@pytest.mark.parametrize(
    ("raw", "quantity", "code"),
    [
        ("12345", 1, None),  # short digits typed as internal
        ("", 1, None),
        ("abc$%^", 1, None),
        ("016569843362", 0, None),
        ("016569843362", 10000, None),
        ("016569843362", "two", None),
    ],
)
def test_bad_input_is_refused_before_anything_is_written_or_sent(
    runtime: Runtime, raw: str, quantity: object, code: None
) -> None:
    code_type = CodeType.INTERNAL if raw == "12345" else None
    with pytest.raises(InputInvalid):
        runtime.service.redeem(raw, quantity, code_type=code_type)  # type: ignore[arg-type]
    today = datetime.now().date()
    assert runtime.service.day_count(today) == 0
    assert runtime.simulator is not None
    assert runtime.simulator.state.total_requests() == 0


@pytest.mark.parametrize("kind", ["drop_response", "http_500", "system_error", "ticket_processing"])
def test_unknown_outcome_is_retried_with_the_same_request_id_until_definite(
    runtime: Runtime, kind: str
) -> None:
    assert runtime.simulator is not None
    code = demo_code(runtime, "single")
    runtime.simulator.faults.add(Fault(kind, api="redeem", times=1))
    first = runtime.service.redeem(code)
    assert first.state is OpState.UNKNOWN
    assert first.operation.next_retry_at is not None
    assert first.operation.next_retry_at > datetime.now(UTC)
    # not due yet: the timer-driven retry leaves it alone
    assert runtime.service.retry_due() == []
    settled = force_due(runtime)
    assert [o.state for o in settled] == [OpState.SUCCEEDED]
    assert settled[0].operation.id == first.operation.id
    assert settled[0].operation.request_id == first.operation.request_id
    assert len(sim_redemptions(runtime, code)) == 1
    assert runtime.service.open_count() == 0


def test_timeout_is_unknown_then_settles_as_an_idempotent_repeat(tmp_path) -> None:
    home = AppHome(tmp_path / "home")
    from pos_app.config.settings import load_settings, save_settings, set_setting

    save_settings(home, set_setting(load_settings(home), "network.timeout_s", "1"))
    rt = Runtime.open(home)
    try:
        assert rt.simulator is not None
        code = demo_code(rt, "single")
        rt.simulator.faults.add(Fault("timeout", api="redeem", times=1, delay_s=2.5))
        first = rt.service.redeem(code)
        assert first.state is OpState.UNKNOWN
        assert first.error_code == "TIMEOUT"
        settled = rt.service.recover()
        assert settled[0].state is OpState.SUCCEEDED
        # the gateway had committed the first attempt: the retry is its idempotent repeat
        assert settled[0].redeem is not None and settled[0].redeem.repeat
        assert len(sim_redemptions(rt, code)) == 1
        # ...which the cashier reads as "confirmed after a retry", never "already used".
        assert settled[0].confirmed_on_retry
        assert settled[0].message == message_for("RETRY_CONFIRMED")
        assert "网络重试后已确认" in settled[0].message.zh
        assert settled[0].error_code == "TICKET_ALREADY_USED"  # the evidence stays journaled
    finally:
        rt.close()


def test_a_first_try_answered_as_a_repeat_is_not_called_a_retry(runtime: Runtime) -> None:
    """The repeat text stays for an answer that was not our own retry (e.g. a first send the
    gateway had already seen), so the two cases read differently."""
    code = demo_code(runtime, "multi")
    first = runtime.service.redeem(code)
    assert first.state is OpState.SUCCEEDED and not first.confirmed_on_retry
    assert first.message is None


def test_same_code_while_open_does_not_start_a_second_redemption(runtime: Runtime) -> None:
    assert runtime.simulator is not None
    code = demo_code(runtime, "single")
    runtime.simulator.faults.add(Fault("drop_response", api="redeem", times=1))
    first = runtime.service.redeem(code)
    assert first.state is OpState.UNKNOWN
    with pytest.raises(AlreadyInFlight):
        runtime.service.redeem(code)
    with pytest.raises(AlreadyInFlight):
        runtime.service.redeem(code, again=True)
    assert len(runtime.service.find_request(first.operation.request_id)) == 1


def test_reverse_a_redemption_restores_the_voucher(runtime: Runtime) -> None:
    assert runtime.simulator is not None
    code = demo_code(runtime, "multi")
    before = runtime.simulator.state.remaining(code)
    redeemed = runtime.service.redeem(code, 2)
    assert redeemed.state is OpState.SUCCEEDED
    assert runtime.simulator.state.remaining(code) == before - 2
    assert [op.id for op in runtime.service.reversible()] == [redeemed.operation.id]

    reversal = runtime.service.reverse(
        redeemed.operation.id, reason="顾客点错了", manager="店长王", operator="alice"
    )
    assert reversal.state is OpState.SUCCEEDED
    assert reversal.operation.kind is OpKind.REVERSE
    assert reversal.operation.parent_id == redeemed.operation.id
    assert reversal.operation.payload["request_id"] == redeemed.operation.request_id
    assert reversal.operation.payload["request_biz_no"] == redeemed.operation.request_id
    assert reversal.operation.manager == "店长王" and reversal.operation.reason == "顾客点错了"
    assert runtime.simulator.state.remaining(code) == before
    parent = runtime.service.get(redeemed.operation.id)
    assert parent is not None and parent.reversed_by == reversal.operation.id
    assert runtime.service.reversible() == []
    with pytest.raises(NotReversible):
        runtime.service.reverse(redeemed.operation.id, reason="again", manager="店长王")


def _external_redemption_without_order_no(rt: Runtime) -> tuple[str, str, int]:
    """Redeem the demo external code as an integration after 2022-09-22 sees it (seed 003: the
    answer carries no order_no), so the journal row has none: (code, real order no, row id)."""
    assert rt.simulator is not None
    rt.simulator.options.legacy_fields = False
    code = demo_code(rt, "external")
    redeemed = rt.service.redeem(code)
    assert redeemed.state is OpState.SUCCEEDED and redeemed.operation.order_no == ""
    order_no = rt.simulator.state.voucher(code).order_no  # type: ignore[union-attr]
    return code, order_no, redeemed.operation.id


def test_external_reversal_without_order_no_takes_the_managers_one(runtime: Runtime) -> None:
    assert runtime.simulator is not None
    code, order_no, row_id = _external_redemption_without_order_no(runtime)
    sent_before = runtime.simulator.state.total_requests()
    for typed, error in [("", "ORDER_NO_REQUIRED"), ("12-34!", "ORDER_NO_FORMAT")]:
        with pytest.raises(InputInvalid) as refused:
            runtime.service.reverse(row_id, reason="误核销", manager="m", order_no=typed)
        assert (refused.value.code, refused.value.field) == (error, "order_no")
    assert runtime.simulator.state.total_requests() == sent_before  # nothing sent
    assert [op.kind for op in runtime.journal.by_code(code)] == [OpKind.REDEEM]  # none journaled
    assert [op.id for op in runtime.service.reversible()] == [row_id]

    reversal = runtime.service.reverse(row_id, reason="误核销", manager="m", order_no=order_no)
    assert reversal.state is OpState.SUCCEEDED, reversal.error_code
    assert reversal.operation.payload["order_no"] == order_no
    assert reversal.operation.payload["code_type"] == "EXTERNAL_CODE"
    assert reversal.operation.order_no == order_no  # kept on the reversal row
    assert runtime.simulator.state.remaining(code) == 1
    assert runtime.simulator.state.cancels_for(code)[0]["order_no"] == order_no


def test_a_typed_order_no_is_resent_unchanged_on_retry(runtime: Runtime) -> None:
    assert runtime.simulator is not None
    code, order_no, row_id = _external_redemption_without_order_no(runtime)
    runtime.simulator.faults.add(Fault("drop_response", api="cancel", times=1))
    first = runtime.service.reverse(row_id, reason="误核销", manager="m", order_no=order_no)
    assert first.state is OpState.UNKNOWN
    (settled,) = force_due(runtime)
    assert settled.state is OpState.SUCCEEDED
    assert settled.operation.payload["order_no"] == order_no
    assert len(runtime.simulator.state.cancels_for(code)) == 1


def test_a_typed_order_no_must_match_a_logged_one(runtime: Runtime) -> None:
    assert runtime.simulator is not None
    redeemed = runtime.service.redeem(demo_code(runtime, "external")).operation
    assert redeemed.order_no
    with pytest.raises(InputInvalid) as refused:
        runtime.service.reverse(redeemed.id, reason="x", manager="m", order_no="1" * 32)
    assert refused.value.code == "ORDER_NO_MISMATCH"
    assert runtime.simulator.state.cancels_for(redeemed.code) == []


def test_reverse_needs_a_reason_and_a_succeeded_redemption(runtime: Runtime) -> None:
    failed = runtime.service.redeem("999999999999")
    with pytest.raises(NotReversible):
        runtime.service.reverse(failed.operation.id, reason="x", manager="m")
    ok = runtime.service.redeem(demo_code(runtime, "single"))
    with pytest.raises(InputInvalid) as info:
        runtime.service.reverse(ok.operation.id, reason="   ", manager="m")
    assert info.value.code == "REASON_REQUIRED"


@pytest.mark.parametrize("kind", ["drop_response", "bad_signature", "system_error"])
def test_reversal_with_unknown_outcome_settles_once(runtime: Runtime, kind: str) -> None:
    assert runtime.simulator is not None
    code = demo_code(runtime, "single")
    redeemed = runtime.service.redeem(code)
    runtime.simulator.faults.add(Fault(kind, api="cancel", times=1))
    reversal = runtime.service.reverse(redeemed.operation.id, reason="误操作", manager="m")
    assert reversal.state is OpState.UNKNOWN
    if kind == "bad_signature":
        assert reversal.error_code == "SIGNATURE_INVALID"
    settled = runtime.service.recover()
    assert [o.state for o in settled] == [OpState.SUCCEEDED]
    assert (
        runtime.simulator.state.cancels_for(code)
        and len(runtime.simulator.state.cancels_for(code)) == 1
    )


def test_sync_sets_the_remaining_count_of_an_external_code(runtime: Runtime) -> None:
    assert runtime.simulator is not None
    code = demo_code(runtime, "external")
    order_no = runtime.simulator.state.voucher(code).order_no  # type: ignore[union-attr]
    outcome = runtime.service.sync(code, 0, order_no=order_no, manager="m")
    assert outcome.state is OpState.SUCCEEDED
    assert runtime.simulator.state.remaining(code) == 0
    with pytest.raises(InputInvalid):
        runtime.service.sync(code, 10000, order_no=order_no)
    # the order no is remembered from the journal for the next sync of the same code
    again = runtime.service.sync(code, 1, manager="m")
    assert again.state is OpState.SUCCEEDED and again.operation.order_no == order_no
    with pytest.raises(InputInvalid) as info:
        runtime.service.sync(demo_code(runtime, "multi"), 1)  # no order no known for it here
    assert info.value.field == "order_no"


def test_listener_hears_every_settlement(runtime: Runtime) -> None:
    heard: list[OpState] = []
    runtime.service.add_listener(lambda o: heard.append(o.state))
    runtime.service.redeem(demo_code(runtime, "single"))
    runtime.service.redeem("999999999999")
    assert heard == [OpState.SUCCEEDED, OpState.FAILED]


def test_seconds_to_next_retry_follows_the_backoff(runtime: Runtime) -> None:
    assert runtime.simulator is not None
    assert runtime.service.seconds_to_next_retry() is None
    runtime.simulator.faults.add(Fault("system_error", api="redeem", times=1))
    runtime.service.redeem(demo_code(runtime, "single"))
    wait = runtime.service.seconds_to_next_retry()
    assert wait is not None and 0 < wait <= 2.5
    later = datetime.now(UTC) + timedelta(seconds=3)
    runtime.service._clock = lambda: later  # the retry timer's view after the backoff
    assert [o.state for o in runtime.service.retry_due()] == [OpState.SUCCEEDED]


def test_switching_mode_at_run_time_moves_where_requests_go(runtime: Runtime) -> None:
    from pos_app.config.settings import set_setting

    sim = runtime.simulator
    assert sim is not None
    production = production_settings(runtime.settings, sim)
    runtime.apply_settings(production)
    assert runtime.simulator is None  # production keeps no demo simulator running
    assert not runtime.training
    runtime.apply_settings(set_setting(production, "mode", "training"))
    assert runtime.simulator is not None
    outcome = runtime.service.redeem(demo_code(runtime, "single_2"))
    assert outcome.state is OpState.SUCCEEDED


def test_each_mode_has_its_own_undo_log_and_production_is_not_left_open(
    runtime: Runtime,
) -> None:
    """Demo and real redemptions never mix, a row is only retried at its own gateway, and
    leaving production with a real redemption of unknown outcome is refused."""
    from pos_app.config.settings import load_settings, set_setting
    from pos_app.secrets.memory import MemorySecretStore

    sim = runtime.simulator
    assert sim is not None
    sim.faults.add(Fault("drop_response", api="redeem", times=1))
    demo_op = runtime.service.redeem(demo_code(runtime, "single")).operation
    assert demo_op.state is OpState.UNKNOWN
    production = production_settings(runtime.settings, sim)
    runtime.apply_settings(production)  # open demo rows may wait in the training log
    assert not runtime.training and runtime.simulator is None
    assert runtime.service.open_count() == 0  # the production log is a different file
    assert runtime.journal is not None and runtime.home.journal_file.exists()

    # a "real" redemption of unknown outcome, against a stand-in gateway on loopback
    gateway = sim.__class__.start(host="127.0.0.1", port=0, data_dir=None)
    try:
        for key, value in [
            ("top.gateway", gateway.top_url),
            ("top.app_key", gateway.demo.top_app_key),
            ("shop.id", gateway.demo.shop_id),
        ]:
            production = set_setting(production, key, value)
        runtime.apply_settings(production)
        demo = gateway.demo
        runtime.secrets = MemorySecretStore(
            {"top-app-secret": demo.top_app_secret, "top-session": demo.top_session}
        )
        gateway.faults.add(Fault("drop_response", api="redeem", times=1))
        real = runtime.service.redeem(gateway.demo.codes["single"])
        assert real.state is OpState.UNKNOWN
        with pytest.raises(ConfigError) as refused:
            runtime.apply_settings(set_setting(production, "mode", "training"))
        assert refused.value.code == "MODE_SWITCH_OPEN"
        assert load_settings(runtime.home).mode == "production"  # nothing saved
        assert [o.state for o in runtime.service.recover()] == [OpState.SUCCEEDED]
        runtime.apply_settings(set_setting(production, "mode", "training"))
    finally:
        gateway.stop()
    # back in training: the demo row is there, retried against the simulator, never production
    assert runtime.training and runtime.simulator is not None
    assert [o.operation.id for o in runtime.service.recover()] == [demo_op.id]
    assert runtime.service.day_count(datetime.now().date()) == 1


def test_settings_changes_and_key_imports_are_audited_without_secrets(runtime: Runtime) -> None:
    from pos_app.config.settings import set_setting
    from pos_app.secrets.memory import MemorySecretStore

    runtime.apply_settings(set_setting(runtime.settings, "network.timeout_s", "7"), by="店长王")
    runtime.secrets = MemorySecretStore()  # the keyring itself is tested in test_keyring.py
    secret = "s3cr3t-top-app-secret-value"
    runtime.import_key("top-app-secret", secret, by="店长王")
    entries = runtime.journal.audit_entries(datetime.now().date())
    assert [(e.actor, e.action) for e in entries] == [
        ("店长王", "settings"),
        ("店长王", "key-import"),
    ]
    assert "network.timeout_s: 10.0 → 7.0" in entries[0].detail
    assert "top-app-secret" in entries[1].detail
    assert secret not in entries[1].detail


def test_a_missing_key_in_production_is_named_and_nothing_is_journaled(
    runtime: Runtime, simulator: Simulator
) -> None:
    from pos_app.secrets.memory import MemorySecretStore

    sim = simulator  # the runtime's own simulator stops when it goes to production
    production = production_settings(runtime.settings, sim)
    code = sim.demo.codes["single"]
    runtime.apply_settings(production)
    runtime.secrets = MemorySecretStore(
        {
            "alipay-private-key": sim.demo.app_private_key_b64,
            "alipay-public-key": sim.demo.alipay_public_key_b64,
            "top-app-secret": sim.demo.top_app_secret,
        }
    )
    with pytest.raises(ConfigError) as missing:
        runtime.service.redeem(code)
    assert (missing.value.code, missing.value.detail) == ("SECRET_MISSING", "top-session")
    assert sim.demo.top_app_secret not in str(missing.value)
    assert runtime.service.day_count(datetime.now().date()) == 0
    runtime.secrets.set("top-session", sim.demo.top_session)
    assert runtime.service.redeem(code).state is OpState.SUCCEEDED


def test_a_shop_id_the_gateway_would_refuse_is_refused_before_the_journal(
    runtime: Runtime,
) -> None:
    from pos_app.core.service import ShopConfig

    runtime.service.set_shop(ShopConfig(shop_id="bad shop id!"))
    with pytest.raises(InputInvalid) as info:
        runtime.service.redeem(demo_code(runtime, "single"))
    assert info.value.field == "shop_id"
    assert runtime.service.day_count(datetime.now().date()) == 0


def test_a_stored_payload_refused_on_retry_stays_unknown(runtime: Runtime) -> None:
    from pos_app.core.journal import NewOperation

    # a row an older version wrote and sent, whose payload today's rules refuse
    op = runtime.journal.add(
        NewOperation(
            kind=OpKind.REDEEM,
            request_id="ROLDVERSION0001",
            code=demo_code(runtime, "single_3"),
            code_type="INTERNAL_CODE",
            quantity=1,
            payload={
                "ticket_request_id": "ROLDVERSION0001",
                "ticket_code": demo_code(runtime, "single_3"),
                "quantity": "1",
                "shop_id": "shop with spaces",
                "shop_type": "INTERNAL_SHOP",
                "gmt_biz": "",
            },
        )
    )
    outcomes = runtime.service.recover()
    assert [o.state for o in outcomes] == [OpState.UNKNOWN]
    row = runtime.service.get(op.id)
    assert row is not None and row.state is OpState.UNKNOWN and row.error_code == "FIELD_INVALID"


def test_one_row_that_cannot_be_retried_does_not_block_the_others(runtime: Runtime) -> None:
    assert runtime.simulator is not None
    runtime.simulator.faults.add(Fault("drop_response", api="redeem", times=2))
    first = runtime.service.redeem(demo_code(runtime, "single"))
    second = runtime.service.redeem(demo_code(runtime, "single_2"))
    assert first.state is second.state is OpState.UNKNOWN
    real_settle = runtime.journal.settle
    calls = {"n": 0}

    def settle_failing_once(op_id, how):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            from pos_app.core.errors import JournalError

            raise JournalError(detail="disk busy")
        return real_settle(op_id, how)

    runtime.journal.settle = settle_failing_once  # type: ignore[method-assign]
    outcomes = runtime.service.recover()
    assert [o.operation.id for o in outcomes] == [first.operation.id, second.operation.id]
    # The first answer could not be written after its request left: unknown, kept open.
    assert outcomes[0].state.is_open and outcomes[0].error_code == "JOURNAL_AFTER_SEND"
    assert outcomes[1].state is OpState.SUCCEEDED
    runtime.journal.settle = real_settle  # type: ignore[method-assign]
    assert [o.state for o in runtime.service.recover()] == [OpState.SUCCEEDED]
    assert len(sim_redemptions(runtime, demo_code(runtime, "single"))) == 1


def test_a_shop_with_only_top_keys_can_redeem(runtime: Runtime) -> None:
    from pos_app.config.settings import set_setting
    from pos_app.secrets.memory import MemorySecretStore

    sim = runtime.simulator
    assert sim is not None
    production = production_settings(runtime.settings, sim)
    runtime.apply_settings(set_setting(production, "mode", "training"))  # keys come first
    code = demo_code(runtime, "single_3")
    runtime.simulator = None
    runtime.settings = production
    runtime.secrets = MemorySecretStore(
        {"top-app-secret": sim.demo.top_app_secret, "top-session": sim.demo.top_session}
    )
    runtime.forget_clients()
    try:
        outcome = runtime.service.redeem(code)
        assert outcome.state is OpState.SUCCEEDED
        from pos_app.core.errors import SecretMissing

        with pytest.raises(SecretMissing) as info:
            runtime.service.reverse(outcome.operation.id, reason="x", manager="m")
        assert "alipay-private-key" in info.value.detail
    finally:
        runtime.simulator = sim  # closed by the fixture


def test_a_reversal_reason_of_invisible_characters_is_refused_and_nothing_is_sent(
    runtime: Runtime,
) -> None:
    code = demo_code(runtime, "single")
    redeemed = runtime.service.redeem(code).operation
    assert runtime.simulator is not None
    before = runtime.simulator.state.total_requests()
    with pytest.raises(InputInvalid) as info:
        runtime.service.reverse(redeemed.id, reason="\u202e\u200b ", manager="店长王")
    assert (info.value.code, info.value.field) == ("TEXT_INVISIBLE", "reason")
    assert runtime.simulator.state.total_requests() == before
    assert runtime.simulator.state.cancels_for(code) == []
    assert [op.kind for op in runtime.service.day_page(datetime.now().date())] == [OpKind.REDEEM]


def _production_keys(sim: Simulator) -> dict[str, str]:
    demo = sim.demo
    return {
        "alipay-private-key": demo.app_private_key_b64,
        "alipay-public-key": demo.alipay_public_key_b64,
        "top-app-secret": demo.top_app_secret,
        "top-session": demo.top_session,
    }


def _strand_a_production_row(runtime: Runtime, gateway: Simulator) -> tuple[str, int]:
    """A real redemption of unknown outcome, then settings.toml edited by hand to training
    (no mode-switch check runs). Returns the code and the row's id."""
    from pos_app.config.settings import save_settings
    from pos_app.secrets.memory import MemorySecretStore

    production = production_settings(runtime.settings, gateway)
    runtime.apply_settings(production)
    runtime.secrets = MemorySecretStore(_production_keys(gateway))
    gateway.faults.add(Fault("drop_response", api="redeem", times=1))
    code = gateway.demo.codes["single"]
    row = runtime.service.redeem(code).operation
    assert row.state is OpState.UNKNOWN
    runtime.close()
    save_settings(runtime.home, set_setting(production, "mode", "training"))  # the hand edit
    return code, row.id


def test_a_production_row_hidden_by_a_hand_edit_to_training_is_retried_at_production(
    runtime: Runtime, simulator: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    from pos_app.secrets.memory import MemorySecretStore

    code, row_id = _strand_a_production_row(runtime, simulator)
    with caplog.at_level("WARNING", logger="pos_app.runtime"):
        training = Runtime.open(runtime.home)
    try:
        assert training.training and training.simulator is not None
        assert any("1 production operation(s) still open" in r.getMessage() for r in caplog.records)
        assert training.service.open_count() == 1  # what the status bar shows
        assert training.service.seconds_to_next_retry() is not None  # the retry timer sees it
        assert [op.id for op in training.other_mode_open()] == [row_id]
        training.secrets = MemorySecretStore(_production_keys(simulator))
        outcomes = training.service.recover()
        assert [(o.operation.id, o.state) for o in outcomes] == [(row_id, OpState.SUCCEEDED)]
        assert len(simulator.state.redemptions_for(code)) == 1  # at "production", once
        assert training.simulator.state.redemptions_for(code) == []  # never the demo gateway
        assert training.service.open_count() == 0
        assert training.service.day_count(datetime.now().date()) == 0  # not in training totals
    finally:
        training.close()


def test_a_stranded_production_row_without_production_keys_stays_unknown(
    runtime: Runtime, simulator: Simulator
) -> None:
    from pos_app.secrets.memory import MemorySecretStore

    code, row_id = _strand_a_production_row(runtime, simulator)
    training = Runtime.open(runtime.home)
    try:
        training.secrets = MemorySecretStore()  # the production keys are gone
        outcomes = training.service.recover()
        assert [(o.operation.id, o.error_code) for o in outcomes] == [(row_id, "SECRET_MISSING")]
        assert [op.state for op in training.other_mode_open()] == [OpState.UNKNOWN]
        assert training.service.open_count() == 1
        assert len(simulator.state.redemptions_for(code)) == 1  # only the first, lost answer
    finally:
        training.close()
