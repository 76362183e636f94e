"""Dunbar circles: layers of 5 / 15 / 50 / 150 / 500 / 1500, and their cadences.

Algorithm (MODEL.md §2, [D])
    1. Rank every tie that has a score by S, highest first; ties in S go to the
       most recent episode, then to the order the ties were given in. Ties whose
       status is ``"unknown"`` are not ranked and get no layer.
    2. Fill the layers inner to outer at the cumulative cut-offs
       ``circle_sizes`` (ranks 1–5 form L5, ranks 6–15 form L15, …). Ranks
       beyond the last cut-off get no layer.
    3. **Pins.** A declared closeness pins a floor: with the default
       ``closeness_pins`` q = 7 is never placed outside L5, q = 6 outside L15 and
       q = 5 outside L50 (a person can still rank into an inner layer). Pinned
       people take their slots first, so they push the lowest-ranked unpinned
       members one layer out; if more people are pinned to a layer than it holds,
       it grows — a declaration is never overruled.
    4. **Cadence.** L5 7 days, L15 30, L50 182, L150 365 (``cadence_days``); kin
       get ``kin_cadence_factor`` × (2, after Roberts & Dunbar 2015: family ties
       decay more slowly). Outer layers have no cadence.
    5. **Overdue** ``= Δ_last / cadence``, Δ_last being the days since the last
       non-reaction episode. ``None`` when there is no cadence or no such
       episode (a like does not keep a relationship).

References
----------
Dunbar, Arnaboldi, Conti & Passarella 2015, Soc. Netw. 43:39. Zhou, Sornette,
Hill & Dunbar 2005, Proc R Soc B 272:439. Roberts & Dunbar 2015, Hum. Nat.
26:426. Dunbar 2020, Proc R Soc A 476:20200446.

Examples
--------
>>> layer_ratios((5, 15, 50, 150, 500, 1500))
[3.0, 3.3333333333333335, 3.0, 3.3333333333333335, 3.0]
>>> cadence_for(15, kin=True)
60.0
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from dunbar.strength.params import StrengthParams
from dunbar.strength.score import TieStrength

__all__ = [
    "LAYER_NAMES",
    "BatchPlacement",
    "Placement",
    "assign_circles",
    "assign_circles_batch",
    "cadence_for",
    "layer_ratios",
    "members_by_layer",
]

K = TypeVar("K", bound=Hashable)

#: Names of the default layers, by cumulative size (MODEL.md §2).
LAYER_NAMES: Mapping[int, str] = {
    5: "support clique",
    15: "sympathy group",
    50: "good friends",
    150: "active network",
    500: "acquaintances",
    1500: "known faces",
}


@dataclass(frozen=True)
class Placement:
    """Where one tie sits: its rank, layer (by cumulative size) and how overdue it is.

    ``pinned`` is true when the declared closeness, not the rank, put the person in
    this layer. ``cadence_days`` and ``overdue`` are ``None`` outside the
    layers that have a cadence.
    """

    rank: int | None
    layer: int | None
    score: float | None
    pinned: bool = False
    declared_only: bool = False
    kin: bool = False
    cadence_days: float | None = None
    days_since_contact: int | None = None
    overdue: float | None = None


def layer_ratios(sizes: Collection[int]) -> list[float]:
    """Ratios between successive cumulative cut-offs (about 3: Zhou et al. 2005)."""
    ordered = sorted(sizes)
    return [b / a for a, b in itertools.pairwise(ordered)]


def cadence_for(
    layer: int | None,
    *,
    kin: bool = False,
    bridging: bool = False,
    params: StrengthParams | None = None,
) -> float | None:
    """The contact cadence in days of ``layer`` (a cumulative size), or None.

    Kin multiply it by ``kin_cadence_factor``; bridging ties (MODEL.md §3) by
    ``bridge_cadence_factor``.
    """
    params = params or StrengthParams()
    if layer is None or layer not in params.circle_sizes:
        return None
    index = params.circle_sizes.index(layer)
    if index >= len(params.cadence_days):
        return None
    cadence = float(params.cadence_days[index])
    if kin:
        cadence *= params.kin_cadence_factor
    if bridging:
        cadence *= params.bridge_cadence_factor
    return cadence


def _rank_key(item: tuple[int, Hashable, TieStrength]) -> tuple[float, float, int]:
    position, _, tie = item
    last = tie.last_episode_days
    return (-(tie.score or 0.0), float("inf") if last is None else float(last), position)


def assign_circles(
    ties: Mapping[K, TieStrength],
    *,
    kin: Collection[K] = (),
    params: StrengthParams | None = None,
) -> dict[K, Placement]:
    """Place every tie in a Dunbar layer (algorithm in the module docstring).

    Parameters
    ----------
    ties : mapping of person key to TieStrength
        For example ``{pid: score_tie(...)}``.
    kin : collection of keys
        People who are family (longer cadence).
    params : StrengthParams, optional

    Returns
    -------
    dict
        Person key to :class:`Placement`, ranked people first in rank order,
        then the unranked ones in input order.
    """
    params = params or StrengthParams()
    kin_set = set(kin)
    ranked = sorted(
        ((i, key, tie) for i, (key, tie) in enumerate(ties.items()) if tie.score is not None),
        key=_rank_key,
    )
    rank_of = {key: r for r, (_, key, _) in enumerate(ranked, start=1)}
    pins = {key: params.pinned_size(tie.closeness) for _, key, tie in ranked}
    remaining = [key for _, key, _ in ranked]
    layer_of: dict[K, tuple[int, bool]] = {}
    placed = 0
    for size in params.circle_sizes:
        capacity = max(0, size - placed)
        must = {k for k in remaining if (pin := pins[k]) is not None and pin <= size}
        by_rank = set(remaining[:capacity])
        free = max(0, capacity - len(must))
        chosen = must | set([k for k in remaining if k not in must][:free])
        for k in remaining:
            if k in chosen:
                layer_of[k] = (size, k not in by_rank)
        remaining = [k for k in remaining if k not in chosen]
        placed += len(chosen)

    out: dict[K, Placement] = {}
    for key in [k for _, k, _ in ranked] + [k for k, t in ties.items() if t.score is None]:
        tie = ties[key]
        layer, pinned = layer_of.get(key, (None, False))
        cadence = cadence_for(layer, kin=key in kin_set, params=params)
        since = tie.last_contact_days
        out[key] = Placement(
            rank=rank_of.get(key),
            layer=layer,
            score=tie.score,
            pinned=pinned,
            declared_only=tie.status == "declared-only",
            kin=key in kin_set,
            cadence_days=cadence,
            days_since_contact=since,
            overdue=None if cadence is None or since is None else since / cadence,
        )
    return out


def members_by_layer(placements: Mapping[K, Placement]) -> dict[int | None, list[K]]:
    """Group placements by layer (``None`` collects the unplaced), in rank order."""
    out: dict[int | None, list[K]] = {}
    for key, placement in placements.items():
        out.setdefault(placement.layer, []).append(key)
    return out


@dataclass(frozen=True)
class BatchPlacement:
    """:func:`assign_circles` for arrays: aligned with the ``person`` given.

    ``rank`` and ``layer`` are 0 where unranked / unplaced; ``cadence`` and
    ``overdue`` NaN where there is none.
    """

    person: npt.NDArray[np.int64]
    rank: npt.NDArray[np.int64]
    layer: npt.NDArray[np.int64]
    pinned: npt.NDArray[np.bool_]
    cadence: npt.NDArray[np.float64]
    overdue: npt.NDArray[np.float64]


def assign_circles_batch(
    person: npt.ArrayLike,
    score: npt.ArrayLike,
    last_episode_days: npt.ArrayLike,
    last_contact_days: npt.ArrayLike,
    closeness: npt.ArrayLike,
    kin: npt.ArrayLike,
    *,
    params: StrengthParams | None = None,
) -> BatchPlacement:
    """The same layers as :func:`assign_circles`, with numpy (for 50,000 people).

    ``score`` is NaN for unranked ties; day counts are −1 where there is nothing
    to count; ``closeness`` 0 where undeclared; ``kin`` booleans. Ties are ranked
    by score (highest first), then most recent episode, then input order, exactly
    as :func:`assign_circles` does.
    """
    params = params or StrengthParams()
    ids = np.asarray(person, dtype=np.int64)
    s = np.asarray(score, dtype=np.float64)
    last = np.asarray(last_episode_days, dtype=np.int64)
    contact = np.asarray(last_contact_days, dtype=np.int64)
    q = np.asarray(closeness, dtype=np.int64)
    family = np.asarray(kin, dtype=bool)
    n = len(ids)
    ranked = np.flatnonzero(~np.isnan(s))
    recency_key = np.where(last[ranked] < 0, np.inf, last[ranked].astype(np.float64))
    order = ranked[np.lexsort((ranked, recency_key, -s[ranked]))]
    rank = np.zeros(n, dtype=np.int64)
    rank[order] = np.arange(1, len(order) + 1)
    pin = np.zeros(n, dtype=np.int64)  # 0: no pin
    for value, size in params.closeness_pins:
        pin = np.where((q == value) & ((pin == 0) | (pin > size)), size, pin)
    layer = np.zeros(n, dtype=np.int64)
    pinned = np.zeros(n, dtype=bool)
    remaining = order
    placed = 0
    for size in params.circle_sizes:
        capacity = max(0, size - placed)
        must = (pin[remaining] > 0) & (pin[remaining] <= size)
        by_rank = np.zeros(len(remaining), dtype=bool)
        by_rank[:capacity] = True
        free = max(0, capacity - int(must.sum()))
        others = np.flatnonzero(~must)[:free]
        chosen = must.copy()
        chosen[others] = True
        layer[remaining[chosen]] = size
        pinned[remaining[chosen & ~by_rank]] = True
        placed += int(chosen.sum())
        remaining = remaining[~chosen]
    cadence = np.full(n, np.nan)
    for index, size in enumerate(params.circle_sizes[: len(params.cadence_days)]):
        cadence[layer == size] = float(params.cadence_days[index])
    cadence = np.where(family, cadence * params.kin_cadence_factor, cadence)
    with np.errstate(invalid="ignore"):
        overdue = np.where(contact >= 0, contact / cadence, np.nan)
    return BatchPlacement(ids, rank, layer, pinned, cadence, overdue)
