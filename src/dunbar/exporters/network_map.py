"""A self-contained interactive map of my network: one HTML file, no CDN, works offline.

The layout is computed here (seeded, so the same ledger gives the same map); the
page only draws it on a canvas with a few dozen lines of its own script: zoom
with the wheel, pan by dragging, hover for the person, click to pin them and
their ties, type to search. Nodes are sized by tie strength to me and coloured
by cluster. ``window.dunbarMap`` reports what was drawn (for the browser test).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

import networkx as nx

__all__ = ["PALETTE", "map_data", "map_html"]

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
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent);
  var nodes = data.nodes, edges = data.edges;
  var canvas = document.getElementById("map"), ctx = canvas.getContext("2d");
  var tip = document.getElementById("tip"), info = document.getElementById("info");
  var view = { x: 0, y: 0, k: 1 }, base = 1, hover = -1, pinned = -1, found = [];
  var neighbours = nodes.map(function () { return []; });
  edges.forEach(function (e) { neighbours[e[0]].push(e[1]); neighbours[e[1]].push(e[0]); });
  function radius(n) { return n.me ? 9 : 3 + 9 * (n.s || 0); }
  function fit() {
    var dpr = window.devicePixelRatio || 1;
    canvas.width = canvas.clientWidth * dpr; canvas.height = canvas.clientHeight * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    var w = canvas.clientWidth, h = canvas.clientHeight, pad = 40;
    var xs = nodes.map(function (n) { return n.x; }), ys = nodes.map(function (n) { return n.y; });
    var minx = Math.min.apply(null, xs.concat([0])), maxx = Math.max.apply(null, xs.concat([0]));
    var miny = Math.min.apply(null, ys.concat([0])), maxy = Math.max.apply(null, ys.concat([0]));
    var k = Math.min((w - 2 * pad) / ((maxx - minx) || 1), (h - 2 * pad) / ((maxy - miny) || 1));
    view = { k: k, x: w / 2 - k * (minx + maxx) / 2, y: h / 2 - k * (miny + maxy) / 2 };
    base = k;
  }
  function sx(n) { return view.x + view.k * n.x; }
  function sy(n) { return view.y + view.k * n.y; }
  function draw() {
    var w = canvas.clientWidth, h = canvas.clientHeight, drawn = 0;
    ctx.clearRect(0, 0, w, h);
    var focus = pinned >= 0 ? pinned : hover;
    edges.forEach(function (e) {
      var a = nodes[e[0]], b = nodes[e[1]];
      var lit = focus >= 0 && (e[0] === focus || e[1] === focus);
      ctx.strokeStyle = lit ? "rgba(20,20,20,.8)" : "rgba(120,120,120," + (0.08 + 0.3 * e[2]) + ")";
      ctx.lineWidth = lit ? 1.5 : 0.6;
      ctx.beginPath(); ctx.moveTo(sx(a), sy(a)); ctx.lineTo(sx(b), sy(b)); ctx.stroke();
    });
    nodes.forEach(function (n, i) {
      var x = sx(n), y = sy(n), r = radius(n);
      if (x < -r || y < -r || x > w + r || y > h + r) return;
      ctx.fillStyle = n.c;
      ctx.globalAlpha = found.length && found.indexOf(i) < 0 ? 0.25 : 1;
      ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.fill();
      if (i === focus || found.indexOf(i) >= 0) {
        ctx.lineWidth = 2; ctx.strokeStyle = "#000"; ctx.stroke();
      }
      drawn += 1;
    });
    ctx.globalAlpha = 1;
    ctx.fillStyle = "#222"; ctx.font = "11px system-ui, sans-serif";
    var zoomed = view.k > 3 * base;
    nodes.forEach(function (n, i) {
      if (!(n.label || zoomed || i === focus)) return;
      ctx.fillText(n.name, sx(n) + radius(n) + 2, sy(n) + 4);
    });
    window.dunbarMap = { nodes: nodes.length, edges: edges.length, drawn: drawn, view: view };
  }
  function at(px, py) {
    var best = -1, bestd = Infinity;
    nodes.forEach(function (n, i) {
      var dx = sx(n) - px, dy = sy(n) - py, d = dx * dx + dy * dy, r = radius(n) + 3;
      if (d <= r * r && d < bestd) { best = i; bestd = d; }
    });
    return best;
  }
  function describe(n) {
    var parts = [n.name];
    if (n.title || n.org) parts.push([n.title, n.org].filter(Boolean).join(" at "));
    if (n.s !== null && !n.me) parts.push("tie strength " + n.s.toFixed(2));
    if (n.circle) parts.push("circle of " + n.circle);
    if (n.cluster) parts.push("cluster: " + n.cluster);
    return parts;
  }
  function show(i) {
    if (i < 0) { info.textContent = data.subtitle; return; }
    var n = nodes[i];
    info.textContent = describe(n).join(" · ") + " · knows " + neighbours[i].length + " here";
  }
  var drag = null;
  canvas.addEventListener("mousedown", function (ev) {
    drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, moved: false };
    canvas.style.cursor = "grabbing";
  });
  window.addEventListener("mouseup", function (ev) {
    if (drag && !drag.moved) { pinned = at(ev.clientX, ev.clientY); show(pinned); draw(); }
    drag = null; canvas.style.cursor = "grab";
  });
  canvas.addEventListener("mousemove", function (ev) {
    if (drag) {
      var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      view.x = drag.vx + dx; view.y = drag.vy + dy; draw(); return;
    }
    var i = at(ev.clientX, ev.clientY);
    if (i !== hover) { hover = i; draw(); }
    if (i >= 0) {
      tip.style.display = "block"; tip.style.left = ev.clientX + 12 + "px";
      tip.style.top = ev.clientY + 12 + "px"; tip.textContent = describe(nodes[i]).join(" · ");
    } else { tip.style.display = "none"; }
  });
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var f = Math.exp(-ev.deltaY * 0.0015), px = ev.clientX, py = ev.clientY;
    view.x = px - (px - view.x) * f; view.y = py - (py - view.y) * f; view.k *= f; draw();
  }, { passive: false });
  var touch = null;
  canvas.addEventListener("touchstart", function (ev) {
    var t = ev.touches[0]; touch = { x: t.clientX, y: t.clientY, vx: view.x, vy: view.y };
  }, { passive: true });
  canvas.addEventListener("touchmove", function (ev) {
    if (!touch) return; var t = ev.touches[0];
    view.x = touch.vx + t.clientX - touch.x; view.y = touch.vy + t.clientY - touch.y; draw();
  }, { passive: true });
  document.getElementById("q").addEventListener("input", function (ev) {
    var q = ev.target.value.trim().toLowerCase();
    found = [];
    if (q) nodes.forEach(function (n, i) {
      var text = (n.name + " " + n.org + " " + (n.cluster || "")).toLowerCase();
      if (text.indexOf(q) >= 0) found.push(i);
    });
    if (found.length) {
      var n = nodes[found[0]], w = canvas.clientWidth, h = canvas.clientHeight;
      view.x = w / 2 - view.k * n.x; view.y = h / 2 - view.k * n.y; show(found[0]);
    } else { show(pinned); }
    draw();
  });
  var legend = document.getElementById("legend");
  data.legend.forEach(function (item) {
    var row = document.createElement("div"), dot = document.createElement("span");
    dot.style.background = item.c; row.appendChild(dot);
    row.appendChild(document.createTextNode(item.name + " (" + item.n + ")"));
    legend.appendChild(row);
  });
  window.addEventListener("resize", function () { fit(); draw(); });
  fit(); draw();
})();
</script>
</body>
</html>
"""


def map_html(data: dict[str, Any], *, title: str = "My network — dunbar") -> str:
    """The page: ``data`` from :func:`map_data`, embedded as JSON."""
    subtitle = (
        f"{data['shown']:,} of {data['total']:,} people; size = tie strength, colour = cluster"
    )
    payload = dict(data, subtitle=subtitle)
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    # Inside <script>, "</" or "<!--" would end the element early; "<" only
    # occurs inside JSON strings, where \u003c is the same character.
    text = text.replace("<", "\\u003c")
    return (
        _PAGE.replace("__TITLE__", html.escape(title))
        .replace("__SUBTITLE__", html.escape(subtitle))
        .replace("__DATA__", text)
    )
