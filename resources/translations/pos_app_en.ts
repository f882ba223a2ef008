<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>App</name>
    <message>
        <source>Unexpected error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details were written to the log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Koubei voucher counter</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CashiersPage</name>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PIN (4-6 digits)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add cashier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disable / enable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With no cashiers the till works without signing in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a cashier first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cashier %1 added.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>disabled</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HistoryScreen</name>
    <message>
        <source>Today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code tail, order no or request id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All states</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Being confirmed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Needs review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV in English</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reprint slip</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No records for this day.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Showing %1 of %2 records.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redeemed: %1 (%2 uses, paid %3) · Reversed: %4 · Failed: %5 · Being confirmed: %6 · Needs review: %7</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slip sent to the printer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Record #%1 is not in this list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported %1 records to %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write the file: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code (masked)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paid (yuan)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Order no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Request id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Linked record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Operator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manager</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Till</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cashier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cashier (all)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the last digit</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Scan (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type code (F2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History (F3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manager (F9)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Platform: checking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Koubei voucher counter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TRAINING</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mode: training (simulator)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slip printed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Still connecting: scan this voucher again when the first one is done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mode: production</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Single-use voucher</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>10-use card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Already used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Own code (external)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Still connecting: open the manager screens in a moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan ignored: close the open dialog first, then scan again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Store DB: offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Store DB: %1 waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Store DB: in sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Still connecting: press Enter again in a moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redeeming… please wait</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Unconfirmed: %n</source>
        <translation>
            <numerusform>Unconfirmed: %n</numerusform>
            <numerusform>Unconfirmed: %n</numerusform>
        </translation>
    </message>
    <message>
        <source>Platform: reachable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Platform: recent timeouts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Platform: NOT reachable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Voucher %1 needs review: ask the manager.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirmed: voucher %1 was redeemed (×%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirmed: voucher %1 was NOT redeemed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirmed: the operation on voucher %1 succeeded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirmed: the operation on voucher %1 failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A redemption is in flight. Close again when it has finished.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan ignored: sign in first.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ManagerScreen</name>
    <message>
        <source>Lock and leave</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manager functions are locked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reversal, code sync, the day&apos;s records and settings need the manager PIN.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter manager PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Esc: back to scanning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manager: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reverse redemption</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Today&apos;s records</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Needs review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan ignored: nothing is redeemed on the manager screen. Esc goes back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Needs review (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cashiers</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ManualScreen</name>
    <message>
        <source>Type the voucher code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Koubei code (12 digits)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Own code (external)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redeem (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ticket ID (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Look up (F4)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the voucher (item, price, validity, uses left)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only for a third-party code: its ticket ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looks right. Press Enter to redeem.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type the 12 digits under the customer&apos;s QR code.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type the merchant&apos;s own code: up to 32 letters or digits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n more digit(s) to go.</source>
        <translation>
            <numerusform>%n more digit to go.</numerusform>
            <numerusform>%n more digits to go.</numerusform>
        </translation>
    </message>
    <message>
        <source>The ticket ID is up to 64 letters, digits, - or _. Leave it empty if the voucher has none.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OperationText</name>
    <message>
        <source>Redeem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reversal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirming</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reversed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reverses #%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reversed by #%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reverse this redemption?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantity: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amount paid: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redeemed at: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Order no: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Item: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The voucher becomes usable again for the customer. This cannot be undone here.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OperationsModel</name>
    <message>
        <source>Request id: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Qty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Order no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Linked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Till · cashier</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <source>Manager PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manager</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manager name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Repeat PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set the manager PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No manager PIN is set yet. Choose a PIN of 4 to 12 digits; it protects reversals, code sync and settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the manager PIN.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The PIN must be 4 to 12 digits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the manager&apos;s name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The two PINs differ. Type the same PIN twice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You may try the PIN again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many wrong PINs. Locked: try again in %1:%2.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReceiptDesk</name>
    <message>
        <source>Slip not printed (%1): %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RecordDetails</name>
    <message>
        <source>Request id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Order no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Operator / manager</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason / error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a record to see its request id, operator and reason.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Record #%1 · %2 · %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReportPage</name>
    <message>
        <source>Whole store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReportPdf</name>
    <message>
        <source>Save report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReportRender</name>
    <message>
        <source>Shift report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Day report (whole store)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Day report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 redemptions, %2 uses, ¥%3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no sign-in)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Till</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cashier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redeemed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reversed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Being confirmed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Needs review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redemptions by hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By product</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By cashier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reversed %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReversalScreen</name>
    <message>
        <source>Pick the redemption to reverse</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redeemed at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Qty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Order no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redeemed by mistake</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer asked to cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong quantity redeemed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason (required)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reverse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This external-code redemption has no order no in the log (newer integrations do not receive it). Type the Koubei order no from the customer&apos;s order.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan, or type code tail, order no or request id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Koubei order no (up to 32 letters/digits)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Till · cashier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No redemption to reverse matches the search.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to reverse: no succeeded redemptions that are not reversed yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirm reversal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pick a redemption first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give a reason for the reversal.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reversing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Already reversed (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reversed: %1 × %2. The voucher can be used again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not reversed (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The result is being confirmed; it is retried on its own.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <source>Operations that need a manager&apos;s decision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason (required), e.g. what the customer&apos;s order shows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer did consume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not redeemed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Till</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Qty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing needs review.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Platform record: looking up…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Platform record: could not look up (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirm decision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pick an operation first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recording the decision…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer did consume: it counts as redeemed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not redeemed: it counts as failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantity: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing is sent to the platform. Your name and reason are recorded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recorded: customer did consume (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recorded: not redeemed (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give a reason for the decision (visible text, not only spaces).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ScanScreen</name>
    <message>
        <source>Still redeeming the previous voucher. Scan this one again when it is done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Voucher %1 needs review: ask the manager to check it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Voucher %1 confirmed: redeemed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Voucher %1 confirmed: NOT redeemed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not redeemed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error code: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan a voucher</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan the code on the customer&apos;s phone with the scanner, or press F2 to type it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training mode: try these demo codes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redeeming…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Please wait. Do not scan this voucher again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer paid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Order no.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redeemed (confirmed after a network retry)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Still redeeming the previous voucher. Look this one up when done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting to the platform…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan received: it is redeemed as soon as the till is connected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking up…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking the voucher with the platform. Nothing is redeemed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not look up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was redeemed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking up the reason…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checked with the platform just now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A single-use voucher cannot be redeemed again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Uses left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redeemed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(the platform did not name the item)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Needs review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask the manager to check it (Manager → Needs review).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirming…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Tried %n time(s).</source>
        <translation>
            <numerusform>Tried %n time.</numerusform>
            <numerusform>Tried %n times.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Tried %n time(s). Trying again now…</source>
        <translation>
            <numerusform>Tried %n time. Trying again now…</numerusform>
            <numerusform>Tried %n times. Trying again now…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Tried %n time(s). Next try in %1 s; the card updates by itself.</source>
        <translation>
            <numerusform>Tried %n time. Next try in %1 s; the card updates by itself.</numerusform>
            <numerusform>Tried %n times. Next try in %1 s; the card updates by itself.</numerusform>
        </translation>
    </message>
    <message>
        <source>Redeemed at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Till</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Already redeemed at another till</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Already redeemed here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking whether uses are left…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redeem again (multi-use card)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ScannerTestPage</name>
    <message>
        <source>Click here, then scan a code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Character</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ms since previous key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (terminator)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 characters in %2 ms, longest gap %3 ms, ended by %4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recognised as a scan with these settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not a scan: fewer than %1 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not a scan: a gap is longer than %1 ms.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not a scan: this terminator is not enabled.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ScopeSwitch</name>
    <message>
        <source>This till</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whole store</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsScreen</name>
    <message>
        <source>General</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Platforms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keys</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scanner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Printer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undo changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Production</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Play a sound on success and failure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Terminal id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Network timeout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mode and language changes take effect after a restart.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Koubei shop (internal)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>External shop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay gateway</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay app id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay sign type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Taobao (TOP) gateway</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TOP app key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TOP sign method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shop id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shop type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 mm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print a slip after each redemption and reversal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Printer address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paper width</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Network: tcp://HOST:9100; USB: usb://VID:PID; serial: serial:///dev/ttyUSB0; device file: file:///dev/usb/lp0. Leave empty for no printer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print test page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Printing the test page…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test page printed: check that its Chinese text reads clearly.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay app private key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay public key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TOP app secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TOP session key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>app_auth_token (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Store database password (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import from file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At least (characters)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At most between keys</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ends with</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prefixes/suffixes (comma list)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scanner test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restart the app to use the new mode or language.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No OS keyring is available.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No keyring: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keys are kept in the OS keyring: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stored</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keys (*.pem *.txt *.key);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported %1 into the keyring: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the file: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The platform answers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No answer from the platform. Check the network and the gateway.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ShiftControl</name>
    <message>
        <source>End shift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Switch cashier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wait for the redemption in flight to finish.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ShiftEndDialog</name>
    <message>
        <source>End shift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End shift and sign out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep working</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SignInScreen</name>
    <message>
        <source>Please sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PIN for %1:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(about %1 min)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StartWindow</name>
    <message>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You can scan already: the voucher is redeemed as soon as the till is ready.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan received: it is redeemed as soon as the till is connected.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncScreen</name>
    <message>
        <source>Set how many uses of a code remain on the platform (mostly for the shop&apos;s own external codes).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan or type the code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>External code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Internal code (12 digits)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Order no (may stay empty if this terminal redeemed the code)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Order no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remaining uses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>internal code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>external code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirm sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set the remaining uses of %1 to %2?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synced: %1 now has %2 uses left.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not synced (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The result is being confirmed; it is retried on its own.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the order no of this code (the log does not know it).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrainingBanner</name>
    <message>
        <source>TRAINING MODE — practice only, no voucher is really redeemed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VoucherText</name>
    <message>
        <source>Valid, can be redeemed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not valid here or now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Being redeemed elsewhere</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refund in progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 use(s) left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>until %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (list price %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Valid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Uses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing has been redeemed yet. Press Redeem to redeem it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This voucher cannot be redeemed now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Voucher details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(the platform did not name the item)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redeem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reversed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1  %2 ×%3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Platform: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The platform lists no use of this voucher.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>last used %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
