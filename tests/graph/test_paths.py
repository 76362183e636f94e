"""Warm-introduction paths: the MODEL.md §5 test graph, the rules, and a brute-force reference."""

from __future__ import annotations

import itertools
import math
import random

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dunbar.errors import NotFoundError, ValidationError
from dunbar.graph.paths import IntroPath, PathIndex, intro_paths, nearest_reachable

# MODEL.md §5 "Test graph".
SECTION5 = [
    ("me", "ann", 0.9),
    ("me", "bob", 0.4),
    ("me", "cat", 0.7),
    ("ann", "tgt", 0.2),
    ("bob", "tgt", 0.9),
    ("cat", "dan", 0.8),
    ("dan", "tgt", 0.7),
    ("ann", "dan", 0.5),
]
# MODEL.md §5 table: rank, path, score, plain product, bottleneck.
SECTION5_TABLE = [
    (("me", "bob", "tgt"), 0.2944, 0.36, 0.4),
    (("me", "cat", "dan", "tgt"), 0.2860, 0.392, 0.7),
    (("me", "ann", "dan", "tgt"), 0.2627, 0.315, 0.5),
    (("me", "ann", "tgt"), 0.2592, 0.18, 0.2),
]


def section5(graph: nx.Graph[str] | None = None) -> nx.Graph[str]:
    G = nx.Graph() if graph is None else graph
    G.add_weighted_edges_from(SECTION5, weight="strength")
    return G


# --- MODEL.md §5 ---------------------------------------------------------------------------


def test_section5_ranks_as_the_table() -> None:
    paths = intro_paths(section5(), "me", "tgt")
    assert [p.nodes for p in paths] == [row[0] for row in SECTION5_TABLE]
    for path, (_, score, plain, bottleneck) in zip(paths, SECTION5_TABLE, strict=True):
        assert path.score == pytest.approx(score, abs=1e-4)
        assert path.plain_product == pytest.approx(plain, abs=1e-4)
        assert path.bottleneck == pytest.approx(bottleneck, abs=1e-12)
        assert path.target == "tgt"
    # MODEL.md §5: "the plain product would rank path 2 first".
    assert max(paths, key=lambda p: p.plain_product).nodes == ("me", "cat", "dan", "tgt")


def test_section5_exact_scores_by_the_formula() -> None:
    # s_1 · δ(α + (1−α)s_2) · …, δ = 0.8, α = 0.2 (MODEL.md §5), worked by hand.
    paths = intro_paths(section5(), "me", "tgt")
    assert paths[0].score == pytest.approx(0.4 * 0.8 * (0.2 + 0.8 * 0.9), rel=1e-12)
    assert paths[1].score == pytest.approx(
        0.7 * 0.8 * (0.2 + 0.8 * 0.8) * 0.8 * (0.2 + 0.8 * 0.7), rel=1e-12
    )
    assert paths[0].hops == (0.4, 0.9)
    assert paths[0].factors == pytest.approx((0.4, 0.736))


def test_section5_directed_away_from_me_is_the_same() -> None:
    # Edges listed "me–x" in the order of MODEL.md §5 all point towards tgt.
    paths = intro_paths(section5(nx.DiGraph()), "me", "tgt")
    assert [p.nodes for p in paths] == [row[0] for row in SECTION5_TABLE]


def test_directed_edges_are_followed_in_their_direction() -> None:
    G = section5(nx.DiGraph())
    assert intro_paths(G, "tgt", "me") == []
    G.add_edge("tgt", "ann", strength=0.5)
    assert [p.nodes for p in intro_paths(G, "tgt", "me")] == []  # ann → me is not an edge
    G.add_edge("ann", "me", strength=0.5)
    assert [p.nodes for p in intro_paths(G, "tgt", "me")] == [("tgt", "ann", "me")]


def test_k_and_max_hops_cut_the_list() -> None:
    G = section5()
    assert [p.nodes for p in intro_paths(G, "me", "tgt", k=2)] == [
        SECTION5_TABLE[0][0],
        SECTION5_TABLE[1][0],
    ]
    assert [p.nodes for p in intro_paths(G, "me", "tgt", max_hops=2)] == [
        ("me", "bob", "tgt"),
        ("me", "ann", "tgt"),
    ]
    assert intro_paths(G, "me", "tgt", max_hops=1) == []


def test_four_hops_find_the_longer_paths_too() -> None:
    # With max_hops = 4, me–cat–dan–ann–tgt joins: 0.7 · 0.672 · 0.52 · 0.288.
    paths = intro_paths(section5(), "me", "tgt", k=10, max_hops=4)
    assert [p.nodes for p in paths][:4] == [row[0] for row in SECTION5_TABLE]
    assert paths[4].nodes == ("me", "cat", "dan", "ann", "tgt")
    expected = (
        0.7 * (0.8 * (0.2 + 0.8 * 0.8)) * (0.8 * (0.2 + 0.8 * 0.5)) * (0.8 * (0.2 + 0.8 * 0.2))
    )
    assert paths[4].score == pytest.approx(expected, rel=1e-12)
    assert len(paths) == 5


def test_a_direct_contact_is_a_one_hop_path_scored_s1() -> None:
    G = section5()
    G.add_edge("me", "tgt", strength=0.3)
    paths = intro_paths(G, "me", "tgt")
    assert paths[0].nodes == ("me", "tgt")
    assert paths[0].score == 0.3
    assert paths[0].explain()[0] == "me → tgt: tie strength 0.30 (first hop, counts in full)"


def test_ties_break_by_bottleneck_then_by_fewer_hops() -> None:
    # δ = 1, α = 0: a score is the plain product. Both paths score 0.4 exactly
    # (0.5 · 0.8 and 0.4 · 1.0); the bottleneck 0.5 beats 0.4.
    H = nx.Graph()
    H.add_edge("me", "b", strength=0.4)
    H.add_edge("b", "t", strength=1.0)
    H.add_edge("me", "a", strength=0.5)
    H.add_edge("a", "t", strength=0.8)
    paths = intro_paths(H, "me", "t", delta=1.0, alpha=0.0)
    assert paths[0].score == paths[1].score == 0.4
    assert [p.nodes for p in paths] == [("me", "a", "t"), ("me", "b", "t")]
    # Same score 0.5 and bottleneck 0.5: the one hop beats the two.
    G = nx.Graph()
    G.add_edge("me", "c", strength=0.5)
    G.add_edge("c", "t", strength=1.0)
    G.add_edge("me", "t", strength=0.5)
    paths = intro_paths(G, "me", "t", delta=1.0, alpha=0.0)
    assert [p.score for p in paths] == [0.5, 0.5]
    assert [p.nodes for p in paths] == [("me", "t"), ("me", "c", "t")]


# --- the explanation -------------------------------------------------------------------------


def test_explain_has_one_sentence_per_hop_and_the_score() -> None:
    best = intro_paths(section5(), "me", "tgt", k=2)[1]
    assert best.explain() == [
        "me → cat: tie strength 0.70 (first hop, counts in full)",
        "cat → dan: tie strength 0.80, counts 0.67 (δ 0.8 × (α 0.2 + 0.8 × 0.80))",
        "dan → tgt: tie strength 0.70, counts 0.61 (δ 0.8 × (α 0.2 + 0.8 × 0.70))",
        "score 0.2860 = 0.70 × 0.67 × 0.61; weakest tie 0.70, plain product 0.3920",
    ]
    assert best.explain(label=str.upper)[0].startswith("ME → CAT:")


def test_explain_includes_the_evidence_of_each_hop() -> None:
    G = section5()
    G["me"]["bob"]["evidence"] = ["12 meetings", "last seen 3 weeks ago"]
    G["bob"]["tgt"]["evidence"] = "cc'd together on 4 emails"
    best = intro_paths(G, "me", "tgt", k=1)[0]
    assert best.evidence == (
        ("12 meetings", "last seen 3 weeks ago"),
        ("cc'd together on 4 emails",),
    )
    lines = best.explain()
    assert lines[0].endswith(
        "(first hop, counts in full); evidence: 12 meetings, last seen 3 weeks ago"
    )
    assert lines[1].endswith("; evidence: cc'd together on 4 emails")
    assert intro_paths(section5(), "me", "tgt", k=1)[0].evidence == ()


# --- sets of targets -------------------------------------------------------------------------


def test_a_set_of_targets_ends_each_path_at_the_first_member() -> None:
    # {dan, tgt}: me–cat–dan–tgt and me–ann–dan–tgt pass through dan, so they end at dan.
    paths = intro_paths(section5(), "me", {"dan", "tgt"}, k=10)
    assert all(p.target == p.nodes[-1] for p in paths)
    assert all(not set(p.nodes[1:-1]) & {"dan", "tgt"} for p in paths)
    assert {p.nodes for p in paths} == {
        ("me", "cat", "dan"),
        ("me", "ann", "dan"),
        ("me", "bob", "tgt"),
        ("me", "ann", "tgt"),
    }
    # me–cat–dan: 0.7 · 0.8 · (0.2 + 0.8 · 0.8) = 0.4704, the best.
    assert paths[0].nodes == ("me", "cat", "dan")
    assert paths[0].score == pytest.approx(0.4704, abs=1e-12)
    assert paths[0].target == "dan"


def test_target_collections_of_any_kind_and_the_source_left_out() -> None:
    G = section5()
    expected = [p.nodes for p in intro_paths(G, "me", {"dan", "tgt"}, k=10)]
    for target in (["dan", "tgt"], frozenset({"dan", "tgt"}), ("tgt", "dan"), ["dan", "me", "tgt"]):
        assert [p.nodes for p in intro_paths(G, "me", target, k=10)] == expected
    with pytest.raises(ValidationError, match="only target"):
        intro_paths(G, "me", {"me"})
    with pytest.raises(ValidationError, match="only target"):
        intro_paths(G, "me", "me")
    with pytest.raises(ValidationError, match="empty"):
        intro_paths(G, "me", set())


def test_a_tuple_node_is_a_node_not_a_collection() -> None:
    G = nx.Graph()
    G.add_edge("me", ("acme", 1), strength=0.5)
    assert intro_paths(G, "me", ("acme", 1))[0].target == ("acme", 1)


# --- edges and options -----------------------------------------------------------------------


@pytest.mark.parametrize("bad", [1.5, -0.1, math.nan, "0.5", True])
def test_a_strength_outside_the_unit_interval_names_the_edge(bad: object) -> None:
    G = section5()
    G["dan"]["tgt"]["strength"] = bad
    with pytest.raises(ValidationError, match=r"edge \('(dan', 'tgt|tgt', 'dan)'\)") as caught:
        intro_paths(G, "me", "tgt")
    assert caught.value.field == "strength"


@pytest.mark.parametrize("unusable", [0, 0.0, None, "missing"])
def test_edges_without_a_strength_are_not_used(unusable: object) -> None:
    G = section5()
    if unusable == "missing":
        del G["bob"]["tgt"]["strength"]
    else:
        G["bob"]["tgt"]["strength"] = unusable
    nodes = [p.nodes for p in intro_paths(G, "me", "tgt")]
    assert nodes == [row[0] for row in SECTION5_TABLE if row[0] != ("me", "bob", "tgt")]


def test_other_weight_names_and_no_weight() -> None:
    G = nx.Graph()
    G.add_weighted_edges_from(SECTION5, weight="s")
    assert [p.nodes for p in intro_paths(G, "me", "tgt", weight="s")] == [
        r[0] for r in SECTION5_TABLE
    ]
    assert intro_paths(G, "me", "tgt") == []  # no "strength" on any edge
    # weight=None: every tie counts 1, so shorter paths win (δ(α + (1−α)) = δ per later hop).
    unweighted = intro_paths(G, "me", "tgt", weight=None)
    assert [p.length for p in unweighted] == [2, 2, 3, 3]
    assert unweighted[0].score == pytest.approx(0.8)


@pytest.mark.parametrize(
    "options",
    [
        {"k": 0},
        {"k": 2.5},
        {"max_hops": 0},
        {"delta": 0.0},
        {"delta": 1.2},
        {"alpha": -0.1},
        {"alpha": 1.5},
    ],
)
def test_options_out_of_range_raise(options: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        intro_paths(section5(), "me", "tgt", **options)  # type: ignore[arg-type]


def test_unknown_nodes_raise_not_found() -> None:
    G = section5()
    with pytest.raises(NotFoundError, match="'zoe'"):
        intro_paths(G, "zoe", "tgt")
    with pytest.raises(NotFoundError, match="'zoe'"):
        intro_paths(G, "me", "zoe")
    with pytest.raises(NotFoundError, match="'zoe'"):
        intro_paths(G, "me", {"tgt", "zoe"})


def test_no_path_is_an_empty_list_and_nearest_reachable_says_how_far() -> None:
    G = nx.path_graph(["me", "a", "b", "c", "d", "far"])
    nx.set_edge_attributes(G, 0.5, "strength")
    G.add_node("alone")
    assert intro_paths(G, "me", "far") == []
    assert intro_paths(G, "me", "alone") == []
    assert nearest_reachable(G, "me", "far") == ("far", 5)
    assert nearest_reachable(G, "me", {"far", "c"}) == ("c", 3)
    assert nearest_reachable(G, "me", "far", limit=4) is None
    assert nearest_reachable(G, "me", "alone") is None


def test_multigraphs_are_refused() -> None:
    with pytest.raises(ValidationError, match="multigraph"):
        intro_paths(nx.MultiGraph([("me", "a")]), "me", "a")


def test_an_index_answers_many_queries_and_reports_progress() -> None:
    G = section5()
    calls: list[tuple[int, int]] = []
    index = PathIndex(G, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (8, 8)
    assert index.intro_paths("me", "tgt") == intro_paths(G, "me", "tgt")
    assert [p.nodes for p in index.intro_paths("me", "dan", k=1)] == [("me", "cat", "dan")]
    assert "me" in index and "zoe" not in index and ["unhashable"] not in index


def test_intro_path_is_frozen() -> None:
    path = intro_paths(section5(), "me", "tgt", k=1)[0]
    assert isinstance(path, IntroPath)
    with pytest.raises(AttributeError):
        path.score = 1.0  # type: ignore[misc]


# --- against a brute-force reference ---------------------------------------------------------


def reference(
    G: nx.Graph[int],
    source: int,
    targets: set[int],
    *,
    max_hops: int,
    delta: float,
    alpha: float,
) -> list[tuple[float, float, tuple[int, ...]]]:
    """All simple paths (networkx), scored by MODEL.md §5, sorted with its tie-breaks."""
    usable = G.__class__()
    usable.add_nodes_from(G)
    usable.add_edges_from((u, v) for u, v, s in G.edges(data="strength") if s and u != v)
    found = []
    for nodes in nx.all_simple_paths(usable, source, targets, cutoff=max_hops):
        if set(nodes[1:-1]) & targets:
            continue
        hops = [G[u][v]["strength"] for u, v in itertools.pairwise(nodes)]
        score = hops[0]
        for s in hops[1:]:
            score = score * (delta * (alpha + (1 - alpha) * s))
        found.append((score, min(hops), tuple(nodes)))
    found.sort(key=lambda f: (-f[0], -f[1], len(f[2])))
    return found  # all of them: the caller takes the first k and looks for ties in the rest


@st.composite
def cases(draw: st.DrawFn) -> tuple[nx.Graph[int], int, int | set[int], dict[str, float]]:
    n = draw(st.integers(2, 9))
    directed = draw(st.booleans())
    G: nx.Graph[int] = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(range(n))
    pairs = [(u, v) for u in range(n) for v in range(n) if u != v and (directed or u < v)]
    chosen = (
        draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs))) if pairs else []
    )
    strength = st.one_of(
        st.sampled_from([0.0, 0.2, 0.5, 1.0]),
        st.floats(0.0, 1.0, allow_nan=False),
        st.none(),
    )
    for u, v in chosen:
        G.add_edge(u, v, strength=draw(strength))
    source = draw(st.integers(0, n - 1))
    others = [v for v in range(n) if v != source]
    if draw(st.booleans()):
        target: int | set[int] = draw(st.sampled_from(others))
    else:
        target = set(draw(st.lists(st.sampled_from(others), min_size=1, max_size=4)))
    options = {
        "k": draw(st.integers(1, 8)),
        "max_hops": draw(st.integers(1, 5)),
        "delta": draw(st.sampled_from([1.0, 0.8, 0.5]) | st.floats(0.01, 1.0)),
        "alpha": draw(st.sampled_from([0.0, 0.2, 1.0]) | st.floats(0.0, 1.0)),
    }
    return G, source, target, options


def assert_same_ranking(
    got: list[IntroPath], every: list[tuple[float, float, tuple[int, ...]]], k: int
) -> None:
    """The top k agree; node sequences must too unless another path has the same score."""
    want = every[:k]
    assert len(got) == len(want)
    scores = [w[0] for w in every]
    for i, (path, (score, bottleneck, nodes)) in enumerate(zip(got, want, strict=True)):
        assert path.score == pytest.approx(score, rel=1e-12, abs=1e-12)
        assert path.nodes[0] == nodes[0]
        tied = any(
            j != i and math.isclose(scores[j], score, rel_tol=1e-12, abs_tol=1e-15)
            for j in range(len(scores))
        )
        if not tied:
            assert path.nodes == nodes
            assert path.bottleneck == bottleneck
        assert path.target == path.nodes[-1]
        assert path.plain_product == pytest.approx(math.prod(path.hops), rel=1e-12)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_matches_brute_force_on_random_small_graphs(
    case: tuple[nx.Graph[int], int, int | set[int], dict[str, float]],
) -> None:
    G, source, target, options = case
    targets = {target} if isinstance(target, int) else set(target)
    got = intro_paths(G, source, target, **options)  # type: ignore[arg-type]
    want = reference(
        G,
        source,
        targets,
        max_hops=int(options["max_hops"]),
        delta=options["delta"],
        alpha=options["alpha"],
    )
    assert_same_ranking(got, want, int(options["k"]))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 6))
def test_matches_brute_force_on_clustered_graphs_with_a_hub(seed: int, k: int) -> None:
    # Denser graphs (a hub, triangles) where the pruning of the 3-hop search matters.
    rng = random.Random(seed)
    G: nx.Graph[int] = nx.powerlaw_cluster_graph(40, 3, 0.5, seed=seed)
    for u, v in G.edges:
        G[u][v]["strength"] = rng.choice([0.1, 0.5, 0.9, 1.0, rng.random()])
    source = max(G, key=G.degree)  # the hub as "me"
    target = rng.choice([n for n in G if n != source])
    for max_hops in (2, 3, 4):
        got = intro_paths(G, source, target, k=k, max_hops=max_hops)
        want = reference(G, source, {target}, max_hops=max_hops, delta=0.8, alpha=0.2)
        assert_same_ranking(got, want, k)


def test_docstring_examples() -> None:
    import doctest

    import dunbar.graph.paths

    result = doctest.testmod(dunbar.graph.paths)
    assert result.attempted >= 5
    assert result.failed == 0
