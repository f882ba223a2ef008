"""The error taxonomy of the core.

Every error carries a stable ``code`` (what tests, the journal and the UI key on) and a
cashier-facing message in zh_CN and en that says what happened and what to do next. Nothing here
may ever hold a secret: messages are built from codes and field names, never from key material.

The four families decide what the service does with a journal row:

* ``InputInvalid`` / ``ConfigError`` — refused before anything was sent; nothing journaled.
* ``GatewayRejected`` — a definite answer: the row becomes FAILED.
* ``OutcomeUnknown`` — the request may or may not have taken effect: the row becomes UNKNOWN and
  is retried with the same request id and payload.
* ``ProtocolDefect`` — the gateway says our own request ids collide (``REQUEST_ID_REPEAT``): FAILED,
  never retried, logged loudly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pos_app.core.messages import Message, message_for, message_with

if TYPE_CHECKING:
    from pos_app.core.journal import Operation


class PosError(Exception):
    """Base of every error the core raises on purpose."""

    code: str = "POS_ERROR"

    def __init__(self, code: str | None = None, detail: str = "", message: Message | None = None):
        self.code = code or type(self).code
        self.detail = detail
        self.message = message or message_for(self.code)
        super().__init__(f"{self.code}: {detail}" if detail else self.code)

    @property
    def zh(self) -> str:
        return self.message.zh

    @property
    def en(self) -> str:
        return self.message.en


class InputInvalid(PosError):
    """Bad input (code, quantity, request id, field length); refused before sending."""

    code = "INPUT_INVALID"

    def __init__(self, code: str, field: str, detail: str = ""):
        self.field = field
        super().__init__(code, detail or field)


class ConfigError(PosError):
    """Missing or unusable settings or keys; refused before sending."""

    code = "CONFIG_ERROR"


class KeyInvalid(ConfigError):
    """A key that is none of the accepted forms. ``detail`` names the form, never the key."""

    code = "KEY_INVALID"


class SecretMissing(ConfigError):
    code = "SECRET_MISSING"


class NoKeyringBackend(ConfigError):
    code = "NO_KEYRING"


class GatewayRejected(PosError):
    """A definite failure answered by the gateway (business or platform error)."""

    code = "GATEWAY_REJECTED"

    def __init__(self, code: str, detail: str = "", gateway_code: str = "", sub_msg: str = ""):
        self.gateway_code = gateway_code
        self.sub_msg = sub_msg
        super().__init__(code, detail or sub_msg)


class ProtocolDefect(GatewayRejected):
    """Our request ids collided with other parameters: a bug on our side, never retried."""

    code = "REQUEST_ID_REPEAT"


class OutcomeUnknown(PosError):
    """The request may have taken effect: keep the row UNKNOWN and retry with the same id."""

    code = "OUTCOME_UNKNOWN"

    def __init__(self, code: str, detail: str = "", wait_s: float = 0.0):
        self.wait_s = wait_s
        super().__init__(code, detail)


class SignatureInvalid(OutcomeUnknown):
    """A response whose signature does not verify (or a success with none)."""

    code = "SIGNATURE_INVALID"

    def __init__(self, detail: str = ""):
        super().__init__(type(self).code, detail)


class PinRefused(PosError):
    code = "PIN_WRONG"


class PinLockedOut(PinRefused):
    code = "PIN_LOCKED"

    def __init__(self, seconds_left: float):
        self.seconds_left = seconds_left
        super().__init__(type(self).code, f"{seconds_left:.0f}s")


class JournalError(PosError):
    code = "JOURNAL_ERROR"


class NotReversible(PosError):
    """A reversal asked of a row that is not a SUCCEEDED redemption (or is already reversed)."""

    code = "NOT_REVERSIBLE"


class NotReviewable(PosError):
    """A review decision asked of a row that is not in REVIEW."""

    code = "NOT_REVIEWABLE"


class AlreadyInFlight(PosError):
    """The same code is still being redeemed at this terminal."""

    code = "ALREADY_IN_FLIGHT"


class AlreadyRedeemedHere(PosError):
    """This terminal already redeemed the code; ``previous`` says when and by whom."""

    code = "ALREADY_REDEEMED_HERE"

    def __init__(self, previous: Operation):
        self.previous = previous
        super().__init__(detail=f"operation {previous.id} {previous.state.value}")


class RedeemedElsewhere(AlreadyRedeemedHere):
    """Another till of this shop redeemed the code today (the store database says so):
    ``previous`` is that till's row (``terminal`` names the till). Like ``AlreadyRedeemedHere``,
    ``again`` overrides it (a multi-use card's next use)."""

    code = "REDEEMED_ELSEWHERE"

    def __init__(self, previous: Operation):
        self.previous = previous
        when = previous.created_at.astimezone().strftime("%H:%M")
        message = message_with("REDEEMED_ELSEWHERE", when=when, till=previous.terminal or "?")
        PosError.__init__(self, detail=f"store operation {previous.id}", message=message)


class JournalAfterSend(OutcomeUnknown):
    """The request left, then the journal could not record the answer (e.g. the disk filled).

    The row stays open as written before the send, so it is retried with the same request id:
    the outcome is unknown, never "nothing was sent".
    """

    code = "JOURNAL_AFTER_SEND"

    def __init__(self, detail: str = ""):
        super().__init__(type(self).code, detail)


class StoreUnavailable(PosError):
    """The store database (PostgreSQL) cannot be reached or answered with an error. The till's
    own journal is unaffected: replication waits and retries (docs/store.md)."""

    code = "STORE_UNREACHABLE"


class PrinterError(PosError):
    """The receipt printer could not print (unreachable, out of paper, no driver). Printing never
    touches money: the operation stands and its slip can be printed again from the journal."""

    code = "PRINTER_ERROR"
