"""Merging two records of one person, and forgetting a person entirely."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, func, select, text, update

from dunbar.errors import ValidationError
from dunbar.store.dismissals import forget_dismissals, move_dismissals
from dunbar.store.engine import sqlite_outside_transaction
from dunbar.store.tables import (
    acquaintances,
    attendance,
    encounter_participants,
    encounters,
    favours,
    follow_ups,
    gatherings,
    identities,
    introductions,
    notes,
    people,
    person_labels,
    seating,
)

__all__ = ["ForgetReport", "forget_person", "merge_people"]

FORGOTTEN = "[forgotten]"


def merge_people(conn: Connection, keep_id: int, other_id: int, *, now: dt.datetime) -> None:
    """Fold ``other`` into ``keep``: history, identities, labels; empty fields filled."""
    if keep_id == other_id:
        raise ValidationError("cannot merge a person with themselves")
    keep = conn.execute(select(people).where(people.c.id == keep_id)).one()
    other = conn.execute(select(people).where(people.c.id == other_id)).one()
    if other.is_me:
        raise ValidationError("merge the other way round: 'me' must be the one that is kept")

    fill: dict[str, Any] = {}
    for column in (
        "given_name",
        "family_name",
        "org_id",
        "title",
        "location",
        "how_met",
        "where_met",
        "closeness",
        "birthday",
    ):
        if getattr(keep, column) is None and getattr(other, column) is not None:
            fill[column] = getattr(other, column)
    if other.first_known is not None and (
        keep.first_known is None or other.first_known < keep.first_known
    ):
        fill["first_known"] = other.first_known
    if other.is_kin and not keep.is_kin:
        fill["is_kin"] = True
    custom = dict(other.custom or {})
    custom.update(keep.custom or {})
    fill["custom"] = custom
    fill["updated_at"] = now

    conn.execute(
        update(identities).where(identities.c.person_id == other_id).values(person_id=keep_id)
    )
    kept_labels = {
        (k, v)
        for k, v in conn.execute(
            select(person_labels.c.kind, person_labels.c.value_key).where(
                person_labels.c.person_id == keep_id
            )
        )
    }
    for row in conn.execute(
        select(person_labels).where(person_labels.c.person_id == other_id)
    ).all():
        if (row.kind, row.value_key) not in kept_labels:
            conn.execute(
                person_labels.insert().values(
                    person_id=keep_id, kind=row.kind, value=row.value, value_key=row.value_key
                )
            )

    # Encounters: move participation unless both were already in it.
    shared = (
        select(encounter_participants.c.encounter_id)
        .where(encounter_participants.c.person_id == keep_id)
        .scalar_subquery()
    )
    conn.execute(
        delete(encounter_participants).where(
            encounter_participants.c.person_id == other_id,
            encounter_participants.c.encounter_id.in_(shared),
        )
    )
    conn.execute(
        update(encounter_participants)
        .where(encounter_participants.c.person_id == other_id)
        .values(person_id=keep_id)
    )

    conn.execute(update(notes).where(notes.c.person_id == other_id).values(person_id=keep_id))
    conn.execute(
        update(follow_ups).where(follow_ups.c.person_id == other_id).values(person_id=keep_id)
    )
    # Favours and introductions between the two would become self-references: drop them.
    conn.execute(
        delete(favours).where(
            ((favours.c.giver_id == other_id) & (favours.c.receiver_id == keep_id))
            | ((favours.c.giver_id == keep_id) & (favours.c.receiver_id == other_id))
        )
    )
    conn.execute(update(favours).where(favours.c.giver_id == other_id).values(giver_id=keep_id))
    conn.execute(
        update(favours).where(favours.c.receiver_id == other_id).values(receiver_id=keep_id)
    )
    _drop_self_intros(conn, keep_id, other_id)
    for column in ("broker_id", "person_a_id", "person_b_id"):
        conn.execute(
            update(introductions)
            .where(introductions.c[column] == other_id)
            .values({column: keep_id})
        )
    _merge_acquaintances(conn, keep_id, other_id)
    _merge_gatherings(conn, keep_id, other_id)
    move_dismissals(conn, keep_id, other_id)
    conn.execute(delete(people).where(people.c.id == other_id))
    conn.execute(update(people).where(people.c.id == keep_id).values(**fill))


def _drop_self_intros(conn: Connection, keep_id: int, other_id: int) -> None:
    rows = conn.execute(
        select(introductions).where(
            (introductions.c.broker_id == other_id)
            | (introductions.c.person_a_id == other_id)
            | (introductions.c.person_b_id == other_id)
        )
    ).all()
    for r in rows:
        ids = [keep_id if p == other_id else p for p in (r.broker_id, r.person_a_id, r.person_b_id)]
        if len(set(ids)) < 3:
            conn.execute(delete(introductions).where(introductions.c.id == r.id))


def _merge_acquaintances(conn: Connection, keep_id: int, other_id: int) -> None:
    rows = conn.execute(
        select(acquaintances).where(
            (acquaintances.c.person_a_id == other_id) | (acquaintances.c.person_b_id == other_id)
        )
    ).all()
    for r in rows:
        conn.execute(delete(acquaintances).where(acquaintances.c.id == r.id))
        friend = r.person_b_id if r.person_a_id == other_id else r.person_a_id
        if friend == keep_id:
            continue
        low, high = sorted((keep_id, friend))
        where = (
            acquaintances.c.person_a_id == low,
            acquaintances.c.person_b_id == high,
            acquaintances.c.evidence == r.evidence,
        )
        existing = conn.execute(select(acquaintances).where(*where)).first()
        if existing is None:
            conn.execute(
                acquaintances.insert().values(
                    person_a_id=low,
                    person_b_id=high,
                    evidence=r.evidence,
                    strength=r.strength,
                    occurrences=r.occurrences,
                    first_seen=r.first_seen,
                    last_seen=r.last_seen,
                )
            )
        else:
            firsts = [d for d in (existing.first_seen, r.first_seen) if d is not None]
            lasts = [d for d in (existing.last_seen, r.last_seen) if d is not None]
            conn.execute(
                update(acquaintances)
                .where(*where)
                .values(
                    occurrences=existing.occurrences + r.occurrences,
                    strength=max(
                        (s for s in (existing.strength, r.strength) if s is not None), default=None
                    ),
                    first_seen=min(firsts, default=None),
                    last_seen=max(lasts, default=None),
                )
            )


def _merge_gatherings(conn: Connection, keep_id: int, other_id: int) -> None:
    mine = {
        g
        for (g,) in conn.execute(
            select(attendance.c.gathering_id).where(attendance.c.person_id == keep_id)
        )
    }
    for r in conn.execute(select(attendance).where(attendance.c.person_id == other_id)).all():
        if r.gathering_id in mine:
            conn.execute(
                delete(attendance).where(
                    attendance.c.gathering_id == r.gathering_id, attendance.c.person_id == other_id
                )
            )
        else:
            conn.execute(
                update(attendance)
                .where(
                    attendance.c.gathering_id == r.gathering_id, attendance.c.person_id == other_id
                )
                .values(person_id=keep_id)
            )
    seated = {
        (g, rnd)
        for g, rnd in conn.execute(
            select(seating.c.gathering_id, seating.c.round).where(seating.c.person_id == keep_id)
        )
    }
    for r in conn.execute(select(seating).where(seating.c.person_id == other_id)).all():
        where = (
            seating.c.gathering_id == r.gathering_id,
            seating.c.round == r.round,
            seating.c.person_id == other_id,
        )
        if (r.gathering_id, r.round) in seated:
            conn.execute(delete(seating).where(*where))
        else:
            conn.execute(update(seating).where(*where).values(person_id=keep_id))


@dataclass
class ForgetReport:
    """What forgetting a person removed."""

    person_id: int
    name: str
    encounters_deleted: int = 0
    encounters_kept: int = 0
    texts_redacted: int = 0
    removed: dict[str, int] = field(default_factory=dict)


def _mentions(name: str, emails: list[str], *, shortest_part: int) -> re.Pattern[str] | None:
    """Their full name, emails, and each word of their name of at least that length."""
    words = [re.escape(name)]
    words += [re.escape(e) for e in emails]
    words += [re.escape(p) for p in name.split() if len(p) >= shortest_part]
    words = [w for w in words if w]
    if not words:
        return None
    return re.compile(
        r"\b(?:" + "|".join(sorted(words, key=len, reverse=True)) + r")\b", re.IGNORECASE
    )


def forget_person(conn: Connection, person_id: int) -> ForgetReport:
    """Erase a person and every trace of them (one transaction).

    - Encounters where they were the only other participant are deleted; shared
      ones lose them as a participant.
    - Their name and emails are redacted to ``[forgotten]`` from the free text of
      records that remain (shared encounters, notes, favours, introductions and
      follow-ups about others, gatherings, how and where others were met).
    - Identities, labels, notes about them, favours, introductions,
      acquaintances, attendance, seats, follow-ups and "not duplicates" marks go
      by cascade.
    - Topic vectors go too: theirs, and those of the notes about others that were
      redacted (:func:`~dunbar.store.topics.forget_redacted_vectors`).
    """
    person = conn.execute(select(people).where(people.c.id == person_id)).one()
    if person.is_me:
        raise ValidationError("cannot forget 'me': delete the ledger instead")
    emails = [
        v
        for (v,) in conn.execute(
            select(identities.c.value).where(
                identities.c.person_id == person_id, identities.c.kind == "email"
            )
        )
    ]
    report = ForgetReport(person_id=person_id, name=person.name)
    mine = select(encounter_participants.c.encounter_id).where(
        encounter_participants.c.person_id == person_id
    )
    counts = (
        select(encounter_participants.c.encounter_id, func.count().label("n"))
        .where(encounter_participants.c.encounter_id.in_(mine))
        .group_by(encounter_participants.c.encounter_id)
    )
    solo: list[int] = []
    shared: list[int] = []
    for eid, n in conn.execute(counts):
        (solo if n == 1 else shared).append(eid)
    for start in range(0, len(solo), 500):
        conn.execute(delete(encounters).where(encounters.c.id.in_(solo[start : start + 500])))
    report.encounters_deleted = len(solo)
    report.encounters_kept = len(shared)

    from dunbar.store import topics as topic_store  # (imports the topic matcher)

    report.removed["topic_vectors"] = topic_store.forget_vectors(conn, person_id)
    for table, column in (
        (identities, identities.c.person_id),
        (person_labels, person_labels.c.person_id),
        (notes, notes.c.person_id),
        (follow_ups, follow_ups.c.person_id),
        (attendance, attendance.c.person_id),
        (seating, seating.c.person_id),
    ):
        report.removed[table.name] = conn.execute(delete(table).where(column == person_id)).rowcount
    report.removed["favours"] = conn.execute(
        delete(favours).where(
            (favours.c.giver_id == person_id) | (favours.c.receiver_id == person_id)
        )
    ).rowcount
    report.removed["introductions"] = conn.execute(
        delete(introductions).where(
            (introductions.c.broker_id == person_id)
            | (introductions.c.person_a_id == person_id)
            | (introductions.c.person_b_id == person_id)
        )
    ).rowcount
    report.removed["acquaintances"] = conn.execute(
        delete(acquaintances).where(
            (acquaintances.c.person_a_id == person_id) | (acquaintances.c.person_b_id == person_id)
        )
    ).rowcount
    report.removed["not_duplicates"] = forget_dismissals(conn, person_id)
    conn.execute(
        delete(encounter_participants).where(encounter_participants.c.person_id == person_id)
    )
    conn.execute(delete(people).where(people.c.id == person_id))

    # Everywhere: the full name, the emails and every name word of 3+ letters; we
    # err on the side of forgetting, so an "Ana" in a note about another Ana goes
    # too. In the shared encounters they were part of, also 2-letter words ("Bo").
    everywhere = _mentions(person.name, emails, shortest_part=3)
    within = _mentions(person.name, emails, shortest_part=2)
    if everywhere is not None and within is not None:
        report.texts_redacted = _redact(conn, everywhere) + _redact(
            conn, within, targets=((encounters, ("title", "notes")),), ids=shared
        )
    # Vectors of notes just redacted were made from the old text: they go too.
    report.removed["topic_vectors"] += topic_store.forget_redacted_vectors(conn, marker=FORGOTTEN)
    return report


_FREE_TEXT: tuple[tuple[Table, tuple[str, ...]], ...] = (
    (encounters, ("title", "notes")),
    (notes, ("body",)),
    (favours, ("what",)),
    (introductions, ("reason",)),
    (follow_ups, ("reason",)),
    (gatherings, ("name", "venue", "notes")),
    (people, ("how_met", "where_met")),
)


def _redact(
    conn: Connection,
    pattern: re.Pattern[str],
    *,
    targets: tuple[tuple[Table, tuple[str, ...]], ...] = _FREE_TEXT,
    ids: list[int] | None = None,
) -> int:
    """Replace mentions in free-text columns that outlive the person (``ids``: only those rows)."""
    changed = 0
    for table, columns in targets:
        cols = [table.c[c] for c in columns]
        query = select(table.c.id, *cols)
        if ids is not None:
            query = query.where(table.c.id.in_(ids))
        for row in conn.execute(query).all():
            values = {}
            for c in columns:
                value = getattr(row, c)
                if value and pattern.search(value):
                    values[c] = pattern.sub(FORGOTTEN, value)
            if values:
                conn.execute(update(table).where(table.c.id == row.id).values(**values))
                changed += 1
    return changed


def scrub_after_forget(engine: Engine) -> None:
    """Make deleted text unrecoverable from the database (outside any transaction).

    SQLite: ``secure_delete`` already zeroes freed pages; merging the FTS index
    drops its deleted-row segments, VACUUM rebuilds the file and a WAL truncate
    removes old page images. PostgreSQL: VACUUM removes the dead tuples.
    """
    if engine.dialect.name == "sqlite":
        sqlite_outside_transaction(
            engine,
            "INSERT INTO search_fts(search_fts) VALUES ('optimize')",
            "VACUUM",
            "PRAGMA wal_checkpoint(TRUNCATE)",
        )
        return
    with engine.connect() as conn:
        auto = conn.execution_options(isolation_level="AUTOCOMMIT")
        for table in (
            "people",
            "identities",
            "person_labels",
            "encounters",
            "encounter_participants",
            "notes",
            "favours",
            "introductions",
            "acquaintances",
            "attendance",
            "seating",
            "follow_ups",
            "gatherings",
            "not_duplicates",
            "topic_vectors",
            "search_index",
        ):
            auto.execute(text(f"VACUUM {table}"))
