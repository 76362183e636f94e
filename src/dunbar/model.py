"""Plain dataclasses of the domain. No I/O happens here.

These are what the library returns and what the engines (strength, graph,
gatherings) consume. The store converts table rows to and from them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "Acquaintance",
    "AttendanceStatus",
    "Attendee",
    "Channel",
    "Encounter",
    "Evidence",
    "Favour",
    "FavourKind",
    "FavourStatus",
    "FollowUp",
    "Gathering",
    "GatheringKind",
    "Identity",
    "IdentityKind",
    "Initiative",
    "IntroOutcome",
    "Introduction",
    "LabelKind",
    "Note",
    "Organisation",
    "Person",
    "PersonSummary",
    "Seat",
]


class Channel(StrEnum):
    """How an encounter happened, richest first (MODEL.md §1.2)."""

    IN_PERSON = "in_person"
    VIDEO = "video"
    CALL = "call"
    EVENT = "event"
    MESSAGE = "message"
    EMAIL = "email"
    REACTION = "reaction"


class Initiative(StrEnum):
    """Who took the initiative: ``out`` means I reached out, ``in`` means they did."""

    OUT = "out"
    IN = "in"
    MUTUAL = "mutual"
    UNKNOWN = "unknown"


class IdentityKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    HANDLE = "handle"


class LabelKind(StrEnum):
    """Free labels on a person: tags, topics of expertise, offers and needs."""

    TAG = "tag"
    TOPIC = "topic"
    OFFER = "offer"
    NEED = "need"


class FavourKind(StrEnum):
    ADVICE = "advice"
    INTRO = "intro"
    REFERRAL = "referral"
    HELP = "help"
    OTHER = "other"


class FavourStatus(StrEnum):
    ASKED = "asked"
    PROMISED = "promised"
    DONE = "done"


class IntroOutcome(StrEnum):
    PENDING = "pending"
    MET = "met"
    WORKED_TOGETHER = "worked_together"
    NOTHING = "nothing"


class Evidence(StrEnum):
    """Why dunbar believes that two contacts know each other."""

    DECLARED = "declared"
    SHARED_ENCOUNTER = "shared_encounter"
    EMAIL_CC = "email_cc"
    SHARED_GATHERING = "shared_gathering"


class GatheringKind(StrEnum):
    DINNER = "dinner"
    EVENT = "event"
    MEETUP = "meetup"


class AttendanceStatus(StrEnum):
    INVITED = "invited"
    CONFIRMED = "confirmed"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


@dataclass(frozen=True)
class Identity:
    """An email, phone (E.164), URL or handle that identifies a person."""

    kind: IdentityKind
    value: str
    label: str | None = None


@dataclass(frozen=True)
class Organisation:
    id: int
    name: str
    domain: str | None = None
    industry: str | None = None


@dataclass
class Person:
    """A person in the ledger, with everything known about them but history."""

    id: int
    name: str
    given_name: str | None = None
    family_name: str | None = None
    is_me: bool = False
    organisation: str | None = None
    organisation_id: int | None = None
    title: str | None = None
    location: str | None = None
    how_met: str | None = None
    where_met: str | None = None
    first_known: dt.date | None = None
    closeness: int | None = None
    is_kin: bool = False
    birthday: str | None = None
    identities: list[Identity] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    offers: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    @property
    def emails(self) -> list[str]:
        return [i.value for i in self.identities if i.kind is IdentityKind.EMAIL]

    @property
    def phones(self) -> list[str]:
        return [i.value for i in self.identities if i.kind is IdentityKind.PHONE]


@dataclass(frozen=True)
class PersonSummary:
    """One row of the people list: enough to choose, not the whole profile."""

    id: int
    name: str
    organisation: str | None
    title: str | None
    email: str | None
    tags: tuple[str, ...]
    last_seen: dt.datetime | None
    encounters: int
    is_me: bool = False


@dataclass(frozen=True)
class Encounter:
    id: int
    when: dt.datetime
    channel: Channel
    initiative: Initiative
    participants: tuple[int, ...]
    title: str | None = None
    notes: str | None = None
    minutes: int | None = None
    gathering_id: int | None = None
    source: str = "manual"
    source_ref: str | None = None


@dataclass(frozen=True)
class Note:
    id: int
    body: str
    person_id: int | None
    written_at: dt.datetime
    topics: tuple[str, ...] = ()
    encounter_id: int | None = None


@dataclass(frozen=True)
class Favour:
    id: int
    giver_id: int
    receiver_id: int
    what: str
    kind: FavourKind
    on: dt.date
    status: FavourStatus


@dataclass(frozen=True)
class Introduction:
    id: int
    broker_id: int
    person_a_id: int
    person_b_id: int
    on: dt.date
    reason: str | None
    outcome: IntroOutcome


@dataclass(frozen=True)
class Acquaintance:
    """Evidence that two of my contacts know each other (a < b)."""

    id: int
    person_a_id: int
    person_b_id: int
    evidence: Evidence
    strength: float | None = None
    count: int = 1
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None


@dataclass(frozen=True)
class Gathering:
    id: int
    name: str
    kind: GatheringKind
    on: dt.date
    venue: str | None = None
    capacity: int | None = None
    notes: str | None = None
    series: str | None = None
    """The recurring club this evening belongs to, if any."""


@dataclass(frozen=True)
class Attendee:
    gathering_id: int
    person_id: int
    status: AttendanceStatus


@dataclass(frozen=True)
class Seat:
    gathering_id: int
    round: int
    table: int
    seat: int
    person_id: int


@dataclass(frozen=True)
class FollowUp:
    id: int
    person_id: int
    due: dt.date
    reason: str
    done: bool = False
    gathering_id: int | None = None
