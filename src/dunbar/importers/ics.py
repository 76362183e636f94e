"""iCalendar (RFC 5545) meetings as encounters, through ``icalendar`` and ``recurring-ical-events``.

Every VEVENT with attendees that has happened becomes an encounter with the
people in it (:mod:`.ics_event` says who, how, how long and who asked); a
recurring meeting becomes one encounter per occurrence up to the ledger's now
(:mod:`.ics_series` says how, and how it is bounded); times follow
:mod:`.ics_time`. The file is split by :mod:`.ics_read`, so that one broken
event is one rejection and the rest of the file imports.

**Not encounters** (counted in one warning per file, not reported one by one):
events without attendees (most of a calendar: your own appointments), cancelled
ones (``STATUS:CANCELLED``, or a ``METHOD:CANCEL`` calendar), events I declined
(``PARTSTAT=DECLINED`` on my ATTENDEE line), events with no one but me, and
what has not happened yet: future events, and the future part of a series.

**Who is me.** An address or name of the ledger's "me" (``me_emails`` and
``me_names`` of :class:`~.formats.ParseOptions`); Google names a primary
calendar after its owner (``X-WR-CALNAME:ana@gmail.com``), so that address is me
too. When neither appears in the file, the one address that is in every one of
at least three meetings, among at least two other people, is taken as me (the
owner of a calendar is in all of its meetings), with a warning that says so and
how to record it.

**Identity and updates.** An encounter's ``source_ref`` is ``ics:UID`` (an
occurrence of a series: ``ics:UID@RECURRENCE-ID``, the occurrence's original
start), and its provenance is the event's line and UID. Importing the same
calendar again, or an export that overlaps it, adds nothing twice. Of several
copies of one event in a file, the highest SEQUENCE (then the latest DTSTAMP)
wins. An event already in the ledger that a later export changed (moved, a
new DTEND or SUMMARY, an attendee added, removed or declined) updates the same
encounter in place (its digest differs: :meth:`~.records.EncounterRecord.digest`,
:mod:`.apply`); a moved occurrence keeps its RECURRENCE-ID, so it is never
doubled.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from dunbar.importers.formats import ParseOptions
from dunbar.importers.ics_event import (
    Me,
    Skip,
    attendees,
    occurrence_ref,
    organiser,
    recurrence_stamp,
    to_encounter,
)
from dunbar.importers.ics_read import Block, CalendarInfo, read_calendar
from dunbar.importers.ics_series import expand, is_series
from dunbar.importers.ics_time import local_zone, moment_of, named_zone, skip_outlook_1601
from dunbar.importers.records import EncounterRecord, Origin, Parsed, Rejection, Warning_

__all__ = ["GUESS_ME_AFTER", "parse_ics"]

GUESS_ME_AFTER = 3
"""Meetings needed before the address in all of them is taken as me."""
REPLIES = ("REPLY", "REFRESH", "COUNTER", "DECLINECOUNTER")


@dataclass
class _Event:
    block: Block
    component: Any
    notes: list[Parsed] = field(default_factory=list)
    """Warnings about this event, reported if it is used."""

    @property
    def key(self) -> str:
        """The RECURRENCE-ID it overrides, or ``""`` for a master or a single event."""
        return recurrence_stamp(self.component)

    def rank(self) -> tuple[int, str]:
        try:
            sequence = int(self.component.get("SEQUENCE", 0))
        except (TypeError, ValueError):
            sequence = 0
        stamp = self.component.get("LAST-MODIFIED") or self.component.get("DTSTAMP")
        moment = moment_of(stamp)
        text = moment.astimezone(dt.UTC).isoformat() if isinstance(moment, dt.datetime) else ""
        return sequence, text


@dataclass
class _Tally:
    skipped: Counter[str] = field(default_factory=Counter)
    future_series: int = 0

    def summary(self) -> str | None:
        parts = [f"{n} {reason}" for reason, n in sorted(self.skipped.items()) if n]
        if self.future_series:
            parts.append(f"the future occurrences of {self.future_series} series")
        if not parts:
            return None
        return "not encounters (not imported): " + ", ".join(parts)


def parse_ics(stream: BinaryIO, options: ParseOptions) -> Iterator[Parsed]:
    """Encounters of a calendar file (see the module docstring), with rejections."""
    if options.now is None:
        raise ValueError("parse_ics needs options.now, the ledger's clock")
    now = options.now
    file = options.file
    found = read_calendar(stream)
    for line, message in found.problems:
        yield Rejection(file, f"{file}:{line}", message)
    for line, message in found.dropped:
        yield Warning_(file, f"{file}:{line}", f"dropped: {message}")
    yield from _load_timezones(found.timezones, file)
    tally = _Tally()
    groups = _relevant(found.events, found.calendars, tally)
    events: dict[str, list[_Event]] = {}
    for key, blocks in groups.items():
        parsed: list[_Event] = []
        for block in blocks:
            cancel = found.calendars[block.calendar].method == "CANCEL"
            item = _parse_block(block, file, cancel=cancel)
            if isinstance(item, _Event):
                parsed.append(item)
            else:
                yield from item
        if parsed:
            events[key] = _latest(parsed)
    me = Me(set(options.me_emails), set(options.me_names))
    yield from _find_me(me, events, found.calendars, file)
    for group in events.values():
        uid = str(group[0].component.get("UID", ""))
        calendar = found.calendars[group[0].block.calendar]
        yield from _encounters(uid, group, calendar, me=me, now=now, file=file, tally=tally)
    summary = tally.summary()
    if summary:
        yield Warning_(file, file, summary)


def _relevant(
    blocks: list[Block], calendars: list[CalendarInfo], tally: _Tally
) -> dict[str, list[Block]]:
    """Events grouped by UID, only for UIDs with attendees (the rest are counted).

    An iTIP reply (``METHOD:REPLY``, ``REFRESH``, ``COUNTER``, ``DECLINECOUNTER``)
    answers an invitation: it is not the meeting, and is counted, not read.
    """
    groups: dict[str, list[Block]] = {}
    for block in blocks:
        if calendars[block.calendar].method in REPLIES:
            tally.skipped["replies to invitations"] += 1
            continue
        groups.setdefault(block.uid or f"#{block.line}", []).append(block)
    kept: dict[str, list[Block]] = {}
    for key, members in groups.items():
        if any(b.has_attendee for b in members):
            kept[key] = members
        else:
            tally.skipped["without attendees"] += len(members)
    return kept


def _load_timezones(blocks: list[Block], file: str) -> Iterator[Parsed]:
    """Parse each VTIMEZONE once: ``icalendar`` remembers it for the events' TZIDs."""
    from icalendar import Timezone

    for block in blocks:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                Timezone.from_ical("\r\n".join(skip_outlook_1601(block.lines)) + "\r\n")
        except Exception as exc:  # icalendar raises many kinds on bad input
            yield Warning_(
                file,
                f"{file}:{block.line}",
                f"time zone not readable ({_reason(exc)}); its times are read as local",
            )


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


def _parse_block(block: Block, file: str, *, cancel: bool = False) -> _Event | list[Parsed]:
    """The event of ``block``; a ``cancel`` (from a ``METHOD:CANCEL`` calendar) is marked
    cancelled and needs no DTSTART: it only says that the meeting of its UID is off."""
    from icalendar import Event

    where = f"{file}:{block.line}"
    label = f"event {block.uid}" if block.uid else "event without UID"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            component = Event.from_ical(block.text())
    except Exception as exc:  # icalendar raises many kinds on bad input
        return [Rejection(file, where, f"{label}: not readable ({_reason(exc)})")]
    out: list[Parsed] = []
    start = moment_of(component.get("DTSTART"))
    if cancel:
        component["STATUS"] = "CANCELLED"
    elif not isinstance(start, dt.date):
        errors = getattr(component, "errors", []) or []
        why = next((_reason(Exception(m)) for n, m in errors if n == "DTSTART"), "missing")
        return [Rejection(file, where, f"{label}: no usable DTSTART ({why})")]
    _drop_broken(component)
    for name, message in getattr(component, "errors", []) or []:
        what = name or "a line"
        problem = _reason(Exception(message))
        out.append(Warning_(file, where, f"{label}: dropped {what} ({problem})"))
    unknown: dict[str, None] = {}
    for name in ("DTSTART", "DTEND"):
        prop = component.get(name)
        tzid = (getattr(prop, "params", None) or {}).get("TZID")
        moment = moment_of(prop)
        if tzid and isinstance(moment, dt.datetime) and moment.tzinfo is None:
            unknown[str(tzid)] = None
    for tzid in unknown:
        out.append(Warning_(file, where, f"{label}: unknown time zone {tzid!r}; read as local"))
    if not block.uid:
        people = sorted(str(a) for a in attendees(component))
        digest = hashlib.sha1(f"{start}|{component.get('SUMMARY', '')}|{people}".encode())
        component["UID"] = f"nouid-{digest.hexdigest()}"
    return _Event(block, component, out)


def _drop_broken(component: Any) -> None:
    """Remove the values ``icalendar`` could not read (they are listed in ``errors``)."""
    from icalendar.prop import vBroken

    for name in list(component.keys()):
        values = component[name]
        if any(isinstance(v, vBroken) for v in (values if isinstance(values, list) else [values])):
            del component[name]


def _latest(events: list[_Event]) -> list[_Event]:
    """One copy per RECURRENCE-ID: the highest SEQUENCE, then the latest stamp, then the last."""
    best: dict[str, tuple[tuple[int, str, int], _Event]] = {}
    for order, event in enumerate(events):
        rank = (*event.rank(), order)
        key = event.key
        if key not in best or rank > best[key][0]:
            best[key] = (rank, event)
    return [event for _, event in best.values()]


def _addresses(component: Any) -> set[str]:
    found = {a.email for a in attendees(component) if a.email}
    chair = organiser(component)
    if chair is not None and chair.email:
        found.add(chair.email)
    return found


def _find_me(
    me: Me, events: dict[str, list[_Event]], calendars: list[CalendarInfo], file: str
) -> Iterator[Parsed]:
    for calendar in calendars:
        name = calendar.x_wr_calname.strip().lower()
        if "@" in name and " " not in name:
            me.emails.add(name.removeprefix("mailto:"))
    components = [e.component for group in events.values() for e in group]
    for component in components:
        people = attendees(component)
        chair = organiser(component)
        if chair is not None:
            people.append(chair)
        if any(me.is_me(p.email, p.name) for p in people):
            return
    if len(events) < GUESS_ME_AFTER:
        return
    common: set[str] | None = None
    everyone: set[str] = set()
    for group in events.values():
        present: set[str] = set()
        for event in group:
            present |= _addresses(event.component)
        everyone |= present
        common = present if common is None else common & present
    # The owner is the one constant among changing people: with fewer than two
    # others, the one in every meeting may as well be my one colleague.
    if common is not None and len(common) == 1 and len(everyone - common) >= 2:
        (address,) = common
        me.emails.add(address)
        yield Warning_(
            file,
            file,
            f"took {address} as me: it is in all {len(events)} meetings "
            f"(record it with: dunbar edit me --add-email {address})",
        )


def _encounters(
    uid: str,
    group: list[_Event],
    calendar: CalendarInfo,
    *,
    me: Me,
    now: dt.datetime,
    file: str,
    tally: _Tally,
) -> Iterator[Parsed]:
    for event in group:
        yield from event.notes
    declared = named_zone(calendar.x_wr_timezone)
    zone = declared or local_zone()
    master = next((e for e in group if not e.key), None)
    lines = {e.key: e.block.line for e in group}
    if master is not None and is_series(master.component):
        where = f"{file}:{master.block.line}"
        if str(master.component.get("STATUS", "")).upper() == "CANCELLED":
            tally.skipped["cancelled"] += 1
            return
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                expansion = expand(
                    [e.component for e in group],
                    now=now,
                    zone=zone,
                    x_wr_timezone=calendar.x_wr_timezone if declared else "",
                )
        except Exception as exc:  # recurring-ical-events raises many kinds on bad input
            yield Rejection(file, where, f"series {uid}: cannot be expanded ({_reason(exc)})")
            return
        if expansion.rejected:
            yield Rejection(file, where, f"series {uid}: {expansion.rejected}")
            return
        for message in expansion.warnings:
            yield Warning_(file, where, f"series {uid}: {message}")
        tally.future_series += expansion.future
        occurrences = expansion.occurrences
    else:
        occurrences = [e.component for e in group]
    for component in occurrences:
        ref = occurrence_ref(uid, component)
        key = recurrence_stamp(component)
        line = lines.get(key, master.block.line if master is not None else group[0].block.line)
        origin = Origin(file, line, uid)
        try:
            result = to_encounter(component, origin=origin, ref=ref, me=me, zone=zone, now=now)
        except Exception as exc:  # a value icalendar parsed but nobody could use
            yield Rejection(file, f"{file}:{line}", f"event {uid}: {_reason(exc)}")
            continue
        if isinstance(result, Skip):
            tally.skipped[result.reason] += 1
        else:
            assert isinstance(result, EncounterRecord)
            yield result
