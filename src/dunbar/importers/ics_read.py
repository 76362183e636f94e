"""The read stage for iCalendar: split a file into calendars, time zones and events.

``icalendar`` parses a whole calendar at once, and one bad line (a VTIMEZONE
without its TZID, Exchange 2010's ``blankTzid.ics``) makes it refuse the whole
file. dunbar splits the file itself, line by line and bounded, so that each
VEVENT is parsed on its own: a broken event costs that event (reported with its
line and UID), never the file. Each block keeps the line it starts on.

What is kept of each VEVENT: its properties, unfolded (RFC 5545 §3.1), without
``ATTACH`` (inline attachments can be megabytes; dunbar never stores them) and
without nested components (alarms). Lines longer than :data:`MAX_PROPERTY`
characters are dropped with a warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from dunbar.importers.textio import decode_text, read_lines

__all__ = ["MAX_DEPTH", "MAX_PROPERTY", "Block", "CalendarInfo", "Chunked", "read_calendar"]

MAX_PROPERTY = 1024 * 1024
"""Longest unfolded property line kept (characters)."""
MAX_DEPTH = 16
"""Deepest nesting of components read; deeper input is not a calendar."""
DROPPED = ("ATTACH",)


@dataclass
class CalendarInfo:
    """Calendar-level properties that change how its events are read."""

    method: str = ""
    x_wr_timezone: str = ""
    """Google and Apple: the zone floating times (and series) are meant in."""
    x_wr_calname: str = ""
    """Google names a user's primary calendar after their address."""


@dataclass
class Block:
    """One VEVENT or VTIMEZONE as text, with the line it starts on."""

    kind: str
    line: int
    calendar: int
    lines: list[str] = field(default_factory=list)
    uid: str = ""
    has_attendee: bool = False
    recurrence_id: bool = False

    def text(self) -> str:
        return "\r\n".join(self.lines) + "\r\n"


@dataclass
class Chunked:
    """What :func:`read_calendar` found: calendars, zones and events, plus problems."""

    calendars: list[CalendarInfo] = field(default_factory=list)
    timezones: list[Block] = field(default_factory=list)
    events: list[Block] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    """``(line, message)``: an event that cannot be read at all."""
    dropped: list[tuple[int, str]] = field(default_factory=list)
    """``(line, message)``: a property that was left out."""


def _logical_lines(stream: BinaryIO) -> Iterator[tuple[int, str, bool]]:
    """Unfolded lines as ``(first line number, text, too long)``."""
    start = 0
    parts: list[str] = []
    size = 0
    long = False
    first = True
    for line in read_lines(stream):
        data = line.data
        if first:
            data = data.removeprefix(b"\xef\xbb\xbf")
            first = False
        text, _ = decode_text(data)
        if text[:1] in (" ", "\t") and parts:
            if not long:
                size += len(text) - 1
                long = size > MAX_PROPERTY or line.cut
                if not long:
                    parts.append(text[1:])
            continue
        if parts:
            yield start, "".join(parts), long
        start, parts, size, long = line.number, [text], len(text), line.cut
    if parts:
        yield start, "".join(parts), long


def _name(line: str) -> str:
    end = len(line)
    for sep in (";", ":"):
        at = line.find(sep)
        if 0 <= at < end:
            end = at
    return line[:end].strip().upper()


def _value(line: str) -> str:
    """The value after the first colon that is not inside a quoted parameter."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return line[i + 1 :].strip()
    return ""


def read_calendar(stream: BinaryIO) -> Chunked:
    """Split ``stream`` into calendars, VTIMEZONE blocks and VEVENT blocks."""
    found = Chunked()
    stack: list[str] = []
    block: Block | None = None
    for number, line, long in _logical_lines(stream):
        name = _name(line)
        if not name:
            continue
        if name in ("BEGIN", "END"):
            what = _value(line).upper()
            if name == "BEGIN":
                block = _begin(found, stack, block, what, number, line)
            else:
                block = _end(found, stack, block, what, number, line)
            continue
        if block is None:
            if stack == ["VCALENDAR"] and found.calendars:
                _calendar_property(found.calendars[-1], name, _value(line))
            continue
        if stack[-1:] != [block.kind] and block.kind != "VTIMEZONE":
            continue  # an alarm inside the event
        if long:
            found.dropped.append((number, f"{name} longer than {MAX_PROPERTY:,} characters"))
            continue
        if name in DROPPED:
            continue
        block.lines.append(line)
        if name == "UID":
            block.uid = _value(line)
        elif name == "ATTENDEE":
            block.has_attendee = True
        elif name == "RECURRENCE-ID":
            block.recurrence_id = True
    if block is not None:
        found.problems.append((block.line, f"{block.kind} is not closed (no END:{block.kind})"))
    return found


def _begin(
    found: Chunked, stack: list[str], block: Block | None, what: str, number: int, line: str
) -> Block | None:
    if len(stack) >= MAX_DEPTH:
        at = block.line if block is not None else number
        found.problems.append((at, f"components nested deeper than {MAX_DEPTH}"))
        stack.append(what)
        return block
    stack.append(what)
    if what == "VCALENDAR" and len(stack) == 1:
        found.calendars.append(CalendarInfo())
        return block
    if block is None and what in ("VEVENT", "VTIMEZONE") and stack[:-1] in ([], ["VCALENDAR"]):
        if not found.calendars:  # a bare component (icalendar's own test files)
            found.calendars.append(CalendarInfo())
        return Block(what, number, len(found.calendars) - 1, [line])
    if block is not None and block.kind == "VTIMEZONE":
        block.lines.append(line)  # STANDARD / DAYLIGHT belong to the zone
    return block


def _end(
    found: Chunked, stack: list[str], block: Block | None, what: str, number: int, line: str
) -> Block | None:
    if what in stack:  # close up to the matching BEGIN (tolerates a missing END)
        while stack and stack.pop() != what:
            pass
    if block is None:
        return None
    if what == block.kind:
        block.lines.append(line)
        (found.events if block.kind == "VEVENT" else found.timezones).append(block)
        return None
    if block.kind == "VTIMEZONE":
        block.lines.append(line)
    if what == "VCALENDAR":
        found.problems.append((block.line, f"{block.kind} is not closed (no END:{block.kind})"))
        return None
    return block


def _calendar_property(info: CalendarInfo, name: str, value: str) -> None:
    if name == "METHOD":
        info.method = value.upper()
    elif name == "X-WR-TIMEZONE":
        info.x_wr_timezone = value
    elif name == "X-WR-CALNAME":
        info.x_wr_calname = value
