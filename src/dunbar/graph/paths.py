"""Warm-introduction paths: who can introduce me to someone (MODEL.md §5).

Score
    A path ``source = v_0 → v_1 → … → v_n = target`` over ties of strength
    ``s_1 … s_n`` scores

        score = s_1 · Π_{k≥2} δ·(α + (1−α)·s_k)

    with δ = 0.8 (per-hop willingness), α = 0.2 (the floor: weak and professional
    ties still relay, Dodds, Muhamad & Watts 2003) and ``max_hops`` = 3. The first
    hop counts in full, because it is the trust my own ask needs. Paths are ranked
    by score, then by bottleneck ``min s_k`` (higher first), then by fewer hops.
    Only simple paths count (no person twice).

Edges
    Strengths are read from the edge attribute ``weight`` ("strength"). A strength
    must lie in [0, 1]; anything else (or a value that is not a number) raises
    :class:`~dunbar.errors.ValidationError` naming the edge. An edge whose strength
    is missing, ``None`` or 0 is not usable for an introduction and is left out.
    ``weight=None`` reads every edge as strength 1. Directed graphs are followed
    in the edge direction (``u → v``: u can introduce to v); undirected ones either
    way. Self-loops are ignored; multigraphs are refused (make a simple graph with
    the strongest tie of each pair first).

Targets
    ``target`` is one node or a collection of nodes (everyone at an organisation,
    everyone with a topic). With a collection, a path ends at the first member it
    reaches: no path passes through one member on its way to another, since that
    member is already someone to meet; :attr:`IntroPath.target` says which member
    the path reached. The source itself is never a target. A target that is a
    direct contact of the source gives a 1-hop path, scored ``s_1``.

At scale
    In the Dijkstra view the edge cost is ``−ln s_1`` on the source's edges and
    ``−ln δ(α+(1−α)s)`` elsewhere; all costs are ≥ 0, so a path's score only falls
    as it grows. Up to three hops the search meets in the middle: the source's
    out-neighbours, the targets' in-neighbours and the edges between them, with
    the middle nodes taken strongest last hop first and the search stopped as soon
    as the bound ``max s_1 · δ · δ(α+(1−α)s_3)`` falls below the k-th best score
    (a heap of size k). Nothing enumerates all simple paths. Longer searches
    (``max_hops`` ≥ 4) go depth first from the source, pruned by the hop distance
    to the targets (a reverse breadth-first search) and by the same bound. A
    :class:`PathIndex` holds the adjacency, prepared once, for repeated queries.

References
----------
Travers & Milgram 1969, Sociometry 32(4):425. Dodds, Muhamad & Watts 2003,
Science 301:827. Goel, Muhamad & Watts 2009, CHI. MODEL.md §5.

Examples
--------
The test graph of MODEL.md §5:

>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_weighted_edges_from([("me", "ann", 0.9), ("me", "bob", 0.4), ("me", "cat", 0.7),
...     ("ann", "tgt", 0.2), ("bob", "tgt", 0.9), ("cat", "dan", 0.8), ("dan", "tgt", 0.7),
...     ("ann", "dan", 0.5)], weight="strength")
>>> for p in intro_paths(G, "me", "tgt"):
...     print("–".join(p.nodes), round(p.score, 4), round(p.plain_product, 4), p.bottleneck)
me–bob–tgt 0.2944 0.36 0.4
me–cat–dan–tgt 0.286 0.392 0.7
me–ann–dan–tgt 0.2627 0.315 0.5
me–ann–tgt 0.2592 0.18 0.2
>>> intro_paths(G, "me", "tgt", k=1)[0].explain()[1]
'bob → tgt: tie strength 0.90, counts 0.74 (δ 0.8 × (α 0.2 + 0.8 × 0.90))'
"""

from __future__ import annotations

import heapq
import itertools
import math
import numbers
from collections.abc import Callable, Collection, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import networkx as nx

from dunbar.errors import NotFoundError, ValidationError

__all__ = ["IntroPath", "PathIndex", "intro_paths", "nearest_reachable"]

Adjacency = dict[Hashable, dict[Hashable, float]]
#: ``progress(done, total)``: edges read so far while an index is built.
Progress = Callable[[int, int], None]

_PROGRESS_EVERY = 65_536


@dataclass(frozen=True)
class IntroPath:
    """One way to be introduced, with the numbers its rank comes from.

    ``hops`` are the tie strengths ``s_1 … s_n`` along ``nodes``; ``evidence`` has
    one tuple of short strings per hop (the edge attribute "evidence", empty when
    the graph has none); ``delta`` and ``alpha`` are those the score used.
    """

    score: float
    nodes: tuple[Hashable, ...]
    hops: tuple[float, ...]
    bottleneck: float
    plain_product: float
    target: Hashable
    delta: float = 0.8
    alpha: float = 0.2
    evidence: tuple[tuple[str, ...], ...] = ()

    @property
    def length(self) -> int:
        """The number of hops."""
        return len(self.hops)

    @property
    def factors(self) -> tuple[float, ...]:
        """What each hop counts for: ``s_1``, then ``δ(α + (1−α)s_k)`` (multiplied: the score)."""
        return self.hops[:1] + tuple(
            self.delta * (self.alpha + (1 - self.alpha) * s) for s in self.hops[1:]
        )

    def explain(self, label: Callable[[Hashable], str] = str) -> list[str]:
        """One plain sentence per hop, then the score; ``label`` names a node."""
        lines: list[str] = []
        names = [label(n) for n in self.nodes]
        for i, (s, f) in enumerate(zip(self.hops, self.factors, strict=True)):
            head = f"{names[i]} → {names[i + 1]}: tie strength {s:.2f}"
            if i == 0:
                line = f"{head} (first hop, counts in full)"
            else:
                line = (
                    f"{head}, counts {f:.2f} (δ {self.delta:g} × (α {self.alpha:g} + "
                    f"{1 - self.alpha:g} × {s:.2f}))"
                )
            if i < len(self.evidence) and self.evidence[i]:
                line += "; evidence: " + ", ".join(self.evidence[i])
            lines.append(line)
        product = " × ".join(f"{f:.2f}" for f in self.factors)
        lines.append(
            f"score {self.score:.4f} = {product}; weakest tie {self.bottleneck:.2f}, "
            f"plain product {self.plain_product:.4f}"
        )
        return lines


def _strength(data: Mapping[str, Any], weight: str | None, u: Hashable, v: Hashable) -> float:
    """The usable strength of an edge, 0.0 when it cannot carry an introduction."""
    if weight is None:
        return 1.0
    raw = data.get(weight)
    if raw is None:
        return 0.0
    if isinstance(raw, bool) or not isinstance(raw, numbers.Real):
        raise ValidationError(
            f"edge ({u!r}, {v!r}): {weight} must be a number in [0, 1], not {raw!r}",
            field=weight,
        )
    s = float(raw)
    if not 0.0 <= s <= 1.0:  # NaN fails too
        raise ValidationError(
            f"edge ({u!r}, {v!r}): {weight} must lie in [0, 1], not {raw!r}", field=weight
        )
    return s


def _check_options(k: int, max_hops: int, delta: float, alpha: float) -> None:
    for name, value in (("k", k), ("max_hops", max_hops)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValidationError(f"{name} must be an integer ≥ 1, not {value!r}", field=name)
    if not 0 < delta <= 1:
        raise ValidationError(f"delta must lie in (0, 1], not {delta!r}", field="delta")
    if not 0 <= alpha <= 1:
        raise ValidationError(f"alpha must lie in [0, 1], not {alpha!r}", field="alpha")


class _TopK:
    """The k best paths seen so far; ``floor`` is the k-th best score once full.

    Entries order by (score, bottleneck, −hops), then by discovery (earlier wins),
    so that the heap's first entry is the one to drop.
    """

    __slots__ = ("floor", "heap", "k", "seen")

    def __init__(self, k: int) -> None:
        self.k = k
        self.heap: list[tuple[float, float, int, int, tuple[Hashable, ...], tuple[float, ...]]] = []
        self.floor = -1.0  # every score is > 0
        self.seen = 0

    def offer(self, score: float, nodes: tuple[Hashable, ...], hops: tuple[float, ...]) -> None:
        self.seen += 1
        entry = (score, min(hops), -len(hops), -self.seen, nodes, hops)
        if len(self.heap) < self.k:
            heapq.heappush(self.heap, entry)
            if len(self.heap) == self.k:
                self.floor = self.heap[0][0]
        elif entry > self.heap[0]:
            heapq.heapreplace(self.heap, entry)
            self.floor = self.heap[0][0]

    def best_first(self) -> list[tuple[float, tuple[Hashable, ...], tuple[float, ...]]]:
        return [(e[0], e[4], e[5]) for e in sorted(self.heap, reverse=True)]


class PathIndex:
    """The usable ties of a graph, prepared once for many :meth:`intro_paths` queries.

    A snapshot: strengths are read (and checked) when the index is built; change
    the graph and build a new one. Evidence text is read from the graph for the
    returned paths only. ``progress(done, total)`` is called while edges are read.
    """

    def __init__(
        self,
        G: nx.Graph[Any],
        *,
        weight: str | None = "strength",
        progress: Progress | None = None,
    ) -> None:
        if G.is_multigraph():
            raise ValidationError(
                "intro paths need a simple graph, not a multigraph: keep the strongest "
                "tie of each pair (nx.Graph or nx.DiGraph)"
            )
        self.graph = G
        self.weight = weight
        self.directed = G.is_directed()
        succ: Adjacency = {n: {} for n in G}
        pred: Adjacency = {n: {} for n in G} if self.directed else succ
        total = G.number_of_edges()
        for done, (u, v, data) in enumerate(G.edges(data=True), 1):
            s = _strength(data, weight, u, v)
            if s > 0.0 and u != v:
                succ[u][v] = s
                pred[v][u] = s
            if progress is not None and done % _PROGRESS_EVERY == 0:
                progress(done, total)
        if progress is not None:
            progress(total, total)
        self._succ = succ
        self._pred = pred
        self._best_first_hop: dict[Hashable, float] = {}

    def __contains__(self, node: object) -> bool:
        try:
            return node in self._succ
        except TypeError:  # unhashable
            return False

    # --- resolving the request -------------------------------------------------------------

    def _source(self, source: Hashable) -> Hashable:
        if source not in self:
            raise NotFoundError(f"{source!r} is not in the graph")
        return source

    def _targets(self, target: Hashable | Collection[Hashable], source: Hashable) -> set[Hashable]:
        if target in self:
            members: list[Hashable] = [cast(Hashable, target)]
        elif isinstance(target, Collection) and not isinstance(target, str | bytes):
            members = list(target)
            if not members:
                raise ValidationError("no target given: the collection is empty", field="target")
            missing = [t for t in members if t not in self]
            if missing:
                shown = ", ".join(repr(t) for t in missing[:5])
                more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
                raise NotFoundError(f"not in the graph: {shown}{more}")
        else:
            raise NotFoundError(f"{target!r} is not in the graph")
        targets = set(members)
        targets.discard(source)
        if not targets:
            raise ValidationError(
                f"the source {source!r} is the only target: nobody to be introduced to",
                field="target",
            )
        return targets

    # --- queries -----------------------------------------------------------------------------

    def intro_paths(
        self,
        source: Hashable,
        target: Hashable | Collection[Hashable],
        *,
        k: int = 5,
        max_hops: int = 3,
        delta: float = 0.8,
        alpha: float = 0.2,
    ) -> list[IntroPath]:
        """The ``k`` best introduction paths from ``source`` to ``target``, best first.

        See the module docstring for the score, the ranking and the targets. An
        empty list when no usable path of at most ``max_hops`` hops exists.
        """
        _check_options(k, max_hops, delta, alpha)
        source = self._source(source)
        targets = self._targets(target, source)
        top = _TopK(k)
        if max_hops <= 3:
            self._meet_in_the_middle(top, source, targets, max_hops, delta, alpha)
        else:
            self._depth_first(top, source, targets, max_hops, delta, alpha)
        return [
            self._path(score, nodes, hops, delta, alpha) for score, nodes, hops in top.best_first()
        ]

    def nearest_reachable(
        self,
        source: Hashable,
        target: Hashable | Collection[Hashable],
        *,
        limit: int | None = None,
    ) -> tuple[Hashable, int] | None:
        """The target closest to ``source`` over usable ties and its number of hops.

        Breadth first, stopping at ``limit`` hops (``None``: no limit); ``None``
        when no target is reachable. Use it to say "the nearest is 4 hops away"
        when :meth:`intro_paths` finds nothing within ``max_hops``.
        """
        source = self._source(source)
        targets = self._targets(target, source)
        seen = {source}
        frontier = [source]
        hops = 0
        while frontier and (limit is None or hops < limit):
            hops += 1
            nxt: list[Hashable] = []
            for u in frontier:
                for v in self._succ[u]:
                    if v in seen:
                        continue
                    if v in targets:
                        return v, hops
                    seen.add(v)
                    nxt.append(v)
            frontier = nxt
        return None

    # --- the searches ------------------------------------------------------------------------

    def _best_s1(self, source: Hashable) -> float:
        best = self._best_first_hop.get(source)
        if best is None:
            best = max(self._succ[source].values(), default=0.0)
            self._best_first_hop[source] = best
        return best

    def _meet_in_the_middle(
        self,
        top: _TopK,
        s: Hashable,
        targets: set[Hashable],
        max_hops: int,
        delta: float,
        alpha: float,
    ) -> None:
        """Paths of 1 to 3 hops: ``s → t``, ``s → a → t`` and ``s → a → b → t``."""
        succ, pred = self._succ, self._pred
        out_s = succ[s]
        if not out_s:
            return
        beta = 1 - alpha
        for t in targets:
            s1 = out_s.get(t, 0.0)
            if s1:
                top.offer(s1, (s, t), (s1,))
        if max_hops == 1:
            return
        # Two hops: a is a source contact and an in-neighbour of t, and no target.
        for t in targets:
            into_t = pred[t]
            if len(into_t) <= len(out_s):
                for a, s2 in into_t.items():
                    s1 = out_s.get(a, 0.0)
                    if not s1 or a in targets:
                        continue
                    score = s1 * (delta * (alpha + beta * s2))
                    if score >= top.floor:
                        top.offer(score, (s, a, t), (s1, s2))
            else:
                for a, s1 in out_s.items():
                    s2 = succ[a].get(t, 0.0)
                    if not s2 or a in targets:
                        continue
                    score = s1 * (delta * (alpha + beta * s2))
                    if score >= top.floor:
                        top.offer(score, (s, a, t), (s1, s2))
        if max_hops == 2:
            return
        # Three hops: the middle edge a → b joins a source contact a to an in-neighbour b
        # of a target. Middle nodes come strongest last hop first; the bound
        # max s_1 · w_max · w(s_3) stops the search once it cannot reach the k-th score.
        cap = self._best_s1(s) * (delta * (alpha + beta * 1.0))
        middles: list[tuple[float, float, Hashable, Hashable]] = []
        for t in targets:
            for b, s3 in pred[t].items():
                if b != s and b not in targets:
                    middles.append((delta * (alpha + beta * s3), s3, b, t))
        middles.sort(key=_first, reverse=True)
        for w3, s3, b, t in middles:
            if cap * w3 < top.floor:
                break
            into_b = pred[b]
            if len(into_b) <= len(out_s):
                for a, s2 in into_b.items():
                    s1 = out_s.get(a, 0.0)
                    if not s1 or a in targets:
                        continue
                    score = s1 * (delta * (alpha + beta * s2)) * w3
                    if score >= top.floor:
                        top.offer(score, (s, a, b, t), (s1, s2, s3))
            else:
                for a, s1 in out_s.items():
                    s2 = succ[a].get(b, 0.0)
                    if not s2 or a in targets:
                        continue
                    score = s1 * (delta * (alpha + beta * s2)) * w3
                    if score >= top.floor:
                        top.offer(score, (s, a, b, t), (s1, s2, s3))

    def _depth_first(
        self,
        top: _TopK,
        s: Hashable,
        targets: set[Hashable],
        max_hops: int,
        delta: float,
        alpha: float,
    ) -> None:
        """Any ``max_hops``: depth first, pruned by hop distance and by the score bound."""
        succ, pred = self._succ, self._pred
        beta = 1 - alpha
        w_max = delta * (alpha + beta * 1.0)
        # Fewest hops from a node to a target, no target in between, up to max_hops − 1.
        dist: dict[Hashable, int] = dict.fromkeys(targets, 0)
        frontier: list[Hashable] = list(targets)
        for d in range(1, max_hops):
            nxt: list[Hashable] = []
            for v in frontier:
                for u in pred[v]:
                    if u not in dist:
                        dist[u] = d
                        nxt.append(u)
            frontier = nxt
        nodes: list[Hashable] = [s]
        hops: list[float] = []
        on_path = {s}

        def extend(u: Hashable, score: float, left: int) -> None:
            for v, sv in succ[u].items():
                if v in on_path:
                    continue
                new = score * (delta * (alpha + beta * sv)) if hops else sv
                if v in targets:
                    if new >= top.floor:
                        top.offer(new, (*nodes, v), (*hops, sv))
                    continue
                d = dist.get(v)
                if d is None or d > left - 1 or new * w_max < top.floor:
                    continue
                nodes.append(v)
                hops.append(sv)
                on_path.add(v)
                extend(v, new, left - 1)
                on_path.discard(v)
                hops.pop()
                nodes.pop()

        extend(s, 1.0, max_hops)

    def _path(
        self,
        score: float,
        nodes: tuple[Hashable, ...],
        hops: tuple[float, ...],
        delta: float,
        alpha: float,
    ) -> IntroPath:
        evidence: list[tuple[str, ...]] = []
        for u, v in itertools.pairwise(nodes):
            raw = self.graph[u][v].get("evidence") if self.graph.has_edge(u, v) else None
            if isinstance(raw, str):
                raw = [raw]
            evidence.append(tuple(str(e) for e in raw) if raw else ())
        return IntroPath(
            score=score,
            nodes=nodes,
            hops=hops,
            bottleneck=min(hops),
            plain_product=math.prod(hops),
            target=nodes[-1],
            delta=delta,
            alpha=alpha,
            evidence=tuple(evidence) if any(evidence) else (),
        )


def _first(item: tuple[float, float, Hashable, Hashable]) -> float:
    return item[0]


def intro_paths(
    G: nx.Graph[Any],
    source: Hashable,
    target: Hashable | Collection[Hashable],
    *,
    k: int = 5,
    max_hops: int = 3,
    delta: float = 0.8,
    alpha: float = 0.2,
    weight: str | None = "strength",
) -> list[IntroPath]:
    """The ``k`` best warm-introduction paths from ``source`` to ``target`` (MODEL.md §5).

    ``score = s_1 · Π_{k≥2} δ·(α+(1−α)s_k)``, ranked by score, then bottleneck
    ``min s_k`` (higher first), then fewer hops; only simple paths of at most
    ``max_hops`` hops over usable ties (strength in (0, 1]). ``target`` is a node
    or a collection of nodes; a path ends at the first member it reaches. An empty
    list when there is no such path.

    Builds a :class:`PathIndex` for this one query; keep one for many queries.

    Raises
    ------
    NotFoundError
        ``source`` or a target is not a node of ``G``.
    ValidationError
        A strength outside [0, 1] (the message names the edge); ``k`` or
        ``max_hops`` below 1, ``delta`` outside (0, 1], ``alpha`` outside [0, 1];
        the source as the only target; a multigraph.
    """
    _check_options(k, max_hops, delta, alpha)
    return PathIndex(G, weight=weight).intro_paths(
        source, target, k=k, max_hops=max_hops, delta=delta, alpha=alpha
    )


def nearest_reachable(
    G: nx.Graph[Any],
    source: Hashable,
    target: Hashable | Collection[Hashable],
    *,
    limit: int | None = None,
    weight: str | None = "strength",
) -> tuple[Hashable, int] | None:
    """The target nearest to ``source`` over usable ties, with its hop count, or ``None``.

    For the message when :func:`intro_paths` finds nothing within ``max_hops``
    (see :meth:`PathIndex.nearest_reachable`).
    """
    return PathIndex(G, weight=weight).nearest_reachable(source, target, limit=limit)
