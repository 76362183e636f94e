"""Reverse networking: who seeks me out, and what for (MODEL.md §7).

All counts are of episodes (merged by day, channel and direction, as everywhere
in :mod:`dunbar.strength`) in a 365-day window.

- **Per-tie inbound share** ``ι_j = (i_j + 1)/(i_j + o_j + 2)``: Laplace-smoothed,
  so one message does not make a tie look lopsided.
- **Sought ratio** ``Σ i / Σ (i + o)`` over all ties: how much of the initiative
  is theirs.
- **Demand breadth**: how many distinct people initiated a request.
- **Value-proposition profile**: the distribution of inbound request tags
  (advice, intro, expertise:X, support…), its Shannon entropy
  ``H = −Σ p ln p`` and evenness ``H / ln K`` over the K tags seen.

Imbalance is reported, never scolded: lopsided ties are common (Kovanen,
Saramäki & Kaski 2010), and the product frames them as offers ("think broadly
about what you can give", Casciaro, Gino & Kouchaki, HBR 2016).

References
----------
Casciaro, Gino & Kouchaki 2014, ASQ 59(4):705. Kovanen, Saramäki & Kaski 2010.
Wang et al., Network Science 2013 (reciprocity index). Shannon 1948.

Examples
--------
>>> inbound_share(8, 2)
0.75
>>> profile = value_profile({"advice": 6, "intro": 3, "support": 1})
>>> round(profile.entropy, 6), round(profile.evenness, 6)
(0.897946, 0.817345)
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from dunbar.errors import ValidationError
from dunbar.strength.episodes import Episode, day_episodes

__all__ = [
    "ValueProfile",
    "demand_breadth",
    "evenness",
    "inbound_share",
    "initiative_counts",
    "shannon_entropy",
    "sought_ratio",
    "value_profile",
]


def _count(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(f"{what} must be a whole number of at least 0, not {value!r}")
    return value


def inbound_share(inbound: int, outbound: int) -> float:
    """``ι = (i + 1)/(i + o + 2)``: the smoothed share of contacts they initiated."""
    i, o = _count(inbound, "inbound"), _count(outbound, "outbound")
    return (i + 1) / (i + o + 2)


def sought_ratio(counts: Iterable[tuple[int, int]]) -> float | None:
    """``Σ i / Σ (i + o)`` over ``(inbound, outbound)`` pairs; None with no directed episode."""
    total_in = total = 0
    for inbound, outbound in counts:
        i, o = _count(inbound, "inbound"), _count(outbound, "outbound")
        total_in += i
        total += i + o
    return total_in / total if total else None


def initiative_counts(
    episodes: Iterable[Episode], *, now: dt.date | dt.datetime, window_days: int = 365
) -> tuple[int, int]:
    """``(inbound, outbound)`` episodes of one tie in the ``window_days`` before ``now``."""
    if window_days <= 0:
        raise ValidationError(f"window_days must be positive, not {window_days!r}")
    merged = [e for e in day_episodes(episodes, now=now) if e.age < window_days]
    return (
        sum(e.direction == "in" for e in merged),
        sum(e.direction == "out" for e in merged),
    )


def demand_breadth(initiators: Iterable[Hashable]) -> int:
    """How many distinct people initiated a request-tagged episode."""
    return len(set(initiators))


def _shares(counts: Iterable[float]) -> list[float]:
    values = []
    for c in counts:
        if isinstance(c, bool) or not isinstance(c, int | float) or c < 0 or math.isnan(c):
            raise ValidationError(f"counts must be non-negative numbers, not {c!r}")
        if c > 0:
            values.append(float(c))
    total = sum(values)
    return [v / total for v in values]


def shannon_entropy(counts: Iterable[float]) -> float:
    """``H = −Σ p ln p`` in nats over the positive counts (0 for one category or none)."""
    return -sum(p * math.log(p) for p in _shares(counts))


def evenness(counts: Iterable[float]) -> float | None:
    """Pielou evenness ``H / ln K`` over the K positive counts; None when K < 2."""
    shares = _shares(counts)
    if len(shares) < 2:
        return None
    return -sum(p * math.log(p) for p in shares) / math.log(len(shares))


@dataclass(frozen=True)
class ValueProfile:
    """What people come to me for: tag shares, entropy and evenness."""

    total: int
    shares: Mapping[str, float]
    entropy: float
    evenness: float | None

    def explain(self) -> list[str]:
        if not self.total:
            return ["nobody has asked you for anything yet that was tagged"]
        top = ", ".join(f"{tag} ({share:.0%})" for tag, share in list(self.shares.items())[:3])
        lines = [f"people come to you most for {top}"]
        if self.evenness is not None:
            spread = "broad" if self.evenness >= 0.7 else "focused"
            lines.append(f"demand is {spread} (evenness {self.evenness:.2f})")
        return lines


def value_profile(tag_counts: Mapping[str, int]) -> ValueProfile:
    """The value-proposition profile from inbound request tag counts."""
    counts = {tag: _count(n, f"count of {tag!r}") for tag, n in tag_counts.items()}
    total = sum(counts.values())
    shares = {
        tag: n / total for tag, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n
    }
    return ValueProfile(
        total=total,
        shares=shares,
        entropy=shannon_entropy(counts.values()),
        evenness=evenness(counts.values()),
    )
