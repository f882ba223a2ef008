"""Receipts from the counter: a slip after each redemption / reversal, reprints, the test page.

Every print job runs on the print lane (``Lane.PRINT``), never on the money lane: a printer that is
off, unplugged or out of paper costs its timeout there and nothing else. The redemption has
already settled and shows on its card before its slip is even built. At most ``MAX_WAITING`` jobs
wait for the printer; a slip beyond that is dropped. Any slip that did not print is announced on
``warning`` (the window shows it in the status bar and as a toast) and can be printed again from
the history (补打小票): slips are rebuilt from the journal, so nothing is lost by dropping one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from pos_app.core.codes import group_code, mask_code
from pos_app.core.errors import PrinterError
from pos_app.core.journal import Operation
from pos_app.core.receipt import print_test_slip, printable
from pos_app.core.service import OpOutcome
from pos_app.printing.receipts import slip_for
from pos_app.ui.messages import error_text
from pos_app.ui.tasks import TaskManager, in_background

if TYPE_CHECKING:
    from pos_app.runtime import Runtime

logger = logging.getLogger(__name__)

MAX_WAITING = 5  # slips queued for a printer that does not answer; more are dropped


class ReceiptDesk(QObject):
    """Prints slips on ``lane`` for ``runtime``'s printer (``printer.*`` settings)."""

    warning = Signal(str)  # a slip did not print: why, and that it can be reprinted
    printed = Signal(str)  # a slip or the test page printed: what

    def __init__(self, runtime: Runtime, lane: TaskManager, parent: QObject | None = None):
        super().__init__(parent)
        self._runtime = runtime
        self._lane = lane
        self._closed = False

    def on_outcome(self, outcome: OpOutcome) -> None:
        """After each settle: the slip of a succeeded redemption or reversal, when ``printer.auto``
        is on and a printer is set."""
        settings = self._runtime.settings
        op = outcome.operation
        if settings.printer_auto and settings.printer_uri and printable(op):
            self.print_operation(op, reprint=False)

    def print_operation(self, op: Operation, *, reprint: bool = True) -> None:
        """The slip of ``op`` (from history's 补打小票, or ``on_outcome``)."""
        runtime = self._runtime
        code = group_code(mask_code(op.code))

        def work() -> str:
            slip = slip_for(runtime.service, op, runtime.slip_shop(), reprint=reprint)
            runtime.receipt_printer().print_slip(slip)
            return code

        self._submit(work, code, label="print-slip")

    def print_test(
        self,
        uri: str,
        width_mm: int,
        owner: QObject,
        done: Callable[[str], None],
        failed: Callable[[Exception], None],
    ) -> None:
        """打印测试 on the printer at ``uri`` (the address typed, maybe not saved yet); the
        answer goes to ``owner``'s ``done`` / ``failed`` (the settings page shows it)."""
        runtime = self._runtime

        def work() -> str:
            printer = runtime.receipt_printer(uri, width_mm)
            slip = print_test_slip(str(printer.uri), printer.width_mm, runtime.slip_shop())
            printer.print_slip(slip)
            return str(printer.uri)

        in_background(self._lane, owner, work, done, failed, label="print-test")

    @property
    def waiting(self) -> int:
        return self._lane.pending

    def close(self) -> None:
        """Before the print lane shuts down: slips still waiting are not printed (they stay in
        the journal), so closing the app waits at most for the one being sent."""
        self._closed = True

    def _submit(self, work: Callable[[], str], what: str, *, label: str) -> None:
        if self._lane.pending >= MAX_WAITING:
            logger.warning("%d slips wait for the printer: %s dropped", MAX_WAITING, label)
            self._warn(what, PrinterError("PRINTER_BUSY"))
            return

        def guarded() -> str:
            if self._closed:
                raise PrinterError("PRINTER_ERROR", "the app is closing")
            return work()

        in_background(
            self._lane,
            self,
            guarded,
            lambda done: self.printed.emit(str(done)),
            lambda error: self._warn(what, error),
            label=label,
        )

    def _warn(self, what: str, error: Exception) -> None:
        text = self.tr("Slip not printed (%1): %2").replace("%1", what)
        self.warning.emit(text.replace("%2", error_text(error)))
