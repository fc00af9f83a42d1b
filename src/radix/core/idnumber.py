"""GB 11643 resident identity numbers (居民身份证号): check digit and birth date."""

from __future__ import annotations

import datetime as dt

from radix.core import clock

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"


def normalize(value: str | None) -> str | None:
    if not value:
        return None
    text = value.strip().upper()
    return text or None


def is_valid(value: str | None) -> bool:
    """18 characters, a real birth date, the right check character (x accepted as X). The region code
    is not checked: abolished codes are still on valid cards."""
    text = normalize(value)
    if text is None or len(text) != 18 or not text[:17].isdigit():
        return False
    try:
        birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return False
    if birth > clock.today() or birth.year < 1880:
        return False
    total = sum(int(d) * w for d, w in zip(text[:17], WEIGHTS, strict=True))
    return CHECK[total % 11] == text[17]
