<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>App</name>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>Details were written to the log.</source>
        <translation>详细信息已写入日志。</translation>
    </message>
    <message>
        <source>Cannot start</source>
        <translation>无法启动</translation>
    </message>
    <message>
        <source>Koubei voucher counter</source>
        <translation>口碑券核销</translation>
    </message>
</context>
<context>
    <name>CashiersPage</name>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>PIN (4-6 digits)</source>
        <translation>密码（4-6 位数字）</translation>
    </message>
    <message>
        <source>Add cashier</source>
        <translation>添加收银员</translation>
    </message>
    <message>
        <source>Disable / enable</source>
        <translation>停用 / 启用</translation>
    </message>
    <message>
        <source>With no cashiers the till works without signing in.</source>
        <translation>没有收银员时，收银台无需登录即可使用。</translation>
    </message>
    <message>
        <source>Select a cashier first.</source>
        <translation>请先选择一位收银员。</translation>
    </message>
    <message>
        <source>Cashier %1 added.</source>
        <translation>已添加收银员 %1。</translation>
    </message>
    <message>
        <source>active</source>
        <translation>在岗</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>已停用</translation>
    </message>
</context>
<context>
    <name>HistoryScreen</name>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Code tail, order no or request id</source>
        <translation>券码尾号、订单号或请求号</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation>成功</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Being confirmed</source>
        <translation>待确认</translation>
    </message>
    <message>
        <source>Needs review</source>
        <translation>需核对</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>CSV in English</source>
        <translation>导出英文 CSV</translation>
    </message>
    <message>
        <source>Reprint slip</source>
        <translation>补打小票</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <source>No records for this day.</source>
        <translation>这一天没有记录。</translation>
    </message>
    <message>
        <source>Showing %1 of %2 records.</source>
        <translation>显示 %1 / %2 条记录。</translation>
    </message>
    <message>
        <source>Redeemed: %1 (%2 uses, paid %3) · Reversed: %4 · Failed: %5 · Being confirmed: %6 · Needs review: %7</source>
        <translation>已核销：%1 笔（%2 份，实付 %3）· 已撤销：%4 · 失败：%5 · 待确认：%6 · 需核对：%7</translation>
    </message>
    <message>
        <source>Slip sent to the printer.</source>
        <translation>小票已发送到打印机。</translation>
    </message>
    <message>
        <source>Record #%1 is not in this list.</source>
        <translation>记录 #%1 不在当前列表中。</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>导出 CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Exported %1 records to %2.</source>
        <translation>已导出 %1 条记录到 %2。</translation>
    </message>
    <message>
        <source>Could not write the file: %1</source>
        <translation>无法写入文件：%1</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Code (masked)</source>
        <translation>券码（已隐藏）</translation>
    </message>
    <message>
        <source>Code type</source>
        <translation>券码类型</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>份数</translation>
    </message>
    <message>
        <source>Paid (yuan)</source>
        <translation>实付（元）</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Order no</source>
        <translation>订单号</translation>
    </message>
    <message>
        <source>Request id</source>
        <translation>请求号</translation>
    </message>
    <message>
        <source>Linked record</source>
        <translation>关联记录</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>店长</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Error code</source>
        <translation>错误代码</translation>
    </message>
    <message>
        <source>Till</source>
        <translation>收银台</translation>
    </message>
    <message>
        <source>Cashier</source>
        <translation>收银员</translation>
    </message>
    <message>
        <source>Cashier (all)</source>
        <translation>收银员（全部）</translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Delete the last digit</source>
        <translation>删除最后一位</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Scan (Esc)</source>
        <translation>扫码 (Esc)</translation>
    </message>
    <message>
        <source>Type code (F2)</source>
        <translation>手工输入 (F2)</translation>
    </message>
    <message>
        <source>History (F3)</source>
        <translation>核销记录 (F3)</translation>
    </message>
    <message>
        <source>Manager (F9)</source>
        <translation>店长 (F9)</translation>
    </message>
    <message>
        <source>Platform: checking…</source>
        <translation>平台：正在连接…</translation>
    </message>
    <message>
        <source>Koubei voucher counter</source>
        <translation>口碑券核销</translation>
    </message>
    <message>
        <source>TRAINING</source>
        <translation>培训模式</translation>
    </message>
    <message>
        <source>Mode: training (simulator)</source>
        <translation>模式：培训（模拟平台）</translation>
    </message>
    <message>
        <source>Slip printed: %1</source>
        <translation>小票已打印：%1</translation>
    </message>
    <message>
        <source>Still connecting: scan this voucher again when the first one is done.</source>
        <translation>仍在连接平台：请等第一张券核销完成后再扫这一张。</translation>
    </message>
    <message>
        <source>Mode: production</source>
        <translation>模式：正式</translation>
    </message>
    <message>
        <source>Single-use voucher</source>
        <translation>单次券</translation>
    </message>
    <message>
        <source>10-use card</source>
        <translation>10次卡</translation>
    </message>
    <message>
        <source>Already used</source>
        <translation>已使用</translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <source>Own code (external)</source>
        <translation>自有券码（外部码）</translation>
    </message>
    <message>
        <source>Still connecting: open the manager screens in a moment.</source>
        <translation>仍在连接平台：请稍后再打开店长功能。</translation>
    </message>
    <message>
        <source>Scan ignored: close the open dialog first, then scan again.</source>
        <translation>扫码已忽略：请先关闭打开的对话框，再重新扫码。</translation>
    </message>
    <message>
        <source>Store DB: offline</source>
        <translation>门店库: 离线</translation>
    </message>
    <message>
        <source>Store DB: %1 waiting</source>
        <translation>门店库: 延迟 %1 条</translation>
    </message>
    <message>
        <source>Store DB: in sync</source>
        <translation>门店库: 已同步</translation>
    </message>
    <message>
        <source>Still connecting: press Enter again in a moment.</source>
        <translation>仍在连接平台：请稍后再按回车核销。</translation>
    </message>
    <message>
        <source>Redeeming… please wait</source>
        <translation>正在核销…请稍候</translation>
    </message>
    <message numerus="yes">
        <source>Unconfirmed: %n</source>
        <translation>
            <numerusform>待确认：%n 笔</numerusform>
        </translation>
    </message>
    <message>
        <source>Platform: reachable</source>
        <translation>平台：连接正常</translation>
    </message>
    <message>
        <source>Platform: recent timeouts</source>
        <translation>平台：最近超时</translation>
    </message>
    <message>
        <source>Platform: NOT reachable</source>
        <translation>平台：连接不上</translation>
    </message>
    <message>
        <source>Voucher %1 needs review: ask the manager.</source>
        <translation>券 %1 需核对：请找店长处理。</translation>
    </message>
    <message>
        <source>Confirmed: voucher %1 was redeemed (×%2).</source>
        <translation>已确认：券 %1 核销成功（%2 份）。</translation>
    </message>
    <message>
        <source>Confirmed: voucher %1 was NOT redeemed.</source>
        <translation>已确认：券 %1 未核销。</translation>
    </message>
    <message>
        <source>Confirmed: the operation on voucher %1 succeeded.</source>
        <translation>已确认：券 %1 的操作已成功。</translation>
    </message>
    <message>
        <source>Confirmed: the operation on voucher %1 failed.</source>
        <translation>已确认：券 %1 的操作未成功。</translation>
    </message>
    <message>
        <source>A redemption is in flight. Close again when it has finished.</source>
        <translation>有一笔核销正在进行，请等它完成后再关闭。</translation>
    </message>
    <message>
        <source>Scan ignored: sign in first.</source>
        <translation>扫码已忽略：请先登录。</translation>
    </message>
</context>
<context>
    <name>ManagerScreen</name>
    <message>
        <source>Lock and leave</source>
        <translation>锁定并退出</translation>
    </message>
    <message>
        <source>Manager functions are locked</source>
        <translation>店长功能已锁定</translation>
    </message>
    <message>
        <source>Reversal, code sync, the day&apos;s records and settings need the manager PIN.</source>
        <translation>撤销核销、凭证码同步、当日记录和设置需要店长密码。</translation>
    </message>
    <message>
        <source>Enter manager PIN</source>
        <translation>输入店长密码</translation>
    </message>
    <message>
        <source>Esc: back to scanning</source>
        <translation>按 Esc 返回扫码</translation>
    </message>
    <message>
        <source>Manager: %1</source>
        <translation>店长：%1</translation>
    </message>
    <message>
        <source>Reverse redemption</source>
        <translation>撤销核销</translation>
    </message>
    <message>
        <source>Code sync</source>
        <translation>凭证码同步</translation>
    </message>
    <message>
        <source>Today&apos;s records</source>
        <translation>当日记录</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Needs review</source>
        <translation>需核对</translation>
    </message>
    <message>
        <source>Scan ignored: nothing is redeemed on the manager screen. Esc goes back.</source>
        <translation>扫码已忽略：店长页面不做核销。按 Esc 返回扫码。</translation>
    </message>
    <message>
        <source>Needs review (%1)</source>
        <translation>需核对 (%1)</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>Cashiers</source>
        <translation>收银员</translation>
    </message>
</context>
<context>
    <name>ManualScreen</name>
    <message>
        <source>Type the voucher code</source>
        <translation>手工输入券码</translation>
    </message>
    <message>
        <source>Koubei code (12 digits)</source>
        <translation>口碑券码（12位数字）</translation>
    </message>
    <message>
        <source>Own code (external)</source>
        <translation>商家自有券码（外部）</translation>
    </message>
    <message>
        <source>Redeem (Enter)</source>
        <translation>核销 (Enter)</translation>
    </message>
    <message>
        <source>Ticket ID (optional)</source>
        <translation>凭证ID（选填）</translation>
    </message>
    <message>
        <source>Look up (F4)</source>
        <translation>查询 (F4)</translation>
    </message>
    <message>
        <source>Show the voucher (item, price, validity, uses left)</source>
        <translation>查看券信息（商品、价格、有效期、剩余次数）</translation>
    </message>
    <message>
        <source>Only for a third-party code: its ticket ID</source>
        <translation>仅第三方券码需要：填写其凭证ID</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>份数</translation>
    </message>
    <message>
        <source>Looks right. Press Enter to redeem.</source>
        <translation>格式正确，按 Enter 核销。</translation>
    </message>
    <message>
        <source>Type the 12 digits under the customer&apos;s QR code.</source>
        <translation>请输入顾客二维码下方的12位数字。</translation>
    </message>
    <message>
        <source>Type the merchant&apos;s own code: up to 32 letters or digits.</source>
        <translation>请输入商家自有券码：最多32位字母或数字。</translation>
    </message>
    <message numerus="yes">
        <source>%n more digit(s) to go.</source>
        <translation>
            <numerusform>还差 %n 位数字。</numerusform>
        </translation>
    </message>
    <message>
        <source>The ticket ID is up to 64 letters, digits, - or _. Leave it empty if the voucher has none.</source>
        <translation>凭证ID 最多 64 位字母、数字、- 或 _。券上没有就留空。</translation>
    </message>
</context>
<context>
    <name>OperationText</name>
    <message>
        <source>Redeem</source>
        <translation>核销</translation>
    </message>
    <message>
        <source>Reversal</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation>成功</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Confirming</source>
        <translation>确认中</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>需核对</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>发送中</translation>
    </message>
    <message>
        <source>Reversed</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <source>reverses #%1</source>
        <translation>撤销 #%1</translation>
    </message>
    <message>
        <source>reversed by #%1</source>
        <translation>已被 #%1 撤销</translation>
    </message>
    <message>
        <source>Reverse this redemption?</source>
        <translation>确定撤销这笔核销吗？</translation>
    </message>
    <message>
        <source>Code: %1</source>
        <translation>券码：%1</translation>
    </message>
    <message>
        <source>Quantity: %1</source>
        <translation>份数：%1</translation>
    </message>
    <message>
        <source>Amount paid: %1</source>
        <translation>实付金额：%1</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Redeemed at: %1</source>
        <translation>核销时间：%1</translation>
    </message>
    <message>
        <source>Order no: %1</source>
        <translation>订单号：%1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Item: %1</source>
        <translation>商品：%1</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>原因：%1</translation>
    </message>
    <message>
        <source>The voucher becomes usable again for the customer. This cannot be undone here.</source>
        <translation>撤销后顾客的券可以再次使用。此操作无法在这里恢复。</translation>
    </message>
</context>
<context>
    <name>OperationsModel</name>
    <message>
        <source>Request id: %1</source>
        <translation>请求号：%1</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>券码</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>份数</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>实付</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Order no</source>
        <translation>订单号</translation>
    </message>
    <message>
        <source>Linked</source>
        <translation>关联</translation>
    </message>
    <message>
        <source>Till · cashier</source>
        <translation>收银台 · 收银员</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <source>Manager PIN</source>
        <translation>店长密码</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>店长</translation>
    </message>
    <message>
        <source>Manager name</source>
        <translation>店长姓名</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Repeat PIN</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在核对…</translation>
    </message>
    <message>
        <source>Set the manager PIN</source>
        <translation>设置店长密码</translation>
    </message>
    <message>
        <source>No manager PIN is set yet. Choose a PIN of 4 to 12 digits; it protects reversals, code sync and settings.</source>
        <translation>还没有设置店长密码。请设置一个 4 到 12 位数字的密码，用于保护撤销核销、凭证码同步和设置。</translation>
    </message>
    <message>
        <source>Enter the manager PIN.</source>
        <translation>请输入店长密码。</translation>
    </message>
    <message>
        <source>The PIN must be 4 to 12 digits.</source>
        <translation>密码须为 4 到 12 位数字。</translation>
    </message>
    <message>
        <source>Enter the manager&apos;s name.</source>
        <translation>请输入店长姓名。</translation>
    </message>
    <message>
        <source>The two PINs differ. Type the same PIN twice.</source>
        <translation>两次输入的密码不一致，请输入相同的密码。</translation>
    </message>
    <message>
        <source>You may try the PIN again.</source>
        <translation>可以再次输入密码。</translation>
    </message>
    <message>
        <source>Too many wrong PINs. Locked: try again in %1:%2.</source>
        <translation>密码错误次数过多，已锁定：请在 %1:%2 后再试。</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>ReceiptDesk</name>
    <message>
        <source>Slip not printed (%1): %2</source>
        <translation>小票未打印（%1）：%2</translation>
    </message>
</context>
<context>
    <name>RecordDetails</name>
    <message>
        <source>Request id</source>
        <translation>请求号</translation>
    </message>
    <message>
        <source>Order no</source>
        <translation>订单号</translation>
    </message>
    <message>
        <source>Operator / manager</source>
        <translation>操作员 / 店长</translation>
    </message>
    <message>
        <source>Reason / error</source>
        <translation>原因 / 错误</translation>
    </message>
    <message>
        <source>Select a record to see its request id, operator and reason.</source>
        <translation>选中一条记录，可查看它的请求号、操作员和原因。</translation>
    </message>
    <message>
        <source>Record #%1 · %2 · %3</source>
        <translation>记录 #%1 · %2 · %3</translation>
    </message>
</context>
<context>
    <name>ReportPage</name>
    <message>
        <source>Whole store</source>
        <translation>全店</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation>已保存：%1</translation>
    </message>
</context>
<context>
    <name>ReportPdf</name>
    <message>
        <source>Save report</source>
        <translation>保存报表</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
</context>
<context>
    <name>ReportRender</name>
    <message>
        <source>Shift report</source>
        <translation>交班报表</translation>
    </message>
    <message>
        <source>Day report (whole store)</source>
        <translation>日结报表（全店）</translation>
    </message>
    <message>
        <source>Day report</source>
        <translation>日结报表</translation>
    </message>
    <message>
        <source>%1 redemptions, %2 uses, ¥%3</source>
        <translation>%1 笔核销，%2 份，¥%3</translation>
    </message>
    <message>
        <source>(no sign-in)</source>
        <translation>（未登录）</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>时段</translation>
    </message>
    <message>
        <source>Till</source>
        <translation>收银台</translation>
    </message>
    <message>
        <source>Cashier</source>
        <translation>收银员</translation>
    </message>
    <message>
        <source>Redeemed</source>
        <translation>核销</translation>
    </message>
    <message>
        <source>Reversed</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Being confirmed</source>
        <translation>待确认</translation>
    </message>
    <message>
        <source>Needs review</source>
        <translation>需核对</translation>
    </message>
    <message>
        <source>Redemptions by hour</source>
        <translation>每小时核销笔数</translation>
    </message>
    <message>
        <source>By product</source>
        <translation>按商品</translation>
    </message>
    <message>
        <source>By cashier</source>
        <translation>按收银员</translation>
    </message>
    <message>
        <source>reversed %1</source>
        <translation>撤销 %1</translation>
    </message>
</context>
<context>
    <name>ReversalScreen</name>
    <message>
        <source>Pick the redemption to reverse</source>
        <translation>选择要撤销的核销记录</translation>
    </message>
    <message>
        <source>Redeemed at</source>
        <translation>核销时间</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>券码</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>份数</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>实付</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Order no</source>
        <translation>订单号</translation>
    </message>
    <message>
        <source>Redeemed by mistake</source>
        <translation>误核销</translation>
    </message>
    <message>
        <source>Customer asked to cancel</source>
        <translation>顾客要求取消</translation>
    </message>
    <message>
        <source>Wrong quantity redeemed</source>
        <translation>核销份数有误</translation>
    </message>
    <message>
        <source>Reason (required)</source>
        <translation>原因（必填）</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Reverse…</source>
        <translation>撤销…</translation>
    </message>
    <message>
        <source>This external-code redemption has no order no in the log (newer integrations do not receive it). Type the Koubei order no from the customer&apos;s order.</source>
        <translation>这笔外部券码核销的记录里没有口碑订单号（新接入的服务商不返回订单号）。请输入顾客订单上的口碑订单号。</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Scan, or type code tail, order no or request id</source>
        <translation>扫码，或输入券码末几位、订单号或请求号</translation>
    </message>
    <message>
        <source>Koubei order no (up to 32 letters/digits)</source>
        <translation>口碑订单号（最多32位字母或数字）</translation>
    </message>
    <message>
        <source>Till · cashier</source>
        <translation>收银台 · 收银员</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <source>No redemption to reverse matches the search.</source>
        <translation>没有与搜索匹配的可撤销核销。</translation>
    </message>
    <message>
        <source>Nothing to reverse: no succeeded redemptions that are not reversed yet.</source>
        <translation>没有可撤销的记录：没有尚未撤销的成功核销。</translation>
    </message>
    <message>
        <source>Confirm reversal</source>
        <translation>确认撤销</translation>
    </message>
    <message>
        <source>Pick a redemption first.</source>
        <translation>请先选择一笔核销记录。</translation>
    </message>
    <message>
        <source>Give a reason for the reversal.</source>
        <translation>请填写撤销原因。</translation>
    </message>
    <message>
        <source>Reversing…</source>
        <translation>正在撤销…</translation>
    </message>
    <message>
        <source>Already reversed (%1).</source>
        <translation>已撤销过（%1）。</translation>
    </message>
    <message>
        <source>Reversed: %1 × %2. The voucher can be used again.</source>
        <translation>已撤销：%1 × %2。这张券可以再次使用。</translation>
    </message>
    <message>
        <source>Not reversed (%1).</source>
        <translation>未撤销（%1）。</translation>
    </message>
    <message>
        <source>The result is being confirmed; it is retried on its own.</source>
        <translation>结果待确认，系统会自动重试。</translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <source>Operations that need a manager&apos;s decision</source>
        <translation>需要店长核对的记录</translation>
    </message>
    <message>
        <source>Reason (required), e.g. what the customer&apos;s order shows</source>
        <translation>原因（必填），例如顾客订单上显示的情况</translation>
    </message>
    <message>
        <source>Customer did consume</source>
        <translation>顾客已消费</translation>
    </message>
    <message>
        <source>Not redeemed</source>
        <translation>未核销</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Till</source>
        <translation>收银台</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>券码</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>份数</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>原因说明</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <source>Nothing needs review.</source>
        <translation>没有需要核对的记录。</translation>
    </message>
    <message>
        <source>Platform record: looking up…</source>
        <translation>平台记录：正在查询…</translation>
    </message>
    <message>
        <source>Platform record: could not look up (%1)</source>
        <translation>平台记录：查询失败（%1）</translation>
    </message>
    <message>
        <source>Confirm decision</source>
        <translation>确认核对结论</translation>
    </message>
    <message>
        <source>Pick an operation first.</source>
        <translation>请先选择一条记录。</translation>
    </message>
    <message>
        <source>Recording the decision…</source>
        <translation>正在记录核对结论…</translation>
    </message>
    <message>
        <source>Customer did consume: it counts as redeemed.</source>
        <translation>顾客已消费：计入已核销。</translation>
    </message>
    <message>
        <source>Not redeemed: it counts as failed.</source>
        <translation>未核销：计为失败。</translation>
    </message>
    <message>
        <source>Code: %1</source>
        <translation>券码：%1</translation>
    </message>
    <message>
        <source>Quantity: %1</source>
        <translation>份数：%1</translation>
    </message>
    <message>
        <source>Time: %1</source>
        <translation>时间：%1</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>原因：%1</translation>
    </message>
    <message>
        <source>Nothing is sent to the platform. Your name and reason are recorded.</source>
        <translation>不会向平台发送任何请求。您的姓名和原因会被记录。</translation>
    </message>
    <message>
        <source>Recorded: customer did consume (%1).</source>
        <translation>已记录：顾客已消费（%1）。</translation>
    </message>
    <message>
        <source>Recorded: not redeemed (%1).</source>
        <translation>已记录：未核销（%1）。</translation>
    </message>
    <message>
        <source>Give a reason for the decision (visible text, not only spaces).</source>
        <translation>请填写核对原因（需有可见文字，不能只有空格）。</translation>
    </message>
</context>
<context>
    <name>ScanScreen</name>
    <message>
        <source>Still redeeming the previous voucher. Scan this one again when it is done.</source>
        <translation>上一张券还在核销中，请等它完成后再扫这一张。</translation>
    </message>
    <message>
        <source>Voucher %1 needs review: ask the manager to check it.</source>
        <translation>券 %1 需核对：请店长核对。</translation>
    </message>
    <message>
        <source>Voucher %1 confirmed: redeemed.</source>
        <translation>券 %1 已确认：核销成功。</translation>
    </message>
    <message>
        <source>Voucher %1 confirmed: NOT redeemed.</source>
        <translation>券 %1 已确认：未核销。</translation>
    </message>
    <message>
        <source>Not redeemed</source>
        <translation>核销失败</translation>
    </message>
    <message>
        <source>Error code: %1</source>
        <translation>错误代码：%1</translation>
    </message>
    <message>
        <source>Scan a voucher</source>
        <translation>请扫码</translation>
    </message>
    <message>
        <source>Scan the code on the customer&apos;s phone with the scanner, or press F2 to type it.</source>
        <translation>请用扫码枪扫描顾客手机上的券码，或按 F2 手工输入。</translation>
    </message>
    <message>
        <source>Training mode: try these demo codes.</source>
        <translation>培训模式：可用下面的演示券码练习。</translation>
    </message>
    <message>
        <source>Redeeming…</source>
        <translation>正在核销…</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>份数</translation>
    </message>
    <message>
        <source>Please wait. Do not scan this voucher again.</source>
        <translation>请稍候，不要重复扫这张券。</translation>
    </message>
    <message>
        <source>Customer paid</source>
        <translation>顾客实付</translation>
    </message>
    <message>
        <source>not given</source>
        <translation>平台未提供</translation>
    </message>
    <message>
        <source>Order no.</source>
        <translation>订单号</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>券码</translation>
    </message>
    <message>
        <source>Redeemed (confirmed after a network retry)</source>
        <translation>核销成功（网络重试后已确认）</translation>
    </message>
    <message>
        <source>Still redeeming the previous voucher. Look this one up when done.</source>
        <translation>上一张券还在核销中，完成后再查询这张券。</translation>
    </message>
    <message>
        <source>Connecting to the platform…</source>
        <translation>正在连接平台…</translation>
    </message>
    <message>
        <source>Scan received: it is redeemed as soon as the till is connected.</source>
        <translation>已收到扫码：连接完成后立即核销，请勿重复扫码。</translation>
    </message>
    <message>
        <source>Looking up…</source>
        <translation>正在查询…</translation>
    </message>
    <message>
        <source>Checking the voucher with the platform. Nothing is redeemed.</source>
        <translation>正在向平台查询券信息，不会核销。</translation>
    </message>
    <message>
        <source>Could not look up</source>
        <translation>查询失败</translation>
    </message>
    <message>
        <source>Nothing was redeemed.</source>
        <translation>没有核销任何券。</translation>
    </message>
    <message>
        <source>Looking up the reason…</source>
        <translation>正在向平台查询原因…</translation>
    </message>
    <message>
        <source>Checked with the platform just now.</source>
        <translation>已向平台查询确认。</translation>
    </message>
    <message>
        <source>A single-use voucher cannot be redeemed again.</source>
        <translation>单次券不能再次核销。</translation>
    </message>
    <message>
        <source>Uses left</source>
        <translation>剩余次数</translation>
    </message>
    <message>
        <source>Redeemed</source>
        <translation>核销成功</translation>
    </message>
    <message>
        <source>(the platform did not name the item)</source>
        <translation>（平台未返回商品名称）</translation>
    </message>
    <message>
        <source>Needs review</source>
        <translation>需核对</translation>
    </message>
    <message>
        <source>Ask the manager to check it (Manager → Needs review).</source>
        <translation>请店长核对（店长 → 需核对）。</translation>
    </message>
    <message>
        <source>Confirming…</source>
        <translation>正在确认…</translation>
    </message>
    <message numerus="yes">
        <source>Tried %n time(s).</source>
        <translation>
            <numerusform>已尝试 %n 次。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Tried %n time(s). Trying again now…</source>
        <translation>
            <numerusform>已尝试 %n 次，正在重试…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Tried %n time(s). Next try in %1 s; the card updates by itself.</source>
        <translation>
            <numerusform>已尝试 %n 次，%1 秒后自动重试；结果出来后这里会自动更新。</numerusform>
        </translation>
    </message>
    <message>
        <source>Redeemed at</source>
        <translation>核销时间</translation>
    </message>
    <message>
        <source>By</source>
        <translation>核销人</translation>
    </message>
    <message>
        <source>Till</source>
        <translation>收银台</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Already redeemed at another till</source>
        <translation>已在其他收银台核销</translation>
    </message>
    <message>
        <source>Already redeemed here</source>
        <translation>本机已核销过这张券</translation>
    </message>
    <message>
        <source>Checking whether uses are left…</source>
        <translation>正在查询是否还有剩余次数…</translation>
    </message>
    <message>
        <source>Redeem again (multi-use card)</source>
        <translation>再次核销（次卡）</translation>
    </message>
</context>
<context>
    <name>ScannerTestPage</name>
    <message>
        <source>Click here, then scan a code</source>
        <translation>点击这里，然后扫一个码</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>按键</translation>
    </message>
    <message>
        <source>Character</source>
        <translation>字符</translation>
    </message>
    <message>
        <source>ms since previous key</source>
        <translation>距上一键（毫秒）</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>%1 (terminator)</source>
        <translation>%1（结束键）</translation>
    </message>
    <message>
        <source>%1 characters in %2 ms, longest gap %3 ms, ended by %4.</source>
        <translation>%1 个字符，用时 %2 毫秒，最长间隔 %3 毫秒，以 %4 结束。</translation>
    </message>
    <message>
        <source>Recognised as a scan with these settings.</source>
        <translation>按当前设置会识别为扫码。</translation>
    </message>
    <message>
        <source>Not a scan: fewer than %1 characters.</source>
        <translation>不是扫码：少于 %1 个字符。</translation>
    </message>
    <message>
        <source>Not a scan: a gap is longer than %1 ms.</source>
        <translation>不是扫码：有按键间隔超过 %1 毫秒。</translation>
    </message>
    <message>
        <source>Not a scan: this terminator is not enabled.</source>
        <translation>不是扫码：这个结束键没有启用。</translation>
    </message>
</context>
<context>
    <name>ScopeSwitch</name>
    <message>
        <source>This till</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>Whole store</source>
        <translation>全店</translation>
    </message>
</context>
<context>
    <name>SettingsScreen</name>
    <message>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <source>Platforms</source>
        <translation>平台</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>密钥</translation>
    </message>
    <message>
        <source>Scanner</source>
        <translation>扫码枪</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Undo changes</source>
        <translation>放弃修改</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>培训</translation>
    </message>
    <message>
        <source>Production</source>
        <translation>正式</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Play a sound on success and failure</source>
        <translation>成功和失败时播放提示音</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Terminal id</source>
        <translation>收银台编号</translation>
    </message>
    <message>
        <source>Network timeout</source>
        <translation>网络超时</translation>
    </message>
    <message>
        <source>Mode and language changes take effect after a restart.</source>
        <translation>模式和语言的修改在重启后生效。</translation>
    </message>
    <message>
        <source>Koubei shop (internal)</source>
        <translation>口碑门店（内部）</translation>
    </message>
    <message>
        <source>External shop</source>
        <translation>外部门店</translation>
    </message>
    <message>
        <source>Alipay gateway</source>
        <translation>支付宝网关</translation>
    </message>
    <message>
        <source>Alipay app id</source>
        <translation>支付宝应用 ID</translation>
    </message>
    <message>
        <source>Alipay sign type</source>
        <translation>支付宝签名类型</translation>
    </message>
    <message>
        <source>Taobao (TOP) gateway</source>
        <translation>淘宝开放平台（TOP）网关</translation>
    </message>
    <message>
        <source>TOP app key</source>
        <translation>TOP App Key</translation>
    </message>
    <message>
        <source>TOP sign method</source>
        <translation>TOP 签名方法</translation>
    </message>
    <message>
        <source>Shop id</source>
        <translation>门店 ID</translation>
    </message>
    <message>
        <source>Shop type</source>
        <translation>门店类型</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>%1 mm</source>
        <translation>%1 毫米</translation>
    </message>
    <message>
        <source>Print a slip after each redemption and reversal</source>
        <translation>每次核销和撤销后自动打印小票</translation>
    </message>
    <message>
        <source>Printer address</source>
        <translation>打印机地址</translation>
    </message>
    <message>
        <source>Paper width</source>
        <translation>纸宽</translation>
    </message>
    <message>
        <source>Network: tcp://HOST:9100; USB: usb://VID:PID; serial: serial:///dev/ttyUSB0; device file: file:///dev/usb/lp0. Leave empty for no printer.</source>
        <translation>网络打印机：tcp://IP地址:9100；USB：usb://厂商ID:产品ID；串口：serial:///dev/ttyUSB0；设备文件：file:///dev/usb/lp0。不用打印机时留空。</translation>
    </message>
    <message>
        <source>Print test page</source>
        <translation>打印测试</translation>
    </message>
    <message>
        <source>Printing the test page…</source>
        <translation>正在打印测试页…</translation>
    </message>
    <message>
        <source>Test page printed: check that its Chinese text reads clearly.</source>
        <translation>测试页已打印：请检查中文是否清晰。</translation>
    </message>
    <message>
        <source>Alipay app private key</source>
        <translation>支付宝应用私钥</translation>
    </message>
    <message>
        <source>Alipay public key</source>
        <translation>支付宝公钥</translation>
    </message>
    <message>
        <source>TOP app secret</source>
        <translation>TOP App Secret</translation>
    </message>
    <message>
        <source>TOP session key</source>
        <translation>TOP 授权会话（session）</translation>
    </message>
    <message>
        <source>app_auth_token (optional)</source>
        <translation>app_auth_token（可选）</translation>
    </message>
    <message>
        <source>Store database password (optional)</source>
        <translation>门店库密码（可选）</translation>
    </message>
    <message>
        <source>Import from file…</source>
        <translation>从文件导入…</translation>
    </message>
    <message>
        <source>Enter</source>
        <translation>Enter 回车</translation>
    </message>
    <message>
        <source>Tab</source>
        <translation>Tab 制表</translation>
    </message>
    <message>
        <source>At least (characters)</source>
        <translation>至少（字符数）</translation>
    </message>
    <message>
        <source>At most between keys</source>
        <translation>按键间隔最多</translation>
    </message>
    <message>
        <source>Ends with</source>
        <translation>结束键</translation>
    </message>
    <message>
        <source>Prefixes/suffixes (comma list)</source>
        <translation>前缀/后缀（逗号分隔）</translation>
    </message>
    <message>
        <source>Scanner test</source>
        <translation>扫码枪测试</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <source>Restart the app to use the new mode or language.</source>
        <translation>请重启程序以使用新的模式或语言。</translation>
    </message>
    <message>
        <source>No OS keyring is available.</source>
        <translation>本机没有可用的系统密钥库。</translation>
    </message>
    <message>
        <source>No keyring: %1</source>
        <translation>没有密钥库：%1</translation>
    </message>
    <message>
        <source>Keys are kept in the OS keyring: %1</source>
        <translation>密钥保存在系统密钥库中：%1</translation>
    </message>
    <message>
        <source>stored</source>
        <translation>已保存</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <source>Keys (*.pem *.txt *.key);;All files (*)</source>
        <translation>密钥 (*.pem *.txt *.key);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Import %1</source>
        <translation>导入 %1</translation>
    </message>
    <message>
        <source>Imported %1 into the keyring: %2</source>
        <translation>已将 %1 导入密钥库：%2</translation>
    </message>
    <message>
        <source>Could not read the file: %1</source>
        <translation>无法读取文件：%1</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>正在测试…</translation>
    </message>
    <message>
        <source>The platform answers.</source>
        <translation>平台有响应。</translation>
    </message>
    <message>
        <source>No answer from the platform. Check the network and the gateway.</source>
        <translation>平台没有响应。请检查网络和网关地址。</translation>
    </message>
</context>
<context>
    <name>ShiftControl</name>
    <message>
        <source>End shift</source>
        <translation>交班</translation>
    </message>
    <message>
        <source>Switch cashier</source>
        <translation>换人</translation>
    </message>
    <message>
        <source>Wait for the redemption in flight to finish.</source>
        <translation>请等待正在进行的核销完成。</translation>
    </message>
</context>
<context>
    <name>ShiftEndDialog</name>
    <message>
        <source>End shift</source>
        <translation>交班</translation>
    </message>
    <message>
        <source>End shift and sign out</source>
        <translation>确认交班并退出</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <source>Keep working</source>
        <translation>继续工作</translation>
    </message>
</context>
<context>
    <name>SignInScreen</name>
    <message>
        <source>Please sign in</source>
        <translation>请登录</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>PIN for %1:</source>
        <translation>%1 的密码：</translation>
    </message>
    <message>
        <source>(about %1 min)</source>
        <translation>（约 %1 分钟）</translation>
    </message>
</context>
<context>
    <name>StartWindow</name>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>You can scan already: the voucher is redeemed as soon as the till is ready.</source>
        <translation>现在就可以扫码：收银台就绪后立即核销。</translation>
    </message>
    <message>
        <source>Scan received: it is redeemed as soon as the till is connected.</source>
        <translation>已收到扫码：连接完成后立即核销，请勿重复扫码。</translation>
    </message>
</context>
<context>
    <name>SyncScreen</name>
    <message>
        <source>Set how many uses of a code remain on the platform (mostly for the shop&apos;s own external codes).</source>
        <translation>设置平台上这张券的剩余可用次数（主要用于商家自有的外部券码）。</translation>
    </message>
    <message>
        <source>Scan or type the code</source>
        <translation>扫码或输入券码</translation>
    </message>
    <message>
        <source>Detect</source>
        <translation>自动识别</translation>
    </message>
    <message>
        <source>External code</source>
        <translation>外部券码</translation>
    </message>
    <message>
        <source>Internal code (12 digits)</source>
        <translation>内部券码（12位数字）</translation>
    </message>
    <message>
        <source>Order no (may stay empty if this terminal redeemed the code)</source>
        <translation>订单号（本机核销过这张券时可不填）</translation>
    </message>
    <message>
        <source>Sync…</source>
        <translation>同步…</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>券码</translation>
    </message>
    <message>
        <source>Code type</source>
        <translation>券码类型</translation>
    </message>
    <message>
        <source>Order no</source>
        <translation>订单号</translation>
    </message>
    <message>
        <source>Remaining uses</source>
        <translation>剩余次数</translation>
    </message>
    <message>
        <source>internal code</source>
        <translation>内部券码</translation>
    </message>
    <message>
        <source>external code</source>
        <translation>外部券码</translation>
    </message>
    <message>
        <source>Confirm sync</source>
        <translation>确认同步</translation>
    </message>
    <message>
        <source>Set the remaining uses of %1 to %2?</source>
        <translation>确定把 %1 的剩余次数设为 %2 吗？</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <source>Synced: %1 now has %2 uses left.</source>
        <translation>已同步：%1 现在剩余 %2 次。</translation>
    </message>
    <message>
        <source>Not synced (%1).</source>
        <translation>未同步（%1）。</translation>
    </message>
    <message>
        <source>The result is being confirmed; it is retried on its own.</source>
        <translation>结果待确认，系统会自动重试。</translation>
    </message>
    <message>
        <source>Enter the order no of this code (the log does not know it).</source>
        <translation>请填写这张券的订单号（本机记录里没有）。</translation>
    </message>
</context>
<context>
    <name>TrainingBanner</name>
    <message>
        <source>TRAINING MODE — practice only, no voucher is really redeemed</source>
        <translation>培训模式 — 仅供练习，不会真实核销任何券</translation>
    </message>
</context>
<context>
    <name>VoucherText</name>
    <message>
        <source>Valid, can be redeemed</source>
        <translation>可使用</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>已使用</translation>
    </message>
    <message>
        <source>Not valid here or now</source>
        <translation>不可用（未生效、已过期或非本店）</translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <source>Being redeemed elsewhere</source>
        <translation>正在别处核销</translation>
    </message>
    <message>
        <source>Refund in progress</source>
        <translation>退款中</translation>
    </message>
    <message>
        <source>not given</source>
        <translation>平台未提供</translation>
    </message>
    <message>
        <source>%1 of %2 use(s) left</source>
        <translation>剩余 %1 次（共 %2 次）</translation>
    </message>
    <message>
        <source>%1 to %2</source>
        <translation>%1 至 %2</translation>
    </message>
    <message>
        <source>until %1</source>
        <translation>至 %1</translation>
    </message>
    <message>
        <source>from %1</source>
        <translation>%1 起</translation>
    </message>
    <message>
        <source>%1 (list price %2)</source>
        <translation>%1（原价 %2）</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>Valid</source>
        <translation>有效期</translation>
    </message>
    <message>
        <source>Uses</source>
        <translation>次数</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>券码</translation>
    </message>
    <message>
        <source>Nothing has been redeemed yet. Press Redeem to redeem it.</source>
        <translation>尚未核销。确认无误后按「核销」。</translation>
    </message>
    <message>
        <source>This voucher cannot be redeemed now.</source>
        <translation>这张券现在不能核销。</translation>
    </message>
    <message>
        <source>Voucher details</source>
        <translation>券信息</translation>
    </message>
    <message>
        <source>(the platform did not name the item)</source>
        <translation>（平台未返回商品名称）</translation>
    </message>
    <message>
        <source>Redeem</source>
        <translation>核销</translation>
    </message>
    <message>
        <source>used</source>
        <translation>核销</translation>
    </message>
    <message>
        <source>reversed</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>%1  %2 ×%3</source>
        <translation>%1  %2 ×%3</translation>
    </message>
    <message>
        <source>Platform: %1</source>
        <translation>平台记录：%1</translation>
    </message>
    <message>
        <source>The platform lists no use of this voucher.</source>
        <translation>平台没有这张券的使用记录。</translation>
    </message>
    <message>
        <source>last used %1</source>
        <translation>最近使用 %1</translation>
    </message>
</context>
</TS>
