"""Clusters of one's network, their names, the bridges into them (MODEL.md §6).

Clusters
    :func:`clusters` runs Louvain (Blondel et al. 2008) through networkx's
    ``louvain_partitions`` with a fixed ``seed``: the same graph (same nodes and
    edges, inserted in the same order) and the same seed give the same clusters.
    Ids are 0, 1, 2, … by decreasing size; clusters of the same size are
    ordered by their smallest node (by ``<``; by the graph's node order when the
    nodes do not compare).

    **Drop ego first** (``exclude=[me]``). In a personal network "me" is tied to
    everyone, so every alter is one step from every other through me; modularity
    then sees one dense star, and Louvain glues otherwise separate circles
    together around me. The circles are the structure *among the alters*, so
    they are computed with ego removed (as the ego-network literature does:
    McCarty 2002, Social Networks 24:1).

    **Isolated nodes** (after the exclusion) are clusters of their own, one
    person each: a contact who knows nobody else of mine is a circle of one,
    and a shared "none" bucket would be named and counted as if it were a real
    group. This is also what Louvain does with them, and what
    :func:`clusters_bridged` counts (each is a component).

Names
    :func:`cluster_info` names a cluster by the first attribute (in the order
    given, organisation before tags by default) whose most common value is held
    by at least ``min_share`` of its members; the share is over all members,
    including those with no value. Otherwise, and for clusters smaller than
    ``min_size``, the name is "cluster 3 (12 people)". A second cluster with the
    same dominant value is named "Acme (cluster 4)".

Bridges (ego's fragile access to a cluster)
    For each cluster K of ``membership`` (ego's own entry, if any, is ignored):

    1. **Direct.** If ego has at least 1 and at most ``max_ties`` (default 1)
       direct ties into K, those contacts are the bridges to K: lose them and K
       is out of direct reach. With ``max_ties=1`` this is "c is ego's only
       direct tie into K".
    2. **Through one contact.** If ego has no direct tie into K, but every path
       from ego to every member of K that ego can reach passes through one
       contact c (c dominates them: Lengauer & Tarjan 1979, computed by
       networkx's ``immediate_dominators`` on the symmetric digraph), c is the
       bridge to K. Such a c is unique: two contacts cannot both lie on every
       path, since the path that starts at either avoids the other.

    Clusters that ego cannot reach, or reaches through several contacts, have
    no bridge and are left out. Edges are read as undirected.

Clusters bridged
    :func:`clusters_bridged` counts, for each node, the connected components of
    its ego network with the node removed (MODEL.md §6 [D]): how many otherwise
    separate groups it links. In large ego networks one acquaintance often links
    everything into one component; ``method="modularity"`` then counts greedy
    modularity communities (Clauset, Newman & Moore 2004) of the same ego network
    instead. CNM only merges communities joined by an edge, so that count is
    never below the component count.

Partition agreement
    :func:`nmi` is the normalised mutual information with the arithmetic mean,
    ``I(A;B) / ((H(A) + H(B)) / 2)`` (Danon et al. 2005; scikit-learn's default
    ``normalized_mutual_info_score``), for benchmarks against known groups.

References
----------
Blondel, Guillaume, Lambiotte & Lefebvre 2008, J. Stat. Mech. P10008. Clauset,
Newman & Moore 2004, Phys. Rev. E 70:066111. Lengauer & Tarjan 1979, ACM TOPLAS
1(1):121. Danon, Díaz-Guilera, Duch & Arenas 2005, J. Stat. Mech. P09008. Burt
1992, *Structural Holes*. dunbar MODEL.md §4.4, §6.

Examples
--------
MODEL.md §6 on Padgett's Florentine marriages:

>>> import networkx as nx
>>> G = nx.florentine_families_graph()
>>> bridged = clusters_bridged(G)
>>> [bridged[f] for f in ("Medici", "Guadagni", "Strozzi", "Peruzzi")]
[5, 4, 2, 1]
>>> nmi({1: "a", 2: "a", 3: "b", 4: "b"}, {1: 0, 2: 0, 3: 1, 4: 1})
1.0
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx

from dunbar.errors import NotFoundError, ValidationError

__all__ = [
    "ClusterInfo",
    "Progress",
    "bridges",
    "cluster_info",
    "clusters",
    "clusters_bridged",
    "name_clusters",
    "nmi",
]

Progress = Callable[[str, int, int], None]
"""``progress(step, done, total)``, as :data:`dunbar.facade.strength.Progress`; ``total``
is 0 when it is not known in advance (the number of Louvain levels)."""


def _order_key(G: nx.Graph[Any]) -> Callable[[Collection[Hashable]], Any]:
    """Sort key for a community: smallest node by ``<``, else by the graph's order."""
    nodes = list(G)
    try:
        sorted(nodes)
    except TypeError:
        position = {node: i for i, node in enumerate(nodes)}
        return lambda members: min(position[m] for m in members)
    return lambda members: min(members)  # type: ignore[type-var]


def _numbered(G: nx.Graph[Any], communities: Iterable[Collection[Hashable]]) -> dict[Any, int]:
    key = _order_key(G)
    ordered = sorted(communities, key=lambda c: (-len(c), key(c)))
    membership: dict[Any, int] = {}
    for cid, members in enumerate(ordered):
        for node in members:
            membership[node] = cid
    # In the graph's node order, so that iterating the result is stable too.
    return {node: membership[node] for node in G if node in membership}


def clusters(
    G: nx.Graph[Any],
    *,
    weight: str | None = "weight",
    resolution: float = 1.0,
    seed: int | None = 0,
    exclude: Iterable[Hashable] | None = None,
    progress: Progress | None = None,
) -> dict[Any, int]:
    """Louvain clusters of ``G``: node → cluster id (0 is the biggest).

    Parameters
    ----------
    G : networkx graph
        Directed graphs use directed modularity (networkx's Louvain).
    weight : str or None
        Edge attribute of the weights (an edge without it weighs 1); None for
        unweighted.
    resolution : float
        Above 1 favours smaller clusters, below 1 bigger ones (Reichardt &
        Bornholdt's γ). Must be positive.
    seed : int or None
        Louvain visits nodes in a random order; the default 0 makes the result
        reproducible. None draws a fresh order each time.
    exclude : iterable of nodes, optional
        Left out before clustering and absent from the result; pass ego here
        (module docstring).
    progress : callable, optional
        ``progress("clustering", level, 0)`` after each Louvain level.

    Raises
    ------
    ValidationError
        On a non-positive resolution or a negative or non-finite weight.
    """
    if not (math.isfinite(resolution) and resolution > 0):
        raise ValidationError(f"resolution must be positive, not {resolution!r}")
    dropped = set(exclude or ())
    H = G.subgraph([n for n in G if n not in dropped]) if dropped else G
    if weight is not None:
        for u, v, w in H.edges(data=weight, default=1):
            if not (isinstance(w, int | float) and math.isfinite(w) and w >= 0):
                raise ValidationError(
                    f"edge {u!r}–{v!r} has weight {w!r}; weights must be finite and ≥ 0",
                    field=weight,
                )
    if H.number_of_nodes() == 0:
        return {}
    if H.number_of_edges() == 0:
        return _numbered(H, [{n} for n in H])
    last: list[set[Any]] = [{n} for n in H]
    for level, partition in enumerate(
        nx.community.louvain_partitions(H, weight=weight, resolution=resolution, seed=seed),
        start=1,
    ):
        last = partition
        if progress is not None:
            progress("clustering", level, 0)
    return _numbered(H, last)


@dataclass(frozen=True)
class ClusterInfo:
    """One cluster: its id, name, members and the attribute value that named it.

    ``attribute``/``value``/``share`` describe the most common value of the
    first attribute that reached ``min_share`` (or, when none did, the best one
    found, with ``named_by_value`` false); all three are None when no member
    has any of the attributes.
    """

    id: int
    name: str
    size: int
    members: tuple[Any, ...]
    attribute: str | None = None
    value: str | None = None
    share: float | None = None
    named_by_value: bool = False

    def explain(self) -> str:
        people = "person" if self.size == 1 else "people"
        head = f"{self.name}: {self.size} {people}"
        if self.value is None or self.share is None:
            return head + ", with no organisation or tag in common"
        count = round(self.share * self.size)
        what = "at" if self.attribute == "organisation" else f"with {self.attribute}"
        return f"{head}, {count} of them ({self.share * 100:.0f} %) {what} {self.value}"


def _values(data: Mapping[str, Any], attribute: str) -> set[str]:
    raw = data.get(attribute)
    if raw is None:
        return set()
    if isinstance(raw, str):
        return {raw} if raw.strip() else set()
    return {str(v) for v in raw if v is not None and str(v).strip()}


def _fallback(cid: int, size: int) -> str:
    return f"cluster {cid} ({size} {'person' if size == 1 else 'people'})"


def cluster_info(
    G: nx.Graph[Any],
    membership: Mapping[Any, int],
    *,
    attributes: Sequence[str] = ("organisation", "tags"),
    min_share: float = 0.3,
    min_size: int = 3,
) -> dict[int, ClusterInfo]:
    """Describe and name every cluster of ``membership`` (rules in the module docstring).

    Node attributes are read from ``G.nodes[node]``: a string (``"organisation"``)
    or an iterable of strings (``"tags"``); a member not in ``G`` has none.
    """
    if not 0 < min_share <= 1:
        raise ValidationError(f"min_share must be in (0, 1], not {min_share!r}")
    groups: dict[int, list[Any]] = defaultdict(list)
    for node, cid in membership.items():
        groups[cid].append(node)
    out: dict[int, ClusterInfo] = {}
    used: set[str] = set()
    for cid in sorted(groups):
        members = groups[cid]
        size = len(members)
        best: tuple[str, str, float] | None = None
        chosen: tuple[str, str, float] | None = None
        for attribute in attributes:
            tally: Counter[str] = Counter()
            for node in members:
                data = G.nodes[node] if node in G else {}
                tally.update(_values(data, attribute))
            if not tally:
                continue
            value, count = min(tally.items(), key=lambda kv: (-kv[1], kv[0]))
            candidate = (attribute, value, count / size)
            if best is None or candidate[2] > best[2]:
                best = candidate
            if candidate[2] >= min_share:
                chosen = candidate
                break
        found = chosen or best
        named = chosen is not None and size >= min_size
        if named:
            assert chosen is not None
            name = chosen[1] if chosen[1] not in used else f"{chosen[1]} (cluster {cid})"
            used.add(chosen[1])
        else:
            name = _fallback(cid, size)
        out[cid] = ClusterInfo(
            id=cid,
            name=name,
            size=size,
            members=tuple(members),
            attribute=found[0] if found else None,
            value=found[1] if found else None,
            share=found[2] if found else None,
            named_by_value=named,
        )
    return out


def name_clusters(
    G: nx.Graph[Any],
    membership: Mapping[Any, int],
    *,
    attributes: Sequence[str] = ("organisation", "tags"),
    min_share: float = 0.3,
    min_size: int = 3,
) -> dict[int, str]:
    """Cluster id → name; :func:`cluster_info` has the shares behind each name."""
    infos = cluster_info(
        G, membership, attributes=attributes, min_share=min_share, min_size=min_size
    )
    return {cid: info.name for cid, info in infos.items()}


def _undirected(G: nx.Graph[Any]) -> nx.Graph[Any]:
    return G.to_undirected(as_view=True) if G.is_directed() else G


def bridges(
    G: nx.Graph[Any],
    ego: Hashable,
    membership: Mapping[Any, int],
    *,
    max_ties: int = 1,
) -> dict[int, list[Any]]:
    """Cluster id → ego's bridge contacts into it (definition in the module docstring).

    A cluster with a direct tie lists its ``≤ max_ties`` direct contacts; a
    cluster reached only through one contact lists that contact; other clusters
    are absent.

    Raises
    ------
    NotFoundError
        If ``ego`` is not in ``G``.
    """
    if ego not in G:
        raise NotFoundError(f"{ego!r} is not in the graph")
    if max_ties < 1:
        raise ValidationError(f"max_ties must be at least 1, not {max_ties!r}")
    U = _undirected(G)
    neighbours = set(U[ego]) - {ego}
    groups: dict[int, list[Any]] = defaultdict(list)
    for node, cid in membership.items():
        if node != ego:
            groups[cid].append(node)
    out: dict[int, list[Any]] = {}
    idom: dict[Any, Any] | None = None
    for cid in sorted(groups):
        members = groups[cid]
        direct = [m for m in members if m in neighbours]
        if direct:
            if len(direct) <= max_ties:
                out[cid] = direct
            continue
        if idom is None:
            idom = nx.immediate_dominators(U.to_directed(as_view=True), ego)
        tops = {_top(idom, ego, m) for m in members if m in idom}
        if len(tops) == 1:
            (top,) = tops
            if top in neighbours:
                out[cid] = [top]
    return out


def _top(idom: Mapping[Any, Any], ego: Hashable, node: Hashable) -> Any:
    """The ancestor of ``node`` in the dominator tree whose immediate dominator is ego."""
    while idom[node] != ego:
        node = idom[node]
    return node


def clusters_bridged(
    G: nx.Graph[Any],
    nodes: Iterable[Hashable] | None = None,
    *,
    method: Literal["components", "modularity"] = "components",
    progress: Progress | None = None,
) -> dict[Any, int]:
    """Node → number of clusters among its neighbours (MODEL.md §6 [D]).

    ``method="components"`` (the definition): connected components of the ego
    network with the node removed. ``"modularity"``: greedy modularity
    communities of the same graph (at least as many). Edges are read as
    undirected and self-loops ignored; a node without neighbours bridges 0.
    ``progress("clusters bridged", done, total)`` every 100 nodes and at the end.
    """
    if method not in ("components", "modularity"):
        raise ValidationError(f"method must be 'components' or 'modularity', not {method!r}")
    U = _undirected(G)
    chosen = list(U) if nodes is None else list(nodes)
    out: dict[Any, int] = {}
    total = len(chosen)
    for done, v in enumerate(chosen, start=1):
        alters = set(U[v]) - {v}
        if not alters:
            out[v] = 0
        elif method == "components":
            out[v] = _components(U, alters)
        else:
            sub = U.subgraph(alters)
            out[v] = len(nx.community.greedy_modularity_communities(sub))
        if progress is not None and (done % 100 == 0 or done == total):
            progress("clusters bridged", done, total)
    return out


def _components(U: nx.Graph[Any], alters: set[Any]) -> int:
    """Connected components of ``U[alters]`` by union–find over the alter–alter edges."""
    parent = {a: a for a in alters}

    def find(x: Any) -> Any:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    count = len(alters)
    for a in alters:
        for b in U[a]:
            if b in parent:
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[ra] = rb
                    count -= 1
    return count


def _entropy(counts: Iterable[int], n: int) -> float:
    return -math.fsum(c / n * math.log(c / n) for c in counts if c)


def nmi(a: Mapping[Any, Hashable], b: Mapping[Any, Hashable]) -> float:
    """Normalised mutual information of two partitions of the same nodes (arithmetic mean).

    ``I(A;B) / ((H(A) + H(B)) / 2)`` with natural logarithms, as scikit-learn's
    ``normalized_mutual_info_score`` (``average_method="arithmetic"``): 1 for
    the same partition under any labels; 1.0 also when both put everything in
    one cluster, and 0 when only one of them does (scikit-learn's conventions).

    Raises
    ------
    ValidationError
        If the two do not label the same nodes, or label none.
    """
    if a.keys() != b.keys():
        missing = len(set(a) ^ set(b))
        raise ValidationError(f"the partitions label different nodes ({missing} in one only)")
    n = len(a)
    if n == 0:
        raise ValidationError("the partitions are empty")
    joint = Counter((a[x], b[x]) for x in a)
    ca = Counter(a.values())
    cb = Counter(b.values())
    if len(ca) == len(cb) == 1:
        return 1.0
    ha, hb = _entropy(ca.values(), n), _entropy(cb.values(), n)
    mi = math.fsum(c / n * math.log(c * n / (ca[x] * cb[y])) for (x, y), c in joint.items())
    denominator = (ha + hb) / 2
    if denominator <= 0:
        return 0.0
    return min(1.0, max(0.0, mi / denominator))
