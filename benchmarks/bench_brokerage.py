"""Burt's measures for every node: dunbar.graph.brokerage against NetworkX, same run.

    python benchmarks/bench_brokerage.py              # 20,000 and 100,000 nodes
    python benchmarks/bench_brokerage.py --quick      # 2,000 and 10,000 nodes
    python benchmarks/bench_brokerage.py --nx-limit 1800   # longer for NetworkX's loop

Targets (issue 5, "Brokerage"): constraint, effective size and hierarchy of every
node of ``nx.powerlaw_cluster_graph(20000, 5, 0.3, seed=1)`` in ≤ 1 s, and of
``powerlaw_cluster_graph(100000, 5, 0.3, seed=1)`` (about 500,000 edges) in ≤ 5 s
with a peak memory ≤ 2 GB. Weights are ``random.Random(1).uniform(0.05, 1)`` in
``G.edges()`` order, and every measure is weighted.

What is timed, each in a fresh interpreter (``--child``) so that its peak RSS
(``resource.getrusage``) is its own; the graph is built before the clock starts:

- dunbar: ``brokerage(G, weight="w")`` (all measures in one pass), median of
  ``--repeat`` runs after one warm-up, and the three public functions
  ``constraint``, ``effective_size``, ``hierarchy`` called one after the other
  (each reads the graph again). Reading the networkx graph is inside the time.
- NetworkX's per-node loop (``nx.constraint`` and ``nx.effective_size`` with
  ``nodes=list``, the path MODEL.md §4.2 says to use), one node at a time in a
  seeded random order for ``--nx-limit`` seconds (240; 10 with ``--quick``; an
  alarm stops the call running at the limit).
  If it does not finish, the time limit over dunbar's time is a measured lower
  bound of the ratio, and the time for all nodes is estimated by the node count
  (unbiased for a random order, but noisy: the loop's cost per node grows like
  d³, so a few hubs dominate). dunbar's values are checked against the loop's
  on the nodes it did (largest absolute difference).
- NetworkX's sparse ``nx.constraint(G, weight=...)`` (``nodes=None``), with
  ``--nx-timeout`` and a 4 GB address-space limit; its values are compared with
  dunbar's on every node.
- NetworkX's sparse ``nx.effective_size(G, weight=...)`` on the 100,000-node
  graph under ``resource.setrlimit(RLIMIT_AS, 4 GB)``: it asks for a dense
  100,000 × 100,000 float64 array (74.5 GiB) and fails; the error is reported.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import signal
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from common import machine_line, peak_rss_mib, rss_mib, run_child, seconds, write_json

HERE = Path(__file__).resolve().parent
TARGETS = {20_000: 1.0, 100_000: 5.0}
MEMORY_TARGET_MIB = 2048
RLIMIT_BYTES = 4 * 1024**3


def make_graph(n: int, seed: int = 1) -> Any:
    import networkx as nx

    G = nx.powerlaw_cluster_graph(n, 5, 0.3, seed=seed)
    rng = random.Random(seed)
    for _, _, d in G.edges(data=True):
        d["w"] = rng.uniform(0.05, 1)
    return G


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (RLIMIT_BYTES, RLIMIT_BYTES))


# --- the children -----------------------------------------------------------------------


def child_dunbar(spec: dict[str, Any]) -> dict[str, Any]:
    from dunbar.graph import constraint, effective_size, hierarchy
    from dunbar.graph.brokerage import brokerage

    G = make_graph(spec["n"])
    rss_graph, peak_graph = rss_mib(), peak_rss_mib()
    calls: list[int] = []
    brokerage(G, weight="w", progress=lambda done, total: calls.append(done))  # warm-up
    runs = []
    for _ in range(spec["repeat"]):
        started = time.perf_counter()
        brokerage(G, weight="w")
        runs.append(time.perf_counter() - started)
    started = time.perf_counter()
    constraint(G, weight="w")
    effective_size(G, weight="w")
    hierarchy(G, weight="w")
    three = time.perf_counter() - started
    return {
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "median": statistics.median(runs),
        "runs": runs,
        "three_calls": three,
        "progress_calls": len(calls),
        "rss_graph_mib": rss_graph,
        "peak_graph_mib": peak_graph,
        "peak_rss_mib": peak_rss_mib(),
    }


class _OutOfTime(Exception):
    pass


def _out_of_time(signum: int, frame: Any) -> None:
    raise _OutOfTime


def child_nx_loop(spec: dict[str, Any]) -> dict[str, Any]:
    import networkx as nx

    from dunbar.graph.brokerage import brokerage

    G = make_graph(spec["n"])
    nodes = list(G)
    random.Random(2).shuffle(nodes)
    out: dict[str, Any] = {"limit_s": spec["limit"]}
    for name, fn in (("constraint", nx.constraint), ("effective_size", nx.effective_size)):
        theirs: dict[Any, float] = {}
        # One node at a time, in a seeded random order; the alarm stops a call that is
        # still running at the limit (a hub's call alone can take hours: cost ~ d³).
        signal.signal(signal.SIGALRM, _out_of_time)
        signal.setitimer(signal.ITIMER_REAL, spec["limit"])
        started = time.perf_counter()
        try:
            for v in nodes:
                theirs.update(fn(G, nodes=[v], weight="w"))
        except _OutOfTime:
            pass
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        elapsed = time.perf_counter() - started
        ours = brokerage(G, nodes=list(theirs), weight="w")
        out[name] = {
            "done": len(theirs),
            "seconds": elapsed,
            "complete": len(theirs) == len(nodes),
            "by_node_count_s": elapsed * len(nodes) / max(len(theirs), 1),
            "max_abs_diff": max(
                (abs(getattr(ours[v], name) - theirs[v]) for v in theirs), default=0
            ),
        }
    return out


def child_nx_sparse_constraint(spec: dict[str, Any]) -> dict[str, Any]:
    import networkx as nx

    from dunbar.graph import constraint

    G = make_graph(spec["n"])
    ours = constraint(G, weight="w")
    _limit_memory()
    started = time.perf_counter()
    try:
        theirs = nx.constraint(G, weight="w")
    except MemoryError as exc:
        return {"error": f"{type(exc).__name__}: {exc}", "after_s": time.perf_counter() - started}
    elapsed = time.perf_counter() - started
    return {
        "seconds": elapsed,
        "max_abs_diff": max(abs(ours[v] - theirs[v]) for v in G),
        "peak_rss_mib": peak_rss_mib(),
    }


def child_nx_sparse_effective_size(spec: dict[str, Any]) -> dict[str, Any]:
    import networkx as nx

    G = make_graph(spec["n"])
    n = G.number_of_nodes()
    _limit_memory()
    started = time.perf_counter()
    try:
        nx.effective_size(G, weight="w")
    except MemoryError as exc:
        return {
            "failed": True,
            "error": f"{type(exc).__name__}: {exc}",
            "after_s": time.perf_counter() - started,
            "dense_gib": n * n * 8 / 1024**3,
        }
    return {"failed": False, "seconds": time.perf_counter() - started}


CHILDREN = {
    "dunbar": child_dunbar,
    "nx_loop": child_nx_loop,
    "nx_sparse_constraint": child_nx_sparse_constraint,
    "nx_sparse_effective_size": child_nx_sparse_effective_size,
}


# --- the parent -------------------------------------------------------------------------


def _child(spec: dict[str, Any], timeout: float) -> dict[str, Any]:
    try:
        return run_child(Path(__file__), spec, timeout=timeout)
    except Exception as exc:  # a timeout or a crash is a result to report
        return {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"}


def run_size(n: int, args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {"n": n}
    print(f"\n-- powerlaw_cluster_graph({n:,}, 5, 0.3, seed=1), weights uniform(0.05, 1)")
    d = _child({"mode": "dunbar", "n": n, "repeat": args.repeat}, timeout=600)
    result["dunbar"] = d
    if "error" in d:
        print(f"dunbar: {d['error']}")
        return result
    target = TARGETS.get(n)
    verdict = (
        ""
        if target is None
        else f" (target <= {target:g} s: " + ("met)" if d["median"] <= target else "MISSED)")
    )
    print(
        f"{d['nodes']:,} nodes, {d['edges']:,} edges\n"
        f"dunbar brokerage(): median {seconds(d['median'])} of {len(d['runs'])}{verdict}; "
        f"constraint + effective_size + hierarchy called apart: {seconds(d['three_calls'])}\n"
        f"  memory: {d['rss_graph_mib']:.0f} MiB with the graph built (peak so far "
        f"{d['peak_graph_mib']:.0f} MiB), peak {d['peak_rss_mib']:.0f} MiB in all "
        f"(target <= {MEMORY_TARGET_MIB} MiB: "
        f"{'met' if d['peak_rss_mib'] <= MEMORY_TARGET_MIB else 'MISSED'})"
    )
    loop = _child(
        {"mode": "nx_loop", "n": n, "limit": args.nx_limit}, timeout=2 * args.nx_limit + 600
    )
    result["nx_loop"] = loop
    if "error" in loop:
        print(f"NetworkX loop: {loop['error']}")
    else:
        for name in ("constraint", "effective_size"):
            r = loop[name]
            if r["complete"]:
                what = f"{seconds(r['seconds'])} for all {n:,} nodes"
                r["ratio_at_least"] = r["ratio_estimate"] = r["seconds"] / d["median"]
            else:
                r["ratio_at_least"] = r["seconds"] / d["median"]
                r["ratio_estimate"] = r["by_node_count_s"] / d["median"]
                what = (
                    f"{r['done']:,} of {n:,} nodes (random order) in the {seconds(r['seconds'])} "
                    f"limit, so > {r['ratio_at_least']:,.0f}x dunbar's one pass; all nodes by "
                    f"node count ~{seconds(r['by_node_count_s'])}"
                )
            print(
                f"nx.{name}(nodes=list) loop: {what} (~{r['ratio_estimate']:,.0f}x); "
                f"largest |difference| on those nodes {r['max_abs_diff']:.1e}"
            )
    spc = _child({"mode": "nx_sparse_constraint", "n": n}, timeout=args.nx_timeout)
    result["nx_sparse_constraint"] = spc
    if "error" in spc:
        print(f"nx.constraint sparse path (nodes=None, 4 GB limit): {spc['error']}")
    else:
        spc["ratio"] = spc["seconds"] / d["median"]
        print(
            f"nx.constraint sparse path (nodes=None): {seconds(spc['seconds'])}, "
            f"{spc['ratio']:.1f}x dunbar's one pass; peak {spc['peak_rss_mib']:.0f} MiB; "
            f"largest |difference| {spc['max_abs_diff']:.1e}"
        )
    if n >= 50_000:
        es = _child({"mode": "nx_sparse_effective_size", "n": n}, timeout=args.nx_timeout)
        result["nx_sparse_effective_size"] = es
        if es.get("failed"):
            print(
                f"nx.effective_size sparse path (nodes=None, RLIMIT_AS 4 GB): failed after "
                f"{seconds(es['after_s'])}: {es['error']} (a dense {n:,}² float64 array is "
                f"{es['dense_gib']:.1f} GiB)"
            )
        else:
            print(f"nx.effective_size sparse path: {es}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="2,000 and 10,000 nodes")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--nx-limit", type=float, default=240, help="s per NetworkX loop")
    parser.add_argument("--nx-timeout", type=float, default=300, help="s, sparse NX paths")
    parser.add_argument("--sizes", type=int, nargs="+", help="graph sizes instead of the two")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        print(json.dumps(CHILDREN[spec["mode"]](spec)))
        return 0
    sizes = args.sizes or ((2_000, 10_000) if args.quick else (20_000, 100_000))
    if args.quick:
        args.nx_limit = min(args.nx_limit, 10)
    print(f"bench_brokerage — {machine_line()}")
    results = {
        "machine": machine_line(),
        "sizes": [run_size(n, args) for n in sizes],
    }
    write_json(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
