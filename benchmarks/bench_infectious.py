"""Benchmark: the SocioPatterns Infectious contact logs through ``dunbar import``.

Target (SQLite, this machine): the whole set, 69 daily files and 415,912 ``t i j``
records, imported with gap merging (``--gap-minutes 5``) in <= 30 s.

The data are CC BY-NC-SA, so they stay in ``../shared/data/sociopatterns``; this
script skips (exit 0) when the archive is absent. Each measurement runs in a
fresh interpreter on a fresh ledger:

* ``folder``: the daily files extracted to a temporary folder (not timed), then
  ``Ledger.import_files([folder])``;
* ``tgz``: the ``.tgz`` as it is, read in place (dunbar reads tar archives like a
  folder); with ``--days`` a smaller archive of those days is written first;
* ``rerun``: the folder again into the ledger of ``folder``: nothing changes;
* ``floor``: reading the records and merging them into episodes alone
  (``merge_contacts``, no ledger), what any importer must pay;
* the naive way, in the same run: for the first ``--naive-days`` days, one
  ``Ledger.add_person`` per person and one ``Ledger.know`` per merged episode
  (one transaction each), extrapolated linearly to every episode; the ties it
  stores are checked to equal the pipeline's for the same days.

Checks: the records read equal the lines of the files; the ties' occurrences add
up to the number of episodes computed here independently (a plain re-implementation
of the 5-minute rule, not dunbar's), and their pairs are the same.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import sys
import tarfile
from pathlib import Path
from typing import Any

from common import (
    ROOT,
    fixed_clock,
    machine_info,
    machine_line,
    peak_rss_mib,
    run_child,
    seconds,
    temp_dir,
    timed,
    write_json,
)

SCRIPT = Path(__file__).resolve()
ARCHIVE = (
    ROOT.parent / "shared" / "data" / "sociopatterns" / "sciencegallery_infectious_contacts.tgz"
)
TARGET_S = 30.0
TARGET_RECORDS = 415_912  # ../shared/data/SOURCES.md
GAP_MINUTES = 5.0


def extract(archive: Path, target: Path, days: int | None) -> list[Path]:
    """The first ``days`` daily files (by name) of the archive, written to ``target``."""
    with tarfile.open(archive) as tar:
        members = sorted((m for m in tar.getmembers() if m.isfile()), key=lambda m: m.name)
        chosen = members[:days] if days else members
        paths = []
        for member in chosen:
            data = tar.extractfile(member)
            assert data is not None
            path = target / Path(member.name).name
            path.write_bytes(data.read())
            paths.append(path)
    return paths


def independent_episodes(paths: list[Path], gap_s: int) -> tuple[int, int, set[tuple[str, ...]]]:
    """Records, episodes and (day, low id, high id) pairs, computed without dunbar."""
    records = 0
    episodes = 0
    pairs: set[tuple[str, ...]] = set()
    for path in paths:
        day = path.name.split(".", 1)[0]
        times: dict[tuple[int, int], list[int]] = {}
        for line in path.read_text().splitlines():
            fields = line.split()
            if not fields:
                continue
            records += 1
            t, i, j = int(fields[0]), int(fields[1]), int(fields[2])
            if i != j:
                times.setdefault((min(i, j), max(i, j)), []).append(t)
        for (a, b), ts in times.items():
            ts.sort()
            episodes += 1 + sum(1 for x, y in itertools.pairwise(ts) if y - x > gap_s)
            pairs.add((day, str(a), str(b)))
    return records, episodes, pairs


def _ties(ledger: Any) -> dict[tuple[str, ...], tuple[int, Any, Any]]:
    """``(day, low number, high number) -> (occurrences, first seen, last seen)``."""
    from sqlalchemy import select
    from sqlalchemy.orm import aliased

    from dunbar.store.tables import acquaintances, people

    a, b = aliased(people), aliased(people)
    query = (
        select(
            a.c.name, b.c.name, acquaintances.c.occurrences, acquaintances.c.first_seen,
            acquaintances.c.last_seen,
        )
        .join(a, a.c.id == acquaintances.c.person_a_id)
        .join(b, b.c.id == acquaintances.c.person_b_id)
    )  # fmt: skip
    out: dict[tuple[str, ...], tuple[int, Any, Any]] = {}
    with ledger.engine.connect() as conn:
        for name_a, name_b, n, first, last in conn.execute(query):
            day, x = name_a.rsplit(" ", 1)
            _, y = name_b.rsplit(" ", 1)
            low, high = sorted((x, y), key=int)
            out[(day, low, high)] = (int(n), str(first), str(last))
    return out


# --- children: one measurement each, in a fresh interpreter -----------------------------


def child_import(spec: dict[str, Any]) -> dict[str, Any]:
    from dunbar import Ledger

    target = spec["db"]
    ledger = Ledger.open(target, clock=fixed_clock) if spec.get("reuse") else None
    if ledger is None:
        ledger = Ledger.init(target, me="Me", clock=fixed_clock)
    try:
        with timed() as t:
            report = ledger.import_files([spec["path"]], gap_minutes=GAP_MINUTES)
        ties = _ties(ledger)
        return {
            "wall": t.wall,
            "cpu": t.cpu,
            "peak_rss_mib": peak_rss_mib(),
            "files": len(report.files),
            "errors": [f.error for f in report.files if f.error],
            "created": report.total("created"),
            "unchanged": report.total("unchanged"),
            "rejected": report.total("rejected"),
            "ties_changed": report.total("acquaintances"),
            "ties": len(ties),
            "episodes": sum(n for n, _, _ in ties.values()),
            "tie_rows": sorted([*k, *map(str, v)] for k, v in ties.items())
            if spec.get("rows")
            else None,
        }
    finally:
        ledger.close()


def child_floor(spec: dict[str, Any]) -> dict[str, Any]:
    from dunbar.demo.contacts import merge_contacts

    paths = sorted(Path(spec["path"]).iterdir())
    with timed() as t:
        records = episodes = 0
        for path in paths:
            rows = []
            with path.open("rb") as handle:
                for line in handle:
                    fields = line.split()
                    if fields:
                        rows.append((int(fields[0]), int(fields[1]), int(fields[2])))
            records += len(rows)
            episodes += len(merge_contacts(rows, gap=round(GAP_MINUTES * 60)))
    return {"wall": t.wall, "records": records, "episodes": episodes}


def child_naive(spec: dict[str, Any]) -> dict[str, Any]:
    """One ``add_person`` per person and one ``know`` per episode, one transaction each."""
    from dunbar import Ledger
    from dunbar.demo.contacts import merge_contacts

    ledger = Ledger.init(spec["db"], me="Me", clock=fixed_clock)
    try:
        paths = sorted(Path(spec["path"]).iterdir())[: spec["days"]]
        episodes = people = 0
        with timed() as t:
            for path in paths:
                rows = [
                    tuple(int(x) for x in line.split()[:3]) for line in path.open() if line.strip()
                ]
                ids: dict[int, int] = {}
                day = path.name.split(".", 1)[0]
                for episode in merge_contacts(rows, gap=round(GAP_MINUTES * 60)):  # type: ignore[arg-type]
                    for n in (episode.a, episode.b):
                        if n not in ids:
                            ids[n] = ledger.add_person(f"{day} {n}").id
                            people += 1
                    on = dt.datetime.fromtimestamp(episode.start, dt.UTC).date()
                    ledger.know(ids[episode.a], ids[episode.b], evidence="shared_encounter", on=on)
                    episodes += 1
        return {
            "wall": t.wall,
            "episodes": episodes,
            "people": people,
            "tie_rows": sorted([*k, *map(str, v)] for k, v in _ties(ledger).items()),
        }
    finally:
        ledger.close()


# --- the run ----------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any] | None:
    if not ARCHIVE.exists():
        print(f"skipped: {ARCHIVE} is absent (CC BY-NC-SA data stay in ../shared)")
        return None
    info = machine_info()
    print(machine_line(info), flush=True)
    out: dict[str, Any] = {"machine": info, "target_s": TARGET_S, "gap_minutes": GAP_MINUTES}
    with temp_dir() as tmp:
        folder = tmp / "days"
        folder.mkdir()
        paths = extract(ARCHIVE, folder, args.days)
        archive = ARCHIVE
        if args.days:
            archive = tmp / "days.tgz"
            with tarfile.open(archive, "w:gz") as tar:
                for path in paths:
                    tar.add(path, arcname=path.name)
        records, episodes, pairs = independent_episodes(paths, round(GAP_MINUTES * 60))
        out.update(days=len(paths), records=records, episodes=episodes, pairs=len(pairs))
        print(f"{len(paths)} daily files, {records:,} records, {episodes:,} episodes, "
              f"{len(pairs):,} pairs (independent count)", flush=True)  # fmt: skip
        if not args.days and records != TARGET_RECORDS:
            raise SystemExit(f"expected {TARGET_RECORDS:,} records, read {records:,}")

        def child(mode: str, **spec: Any) -> dict[str, Any]:
            return run_child(SCRIPT, {"mode": mode, **spec}, timeout=args.timeout)

        db = str(tmp / "folder.db")
        out["folder"] = child("import", db=db, path=str(folder))
        out["rerun"] = child("import", db=db, path=str(folder), reuse=True)
        out["tgz"] = child("import", db=str(tmp / "tgz.db"), path=str(archive))
        out["floor"] = child("floor", path=str(folder))
        naive_days = min(args.naive_days, len(paths))
        sample = child("naive", db=str(tmp / "naive.db"), path=str(folder), days=naive_days)
        same_days = tmp / "same"
        same_days.mkdir()
        for path in paths[:naive_days]:
            (same_days / path.name).write_bytes(path.read_bytes())
        piped = child("import", db=str(tmp / "same.db"), path=str(same_days), rows=True)
        sample["same_rows_as_pipeline"] = sample["tie_rows"] == piped["tie_rows"]
        sample["pipeline_wall"] = piped["wall"]
        sample.pop("tie_rows")
        per = sample["wall"] / max(sample["episodes"], 1)
        sample["extrapolated_wall"] = per * episodes
        out["naive"] = sample

    for key in ("folder", "tgz"):
        r = out[key]
        r.pop("tie_rows", None)
        r["episodes_match"] = r["episodes"] == episodes
        r["pairs_match"] = r["ties"] == len(pairs)
        r["rate"] = records / r["wall"]
    report(out)
    return out


def report(out: dict[str, Any]) -> None:
    print()
    full = out["records"] == TARGET_RECORDS
    for key, label in (("folder", "extracted folder"), ("tgz", ".tgz read in place")):
        r = out[key]
        verdict = ("met" if r["wall"] <= TARGET_S else "MISSED") if full else "n/a (not full)"
        print(
            f"{label:<20} {seconds(r['wall'])} (CPU {seconds(r['cpu'])}, {r['rate']:,.0f} "
            f"records/s, peak RSS {r['peak_rss_mib']:.0f} MiB): {r['created']:,} people, "
            f"{r['ties']:,} ties, {r['episodes']:,} episodes; episodes match "
            f"{r['episodes_match']}, pairs match {r['pairs_match']}; target "
            f"{TARGET_S:.0f} s: {verdict}"
        )
    rr = out["rerun"]
    print(f"{'re-run (folder)':<20} {seconds(rr['wall'])}: {rr['created']} people created, "
          f"{rr['ties_changed']} ties changed")  # fmt: skip
    fl = out["floor"]
    print(f"{'floor (read+merge)':<20} {seconds(fl['wall'])}: {fl['records']:,} records, "
          f"{fl['episodes']:,} episodes, no ledger")  # fmt: skip
    nv = out["naive"]
    same = "same" if nv["same_rows_as_pipeline"] else "DIFFERENT"
    print(
        f"{'naive add/know':<20} {seconds(nv['wall'])} for {nv['episodes']:,} episodes of "
        f"{nv.get('people', 0):,} people ({same} "
        f"ties as the pipeline, which took {seconds(nv['pipeline_wall'])}) -> "
        f"{seconds(nv['extrapolated_wall'])} extrapolated to {out['episodes']:,} episodes: "
        f"the pipeline is {nv['extrapolated_wall'] / out['folder']['wall']:.0f}x faster"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, help="only the first N daily files (default all 69)")
    parser.add_argument("--quick", action="store_true", help="7 days, 1 naive day")
    parser.add_argument("--naive-days", type=int, default=3, help="days for the naive sample")
    parser.add_argument("--timeout", type=float, default=600, help="per measurement (s)")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        modes = {"import": child_import, "floor": child_floor, "naive": child_naive}
        print(json.dumps(modes[spec["mode"]](spec), default=str))
        return 0
    if args.quick:
        args.days = args.days or 7
        args.naive_days = 1
    result = run(args)
    if result is not None:
        write_json(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
