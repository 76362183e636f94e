"""Keeping the tie-tally cache honest: dropping the tallies a write makes stale.

Light on purpose (no numpy): every encounter writer imports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy import Connection, delete, text

from dunbar.store.tables import tie_tallies

__all__ = ["CHUNK", "chunks", "forget_tallies", "lock_for_filling"]

CHUNK = 500


def chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    """``ids`` in lists short enough for any driver's parameter limit."""
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def forget_tallies(conn: Connection, person_ids: Iterable[int] | None = None) -> None:
    """Drop the tallies of ``person_ids`` (all of them with ``None``)."""
    if person_ids is None:
        conn.execute(delete(tie_tallies))
        return
    for chunk in chunks(sorted(set(person_ids))):
        conn.execute(delete(tie_tallies).where(tie_tallies.c.person_id.in_(chunk)))


def lock_for_filling(conn: Connection) -> None:
    """Keep encounter writers out while tallies are read and saved (PostgreSQL).

    Every writer that changes what a tally sums deletes tally rows in its own
    transaction, which needs ROW EXCLUSIVE on ``tie_tallies``; SHARE ROW
    EXCLUSIVE makes it wait for this transaction, and this transaction wait for
    it. On SQLite the write transaction (``BEGIN IMMEDIATE``) already excludes
    every other writer.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE tie_tallies IN SHARE ROW EXCLUSIVE MODE"))
