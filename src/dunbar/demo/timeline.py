"""Stretch two weeks of sensor time onto years of a life, ending just before ``now``.

The sensors ran on ten working days. Only working time counts: each recorded
day becomes one slice of equal length (the data's earliest to latest hour), so
the weekend leaves no hole. A moment's place ``p`` in that working time (0 at
the first record, 1 at the end of the last one that matters, usually my own)
is then placed ``years * (1 - p) ** warp`` years before yesterday:

- ``warp = 1`` spreads the records evenly;
- ``warp > 1`` gives the recent past more room and the distant past less, as a
  memory does, so the last weeks are busy and the early years sparse.

The hour of the day is kept from the data (read as UTC), so meetings still
happen in office hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

__all__ = ["DAY", "Timeline"]

DAY = 86_400


class Timeline:
    """Maps a sensor second ``t`` to an aware datetime years before ``now``."""

    def __init__(
        self,
        times: Iterable[int],
        *,
        end: int,
        now: dt.datetime,
        years: float = 6.0,
        warp: float = 1.5,
    ) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        if years <= 0 or warp <= 0:
            raise ValueError("years and warp must be positive")
        stamps = list(times)
        if not stamps:
            raise ValueError("a timeline needs at least one record")
        days = sorted({t // DAY for t in stamps})
        self._rank = {d: k for k, d in enumerate(days)}
        hours = [t % DAY for t in stamps]
        self._open = min(hours)
        self._width = max(hours) - self._open + 1
        self._end = self.working_time(end)
        self.now = now
        self.anchor = now.astimezone(dt.UTC).date() - dt.timedelta(days=1)
        self.days_span = years * 365.25
        self.warp = warp

    def working_time(self, t: int) -> int:
        """Seconds of recorded working time before ``t`` (nights and idle days removed)."""
        day = t // DAY
        rank = self._rank.get(day)
        if rank is None:  # a day without records: place it after the last day before it
            rank = max((r for d, r in self._rank.items() if d < day), default=-1) + 1
            return rank * self._width
        into = min(max(t % DAY - self._open, 0), self._width)
        return rank * self._width + into

    def position(self, t: int) -> float:
        """Where ``t`` lies in the stretched span: 0 at the start, 1 at ``end`` (or later)."""
        return min(1.0, self.working_time(t) / self._end) if self._end > 0 else 1.0

    def days_ago(self, t: int) -> int:
        """Whole days between ``t``'s new date and yesterday."""
        stretched: float = self.days_span * (1.0 - self.position(t)) ** self.warp
        return round(stretched)

    def at(self, t: int) -> dt.datetime:
        """The aware datetime (UTC) that sensor second ``t`` becomes; never after ``now``."""
        day = self.anchor - dt.timedelta(days=self.days_ago(t))
        seconds = t % DAY
        moment = dt.datetime.combine(
            day, dt.time(seconds // 3600, seconds % 3600 // 60, seconds % 60), tzinfo=dt.UTC
        )
        while moment > self.now:
            moment -= dt.timedelta(days=1)
        return moment

    def date(self, t: int) -> dt.date:
        return self.at(t).date()

    def clamp(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` or, if that is after ``now``, ``now`` itself."""
        return min(moment, self.now)
