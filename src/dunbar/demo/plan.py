"""The demo as plain data: who, what happened and when, before anything is written.

:func:`plan_demo` is pure (data in the package, a seed and ``now`` in, a
:class:`DemoPlan` out), so the same seed and ``now`` always give the same plan.
People are keyed by their InVS15 sensor id; the builder maps keys to ledger ids.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from dunbar.demo.contacts import Episode, load_contacts, load_departments, merge_contacts
from dunbar.demo.timeline import Timeline
from dunbar.errors import ValidationError
from dunbar.model import (
    AttendanceStatus,
    Channel,
    Evidence,
    FavourKind,
    FavourStatus,
    Initiative,
    IntroOutcome,
)

__all__ = [
    "AcquaintancePlan",
    "DemoPlan",
    "EncounterPlan",
    "FavourPlan",
    "GatheringPlan",
    "IntroPlan",
    "NotePlan",
    "PersonPlan",
    "choose_me",
    "plan_demo",
]

IN_PERSON_SOURCE = "demo-invs15"
DEMO_SOURCE = "demo"


@dataclass
class PersonPlan:
    key: int
    given: str
    family: str
    department: str
    title: str
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    offers: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    how_met: str | None = None
    location: str | None = None
    first_known: dt.date | None = None
    closeness: int | None = None
    kin: bool = False

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"


@dataclass(frozen=True)
class EncounterPlan:
    when: dt.datetime
    with_: tuple[int, ...]
    channel: Channel
    initiative: Initiative
    minutes: int | None
    title: str
    source: str
    source_ref: str


@dataclass(frozen=True)
class AcquaintancePlan:
    a: int
    b: int
    evidence: Evidence
    strength: float | None
    on: dt.date


@dataclass(frozen=True)
class NotePlan:
    about: int | None
    body: str
    topics: tuple[str, ...]
    when: dt.datetime
    encounter_ref: str | None = None


@dataclass(frozen=True)
class FavourPlan:
    giver: int
    receiver: int
    what: str
    kind: FavourKind
    on: dt.date
    status: FavourStatus


@dataclass(frozen=True)
class IntroPlan:
    a: int
    b: int
    reason: str
    on: dt.date
    outcome: IntroOutcome


@dataclass(frozen=True)
class GatheringPlan:
    name: str
    on: dt.date
    venue: str
    capacity: int
    notes: str
    guests: tuple[tuple[int, AttendanceStatus], ...]
    encounter: EncounterPlan
    follow_ups: tuple[tuple[int, dt.date, str], ...]


@dataclass
class DemoPlan:
    me: int
    people: dict[int, PersonPlan]
    encounters: list[EncounterPlan]
    acquaintances: list[AcquaintancePlan]
    notes: list[NotePlan]
    favours: list[FavourPlan]
    introductions: list[IntroPlan]
    gathering: GatheringPlan

    @property
    def steps(self) -> int:
        """Units of work for a progress bar: one per row-ish write."""
        g = self.gathering
        organisations = len({p.department for p in self.people.values()})
        return (
            organisations
            + len(self.people)
            + len(self.encounters)
            + len(self.acquaintances)
            + len(self.notes)
            + len(self.favours)
            + len(self.introductions)
            + 2
            + len(g.guests)
            + len(g.follow_ups)
        )


def choose_me(episodes: Sequence[Episode]) -> int:
    """The person with the most distinct partners (the lowest id on a tie)."""
    partners: dict[int, set[int]] = {}
    for e in episodes:
        partners.setdefault(e.a, set()).add(e.b)
        partners.setdefault(e.b, set()).add(e.a)
    return min(partners, key=lambda p: (-len(partners[p]), p))


def acquaintances_from(
    episodes: Sequence[Episode], me: int, timeline: Timeline, *, min_minutes: int
) -> list[AcquaintancePlan]:
    """Two contacts seen together for at least ``min_minutes`` in all know each other.

    One record per pair. ``strength`` grows with the log of their total minutes
    (1.0 for the pair that spent the most time together); ``on`` is the date of
    their last episode.
    """
    minutes: dict[tuple[int, int], int] = {}
    last: dict[tuple[int, int], int] = {}
    for e in episodes:
        if e.involves(me):
            continue
        key = (e.a, e.b)
        minutes[key] = minutes.get(key, 0) + e.minutes
        last[key] = max(last.get(key, e.start), e.start)
    if not minutes:
        return []
    top = math.log1p(max(minutes.values()))
    return [
        AcquaintancePlan(
            a,
            b,
            Evidence.SHARED_ENCOUNTER,
            round(math.log1p(m) / top, 3),
            timeline.date(last[(a, b)]),
        )
        for (a, b), m in sorted(minutes.items())
        if m >= min_minutes
    ]


def plan_demo(
    *,
    seed: int,
    now: dt.datetime,
    gap: int = 300,
    years: float = 6.0,
    warp: float = 1.5,
    min_acquaintance_minutes: int = 5,
) -> DemoPlan:
    """Plan the whole demo ledger (see :func:`dunbar.demo.build_demo`)."""
    from dunbar.demo import cast, channels, stories

    if now.tzinfo is None:
        raise ValidationError("now must be timezone-aware (for example 2025-06-01T12:00Z)")
    if gap < 0 or min_acquaintance_minutes < 0:
        raise ValidationError("gap and min_acquaintance_minutes must be zero or more")
    if years <= 0 or warp <= 0:
        raise ValidationError("years and warp must be more than zero")
    rows = load_contacts()
    departments = load_departments()
    episodes = merge_contacts(rows, gap=gap)
    me = choose_me(episodes)
    mine = [e for e in episodes if e.involves(me)]
    timeline = Timeline(
        (t for t, _, _ in rows), end=max(e.end for e in mine), now=now, years=years, warp=warp
    )
    keys = sorted({p for e in episodes for p in (e.a, e.b)})
    acquaintances = acquaintances_from(episodes, me, timeline, min_minutes=min_acquaintance_minutes)
    people = cast.plan_people(
        random.Random(f"{seed}:people"),
        keys=keys,
        departments=departments,
        me=me,
        mine=mine,
        acquaintances=acquaintances,
        timeline=timeline,
    )
    encounters = channels.plan_encounters(
        random.Random(f"{seed}:channels"), me=me, mine=mine, people=people, timeline=timeline
    )
    story = stories.plan_stories(
        random.Random(f"{seed}:stories"),
        me=me,
        people=people,
        encounters=encounters,
        acquaintances=acquaintances,
        now=now,
    )
    return DemoPlan(
        me=me,
        people=people,
        encounters=encounters,
        acquaintances=acquaintances + story.acquaintances,
        notes=story.notes,
        favours=story.favours,
        introductions=story.introductions,
        gathering=story.gathering,
    )
