"""Provenance of imported people, and idempotent who-knows-whom evidence from imports.

Every function takes an open connection; the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from dunbar.model import Evidence
from dunbar.store.tables import acquaintances, check_lengths, provenance

__all__ = [
    "Known",
    "Source",
    "TieEvidence",
    "known_refs",
    "move_provenance",
    "raise_acquaintances",
    "record_source",
    "record_sources",
    "sources_of",
]


@dataclass(frozen=True)
class Source:
    """Where a fact about a person came from: a record of an imported file."""

    person_id: int
    source: str
    ref: str
    file: str
    line: int | None
    digest: str
    seen_at: dt.datetime


def _source(row: object) -> Source:
    return Source(
        person_id=row.person_id,  # type: ignore[attr-defined]
        source=row.source,  # type: ignore[attr-defined]
        ref=row.ref,  # type: ignore[attr-defined]
        file=row.file,  # type: ignore[attr-defined]
        line=row.line,  # type: ignore[attr-defined]
        digest=row.digest,  # type: ignore[attr-defined]
        seen_at=row.seen_at,  # type: ignore[attr-defined]
    )


Known = dict[str, tuple[int, dict[str, str]]]
"""``ref -> (person_id, {file: digest})``: what was imported from one source."""


def known_refs(conn: Connection, source: str) -> Known:
    """Every record already imported from ``source``, with the files it came from."""
    rows = conn.execute(
        select(
            provenance.c.ref, provenance.c.person_id, provenance.c.file, provenance.c.digest
        ).where(provenance.c.source == source)
    )
    known: Known = {}
    for ref, pid, file, digest in rows:
        known.setdefault(ref, (int(pid), {}))[1][file] = str(digest)
    return known


def record_source(
    conn: Connection,
    person_id: int,
    *,
    source: str,
    ref: str,
    file: str,
    line: int | None,
    digest: str,
    now: dt.datetime,
) -> None:
    """Remember (or refresh) that record ``ref`` of ``source`` feeds ``person_id``."""
    values = {"source": source, "ref": ref[:500], "file": file[-1000:]}
    check_lengths(provenance, values)
    found = conn.execute(
        select(provenance.c.id).where(
            provenance.c.source == values["source"],
            provenance.c.ref == values["ref"],
            provenance.c.file == values["file"],
        )
    ).scalar()
    fields = {
        "person_id": person_id,
        "line": line,
        "digest": digest,
        "seen_at": now,
    }
    if found is None:
        conn.execute(insert(provenance).values(**values, **fields))
    else:
        conn.execute(update(provenance).where(provenance.c.id == found).values(**fields))


def record_sources(conn: Connection, sources: list[Source]) -> None:
    """:func:`record_source` for many records at once (one lookup per 500 refs)."""
    latest: dict[tuple[str, str, str], Source] = {}
    for s in sources:
        key = (s.source, s.ref[:500], s.file[-1000:])
        check_lengths(provenance, {"source": key[0], "ref": key[1], "file": key[2]})
        latest[key] = s
    found: dict[tuple[str, str, str], int] = {}
    keys = list(latest)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = conn.execute(
            select(provenance.c.id, provenance.c.source, provenance.c.ref, provenance.c.file).where(
                provenance.c.source.in_({k[0] for k in chunk}),
                provenance.c.ref.in_({k[1] for k in chunk}),
            )
        )
        for row_id, source, ref, file in rows:
            found[(source, ref, file)] = int(row_id)
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for key, s in latest.items():
        values = {
            "person_id": s.person_id,
            "line": s.line,
            "digest": s.digest,
            "seen_at": s.seen_at,
        }
        if key in found:
            updates.append({"row_id": found[key], **values})
        else:
            inserts.append({"source": key[0], "ref": key[1], "file": key[2], **values})
    if inserts:
        conn.execute(insert(provenance), inserts)
    if updates:
        conn.execute(
            update(provenance)
            .where(provenance.c.id == bindparam("row_id"))
            .values(
                person_id=bindparam("person_id"),
                line=bindparam("line"),
                digest=bindparam("digest"),
                seen_at=bindparam("seen_at"),
            ),
            updates,
        )


def sources_of(conn: Connection, person_id: int) -> list[Source]:
    """Every imported record that fed this person, most recent first."""
    rows = conn.execute(
        select(provenance)
        .where(provenance.c.person_id == person_id)
        .order_by(provenance.c.seen_at.desc(), provenance.c.id)
    )
    return [_source(r) for r in rows]


def move_provenance(conn: Connection, from_id: int, to_id: int) -> None:
    """Hand the provenance of a merged-away person to the person kept."""
    conn.execute(
        update(provenance).where(provenance.c.person_id == from_id).values(person_id=to_id)
    )


@dataclass(frozen=True)
class TieEvidence:
    """Evidence from an import that ``a`` and ``b`` met ``count`` times."""

    a: int
    b: int
    count: int
    first_seen: dt.date | None
    last_seen: dt.date | None


def _span(
    old: dt.date | None, new: dt.date | None, pick: Callable[[dt.date, dt.date], dt.date]
) -> dt.date | None:
    if old is None or new is None:
        return old or new
    return pick(old, new)


@dataclass(frozen=True)
class _Tie:
    id: int
    occurrences: int
    first_seen: dt.date | None
    last_seen: dt.date | None


def _day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _existing_ties(
    conn: Connection, pairs: list[tuple[int, int]], evidence: Evidence
) -> dict[tuple[int, int], _Tie]:
    """The stored ties of these ordered pairs with this evidence.

    The pairs go in as a ``VALUES`` list joined to the table, so that each probes the
    ``(a, b, evidence)`` unique index and only their rows are read (a filter on
    ``person_a_id IN (...)`` reads every tie of those people, which made an email
    import's who-knows-whom step grow with the square of the batches). Through the
    driver's cursor: this runs for every batch of an import.
    """
    sqlite = conn.dialect.name == "sqlite"
    mark = "?" if sqlite else "%s"
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cursor: Any = raw.cursor()
    found: dict[tuple[int, int], _Tie] = {}
    try:
        for start in range(0, len(pairs), 500):
            chunk = pairs[start : start + 500]
            values = ", ".join([f"({mark}, {mark})"] * len(chunk))
            cursor.execute(
                "SELECT t.id, t.person_a_id, t.person_b_id, t.occurrences, t.first_seen, "
                f"t.last_seen FROM (VALUES {values}) AS v JOIN acquaintances t "
                "ON t.person_a_id = v.column1 AND t.person_b_id = v.column2 "
                f"WHERE t.evidence = {mark}",
                [n for pair in chunk for n in pair] + [evidence.value],
            )
            for row_id, a, b, count, first, last in cursor.fetchall():
                found[(a, b)] = _Tie(row_id, count, _day(first), _day(last))
    finally:
        cursor.close()
    return found


def _insert_ties(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """New ties through the driver, many rows per statement (an email import writes
    tens of thousands); dates as SQLAlchemy's ``Date`` stores them."""
    from dunbar.store.encounters import ROWS_PER_STATEMENT, _executemany

    def day(value: dt.date | None) -> Any:
        return value.isoformat() if value is not None and sqlite else value

    sqlite = conn.dialect.name == "sqlite"
    _executemany(
        conn,
        "acquaintances",
        "person_a_id, person_b_id, evidence, occurrences, first_seen, last_seen",
        [
            (
                r["person_a_id"],
                r["person_b_id"],
                r["evidence"],
                r["occurrences"],
                day(r["first_seen"]),
                day(r["last_seen"]),
            )
            for r in rows
        ],
        rows_per_statement=ROWS_PER_STATEMENT,
    )


def raise_acquaintances(
    conn: Connection, ties: Iterable[TieEvidence], *, evidence: Evidence
) -> int:
    """Idempotent who-knows-whom evidence from an import; returns how many ties changed.

    Unlike :func:`dunbar.store.records.upsert_acquaintance`, which adds to the
    count, each tie's count becomes *at least* the imported one: re-importing the
    same file leaves it as it was, and an extended file raises it to the new total.
    First and last seen only widen. One query per 500 pairs, then bulk writes.
    """
    wanted: dict[tuple[int, int], TieEvidence] = {}
    for tie in ties:
        if tie.a == tie.b:
            continue
        low, high = sorted((tie.a, tie.b))
        seen = wanted.get((low, high))
        if seen is not None:
            tie = TieEvidence(
                low,
                high,
                max(seen.count, tie.count),
                _span(seen.first_seen, tie.first_seen, min),
                _span(seen.last_seen, tie.last_seen, max),
            )
        wanted[(low, high)] = TieEvidence(low, high, tie.count, tie.first_seen, tie.last_seen)
    existing = _existing_ties(conn, sorted(wanted), evidence)
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for pair, tie in wanted.items():
        row = existing.get(pair)
        if row is None:
            inserts.append(
                {
                    "person_a_id": pair[0],
                    "person_b_id": pair[1],
                    "evidence": evidence.value,
                    "occurrences": tie.count,
                    "first_seen": tie.first_seen,
                    "last_seen": tie.last_seen,
                }
            )
            continue
        values = {
            "occurrences": max(row.occurrences, tie.count),
            "first_seen": _span(row.first_seen, tie.first_seen, min),
            "last_seen": _span(row.last_seen, tie.last_seen, max),
        }
        if values != {k: getattr(row, k) for k in values}:
            updates.append({"row_id": row.id, **values})
    if inserts:
        _insert_ties(conn, inserts)
    if updates:
        conn.execute(
            update(acquaintances)
            .where(acquaintances.c.id == bindparam("row_id"))
            .values(
                occurrences=bindparam("occurrences"),
                first_seen=bindparam("first_seen"),
                last_seen=bindparam("last_seen"),
            ),
            updates,
        )
    return len(inserts) + len(updates)
