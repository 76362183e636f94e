"""Network diversity: how many kinds of people, and how evenly (MODEL.md §6).

Proportions ``p_c = w_c / Σ w`` are taken over categories (organisations,
industries, tags, work vs. beyond work) of the alters, counted (each person 1) or
weighted by tie strength S. With K categories of positive weight:

=================  ===========================================  ============
Blau (Gini–Simpson) ``1 − Σ p²``                                 Blau 1977
IQV                 ``Blau / (1 − 1/K)``                         Agresti 1978
Shannon             ``H = −Σ p ln p`` (nats)                     Shannon 1948
evenness            ``H / ln K`` (Pielou's J)                    Pielou 1966
effective number    ``exp(H)`` (Hill number of order 1)          Hill 1973
inverse Simpson     ``1 / Σ p²`` (Hill number of order 2)        Hill 1973
D_social            ``−Σ p_j ln p_j / ln k`` over contact        Eagle, Macy &
                    volumes (the evenness of one's attention)    Claxton 2010
=================  ===========================================  ============

Blau is the chance that two alters drawn at random (with replacement) are in
different categories; IQV rescales it so that K equal categories give 1. The two
effective numbers are "as diverse as that many equal categories"; always
``1 ≤ 1/Σp² ≤ exp(H) ≤ K``.

Edge cases (the policy of every function here)
    * Negative, infinite or NaN weights raise
      :class:`~dunbar.errors.ValidationError`.
    * Zero weights are dropped: a category nobody is in does not count in K.
    * Nothing to measure (no input, or every weight zero): every measure is
      NaN — "how diverse is nobody?" has no answer, and 0 would read as "not
      diverse".
    * K = 1: Blau 0, H 0, both effective numbers 1; IQV and evenness divide by
      zero (``1 − 1/K = ln K = 0``) and are NaN, as is D_social with one contact.

The scalar functions return NaN where a measure is undefined (as networkx's
``constraint`` does for an isolated node); the :class:`DiversityReport` of
:func:`diversity` turns it into ``None``, so that a CLI or JSON never shows NaN.
Evenness is only reported from ``min_n_for_evenness`` people (10; MODEL.md §6
[D]): with a handful of people it swings from 0 to 1 on one person.

References
----------
Blau 1977, *Inequality and Heterogeneity*. Agresti & Agresti 1978, Sociological
Methodology 9:204 (IQV). Pielou 1966, J. Theor. Biol. 13:131. Hill 1973, Ecology
54(2):427. Eagle, Macy & Claxton 2010, Science 328:1029 (D_social; the formula
is [U] in MODEL.md). dunbar MODEL.md §6.

Examples
--------
MODEL.md §6: counts [4, 3, 2, 1].

>>> round(blau([4, 3, 2, 1]), 4), round(iqv([4, 3, 2, 1]), 4)
(0.7, 0.9333)
>>> round(shannon([4, 3, 2, 1]), 4), round(evenness([4, 3, 2, 1]), 4)
(1.2799, 0.9232)
>>> round(effective_number([4, 3, 2, 1]), 4), round(inverse_simpson([4, 3, 2, 1]), 4)
(3.5961, 3.3333)
>>> round(d_social([50, 30, 10, 5, 5]), 4)
0.769
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from dunbar.errors import ValidationError

__all__ = [
    "DiversityReport",
    "beyond_work_share",
    "blau",
    "d_social",
    "diversity",
    "effective_number",
    "evenness",
    "inverse_simpson",
    "iqv",
    "shannon",
]

K = TypeVar("K", bound=Hashable)
C = TypeVar("C", bound=Hashable)

NAN = float("nan")

Counts = Mapping[Any, float] | Iterable[float]


def _weight(value: float, what: str) -> float:
    try:
        w = float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{what} must be a number, not {value!r}", field=what) from None
    if not math.isfinite(w) or w < 0:
        raise ValidationError(f"{what} must be finite and ≥ 0, not {value!r}", field=what)
    return w


def _proportions(counts: Counts) -> list[float]:
    """Positive shares of ``counts`` (a mapping or a sequence), validated."""
    values = counts.values() if isinstance(counts, Mapping) else counts
    weights = [_weight(v, "count") for v in values]
    positive = [w for w in weights if w > 0]
    total = math.fsum(positive)
    return [w / total for w in positive]


def _sum_squares(p: Sequence[float]) -> float:
    return math.fsum(x * x for x in p)


def _entropy(p: Sequence[float]) -> float:
    # max(0, ·): the sum is −0.0 for one category and never negative in exact arithmetic.
    return max(0.0, -math.fsum(x * math.log(x) for x in p))


def blau(counts: Counts) -> float:
    """Blau's index (Gini–Simpson) ``1 − Σ p²``; NaN with nothing to measure."""
    p = _proportions(counts)
    return 1.0 - _sum_squares(p) if p else NAN


def iqv(counts: Counts) -> float:
    """Index of qualitative variation ``Blau / (1 − 1/K)``; NaN if K < 2."""
    p = _proportions(counts)
    if len(p) < 2:
        return NAN
    return (1.0 - _sum_squares(p)) / (1.0 - 1.0 / len(p))


def shannon(counts: Counts) -> float:
    """Shannon entropy ``H = −Σ p ln p`` in nats; NaN with nothing to measure."""
    p = _proportions(counts)
    return _entropy(p) if p else NAN


def evenness(counts: Counts) -> float:
    """Pielou's evenness ``H / ln K`` ∈ [0, 1]; NaN if K < 2."""
    p = _proportions(counts)
    if len(p) < 2:
        return NAN
    return _entropy(p) / math.log(len(p))


def effective_number(counts: Counts) -> float:
    """``exp(H)``: the number of equal categories with the same entropy (Hill, order 1)."""
    p = _proportions(counts)
    return math.exp(_entropy(p)) if p else NAN


def inverse_simpson(counts: Counts) -> float:
    """``1 / Σ p²``: the number of equal categories with the same Blau (Hill, order 2)."""
    p = _proportions(counts)
    return 1.0 / _sum_squares(p) if p else NAN


def d_social(volumes: Counts) -> float:
    """Eagle, Macy & Claxton's social diversity ``−Σ p_j ln p_j / ln k``.

    ``volumes`` are one person's communication volumes (messages, calls, minutes)
    per contact, ``p_j`` contact j's share and ``k`` the number of contacts with
    a positive volume. It is the evenness of attention over contacts: 1 when every
    contact gets the same, towards 0 when one gets nearly all. NaN with fewer than
    two contacts.
    """
    return evenness(volumes)


def _singular(plural: str) -> str:
    if plural.endswith("ies"):
        return plural[:-3] + "y"
    return plural[:-1] if plural.endswith("s") else plural


def _none(value: float) -> float | None:
    return None if math.isnan(value) else value


@dataclass(frozen=True)
class DiversityReport:
    """Every §6 measure of one set of people, with what it was computed on.

    ``n`` counts the people with a known category and a positive weight (the
    ones in the proportions), ``unknown`` those without a category, ``k`` the
    categories. ``counts`` maps each category to its total weight (people, or S
    when weighted), biggest first. Undefined measures are ``None``; so is
    ``evenness`` below ``min_n_for_evenness`` people (``evenness_hidden``).
    """

    n: int
    unknown: int
    k: int
    counts: Mapping[Hashable, float]
    weighted: bool
    blau: float | None
    iqv: float | None
    shannon: float | None
    evenness: float | None
    effective_number: float | None
    inverse_simpson: float | None
    evenness_hidden: bool = False
    label: str = "categories"

    @property
    def top(self) -> tuple[Hashable, float] | None:
        """The biggest category and its share, or None with no category."""
        if not self.counts:
            return None
        category, weight = next(iter(self.counts.items()))
        return category, weight / math.fsum(self.counts.values())

    def explain(self) -> list[str]:
        """Plain sentences, e.g. "your 150 ties span 12 organisations; the biggest …"."""
        people = "tie" if self.n == 1 else "ties"
        if self.k == 0:
            lines = [f"no {self.label} known for any of your {self.unknown} ties"]
            return lines if self.unknown else [f"no ties to measure {self.label} over"]
        top = self.top
        assert top is not None
        category, share = top
        of = " of the tie strength" if self.weighted else ""
        if self.k == 1:
            lines = [f"all your {self.n} {people} are in one of the {self.label}: {category}"]
        else:
            lines = [
                f"your {self.n} {people} span {self.k} {self.label}; the biggest, {category}, "
                f"holds {share * 100:.0f} %{of}"
            ]
        if self.k >= 2 and self.blau is not None and self.inverse_simpson is not None:
            assert self.effective_number is not None
            lines.append(
                f"two of them picked at random are in different {self.label} "
                f"{self.blau * 100:.0f} % of the time (Blau {self.blau:.2f}); as diverse as "
                f"{self.effective_number:.1f} equally sized {self.label} (exp H), "
                f"{self.inverse_simpson:.1f} by Simpson"
            )
        if self.evenness is not None:
            lines.append(f"evenness {self.evenness:.2f} (1 = spread equally over the {self.label})")
        elif self.evenness_hidden:
            lines.append("evenness is not shown below 10 people: too few to say")
        if self.unknown:
            lines.append(f"{self.unknown} more have no {_singular(self.label)} recorded, left out")
        return lines


def diversity(
    categories: Mapping[K, C | None] | Iterable[C | None],
    weights: Mapping[K, float] | Sequence[float] | None = None,
    *,
    min_n_for_evenness: int = 10,
    label: str = "categories",
) -> DiversityReport:
    """All §6 measures of the categories of a set of people.

    Parameters
    ----------
    categories : mapping of person to category, or an iterable of categories
        ``None`` means unknown: the person is counted in ``unknown`` and left out
        of the proportions.
    weights : mapping of person to weight, or a sequence parallel to
        ``categories``, optional
        Tie strengths S for the S-weighted proportions; every person weighs 1
        without it. A person missing from a weights mapping weighs 0.
    min_n_for_evenness : int
        Evenness is ``None`` below this many people (MODEL.md §6 [D]).
    label : str
        What the categories are, plural, for :meth:`DiversityReport.explain`.

    Raises
    ------
    ValidationError
        On a negative, infinite or NaN weight, or a weights sequence of another
        length.
    """
    if isinstance(categories, Mapping):
        items: list[tuple[Any, C | None]] = list(categories.items())
    else:
        items = list(enumerate(categories))
    if weights is None:
        ws = [1.0] * len(items)
    elif isinstance(weights, Mapping):
        ws = [_weight(weights.get(key, 0.0), "weight") for key, _ in items]
    else:
        ws = [_weight(w, "weight") for w in weights]
        if len(ws) != len(items):
            raise ValidationError(f"{len(ws)} weights for {len(items)} people", field="weights")
    totals: dict[Hashable, float] = {}
    n = unknown = 0
    for (_, category), w in zip(items, ws, strict=True):
        if category is None:
            unknown += 1
            continue
        if w <= 0:
            continue
        n += 1
        totals[category] = totals.get(category, 0.0) + w
    ordered = dict(sorted(totals.items(), key=lambda kv: (-kv[1], str(kv[0]))))
    hidden = n < min_n_for_evenness
    return DiversityReport(
        n=n,
        unknown=unknown,
        k=len(ordered),
        counts=ordered,
        weighted=weights is not None,
        blau=_none(blau(ordered)),
        iqv=_none(iqv(ordered)),
        shannon=_none(shannon(ordered)),
        evenness=None if hidden else _none(evenness(ordered)),
        effective_number=_none(effective_number(ordered)),
        inverse_simpson=_none(inverse_simpson(ordered)),
        evenness_hidden=hidden and len(ordered) >= 2,
        label=label,
    )


def beyond_work_share(
    strengths: Mapping[K, float], is_work: Mapping[K, bool | None] | Collection[K]
) -> float:
    """``Σ_{non-work} S / Σ S``: the share of tie strength outside work (MODEL.md §6).

    ``is_work`` is either a mapping (``True`` work, ``False`` beyond work,
    ``None`` unknown) or the collection of the work contacts (everyone else is
    beyond work). Unknown contacts, and with a mapping those missing from it,
    are left out of both sums. NaN when no strength is left to share.

    Raises
    ------
    ValidationError
        On a negative, infinite or NaN strength.

    Examples
    --------
    >>> round(beyond_work_share({"ann": 0.9, "bob": 0.3, "cat": 0.6}, {"bob"}), 4)
    0.8333
    """
    work: list[float] = []
    other: list[float] = []
    for key, value in strengths.items():
        s = _weight(value, "strength")
        flag = is_work.get(key) if isinstance(is_work, Mapping) else key in is_work
        if flag is None:
            continue
        (work if flag else other).append(s)
    total = math.fsum(work) + math.fsum(other)
    return math.fsum(other) / total if total > 0 else NAN
