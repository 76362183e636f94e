"""1:1 matchmaking: 6 slots of maximum-weight matchings against greedy and exact networkx.

    python benchmarks/bench_matching.py            # 100, 300, 500 people; exact slots too
    python benchmarks/bench_matching.py --quick    # 100 and 300 people, fewer exact runs

Target (issue 6, this 2-core machine): 300 people, 6 slots, ≤ 10 s in total,
reported against greedy matching.

The people: ``--seed``-ed random profiles (:class:`dunbar.gatherings.value.Profile`):
0–2 offers and 0–2 needs from 24 skills, 0–3 topics from 16, an organisation
among n/10, one of 6 clusters, a tie strength U(0, 1); 10 % of the pairs inside
a cluster already know each other. Their value graph is
:func:`~dunbar.gatherings.value.value_graph` with ``min_score=0`` (complete
but for the acquainted pairs of one cluster, who score 0 only when nothing
else links them), timed apart.

What is timed, each on the same graph, in the same run:

- **dunbar**: ``match_slots(G, 6)`` with the defaults (``method="lp"``: the
  fractional matching LP per slot, its whole edges kept, the rest by blossom);
- **blossom top_k=20**: ``match_slots(G, 6, method="blossom", top_k=20)``
  (blossom on each person's 20 best remaining edges plus the greedy edges);
- **greedy**: ``match_slots(G, 6, method="greedy")``;
- **the bound**: ``plan_bound(G, 6)``, the b-matching LP, above every 6-slot
  plan without repeats (the unknown optimum across slots included);
- **exact per slot**: ``match_slots(G, 6, top_k=None)`` (networkx's blossom on
  every remaining edge), all 6 slots at 100 people, and at 300 and 500 the first
  slot only (one slot takes several seconds; ``--exact-slots`` to change), with
  dunbar's first slot against it;
- **top-k sweep** of blossom at 100 people (all 6 slots against exact) and 300
  (first slot): k = 5, 10, 20, 40, and the default lp.

Values are total mutual value (the sum of the edges' ``value``). The loss of a
sparsified slot is reported against the exact slot on the *same* remaining graph
(the first slot), and the 6-slot totals against the 6-slot exact plan.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from typing import Any

import networkx as nx

from common import machine_info, machine_line, seconds, write_json
from dunbar.gatherings.matching import match_slots, plan_bound
from dunbar.gatherings.value import Profile, value_graph

SKILLS = (
    "supply-chain finance",
    "trade finance",
    "python",
    "data engineering",
    "hiring",
    "product design",
    "ux research",
    "employment law",
    "fundraising",
    "grant writing",
    "marketing",
    "enterprise sales",
    "climate policy",
    "cloud security",
    "logistics",
    "machine learning",
    "public speaking",
    "accounting",
    "tax advice",
    "mentoring founders",
    "angel investing",
    "translation",
    "event planning",
    "journalism",
)
TOPICS = (
    "jazz",
    "books",
    "chess",
    "climbing",
    "cycling",
    "choir",
    "python",
    "alumni",
    "founder",
    "investor",
    "music",
    "running",
    "cooking",
    "football",
    "photography",
    "gardening",
)
SLOTS = 6
DEFAULT = "dunbar (lp, default)"


def profiles(n: int, seed: int) -> tuple[list[Profile], set[tuple[int, int]]]:
    rng = random.Random(seed)
    people = [
        Profile(
            i,
            f"P{i}",
            offers=tuple(rng.sample(SKILLS, rng.randint(0, 2))),
            needs=tuple(rng.sample(SKILLS, rng.randint(0, 2))),
            topics=tuple(rng.sample(TOPICS, rng.randint(0, 3))),
            organisation=f"org{rng.randrange(max(1, n // 10))}",
            cluster=rng.randrange(6),
            strength=rng.random(),
        )
        for i in range(n)
    ]
    known = {
        (a.id, b.id)
        for a in people
        for b in people
        if a.id < b.id and a.cluster == b.cluster and rng.random() < 0.1
    }
    return people, known


def run(fn: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def bench_size(n: int, seed: int, exact_slots: int) -> dict[str, Any]:
    people, known = profiles(n, seed)
    G, t_graph = run(lambda: value_graph(people, acquainted=known))
    print(
        f"\n{n} people: value graph {G.number_of_edges():,} edges in {seconds(t_graph)}",
        flush=True,
    )
    out: dict[str, Any] = {"n": n, "edges": G.number_of_edges(), "graph_s": t_graph}
    bound, t_bound = run(lambda: plan_bound(G, SLOTS))
    out["bound"] = {"s": t_bound, "value": bound}
    print(f"  LP bound on any {SLOTS}-slot plan: {bound:.3f} ({seconds(t_bound)})", flush=True)
    plans = {}
    for label, kw in (
        ("dunbar (lp, default)", {}),
        ("blossom top_k=20", {"method": "blossom", "top_k": 20}),
        ("greedy", {"method": "greedy"}),
    ):
        plan, t = run(lambda kw=kw: match_slots(G, SLOTS, **kw))
        plans[label] = plan
        out[label] = {"s": t, "total": plan.total, "slots": plan.values, "exact": plan.exact}
        print(
            f"  {label:<22} {seconds(t):>9}, value {plan.total:.3f} "
            f"({plan.total / bound:.5f} of the bound), meetings {sum(map(len, plan.slots))}, "
            f"slots exact {sum(plan.exact)}/{SLOTS}",
            flush=True,
        )
    ours, greedy = plans["dunbar (lp, default)"], plans["greedy"]
    print(f"  dunbar/greedy: {ours.total / greedy.total:.4f}", flush=True)
    k_slots = SLOTS if n <= 100 else exact_slots
    if k_slots:
        exact, t_exact = run(lambda: match_slots(G, k_slots, method="blossom", top_k=None))
        out["exact"] = {
            "slots": k_slots,
            "s": t_exact,
            "total": exact.total,
            "values": exact.values,
        }
        line = f"  exact blossom, {k_slots} slot(s): {seconds(t_exact)}, value {exact.total:.3f};"
        for label, plan in plans.items():
            mine = sum(plan.values[:k_slots])
            line += f" {label.split(' (')[0]} {mine / exact.total:.5f}"
        print(line + " of it", flush=True)
    return out


def sweep(n: int, seed: int, slots: int) -> list[dict[str, Any]]:
    people, known = profiles(n, seed)
    G = value_graph(people, acquainted=known)
    exact, t_exact = run(lambda: match_slots(G, slots, method="blossom", top_k=None))
    rows = [{"k": None, "s": t_exact, "total": exact.total}]
    lp, t_lp = run(lambda: match_slots(G, slots))
    rows.append({"k": "lp", "s": t_lp, "total": lp.total})
    print(
        f"\ntop-k sweep (blossom), {n} people, {slots} slot(s); exact {exact.total:.4f} "
        f"in {seconds(t_exact)}; lp (default) {lp.total:.4f} ({lp.total / exact.total:.6f} "
        f"of exact) in {seconds(t_lp)}"
    )
    for k in (5, 10, 20, 40):
        plan, t = run(lambda k=k: match_slots(G, slots, method="blossom", top_k=k))
        rows.append({"k": k, "s": t, "total": plan.total})
        print(
            f"  k={k:>2}: {seconds(t)}, value {plan.total:.4f} "
            f"({plan.total / exact.total:.6f} of exact, loss {exact.total - plan.total:.4f})",
            flush=True,
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 500])
    parser.add_argument("--exact-slots", type=int, default=1, help="exact slots above 100 people")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--quick", action="store_true", help="100 and 300 people, no sweep at 300")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    sizes = [100, 300] if args.quick else args.sizes
    info = machine_info()
    print(machine_line(info))
    print(f"networkx {nx.__version__}; {SLOTS} slots; seed {args.seed}")
    results: dict[str, Any] = {"machine": info, "sizes": []}
    for n in sizes:
        results["sizes"].append(bench_size(n, args.seed, args.exact_slots))
    results["sweep_100"] = sweep(100, args.seed, SLOTS)
    if not args.quick:
        results["sweep_300"] = sweep(300, args.seed, 1)
    target = next((r for r in results["sizes"] if r["n"] == 300), None)
    if target:
        print(
            f"\ntarget: 300 people, 6 slots <= 10 s: {seconds(target[DEFAULT]['s'])} "
            f"({'met' if target[DEFAULT]['s'] <= 10 else 'MISSED'}; value graph apart: "
            f"{seconds(target['graph_s'])})"
        )
    write_json(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
