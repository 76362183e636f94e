"""Who knows about a topic: topic matching over the ledger.

The pure matcher is :mod:`dunbar.graph.topics`; this mixin reads everyone's
document from the store (:mod:`dunbar.store.topics`) and, with the
``[semantic]`` extra (:mod:`dunbar.semantic`), adds the stored sentence vectors.

A semantic query embeds only the query text. Each item's vector is looked up by
the hash of its current text, so an edited label or note is never matched by
its old vector; items with no stored vector are embedded on the fly when there
are at most :data:`ON_THE_FLY` distinct texts of them, and otherwise matched by
their words only, with a note that says to run ``dunbar topics index``. In
``auto`` mode a ledger that was never indexed (and is bigger than that) is
matched by words without loading the model at all, and the note says so.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from dunbar.errors import ValidationError
from dunbar.facade.base import LedgerBase

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from dunbar.graph.topics import TopicMatch
    from dunbar.semantic import Embedder
    from dunbar.store.topics import StoredItem

__all__ = ["IndexReport", "TopicResult", "TopicsMixin"]

Mode = Literal["auto", "lexical", "semantic"]
Progress = Callable[[str, int, int], None]
"""``progress(step, done, total)``: called while texts are embedded."""

ON_THE_FLY = 256
"""At most this many distinct unindexed texts are embedded during a query."""


@dataclass(frozen=True)
class TopicResult:
    """People who match a topic, and how they were matched.

    ``mode_used`` is ``"lexical"`` (words only) or ``"semantic"`` (words and
    meaning); ``note`` says why matching fell back to words, or what is not
    indexed yet.
    """

    query: str
    mode_used: str
    note: str | None
    matches: list[TopicMatch] = field(default_factory=list)

    def explain(self) -> str:
        how = "by words and meaning" if self.mode_used == "semantic" else "by words only"
        text = f"{len(self.matches)} people match {self.query!r} ({how})"
        return text + (f"; {self.note}" if self.note else "")


@dataclass(frozen=True)
class IndexReport:
    """What ``index_topics`` did.

    ``embedded``: distinct texts embedded by the model; ``reused``: items whose
    vector came from the store (their own, or a stored vector of the same text);
    ``removed``: rows of items that no longer exist.
    """

    embedded: int
    reused: int
    removed: int
    seconds: float
    model: str = ""

    def explain(self) -> str:
        return (
            f"embedded {self.embedded} texts, reused {self.reused} stored vectors, "
            f"removed {self.removed} stale or orphaned ones in {self.seconds:.1f} s"
        )


class TopicsMixin(LedgerBase):
    """``topic_matches`` and ``index_topics``."""

    _embedder_override: Embedder | None = None

    def _embedder(self) -> Embedder:
        if self._embedder_override is not None:
            return self._embedder_override
        from dunbar.semantic import load_embedder

        return load_embedder()

    def topic_matches(
        self, query: str, *, limit: int | None = 20, mode: Mode | str = "auto"
    ) -> TopicResult:
        """People who know about ``query``, best first (see :mod:`dunbar.graph.topics`).

        ``mode="auto"`` uses the semantic extra when it is installed and words
        only otherwise (and says so in ``note``); ``"semantic"`` raises a
        UsageError when the extra is missing; ``"lexical"`` never loads a model.
        """
        from dunbar.graph.topics import TopicIndex, query_tokens
        from dunbar.semantic import unavailable_reason
        from dunbar.store import topics as topics_store

        if mode not in ("auto", "lexical", "semantic"):
            raise ValidationError(
                f"unknown matching mode {mode!r}: choose auto, lexical or semantic", field="mode"
            )
        query_tokens(query)  # an empty query fails before anything is read
        if limit is not None and limit < 1:
            raise ValidationError("limit must be at least 1", field="limit")
        reason = None if self._embedder_override is not None else unavailable_reason()
        if mode == "semantic" and reason is not None:
            from dunbar.semantic import SemanticUnavailableError

            raise SemanticUnavailableError(reason)
        with self._read() as conn, _paused_gc():
            stored = topics_store.documents(conn)
            docs = {pid: [s.topic for s in items] for pid, items in stored.items()}
            index = TopicIndex(docs)
            if mode == "lexical" or reason is not None:
                note = None if mode == "lexical" else f"{reason}; matched words only"
                return TopicResult(query, "lexical", note, index.search(query, limit=limit))
            if mode == "auto" and self._embedder_override is None and _unindexed(conn, stored):
                # Loading the model (seconds) would only embed the query: say what to run.
                note = (
                    "semantic matching needs an index of this ledger: run 'dunbar topics "
                    "index'; matched words only"
                )
                return TopicResult(query, "lexical", note, index.search(query, limit=limit))
            semantic, note = self._cosines(conn, query, stored)
        return TopicResult(
            query, "semantic", note, index.search(query, semantic=semantic, limit=limit)
        )

    def _cosines(
        self, conn: Connection, query: str, stored: dict[int, list[StoredItem]]
    ) -> tuple[dict[int, list[float]], str | None]:
        """Each item's cosine similarity to the query, from the stored vectors."""
        import numpy as np

        from dunbar.graph.topics import SEMANTIC_FLOOR
        from dunbar.semantic import embed, text_hash, unpack
        from dunbar.store import topics as topics_store

        model = self._embedder()
        memo: dict[str, str] = {}

        def hash_of(text: str) -> str:
            h = memo.get(text)
            if h is None:
                h = memo[text] = text_hash(text)
            return h

        hashes = {pid: [hash_of(s.topic.text) for s in items] for pid, items in stored.items()}
        found = topics_store.vectors_by_hash(conn, model.name, model.dim)
        # memo maps each distinct text to its hash: the texts with no vector stored.
        texts = {h: text for text, h in memo.items() if h not in found}
        note = None
        keys = list(found)
        matrix = unpack([found[h] for h in keys], model.dim)
        if texts and len(texts) <= ON_THE_FLY:
            missing = list(texts)
            fresh = embed([texts[h] for h in missing], embedder=model)
            keys += missing
            matrix = np.vstack([matrix, fresh])
        elif texts:
            note = (
                f"{len(texts)} texts are not indexed yet and were matched by their words "
                "only: run 'dunbar topics index'"
            )
        q = embed([query], embedder=model)[0]
        sims = matrix @ q if len(keys) else np.empty(0, dtype=np.float32)
        # Only texts above the floor count; only their owners get a semantic part.
        hot = {keys[i]: float(sims[i]) for i in np.flatnonzero(sims > SEMANTIC_FLOOR)}
        out: dict[int, list[float]] = {}
        for pid, hs in hashes.items():
            if not hot.keys().isdisjoint(hs):
                out[pid] = [hot.get(h, 0.0) for h in hs]
        return out, note

    def index_topics(self, *, progress: Progress | None = None) -> IndexReport:
        """Embed every text topic matching uses that has no current stored vector.

        A stored vector whose text changed is replaced, one whose item is gone is
        removed, and identical texts are embedded once and stored once (the other
        rows of the same text hold only its hash). Embedding happens outside the
        write transaction, which only swaps the rows.
        """
        from dunbar.semantic import embed, pack, text_hash
        from dunbar.store import topics as topics_store

        started = time.perf_counter()
        model = self._embedder()
        with self._read() as conn, _paused_gc():
            stored = topics_store.documents(conn)
            rows = topics_store.vector_rows(conn, model.name)
        keep: dict[int, str] = {}  # row id -> hash, for rows that stay as they are
        todo: list[tuple[StoredItem, str]] = []  # items that need a new row
        memo: dict[str, str] = {}
        for items in stored.values():
            for s in items:
                h = memo.get(s.topic.text)
                if h is None:
                    h = memo[s.topic.text] = text_hash(s.topic.text)
                row = rows.get((s.person_id, s.item))
                if row is not None and row.text_hash == h:
                    keep[row.id] = h
                else:
                    todo.append((s, h))
        drop = {r.id for r in rows.values() if r.id not in keep}
        gone = len(drop) - sum(1 for s, _ in todo if (s.person_id, s.item) in rows)
        with self._read() as conn:
            holders = topics_store.vector_holders(conn, model.name, model.dim, memo.values())
        # One row per distinct text holds its vector. Texts with no holder are
        # embedded; a holder that is dropped hands its vector to a remaining row.
        available = {h: blob for h, (_, blob) in holders.items()}
        text_of = {h: text for text, h in memo.items()}
        texts = {h: text_of[h] for h in memo.values() if h not in available}
        if texts:
            order = list(texts)
            vectors = embed([texts[h] for h in order], embedder=model, progress=progress)
            available.update({h: pack(v) for h, v in zip(order, vectors, strict=True)})
        rehome = set(texts) | {h for h, (rid, _) in holders.items() if rid in drop}
        new_rows: list[tuple[StoredItem, str, bytes | None]] = []
        for s, h in todo:
            blob = available[h] if h in rehome else None
            rehome.discard(h)
            new_rows.append((s, h, blob))
        moved = []
        for rid, h in keep.items():
            if h in rehome:
                moved.append((rid, available[h]))
                rehome.discard(h)
        with self._write() as conn:
            topics_store.delete_vectors(conn, drop)
            topics_store.insert_vectors(conn, new_rows, model=model.name, dim=model.dim)
            topics_store.set_vectors(conn, moved)
        total = len(keep) + len(todo)
        fresh = sum(1 for _, h in todo if h in texts) + sum(1 for h in keep.values() if h in texts)
        return IndexReport(
            embedded=len(texts),
            reused=total - fresh,
            removed=gone,
            seconds=time.perf_counter() - started,
            model=model.name,
        )


def _unindexed(conn: Connection, stored: dict[int, list[StoredItem]]) -> bool:
    """No vector stored yet, and more distinct texts than a query embeds on the fly."""
    from sqlalchemy import select

    from dunbar.store.tables import topic_vectors

    if conn.execute(select(topic_vectors.c.id).limit(1)).first() is not None:
        return False
    return len({s.topic.text for items in stored.values() for s in items}) > ON_THE_FLY


@contextmanager
def _paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while documents are read.

    50,000 people's documents are about 180,000 small objects, none of them in a
    cycle; the collections their allocation triggers took half the time of
    reading them (0.51 s against 0.89–1.07 s, measured on the benchmark's
    50,000-person ledger).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
