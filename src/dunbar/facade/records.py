"""Notes, favours, introductions and who-knows-whom."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import select

from dunbar.errors import ValidationError
from dunbar.facade.base import LedgerBase
from dunbar.model import (
    Acquaintance,
    Evidence,
    Favour,
    FavourKind,
    FavourStatus,
    Introduction,
    IntroOutcome,
    Note,
)
from dunbar.normalise import parse_enum
from dunbar.store import encounters as enc_store
from dunbar.store import people as people_store
from dunbar.store import records
from dunbar.store.records import AcquaintanceInput
from dunbar.store.tables import people

if TYPE_CHECKING:
    pass

__all__ = ["RecordsMixin"]


class RecordsMixin(LedgerBase):
    """Notes, favours, introductions and who-knows-whom."""

    def add_note(
        self,
        body: str,
        *,
        about: str | int | None = None,
        topics: Iterable[str] = (),
        when: dt.datetime | str | None = None,
        encounter_id: int | None = None,
    ) -> Note:
        """Write down what I learned, optionally about or from a person."""
        moment = self.now() if when is None else self._moment(when)
        with self._write() as conn:
            pid = None if about is None else people_store.resolve_person(conn, about)
            if encounter_id is not None and not enc_store.load_encounters(conn, [encounter_id]):
                raise ValidationError(f"no encounter with id {encounter_id}")
            return records.insert_note(
                conn,
                body,
                person_id=pid,
                topics=list(topics),
                when=moment,
                encounter_id=encounter_id,
            )

    def add_favour(
        self,
        giver: str | int,
        receiver: str | int,
        what: str,
        *,
        kind: FavourKind | str = FavourKind.HELP,
        on: dt.date | str | None = None,
        status: FavourStatus | str = FavourStatus.DONE,
    ) -> Favour:
        """A favour from ``giver`` to ``receiver`` (one of them is usually ``"me"``)."""
        fkind = parse_enum(FavourKind, kind, what="favour kind")
        fstatus = parse_enum(FavourStatus, status, what="favour status")
        day = self.now().date() if on is None else self._date(on, "date")
        self._not_future(day)
        with self._write() as conn:
            return records.insert_favour(
                conn,
                giver_id=people_store.resolve_person(conn, giver),
                receiver_id=people_store.resolve_person(conn, receiver),
                what=what,
                kind=fkind,
                on=day,
                status=fstatus,
                now=self.now(),
            )

    def set_favour_status(self, favour_id: int, status: FavourStatus | str) -> Favour:
        with self._write() as conn:
            return records.set_favour_status(
                conn, favour_id, parse_enum(FavourStatus, status, what="favour status")
            )

    def add_introduction(
        self,
        a: str | int,
        b: str | int,
        *,
        broker: str | int = "me",
        reason: str | None = None,
        on: dt.date | str | None = None,
        outcome: IntroOutcome | str = IntroOutcome.PENDING,
    ) -> Introduction:
        """An introduction of ``a`` and ``b`` by ``broker`` (me unless said otherwise)."""
        result = parse_enum(IntroOutcome, outcome, what="outcome")
        day = self.now().date() if on is None else self._date(on, "date")
        self._not_future(day)
        with self._write() as conn:
            return records.insert_intro(
                conn,
                broker_id=people_store.resolve_person(conn, broker),
                a_id=people_store.resolve_person(conn, a),
                b_id=people_store.resolve_person(conn, b),
                on=day,
                reason=reason,
                outcome=result,
                now=self.now(),
            )

    def set_introduction_outcome(self, intro_id: int, outcome: IntroOutcome | str) -> Introduction:
        with self._write() as conn:
            return records.set_intro_outcome(
                conn, intro_id, parse_enum(IntroOutcome, outcome, what="outcome")
            )

    def know(
        self,
        a: str | int,
        b: str | int,
        *,
        evidence: Evidence | str = Evidence.DECLARED,
        strength: float | None = None,
        on: dt.date | str | None = None,
    ) -> Acquaintance:
        """Record that two of my contacts know each other."""
        kind = parse_enum(Evidence, evidence, what="evidence")
        day = None if on is None else self._date(on, "date")
        with self._write() as conn:
            a_id = people_store.resolve_person(conn, a)
            b_id = people_store.resolve_person(conn, b)
            me = people_store.me_id(conn)
            if me in (a_id, b_id):
                raise ValidationError("I know all my contacts; `know` is for two of them")
            return records.upsert_acquaintance(
                conn, a_id, b_id, evidence=kind, strength=strength, on=day
            )

    def bulk_add_acquaintances(self, items: Iterable[AcquaintanceInput]) -> int:
        """Many who-knows-whom facts in one transaction (ids, not names); returns how many.

        Each item adds to an existing tie of the same evidence as :meth:`know` does:
        counts add up, first and last seen widen, a given strength replaces the old.
        """
        with self._write() as conn:
            known = set(conn.execute(select(people.c.id)).scalars())
            me = people_store.me_id(conn)
            done = 0
            for item in items:
                for pid in (item.a, item.b):
                    if pid not in known or pid == me:
                        what = "me" if pid == me else f"unknown person id {pid}"
                        raise ValidationError(f"acquaintance {item.a}–{item.b} names {what}")
                records.upsert_acquaintance(
                    conn,
                    item.a,
                    item.b,
                    evidence=parse_enum(Evidence, item.evidence, what="evidence"),
                    strength=item.strength,
                    count=item.count,
                    first_seen=item.first_seen,
                    last_seen=item.last_seen,
                )
                done += 1
            return done

    def acquaintances(self, ref: str | int | None = None) -> list[Acquaintance]:
        with self._read() as conn:
            pid = None if ref is None else people_store.resolve_person(conn, ref)
            return records.acquaintances_of(conn, pid)
