// The network map: draws map data (dunbar.exporters.network_map.map_data) on a canvas.
// One copy, used twice: `dunbar map` inlines this file into its offline page (the data
// in <script type="application/json" id="data">), and the web app's /network page loads
// it as a static file (the data fetched from the canvas's data-src, never inline).
// Zoom with the wheel, pan by dragging, hover for the person, type to search. A click
// pins a node and its ties, or, when the canvas has data-link ("/people/{id}"), opens it.
// window.dunbarMap reports what was drawn (for the browser tests).
(function () {
  "use strict";
  var canvas = document.getElementById("map");
  if (!canvas) return;
  function start(data) {
  var nodes = data.nodes, edges = data.edges, link = canvas.getAttribute("data-link");
  var ctx = canvas.getContext("2d");
  var tip = document.getElementById("tip"), info = document.getElementById("info");
  var view = { x: 0, y: 0, k: 1 }, base = 1, hover = -1, pinned = -1, found = [];
  var neighbours = nodes.map(function () { return []; });
  edges.forEach(function (e) { neighbours[e[0]].push(e[1]); neighbours[e[1]].push(e[0]); });
  function radius(n) { return n.me ? 9 : 3 + 9 * (n.s || 0); }
  function local(ev) {
    var box = canvas.getBoundingClientRect();
    return { x: ev.clientX - box.left, y: ev.clientY - box.top };
  }
  function fit() {
    var dpr = window.devicePixelRatio || 1;
    canvas.width = canvas.clientWidth * dpr; canvas.height = canvas.clientHeight * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    var w = canvas.clientWidth, h = canvas.clientHeight, pad = 40;
    var xs = nodes.map(function (n) { return n.x; }), ys = nodes.map(function (n) { return n.y; });
    var minx = Math.min.apply(null, xs.concat([0])), maxx = Math.max.apply(null, xs.concat([0]));
    var miny = Math.min.apply(null, ys.concat([0])), maxy = Math.max.apply(null, ys.concat([0]));
    var k = Math.min((w - 2 * pad) / ((maxx - minx) || 1), (h - 2 * pad) / ((maxy - miny) || 1));
    if (!(k > 0)) k = 1;
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
  function at(p) {
    var best = -1, bestd = Infinity;
    nodes.forEach(function (n, i) {
      var dx = sx(n) - p.x, dy = sy(n) - p.y, d = dx * dx + dy * dy, r = radius(n) + 3;
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
  function open(i) {
    var n = nodes[i];
    if (link && i >= 0 && !n.me) window.location.assign(link.replace("{id}", String(n.id)));
  }
  var drag = null;
  canvas.addEventListener("mousedown", function (ev) {
    drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, moved: false };
    canvas.style.cursor = "grabbing";
  });
  window.addEventListener("mouseup", function (ev) {
    if (drag && !drag.moved) {
      var i = at(local(ev));
      if (link && i >= 0 && !nodes[i].me) { open(i); } else { pinned = i; show(pinned); draw(); }
    }
    drag = null; canvas.style.cursor = "grab";
  });
  canvas.addEventListener("mousemove", function (ev) {
    if (drag) {
      var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      view.x = drag.vx + dx; view.y = drag.vy + dy; draw(); return;
    }
    var i = at(local(ev));
    if (i !== hover) { hover = i; draw(); }
    canvas.style.cursor = i >= 0 && link ? "pointer" : "grab";
    if (i >= 0) {
      tip.style.display = "block"; tip.style.left = ev.clientX + 12 + "px";
      tip.style.top = ev.clientY + 12 + "px"; tip.textContent = describe(nodes[i]).join(" · ");
    } else { tip.style.display = "none"; }
  });
  canvas.addEventListener("mouseleave", function () { tip.style.display = "none"; });
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var p = local(ev), f = Math.exp(-ev.deltaY * 0.0015);
    view.x = p.x - (p.x - view.x) * f; view.y = p.y - (p.y - view.y) * f; view.k *= f; draw();
  }, { passive: false });
  var touch = null;
  canvas.addEventListener("touchstart", function (ev) {
    var t = ev.touches[0]; touch = { x: t.clientX, y: t.clientY, vx: view.x, vy: view.y };
  }, { passive: true });
  canvas.addEventListener("touchmove", function (ev) {
    if (!touch) return; var t = ev.touches[0];
    view.x = touch.vx + t.clientX - touch.x; view.y = touch.vy + t.clientY - touch.y; draw();
  }, { passive: true });
  var q = document.getElementById("q");
  q.addEventListener("input", function () {
    var text = q.value.trim().toLowerCase();
    found = [];
    if (text) nodes.forEach(function (n, i) {
      var hay = (n.name + " " + n.org + " " + (n.cluster || "")).toLowerCase();
      if (hay.indexOf(text) >= 0) found.push(i);
    });
    if (found.length) {
      var n = nodes[found[0]], w = canvas.clientWidth, h = canvas.clientHeight;
      view.x = w / 2 - view.k * n.x; view.y = h / 2 - view.k * n.y; show(found[0]);
    } else { show(pinned); }
    draw();
  });
  q.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { ev.preventDefault(); if (found.length) open(found[0]); }
  });
  var legend = document.getElementById("legend");
  data.legend.forEach(function (item) {
    var row = document.createElement("div"), dot = document.createElement("span");
    dot.style.background = item.c; row.appendChild(dot);
    row.appendChild(document.createTextNode(item.name + " (" + item.n + ")"));
    legend.appendChild(row);
  });
  window.addEventListener("resize", function () { fit(); draw(); });
  fit(); show(-1); draw();
  }
  var src = canvas.getAttribute("data-src");
  if (src) {
    fetch(src, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(start)
      .catch(function () {
        var info = document.getElementById("info");
        if (info) info.textContent = "The map could not be loaded; reload the page to try again.";
      });
  } else {
    start(JSON.parse(document.getElementById("data").textContent));
  }
})();
