"""Notes, favours, introductions, acquaintances and gatherings in the store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, insert, or_, select, update

from dunbar.errors import NotFoundError, ValidationError
from dunbar.model import (
    Acquaintance,
    AttendanceStatus,
    Attendee,
    Evidence,
    Favour,
    FavourKind,
    FavourStatus,
    FollowUp,
    Gathering,
    GatheringKind,
    Introduction,
    IntroOutcome,
    Note,
    Seat,
)
from dunbar.normalise import normalise_label
from dunbar.store.tables import (
    acquaintances,
    attendance,
    check_lengths,
    favours,
    follow_ups,
    gatherings,
    introductions,
    notes,
    seating,
)

__all__ = [
    "AcquaintanceInput",
    "acquaintance_from_row",
    "favour_from_row",
    "gathering_from_row",
    "intro_from_row",
    "note_from_row",
]


def _inserted_id(result: Any) -> int:
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


def _text(value: str, what: str, limit: int = 20_000) -> str:
    clean = value.strip()
    if not clean:
        raise ValidationError(f"{what} is empty", field=what)
    if len(clean) > limit:
        raise ValidationError(
            f"{what} is too long ({len(clean)} characters, at most {limit})", field=what
        )
    return clean


# --- notes -----------------------------------------------------------------------------


def note_from_row(r: Row[Any]) -> Note:
    return Note(
        id=r.id,
        body=r.body,
        person_id=r.person_id,
        written_at=r.written_at,
        topics=tuple(r.topics or ()),
        encounter_id=r.encounter_id,
    )


def insert_note(
    conn: Connection,
    body: str,
    *,
    person_id: int | None,
    topics: Sequence[str],
    when: dt.datetime,
    encounter_id: int | None,
) -> Note:
    clean_topics = list(dict.fromkeys(normalise_label(t) for t in topics))
    nid = _inserted_id(
        conn.execute(
            insert(notes).values(
                body=_text(body, "note"),
                person_id=person_id,
                topics=clean_topics,
                written_at=when,
                encounter_id=encounter_id,
            )
        )
    )
    row = conn.execute(select(notes).where(notes.c.id == nid)).one()
    return note_from_row(row)


# --- favours ---------------------------------------------------------------------------


def favour_from_row(r: Row[Any]) -> Favour:
    return Favour(
        id=r.id,
        giver_id=r.giver_id,
        receiver_id=r.receiver_id,
        what=r.what,
        kind=FavourKind(r.kind),
        on=r.on_date,
        status=FavourStatus(r.status),
    )


def insert_favour(
    conn: Connection,
    *,
    giver_id: int,
    receiver_id: int,
    what: str,
    kind: FavourKind,
    on: dt.date,
    status: FavourStatus,
    now: dt.datetime,
) -> Favour:
    if giver_id == receiver_id:
        raise ValidationError("a favour needs two different people")
    fid = _inserted_id(
        conn.execute(
            insert(favours).values(
                giver_id=giver_id,
                receiver_id=receiver_id,
                what=_text(what, "favour", 2000),
                kind=kind.value,
                on_date=on,
                status=status.value,
                created_at=now,
            )
        )
    )
    return favour_from_row(conn.execute(select(favours).where(favours.c.id == fid)).one())


def set_favour_status(conn: Connection, favour_id: int, status: FavourStatus) -> Favour:
    done = conn.execute(
        update(favours).where(favours.c.id == favour_id).values(status=status.value)
    )
    if done.rowcount == 0:
        raise NotFoundError(f"no favour with id {favour_id}")
    return favour_from_row(conn.execute(select(favours).where(favours.c.id == favour_id)).one())


# --- introductions ---------------------------------------------------------------------


def intro_from_row(r: Row[Any]) -> Introduction:
    return Introduction(
        id=r.id,
        broker_id=r.broker_id,
        person_a_id=r.person_a_id,
        person_b_id=r.person_b_id,
        on=r.on_date,
        reason=r.reason,
        outcome=IntroOutcome(r.outcome),
    )


def insert_intro(
    conn: Connection,
    *,
    broker_id: int,
    a_id: int,
    b_id: int,
    on: dt.date,
    reason: str | None,
    outcome: IntroOutcome,
    now: dt.datetime,
) -> Introduction:
    if len({broker_id, a_id, b_id}) < 3:
        raise ValidationError(
            "an introduction needs three different people (the broker and the two introduced)"
        )
    iid = _inserted_id(
        conn.execute(
            insert(introductions).values(
                broker_id=broker_id,
                person_a_id=a_id,
                person_b_id=b_id,
                on_date=on,
                reason=reason.strip() if reason else None,
                outcome=outcome.value,
                created_at=now,
            )
        )
    )
    return intro_from_row(
        conn.execute(select(introductions).where(introductions.c.id == iid)).one()
    )


def set_intro_outcome(conn: Connection, intro_id: int, outcome: IntroOutcome) -> Introduction:
    done = conn.execute(
        update(introductions).where(introductions.c.id == intro_id).values(outcome=outcome.value)
    )
    if done.rowcount == 0:
        raise NotFoundError(f"no introduction with id {intro_id}")
    return intro_from_row(
        conn.execute(select(introductions).where(introductions.c.id == intro_id)).one()
    )


# --- acquaintances ---------------------------------------------------------------------


def acquaintance_from_row(r: Row[Any]) -> Acquaintance:
    return Acquaintance(
        id=r.id,
        person_a_id=r.person_a_id,
        person_b_id=r.person_b_id,
        evidence=Evidence(r.evidence),
        strength=r.strength,
        count=r.occurrences,
        first_seen=r.first_seen,
        last_seen=r.last_seen,
    )


@dataclass(frozen=True)
class AcquaintanceInput:
    """Evidence that two people (ids) know each other, for the bulk path."""

    a: int
    b: int
    evidence: Evidence = Evidence.DECLARED
    strength: float | None = None
    count: int = 1
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None


def upsert_acquaintance(
    conn: Connection,
    a_id: int,
    b_id: int,
    *,
    evidence: Evidence,
    strength: float | None,
    on: dt.date | None = None,
    count: int = 1,
    first_seen: dt.date | None = None,
    last_seen: dt.date | None = None,
) -> Acquaintance:
    """Record that two people know each other; repeated evidence adds to the count.

    ``on`` is shorthand for one sighting (``first_seen = last_seen = on``).
    """
    if a_id == b_id:
        raise ValidationError("a person trivially knows themselves")
    if strength is not None and not 0.0 <= strength <= 1.0:
        raise ValidationError(f"strength must be between 0 and 1, got {strength}", field="strength")
    if isinstance(count, bool) or count < 1:
        raise ValidationError(f"count must be at least 1, got {count}", field="count")
    first = first_seen if first_seen is not None else on
    last = last_seen if last_seen is not None else on
    if first is not None and last is not None and first > last:
        raise ValidationError("first seen is after last seen")
    low, high = sorted((a_id, b_id))
    where = (
        acquaintances.c.person_a_id == low,
        acquaintances.c.person_b_id == high,
        acquaintances.c.evidence == evidence.value,
    )
    row = conn.execute(select(acquaintances).where(*where)).first()
    if row is None:
        conn.execute(
            insert(acquaintances).values(
                person_a_id=low,
                person_b_id=high,
                evidence=evidence.value,
                strength=strength,
                occurrences=count,
                first_seen=first,
                last_seen=last,
            )
        )
    else:
        values: dict[str, Any] = {"occurrences": row.occurrences + count}
        if strength is not None:
            values["strength"] = strength
        firsts = [d for d in (row.first_seen, first) if d is not None]
        lasts = [d for d in (row.last_seen, last) if d is not None]
        if firsts:
            values["first_seen"] = min(firsts)
        if lasts:
            values["last_seen"] = max(lasts)
        if evidence is Evidence.DECLARED:
            values["occurrences"] = 1  # declaring twice is one declaration
        conn.execute(update(acquaintances).where(*where).values(**values))
    return acquaintance_from_row(conn.execute(select(acquaintances).where(*where)).one())


def acquaintances_of(conn: Connection, person_id: int | None) -> list[Acquaintance]:
    query = select(acquaintances).order_by(acquaintances.c.id)
    if person_id is not None:
        query = query.where(
            or_(acquaintances.c.person_a_id == person_id, acquaintances.c.person_b_id == person_id)
        )
    return [acquaintance_from_row(r) for r in conn.execute(query)]


# --- gatherings ------------------------------------------------------------------------


def gathering_from_row(r: Row[Any]) -> Gathering:
    return Gathering(
        id=r.id,
        name=r.name,
        kind=GatheringKind(r.kind),
        on=r.held_on,
        venue=r.venue,
        capacity=r.capacity,
        notes=r.notes,
        series=r.series,
    )


def insert_gathering(
    conn: Connection,
    *,
    name: str,
    kind: GatheringKind,
    on: dt.date,
    venue: str | None,
    capacity: int | None,
    notes_text: str | None,
    now: dt.datetime,
    series: str | None = None,
) -> Gathering:
    if capacity is not None and capacity < 1:
        raise ValidationError(f"capacity must be at least 1, got {capacity}", field="capacity")
    check_lengths(gatherings, {"venue": venue})
    gid = _inserted_id(
        conn.execute(
            insert(gatherings).values(
                name=_text(name, "gathering name", 300),
                kind=kind.value,
                held_on=on,
                venue=venue,
                capacity=capacity,
                notes=notes_text,
                created_at=now,
                series=None if series is None else _text(series, "series name", 300),
            )
        )
    )
    return load_gathering(conn, gid)


def load_gathering(conn: Connection, gathering_id: int) -> Gathering:
    row = conn.execute(select(gatherings).where(gatherings.c.id == gathering_id)).first()
    if row is None:
        raise NotFoundError(f"no gathering with id {gathering_id}")
    return gathering_from_row(row)


def set_attendance(
    conn: Connection, gathering_id: int, person_id: int, status: AttendanceStatus
) -> Attendee:
    load_gathering(conn, gathering_id)
    where = (attendance.c.gathering_id == gathering_id, attendance.c.person_id == person_id)
    if conn.execute(select(attendance.c.status).where(*where)).first() is None:
        gathering = load_gathering(conn, gathering_id)
        if gathering.capacity is not None and status is not AttendanceStatus.NO_SHOW:
            taken = conn.execute(
                select(attendance.c.person_id).where(
                    attendance.c.gathering_id == gathering_id,
                    attendance.c.status.in_(("confirmed", "attended")),
                )
            ).all()
            if (
                status in (AttendanceStatus.CONFIRMED, AttendanceStatus.ATTENDED)
                and len(taken) >= gathering.capacity
            ):
                raise ValidationError(f"{gathering.name} is full ({gathering.capacity} confirmed)")
        conn.execute(
            insert(attendance).values(
                gathering_id=gathering_id, person_id=person_id, status=status.value
            )
        )
    else:
        conn.execute(update(attendance).where(*where).values(status=status.value))
    return Attendee(gathering_id, person_id, status)


def attendees(conn: Connection, gathering_id: int) -> list[Attendee]:
    rows = conn.execute(
        select(attendance)
        .where(attendance.c.gathering_id == gathering_id)
        .order_by(attendance.c.person_id)
    )
    return [Attendee(r.gathering_id, r.person_id, AttendanceStatus(r.status)) for r in rows]


def set_seat(conn: Connection, seat: Seat) -> None:
    if seat.round < 1 or seat.table < 1 or seat.seat < 1:
        raise ValidationError("rounds, tables and seats are numbered from 1")
    conn.execute(
        insert(seating).values(
            gathering_id=seat.gathering_id,
            round=seat.round,
            table_no=seat.table,
            seat=seat.seat,
            person_id=seat.person_id,
        )
    )


def seats(conn: Connection, gathering_id: int) -> list[Seat]:
    rows = conn.execute(
        select(seating)
        .where(seating.c.gathering_id == gathering_id)
        .order_by(seating.c.round, seating.c.table_no, seating.c.seat)
    )
    return [Seat(r.gathering_id, r.round, r.table_no, r.seat, r.person_id) for r in rows]


def complete_follow_up(conn: Connection, follow_up_id: int, *, done: bool = True) -> FollowUp:
    changed = conn.execute(
        update(follow_ups).where(follow_ups.c.id == follow_up_id).values(done=done)
    )
    if changed.rowcount == 0:
        raise NotFoundError(f"no follow-up with id {follow_up_id}")
    return follow_up_from_row(
        conn.execute(select(follow_ups).where(follow_ups.c.id == follow_up_id)).one()
    )


def insert_follow_up(
    conn: Connection,
    *,
    person_id: int,
    due: dt.date,
    reason: str,
    gathering_id: int | None,
    now: dt.datetime,
) -> FollowUp:
    fid = _inserted_id(
        conn.execute(
            insert(follow_ups).values(
                person_id=person_id,
                due=due,
                reason=_text(reason, "reason", 2000),
                gathering_id=gathering_id,
                done=False,
                created_at=now,
            )
        )
    )
    row = conn.execute(select(follow_ups).where(follow_ups.c.id == fid)).one()
    return follow_up_from_row(row)


def follow_up_from_row(r: Row[Any]) -> FollowUp:
    return FollowUp(
        id=r.id,
        person_id=r.person_id,
        due=r.due,
        reason=r.reason,
        done=bool(r.done),
        gathering_id=r.gathering_id,
    )
