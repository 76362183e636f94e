"""Whom to reconnect with: the fading and dormant queues (MODEL.md §3).

Fading (maintenance)
    Ties in a layer with a cadence (L5–L150) whose ``overdue ≥ 1``, ranked by
    ``priority = S_peak12m × min(overdue, 3)``. ``S_peak12m`` is the largest S at
    monthly checkpoints over the past 12 months (:func:`peak_score`): today and
    the last day of each of the 11 months before. Bridging
    ties — no mutual contacts with my other alters — get their cadence × 0.5,
    because "nine in ten bridges this year are gone next year" (Burt 2002).

Dormant (revival)
    No episode for ``dormancy_days`` (1,095 by default, at least 365) and a strong
    history: peak S ≥ 0.4 or declared closeness q ≥ 5 (:func:`is_dormant`).
    ``score = Engagement × Novelty`` with ``Engagement = 0.6·K_hist + 0.4·B``
    (K_hist is K, or the peak S when q is missing) and ``Novelty = 0.5·(1 − J) +
    0.5·(1 − 2^(−years/3))``, J being the Jaccard overlap between the alter's known
    contacts and my current L150, years = days/365. The list is re-ranked with
    maximal marginal relevance over clusters (:func:`diversify`) to counter the
    comfort bias (Walter, Levin & Murnighan 2015).

References
----------
Levin, Walter & Murnighan 2011, Org. Sci. 22(4):923. Walter, Levin & Murnighan
2015, Org. Sci. Burt 2002, "Bridge decay", Soc. Netw. 24:333. Carbonell &
Goldstein 1998, SIGIR (MMR).

Examples
--------
MODEL.md §3: T3 with J = 0 and 1,115 days dormant.

>>> d = dormant_score(closeness=5, balance=1.0, jaccard=0.0, days_dormant=1115)
>>> round(d.engagement, 4), round(d.novelty, 4), round(d.score, 4)
(0.8, 0.7531, 0.6025)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from dunbar.errors import ValidationError
from dunbar.strength.circles import Placement, cadence_for
from dunbar.strength.episodes import Episode, calendar_day
from dunbar.strength.params import StrengthParams
from dunbar.strength.score import TieStrength, closeness_part, score_tie

__all__ = [
    "DormantScore",
    "FadingItem",
    "diversify",
    "dormant_score",
    "fading",
    "is_dormant",
    "month_end",
    "monthly_checkpoints",
    "peak_score",
]

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


def month_end(year: int, month: int) -> dt.date:
    """The last day of a month (``month`` may run past 12 or below 1)."""
    y, m = divmod(year * 12 + month - 1, 12)
    return dt.date(y + (m + 1) // 12, (m + 1) % 12 + 1, 1) - dt.timedelta(days=1)


def monthly_checkpoints(now: dt.date | dt.datetime, *, months: int = 12) -> list[dt.date]:
    """``now``'s day, then the last day of each of the ``months − 1`` months before.

    Month ends rather than "the same day a month earlier": a checkpoint in the
    past never moves as days pass, so a score there can be computed once and
    kept (:class:`~dunbar.strength.batch.Tally` stores them).
    """
    day = now.date() if isinstance(now, dt.datetime) else now
    return [day] + [month_end(day.year, day.month - back) for back in range(1, months)]


def peak_score(
    episodes: Iterable[Episode],
    *,
    now: dt.date | dt.datetime,
    first_known: dt.date | dt.datetime | None = None,
    closeness: int | None = None,
    months: int = 12,
    params: StrengthParams | None = None,
) -> float | None:
    """S_peak12m: the largest S at monthly checkpoints over the past ``months``.

    At each checkpoint only the episodes up to it count. ``None`` when no
    checkpoint has a score.
    """
    items = list(episodes)
    best: float | None = None
    for index, checkpoint in enumerate(monthly_checkpoints(now, months=months)):
        at: dt.date | dt.datetime = now
        seen = items
        if index:
            # The end of the checkpoint's day, in now's frame, so days agree with now's.
            at = checkpoint
            if isinstance(now, dt.datetime):
                at = dt.datetime.combine(checkpoint, dt.time.max, tzinfo=now.tzinfo)
            seen = [e for e in items if calendar_day(e.when, now=now) <= checkpoint]
        known = first_known
        if known is not None and calendar_day(known, now=now) > checkpoint:
            known = None
        s = score_tie(seen, now=at, first_known=known, closeness=closeness, params=params).score
        if s is not None and (best is None or s > best):
            best = s
    return best


@dataclass(frozen=True)
class FadingItem:
    """A tie due for maintenance: ``priority = peak × min(overdue, cap)``."""

    key: Hashable
    layer: int
    cadence_days: float
    days_since_contact: int
    overdue: float
    peak: float
    priority: float
    bridging: bool = False

    def explain(self) -> str:
        why = " (a bridge: cadence halved)" if self.bridging else ""
        return (
            f"last real contact {self.days_since_contact} days ago; the L{self.layer} cadence is "
            f"every {self.cadence_days:g} days{why}, so {self.overdue:.1f}× overdue"
        )


def fading(
    placements: Mapping[K, Placement],
    *,
    peaks: Mapping[K, float] | None = None,
    bridging: Collection[K] = (),
    params: StrengthParams | None = None,
) -> list[FadingItem]:
    """The fading queue, highest priority first.

    ``placements`` come from :func:`~dunbar.strength.circles.assign_circles`;
    ``peaks`` maps keys to S_peak12m (the current score stands in for a key
    without one); ``bridging`` lists the bridging ties.
    """
    params = params or StrengthParams()
    peaks = peaks or {}
    bridges = set(bridging)
    out: list[FadingItem] = []
    for key, place in placements.items():
        is_bridge = key in bridges
        cadence = cadence_for(place.layer, kin=place.kin, bridging=is_bridge, params=params)
        since = place.days_since_contact
        if cadence is None or since is None or place.layer is None:
            continue
        overdue = since / cadence
        if overdue < 1:
            continue
        peak = peaks.get(key, place.score or 0.0)
        out.append(
            FadingItem(
                key=key,
                layer=place.layer,
                cadence_days=cadence,
                days_since_contact=since,
                overdue=overdue,
                peak=peak,
                priority=peak * min(overdue, params.overdue_cap),
                bridging=is_bridge,
            )
        )
    out.sort(key=lambda item: -item.priority)
    return out


def is_dormant(
    tie: TieStrength, *, peak: float | None = None, params: StrengthParams | None = None
) -> bool:
    """No episode for ``dormancy_days`` and a strong history (peak S or closeness)."""
    params = params or StrengthParams()
    days = tie.last_episode_days
    if days is None or days < params.dormancy_days:
        return False
    strong_peak = peak is not None and peak >= params.dormant_min_peak
    close = tie.closeness is not None and tie.closeness >= params.dormant_min_closeness
    return strong_peak or close


@dataclass(frozen=True)
class DormantScore:
    """Engagement × Novelty, with the inputs that produced them."""

    score: float
    engagement: float
    novelty: float
    k_hist: float
    balance: float
    jaccard: float
    years: float

    def explain(self) -> str:
        return (
            f"out of touch for {self.years:.1f} years; engagement {self.engagement:.2f} "
            f"(history {self.k_hist:.2f}, balance {self.balance:.2f}), novelty "
            f"{self.novelty:.2f} ({(1 - self.jaccard) * 100:.0f}% of their contacts are new to you)"
        )


def _unit(value: float, what: str) -> float:
    if not 0 <= value <= 1:
        raise ValidationError(f"{what} must lie in [0, 1], not {value!r}", field=what)
    return float(value)


def dormant_score(
    *,
    days_dormant: float,
    closeness: int | None = None,
    peak: float | None = None,
    balance: float | None = None,
    jaccard: float = 0.0,
) -> DormantScore:
    """The dormant-tie score of MODEL.md §3.

    ``balance`` is B of the tie; ``None`` (no directed episodes) reads as 1,
    what B's Laplace prior gives for i = o = 0. One of ``closeness`` and ``peak``
    is needed.
    """
    k_hist = closeness_part(closeness)
    if k_hist is None:
        if peak is None:
            raise ValidationError("a dormant score needs a closeness or a peak score")
        k_hist = _unit(peak, "peak")
    b = 1.0 if balance is None else _unit(balance, "balance")
    j = _unit(jaccard, "jaccard")
    if days_dormant < 0:
        raise ValidationError(f"days_dormant must not be negative, not {days_dormant!r}")
    years = days_dormant / 365
    engagement = 0.6 * k_hist + 0.4 * b
    novelty = 0.5 * (1 - j) + 0.5 * (1 - 2.0 ** (-years / 3))
    return DormantScore(engagement * novelty, engagement, novelty, k_hist, b, j, years)


def diversify(
    items: Sequence[T],
    *,
    score: Callable[[T], float],
    cluster: Callable[[T], Hashable | None],
    trade_off: float = 0.7,
) -> list[T]:
    """Re-rank ``items`` by maximal marginal relevance over clusters.

    Each step takes the item maximising ``λ·score − (1 − λ)·sim``, where sim is
    1 if an already chosen item shares its cluster (``None`` shares with
    nothing) and 0 otherwise; λ = ``trade_off``. λ = 1 keeps the score order.
    """
    if not 0 <= trade_off <= 1:
        raise ValidationError(f"trade_off must lie in [0, 1], not {trade_off!r}")
    left = list(items)
    seen: set[Hashable] = set()
    out: list[T] = []
    while left:
        best = max(
            range(len(left)),
            key=lambda i: (
                trade_off * score(left[i])
                - (1 - trade_off) * (cluster(left[i]) in seen and cluster(left[i]) is not None),
                -i,
            ),
        )
        item = left.pop(best)
        label = cluster(item)
        if label is not None:
            seen.add(label)
        out.append(item)
    return out
