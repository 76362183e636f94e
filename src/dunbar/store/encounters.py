"""Encounters: one at a time, and the bulk path for imports and benchmarks.

An imported encounter is known by its ``(source, source_ref)``. The bulk path
skips one already stored (:func:`bulk_insert`), or, for an import
(:func:`bulk_write`), compares the file's digest of it (``source_digest``,
migration 0009) and updates the stored encounter when the file changed.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, text, update

from dunbar.errors import ValidationError
from dunbar.model import Channel, Encounter, Initiative
from dunbar.store.stale import chunks, forget_tallies
from dunbar.store.tables import check_lengths, encounter_participants, encounters, tie_tallies
from dunbar.store.types import sqlite_datetime_text

__all__ = [
    "BulkResult",
    "EncounterInput",
    "bulk_insert",
    "bulk_write",
    "check_encounter",
    "insert_encounter",
    "load_encounters",
]

# How far ahead an encounter may be dated: clock skew and time zones, not plans.
FUTURE_SLACK = dt.timedelta(hours=26)


@dataclass(frozen=True)
class EncounterInput:
    """One encounter to store: an aware ``when`` and the participants' ids."""

    when: dt.datetime
    participants: Sequence[int]
    channel: Channel = Channel.IN_PERSON
    initiative: Initiative = Initiative.UNKNOWN
    minutes: int | None = None
    title: str | None = None
    notes: str | None = None
    gathering_id: int | None = None
    source: str = "manual"
    source_ref: str | None = None
    source_digest: str | None = None
    """What the imported file said, hashed (:meth:`~dunbar.importers.records.
    EncounterRecord.digest`); ``None`` for an encounter written by hand."""


@dataclass(frozen=True)
class BulkResult:
    """What a bulk write did with its items."""

    inserted: int
    """New encounters."""
    unchanged: int
    """Already stored with the same digest (or nothing to compare: no digest given,
    or the same ``source_ref`` earlier in the batch): left alone."""
    updated: int = 0
    """Already stored with another digest: the stored encounter was updated."""
    digested: int = 0
    """Already stored without a digest (imported before migration 0009): the digest
    was stored and nothing else changed."""


# Longest minutes an encounter may last: a conference, not a lifetime.
MAX_MINUTES = 60 * 24 * 14
_TITLE_MAX = 500
_SOURCE_MAX = int(getattr(encounters.c.source.type, "length", 0))
_REF_MAX = int(getattr(encounters.c.source_ref.type, "length", 0))


def check_encounter(item: EncounterInput, *, now: dt.datetime) -> None:
    """Refuse an encounter the ledger must not store, with one clear reason.

    Called once per item on the bulk path, so the common case is a handful of
    comparisons (no per-item allocation).
    """
    when = item.when
    if when.tzinfo is None:
        raise ValidationError("an encounter time needs a time zone", field="when")
    if when > now + FUTURE_SLACK:
        raise ValidationError(
            f"encounter dated {when.date().isoformat()} is in the future", field="when"
        )
    minutes = item.minutes
    if minutes is not None and (isinstance(minutes, bool) or not 0 <= minutes <= MAX_MINUTES):
        if isinstance(minutes, bool) or minutes < 0:
            raise ValidationError(f"minutes must be zero or more, got {minutes}", field="minutes")
        raise ValidationError(f"{minutes} minutes is longer than two weeks", field="minutes")
    if not item.participants:
        raise ValidationError("an encounter needs at least one other person", field="with")
    if item.title is not None and len(item.title) > _TITLE_MAX:
        raise ValidationError(f"title too long (at most {_TITLE_MAX} characters)", field="title")
    ref = item.source_ref
    if len(item.source) > _SOURCE_MAX or (ref is not None and len(ref) > _REF_MAX):
        check_lengths(encounters, {"source": item.source, "source_ref": ref})


def insert_encounter(conn: Connection, item: EncounterInput, *, now: dt.datetime) -> int:
    check_encounter(item, now=now)
    result = conn.execute(
        insert(encounters).values(
            occurred_at=item.when,
            minutes=item.minutes,
            channel=item.channel.value,
            initiative=item.initiative.value,
            title=item.title,
            notes=item.notes,
            gathering_id=item.gathering_id,
            source=item.source,
            source_ref=item.source_ref,
            source_digest=item.source_digest,
            created_at=now,
        )
    )
    assert result.inserted_primary_key is not None
    eid = int(result.inserted_primary_key[0])
    conn.execute(
        insert(encounter_participants),
        [
            {"encounter_id": eid, "person_id": pid, "occurred_at": item.when}
            for pid in dict.fromkeys(item.participants)
        ],
    )
    forget_tallies(conn, item.participants)
    return eid


def find_by_source(conn: Connection, source: str, source_ref: str) -> int | None:
    found = conn.execute(
        select(encounters.c.id).where(
            encounters.c.source == source, encounters.c.source_ref == source_ref
        )
    ).scalar()
    return None if found is None else int(found)


_Stored = dict[tuple[str, str], tuple[int, str | None]]


def _existing_refs(conn: Connection, keys: set[tuple[str, str]]) -> _Stored:
    """The ``(source, source_ref)`` pairs already stored: their id and digest.

    One lookup per source on the ``(source, source_ref)`` unique index. (A row-value
    ``(source, source_ref) IN (...)`` is a full table scan on SQLite, which made a
    large import quadratic.) The raw cursor avoids re-compiling a long ``IN`` list
    per chunk; on PostgreSQL ``prepare=False`` keeps psycopg from caching a plan made
    while the table was still empty, which turns every later lookup into a scan.
    """
    by_source: dict[str, list[str]] = {}
    for source, ref in keys:
        by_source.setdefault(source, []).append(ref)
    found: _Stored = {}
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cursor: Any = raw.cursor()
    try:
        for source, refs in by_source.items():
            refs.sort()
            if conn.dialect.name == "sqlite":
                for start in range(0, len(refs), 500):
                    chunk = refs[start : start + 500]
                    marks = ", ".join(["?"] * len(chunk))
                    cursor.execute(
                        "SELECT source_ref, id, source_digest FROM encounters "
                        f"WHERE source = ? AND source_ref IN ({marks})",
                        [source, *chunk],
                    )
                    found.update(((source, r), (i, d)) for r, i, d in cursor.fetchall())
            else:
                cursor.execute(
                    "SELECT source_ref, id, source_digest FROM encounters "
                    "WHERE source = %s AND source_ref = ANY(%s)",
                    [source, refs],
                    prepare=False,
                )
                found.update(((source, r), (i, d)) for r, i, d in cursor.fetchall())
    finally:
        cursor.close()
    return found


def bulk_insert(
    conn: Connection,
    items: Iterable[EncounterInput],
    *,
    now: dt.datetime,
    batch_size: int = 50_000,
) -> tuple[int, int]:
    """Insert many encounters fast; returns ``(inserted, skipped_as_already_present)``.

    Ids are allocated up front (the caller holds the one write transaction), rows
    go in with ``executemany`` in batches, and an item whose ``(source,
    source_ref)`` is already stored is skipped, so re-running an import is
    idempotent. Every item is validated exactly as :func:`insert_encounter` does.
    """
    done = _bulk(conn, items, now=now, batch_size=batch_size, compare=False)
    return done.inserted, done.unchanged


def bulk_write(
    conn: Connection,
    items: Iterable[EncounterInput],
    *,
    now: dt.datetime,
    batch_size: int = 50_000,
) -> BulkResult:
    """Insert new encounters and update those whose imported content changed.

    As :func:`bulk_insert`, with one difference for an item whose ``(source,
    source_ref)`` is already stored and that carries a ``source_digest``:

    - the stored digest is the same: nothing is written (a re-run is idempotent);
    - the stored digest is ``None`` (imported before migration 0009, when no
      digest was kept): the digest is stored and nothing else changes, since
      what changed since that import can no longer be told;
    - it differs: the stored encounter (same id) takes the item's time, minutes,
      channel, initiative, title, digest and participants (those gone are
      removed, new ones added, every participant row gets the new time). Its
      notes and gathering stay. The tallies of every participant before and
      after are dropped; the search index follows the title by trigger.

    The digests come back with the same one lookup per batch that finds the
    stored refs, so a re-run costs no query per row; updates are batched too.
    Of two items with the same ``(source, source_ref)`` in one call, the first
    is written and the second counts as unchanged.
    """
    return _bulk(conn, items, now=now, batch_size=batch_size, compare=True)


def _bulk(
    conn: Connection,
    items: Iterable[EncounterInput],
    *,
    now: dt.datetime,
    batch_size: int,
    compare: bool,
) -> BulkResult:
    sqlite = conn.dialect.name == "sqlite"
    with _bulk_cache(conn):
        return _bulk_insert(
            conn, items, now=now, batch_size=batch_size, sqlite=sqlite, compare=compare
        )


# SQLite's page cache during a bulk insert (KiB). The default 2 MiB makes every
# insert into a large index (occurred_at, the participants' person index) a page
# miss once the ledger holds a few hundred thousand encounters.
BULK_CACHE_KIB = 64 * 1024


@contextmanager
def _bulk_cache(conn: Connection) -> Iterator[None]:
    """A larger SQLite page cache for the duration of a bulk insert, then the old one."""
    if conn.dialect.name != "sqlite":
        yield
        return
    previous = int(conn.exec_driver_sql("PRAGMA cache_size").scalar() or 0)
    if not -BULK_CACHE_KIB < previous < 0:  # pages (> 0), or already large: leave it
        yield
        return
    conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {previous}")


def _bulk_insert(
    conn: Connection,
    items: Iterable[EncounterInput],
    *,
    now: dt.datetime,
    batch_size: int,
    sqlite: bool,
    compare: bool,
) -> BulkResult:
    inserted = skipped = updated = digested = 0
    batch: list[EncounterInput] = []
    # A first import finds no tallies to make stale, and skips the deletes.
    has_tallies = conn.execute(select(tie_tallies.c.person_id).limit(1)).first() is not None

    def flush() -> None:
        nonlocal inserted, skipped, updated, digested
        refs = {(b.source, b.source_ref) for b in batch if b.source_ref is not None}
        present = _existing_refs(conn, refs) if refs else {}
        seen: set[tuple[str, str]] = set()
        keep: list[EncounterInput] = []
        changed: list[tuple[int, EncounterInput]] = []
        digests: list[dict[str, Any]] = []
        for b in batch:
            if b.source_ref is not None:
                key = (b.source, b.source_ref)
                if key in seen:
                    skipped += 1
                    continue
                seen.add(key)
                stored = present.get(key)
                if stored is not None:
                    eid, digest = stored
                    if not compare or b.source_digest is None or digest == b.source_digest:
                        skipped += 1
                    elif digest is None:
                        digests.append({"eid": eid, "digest": b.source_digest})
                    else:
                        changed.append((eid, b))
                    continue
            keep.append(b)
        if digests:
            conn.execute(
                update(encounters)
                .where(encounters.c.id == bindparam("eid"))
                .values(source_digest=bindparam("digest")),
                digests,
            )
            digested += len(digests)
        if changed:
            _update_encounters(conn, changed)
            updated += len(changed)
        if keep:
            ids = _allocate_ids(conn, len(keep))
            created = sqlite_datetime_text(now) if sqlite else now
            enc_rows: list[Any] = []
            part_rows: list[tuple[int, int, Any]] = []
            stamp = sqlite_datetime_text if sqlite else _as_is
            for eid, b in zip(ids, keep, strict=True):
                when = stamp(b.when)
                enc_rows.append(
                    (
                        eid,
                        when,
                        b.minutes,
                        # ``_value_``: the plain attribute behind Enum.value's descriptor.
                        b.channel._value_,
                        b.initiative._value_,
                        b.title,
                        b.notes,
                        b.gathering_id,
                        b.source,
                        b.source_ref,
                        b.source_digest,
                        created,
                    )
                )
                who = b.participants
                if len(who) == 1:  # most encounters: no de-duplication needed
                    part_rows.append((eid, who[0], when))
                else:
                    part_rows.extend([(eid, pid, when) for pid in dict.fromkeys(who)])
            # Many rows per INSERT where each row would otherwise be a statement of
            # its own with a statement journal (SQLite, because of the search-index
            # trigger on encounters) or a round trip (PostgreSQL). Participants on
            # SQLite have no trigger, and plain one-row inserts are faster there.
            _executemany(
                conn,
                "encounters",
                "id, occurred_at, minutes, channel, initiative, title, notes, "
                "gathering_id, source, source_ref, source_digest, created_at",
                enc_rows,
                rows_per_statement=ROWS_PER_STATEMENT,
            )
            _executemany(
                conn,
                "encounter_participants",
                "encounter_id, person_id, occurred_at",
                part_rows,
                rows_per_statement=1 if sqlite else ROWS_PER_STATEMENT,
            )
            if has_tallies:
                forget_tallies(conn, {row[1] for row in part_rows})
            inserted += len(keep)
        batch.clear()

    for item in items:
        check_encounter(item, now=now)
        batch.append(item)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return BulkResult(inserted, skipped, updated, digested)


def _update_encounters(conn: Connection, changed: list[tuple[int, EncounterInput]]) -> None:
    """Give stored encounters (by id) the content of their items, participants too.

    Batched: one read of the old participants per 500 encounters, one
    ``executemany`` per kind of write. The tallies of everyone who took part
    before or after are dropped here (the 0006 triggers drop some of them too).
    """
    ids = [eid for eid, _ in changed]
    before: dict[int, set[int]] = {eid: set() for eid in ids}
    for chunk in chunks(ids):
        for eid, pid in conn.execute(
            select(encounter_participants.c.encounter_id, encounter_participants.c.person_id).where(
                encounter_participants.c.encounter_id.in_(chunk)
            )
        ):
            before[eid].add(pid)
    conn.execute(
        update(encounters)
        .where(encounters.c.id == bindparam("eid"))
        .values(
            occurred_at=bindparam("when"),
            minutes=bindparam("new_minutes"),
            channel=bindparam("new_channel"),
            initiative=bindparam("new_initiative"),
            title=bindparam("new_title"),
            source_digest=bindparam("digest"),
        ),
        [
            {
                "eid": eid,
                "when": b.when,
                "new_minutes": b.minutes,
                "new_channel": b.channel.value,
                "new_initiative": b.initiative.value,
                "new_title": b.title,
                "digest": b.source_digest,
            }
            for eid, b in changed
        ],
    )
    gone: list[dict[str, Any]] = []
    moved: list[dict[str, Any]] = []
    added: list[dict[str, Any]] = []
    touched: set[int] = set()
    for eid, b in changed:
        after = dict.fromkeys(b.participants)
        touched |= before[eid] | set(after)
        gone.extend({"eid": eid, "pid": pid} for pid in before[eid] if pid not in after)
        moved.append({"eid": eid, "when": b.when})
        added.extend(
            {"encounter_id": eid, "person_id": pid, "occurred_at": b.when}
            for pid in after
            if pid not in before[eid]
        )
    ep = encounter_participants.c
    if gone:
        conn.execute(
            delete(encounter_participants).where(
                ep.encounter_id == bindparam("eid"), ep.person_id == bindparam("pid")
            ),
            gone,
        )
    conn.execute(
        update(encounter_participants)
        .where(ep.encounter_id == bindparam("eid"))
        .values(occurred_at=bindparam("when")),
        moved,
    )
    if added:
        conn.execute(insert(encounter_participants), added)
    forget_tallies(conn, touched)


def _as_is(moment: dt.datetime) -> Any:
    return moment


def _allocate_ids(conn: Connection, count: int) -> list[int]:
    if conn.dialect.name == "sqlite":
        top = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM encounters")).scalar()
        first = int(top or 0) + 1
        return list(range(first, first + count))
    rows = (
        conn.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence('encounters', 'id')) "
                "FROM generate_series(1, :n)"
            ),
            {"n": count},
        )
        .scalars()
        .all()
    )
    return [int(r) for r in rows]


ROWS_PER_STATEMENT = 500


def _executemany(
    conn: Connection, table: str, columns: str, rows: list[Any], *, rows_per_statement: int = 1
) -> None:
    """``INSERT`` rows through the driver, ``rows_per_statement`` rows per statement."""
    width = columns.count(",") + 1
    raw = conn.connection.dbapi_connection
    assert raw is not None
    if isinstance(raw, sqlite3.Connection):
        mark = "?"
        limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    else:
        mark, limit = "%s", 65_535
    per = max(1, min(rows_per_statement, limit // width))
    one = "(" + ", ".join([mark] * width) + ")"
    whole = len(rows) - len(rows) % per if per > 1 else 0
    cursor: Any = raw.cursor()
    try:
        if whole:
            many = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([one] * per)
            cursor.executemany(
                many,
                (list(chain.from_iterable(rows[i : i + per])) for i in range(0, whole, per)),
            )
        if whole < len(rows):
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {one}", rows[whole:])
    finally:
        cursor.close()


def load_encounters(conn: Connection, ids: Sequence[int]) -> list[Encounter]:
    if not ids:
        return []
    rows = conn.execute(select(encounters).where(encounters.c.id.in_(ids))).all()
    parts: dict[int, list[int]] = {}
    for eid, pid in conn.execute(
        select(encounter_participants.c.encounter_id, encounter_participants.c.person_id)
        .where(encounter_participants.c.encounter_id.in_(ids))
        .order_by(encounter_participants.c.person_id)
    ):
        parts.setdefault(eid, []).append(pid)
    out = [
        Encounter(
            id=r.id,
            when=r.occurred_at,
            channel=Channel(r.channel),
            initiative=Initiative(r.initiative),
            participants=tuple(parts.get(r.id, ())),
            title=r.title,
            notes=r.notes,
            minutes=r.minutes,
            gathering_id=r.gathering_id,
            source=r.source,
            source_ref=r.source_ref,
        )
        for r in rows
    ]
    out.sort(key=lambda e: (e.when, e.id), reverse=True)
    return out
