"""Fault injection: make the next N calls of an API misbehave in one of the ways networks do.

Kinds and what the simulator does with the call:

========================  ======================================================================
``delay``                 process and commit, sleep ``delay_s`` (default 1 s), answer normally
``timeout``               process and commit, sleep ``delay_s`` (default 15 s, longer than a
                          client's timeout), then answer — the client has given up by then
``drop_response``         process and commit, then close the connection without any response
``http_500``              answer HTTP 500 with an HTML body (by default without processing;
                          ``commit=True`` processes first, like a proxy failing on the way back)
``system_error``          answer the business error ``SYSTEM_ERROR`` (TOP: ``isp.SYSTEM_ERROR``)
                          without processing (``commit=True``: process first)
``ticket_processing``     answer ``TICKET_PROCESSING`` (TOP: ``isp.TICKET_PROCESSING``), likewise
``service_unavailable``   Alipay ``20000 isp.unknow-error``; TOP ``error_response`` code 50
                          ``isp.unknown-error``; likewise
``bad_signature``         process and commit, answer with a corrupted ``sign`` (Alipay only; TOP
                          responses are not signed)
``forget_request``        redeem only: process and commit, drop the response like
                          ``drop_response``, and forget that the request id was this client's, so
                          the retry with the same ``ticket_request_id`` is answered as a use of an
                          already used code by someone else (``isv.TICKET_STATUS_ILLEGAL``)
``order_closed``          cancel only: answer the business error ``USE_BIZ_ORDER_CLOSE`` (signed,
                          ``40004``) without processing (``commit=True``: process first)
``order_not_exist``       cancel only: ``USE_BIZ_ORDER_NOT_EXIST``, likewise
``empty_node``            redeem (TOP) only: HTTP 200 ``{"<method>_response":{}}`` without
                          processing (``commit=True``: process first)
``no_node``               redeem (TOP) only: HTTP 200 ``{"order_no":""}`` (no response node),
                          likewise
``other_request``         redeem (TOP) only: a well-formed success node about another
                          ``ticket_code`` and another ``ticket_request_id``, likewise
========================  ======================================================================

``api`` is ``"redeem"``, ``"cancel"``, ``"sync"``, ``"query"`` (the read-only lookup; answering
kinds answer without looking) or None (any; a kind made for one API only
ever applies to that API, see ``ONLY_FOR``). ``times`` counts the calls the
fault applies to; ``times <= 0`` means every call until the faults are cleared.
Command line form: ``KIND[:API[:TIMES[:DELAY]]]``, e.g. ``timeout:redeem:1:3``; an empty API or
``*`` means any.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict, dataclass
from typing import Any

logger = logging.getLogger(__name__)

KINDS = (
    "delay",
    "timeout",
    "drop_response",
    "http_500",
    "system_error",
    "ticket_processing",
    "service_unavailable",
    "bad_signature",
    "forget_request",
    "order_closed",
    "order_not_exist",
    "empty_node",
    "no_node",
    "other_request",
)
APIS = ("redeem", "cancel", "sync", "query")
# Kinds that answer instead of processing (unless commit=True).
ANSWER_INSTEAD = (
    "http_500",
    "system_error",
    "ticket_processing",
    "service_unavailable",
    "order_closed",
    "order_not_exist",
    "empty_node",
    "no_node",
    "other_request",
)
ALIPAY_ONLY = ("bad_signature",)  # TOP responses carry no signature to corrupt
# Kinds that only make sense for one API (redeem is TOP's, cancel and sync are Alipay's).
ONLY_FOR = {
    "forget_request": "redeem",
    "order_closed": "cancel",
    "order_not_exist": "cancel",
    "empty_node": "redeem",
    "no_node": "redeem",
    "other_request": "redeem",
}
_DEFAULT_DELAY = {"delay": 1.0, "timeout": 15.0}


@dataclass(frozen=True)
class Fault:
    kind: str
    api: str | None = None
    times: int = 1
    delay_s: float = 0.0
    commit: bool | None = None  # None: the kind's default (see the module text)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {', '.join(KINDS)}")
        if self.api is not None and self.api not in APIS:
            raise ValueError(f"unknown api {self.api!r}; one of {', '.join(APIS)}")
        only = ONLY_FOR.get(self.kind)
        if self.api is not None and only is not None and self.api != only:
            raise ValueError(f"fault {self.kind!r} applies to api {only!r} only")
        if self.delay_s < 0:
            raise ValueError("delay_s must be >= 0")

    @property
    def commits(self) -> bool:
        """Does the call take effect before the fault shows?"""
        if self.commit is not None:
            return self.commit
        return self.kind not in ANSWER_INSTEAD

    @property
    def sleep_s(self) -> float:
        return self.delay_s or _DEFAULT_DELAY.get(self.kind, 0.0)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fault:
        unknown = set(data) - {"kind", "api", "times", "delay_s", "commit"}
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        commit = data.get("commit")
        return cls(
            kind=str(data.get("kind", "")),
            api=(str(data["api"]) if data.get("api") not in (None, "", "*") else None),
            times=int(data.get("times", 1)),
            delay_s=float(data.get("delay_s", 0.0)),
            commit=None if commit is None else bool(commit),
        )

    @classmethod
    def parse(cls, spec: str) -> Fault:
        """``KIND[:API[:TIMES[:DELAY]]]`` as given on the command line."""
        parts = spec.split(":")
        if len(parts) > 4 or not parts[0]:
            raise ValueError(f"bad fault {spec!r}: expected KIND[:API[:TIMES[:DELAY]]]")
        api = parts[1] if len(parts) > 1 and parts[1] not in ("", "*") else None
        try:
            times = int(parts[2]) if len(parts) > 2 and parts[2] else 1
            delay = float(parts[3]) if len(parts) > 3 and parts[3] else 0.0
        except ValueError:
            raise ValueError(
                f"bad fault {spec!r}: TIMES is a whole number, DELAY seconds"
            ) from None
        return cls(parts[0], api, times, delay)


class FaultSet:
    """The pending faults, consumed first-in first-out by matching calls. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[list[Any]] = []  # [fault, calls left (<=0: unlimited)]

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append([fault, fault.times])
        logger.info("sandbox fault armed: %s", fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[Fault]:
        with self._lock:
            return [entry[0] for entry in self._faults]

    def take(self, api: str, *, signed: bool) -> Fault | None:
        """The fault for this call of ``api``, if any (``signed``: the gateway signs responses)."""
        with self._lock:
            for entry in self._faults:
                fault: Fault = entry[0]
                if not _applies(fault, api, signed=signed):
                    continue
                if entry[1] > 0:
                    entry[1] -= 1
                    if entry[1] == 0:
                        self._faults.remove(entry)
                logger.info("sandbox fault %s applied to %s", fault.kind, api)
                return fault
        return None


def _applies(fault: Fault, api: str, *, signed: bool) -> bool:
    if fault.api not in (None, api):
        return False
    if fault.kind in ALIPAY_ONLY and not signed:
        return False
    return ONLY_FOR.get(fault.kind, api) == api
