"""Recurring meetings: a series expanded into its occurrences, up to today, bounded.

``recurring-ical-events`` does the expansion (RRULE, RDATE, EXDATE, and the
occurrences a RECURRENCE-ID overrides, with their own time, place and
attendees). It asks ``dateutil`` for the rule's dates, and ``dateutil`` walks a
rule from its DTSTART, one period (year, month, week, day or hour) at a time,
with no bound of its own: a rule that matches no date walks to the year 9999
before it gives up, and ``INTERVAL=0`` never stops (dateutil issues #1393,
#1441). So before a series is expanded, :func:`expand` checks it, cheaply:

1. **FREQ** must be ``HOURLY`` or slower. No meeting recurs every second or
   minute; those rules are how a file makes an importer hang (``FREQ=SECONDLY;
   COUNT=1000000000``). ``INTERVAL`` must be at least 1.
2. **A probe**: the same rule, started at the same point of its cycle in the
   year 9988 (shifted by whole intervals, so that what the rule derives from
   DTSTART and its alignment stay the same), without COUNT or UNTIL, must match
   a date before the year 10000. A rule that does not (``BYMONTH=2;
   BYMONTHDAY=30``) matches nothing in any year; it is rejected after at most
   twelve years of periods, not eight thousand.
3. **A walk** from DTSTART to today counts the occurrences. More than
   :data:`MAX_SCAN` is not a meeting (``FREQ=HOURLY`` since 1990) and the series
   is rejected. Otherwise the most recent :data:`MAX_OCCURRENCES` occurrences
   are kept (a daily meeting for 13 years), and none from more than
   :data:`EXPAND_YEARS` years before today; a warning says when a series was cut.

Only then is the series expanded, over that window, up to the ledger's *now*.
The future part of a series is not expanded at all: it has not happened.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dunbar.importers.ics_time import as_aware

__all__ = ["EXPAND_YEARS", "MAX_OCCURRENCES", "MAX_SCAN", "Expansion", "expand", "is_series"]

MAX_OCCURRENCES = 5_000
"""Occurrences kept per series (the most recent ones)."""
MAX_SCAN = 100_000
"""Occurrences a series may have before today; more and it is rejected."""
EXPAND_YEARS = 30
"""Occurrences older than this many years before today are not imported."""
ALLOWED_FREQ = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY")
PROBE_YEAR = 9988
"""Probes start here: a leap year, 8000 years (20 Gregorian cycles) after 1988."""


@dataclass
class Expansion:
    """The occurrences of one series in the window, or why it was not expanded."""

    occurrences: list[Any] = field(default_factory=list)
    rejected: str | None = None
    warnings: list[str] = field(default_factory=list)
    future: bool = False
    """The series goes on after now (those occurrences are not encounters yet)."""


def is_series(component: Any) -> bool:
    return "RRULE" in component or "RDATE" in component


def _rules(component: Any) -> list[Any]:
    value = component.get("RRULE")
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _naive(moment: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """Wall-clock time of ``moment`` in the series' own zone (dates at midnight)."""
    if not isinstance(moment, dt.datetime):
        return dt.datetime.combine(moment, dt.time())
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(zone).replace(tzinfo=None)


def _rule(recur: Any, start: dt.datetime, zone: dt.tzinfo) -> Any:
    """A ``dateutil`` rule of ``recur`` on naive wall-clock times from ``start``."""
    from dateutil.rrule import rrulestr
    from icalendar.prop import vRecur

    parts = dict(recur)
    until = parts.pop("UNTIL", None)
    if until is not None:
        parts.pop("COUNT", None)  # RFC 5545 allows one of them; UNTIL bounds the walk
    rule = rrulestr(_text(vRecur(parts)), dtstart=start)
    if until:
        rule = rule.replace(until=_naive(until[0], zone))
    return rule


def _text(recur: Any) -> str:
    text: bytes = recur.to_ical()
    return text.decode("ascii", errors="replace")


def _check(recur: Any) -> str | None:
    freq = str((recur.get("FREQ") or [""])[0]).upper()
    if freq not in ALLOWED_FREQ:
        if freq in ("SECONDLY", "MINUTELY"):
            return f"RRULE FREQ={freq}: no meeting recurs more often than hourly"
        return f"RRULE has no valid FREQ ({freq or 'none'})"
    try:
        interval = int((recur.get("INTERVAL") or [1])[0])
    except (TypeError, ValueError):
        return "RRULE INTERVAL is not a number"
    if interval < 1:
        return f"RRULE INTERVAL={interval}: must be at least 1"
    return None


def _probe_start(start: dt.datetime, freq: str, interval: int) -> dt.datetime | None:
    """``start`` moved on by whole intervals to the probe year, or ``None`` if it cannot be."""
    if start.year >= PROBE_YEAR:
        return start
    if freq == "YEARLY":
        year = start.year + math.ceil((PROBE_YEAR - start.year) / interval) * interval
        try:
            return start.replace(year=year) if year <= 9998 else None
        except ValueError:  # February 29th in a year that has none
            return None
    if freq == "MONTHLY":
        index = start.year * 12 + start.month - 1
        n = math.ceil((PROBE_YEAR * 12 - index) / interval)
        for k in range(n, n + 12):
            year, month = divmod(index + k * interval, 12)
            if year > 9998:
                return None
            try:
                return start.replace(year=year, month=month + 1)
            except ValueError:  # the 31st in a shorter month: try the next interval
                continue
        return None
    step = {
        "WEEKLY": dt.timedelta(weeks=interval),
        "DAILY": dt.timedelta(days=interval),
        "HOURLY": dt.timedelta(hours=interval),
    }[freq]
    target = dt.datetime(PROBE_YEAR, 1, 1)
    moved = start + math.ceil((target - start) / step) * step
    return moved if moved.year <= 9998 else None


def _matches_nothing(rule: Any, recur: Any, start: dt.datetime) -> bool:
    freq = str(recur["FREQ"][0]).upper()
    moved = _probe_start(start, freq, int((recur.get("INTERVAL") or [1])[0]))
    if moved is None:
        return False
    try:
        probe = rule.replace(dtstart=moved, count=None, until=None)
        return next(iter(probe), None) is None
    except (ValueError, TypeError, OverflowError):
        return False  # inconclusive: the walk will say what is wrong


def _walk(
    rules: Iterable[Any], rdates: Iterable[dt.datetime], now: dt.datetime
) -> tuple[int, deque[dt.datetime], bool, dt.datetime | None]:
    """``(occurrences up to now, the most recent ones, goes on after now, first)``."""
    recent: deque[dt.datetime] = deque(maxlen=MAX_OCCURRENCES)
    count, future, first = 0, False, None

    def starts() -> Iterator[dt.datetime]:
        nonlocal future
        for dates in (*rules, sorted(rdates)):
            for start in dates:  # in order: the first one after now ends this rule's walk
                if start > now:
                    future = True
                    break
                yield start

    for start in starts():
        count += 1
        if count > MAX_SCAN:
            break
        recent.append(start)
        first = start if first is None or start < first else first
    return count, recent, future, first


def expand(
    components: list[Any], *, now: dt.datetime, zone: dt.tzinfo, x_wr_timezone: str = ""
) -> Expansion:
    """The occurrences (``icalendar`` events) of one series up to ``now``.

    ``components`` are the master (with RRULE or RDATE) and its overrides,
    one per RECURRENCE-ID; ``zone`` is where floating times are read.
    """
    master = next(c for c in components if "RECURRENCE-ID" not in c)
    result = Expansion()
    for recur in _rules(master):
        reason = _check(recur)
        if reason is not None:
            result.rejected = reason
            return result
    start_value = master["DTSTART"].dt
    own_zone = getattr(start_value, "tzinfo", None) or zone
    start = _naive(start_value, own_zone)
    local_now = now.astimezone(own_zone).replace(tzinfo=None)
    try:
        rules = [_rule(recur, start, own_zone) for recur in _rules(master)]
        for rule, recur in zip(rules, _rules(master), strict=True):
            if _matches_nothing(rule, recur, start):
                result.rejected = f"RRULE {_text(recur)} matches no date"
                return result
        rdates = [_naive(d, own_zone) for d in _rdates(master)]
        count, recent, result.future, first = _walk(rules, rdates, local_now)
    except (ValueError, TypeError, OverflowError) as exc:
        result.rejected = f"RRULE cannot be expanded: {exc}"
        return result
    if count > MAX_SCAN:
        result.rejected = f"more than {MAX_SCAN:,} occurrences before today: not a meeting series"
        return result
    if not recent:
        return result
    window = recent[0]
    if count > MAX_OCCURRENCES:
        result.warnings.append(
            f"{count:,} occurrences: only the most recent {MAX_OCCURRENCES:,} are imported"
        )
    oldest = local_now.replace(year=local_now.year - EXPAND_YEARS, day=min(local_now.day, 28))
    if first is not None and first < oldest:
        window = max(window, oldest)
        result.warnings.append(
            f"occurrences before {oldest.date().isoformat()} "
            f"({EXPAND_YEARS} years before today) are not imported"
        )
    result.occurrences = _occurrences(components, window, local_now, own_zone, x_wr_timezone)
    return result


def _rdates(component: Any) -> Iterator[dt.date]:
    value = component.get("RDATE")
    for prop in value if isinstance(value, list) else [value] if value is not None else []:
        for item in prop.dts:
            moment = item.dt
            yield moment[0] if isinstance(moment, tuple) else moment


def _occurrences(
    components: list[Any], start: dt.datetime, stop: dt.datetime, zone: dt.tzinfo, x_wr: str
) -> list[Any]:
    import recurring_ical_events
    from icalendar import Calendar

    calendar = Calendar()
    if x_wr:
        calendar.add("X-WR-TIMEZONE", x_wr)
    for component in components:
        calendar.add_component(component)
    query = recurring_ical_events.of(calendar)
    found: list[Any] = query.between(as_aware(start, zone), as_aware(stop, zone))
    return found
