"""Gatherings: attendance, seating and follow-ups."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from dunbar.facade.base import LedgerBase
from dunbar.model import (
    AttendanceStatus,
    Attendee,
    FollowUp,
    Gathering,
    GatheringKind,
    Seat,
)
from dunbar.normalise import parse_enum
from dunbar.store import people as people_store
from dunbar.store import records

if TYPE_CHECKING:
    pass

__all__ = ["GatheringsMixin"]


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
