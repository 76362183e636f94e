"""The vectorised kernel behind :mod:`dunbar.graph.brokerage`: Burt's measures from edge arrays.

Everything Burt's measures need is per edge. With mutual weights ``z`` (MODEL.md
§4.1), ``s_i = Σ_q z_iq`` and ``M_i = max_q z_iq``, the two-step terms are

    Σ_q p_iq p_qj = U_ij / s_i,      U_ij = Σ_q z_iq z_qj / s_q,
    Σ_q p_iq m_jq = T_ij / (s_i M_j), T_ij = Σ_q z_iq z_qj,

where q runs over the common neighbours of i and j, that is over the triangles
on the edge {i, j}. Both sums are symmetric in i and j, so they are needed once
per edge and only on the existing edges: never the dense n×n matrix, and not the
whole of ``Z @ Z`` either (on a 100,000-node power-law graph that has tens of
millions of entries, almost all of them two-hop pairs that are not edges). Then

    c_ij = ((z_ij + U_ij) / s_i)²,   C_i = Σ_j c_ij,   ES_i = n_i − Σ_j T_ij / (s_i M_j).

``T`` and ``U`` come from listing the triangles once each, with the "forward"
order of Schank & Wagner (2005) and Latapy (2008): rank the nodes by degree,
point each edge from its lower- to its higher-ranked end, and close every pair
of out-edges (a→b, a→c) whose ends are joined (b→c is found by a binary search
in the sorted edge keys). Each node has at most √(2m) out-edges in that order,
so the pairs to test number at most O(m^1.5) and, on social graphs, a few per
edge. Every triangle {a, b, c} adds ``z_ac z_bc`` to ``T_ab`` and
``z_ac z_bc / s_c`` to ``U_ab``, and likewise for its other two edges. The pairs
are made in chunks of at most ``budget`` (numpy ``repeat`` arithmetic, no Python
loop per node), so memory stays O(m + budget).

References
----------
Burt 1992, *Structural Holes*, Eq. 2.4. T. Schank and D. Wagner, "Finding,
counting and listing all triangles in large graphs", WEA 2005, LNCS 3503:606.
M. Latapy, "Main-memory triangle computations for very large (sparse
(power-law)) graphs", Theor. Comput. Sci. 407 (2008):458.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt

from dunbar.errors import NotFoundError, ValidationError

__all__ = ["BurtArrays", "MutualTies", "Progress", "burt_arrays", "mutual_ties", "positions"]

Progress = Callable[[int, int], None]
"""``progress(done, total)``: triangle pairs tested so far, of ``total``."""

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: Out-edge pairs tested per chunk: about 50 bytes each, so ~100 MB at a time.
DEFAULT_BUDGET = 2_000_000


@dataclass(frozen=True)
class MutualTies:
    """A graph as its mutual ties: node ``i`` is ``nodes[i]``; edge ``e`` joins
    ``u[e] < v[e]`` with mutual weight ``z[e] > 0`` (each pair once)."""

    nodes: list[Hashable]
    u: IntArray
    v: IntArray
    z: FloatArray


@dataclass(frozen=True)
class BurtArrays:
    """Per node: ``degree`` n_i, ``constraint``, ``effective_size``, ``hierarchy``
    (NaN where undefined); per directed edge (``src`` → ``dst``, both directions
    of every tie): the dyadic constraint ``c``."""

    nodes: list[Hashable]
    degree: IntArray
    constraint: FloatArray
    effective_size: FloatArray
    hierarchy: FloatArray
    src: IntArray
    dst: IntArray
    c: FloatArray


def mutual_ties(G: Any, weight: str | None = None) -> MutualTies:
    """Read ``G`` (any networkx graph) into mutual ties.

    ``z_ij = a_ij + a_ji`` on a directed graph; an undirected edge gives ``w``
    (MODEL.md's 2w, whose factor 2 cancels in every measure). Self-loops are
    dropped, parallel edges of a multigraph add up, a missing ``weight``
    attribute counts as 1. Weights must be finite and ≥ 0
    (:class:`~dunbar.errors.ValidationError` otherwise); a pair whose mutual
    weight is 0 is no tie.
    """
    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    adj = G.adj  # the successors on a directed graph: each edge once from its tail
    if G.is_multigraph():  # parallel edges: one (u, v, w) per edge, added up below
        triples = list(iter(G.edges(data=weight, default=1)))
        a = np.fromiter((index[t[0]] for t in triples), np.int64, len(triples))
        b = np.fromiter((index[t[1]] for t in triples), np.int64, len(triples))
        raw: Iterable[Any] = (t[2] for t in triples) if weight is not None else ()
    else:
        degree = np.fromiter(map(len, adj.values()), np.int64, len(nodes))
        a = np.repeat(np.arange(len(nodes), dtype=np.int64), degree)
        b = np.fromiter(map(index.__getitem__, chain.from_iterable(adj.values())), np.int64, len(a))
        raw = (
            (d.get(weight, 1) for d in chain.from_iterable(nb.values() for nb in adj.values()))
            if weight is not None
            else ()
        )
    if weight is None:
        w = np.ones(len(a))
    else:
        try:
            w = np.fromiter(raw, np.float64, len(a))
        except (TypeError, ValueError) as exc:
            raise ValidationError(
                f"edge weights {weight!r} must be numbers ({exc})", field="weight"
            ) from None
        bad = ~np.isfinite(w) | (w < 0)
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            raise ValidationError(
                f"edge weight {weight!r} of ({nodes[a[first]]!r}, {nodes[b[first]]!r}) is "
                f"{w[first]!r}: weights must be finite and not negative",
                field="weight",
            )
    # An undirected simple graph lists each edge from both ends: keep one.
    keep = a < b if not (G.is_directed() or G.is_multigraph()) else a != b
    lo = np.minimum(a, b)[keep]
    hi = np.maximum(a, b)[keep]
    w = w[keep]
    n = len(nodes)
    keys, inverse = np.unique(lo * n + hi, return_inverse=True)
    z = np.asarray(np.bincount(inverse.ravel(), weights=w, minlength=len(keys)), np.float64)
    tie = z > 0
    keys, z = keys[tie], z[tie]
    return MutualTies(nodes, keys // n, keys % n, z)


def triangle_sums(
    n: int,
    u: IntArray,
    v: IntArray,
    z: FloatArray,
    s: FloatArray,
    *,
    budget: int = DEFAULT_BUDGET,
    progress: Progress | None = None,
) -> tuple[FloatArray, FloatArray]:
    """``T_e = Σ_q z_uq z_qv`` and ``U_e = Σ_q z_uq z_qv / s_q`` for every edge
    ``e = (u[e], v[e])``, with ``s`` the nodes' weight sums (see the module)."""
    m = len(z)
    degree = np.bincount(u, minlength=n) + np.bincount(v, minlength=n)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), degree))] = np.arange(n)
    ru, rv = rank[u], rank[v]
    low, high = np.minimum(ru, rv), np.maximum(ru, rv)
    order = np.argsort(low * n + high)  # edge keys in rank space, sorted
    low, high, zs = low[order], high[order], z[order]
    keys = low * n + high
    out = np.bincount(low, minlength=n).astype(np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(out, out=indptr[1:])
    # For each out-edge e of a, the out-edges of a after it in row order.
    after = indptr[low + 1] - np.arange(m) - 1
    pairs_per_row = out * (out - 1) // 2
    total = int(pairs_per_row.sum())
    inv_s = np.empty(n)
    inv_s[rank] = 1.0 / np.where(s > 0, s, 1.0)  # by rank
    t_sorted = np.zeros(m)
    u_sorted = np.zeros(m)
    done = 0
    row = 0
    cumulative = np.cumsum(pairs_per_row)
    while row < n:
        # The longest run of rows from `row` with at most `budget` pairs (at least one row).
        base = cumulative[row - 1] if row else 0
        stop = max(row + 1, int(np.searchsorted(cumulative, base + budget, side="right")))
        stop = min(stop, n)
        e0, e1 = indptr[row], indptr[stop]
        counts = after[e0:e1]
        p = int(counts.sum())
        if p:
            first = np.repeat(np.arange(e0, e1), counts)
            offsets = np.arange(p) - np.repeat(np.cumsum(counts) - counts, counts)
            second = first + 1 + offsets
            closing = high[first] * n + high[second]
            at = np.searchsorted(keys, closing)
            at[at == m] = 0
            hit = keys[at] == closing
            ab, ac, bc = first[hit], second[hit], at[hit]
            za, zb, zc = zs[bc], zs[ac], zs[ab]  # named after the vertex they avoid
            for edge, product, third in ((bc, zb * zc, low[ab]), (ab, za * zb, high[ac])):
                t_sorted += np.bincount(edge, weights=product, minlength=m)
                u_sorted += np.bincount(edge, weights=product * inv_s[third], minlength=m)
            product = za * zc
            t_sorted += np.bincount(ac, weights=product, minlength=m)
            u_sorted += np.bincount(ac, weights=product * inv_s[high[ab]], minlength=m)
            done += p
        if progress is not None:
            progress(done, total)
        row = stop
    t = np.empty(m)
    t[order] = t_sorted
    two_step = np.empty(m)
    two_step[order] = u_sorted
    return t, two_step


def burt_arrays(
    ties: MutualTies,
    *,
    budget: int = DEFAULT_BUDGET,
    progress: Progress | None = None,
) -> BurtArrays:
    """Constraint, effective size and hierarchy of every node, from its mutual ties."""
    n = len(ties.nodes)
    src = np.concatenate([ties.u, ties.v])
    dst = np.concatenate([ties.v, ties.u])
    z2 = np.concatenate([ties.z, ties.z])
    degree = np.bincount(src, minlength=n)
    s = np.asarray(np.bincount(src, weights=z2, minlength=n), np.float64)
    t, two_step = triangle_sums(n, ties.u, ties.v, ties.z, s, budget=budget, progress=progress)
    t2 = np.concatenate([t, t])
    u2 = np.concatenate([two_step, two_step])
    top = np.zeros(n)
    np.maximum.at(top, src, z2)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = ((z2 + u2) / s[src]) ** 2
        constraint = np.asarray(np.bincount(src, weights=c, minlength=n), np.float64)
        redundancy = np.bincount(src, weights=t2 / (s[src] * top[dst]), minlength=n)
        effective_size = degree.astype(np.float64) - redundancy
        r = c * degree[src] / constraint[src]
        hierarchy = np.bincount(src, weights=r * np.log(r), minlength=n) / (degree * np.log(degree))
    isolated = degree == 0
    constraint[isolated] = np.nan
    effective_size[isolated] = np.nan
    hierarchy[isolated] = np.nan
    hierarchy[degree == 1] = 1.0
    return BurtArrays(ties.nodes, degree, constraint, effective_size, hierarchy, src, dst, c)


def positions(nodes: list[Hashable], wanted: Iterable[Hashable] | None) -> list[int]:
    """Indices of ``wanted`` in ``nodes`` (all when None); NotFoundError for a stranger."""
    if wanted is None:
        return list(range(len(nodes)))
    index = {node: i for i, node in enumerate(nodes)}
    found = []
    for node in wanted:
        try:
            found.append(index[node])
        except (KeyError, TypeError):
            raise NotFoundError(f"node {node!r} is not in the graph") from None
    return found
