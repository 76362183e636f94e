"""Encounters: one at a time, and the bulk path for imports and benchmarks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, text, tuple_

from dunbar.errors import ValidationError
from dunbar.model import Channel, Encounter, Initiative
from dunbar.store.tables import check_lengths, encounter_participants, encounters
from dunbar.store.types import sqlite_datetime_text

__all__ = [
    "EncounterInput",
    "bulk_insert",
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


def check_encounter(item: EncounterInput, *, now: dt.datetime) -> None:
    if item.when.tzinfo is None:
        raise ValidationError("an encounter time needs a time zone", field="when")
    if item.when > now + FUTURE_SLACK:
        raise ValidationError(
            f"encounter dated {item.when.date().isoformat()} is in the future", field="when"
        )
    if item.minutes is not None and (isinstance(item.minutes, bool) or item.minutes < 0):
        raise ValidationError(f"minutes must be zero or more, got {item.minutes}", field="minutes")
    if item.minutes is not None and item.minutes > 60 * 24 * 14:
        raise ValidationError(f"{item.minutes} minutes is longer than two weeks", field="minutes")
    if not item.participants:
        raise ValidationError("an encounter needs at least one other person", field="with")
    if item.title is not None and len(item.title) > 500:
        raise ValidationError("title too long (at most 500 characters)", field="title")
    check_lengths(encounters, {"source": item.source, "source_ref": item.source_ref})


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
            created_at=now,
        )
    )
    assert result.inserted_primary_key is not None
    eid = int(result.inserted_primary_key[0])
    conn.execute(
        insert(encounter_participants),
        [{"encounter_id": eid, "person_id": pid} for pid in dict.fromkeys(item.participants)],
    )
    return eid


def find_by_source(conn: Connection, source: str, source_ref: str) -> int | None:
    found = conn.execute(
        select(encounters.c.id).where(
            encounters.c.source == source, encounters.c.source_ref == source_ref
        )
    ).scalar()
    return None if found is None else int(found)


def _existing_refs(conn: Connection, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    pairs = sorted(keys)
    for start in range(0, len(pairs), 400):
        chunk = pairs[start : start + 400]
        rows = conn.execute(
            select(encounters.c.source, encounters.c.source_ref).where(
                tuple_(encounters.c.source, encounters.c.source_ref).in_(chunk)
            )
        )
        found.update((s, r) for s, r in rows)
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
    sqlite = conn.dialect.name == "sqlite"
    inserted = skipped = 0
    batch: list[EncounterInput] = []

    def flush() -> None:
        nonlocal inserted, skipped
        refs = {(b.source, b.source_ref) for b in batch if b.source_ref is not None}
        present = _existing_refs(conn, refs) if refs else set()
        seen: set[tuple[str, str]] = set()
        keep: list[EncounterInput] = []
        for b in batch:
            if b.source_ref is not None:
                key = (b.source, b.source_ref)
                if key in present or key in seen:
                    skipped += 1
                    continue
                seen.add(key)
            keep.append(b)
        if keep:
            ids = _allocate_ids(conn, len(keep))
            created = sqlite_datetime_text(now) if sqlite else now
            enc_rows: list[Any] = []
            part_rows: list[tuple[int, int]] = []
            for eid, b in zip(ids, keep, strict=True):
                when: Any = sqlite_datetime_text(b.when) if sqlite else b.when
                enc_rows.append(
                    (
                        eid,
                        when,
                        b.minutes,
                        b.channel.value,
                        b.initiative.value,
                        b.title,
                        b.notes,
                        b.gathering_id,
                        b.source,
                        b.source_ref,
                        created,
                    )
                )
                part_rows.extend((eid, pid) for pid in dict.fromkeys(b.participants))
            _executemany(
                conn,
                "encounters",
                "id, occurred_at, minutes, channel, initiative, title, notes, "
                "gathering_id, source, source_ref, created_at",
                enc_rows,
            )
            _executemany(conn, "encounter_participants", "encounter_id, person_id", part_rows)
            inserted += len(keep)
        batch.clear()

    for item in items:
        check_encounter(item, now=now)
        batch.append(item)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return inserted, skipped


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


def _executemany(conn: Connection, table: str, columns: str, rows: list[Any]) -> None:
    width = columns.count(",") + 1
    marks = ", ".join(["%s"] * width) if conn.dialect.name != "sqlite" else ", ".join(["?"] * width)
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
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
