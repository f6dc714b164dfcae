"""The one parser of ``--as-of`` times: ISO 8601, a time without an offset being local time.

A clerk in Liyang who writes ``--as-of 2025-01-01`` means midnight in Beijing time, not in
UTC (8 hours later). Every command taking ``--as-of`` parses it here, so that the same text
always means the same instant.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from qcity import errors

#: Time zone of a time written without an offset, unless the framework names another.
DEFAULT_TIMEZONE = "Asia/Shanghai"

ACCEPTED_FORMS = (
    "2024-06-30, 2024-06-30T12:00, 2024-06-30 12:00:00 (seconds may have a fraction), "
    "each optionally with an offset: Z or +08:00"
)

_AS_OF = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)"
    r"(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?)?$",
    re.IGNORECASE,
)


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; ValueError saying what to write when it is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise errors.BadValue(
            f"unknown time zone {name!r}; write an IANA name such as {DEFAULT_TIMEZONE}"
        ) from None


def parse_as_of(text: str, default_tz: str = DEFAULT_TIMEZONE) -> datetime:
    """An aware datetime from ISO 8601 text (``ACCEPTED_FORMS``); a date alone is 00:00
    of that day, and a time without an offset is local time in ``default_tz``."""
    tz = zone(default_tz)
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    m = _AS_OF.match(raw)
    problem = None
    if m is None:
        problem = "is not a date/time qcity understands"
    else:
        offset = (m["offset"] or "").upper()
        if offset and offset != "Z" and ":" not in offset:
            offset = offset[:3] + (":" + offset[3:] if len(offset) > 3 else "")
        iso = m["date"] + ("T" + m["time"] + offset if m["time"] else "")
        try:
            when = datetime.fromisoformat(iso)
        except ValueError as exc:
            problem = f"is not a valid date/time ({exc})"
        else:
            return when if when.tzinfo is not None else when.replace(tzinfo=tz)
    raise errors.BadValue(
        f"as-of time {text!r} {problem}; write {ACCEPTED_FORMS}. "
        f"Without an offset the time is in {default_tz}"
    )
