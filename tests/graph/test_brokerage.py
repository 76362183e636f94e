"""Burt's brokerage measures: every value of MODEL.md §4.3–4.4, the conventions of
the module docstring, and a literal per-node reference (straight from the §4.1
formulas) on random weighted and directed graphs (Hypothesis)."""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dunbar.errors import NotFoundError, ValidationError
from dunbar.graph import (
    Brokerage,
    betweenness,
    constraint,
    effective_size,
    efficiency,
    ego_constraint,
    hierarchy,
    local_constraint,
)
from dunbar.graph.brokerage import brokerage
from dunbar.graph.brokerage_sparse import burt_arrays, mutual_ties, triangle_sums

TOL = 1e-6  # MODEL.md: "brokerage: 1e-6"

# --- the MODEL.md graphs ----------------------------------------------------------------

# MODEL.md §4.3 "Graph G (Borgatti example, undirected)", weights in the same order.
G_EDGES = [
    ("A", "B"),
    ("A", "F"),
    ("A", "G"),
    ("A", "E"),
    ("E", "G"),
    ("F", "G"),
    ("B", "G"),
    ("B", "D"),
    ("D", "G"),
    ("G", "C"),
]
G_WEIGHTS = [2, 3, 5, 2, 8, 3, 4, 1, 3, 10]

# MODEL.md §4.3 table: node -> (C, C weighted, ES, ES weighted, efficiency, H, H weighted);
# full precision from NX 3.6.1's loop path, NX test values in parentheses there.
G_TABLE = {
    "A": (0.595486, 0.794955, 2.5, 2.475, 0.625, 0.167751, 0.395089),
    "B": (0.642747, 0.812748, 1.666667, 1.671429, 0.5556, 0.073738, 0.420695),
    "C": (1, 1, 1, 1, 1, 1, 1),
    "D": (0.784722, 0.913413, 1, 1.15, 0.5, 0.012748, 0.450191),
    "E": (0.730903, 0.883455, 1, 1.1, 0.5, 0.003425, 0.479942),
    "F": (0.730903, 0.833233, 1, 1.25, 0.5, 0.003425, 0.030325),
    "G": (0.400270, 0.298852, 4.666667, 5.471717, 0.7778, 0.094749, 0.124776),
}

# MODEL.md §4.3 "Graph D (directed)": node -> (C, ES, C weighted, ES weighted).
D_TABLE = {
    0: (1.003086, 1.166667, 0.840278, 1.566667),
    1: (1.003086, 1.166667, 1.142778, 1.083333),
    2: (1.388889, 1, 1.378056, 1),
}
# MODEL.md §4.3: what NetworkX 3.5–3.6.1's sparse effective_size gives on D.
D_SPARSE_BUG_ES = {0: 1.3333, 1: 1.3333, 2: 1}
D_SPARSE_BUG_ES_WEIGHTED = {0: 1.6, 1: 1.25, 2: 1}


def graph_g() -> nx.Graph[str]:
    G: nx.Graph[str] = nx.Graph()
    for (a, b), w in zip(G_EDGES, G_WEIGHTS, strict=True):
        G.add_edge(a, b, weight=w)
    return G


def graph_d() -> nx.DiGraph[int]:
    D: nx.DiGraph[int] = nx.DiGraph()
    for (a, b), w in zip([(0, 1), (0, 2), (1, 0), (2, 1)], [2, 2, 1, 1], strict=True):
        D.add_edge(a, b, weight=w)
    return D


# --- a literal reference: per node, straight from the MODEL.md §4.1 formulas -----------


def _a(G: Any, i: Hashable, j: Hashable, weight: str | None) -> float:
    if i == j or not G.has_edge(i, j):
        return 0.0
    return float(G[i][j].get(weight, 1)) if weight is not None else 1.0


def reference(G: Any, weight: str | None = None) -> dict[Hashable, tuple[float, ...]]:
    """(constraint, effective size, efficiency, hierarchy) of every node, one loop each.

    Self-loops ignored and zero mutual weight = no tie (the module's conventions).
    """

    def z(i: Hashable, j: Hashable) -> float:
        return _a(G, i, j, weight) + _a(G, j, i, weight)

    def N(i: Hashable) -> set[Hashable]:
        return {j for j in nx.all_neighbors(G, i) if j != i and z(i, j) > 0}

    def p(i: Hashable, j: Hashable) -> float:
        return z(i, j) / sum(z(i, q) for q in N(i))

    def m(j: Hashable, q: Hashable) -> float:
        return z(j, q) / max(z(j, k) for k in N(j))

    out = {}
    for i in G:
        alters = N(i)
        n = len(alters)
        if n == 0:
            out[i] = (math.nan, math.nan, math.nan, math.nan)
            continue
        c = {
            j: (p(i, j) + sum(p(i, q) * p(q, j) for q in alters if q not in (i, j) and j in N(q)))
            ** 2
            for j in alters
        }
        C = sum(c.values())
        es = sum(1 - sum(p(i, q) * m(j, q) for q in alters if q != j and q in N(j)) for j in alters)
        if n == 1:
            H = 1.0
        else:
            H = sum((c[j] / (C / n)) * math.log(c[j] / (C / n)) for j in alters) / (n * math.log(n))
        out[i] = (C, es, es / n, H)
    return out


def ours(G: Any, weight: str | None = None) -> dict[Hashable, tuple[float, ...]]:
    b = brokerage(G, weight=weight)
    return {k: (v.constraint, v.effective_size, v.efficiency, v.hierarchy) for k, v in b.items()}


def assert_close(got: dict[Hashable, tuple[float, ...]], want: dict[Hashable, tuple[float, ...]]):
    assert got.keys() == want.keys()
    for node in want:
        for g, w in zip(got[node], want[node], strict=True):
            if math.isnan(w):
                assert math.isnan(g), (node, got[node], want[node])
            else:
                assert g == pytest.approx(w, rel=1e-9, abs=1e-12), (node, got[node], want[node])


# --- MODEL.md §4.3, graph G ---------------------------------------------------------------


@pytest.mark.parametrize("node", sorted(G_TABLE))
def test_graph_g_unweighted(node: str) -> None:
    # MODEL.md §4.3 table, columns C, ES, efficiency, H (unweighted).
    G = graph_g()
    c, _, es, _, eff, h, _ = G_TABLE[node]
    assert constraint(G)[node] == pytest.approx(c, abs=TOL)
    assert effective_size(G)[node] == pytest.approx(es, abs=TOL)
    assert efficiency(G)[node] == pytest.approx(eff, abs=5e-5)  # given to 4 decimals
    assert hierarchy(G)[node] == pytest.approx(h, abs=TOL)


@pytest.mark.parametrize("node", sorted(G_TABLE))
def test_graph_g_weighted(node: str) -> None:
    # MODEL.md §4.3 table, columns C, ES, H (weighted).
    G = graph_g()
    _, c, _, es, _, _, h = G_TABLE[node]
    assert constraint(G, weight="weight")[node] == pytest.approx(c, abs=TOL)
    assert effective_size(G, weight="weight")[node] == pytest.approx(es, abs=TOL)
    assert hierarchy(G, weight="weight")[node] == pytest.approx(h, abs=TOL)
    assert efficiency(G, weight="weight")[node] == pytest.approx(es / G.degree(node), abs=TOL)


def test_effective_size_is_borgattis_formula_when_unweighted() -> None:
    # MODEL.md §4.1: ES = n − 2t/n on unweighted undirected graphs (Borgatti 1997).
    G = graph_g()
    es = effective_size(G)
    for node in G:
        alters = set(G[node])
        t = G.subgraph(alters).number_of_edges()
        assert es[node] == pytest.approx(len(alters) - 2 * t / len(alters), abs=1e-12)


def test_local_constraint_graph_g() -> None:
    # MODEL.md §4.3: ℓ(A,G) = 0.340278 and ℓ(G,A) = 0.151235 (unweighted).
    G = graph_g()
    assert local_constraint(G, "A", "G") == pytest.approx(0.340278, abs=TOL)
    assert local_constraint(G, "G", "A") == pytest.approx(0.151235, abs=TOL)


@pytest.mark.parametrize("weight", [None, "weight"])
def test_local_constraints_add_up_to_constraint(weight: str | None) -> None:
    # C_i = Σ_{j∈N(i)} c_ij (MODEL.md §4.1): the pairwise function against the kernel.
    G = graph_g()
    C = constraint(G, weight=weight)
    for i in G:
        total = sum(local_constraint(G, i, j, weight) for j in G[i])
        assert total == pytest.approx(C[i], rel=1e-12)


def test_local_constraint_of_a_non_neighbour_is_the_indirect_term() -> None:
    # ℓ(C,A): p_CA = 0, one path C-G-A: (p_CG p_GA)² = (1 · 1/6)² (G has 6 contacts).
    assert local_constraint(graph_g(), "C", "A") == pytest.approx((1 / 6) ** 2, rel=1e-12)


# --- MODEL.md §4.3, graph D -------------------------------------------------------------


@pytest.mark.parametrize("node", sorted(D_TABLE))
def test_graph_d_directed(node: int) -> None:
    # MODEL.md §4.3 "Graph D (directed)" table.
    D = graph_d()
    c, es, cw, esw = D_TABLE[node]
    assert constraint(D)[node] == pytest.approx(c, abs=TOL)
    assert effective_size(D)[node] == pytest.approx(es, abs=TOL)
    assert constraint(D, weight="weight")[node] == pytest.approx(cw, abs=TOL)
    assert effective_size(D, weight="weight")[node] == pytest.approx(esw, abs=TOL)


def test_graph_d_is_not_the_networkx_sparse_bug() -> None:
    # MODEL.md §4.3: "Implementations must not reproduce these."
    D = graph_d()
    for weight, wrong in ((None, D_SPARSE_BUG_ES), ("weight", D_SPARSE_BUG_ES_WEIGHTED)):
        es = effective_size(D, weight=weight)
        assert any(abs(es[k] - wrong[k]) > 1e-3 for k in wrong)
        assert es[0] != pytest.approx(wrong[0], abs=1e-3)
        assert es[1] != pytest.approx(wrong[1], abs=1e-3)


def test_networkx_sparse_effective_size_bug_is_not_inherited() -> None:
    # MODEL.md §4.2: NX 3.5–3.6.1's nodes=None path on weighted G gives A 2.7917 and
    # G 5.5152; the correct values are 2.475 and 5.4717 (its own loop path agrees).
    G = graph_g()
    theirs = nx.effective_size(G, weight="weight")
    mine = effective_size(G, weight="weight")
    loop = nx.effective_size(G, nodes=list(G), weight="weight")
    assert mine["A"] == pytest.approx(loop["A"], abs=1e-12)
    assert mine["G"] == pytest.approx(loop["G"], abs=1e-12)
    if theirs["A"] == pytest.approx(mine["A"], abs=1e-9):
        pytest.skip(f"networkx {nx.__version__} has the sparse effective_size fix (PR #8906)")
    assert theirs["A"] == pytest.approx(2.7917, abs=1e-4)
    assert theirs["G"] == pytest.approx(5.5152, abs=1e-4)
    assert mine["A"] == pytest.approx(2.475, abs=TOL)
    assert mine["G"] == pytest.approx(5.471717, abs=TOL)


# --- MODEL.md §4.4, the Medici ----------------------------------------------------------


def test_medici_structural_holes() -> None:
    # MODEL.md §4.4 "Structural holes (whole graph, unweighted)".
    F = nx.florentine_families_graph()
    b = brokerage(F)
    medici = b["Medici"]
    assert medici.constraint == pytest.approx(0.209877, abs=TOL)
    assert medici.effective_size == pytest.approx(5.666667, abs=TOL)
    assert medici.efficiency == pytest.approx(0.944444, abs=TOL)
    assert medici.hierarchy == pytest.approx(0.022456, abs=TOL)
    assert min(b, key=lambda k: b[k].constraint) == "Medici"  # "the minimum"
    assert (b["Guadagni"].constraint, b["Guadagni"].effective_size) == pytest.approx((0.25, 4))
    assert b["Guadagni"].hierarchy == pytest.approx(0, abs=TOL)
    assert b["Albizzi"].constraint == pytest.approx(0.333333, abs=TOL)
    assert b["Albizzi"].effective_size == pytest.approx(3, abs=TOL)
    assert b["Strozzi"].constraint == pytest.approx(0.458333, abs=TOL)
    assert b["Strozzi"].effective_size == pytest.approx(3, abs=TOL)
    assert b["Strozzi"].hierarchy == pytest.approx(0.043149, abs=TOL)
    assert b["Peruzzi"].constraint == pytest.approx(0.655864, abs=TOL)
    assert b["Peruzzi"].effective_size == pytest.approx(1.666667, abs=TOL)
    ones = [family for family in F if F.degree(family) == 1]
    assert sorted(ones) == ["Acciaiuoli", "Ginori", "Lamberteschi", "Pazzi"]
    for family in ones:  # "Degree-1 families: constraint 1, hierarchy 1"
        assert (b[family].constraint, b[family].hierarchy) == (1.0, 1.0)


def test_medici_ego_density_and_effective_size() -> None:
    # MODEL.md §4.4: ego density 1/15 (one tie among the 6 alters' 15 pairs),
    # so ES = n − 2t/n = 6 − 2/6 = 5.666667.
    F = nx.florentine_families_graph()
    alters = list(F["Medici"])
    t = F.subgraph(alters).number_of_edges()
    assert (len(alters), t) == (6, 1)
    assert effective_size(F)["Medici"] == pytest.approx(6 - 2 * t / 6, abs=1e-12)


def test_medici_ego_constraint_against_whole_graph() -> None:
    # MODEL.md §4.1: 0.236111 on its ego network, 0.209877 on the whole graph.
    F = nx.florentine_families_graph()
    assert ego_constraint(F, "Medici") == pytest.approx(0.236111, abs=TOL)
    assert constraint(F, ["Medici"])["Medici"] == pytest.approx(0.209877, abs=TOL)
    ego = nx.ego_graph(F, "Medici")
    assert ego_constraint(F, "Medici") == pytest.approx(constraint(ego)["Medici"], abs=1e-12)


# MODEL.md §4.4 "Normalized betweenness", from NX test_betweenness_centrality.py.
MEDICI_BETWEENNESS = {
    "Medici": 0.522,
    "Guadagni": 0.255,
    "Albizzi": 0.212,
    "Salviati": 0.143,
    "Ridolfi": 0.114,
    "Bischeri": 0.104,
    "Strozzi": 0.103,
    "Barbadori": 0.093,
    "Tornabuoni": 0.092,
    "Castellani": 0.055,
    "Peruzzi": 0.022,
    "Acciaiuoli": 0,
    "Ginori": 0,
    "Lamberteschi": 0,
    "Pazzi": 0,
}


def test_medici_betweenness() -> None:
    F = nx.florentine_families_graph()
    got = betweenness(F)
    assert got.keys() == MEDICI_BETWEENNESS.keys()
    for family, value in MEDICI_BETWEENNESS.items():
        assert got[family] == pytest.approx(value, abs=5e-4), family
    raw = betweenness(F, ["Medici", "Guadagni", "Albizzi"], normalized=False)
    assert raw == pytest.approx({"Medici": 47.5, "Guadagni": 23.1667, "Albizzi": 19.3333}, abs=1e-4)
    assert max(got, key=got.__getitem__) == "Medici"


def test_weighted_betweenness_uses_strengths_as_inverse_lengths() -> None:
    # Strong ties are short: the same as NetworkX with length = 1/strength.
    G = graph_g()
    H = graph_g()
    for _, _, d in H.edges(data=True):
        d["length"] = 1 / d["weight"]
    assert betweenness(G, weight="weight") == pytest.approx(
        nx.betweenness_centrality(H, weight="length")
    )
    # A strong detour beats a weak direct tie: a-b (0.1) against a-c-b (1, 1).
    T: nx.Graph[str] = nx.Graph()
    T.add_weighted_edges_from([("a", "b", 0.1), ("a", "c", 1.0), ("c", "b", 1.0)])
    assert betweenness(T, weight="weight", normalized=False)["c"] == 1.0
    assert betweenness(T, normalized=False)["c"] == 0.0


# --- conventions --------------------------------------------------------------------------


def test_isolated_nodes_are_nan_and_a_single_contact_has_hierarchy_one() -> None:
    G = nx.path_graph(3)
    G.add_node(9)
    b = brokerage(G)
    assert all(math.isnan(x) for x in (b[9].constraint, b[9].effective_size, b[9].hierarchy))
    assert math.isnan(b[9].efficiency) and b[9].degree == 0
    assert b[9].explain() == "no contacts, so no brokerage to measure"
    assert (b[0].hierarchy, b[0].constraint, b[0].effective_size) == (1.0, 1.0, 1.0)  # n = 1
    assert math.isnan(local_constraint(G, 9, 0))


def test_self_loops_are_ignored() -> None:
    G = graph_g()
    G.add_edge("A", "A", weight=7)
    G.add_edge("Z", "Z")  # a node whose only edge is a self-loop
    b = brokerage(G, weight="weight")
    assert math.isnan(b["Z"].constraint) and math.isnan(b["Z"].effective_size)
    assert b["A"].constraint == pytest.approx(G_TABLE["A"][1], abs=TOL)  # as without the loop
    # NetworkX's quirk (MODEL.md §4.2): the loop is a neighbour with p = 1, (1 + 1)² = 4.
    assert nx.constraint(G, nodes=["Z"])["Z"] == 4


def test_a_node_with_only_in_ties_has_contacts() -> None:
    # MODEL.md §4.1: N(i) = in ∪ out. Node 1 is told by 0 and 2, which are not tied:
    # p = 1/2 each, no indirect term, C = 2 · (1/2)² = 0.5, ES = 2.
    D: nx.DiGraph[int] = nx.DiGraph([(0, 1), (2, 1)])
    assert constraint(D)[1] == pytest.approx(0.5)
    assert effective_size(D)[1] == pytest.approx(2)
    assert math.isnan(nx.constraint(D, nodes=[1])[1])  # NetworkX's loop path: NaN


def test_weights_must_be_finite_and_not_negative() -> None:
    for bad in (-1, math.nan, math.inf, "strong"):
        G = graph_g()
        G["A"]["B"]["weight"] = bad
        with pytest.raises(ValidationError) as info:
            constraint(G, weight="weight")
        assert info.value.field == "weight"
        with pytest.raises(ValidationError):
            betweenness(G, weight="weight")


def test_a_zero_weight_edge_is_no_tie() -> None:
    G = graph_g()
    G.add_edge("C", "D", weight=0)
    G.add_edge("X", "A", weight=0)
    got = brokerage(G, weight="weight")
    want = brokerage(graph_g(), weight="weight")
    for node in want:
        assert got[node] == want[node]
    assert math.isnan(got["X"].constraint)
    # Raw counts: the extra node X changes the normalisation, not the paths.
    assert betweenness(G, list(want), "weight", normalized=False) == pytest.approx(
        betweenness(graph_g(), weight="weight", normalized=False)
    )


def test_missing_weight_attribute_counts_as_one() -> None:
    G = graph_g()
    for _, _, d in G.edges(data=True):
        del d["weight"]
    assert constraint(G, weight="weight") == constraint(graph_g())


def test_multigraph_parallel_edges_add_up() -> None:
    M: nx.MultiGraph[str] = nx.MultiGraph()
    for (a, b), w in zip(G_EDGES, G_WEIGHTS, strict=True):
        M.add_edge(a, b, weight=w - 0.5)
        M.add_edge(b, a, weight=0.5)
    assert constraint(M, weight="weight") == pytest.approx(constraint(graph_g(), weight="weight"))


def test_nodes_picks_and_orders_and_rejects_strangers() -> None:
    G = graph_g()
    assert list(constraint(G, ["G", "A"])) == ["G", "A"]
    assert constraint(G, ["G"])["G"] == constraint(G)["G"]
    for fn in (constraint, effective_size, efficiency, hierarchy, brokerage, betweenness):
        with pytest.raises(NotFoundError):
            fn(G, ["nobody"])
    with pytest.raises(NotFoundError):
        local_constraint(G, "A", "nobody")
    with pytest.raises(NotFoundError):
        ego_constraint(G, "nobody")
    with pytest.raises(ValidationError):
        local_constraint(G, "A", "A")


def test_explain() -> None:
    b = brokerage(graph_g())
    assert isinstance(b["A"], Brokerage)
    assert b["A"].explain() == (
        "4 contacts, 2.5 of them non-redundant (efficiency 62%); constraint 0.595, hierarchy 0.168"
    )
    assert b["C"].explain().startswith("1 contact, 1 of them")


def test_empty_graph_and_graph_without_edges() -> None:
    assert brokerage(nx.Graph()) == {}
    E = nx.empty_graph(3)
    assert all(math.isnan(v) for v in constraint(E).values())


def test_progress_reaches_the_total_and_chunks_give_the_same_sums() -> None:
    G = nx.powerlaw_cluster_graph(300, 4, 0.5, seed=3)
    calls: list[tuple[int, int]] = []
    constraint(G, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1] > 0
    ties = mutual_ties(G)
    s = np.bincount(np.r_[ties.u, ties.v], weights=np.r_[ties.z, ties.z])
    whole = triangle_sums(len(ties.nodes), ties.u, ties.v, ties.z, s)
    chunks: list[tuple[int, int]] = []
    tiny = triangle_sums(
        len(ties.nodes),
        ties.u,
        ties.v,
        ties.z,
        s,
        budget=7,
        progress=lambda d, t: chunks.append((d, t)),
    )
    assert len(chunks) > 10
    np.testing.assert_allclose(tiny[0], whole[0], rtol=1e-12)
    np.testing.assert_allclose(tiny[1], whole[1], rtol=1e-12)
    # Unweighted, T_e is the number of triangles on edge e; each triangle has 3 edges,
    # and nx.triangles counts each at its 3 corners, so the totals agree.
    assert whole[0].sum() == pytest.approx(sum(nx.triangles(G).values()))


# --- the literal reference on random graphs (Hypothesis) -------------------------------


@st.composite
def graphs(draw: st.DrawFn) -> tuple[Any, str | None]:
    directed = draw(st.booleans())
    n = draw(st.integers(1, 12))
    G: Any = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(range(n))
    weighted = draw(st.booleans())
    weights = st.one_of(st.sampled_from([0.0, 1.0, 2.0]), st.floats(0.01, 10))
    for _ in range(draw(st.integers(0, 40))):
        a, b = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        G.add_edge(a, b, w=draw(weights) if weighted else 1.0)
    return G, ("w" if weighted else None)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_matches_the_literal_definition(case: tuple[Any, str | None]) -> None:
    G, weight = case
    assert_close(ours(G, weight), reference(G, weight))


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_matches_networkx_loop_path(case: tuple[Any, str | None]) -> None:
    # NetworkX's per-node loop (nodes=list) is the second reference; it agrees
    # wherever its conventions and ours coincide: no self-loops, no zero weights.
    G, weight = case
    G.remove_edges_from(list(nx.selfloop_edges(G)))
    if weight is not None:
        G.remove_edges_from([(a, b) for a, b, w in G.edges(data=weight) if w == 0])
    nodes = list(G)
    c, es = constraint(G, weight=weight), effective_size(G, weight=weight)
    nc = nx.constraint(G, nodes=nodes, weight=weight)
    nes = nx.effective_size(G, nodes=nodes, weight=weight)
    for node in nodes:
        if G.is_directed() and G.out_degree(node) == 0 and G.in_degree(node) > 0:
            # NX's loop tests isolation with G[v] (successors only), so a node with
            # only in-ties gets NaN there; by MODEL.md §4.1 (N(i) = in ∪ out) it has
            # contacts and a constraint.
            assert math.isnan(nc[node]) and math.isnan(nes[node])
            assert not math.isnan(c[node]) and not math.isnan(es[node])
            continue
        assert c[node] == pytest.approx(nc[node], rel=1e-9, nan_ok=True)
        assert es[node] == pytest.approx(nes[node], rel=1e-9, abs=1e-12, nan_ok=True)


@settings(max_examples=100, deadline=None)
@given(graphs())
def test_local_constraint_matches_the_literal_definition(case: tuple[Any, str | None]) -> None:
    G, weight = case
    arrays = burt_arrays(mutual_ties(G, weight))
    for i, j, c in zip(arrays.src, arrays.dst, arrays.c, strict=True):
        u, v = arrays.nodes[i], arrays.nodes[j]
        assert local_constraint(G, u, v, weight) == pytest.approx(c, rel=1e-9)
