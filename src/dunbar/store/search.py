"""Full-text search over people, notes and encounter titles.

FTS5 (``unicode61``, diacritics removed) on SQLite; ``tsvector`` with a GIN index
on PostgreSQL. Every word of the query must match, as a word prefix, so
"supp fin" finds "supply-chain finance".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Connection, select, text

from dunbar.store.tables import encounter_participants, encounters, notes, people

__all__ = ["SearchHit", "search"]

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    """One match: what it is, whom it concerns, and the matched text."""

    kind: str  # "person", "note" or "encounter"
    ref: int
    people: tuple[tuple[int, str], ...]
    text: str
    when: dt.datetime | None
    rank: float


def _words(query: str) -> list[str]:
    folded = "".join(
        ch for ch in unicodedata.normalize("NFKD", query) if not unicodedata.combining(ch)
    )
    return [w.lower() for w in _WORD.findall(folded)][:20]


def search(conn: Connection, query: str, *, limit: int = 50) -> list[SearchHit]:
    words = _words(query)
    if not words:
        return []
    if conn.dialect.name == "sqlite":
        match = " AND ".join(f'"{w}"*' for w in words)
        rows = conn.execute(
            text(
                "SELECT kind, ref, person_id, body, bm25(search_fts) AS rank "
                "FROM search_fts WHERE search_fts MATCH :q ORDER BY rank LIMIT :n"
            ),
            {"q": match, "n": limit},
        ).all()
        ranked = [(r.kind, int(r.ref), r.person_id, r.body, -float(r.rank)) for r in rows]
    else:
        tsquery = " & ".join(f"{w}:*" for w in words)
        rows = conn.execute(
            text(
                "SELECT kind, ref, person_id, body, ts_rank(tsv, q) AS rank "
                "FROM search_index, to_tsquery('simple', :q) q WHERE tsv @@ q "
                "ORDER BY rank DESC, rowid_key LIMIT :n"
            ),
            {"q": tsquery, "n": limit},
        ).all()
        ranked = [(r.kind, int(r.ref), r.person_id, r.body, float(r.rank)) for r in rows]
    return _describe(conn, ranked)


def _describe(
    conn: Connection, ranked: list[tuple[str, int, int | None, str, float]]
) -> list[SearchHit]:
    note_ids = [ref for kind, ref, *_ in ranked if kind == "note"]
    enc_ids = [ref for kind, ref, *_ in ranked if kind == "encounter"]
    person_ids = {pid for kind, _ref, pid, *_ in ranked if pid is not None}
    note_rows = {
        r.id: r
        for r in conn.execute(
            select(notes.c.id, notes.c.body, notes.c.written_at).where(notes.c.id.in_(note_ids))
        )
    }
    enc_rows = {
        r.id: r
        for r in conn.execute(
            select(
                encounters.c.id, encounters.c.title, encounters.c.notes, encounters.c.occurred_at
            ).where(encounters.c.id.in_(enc_ids))
        )
    }
    enc_people: dict[int, list[int]] = {}
    for eid, pid in conn.execute(
        select(encounter_participants.c.encounter_id, encounter_participants.c.person_id).where(
            encounter_participants.c.encounter_id.in_(enc_ids)
        )
    ):
        enc_people.setdefault(eid, []).append(pid)
        person_ids.add(pid)
    names = {
        r.id: r.name
        for r in conn.execute(select(people.c.id, people.c.name).where(people.c.id.in_(person_ids)))
    }
    hits: list[SearchHit] = []
    for kind, ref, pid, _body, rank in ranked:
        who: tuple[tuple[int, str], ...] = ()
        if pid is not None and pid in names:
            who = ((pid, names[pid]),)
        if kind == "person" and who:
            hits.append(SearchHit(kind, ref, who, who[0][1], None, rank))
        elif kind == "note" and ref in note_rows:
            note = note_rows[ref]
            hits.append(SearchHit(kind, ref, who, note.body, note.written_at, rank))
        elif kind == "encounter" and ref in enc_rows:
            enc = enc_rows[ref]
            who = tuple((p, names[p]) for p in sorted(enc_people.get(ref, [])) if p in names)
            body = " — ".join(t for t in (enc.title, enc.notes) if t)
            hits.append(SearchHit(kind, ref, who, body, enc.occurred_at, rank))
    return hits
