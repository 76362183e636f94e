"""My encounters: the real in-person episodes, and e-mails, calls and messages around them.

In-person encounters come straight from the sensor episodes between me and
each contact (source ``demo-invs15``, ref ``"{a}-{b}-{start}"`` in sensor ids
and seconds). The other channels are invented around them from the seed
(source ``demo``): scheduling e-mails before a meeting, follow-ups after it,
the odd call, video call or message, sparse e-mail that keeps some old ties
warm after we stopped meeting, and people I only know by e-mail who reached
out to me. Each contact has a style: how often I, rather than they, reach out.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from dunbar.demo.contacts import Episode
from dunbar.demo.plan import DEMO_SOURCE, IN_PERSON_SOURCE, EncounterPlan, PersonPlan
from dunbar.demo.timeline import Timeline
from dunbar.model import Channel, Initiative

__all__ = ["in_person_title", "plan_encounters"]

BEFORE = (
    "Next week?",
    "Quick question",
    "Agenda for our meeting",
    "Shall we grab a coffee?",
    "Are you around on Thursday?",
)
AFTER = (
    "Thanks for today",
    "Notes from our chat",
    "The paper I mentioned",
    "Following up",
    "Slides from this morning",
)
KEEP_WARM = (
    "Long time no see",
    "Saw this and thought of you",
    "Happy new year!",
    "Congratulations on the new role",
    "Still working on {topic}?",
)
REACHED_OUT = (
    "Question about {topic}",
    "Could we talk about {topic}?",
    "Introduction request",
    "Invitation to speak",
)


def in_person_title(minutes: int, moment: dt.datetime) -> str:
    """A plausible title from how long we met and at what time of day."""
    if minutes < 3:
        return "Quick chat"
    if 12 <= moment.hour < 14 and minutes >= 10:
        return "Lunch"
    if minutes >= 30:
        return "Meeting"
    return "Coffee"


class _Refs:
    """Unique, stable ``source_ref`` values: ``"{channel}-{key}-{n}"``."""

    def __init__(self) -> None:
        self._count: dict[tuple[str, int], int] = {}

    def next(self, channel: Channel, key: int) -> str:
        n = self._count.get((channel.value, key), 0) + 1
        self._count[(channel.value, key)] = n
        return f"{channel.value}-{key}-{n}"


def plan_encounters(
    rng: random.Random,
    *,
    me: int,
    mine: Sequence[Episode],
    people: dict[int, PersonPlan],
    timeline: Timeline,
) -> list[EncounterPlan]:
    """All my encounters except the supper, oldest first."""
    now = timeline.now
    alters = sorted({e.other(me) for e in mine})
    reach_out = {a: rng.choice((0.25, 0.5, 0.75)) for a in alters}

    def initiative(alter: int, *, mutual: float = 0.15) -> Initiative:
        if rng.random() < mutual:
            return Initiative.MUTUAL
        return Initiative.OUT if rng.random() < reach_out[alter] else Initiative.IN

    refs = _Refs()
    out: list[EncounterPlan] = []
    last_met: dict[int, dt.datetime] = {}
    for e in mine:
        alter = e.other(me)
        when = timeline.at(e.start)
        chance = e.minutes < 10
        out.append(
            EncounterPlan(
                when,
                (alter,),
                Channel.IN_PERSON,
                Initiative.UNKNOWN if chance else initiative(alter),
                e.minutes,
                in_person_title(e.minutes, when),
                IN_PERSON_SOURCE,
                f"{e.a}-{e.b}-{e.start}",
            )
        )
        last_met[alter] = max(last_met.get(alter, when), when)

    mixers = {a for a in alters if rng.random() < 0.6}
    for e in mine:
        alter = e.other(me)
        if alter not in mixers:
            continue
        met = timeline.at(e.start)
        topic = people[alter].topics[0]
        if rng.random() < 0.35:
            when = _office(rng, met - dt.timedelta(days=rng.randint(1, 6)), now)
            out.append(_mail(when, alter, initiative(alter), rng.choice(BEFORE), refs))
        if rng.random() < 0.3:
            when = met + dt.timedelta(hours=rng.randint(2, 72))
            when = when if 8 <= when.hour < 20 else _office(rng, when, now)
            who = Initiative.OUT if rng.random() < 0.7 else Initiative.IN
            if when <= now:
                out.append(_mail(when, alter, who, rng.choice(AFTER), refs))
        roll = rng.random()
        if roll < 0.23:
            channel, minutes, title = Channel.MESSAGE, None, "Message"
            if roll < 0.08:
                channel, minutes, title = Channel.CALL, rng.randint(5, 40), "Call about {topic}"
            elif roll < 0.13:
                channel, minutes, title = Channel.VIDEO, rng.randint(20, 60), "Video: {topic}"
            when = _office(rng, met + dt.timedelta(days=rng.randint(-20, 20)), now)
            if when <= now:
                out.append(
                    EncounterPlan(
                        when,
                        (alter,),
                        channel,
                        initiative(alter),
                        minutes,
                        title.format(topic=topic),
                        DEMO_SOURCE,
                        refs.next(channel, alter),
                    )
                )

    for alter in alters:
        since = now - last_met[alter]
        if since.days < 365 or rng.random() >= 0.35:
            continue
        when = last_met[alter]
        stop = min(when + dt.timedelta(days=rng.randint(180, 1500)), now - dt.timedelta(days=1))
        while True:
            when = _office(rng, when + dt.timedelta(days=rng.randint(45, 200)), now)
            if when > stop:
                break
            title = rng.choice(KEEP_WARM).format(topic=people[alter].topics[0])
            out.append(_mail(when, alter, initiative(alter, mutual=0.0), title, refs))

    strangers = sorted(k for k in people if k != me and k not in last_met)
    for key in strangers:
        if rng.random() >= 0.12:
            continue
        known = people[key].first_known
        span = max(3, (now.date() - known).days if known else int(timeline.days_span))
        for _ in range(rng.randint(1, 4)):
            when = _office(rng, now - dt.timedelta(days=rng.randint(2, span)), now)
            who = Initiative.IN if rng.random() < 0.7 else Initiative.OUT
            topic = rng.choice(people[me].topics)
            out.append(_mail(when, key, who, rng.choice(REACHED_OUT).format(topic=topic), refs))
    out.sort(key=lambda p: (p.when, p.source, p.source_ref))
    return out


def _office(rng: random.Random, day: dt.datetime, now: dt.datetime) -> dt.datetime:
    """A moment in office hours (8:00 to 19:59) on ``day``'s date, or the day before if that
    would be after ``now``."""
    moment = day.replace(
        hour=rng.randint(8, 19), minute=rng.randint(0, 59), second=rng.randint(0, 59)
    )
    return moment if moment <= now else moment - dt.timedelta(days=1)


def _mail(when: dt.datetime, key: int, who: Initiative, title: str, refs: _Refs) -> EncounterPlan:
    return EncounterPlan(
        when, (key,), Channel.EMAIL, who, None, title, DEMO_SOURCE, refs.next(Channel.EMAIL, key)
    )
