"""The network report about me, and the network as files (GraphML, GEXF, an HTML map).

Brokerage (MODEL.md §4) is computed on the whole graph that
:func:`~dunbar.graph.build.build_graph` makes: me, my contacts and the ties
known between them. For my own node that graph *is* my ego network; for a
contact it is the part of their network that I can see. Clusters are found
without me (my ties to everyone would glue them together), with the weights of
the ties between contacts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dunbar.errors import ValidationError
from dunbar.facade.network import Network, NetworkMixin, Progress

__all__ = ["Brokerage", "ClusterView", "Insights", "InsightsMixin"]

#: Tags that mark a tie as beyond work (MODEL.md §6, the beyond-work share).
BEYOND_WORK_TAGS = frozenset(
    {
        "family",
        "friend",
        "friends",
        "neighbour",
        "neighbor",
        "community",
        "school",
        "university",
        "sport",
        "sports",
        "hobby",
        "volunteer",
        "volunteering",
        "church",
        "club",
        "personal",
    }
)


CLUSTER_LIMIT = 1500
"""Clusters are found among my strongest ties up to this many (Dunbar's 1,500)."""
BETWEENNESS_MAX = 400
"""Betweenness (Brandes, O(nm) per graph) only up to this many people: at 2,000
people and 20,000 ties it takes about a minute (benchmarks/bench_network.py)."""


@dataclass(frozen=True)
class Brokerage:
    """My structural-holes figures, and how they compare with my contacts' (MODEL.md §4)."""

    constraint: float | None
    effective_size: float | None
    efficiency: float | None
    hierarchy: float | None
    betweenness: float | None
    compared_with: int
    """Contacts with at least two ties in the graph."""
    less_constrained_than: float | None
    """Share of those contacts whose constraint is higher than mine."""
    larger_than: float | None
    """Share of those contacts whose effective size is smaller than mine."""


@dataclass(frozen=True)
class ClusterView:
    id: int
    name: str
    size: int
    my_ties: int
    strongest: str | None
    strongest_strength: float | None
    bridges: list[str]
    """My only links into this cluster (one name: a single point of failure)."""


@dataclass
class Insights:
    today: dt.date
    people: int
    my_ties: int
    contact_ties: int
    brokerage: Brokerage
    clusters: list[ClusterView]
    clusters_bridged: int
    """Groups of my contacts who are not connected to each other except through me."""
    diversity: dict[str, Any]
    """By ``organisation``, ``industry`` and ``tag``: a :class:`~dunbar.graph.diversity` report."""
    beyond_work_share: float | None
    thin: list[str] = field(default_factory=list)

    def explain(self) -> list[str]:
        b = self.brokerage
        lines = []
        if b.constraint is not None and b.effective_size is not None:
            lines.append(
                f"Your constraint is {b.constraint:.3f} and your effective size "
                f"{b.effective_size:.1f} (Burt): the lower the constraint, the more of your "
                "contacts are not connected to each other except through you."
            )
        if b.less_constrained_than is not None:
            lines.append(
                f"You are less constrained than {100 * b.less_constrained_than:.0f} % of the "
                f"{b.compared_with} contacts with two or more ties here."
            )
        if self.clusters_bridged:
            lines.append(
                f"You bridge {self.clusters_bridged} groups of contacts who do not know each "
                "other otherwise."
            )
        if self.beyond_work_share is not None:
            lines.append(
                f"{100 * self.beyond_work_share:.0f} % of your tie strength is beyond work."
            )
        lines.extend(self.thin)
        return lines


def _work(data: Mapping[str, Any]) -> bool:
    if data.get("kin"):
        return False
    tags = {str(t).casefold() for t in data.get("tags", ())}
    return not tags & BEYOND_WORK_TAGS


class InsightsMixin(NetworkMixin):
    def insights(
        self,
        *,
        today: dt.date | str | None = None,
        seed: int = 0,
        network: Network | None = None,
        progress: Progress | None = None,
    ) -> Insights:
        """One report: my brokerage against my contacts', the clusters I bridge, diversity,
        and where my network is thin. ``progress(step, done, total)`` follows the phases."""
        import math

        from dunbar.graph.brokerage import betweenness
        from dunbar.graph.brokerage import brokerage as burt
        from dunbar.graph.clusters import bridges, cluster_info, clusters_bridged
        from dunbar.graph.diversity import beyond_work_share, diversity

        net = network or self.network(today=today)
        G, me = net.graph, net.me
        step = progress or (lambda _step, _done, _total: None)
        step("brokerage", 0, 4)
        figures = burt(G, weight="strength") if G.number_of_edges() else {}
        mine = figures.get(me)

        def real(value: float | None) -> float | None:
            return None if value is None or math.isnan(value) else float(value)

        others = [
            f
            for n, f in figures.items()
            if n != me and f.degree >= 2 and not math.isnan(f.constraint)
        ]
        less = larger = None
        if others and mine is not None and mine.degree:
            less = sum(f.constraint > mine.constraint for f in others) / len(others)
            larger = sum(f.effective_size < mine.effective_size for f in others) / len(others)
        between = None
        if 2 < G.number_of_nodes() <= BETWEENNESS_MAX:
            between = float(betweenness(G, nodes=[me], weight="strength").get(me, 0.0))
        brokerage = Brokerage(
            real(mine.constraint) if mine else None,
            real(mine.effective_size) if mine else None,
            real(mine.efficiency) if mine else None,
            real(mine.hierarchy) if mine else None,
            between,
            len(others),
            less,
            larger,
        )

        step("clusters", 1, 4)
        membership = _clusters(net, seed)
        infos = cluster_info(G, membership)
        only = bridges(G, me, membership)
        views = []
        for cid, info in sorted(infos.items()):
            members = [n for n, c in membership.items() if c == cid]
            mine_in = [n for n in members if G.has_edge(me, n)]
            strongest = max(mine_in, key=lambda n: (G.edges[me, n]["strength"], -n), default=None)
            views.append(
                ClusterView(
                    cid,
                    _info_name(info),
                    len(members),
                    len(mine_in),
                    None if strongest is None else net.name(strongest),
                    None if strongest is None else float(G.edges[me, strongest]["strength"]),
                    [net.name(n) for n in only.get(cid, [])],
                )
            )
        views.sort(key=lambda v: (-v.size, v.id))
        step("bridges and diversity", 2, 4)
        bridged = int(clusters_bridged(G, nodes=[me]).get(me, 0)) if G.degree(me) else 0

        closest = [n for n in G if n != me and (G.nodes[n].get("circle") or 10**9) <= 150] or [
            n for n in G if G.has_edge(me, n)
        ]
        weights = {n: float(G.nodes[n].get("strength") or 0.0) for n in closest}
        reports: dict[str, Any] = {
            "organisation": diversity(
                {n: G.nodes[n].get("organisation") for n in closest},
                weights=weights,
                label="organisations",
            ),
            "industry": diversity(
                {n: G.nodes[n].get("industry") for n in closest},
                weights=weights,
                label="industries",
            ),
        }
        # A person with several tags counts in each, their weight shared equally.
        tag_list: list[str | None] = []
        tag_weights: list[float] = []
        for n in closest:
            tags = sorted(set(G.nodes[n].get("tags", ())))
            for tag in tags or [None]:
                tag_list.append(tag)
                tag_weights.append(weights[n] / max(1, len(tags)))
        reports["tag"] = diversity(tag_list, weights=tag_weights, label="tags")
        mine_ties = (
            {n: float(G.edges[me, n]["strength"]) for n in G.neighbors(me)} if me in G else {}
        )
        beyond = (
            beyond_work_share(mine_ties, {n: _work(G.nodes[n]) for n in mine_ties})
            if mine_ties
            else None
        )
        if beyond is not None and math.isnan(beyond):
            beyond = None
        thin = _thin(net, views, closest, beyond, brokerage)
        step("done", 4, 4)
        return Insights(
            net.today,
            G.number_of_nodes(),
            net.report.my_ties,
            net.report.contact_ties,
            brokerage,
            views,
            bridged,
            reports,
            beyond,
            thin,
        )

    def export_graph(
        self,
        fmt: str,
        *,
        today: dt.date | str | None = None,
        seed: int = 0,
        network: Network | None = None,
    ) -> bytes:
        """My network as GraphML or GEXF (strengths, clusters and evidence as attributes)."""
        from dunbar.exporters.graph_files import FORMATS, graph_bytes, scalar_graph
        from dunbar.graph.clusters import name_clusters

        fmt = fmt.lower()
        if fmt not in FORMATS:
            raise ValidationError(f"unknown graph format {fmt!r}: use {' or '.join(FORMATS)}")
        net = network or self.network(today=today)
        membership = _clusters(net, seed)
        names = name_clusters(net.graph, membership)
        return graph_bytes(scalar_graph(net.graph, membership=membership, cluster_names=names), fmt)

    def network_map(
        self,
        *,
        today: dt.date | str | None = None,
        limit: int = 1500,
        seed: int = 0,
        network: Network | None = None,
    ) -> str:
        """A self-contained HTML map of my strongest ``limit`` ties (no CDN, works offline)."""
        from dunbar.exporters.network_map import map_html

        data = self.network_map_data(today=today, limit=limit, seed=seed, network=network)
        return map_html(data)

    def network_map_data(
        self,
        *,
        today: dt.date | str | None = None,
        limit: int = 1500,
        seed: int = 0,
        network: Network | None = None,
    ) -> dict[str, Any]:
        """What the map draws, as JSON-ready data: ``nodes`` (id, position, name,
        organisation, strength, circle, cluster, colour), ``edges`` (node indices and
        strength), the cluster ``legend``, ``shown``/``total`` and a ``subtitle``."""
        from dunbar.exporters.network_map import map_data, subtitle
        from dunbar.graph.clusters import name_clusters

        if limit < 1:
            raise ValidationError("limit must be at least 1", field="limit")
        net = network or self.network(today=today)
        membership = _clusters(net, seed)
        names = name_clusters(net.graph, membership)
        data = map_data(
            net.graph, net.me, membership=membership, cluster_names=names, limit=limit, seed=seed
        )
        data["subtitle"] = subtitle(data)
        return data


def _clusters(net: Network, seed: int) -> dict[Any, int]:
    """Louvain clusters of my ``CLUSTER_LIMIT`` strongest ties (without me).

    Beyond Dunbar's outermost layer (1,500) are people one would hardly
    recognise; and networkx's Louvain, pure Python, takes minutes on 50,000
    people and 500,000 ties (benchmarks/RESULTS.md, bench_network). The
    people left out have no cluster.
    """
    from dunbar.graph.clusters import clusters

    G, me = net.graph, net.me
    others = [n for n in G if n != me]
    if len(others) > CLUSTER_LIMIT:
        others = sorted(others, key=lambda n: (-(G.nodes[n].get("strength") or 0.0), n))
        G = G.subgraph(others[:CLUSTER_LIMIT])
    return clusters(G, weight="strength", seed=seed, exclude=[me])


def _info_name(info: Any) -> str:
    return str(getattr(info, "name", info))


def _thin(
    net: Network,
    clusters: list[ClusterView],
    closest: list[Any],
    beyond: float | None,
    brokerage: Brokerage,
) -> list[str]:
    """Where my network is thin, phrased as what one more tie would change."""
    G = net.graph
    lines = []
    for c in clusters:
        if c.size >= 3 and len(c.bridges) == 1 and c.my_ties <= 1:
            lines.append(
                f"Your only link to {c.name} ({c.size} people) is {c.bridges[0]}: "
                "one more tie there would keep that group within reach."
            )
        elif c.size >= 3 and c.my_ties == 0:
            lines.append(f"You have no direct tie into {c.name} ({c.size} people).")
    orgs = Counter(
        G.nodes[n].get("organisation") for n in closest if G.nodes[n].get("organisation")
    )
    if closest and orgs:
        org, count = orgs.most_common(1)[0]
        share = count / len(closest)
        if share >= 0.4 and len(closest) >= 5:
            lines.append(
                f"{100 * share:.0f} % of your closest ties are at {org}: "
                "your network narrows if you leave."
            )
    inner = sum(1 for n in closest if (G.nodes[n].get("circle") or 10**9) <= 5)
    if G.number_of_nodes() > 15 and inner < 5:
        lines.append(f"Your inner circle holds {inner} of 5: room for a closer friendship.")
    if beyond is not None and beyond < 0.1:
        lines.append(
            "Almost all your tie strength is work: ties beyond work carry you through change."
        )
    if brokerage.less_constrained_than is not None and brokerage.less_constrained_than < 0.5:
        lines.append(
            "Your contacts mostly know each other (constraint above the median): "
            "new circles would bring new information."
        )
    return lines
