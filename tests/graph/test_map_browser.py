"""The HTML map in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

Skips cleanly when Playwright or a Chromium binary is missing (``.ci/run``
installs Debian's ``chromium``). The page is opened from a file with the network
cut off, so anything it tried to fetch would fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from dunbar.exporters.network_map import PALETTE, map_data, map_html

CHROMIUM = os.environ.get("DUNBAR_CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM:
        pytest.skip("no chromium binary (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield launched
        finally:
            launched.close()


def _karate() -> tuple[nx.Graph[Any], int, dict[int, int], dict[int, str]]:
    """Zachary's karate club as my network: node 0 is me, the clubs are clusters."""
    G: nx.Graph[Any] = nx.karate_club_graph()
    for n, d in G.nodes(data=True):
        d["name"] = f"Member {n}"
        d["organisation"] = d["club"]
        d["strength"] = None if n == 0 else round(0.1 + 0.8 * (n % 7) / 6, 3)
    for _a, _b, d in G.edges(data=True):
        d["strength"] = 0.5
    membership = {n: 0 if d["club"] == "Mr. Hi" else 1 for n, d in G.nodes(data=True) if n}
    return G, 0, membership, {0: "Mr. Hi", 1: "Officer"}


def test_map_draws_every_node_and_answers_hover_and_search(browser: Any, tmp_path: Path) -> None:
    G, me, membership, names = _karate()
    data = map_data(G, me, membership=membership, cluster_names=names, seed=3)
    page_file = tmp_path / "network.html"
    page_file.write_text(map_html(data), encoding="utf-8")

    context = browser.new_context(viewport={"width": 1000, "height": 700}, offline=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(page_file.as_uri())
    page.wait_for_function("window.dunbarMap && window.dunbarMap.drawn > 0")
    state = page.evaluate("window.dunbarMap")
    assert errors == []
    assert state["nodes"] == 34 and state["drawn"] == 34 and state["edges"] == 78

    shot = tmp_path / "map.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 5_000
    # Pixels of both cluster colours are on the canvas: the nodes were drawn.
    counts = page.evaluate(
        """(colours) => {
            const c = document.getElementById('map');
            const img = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            const want = colours.map(h => [1, 3, 5].map(i => parseInt(h.slice(i, i + 2), 16)));
            const hits = want.map(() => 0);
            for (let i = 0; i < img.length; i += 4) {
                want.forEach((w, k) => {
                    if (img[i] === w[0] && img[i + 1] === w[1] && img[i + 2] === w[2]) hits[k]++;
                });
            }
            return hits;
        }""",
        [PALETTE[0], PALETTE[1]],
    )
    assert counts[0] > 50 and counts[1] > 50

    # Hovering a node shows who it is.
    target = next(n for n in data["nodes"] if n["name"] == "Member 33")
    view = state["view"]
    x = view["x"] + view["k"] * target["x"]
    y = view["y"] + view["k"] * target["y"]
    page.mouse.move(x, y)
    tip = page.locator("#tip")
    assert tip.is_visible()
    assert tip.inner_text().startswith("Member 33")
    assert "cluster: Officer" in tip.inner_text()

    # Search centres on the first match and names it.
    page.fill("#q", "Member 12")
    assert page.locator("#info").inner_text().startswith("Member 12")

    # Zooming changes the scale.
    page.mouse.wheel(0, -400)
    assert page.evaluate("window.dunbarMap.view.k") > view["k"]
    context.close()


def test_map_on_a_phone_viewport(browser: Any, tmp_path: Path) -> None:
    G, me, membership, names = _karate()
    page_file = tmp_path / "network.html"
    page_file.write_text(
        map_html(map_data(G, me, membership=membership, cluster_names=names)), encoding="utf-8"
    )
    context = browser.new_context(viewport={"width": 390, "height": 844}, offline=True)
    page = context.new_page()
    page.goto(page_file.as_uri())
    page.wait_for_function("window.dunbarMap && window.dunbarMap.drawn > 0")
    assert page.evaluate("window.dunbarMap.drawn") == 34
    box = page.locator("#q").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    context.close()
