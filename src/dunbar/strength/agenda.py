"""The agenda: whom to reach out to today, and why (a pure engine).

Five sections, each ranked and each item explained in one sentence:

``follow_up``
    Open follow-ups that are due (say two days after meeting someone new at a
    gathering), oldest first. One is cleared by any contact with the person
    after it was written down, or by ``dunbar done``.
``favour``
    What I promised and have not done yet, and who helped me recently and has
    had nothing back from me. Framed as offers, never as debts (MODEL.md §7:
    Kovanen et al. 2010 find lopsided ties common; HBR 2016: "think broadly
    about what you can give"): the sentence names what they need when the
    ledger knows it.
``fading``
    Ties overdue for their circle's cadence (MODEL.md §3 priority
    ``S_peak12m × min(overdue, 3)``), from :func:`~dunbar.strength.reconnect.fading`.
``dormant``
    Ties out of touch for ``dormancy_days`` with a strong history
    (``Engagement × Novelty``), re-ranked for diversity so that the list is not
    all one organisation (:func:`~dunbar.strength.reconnect.diversify`).
``occasion``
    Birthdays within ``horizon_days``, and for people in my circles the
    anniversary of when we met.

Marks (``dunbar done``, ``dunbar snooze``) hide a person's items of one kind,
or of every kind, until a day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from dunbar.strength.reconnect import DormantScore, FadingItem

__all__ = [
    "KINDS",
    "SECTION_TITLES",
    "Agenda",
    "AgendaItem",
    "Contact",
    "FavourFact",
    "FollowUpFact",
    "Mark",
    "apply_marks",
    "dormant_items",
    "fading_items",
    "favour_items",
    "follow_up_items",
    "next_occurrence",
    "occasion_items",
]

#: The sections, in the order the agenda shows them.
KINDS = ("follow_up", "favour", "fading", "dormant", "occasion")
# How the CLI and the web app head each section.
SECTION_TITLES = {
    "follow_up": "Follow-ups due",
    "favour": "Favours",
    "fading": "Fading: overdue for their circle",
    "dormant": "Dormant ties worth reviving",
    "occasion": "Occasions",
}


@dataclass(frozen=True)
class Contact:
    """What the agenda needs to know of a person."""

    id: int
    name: str
    organisation: str | None = None
    kin: bool = False
    closeness: int | None = None
    birthday: str | None = None
    first_known: dt.date | None = None
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgendaItem:
    """One thing to do today, and why."""

    kind: str
    person_id: int
    name: str
    reason: str
    priority: float
    due: dt.date
    suggestion: str
    details: tuple[str, ...] = ()
    ref: int | None = None
    """The follow-up or favour this item is about."""

    @property
    def key(self) -> str:
        """A stable id (the same item on another day has the same key)."""
        tail = self.ref if self.ref is not None else self.due.isoformat()
        if self.kind in ("fading", "dormant"):
            tail = "tie"
        return f"{self.kind}-{self.person_id}-{tail}"


@dataclass
class Agenda:
    """The day's agenda: ranked items per section, and how many there were."""

    today: dt.date
    sections: dict[str, list[AgendaItem]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    hidden: int = 0
    """Items hidden by done or snooze marks."""
    notes: list[str] = field(default_factory=list)
    """Sentences about the agenda itself (an empty ledger, say)."""

    @property
    def items(self) -> list[AgendaItem]:
        return [item for kind in KINDS for item in self.sections.get(kind, [])]


@dataclass(frozen=True)
class Mark:
    """``done`` or ``snooze`` on a person's items of one kind (or ``all``) until a day."""

    person_id: int
    kind: str
    action: str
    until: dt.date


@dataclass(frozen=True)
class FollowUpFact:
    id: int
    person_id: int
    due: dt.date
    reason: str
    written: dt.date
    gathering: str | None = None


@dataclass(frozen=True)
class FavourFact:
    """A favour between me and someone (``mine``: I am the giver)."""

    id: int
    person_id: int
    what: str
    kind: str
    on: dt.date
    status: str
    mine: bool


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def follow_up_items(
    follow_ups: Iterable[FollowUpFact],
    contacts: Mapping[int, Contact],
    *,
    today: dt.date,
    last_contact: Mapping[int, dt.date],
    horizon_days: int = 0,
) -> list[AgendaItem]:
    """Open follow-ups due by ``today + horizon_days`` that no later contact cleared."""
    out: list[AgendaItem] = []
    for f in follow_ups:
        person = contacts.get(f.person_id)
        if person is None or f.due > today + dt.timedelta(days=horizon_days):
            continue
        seen = last_contact.get(f.person_id)
        if seen is not None and seen >= f.written:
            continue  # in touch since it was written down
        late = (today - f.due).days
        when = "due today" if late == 0 else (f"{_days(late)} overdue" if late > 0 else "")
        if late < 0:
            when = f"due in {_days(-late)}"
        where = f" (after {f.gathering})" if f.gathering else ""
        out.append(
            AgendaItem(
                kind="follow_up",
                person_id=f.person_id,
                name=person.name,
                reason=f"follow up with {person.name}{where}: {f.reason}; {when}",
                priority=float(late),
                due=f.due,
                suggestion=f"send {person.name} a note while it is fresh",
                ref=f.id,
            )
        )
    out.sort(key=lambda i: (-i.priority, i.name, i.ref or 0))
    return out


def _need(person: Contact) -> str:
    if not person.needs:
        return ""
    return f"; they are looking for {', '.join(person.needs[:2])}"


def favour_items(
    favours: Iterable[FavourFact],
    contacts: Mapping[int, Contact],
    *,
    today: dt.date,
    window_days: int = 180,
) -> list[AgendaItem]:
    """Favours I promised and not done; recent help to me not yet returned in kind."""
    facts = list(favours)
    gave_since: dict[int, dt.date] = {}
    for f in facts:
        if f.mine and f.status == "done":
            gave_since[f.person_id] = max(f.on, gave_since.get(f.person_id, f.on))
    out: list[AgendaItem] = []
    received: dict[int, list[FavourFact]] = {}
    for f in facts:
        person = contacts.get(f.person_id)
        if person is None:
            continue
        if f.mine and f.status in ("asked", "promised"):
            days = (today - f.on).days
            verb = "offered" if f.status == "promised" else "were asked"
            out.append(
                AgendaItem(
                    kind="favour",
                    person_id=f.person_id,
                    name=person.name,
                    reason=(
                        f"you {verb} to help {person.name} with {f.what} ({f.kind}), "
                        f"{_days(days)} ago"
                    ),
                    priority=2.0 + days / 30,
                    due=f.on,
                    suggestion=f"a good moment to deliver {f.what}",
                    ref=f.id,
                )
            )
        elif not f.mine and f.status == "done" and (today - f.on).days <= window_days:
            if gave_since.get(f.person_id, dt.date.min) >= f.on:
                continue
            received.setdefault(f.person_id, []).append(f)
    for pid, helped in received.items():
        person = contacts[pid]
        latest = max(helped, key=lambda f: f.on)
        days = (today - latest.on).days
        more = f" (and {len(helped) - 1} more)" if len(helped) > 1 else ""
        out.append(
            AgendaItem(
                kind="favour",
                person_id=pid,
                name=person.name,
                reason=(
                    f"{person.name} helped you with {latest.what}{more}, {_days(days)} ago"
                    + _need(person)
                ),
                priority=1.0 + len(helped) - days / window_days,
                due=latest.on,
                suggestion=f"think of something you could offer {person.name}",
                ref=latest.id,
            )
        )
    out.sort(key=lambda i: (-i.priority, i.name, i.ref or 0))
    return out


def fading_items(
    fading: Sequence[FadingItem],
    contacts: Mapping[int, Contact],
    *,
    today: dt.date,
    details: Mapping[int, Sequence[str]] | None = None,
) -> list[AgendaItem]:
    """The fading queue as agenda items (already ranked by priority)."""
    out: list[AgendaItem] = []
    for f in fading:
        pid = int(f.key)  # type: ignore[call-overload]
        person = contacts.get(pid)
        if person is None:
            continue
        out.append(
            AgendaItem(
                kind="fading",
                person_id=pid,
                name=person.name,
                reason=f"{person.name}: {f.explain()}",
                priority=f.priority,
                due=today - dt.timedelta(days=int(f.days_since_contact - f.cadence_days)),
                suggestion=f"reach out to {person.name}",
                details=tuple((details or {}).get(pid, ())),
            )
        )
    return out


def dormant_items(
    dormant: Sequence[tuple[int, DormantScore]],
    contacts: Mapping[int, Contact],
    *,
    today: dt.date,
    details: Mapping[int, Sequence[str]] | None = None,
) -> list[AgendaItem]:
    """Dormant ties worth reviving, in the order given (already diversified)."""
    out: list[AgendaItem] = []
    for pid, d in dormant:
        person = contacts.get(pid)
        if person is None:
            continue
        org = f" ({person.organisation})" if person.organisation else ""
        out.append(
            AgendaItem(
                kind="dormant",
                person_id=pid,
                name=person.name,
                reason=f"{person.name}{org}: {d.explain()}",
                priority=d.score,
                due=today,
                suggestion=(
                    f"reconnect with {person.name}: old ties bring new ideas "
                    "(Levin, Walter & Murnighan 2011)"
                ),
                details=tuple((details or {}).get(pid, ())),
            )
        )
    return out


def next_occurrence(month: int, day: int, *, today: dt.date) -> dt.date:
    """The next ``month``-``day`` on or after ``today`` (29 February: 28th in other years)."""
    for year in (today.year, today.year + 1):
        try:
            when = dt.date(year, month, day)
        except ValueError:  # 29 February in a common year
            when = dt.date(year, month, 28)
        if when >= today:
            return when
    raise AssertionError("unreachable")


def occasion_items(
    contacts: Mapping[int, Contact],
    *,
    today: dt.date,
    circle_of: Mapping[int, int | None],
    horizon_days: int = 14,
) -> list[AgendaItem]:
    """Birthdays within the horizon, and anniversaries of meeting for people in circles."""
    out: list[AgendaItem] = []
    end = today + dt.timedelta(days=horizon_days)
    for pid, person in contacts.items():
        if person.birthday:
            _, month, day = person.birthday.rsplit("-", 2)
            when = next_occurrence(int(month), int(day), today=today)
            if when <= end:
                year = person.birthday[:4]
                age = ""
                if year.isdigit():
                    age = f" ({when.year - int(year)})"
                days = (when - today).days
                soon = "today" if days == 0 else f"in {_days(days)}, {when:%A %d %B}"
                out.append(
                    AgendaItem(
                        kind="occasion",
                        person_id=pid,
                        name=person.name,
                        reason=f"{person.name}'s birthday{age} is {soon}",
                        priority=float(horizon_days - days) + 1,
                        due=when,
                        suggestion=f"wish {person.name} a happy birthday",
                    )
                )
        layer = circle_of.get(pid)
        if person.first_known and layer is not None and layer <= 150:
            known = person.first_known
            when = next_occurrence(known.month, known.day, today=today)
            years = when.year - known.year
            if when <= end and years >= 1:
                days = (when - today).days
                soon = "today" if days == 0 else f"in {_days(days)}"
                out.append(
                    AgendaItem(
                        kind="occasion",
                        person_id=pid,
                        name=person.name,
                        reason=f"{years} year{'s' if years != 1 else ''} since you met "
                        f"{person.name}, {soon}",
                        priority=float(horizon_days - days) + 0.5,
                        due=when,
                        suggestion=f"a reason to get in touch with {person.name}",
                    )
                )
    out.sort(key=lambda i: (i.due, -i.priority, i.name))
    return out


def apply_marks(
    items: Sequence[AgendaItem], marks: Iterable[Mark], *, today: dt.date
) -> tuple[list[AgendaItem], int]:
    """Items no live mark hides, and how many were hidden."""
    live: dict[int, dict[str, dt.date]] = {}
    for m in marks:
        if m.until >= today:
            kinds = live.setdefault(m.person_id, {})
            kinds[m.kind] = max(m.until, kinds.get(m.kind, m.until))
    kept: list[AgendaItem] = []
    hidden = 0
    for item in items:
        kinds = live.get(item.person_id, {})
        if item.kind in kinds or "all" in kinds:
            hidden += 1
        else:
            kept.append(item)
    return kept, hidden
