"""Episodes: what the strength engine counts, and the rule that merges them.

An :class:`Episode` is one contact with one person: when it happened, on which
channel, who reached out (``"out"``: I did; ``"in"``: they did; ``None``: unknown
or mutual) and, optionally, how many minutes it lasted and how many people were
there besides me (``group``; 1 means just the two of us). The ledger's
:class:`~dunbar.model.Encounter` maps onto it directly: ``group`` is the number of
participants.

The dedup rule (MODEL.md, conventions)
    Episodes are counted once per (calendar day, channel, direction): thirty
    messages on one day are one message episode. Days with contact predict tie
    strength better than raw counts (Urena-Carrion, Saramäki & Kivelä 2020).

Duration (MODEL.md §9)
    When episodes of one (day, channel, direction) are merged, their **minutes
    add up**, each divided by ``group**γ`` (time with ``g`` people present is shared
    among them; γ = ``group_exponent``, default 0.5 — Newman 2001 weights a
    paper with n authors 1/(n − 1) per pair, γ = 1; the square root is softer,
    as attention in a group is not split evenly, and measured better on
    Thiers13). ``group`` unknown counts as 1. The merged episode then
    counts ``u(m) = m / (m + κ)`` of a full episode, κ = ``duration_half_minutes``
    (default 0.25: a 15-second brush counts half, five minutes 95%). If any of the
    merged episodes has unknown minutes, the factor is exactly 1: an episode of
    unknown length counts in full, as in MODEL.md §1.2, and known minutes never
    lower it. See :func:`duration_factor`.

Time
    Ages are whole calendar days: ``age = now_day − episode_day``. The calendar
    day of a datetime is taken in the timezone of ``now`` when ``now`` is aware
    (aware datetimes are converted, naive ones are read as wall-clock time there);
    when ``now`` is naive or a date, aware datetimes are converted to UTC and naive
    ones are taken as they are. An episode later than ``now`` (compared as
    instants when both are datetimes, by day when either is a date) is an error.

References
----------
Urena-Carrion, Saramäki & Kivelä 2020, EPJ Data Science 9:13. Newman 2001, Phys.
Rev. E 64:016132. dunbar MODEL.md, conventions and §9.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from dunbar.errors import ValidationError
from dunbar.model import Channel, Initiative

__all__ = [
    "DayEpisode",
    "Direction",
    "Episode",
    "calendar_day",
    "day_episodes",
    "duration_factor",
]

Direction = Literal["out", "in"]

_DIRECTIONS: dict[object, Direction | None] = {
    "out": "out",
    "in": "in",
    None: None,
    Initiative.OUT: "out",
    Initiative.IN: "in",
    Initiative.MUTUAL: None,
    Initiative.UNKNOWN: None,
    "mutual": None,
    "unknown": None,
}


@dataclass(frozen=True)
class Episode:
    """One contact with one person.

    ``channel`` may be given as a :class:`~dunbar.model.Channel` or its value
    (``"in_person"``); ``direction`` as ``"out"``, ``"in"``, ``None`` or an
    :class:`~dunbar.model.Initiative` (mutual and unknown count as no direction).
    """

    when: dt.date | dt.datetime
    channel: Channel | str = Channel.IN_PERSON
    direction: Direction | Initiative | None = None
    minutes: float | None = None
    group: float | None = None


@dataclass(frozen=True)
class DayEpisode:
    """Episodes merged by the dedup rule: one (day, channel, direction).

    ``age`` is in whole days before ``now``; ``factor`` is the duration factor u
    (1 when the length is unknown); ``minutes`` the minutes summed over the day
    and ``shared_minutes`` the same, each divided by ``group**γ`` (both None if
    any length was unknown); ``count`` how many raw episodes were merged.
    """

    day: dt.date
    age: int
    channel: Channel
    direction: Direction | None
    factor: float
    minutes: float | None
    shared_minutes: float | None
    count: int


@dataclass
class _Slot:
    minutes: float | None
    shared: float | None
    count: int = 1

    def add(self, minutes: float | None, shared: float | None) -> None:
        self.minutes = None if self.minutes is None or minutes is None else self.minutes + minutes
        self.shared = None if self.shared is None or shared is None else self.shared + shared
        self.count += 1


def duration_factor(minutes: float | None, *, half_minutes: float = 0.25) -> float:
    """How much an episode of ``minutes`` counts: ``m / (m + κ)``, or 1 if unknown.

    A saturating (Michaelis–Menten) function: it grows with the time spent
    together, is below 1 for every known length and tends to 1, the weight of an
    episode whose length is unknown. So logging a duration never makes a contact
    count more than not logging it, and the MODEL.md §1.3 vectors (no minutes)
    are unchanged.

    Why this shape and κ = 0.25 min: on the Thiers13 protocol (MODEL.md §9,
    ``benchmarks/bench_thiers13_auc.py``) the signal in duration lies in telling
    fleeting contacts (tens of seconds) from real ones (minutes). Weights that
    keep growing for hours (capped logs, stretched exponentials up to 8× a
    plain episode) did no better there, and would make logging minutes inflate
    a score. The AUC stays at or above 0.85 for κ from 0.25 to 0.5 minutes with
    γ = 0.5 and merge gaps up to 120 s (``bench_thiers13_auc.py --sensitivity``).

    >>> duration_factor(None), round(duration_factor(0.25), 2), round(duration_factor(60), 4)
    (1.0, 0.5, 0.9959)
    """
    if minutes is None:
        return 1.0
    return minutes / (minutes + half_minutes) if minutes > 0 else 0.0


def _channel(value: Channel | str) -> Channel:
    if isinstance(value, Channel):
        return value
    try:
        return Channel(str(value).strip().lower().replace("-", "_").replace(" ", "_"))
    except ValueError:
        known = ", ".join(c.value for c in Channel)
        raise ValidationError(
            f"unknown channel {value!r} (known: {known})", field="channel"
        ) from None


def _direction(value: object) -> Direction | None:
    try:
        return _DIRECTIONS[value]
    except (KeyError, TypeError):
        raise ValidationError(
            f"direction must be 'out', 'in' or None, not {value!r}", field="direction"
        ) from None


def calendar_day(value: dt.date | dt.datetime, *, now: dt.date | dt.datetime) -> dt.date:
    """The calendar day of ``value`` as seen from ``now`` (rules in the module doc)."""
    if not isinstance(value, dt.datetime):
        if isinstance(value, dt.date):
            return value
        raise ValidationError(f"expected a date or datetime, not {value!r}", field="when")
    if value.tzinfo is None:
        return value.date()
    if isinstance(now, dt.datetime) and now.tzinfo is not None:
        return value.astimezone(now.tzinfo).date()
    return value.astimezone(dt.UTC).date()


def _now_day(now: dt.date | dt.datetime) -> dt.date:
    if isinstance(now, dt.datetime):
        return now.date()
    if isinstance(now, dt.date):
        return now
    raise ValidationError(f"now must be a date or datetime, not {now!r}", field="now")


def _is_future(value: dt.date | dt.datetime, now: dt.date | dt.datetime, day: dt.date) -> bool:
    if isinstance(value, dt.datetime) and isinstance(now, dt.datetime):
        if (value.tzinfo is None) == (now.tzinfo is None):
            return value > now
        if now.tzinfo is not None:  # naive value: wall-clock time in now's zone
            return value > now.replace(tzinfo=None)
        return value.astimezone(dt.UTC).replace(tzinfo=None) > now  # naive now: read as UTC
    return day > _now_day(now)


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"{what} must be a number, not {value!r}", field=what)
    number = float(value)
    if math.isnan(number):
        raise ValidationError(f"{what} must be a number, not NaN", field=what)
    return number


def day_episodes(
    episodes: Iterable[Episode],
    *,
    now: dt.date | dt.datetime,
    half_minutes: float = 0.25,
    group_exponent: float = 0.5,
) -> list[DayEpisode]:
    """Validate ``episodes`` and merge them by (calendar day, channel, direction).

    Returns the merged episodes, most recent first (ties by channel order, then
    direction). Raises :class:`~dunbar.errors.ValidationError` for an episode after
    ``now``, negative or infinite minutes, a group below 1, or an unknown channel
    or direction.
    """
    now_day = _now_day(now)
    merged: dict[tuple[dt.date, Channel, Direction | None], _Slot] = {}
    for index, ep in enumerate(episodes):
        where = f"episode {index + 1}"
        day = calendar_day(ep.when, now=now)
        if _is_future(ep.when, now, day):
            raise ValidationError(
                f"{where} is in the future ({ep.when.isoformat()} is after {now.isoformat()})",
                field="when",
            )
        channel = _channel(ep.channel)
        direction = _direction(ep.direction)
        group = 1.0
        if ep.group is not None:
            group = _number(ep.group, "group")
            if group < 1 or math.isinf(group):
                raise ValidationError(
                    f"{where}: group counts the people present besides me, at least 1, "
                    f"not {ep.group!r}",
                    field="group",
                )
        minutes: float | None = None
        shared: float | None = None
        if ep.minutes is not None:
            minutes = _number(ep.minutes, "minutes")
            if minutes < 0 or math.isinf(minutes):
                raise ValidationError(
                    f"{where}: minutes must be zero or more, not {ep.minutes!r}", field="minutes"
                )
            shared = minutes / group**group_exponent
        key = (day, channel, direction)
        slot = merged.get(key)
        if slot is None:
            merged[key] = _Slot(minutes, shared)
        else:
            slot.add(minutes, shared)
    order = {c: i for i, c in enumerate(Channel)}
    direction_order = {"out": 0, "in": 1, None: 2}
    out = [
        DayEpisode(
            day=day,
            age=(now_day - day).days,
            channel=channel,
            direction=direction,
            factor=duration_factor(slot.shared, half_minutes=half_minutes),
            minutes=slot.minutes,
            shared_minutes=slot.shared,
            count=slot.count,
        )
        for (day, channel, direction), slot in merged.items()
    ]
    out.sort(key=lambda e: (e.age, order[e.channel], direction_order[e.direction]))
    return out
