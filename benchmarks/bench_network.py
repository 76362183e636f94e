"""The network commands on a 50,000-person ledger: build, path, who-knows, insights.

No target in the issue for these (its targets are the pure algorithms:
``bench_brokerage.py`` and ``bench_paths.py``); this measures what a user waits
for at that size. The ledger is ``bench_cli.build_ledger`` (50,000 people,
500,000 encounters with 1 to 3 participants, so many "met together" pairs) plus
``--ties`` who-knows-whom facts (declared and email CC) through the library's bulk
path.

Measured in-process: ``Ledger.network()`` (scoreboard, store reads, evidence,
graph), a path query against the built graph (p50/p95 over ``--queries`` targets),
``who_knows`` (lexical) and ``insights``. Then the real console script, process
start included: ``dunbar path``, ``dunbar who-knows --mode lexical`` and ``dunbar
insights``.

The naive way, in the same run: the graph made person by person, one
``ledger.tie(id)`` per contact and one ``acquaintances(id)`` query each, on a
sample, extrapolated to everyone.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench_cli import build_ledger
from common import (
    dunbar_exe,
    fixed_clock,
    machine_info,
    machine_line,
    median,
    peak_rss_mib,
    seconds,
    temp_dir,
    timed,
    write_json,
)

TIES_SEED = 77


def add_ties(path: Path, ties: int) -> int:
    from dunbar import Ledger
    from dunbar.ledger import AcquaintanceInput

    rng = random.Random(TIES_SEED)
    with Ledger.open(path, clock=fixed_clock) as ledger:
        ids = [p.id for p in ledger.people() if not p.is_me]

        def items() -> Any:
            for i in range(ties):
                a, b = rng.sample(ids, 2)
                yield AcquaintanceInput(
                    min(a, b),
                    max(a, b),
                    evidence="declared" if i % 3 == 0 else "email_cc",
                    strength=round(rng.uniform(0.1, 0.9), 2) if i % 3 == 0 else None,
                )

        return ledger.bulk_add_acquaintances(items())


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(args: argparse.Namespace) -> dict[str, Any]:
    from dunbar import Ledger

    out: dict[str, Any] = {"machine": machine_info(), "people": args.people}
    with temp_dir() as tmp:
        path = tmp / "network.db"
        print(f"  building the ledger ({args.people:,} people) ...", end="", flush=True)
        with timed() as t:
            out["ledger"] = build_ledger(path, args.people, args.encounters)
            out["ties_added"] = add_ties(path, args.ties)
        print(f" {seconds(t.wall)}")
        with Ledger.open(path, clock=fixed_clock) as ledger:
            ledger.scoreboard()  # warm the tally cache, as any earlier command would
            with timed() as t:
                net = ledger.network()
            out["network_build"] = t.wall
            out["graph"] = {
                "nodes": net.graph.number_of_nodes(),
                "edges": net.graph.number_of_edges(),
                "my_ties": net.report.my_ties,
                "contact_ties": net.report.contact_ties,
                "by_kind": net.report.by_kind,
            }
            print(f"  network(): {seconds(t.wall)}, {out['graph']}")
            with timed() as t:
                net.index()
            out["index_build"] = t.wall
            rng = random.Random(5)
            # Everyone here has met me (the benchmark's encounters include me), so
            # each target has a direct path as well as introductions.
            others = sorted(n for n in net.graph if n != net.me)
            targets = rng.sample(others, min(args.queries, len(others)))
            lat = []
            found = 0
            for target in targets:
                with timed() as t:
                    report = ledger.path(target, network=net)
                lat.append(t.wall)
                found += bool(report.paths)
            out["path"] = {
                "queries": len(lat),
                "with_paths": found,
                "p50": quantile(lat, 0.5),
                "p95": quantile(lat, 0.95),
                "max": max(lat),
            }
            print(f"  path (in-process, graph built): {out['path']}")
            with timed() as t:
                who = ledger.who_knows("mentor", mode="lexical", network=net)
            out["who_knows"] = {"wall": t.wall, "entries": len(who.entries)}
            with timed() as t:
                insights = ledger.insights(network=net)
            out["insights"] = {"wall": t.wall, "clusters": len(insights.clusters)}
            print(f"  who_knows {seconds(out['who_knows']['wall'])}, insights {seconds(t.wall)}")

            sample = rng.sample([n for n in net.graph if n != net.me], args.naive)
            with timed() as t:
                for pid in sample:
                    ledger.tie(pid)
                    ledger.acquaintances(pid)
            per = t.wall / len(sample)
            out["naive"] = {
                "sample": len(sample),
                "per_person": per,
                "extrapolated": per * (net.graph.number_of_nodes() - 1),
            }
            print(f"  naive: {per * 1000:.1f} ms/person -> {seconds(out['naive']['extrapolated'])}")
            star = next(iter(targets), None)
        exe = dunbar_exe()
        cli: dict[str, Any] = {}
        commands = {
            "path": ["path", str(star)],
            "who_knows": ["who-knows", "mentor", "--mode", "lexical"],
            "insights": ["insights"],
        }
        for name, argv in commands.items():
            runs = []
            for _ in range(args.reps):
                with timed() as t:
                    done = subprocess.run(
                        [exe, "--db", str(path), *argv], capture_output=True, text=True
                    )
                runs.append(t.wall)
            cli[name] = {"median": median(runs), "max": max(runs), "code": done.returncode}
            print(f"  dunbar {' '.join(argv)}: median {seconds(median(runs))}")
        out["cli"] = cli
    out["peak_rss_mib"] = peak_rss_mib()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--encounters", type=int, default=500_000)
    parser.add_argument("--ties", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--naive", type=int, default=200)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    if args.quick:
        args.people, args.encounters, args.ties = 2_000, 20_000, 4_000
        args.queries, args.naive, args.reps = 10, 50, 1
    print(f"network: {machine_line()}")
    out = run(args)
    write_json(args.json, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
