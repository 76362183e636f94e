"""What the encounters left behind: notes, favours, introductions and one supper.

All of it is invented from the seed, and all of it is dated before ``now``: the
notes follow real meetings, favours and introductions fall after I first knew
the people involved, and the supper was held a couple of weeks ago, with its
follow-ups now due.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from dunbar.demo.plan import (
    DEMO_SOURCE,
    IN_PERSON_SOURCE,
    AcquaintancePlan,
    EncounterPlan,
    FavourPlan,
    GatheringPlan,
    IntroPlan,
    NotePlan,
    PersonPlan,
)
from dunbar.demo.world import ORGANISATIONS
from dunbar.model import (
    AttendanceStatus,
    Channel,
    Evidence,
    FavourKind,
    FavourStatus,
    Initiative,
    IntroOutcome,
)

__all__ = ["Stories", "plan_stories"]

NOTES = (
    "{given} is working on {topic} at {org}; the person to ask about it.",
    "{given} needs {need}. Think about who could help.",
    "{given} can offer {offer}. Worth remembering.",
    "Talked about {topic}. {given} recommended a book on it and wants my view.",
    "{given} is thinking about leaving {org}; open to roles in {topic}.",
    "{given}'s team at {org} is hiring. Ask who they need.",
)
MY_NOTES = (
    (
        "Small suppers (under 15 people, mid-week, no agenda) work far better than receptions.",
        ("networking", "gatherings"),
    ),
    ("Write the follow-up the same day, or it does not happen.", ("follow-up",)),
    (
        "Old colleagues I reconnected with brought more leads this year than new contacts.",
        ("dormant ties",),
    ),
)
I_GAVE = (
    (FavourKind.ADVICE, "advice on {topic}"),
    (FavourKind.INTRO, "an introduction to someone at {other}"),
    (FavourKind.REFERRAL, "a referral for a role at {other}"),
    (FavourKind.HELP, "a review of their grant proposal"),
)
I_GOT = (
    (FavourKind.HELP, "{offer}"),
    (FavourKind.ADVICE, "advice on {topic}"),
    (FavourKind.INTRO, "an introduction to their contacts at {org}"),
)
FOLLOW_UPS = (
    "Send {given} the paper we talked about",
    "Book a lunch with {given}",
    "Introduce {given} to someone from the supper",
)


@dataclass
class Stories:
    notes: list[NotePlan]
    favours: list[FavourPlan]
    introductions: list[IntroPlan]
    gathering: GatheringPlan
    acquaintances: list[AcquaintancePlan]


def plan_stories(
    rng: random.Random,
    *,
    me: int,
    people: dict[int, PersonPlan],
    encounters: Sequence[EncounterPlan],
    acquaintances: Sequence[AcquaintancePlan],
    now: dt.datetime,
) -> Stories:
    met: dict[int, list[EncounterPlan]] = {}
    for enc in encounters:
        if enc.source == IN_PERSON_SOURCE:
            met.setdefault(enc.with_[0], []).append(enc)
    alters = sorted(met, key=lambda a: (-len(met[a]), a))
    known = {(a.a, a.b) for a in acquaintances}
    today = now.date()

    def day_after(start: dt.date | None) -> dt.date:
        first = min(start or today - dt.timedelta(days=365), today - dt.timedelta(days=2))
        return first + dt.timedelta(days=rng.randint(0, (today - first).days - 1))

    def fill(template: str, p: PersonPlan) -> str:
        org = ORGANISATIONS[p.department]
        others = sorted(o.name for d, o in ORGANISATIONS.items() if d != p.department)
        return template.format(
            given=p.given,
            topic=rng.choice(p.topics),
            org=org.name,
            need=p.needs[0] if p.needs else rng.choice(org.needs),
            offer=p.offers[0] if p.offers else rng.choice(org.offers),
            other=rng.choice(others),
        )

    notes: list[NotePlan] = []
    for alter in sorted(rng.sample(alters, min(26, len(alters)))):
        enc = rng.choice(met[alter])
        p = people[alter]
        when = min(enc.when + dt.timedelta(hours=rng.randint(1, 4)), now)
        notes.append(
            NotePlan(
                alter, fill(rng.choice(NOTES), p), (rng.choice(p.topics),), when, enc.source_ref
            )
        )
    for k, (body, topics) in enumerate(MY_NOTES):
        when = now - dt.timedelta(days=30 + 200 * k, hours=rng.randint(0, 12))
        notes.append(NotePlan(None, body, topics, when))

    favours: list[FavourPlan] = []
    gave_status = [FavourStatus.DONE] * 6 + [FavourStatus.PROMISED] * 2 + [FavourStatus.ASKED]
    got_status = [FavourStatus.DONE] * 6 + [FavourStatus.PROMISED, FavourStatus.ASKED]
    for status in gave_status:
        alter = rng.choice(alters[:40])
        kind, what = rng.choice(I_GAVE)
        favours.append(
            FavourPlan(
                me,
                alter,
                fill(what, people[alter]),
                kind,
                day_after(people[alter].first_known),
                status,
            )
        )
    for status in got_status:
        alter = rng.choice(alters[:40])
        kind, what = rng.choice(I_GOT)
        favours.append(
            FavourPlan(
                alter,
                me,
                fill(what, people[alter]),
                kind,
                day_after(people[alter].first_known),
                status,
            )
        )

    intros: list[IntroPlan] = []
    extra: list[AcquaintancePlan] = []
    outcomes = (
        IntroOutcome.MET,
        IntroOutcome.WORKED_TOGETHER,
        IntroOutcome.PENDING,
        IntroOutcome.NOTHING,
        IntroOutcome.MET,
        IntroOutcome.WORKED_TOGETHER,
    )
    for outcome in outcomes:
        for _ in range(200):
            a, b = sorted(rng.sample(alters, 2))
            pa, pb = people[a], people[b]
            if pa.department != pb.department and (a, b) not in known:
                break
        known.add((a, b))
        need = pa.needs[0] if pa.needs else f"contacts in {ORGANISATIONS[pb.department].industry}"
        reason = f"{pa.given} needs {need}; {pb.given} works on {rng.choice(pb.topics)}"
        since = max(
            d
            for d in (pa.first_known, pb.first_known, today - dt.timedelta(days=1100))
            if d is not None
        )
        on = day_after(since)
        intros.append(IntroPlan(a, b, reason, on, outcome))
        if outcome in (IntroOutcome.MET, IntroOutcome.WORKED_TOGETHER):
            extra.append(
                AcquaintancePlan(
                    a, b, Evidence.DECLARED, None, min(on + dt.timedelta(days=30), today)
                )
            )

    gathering, together = _supper(rng, people=people, met=met, alters=alters, now=now)
    return Stories(notes, favours, intros, gathering, extra + together)


def _supper(
    rng: random.Random,
    *,
    people: dict[int, PersonPlan],
    met: dict[int, list[EncounterPlan]],
    alters: Sequence[int],
    now: dt.datetime,
) -> tuple[GatheringPlan, list[AcquaintancePlan]]:
    """A Wednesday supper two to three weeks ago: close ties, old ties, new mixes."""
    held = now.date() - dt.timedelta(days=14)
    held -= dt.timedelta(days=(held.weekday() - 2) % 7)
    last = {a: max(e.when for e in met[a]) for a in alters}
    close = [a for a in alters if people[a].closeness and not people[a].kin][:4]
    dormant = [a for a in alters if (now - last[a]).days > 365 and a not in close]
    rest = [a for a in alters if a not in close and a not in dormant]
    guests = close + rng.sample(dormant, min(3, len(dormant)))
    guests += rng.sample(rest, 10 - len(guests))
    statuses = [AttendanceStatus.ATTENDED] * 8 + [
        AttendanceStatus.NO_SHOW,
        AttendanceStatus.INVITED,
    ]
    came = [g for g, s in zip(guests, statuses, strict=True) if s is AttendanceStatus.ATTENDED]
    when = dt.datetime.combine(held, dt.time(19, 30), tzinfo=dt.UTC)
    name = f"Wednesday supper, {held:%B %Y}"
    encounter = EncounterPlan(
        when,
        tuple(sorted(came)),
        Channel.IN_PERSON,
        Initiative.OUT,
        180,
        name,
        DEMO_SOURCE,
        f"gathering-{held.isoformat()}",
    )
    follow = tuple(
        (
            g,
            min(held + dt.timedelta(days=3 + 4 * k), now.date()),
            FOLLOW_UPS[k].format(given=people[g].given),
        )
        for k, g in enumerate(came[-3:])
    )
    plan = GatheringPlan(
        name=name,
        on=held,
        venue="Chez Margot, back room",
        capacity=12,
        notes="Mid-week, no agenda, one long table.",
        guests=tuple(zip(guests, statuses, strict=True)),
        encounter=encounter,
        follow_ups=follow,
    )
    together = [
        AcquaintancePlan(a, b, Evidence.SHARED_GATHERING, None, held)
        for a, b in combinations(sorted(came), 2)
    ]
    return plan, together
