"""Pairs of people said not to be duplicates, so that nothing proposes them again.

A pair is stored once, the lower id first (as who-knows-whom ties are). Every
function takes an open connection; the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, Connection, delete, or_, select, update

from dunbar.errors import ValidationError
from dunbar.store.tables import not_duplicates

__all__ = [
    "dismiss_pair",
    "dismissed_pairs",
    "forget_dismissals",
    "move_dismissals",
    "restore_pair",
]


def _ordered(a: int, b: int) -> tuple[int, int]:
    if a == b:
        raise ValidationError("both names point to the same person")
    return (a, b) if a < b else (b, a)


def dismiss_pair(conn: Connection, a: int, b: int, *, now: dt.datetime) -> bool:
    """Remember that ``a`` and ``b`` are different people; ``False`` if already known."""
    low, high = _ordered(a, b)
    found = conn.execute(
        select(not_duplicates.c.person_a_id).where(
            not_duplicates.c.person_a_id == low, not_duplicates.c.person_b_id == high
        )
    ).first()
    if found is not None:
        return False
    conn.execute(
        not_duplicates.insert().values(person_a_id=low, person_b_id=high, dismissed_at=now)
    )
    return True


def restore_pair(conn: Connection, a: int, b: int) -> bool:
    """Forget a dismissal (the pair may be proposed again); ``False`` if there was none."""
    low, high = _ordered(a, b)
    removed = conn.execute(
        delete(not_duplicates).where(
            not_duplicates.c.person_a_id == low, not_duplicates.c.person_b_id == high
        )
    ).rowcount
    return bool(removed)


def dismissed_pairs(conn: Connection) -> set[tuple[int, int]]:
    """Every dismissed pair, ``(lower id, higher id)``."""
    rows = conn.execute(select(not_duplicates.c.person_a_id, not_duplicates.c.person_b_id))
    return {(int(a), int(b)) for a, b in rows}


def _involving(person_id: int) -> ColumnElement[bool]:
    return or_(not_duplicates.c.person_a_id == person_id, not_duplicates.c.person_b_id == person_id)


def forget_dismissals(conn: Connection, person_id: int) -> int:
    """Delete every dismissal that names ``person_id``; returns how many."""
    return int(conn.execute(delete(not_duplicates).where(_involving(person_id))).rowcount)


def move_dismissals(conn: Connection, keep_id: int, other_id: int) -> None:
    """``other`` is merged into ``keep``: their dismissals become ``keep``'s.

    A dismissal of the pair being merged is dropped (merging says they are one
    person after all), and one ``keep`` already has is not repeated.
    """
    rows = conn.execute(
        select(not_duplicates.c.person_a_id, not_duplicates.c.person_b_id).where(
            _involving(other_id)
        )
    ).all()
    kept = {
        b if a == keep_id else a
        for a, b in conn.execute(
            select(not_duplicates.c.person_a_id, not_duplicates.c.person_b_id).where(
                _involving(keep_id)
            )
        )
    }
    for a, b in rows:
        partner = b if a == other_id else a
        where = (not_duplicates.c.person_a_id == a, not_duplicates.c.person_b_id == b)
        if partner == keep_id or partner in kept:
            conn.execute(delete(not_duplicates).where(*where))
            continue
        low, high = _ordered(keep_id, partner)
        conn.execute(update(not_duplicates).where(*where).values(person_a_id=low, person_b_id=high))
        kept.add(partner)
