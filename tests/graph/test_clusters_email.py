"""dunbar's clusters against the 42 real departments of SNAP email-Eu-core.

Uses ``benchmarks/bench_clusters.py`` (its loader and ARI) when the files are in
../shared/data/email/snap_email-Eu-core (or ``$DUNBAR_EMAIL_EU_CORE``); the data
tests skip otherwise. SNAP states no licence: the files are never copied here.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import networkx as nx
import pytest

from dunbar.graph.clusters import clusters, nmi

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_clusters.py"


def load_benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_clusters", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = load_benchmark()
requires_data = pytest.mark.skipif(
    not bench.data_present(), reason=f"email-Eu-core not in {bench.data_dir()}"
)


@pytest.fixture(scope="module")
def email() -> tuple[nx.Graph, dict[int, int], int]:  # type: ignore[type-arg]
    return bench.load()  # type: ignore[no-any-return]


@requires_data
def test_counts_as_snap_publishes_them(email: tuple) -> None:  # type: ignore[type-arg]
    # SNAP's page and ../shared/data/SOURCES.md: 1,005 nodes, 25,571 edges, 42
    # departments; 642 self-loops dropped leave 16,064 undirected edges.
    G, departments, pairs = email
    assert G.number_of_nodes() == 1005 and pairs == 25_571
    assert len(set(departments.values())) == 42
    assert G.number_of_edges() == 16_064


@requires_data
def test_clusters_recover_departments(email: tuple) -> None:  # type: ignore[type-arg]
    # benchmarks/RESULTS.md "Clusters on email-Eu-core": NMI 0.569–0.596 over
    # seeds 0–4 at γ = 1 unweighted (0.5695 at seed 0), and 0.43 for greedy
    # modularity; the floor leaves room for a networkx change in Louvain.
    G, departments, _ = email
    ours = clusters(G, weight=None, seed=0)
    assert nmi(ours, departments) >= 0.5
    assert bench.ari(ours, departments) >= 0.25  # measured 0.32 mean
    cnm = bench.membership(nx.community.greedy_modularity_communities(G))
    assert nmi(ours, departments) > nmi(cnm, departments)


def test_ari_scikit_learn_docstring_examples() -> None:
    # sklearn.metrics.adjusted_rand_score docstring: [0,0,1,1] vs [0,0,1,2] gives
    # 0.57 (by hand: (1 − 1/3) / (3/2 − 1/3) = 4/7); identical 1.0; one cluster vs
    # all apart 0.0.
    a = dict(enumerate([0, 0, 1, 1]))
    assert bench.ari(a, dict(enumerate([0, 0, 1, 2]))) == pytest.approx(4 / 7)
    assert bench.ari(a, dict(enumerate([1, 1, 0, 0]))) == 1.0
    assert bench.ari(dict(enumerate([0, 0, 0, 0])), dict(enumerate([0, 1, 2, 3]))) == 0.0


@pytest.mark.parametrize("name", ["dunbar.graph.clusters", "dunbar.graph.diversity"])
def test_docstring_examples(name: str) -> None:
    # import_module: the package's `clusters` and `diversity` are the functions.
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0
