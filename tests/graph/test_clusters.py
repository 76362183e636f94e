"""Clusters, names, bridges, clusters bridged and NMI (MODEL.md §4.4, §6)."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dunbar.errors import NotFoundError, ValidationError
from dunbar.graph.clusters import (
    ClusterInfo,
    bridges,
    cluster_info,
    clusters,
    clusters_bridged,
    name_clusters,
    nmi,
)

# --- clusters ---------------------------------------------------------------------------


def as_sets(membership: dict[Any, int]) -> set[frozenset[Any]]:
    groups: dict[int, set[Any]] = {}
    for node, cid in membership.items():
        groups.setdefault(cid, set()).add(node)
    return {frozenset(g) for g in groups.values()}


def test_same_partition_as_networkx_louvain_with_the_same_seed() -> None:
    G = nx.les_miserables_graph()
    for seed in (0, 1, 7):
        ours = clusters(G, seed=seed)
        theirs = nx.community.louvain_communities(G, weight="weight", seed=seed)
        assert as_sets(ours) == {frozenset(c) for c in theirs}


def test_reproducible_and_numbered_by_size_then_smallest_node() -> None:
    G = nx.karate_club_graph()
    first, second = clusters(G), clusters(G)
    assert first == second
    sizes = Counter(first.values())
    assert [sizes[cid] for cid in sorted(sizes)] == sorted(sizes.values(), reverse=True)
    # Equal sizes are ordered by the smallest member.
    smallest = {cid: min(n for n, c in first.items() if c == cid) for cid in sizes}
    for a in sizes:
        for b in sizes:
            if a < b and sizes[a] == sizes[b]:
                assert smallest[a] < smallest[b]
    assert list(first) == list(G)  # keys in the graph's node order


def test_equal_sizes_tie_broken_by_smallest_node() -> None:
    G = nx.Graph([(5, 6), (1, 2), (3, 4)])
    assert clusters(G) == {1: 0, 2: 0, 3: 1, 4: 1, 5: 2, 6: 2}
    mixed = nx.Graph([("b", 1), ("a", 2)])  # nodes that do not compare: graph order
    assert clusters(mixed) == {"b": 0, 1: 0, "a": 1, 2: 1}


def test_excluding_ego_separates_the_circles_it_glues() -> None:
    # Six pairs of friends, and me tied to all twelve.
    G = nx.Graph()
    pairs = [(f"{i}a", f"{i}b") for i in range(6)]
    for a, b in pairs:
        G.add_edges_from([(a, b), ("me", a), ("me", b)])
    without = clusters(G, exclude=["me"])
    assert "me" not in without
    assert as_sets(without) == {frozenset(p) for p in pairs}
    # With me in, Louvain (networkx 3.6.1, seed 0) glues two pairs to me into one
    # cluster: the reason for `exclude`.
    with_me = as_sets(clusters(G))
    assert with_me != {frozenset(p) for p in pairs} | {frozenset({"me"})}
    assert max(len(c) for c in with_me) == 5


def test_isolated_nodes_are_clusters_of_their_own() -> None:
    G = nx.Graph([(1, 2), (2, 3), (1, 3)])
    G.add_nodes_from([9, 8])
    result = clusters(G)
    assert result == {1: 0, 2: 0, 3: 0, 9: 2, 8: 1}
    assert clusters(nx.empty_graph(3)) == {0: 0, 1: 1, 2: 2}
    assert clusters(nx.Graph()) == {}
    # Dropping the hub of a star leaves only isolates.
    assert clusters(nx.star_graph(3), exclude=[0]) == {1: 0, 2: 1, 3: 2}


def test_weights_and_resolution_are_used() -> None:
    # Two triangles joined by a heavy edge: weighted, the heavy pair goes together.
    G = nx.Graph()
    G.add_weighted_edges_from([(1, 2, 1), (2, 3, 1), (1, 3, 1), (4, 5, 1), (5, 6, 1), (4, 6, 1)])
    G.add_edge(3, 4, weight=1)
    assert as_sets(clusters(G)) == {frozenset({1, 2, 3}), frozenset({4, 5, 6})}
    assert len(as_sets(clusters(G, resolution=0.01))) == 1
    assert len(as_sets(clusters(G, resolution=10))) > 2


def test_bad_arguments_raise() -> None:
    G = nx.Graph()
    G.add_edge(1, 2, weight=-1.0)
    with pytest.raises(ValidationError):
        clusters(G)
    assert clusters(G, weight=None) == {1: 0, 2: 0}  # unweighted ignores it
    with pytest.raises(ValidationError):
        clusters(nx.path_graph(3), resolution=0)


def test_progress_is_called_per_level() -> None:
    calls: list[tuple[str, int, int]] = []
    clusters(nx.les_miserables_graph(), progress=lambda *a: calls.append(a))
    levels = len(list(nx.community.louvain_partitions(nx.les_miserables_graph(), seed=0)))
    assert calls == [("clustering", level, 0) for level in range(1, levels + 1)]


# --- names ------------------------------------------------------------------------------


def named_graph() -> tuple[nx.Graph[Any], dict[str, int]]:
    G = nx.Graph()
    people = {
        # cluster 0: 4 of 5 at Acme
        "a1": ("Acme", ["work"]),
        "a2": ("Acme", ["work"]),
        "a3": ("Acme", []),
        "a4": ("Acme", ["climbing"]),
        "a5": (None, []),
        # cluster 1: mixed organisations, 3 of 4 climb
        "c1": ("Beta", ["climbing"]),
        "c2": ("Gamma", ["climbing", "alumni"]),
        "c3": (None, ["climbing"]),
        "c4": ("Delta", []),
        # cluster 2: nothing in common
        "x1": ("Eps", []),
        "x2": ("Zeta", []),
        "x3": ("Eta", []),
        "x4": ("Theta", []),
        # cluster 3: Acme again
        "b1": ("Acme", []),
        "b2": ("Acme", []),
        "b3": (None, []),
        # cluster 4: one person
        "s1": ("Iota", []),
    }
    for node, (org, tags) in people.items():
        G.add_node(node, organisation=org, tags=tags)
    membership = {n: {"a": 0, "c": 1, "x": 2, "b": 3, "s": 4}[n[0]] for n in people}
    return G, membership


def test_names_by_dominant_organisation_then_tag() -> None:
    G, membership = named_graph()
    assert name_clusters(G, membership) == {
        0: "Acme",
        1: "climbing",  # organisation share 1/4 < 0.3, so the tag names it
        2: "cluster 2 (4 people)",  # best share 1/4 < 0.3
        3: "Acme (cluster 3)",  # second cluster of Acme
        4: "cluster 4 (1 person)",  # smaller than min_size
    }


def test_cluster_info_carries_the_shares() -> None:
    G, membership = named_graph()
    info = cluster_info(G, membership)
    assert info[0] == ClusterInfo(
        id=0,
        name="Acme",
        size=5,
        members=("a1", "a2", "a3", "a4", "a5"),
        attribute="organisation",
        value="Acme",
        share=0.8,
        named_by_value=True,
    )
    assert info[0].explain() == "Acme: 5 people, 4 of them (80 %) at Acme"
    assert (info[1].attribute, info[1].value, info[1].share) == ("tags", "climbing", 0.75)
    assert info[1].explain() == "climbing: 4 people, 3 of them (75 %) with tags climbing"
    # No value reached min_share: the best one is still reported, not used as a name.
    assert info[2].share == 0.25 and not info[2].named_by_value
    assert info[4].value == "Iota" and not info[4].named_by_value
    # With a lower bar the organisation of cluster 1 names it.
    assert name_clusters(G, membership, min_share=0.25)[1] == "Beta"
    with pytest.raises(ValidationError):
        cluster_info(G, membership, min_share=0)


def test_members_without_attributes() -> None:
    G = nx.Graph([(1, 2), (2, 3)])
    info = cluster_info(G, {1: 0, 2: 0, 3: 0, 99: 0})  # 99 is not in G
    assert info[0].name == "cluster 0 (4 people)"
    assert info[0].value is None and info[0].share is None
    assert (
        info[0].explain() == "cluster 0 (4 people): 4 people, with no organisation or tag in common"
    )


# --- bridges ----------------------------------------------------------------------------


def bridge_graph() -> tuple[nx.Graph[Any], dict[str, int]]:
    G = nx.Graph()
    G.add_edges_from([("a1", "a2"), ("a2", "a3"), ("a1", "a3")])  # cluster 0
    G.add_edges_from([("b1", "b2"), ("b2", "b3"), ("b1", "b3")])  # cluster 1
    G.add_edges_from([("c1", "c2"), ("h1", "c1")])  # cluster 2: only through h1
    G.add_edges_from([("d1", "d2"), ("b1", "d1"), ("b2", "d2")])  # cluster 3: b1 or b2
    G.add_node("e1")  # cluster 4: out of reach
    G.add_edges_from([("g1", "g2"), ("a3", "g1"), ("b3", "g1")])  # cluster 5: a or b side
    G.add_edges_from([("me", "a1"), ("me", "b1"), ("me", "b2"), ("me", "h1")])  # h1: cluster 6
    clusters_of = {"a": 0, "b": 1, "c": 2, "d": 3, "e": 4, "g": 5, "h": 6}
    membership = {n: clusters_of[n[0]] for n in G if n != "me"}
    return G, membership


def test_bridges_direct_and_through_one_contact() -> None:
    G, membership = bridge_graph()
    # 0 and 6: one direct tie each; 2: no direct tie, every path through h1;
    # 3 (through b1 or b2) and 5 (through the a or the b side) have no single
    # bridge; 4 is out of reach.
    expected = {0: ["a1"], 2: ["h1"], 6: ["h1"]}
    assert bridges(G, "me", membership) == expected
    # With two direct ties allowed, cluster 1's two ties are listed too.
    assert bridges(G, "me", membership, max_ties=2) == {**expected, 1: ["b1", "b2"]}


def test_bridges_ignore_ego_in_membership_and_read_edges_undirected() -> None:
    G, membership = bridge_graph()
    with_me = {**membership, "me": 0}
    expected = {0: ["a1"], 2: ["h1"], 6: ["h1"]}
    assert bridges(G, "me", with_me) == expected
    D = nx.DiGraph()
    for u, v in G.edges():
        D.add_edge(v, u) if u == "me" else D.add_edge(u, v)  # arbitrary directions
    assert bridges(D, "me", membership) == expected


def test_bridges_errors() -> None:
    G, membership = bridge_graph()
    with pytest.raises(NotFoundError):
        bridges(G, "nobody", membership)
    with pytest.raises(ValidationError):
        bridges(G, "me", membership, max_ties=0)


def brute_bridges(G: nx.Graph[Any], ego: Any, membership: dict[Any, int]) -> dict[int, list[Any]]:
    """The module docstring's definition, by removing each contact and searching."""
    neighbours = set(G[ego]) - {ego}
    reach = nx.node_connected_component(G, ego)
    out: dict[int, list[Any]] = {}
    for cid in sorted(set(membership.values())):
        members = [m for m, c in membership.items() if c == cid and m != ego]
        direct = [m for m in members if m in neighbours]
        if len(direct) == 1:
            out[cid] = direct
        if direct or not any(m in reach for m in members):
            continue
        for c in neighbours:
            H = G.copy()
            H.remove_node(c)
            if not any(m in nx.node_connected_component(H, ego) for m in members):
                out[cid] = [c]
    return out


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=2, max_value=12).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n),
            st.lists(st.integers(0, 3), min_size=n, max_size=n),
        )
    )
)
def test_bridges_match_the_brute_force_definition(data: tuple[int, list[Any], list[int]]) -> None:
    n, edges, labels = data
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from((u, v) for u, v in edges if u != v)
    membership = {node: labels[node] for node in range(1, n)}  # ego is node 0
    assert bridges(G, 0, membership) == brute_bridges(G, 0, membership)


# --- clusters bridged -------------------------------------------------------------------


def test_clusters_bridged_florentine_families() -> None:
    # MODEL.md §6 "Tests": Medici 5, Guadagni 4, Strozzi 2, Peruzzi 1, on
    # nx.florentine_families_graph() (MODEL.md §4.4).
    G = nx.florentine_families_graph()
    result = clusters_bridged(G)
    assert {f: result[f] for f in ("Medici", "Guadagni", "Strozzi", "Peruzzi")} == {
        "Medici": 5,
        "Guadagni": 4,
        "Strozzi": 2,
        "Peruzzi": 1,
    }
    assert clusters_bridged(G, nodes=["Medici"]) == {"Medici": 5}
    # Degree-1 families bridge one group (their single neighbour).
    assert result["Pazzi"] == result["Ginori"] == 1


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 14), st.floats(0.05, 0.9), st.integers(0, 10_000))
def test_clusters_bridged_matches_ego_graph_components(n: int, p: float, seed: int) -> None:
    # Reference definition: components of nx.ego_graph(G, v) without v.
    G = nx.gnp_random_graph(n, p, seed=seed)
    result = clusters_bridged(G)
    for v in G:
        E = nx.ego_graph(G, v)
        E.remove_node(v)
        assert result[v] == nx.number_connected_components(E)
    modularity = clusters_bridged(G, method="modularity")
    assert all(modularity[v] >= result[v] for v in G)


def test_modularity_counts_groups_that_one_tie_joins() -> None:
    # Two 5-cliques of my contacts joined by one tie: one component, two groups.
    G = nx.barbell_graph(5, 0)
    G.add_edges_from(("me", v) for v in list(G))
    assert clusters_bridged(G, ["me"]) == {"me": 1}
    assert clusters_bridged(G, ["me"], method="modularity") == {"me": 2}


def test_clusters_bridged_edge_cases() -> None:
    G = nx.Graph([(1, 1), (2, 3)])
    G.add_node(4)
    assert clusters_bridged(G) == {1: 0, 2: 1, 3: 1, 4: 0}  # self-loops ignored
    D = nx.DiGraph([("me", "a"), ("b", "me"), ("a", "b")])
    assert clusters_bridged(D, ["me"]) == {"me": 1}
    with pytest.raises(ValidationError):
        clusters_bridged(G, method="louvain")  # type: ignore[arg-type]
    calls: list[tuple[str, int, int]] = []
    clusters_bridged(nx.path_graph(250), progress=lambda *a: calls.append(a))
    assert calls == [("clusters bridged", d, 250) for d in (100, 200, 250)]


# --- NMI --------------------------------------------------------------------------------


def test_nmi_hand_computed() -> None:
    # a = [0,0,1,1], b = [0,0,0,1]; N = 4. H(a) = ln 2; H(b) = −(¾ ln ¾ + ¼ ln ¼);
    # I = ½ ln(4/3) + ¼ ln(2/3) + ¼ ln 2 (cells (0,0)=2, (1,0)=1, (1,1)=1);
    # NMI = I / ((H(a) + H(b)) / 2) = 0.21576 / 0.62774 ≈ 0.3437.
    a = dict(enumerate([0, 0, 1, 1]))
    b = dict(enumerate([0, 0, 0, 1]))
    h_a = math.log(2)
    h_b = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    i = 0.5 * math.log(4 / 3) + 0.25 * math.log(2 / 3) + 0.25 * math.log(2)
    assert nmi(a, b) == pytest.approx(i / ((h_a + h_b) / 2))
    assert nmi(a, b) == pytest.approx(0.3437, abs=1e-4)


def test_nmi_scikit_learn_docstring_examples() -> None:
    # sklearn.metrics.normalized_mutual_info_score docstring: [0,0,1,1] vs [0,0,1,1]
    # and vs [1,1,0,0] give 1.0; [0,0,0,0] vs [0,1,2,3] gives 0.0.
    same = dict(enumerate([0, 0, 1, 1]))
    assert nmi(same, dict(enumerate([0, 0, 1, 1]))) == 1.0
    assert nmi(same, dict(enumerate([1, 1, 0, 0]))) == 1.0
    assert nmi(dict(enumerate([0, 0, 0, 0])), dict(enumerate([0, 1, 2, 3]))) == 0.0
    # Both trivial: 1.0 (scikit-learn's convention).
    assert nmi({1: "x", 2: "x"}, {1: 5, 2: 5}) == 1.0


def test_nmi_of_independent_partitions_is_zero() -> None:
    # Parity and second bit over 0..399 are independent: the contingency is exactly
    # uniform, so I = 0.
    a = {i: i % 2 for i in range(400)}
    b = {i: (i // 2) % 2 for i in range(400)}
    assert nmi(a, b) == pytest.approx(0.0, abs=1e-12)


def test_nmi_errors() -> None:
    with pytest.raises(ValidationError):
        nmi({1: 0}, {2: 0})
    with pytest.raises(ValidationError):
        nmi({}, {})


@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=1, max_size=60),
    st.permutations(range(5)),
)
def test_nmi_properties(pairs: list[tuple[int, int]], perm: list[int]) -> None:
    a = {i: x for i, (x, _) in enumerate(pairs)}
    b = {i: y for i, (_, y) in enumerate(pairs)}
    value = nmi(a, b)
    assert 0.0 <= value <= 1.0
    assert value == pytest.approx(nmi(b, a))
    relabelled = {i: perm[x] for i, x in a.items()}
    assert nmi(relabelled, b) == pytest.approx(value)
    assert nmi(a, relabelled) == pytest.approx(1.0)
