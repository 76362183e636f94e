"""Do dunbar's clusters find real groups? Louvain on SNAP email-Eu-core vs 42 departments.

    python benchmarks/bench_clusters.py            # table (5 seeds)
    python benchmarks/bench_clusters.py --quick    # 2 seeds, fewer resolutions
    python benchmarks/bench_clusters.py --json     # machine-readable

Data: SNAP email-Eu-core (Leskovec, Kleinberg & Faloutsos 2007, TKDD 1(1):2; Yin,
Benson, Leskovec & Gleich 2017, KDD), the emails among 1,005 members of a European
research institution and the department (0–41) of each. SNAP states no licence,
so the files are read from ``../shared/data/email/snap_email-Eu-core`` (or
``$DUNBAR_EMAIL_EU_CORE``) and never copied into this repository. Without them
the benchmark says so and exits 0.

Graph: the 25,571 directed ``src dst`` pairs, self-loops (642) dropped, read as
undirected (16,064 edges); every one of the 1,005 people is a node (those with
only self-loops are isolated). The static file has no message counts, so the
"weighted" variant weighs an edge by its directions (1, or 2 when both wrote to
each other): the nearest thing to a volume this file has.

Scores against the departments, over all 1,005 people:

* NMI, arithmetic mean (:func:`dunbar.graph.clusters.nmi`, as scikit-learn's
  default). NMI rewards many small clusters: "everyone alone" scores high,
  which is why the trivial baselines are in the table;
* ARI, the adjusted Rand index (Hubert & Arabie 1985), which corrects for
  chance: any trivial partition scores about 0.

Baselines, run in the same process: networkx's ``louvain_communities`` called
directly (the same partitions; it shows dunbar's overhead), greedy modularity
(Clauset, Newman & Moore 2004), label propagation (semi-synchronous, Cordasco &
Gargano 2010, deterministic; and asynchronous, Raghavan et al. 2007, seeded),
connected components, one cluster and everyone alone; and Leiden (Traag, Waltman
& van Eck 2019) when ``leidenalg`` and ``igraph`` are installed (optional, not a
dunbar dependency). Times are the median over the seeds of one call each.

Structure: :func:`~dunbar.graph.clusters.clusters_bridged` for every person,
against MODEL.md §6's definition spelled out with networkx (``ego_graph``, remove
ego, ``number_connected_components``), checked to give the same counts; its
``method="modularity"``; and :func:`~dunbar.graph.clusters.bridges` for the ten
people with the most ties.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from dunbar.graph.clusters import bridges, clusters, clusters_bridged, nmi

HERE = Path(__file__).resolve().parent
DATA_ENV = "DUNBAR_EMAIL_EU_CORE"
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "email" / "snap_email-Eu-core"
EDGES = "email-Eu-core.txt"
LABELS = "email-Eu-core-department-labels.txt"
EXPECTED = {"people": 1005, "departments": 42, "directed_pairs": 25_571, "edges": 16_064}


def data_dir() -> Path:
    return Path(os.environ.get(DATA_ENV, DEFAULT_DATA))


def data_present(directory: Path | None = None) -> bool:
    directory = directory or data_dir()
    return (directory / EDGES).is_file() and (directory / LABELS).is_file()


def load(directory: Path | None = None) -> tuple[nx.Graph[int], dict[int, int], int]:
    """The undirected graph (edge ``weight`` = number of directions), departments, pairs."""
    directory = directory or data_dir()
    departments: dict[int, int] = {}
    for line in (directory / LABELS).read_text().splitlines():
        if line.strip():
            node, dept = line.split()
            departments[int(node)] = int(dept)
    G: nx.Graph[int] = nx.Graph()
    G.add_nodes_from(sorted(departments))
    pairs = 0
    for line in (directory / EDGES).read_text().splitlines():
        if not line.strip():
            continue
        u, v = map(int, line.split())
        pairs += 1
        if u == v:
            continue
        if G.has_edge(u, v):
            G[u][v]["weight"] += 1
        else:
            G.add_edge(u, v, weight=1)
    return G, departments, pairs


def ari(a: Mapping[Any, Hashable], b: Mapping[Any, Hashable]) -> float:
    """Adjusted Rand index of two partitions of the same nodes (Hubert & Arabie 1985)."""
    n = len(a)
    joint = Counter((a[x], b[x]) for x in a)

    def pairs(counts: Iterable[int]) -> float:
        return math.fsum(c * (c - 1) / 2 for c in counts)

    index = pairs(joint.values())
    sum_a, sum_b = pairs(Counter(a.values()).values()), pairs(Counter(b.values()).values())
    expected = sum_a * sum_b / (n * (n - 1) / 2)
    maximum = (sum_a + sum_b) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def membership(communities: Iterable[Collection[int]]) -> dict[int, int]:
    return {node: cid for cid, c in enumerate(communities) for node in c}


def groups(member: Mapping[int, int]) -> list[set[int]]:
    out: dict[int, set[int]] = {}
    for node, cid in member.items():
        out.setdefault(cid, set()).add(node)
    return list(out.values())


def leiden(G: nx.Graph[int], resolution: float, seed: int) -> dict[int, int] | None:
    """Leiden (RB configuration model, i.e. modularity with γ), if installed."""
    try:
        import igraph as ig  # type: ignore[import-not-found,import-untyped,unused-ignore]
        import leidenalg  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        return None
    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    graph = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in G.edges()])
    part = leidenalg.find_partition(
        graph,
        leidenalg.RBConfigurationVertexPartition,
        resolution_parameter=resolution,
        seed=seed,
    )
    return {nodes[i]: cid for i, cid in enumerate(part.membership)}


Method = Callable[[int], dict[int, int]]


def measure(
    name: str,
    method: Method,
    seeds: Sequence[int],
    G: nx.Graph[int],
    departments: Mapping[int, int],
) -> dict[str, Any]:
    nmis, aris, times, counts, mods = [], [], [], [], []
    for seed in seeds:
        start = time.perf_counter()
        member = method(seed)
        times.append(time.perf_counter() - start)
        assert member.keys() == departments.keys(), name
        nmis.append(nmi(member, departments))
        aris.append(ari(member, departments))
        counts.append(len(set(member.values())))
        mods.append(nx.community.modularity(G, groups(member), weight=None))
    return {
        "method": name,
        "runs": len(seeds),
        "clusters": f"{min(counts)}–{max(counts)}" if min(counts) != max(counts) else counts[0],
        "nmi_mean": statistics.fmean(nmis),
        "nmi_min": min(nmis),
        "nmi_max": max(nmis),
        "ari_mean": statistics.fmean(aris),
        "modularity_mean": statistics.fmean(mods),
        "median_s": statistics.median(times),
    }


def run(*, quick: bool = False) -> dict[str, Any]:
    G, departments, pairs = load()
    seeds = (0, 1) if quick else (0, 1, 2, 3, 4)
    resolutions = (1.0, 2.0) if quick else (0.5, 1.0, 2.0, 3.0)
    rows: list[dict[str, Any]] = []
    one = (0,)
    for gamma in resolutions:
        rows.append(
            measure(
                f"dunbar clusters, unweighted, γ={gamma:g}",
                lambda s, g=gamma: clusters(G, weight=None, resolution=g, seed=s),
                seeds,
                G,
                departments,
            )
        )
        rows.append(
            measure(
                f"dunbar clusters, weighted (directions), γ={gamma:g}",
                lambda s, g=gamma: clusters(G, weight="weight", resolution=g, seed=s),
                seeds,
                G,
                departments,
            )
        )
    rows.append(
        measure(
            "networkx louvain_communities (direct), unweighted, γ=1",
            lambda s: membership(nx.community.louvain_communities(G, weight=None, seed=s)),
            seeds,
            G,
            departments,
        )
    )
    rows.append(
        measure(
            "greedy modularity (networkx, CNM), γ=1",
            lambda s: membership(nx.community.greedy_modularity_communities(G)),
            one,
            G,
            departments,
        )
    )
    rows.append(
        measure(
            "label propagation, semi-synchronous (networkx)",
            lambda s: membership(nx.community.label_propagation_communities(G)),
            one,
            G,
            departments,
        )
    )
    rows.append(
        measure(
            "label propagation, asynchronous (networkx, seeded)",
            lambda s: membership(nx.community.asyn_lpa_communities(G, seed=s)),
            seeds,
            G,
            departments,
        )
    )
    rows.append(
        measure(
            "connected components",
            lambda s: membership(nx.connected_components(G)),
            one,
            G,
            departments,
        )
    )
    rows.append(measure("one cluster", lambda s: dict.fromkeys(G, 0), one, G, departments))
    rows.append(measure("everyone alone", lambda s: {n: n for n in G}, one, G, departments))
    leiden_ok = leiden(G, 1.0, 0) is not None
    if leiden_ok:
        for gamma in resolutions:
            rows.append(
                measure(
                    f"Leiden (leidenalg, optional), unweighted, γ={gamma:g}",
                    lambda s, g=gamma: leiden(G, g, s) or {},
                    seeds,
                    G,
                    departments,
                )
            )
    return {
        "people": G.number_of_nodes(),
        "departments": len(set(departments.values())),
        "directed_pairs": pairs,
        "edges": G.number_of_edges(),
        "reciprocated": sum(1 for _, _, w in G.edges(data="weight") if w == 2),
        "seeds": list(seeds),
        "leiden": leiden_ok,
        "rows": rows,
        "structure": structure(G),
    }


def naive_clusters_bridged(G: nx.Graph[int]) -> dict[int, int]:
    """MODEL.md §6's definition spelled out with networkx: ego graph, minus ego, components."""
    out = {}
    for v in G:
        E = nx.ego_graph(G, v)
        E.remove_node(v)
        out[v] = nx.number_connected_components(E)
    return out


def structure(G: nx.Graph[int]) -> dict[str, Any]:
    """clusters_bridged for every person against the naive way; bridges of the top hubs."""
    start = time.perf_counter()
    ours = clusters_bridged(G)
    ours_s = time.perf_counter() - start
    start = time.perf_counter()
    naive = naive_clusters_bridged(G)
    naive_s = time.perf_counter() - start
    start = time.perf_counter()
    modularity = clusters_bridged(G, method="modularity")
    modularity_s = time.perf_counter() - start
    member = clusters(G, weight=None, seed=0)
    hubs = sorted(G, key=lambda n: (-G.degree(n), n))[:10]
    start = time.perf_counter()
    found = {ego: bridges(G, ego, member) for ego in hubs}
    bridges_s = time.perf_counter() - start
    return {
        "clusters_bridged_s": ours_s,
        "naive_s": naive_s,
        "same": ours == naive,
        "modularity_s": modularity_s,
        "modularity_at_least_components": all(modularity[v] >= ours[v] for v in G),
        "max_components": max(ours.values()),
        "max_modularity": max(modularity.values()),
        "bridges_hubs": len(hubs),
        "bridges_s": bridges_s,
        "bridged_clusters_of_hubs": sum(len(b) for b in found.values()),
    }


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"SNAP email-Eu-core: {result['people']:,} people, {result['departments']} departments, "
        f"{result['directed_pairs']:,} directed pairs → {result['edges']:,} undirected edges "
        f"({result['reciprocated']:,} both ways); seeds {result['seeds']}.",
        "",
        "| method | runs | clusters | NMI mean (min–max) | ARI mean | modularity | median time |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['method']} | {r['runs']} | {r['clusters']} | {r['nmi_mean']:.3f} "
            f"({r['nmi_min']:.3f}–{r['nmi_max']:.3f}) | {r['ari_mean']:.3f} | "
            f"{r['modularity_mean']:.3f} | {r['median_s'] * 1000:.0f} ms |"
        )
    if not result["leiden"]:
        lines.append("\nLeiden: not run (leidenalg and igraph are not installed).")
    st = result["structure"]
    lines += [
        "",
        f"clusters_bridged for all {result['people']:,} people: "
        f"{st['clusters_bridged_s'] * 1000:.0f} ms, against {st['naive_s'] * 1000:.0f} ms "
        f"for ego_graph + number_connected_components "
        f"({st['naive_s'] / st['clusters_bridged_s']:.1f}x; same counts: {st['same']}); "
        f"method='modularity' {st['modularity_s']:.1f} s (never below the components: "
        f"{st['modularity_at_least_components']}; max {st['max_modularity']} against "
        f"{st['max_components']}). bridges for the {st['bridges_hubs']} biggest hubs: "
        f"{st['bridges_s'] * 1000:.0f} ms, {st['bridged_clusters_of_hubs']} bridged clusters.",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 seeds, 2 resolutions")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    if not data_present():
        print(f"skipped: the email-Eu-core files are not in {data_dir()} (set ${DATA_ENV})")
        return 0
    result = run(quick=args.quick)
    print(json.dumps(result, indent=2) if args.json else markdown(result))
    counts = {key: result[key] for key in EXPECTED}
    if counts != EXPECTED:
        print(f"counts {counts} differ from {EXPECTED}", file=sys.stderr)
        return 1
    if not result["structure"]["same"]:
        print("clusters_bridged differs from the naive count", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
