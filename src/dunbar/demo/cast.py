"""The cast of the demo: a name, employer, title, identities and labels for everyone."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from dunbar.demo.contacts import Episode
from dunbar.demo.names import draw_name, slug
from dunbar.demo.plan import AcquaintancePlan, PersonPlan
from dunbar.demo.timeline import Timeline
from dunbar.demo.world import MY_TITLE, ORGANISATIONS

__all__ = ["plan_people"]

# Closeness (1..7) of my closest ties, strongest first; kin are 7 and 6.
CLOSE_TIES = (6, 6, 5, 5, 5, 4, 4, 4)
HOW_MET = (
    "at a conference",
    "at a workshop",
    "on a joint project",
    "through a friend",
    "at a meetup",
    "on a panel together",
)


def plan_people(
    rng: random.Random,
    *,
    keys: Sequence[int],
    departments: dict[int, str],
    me: int,
    mine: Sequence[Episode],
    acquaintances: Sequence[AcquaintancePlan],
    timeline: Timeline,
) -> dict[int, PersonPlan]:
    """Everyone in the contact data, me included, keyed by sensor id."""
    minutes: dict[int, int] = {}
    first: dict[int, int] = {}
    for e in mine:
        alter = e.other(me)
        minutes[alter] = minutes.get(alter, 0) + e.minutes
        first[alter] = min(first.get(alter, e.start), e.start)
    my_dept = departments[me]
    outsiders = sorted(a for a in minutes if departments[a] != my_dept)
    kin = sorted(rng.sample(outsiders, 2)) if len(outsiders) >= 2 else []

    taken: set[str] = set()
    tradition, given, family = draw_name(rng, taken)
    people: dict[int, PersonPlan] = {}
    for key in keys:
        if key == me:
            people[key] = PersonPlan(key, given, family, my_dept, MY_TITLE)
            continue
        if key in kin:
            _, g, f = draw_name(rng, taken, tradition=tradition, family=family)
        else:
            _, g, f = draw_name(rng, taken, avoid_family=family)
        org = ORGANISATIONS[departments[key]]
        people[key] = PersonPlan(key, g, f, departments[key], rng.choice(org.titles))

    phones = [f"+44 7700 900{n:03d}" for n in range(1000)]
    rng.shuffle(phones)
    addresses: set[str] = set()
    for key in keys:
        p = people[key]
        org = ORGANISATIONS[p.department]
        known = key in minutes or key == me
        p.location = org.city
        if key == me or rng.random() < 0.85:
            p.emails.append(_address(p, org.domain, addresses))
        if rng.random() < 0.1:
            p.emails.append(_address(p, "mailbox.example", addresses, number=rng))
        if key == me or rng.random() < (0.3 if known else 0.05):
            p.phones.append(phones.pop())
        p.topics = rng.sample(org.topics, rng.randint(1, min(3, len(org.topics))))
        if rng.random() < 0.35:
            p.offers.append(rng.choice(org.offers))
        if rng.random() < 0.25:
            p.needs.append(rng.choice(org.needs))
        p.tags.append("colleague" if p.department == my_dept else org.tag)

    mine_person = people[me]
    mine_person.topics = ["partnerships", *mine_person.topics[:2]]
    mine_person.offers = ["introductions across health, tech and government"]

    _how_we_met(
        rng,
        people,
        me=me,
        first=first,
        acquaintances=acquaintances,
        timeline=timeline,
        my_dept=my_dept,
    )
    ranked = sorted((a for a in minutes if a not in kin), key=lambda a: (-minutes[a], a))
    for alter, closeness in zip(ranked, CLOSE_TIES, strict=False):
        people[alter].closeness = closeness
    for alter in rng.sample(ranked[len(CLOSE_TIES) :], min(4, len(ranked[len(CLOSE_TIES) :]))):
        people[alter].closeness = 3
    for alter, closeness in zip(kin, (7, 6), strict=False):
        relative = people[alter]
        relative.kin, relative.closeness = True, closeness
        relative.tags.append("family")
        relative.how_met = "family"
    return people


def _address(
    p: PersonPlan, domain: str, taken: set[str], *, number: random.Random | None = None
) -> str:
    local = f"{slug(p.given)}.{slug(p.family)}"
    if number is not None:
        local = f"{slug(p.given)}{slug(p.family)[:1]}{number.randint(1, 99)}"
    address, n = f"{local}@{domain}", 1
    while address in taken:
        n += 1
        address = f"{local}{n}@{domain}"
    taken.add(address)
    return address


def _how_we_met(
    rng: random.Random,
    people: dict[int, PersonPlan],
    *,
    me: int,
    first: dict[int, int],
    acquaintances: Sequence[AcquaintancePlan],
    timeline: Timeline,
    my_dept: str,
) -> None:
    """``how_met`` and ``first_known``: met in person, or known through someone I met."""
    best: dict[int, tuple[float, int]] = {}
    for acq in acquaintances:
        strength = acq.strength or 0.0
        for person, other in ((acq.a, acq.b), (acq.b, acq.a)):
            if (
                person not in first
                and other in first
                and (person not in best or (strength, -other) > (best[person][0], -best[person][1]))
            ):
                best[person] = (strength, other)
    span = int(timeline.days_span)
    for key, p in people.items():
        if key == me:
            p.first_known = None
        elif key in first:
            met = timeline.date(first[key])
            p.first_known = met - dt.timedelta(days=rng.randint(0, 45))
            p.how_met = "we work together" if p.department == my_dept else rng.choice(HOW_MET)
        else:
            p.first_known = timeline.anchor - dt.timedelta(days=rng.randint(30, span))
            if key in best:
                p.how_met = f"through {people[best[key][1]].name}"
            elif p.department == my_dept:
                p.how_met = "we work together"
