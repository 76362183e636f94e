"""mbox ingest, headers only, into SQLite; against Python's ``mailbox`` + ``email.parser``.

    python benchmarks/bench_mbox.py              # a 100 MB mbox (about a minute)
    python benchmarks/bench_mbox.py --full       # 1.1 GB: the target's size
    python benchmarks/bench_mbox.py --size 300 --json out.json

Target (issue 3): at least 20,000 messages/s into SQLite with a peak RSS of at most
300 MB, on a mbox of 1 GB or more.

The mbox is generated into a temporary folder (removed afterwards) by replicating
every real message of ../shared/data/email with varied headers
(:mod:`mbox_corpus`: new Message-IDs and dates, numbered address variants, "me"
put in as sender or recipient of a share of the personal messages). Each
measurement runs in a fresh interpreter, so its peak RSS is its own:

1. ``dunbar import``: ``Ledger.import_files`` into a new SQLite ledger whose "me"
   has the address the corpus uses for me (every stage: read, parse, normalise,
   match, decide, apply);
2. the idempotent re-run of the same import (everything is found known);
3. dunbar's read and parse stages alone (``parse_mbox``, no ledger);
4. the baseline, the naive way with the standard library: ``mailbox.mbox`` and
   ``email.parser.BytesHeaderParser`` (``policy=compat32``) on each message's
   bytes, then ``getaddresses`` of From, To and Cc and ``parsedate_to_datetime``
   of Date; no ledger. ``for message in mailbox.mbox(path)`` (the first thing one
   would write) is tried first and stops with ``UnicodeDecodeError`` at the first
   perceval postmark with non-ASCII bytes: that is reported, and the baseline
   reads bytes (``get_bytes``) instead, which works.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

from common import (
    NOW,
    fixed_clock,
    machine_info,
    machine_line,
    peak_rss_mib,
    run_child,
    temp_dir,
    timed,
    write_json,
)
from mbox_corpus import ME, write_mbox

SCRIPT = Path(__file__).resolve()
TARGET_RATE = 20_000
TARGET_RSS_MIB = 300
TARGET_BYTES = 1_000_000_000
DEFAULT_MB = 100
FULL_MB = 1_100


# --- children ---------------------------------------------------------------------------


def _import(spec: dict[str, Any]) -> dict[str, Any]:
    from dunbar import IdentityKind, Ledger

    db = Path(spec["db"])
    if not db.exists():
        with Ledger.init(db, me="Jeff Skilling", clock=fixed_clock) as ledger:
            ledger.edit_person("me", add={IdentityKind.EMAIL: [ME]})
    with Ledger.open(db, clock=fixed_clock) as ledger, timed() as t:
        (report,) = ledger.import_files([spec["path"]]).files
    return {
        "wall": t.wall,
        "cpu": t.cpu,
        "peak_rss_mib": peak_rss_mib(),
        "records": report.records,
        "people_created": report.created,
        "encounters_added": report.encounters_added,
        "encounters_existing": report.encounters_existing,
        # (getattr: so that the script also measures a dunbar from before the field)
        "encounters_updated": getattr(report, "encounters_updated", 0),
        "acquaintances": report.acquaintances,
        "rejected": len(report.rejected),
        "filtered": report.filtered,
        "error": report.error,
    }


def _parse(spec: dict[str, Any]) -> dict[str, Any]:
    from dunbar.importers.formats import ParseOptions
    from dunbar.importers.mbox import parse_mbox
    from dunbar.importers.textio import open_source

    options = ParseOptions(file=spec["path"], me_emails={ME}, now=NOW)
    kinds: dict[str, int] = {}
    source = open_source(Path(spec["path"]))
    try:
        with timed() as t:
            for item in parse_mbox(source.stream, options):
                kinds[type(item).__name__] = kinds.get(type(item).__name__, 0) + 1
    finally:
        source.close()
    return {"wall": t.wall, "cpu": t.cpu, "peak_rss_mib": peak_rss_mib(), "items": kinds}


def _baseline(spec: dict[str, Any]) -> dict[str, Any]:
    import email.parser
    import email.policy
    import email.utils
    import mailbox

    path = spec["path"]
    naive: dict[str, Any] = {}
    box = mailbox.mbox(path)
    try:
        with timed() as t:
            seen = 0
            try:
                for _ in box:  # the first thing one would write
                    seen += 1
                naive = {"crashed": False, "messages": seen}
            except UnicodeDecodeError as exc:
                naive = {"crashed": True, "after_messages": seen, "error": str(exc)[:120]}
        naive["wall"] = t.wall
    finally:
        box.close()
    parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
    messages = addresses = dated = 0
    box = mailbox.mbox(path)
    try:
        with timed() as t:
            for key in box.iterkeys():
                message = parser.parsebytes(box.get_bytes(key))
                messages += 1
                fields = [str(v) for n in ("from", "to", "cc") for v in message.get_all(n, [])]
                addresses += len(email.utils.getaddresses(fields))
                try:
                    email.utils.parsedate_to_datetime(str(message["date"]))
                    dated += 1
                except (TypeError, ValueError, IndexError):
                    pass
    finally:
        box.close()
    return {
        "naive_iteration": naive,
        "wall": t.wall,
        "cpu": t.cpu,
        "peak_rss_mib": peak_rss_mib(),
        "messages": messages,
        "addresses": addresses,
        "dated": dated,
    }


CHILDREN = {"import": _import, "parse": _parse, "baseline": _baseline}


# --- the run ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=DEFAULT_MB, help="mbox size in MB")
    parser.add_argument("--full", action="store_true", help=f"{FULL_MB} MB (the target)")
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--timeout", type=float, default=1800, help="per measurement (s)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        print(json.dumps(CHILDREN[spec["mode"]](spec), default=str))
        return 0
    size = (FULL_MB if args.full else args.size) * 1_000_000
    print(f"mbox ingest — {machine_line()}", flush=True)
    results: dict[str, Any] = {"machine": machine_info(), "target_rate": TARGET_RATE}
    with temp_dir("dunbar-bench-mbox-") as tmp:
        path = tmp / "corpus.mbox"
        started = time.perf_counter()
        corpus = write_mbox(path, size)
        corpus["generate_s"] = time.perf_counter() - started
        results["corpus"] = corpus
        n = corpus["messages"]
        print(
            f"corpus: {n:,} messages, {corpus['bytes'] / 1e6:,.0f} MB, from "
            f"{corpus['samples']} real messages ({corpus['generate_s']:.0f} s to write)",
            flush=True,
        )
        db = str(tmp / "ledger.db")
        for mode, label, extra in (
            ("import", "dunbar import", {"db": db}),
            ("rerun", "dunbar import again", {"db": db}),
            ("parse", "dunbar read + parse only", {}),
            ("baseline", "mailbox + email.parser", {}),
        ):
            spec = {"mode": "import" if mode == "rerun" else mode, "path": str(path), **extra}
            r = run_child(SCRIPT, spec, timeout=args.timeout)
            r["rate"] = n / r["wall"]
            results[mode] = r
            print(
                f"{label:<26} {r['wall']:7.1f} s  {r['rate']:9,.0f} msg/s  "
                f"peak RSS {r['peak_rss_mib']:5.0f} MiB",
                flush=True,
            )
    imp, base = results["import"], results["baseline"]
    results["ratio_import_vs_baseline"] = imp["rate"] / base["rate"]
    results["ratio_parse_vs_baseline"] = results["parse"]["rate"] / base["rate"]
    full = corpus["bytes"] >= TARGET_BYTES
    results["verdict"] = {
        "rate": (imp["rate"] >= TARGET_RATE) if full else None,
        "rss": (imp["peak_rss_mib"] <= TARGET_RSS_MIB) if full else None,
    }
    print(
        f"import: {imp['encounters_added']:,} encounters, {imp['people_created']:,} people, "
        f"{imp['acquaintances']:,} who-knows-whom ties, {imp['rejected']:,} rejected; "
        f"left out: {json.dumps(imp['filtered'])}"
    )
    print(
        f"re-run: {results['rerun']['encounters_added']:,} added, "
        f"{results['rerun']['encounters_existing']:,} known, "
        f"{results['rerun']['encounters_updated']:,} updated"
    )
    naive = base["naive_iteration"]
    if naive.get("crashed"):
        print(
            f"`for m in mailbox.mbox(path)`: UnicodeDecodeError after "
            f"{naive['after_messages']:,} messages"
        )
    print(
        f"dunbar import is {results['ratio_import_vs_baseline']:.2f}x the baseline's rate "
        f"(which writes nothing); read + parse alone {results['ratio_parse_vs_baseline']:.2f}x"
    )
    if full:
        verdict = results["verdict"]
        print(
            f"target {TARGET_RATE:,} msg/s: {'met' if verdict['rate'] else 'MISSED'}; "
            f"peak RSS <= {TARGET_RSS_MIB} MiB: {'met' if verdict['rss'] else 'MISSED'}"
        )
    else:
        print(f"(not the target's size: run with --full for {FULL_MB} MB)")
    results["date"] = dt.date.today().isoformat()
    write_json(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
