"""People's topic documents, and the stored vectors of topic matching.

A person's document (:class:`~dunbar.graph.topics.TopicItem` s) is read from
their labels (``person_labels`` of kind tag, topic, offer), their title, their
organisation's name, and the notes about them (body, and each of the note's
topics). "Me" has no document. Each item has a stable key in the document
(``StoredItem.item``), which is also its key in ``topic_vectors`` (migration
0008). Every function takes an open connection; the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Connection, delete, insert, select, update

from dunbar.graph.topics import TopicItem
from dunbar.store.tables import notes, organisations, people, person_labels, topic_vectors

__all__ = [
    "StoredItem",
    "VectorRow",
    "delete_vectors",
    "documents",
    "forget_redacted_vectors",
    "forget_vectors",
    "insert_vectors",
    "set_vectors",
    "vector_holders",
    "vector_rows",
    "vectors_by_hash",
]

CHUNK = 500


class StoredItem(NamedTuple):
    """An item of a person's document and where it lives in the store.

    (A named tuple: 50,000 people have about 180,000 of them.)
    """

    person_id: int
    item: str
    note_id: int | None
    topic: TopicItem


@dataclass(frozen=True)
class VectorRow:
    """A stored vector's identity (without the vector)."""

    id: int
    person_id: int
    item: str
    text_hash: str


def documents(conn: Connection) -> dict[int, list[StoredItem]]:
    """Everyone's document but me's, keyed by person id; people with no text left out."""
    out: dict[int, list[StoredItem]] = {}
    # Identical labels, titles and organisations share one (immutable) TopicItem.
    shared: dict[tuple[str, str], TopicItem] = {}

    def add(pid: int, item: str, note_id: int | None, topic: TopicItem) -> None:
        items = out.get(pid)
        if items is None:
            items = out[pid] = []
        items.append(StoredItem(pid, item, note_id, topic))

    def label(field: str, text: str) -> TopicItem:
        found = shared.get((field, text))
        if found is None:
            found = shared[(field, text)] = TopicItem(field, text)
        return found

    not_me = select(people.c.id).where(people.c.is_me.is_(False))
    labels = (
        select(
            person_labels.c.person_id,
            person_labels.c.kind,
            person_labels.c.value,
            person_labels.c.value_key,
        )
        .where(person_labels.c.kind.in_(("tag", "topic", "offer")))
        .where(person_labels.c.person_id.in_(not_me))
        .order_by(person_labels.c.person_id, person_labels.c.kind, person_labels.c.value_key)
    )
    for pid, kind, value, key in conn.execute(labels).all():
        add(pid, f"{kind}:{key}", None, label(kind, value))
    fields = (
        select(people.c.id, people.c.title, organisations.c.name)
        .select_from(people.outerjoin(organisations, people.c.org_id == organisations.c.id))
        .where(people.c.is_me.is_(False))
        .where((people.c.title.is_not(None)) | (people.c.org_id.is_not(None)))
        .order_by(people.c.id)
    )
    for pid, title, org in conn.execute(fields).all():
        if title and title.strip():
            add(pid, "title", None, label("title", title))
        if org and org.strip():
            add(pid, "organisation", None, label("organisation", org))
    about = (
        select(notes.c.id, notes.c.person_id, notes.c.body, notes.c.topics, notes.c.written_at)
        .where(notes.c.person_id.in_(not_me))
        .order_by(notes.c.person_id, notes.c.id)
    )
    for nid, pid, body, topics, written in conn.execute(about).all():
        day = _day(written)
        if body and body.strip():
            add(pid, f"note:{nid}", nid, TopicItem("note", body, day))
        for n, topic in enumerate(topics or []):
            if isinstance(topic, str) and topic.strip():
                add(pid, f"note_topic:{nid}:{n}", nid, TopicItem("note_topic", topic, day))
    return out


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def vector_rows(conn: Connection, model: str) -> dict[tuple[int, str], VectorRow]:
    """Every stored vector's key and text hash for ``model``: ``(person, item) -> row``."""
    query = select(
        topic_vectors.c.id,
        topic_vectors.c.person_id,
        topic_vectors.c.item,
        topic_vectors.c.text_hash,
    ).where(topic_vectors.c.model == model)
    return {(r.person_id, r.item): VectorRow(*r) for r in conn.execute(query)}


def vectors_by_hash(conn: Connection, model: str, dim: int) -> dict[str, bytes]:
    """Every stored vector of ``model`` and ``dim``, keyed by the hash of its text.

    One row per distinct text holds the vector (the same tag on many people is
    stored once), so each is read once.
    """
    query = select(topic_vectors.c.text_hash, topic_vectors.c.vector).where(
        topic_vectors.c.model == model,
        topic_vectors.c.dim == dim,
        topic_vectors.c.vector.is_not(None),
    )
    return {h: bytes(blob) for h, blob in conn.execute(query).all()}


def vector_holders(
    conn: Connection, model: str, dim: int, hashes: Iterable[str]
) -> dict[str, tuple[int, bytes]]:
    """For each of ``hashes`` that has a stored vector: the row holding it, and the vector."""
    wanted = sorted(set(hashes))
    out: dict[str, tuple[int, bytes]] = {}
    query = select(topic_vectors.c.id, topic_vectors.c.text_hash, topic_vectors.c.vector).where(
        topic_vectors.c.model == model,
        topic_vectors.c.dim == dim,
        topic_vectors.c.vector.is_not(None),
    )
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        for rid, h, blob in conn.execute(query.where(topic_vectors.c.text_hash.in_(chunk))):
            out.setdefault(h, (rid, bytes(blob)))
    return out


def insert_vectors(
    conn: Connection,
    rows: Sequence[tuple[StoredItem, str, bytes | None]],
    *,
    model: str,
    dim: int,
) -> int:
    """Store ``(item, text hash, vector bytes or None)`` rows; returns how many.

    ``None``: the vector of that text is held by another row.
    """
    values = [
        {
            "person_id": item.person_id,
            "note_id": item.note_id,
            "owner": "note" if item.note_id is not None else "person",
            "item": item.item,
            "model": model,
            "text_hash": h,
            "dim": dim,
            "vector": blob,
        }
        for item, h, blob in rows
    ]
    for start in range(0, len(values), CHUNK):
        conn.execute(insert(topic_vectors), values[start : start + CHUNK])
    return len(values)


def set_vectors(conn: Connection, rows: Sequence[tuple[int, bytes]]) -> None:
    """Give existing rows (by id) the vector of their text."""
    for rid, blob in rows:
        conn.execute(update(topic_vectors).where(topic_vectors.c.id == rid).values(vector=blob))


def delete_vectors(conn: Connection, ids: Iterable[int]) -> int:
    """Delete stored vectors by id; returns how many."""
    wanted = sorted(set(ids))
    removed = 0
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        removed += conn.execute(delete(topic_vectors).where(topic_vectors.c.id.in_(chunk))).rowcount
    return removed


def forget_vectors(conn: Connection, person_id: int) -> int:
    """Delete a person's vectors (the foreign keys cascade too; this counts them)."""
    removed = conn.execute(delete(topic_vectors).where(topic_vectors.c.person_id == person_id))
    return int(removed.rowcount)


def forget_redacted_vectors(conn: Connection, *, marker: str) -> int:
    """Delete the vectors of every note whose body holds the redaction ``marker``.

    ``forget`` redacts a forgotten person's name from notes about others in
    place; their old vectors were made from the unredacted text, so they go too
    (the next ``dunbar topics index`` embeds the redacted text). Call it after
    the redaction.
    """
    redacted = select(notes.c.id).where(notes.c.body.contains(marker, autoescape=True))
    removed = conn.execute(delete(topic_vectors).where(topic_vectors.c.note_id.in_(redacted)))
    return int(removed.rowcount)
