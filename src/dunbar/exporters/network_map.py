"""A self-contained interactive map of my network: one HTML file, no CDN, works offline.

The layout is computed here (seeded, so the same ledger gives the same map); the
page only draws it on a canvas with a few dozen lines of its own script
(``dunbar/web/static/map.js``, which the web app's /network page loads too): zoom
with the wheel, pan by dragging, hover for the person, click to pin them and
their ties, type to search. Nodes are sized by tie strength to me and coloured
by cluster. ``window.dunbarMap`` reports what was drawn (for the browser test).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import networkx as nx

__all__ = ["MAP_SCRIPT", "PALETTE", "map_data", "map_html", "map_script", "subtitle"]

PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#86bcb6",
    "#d37295",
    "#a0cbe8",
)
OTHER = "#bab0ac"
MAP_SCRIPT = Path(__file__).resolve().parent.parent / "web" / "static" / "map.js"
"""The map's script, one copy: inlined here, loaded with ``<script src>`` by the web app."""


def map_script() -> str:
    """The text of :data:`MAP_SCRIPT` (safe to inline: it never contains ``</``)."""
    text = MAP_SCRIPT.read_text(encoding="utf-8")
    if "</" in text:  # pragma: no cover - a guard for whoever edits map.js
        raise ValueError("map.js must not contain '</' (it is inlined in a <script>)")
    return text


def subtitle(data: Mapping[str, Any]) -> str:
    """What the map shows, in a line (the map's caption when nothing is picked)."""
    return f"{data['shown']:,} of {data['total']:,} people; size = tie strength, colour = cluster"


def map_data(
    G: nx.Graph[Any],
    me: int,
    *,
    membership: Mapping[int, int],
    cluster_names: Mapping[int, str],
    limit: int = 1500,
    seed: int = 0,
) -> dict[str, Any]:
    """Positions, sizes, colours and labels of the ``limit`` strongest ties (and me)."""
    ranked = sorted(
        (n for n in G if n != me),
        key=lambda n: (-(G.nodes[n].get("strength") or 0.0), n),
    )
    keep = {me, *ranked[:limit]}
    H = G.subgraph(keep)
    pos = _layout(H, me, seed)
    index = {n: i for i, n in enumerate(sorted(H))}
    sizes: dict[int, int] = {}
    for n in H:
        if n != me and membership.get(n) is not None:
            sizes[membership[n]] = sizes.get(membership[n], 0) + 1
    strongest = sorted(
        (n for n in H if n != me and H.nodes[n].get("strength")),
        key=lambda n: (-float(H.nodes[n]["strength"]), n),
    )[:LABELLED]
    nodes = []
    for n in sorted(H):
        d = H.nodes[n]
        cluster = membership.get(n)
        colour = "#222222" if n == me else _colour(cluster, sizes)
        x, y = (float(v) for v in pos[n])
        strength = d.get("strength")
        nodes.append(
            {
                "id": int(n),
                "x": round(x, 5),
                "y": round(y, 5),
                "name": "You" if n == me else str(d.get("name", n)),
                "org": d.get("organisation") or "",
                "title": d.get("title") or "",
                "s": None if strength is None else round(float(strength), 3),
                "circle": d.get("circle"),
                "cluster": None if cluster is None else cluster_names.get(cluster, str(cluster)),
                "c": colour,
                "me": n == me,
                "label": n == me or n in strongest,
            }
        )
    edges = [
        [index[a], index[b], round(float(d.get("strength", 0.0)), 3)]
        for a, b, d in H.edges(data=True)
    ]
    legend = []
    for cid, size in sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0])):
        colour = _colour(cid, sizes)
        if colour != OTHER:
            legend.append({"name": cluster_names.get(cid, str(cid)), "c": colour, "n": size})
    rest = sum(size for cid, size in sizes.items() if _colour(cid, sizes) == OTHER)
    if rest:
        legend.append({"name": "smaller groups", "c": OTHER, "n": rest})
    return {
        "nodes": nodes,
        "edges": edges,
        "legend": legend,
        "shown": len(nodes),
        "total": G.number_of_nodes(),
    }


LABELLED = 12
"""How many of my strongest ties are named on the map before zooming in."""


def _colour(cluster: int | None, sizes: Mapping[int, int]) -> str:
    """A palette colour for a cluster of two or more, grey for the rest."""
    if cluster is None or cluster >= len(PALETTE) or sizes.get(cluster, 0) < 2:
        return OTHER
    return PALETTE[cluster]


def _layout(H: nx.Graph[Any], me: int, seed: int) -> dict[Any, Any]:
    """Spring layout of my connected part; the rest on a ring around it.

    Left to the spring layout, nodes tied to nobody drift far away and squeeze
    the network into a corner of the page.
    """
    import math

    if not len(H):
        return {}
    main = nx.node_connected_component(H, me) if me in H else set()
    core = H.subgraph(main)
    pos: dict[Any, Any] = dict(nx.spring_layout(core, weight="strength", seed=seed, iterations=60))
    radius = max((math.hypot(float(x), float(y)) for x, y in pos.values()), default=0.0)
    rest = sorted(n for n in H if n not in main)
    ring = max(radius, 0.5) * 1.15
    for i, n in enumerate(rest):
        angle = 2 * math.pi * i / max(1, len(rest))
        pos[n] = (ring * math.cos(angle), ring * math.sin(angle))
    return pos


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<style>
  html, body { margin: 0; height: 100%; font: 14px system-ui, sans-serif; color: #222; }
  #map { position: fixed; inset: 0; width: 100%; height: 100%; background: #fff; cursor: grab; }
  #bar { position: fixed; top: 8px; left: 8px; right: 8px; display: flex; gap: 8px;
         align-items: center; flex-wrap: wrap; pointer-events: none; }
  #bar > * { pointer-events: auto; }
  #q { padding: 6px 8px; border: 1px solid #bbb; border-radius: 6px; min-width: 12em; }
  #info, #legend { background: rgba(255,255,255,.92); border: 1px solid #ddd;
         border-radius: 6px; padding: 6px 8px; }
  #legend { position: fixed; bottom: 8px; left: 8px; max-width: 45%; font-size: 12px; }
  #legend span { display: inline-block; width: .8em; height: .8em; border-radius: 50%;
         margin-right: .3em; vertical-align: middle; }
  #tip { position: fixed; display: none; background: #222; color: #fff; padding: 4px 6px;
         border-radius: 4px; font-size: 12px; pointer-events: none; max-width: 20em; }
</style>
</head>
<body>
<canvas id="map" aria-label="Network map"></canvas>
<div id="bar"><input id="q" type="search" placeholder="Find a person or organisation">
<div id="info">__SUBTITLE__</div></div>
<div id="legend"></div>
<div id="tip"></div>
<script type="application/json" id="data">__DATA__</script>
<script>
__SCRIPT__</script>
</body>
</html>
"""


def map_html(data: dict[str, Any], *, title: str = "My network — dunbar") -> str:
    """The page: ``data`` from :func:`map_data`, embedded as JSON."""
    caption = subtitle(data)
    payload = dict(data, subtitle=caption)
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    # Inside <script>, "</" or "<!--" would end the element early; "<" only
    # occurs inside JSON strings, where \u003c is the same character.
    text = text.replace("<", "\\u003c")
    return (
        _PAGE.replace("__TITLE__", html.escape(title))
        .replace("__SUBTITLE__", html.escape(caption))
        .replace("__SCRIPT__", map_script())
        .replace("__DATA__", text)
    )
