"""Network intelligence: a pure engine over networkx graphs.

The algorithms here are pure functions in the networkx style: the graph first,
``nodes=None``, ``weight=None``, and a dict keyed by node as the result. Only the
builder (:mod:`dunbar.graph.build`) touches both the store and these
algorithms. The formulas, reference values and test graphs are in MODEL.md §4–6.
"""

from __future__ import annotations

# ``brokerage`` (all four measures in one pass) stays in its module,
# dunbar.graph.brokerage.brokerage: a package attribute of that name would hide the module.
from dunbar.graph.brokerage import (
    Brokerage,
    betweenness,
    constraint,
    effective_size,
    efficiency,
    ego_constraint,
    hierarchy,
    local_constraint,
)
from dunbar.graph.clusters import (
    ClusterInfo,
    bridges,
    cluster_info,
    clusters,
    clusters_bridged,
    name_clusters,
    nmi,
)
from dunbar.graph.diversity import (
    DiversityReport,
    beyond_work_share,
    blau,
    d_social,
    diversity,
    effective_number,
    evenness,
    inverse_simpson,
    iqv,
    shannon,
)
from dunbar.graph.paths import IntroPath, PathIndex, intro_paths, nearest_reachable
from dunbar.graph.topics import TopicIndex, TopicItem, TopicMatch, match_topics

__all__ = [
    "Brokerage",
    "ClusterInfo",
    "DiversityReport",
    "IntroPath",
    "PathIndex",
    "TopicIndex",
    "TopicItem",
    "TopicMatch",
    "betweenness",
    "beyond_work_share",
    "blau",
    "bridges",
    "brokerage",
    "cluster_info",
    "clusters",
    "clusters_bridged",
    "constraint",
    "d_social",
    "diversity",
    "effective_number",
    "effective_size",
    "efficiency",
    "ego_constraint",
    "evenness",
    "hierarchy",
    "intro_paths",
    "inverse_simpson",
    "iqv",
    "local_constraint",
    "match_topics",
    "name_clusters",
    "nearest_reachable",
    "nmi",
    "shannon",
]
