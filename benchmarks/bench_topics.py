"""Benchmark: topic matching (``Ledger.topic_matches``, ``Ledger.index_topics``).

Two SQLite ledgers:

* ``demo``: the demo ledger (``dunbar demo``'s builder, seed 7, real workplace
  contacts from SocioPatterns InVS15; skipped if ``../shared/data`` is absent);
* ``synthetic``: ``--people`` people (default 50,000) from
  ``common.build_people`` (2,000 organisations, 0–3 tags of 20, 0–1 topic of 8,
  a title for 3 in 5) plus ``--notes`` notes (default 5,000, generated sentences,
  inserted with SQLAlchemy Core: benchmark-only setup).

For each: the model load (once per process), ``index_topics`` on an empty
cache, the re-run (everything reused), and for ``--queries`` fixed queries the
latency of a lexical query and of a semantic (hybrid) query, median and max.

Baseline in the same run, the naive way: per query, embed every item of every
document again (no stored vectors, no sharing of identical texts) and take the
cosines. It is timed on the first ``--naive-people`` people's documents and
extrapolated linearly to all of them; its top-5 on that sample is checked
against the stored-vector path restricted to the same people (same vectors,
same ranking).

Needs the ``[semantic]`` extra; without it only the lexical figures are taken.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
from pathlib import Path
from typing import Any

from common import (
    NOW,
    ROOT,
    build_people,
    fixed_clock,
    machine_info,
    machine_line,
    peak_rss_mib,
    seconds,
    temp_dir,
    timed,
    write_json,
)

QUERIES = (
    "trade finance",
    "python",
    "fundraising",
    "climbing gym",
    "board governance",
    "machine learning",
    "music",
)
DEMO_DATA = ROOT.parent / "shared" / "data" / "sociopatterns"
NOTE_TEXT = (
    "asked about funding for her startup; wants intros to investors in climate tech; "
    "talked about hiring engineers, databases and policy work; loves choir music and "
    "cycling; writing a book on sales research; moving to Lisbon next spring; looking for "
    "a mentor in design; runs the school board and volunteers at the food bank"
)


def add_notes(engine: Any, person_ids: list[int], count: int, *, seed: int) -> None:
    """Insert ``count`` notes about random people (Core, one transaction)."""
    from sqlalchemy import insert

    from dunbar.store.tables import notes

    rng = random.Random(seed)
    vocabulary = NOTE_TEXT.split()
    rows = []
    for _ in range(count):
        words = rng.sample(vocabulary, rng.randint(8, 20))
        rows.append(
            {
                "person_id": rng.choice(person_ids),
                "encounter_id": None,
                "body": " ".join(words).capitalize() + ".",
                "topics": rng.sample(["funding", "hiring", "music", "policy"], rng.randint(0, 1)),
                "written_at": NOW - dt.timedelta(days=rng.randint(0, 900)),
            }
        )
    with engine.begin() as conn:
        conn.execute(insert(notes), rows)


def naive_query(ledger: Any, query: str, pids: list[int], model: Any) -> list[int]:
    """Embed every item of these people again, then rank by the same matcher."""
    from dunbar.graph.topics import TopicIndex
    from dunbar.semantic import embed
    from dunbar.store import topics as topics_store

    with ledger.engine.connect() as conn:
        stored = topics_store.documents(conn)
    wanted = set(pids)
    stored = {p: items for p, items in stored.items() if p in wanted}
    texts = [s.topic.text for items in stored.values() for s in items]
    vectors = embed(texts, embedder=model)
    q = embed([query], embedder=model)[0]
    cos = (vectors @ q).tolist()
    semantic: dict[int, list[float]] = {}
    at = 0
    for pid, items in stored.items():
        semantic[pid] = cos[at : at + len(items)]
        at += len(items)
    docs = {p: [s.topic for s in items] for p, items in stored.items()}
    return [m.person_id for m in TopicIndex(docs).search(query, semantic=semantic, limit=5)]


def cached_top(ledger: Any, query: str, pids: list[int]) -> list[int]:
    """The stored-vector path restricted to the same people (for the naive check)."""
    from dunbar.graph.topics import TopicIndex

    with ledger.engine.connect() as conn:
        from dunbar.store import topics as topics_store

        stored = topics_store.documents(conn)
        wanted = set(pids)
        stored = {p: items for p, items in stored.items() if p in wanted}
        semantic, _ = ledger._cosines(conn, query, stored)
    docs = {p: [s.topic for s in items] for p, items in stored.items()}
    return [m.person_id for m in TopicIndex(docs).search(query, semantic=semantic, limit=5)]


def measure(ledger: Any, *, queries: int, naive_people: int, with_model: bool) -> dict[str, Any]:
    from dunbar.store import topics as topics_store

    out: dict[str, Any] = {}
    with ledger.engine.connect() as conn:
        stored = topics_store.documents(conn)
    out["people_with_text"] = len(stored)
    out["items"] = sum(len(v) for v in stored.values())
    out["distinct_texts"] = len({s.topic.text for v in stored.values() for s in v})
    chosen = QUERIES[:queries]
    lex = []
    for q in chosen:
        with timed() as t:
            ledger.topic_matches(q, mode="lexical")
        lex.append(t.wall)
    out["lexical_query"] = {"median": statistics.median(lex), "max": max(lex)}
    if not with_model:
        return out
    with timed() as t:
        first = ledger.index_topics()
    out["index_cold"] = {"wall": t.wall, "embedded": first.embedded, "reused": first.reused}
    with timed() as t:
        again = ledger.index_topics()
    out["index_again"] = {"wall": t.wall, "embedded": again.embedded, "reused": again.reused}
    sem = []
    for q in chosen:
        with timed() as t:
            result = ledger.topic_matches(q, mode="semantic")
        sem.append(t.wall)
        assert result.note is None, result.note
    out["semantic_query"] = {"median": statistics.median(sem), "max": max(sem)}
    from dunbar.semantic import load_embedder

    model = load_embedder()
    pids = sorted(stored)[:naive_people]
    sample_items = sum(len(stored[p]) for p in pids)
    naive = []
    same = True
    for q in chosen[:3]:
        with timed() as t:
            top = naive_query(ledger, q, pids, model)
        naive.append(t.wall)
        same = same and top == cached_top(ledger, q, pids)
    per_item = statistics.median(naive) / max(1, sample_items)
    out["naive_query"] = {
        "sample_people": len(pids),
        "sample_items": sample_items,
        "sample_median": statistics.median(naive),
        "extrapolated": per_item * out["items"],
        "same_top5": same,
    }
    out["speedup_vs_naive"] = out["naive_query"]["extrapolated"] / out["semantic_query"]["median"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--notes", type=int, default=5_000)
    parser.add_argument("--queries", type=int, default=len(QUERIES))
    parser.add_argument("--naive-people", type=int, default=1_000)
    parser.add_argument("--no-demo", action="store_true")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args()

    from dunbar import Ledger
    from dunbar.semantic import is_available, load_embedder

    info = machine_info()
    results: dict[str, Any] = {"machine": info, "people": args.people, "notes": args.notes}
    with_model = is_available()
    if with_model:
        with timed() as t:
            load_embedder()
        results["model_load_s"] = t.wall
    else:
        print("the [semantic] extra is not installed: lexical figures only", file=sys.stderr)
    with temp_dir() as tmp:
        if not args.no_demo and DEMO_DATA.exists():
            from dunbar.demo import build_demo

            path = tmp / "demo.db"
            with timed() as t:
                build_demo(path, now=NOW)
            results["demo_build_s"] = t.wall
            with Ledger.open(path, clock=fixed_clock) as ledger:
                results["demo"] = measure(
                    ledger,
                    queries=args.queries,
                    naive_people=args.naive_people,
                    with_model=with_model,
                )
        path = tmp / "synthetic.db"
        with Ledger.init(path, me="Rosa Díaz", clock=fixed_clock) as ledger:
            with timed() as t:
                ids = build_people(ledger.engine, args.people, seed=5, orgs=2000, labels=True)
                add_notes(ledger.engine, ids, args.notes, seed=6)
            results["synthetic_build_s"] = t.wall
            results["db_mib_before_index"] = _file_mib(path)
            results["synthetic"] = measure(
                ledger,
                queries=args.queries,
                naive_people=args.naive_people,
                with_model=with_model,
            )
        results["db_mib_after_index"] = _file_mib(path)
    results["peak_rss_mib"] = peak_rss_mib()
    write_json(args.json, results)
    report(results)


def _file_mib(path: Path) -> float:
    """The SQLite file with its WAL, in MiB."""
    wal = Path(f"{path}-wal")
    return (path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)) / 2**20


def report(r: dict[str, Any]) -> None:
    print(f"# topic matching — {machine_line(r['machine'])}")
    if "model_load_s" in r:
        print(f"model load (all-MiniLM-L6-v2, CPU): {seconds(r['model_load_s'])}")
    for name in ("demo", "synthetic"):
        m = r.get(name)
        if not m:
            continue
        print(
            f"\n## {name}: {m['people_with_text']:,} people with text, {m['items']:,} items, "
            f"{m['distinct_texts']:,} distinct texts"
        )
        lq = m["lexical_query"]
        print(f"lexical query: median {seconds(lq['median'])}, max {seconds(lq['max'])}")
        if "index_cold" not in m:
            continue
        ic, ia = m["index_cold"], m["index_again"]
        print(
            f"index (empty cache): {seconds(ic['wall'])}, {ic['embedded']:,} texts embedded, "
            f"{ic['reused']:,} reused; again: {seconds(ia['wall'])} ({ia['embedded']} embedded)"
        )
        sq, nq = m["semantic_query"], m["naive_query"]
        print(f"semantic query: median {seconds(sq['median'])}, max {seconds(sq['max'])}")
        print(
            f"naive (re-embed every item per query): {seconds(nq['sample_median'])} for "
            f"{nq['sample_items']:,} items of {nq['sample_people']:,} people, extrapolated "
            f"{seconds(nq['extrapolated'])} for all; same top 5 on the sample: "
            f"{nq['same_top5']}; stored vectors {m['speedup_vs_naive']:.0f}x faster"
        )
    if "db_mib_after_index" in r:
        print(
            f"\nsynthetic ledger file (with WAL): {r['db_mib_before_index']:.0f} MiB before "
            f"indexing, {r['db_mib_after_index']:.0f} MiB after"
        )
    print(f"peak RSS: {r['peak_rss_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
