"""Cashier-facing texts for every stable error code, in zh_CN and en.

Each text says what happened and what to do next, in words a cashier uses. The core has no Qt, so
these are plain pairs; the UI picks the language. Codes are the seeds' business codes where one
exists, otherwise our own (upper snake case).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Message:
    zh: str
    en: str


_CATALOGUE: dict[str, Message] = {
    # --- documented business codes (seeds) ---
    "SYSTEM_ERROR": Message(
        "平台繁忙，结果待确认。系统会自动重试，请稍候，不要重复核销。",
        "The platform is busy; the result is being confirmed. It retries on its own — do not redeem again.",
    ),
    "INVALID_PARAMETER": Message(
        "请求参数有误，核销未完成。请核对券码和份数后重试；仍失败请联系店长。",
        "The request was rejected as invalid; nothing was redeemed. Check the code and quantity.",
    ),
    "TICKET_CODE_NOT_EXIST": Message(
        "券码不存在。请让顾客出示正确的券码，或核对输入是否有误。",
        "This code does not exist. Ask the customer for the right code or check what was typed.",
    ),
    "NOT_SAME_MERCHANT_PID": Message(
        "这张券不属于本店商家，不能在本店核销。请顾客到购买的商家使用。",
        "This voucher belongs to another merchant and cannot be used here.",
    ),
    "TICKET_STATUS_ILLEGAL": Message(
        "券的状态不允许此操作（可能已使用、已退款或已过期）。请让顾客在手机上查看券状态。",
        "The voucher's state does not allow this (used, refunded or expired). Ask the customer to check it.",
    ),
    "TICKET_PROCESSING": Message(
        "这张券正在处理中，结果待确认。系统会稍后自动重试，请稍候。",
        "This voucher is being processed; the result is being confirmed. It retries shortly on its own.",
    ),
    "TICKET_ALREADY_USED": Message(
        "这笔核销此前已成功（重复请求）。无需再次核销。",
        "This redemption had already succeeded (repeat request). Nothing more to do.",
    ),
    "BIZ_ALREADY_SUCCESS": Message(
        "此操作此前已成功（重复请求）。无需再次操作。",
        "This operation had already succeeded (repeat request). Nothing more to do.",
    ),
    "USE_BIZ_ORDER_CLOSE": Message(
        "原核销并未完成，无需撤销。如顾客仍要使用，可重新核销。",
        "The original redemption never completed, so there is nothing to reverse. Redeem again if needed.",
    ),
    "USE_CHANNEL_NOT_EQUAL": Message(
        "这笔核销不是通过本系统（开放平台）完成的，不能在这里撤销。",
        "That redemption was not made through the open platform and cannot be reversed here.",
    ),
    "USE_BIZ_ORDER_NOT_EXIST": Message(
        "平台上找不到这笔核销记录，无法撤销。请核对后联系平台客服。",
        "The platform has no record of that redemption; it cannot be reversed. Contact platform support.",
    ),
    "REQUEST_ID_REPEAT": Message(
        "系统内部错误：请求号重复但参数不同。请勿重试，请联系技术支持。",
        "Internal error: a request id was reused with other parameters. Do not retry; call support.",
    ),
    "REPEAT_CANCEL": Message(
        "这笔核销已经被撤销过（另一次撤销请求）。无需再次撤销。",
        "This redemption was already reversed by another request. Nothing more to do.",
    ),
    # --- outcome unknown (ours) ---
    "TIMEOUT": Message(
        "网络超时，结果待确认。系统会用同一请求自动重试，请不要重复核销。",
        "The network timed out; the result is being confirmed with the same request. Do not redeem again.",
    ),
    "CONNECTION_ERROR": Message(
        "连不上平台，结果待确认。请检查网络；系统会自动重试。",
        "Cannot reach the platform; the result is being confirmed. Check the network; it retries on its own.",
    ),
    "HTTP_ERROR": Message(
        "平台返回服务器错误，结果待确认。系统会自动重试。",
        "The platform answered with a server error; the result is being confirmed. It retries on its own.",
    ),
    "SERVICE_UNAVAILABLE": Message(
        "平台服务暂不可用，结果待确认。系统会自动重试。",
        "The platform service is unavailable; the result is being confirmed. It retries on its own.",
    ),
    "SIGNATURE_INVALID": Message(
        "平台应答的签名校验失败，结果待确认。系统会自动重试；多次出现请联系技术支持。",
        "The platform's answer failed its signature check; the result is being confirmed.",
    ),
    "RESPONSE_MALFORMED": Message(
        "平台应答无法解析，结果待确认。系统会自动重试。",
        "The platform's answer could not be read; the result is being confirmed. It retries on its own.",
    ),
    "OUTCOME_UNKNOWN": Message(
        "结果待确认。系统会自动重试，请稍候，不要重复核销。",
        "The result is being confirmed. It retries on its own — do not redeem again.",
    ),
    # --- platform errors (gateway level) ---
    "GATEWAY_SIGNATURE_REJECTED": Message(
        "平台拒绝了本机的签名。请店长在设置中检查密钥是否正确。",
        "The platform rejected this terminal's signature. A manager should check the keys in settings.",
    ),
    "GATEWAY_AUTH_REJECTED": Message(
        "平台拒绝了本机的授权（应用或授权令牌无效）。请店长检查设置。",
        "The platform rejected this terminal's authorisation (app or token). A manager should check settings.",
    ),
    "GATEWAY_TIMESTAMP_REJECTED": Message(
        "平台拒绝了请求时间。请检查本机时钟是否准确。",
        "The platform rejected the request time. Check this computer's clock.",
    ),
    "GATEWAY_RATE_LIMITED": Message(
        "调用太频繁被平台限制。请稍等一分钟再试。",
        "The platform is limiting calls. Wait a minute and try again.",
    ),
    "GATEWAY_REJECTED": Message(
        "平台拒绝了这次请求。请记下错误代码并联系店长。",
        "The platform rejected the request. Note the error code and call a manager.",
    ),
    # --- input and configuration (ours) ---
    "CODE_EMPTY": Message("请扫码或输入券码。", "Scan or type a voucher code."),
    "CODE_FORMAT": Message(
        "券码格式不对：内部券码是12位数字，外部券码最多32位字母或数字。请重新扫码或核对输入。",
        "Wrong code format: internal codes are 12 digits, external codes up to 32 letters/digits.",
    ),
    "QUANTITY_RANGE": Message(
        "份数必须是 1 到 9999 之间的整数。", "The quantity must be a whole number from 1 to 9999."
    ),
    "REMAINING_RANGE": Message(
        "剩余份数必须是 0 到 9999 之间的整数。",
        "The remaining count must be a whole number from 0 to 9999.",
    ),
    "FIELD_INVALID": Message(
        "有一项内容格式不对，请核对后重试。",
        "A field has the wrong format; check it and try again.",
    ),
    "INPUT_INVALID": Message(
        "输入有误，请核对后重试。", "The input is not valid; check it and try again."
    ),
    "CONFIG_ERROR": Message(
        "设置不完整或有误，无法发送。请店长在设置中补全。",
        "Settings are missing or wrong; nothing was sent. A manager should complete them.",
    ),
    "KEY_INVALID": Message(
        "密钥格式无法识别。请导入支付宝开放平台给出的密钥（Base64 或 PEM）。",
        "The key's format is not recognised. Import the key as the Alipay console gives it (Base64 or PEM).",
    ),
    "SECRET_MISSING": Message(
        "缺少密钥，无法发送。请店长在设置中导入密钥。",
        "A key is missing; nothing was sent. A manager should import it in settings.",
    ),
    "NO_KEYRING": Message(
        "本机没有可用的系统密钥库，密钥无法安全保存。请安装并启用系统密钥库（如 gnome-keyring）。",
        "No OS keyring is available, so keys cannot be stored safely. Install/enable one (e.g. gnome-keyring).",
    ),
    "PIN_WRONG": Message("店长密码不正确。", "Wrong manager PIN."),
    "PIN_LOCKED": Message(
        "店长密码错误次数过多，已锁定，请稍后再试。",
        "Too many wrong PINs; locked for a while. Try again later.",
    ),
    "PIN_NOT_SET": Message(
        "还没有设置店长密码。请先设置店长密码。", "No manager PIN is set yet. Set one first."
    ),
    "PIN_FORMAT": Message(
        "店长密码须为 4 到 12 位数字。", "The manager PIN must be 4 to 12 digits."
    ),
    "JOURNAL_ERROR": Message(
        "本机记录写入失败，为安全起见未发送。请检查磁盘空间并联系技术支持。",
        "The local log could not be written, so nothing was sent. Check disk space; call support.",
    ),
    "JOURNAL_EMPTY": Message(
        "正式模式的本机记录文件是空的（0 字节），原有记录已丢失，为安全起见拒绝启动。"
        "请联系技术支持从备份恢复该文件；不要删除它。",
        "The production log file is empty (0 bytes): its records are gone, so the app will not"
        " start. Call support to restore it from a backup; do not delete it.",
    ),
    "NOT_REVERSIBLE": Message(
        "这笔记录不能撤销（只有已成功且未撤销的核销可以撤销）。",
        "This record cannot be reversed (only succeeded, not yet reversed redemptions can).",
    ),
    "REASON_REQUIRED": Message(
        "请填写原因（撤销或核对的原因），以便日后查对。",
        "Give a reason (for the reversal or the decision).",
    ),
    "REVIEW_REDEEM": Message(
        "需核对：重试时平台说这张券已被使用，可能就是本次第一次尝试核销成功的。请店长查看券记录后确认顾客是否已消费，不要让顾客重复扫码。",
        "Needs review: the retry was told the voucher is used — possibly by this redemption's first try. A manager checks and decides; do not scan again.",
    ),
    "REVIEW_PARENT": Message(
        "撤销未完成：平台说原核销订单已关闭或不存在，与本机记录不符。原核销已标记为需核对，请店长核对后处理。",
        "Not reversed: the platform says the original redemption's order is closed or missing, which contradicts this till's log. It is marked for review.",
    ),
    "RETRY_CONFIRMED": Message(
        "核销成功（网络重试后已确认）。第一次请求没有收到回复，系统用同一请求号重试，平台确认只核销了一次。无需再次核销。",
        "Redeemed (confirmed after a network retry). The first request got no answer; the retry"
        " with the same request id confirmed it was redeemed once. Nothing more to do.",
    ),
    "NOT_REVIEWABLE": Message(
        "这笔记录不在需核对状态，无需处理。",
        "This record is not waiting for review; nothing to decide.",
    ),
    "JOURNAL_AFTER_SEND": Message(
        "结果待确认：请求已发出，但本机记录写入失败（磁盘可能已满）。请勿重复核销；清理磁盘后系统会自动用同一请求号确认结果。",
        "Outcome unknown: the request left, but the local log could not record the answer (disk full?). Do not redeem again; once there is space it is confirmed with the same request id.",
    ),
    "ORDER_NO_REQUIRED": Message(
        "这笔外部券码核销的记录里没有口碑订单号，撤销必须填写。请输入顾客订单上的口碑订单号。",
        "This external-code redemption has no Koubei order number in the log, and a reversal needs"
        " it. Type the Koubei order number from the customer's order.",
    ),
    "ORDER_NO_FORMAT": Message(
        "口碑订单号格式不对：最多32位字母或数字，不能有其他符号。请核对后重新输入。",
        "Wrong order number format: up to 32 letters or digits, nothing else. Check it and retype.",
    ),
    "ORDER_NO_MISMATCH": Message(
        "输入的订单号与本机记录中的口碑订单号不一致。请核对，或清空订单号使用记录中的订单号。",
        "The order number typed differs from the one in this terminal's log. Check it, or leave it"
        " empty to use the logged one.",
    ),
    "TEXT_INVISIBLE": Message(
        "填写的内容只有看不见的字符（空格或控制字符）。请用文字填写。",
        "What was entered holds only invisible characters (spaces or control characters). Type words.",
    ),
    "ALREADY_IN_FLIGHT": Message(
        "这张券正在核销中，请等待结果，不要重复扫码。",
        "This code is already being redeemed; wait for the result and do not scan again.",
    ),
    "ALREADY_REDEEMED_HERE": Message(
        "这张券已在本机核销过。如需再次使用请核对顾客的券状态。",
        "This code was already redeemed at this terminal. Check the customer's voucher status.",
    ),
    # --- the store database (several tills): {placeholders} are filled by message_with ---
    "REDEEMED_ELSEWHERE": Message(
        "{when} 已在 {till} 核销。这张券今天已在本店另一台收银台核销过；如是次卡要再用一次，请点“再次核销”。",
        "Redeemed at {till} at {when}: another till of this shop already redeemed this voucher"
        " today. For a multi-use card's next use, choose Redeem again.",
    ),
    "ALREADY_REVERSED": Message(
        "这笔核销已由本机撤销过，无需再次撤销。",
        "This till already reversed this redemption; nothing more to do.",
    ),
    "NO_SUCH_REDEMPTION": Message(
        "找不到这个请求号的核销记录（本机和门店库都没有）。请核对请求号。",
        "No redemption with this request id, neither at this till nor in the store database."
        " Check the request id.",
    ),
    # --- settings, secrets and the manager PIN (config/settings.py, secrets/store.py, pin.py) ---
    "SETTING_UNKNOWN": Message(
        "没有这项设置，请核对设置名称（例如 alipay.app_id）。",
        "There is no such setting; check its name (e.g. alipay.app_id).",
    ),
    "SETTING_INVALID": Message(
        "这项设置的值格式不对，请核对后重新输入。",
        "This setting's value has the wrong format; check it and enter it again.",
    ),
    "SETTING_CHOICE": Message(
        "这项设置只能从给定的选项中选择，请重新选择。",
        "This setting only takes one of the listed choices; pick one of them.",
    ),
    "SETTING_RANGE": Message(
        "这项设置的数值超出允许范围，请重新输入。",
        "This setting's number is out of the allowed range; enter it again.",
    ),
    "SETTING_URL": Message(
        "网关地址不对：须是以 https:// 开头的完整网址。请核对后重新输入。",
        "The gateway address is wrong: it must be a full URL starting with https://.",
    ),
    "STORE_URL": Message(
        "门店库地址不对：须是 postgresql://用户名@主机:端口/数据库名，可附 ?sslmode=...。请核对后重新输入。",
        "The store database address is wrong: it must be postgresql://user@host:port/database, optionally with ?sslmode=....",
    ),
    "STORE_URL_PASSWORD": Message(
        "门店库地址里不能写密码（设置文件不保密）。请去掉密码，用 pos-app keys import store-db-password 把密码存入系统密钥库。",
        "The store database address must not contain a password (the settings file is not secret). "
        "Remove it and store the password with pos-app keys import store-db-password.",
    ),
    "STORE_UNREACHABLE": Message(
        "连不上门店库。本机照常核销，记录会在门店库恢复后自动同步。",
        "The store database cannot be reached. This till keeps redeeming; its records sync once the store database is back.",
    ),
    "STORE_NOT_CONFIGURED": Message(
        "未设置门店库。请店长用 pos-app settings set store.database_url 设置。",
        "No store database is set up. A manager sets one with pos-app settings set store.database_url.",
    ),
    "STORE_SCHEMA": Message(
        "门店库的版本比本软件新。请把本机软件更新到最新版本。",
        "The store database's schema is newer than this app. Update the app on this till.",
    ),
    "GATEWAY_NOT_HTTPS": Message(
        "正式环境只能用 https:// 网关地址（本机测试地址除外）。请改为 https 地址或切换到培训模式。",
        "Production needs https:// gateway URLs (except this computer's loopback). "
        "Use an https URL or switch to training mode.",
    ),
    "SETTINGS_UNREADABLE": Message(
        "设置文件无法读取或格式已损坏。请店长修复或删除设置文件后重新设置。",
        "The settings file cannot be read or is damaged. A manager should fix or remove it and set up again.",
    ),
    "SETTINGS_INVALID": Message(
        "设置文件中有一项的值不对。请店长在设置中改正。",
        "A value in the settings file is wrong. A manager should correct it in settings.",
    ),
    "SETTINGS_WRITE_FAILED": Message(
        "设置无法保存，原来的设置保持不变。请检查磁盘空间和文件夹权限。",
        "The settings could not be saved; the old settings are unchanged. Check disk space and permissions.",
    ),
    "KEYRING_ERROR": Message(
        "系统密钥库无法使用（可能已锁定或未运行）。请解锁系统密钥库或重新登录后再试。",
        "The OS keyring cannot be used (locked or not running). Unlock it or log in again, then retry.",
    ),
    "SECRET_CORRUPT": Message(
        "密钥库中保存的密钥已损坏（可能上次保存被中断）。请店长重新导入该密钥。",
        "A key stored in the keyring is damaged (perhaps a save was interrupted). A manager should import it again.",
    ),
    "SECRET_UNKNOWN": Message(
        "没有这种密钥名称，请从列出的密钥名称中选择。",
        "There is no secret by that name; use one of the listed names.",
    ),
    "SECRET_EMPTY": Message(
        "密钥内容为空，请粘贴或选择密钥文件。", "The secret is empty; paste it or pick its file."
    ),
    "SECRET_FORMAT": Message(
        "密钥内容格式不对（不能含空格，最长 512 个字符）。请核对后重新导入。",
        "The secret has the wrong format (no spaces, at most 512 characters). Check it and import again.",
    ),
    "SECRET_TOO_LONG": Message(
        "密钥太长，无法保存到系统密钥库。请核对导入的内容。",
        "The secret is too long to store in the OS keyring. Check what was imported.",
    ),
    "MANAGER_NAME": Message(
        "店长名称须为 1 到 32 个字符。", "The manager name must be 1 to 32 characters."
    ),
    "PIN_RECORD_INVALID": Message(
        "店长密码记录已损坏或被改动，为安全起见已拒绝。请店长运行 pos-app manager reset-pin"
        "（会清除系统密钥库中的网关密钥，之后须重新导入密钥并设置新密码）。",
        "The manager PIN record is damaged or was altered, so access is refused. A manager must run"
        " pos-app manager reset-pin (it wipes the gateway keys from the keyring; import them again"
        " and set a new PIN afterwards).",
    ),
    "PIN_UNAVAILABLE": Message(
        "无法核对店长密码：系统密钥库不可用或无法读取，为安全起见已拒绝。请先修复密钥库"
        "（运行 pos-app doctor 查看原因）；忘记密码时运行 pos-app manager reset-pin。",
        "The manager PIN cannot be checked: the OS keyring is unavailable or unreadable, so access"
        " is refused. Fix the keyring first (pos-app doctor says why); if the PIN is forgotten, run"
        " pos-app manager reset-pin.",
    ),
    "PIN_MISSING": Message(
        "需要店长密码：请在提示时输入，或在标准输入的第一行提供。",
        "The manager PIN is required: type it when asked, or give it as the first line of"
        " standard input.",
    ),
    "RESET_NOT_CONFIRMED": Message(
        "确认语句不一致，未做任何更改。",
        "The confirmation phrase did not match; nothing was changed.",
    ),
    "PIN_LOCK_FAILED": Message(
        "无法锁定店长密码记录（应用文件夹不可写），为安全起见未核对密码。请检查磁盘和权限。",
        "The manager PIN record could not be locked (the app folder is not writable), so no PIN"
        " was checked. Check the disk and its permissions.",
    ),
    "HOME_UNUSABLE": Message(
        "数据文件夹无法使用（不是文件夹、不可写或路径无效），什么也没有发送。"
        "请用 --home 或 POS_APP_HOME 指定一个可写的文件夹。",
        "The data folder cannot be used (not a folder, not writable, or an invalid path); nothing"
        " was sent. Give a writable folder with --home or POS_APP_HOME.",
    ),
    "ARCHIVE_NOT_FOUND": Message(
        "找不到这个归档文件。请核对路径（它由 pos-app journal archive 生成）。",
        "No archive file at that path. Check the path (pos-app journal archive writes it).",
    ),
    "ARCHIVE_UNREADABLE": Message(
        "这个文件不是本机记录的归档文件，或已损坏，无法读取。什么也没有改动。",
        "That file is not an archive of this till's log, or it is damaged; nothing was changed.",
    ),
    "ARCHIVE_IS_JOURNAL": Message(
        "归档文件不能是当前使用中的记录文件本身。请另选一个文件名。",
        "The archive cannot be the log file in use itself. Choose another file name.",
    ),
    "ARCHIVE_DATE_INVALID": Message(
        "归档日期不能晚于今天：今天的记录总是留在本机记录中。",
        "The archive date cannot be after today: today's rows always stay in the log.",
    ),
    "KEY_FILE_UNREADABLE": Message(
        "密钥文件无法读取。请核对文件路径和权限后重新导入。",
        "The key file cannot be read. Check its path and permissions and import it again.",
    ),
    "KEY_FILE_TOO_LARGE": Message(
        "密钥文件太大（最多 64 KiB），不像是密钥。请选择平台给出的密钥文件。",
        "The key file is too large (at most 64 KiB) to be a key. Pick the key file the platform gave.",
    ),
    "KEY_FILE_ENCODING": Message(
        "密钥文件不是 UTF-8 文本。请导入平台给出的文本密钥（Base64 或 PEM），不要导入二进制文件。",
        "The key file is not UTF-8 text. Import the key as text (Base64 or PEM), not a binary file.",
    ),
    # --- receipts (ESC/POS printer) ---
    "PRINTER_URI": Message(
        "打印机地址不对：须是 tcp://IP地址:9100、usb://厂商ID:产品ID（如 usb://0416:5011）、serial:///dev/ttyUSB0 或 file:///dev/usb/lp0。请核对后重新输入。",
        "The printer address is wrong: use tcp://HOST:9100, usb://VID:PID (e.g. usb://0416:5011), serial:///dev/ttyUSB0 or file:///dev/usb/lp0.",
    ),
    "PRINTER_NOT_CONFIGURED": Message(
        "未设置小票打印机。请店长在设置的“打印机”页填写打印机地址，或用 --printer 指定。",
        "No receipt printer is set up. A manager sets its address on the settings' Printer page, or give --printer.",
    ),
    "PRINTER_UNREACHABLE": Message(
        "连不上小票打印机（未开机、网线/USB 未接好或地址不对）。核销不受影响，小票可在核销记录中补打。",
        "The receipt printer cannot be reached (off, unplugged or wrong address). Redemptions are not affected; reprint the slip from the history.",
    ),
    "PRINTER_NO_PAPER": Message(
        "小票打印机缺纸。请装纸后在核销记录中补打小票；核销不受影响。",
        "The receipt printer is out of paper. Load paper, then reprint the slip from the history; redemptions are not affected.",
    ),
    "PRINTER_ERROR": Message(
        "小票打印失败（打印机中途断开或出错）。核销不受影响，请检查打印机后在核销记录中补打。",
        "The slip could not be printed (the printer failed or disconnected). Redemptions are not affected; check the printer and reprint from the history.",
    ),
    "PRINTER_DRIVER_MISSING": Message(
        "本机缺少这种打印机接口的驱动组件（USB 需 pyusb，串口需 pyserial）。请改用网络打印机或联系技术支持安装。",
        "This computer lacks the driver component for this printer connection (USB needs pyusb, serial needs pyserial). Use a network printer or ask support to install it.",
    ),
    "PRINTER_BUSY": Message(
        "打印机排队的小票太多，这张小票未打印。请检查打印机，之后在核销记录中补打。",
        "Too many slips are waiting for the printer, so this slip was not printed. Check the printer, then reprint it from the history.",
    ),
    "RECEIPT_NOT_PRINTABLE": Message(
        "只有已成功的核销或撤销才能打印小票（失败、待确认或需核对的记录没有小票）。",
        "Only a succeeded redemption or reversal has a slip (failed, unconfirmed or review records have none).",
    ),
    "RECEIPT_NOT_FOUND": Message(
        "本机记录中没有这个请求号的核销或撤销。请核对请求号（可在核销记录中查到）。",
        "This till's log has no redemption or reversal with that request id. Check it in the history.",
    ),
    "SANDBOX_BUSY": Message(
        "训练模式的模拟平台已被另一个收银程序占用（可能已打开一个窗口）。请先关闭它再试。",
        "The training simulator is in use by another copy of the app (a window may be open). Close it first.",
    ),
    "MODE_SWITCH_OPEN": Message(
        "还有待确认的操作，暂不能切换训练/正式模式。请等待它们完成（或运行“恢复”）后再切换。",
        "Some operations are still being confirmed; finish them (or run recover) before switching"
        " between training and production.",
    ),
    # --- voucher lookup (core/lookup.py): {placeholders} are filled by message_with ---
    "LOOKUP_CODE_TYPE": Message(
        "只能查询12位口碑券码；商家自有的外部券码无法在平台查询。",
        "Only 12-digit Koubei codes can be looked up; a merchant's own (external) code cannot.",
    ),
    "LOOKUP_USED_HERE": Message(
        "这张券已于 {when} 在本收银台核销过，不能再次核销。",
        "This voucher was already redeemed at this till at {when}; it cannot be redeemed again.",
    ),
    "LOOKUP_USED_SHOP": Message(
        "这张券已于 {when} 在本店另一台收银台（{till}）核销过，不能再次核销。",
        "This voucher was already redeemed at another till of this shop ({till}) at {when}.",
    ),
    "LOOKUP_USED_ELSEWHERE": Message(
        "这张券已于 {when} 被使用（不是在本收银台核销的），不能再次核销。请顾客在手机上查看使用记录。",
        "This voucher was already used at {when} (not at this till). Ask the customer to check"
        " its history on the phone.",
    ),
    "LOOKUP_USED": Message(
        "这张券已被使用，不能再次核销。请顾客在手机上查看使用记录。",
        "This voucher has already been used. Ask the customer to check its history on the phone.",
    ),
    "LOOKUP_REFUNDED": Message(
        "这张券已退款，不能核销。退款后券即作废，请顾客重新购买或用其他方式付款。",
        "This voucher was refunded, so it is void. The customer must buy again or pay otherwise.",
    ),
    "LOOKUP_REFUNDING": Message(
        "这张券正在退款中，不能核销。如顾客要使用，请先在手机上取消退款申请。",
        "A refund of this voucher is in progress. To use it, the customer must cancel the refund.",
    ),
    "LOOKUP_USING": Message(
        "这张券正在别处核销中（另一台收银台或平台正在处理）。请稍等一分钟让顾客刷新券，不要重复扫码。",
        "This voucher is being redeemed elsewhere right now. Wait a minute, let the customer"
        " refresh it, and do not scan it again.",
    ),
    "LOOKUP_NOT_YET": Message(
        "这张券还未生效：{start} 起才能使用（有效期至 {end}）。",
        "This voucher is not valid yet: it can be used from {start} (until {end}).",
    ),
    "LOOKUP_EXPIRED": Message(
        "这张券已过期（有效期至 {end}），不能核销。",
        "This voucher expired (valid until {end}); it cannot be redeemed.",
    ),
    "LOOKUP_NOT_HERE": Message(
        "这张券不能在本店使用（只限指定门店）。请顾客到券上写明的门店使用。",
        "This voucher is not valid at this shop (only at the shops it names).",
    ),
    # --- cashiers and reports (core/cashiers.py, core/reports.py; issue #12) ---
    "CASHIER_PIN_WRONG": Message("收银员密码不正确。", "Wrong cashier PIN."),
    "CASHIER_PIN_LOCKED": Message(
        "这位收银员的密码错误次数过多，已锁定 5 分钟。请稍后再试，或请店长帮忙。",
        "Too many wrong PINs for this cashier; locked for 5 minutes. Try later or ask a manager.",
    ),
    "CASHIER_PIN_FORMAT": Message(
        "收银员密码须为 4 到 6 位数字。", "A cashier PIN must be 4 to 6 digits."
    ),
    "CASHIER_NAME": Message(
        "收银员姓名须为 1 到 16 个可见字符。",
        "A cashier's name must be 1 to 16 visible characters.",
    ),
    "CASHIER_EXISTS": Message(
        "已有同名的收银员。请换一个名字（例如加上姓氏）。",
        "A cashier with that name exists. Choose another name (e.g. add the family name).",
    ),
    "CASHIER_UNKNOWN": Message(
        "没有这个名字的收银员。请核对姓名（pos-app cashier list 列出全部收银员）。",
        "No cashier has that name. Check it (pos-app cashier list shows them all).",
    ),
    "CASHIER_DISABLED": Message(
        "这位收银员已停用，不能登录。如需恢复请联系店长。",
        "This cashier is disabled and cannot sign in. Ask a manager.",
    ),
    "CASHIER_LIST_INVALID": Message(
        "收银员名单已损坏或被改动，为安全起见已拒绝登录。请店长重新添加收银员。",
        "The cashier list is damaged or was altered, so sign-in is refused. A manager must add"
        " the cashiers again.",
    ),
    "REPORT_DATE": Message(
        "日期格式不对，须为 YYYY-MM-DD（例如 2024-03-01），且不能是将来的日期。",
        "The date must be YYYY-MM-DD (e.g. 2024-03-01) and not in the future.",
    ),
    "REPORT_PDF_FAILED": Message(
        "PDF 报表无法写入（路径不可写或磁盘已满）。请换一个路径。",
        "The PDF report could not be written (path not writable or disk full). Try another path.",
    ),
    "BUSINESS_DAY_CUTOFF": Message(
        "营业日分界时间须为 HH:MM（00:00 到 11:59；00:00 表示按自然日）。",
        "The business-day cutoff must be HH:MM (00:00 to 11:59; 00:00 means the calendar day).",
    ),
    "POS_ERROR": Message(
        "出现错误，请重试或联系店长。", "Something went wrong; try again or call a manager."
    ),
}


def message_for(code: str) -> Message:
    """The text for a code; unknown codes get the generic rejection text (the code is shown too)."""
    return _CATALOGUE.get(code) or _CATALOGUE["GATEWAY_REJECTED"]


def message_with(code: str, **values: str) -> Message:
    """The text for ``code`` with its ``{name}`` placeholders filled in both languages."""
    text = message_for(code)
    return Message(text.zh.format(**values), text.en.format(**values))


def known_codes() -> frozenset[str]:
    return frozenset(_CATALOGUE)
