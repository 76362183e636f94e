"""Reverse networking: what I am to others (``dunbar value``, MODEL.md §7).

A report about me, phrased as opportunities. Over the past ``window_days``:

- who seeks me out and whom I seek out: each tie's inbound share
  ``ι = (i + 1)/(i + o + 2)`` over episodes (merged by day, channel and
  direction), and my sought ratio ``Σ i / Σ (i + o)``;
- what people come to me for: the kinds of favours asked of me, and the topics
  of notes written after encounters they started — the value-proposition
  profile, with its entropy and evenness, and the demand breadth (how many
  people asked);
- the give and ask balance: favours given and received, introductions made.

It never scolds an imbalance (lopsided ties are common, Kovanen et al. 2010);
the "opportunities" turn what it finds into offers: someone who helped me and
needs something I offer, someone who keeps coming to me.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from dunbar.facade.base import LedgerBase
from dunbar.normalise import name_key
from dunbar.store import people as people_store
from dunbar.store.tables import (
    encounters,
    favours,
    introductions,
    notes,
    people,
    person_labels,
)

__all__ = ["TieBalance", "ValueMixin", "ValueReport"]


@dataclass(frozen=True)
class TieBalance:
    """One tie's initiative over the window."""

    person_id: int
    name: str
    inbound: int
    outbound: int
    share: float
    """ι: the smoothed share of contacts they started."""


@dataclass
class ValueReport:
    today: dt.date
    window_days: int
    sought_ratio: float | None
    inbound: int
    outbound: int
    seekers: list[TieBalance]
    """Who comes to me most (highest ι, at least two contacts they started)."""
    sought: list[TieBalance]
    """Whom I go to most (lowest ι, at least two contacts I started)."""
    profile: dict[str, float]
    """What people ask me for: tag → share."""
    requests: int
    entropy: float
    evenness: float | None
    demand_breadth: int
    given: dict[str, int]
    """Favours I gave, by status."""
    received: dict[str, int]
    """Favours I received, by status."""
    introductions: int
    introductions_met: int
    opportunities: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)


class ValueMixin(LedgerBase):
    """The value-proposition report."""

    def value(
        self,
        *,
        today: dt.date | str | None = None,
        window_days: int = 365,
        top: int = 5,
    ) -> ValueReport:
        """Who seeks me out and for what, and my give/ask balance (MODEL.md §7)."""
        import numpy as np

        from dunbar.errors import ValidationError
        from dunbar.store.tallies import episode_arrays
        from dunbar.strength.value import inbound_share, value_profile

        if isinstance(window_days, bool) or not isinstance(window_days, int) or window_days < 1:
            raise ValidationError("window_days must be a whole number of at least 1")
        if today is None:
            day = self.now().astimezone(dt.UTC).date()
        else:
            day = self._date(today, "today")
            self._not_future(day)
        start = day - dt.timedelta(days=window_days - 1)
        with self._read() as conn:
            me = people_store.me_id(conn)
            names = {pid: name for pid, name in conn.execute(select(people.c.id, people.c.name))}
            arrays = episode_arrays(conn)
            keep = (arrays["day"] >= start.toordinal()) & (arrays["day"] <= day.toordinal())
            person = arrays["person"][keep]
            key = np.unique(
                np.stack(
                    [
                        person,
                        arrays["day"][keep],
                        arrays["channel"][keep],
                        arrays["direction"][keep],
                    ]
                ),
                axis=1,
            )
            key = key.reshape(4, -1)
            ids = np.unique(key[0])
            index = np.searchsorted(ids, key[0])
            inbound = np.bincount(index, weights=key[3] == 2, minlength=len(ids)).astype(int)
            outbound = np.bincount(index, weights=key[3] == 1, minlength=len(ids)).astype(int)
            balances = [
                TieBalance(pid, names.get(pid, str(pid)), i, o, inbound_share(i, o))
                for pid, i, o in zip(ids.tolist(), inbound.tolist(), outbound.tolist(), strict=True)
                if i + o
            ]
            tags, askers = _requests(conn, me, start, day)
            given, received, helpers = _favour_balance(conn, me, start, day)
            intros, met = _introductions(conn, me, start, day)
            offers = _opportunities(conn, me, helpers, names)
        seekers = sorted(
            (b for b in balances if b.inbound >= 2), key=lambda b: (-b.share, -b.inbound, b.name)
        )[:top]
        sought = sorted(
            (b for b in balances if b.outbound >= 2), key=lambda b: (b.share, -b.outbound, b.name)
        )[:top]
        total_in, total_out = int(inbound.sum()), int(outbound.sum())
        profile = value_profile(tags)
        report = ValueReport(
            today=day,
            window_days=window_days,
            sought_ratio=total_in / (total_in + total_out) if total_in + total_out else None,
            inbound=total_in,
            outbound=total_out,
            seekers=seekers,
            sought=sought,
            profile=dict(profile.shares),
            requests=profile.total,
            entropy=profile.entropy,
            evenness=profile.evenness,
            demand_breadth=len(askers),
            given=given,
            received=received,
            introductions=intros,
            introductions_met=met,
            opportunities=offers,
        )
        report.summary = _summary(report, profile.explain())
        return report


def _requests(
    conn: Connection, me: int, start: dt.date, day: dt.date
) -> tuple[dict[str, int], set[int]]:
    """Tags of what people asked me for, and who asked."""
    tags: dict[str, int] = {}
    askers: set[int] = set()
    rows = conn.execute(
        select(favours.c.receiver_id, favours.c.kind).where(
            favours.c.giver_id == me, favours.c.on_date >= start, favours.c.on_date <= day
        )
    ).all()
    for receiver, kind in rows:
        if receiver == me:
            continue
        tags[kind] = tags.get(kind, 0) + 1
        askers.add(receiver)
    # Topics of notes written after encounters they started.
    rows = conn.execute(
        select(notes.c.person_id, notes.c.topics)
        .join(encounters, encounters.c.id == notes.c.encounter_id)
        .where(
            encounters.c.initiative == "in",
            notes.c.written_at >= dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC),
        )
    ).all()
    for pid, topics in rows:
        for topic in topics or []:
            tag = f"expertise:{topic}"
            tags[tag] = tags.get(tag, 0) + 1
        if topics and pid is not None and pid != me:
            askers.add(pid)
    return tags, askers


def _favour_balance(
    conn: Connection, me: int, start: dt.date, day: dt.date
) -> tuple[dict[str, int], dict[str, int], dict[int, list[str]]]:
    given: dict[str, int] = {}
    received: dict[str, int] = {}
    helpers: dict[int, list[str]] = {}
    rows = conn.execute(
        select(favours.c.giver_id, favours.c.receiver_id, favours.c.what, favours.c.status).where(
            (favours.c.giver_id == me) | (favours.c.receiver_id == me),
            favours.c.on_date >= start,
            favours.c.on_date <= day,
        )
    ).all()
    gave_to = {receiver for giver, receiver, _, status in rows if giver == me and status == "done"}
    for giver, receiver, what, status in rows:
        if giver == me and receiver != me:
            given[status] = given.get(status, 0) + 1
        elif receiver == me and giver != me:
            received[status] = received.get(status, 0) + 1
            if status == "done" and giver not in gave_to:
                helpers.setdefault(giver, []).append(what)
    return given, received, helpers


def _introductions(conn: Connection, me: int, start: dt.date, day: dt.date) -> tuple[int, int]:
    rows = conn.execute(
        select(introductions.c.outcome).where(
            introductions.c.broker_id == me,
            introductions.c.on_date >= start,
            introductions.c.on_date <= day,
        )
    ).all()
    return len(rows), sum(1 for (outcome,) in rows if outcome in ("met", "worked_together"))


def _labels(conn: Connection, kind: str) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    rows = conn.execute(
        select(person_labels.c.person_id, person_labels.c.value).where(person_labels.c.kind == kind)
    ).all()
    for pid, value in rows:
        out.setdefault(pid, []).append(value)
    return out


def _words(label: str) -> set[str]:
    return {w for w in name_key(label).split() if len(w) > 2}


def _opportunities(
    conn: Connection, me: int, helpers: dict[int, list[str]], names: dict[int, Any]
) -> list[str]:
    """Offers to make: what I offer that someone needs, first to those who helped me."""
    offers = _labels(conn, "offer").get(me, [])
    needs = _labels(conn, "need")
    out: list[str] = []
    for pid, helped in sorted(helpers.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        wanted = needs.get(pid, [])
        line = f"{names[pid]} helped you with {helped[0]}"
        if wanted:
            line += f"; they are looking for {', '.join(wanted[:2])}"
        matches = [o for o in offers if any(_words(o) & _words(n) for n in wanted)]
        if matches:
            line += f", and you offer {matches[0]}"
        out.append(line)
    if offers:
        matched = 0
        for pid, wanted in sorted(needs.items()):
            if pid == me or pid in helpers:
                continue
            hits = [o for o in offers if any(_words(o) & _words(n) for n in wanted)]
            if hits:
                out.append(f"{names[pid]} is looking for {wanted[0]}: you offer {hits[0]}")
                matched += 1
                if matched >= 5:
                    break
    return out[:10]


def _summary(report: ValueReport, profile_lines: list[str]) -> list[str]:
    lines: list[str] = []
    if report.sought_ratio is None:
        lines.append(
            f"no contact with a known initiative in the past {report.window_days} days yet"
        )
    else:
        lines.append(
            f"others started {report.sought_ratio:.0%} of the contacts whose initiative is "
            f"known ({report.inbound} of {report.inbound + report.outbound})"
        )
    if report.seekers:
        lines.append("who seeks you out most: " + ", ".join(s.name for s in report.seekers[:3]))
    lines.extend(profile_lines)
    if report.demand_breadth:
        lines.append(f"{report.demand_breadth} people came to you for something")
    gave = sum(report.given.values())
    got = sum(report.received.values())
    if gave or got:
        lines.append(f"favours: you gave {gave} and received {got}")
    if report.introductions:
        lines.append(
            f"you made {report.introductions} introductions; {report.introductions_met} led to "
            "a meeting or more"
        )
    return lines
