"""Run every benchmark (``make bench``) and print a summary to paste into RESULTS.md.

    python benchmarks/run_all.py            # full sizes, about 7 minutes
    python benchmarks/run_all.py --quick    # small sizes, about a minute
    python benchmarks/run_all.py --no-pg    # SQLite only

Each benchmark runs as its own process with a time limit; their JSON results go
to ``--out`` (default ``benchmarks/out``, which git ignores).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import HERE, machine_line, seconds

BENCHMARKS = ("bench_bulk_insert.py", "bench_cli.py")
# Benchmarks of other parts of dunbar: run as they are, with their own output;
# (full-size arguments, --quick arguments).
OTHERS = {
    "bench_strength.py": ([], ["--people", "5000", "--episodes", "100000"]),
    "bench_thiers13_auc.py": ([], []),
    "bench_agenda.py": ([], ["--quick"]),
    "bench_ics.py": ([], ["--events", "1000", "--series", "5"]),
    "bench_vcard.py": (["--full"], ["--n", "5000", "--naive", "500"]),
    "bench_infectious.py": ([], ["--quick"]),
    "bench_mbox.py": (["--full"], ["--size", "20"]),
    "bench_brokerage.py": ([], ["--quick"]),
    "bench_clusters.py": ([], ["--quick"]),
    "bench_paths.py": ([], ["--quick"]),
    "bench_topics.py": ([], ["--people", "5000", "--notes", "500", "--naive-people", "200"]),
    "bench_network.py": ([], ["--quick"]),
    "bench_matching.py": ([], ["--quick"]),
    "bench_seating.py": ([], ["--quick"]),
    "bench_web.py": ([], ["--quick"]),
}


def summary(results: dict[str, dict[str, Any]]) -> str:
    """A Markdown table of targets against measurements."""
    lines = ["| benchmark | target | measured | verdict |", "|---|---|---|---|"]
    bulk = results.get("bench_bulk_insert.py")
    if bulk:
        s = bulk["sqlite"]
        n = bulk["n"]
        for key, label in (("titled", "30% titled"), ("untitled", "no titles")):
            r = s[key]
            ok = r["wall"] <= bulk["target_s"] if n == bulk["target_n"] else None
            lines.append(
                f"| bulk insert {n:,}, {label} (SQLite) | <= {bulk['target_s']:.0f} s for "
                f"{bulk['target_n']:,} | {seconds(r['wall'])} ({r['rate']:,.0f}/s, peak RSS "
                f"{r['peak_rss_mib']:.0f} MiB) | {_verdict(ok)} |"
            )
        naive = s["naive"]
        lines.append(
            f"| naive log() x {n:,} (extrapolated from {naive['n']:,}) | — | "
            f"{seconds(naive['extrapolated_wall'])} ({naive['ratio_vs_bulk_titled']:.0f}x the "
            f"bulk path) | — |"
        )
        pg = bulk.get("postgresql")
        if pg:
            r = pg["titled"]
            lines.append(
                f"| bulk insert {pg['n']:,}, 30% titled (PostgreSQL {pg['server']}) | none | "
                f"{seconds(r['wall'])} ({r['rate']:,.0f}/s) | — |"
            )
    cli = results.get("bench_cli.py")
    if cli:
        full = cli["ledger"]["people"] == cli["target_people"]
        for name, target in cli["targets"].items():
            r = cli["commands"][name]
            ok = r["median"] <= target if full or name == "help" else None
            lines.append(
                f"| `{name}` ({cli['ledger']['people']:,} people) | <= {target:.1f} s | median "
                f"{seconds(r['median'])}, max {seconds(r['max'])} | {_verdict(ok)} |"
            )
    return "\n".join(lines)


def _verdict(ok: bool | None) -> str:
    return "n/a (not full size)" if ok is None else ("met" if ok else "**missed**")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--only", choices=("bulk", "cli", "others"), help="run one part")
    parser.add_argument(
        "--out",
        default=str(HERE / "out"),
        help="directory for the JSON results (default benchmarks/out, not in git)",
    )
    parser.add_argument("--timeout", type=float, default=1500, help="per benchmark (s)")
    args = parser.parse_args(argv)
    chosen = [b for b in BENCHMARKS if args.only is None or args.only in b.replace("insert", "")]
    started = time.perf_counter()
    print(f"dunbar benchmarks — {machine_line()}", flush=True)
    results: dict[str, dict[str, Any]] = {}
    failed = []
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in chosen:
        target = out_dir / name.replace(".py", ".json")
        argv_ = [sys.executable, str(HERE / name), "--json", str(target)]
        if args.quick:
            argv_.append("--quick")
        if args.no_pg and name == "bench_bulk_insert.py":
            argv_.append("--no-pg")
        print(f"\n== {name}", flush=True)
        try:
            done = subprocess.run(argv_, timeout=args.timeout, check=False)
        except subprocess.TimeoutExpired:
            print(f"{name}: over the {args.timeout:.0f} s limit, stopped", flush=True)
            failed.append(name)
            continue
        if done.returncode != 0:
            failed.append(name)
            continue
        results[name] = json.loads(target.read_text())
    others: dict[str, str] = {}
    for name, (full, quick) in OTHERS.items():
        if args.only not in (None, "others") or not (HERE / name).exists():
            continue
        print(f"\n== {name}", flush=True)
        try:
            done = subprocess.run(
                [sys.executable, str(HERE / name), *(quick if args.quick else full)],
                timeout=args.timeout,
                check=False,
            )
            others[name] = "ran" if done.returncode == 0 else f"failed ({done.returncode})"
        except subprocess.TimeoutExpired:
            others[name] = f"over the {args.timeout:.0f} s limit, stopped"
        if others[name] != "ran":
            failed.append(name)
    print(f"\n== summary ({seconds(time.perf_counter() - started)} in all)\n")
    print(summary(results))
    for name, state in others.items():
        print(f"\n{name}: {state} (its results are in its own output above)")
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
