"""Benchmark 1: bulk-insert encounters through ``Ledger.bulk_add_encounters``.

Target (SQLite, this machine): 1,000,000 encounters with participants in <= 30 s.

A ledger with 10,000 people gets N encounters (1 to 3 participants, mixed channels,
``source_ref`` on every one) in one call, each scenario on a fresh copy of the same
ledger and in a fresh process (so that its peak RSS is its own):

* bulk, 30 % of encounters titled (the search-index trigger indexes them);
* bulk, no titles (the trigger still fires for every row, and indexes nothing);
* the idempotent re-run: the same inputs again, all skipped;
* diagnostic: bulk without titles on a copy whose encounter-insert search trigger
  was dropped, to show what that trigger costs (not a supported configuration);
* the naive way, in the same run: one ``Ledger.log()`` (one transaction) per
  encounter for a sample, extrapolated linearly to N; the sample is then checked
  to store exactly what the bulk path stores for the same inputs.

PostgreSQL (no target): the bulk scenario and a naive sample on a database of its
own on the server of ``DUNBAR_TEST_POSTGRES_URL`` (else the local default), if it
answers. Run ``python benchmarks/bench_bulk_insert.py --help`` for the sizes.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

from common import (
    build_people,
    copy_ledger,
    encounter_inputs,
    fixed_clock,
    machine_info,
    machine_line,
    peak_rss_mib,
    pg_admin_url,
    pg_database,
    pg_server_version,
    rss_mib,
    run_child,
    seconds,
    temp_dir,
    timed,
    write_json,
)

SCRIPT = Path(__file__).resolve()
TARGET_S = 30.0
TARGET_N = 1_000_000
ITEMS_SEED = 20261122
PEOPLE_SEED = 7
TITLED = 0.3


# --- children: one measurement each, in a fresh interpreter -----------------------------


def _person_ids(ledger: Any) -> list[int]:
    from sqlalchemy import select

    from dunbar.store.tables import people

    with ledger.engine.connect() as conn:
        return list(
            conn.execute(select(people.c.id).where(~people.c.is_me).order_by(people.c.id)).scalars()
        )


def _counts(ledger: Any) -> dict[str, int]:
    from sqlalchemy import func, select

    from dunbar.store.tables import encounter_participants, encounters

    with ledger.engine.connect() as conn:
        out = {
            "encounters": conn.execute(select(func.count()).select_from(encounters)).scalar_one(),
            "participants": conn.execute(
                select(func.count()).select_from(encounter_participants)
            ).scalar_one(),
        }
        table = "search_fts" if conn.dialect.name == "sqlite" else "search_index"
        out["search_rows_encounters"] = conn.exec_driver_sql(
            f"SELECT count(*) FROM {table} WHERE kind = 'encounter'"
        ).scalar_one()
    return out


def child_bulk(spec: dict[str, Any]) -> dict[str, Any]:
    from dunbar import Ledger

    ledger = Ledger.open(spec["target"], clock=fixed_clock)
    try:
        ids = _person_ids(ledger)
        items = encounter_inputs(spec["n"], ids, seed=ITEMS_SEED, titles=spec["titles"])
        rss_before = rss_mib()
        with timed() as t:
            inserted, skipped = ledger.bulk_add_encounters(items)
        result: dict[str, Any] = {
            "n": spec["n"],
            "titles": spec["titles"],
            "wall": t.wall,
            "cpu": t.cpu,
            "inserted": inserted,
            "skipped": skipped,
            "rate": inserted / t.wall,
            "rss_before_mib": rss_before,
            "peak_rss_mib": peak_rss_mib(),
        }
        result.update(_counts(ledger))
        if spec.get("rerun"):
            with timed() as r:
                again = ledger.bulk_add_encounters(items)
            result.update(rerun_wall=r.wall, rerun_inserted=again[0], rerun_skipped=again[1])
        return result
    finally:
        ledger.close()


def child_naive(spec: dict[str, Any]) -> dict[str, Any]:
    """``log()`` per encounter on one copy; the same inputs in bulk on another; compare."""
    from dunbar import Ledger

    ledger = Ledger.open(spec["target"], clock=fixed_clock)
    try:
        ids = _person_ids(ledger)
        items = encounter_inputs(spec["n"], ids, seed=ITEMS_SEED, titles=spec["titles"])
        with timed() as t:
            for item in items:
                ledger.log(
                    item.title,
                    with_=list(item.participants),
                    when=item.when,
                    channel=item.channel,
                    initiative=item.initiative,
                    minutes=item.minutes,
                    source=item.source,
                    source_ref=item.source_ref,
                )
        logged = _rows(ledger)
    finally:
        ledger.close()
    same = None
    if spec.get("check_target"):
        other = Ledger.open(spec["check_target"], clock=fixed_clock)
        try:
            other.bulk_add_encounters(items)
            same = _rows(other) == logged
        finally:
            other.close()
    return {
        "n": spec["n"],
        "wall": t.wall,
        "cpu": t.cpu,
        "per_item": t.wall / spec["n"],
        "bulk_stores_the_same": same,
    }


def _rows(ledger: Any) -> list[Any]:
    tables = ledger.export()["tables"]
    return [
        sorted(json.dumps(r, sort_keys=True, default=str) for r in tables[name])
        for name in ("encounters", "encounter_participants")
    ]


# --- the parent -------------------------------------------------------------------------


def _template(path: Path, people: int) -> Path:
    from dunbar import Ledger

    ledger = Ledger.init(path, me="Bench Me", clock=fixed_clock)
    try:
        build_people(ledger.engine, people, seed=PEOPLE_SEED)
    finally:
        ledger.close()
    return path


def _drop_encounter_trigger(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER search_encounters_ai")
    conn.close()


def run(args: argparse.Namespace) -> dict[str, Any]:
    n, naive_n, timeout = args.n, args.naive, args.timeout
    out: dict[str, Any] = {
        "benchmark": "bulk_insert",
        "machine": machine_info(),
        "n": n,
        "people": args.people,
        "target_s": TARGET_S,
        "target_n": TARGET_N,
    }
    print(f"bulk insert: {n:,} encounters, {args.people:,} people — {machine_line()}", flush=True)
    with temp_dir() as tmp:
        with timed() as t:
            template = _template(tmp / "template.db", args.people)
        out["setup_wall"] = t.wall
        sqlite: dict[str, Any] = {}

        def fresh(name: str) -> str:
            return str(copy_ledger(template, tmp / f"{name}.db"))

        def step(label: str, mode: str, **spec: Any) -> dict[str, Any]:
            print(f"  sqlite {label} ...", end=" ", flush=True)
            result = run_child(SCRIPT, {"mode": mode, **spec}, timeout=timeout)
            print(seconds(result["wall"]), flush=True)
            return result

        sqlite["titled"] = step(
            f"bulk, {TITLED:.0%} titled, then re-run",
            "bulk",
            target=fresh("titled"),
            n=n,
            titles=TITLED,
            rerun=True,
        )
        Path(tmp / "titled.db").unlink()
        sqlite["untitled"] = step(
            "bulk, no titles", "bulk", target=fresh("untitled"), n=n, titles=0.0
        )
        Path(tmp / "untitled.db").unlink()
        if not args.no_diagnostic:
            target = fresh("notrigger")
            _drop_encounter_trigger(Path(target))
            sqlite["untitled_no_trigger"] = step(
                "bulk, no titles, trigger dropped (diag.)", "bulk", target=target, n=n, titles=0.0
            )
            Path(target).unlink()
        sqlite["naive"] = step(
            f"naive log() x {naive_n:,}",
            "naive",
            target=fresh("naive"),
            check_target=fresh("check"),
            n=naive_n,
            titles=TITLED,
        )
        _derive(sqlite, n)
        out["sqlite"] = sqlite

    if not args.no_pg:
        admin = pg_admin_url()
        if admin is None:
            print("  postgresql: no server answers; skipped", flush=True)
            out["postgresql"] = None
        else:
            out["postgresql"] = _run_pg(admin, args)
    _report(out)
    return out


def _derive(results: dict[str, Any], n: int) -> None:
    naive = results["naive"]
    naive["extrapolated_wall"] = naive["per_item"] * n
    naive["ratio_vs_bulk_titled"] = naive["extrapolated_wall"] / results["titled"]["wall"]


def _run_pg(admin: str, args: argparse.Namespace) -> dict[str, Any]:
    from dunbar import Ledger

    n = args.pg_n
    pg: dict[str, Any] = {"n": n}
    for name, mode, extra in (
        ("titled", "bulk", {"n": n, "titles": TITLED, "rerun": True}),
        ("naive", "naive", {"n": args.pg_naive, "titles": TITLED}),
    ):
        with pg_database(admin, name) as url:
            pg["server"] = pg_server_version(url)
            Ledger.init(url, me="Bench Me", clock=fixed_clock).close()
            from sqlalchemy import create_engine

            engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
            try:
                build_people(engine, args.people, seed=PEOPLE_SEED)
            finally:
                engine.dispose()
            print(f"  postgresql {name} ({extra['n']:,}) ...", end=" ", flush=True)
            pg[name] = run_child(
                SCRIPT, {"mode": mode, "target": url, **extra}, timeout=args.timeout
            )
            print(seconds(pg[name]["wall"]), flush=True)
    _derive(pg, n)
    return pg


def _report(out: dict[str, Any]) -> None:
    s = out["sqlite"]
    n = out["n"]
    titled, untitled, naive = s["titled"], s["untitled"], s["naive"]
    print()
    print(f"SQLite, {n:,} encounters ({titled['participants']:,} participant rows):")
    for label, r in (
        ("30% titled", titled),
        ("no titles", untitled),
        ("no titles, trigger dropped (diagnostic)", s.get("untitled_no_trigger")),
    ):
        if r is None:
            continue
        print(
            f"  bulk, {label:40} {seconds(r['wall']):>9}  cpu {seconds(r['cpu']):>9}  "
            f"{r['rate']:>9,.0f}/s  peak RSS {r['peak_rss_mib']:.0f} MiB "
            f"(inputs {r['rss_before_mib']:.0f} MiB)"
        )
    print(
        f"  re-run (idempotent): {seconds(titled['rerun_wall'])}, "
        f"{titled['rerun_inserted']} inserted, {titled['rerun_skipped']:,} skipped"
    )
    print(
        f"  naive log(): {naive['per_item'] * 1000:.2f} ms each ({naive['n']:,} sampled) -> "
        f"{seconds(naive['extrapolated_wall'])} for {n:,}; bulk is "
        f"{naive['ratio_vs_bulk_titled']:.0f}x faster; same rows: "
        f"{naive['bulk_stores_the_same']}"
    )
    if n == TARGET_N:
        verdict = "met" if titled["wall"] <= TARGET_S and untitled["wall"] <= TARGET_S else "MISSED"
        print(f"  target <= {TARGET_S:.0f} s for {TARGET_N:,}: {verdict}")
    pg = out.get("postgresql")
    if pg:
        r = pg["titled"]
        print(
            f"PostgreSQL {pg['server']}, {pg['n']:,} encounters, 30% titled: "
            f"{seconds(r['wall'])} ({r['rate']:,.0f}/s, peak RSS {r['peak_rss_mib']:.0f} MiB);"
            f" re-run {seconds(r['rerun_wall'])}; naive {pg['naive']['per_item'] * 1000:.2f} "
            f"ms each -> bulk {pg['naive']['ratio_vs_bulk_titled']:.0f}x faster"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument("--n", type=int, help=f"encounters (default {TARGET_N:,})")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--naive", type=int, help="log() sample size (default 2,000)")
    parser.add_argument("--pg-n", type=int, help="encounters on PostgreSQL (default 1,000,000)")
    parser.add_argument("--pg-naive", type=int, help="log() sample on PostgreSQL (default 500)")
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    parser.add_argument(
        "--no-diagnostic", action="store_true", help="skip the run without the search trigger"
    )
    parser.add_argument("--timeout", type=float, default=900, help="per measurement (s)")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        result = (child_bulk if spec["mode"] == "bulk" else child_naive)(spec)
        print(json.dumps(result))
        return 0
    quick = args.quick
    args.n = args.n or (50_000 if quick else TARGET_N)
    args.naive = args.naive or (200 if quick else 2_000)
    args.pg_n = args.pg_n or (20_000 if quick else TARGET_N)
    args.pg_naive = args.pg_naive or (100 if quick else 500)
    if quick:
        args.people = min(args.people, 2_000)
    write_json(args.json, run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
