"""Benchmark: importing 100,000 vCards with duplicate detection.

Target (SQLite, this machine): 100,000 contacts, generated from the real cards in
``tests/fixtures/vcard`` and ``../shared/data/vcard``, imported with duplicate
detection in <= 60 s. Default size 10,000 (``--full`` for 100,000).

The corpus (deterministic, seeded): every real card that dunbar reads as one
person is a template, with its own client's quirks (vCard 2.1 quoted-printable,
Shift-JIS, ``itemN.`` labels, photos up to ``--max-template`` bytes, ...). Each
generated card is a template whose name, email, phone, organisation and UID are
replaced by generated ones, written in the template's own syntax:

* 90 % distinct people (100 given names; 15 % of family names are 50 common real
  ones, the others made up from 48,600, so most full names are unique);
* 5 % exact duplicates: the email (in other letter case) or phone of an earlier
  card, under another template: the pipeline merges them;
* 5 % near-duplicates: an earlier card's name with a typo or the words swapped,
  the same organisation, another email: the pipeline proposes them.

Each measurement runs in a fresh interpreter on a fresh ledger:

* ``dunbar``: ``Ledger.import_files([file])`` (parse, normalise, match with
  fuzzy duplicate detection, decide, apply), then ``Ledger.duplicates()`` over the
  whole ledger, timed apart;
* ``rerun``: the same file again: everything unchanged;
* ``vobject``: ``vobject.readOne`` on every card of the same file, parsing only
  (the importer used vobject for every card before the fast path);
* the naive way, on the first ``--naive`` cards: ``vobject.readOne`` per card, a
  linear scan of everyone added so far (exact email/phone, and rapidfuzz on
  names), and one ``Ledger.add_person`` per new person; extrapolated to N as
  ``fixed * N + per_comparison * N * (N - 1) / 2``.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

from common import (
    FAMILY,
    GIVEN,
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
TARGET_S = 60.0
TARGET_N = 100_000
SEED = 20261202
SOURCES = (ROOT / "tests" / "fixtures" / "vcard", ROOT.parent / "shared" / "data" / "vcard")

MORE_GIVEN = [
    "Aiko",
    "Bashir",
    "Celeste",
    "Darius",
    "Esme",
    "Florin",
    "Greta",
    "Hamid",
    "Ilse",
    "Joaquín",
    "Katya",
    "Leandro",
    "Mireille",
    "Nikolai",
    "Orla",
    "Paulo",
    "Rania",
    "Stellan",
    "Thandiwe",
    "Ulrich",
    "Vesna",
    "Wanjiru",
    "Xavier",
    "Yosef",
    "Zsófia",
    "Anouk",
    "Bruno",
    "Dalia",
    "Eamon",
    "Fenna",
    "Gideon",
    "Hilde",
    "Imran",
    "Josefine",
    "Kwame",
    "Liesel",
    "Marek",
    "Nomvula",
    "Oskar",
    "Pilar",
    "Radek",
    "Saoirse",
    "Teodor",
    "Una",
    "Vikram",
    "Wilhelmina",
    "Yannick",
    "Zeynep",
    "Adaeze",
    "Bartosz",
]
# Family names: a real common one for 15 % of people (a heavy head, as in real
# address books), else a made-up one of three letters (consonant, vowel,
# consonant: 1,620 beginnings, so name blocks are as varied as real ones) and an
# ending.
CONSONANTS = "bcdfghjklmnprstvwz"
ENDINGS = [
    "son", "berg", "ström", "lund", "gren", "qvist", "dahl", "man", "ez", "ado", "ino",
    "ero", "ski", "czyk", "ak", "ek", "or", "eke", "afor", "ola", "ani", "elli", "etti",
    "oni", "ov", "enko", "ić", "escu", "idis", "opoulos",
]  # fmt: skip
COMMON_FAMILY = 0.15
ORG_KINDS = ("Labs", "GmbH", "& Co", "Studio", "Partners", "Group", "Foundation", "AB")
# Identities and names of the template are replaced (a URL kept from a template
# would make every card made from it one person).
REPLACED = {
    "FN", "N", "EMAIL", "TEL", "UID", "ORG", "NICKNAME", "X-ANDROID-CUSTOM", "URL",
    "X-SOCIALPROFILE", "X-TWITTER",
}  # fmt: skip
_BLOCK = re.compile(rb"(?ims)^[ \t]*BEGIN:VCARD[ \t]*\r?$.*?^[ \t]*END:VCARD[ \t]*\r?$\n?")


# --- the corpus -------------------------------------------------------------------------


def templates(max_bytes: int) -> list[bytes]:
    """Every real single card (no nesting) that dunbar reads as exactly one person."""
    from dunbar.importers.formats import ParseOptions
    from dunbar.importers.records import PersonRecord
    from dunbar.importers.vcard import parse_vcards

    found: list[bytes] = []
    for root in SOURCES:
        for path in sorted(root.rglob("*.vcf")) if root.exists() else []:
            for match in _BLOCK.finditer(path.read_bytes()):
                block = match.group()
                if len(block) > max_bytes or block.upper().count(b"BEGIN:VCARD") != 1:
                    continue
                out = list(parse_vcards(io.BytesIO(block), ParseOptions(file="t")))
                if len(out) == 1 and isinstance(out[0], PersonRecord):
                    found.append(block if block.endswith(b"\n") else block + b"\r\n")
    return found


def _spans(block: bytes) -> tuple[list[bytes], list[tuple[int, int, str]], int]:
    """The block's physical lines, each property's (first, last) line, and VERSION's line."""
    from dunbar.importers.textio import read_lines
    from dunbar.importers.vcard_lines import read_cards

    lines = block.splitlines(keepends=True)
    (card,) = list(read_cards(read_lines(io.BytesIO(block))))
    starts = [(p.line, p.name) for p in card.props]
    spans = []
    for k, (line, name) in enumerate(starts):
        end = starts[k + 1][0] - 1 if k + 1 < len(starts) else len(lines) - 1
        spans.append((line, end, name))
    version = next((line for line, name in starts if name == "VERSION"), 1)
    return lines, spans, version


def _ascii(text: str) -> str:
    from dunbar.normalise import name_key

    return re.sub(r"[^a-z0-9]", "", name_key(text).encode("ascii", "ignore").decode())


class Person:
    __slots__ = ("email", "family", "given", "org", "phone", "url")

    def __init__(
        self, given: str, family: str, email: str, phone: str, org: str | None, url: str = ""
    ) -> None:
        self.given, self.family, self.email, self.phone = given, family, email, phone
        self.org, self.url = org, url


def _card(template: bytes, person: Person, name: str, uid: str | None) -> bytes:
    lines, spans, version_line = _spans(template)
    eol = b"\r\n" if b"\r\n" in template else b"\n"
    v21 = b"VERSION:2.1" in template.upper()
    drop = {n for start, end, prop in spans if prop in REPLACED for n in range(start, end + 1)}
    new = [f"FN:{name}", f"N:{person.family};{person.given};;;"]
    if person.email:
        new.append(("EMAIL;INTERNET:" if v21 else "EMAIL;TYPE=INTERNET:") + person.email)
    if person.phone:
        new.append(("TEL;CELL:" if v21 else "TEL;TYPE=CELL:") + person.phone)
    if person.org:
        new.append(f"ORG:{person.org}")
    if person.url:
        new.append(f"URL:{person.url}")
    if uid:
        new.append(f"UID:{uid}")
    out = []
    for number, line in enumerate(lines, start=1):
        if number in drop:
            continue
        out.append(line if line.endswith(b"\n") else line + eol)
        if number == version_line:
            out.extend(text.encode("utf-8") + eol for text in new)
    return b"".join(out)


def _typo(word: str, rng: random.Random) -> str:
    k = rng.randrange(1, len(word) - 1)
    return word[:k] + word[k + 1 :]  # one letter dropped


def generate(n: int, path: Path, *, max_template: int, seed: int = SEED) -> dict[str, Any]:
    """Write ``n`` cards to ``path``; returns how many of each kind."""
    rng = random.Random(seed)
    pool = templates(max_template)
    given = list(dict.fromkeys(GIVEN + MORE_GIVEN))
    families = [
        (c1 + v + c2).capitalize() + e
        for c1 in CONSONANTS
        for v in "aeiou"
        for c2 in CONSONANTS
        for e in ENDINGS
    ]
    space = len(given) * len(families)
    names = rng.sample(range(space), n)
    orgs = [f"{rng.choice(FAMILY)} {rng.choice(ORG_KINDS)} {i}" for i in range(3_000)]
    people: list[Person] = []
    kinds = {"distinct": 0, "exact": 0, "near": 0}
    with path.open("wb") as out:
        for i in range(n):
            template = pool[rng.randrange(len(pool))]
            roll = rng.random()
            uid = f"urn:uuid:bench-{seed}-{i}" if rng.random() < 0.5 else None
            if people and roll < 0.05:  # exact: an earlier person's email or phone
                kinds["exact"] += 1
                old = rng.choice(people)
                by_email = bool(old.email) and (not old.phone or rng.random() < 0.7)
                twin = Person(
                    old.given,
                    old.family,
                    old.email.upper() if by_email else "",
                    "" if by_email else old.phone,
                    old.org,
                )
                out.write(_card(template, twin, f"{old.given} {old.family}", uid))
                continue
            if people and roll < 0.10:  # near: a similar name, same organisation
                kinds["near"] += 1
                old = rng.choice([p for p in people[-50:] if p.org] or people)
                family = _typo(old.family, rng) if len(old.family) > 5 else old.family
                name = (
                    f"{old.given} {family}"
                    if family != old.family
                    else (f"{old.family} {old.given}")
                )
                email = f"{_ascii(old.given)[:1]}{_ascii(family)}@other{i % 97}.example"
                twin = Person(old.given, family, email, "", old.org)
                out.write(_card(template, twin, name, uid))
                continue
            kinds["distinct"] += 1
            g, f = divmod(names[i], len(families))
            first, last = given[g % len(given)], families[f]
            if rng.random() < COMMON_FAMILY:
                last = rng.choice(FAMILY)
            email = ""
            if rng.random() < 0.9:
                email = f"{_ascii(first)}.{_ascii(last)}.{i}@mail{i % 211}.example"
            phone = f"+49 30 {20_000_000 + i}" if rng.random() < 0.7 else ""
            org = rng.choice(orgs) if rng.random() < 0.7 else None
            url = f"https://people.example/{_ascii(first + last)}-{i}" if rng.random() < 0.2 else ""
            person = Person(first, last, email, phone, org, url)
            people.append(person)
            out.write(_card(template, person, f"{first} {last}", uid))
    return {"cards": n, "templates": len(pool), "bytes": path.stat().st_size, **kinds}


# --- children: one measurement each, in a fresh interpreter -----------------------------


def child_dunbar(spec: dict[str, Any]) -> dict[str, Any]:
    from dunbar import Ledger

    ledger = Ledger.init(spec["db"], me="Me", clock=fixed_clock)
    try:
        with timed() as t:
            report = ledger.import_files([spec["path"]])
        with timed() as d:
            proposals = ledger.duplicates(limit=None)
        with timed() as r:
            again = ledger.import_files([spec["path"]])
        return {
            "wall": t.wall,
            "cpu": t.cpu,
            "peak_rss_mib": peak_rss_mib(),
            "records": report.total("records"),
            "created": report.total("created"),
            "merged": report.total("merged"),
            "proposed": report.total("proposed"),
            "rejected": report.total("rejected"),
            "warnings": report.total("warnings"),
            "people": ledger.count_people(),
            "duplicates_wall": d.wall,
            "duplicates": len(proposals),
            "rerun_wall": r.wall,
            "rerun_unchanged": again.total("unchanged"),
            "rerun_created": again.total("created"),
        }
    finally:
        ledger.close()


def child_vobject(spec: dict[str, Any]) -> dict[str, Any]:
    """``vobject.readOne`` on every card of the file (one card a call, so that a card
    vobject cannot read costs that card only: ``readComponents`` stops at the first)."""
    import logging

    import vobject

    for name in ("vobject", "vobject.base"):  # it logs every line it skips
        logging.getLogger(name).setLevel(logging.CRITICAL)
    blocks = [
        m.group().decode("utf-8", "replace")
        for m in _BLOCK.finditer(Path(spec["path"]).read_bytes())
    ]
    cards = failed = 0
    with timed() as t:
        for block in blocks:
            try:
                vobject.readOne(block, ignoreUnreadable=True, allowQP=True)
                cards += 1
            except Exception:  # vobject raises many kinds on real cards
                failed += 1
    return {"wall": t.wall, "cards": cards, "failed": failed, "error": None}


def child_naive(spec: dict[str, Any]) -> dict[str, Any]:
    """vobject per card, a linear duplicate scan, one ``add_person`` per new person."""
    import logging

    import vobject
    from rapidfuzz import fuzz

    from dunbar import Ledger, ValidationError

    for name in ("vobject", "vobject.base"):
        logging.getLogger(name).setLevel(logging.CRITICAL)

    ledger = Ledger.init(spec["db"], me="Me", clock=fixed_clock)
    blocks = [m.group() for m in _BLOCK.finditer(Path(spec["path"]).read_bytes())]
    blocks = blocks[: spec["n"]]
    known: list[tuple[str, set[str]]] = []
    scan = 0.0
    comparisons = created = merged = proposed = failed = 0
    try:
        with timed() as t:
            for block in blocks:
                try:
                    card = vobject.readOne(block.decode("utf-8", "replace"), allowQP=True)
                except Exception:
                    failed += 1
                    continue
                name = str(card.fn.value) if hasattr(card, "fn") else ""
                ids = {str(e.value).lower() for e in card.contents.get("email", [])}
                ids |= {re.sub(r"[^\d+]", "", str(p.value)) for p in card.contents.get("tel", [])}
                with timed() as s:
                    same = similar = False
                    for other_name, other_ids in known:
                        comparisons += 1
                        if ids & other_ids:
                            same = True
                            break
                        if fuzz.token_sort_ratio(name, other_name) >= 85:
                            similar = True
                scan += s.wall
                if same:
                    merged += 1
                    continue
                proposed += similar
                try:
                    ledger.add_person(name or "?", emails=[i for i in ids if "@" in i])
                except ValidationError:
                    failed += 1
                    continue
                created += 1
                known.append((name, ids))
    finally:
        ledger.close()
    return {
        "n": len(blocks),
        "wall": t.wall,
        "scan_wall": scan,
        "comparisons": comparisons,
        "created": created,
        "merged": merged,
        "proposed": proposed,
        "failed": failed,
    }


# --- the run ----------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    info = machine_info()
    print(machine_line(info), flush=True)
    out: dict[str, Any] = {"machine": info, "target_s": TARGET_S, "target_n": TARGET_N}
    with temp_dir() as tmp:
        path = tmp / "contacts.vcf"
        with timed() as g:
            out["corpus"] = generate(args.n, path, max_template=args.max_template)
        c = out["corpus"]
        print(
            f"corpus: {c['cards']:,} cards from {c['templates']} real templates, "
            f"{c['bytes'] / 2**20:.1f} MiB ({c['distinct']:,} distinct, {c['exact']:,} exact "
            f"and {c['near']:,} near duplicates), written in {seconds(g.wall)}",
            flush=True,
        )

        def child(mode: str, **spec: Any) -> dict[str, Any]:
            return run_child(SCRIPT, {"mode": mode, **spec}, timeout=args.timeout)

        out["dunbar"] = child("dunbar", db=str(tmp / "d.db"), path=str(path))
        out["vobject"] = child("vobject", path=str(path))
        naive = child("naive", db=str(tmp / "n.db"), path=str(path), n=args.naive)
        k = naive["n"]
        per_cmp = naive["scan_wall"] / max(naive["comparisons"], 1)
        fixed = (naive["wall"] - naive["scan_wall"]) / max(k, 1)
        naive["extrapolated_wall"] = fixed * args.n + per_cmp * args.n * (args.n - 1) / 2
        out["naive"] = naive
    report(out)
    return out


def report(out: dict[str, Any]) -> None:
    d, v, nv, n = out["dunbar"], out["vobject"], out["naive"], out["corpus"]["cards"]
    full = n == TARGET_N
    verdict = ("met" if d["wall"] <= TARGET_S else "MISSED") if full else "n/a (not full size)"
    print()
    print(
        f"dunbar import   {seconds(d['wall'])} (CPU {seconds(d['cpu'])}, {n / d['wall']:,.0f} "
        f"cards/s, peak RSS {d['peak_rss_mib']:.0f} MiB): {d['created']:,} created, "
        f"{d['merged']:,} merged, {d['proposed']:,} proposed, {d['rejected']:,} rejected, "
        f"{d['warnings']:,} warnings; target {TARGET_S:.0f} s for {TARGET_N:,}: {verdict}"
    )
    print(
        f"duplicates()    {seconds(d['duplicates_wall'])} over {d['people']:,} people: "
        f"{d['duplicates']:,} proposals"
    )
    print(
        f"re-run          {seconds(d['rerun_wall'])}: {d['rerun_unchanged']:,} unchanged, "
        f"{d['rerun_created']} created"
    )
    print(
        f"vobject alone   {seconds(v['wall'])} to parse {v['cards']:,} cards, "
        f"{v.get('failed', 0):,} it cannot read (no matching, no database): dunbar takes "
        f"{d['wall'] / v['wall']:.2f}x its time"
    )
    print(
        f"naive           {seconds(nv['wall'])} for {nv['n']:,} cards ({nv['comparisons']:,} "
        f"comparisons in {seconds(nv['scan_wall'])}) -> {seconds(nv['extrapolated_wall'])} "
        f"extrapolated to {n:,}: dunbar is {nv['extrapolated_wall'] / d['wall']:.0f}x faster"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="cards (default 10,000)")
    parser.add_argument("--full", action="store_true", help=f"{TARGET_N:,} cards (the target)")
    parser.add_argument("--naive", type=int, default=2_000, help="cards in the naive sample")
    parser.add_argument("--max-template", type=int, default=4_096, help="largest template (bytes)")
    parser.add_argument("--timeout", type=float, default=900, help="per measurement (s)")
    parser.add_argument("--write", help="only write the corpus to this file")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        modes = {"dunbar": child_dunbar, "vobject": child_vobject, "naive": child_naive}
        print(json.dumps(modes[spec["mode"]](spec)))
        return 0
    if args.full:
        args.n = TARGET_N
    if args.write:
        print(generate(args.n, Path(args.write), max_template=args.max_template))
        return 0
    write_json(args.json, run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
