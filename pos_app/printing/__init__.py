"""Output on paper: ESC/POS receipts and report slips (``escpos``), slips from the journal
(``receipts``). Qt-free; the UI runs it on its own print lane."""
