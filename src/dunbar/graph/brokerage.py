r"""Brokerage: Burt's structural-hole measures and betweenness (MODEL.md §4).

For node i with neighbours N(i) (in- and out-neighbours on a directed graph),
n = |N(i)|, edge weights ``a_ij`` (1 when ``weight=None``) and mutual weights
``z_ij = a_ij + a_ji`` (Burt 1992, Eq. 2.4, as in NetworkX and JUNG):

==================  ==============================================================
proportional tie    ``p_ij = z_ij / Σ_{q∈N(i)} z_iq``
marginal strength   ``m_jq = z_jq / max_k z_jk``
dyadic constraint   ``c_ij = (p_ij + Σ_{q≠i,j} p_iq p_qj)²``  (:func:`local_constraint`)
constraint          ``C_i = Σ_{j∈N(i)} c_ij``
effective size      ``ES_i = Σ_{j∈N(i)} (1 − Σ_{q≠i,j} p_iq m_jq)``; ``n − 2t/n`` on an
                    unweighted undirected graph (Borgatti 1997)
efficiency          ``ES_i / n``
hierarchy           ``H_i = Σ_j r_j ln r_j / (n ln n)`` with ``r_j = c_ij / (C_i/n)``
                    (JUNG ``StructuralHoles.hierarchy``); 1 when n = 1
==================  ==============================================================

Low constraint and a large effective size mean that a node's contacts are not
tied to one another: it spans structural holes and can broker between them.

Conventions (each tested against MODEL.md §4.2–4.4):

- **Isolated nodes** (no tie to another node): constraint, effective size,
  efficiency and hierarchy are NaN; there is nothing to measure.
- **Self-loops are ignored.** A tie to oneself is not a contact. So a node whose
  only edge is a self-loop is isolated (NaN). NetworkX counts the loop as a
  neighbour with ``p_ii = 1`` and returns ``nx.constraint(G, nodes=[i]) == 4``
  (``(p_ii + p_ii p_ii)² = (1 + 1)²``) for it; a constraint above 1 for a node
  with no contacts is an artefact, not a measurement.
- **Directed graphs**: N(i) holds in- and out-neighbours, so a node with only
  incoming edges has contacts. (NetworkX's loop path returns NaN for it: it
  tests ``G[v]``, the successors, for isolation.)
- **Weights** are tie strengths (dunbar's S for ego–alter ties, MODEL.md §4.1):
  a missing attribute counts as 1, weights must be finite and ≥ 0
  (:class:`~dunbar.errors.ValidationError` otherwise: a negative strength has no
  meaning in these formulas, which take ratios of sums), and a pair whose mutual
  weight is 0 is no tie (so a zero-strength edge neither adds a contact nor
  constrains). Parallel edges of a multigraph add up.
- ``nodes=`` picks the nodes reported (all by default); an unknown node raises
  :class:`~dunbar.errors.NotFoundError`. The graph is always read whole.

**Which graph.** When dunbar measures *my* network it passes the whole graph it
knows: me, my contacts, and the alter–alter ties it has evidence for. For my
own node that graph *is* my ego network (everyone in it is me or my contact),
so ego and whole-graph values coincide. For a contact, the measures use the
whole graph (their contacts' other ties in my ledger count in ``p_qj``), which
is what ``nx.constraint`` does too; the Medici's constraint is 0.209877 on the
whole Florentine graph and 0.236111 on its own ego network (MODEL.md §4.1).
:func:`ego_constraint` gives the ego-network value. Ties dunbar has no evidence
for are absent, which overstates brokerage (MODEL.md §4.4, open question).

**How.** All nodes at once from per-edge arrays (:mod:`dunbar.graph.brokerage_sparse`):
the two-step terms are sums over the triangles on each edge, listed once with
numpy, so time and memory grow with the edges and triangles, not with n². This
avoids NetworkX 3.5–3.6.1's sparse ``effective_size``, which normalises by the
row maxima along the wrong axis (wrong on weighted or directed graphs, MODEL.md
§4.2) and makes a dense n×n matrix.

References
----------
R. S. Burt, *Structural Holes*, Harvard UP 1992, Eq. 2.4. S. P. Borgatti,
"Structural holes: unpacking Burt's redundancy measures", *Connections* 20(1):35,
1997. JUNG ``StructuralHoles`` (jrtom/jung@23b4365). NetworkX
``algorithms/structuralholes.py``. J. F. Padgett and C. K. Ansell, "Robust action
and the rise of the Medici", AJS 98(6):1259, 1993. U. Brandes, "A faster algorithm
for betweenness centrality", J. Math. Sociol. 25(2):163, 2001. M. E. J. Newman,
"Scientific collaboration networks II", Phys. Rev. E 64:016132, 2001.

Examples
--------
MODEL.md §4.4, the Medici on the Florentine marriage graph:

>>> import networkx as nx
>>> G = nx.florentine_families_graph()
>>> round(constraint(G)["Medici"], 6), round(effective_size(G)["Medici"], 6)
(0.209877, 5.666667)
>>> round(ego_constraint(G, "Medici"), 6), round(betweenness(G)["Medici"], 3)
(0.236111, 0.522)
>>> brokerage(G, nodes=["Medici"])["Medici"].explain()
'6 contacts, 5.67 of them non-redundant (efficiency 94%); constraint 0.210, hierarchy 0.022'
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from dunbar.errors import NotFoundError, ValidationError
from dunbar.graph.brokerage_sparse import (
    BurtArrays,
    Progress,
    burt_arrays,
    mutual_ties,
    positions,
)

__all__ = [
    "Brokerage",
    "betweenness",
    "brokerage",
    "constraint",
    "effective_size",
    "efficiency",
    "ego_constraint",
    "hierarchy",
    "local_constraint",
]


@dataclass(frozen=True)
class Brokerage:
    """One node's structural-hole measures (NaN where undefined, see the module)."""

    degree: int
    constraint: float
    effective_size: float
    efficiency: float
    hierarchy: float

    def explain(self) -> str:
        if self.degree == 0:
            return "no contacts, so no brokerage to measure"
        noun = "contact" if self.degree == 1 else "contacts"
        return (
            f"{self.degree} {noun}, {self.effective_size:.3g} of them non-redundant "
            f"(efficiency {self.efficiency:.0%}); constraint {self.constraint:.3f}, "
            f"hierarchy {self.hierarchy:.3f}"
        )


def _arrays(G: Any, weight: str | None, progress: Progress | None) -> BurtArrays:
    return burt_arrays(mutual_ties(G, weight), progress=progress)


def _pick(
    arrays: BurtArrays, values: np.ndarray[Any, Any], nodes: Iterable[Hashable] | None
) -> dict[Hashable, float]:
    return {arrays.nodes[i]: float(values[i]) for i in positions(arrays.nodes, nodes)}


def brokerage(
    G: Any,
    nodes: Iterable[Hashable] | None = None,
    weight: str | None = None,
    *,
    progress: Progress | None = None,
) -> dict[Hashable, Brokerage]:
    """All four measures of every node in ``nodes`` (default: all), in one pass.

    ``progress(done, total)`` is called as the triangles are listed (a few calls
    on a large graph).
    """
    arrays = _arrays(G, weight, progress)
    result = {}
    for i in positions(arrays.nodes, nodes):
        degree = int(arrays.degree[i])
        es = float(arrays.effective_size[i])
        result[arrays.nodes[i]] = Brokerage(
            degree=degree,
            constraint=float(arrays.constraint[i]),
            effective_size=es,
            efficiency=es / degree if degree else math.nan,
            hierarchy=float(arrays.hierarchy[i]),
        )
    return result


def constraint(
    G: Any,
    nodes: Iterable[Hashable] | None = None,
    weight: str | None = None,
    *,
    progress: Progress | None = None,
) -> dict[Hashable, float]:
    """Burt's constraint ``C_i = Σ_j c_ij`` of each node (NaN if isolated)."""
    arrays = _arrays(G, weight, progress)
    return _pick(arrays, arrays.constraint, nodes)


def effective_size(
    G: Any,
    nodes: Iterable[Hashable] | None = None,
    weight: str | None = None,
    *,
    progress: Progress | None = None,
) -> dict[Hashable, float]:
    """Burt's effective size ``ES_i = Σ_j (1 − Σ_q p_iq m_jq)`` (NaN if isolated)."""
    arrays = _arrays(G, weight, progress)
    return _pick(arrays, arrays.effective_size, nodes)


def efficiency(
    G: Any,
    nodes: Iterable[Hashable] | None = None,
    weight: str | None = None,
    *,
    progress: Progress | None = None,
) -> dict[Hashable, float]:
    """Effective size per contact, ``ES_i / n`` (NaN if isolated)."""
    arrays = _arrays(G, weight, progress)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = arrays.effective_size / arrays.degree
    return _pick(arrays, values, nodes)


def hierarchy(
    G: Any,
    nodes: Iterable[Hashable] | None = None,
    weight: str | None = None,
    *,
    progress: Progress | None = None,
) -> dict[Hashable, float]:
    """How unevenly the constraint is spread over the contacts: 0 when evenly, 1
    when one contact holds it all or n = 1 (NaN if isolated)."""
    arrays = _arrays(G, weight, progress)
    return _pick(arrays, arrays.hierarchy, nodes)


def _ties_of(G: Any, node: Hashable, weight: str | None) -> dict[Hashable, float]:
    """``z_node,q`` for every q ∈ N(node), q ≠ node, with the module's weight rules."""
    sub = G.subgraph([node, *nx.all_neighbors(G, node)])
    ties = mutual_ties(sub, weight)
    me = ties.nodes.index(node)
    out: dict[Hashable, float] = {}
    for a, b, z in zip(ties.u.tolist(), ties.v.tolist(), ties.z.tolist(), strict=True):
        if me in (a, b):
            out[ties.nodes[b if a == me else a]] = z
    return out


def local_constraint(G: Any, u: Hashable, v: Hashable, weight: str | None = None) -> float:
    """The dyadic constraint ``ℓ(u, v) = (p_uv + Σ_{q≠u,v} p_uq p_qv)²`` of v on u.

    v need not be u's neighbour (then only the indirect term is left). NaN when u
    has no contacts; ValidationError when u is v.
    """
    for node in (u, v):
        if node not in G:
            raise NotFoundError(f"node {node!r} is not in the graph")
    if u == v:
        raise ValidationError("the local constraint is between two different nodes")
    mine = _ties_of(G, u, weight)
    total = sum(mine.values())
    if total == 0:
        return math.nan
    direct = mine.get(v, 0.0) / total
    indirect = 0.0
    for q, z_uq in mine.items():
        if q == v:
            continue
        theirs = _ties_of(G, q, weight)
        z_qv = theirs.get(v, 0.0)
        if z_qv:
            indirect += (z_uq / total) * (z_qv / sum(theirs.values()))
    return (direct + indirect) ** 2


def ego_constraint(G: Any, node: Hashable, weight: str | None = None) -> float:
    """Constraint of ``node`` on its own ego network: itself, its neighbours and the
    ties among them, nothing further (MODEL.md §4.1; Medici 0.236111, against
    0.209877 on the whole graph)."""
    if node not in G:
        raise NotFoundError(f"node {node!r} is not in the graph")
    ego = G.subgraph([node, *nx.all_neighbors(G, node)])
    return constraint(ego, [node], weight)[node]


def betweenness(
    G: Any,
    nodes: Iterable[Hashable] | None = None,
    weight: str | None = None,
    normalized: bool = True,
) -> dict[Hashable, float]:
    """Betweenness centrality (Brandes 2001) by ``nx.betweenness_centrality``.

    ``weight`` is a tie *strength*, as everywhere in this module, so the length
    of an edge is ``1/weight`` (Newman 2001): a path of strong ties is short.
    NetworkX would read the attribute as a length. Weights follow the module's
    rules (finite, ≥ 0; a zero-weight edge is no tie; self-loops ignored). Edge
    direction is kept on a directed graph. ``normalized`` divides by the number
    of pairs, ``(n−1)(n−2)/2`` undirected (Medici: 47.5/91 = 0.522, MODEL.md §4.4).
    """
    if weight is None:
        values = nx.betweenness_centrality(G, normalized=normalized)
    else:
        H: Any = nx.DiGraph() if G.is_directed() else nx.Graph()
        H.add_nodes_from(G)
        for a, b, w in G.edges(data=weight, default=1):
            if a == b:
                continue
            try:
                strength = float(w)
            except (TypeError, ValueError):
                raise ValidationError(
                    f"edge weights {weight!r} must be numbers, not {w!r}", field="weight"
                ) from None
            if not math.isfinite(strength) or strength < 0:
                raise ValidationError(
                    f"edge weight {weight!r} of ({a!r}, {b!r}) is {w!r}: weights must be "
                    "finite and not negative",
                    field="weight",
                )
            if strength == 0:
                continue
            previous = H.edges[a, b]["strength"] if H.has_edge(a, b) else 0.0
            H.add_edge(a, b, strength=previous + strength)
        for _, _, data in H.edges(data=True):
            data["length"] = 1.0 / data["strength"]
        values = nx.betweenness_centrality(H, normalized=normalized, weight="length")
    if nodes is None:
        return dict(values)
    picked = {}
    for node in nodes:
        if node not in values:
            raise NotFoundError(f"node {node!r} is not in the graph")
        picked[node] = values[node]
    return picked
