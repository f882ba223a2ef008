"""Runs in a subprocess with one SDK on ``PYTHONPATH``: times build + sign + verify of a cancel.

Usage: ``python sdk_worker.py official|python-alipay-sdk FIXTURE.json N WARMUP``; prints JSON
``{"version": ..., "samples": [ns, ...]}``. Imports nothing from pos_app.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import Any


def _official(fx: dict[str, Any]) -> tuple[str, Callable[[], object]]:
    import alipay as pkg
    from alipay.aop.api.AlipayClientConfig import AlipayClientConfig
    from alipay.aop.api.DefaultAlipayClient import DefaultAlipayClient
    from alipay.aop.api.request.KoubeiTradeTicketTicketcodeCancelRequest import (
        KoubeiTradeTicketTicketcodeCancelRequest,
    )
    from alipay.aop.api.util.WebUtils import THREAD_LOCAL, url_encode

    config = AlipayClientConfig()
    config.server_url = fx["gateway_url"]
    config.app_id = fx["app_id"]
    config.app_private_key = fx["app_private_pkcs1_b64"]  # this SDK wants PKCS#1
    config.alipay_public_key = fx["alipay_public_b64"]
    client = DefaultAlipayClient(alipay_client_config=config)
    prepare = client._DefaultAlipayClient__prepare_request  # type: ignore[attr-defined]
    parse = client._DefaultAlipayClient__parse_response  # type: ignore[attr-defined]
    answer = fx["answer"].encode("utf-8")
    THREAD_LOCAL.uuid = "bench"

    def once() -> object:
        # What DefaultAlipayClient.execute does, minus the network: build + sign the request,
        # encode the form body, then check the answer's signature and parse the node.
        request = KoubeiTradeTicketTicketcodeCancelRequest()
        request.biz_content = dict(fx["biz"])
        _query, params = prepare(request)
        url_encode(params, "utf-8")
        return json.loads(parse(answer))

    node = once()
    assert isinstance(node, dict) and node.get("code") == "10000", node
    return str(getattr(pkg, "__version__", "?")), once


def _python_alipay_sdk(fx: dict[str, Any]) -> tuple[str, Callable[[], object]]:
    import importlib.metadata

    from alipay import AliPay

    client = AliPay(
        appid=fx["app_id"],
        app_private_key_string=fx["app_private_pem"],
        alipay_public_key_string=fx["alipay_public_pem"],
        sign_type="RSA2",
    )
    node_name = fx["method"].replace(".", "_") + "_response"

    def once() -> object:
        # What AliPay.server_api does, minus the network: build_body + sign_data (the signed
        # query string), then _verify_and_return_sync_response on the answer.
        data = client.build_body(fx["method"], dict(fx["biz"]))
        client.sign_data(data)
        return client._verify_and_return_sync_response(fx["answer"], node_name)

    node = once()
    assert isinstance(node, dict) and node.get("code") == "10000", node
    return importlib.metadata.version("python-alipay-sdk"), once


def main() -> None:
    which, fixture, n, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open(fixture, encoding="utf-8") as fh:
        fx = json.load(fh)
    version, once = _official(fx) if which == "official" else _python_alipay_sdk(fx)
    for _ in range(warmup):
        once()
    samples = []
    for _ in range(n):
        t0 = time.perf_counter_ns()
        once()
        samples.append(time.perf_counter_ns() - t0)
    json.dump({"version": version, "samples": samples}, sys.stdout)


if __name__ == "__main__":
    main()
