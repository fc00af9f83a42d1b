"""The local calendar follows the configured zone, not the server's clock (Beijing is UTC+8)."""

from __future__ import annotations

import datetime as dt

from radix.core import clock


def test_a_moment_after_16_utc_is_the_next_day_in_beijing():
    assert clock.local_tz().key == "Asia/Shanghai"
    assert clock.local_date(dt.datetime(2026, 11, 28, 15, 59, tzinfo=dt.UTC)) == dt.date(2026, 11, 28)
    assert clock.local_date(dt.datetime(2026, 11, 28, 16, 0, tzinfo=dt.UTC)) == dt.date(2026, 11, 29)
    assert clock.local_date(dt.datetime(2026, 11, 28, 16, 0)) == dt.date(2026, 11, 29)  # naive is UTC


def test_a_local_day_starts_at_16_utc_the_day_before():
    assert clock.day_start(dt.date(2026, 11, 29)) == dt.datetime(2026, 11, 28, 16, 0, tzinfo=dt.UTC)


def test_today_is_the_local_date_of_now():
    before = clock.local_date(dt.datetime.now(dt.UTC))
    assert clock.today() in (before, before + dt.timedelta(days=1))
    assert clock.now().utcoffset() == dt.timedelta(hours=8)
