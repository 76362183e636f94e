"""Benchmarks 2 to 4: the ``dunbar`` console script on a 50,000-person ledger.

Targets (SQLite, this machine, wall time of the real console script, process start
included):

2. ``dunbar people --json`` <= 1 s;
3. ``dunbar show PERSON`` <= 0.6 s, for a person with many encounters, named by
   name and by email;
4. ``dunbar --help`` <= 0.3 s.

The ledger is made by ``Ledger.init`` (so by the migrations); its people,
organisations, emails and tags are then inserted with SQLAlchemy Core straight into
those tables (benchmark-only setup, see ``common.build_people``), and its 500,000
encounters go through the library's bulk path. Every command runs once to warm the
OS caches, then ``--reps`` times; the median and the maximum are reported, next to
the interpreter's own start (``python -c pass``) and the import of the CLI
(``python -c "import dunbar.cli.main"``).

The naive way, in the same run and in-process: the N+1 listing, i.e.
``ledger.person(id)`` plus a last-seen query per person, on a sample of ids,
extrapolated to everyone, against ``ledger.people()``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from common import (
    build_people,
    dunbar_exe,
    encounter_inputs,
    fixed_clock,
    machine_info,
    machine_line,
    median,
    seconds,
    temp_dir,
    timed,
    write_json,
)

TARGETS = {"people_json": 1.0, "show_by_name": 0.6, "show_by_email": 0.6, "help": 0.3}
TARGET_PEOPLE = 50_000
STAR_NAME = "Marguerite Okonkwo-Lindqvist"
STAR_EMAIL = "marguerite@bench.example"
PEOPLE_SEED = 11
ITEMS_SEED = 4242


def build_ledger(path: Path, people: int, encounters: int) -> dict[str, Any]:
    """The benchmark ledger; returns what it holds and how long it took to make."""
    from dunbar import Ledger

    info: dict[str, Any] = {}
    with timed() as total:
        ledger = Ledger.init(path, me="Bench Me", clock=fixed_clock)
        try:
            with timed() as t:
                ids = build_people(
                    ledger.engine,
                    people - 1,
                    seed=PEOPLE_SEED,
                    orgs=max(1, people // 25),
                    emails=True,
                    labels=True,
                    extra=[{"name": STAR_NAME, "email": STAR_EMAIL, "tags": ["mentor"]}],
                )
            info["people_wall"] = t.wall
            star = ids[-1]
            items = encounter_inputs(
                encounters, ids, seed=ITEMS_SEED, titles=0.3, focus=star, focus_share=0.01
            )
            with timed() as t:
                info["inserted"], _ = ledger.bulk_add_encounters(items)
            info["encounters_wall"] = t.wall
            info["people"] = ledger.count_people() - 1
            info["star_encounters"] = len(ledger.profile(star, limit=None).encounters)
        finally:
            ledger.close()
    info["total_wall"] = total.wall
    info["size_mib"] = path.stat().st_size / 2**20
    return info


def time_command(argv: list[str], reps: int, env: dict[str, str]) -> dict[str, Any]:
    """Wall time of a command: one warm-up run, then ``reps`` timed runs."""
    walls: list[float] = []
    last = b""
    for i in range(reps + 1):
        with timed() as t:
            done = subprocess.run(argv, capture_output=True, env=env, check=False, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{argv} failed: {done.stderr.decode()[-2000:]}")
        if i:
            walls.append(t.wall)
        last = done.stdout
    return {
        "median": median(walls),
        "max": max(walls),
        "min": min(walls),
        "runs": walls,
        "stdout_bytes": len(last),
        "_stdout": last,
    }


def naive_listing(path: Path, sample: int, total: int) -> dict[str, Any]:
    """``ledger.people()`` against the N+1 way, in this process."""
    from sqlalchemy import func, select

    from dunbar import Ledger
    from dunbar.store.tables import encounter_participants, encounters, people

    with Ledger.open(path, clock=fixed_clock) as ledger:
        runs = []
        for _ in range(3):
            with timed() as t:
                rows = ledger.people()
            runs.append(t.wall)
        with ledger.engine.connect() as conn:
            ids = list(
                conn.execute(select(people.c.id).where(~people.c.is_me).order_by(people.c.id))
                .scalars()
                .all()
            )
        step = max(1, len(ids) // sample)
        picked = ids[::step][:sample]
        stats = select(func.max(encounters.c.occurred_at), func.count()).join(
            encounter_participants, encounter_participants.c.encounter_id == encounters.c.id
        )
        with timed() as t:
            for pid in picked:
                person = ledger.person(pid)
                with ledger.engine.connect() as conn:
                    conn.execute(stats.where(encounter_participants.c.person_id == person.id)).one()
    library = median(runs)
    per = t.wall / len(picked)
    return {
        "library_people_wall": library,
        "library_rows": len(rows),
        "naive_sample": len(picked),
        "naive_per_person": per,
        "naive_extrapolated_wall": per * total,
        "ratio": per * total / library,
    }


def in_process(path: Path) -> dict[str, Any]:
    """Where the time of ``people --json`` and ``show`` goes, minus the process start."""
    from dunbar import Ledger
    from dunbar.cli.cmd_people import render_profile
    from dunbar.cli.render import emit_json, to_jsonable

    out: dict[str, Any] = {}
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        with timed() as t:
            ledger = Ledger.open(path, clock=fixed_clock)
        out["open"] = t.wall
        try:
            with timed() as t:
                rows = ledger.people()
            out["people_query"] = t.wall
            with timed() as t:
                to_jsonable(rows)
            out["people_to_jsonable"] = t.wall
            with timed() as t:
                emit_json(rows)
            out["people_emit_json"] = t.wall
            with timed() as t:
                profile = ledger.profile(STAR_NAME, limit=20)
            out["show_profile"] = t.wall
            with timed() as t:
                render_profile(profile, ledger.now(), 20)
            out["show_render"] = t.wall
        finally:
            ledger.close()
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {
        "benchmark": "cli",
        "target_people": TARGET_PEOPLE,
        "machine": machine_info(),
        "reps": args.reps,
        "targets": TARGETS,
    }
    print(
        f"CLI: {args.people:,} people, {args.encounters:,} encounters — {machine_line()}",
        flush=True,
    )
    exe = dunbar_exe()
    # The environment of a user's shell: no ledger from the environment, and none of
    # PYTHONUNBUFFERED (one write system call per JSON token: 2 million for
    # ``people --json``) or PYTHONDONTWRITEBYTECODE (recompiles dunbar at every start)
    # unless --inherit-env. The warm-up run caches the bytecode, as an install does.
    dropped = {"DUNBAR_DATABASE_URL", "DUNBAR_DB"}
    if not args.inherit_env:
        dropped |= {"PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["COLUMNS"] = "120"
    out["environment"] = {
        "dropped": sorted(k for k in dropped if k in os.environ),
        "PYTHONUNBUFFERED": env.get("PYTHONUNBUFFERED"),
        "PYTHONDONTWRITEBYTECODE": env.get("PYTHONDONTWRITEBYTECODE"),
    }
    with temp_dir() as tmp:
        path = tmp / "ledger.db"
        print("  building the ledger ...", end=" ", flush=True)
        out["ledger"] = build_ledger(path, args.people, args.encounters)
        print(seconds(out["ledger"]["total_wall"]), flush=True)
        py = sys.executable
        commands = {
            "python_bare": [py, "-c", "pass"],
            "import_cli": [py, "-c", "import dunbar.cli.main"],
            "import_cli_ledger": [py, "-c", "import dunbar.cli.main, dunbar.ledger"],
            "help": [exe, "--help"],
            "people_json": [exe, "--db", str(path), "people", "--json"],
            "show_by_name": [exe, "--db", str(path), "show", STAR_NAME],
            "show_by_email": [exe, "--db", str(path), "show", STAR_EMAIL],
        }
        results: dict[str, Any] = {}
        for name, argv in commands.items():
            print(f"  {name} ...", end=" ", flush=True)
            results[name] = time_command(argv, args.reps, env)
            print(f"median {seconds(results[name]['median'])}", flush=True)
        listed = json.loads(results["people_json"].pop("_stdout"))
        results["people_json"]["rows"] = len(listed)
        for name in ("show_by_name", "show_by_email"):
            text = results[name].pop("_stdout").decode()
            results[name]["shows_star"] = STAR_NAME in text
        for r in results.values():
            r.pop("_stdout", None)
        out["commands"] = results
        print("  in-process breakdown ...", end=" ", flush=True)
        out["in_process"] = in_process(path)
        print("done", flush=True)
        print("  naive N+1 listing (in-process) ...", end=" ", flush=True)
        out["listing"] = naive_listing(path, args.naive, out["ledger"]["people"])
        print(seconds(out["listing"]["naive_extrapolated_wall"]), flush=True)
    _report(out)
    return out


def _report(out: dict[str, Any]) -> None:
    c, led, lst, ip = out["commands"], out["ledger"], out["listing"], out["in_process"]
    print()
    print(
        f"ledger: {led['people']:,} people, {led['inserted']:,} encounters "
        f"({led['star_encounters']:,} with the person shown), {led['size_mib']:.0f} MiB, "
        f"built in {seconds(led['total_wall'])}"
    )
    print(
        "  process start, medians: python -c pass "
        f"{seconds(c['python_bare']['median'])}; import dunbar.cli.main "
        f"{seconds(c['import_cli']['median'])}; + dunbar.ledger "
        f"{seconds(c['import_cli_ledger']['median'])}"
    )
    for name, target in TARGETS.items():
        r = c[name]
        start = c["import_cli" if name == "help" else "import_cli_ledger"]["median"]
        verdict = (
            "met"
            if r["median"] <= target and r["max"] <= target
            else ("met (median)" if r["median"] <= target else "MISSED")
        )
        if name != "help" and led["people"] != TARGET_PEOPLE:
            verdict = f"n/a at {led['people']:,} people"
        print(
            f"  {name:14} median {seconds(r['median']):>8}  max {seconds(r['max']):>8}  "
            f"target {target:.1f} s: {verdict}  (imports {start / r['median']:.0%})"
        )
    print(
        f"  people --json rows: {c['people_json']['rows']:,}; show found the person: "
        f"{c['show_by_name']['shows_star'] and c['show_by_email']['shows_star']}"
    )
    print(
        f"  in-process: open {seconds(ip['open'])}; people() {seconds(ip['people_query'])}, "
        f"to_jsonable {seconds(ip['people_to_jsonable'])}, emit_json (incl. to_jsonable) "
        f"{seconds(ip['people_emit_json'])}; profile() {seconds(ip['show_profile'])}, "
        f"render {seconds(ip['show_render'])}"
    )
    print(
        f"  naive N+1 listing: {lst['naive_per_person'] * 1000:.2f} ms/person -> "
        f"{seconds(lst['naive_extrapolated_wall'])} for everyone, against ledger.people() "
        f"{seconds(lst['library_people_wall'])} ({lst['ratio']:.0f}x)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument("--people", type=int, help="people (default 50,000)")
    parser.add_argument("--encounters", type=int, help="encounters (default 500,000)")
    parser.add_argument("--reps", type=int, help="timed runs per command (default 7)")
    parser.add_argument("--naive", type=int, default=2_000, help="N+1 sample size")
    parser.add_argument(
        "--inherit-env",
        action="store_true",
        help="keep PYTHONUNBUFFERED and PYTHONDONTWRITEBYTECODE for the commands",
    )
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    args.people = args.people or (5_000 if args.quick else TARGET_PEOPLE)
    args.encounters = args.encounters or (50_000 if args.quick else 500_000)
    args.reps = args.reps or (3 if args.quick else 7)
    if args.quick:
        args.naive = min(args.naive, 500)
    write_json(args.json, run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
