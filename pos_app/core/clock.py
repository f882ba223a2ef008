"""Gateway time: both platforms want ``yyyy-MM-dd HH:mm:ss`` in GMT+8 whatever the host's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "GMT+8")  # no DST in China, so a fixed offset is exact
FORMAT = "%Y-%m-%d %H:%M:%S"


def now_china() -> datetime:
    return datetime.now(UTC).astimezone(CHINA)


def gateway_timestamp(at: datetime | None = None) -> str:
    """``at`` (aware; default now) as the gateways' timestamp string in GMT+8."""
    moment = at if at is not None else datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError("gateway_timestamp needs an aware datetime")
    return moment.astimezone(CHINA).strftime(FORMAT)


def parse_gateway_timestamp(text: str) -> datetime:
    """The inverse: a GMT+8 timestamp string (or TOP's epoch milliseconds) as an aware datetime."""
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, UTC)
    return datetime.strptime(text, FORMAT).replace(tzinfo=CHINA)
