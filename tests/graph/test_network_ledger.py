"""The graph built from the ledger, and path / who-knows / insights / exports on it.

Both backends (the ``ledger`` fixture). The expected numbers come from the
rules in ``dunbar.graph.build`` (its docstring table) and from MODEL.md §5 for
path scores, recomputed here from the edge strengths, not copied from a run.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import networkx as nx
import pytest

from dunbar import Ledger
from dunbar.errors import AmbiguousError, NotFoundError, ValidationError
from dunbar.graph.build import CC_STEP, DECLARED_DEFAULT, combine
from dunbar.strength import score_tie
from dunbar.strength.episodes import Episode


@dataclass
class Cast:
    me: int
    ann: int
    bob: int
    cat: int
    dan: int
    tgt: int
    eve: int


@pytest.fixture
def cast(ledger: Ledger) -> Cast:
    """A small network shaped like the MODEL.md §5 test graph, through the ledger's API."""
    add = ledger.add_person
    ann = add("Ann Archer", organisation="Acme", tags=["colleague"]).id
    bob = add("Bob Baker", organisation="Acme").id
    cat = add("Cat Cole", organisation="Beta Labs", tags=["friend"]).id
    dan = add("Dan Diaz", organisation="Beta Labs").id
    tgt = add(
        "Tia Target", organisation="Zeta Bank", title="Treasurer", tags=["supply-chain finance"]
    ).id
    eve = add("Eve Island").id
    for who, days, channel in (
        (ann, 3, "in_person"),
        (ann, 40, "in_person"),
        (bob, 20, "call"),
        (cat, 5, "in_person"),
        (dan, 60, "email"),
    ):
        ledger.log(
            "catch-up",
            with_=[who],
            when=dt.date(2026, 11, 22) - dt.timedelta(days=days),
            channel=channel,
        )
    # Ann and Dan met together with me twice (evidence "met together").
    for days in (10, 30):
        ledger.log(
            "lunch",
            with_=[ann, dan],
            when=dt.date(2026, 11, 22) - dt.timedelta(days=days),
            minutes=60,
        )
    ledger.know(ann, tgt, strength=0.2)
    ledger.know(bob, tgt, strength=0.9)
    ledger.know(cat, dan, strength=0.8)
    ledger.know(dan, tgt, strength=0.7)
    ledger.know(ann, dan, strength=0.5)
    ledger.know(bob, cat)  # no strength given: DECLARED_DEFAULT
    me = ledger.person("me").id
    return Cast(me, ann, bob, cat, dan, tgt, eve)


def test_my_edges_are_my_tie_strengths(ledger: Ledger, cast: Cast) -> None:
    net = ledger.network()
    G = net.graph
    assert net.me == cast.me and G.nodes[cast.me]["is_me"]
    for pid in (cast.ann, cast.bob, cast.cat, cast.dan):
        expected = ledger.tie(pid).strength.score
        assert expected is not None
        assert G.edges[cast.me, pid]["strength"] == pytest.approx(expected, abs=1e-9)
        assert G.nodes[pid]["strength"] == pytest.approx(expected, abs=1e-9)
    # Nothing is known of my tie to Tia or Eve: no edge to me, but they are nodes.
    assert not G.has_edge(cast.me, cast.tgt)
    assert cast.eve in G and G.degree(cast.eve) == 0
    assert G.nodes[cast.tgt]["organisation"] == "Zeta Bank"
    assert G.nodes[cast.tgt]["tags"] == ("supply-chain finance",)


def test_contact_edges_combine_their_evidence(ledger: Ledger, cast: Cast) -> None:
    G = ledger.network().graph
    assert G.edges[cast.bob, cast.tgt]["strength"] == pytest.approx(0.9)
    assert G.edges[cast.bob, cast.tgt]["kinds"] == ("declared",)
    assert G.edges[cast.bob, cast.cat]["strength"] == pytest.approx(DECLARED_DEFAULT)
    # Ann–Dan: declared 0.5 and two shared lunches, scored like one of my ties.
    lunches = [
        Episode(
            when=dt.date(2026, 11, 22) - dt.timedelta(days=d),
            channel="in_person",
            minutes=60,
            group=2,
        )
        for d in (10, 30)
    ]
    together = score_tie(lunches, now=dt.date(2026, 11, 22), params=ledger.strength_params())
    assert together.score is not None and together.score > 0
    edge = G.edges[cast.ann, cast.dan]
    assert edge["kinds"] == ("declared", "met together")
    assert edge["strength"] == pytest.approx(combine([0.5, together.score]), abs=1e-9)
    assert any("met together twice with you" in e for e in edge["evidence"])
    assert "you said they know each other" in edge["evidence"]


def test_cc_and_gathering_evidence(ledger: Ledger, cast: Cast) -> None:
    ledger.know(cast.cat, cast.tgt, evidence="email_cc")
    ledger.know(cast.cat, cast.tgt, evidence="email_cc")
    ledger.know(cast.cat, cast.tgt, evidence="email_cc", on="2026-11-01")
    dinner = ledger.add_gathering("Supper", on="2026-11-10", capacity=6)
    for pid in (cast.me, cast.ann, cast.bob, cast.eve):
        ledger.set_attendance(dinner.id, pid, "attended")
    ledger.set_attendance(dinner.id, cast.cat, "no_show")
    G = ledger.network().graph
    cc = G.edges[cast.cat, cast.tgt]
    assert cc["strength"] == pytest.approx(1 - CC_STEP**3)
    assert cc["evidence"] == ["on the same email 3 times, last 2026-11-01"]
    # Four attended (me included): each pair of the others gets min(0.5, 2/4) = 0.5.
    assert G.edges[cast.ann, cast.eve]["strength"] == pytest.approx(0.5)
    assert G.edges[cast.ann, cast.eve]["kinds"] == ("gatherings",)
    assert not G.has_edge(cast.cat, cast.eve)  # a no-show met nobody
    both = G.edges[cast.ann, cast.bob]
    assert both["strength"] == pytest.approx(0.5)
    assert not G.has_edge(cast.me, cast.eve)


def test_big_encounters_do_not_make_everyone_acquainted(ledger: Ledger, cast: Cast) -> None:
    crowd = [ledger.add_person(f"Guest {i}").id for i in range(13)]
    ledger.log("Conference", with_=crowd, when="2026-11-01", channel="event")
    G = ledger.network().graph
    assert not any(G.has_edge(a, b) for a in crowd for b in crowd if a < b)
    G12 = ledger.network(max_group=13).graph
    assert G12.has_edge(crowd[0], crowd[1])
    with pytest.raises(ValidationError):
        ledger.network(max_group=1)


def _formula(strengths: list[float], delta: float = 0.8, alpha: float = 0.2) -> float:
    """MODEL.md §5: s_1 · Π_{k≥2} δ(α + (1−α) s_k)."""
    out = strengths[0]
    for s in strengths[1:]:
        out *= delta * (alpha + (1 - alpha) * s)
    return out


def test_path_to_a_person_scores_and_explains_every_hop(ledger: Ledger, cast: Cast) -> None:
    report = ledger.path("Tia Target")
    assert report.target.kind == "person" and report.target.people == [cast.tgt]
    G = ledger.network().graph
    assert report.paths, "Tia is two hops away through Bob, Ann and Dan"
    scores = [p.score for p in report.paths]
    assert scores == sorted(scores, reverse=True)
    for p in report.paths:
        strengths = [G.edges[a, b]["strength"] for a, b in zip(p.nodes, p.nodes[1:], strict=False)]
        assert p.score == pytest.approx(_formula(strengths), abs=1e-12)
        assert p.bottleneck == pytest.approx(min(strengths))
        assert p.nodes[0] == cast.me and p.nodes[-1] == cast.tgt
        lines = p.explain()
        assert len(lines) == len(p.hops)
        assert lines[0].startswith("You know ")
    # The draft goes to the first connector of the best path and names the target.
    best = report.paths[0]
    assert report.draft is not None
    assert report.draft.startswith(f"Hi {best.names[1].split()[0]},")
    assert "Tia Target (Treasurer at Zeta Bank)" in report.draft
    custom = ledger.path("Tia Target", reason="We are both working on trade credit")
    assert custom.draft is not None and "We are both working on trade credit." in custom.draft


def test_path_to_an_organisation_and_a_topic(ledger: Ledger, cast: Cast) -> None:
    org = ledger.path("Zeta Bank")
    assert org.target.kind == "org" and org.target.people == [cast.tgt]
    assert org.paths and org.paths[0].reached == cast.tgt
    assert org.draft is not None and "someone at Zeta Bank" in org.draft
    beta = ledger.path("someone at beta labs", kind="org")
    assert sorted(beta.target.people) == sorted([cast.cat, cast.dan])
    topic = ledger.path("supply-chain finance", kind="topic")
    assert topic.target.kind == "topic" and cast.tgt in topic.target.people
    assert topic.paths[0].reached in topic.target.people


def test_path_failures_are_clear(ledger: Ledger, cast: Cast) -> None:
    with pytest.raises(NotFoundError, match="did you mean 'Tia Target'"):
        ledger.path("Tia Targt", kind="person")
    with pytest.raises(NotFoundError, match="no organisation matches"):
        ledger.path("Nowhere Inc", kind="org")
    with pytest.raises(ValidationError, match="that is you"):
        ledger.path("me")
    with pytest.raises(ValidationError, match="unknown target kind"):
        ledger.path("Tia Target", kind="planet")
    with pytest.raises(ValidationError):
        ledger.path("   ")
    ledger.add_person("Ann Other")
    with pytest.raises(AmbiguousError):
        ledger.path("Ann")
    with pytest.raises(ValidationError):
        ledger.path("Tia Target", max_hops=0)


def test_no_path_names_the_nearest_route(ledger: Ledger, cast: Cast) -> None:
    # Tia is 2 hops away: with max_hops=1 there is no path, and the message says so.
    report = ledger.path("Tia Target", max_hops=1)
    assert report.paths == [] and report.draft is None
    assert report.message is not None
    assert "within 1 hops" in report.message and "try --max-hops 2" in report.message
    # Eve is connected to nobody.
    lonely = ledger.path("Eve Island")
    assert lonely.paths == []
    assert lonely.message is not None and "no one you know is connected" in lonely.message


def test_who_knows_ranks_direct_and_one_hop(ledger: Ledger, cast: Cast) -> None:
    ledger.add_person("Far Away", tags=["supply-chain finance"])
    result = ledger.who_knows("supply-chain finance", mode="lexical")
    assert result.mode == "lexical"
    names = [e.name for e in result.entries]
    assert names[0] == "Tia Target"
    first = result.entries[0]
    assert first.via in (cast.ann, cast.bob, cast.dan)
    assert first.rank_score == pytest.approx(first.topic_score * first.reach)
    best = ledger.path("Tia Target", max_hops=2).paths[0]
    assert first.reach == pytest.approx(best.score)
    assert [e.name for e in result.unreachable] == ["Far Away"]
    with pytest.raises(ValidationError):
        ledger.who_knows("finance", limit=0)


def test_insights_report(ledger: Ledger, cast: Cast) -> None:
    report = ledger.insights(seed=1)
    assert report.people == 7 and report.my_ties == 4
    b = report.brokerage
    assert b.constraint is not None and 0 < b.constraint <= 1
    assert b.effective_size is not None and 1 <= b.effective_size <= 4
    assert b.compared_with >= 3
    assert report.clusters and sum(c.size for c in report.clusters) == 6
    assert report.clusters_bridged >= 1
    org = report.diversity["organisation"]
    assert org.k == 2 and org.n == 4  # Acme and Beta Labs among my scored ties
    assert report.beyond_work_share is not None and 0 < report.beyond_work_share < 1
    assert all(isinstance(line, str) and line for line in report.explain())
    assert ledger.insights(seed=1).clusters == report.clusters  # same seed, same report


def test_empty_and_lonely_ledgers(ledger: Ledger) -> None:
    net = ledger.network()
    assert list(net.graph.nodes) == [net.me] and net.report.my_ties == 0
    report = ledger.insights()
    assert report.brokerage.constraint is None and report.clusters == []
    assert report.clusters_bridged == 0
    assert ledger.who_knows("anything", mode="lexical").entries == []
    with pytest.raises(NotFoundError):
        ledger.path("anyone")
    assert "dunbarMap" in ledger.network_map()
    G = nx.read_graphml(_bytes_file(ledger.export_graph("graphml")))
    assert G.number_of_nodes() == 1


def _bytes_file(data: bytes):  # type: ignore[no-untyped-def]
    import io

    return io.BytesIO(data)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_export_round_trips(ledger: Ledger, cast: Cast, fmt: str) -> None:
    data = ledger.export_graph(fmt)
    read = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    G = read(_bytes_file(data))
    assert G.number_of_nodes() == 7
    built = ledger.network().graph
    assert G.number_of_edges() == built.number_of_edges()
    labels = {str(d.get("label")) for _n, d in G.nodes(data=True)}
    assert {"Ann Archer", "Tia Target", "Eve Island"} <= labels
    node = str(cast.tgt)
    attrs = G.nodes[node]
    assert attrs["organisation"] == "Zeta Bank" and attrs["tags"] == "supply-chain finance"
    assert "cluster" in attrs and "cluster_name" in attrs
    edge = G.edges[str(cast.bob), node]
    assert float(edge["strength"]) == pytest.approx(0.9)
    assert edge["evidence"] == "you said they know each other"
    with pytest.raises(ValidationError, match="unknown graph format"):
        ledger.export_graph("dot")


def test_map_is_self_contained(ledger: Ledger, cast: Cast) -> None:
    page = ledger.network_map(limit=3)
    assert page.startswith("<!doctype html>")
    assert "http://" not in page and "https://" not in page  # no CDN, works offline
    assert '"shown":4' in page  # me and my 3 strongest ties
    assert "<script src" not in page
    with pytest.raises(ValidationError):
        ledger.network_map(limit=0)


def test_forget_removes_the_person_from_the_graph(ledger: Ledger, cast: Cast) -> None:
    ledger.forget(cast.bob)
    G = ledger.network().graph
    assert cast.bob not in G
    assert not any("Bob" in e for _a, _b, d in G.edges(data=True) for e in d["evidence"])
    assert math.isfinite(G.edges[cast.dan, cast.tgt]["strength"])


def test_progress_is_reported(ledger: Ledger, cast: Cast) -> None:
    calls: list[tuple[str, int, int]] = []
    net = ledger.network(progress=lambda step, done, total: calls.append((step, done, total)))
    ledger.insights(network=net, progress=lambda s, d, t: calls.append((s, d, t)))
    steps = [c[0] for c in calls]
    assert steps.index("reading the ledger") < steps.index("encounters together")
    assert ("done", 3, 3) in calls and calls[-1] == ("done", 4, 4)
    assert all(0 <= done <= total for _s, done, total in calls)
