"""My network as GraphML or GEXF, for Gephi and friends.

Both formats take only scalar attributes, so lists become text: tags and
topics joined with ``"; "``, edge evidence with ``" | "``; an unknown value is
left out rather than written as an empty string. Every node carries ``label``
(the name), ``strength`` (my tie to them), ``circle``, ``cluster`` and
``cluster_name``; every edge ``strength`` (= ``weight``), ``kinds`` and
``evidence``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import networkx as nx

__all__ = ["FORMATS", "graph_bytes", "scalar_graph"]

FORMATS = ("graphml", "gexf")
_NODE_KEYS = (
    "strength",
    "circle",
    "organisation",
    "industry",
    "title",
    "kin",
    "is_me",
    "cluster",
    "cluster_name",
)


def _scalar(value: Any, sep: str = "; ") -> Any:
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if value != value else value
    if isinstance(value, list | tuple | set | frozenset):
        return sep.join(str(v) for v in value) if value else None
    return None if value is None else str(value)


def scalar_graph(
    G: nx.Graph[Any],
    *,
    membership: Mapping[int, int] | None = None,
    cluster_names: Mapping[int, str] | None = None,
) -> nx.Graph[Any]:
    """A copy of ``G`` whose attributes GraphML and GEXF can hold."""
    H: nx.Graph[Any] = nx.Graph()
    for n, d in G.nodes(data=True):
        attrs: dict[str, Any] = {"label": str(d.get("name", n))}
        extra = dict(d)
        if membership is not None and n in membership:
            extra["cluster"] = int(membership[n])
            if cluster_names is not None:
                extra["cluster_name"] = cluster_names.get(int(membership[n]))
        for key in (*_NODE_KEYS, "tags", "topics"):
            value = _scalar(extra.get(key))
            if value is not None:
                attrs[key] = value
        H.add_node(int(n), **attrs)
    for a, b, d in G.edges(data=True):
        s = float(d.get("strength", 0.0))
        H.add_edge(
            int(a),
            int(b),
            strength=s,
            weight=s,
            kinds=_scalar(d.get("kinds", ())) or "",
            evidence=_scalar(d.get("evidence", ()), " | ") or "",
        )
    return H


def graph_bytes(G: nx.Graph[Any], fmt: str) -> bytes:
    """``G`` (already scalar, see :func:`scalar_graph`) written as ``fmt``."""
    out = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(G, out, encoding="utf-8", prettyprint=True)
    elif fmt == "gexf":
        nx.write_gexf(G, out, encoding="utf-8", prettyprint=True)
    else:  # the facade checks the format first
        raise ValueError(fmt)
    return out.getvalue()
