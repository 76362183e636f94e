"""Network intelligence from the ledger: the graph, intro paths, who knows about X, insights.

The pure algorithms live in :mod:`dunbar.graph`; the graph is made by
:func:`dunbar.graph.build.build_graph` from the store and the strength
scoreboard of the same day. Nothing here is cached between calls: every answer
reflects the ledger as it is.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dunbar.errors import NotFoundError, ValidationError
from dunbar.facade.strength import StrengthMixin
from dunbar.normalise import name_key

if TYPE_CHECKING:
    import networkx as nx

    from dunbar.graph.build import BuildReport
    from dunbar.graph.paths import PathIndex

__all__ = [
    "Hop",
    "Network",
    "NetworkMixin",
    "PathReport",
    "PathTarget",
    "PathView",
    "WhoKnows",
    "WhoKnowsEntry",
]

Progress = Callable[[str, int, int], None]
TARGET_KINDS = ("auto", "person", "org", "topic")
#: How many people a topic target may stand for (the best matches).
TOPIC_TARGETS = 25


@dataclass
class Network:
    """My network on one day: the graph, my node, and what went into it."""

    graph: nx.Graph[Any]
    me: int
    today: dt.date
    report: BuildReport
    _index: Any = field(default=None, repr=False)

    def index(self) -> PathIndex:
        """The intro-path index of this graph, built on first use."""
        from dunbar.graph.paths import PathIndex

        if self._index is None:
            self._index = PathIndex(self.graph, weight="strength")
        return self._index  # type: ignore[no-any-return]

    def name(self, pid: int) -> str:
        return "you" if pid == self.me else str(self.graph.nodes[pid].get("name", pid))


@dataclass(frozen=True)
class Hop:
    source: int
    source_name: str
    target: int
    target_name: str
    strength: float
    evidence: list[str]


@dataclass(frozen=True)
class PathView:
    score: float
    bottleneck: float
    plain_product: float
    nodes: list[int]
    names: list[str]
    hops: list[Hop]
    reached: int

    def explain(self) -> list[str]:
        lines = []
        for i, hop in enumerate(self.hops):
            why = "; ".join(hop.evidence) or "no evidence recorded"
            who = "You know" if i == 0 else f"{hop.source_name} knows"
            lines.append(f"{who} {hop.target_name} ({hop.strength:.2f}): {why}")
        return lines


@dataclass(frozen=True)
class PathTarget:
    kind: str
    """``person``, ``org`` or ``topic``."""
    text: str
    people: list[int]
    note: str | None = None


@dataclass
class PathReport:
    target: PathTarget
    today: dt.date
    paths: list[PathView]
    draft: str | None
    message: str | None
    """When there is no path: why, and the nearest alternatives."""
    alternatives: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class WhoKnowsEntry:
    person_id: int
    name: str
    topic_score: float
    evidence: list[str]
    reach: float
    """My tie strength to them, or the score of the best one-hop introduction."""
    via: int | None
    via_name: str | None
    rank_score: float


@dataclass
class WhoKnows:
    query: str
    mode: str
    note: str | None
    entries: list[WhoKnowsEntry]
    unreachable: list[WhoKnowsEntry]
    """People who match but are more than one hop away from me."""


class NetworkMixin(StrengthMixin):
    # --- the graph ---------------------------------------------------------------------
    def network(
        self,
        *,
        today: dt.date | str | None = None,
        progress: Progress | None = None,
        max_group: int | None = None,
    ) -> Network:
        """My who-knows-whom graph on ``today`` (see :mod:`dunbar.graph.build`)."""
        from dunbar.graph.build import MAX_GROUP, build_graph

        day = self._today(today)
        group = MAX_GROUP if max_group is None else max_group
        if group < 2:
            raise ValidationError("max_group must be at least 2", field="max_group")
        with self._guard():
            board = self._scoreboard(day, progress)
            ties: dict[int, tuple[float | None, int | None]] = {}
            layer = dict(
                zip(board.circles.person.tolist(), board.circles.layer.tolist(), strict=True)
            )
            for pid, score in zip(
                board.scores.person.tolist(), board.scores.score.tolist(), strict=True
            ):
                ties[int(pid)] = (
                    None if score != score else float(score),
                    int(layer[pid]) or None if pid in layer else None,
                )
            with self._engine.connect() as conn:
                params = self._params(conn)
                graph, me, report = build_graph(
                    conn, ties=ties, today=day, params=params, max_group=group, progress=progress
                )
        return Network(graph, me, day, report)

    # --- intro paths -------------------------------------------------------------------
    def path(
        self,
        target: str | int,
        *,
        kind: str = "auto",
        k: int = 5,
        max_hops: int = 3,
        delta: float = 0.8,
        alpha: float = 0.2,
        reason: str | None = None,
        today: dt.date | str | None = None,
        network: Network | None = None,
    ) -> PathReport:
        """Ranked warm-introduction paths from me to a person, an organisation or a topic.

        ``kind="auto"`` tries a person first, then an organisation, then a topic.
        No path within ``max_hops`` is not an error: the report's ``message``
        says so and names the nearest alternatives. An unknown target raises
        :class:`~dunbar.errors.NotFoundError` with the closest names.
        """
        if kind not in TARGET_KINDS:
            raise ValidationError(
                f"unknown target kind {kind!r}: use {', '.join(TARGET_KINDS)}", field="kind"
            )
        net = network or self.network(today=today)
        spec = self._target(net, target, kind)
        found = net.index().intro_paths(
            net.me, set(spec.people), k=k, max_hops=max_hops, delta=delta, alpha=alpha
        )
        views = [self._view(net, p) for p in found]
        # The request goes to the connector of the best path that has one; a
        # direct tie is said plainly, since no introduction is needed.
        via = next((v for v in views if len(v.nodes) > 2), None)
        direct = next((v for v in views if len(v.nodes) == 2), None)
        parts = []
        if direct is not None:
            parts.append(
                f"You already know {direct.names[1]} directly "
                f"(tie strength {direct.hops[0].strength:.2f}): you can reach out yourself."
            )
        if via is not None:
            parts.append(_draft(net, via, spec, reason))
        draft = "\n\n".join(parts) or None
        message = None
        alternatives: list[str] = []
        if not views:
            message, alternatives = _no_path(net, spec, max_hops)
        return PathReport(spec, net.today, views, draft, message, alternatives)

    def _view(self, net: Network, found: Any) -> PathView:
        G = net.graph
        nodes = [int(n) for n in found.nodes]
        hops = []
        for a, b in itertools.pairwise(nodes):
            data = G.edges[a, b]
            hops.append(
                Hop(
                    a,
                    net.name(a),
                    b,
                    net.name(b),
                    float(data["strength"]),
                    list(data.get("evidence", [])),
                )
            )
        return PathView(
            score=float(found.score),
            bottleneck=float(found.bottleneck),
            plain_product=float(found.plain_product),
            nodes=nodes,
            names=[net.name(n) for n in nodes],
            hops=hops,
            reached=int(found.target),
        )

    def _target(self, net: Network, target: str | int, kind: str) -> PathTarget:
        from dunbar.store import people as people_store

        text = str(target).strip()
        if not text:
            raise ValidationError("empty target: name a person, an organisation or a topic")
        G = net.graph
        if kind in ("auto", "person"):
            try:
                with self._read() as conn:
                    pid = people_store.resolve_person(conn, target)
            except NotFoundError:
                if kind == "person":
                    raise NotFoundError(_unknown(net, text, "person")) from None
            else:
                if pid == net.me:
                    raise ValidationError("that is you: name someone you want to meet")
                return PathTarget("person", net.name(pid), [pid])
        if kind in ("auto", "org"):
            key = name_key(text.removeprefix("someone at ").strip())
            at = sorted(
                n
                for n, d in G.nodes(data=True)
                if not d.get("is_me")
                and d.get("organisation")
                and name_key(d["organisation"]) == key
            )
            if at:
                org = str(G.nodes[at[0]]["organisation"])
                return PathTarget("org", org, at, note=f"{len(at)} people at {org}")
            if kind == "org":
                raise NotFoundError(_unknown(net, text, "organisation"))
        result = self.topic_matches(text, limit=TOPIC_TARGETS)  # type: ignore[attr-defined]
        people = [m.person_id for m in result.matches if m.person_id in G]
        if not people:
            raise NotFoundError(_unknown(net, text, "person, organisation or topic"))
        return PathTarget("topic", text, people, note=result.note)

    # --- who knows about X -------------------------------------------------------------
    def who_knows(
        self,
        topic: str,
        *,
        limit: int = 10,
        mode: str = "auto",
        today: dt.date | str | None = None,
        network: Network | None = None,
    ) -> WhoKnows:
        """Who in my network knows about ``topic``, directly or one hop away, ranked.

        Each person's topic match (0–1) is multiplied by how well I reach them:
        my tie strength, or the score of the best one-hop introduction
        (MODEL.md §5). People two or more hops away are listed apart.
        """
        if limit < 1:
            raise ValidationError("limit must be at least 1", field="limit")
        result = self.topic_matches(topic, limit=max(limit * 5, 50), mode=mode)  # type: ignore[attr-defined]
        net = network or self.network(today=today)
        G = net.graph
        entries: list[WhoKnowsEntry] = []
        far: list[WhoKnowsEntry] = []
        for m in result.matches:
            pid = int(m.person_id)
            if pid not in G or pid == net.me:
                continue
            best = net.index().intro_paths(net.me, pid, k=1, max_hops=2)
            if best:
                p = best[0]
                via = int(p.nodes[1]) if len(p.nodes) == 3 else None  # type: ignore[call-overload]
                reach = float(p.score)
                entry = WhoKnowsEntry(
                    pid,
                    net.name(pid),
                    float(m.score),
                    list(m.evidence),
                    reach,
                    via,
                    None if via is None else net.name(via),
                    float(m.score) * reach,
                )
                entries.append(entry)
            else:
                far.append(
                    WhoKnowsEntry(
                        pid, net.name(pid), float(m.score), list(m.evidence), 0.0, None, None, 0.0
                    )
                )
        entries.sort(key=lambda e: (-e.rank_score, -e.topic_score, e.person_id))
        return WhoKnows(topic, result.mode_used, result.note, entries[:limit], far[:limit])


def _names(G: nx.Graph[Any]) -> list[str]:
    return [str(d.get("name")) for _n, d in G.nodes(data=True) if not d.get("is_me")]


def _unknown(net: Network, text: str, what: str) -> str:
    """ "No such X", with the closest names of people, organisations and topics."""
    from rapidfuzz import fuzz, process

    G = net.graph
    choices = set(_names(G))
    for _n, d in G.nodes(data=True):
        if d.get("organisation"):
            choices.add(str(d["organisation"]))
        choices.update(str(t) for t in d.get("tags", ()))
        choices.update(str(t) for t in d.get("topics", ()))
    near = process.extract(text, sorted(choices), scorer=fuzz.WRatio, limit=3, score_cutoff=60)
    hint = f"; did you mean {', '.join(repr(c) for c, _s, _i in near)}?" if near else ""
    return f"no {what} matches {text!r} in your network{hint}"


def _no_path(net: Network, spec: PathTarget, max_hops: int) -> tuple[str, list[str]]:
    """Why there is no path, and what is nearest (over the same usable ties as paths)."""
    import networkx as nx

    G = net.graph
    index = net.index()
    who = spec.text if spec.kind == "person" else f"anyone matching {spec.text!r}"
    nearest = index.nearest_reachable(net.me, set(spec.people))
    if nearest is not None:
        target, hops = nearest
        best = index.intro_paths(net.me, target, k=1, max_hops=hops)[0]
        names = " → ".join(net.name(int(n)) for n in best.nodes)  # type: ignore[call-overload]
        return (
            f"no warm path to {who} within {max_hops} hops; the nearest route is {hops} hops "
            f"({names}): try --max-hops {hops}",
            [names],
        )
    usable = nx.subgraph_view(G, filter_edge=lambda a, b: G.edges[a, b].get("strength", 0) > 0)
    lengths = nx.single_source_shortest_path_length(usable, net.me, cutoff=max_hops)
    alternatives: list[str] = []
    targets = [G.nodes[p] for p in spec.people]
    orgs = {d.get("organisation") for d in targets if d.get("organisation")}
    tags = {t for d in targets for t in d.get("tags", ())}
    for n, d in G.nodes(data=True):
        if n == net.me or n not in lengths:
            continue
        if d.get("organisation") in orgs or tags.intersection(d.get("tags", ())):
            alternatives.append(str(d.get("name")))
    alternatives.sort()
    shared = ", ".join(alternatives[:5])
    hint = (
        f"; people you can reach who share their organisation or tags: {shared}"
        if alternatives
        else "; record who knows them with `dunbar know A B`, or log a shared encounter"
    )
    return f"no one you know is connected to {who}{hint}", alternatives[:5]


def _first(name: str) -> str:
    return name.split()[0] if name.split() else name


def _draft(net: Network, best: PathView, spec: PathTarget, reason: str | None) -> str:
    """A short introduction request to the first connector, naming the reason."""
    G = net.graph
    me_name = str(G.nodes[net.me].get("name", "me"))
    target = G.nodes[best.reached]
    title = " at ".join(str(x) for x in (target.get("title"), target.get("organisation")) if x)
    who = f"{target.get('name')}" + (f" ({title})" if title else "")
    if reason is None:
        if spec.kind == "topic":
            reason = f"I'd value their perspective on {spec.text}"
        elif spec.kind == "org":
            reason = f"I'm hoping to connect with someone at {spec.text}"
        else:
            reason = "I'd love to get to know them"
    connector = best.names[1]
    chain = ""
    if len(best.nodes) > 3:
        chain = f" I believe you know {best.names[2]}, who knows them."
    return (
        f"Hi {_first(connector)}, would you be open to introducing me to {who}? "
        f"{reason.rstrip('.')}.{chain} I'm happy to send a short note you can forward, "
        f"and no worries at all if the timing isn't right. Thanks, {_first(me_name)}"
    )
