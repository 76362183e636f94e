"""Bounds for "distance to optimum" of a seating plan (GATHERINGS.md §5).

Notation: ``n`` people, ``W`` rounds, round tables of capacities ``c_1 … c_g``
(the same every round). A plan's *repeats* are its excess meetings
``Σ_pairs max(0, m_ij − 1)``, where ``m_ij`` counts the rounds a pair shares a table.

1. **Weeks** (§5.1): a zero-repeat schedule of ``g`` tables of ``s`` has at most
   ``⌊(n−1)/(s−1)⌋`` rounds; 1 if ``g < s``; ``2 + #MOLS(s)`` if ``g = s`` (so
   ``s + 1`` for a prime power ``s``, 3 for ``s = 6``).
2. **Max pairs** (§5.2): ``T`` meetings per plan (``T = W · Σ_t C(n_t, 2)``, at
   least the most even filling of the tables when there are empty seats) cover
   at most ``C(n, 2)`` distinct pairs, so repeats ``≥ T − C(n, 2)``; per person,
   ``i`` has ``M_i`` meetings among ``n − 1`` others, so repeats
   ``≥ ½ Σ_i max(0, M_i − (n − 1))``.
3. **Week pair** (§5.3): two rounds share at least ``o = min Σ_ij C(m_ij, 2)``
   pairs, ``m`` the g×g intersection matrix of their tables (row and column sums
   the table sizes; each row spread as evenly as the columns allow). A pair that
   meets ``m`` times is shared by ``C(m, 2)`` pairs of rounds, so with ``x_m``
   pairs meeting ``m`` times (``m = 0 … W``)::

       minimise  Σ (m − 1) x_m  (m ≥ 1)
       subject to Σ x_m = C(n, 2),  Σ m x_m = T,  Σ C(m, 2) x_m ≥ C(W, 2) · o,  x ≥ 0.

   The LP optimum, rounded up, bounds the repeats. It is computed only when every
   seat is filled (the table sizes are then known); otherwise it is ``None``.
   15 people at 3 tables of 5: ``o = 6``; 2 rounds give 6, 4 rounds 18. The same
   LP with the objective ``Σ v(m) x_m`` (``v(m) = α·[m ≥ 1] − γ·max(0, m − 1)²``,
   no weights or history) bounds the unweighted objective: for that club over 4
   rounds, with α = 1 and γ = 2, the 36 shared pair-rounds are cheapest as 36
   doubled pairs: at most 120 − 36 − 2·36 = 12, so a plan of 12 (36 repeats,
   nobody meeting anyone 3 times) is optimal for it; with γ = 1 every mix of
   doubles, triples and quadruples gives the same 48.
4. **Proven optima** (not §5): the fewest repeats of a few tiny instances, found
   by exhaustive search (:data:`PROVEN_OPTIMA`, :func:`proven_optimum`). The
   supper club over 4 rounds needs 23, not the week-pair LP's 18: the LP reaches
   18 only with 6 pairs meeting all 4 rounds and every other pair at most once;
   any two rounds then share exactly those 6 pairs (the least possible), so each
   table of each round is two of those "couples" and one of the 3 people left.
   A couple sits with one of those 3 in each of 4 rounds, so with one of them
   twice: a pair meeting twice, a contradiction (so at least 19), and the search
   of ``benchmarks/prove_supper_club.py`` shows 23.
5. **Star** (§5.4): the weighted part ``Σ w_ij · min(m_ij, t_ij)`` is at most
   ``½ Σ_i`` (the ``W·(c_max − 1)`` largest values of the multiset in which each
   ``w_ij`` appears ``min(t_ij, W)`` times).

References
----------
CSPLib prob010; Sellmann's table (cs.brown.edu/~sello/golf.html) for the weeks
bound; GATHERINGS.md §5 for the pair, week-pair and star bounds.

Examples
--------
>>> week_pair_bound(15, [5, 5, 5], 2), week_pair_bound(15, [5, 5, 5], 4)
(6, 18)
>>> max_pairs_bound(15, [5, 5, 5], 4), weeks_bound(8, 4)
(15, 10)
>>> objective_bound(15, [5, 5, 5], 4, 1.0, 2.0), objective_bound(15, [5, 5, 5], 4, 1.0, 1.0)
(12.0, 48.0)
>>> proven_optimum(15, [5, 5, 5], 4), proven_optimum(15, [5, 5, 5], 6)
(23, None)
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence

__all__ = [
    "PROVEN_OPTIMA",
    "max_pairs_bound",
    "min_overlap",
    "objective_bound",
    "occupancy",
    "proven_optimum",
    "star_bound",
    "week_pair_bound",
    "weeks_bound",
]


def _c2(m: int) -> int:
    return m * (m - 1) // 2


#: The fewest repeats of tiny instances, every seat filled: ``(n, table sizes in
#: increasing order, rounds) -> repeats``. Proven by the exhaustive search of
#: ``benchmarks/prove_supper_club.py`` (branch and bound with symmetry breaking,
#: checked against a brute force on the smaller ones; RESULTS.md "Seating plans").
#: 15 people at 3 tables of 5: 6, 12 and 23 repeats over 2, 3 and 4 rounds
#: (the §5 bounds: 6, 12, 18).
PROVEN_OPTIMA: Mapping[tuple[int, tuple[int, ...], int], int] = {
    (15, (5, 5, 5), 2): 6,
    (15, (5, 5, 5), 3): 12,
    (15, (5, 5, 5), 4): 23,
    (12, (4, 4, 4), 3): 6,
    (12, (4, 4, 4), 4): 13,
    (9, (3, 3, 3), 5): 9,
}


def proven_optimum(n: int, capacities: Sequence[int], rounds: int) -> int | None:
    """The proven fewest repeats (:data:`PROVEN_OPTIMA`), ``None`` if not known."""
    return PROVEN_OPTIMA.get((n, tuple(sorted(capacities)), rounds))


def weeks_bound(g: int, s: int) -> int:
    """Most rounds of a zero-repeat schedule for ``g`` tables of ``s`` (§5.1)."""
    from dunbar.gatherings.designs import prime_power

    n = g * s
    if s < 2:
        raise ValueError("tables of fewer than 2 seats have no pairs")
    if g < s:
        return 1
    counting = (n - 1) // (s - 1)
    if g == s:
        if prime_power(s) is not None:
            return s + 1
        if s == 6:
            return 3  # Tarry 1900: no two orthogonal Latin squares of order 6
    return counting


def occupancy(n: int, capacities: Sequence[int]) -> list[int]:
    """The most even filling of tables (fewest pairs): water-filling under the caps."""
    caps = sorted(capacities)
    out = [0] * len(caps)
    left = n
    for k, cap in enumerate(caps):
        share = min(cap, left // (len(caps) - k) if k < len(caps) else 0)
        # distribute the rest as evenly as the remaining (larger) tables allow
        out[k] = share
        left -= share
    # any remainder goes one by one to tables with room (largest first)
    k = len(caps) - 1
    while left > 0 and k >= 0:
        room = caps[k] - out[k]
        take = min(room, left)
        out[k] += take
        left -= take
        k -= 1
    return out


def max_pairs_bound(n: int, capacities: Sequence[int], rounds: int) -> int:
    """Fewest repeats any plan has, by counting pairs (§5.2)."""
    sizes = occupancy(n, capacities)
    meetings = rounds * sum(_c2(m) for m in sizes)
    total = max(0, meetings - _c2(n))
    if sum(capacities) == n:
        # every seat taken: person i at a table of c meets c - 1 people a round
        per_person = 0
        for c in capacities:
            per_person += c * max(0, rounds * (c - 1) - (n - 1))
        total = max(total, math.ceil(per_person / 2))
    return total


def min_overlap(rows: Sequence[int], cols: Sequence[int]) -> int:
    """A lower bound on ``Σ C(m_ij, 2)`` over intersection matrices with these margins.

    Each row is spread as evenly as the column sizes allow (and the same with rows
    and columns exchanged; the larger of the two relaxations). Exact when all
    tables have one size.
    """

    def relax(a: Sequence[int], b: Sequence[int]) -> int:
        total = 0
        for size in a:
            total += sum(_c2(m) for m in occupancy(size, b))
        return total

    return max(relax(rows, cols), relax(cols, rows))


def week_pair_bound(n: int, capacities: Sequence[int], rounds: int) -> int | None:
    """Fewest repeats by the week-pair LP (§5.3); ``None`` unless every seat is filled."""
    if sum(capacities) != n:
        return None
    if rounds < 2:
        return 0
    import numpy as np
    from scipy.optimize import linprog

    per_round = sum(_c2(c) for c in capacities)
    meetings = rounds * per_round
    shared = _c2(rounds) * min_overlap(capacities, capacities)
    ms = np.arange(rounds + 1)
    cost = np.maximum(ms - 1, 0).astype(float)
    a_eq = np.vstack([np.ones(rounds + 1), ms.astype(float)])
    b_eq = np.array([_c2(n), meetings], dtype=float)
    a_ub = -np.array([[_c2(int(m)) for m in ms]], dtype=float)
    b_ub = np.array([-shared], dtype=float)
    result = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
    if not result.success:  # pragma: no cover - the LP is always feasible for real tables
        return max_pairs_bound(n, capacities, rounds)
    return max(math.ceil(float(result.fun) - 1e-7), max_pairs_bound(n, capacities, rounds))


def objective_bound(
    n: int, capacities: Sequence[int], rounds: int, new: float, over: float
) -> float | None:
    """Most ``α·new_pairs − γ·Σ max(0, m − 1)²`` can be (the §5.3 LP).

    With empty seats the table sizes are open and the bound is only by counting:
    ``α · min(W · P, C(n, 2))``, ``P`` the most pairs one round can seat (the
    largest tables filled first).
    """
    if sum(capacities) != n:
        left, most = n, 0
        for cap in sorted(capacities, reverse=True):
            take = min(cap, left)
            most += _c2(take)
            left -= take
        return new * min(rounds * most, _c2(n))
    import numpy as np
    from scipy.optimize import linprog

    per_round = sum(_c2(c) for c in capacities)
    shared = _c2(rounds) * min_overlap(capacities, capacities) if rounds >= 2 else 0
    ms = np.arange(rounds + 1)
    value = np.array(
        [(new if m >= 1 else 0.0) - over * max(0, m - 1) ** 2 for m in range(rounds + 1)]
    )
    a_eq = np.vstack([np.ones(rounds + 1), ms.astype(float)])
    b_eq = np.array([_c2(n), rounds * per_round], dtype=float)
    a_ub = -np.array([[_c2(int(m)) for m in ms]], dtype=float)
    b_ub = np.array([-shared], dtype=float)
    result = linprog(-value, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
    if not result.success:  # pragma: no cover
        return None
    return float(-result.fun)


def star_bound(
    people: Sequence[Hashable],
    capacities: Sequence[int],
    rounds: int,
    weights: Mapping[tuple[Hashable, Hashable], float],
    targets: Mapping[tuple[Hashable, Hashable], int] | None = None,
    *,
    default_target: int = 1,
) -> float:
    """Upper bound on ``Σ w_ij · min(m_ij, t_ij)`` (§5.4)."""
    slots = rounds * (max(capacities) - 1)
    per: dict[Hashable, list[float]] = {p: [] for p in people}
    for (a, b), w in weights.items():
        if a not in per or b not in per or a == b or w <= 0:
            continue
        t = default_target if targets is None else targets.get((a, b), default_target)
        times = min(t, rounds)
        per[a].extend([w] * times)
        per[b].extend([w] * times)
    total = 0.0
    for values in per.values():
        values.sort(reverse=True)
        total += sum(values[:slots])
    return total / 2
