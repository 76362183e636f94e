"""Importing files, duplicate proposals, provenance and vCard export."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from dunbar.errors import ValidationError
from dunbar.facade.base import LedgerBase
from dunbar.store import people as people_store

if TYPE_CHECKING:
    from pathlib import Path

    from dunbar.importers.matching import Proposal
    from dunbar.importers.pipeline import ImportReport, Progress
    from dunbar.importers.plan import Decider
    from dunbar.store.provenance import Source

__all__ = ["ImportsMixin"]


class ImportsMixin(LedgerBase):
    """Importing files, duplicate proposals, provenance and vCard export."""

    def import_files(
        self,
        paths: Sequence[str | Path],
        *,
        format: str = "auto",
        dry_run: bool = False,
        decider: Decider | None = None,
        region: str | None = None,
        me_ids: Iterable[str] = (),
        gap_minutes: float = 5.0,
        prefix: str | None = None,
        start: float | None = None,
        batch_size: int = 2_000,
        progress: Progress | None = None,
        max_recipients: int = 10,
    ) -> ImportReport:
        """Import files (vCard, iCalendar, LinkedIn, Google, CSV, mbox, Maildir): see
        :mod:`dunbar.importers`.

        Email: ``me_ids`` may also name my addresses (besides the "me" person's);
        a message to more than ``max_recipients`` people is bulk.

        Idempotent; ``dry_run`` writes nothing. Exact identities merge, fuzzy
        matches are proposed (or put to ``decider``). Rejected records are in the
        report; a file in the wrong format raises :class:`FormatError` first.
        """
        from dunbar.importers.pipeline import ImportSession, Store

        if gap_minutes < 0:
            raise ValidationError("gap minutes must be zero or more")
        if max_recipients < 1:
            raise ValidationError("max recipients must be at least 1")
        session = ImportSession(
            Store(write=self._write, read=self._read, now=self.now),
            decider=decider,
            dry_run=dry_run,
            region=region,
            me_ids=me_ids,
            gap_minutes=gap_minutes,
            prefix=prefix,
            start=start,
            batch_size=batch_size,
            progress=progress,
            max_recipients=max_recipients,
        )
        with self._guard():
            return session.run(paths, format=format)

    def duplicates(self, *, limit: int | None = None) -> list[Proposal]:
        """Likely duplicate people across the whole ledger, best first, with reasons."""
        from dunbar.importers.matching import find_duplicates
        from dunbar.importers.plan import load_index
        from dunbar.store.dismissals import dismissed_pairs

        with self._read() as conn:
            index, me_id = load_index(conn)
            dismissed = dismissed_pairs(conn)
        people_ = [c for pid, c in index.people.items() if pid != me_id]
        return find_duplicates(people_, limit=limit, dismissed=dismissed)

    def not_duplicates(self, a: str | int, b: str | int, *, undo: bool = False) -> bool:
        """Say that ``a`` and ``b`` are different people, so that neither
        :meth:`duplicates` nor an import proposes the pair again.

        ``undo`` takes that back. Returns whether anything changed (``False`` if
        the pair was already dismissed, or with ``undo``, was not).
        """
        from dunbar.store import dismissals

        with self._write() as conn:
            a_id = people_store.resolve_person(conn, a)
            b_id = people_store.resolve_person(conn, b)
            if undo:
                return dismissals.restore_pair(conn, a_id, b_id)
            return dismissals.dismiss_pair(conn, a_id, b_id, now=self.now())

    def sources(self, ref: str | int) -> list[Source]:
        """Where what we know of a person came from: source, file, line or UID."""
        from dunbar.store.provenance import sources_of

        with self._read() as conn:
            return sources_of(conn, people_store.resolve_person(conn, ref))

    def export_vcard(self) -> str:
        """Everyone but me as vCard 4.0 (one ``.vcf`` text), ordered by name."""
        from dunbar.exporters.vcard import people_to_vcard

        with self._read() as conn:
            ids = [s.id for s in people_store.list_people(conn)]
            return people_to_vcard(people_store.load_person(conn, pid) for pid in ids)
