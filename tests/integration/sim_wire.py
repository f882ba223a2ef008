"""Raw HTTP to the simulator, signed with ``pos_app.gateways.signing`` (no client code).

Imported by ``conftest.py`` and by the simulator tests (``from sim_wire import ...``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import requests

from pos_app.core.clock import gateway_timestamp
from pos_app.gateways.keys import load_private_key, load_public_key
from pos_app.gateways.rawjson import member_raw
from pos_app.gateways.signing import rsa_verify, sign_alipay_params, top_sign
from pos_app.sandbox import Simulator

TOP_METHOD = "alibaba.alsc.merchant.ext.ticketcode.use"
TOP_NODE = "alibaba_alsc_merchant_ext_ticketcode_use_response"
CANCEL = "koubei.trade.ticket.ticketcode.cancel"
SYNC = "koubei.trade.ticket.ticketcode.sync"


def _compact(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class SimWire:
    """Raw HTTP to the simulator, signed with ``pos_app.gateways.signing`` (no client code)."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.demo = sim.demo
        self.http = requests.Session()
        self.app_key = load_private_key(sim.demo.app_private_key_b64)
        self.alipay_public = load_public_key(sim.demo.alipay_public_key_b64)

    # --- TOP ---------------------------------------------------------------------------------
    def top_params(
        self,
        use_request: Mapping[str, Any] | str | None,
        *,
        sign_method: str = "hmac-sha256",
        secret: str | None = None,
        **overrides: str | None,
    ) -> dict[str, str]:
        """Signed TOP parameters; an override of None drops that parameter before signing."""
        params: dict[str, str] = {
            "method": TOP_METHOD,
            "app_key": self.demo.top_app_key,
            "session": self.demo.top_session,
            "timestamp": gateway_timestamp(),
            "v": "2.0",
            "sign_method": sign_method,
            "format": "json",
        }
        if use_request is not None:
            params["use_request"] = (
                use_request if isinstance(use_request, str) else _compact(dict(use_request))
            )
        for key, value in overrides.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
        params["sign"] = top_sign(params, secret or self.demo.top_app_secret, sign_method)
        return params

    def top(self, params: Mapping[str, str], transport: str = "split") -> requests.Response:
        return self._send(self.sim.top_url, params, "use_request", transport)

    def use_request(
        self, code_label: str = "single", request_id: str = "REQ1", **fields: str
    ) -> dict[str, str]:
        use = {
            "ticket_request_id": request_id,
            "ticket_code": self.demo.codes[code_label],
            "quantity": "1",
            "shop_id": self.demo.shop_id,
            "shop_type": "INTERNAL_SHOP",
        }
        use.update(fields)
        return use

    def redeem(
        self, code_label: str = "single", request_id: str = "REQ1", **fields: str
    ) -> dict[str, Any]:
        """Redeem over raw HTTP; the parsed JSON answer."""
        reply = self.top(self.top_params(self.use_request(code_label, request_id, **fields)))
        assert reply.status_code == 200, reply.text
        data: dict[str, Any] = reply.json()
        return data

    # --- Alipay ------------------------------------------------------------------------------
    def alipay_params(
        self,
        method: str,
        biz: Mapping[str, Any] | str | None,
        *,
        sign_type: str = "RSA2",
        key: Any = None,
        **overrides: str | None,
    ) -> dict[str, str]:
        params: dict[str, str] = {
            "app_id": self.demo.app_id,
            "method": method,
            "format": "json",
            "charset": "utf-8",
            "sign_type": sign_type,
            "timestamp": gateway_timestamp(),
            "version": "1.0",
        }
        if biz is not None:
            params["biz_content"] = biz if isinstance(biz, str) else _compact(dict(biz))
        for name, value in overrides.items():
            if value is None:
                params.pop(name, None)
            else:
                params[name] = value
        params["sign"] = sign_alipay_params(params, key or self.app_key, sign_type)
        return params

    def alipay(self, params: Mapping[str, str], transport: str = "split") -> requests.Response:
        return self._send(self.sim.alipay_url, params, "biz_content", transport)

    def alipay_node(self, reply: requests.Response, method: str) -> tuple[str, str | None]:
        """(raw node text, sign) of an Alipay answer; the node may be ``error_response``."""
        name = method.replace(".", "_") + "_response"
        raw = member_raw(reply.text, name) or member_raw(reply.text, "error_response")
        assert raw is not None, reply.text
        sign_raw = member_raw(reply.text, "sign")
        return raw, (json.loads(sign_raw) if sign_raw is not None else None)

    def call_alipay(
        self,
        method: str,
        biz: Mapping[str, Any],
        *,
        sign_type: str = "RSA2",
        **overrides: str | None,
    ) -> dict[str, Any]:
        """Call, check the answer's signature over its raw text, return the parsed node."""
        reply = self.alipay(self.alipay_params(method, biz, sign_type=sign_type, **overrides))
        assert reply.status_code == 200, reply.text
        raw, sign = self.alipay_node(reply, method)
        assert sign is not None, reply.text
        assert rsa_verify(raw, sign, self.alipay_public, sign_type), reply.text
        node: dict[str, Any] = json.loads(raw)
        return node

    # --- transport ---------------------------------------------------------------------------
    def _send(
        self, url: str, params: Mapping[str, str], body_key: str, transport: str
    ) -> requests.Response:
        if transport == "get":  # another SDK: everything in the query
            return self.http.get(url, params=dict(params), timeout=10)
        if transport == "body":  # everything in the form body
            return self.http.post(url, data=dict(params), timeout=10)
        query = {k: v for k, v in params.items() if k != body_key}
        body = {k: v for k, v in params.items() if k == body_key}
        return self.http.post(url, params=query, data=body, timeout=10)

    def sim_state(self, code: str) -> dict[str, Any]:
        reply = self.http.get(self.sim.base_url + "/__sim/state", params={"code": code}, timeout=10)
        assert reply.status_code == 200
        data: dict[str, Any] = reply.json()
        return data
