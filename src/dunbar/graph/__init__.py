"""Network intelligence: a pure engine over networkx graphs.

The algorithms here are pure functions in the networkx style: the graph first,
``nodes=None``, ``weight=None``, and a dict keyed by node as the result. Only the
builder (:mod:`dunbar.graph.build`) touches both the store and these
algorithms. The formulas, reference values and test graphs are in MODEL.md §4–6.
"""

from __future__ import annotations

from dunbar.graph.brokerage import (
    Brokerage,
    betweenness,
    brokerage,
    constraint,
    effective_size,
    efficiency,
    ego_constraint,
    hierarchy,
    local_constraint,
)
from dunbar.graph.paths import IntroPath, PathIndex, intro_paths, nearest_reachable

__all__ = [
    "Brokerage",
    "IntroPath",
    "PathIndex",
    "betweenness",
    "brokerage",
    "constraint",
    "effective_size",
    "efficiency",
    "ego_constraint",
    "hierarchy",
    "intro_paths",
    "local_constraint",
    "nearest_reachable",
]
