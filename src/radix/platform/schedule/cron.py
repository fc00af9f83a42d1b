"""Cron expressions of 调度设置: five fields, evaluated in the display time zone (Asia/Shanghai)."""

from __future__ import annotations

import datetime as dt

from croniter import CroniterError, croniter

from radix.core import clock

INVALID = "Cron 表达式不正确"


def normalize_cron(expr: str) -> str:
    """``expr`` with single spaces, or ValueError("Cron 表达式不正确") (5 fields, and it must ever fire)."""
    parts = str(expr or "").split()
    text = " ".join(parts)
    if len(parts) != 5 or not croniter.is_valid(text):
        raise ValueError(INVALID)
    try:
        next_after(text, dt.datetime.now(dt.UTC))
    except (CroniterError, ValueError, KeyError):
        raise ValueError(f"{INVALID}：该时间永远不会到达") from None
    return text


def next_after(expr: str, moment: dt.datetime) -> dt.datetime:
    """The first time strictly after ``moment`` that ``expr`` names, read on the display clock, in UTC."""
    local = moment.astimezone(clock.local_tz())
    return croniter(expr, local).get_next(dt.datetime).astimezone(dt.UTC)
