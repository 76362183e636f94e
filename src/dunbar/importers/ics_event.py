"""One calendar occurrence as an encounter: who took part, how, for how long, who asked.

**Participants.** The ATTENDEEs, with their address (``mailto:``) and name
(``CN``), and the ORGANIZER when they are not also an attendee. Left out: me;
attendees who declined (``PARTSTAT=DECLINED``); rooms, resources and groups
(``CUTYPE=ROOM|RESOURCE|GROUP``: a meeting room or a mailing list is not a
person); ``ROLE=NON-PARTICIPANT`` (copied for information).

**Channel.** ``video`` when there is a conferencing link: a Zoom, Meet, Teams,
Webex, GoToMeeting, Skype, Jitsi, Whereby, BlueJeans, Chime or FaceTime URL in
LOCATION, URL or DESCRIPTION (the description is only searched for the link,
never stored), Google's ``X-GOOGLE-CONFERENCE``, Outlook's
``X-MICROSOFT-ONLINEMEETING*`` and ``X-MICROSOFT-SKYPETEAMSMEETINGURL``, or an
RFC 7986 ``CONFERENCE`` (``FEATURE=AUDIO``/``PHONE`` only, or a ``tel:`` URI:
``call``). ``call`` when the place is a phone number or a dial-in. ``in_person``
when there is a physical place (LOCATION, or GEO). Otherwise, a meeting with
neither a place nor a link, dunbar records a ``call``: the ledger has no
"unknown" channel, a meeting with no room is most likely remote, and of the
remote channels a call claims the least about the tie (in person would
overstate it).

**Duration.** DTEND − DTSTART, or DURATION, in minutes; none for all-day events
(a day in the calendar is not a day together) or when the end is before the
start or more than two weeks later.

**Initiative.** ORGANIZER is me: ``out``; someone else: ``in``; none: ``unknown``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from dunbar.importers.ics_time import as_aware, moment_of
from dunbar.importers.records import EncounterRecord, Origin, PersonRecord
from dunbar.model import Channel, Initiative
from dunbar.normalise import name_key
from dunbar.store.encounters import MAX_MINUTES

__all__ = [
    "Attendee",
    "Me",
    "Skip",
    "attendees",
    "channel_of",
    "occurrence_ref",
    "recurrence_stamp",
    "to_encounter",
]

VIDEO_HOSTS = re.compile(
    r"(?:https?://|\b)(?:[\w-]+\.)*(?:zoom\.us|zoomgov\.com|meet\.google\.com|hangouts\.google\.com"
    r"|teams\.microsoft\.com|teams\.live\.com|meet\.lync\.com|join\.skype\.com|webex\.com"
    r"|gotomeeting\.com|gotomeet\.me|meet\.goto\.com|bluejeans\.com|whereby\.com|meet\.jit\.si"
    r"|8x8\.vc|chime\.aws|facetime\.apple\.com)\b",
    re.IGNORECASE,
)
VIDEO_WORDS = re.compile(
    r"\b(?:microsoft teams|teams meeting|zoom(?: meeting)?|google meet|hangouts?|webex|skype"
    r"|facetime|jitsi|whereby|bluejeans)\b",
    re.IGNORECASE,
)
PHONE_PLACE = re.compile(
    r"^(?:tel:)?\+?[\d\s().\-/]{7,}$|\b(?:phone|call|dial[- ]?in|telefon|téléphone|teléfono)\b",
    re.IGNORECASE,
)
URL_ONLY = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$", re.IGNORECASE)
NOT_PEOPLE = {"ROOM", "RESOURCE", "GROUP"}
SCAN_CHARS = 256 * 1024
"""How much of a description is searched for a conferencing link."""


@dataclass
class Me:
    """How "me" shows up in a calendar: my addresses and my name keys."""

    emails: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)

    def is_me(self, email: str | None, name: str | None) -> bool:
        if email and email in self.emails:
            return True
        return bool(name) and name_key(name or "") in self.names


@dataclass(frozen=True)
class Attendee:
    email: str | None
    name: str | None
    declined: bool
    participant: bool
    """A person taking part (not a room, a group or a copy for information)."""


@dataclass(frozen=True)
class Skip:
    """Why an occurrence is not an encounter (counted, not reported one by one)."""

    reason: str


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _param(address: Any, name: str) -> str:
    params = getattr(address, "params", None) or {}
    value = params.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip().strip('"').strip()


def _address(address: Any) -> Attendee:
    raw = str(address).strip()
    email = re.sub(r"^mailto:", "", raw, flags=re.IGNORECASE).strip().strip("<>").lower()
    if "@" not in email or " " in email:
        email = ""
    name = _param(address, "CN") or None
    if name and "@" in name and name.lower() == email:
        name = None  # Outlook writes the address again as the name
    kind = _param(address, "CUTYPE").upper()
    role = _param(address, "ROLE").upper()
    return Attendee(
        email or None,
        name,
        declined=_param(address, "PARTSTAT").upper() == "DECLINED",
        participant=kind not in NOT_PEOPLE and role != "NON-PARTICIPANT",
    )


def attendees(component: Any) -> list[Attendee]:
    return [_address(a) for a in _listed(component.get("ATTENDEE"))]


def organiser(component: Any) -> Attendee | None:
    value = component.get("ORGANIZER")
    return _address(value) if value is not None and str(value).strip() else None


def _texts(component: Any, *names: str) -> Iterator[str]:
    for name in names:
        for value in _listed(component.get(name)):
            yield str(value)[:SCAN_CHARS]


def channel_of(component: Any) -> Channel:
    """``video``, ``call`` or ``in_person``, as the module docstring says."""
    for name, value in component.property_items(recursive=False):
        online = name in ("X-GOOGLE-CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL")
        online = online or name.startswith("X-MICROSOFT-ONLINEMEETING")
        if online and str(value).strip().upper() not in ("", "FALSE", "0"):
            return Channel.VIDEO
    for conference in _listed(component.get("CONFERENCE")):
        features = {f.strip().upper() for f in _param(conference, "FEATURE").split(",")}
        if features & {"VIDEO", "SCREEN", "MODERATOR"} or (
            not features - {""} and not str(conference).lower().startswith("tel:")
        ):
            return Channel.VIDEO
        return Channel.CALL
    texts = _texts(component, "LOCATION", "URL", "DESCRIPTION", "X-ALT-DESC")
    if any(_has_link(t) for t in texts):
        return Channel.VIDEO
    place = " ".join(" ".join(_texts(component, "LOCATION")).split())
    if place and VIDEO_WORDS.search(place):
        return Channel.VIDEO
    if place and PHONE_PLACE.search(place):
        return Channel.CALL
    if any(str(u).lower().startswith("tel:") for u in _listed(component.get("URL"))):
        return Channel.CALL
    if (place and not URL_ONLY.match(place)) or component.get("GEO") is not None:
        return Channel.IN_PERSON
    return Channel.CALL


@lru_cache(maxsize=1024)
def _has_link(text: str) -> bool:
    """Whether ``text`` has a conferencing link (each occurrence of a series asks again)."""
    return VIDEO_HOSTS.search(text) is not None


def _stamp(moment: dt.date) -> str:
    if not isinstance(moment, dt.datetime):
        return moment.strftime("%Y%m%d")
    if moment.tzinfo is None:
        return moment.strftime("%Y%m%dT%H%M%S")  # floating: its wall-clock time is its name
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def occurrence_ref(uid: str, component: Any) -> str:
    """``ics:UID`` for an event, ``ics:UID@RECURRENCE-ID`` for an occurrence of a series.

    The same occurrence of the same event has the same ref in every export, so a
    re-import finds it; a long UID is hashed to fit.
    """
    key = uid if len(uid) <= 200 else "sha1:" + hashlib.sha1(uid.encode()).hexdigest()
    stamp = recurrence_stamp(component)
    return f"ics:{key}@{stamp}" if stamp else f"ics:{key}"


def recurrence_stamp(component: Any) -> str:
    """The RECURRENCE-ID as text (UTC, or wall-clock if floating), ``""`` if there is none."""
    moment = moment_of(component.get("RECURRENCE-ID"))
    return _stamp(moment) if isinstance(moment, dt.date) else ""


COMPANY = re.compile(r"^(?:inc|ltd|llc|gmbh|s\.?a|ag|corp|co|plc|bv|srl)\.?$", re.IGNORECASE)


def display_name(cn: str) -> str:
    """``Kühn, Lena`` as ``Lena Kühn``: Exchange and Outlook write "Last, First".

    >>> display_name("Kühn, Lena"), display_name("Acme, Inc."), display_name("Ana Silva")
    ('Lena Kühn', 'Acme, Inc.', 'Ana Silva')
    """
    parts = [p.strip() for p in cn.split(",")]
    if len(parts) != 2 or not all(parts) or COMPANY.match(parts[1]):
        return cn
    if any(len(p.split()) > 3 or "@" in p for p in parts):
        return cn
    return f"{parts[1]} {parts[0]}"


def _person(who: Attendee, origin: Origin) -> PersonRecord | None:
    name = display_name(who.name) if who.name else None
    if not name and who.email:
        local = who.email.split("@", 1)[0].replace("_", ".")
        name = " ".join(p.capitalize() for p in local.split(".") if p) or who.email
    if not name:
        return None
    ref = f"email:{who.email}" if who.email else f"name:{name_key(name)}"
    record = PersonRecord(Origin(origin.file, origin.line, ref), name, link_by_name=bool(who.name))
    if who.email:
        record.emails.append(who.email)
    return record


def _minutes(component: Any, start: dt.date, zone: dt.tzinfo) -> int | None:
    if not isinstance(start, dt.datetime):
        return None
    end_prop = component.get("DTEND")
    end = moment_of(end_prop)
    if not isinstance(end, dt.datetime):
        duration = moment_of(component.get("DURATION"))
        if not isinstance(duration, dt.timedelta):
            return None
        end = start + duration
    seconds = (as_aware(end, zone) - as_aware(start, zone)).total_seconds()
    minutes = round(seconds / 60)
    return minutes if 0 <= minutes <= MAX_MINUTES else None


def to_encounter(
    component: Any,
    *,
    origin: Origin,
    ref: str,
    me: Me,
    zone: dt.tzinfo,
    now: dt.datetime,
) -> EncounterRecord | Skip:
    """The encounter this occurrence was, or why it was none.

    ``component`` has a usable DTSTART (the caller checked).
    """
    if str(component.get("STATUS", "")).upper() == "CANCELLED":
        return Skip("cancelled")
    start = component["DTSTART"].dt
    # In UTC from here on: a zone built from a VTIMEZONE answers utcoffset() slowly,
    # and every later step (validation, storage) asks it again.
    when = as_aware(start, zone).astimezone(dt.UTC)
    if isinstance(start, dt.datetime):
        if when > now:
            return Skip("in the future")
    elif start > now.astimezone(zone).date():
        return Skip("in the future")
    chair = organiser(component)
    people: list[PersonRecord] = []
    seen: set[str] = set()
    for who in attendees(component):
        if me.is_me(who.email, who.name):
            if who.declined:
                return Skip("declined by me")
            continue
        if who.declined or not who.participant:
            continue
        record = _person(who, origin)
        if record is not None and record.origin.ref not in seen:
            seen.add(record.origin.ref)
            people.append(record)
    chair_is_me = chair is not None and me.is_me(chair.email, chair.name)
    if chair is not None and not chair_is_me and chair.participant:
        record = _person(chair, origin)
        if record is not None and record.origin.ref not in seen:
            people.append(record)
    if not people:
        return Skip("with no one but me")
    if chair is None:
        initiative = Initiative.UNKNOWN
    else:
        initiative = Initiative.OUT if chair_is_me else Initiative.IN
    title = " ".join(str(component.get("SUMMARY", "")).split())[:500] or None
    return EncounterRecord(
        origin=origin,
        when=when,
        people=people,
        channel=channel_of(component),
        initiative=initiative,
        minutes=_minutes(component, start, zone),
        title=title,
        source_ref=ref,
    )
