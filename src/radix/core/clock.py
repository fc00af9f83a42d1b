"""The platform's local calendar: one place that knows the configured time zone.

Users work in one time zone (``settings.timezone``, Asia/Shanghai by default); "today", a
day's bounds and displayed times all follow it, whatever zone the server's clock is in.
Around midnight in Beijing (16:00 UTC) the server's own ``date.today()`` is a day behind.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_tz() -> ZoneInfo:
    from radix.config import get_settings

    return _zone(get_settings().timezone)


def now() -> dt.datetime:
    """The current local time, timezone-aware."""
    return dt.datetime.now(local_tz())


def today() -> dt.date:
    """The local calendar date."""
    return now().date()


def local_date(moment: dt.datetime) -> dt.date:
    """The local calendar date of an aware moment (naive ones are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(local_tz()).date()


def day_start(day: dt.date) -> dt.datetime:
    """Local midnight of ``day``, as an aware UTC moment."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=local_tz()).astimezone(dt.UTC)
