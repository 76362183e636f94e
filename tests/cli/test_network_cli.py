"""path, who-knows, insights, map and export --format graphml|gexf through the real
entry point, on both backends. Days are pinned with ``--today``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

Cli = Any
TODAY = "2026-11-22"


def _setup(cli: Cli) -> None:
    for args in (
        ("add", "person", "Ann Archer", "--org", "Acme"),
        ("add", "person", "Bob Baker", "--org", "Acme"),
        ("add", "person", "Tia Target", "--org", "Zeta Bank", "--tag", "supply-chain finance"),
        ("add", "person", "Eve Island"),
    ):
        result = cli(*args)
        assert result.code == 0, result.err
    for who, on in (("Ann Archer", "2026-11-20"), ("Bob Baker", "2026-11-01")):
        assert cli("log", "Coffee", "--with", who, "--on", on).code == 0
    assert cli("know", "Ann Archer", "Tia Target", "--strength", "0.3").code == 0
    assert cli("know", "Bob Baker", "Tia Target", "--strength", "0.9").code == 0


def test_path_text_json_and_draft(cli: Cli) -> None:
    _setup(cli)
    text = cli("path", "Tia Target", "--today", TODAY)
    assert text.code == 0, text.err
    assert "Paths to Tia Target" in text.out
    assert "you → Bob Baker → Tia Target" in text.out
    assert "Bob Baker knows Tia Target (0.90): you said they know each other" in text.out
    assert "Draft request:" in text.out and "would you be open to introducing me" in text.out
    data = cli("path", "Tia Target", "--today", TODAY, "--json", "-k", "1").json()
    assert data["target"] == {
        "kind": "person",
        "text": "Tia Target",
        "people": [data["paths"][0]["reached"]],
        "note": None,
    }
    assert len(data["paths"]) == 1
    assert data["paths"][0]["explain"][1].startswith("Bob Baker knows Tia Target")
    quiet = cli("path", "Zeta Bank", "--today", TODAY, "--no-draft")
    assert quiet.code == 0 and "Draft request" not in quiet.out
    assert "Paths to someone at Zeta Bank" in quiet.out


def test_path_failures(cli: Cli) -> None:
    _setup(cli)
    unknown = cli("path", "Tia Targit", "--as", "person", "--today", TODAY)
    assert unknown.code == 2
    assert unknown.err.strip().splitlines() == [
        "error: no person matches 'Tia Targit' in your network; did you mean 'Tia Target'?"
    ]
    none = cli("path", "Eve Island", "--today", TODAY)
    assert none.code == 1 and "no one you know is connected to Eve Island" in none.out
    short = cli("path", "Tia Target", "--max-hops", "1", "--today", TODAY)
    assert short.code == 1 and "try --max-hops 2" in short.out
    bad = cli("path", "Tia Target", "--as", "galaxy")
    assert bad.code == 2 and "unknown target kind" in bad.err
    assert "Traceback" not in bad.err + unknown.err + none.err


def test_who_knows(cli: Cli) -> None:
    _setup(cli)
    result = cli("who-knows", "supply-chain finance", "--mode", "lexical", "--today", TODAY)
    assert result.code == 0, result.err
    assert "1. Tia Target" in result.out and "through Bob Baker" in result.out
    data = cli(
        "who-knows", "supply-chain finance", "--mode", "lexical", "--json", "--today", TODAY
    ).json()
    assert data["entries"][0]["name"] == "Tia Target"
    assert data["entries"][0]["via_name"] == "Bob Baker"
    nothing = cli("who-knows", "underwater basket weaving", "--mode", "lexical")
    assert nothing.code == 0 and "Nobody in your network matches" in nothing.out


def test_insights_text_and_json(cli: Cli) -> None:
    _setup(cli)
    text = cli("insights", "--today", TODAY)
    assert text.code == 0, text.err
    assert "Your network on 2026-11-22: 5 people, 2 ties of yours" in text.out
    assert "Your constraint is" in text.out
    data = cli("insights", "--today", TODAY, "--json").json()
    assert data["people"] == 5 and data["my_ties"] == 2
    assert data["brokerage"]["constraint"] is not None
    assert isinstance(data["explain"], list) and data["explain"]


def test_map_and_graph_exports(cli: Cli, tmp_path: Path) -> None:
    _setup(cli)
    page = tmp_path / "network.html"
    result = cli("map", "--out", str(page), "--today", TODAY)
    assert result.code == 0, result.err
    assert f"Wrote a map of 4 people to {page}" in result.out
    html = page.read_text(encoding="utf-8")
    assert "Tia Target" in html and "https://" not in html
    for fmt in ("graphml", "gexf"):
        out = tmp_path / f"network.{fmt}"
        done = cli("export", "--format", fmt, "--out", str(out))
        assert done.code == 0, done.err
        G = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(out)
        assert G.number_of_nodes() == 5
    bad = cli("map", "--out", str(tmp_path / "missing" / "dir" / "map.html"))
    assert bad.code == 2 and bad.err.startswith("error: cannot write")
    wrong = cli("export", "--format", "dot")
    assert wrong.code == 2 and "graphml or gexf" in wrong.err
