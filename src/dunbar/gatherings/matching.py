"""1:1 meeting slots: one maximum-weight matching per slot, no pair twice (GATHERINGS.md §4).

Model
    The mutual-value graph ``G`` (:func:`dunbar.gatherings.value.value_graph`,
    or any graph with non-negative edge weights) is matched slot by slot. Slot
    ``s`` sees the people available in it (``availability``: person → slot
    indices; a person left out is always available) and the edges not used yet:
    the pairs of earlier slots and the pairs in ``history`` (past meetings) are
    removed. Exact optimisation across all slots would need a b-matching or
    edge-colouring model; slot-by-slot matching is the practical norm
    (GATHERINGS.md §4), and it is what this module does.

Each slot's objective
    A maximum-weight matching, with ``maxcardinality=True`` by default: as many
    meetings as possible, then the most value among those. With an odd number
    of available people on a complete graph, the one left out is therefore
    **the least valuable to the slot**: the person whose absence leaves the
    best perfect matching of the others (ties broken by the node order). This
    holds exactly for the slots flagged ``exact`` (and ``method="blossom",
    top_k=None`` solves every slot exactly); other slots come close.

``method="blossom"``: Edmonds' blossom algorithm
    :func:`networkx.max_weight_matching` (after Galil 1986, O(n³)); exact.

Sparsification (``top_k``, for blossom)
    NetworkX's blossom is pure Python: on a complete graph of 300 people one slot
    takes 1.5–9 s on our 2-core machine (GATHERINGS.md §4 [M]; 9.2 s measured on
    2026-12-02 under load), too slow for 6 slots in 10 s. With ``top_k = k``, a
    slot is solved on the union of every person's ``k`` best remaining edges and
    the greedy matching's edges, then the people still unmatched are matched
    among themselves on all their remaining edges. Including the greedy edges
    means a slot's matching is never worth less than the greedy one on the same
    graph (when cardinality is not forced, or on a complete graph). It is **not
    exact in general**: ``MatchPlan.exact`` says, per slot, whether no edge was
    dropped (then the slot is exact); benchmarks/RESULTS.md reports the measured
    loss against the exact matching on the full graph. ``top_k=None`` is exact.

Distance to optimum (:func:`plan_bound`)
    Any plan of ``slots`` slots without repeats is a set of distinct edges in
    which each person has at most ``b_v`` (the slots they attend) meetings: a
    simple b-matching. The LP relaxation ``max Σ w_e x_e`` subject to
    ``Σ_{e ∋ v} x_e ≤ b_v`` and ``0 ≤ x_e ≤ 1`` (solved by HiGHS through
    :func:`scipy.optimize.linprog`) is therefore an upper bound on the total of
    *every* plan, including the unknown optimum across slots; ``total / bound``
    is a certified lower bound on the plan's share of the optimum. With
    ``slots=1`` it is the fractional matching bound of one slot.

``method="lp"`` (the default)
    The fractional matching LP of the slot (``max Σ w_e x_e`` subject to
    ``Σ_{e ∋ v} x_e ≤ 1`` and ``x ≥ 0``; HiGHS through
    :func:`scipy.optimize.linprog`), by column generation: solved on each
    person's 10 best edges and the greedy edges, then every other edge priced
    with the duals ``y`` (reduced cost ``w_e − y_u − y_v``) and the improving
    ones added until none is left, so the result is the LP optimum of the
    whole slot graph (under a second for 500 people on a complete graph).

    That optimum is half-integral (Balinski 1965). The edges at 1 are kept;
    the people left (on the odd cycles at ½, or unmatched) are matched among
    themselves by blossom (with ``top_k``). With ``maxcardinality``, a result
    that leaves two or more people out who still have someone to meet is
    replaced by blossom's (the LP maximises value, not the number of
    meetings). When the LP optimum is integral, that matching is optimal
    (and, after the check above, a largest one), and the slot is flagged
    exact; otherwise the slot is within its LP value of its optimum. The
    greedy matching replaces it if greedy is better (not seen in the
    benchmarks; it makes a slot never worse than greedy on the same graph).

``method="greedy"``
    The baseline: edges by decreasing weight, each taken when both people are
    free (a 1/2-approximation; 98.6 % of the optimum on random complete graphs,
    GATHERINGS.md §4).

Determinism
    The result depends only on the graph, the options and ``seed``: the node
    order is ``G``'s order, or a seeded shuffle of it with ``seed`` (which
    changes only how ties between equal-value matchings are broken), and every
    graph handed to the solver is built in that order.

References
----------
Edmonds 1965, "Paths, trees, and flowers", Canad. J. Math. 17:449. Galil 1986,
"Efficient algorithms for finding maximum matching in graphs", ACM Comput.
Surv. 18(1):23. Avis 1983 (greedy matching, a 1/2-approximation).

Examples
--------
>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_weighted_edges_from(
...     [("a", "b", 0.9), ("a", "c", 0.8), ("b", "d", 0.8), ("c", "d", 0.1)], weight="value"
... )
>>> plan = match_slots(G, 2)
>>> plan.slots
[[('a', 'c'), ('b', 'd')], [('a', 'b'), ('c', 'd')]]
>>> round(plan.total, 2), greedy_matching(G)
(2.6, [('a', 'b'), ('c', 'd')])
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from dunbar.errors import ValidationError

__all__ = ["MatchPlan", "Progress", "greedy_matching", "match_slots", "plan_bound"]

Progress = Callable[[int, int], None]
"""``progress(done, total)``: slots matched so far, of ``total``."""

DEFAULT_TOP_K = 20
METHODS = ("blossom", "lp", "greedy")
INTEGRAL = 1e-6
LP_START_K = 10
PRICE_TOLERANCE = 1e-9

Pair = tuple[Hashable, Hashable]


@dataclass(frozen=True)
class MatchPlan:
    """The meetings of every slot.

    ``slots[s]`` lists the pairs of slot ``s`` (each pair in node order, pairs by
    their first person); ``unmatched[s]`` the available people without a
    meeting; ``absent[s]`` the people not available; ``values[s]`` the slot's
    total weight and ``total`` their sum; ``exact[s]`` whether slot ``s`` was
    solved on all its remaining edges (always True for ``top_k=None``);
    ``baseline`` the greedy plan's total when asked for (``baseline=True``).
    """

    slots: list[list[Pair]]
    unmatched: list[list[Hashable]]
    absent: list[list[Hashable]]
    values: list[float]
    total: float
    exact: list[bool]
    method: str
    baseline: float | None = None

    def explain(self) -> str:
        """A few lines: the total, each slot's meetings and who sits out."""
        head = (
            f"{len(self.slots)} slots, {sum(map(len, self.slots))} meetings, value {self.total:.2f}"
        )
        if self.baseline is not None:
            head += f" (greedy: {self.baseline:.2f})"
        lines = [head]
        for s, pairs in enumerate(self.slots):
            out = (
                f"; sits out: {', '.join(map(str, self.unmatched[s]))}" if self.unmatched[s] else ""
            )
            note = "" if self.exact[s] else " (sparsified)"
            lines.append(f"slot {s + 1}: {len(pairs)} meetings, {self.values[s]:.2f}{note}{out}")
        return "\n".join(lines)


# --- checks ------------------------------------------------------------------------------


def _weights(G: Any, weight: str | None) -> dict[frozenset[Hashable], float]:
    """Every edge's weight (1 without ``weight``); ValidationError if one is unusable."""
    out: dict[frozenset[Hashable], float] = {}
    for u, v, d in G.edges(data=True):
        if u == v:
            raise ValidationError(f"{u!r} is paired with themselves: remove the self-loop")
        w = 1.0 if weight is None else d.get(weight, 1.0)
        if isinstance(w, bool) or not isinstance(w, int | float) or math.isnan(w) or w < 0:
            raise ValidationError(
                f"the {weight!r} of {u!r}–{v!r} must be a number ≥ 0, not {w!r}", field=weight
            )
        if math.isinf(w):
            raise ValidationError(f"the {weight!r} of {u!r}–{v!r} is infinite", field=weight)
        out[frozenset((u, v))] = float(w)
    return out


def _availability(
    G: Any, slots: int, availability: Mapping[Hashable, Collection[int]] | None
) -> dict[Hashable, frozenset[int]]:
    out: dict[Hashable, frozenset[int]] = {}
    for person, when in (availability or {}).items():
        if person not in G:
            raise ValidationError(
                f"availability names {person!r}, who is not in the graph", field="availability"
            )
        chosen = frozenset(when)
        bad = sorted(s for s in chosen if not isinstance(s, int) or not 0 <= s < slots)
        if bad:
            raise ValidationError(
                f"availability of {person!r}: slot {bad[0]!r} is not one of 0–{slots - 1}",
                field="availability",
            )
        out[person] = chosen
    return out


# --- one slot ----------------------------------------------------------------------------


def greedy_matching(
    G: Any, *, weight: str | None = "value", nodes: Iterable[Hashable] | None = None
) -> list[Pair]:
    """The greedy matching: edges by decreasing weight, taken when both ends are free.

    Ties go to the edge whose ends come first in ``G``'s node order. Pairs are in
    node order, sorted by their first person. ``nodes`` restricts it to those
    people. Weights are checked as in :func:`match_slots`.
    """
    pos = {n: i for i, n in enumerate(G)}
    keep = None if nodes is None else set(nodes)
    w = _weights(G, weight)
    edges = []
    for e, x in w.items():
        u, v = sorted(e, key=pos.__getitem__)
        if keep is None or (u in keep and v in keep):
            edges.append((-x, pos[u], pos[v], u, v))
    return _sorted_pairs(_greedy(edges), pos)


def _greedy(edges: list[tuple[float, int, int, Hashable, Hashable]]) -> list[Pair]:
    edges.sort(key=lambda t: t[:3])
    used: set[Hashable] = set()
    out: list[Pair] = []
    for _, _, _, u, v in edges:
        if u not in used and v not in used:
            used.add(u)
            used.add(v)
            out.append((u, v))
    return out


def _sorted_pairs(pairs: Iterable[Pair], pos: Mapping[Hashable, int]) -> list[Pair]:
    ordered = [(u, v) if pos[u] < pos[v] else (v, u) for u, v in pairs]
    return sorted(ordered, key=lambda p: pos[p[0]])


def _blossom(
    people: Sequence[Hashable],
    edges: Iterable[tuple[int, int, float]],
    maxcardinality: bool,
) -> list[Pair]:
    """networkx's max_weight_matching on a graph built in a fixed order."""
    H: nx.Graph[Any] = nx.Graph()
    H.add_nodes_from(people)
    H.add_weighted_edges_from(((people[i], people[j], x) for i, j, x in sorted(edges)), weight="w")
    found = nx.max_weight_matching(H, maxcardinality=maxcardinality, weight="w")
    return [(u, v) for u, v in found]


def _slot(
    people: list[Hashable],
    adj: dict[Hashable, dict[Hashable, float]],
    *,
    method: str,
    top_k: int | None,
    maxcardinality: bool,
) -> tuple[list[Pair], bool]:
    """One slot's matching among ``people`` on the remaining edges ``adj``; exact or not."""
    here = set(people)
    local = {p: i for i, p in enumerate(people)}
    edges: dict[tuple[int, int], float] = {}
    for u in people:
        for v, x in adj[u].items():
            if v in here and local[u] < local[v]:
                edges[(local[u], local[v])] = x
    greedy = _greedy([(-x, i, j, people[i], people[j]) for (i, j), x in edges.items()])
    if method == "greedy":
        return greedy, False
    if method == "lp":
        return _lp_slot(people, edges, greedy, adj, top_k=top_k, maxcardinality=maxcardinality)
    degree = max((sum(1 for v in adj[u] if v in here) for u in people), default=0)
    if top_k is None or degree <= top_k:
        return _blossom(people, ((i, j, x) for (i, j), x in edges.items()), maxcardinality), True
    kept: set[tuple[int, int]] = set()
    for u in people:
        near = sorted(
            ((x, local[v]) for v, x in adj[u].items() if v in here), key=lambda t: (-t[0], t[1])
        )
        for _, j in near[:top_k]:
            i = local[u]
            kept.add((i, j) if i < j else (j, i))
    for u, v in greedy:
        i, j = local[u], local[v]
        kept.add((i, j) if i < j else (j, i))
    matched = _blossom(people, ((i, j, edges[(i, j)]) for i, j in kept), maxcardinality)
    # Whoever is left matches among the others left, on all their remaining edges.
    taken = {p for e in matched for p in e}
    rest = [p for p in people if p not in taken]
    if len(rest) > 1:
        rest_set = set(rest)
        extra = [
            (local[u], local[v], x)
            for u in rest
            for v, x in adj[u].items()
            if v in rest_set and local[u] < local[v]
        ]
        if extra:
            matched += _blossom(people, extra, maxcardinality)
    return matched, False


def _lp_slot(
    people: list[Hashable],
    edges: dict[tuple[int, int], float],
    greedy: list[Pair],
    adj: dict[Hashable, dict[Hashable, float]],
    *,
    top_k: int | None,
    maxcardinality: bool,
) -> tuple[list[Pair], bool]:
    """The fractional matching LP, its whole edges kept, the rest matched by blossom."""
    import numpy as np

    local = {p: i for i, p in enumerate(people)}
    keys = [e for e, x in edges.items() if x > 0]
    matched: list[Pair] = []
    integral = True
    if keys:
        ij = np.array(keys, dtype=np.int64)
        w = np.array([edges[e] for e in keys])
        start = set(_top_edges(ij, w, len(people), LP_START_K).tolist())
        where = {e: i for i, e in enumerate(keys)}
        for u, v in greedy:  # the greedy edges too, so the first LP is at least greedy
            e = _local_edge(local, u, v)
            if e in where:
                start.add(where[e])
        x = _fractional_matching(ij, w, len(people), np.array(sorted(start), dtype=np.int64))
        integral = bool(np.all((x < INTEGRAL) | (x > 1 - INTEGRAL)))
        matched = [(people[keys[e][0]], people[keys[e][1]]) for e in np.flatnonzero(x > 0.5)]
    taken = {p for e in matched for p in e}
    rest = [p for p in people if p not in taken]
    if len(rest) > 1:
        more, _ = _slot(rest, adj, method="blossom", top_k=top_k, maxcardinality=maxcardinality)
        matched += more
    coverable = sum(1 for p in people if any(v in local for v in adj[p]))
    if maxcardinality and 2 * len(matched) < coverable - 1:
        # Two or more people who have someone to meet sit out: the LP may have traded
        # meetings for value (a path a–b 1, b–c 10, c–d 1). Blossom forces the count.
        return _slot(people, adj, method="blossom", top_k=top_k, maxcardinality=True)
    exact = integral

    def key(pairs: list[Pair]) -> tuple[int, float]:
        value = math.fsum(edges[_local_edge(local, u, v)] for u, v in pairs)
        return (len(pairs) if maxcardinality else 0, value)

    if key(greedy) > key(matched):
        return greedy, False
    return matched, exact


def _top_edges(ij: Any, w: Any, n: int, k: int) -> Any:
    """Indices of the edges among some endpoint's ``k`` heaviest (ties by edge index)."""
    import numpy as np

    m = len(w)
    node = np.concatenate([ij[:, 0], ij[:, 1]])
    edge = np.concatenate([np.arange(m), np.arange(m)])
    weight = np.concatenate([w, w])
    order = np.lexsort((edge, -weight, node))  # by node, then heaviest first
    node, edge = node[order], edge[order]
    first = np.searchsorted(node, np.arange(n))
    rank = np.arange(2 * m) - first[node]
    return np.unique(edge[rank < k])


def _fractional_matching(ij: Any, w: Any, n: int, start: Any) -> Any:
    """``max Σ w x`` s.t. ``Σ_{e ∋ v} x_e ≤ 1``, ``x ≥ 0``, by column generation.

    The LP is solved on the ``start`` edges; every other edge is priced with the
    duals ``y`` (reduced cost ``w_e − y_u − y_v``), the edges that would improve
    it are added, and the LP is solved again, until none is left: then ``y`` is
    dual feasible for all edges and the solution is optimal for the whole graph.
    """
    import numpy as np
    from scipy.optimize import linprog
    from scipy.sparse import csr_array

    m = len(w)
    active = np.zeros(m, dtype=bool)
    active[start] = True
    while True:
        cols = np.flatnonzero(active)
        k = len(cols)
        a_ub = csr_array(
            (np.ones(2 * k), (ij[cols].T.reshape(-1), np.concatenate([np.arange(k)] * 2))),
            shape=(n, k),
        )
        result = linprog(-w[cols], A_ub=a_ub, b_ub=np.ones(n), bounds=(0, None), method="highs")
        if result.status != 0:  # pragma: no cover - always feasible (x = 0) and bounded
            raise ValidationError(f"the matching LP failed: {result.message}")
        y = -result.ineqlin.marginals
        reduced = w - y[ij[:, 0]] - y[ij[:, 1]]
        better = ~active & (reduced > PRICE_TOLERANCE)
        if not better.any():
            x = np.zeros(m)
            x[cols] = result.x
            return x
        active |= better


def _local_edge(local: Mapping[Hashable, int], u: Hashable, v: Hashable) -> tuple[int, int]:
    i, j = local[u], local[v]
    return (i, j) if i < j else (j, i)


# --- all slots ---------------------------------------------------------------------------


def match_slots(
    G: Any,
    slots: int,
    *,
    weight: str | None = "value",
    availability: Mapping[Hashable, Collection[int]] | None = None,
    history: Iterable[tuple[Hashable, Hashable]] | None = None,
    method: str = "lp",
    top_k: int | None = DEFAULT_TOP_K,
    maxcardinality: bool = True,
    baseline: bool = False,
    seed: int | None = None,
    progress: Progress | None = None,
) -> MatchPlan:
    """Plan ``slots`` rounds of 1:1 meetings on ``G`` (see the module docstring).

    ``weight`` names the edge attribute (None: every edge weighs 1); weights
    must be finite and ≥ 0. ``availability`` maps a person to the slot indices
    (0-based) they can attend; ``history`` lists pairs who met before and must
    not be paired again (pairs naming people outside ``G`` are ignored).
    ``method`` is ``"lp"`` (default: the LP with a blossom repair, fast and
    near-optimal), ``"blossom"`` (with ``top_k=None``: exact, but about 10 s
    per slot at 300 people on a complete graph) or ``"greedy"``. ``top_k``
    sparsifies blossom's graphs (None: every remaining edge).
    ``baseline=True`` also plans the greedy way and reports its total.
    ``progress(done, slots)`` is called after each slot.

    Raises ValidationError for ``slots < 1``, an unknown person or slot in
    ``availability``, a negative, infinite or non-numeric weight, a self-loop,
    an unknown ``method`` or ``top_k < 1``.
    """
    if isinstance(slots, bool) or not isinstance(slots, int) or slots < 1:
        raise ValidationError(f"slots must be a whole number ≥ 1, not {slots!r}", field="slots")
    if method not in METHODS:
        raise ValidationError(
            f"method must be one of {', '.join(METHODS)}, not {method!r}", field="method"
        )
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
        raise ValidationError(
            f"top_k must be a whole number ≥ 1 or None, not {top_k!r}", field="top_k"
        )
    order = list(G)
    if seed is not None:
        random.Random(seed).shuffle(order)
    pos = {n: i for i, n in enumerate(order)}
    weights = _weights(G, weight)
    when = _availability(G, slots, availability)
    met = {frozenset((u, v)) for u, v in (history or ()) if u in pos and v in pos and u != v}

    def plan(how: str, report: Progress | None) -> MatchPlan:
        adj: dict[Hashable, dict[Hashable, float]] = {n: {} for n in order}
        for e, x in weights.items():
            if e in met:
                continue
            u, v = tuple(e)
            adj[u][v] = adj[v][u] = x
        out: list[list[Pair]] = []
        unmatched: list[list[Hashable]] = []
        absent: list[list[Hashable]] = []
        values: list[float] = []
        exact: list[bool] = []
        for s in range(slots):
            here = [n for n in order if n not in when or s in when[n]]
            pairs, solved = _slot(here, adj, method=how, top_k=top_k, maxcardinality=maxcardinality)
            pairs = _sorted_pairs(pairs, pos)
            for u, v in pairs:
                del adj[u][v], adj[v][u]
            taken = {p for e in pairs for p in e}
            out.append(pairs)
            unmatched.append([n for n in here if n not in taken])
            absent.append([n for n in order if n in when and s not in when[n]])
            values.append(math.fsum(weights[frozenset(e)] for e in pairs))
            exact.append(solved)
            if report is not None:
                report(s + 1, slots)
        return MatchPlan(out, unmatched, absent, values, math.fsum(values), exact, how)

    result = plan(method, progress)
    if baseline:
        base = result if method == "greedy" else plan("greedy", None)
        result = MatchPlan(
            result.slots,
            result.unmatched,
            result.absent,
            result.values,
            result.total,
            result.exact,
            result.method,
            baseline=base.total,
        )
    return result


def plan_bound(
    G: Any,
    slots: int,
    *,
    weight: str | None = "value",
    availability: Mapping[Hashable, Collection[int]] | None = None,
    history: Iterable[tuple[Hashable, Hashable]] | None = None,
) -> float:
    """An upper bound on the total value of any ``slots``-slot plan (the b-matching LP).

    Same inputs and checks as :func:`match_slots`. Zero-weight edges and pairs
    in ``history`` are left out (they add nothing or are not allowed).

    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_weighted_edges_from([("a", "b", 1), ("b", "c", 1), ("a", "c", 1)], weight="value")
    >>> plan_bound(G, 1)  # a triangle: x = 1/2 on each edge; a real slot holds 1
    1.5
    """
    import numpy as np
    from scipy.optimize import linprog
    from scipy.sparse import csr_array

    if isinstance(slots, bool) or not isinstance(slots, int) or slots < 1:
        raise ValidationError(f"slots must be a whole number ≥ 1, not {slots!r}", field="slots")
    weights = _weights(G, weight)
    when = _availability(G, slots, availability)
    pos = {n: i for i, n in enumerate(G)}
    met = {frozenset((u, v)) for u, v in (history or ()) if u in pos and v in pos and u != v}
    capacity = np.array([len(when[n]) if n in when else slots for n in G], dtype=float)
    edges = [
        (pos[u], pos[v], x)
        for e, x in weights.items()
        if x > 0 and e not in met
        for u, v in [tuple(e)]
        if capacity[pos[u]] > 0 and capacity[pos[v]] > 0
    ]
    if not edges:
        return 0.0
    m = len(edges)
    rows = np.array([i for i, _, _ in edges] + [j for _, j, _ in edges])
    cols = np.concatenate([np.arange(m), np.arange(m)])
    a_ub = csr_array((np.ones(2 * m), (rows, cols)), shape=(len(pos), m))
    cost = -np.array([x for _, _, x in edges])
    result = linprog(cost, A_ub=a_ub, b_ub=capacity, bounds=(0, 1), method="highs")
    if result.status != 0:  # pragma: no cover - the LP is always feasible (x = 0)
        raise ValidationError(f"the matching bound could not be computed: {result.message}")
    return float(-result.fun)
