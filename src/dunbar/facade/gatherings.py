"""Gatherings: attendance, seating and follow-ups."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from dunbar.errors import AmbiguousError, NotFoundError, ValidationError
from dunbar.facade.base import LedgerBase
from dunbar.model import (
    AttendanceStatus,
    Attendee,
    Channel,
    Evidence,
    FollowUp,
    Gathering,
    GatheringKind,
    Initiative,
    Seat,
)
from dunbar.normalise import name_key, parse_enum
from dunbar.store import encounters as enc_store
from dunbar.store import people as people_store
from dunbar.store import records
from dunbar.store.encounters import EncounterInput
from dunbar.store.tables import (
    attendance,
    encounter_participants,
    encounters,
    follow_ups,
    gatherings,
    people,
    seating,
)

__all__ = [
    "CloseReport",
    "GatheringLifeMixin",
    "GatheringSummary",
    "GatheringView",
    "GatheringsMixin",
    "GuestView",
]


class GatheringsMixin(LedgerBase):
    """Gatherings: attendance, seating and follow-ups."""

    def add_gathering(
        self,
        name: str,
        *,
        on: dt.date | str,
        kind: GatheringKind | str = GatheringKind.DINNER,
        venue: str | None = None,
        capacity: int | None = None,
        notes_text: str | None = None,
        series: str | None = None,
    ) -> Gathering:
        gkind = parse_enum(GatheringKind, kind, what="gathering kind")
        with self._write() as conn:
            return records.insert_gathering(
                conn,
                name=name,
                kind=gkind,
                on=self._date(on, "date"),
                venue=venue,
                capacity=capacity,
                notes_text=notes_text,
                now=self.now(),
                series=series,
            )

    def gathering(self, gathering_id: int) -> Gathering:
        with self._read() as conn:
            return records.load_gathering(conn, gathering_id)

    def set_attendance(
        self, gathering_id: int, ref: str | int, status: AttendanceStatus | str
    ) -> Attendee:
        state = parse_enum(AttendanceStatus, status, what="attendance status")
        with self._write() as conn:
            return records.set_attendance(
                conn, gathering_id, people_store.resolve_person(conn, ref), state
            )

    def attendees(self, gathering_id: int) -> list[Attendee]:
        with self._read() as conn:
            records.load_gathering(conn, gathering_id)
            return records.attendees(conn, gathering_id)

    def seat(
        self, gathering_id: int, ref: str | int, *, round_no: int, table: int, seat: int
    ) -> Seat:
        with self._write() as conn:
            records.load_gathering(conn, gathering_id)
            placed = Seat(
                gathering_id, round_no, table, seat, people_store.resolve_person(conn, ref)
            )
            records.set_seat(conn, placed)
            return placed

    def seating(self, gathering_id: int) -> list[Seat]:
        with self._read() as conn:
            return records.seats(conn, gathering_id)

    def add_follow_up(
        self, ref: str | int, *, due: dt.date | str, reason: str, gathering_id: int | None = None
    ) -> FollowUp:
        with self._write() as conn:
            if gathering_id is not None:
                records.load_gathering(conn, gathering_id)
            return records.insert_follow_up(
                conn,
                person_id=people_store.resolve_person(conn, ref),
                due=self._date(due, "due date"),
                reason=reason,
                gathering_id=gathering_id,
                now=self.now(),
            )

    def complete_follow_up(self, follow_up_id: int, *, done: bool = True) -> FollowUp:
        """Mark a follow-up done (or, with ``done=False``, open again)."""
        with self._write() as conn:
            return records.complete_follow_up(conn, follow_up_id, done=done)


@dataclass(frozen=True)
class GuestView:
    person_id: int
    name: str
    status: AttendanceStatus


@dataclass(frozen=True)
class GatheringSummary:
    gathering: Gathering
    counts: dict[str, int]
    closed: bool


@dataclass
class GatheringView:
    gathering: Gathering
    guests: list[GuestView]
    seating: dict[int, dict[int, list[tuple[int, str]]]]
    """round → table → [(person id, name)] in seat order."""
    follow_ups: list[FollowUp]
    closed: bool


@dataclass(frozen=True)
class CloseReport:
    gathering_id: int
    encounter_id: int
    attended: int
    pairs_met: int
    """Pairs of guests recorded as having met (same table in some round, or all
    attendees when nobody was seated)."""
    follow_ups: list[FollowUp] = field(default_factory=list)


def _source_ref(gathering_id: int) -> str:
    return f"gathering:{gathering_id}"


class GatheringLifeMixin(GatheringsMixin):
    """The lifecycle: new, invite, RSVP, attendance, close (and what closing logs)."""

    def resolve_gathering(self, ref: str | int) -> int:
        """A gathering by id or by name (case- and accent-insensitive); never guesses."""
        with self._read() as conn:
            return _resolve_gathering(conn, ref)

    def gatherings(self) -> list[GatheringSummary]:
        """Every gathering, newest first, with its guests counted by status."""
        with self._read() as conn:
            rows = conn.execute(
                select(gatherings).order_by(gatherings.c.held_on.desc(), gatherings.c.id.desc())
            ).all()
            counts: dict[int, Counter[str]] = {}
            for gid, status in conn.execute(select(attendance.c.gathering_id, attendance.c.status)):
                counts.setdefault(int(gid), Counter())[str(status)] += 1
            closed = _closed(conn)
            return [
                GatheringSummary(
                    records.gathering_from_row(r),
                    dict(sorted(counts.get(int(r.id), Counter()).items())),
                    int(r.id) in closed,
                )
                for r in rows
            ]

    def gathering_view(self, ref: str | int) -> GatheringView:
        with self._read() as conn:
            gid = _resolve_gathering(conn, ref)
            g = records.load_gathering(conn, gid)
            here = (
                select(attendance.c.person_id)
                .where(attendance.c.gathering_id == gid)
                .union(select(seating.c.person_id).where(seating.c.gathering_id == gid))
            )
            names = dict(
                conn.execute(select(people.c.id, people.c.name).where(people.c.id.in_(here))).all()
            )
            guests = sorted(
                (
                    GuestView(a.person_id, str(names.get(a.person_id, a.person_id)), a.status)
                    for a in records.attendees(conn, gid)
                ),
                key=lambda v: (_STATUS_ORDER[v.status], v.name, v.person_id),
            )
            plan: dict[int, dict[int, list[tuple[int, str]]]] = {}
            for s in records.seats(conn, gid):
                plan.setdefault(s.round, {}).setdefault(s.table, []).append(
                    (s.person_id, str(names.get(s.person_id, s.person_id)))
                )
            follow = [
                records.follow_up_from_row(r)
                for r in conn.execute(
                    select(follow_ups)
                    .where(follow_ups.c.gathering_id == gid)
                    .order_by(follow_ups.c.due, follow_ups.c.id)
                )
            ]
            return GatheringView(g, guests, plan, follow, gid in _closed(conn))

    def export_seating(self, ref: str | int, fmt: str = "csv") -> str:
        """The seating as CSV, or as a printable HTML page of table lists and place cards."""
        from dunbar.exporters.seating_files import FORMATS, seating_csv, seating_html

        fmt = fmt.lower()
        if fmt not in FORMATS:
            raise ValidationError(f"unknown seating format {fmt!r}: use {' or '.join(FORMATS)}")
        view = self.gathering_view(ref)
        return seating_csv(view) if fmt == "csv" else seating_html(view)

    def series_members(self, series: str) -> list[int]:
        """Everyone (but me) who attended a gathering of ``series``, by id."""
        with self._read() as conn:
            return _members(conn, series)

    def invite(
        self, ref: str | int, people_refs: Sequence[str | int] = (), *, members: bool = False
    ) -> list[Attendee]:
        """Invite people; someone already confirmed or attending keeps their status.

        ``members=True`` also invites every member of the gathering's series
        (everyone who attended one of its earlier evenings).
        """
        if not people_refs and not members:
            raise ValidationError("name at least one person to invite")
        with self._write() as conn:
            gid = _resolve_gathering(conn, ref)
            g = records.load_gathering(conn, gid)
            _not_closed(conn, gid)
            me = people_store.me_id(conn)
            current = {a.person_id: a for a in records.attendees(conn, gid)}
            wanted: list[str | int] = list(people_refs)
            if members:
                if g.series is None:
                    raise ValidationError(
                        f"{g.name} is not part of a series: dunbar gathering new NAME --series S"
                    )
                found = _members(conn, g.series)
                if not found:
                    raise ValidationError(f"the series {g.series!r} has no members yet")
                wanted.extend(found)
            out = []
            for person in wanted:
                pid = people_store.resolve_person(conn, person)
                if pid == me:
                    raise ValidationError("you host it: invite your guests")
                if pid in current:
                    out.append(current[pid])
                    continue
                current[pid] = records.set_attendance(conn, gid, pid, AttendanceStatus.INVITED)
                out.append(current[pid])
            return out

    def rsvp(self, ref: str | int, person: str | int, status: AttendanceStatus | str) -> Attendee:
        """Set a guest's status: invited, confirmed, attended or no-show."""
        state = parse_enum(AttendanceStatus, str(status).replace("-", "_"), what="RSVP status")
        with self._write() as conn:
            gid = _resolve_gathering(conn, ref)
            _not_closed(conn, gid)
            return records.set_attendance(
                conn, gid, people_store.resolve_person(conn, person), state
            )

    def close_gathering(
        self,
        ref: str | int,
        *,
        minutes: int | None = None,
        at: dt.time | None = None,
        follow_up_days: int = 2,
    ) -> CloseReport:
        """Log the gathering: one in-person encounter with everyone who attended, the
        pairs who met as acquaintance evidence, follow-ups for new contacts.

        Who met whom: guests seated at the same table in some round (each round
        they shared counts once); with no seating, every pair of attendees. A new
        contact (nobody I had met before this gathering) gets a follow-up
        ``follow_up_days`` after the gathering. One transaction; closing twice is
        an error, not a second encounter.
        """
        if follow_up_days < 0:
            raise ValidationError("follow-up days cannot be negative", field="follow_up_days")
        with self._write() as conn:
            gid = _resolve_gathering(conn, ref)
            g = records.load_gathering(conn, gid)
            _not_closed(conn, gid)
            if g.on > self.now().astimezone().date():
                raise ValidationError(
                    f"{g.name} is on {g.on.isoformat()}: close it once it has happened"
                )
            me = people_store.me_id(conn)
            came = [
                a.person_id
                for a in records.attendees(conn, gid)
                if a.status is AttendanceStatus.ATTENDED and a.person_id != me
            ]
            if not came:
                raise ValidationError(
                    f"nobody is marked as attended at {g.name}: "
                    "dunbar gathering rsvp GATHERING PERSON attended"
                )
            seen_before = {
                int(pid)
                for (pid,) in conn.execute(
                    select(encounter_participants.c.person_id)
                    .where(encounter_participants.c.person_id.in_(came))
                    .distinct()
                )
            }
            local = self.now().astimezone().tzinfo
            when = dt.datetime.combine(g.on, at or dt.time(19, 0), tzinfo=local)
            eid = enc_store.insert_encounter(
                conn,
                EncounterInput(
                    when=when,
                    participants=sorted(came),
                    channel=Channel.IN_PERSON,
                    initiative=Initiative.OUT,
                    minutes=minutes,
                    title=g.name,
                    gathering_id=gid,
                    source="gathering",
                    source_ref=_source_ref(gid),
                ),
                now=self.now(),
            )
            together: Counter[tuple[int, int]] = Counter()
            tables: dict[tuple[int, int], list[int]] = {}
            attended = set(came)
            for s in records.seats(conn, gid):
                if s.person_id in attended:
                    tables.setdefault((s.round, s.table), []).append(s.person_id)
            groups = list(tables.values()) if tables else [sorted(came)]
            for group in groups:
                for i, a in enumerate(sorted(group)):
                    for b in sorted(group)[i + 1 :]:
                        together[(a, b)] += 1
            for (a, b), n in sorted(together.items()):
                records.upsert_acquaintance(
                    conn, a, b, evidence=Evidence.SHARED_GATHERING, strength=None, count=n, on=g.on
                )
            follow = [
                records.insert_follow_up(
                    conn,
                    person_id=pid,
                    due=g.on + dt.timedelta(days=follow_up_days),
                    reason=f"Follow up with someone new from {g.name}",
                    gathering_id=gid,
                    now=self.now(),
                )
                for pid in sorted(attended - seen_before)
            ]
            return CloseReport(gid, eid, len(came), len(together), follow)


_STATUS_ORDER = {
    AttendanceStatus.ATTENDED: 0,
    AttendanceStatus.CONFIRMED: 1,
    AttendanceStatus.INVITED: 2,
    AttendanceStatus.NO_SHOW: 3,
}


def _members(conn: Connection, series: str) -> list[int]:
    key = name_key(series)
    ids = [
        int(r.id)
        for r in conn.execute(select(gatherings.c.id, gatherings.c.series))
        if r.series is not None and name_key(str(r.series)) == key
    ]
    if not ids:
        return []
    me = people_store.me_id(conn)
    rows = conn.execute(
        select(attendance.c.person_id)
        .where(attendance.c.gathering_id.in_(ids), attendance.c.status == "attended")
        .distinct()
    ).scalars()
    return sorted({int(p) for p in rows} - {me})


def _closed(conn: Connection) -> set[int]:
    refs = conn.execute(
        select(encounters.c.source_ref).where(encounters.c.source == "gathering")
    ).scalars()
    return {int(r.split(":", 1)[1]) for r in refs if r and r.startswith("gathering:")}


def _not_closed(conn: Connection, gid: int) -> None:
    if gid in _closed(conn):
        raise ValidationError(f"gathering #{gid} is closed: it has been logged already")


def _resolve_gathering(conn: Connection, ref: str | int) -> int:
    text = str(ref).strip().lstrip("#")
    if isinstance(ref, int) or text.isdigit():
        return records.load_gathering(conn, int(text)).id
    if not text:
        raise ValidationError("empty gathering reference")
    key = name_key(text)
    rows = conn.execute(
        select(gatherings.c.id, gatherings.c.name, gatherings.c.held_on).order_by(gatherings.c.id)
    ).all()
    found = [r for r in rows if name_key(str(r.name)) == key]
    if not found:
        raise NotFoundError(f"no gathering named {text!r} (dunbar gathering list)")
    if len(found) > 1:
        raise AmbiguousError(
            f"{len(found)} gatherings are named {text!r}",
            [(int(r.id), f"{r.name} on {r.held_on}") for r in found],
        )
    return int(found[0].id)
