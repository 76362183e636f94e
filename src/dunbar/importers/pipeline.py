"""The import pipeline: read → parse → normalise → match → decide → apply.

Each stage is a named step with one job (the beets importer's shape):

``read``
    open the file (through gzip or zip; a tar archive is read like a folder),
    bounded; recognise its format
    (:mod:`.formats`). Every file is read and recognised before anything is
    written, so a file that is not the declared format stops the import at once.
``parse``
    the format's parser yields records (:mod:`.records`): people, encounters,
    ties, and a :class:`~.records.Rejection` for each record it cannot read.
``normalise``
    canonical identities and fields (:mod:`.normalise`); bad values are dropped
    with a warning, a record with nothing usable is rejected.
``match``
    provenance (this very record was imported before), then exact identity, then
    fuzzy name plus another signal (:mod:`.matching`).
``decide``
    exact matches merge by themselves; fuzzy ones go to the :class:`~.plan.Decider`
    (by default: create and propose, never merge).
``apply``
    write each batch of ``batch_size`` records in one transaction
    (:mod:`.apply`). A crash loses at most the open batch; a re-run recognises
    what was written and finishes the job without duplicates.

An encounter is known by its ``source_ref``: one already stored is left alone
if the file says the same about it, and updated if the file changed (its
digest differs; :mod:`.apply`). Within one import (all its files), the first
record of a ``source_ref`` wins, and later ones count as known.

``dry_run`` runs every stage but ``apply`` and reports what would be created,
updated, merged, proposed and rejected, encounters included. Nothing is written.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import Connection

from dunbar.importers import worker
from dunbar.importers.apply import apply_batch, stored_digests
from dunbar.importers.formats import FORMATS, SNIFF_BYTES, Folder, Format, ParseOptions, detect
from dunbar.importers.matching import Proposal
from dunbar.importers.normalise import normalise_encounter, normalise_person
from dunbar.importers.plan import Batch, Decider, Planner, ProposeOnly, load_index
from dunbar.importers.records import (
    AcquaintanceRecord,
    EncounterRecord,
    FormatError,
    Parsed,
    PersonRecord,
    Rejection,
    Skipped,
    Warning_,
)
from dunbar.importers.textio import SourceStream, is_tar, open_source, tar_members
from dunbar.importers.worker import Prepared
from dunbar.normalise import name_key
from dunbar.store import provenance as prov_store
from dunbar.store.dismissals import dismissed_pairs

__all__ = ["STAGES", "Change", "FileReport", "ImportReport", "ImportSession", "Progress", "Store"]

STAGES = ("read", "parse", "normalise", "match", "decide", "apply")

Progress = Callable[[str, int, int, int], None]
"""``progress(file, records, bytes_done, bytes_total)``, called as records are read."""


@dataclass
class Store:
    """How the pipeline reaches the ledger: transactions and the ledger's clock."""

    write: Callable[[], AbstractContextManager[Connection]]
    read: Callable[[], AbstractContextManager[Connection]]
    now: Callable[[], dt.datetime]


@dataclass(frozen=True)
class Change:
    """One person the import creates, updates or merges into (``person_id < 0``: a
    person a dry run would create), and where the (first) record was read."""

    kind: str
    person_id: int
    name: str
    where: str


@dataclass
class FileReport:
    """What one file did (or, in a dry run, would do) to the ledger."""

    file: str
    format: str
    records: int = 0
    created: int = 0
    updated: int = 0
    merged: int = 0
    unchanged: int = 0
    skipped: int = 0
    filtered: dict[str, int] = field(default_factory=dict)
    """Records left out on purpose (mailing-list mail, say): how many, by reason."""
    encounters_added: int = 0
    encounters_existing: int = 0
    """Encounters already stored that the file says the same about (or repeats)."""
    encounters_updated: int = 0
    """Encounters already stored that the file now says something else about:
    updated in place (same id)."""
    acquaintances: int = 0
    proposed: list[Proposal] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    error: str | None = None


@dataclass
class ImportReport:
    dry_run: bool
    files: list[FileReport] = field(default_factory=list)
    skipped: list[Rejection] = field(default_factory=list)
    """Files in a folder that were not in a format dunbar reads, and why."""

    def total(self, attr: str) -> int:
        return sum(
            len(v) if isinstance(v := getattr(f, attr), list) else int(v or 0) for f in self.files
        )

    @property
    def people(self) -> int:
        """People created across all files."""
        return self.total("created")


class ImportSession:
    """One import of one or more files into a ledger."""

    def __init__(
        self,
        store: Store,
        *,
        decider: Decider | None = None,
        dry_run: bool = False,
        region: str | None = None,
        me_ids: Iterable[str] = (),
        gap_minutes: float = 5.0,
        prefix: str | None = None,
        start: float | None = None,
        batch_size: int = 2_000,
        progress: Progress | None = None,
        max_recipients: int = 10,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.max_recipients = max_recipients
        self.store = store
        self.decider = decider or ProposeOnly()
        self.dry_run = dry_run
        self.region = region
        self.me_ids = {str(i) for i in me_ids}
        self.gap_minutes = gap_minutes
        self.prefix = prefix
        self.start = start
        self.batch_size = batch_size
        self.progress = progress
        self._seen_refs: set[tuple[str, str]] = set()
        """The encounter refs this run has planned so far, by source (every file)."""

    # --- read -------------------------------------------------------------------------

    def recognise(
        self, paths: Sequence[Path], declared: str = "auto"
    ) -> tuple[list[tuple[Path, Format]], list[Rejection]]:
        """The read stage for every file, before anything is written.

        A file named on its own must be in the declared (or a recognised) format,
        or :class:`FormatError` stops the import. A folder (a LinkedIn export, say)
        or a tar archive contributes the files in it that are recognised; the
        others are listed as skipped.
        """
        chosen: list[tuple[Path, Format]] = []
        skipped: list[Rejection] = []
        for path in paths:
            heads: dict[str, bytes] = {}
            if path.is_dir():
                inners = self._folder(path, declared, chosen, skipped)
            elif is_tar(path):  # like a folder: ARCHIVE/NAME, read in place, never unpacked
                heads = dict(tar_members(path, head=SNIFF_BYTES))
                inners = sorted(path / name for name in heads)
            else:
                chosen.append((path, self._sniff(path, declared)))
                continue
            for inner in inners:
                try:
                    if heads:
                        head = heads[inner.relative_to(path).as_posix()]
                        chosen.append((inner, detect(head, inner, declared)))
                    else:
                        chosen.append((inner, self._sniff(inner, declared)))
                except FormatError as exc:
                    skipped.append(Rejection(str(inner), str(inner), str(exc)))
        return chosen, skipped

    @staticmethod
    def _folder(
        root: Path, declared: str, chosen: list[tuple[Path, Format]], skipped: list[Rejection]
    ) -> list[Path]:
        """The files of a folder to recognise one by one, sorted, hidden ones left out.

        A folder that a folder format recognises (a Maildir) is one source and its
        files are not listed; nor are those of the Maildirs found inside ``root``.
        A folder named with ``--format maildir`` must be or hold a Maildir.
        """
        kinds = [f for f in FORMATS.values() if f.folder is not None]
        files: list[Path] = []
        found = False
        for top, dirs, names in os.walk(root):
            here = Path(top)
            kind = next((f for f in kinds if f.folder is not None and f.folder(here)), None)
            if kind is not None:
                dirs.clear()
                found = found or declared in ("auto", kind.name)
                if declared in ("auto", kind.name):
                    chosen.append((here, kind))
                else:
                    reason = f"{here} is {kind.describe}, not {FORMATS[declared].describe}"
                    skipped.append(Rejection(str(here), str(here), reason))
                continue
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            files.extend(here / n for n in names if not n.startswith("."))
        wanted = FORMATS.get(declared)
        if wanted is not None and wanted.folder is not None and not found:
            raise FormatError(f"{root} is not {wanted.describe}, nor does it hold one")
        return sorted(p for p in files if p.is_file())

    @staticmethod
    def _sniff(path: Path, declared: str) -> Format:
        source = open_source(path)
        try:
            head = source.stream.read(SNIFF_BYTES)
        finally:
            source.close()
        return detect(head, path, declared)

    def run(self, paths: Sequence[str | Path], *, format: str = "auto") -> ImportReport:
        chosen, skipped = self.recognise([Path(p).expanduser() for p in paths], format)
        with self.store.read() as conn:
            index, me_id = load_index(conn)
            dismissed = dismissed_pairs(conn)
        planner = Planner(
            index, me_id=me_id, decider=self.decider, known=self._known, dismissed=dismissed
        )
        report = ImportReport(self.dry_run, skipped=skipped)
        self._seen_refs.clear()
        for path, fmt in chosen:
            report.files.append(self._one(path, fmt, planner))
        return report

    def _known(self, source: str) -> prov_store.Known:
        with self.store.read() as conn:
            return prov_store.known_refs(conn, source)

    # --- parse, normalise, match, decide (per record) and apply (per batch) ------------

    def _one(self, path: Path, fmt: Format, planner: Planner) -> FileReport:
        report = FileReport(str(path), fmt.name)
        me = planner.index.people.get(planner.me_id)
        options = ParseOptions(
            file=str(path),
            me_names={name_key(me.name)} if me else set(),
            me_emails={v for k, v in planner.index.owned.get(planner.me_id, []) if k == "email"}
            | {i.strip().lower() for i in self.me_ids if "@" in i},
            now=self.store.now(),
            me_ids=self.me_ids,
            gap_minutes=self.gap_minutes,
            prefix=self.prefix,
            start=self.start,
            max_recipients=self.max_recipients,
        )
        source: SourceStream | Folder
        source = Folder(path) if fmt.read_folder is not None else open_source(path)
        pending = 0
        seen_refs = self._seen_refs
        repeats: dict[str, int] = {}
        items: Iterator[tuple[Parsed | Prepared, int | None]]
        if isinstance(source, Folder):
            assert fmt.read_folder is not None
            items = ((item, None) for item in fmt.read_folder(source, options))
        elif fmt.name in worker.PARALLEL_FORMATS and source.size >= worker.PARALLEL_BYTES:
            items = worker.parse_in_worker(path, fmt.name, options, region=self.region)
        elif fmt.name == "mbox" and source.size >= worker.PARALLEL_BYTES:
            items = worker.read_mbox_in_worker(path, options)
        else:
            items = ((item, None) for item in fmt.parse(source.stream, options))
        try:
            for item, position in items:
                if isinstance(item, Rejection):
                    report.rejected.append(item)
                    continue
                if isinstance(item, Warning_):
                    report.warnings.append(item)
                    continue
                if isinstance(item, Skipped):
                    n = report.filtered[item.reason] = report.filtered.get(item.reason, 0) + 1
                    if self.progress is not None and n % 200 == 0:
                        done = source.position if position is None else position
                        self.progress(str(path), report.records, done, source.size)
                    continue
                report.records += 1
                pending += 1
                if isinstance(item, PersonRecord | Prepared):  # a ref names one record
                    ref = item.ref if isinstance(item, Prepared) else item.origin.ref
                    n = repeats[ref] = repeats.get(ref, 0) + 1
                    record = item.clean if isinstance(item, Prepared) else item
                    if n > 1 and isinstance(record, PersonRecord):
                        record.origin = replace(record.origin, ref=f"{ref}#{n}")
                if isinstance(item, Prepared):  # parsed and normalised by the worker
                    self._person(item.clean, item.warnings, fmt.source, planner, report)
                else:
                    self._plan(item, fmt.source, planner, report)
                if pending >= self.batch_size:
                    self._flush(planner, fmt.source, report, seen_refs)
                    pending = 0
                if self.progress is not None and report.records % 200 == 0:
                    done = source.position if position is None else position
                    self.progress(str(path), report.records, done, source.size)
            self._flush(planner, fmt.source, report, seen_refs)
        except FormatError as exc:
            planner.take()
            report.error = str(exc)
        finally:
            source.close()
        if self.progress is not None:
            self.progress(str(path), report.records, source.size, source.size)
        return report

    def _plan(
        self,
        item: PersonRecord | EncounterRecord | AcquaintanceRecord,
        source: str,
        planner: Planner,
        report: FileReport,
    ) -> None:
        now = self.store.now()
        if isinstance(item, PersonRecord):
            self._person(*normalise_person(item, region=self.region), source, planner, report)
            return
        if isinstance(item, EncounterRecord):
            enc, notes = normalise_encounter(item, now=now, region=self.region)
            report.warnings.extend(notes)
            if isinstance(enc, Rejection):
                report.rejected.append(enc)
                return
            reason = planner.encounter(source, enc)
        else:
            reason = None
            for person in (item.a, item.b):
                clean, notes = normalise_person(person, region=self.region)
                report.warnings.extend(notes)
                if isinstance(clean, Rejection):
                    reason = clean.reason
            if reason is None:
                reason = planner.acquaintance(source, item)
        if reason is not None:
            report.rejected.append(Rejection(item.origin.file, item.origin.where(), reason))

    @staticmethod
    def _person(
        clean: PersonRecord | Rejection,
        notes: list[Warning_],
        source: str,
        planner: Planner,
        report: FileReport,
    ) -> None:
        """Match and decide a normalised person record (or report its rejection)."""
        report.warnings.extend(notes)
        if isinstance(clean, Rejection):
            report.rejected.append(clean)
        else:
            planner.person(source, clean)

    def _flush(
        self, planner: Planner, source: str, report: FileReport, seen_refs: set[tuple[str, str]]
    ) -> None:
        batch = planner.take()
        self._count(batch, report, planner)
        # The first record of a ref in this run is the one written; a later one (in
        # another batch or file) would otherwise update it back and forth on every run.
        first: list[tuple[EncounterRecord, list[int]]] = []
        for enc, ids in batch.encounters:
            key = (source, enc.source_ref)
            if key in seen_refs:
                report.encounters_existing += 1
            else:
                seen_refs.add(key)
                first.append((enc, ids))
        batch.encounters = first
        if self.dry_run:
            refs = [r.source_ref for r, _ in first]
            with self.store.read() as conn:
                stored = stored_digests(conn, source, refs)
            for enc, _ in first:
                ref = enc.source_ref
                if ref not in stored:
                    report.encounters_added += 1
                elif stored[ref] is None or stored[ref] == enc.digest():
                    report.encounters_existing += 1
                else:
                    report.encounters_updated += 1
            report.acquaintances += len(batch.acquaintances)
            report.proposed.extend(batch.proposals)
            return
        with self.store.write() as conn:
            applied = apply_batch(conn, batch, source=source, now=self.store.now())
        known = planner.known(source)
        for temp, new_id in applied.created.items():
            planner.index.rename(temp, new_id)
        for plan in batch.people.values():  # only this batch's records name pending people
            real_id = applied.created.get(plan.person_id)
            if real_id is None:
                continue
            for record in plan.records:
                entry = known.get(record.origin.ref)
                if entry is not None and entry[0] == plan.person_id:
                    known[record.origin.ref] = (real_id, entry[1])
        report.encounters_added += applied.encounters_added
        report.encounters_existing += applied.encounters_existing
        report.encounters_updated += applied.encounters_updated
        report.acquaintances += applied.acquaintances

        def real(pid: int) -> int:
            return applied.created.get(pid, pid)

        for p in batch.proposals:
            report.proposed.append(
                Proposal(real(p.a), real(p.b), p.a_name, p.b_name, p.score, p.reasons)
            )
        if applied.created:
            report.changes[-len(batch.people) :] = [
                Change(c.kind, real(c.person_id), c.name, c.where)
                for c in report.changes[-len(batch.people) :]
            ]

    @staticmethod
    def _count(batch: Batch, report: FileReport, planner: Planner) -> None:
        report.unchanged += batch.unchanged
        report.skipped += batch.skipped
        report.warnings.extend(batch.warnings)
        for plan in batch.people.values():
            known = planner.index.people.get(plan.person_id)
            name = known.name if known is not None else plan.records[0].name
            where = plan.records[0].origin.where()
            report.changes.append(Change(plan.kind, plan.person_id, name, where))
            if plan.kind == "create":
                report.created += 1
            elif plan.kind == "update":
                report.updated += 1
            else:
                report.merged += 1
