"""Warm-introduction paths on a 100,000-node graph: 3-hop queries against brute force.

    python benchmarks/bench_paths.py              # full size: 100,000 nodes, 245 queries
    python benchmarks/bench_paths.py --quick      # 10,000 nodes, a smoke run

Target (issue 5, this 2-core machine): a 3-hop query answers in <= 50 ms at p95
on a 100,000-node graph, without enumerating all simple paths.

The graph: ``nx.powerlaw_cluster_graph(n, 5, 0.3, seed=1)`` (hubs and
triangles), every tie a strength ``1 − U`` in (0, 1] from ``random.Random(seed)``;
a "me" node with ``--contacts`` (1,500) random contacts; and a separate 1,000-node
component (seed 2) that "me" cannot reach. Queries (seeded): targets 2 and 3 hops
from me, the graph's biggest hubs that are not my contacts, targets in the other
component (unreachable: an empty answer), and sets of 25 and of 500 random people
("someone at Acme", a topic). All with the defaults k = 5, max_hops = 3, δ = 0.8,
α = 0.2.

What is timed: building the :class:`~dunbar.graph.paths.PathIndex` once (apart),
then each query alone (``time.perf_counter``), after one untimed warm-up query.
The baseline, in the same run, on a few random queries of each kind but the
500-sets:
``nx.all_simple_paths(G, me, target, cutoff=3)`` (for a set, paths through one
member to another dropped), each path scored by the MODEL.md §5 formula and
sorted with its tie-breaks, under a time limit per query (``--naive-limit``,
SIGALRM). Where the baseline finishes, its top k is checked against dunbar's
(scores to 1e-12, node sequences where a score is not tied).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import math
import random
import signal
import statistics
import sys
import time
from collections.abc import Hashable, Iterator
from typing import Any

import networkx as nx

from common import machine_info, machine_line, seconds, timed, write_json
from dunbar.graph.paths import IntroPath, PathIndex

ME = "me"
DELTA, ALPHA, K, HOPS = 0.8, 0.2, 5, 3


def build_graph(n: int, contacts: int, seed: int) -> nx.Graph[Hashable]:
    rng = random.Random(seed)
    G: nx.Graph[Hashable] = nx.powerlaw_cluster_graph(n, 5, 0.3, seed=1)
    for u, v in G.edges:
        G[u][v]["strength"] = 1.0 - rng.random()
    for c in rng.sample(range(n), contacts):
        G.add_edge(ME, c, strength=1.0 - rng.random())
    other = nx.powerlaw_cluster_graph(1000, 3, 0.3, seed=2)
    for u, v in other.edges:
        G.add_edge(("far", u), ("far", v), strength=1.0 - rng.random())
    return G


def pick_queries(
    G: nx.Graph[Hashable], per_class: int, seed: int
) -> list[tuple[str, Hashable | frozenset[Hashable]]]:
    rng = random.Random(seed + 1)
    dist = nx.single_source_shortest_path_length(G, ME, cutoff=3)
    by_hops: dict[int, list[Hashable]] = {1: [], 2: [], 3: []}
    for node, d in dist.items():
        if d:
            by_hops[d].append(node)
    queries: list[tuple[str, Hashable | frozenset[Hashable]]] = []
    for d in (2, 3):
        nodes = sorted(by_hops[d], key=repr)
        queries += [(f"{d} hops", t) for t in rng.sample(nodes, min(per_class, len(nodes)))]
    contacts = set(G[ME])
    hubs = sorted((n for n in G if n != ME and n not in contacts), key=G.degree, reverse=True)
    queries += [("hub", t) for t in hubs[: max(per_class // 4, 5)]]
    far = sorted((n for n in G if isinstance(n, tuple)), key=repr)
    queries += [("unreachable", t) for t in rng.sample(far, per_class // 2)]
    people = sorted((n for n in G if isinstance(n, int)), key=repr)
    queries += [
        ("set of 25", frozenset(rng.sample(people, 25))) for _ in range(max(per_class // 4, 5))
    ]
    queries += [("set of 500", frozenset(rng.sample(people, 500))) for _ in range(5)]
    rng.shuffle(queries)
    return queries


class Timeout(Exception):
    pass


@contextlib.contextmanager
def time_limit(limit: float) -> Iterator[None]:
    """Raise :class:`Timeout` in this (main) thread after ``limit`` seconds."""

    def alarm(signum: int, frame: Any) -> None:
        raise Timeout

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def naive(
    G: nx.Graph[Hashable], target: Hashable | frozenset[Hashable]
) -> list[tuple[float, float, tuple[Any, ...]]]:
    """Every simple path of <= 3 hops (networkx), scored by MODEL.md §5, sorted.

    With a set of targets, paths through one member to another are dropped (a path
    ends at the first member it reaches, as in dunbar).
    """
    members = target if isinstance(target, frozenset) else {target}
    found = []
    for nodes in nx.all_simple_paths(G, ME, target, cutoff=HOPS):
        if members.intersection(nodes[1:-1]):
            continue
        hops = [G[u][v]["strength"] for u, v in itertools.pairwise(nodes)]
        score = hops[0]
        for s in hops[1:]:
            score = score * (DELTA * (ALPHA + (1 - ALPHA) * s))
        found.append((score, min(hops), tuple(nodes)))
    found.sort(key=lambda f: (-f[0], -f[1], len(f[2])))
    return found


def same_top_k(got: list[IntroPath], every: list[tuple[float, float, tuple[Any, ...]]]) -> bool:
    """The check of tests/graph/test_paths.py: scores to 1e-12, nodes unless tied."""
    want = every[:K]
    if len(got) != len(want):
        return False
    scores = [w[0] for w in every]
    for i, (path, (score, _, nodes)) in enumerate(zip(got, want, strict=True)):
        if not math.isclose(path.score, score, rel_tol=1e-12, abs_tol=1e-12):
            return False
        tied = any(
            j != i and math.isclose(scores[j], score, rel_tol=1e-12, abs_tol=1e-15)
            for j in range(len(scores))
        )
        if not tied and path.nodes != nodes:
            return False
    return True


def quantile(values: list[float], q: float) -> float:
    """The q-quantile, linear between order statistics (``statistics.quantiles``, inclusive)."""
    if len(values) == 1:
        return values[0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[round(q * 100) - 1]


def summary(ms: list[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50_ms": quantile(ms, 0.50),
        "p95_ms": quantile(ms, 0.95),
        "max_ms": max(ms),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="nodes of the main component")
    parser.add_argument("--contacts", type=int, default=1_500, help="my contacts")
    parser.add_argument("--per-class", type=int, default=80, help="targets at 2 and at 3 hops")
    parser.add_argument("--naive", type=int, default=20, help="queries for the baseline")
    parser.add_argument("--naive-limit", type=float, default=60.0, help="seconds per query")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="10,000 nodes, fewer queries")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.contacts, args.per_class, args.naive = 10_000, 300, 20, 4
        args.naive_limit = 20.0
    info = machine_info()
    print(machine_line(info))
    with timed() as t_graph:
        G = build_graph(args.n, args.contacts, args.seed)
    print(
        f"graph: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges, "
        f"me with {G.degree(ME):,} contacts, largest degree "
        f"{max(d for _, d in G.degree()):,} ({seconds(t_graph.wall)} to generate)"
    )
    queries = pick_queries(G, args.per_class, args.seed)
    with timed() as t_index:
        index = PathIndex(G)
    print(f"PathIndex built once: {seconds(t_index.wall)}")

    index.intro_paths(ME, queries[0][1])  # warm-up, untimed
    times: dict[str, list[float]] = {}
    answers: list[list[IntroPath]] = []
    for kind, target in queries:
        start = time.perf_counter()
        paths = index.intro_paths(ME, target, k=K, max_hops=HOPS, delta=DELTA, alpha=ALPHA)
        times.setdefault(kind, []).append((time.perf_counter() - start) * 1000)
        answers.append(paths)
    every_ms = [ms for ms in itertools.chain.from_iterable(times.values())]
    overall = summary(every_ms)
    print(
        f"dunbar, {overall['n']} queries: p50 {overall['p50_ms']:.2f} ms, "
        f"p95 {overall['p95_ms']:.2f} ms, max {overall['max_ms']:.2f} ms"
    )
    per_kind = {kind: summary(ms) for kind, ms in sorted(times.items())}
    for kind, s in per_kind.items():
        found = sum(1 for (k2, _), a in zip(queries, answers, strict=True) if k2 == kind and a)
        print(
            f"  {kind:<12} {s['n']:>3} queries ({found} with a path): p50 {s['p50_ms']:.2f} ms, "
            f"p95 {s['p95_ms']:.2f} ms, max {s['max_ms']:.2f} ms"
        )

    # The baseline on a few queries of each kind but the big sets.
    rng = random.Random(args.seed + 2)
    kinds = ("2 hops", "3 hops", "hub", "unreachable", "set of 25")
    subset: list[int] = []
    for kind in kinds:
        of_kind = [i for i, (k2, _) in enumerate(queries) if k2 == kind]
        subset += rng.sample(of_kind, min(max(args.naive // len(kinds), 1), len(of_kind)))
    naive_rows = []
    for i in subset:
        kind, target = queries[i]
        start = time.perf_counter()
        try:
            with time_limit(args.naive_limit):
                every = naive(G, target)
        except Timeout:
            naive_rows.append({"kind": kind, "seconds": None, "same": None, "paths": None})
            print(f"  naive {kind:<12} over the {args.naive_limit:g} s limit")
            continue
        wall = time.perf_counter() - start
        same = same_top_k(answers[i], every)
        start = time.perf_counter()
        index.intro_paths(ME, target)
        ours = time.perf_counter() - start
        naive_rows.append(
            {"kind": kind, "seconds": wall, "same": same, "paths": len(every), "dunbar_s": ours}
        )
        print(
            f"  naive {kind:<12} {wall:8.2f} s over {len(every):>9,} simple paths; "
            f"dunbar {ours * 1000:6.2f} ms; same top {K}: {same}"
        )
    done = [r for r in naive_rows if r["seconds"] is not None]
    if done:
        speedups = [r["seconds"] / r["dunbar_s"] for r in done]
        print(
            f"naive: {len(done)} of {len(naive_rows)} finished, median "
            f"{statistics.median(r['seconds'] for r in done):.2f} s per query; "
            f"median speed-up {statistics.median(speedups):,.0f}x; "
            f"identical top {K} on {sum(1 for r in done if r['same'])} of {len(done)}"
        )
    met = overall["p95_ms"] <= 50
    print(f"target p95 <= 50 ms: {'met' if met else 'missed'} ({overall['p95_ms']:.2f} ms)")
    write_json(
        args.json,
        {
            "machine": info,
            "nodes": G.number_of_nodes(),
            "edges": G.number_of_edges(),
            "index_seconds": t_index.wall,
            "overall": overall,
            "per_kind": per_kind,
            "naive": naive_rows,
        },
    )
    all_same = all(r["same"] for r in done)
    return 0 if all_same else 1


if __name__ == "__main__":
    sys.exit(main())
