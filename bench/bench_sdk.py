"""2. Our Alipay client against the SDKs users would pick instead: build + sign + verify.

The same ``koubei.trade.ticket.ticketcode.cancel`` request (same app id, same keys, same
biz_content) is built and signed, and the same answer — a real one, captured from the simulator
and signed by it — is verified and parsed, by:

* ours: ``AlipayClient`` (field checks, ``build_params``, form/query encoding,
  ``parse_response``: raw-node scan with duplicate check, RSA2 verify, JSON parse);
* the official ``alipay-sdk-python`` (``DefaultAlipayClient``: what ``execute`` does minus the
  network);
* ``python-alipay-sdk`` (``AliPay``: what ``server_api`` does minus the network).

The SDKs are benchmark-only: each is installed with pip into its own folder under
``.venv/bench-sdks/`` (both ship a top-level ``alipay`` package, so one venv site-packages
cannot hold both) and timed in a subprocess with only that folder added to ``sys.path``.
No network in the timed loop.

Run alone: ``.venv/bin/python bench/bench_sdk.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

from benchlib import SDK_ROOT, Section, Stats, measure, ms, ratio, verdict, work_dir
from cryptography.hazmat.primitives import serialization
from rig import demo_keys, open_runtime, start_simulator

N = 300
WARMUP = 30
SDKS = (  # (label, pip distribution, worker name, import check)
    (
        "alipay-sdk-python (official)",
        "alipay-sdk-python",
        "official",
        "import alipay.aop.api.DefaultAlipayClient",
    ),
    ("python-alipay-sdk", "python-alipay-sdk", "python-alipay-sdk", "from alipay import AliPay"),
)
WORKER = Path(__file__).with_name("sdk_worker.py")


def ensure_sdk(dist: str, check: str) -> tuple[Path | None, str]:
    """The folder holding ``dist`` (installed there with pip if missing), or None and why."""
    target = SDK_ROOT / dist
    env = {**os.environ, "PYTHONPATH": str(target)}
    probe = [sys.executable, "-c", check]
    if (
        target.exists()
        and subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
            probe,
            env=env,
            capture_output=True,
            check=False,
            timeout=120,
        ).returncode
        == 0
    ):
        return target, ""
    print(f"installing benchmark-only package {dist} into {target} ...", flush=True)
    done = subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
        [sys.executable, "-m", "pip", "install", "-q", "--upgrade", "--target", str(target), dist],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    if done.returncode != 0:
        why = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["pip failed"]
        print(f"could not install {dist}: {why[0]}", flush=True)
        return None, f"pip could not install it: {why[0]}"
    imported = subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
        probe,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if imported.returncode != 0:
        why = imported.stderr.strip().splitlines()[-1:] or ["import failed"]
        return None, f"installed, but it does not import on this Python: {why[0]}"
    return target, ""


def _fixture(tmp: Path) -> tuple[dict[str, object], object]:
    """Keys, biz_content and a real simulator answer to a cancel; plus our client."""
    from pos_app.core.models import CancelRequest, CodeType
    from pos_app.gateways import alipay as alipay_mod
    from pos_app.gateways import http

    captured: list[str] = []
    original = http.post_form

    def capture(*args: object, **kwargs: object) -> http.HttpAnswer:
        answer = original(*args, **kwargs)  # type: ignore[arg-type]
        captured.append(answer.text)
        return answer

    sim = start_simulator(0)
    rt = open_runtime(tmp / "home", sim)
    try:
        demo = sim.demo
        req = CancelRequest(
            request_id=demo.request_ids["used"],
            request_biz_no=demo.request_ids["used"],
            ticket_code=demo.codes["used"],
            quantity=1,
            code_type=CodeType.INTERNAL,
        )
        client = rt._alipay_client()
        http.post_form = capture  # type: ignore[assignment]
        try:
            result = client.cancel(req)
        finally:
            http.post_form = original  # type: ignore[assignment]
        assert not result.repeat and captured
        keys = demo_keys()
        app_pem = keys.app_private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        ).decode()
        pub_pem = (
            keys.alipay_private.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        fx = {
            "gateway_url": sim.alipay_url,
            "app_id": demo.app_id,
            "method": alipay_mod.METHOD_CANCEL,
            "biz": alipay_mod._cancel_biz(req),
            "answer": captured[0],
            "app_private_pem": app_pem,
            "app_private_pkcs1_b64": "".join(app_pem.strip().splitlines()[1:-1]),
            "alipay_public_pem": pub_pem,
            "alipay_public_b64": demo.alipay_public_key_b64,
        }

        def ours() -> object:
            biz = alipay_mod._cancel_biz(req)
            query, body = client.build_params(alipay_mod.METHOD_CANCEL, biz, {})
            urlencode(query)
            urlencode(body)
            return client.parse_response(alipay_mod.METHOD_CANCEL, fx["answer"])

        node = ours()
        assert isinstance(node, dict) and node["code"] == "10000"
        stats = measure("ours", ours, n=N, warmup=WARMUP)
    finally:
        rt.close()
    return fx, stats


def run(section: Section | None = None) -> Section:
    s = section or Section("2. Against the SDKs users would pick instead")
    with work_dir("sdk") as tmp:
        fx, ours = _fixture(tmp)
        fixture = tmp / "fixture.json"
        fixture.write_text(json.dumps(fx), encoding="utf-8")
        rows = [
            [
                "ours (`AlipayClient`)",
                "pos_app",
                str(ours.n),
                ms(ours.p50),
                ms(ours.p99),
                "1.00×",
                "1.00×",
                "",
            ]
        ]
        lines = []
        for label, dist, worker, check in SDKS:
            target, why = ensure_sdk(dist, check)
            if target is None:
                rows.append([label, "—", "0", "—", "—", "—", "—", f"not measured: {why}"])
                lines.append(f"- {label}: **not measured** — {why}")
                continue
            env = {**os.environ, "PYTHONPATH": str(target)}
            done = subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
                [sys.executable, str(WORKER), worker, str(fixture), str(N), str(WARMUP)],
                env=env,
                capture_output=True,
                text=True,
                check=False,
                timeout=900,
            )
            if done.returncode != 0:
                last = (done.stderr.strip().splitlines() or ["?"])[-1]
                rows.append([label, "—", "0", "—", "—", "—", "—", f"failed: {last}"])
                lines.append(f"- {label}: **not measured** — the run failed: {last}")
                continue
            out = json.loads(done.stdout)
            theirs = Stats(label, out["samples"])
            rows.append(
                [
                    label,
                    out["version"],
                    str(theirs.n),
                    ms(theirs.p50),
                    ms(theirs.p99),
                    ratio(ours.p50, theirs.p50),
                    ratio(ours.p99, theirs.p99),
                    "",
                ]
            )
            faster = ours.p50 < theirs.p50
            lines.append(
                f"- vs {label} {out['version']}: ours/theirs p50 {ratio(ours.p50, theirs.p50)},"
                f' p99 {ratio(ours.p99, theirs.p99)} — target "faster": {verdict(faster)}'
                + (
                    f" ({theirs.p50 / ours.p50:.1f}× faster at p50)."
                    if faster
                    else f" (ours {ours.p50 / theirs.p50:.2f}× slower at p50)."
                )
            )
    s.add(
        "One cancel request built and signed, and one real simulator answer (RSA2-signed by the"
        ' simulator\'s "Alipay" key) verified and parsed, per sample; same keys, same'
        f" biz_content, same answer text for all three. n = {N}, warm-up {WARMUP}; times in ms.",
        "Ours also checks every field against the seeds' limits and scans the answer for a"
        " duplicated node (neither SDK does either); the SDKs' timings include what their own"
        " design costs (the official one parses the PEM key on every sign and uses the pure"
        " Python `rsa` package; python-alipay-sdk uses `pycryptodomex`).",
        "",
    )
    s.table(
        ["client", "version", "n", "p50", "p99", "ours/theirs p50", "ours/theirs p99", "note"], rows
    )
    s.add(*lines, "")
    return s


if __name__ == "__main__":
    run()
