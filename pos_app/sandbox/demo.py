"""The demo data set and the demo key pairs of the local gateway simulator.

Everything here is made up: two merchants, their shops, items, and a fixed list of voucher codes,
each set up for one situation (a fresh single-use code, a 10-use card, one already used, ...).
The codes never change, so training material and tests can name them.

Keys are generated at first start: an RSA-2048 pair for the demo app (it signs requests), an
RSA-2048 pair for the simulator's own "Alipay" side (it signs responses), and a TOP app key,
secret and session. With a data directory they are kept in ``keys.json`` (mode 0600); without one
they live in memory. They are never real keys and are never logged.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from pos_app.core.clock import now_china
from pos_app.core.files import write_atomic
from pos_app.gateways.keys import load_private_key, private_key_pkcs8_base64, public_key_base64

logger = logging.getLogger(__name__)

KEYS_FILE = "keys.json"

OUR_PID = "2088102000000001"
OTHER_PID = "2088102000000002"
DEMO_APP_ID = "9021000100000001"
DEMO_TOP_APP_KEY = "34000001"
OUR_SHOP_ID = "671505495"
OUR_SHOP_2_ID = "671505496"
OUR_SHOP_EXTERNAL_ID = "store-001"
OTHER_SHOP_ID = "771505495"
# The one app_auth_token the simulator's Alipay gateway accepts (optional parameter; any other
# token is "无效的应用授权令牌", code 20001). Same shape as a real one: 40 letters and digits.
DEMO_APP_AUTH_TOKEN = "202406BB8f3c1d2e4a5b6c7d8e9f0a1b2c3d4X01"  # noqa: S105 - demo, not real

# label -> code. Internal codes are 12 digits; external codes letters and digits.
DEMO_CODES: dict[str, str] = {
    "single": "286501034417",  # fresh single-use voucher (双人下午茶套餐)
    "single_2": "286501034425",  # another fresh single-use voucher
    "single_3": "286501034433",  # and another one, for training
    "multi": "286501038830",  # 10-use card (次卡), 10 uses left
    "used": "286501030019",  # already redeemed here (request id in DEMO_REQUEST_IDS["used"])
    "refunded": "286501030027",  # redeemed, then refunded by customer service
    "expired": "286501030035",  # expired before use; one failed attempt is on record
    "refunding": "286501030043",  # refund in progress: TICKET_PROCESSING twice, then refunded
    "flaky": "286501030051",  # first attempt of every request id answers SYSTEM_ERROR
    "other_channel": "286501030068",  # redeemed in the Koubei merchant app, not the open platform
    "other_merchant": "391274650012",  # belongs to the other merchant (隔壁奶茶店)
    "external": "GAL358309629",  # our own external code, 1 use, with an order number
    "external_multi": "EXT2024A0001",  # our own external code, 5 uses
    "third_party": "QM6201900017",  # third-party code (三方码): redeem only with its ticket_id
    "third_party_multi": "QM6201900025",  # third-party code, 3 uses, likewise
    "not_yet": "286501030076",  # valid from a week after the data set was made (UN_EFFECTIVE)
    "other_shop": "286501030084",  # valid only at the second demo shop (UN_EFFECTIVE here)
    "using": "286501030092",  # being redeemed elsewhere: TICKET_PROCESSING twice, then used
}

# label -> ticket_id of the third-party codes (seed 003: "本地侧凭证id，如果是三方码值核销传参
# ticketId，则该参数必须"). A redemption of one of these without its ticket_id is refused.
DEMO_TICKET_IDS: dict[str, str] = {
    "third_party": "2024060100073002315000000017",
    "third_party_multi": "2024060100073002315000000025",
}

# label -> request id of a redemption already on record in the demo data.
DEMO_REQUEST_IDS: dict[str, str] = {
    "used": "SIMPRIORUSE0001",  # reversible in training
    "refunded": "SIMPRIORREFUND0001",  # cancel -> TICKET_STATUS_ILLEGAL (refunded since)
    "expired": "SIMPRIORCLOSED0001",  # failed attempt: cancel -> USE_BIZ_ORDER_CLOSE
    "other_channel": "KBAPP20240601000001",  # cancel -> USE_CHANNEL_NOT_EQUAL
}

_ORDER_PREFIX = "2024060111040030100130500"


def _order(n: int) -> str:
    return f"{_ORDER_PREFIX}{n:07d}"


DEMO_ORDER_NOS: dict[str, str] = {label: _order(i + 1) for i, label in enumerate(DEMO_CODES)}

_ITEMS: dict[str, dict[str, str]] = {
    "tea": {
        "item_id": "2015060400076000000000012100",
        "item_alias": "2019060100076000000000002845",
        "item_name": "双人下午茶套餐",
        "original_price": "100.00",
        "current_price": "50.00",
        "buyer_pay_amount": "45.00",
        "receipt_amount": "49.00",
        "discount_amount": "1.00",
        "merchant_subsidy_amount": "4.00",
        "invoice_amount": "45.00",
    },
    "card": {
        "item_id": "2015060400076000000000012101",
        "item_alias": "2019060100076000000000002846",
        "item_name": "蛋糕10次卡",
        "original_price": "30.00",
        "current_price": "20.00",
        "buyer_pay_amount": "18.00",
        "receipt_amount": "20.00",
        "discount_amount": "0.00",
        "merchant_subsidy_amount": "2.00",
        "invoice_amount": "18.00",
    },
    "bread": {
        "item_id": "2015060400076000000000012102",
        "item_alias": "2019060100076000000000002847",
        "item_name": "法式面包兑换券/1个",
        "original_price": "15.00",
        "current_price": "9.90",
        "buyer_pay_amount": "9.90",
        "receipt_amount": "9.90",
        "discount_amount": "0.00",
        "merchant_subsidy_amount": "0.00",
        "invoice_amount": "9.90",
    },
    "milk_tea": {
        "item_id": "2015060400076000000000022100",
        "item_alias": "2019060100076000000000012845",
        "item_name": "招牌奶茶两杯",
        "original_price": "36.00",
        "current_price": "25.00",
        "buyer_pay_amount": "25.00",
        "receipt_amount": "25.00",
        "discount_amount": "0.00",
        "merchant_subsidy_amount": "0.00",
        "invoice_amount": "25.00",
    },
}


def _voucher(
    label: str,
    item: str,
    *,
    merchant: str = OUR_PID,
    total: int = 1,
    remaining: int | None = None,
    status: str = "AVAILABLE",
    **extra: Any,
) -> dict[str, Any]:
    code = DEMO_CODES[label]
    return {
        "code": code,
        "merchant_pid": merchant,
        "code_type": "INTERNAL_CODE" if code.isdigit() and len(code) == 12 else "EXTERNAL_CODE",
        "order_no": DEMO_ORDER_NOS[label],
        "item": item,
        "total": total,
        "remaining": total if remaining is None else remaining,
        "status": status,
        "multi": total > 1,
        "voucher_id": f"20240601000730023147{len(label):02d}{code[-6:]}",
        **extra,
    }


def _prior(
    label: str, *, status: str = "SUCCEEDED", channel: str = "OPEN_PLATFORM", fail_code: str = ""
) -> dict[str, Any]:
    return {
        "request_id": DEMO_REQUEST_IDS[label],
        "code": DEMO_CODES[label],
        "quantity": 1,
        "shop_id": OUR_SHOP_ID,
        "shop_type": "INTERNAL_SHOP",
        "merchant_pid": OUR_PID,
        "channel": channel,
        "status": status,
        "fail_code": fail_code,
        "use_date": "2024-06-01 12:00:00",
        "ticket_trans_id": f"2024060100164004020008{len(label):02d}{DEMO_CODES[label][-8:]}",
        "reversed_by": "",
        "response": {},
    }


def _day(today: date, days: int, end: bool = False) -> str:
    return f"{today + timedelta(days=days):%Y-%m-%d} {'23:59:59' if end else '00:00:00'}"


def _validity(today: date, effect: int = -30, expire: int = 180) -> dict[str, str]:
    """A validity window in days around ``today`` (the lookup shows it; redeem checks it)."""
    return {"effect_date": _day(today, effect), "expire_date": _day(today, expire, end=True)}


def demo_dataset(today: date | None = None) -> dict[str, Any]:
    """The initial voucher state as plain JSON-able data (the same shape ``state.json`` holds).

    Validity dates are set around ``today`` (China's date by default), so the not-yet-valid code
    is valid from a week later and the expired one ran out ten days ago.
    """
    vouchers = _vouchers()
    day = today or now_china().date()
    for v in vouchers:
        v.update(_validity(day))
    by_code = {v["code"]: v for v in vouchers}
    by_code[DEMO_CODES["expired"]].update(_validity(day, -100, -10))
    by_code[DEMO_CODES["not_yet"]].update(_validity(day, 7, 97))
    by_code[DEMO_CODES["other_shop"]]["shops"] = [OUR_SHOP_2_ID]
    return _dataset(vouchers)


def _vouchers() -> list[dict[str, Any]]:
    return [
        _voucher("single", "tea"),
        _voucher("single_2", "tea"),
        _voucher("single_3", "tea"),
        _voucher("multi", "card", total=10),
        _voucher("used", "tea", remaining=0, status="USED"),
        _voucher("refunded", "tea", remaining=0, status="REFUNDED"),
        _voucher("expired", "tea", status="EXPIRED"),
        _voucher("refunding", "tea", processing_left=2, after_processing="REFUNDED"),
        _voucher("flaky", "tea", flaky=True),
        _voucher("other_channel", "tea", remaining=0, status="USED"),
        _voucher("other_merchant", "milk_tea", merchant=OTHER_PID),
        _voucher("external", "bread"),
        _voucher("external_multi", "bread", total=5),
        _voucher("third_party", "bread", ticket_id=DEMO_TICKET_IDS["third_party"]),
        _voucher(
            "third_party_multi", "card", total=3, ticket_id=DEMO_TICKET_IDS["third_party_multi"]
        ),
        _voucher("not_yet", "tea"),
        _voucher("other_shop", "tea"),
        _voucher("using", "tea", processing_left=2, after_processing="USED"),
    ]


def _dataset(vouchers: list[dict[str, Any]]) -> dict[str, Any]:
    prior = [
        _prior("used"),
        _prior("refunded"),
        _prior("expired", status="CLOSED", fail_code="TICKET_STATUS_ILLEGAL"),
        _prior("other_channel", channel="KOUBEI_MERCHANT_APP"),
    ]
    return {
        "version": 1,
        "merchants": {OUR_PID: "烘焙世家（演示商户）", OTHER_PID: "隔壁奶茶店（另一商户）"},
        "shops": [
            {
                "shop_id": OUR_SHOP_ID,
                "external_id": OUR_SHOP_EXTERNAL_ID,
                "merchant_pid": OUR_PID,
                "name": "烘培世家（演示一店）",
            },
            {
                "shop_id": OUR_SHOP_2_ID,
                "external_id": "store-002",
                "merchant_pid": OUR_PID,
                "name": "烘培世家（演示二店）",
            },
            {
                "shop_id": OTHER_SHOP_ID,
                "external_id": "tea-001",
                "merchant_pid": OTHER_PID,
                "name": "隔壁奶茶店",
            },
        ],
        "items": _ITEMS,
        "vouchers": vouchers,
        "redemptions": prior,
        "cancels": [],
        "syncs": [],
        "flaky_seen": [],
        "counter": 0,
    }


@dataclass(frozen=True)
class DemoKeys:
    """The secrets of one simulator installation. Never printed; only fingerprints are."""

    app_private: rsa.RSAPrivateKey
    alipay_private: rsa.RSAPrivateKey
    top_app_secret: str
    top_session: str
    app_id: str = DEMO_APP_ID
    top_app_key: str = DEMO_TOP_APP_KEY
    app_auth_token: str = DEMO_APP_AUTH_TOKEN

    @classmethod
    def generate(cls) -> DemoKeys:
        return cls(
            app_private=rsa.generate_private_key(public_exponent=65537, key_size=2048),
            alipay_private=rsa.generate_private_key(public_exponent=65537, key_size=2048),
            top_app_secret=secrets.token_hex(16),
            top_session="6100" + secrets.token_hex(18),
        )

    def to_json(self) -> dict[str, str]:
        return {
            "app_id": self.app_id,
            "app_private_key_b64": private_key_pkcs8_base64(self.app_private),
            "alipay_private_key_b64": private_key_pkcs8_base64(self.alipay_private),
            "top_app_key": self.top_app_key,
            "top_app_secret": self.top_app_secret,
            "top_session": self.top_session,
            "app_auth_token": self.app_auth_token,
        }

    @classmethod
    def from_json(cls, data: dict[str, str]) -> DemoKeys:
        return cls(
            app_private=load_private_key(data["app_private_key_b64"]),
            alipay_private=load_private_key(data["alipay_private_key_b64"]),
            top_app_secret=data["top_app_secret"],
            top_session=data["top_session"],
            app_id=data.get("app_id", DEMO_APP_ID),
            top_app_key=data.get("top_app_key", DEMO_TOP_APP_KEY),
            app_auth_token=data.get("app_auth_token", DEMO_APP_AUTH_TOKEN),
        )


def load_or_create_keys(data_dir: Path) -> DemoKeys:
    """Keys from ``data_dir/keys.json``, generated and written (mode 0600) on first start."""
    path = data_dir / KEYS_FILE
    if path.exists():
        if os.name == "posix" and path.stat().st_mode & 0o077:
            logger.warning("sandbox keys file was readable by others; setting mode 0600")
            path.chmod(0o600)
        return DemoKeys.from_json(json.loads(path.read_text(encoding="utf-8")))
    keys = DemoKeys.generate()
    write_atomic(path, json.dumps(keys.to_json(), indent=1).encode("utf-8"))
    logger.info("generated sandbox demo keys in %s", data_dir)
    return keys


@dataclass(frozen=True)
class DemoCredentials:
    """What an app needs to talk to the simulator (all of it demo material, none of it real)."""

    app_id: str
    app_private_key_b64: str
    app_public_key_b64: str
    alipay_public_key_b64: str  # the simulator's own public key: verifies its responses
    top_app_key: str
    top_app_secret: str
    top_session: str
    shop_id: str
    codes: dict[str, str]
    shop_type: str = "INTERNAL_SHOP"
    merchant_pid: str = OUR_PID
    order_nos: dict[str, str] = field(default_factory=dict)
    request_ids: dict[str, str] = field(default_factory=dict)
    ticket_ids: dict[str, str] = field(default_factory=dict)  # third-party codes: label -> id
    app_auth_token: str = DEMO_APP_AUTH_TOKEN  # optional; the only one the simulator accepts

    @classmethod
    def from_keys(cls, keys: DemoKeys) -> DemoCredentials:
        return cls(
            app_id=keys.app_id,
            app_private_key_b64=private_key_pkcs8_base64(keys.app_private),
            app_public_key_b64=public_key_base64(keys.app_private.public_key()),
            alipay_public_key_b64=public_key_base64(keys.alipay_private.public_key()),
            top_app_key=keys.top_app_key,
            top_app_secret=keys.top_app_secret,
            top_session=keys.top_session,
            shop_id=OUR_SHOP_ID,
            codes=dict(DEMO_CODES),
            order_nos={label: DEMO_ORDER_NOS[label] for label in DEMO_CODES},
            request_ids=dict(DEMO_REQUEST_IDS),
            ticket_ids=dict(DEMO_TICKET_IDS),
            app_auth_token=keys.app_auth_token,
        )

    def __repr__(self) -> str:  # keep secrets out of reprs, tracebacks and logs
        return f"DemoCredentials(app_id={self.app_id!r}, top_app_key={self.top_app_key!r}, ...)"
