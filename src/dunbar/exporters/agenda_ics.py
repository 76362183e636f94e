"""The agenda as an iCalendar feed (RFC 5545), so that a calendar app reminds.

Self-hosted reminders fail silently when their cron job dies; a calendar the user
already has does not. ``dunbar agenda --ics FILE`` writes one all-day ``VEVENT``
per item, on the day it is due (today for anything overdue), with the reason as
its description and a reminder at 9:00 that day. UIDs are stable
(``<item key>@dunbar``), so a calendar that subscribes to the file updates the
same events every day instead of piling up copies; items that are gone are gone
from the feed.
"""

from __future__ import annotations

import datetime as dt

from dunbar.strength.agenda import Agenda

__all__ = ["agenda_to_ics"]

LABELS = {
    "follow_up": "Follow up",
    "favour": "Favour",
    "fading": "Reach out",
    "dormant": "Reconnect",
    "occasion": "Occasion",
}


def agenda_to_ics(agenda: Agenda, *, now: dt.datetime) -> bytes:
    """The agenda's items as an iCalendar document (UTF-8, CRLF line ends)."""
    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//dunbar//agenda//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "dunbar agenda")
    cal.add("x-published-ttl", "PT12H")
    stamp = now.astimezone(dt.UTC)
    for item in agenda.items:
        day = max(item.due, agenda.today)
        event = Event()
        event.add("uid", f"{item.key}@dunbar")
        event.add("dtstamp", stamp)
        event.add("summary", f"{LABELS.get(item.kind, item.kind)}: {item.name}")
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        event.add("categories", [item.kind])
        event.add("description", "\n".join([item.reason, item.suggestion, *item.details]))
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", item.reason)
        alarm.add("trigger", dt.timedelta(hours=9))
        event.add_component(alarm)
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
