"""Times in iCalendar files: zones, floating times and all-day dates.

``icalendar`` resolves ``TZID`` parameters against the file's VTIMEZONE
definitions, the IANA database, and Windows zone names (Outlook writes
``TZID:W. Europe Standard Time``), so most times arrive aware. What is left:

- **Floating times** (no ``Z``, no ``TZID``: RFC 5545 "local time of whoever
  looks") are read in the calendar's ``X-WR-TIMEZONE`` (Google and Apple write
  it) when it names a known zone, else in the machine's local zone, as
  ``dunbar log`` reads a time without a zone.
- **An unknown TZID** (no VTIMEZONE for it, not an IANA or Windows name) leaves
  the time naive; it is read as a floating time, with a warning.
- **All-day events** (``VALUE=DATE``) happen on a day, not at an hour: they are
  placed at noon of that day in the same zone, as ``dunbar log --on DATE`` does,
  and get no duration.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["ALL_DAY_TIME", "as_aware", "local_zone", "moment_of", "named_zone", "skip_outlook_1601"]

ALL_DAY_TIME = dt.time(12, 0)


def local_zone() -> dt.tzinfo:
    """The machine's local zone (what ``dunbar log`` reads naive times in)."""
    from dunbar.normalise import _local_zone

    return _local_zone()


def named_zone(name: str) -> dt.tzinfo | None:
    """The zone ``name`` (IANA or Windows), or ``None`` if it is unknown."""
    name = name.strip()
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    from icalendar.timezone import tzp

    return tzp.timezone(name)


def as_aware(moment: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """``moment`` as an aware datetime: dates at noon, naive times in ``zone``."""
    if not isinstance(moment, dt.datetime):
        return dt.datetime.combine(moment, ALL_DAY_TIME, tzinfo=zone)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment


def skip_outlook_1601(lines: list[str]) -> list[str]:
    """A VTIMEZONE's lines with Outlook's observances moved from 1601 to 1970.

    Outlook (and Exchange) start every STANDARD and DAYLIGHT observance on
    1 January 1601, the Windows epoch, with a yearly RRULE. ``dateutil``, which
    evaluates such a zone, walks the rule from its start on every conversion: 425
    years for each meeting. From 1970 on the yearly rule gives the same
    transitions, so an observance that starts in 1601 and has a yearly RRULE is
    started in 1970 instead (meetings before 1970 are not in anyone's Outlook).
    """
    out = list(lines)
    start: int | None = None
    yearly = False
    for i, line in enumerate(out):
        upper = line.upper()
        if upper.startswith("BEGIN:"):
            start, yearly = None, False
        elif upper.startswith("DTSTART:1601"):
            start = i
        elif upper.startswith("RRULE:") and "FREQ=YEARLY" in upper and "INTERVAL=" not in upper:
            yearly = True
        elif upper.startswith("END:") and start is not None and yearly:
            out[start] = "DTSTART:1970" + out[start][len("DTSTART:1601") :]
            start, yearly = None, False
    return out


def moment_of(prop: object) -> Any:
    """The value of a date or time property (``.dt``), or ``None`` if it is missing or broken.

    ``icalendar`` keeps an unreadable value as a broken property whose ``.dt``
    raises (``BrokenCalendarProperty``, not an ``AttributeError``).
    """
    if prop is None:
        return None
    try:
        return getattr(prop, "dt", None)
    except Exception:  # icalendar's BrokenCalendarProperty and its kin
        return None
