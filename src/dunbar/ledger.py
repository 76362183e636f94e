"""The facade: the one API that the CLI, the web app and library users call.

>>> from dunbar import Ledger
>>> ledger = Ledger.init(":memory:", me="Rosa Díaz")      # doctest: +SKIP
>>> ana = ledger.add_person("Ana Silva", emails=["ana@example.com"])  # doctest: +SKIP
>>> ledger.log("Coffee", with_=["ana@example.com"], channel="in-person")  # doctest: +SKIP

Every write method is one transaction: it completes, or it leaves the ledger
exactly as it was. Every failure the user can cause raises a
:class:`~dunbar.errors.DunbarError`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, or_, select

from dunbar.errors import (
    DatabaseError,
    NoLedgerError,
    ValidationError,
)
from dunbar.facade.base import Clock, LedgerBase, utcnow
from dunbar.facade.calibration import CalibrationMixin
from dunbar.facade.credentials import CredentialsMixin
from dunbar.facade.gathering_plans import PlansMixin
from dunbar.facade.imports import ImportsMixin
from dunbar.facade.insights import InsightsMixin
from dunbar.facade.listing import ListingMixin
from dunbar.facade.records import RecordsMixin
from dunbar.facade.topics import TopicsMixin
from dunbar.facade.value import ValueMixin
from dunbar.model import (
    Acquaintance,
    Channel,
    Encounter,
    Favour,
    FollowUp,
    IdentityKind,
    Initiative,
    Introduction,
    LabelKind,
    Note,
    Organisation,
    Person,
    PersonSummary,
)
from dunbar.normalise import (
    classify_identity,
    name_key,
    normalise_email,
    parse_datetime,
    parse_enum,
)
from dunbar.store import encounters as enc_store
from dunbar.store import people as people_store
from dunbar.store import provenance as prov_store
from dunbar.store import records
from dunbar.store.encounters import EncounterInput
from dunbar.store.engine import (
    check_sqlite_file,
    make_engine,
    resolve_url,
    sqlite_path,
)
from dunbar.store.lifecycle import ForgetReport, forget_person, merge_people, scrub_after_forget
from dunbar.store.people import PersonFields
from dunbar.store.provenance import Source
from dunbar.store.records import AcquaintanceInput
from dunbar.store.schema import HEAD, current_revision, stamp_meta, upgrade
from dunbar.store.search import SearchHit
from dunbar.store.tables import (
    check_lengths,
    encounter_participants,
    favours,
    follow_ups,
    introductions,
    notes,
    organisations,
    people,
)

if TYPE_CHECKING:
    pass

__all__ = [
    "AcquaintanceInput",
    "EncounterInput",
    "ForgetReport",
    "Ledger",
    "PersonFields",
    "Profile",
    "SearchHit",
]


@dataclass
class Profile:
    """Everything about one person: who they are and our shared history."""

    person: Person
    encounters: list[Encounter] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    favours: list[Favour] = field(default_factory=list)
    introductions: list[Introduction] = field(default_factory=list)
    acquaintances: list[Acquaintance] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)
    """Where what we know of them came from: each imported record that fed them
    (format, file and line, record key), most recent first; empty if entered by hand."""

    @property
    def last_seen(self) -> dt.datetime | None:
        return self.encounters[0].when if self.encounters else None


IdentityArgs = Mapping[IdentityKind, Iterable[str]]


class Ledger(
    ListingMixin,
    InsightsMixin,
    CalibrationMixin,
    ValueMixin,
    RecordsMixin,
    PlansMixin,
    ImportsMixin,
    TopicsMixin,
    CredentialsMixin,
    LedgerBase,
):
    """An open dunbar ledger (SQLite file or PostgreSQL database)."""

    # --- opening and closing ------------------------------------------------------------

    @classmethod
    def open(cls, target: str | Path, *, clock: Clock = utcnow, migrate: bool = True) -> Ledger:
        """Open an existing ledger; an older schema is migrated (``migrate=False`` refuses).

        Raises :class:`NoLedgerError` if there is none, :class:`NotALedgerError` for
        anything else, and :class:`SchemaTooNewError` for a newer dunbar's ledger.
        """
        url = resolve_url(target)
        path = sqlite_path(url)
        if path is not None:
            check_sqlite_file(path, must_exist=True)
        engine = make_engine(url)
        ledger = cls(engine, url, clock=clock)
        try:
            with ledger._guard(), engine.begin() as conn:
                revision = current_revision(conn)
                if revision is None:
                    where = path if path is not None else url.render_as_string(hide_password=True)
                    raise NoLedgerError(f"no ledger in {where}: run `dunbar init` first")
                if revision != HEAD:
                    if not migrate:
                        raise DatabaseError(
                            f"this ledger has schema {revision}; run `dunbar migrate` "
                            f"to bring it to {HEAD}"
                        )
                    upgrade(conn)
        except BaseException:
            engine.dispose()
            raise
        return ledger

    @classmethod
    def init(cls, target: str | Path, *, me: str = "Me", clock: Clock = utcnow) -> Ledger:
        """Create a new ledger with its owner ("me"). Refuses to touch an existing one."""
        url = resolve_url(target)
        path = sqlite_path(url)
        if path is not None:
            check_sqlite_file(path, must_exist=False)
        engine = make_engine(url)
        ledger = cls(engine, url, clock=clock)
        created_file = path is not None and not path.exists()
        try:
            with ledger._guard(), engine.begin() as conn:
                if current_revision(conn) is not None:
                    raise DatabaseError(f"a ledger already exists in {path or url.database}")
                upgrade(conn)
                now = clock()
                stamp_meta(conn, now=now)
                people_store.insert_person(conn, PersonFields(name=me), now=now, is_me=True)
        except BaseException:
            engine.dispose()
            if created_file and path is not None:
                for suffix in ("", "-wal", "-shm"):
                    Path(str(path) + suffix).unlink(missing_ok=True)
            raise
        return ledger

    # --- people -------------------------------------------------------------------------

    def add_person(
        self,
        name: str,
        *,
        emails: Iterable[str] = (),
        phones: Iterable[str] = (),
        urls: Iterable[str] = (),
        handles: Iterable[str] = (),
        region: str | None = None,
        organisation: str | None = None,
        title: str | None = None,
        location: str | None = None,
        tags: Iterable[str] = (),
        topics: Iterable[str] = (),
        offers: Iterable[str] = (),
        needs: Iterable[str] = (),
        how_met: str | None = None,
        where_met: str | None = None,
        first_known: dt.date | str | None = None,
        closeness: int | None = None,
        kin: bool = False,
        birthday: str | None = None,
        given_name: str | None = None,
        family_name: str | None = None,
        custom: Mapping[str, Any] | None = None,
    ) -> Person:
        """Add a person. Identities are normalised (emails lower-case, phones E.164)."""
        fields = PersonFields(
            name=name,
            given_name=given_name,
            family_name=family_name,
            organisation=organisation,
            title=title,
            location=location,
            how_met=how_met,
            where_met=where_met,
            first_known=self._date(first_known, "first known date") if first_known else None,
            closeness=closeness,
            is_kin=kin,
            birthday=birthday,
            custom=custom or {},
        )
        with self._write() as conn:
            now = self.now()
            pid = people_store.insert_person(conn, fields, now=now)
            self._attach(
                conn,
                pid,
                add={
                    IdentityKind.EMAIL: emails,
                    IdentityKind.PHONE: phones,
                    IdentityKind.URL: urls,
                    IdentityKind.HANDLE: handles,
                },
                labels={
                    LabelKind.TAG: tags,
                    LabelKind.TOPIC: topics,
                    LabelKind.OFFER: offers,
                    LabelKind.NEED: needs,
                },
                region=region,
            )
            return people_store.load_person(conn, pid)

    def _attach(
        self,
        conn: Connection,
        pid: int,
        *,
        add: IdentityArgs | None = None,
        remove: IdentityArgs | None = None,
        labels: Mapping[LabelKind, Iterable[str]] | None = None,
        unlabel: Mapping[LabelKind, Iterable[str]] | None = None,
        region: str | None = None,
    ) -> None:
        for kind, values in (remove or {}).items():
            people_store.remove_identities(conn, pid, [(kind, v) for v in values], region=region)
        for kind, values in (add or {}).items():
            people_store.add_identities(conn, pid, [(kind, v) for v in values], region=region)
        for lkind, values in (unlabel or {}).items():
            people_store.set_labels(conn, pid, lkind, values, add=False)
        for lkind, values in (labels or {}).items():
            people_store.set_labels(conn, pid, lkind, values, add=True)

    def edit_person(
        self,
        ref: str | int,
        fields: PersonFields | None = None,
        *,
        add: IdentityArgs | None = None,
        remove: IdentityArgs | None = None,
        labels: Mapping[LabelKind, Iterable[str]] | None = None,
        unlabel: Mapping[LabelKind, Iterable[str]] | None = None,
        clear: Iterable[str] = (),
        region: str | None = None,
    ) -> Person:
        """Change a person: set fields, clear fields, add or remove identities and labels."""
        clearable = {*people_store.SCALAR_FIELDS, "organisation"} - {"is_kin"}
        cleared = list(clear)
        unknown = [c for c in cleared if c not in clearable]
        if unknown:
            raise ValidationError(
                f"cannot clear {unknown[0]!r}: choose from " + ", ".join(sorted(clearable))
            )
        with self._write() as conn:
            pid = people_store.resolve_person(conn, ref)
            if fields is not None:
                people_store.update_person(conn, pid, fields, now=self.now())
            if cleared:
                values = {("org_id" if c == "organisation" else c): None for c in cleared}
                conn.execute(people.update().where(people.c.id == pid).values(**values))
            self._attach(
                conn, pid, add=add, remove=remove, labels=labels, unlabel=unlabel, region=region
            )
            people_store.touch(conn, pid, self.now())
            return people_store.load_person(conn, pid)

    def resolve(self, ref: str | int) -> int:
        """The id of the person named by an id, ``me``, an email, a phone, a URL or a name."""
        with self._read() as conn:
            return people_store.resolve_person(conn, ref)

    def person(self, ref: str | int) -> Person:
        with self._read() as conn:
            return people_store.load_person(conn, people_store.resolve_person(conn, ref))

    def me(self) -> Person:
        return self.person("me")

    def people(
        self,
        text: str | None = None,
        *,
        tags: Sequence[str] = (),
        organisation: str | None = None,
        topics: Sequence[str] = (),
        not_seen_since: dt.date | dt.datetime | str | None = None,
        include_me: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[PersonSummary]:
        """People, by name, with filters; ``not_seen_since`` includes the never-seen."""
        found: list[PersonSummary] = self._listing(
            people_store.list_people,
            text,
            tags,
            organisation,
            topics,
            not_seen_since,
            include_me,
            limit,
            offset,
        )
        return found

    def people_json(
        self,
        text: str | None = None,
        *,
        tags: Sequence[str] = (),
        organisation: str | None = None,
        topics: Sequence[str] = (),
        not_seen_since: dt.date | dt.datetime | str | None = None,
        include_me: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> str:
        """:meth:`people` as a JSON array made by the database (for large listings)."""
        document: str = self._listing(
            people_store.list_people_json,
            text,
            tags,
            organisation,
            topics,
            not_seen_since,
            include_me,
            limit,
            offset,
        )
        return document

    def _listing(
        self,
        lister: Any,
        text: str | None,
        tags: Sequence[str],
        organisation: str | None,
        topics: Sequence[str],
        not_seen_since: dt.date | dt.datetime | str | None,
        include_me: bool,
        limit: int | None,
        offset: int,
    ) -> Any:
        if limit is not None and limit < 0:
            raise ValidationError("limit must be zero or more")
        since = None
        if not_seen_since is not None:
            since = parse_datetime(
                self._date(not_seen_since, "not-seen-since date")
                if not isinstance(not_seen_since, dt.datetime)
                else not_seen_since,
                tz=dt.UTC,
            )
            if not isinstance(not_seen_since, dt.datetime):
                since = since.replace(hour=0, minute=0)
        with self._read() as conn:
            return lister(
                conn,
                text=text,
                tags=tags,
                organisation=organisation,
                topics=topics,
                not_seen_since=since,
                include_me=include_me,
                limit=limit,
                offset=offset,
            )

    def count_people(self) -> int:
        from sqlalchemy import func

        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(people)).scalar() or 0)

    def profile(self, ref: str | int, *, limit: int | None = 200) -> Profile:
        """A person with their timeline: encounters, notes, favours, introductions."""
        with self._read() as conn:
            pid = people_store.resolve_person(conn, ref)
            person = people_store.load_person(conn, pid)
            # Newest first, straight from the participants' (person, time) index.
            query = (
                select(encounter_participants.c.encounter_id)
                .where(encounter_participants.c.person_id == pid)
                .order_by(
                    encounter_participants.c.occurred_at.desc(),
                    encounter_participants.c.encounter_id.desc(),
                )
            )
            if limit is not None:
                query = query.limit(limit)
            ids = list(conn.execute(query).scalars())
            enc = enc_store.load_encounters(conn, ids)
            note_rows = conn.execute(
                select(notes).where(notes.c.person_id == pid).order_by(notes.c.written_at.desc())
            ).all()
            fav_rows = conn.execute(
                select(favours)
                .where(or_(favours.c.giver_id == pid, favours.c.receiver_id == pid))
                .order_by(favours.c.on_date.desc())
            ).all()
            intro_rows = conn.execute(
                select(introductions)
                .where(
                    or_(
                        introductions.c.broker_id == pid,
                        introductions.c.person_a_id == pid,
                        introductions.c.person_b_id == pid,
                    )
                )
                .order_by(introductions.c.on_date.desc())
            ).all()
            fu_rows = conn.execute(
                select(follow_ups).where(follow_ups.c.person_id == pid).order_by(follow_ups.c.due)
            ).all()
            profile = Profile(
                person=person,
                sources=prov_store.sources_of(conn, pid),
                encounters=enc,
                notes=[records.note_from_row(r) for r in note_rows],
                favours=[records.favour_from_row(r) for r in fav_rows],
                introductions=[records.intro_from_row(r) for r in intro_rows],
                acquaintances=records.acquaintances_of(conn, pid),
                follow_ups=[records.follow_up_from_row(r) for r in fu_rows],
            )
            wanted: set[int] = {pid}
            for e in enc:
                wanted.update(e.participants)
            for f in profile.favours:
                wanted.update((f.giver_id, f.receiver_id))
            for i in profile.introductions:
                wanted.update((i.broker_id, i.person_a_id, i.person_b_id))
            for a in profile.acquaintances:
                wanted.update((a.person_a_id, a.person_b_id))
            profile.names = {
                r.id: r.name
                for r in conn.execute(
                    select(people.c.id, people.c.name).where(people.c.id.in_(wanted))
                )
            }
            return profile

    # --- organisations ------------------------------------------------------------------

    def add_organisation(
        self, name: str, *, domain: str | None = None, industry: str | None = None
    ) -> Organisation:
        with self._write() as conn:
            key = name_key(" ".join(name.split()))
            if (
                conn.execute(
                    select(organisations.c.id).where(organisations.c.name_key == key)
                ).first()
                is not None
            ):
                raise ValidationError(f"organisation {name!r} already exists")
            oid = people_store.get_or_create_org(conn, name, now=self.now())
            extra = {"domain": domain.lower().strip() if domain else None, "industry": industry}
            check_lengths(organisations, extra)
            conn.execute(organisations.update().where(organisations.c.id == oid).values(**extra))
            return people_store.find_org(conn, oid)

    def organisations(self) -> list[Organisation]:
        with self._read() as conn:
            rows = conn.execute(select(organisations).order_by(organisations.c.name_key))
            return [Organisation(r.id, r.name, r.domain, r.industry) for r in rows]

    # --- encounters ---------------------------------------------------------------------

    def log(
        self,
        title: str | None,
        *,
        with_: Sequence[str | int],
        when: dt.datetime | dt.date | str | None = None,
        channel: Channel | str = Channel.IN_PERSON,
        initiative: Initiative | str = Initiative.UNKNOWN,
        minutes: int | None = None,
        notes_text: str | None = None,
        create: bool = False,
        gathering_id: int | None = None,
        source: str = "manual",
        source_ref: str | None = None,
    ) -> Encounter:
        """Record an encounter with one or more people.

        People are named as anywhere else. An unknown one is an error unless
        ``create`` is set; then a new person is made (from an email, the name is
        taken from its local part). Ambiguous names are always an error.
        """
        chan = parse_enum(Channel, channel, what="channel")
        init = parse_enum(Initiative, initiative, what="initiative")
        moment = self.now() if when is None else self._moment(when)
        if not with_:
            raise ValidationError("say who was there: --with PERSON", field="with")
        with self._write() as conn:
            ids: list[int] = []
            for ref in with_:
                ids.append(self._person_or_create(conn, ref, create=create))
            me = people_store.me_id(conn)
            if me in ids:
                raise ValidationError("'me' is always part of my encounters; name the others")
            item = EncounterInput(
                when=moment,
                participants=ids,
                channel=chan,
                initiative=init,
                minutes=minutes,
                title=(title or "").strip() or None,
                notes=notes_text,
                gathering_id=gathering_id,
                source=source,
                source_ref=source_ref,
            )
            if source_ref is not None:
                existing = enc_store.find_by_source(conn, source, source_ref)
                if existing is not None:
                    return enc_store.load_encounters(conn, [existing])[0]
            eid = enc_store.insert_encounter(conn, item, now=self.now())
            return enc_store.load_encounters(conn, [eid])[0]

    def _person_or_create(self, conn: Connection, ref: str | int, *, create: bool) -> int:
        from dunbar.errors import NotFoundError

        try:
            return people_store.resolve_person(conn, ref)
        except NotFoundError as exc:
            if not create or isinstance(ref, int) or str(ref).strip().lstrip("#").isdigit():
                raise NotFoundError(f"{exc} (add --create to add new people as you log)") from None
        text = str(ref).strip()
        kind = classify_identity(text)
        now = self.now()
        if kind is IdentityKind.EMAIL:
            email = normalise_email(text)
            local = email.split("@", 1)[0]
            name = " ".join(p.capitalize() for p in local.replace("_", ".").split(".") if p)
            pid = people_store.insert_person(conn, PersonFields(name=name or email), now=now)
            people_store.add_identities(conn, pid, [(IdentityKind.EMAIL, email)])
        elif kind is IdentityKind.PHONE:
            pid = people_store.insert_person(conn, PersonFields(name=text), now=now)
            people_store.add_identities(conn, pid, [(IdentityKind.PHONE, text)])
        else:
            pid = people_store.insert_person(conn, PersonFields(name=text), now=now)
        return pid

    def encounters(self, ids: Sequence[int]) -> list[Encounter]:
        with self._read() as conn:
            return enc_store.load_encounters(conn, ids)

    def recent_encounters(
        self, person: str | int | None = None, *, limit: int = 50, offset: int = 0
    ) -> list[Encounter]:
        """Encounters newest first, all or with ``person`` only, one page at a time."""
        from dunbar.store.tables import encounters as encounter_table

        if limit < 0 or offset < 0:
            raise ValidationError("limit and offset must be zero or more")
        with self._read() as conn:
            if person is None:
                query = select(encounter_table.c.id).order_by(
                    encounter_table.c.occurred_at.desc(), encounter_table.c.id.desc()
                )
            else:
                pid = people_store.resolve_person(conn, person)
                query = (
                    select(encounter_participants.c.encounter_id)
                    .where(encounter_participants.c.person_id == pid)
                    .order_by(
                        encounter_participants.c.occurred_at.desc(),
                        encounter_participants.c.encounter_id.desc(),
                    )
                )
            ids = list(conn.execute(query.limit(limit).offset(offset)).scalars())
            return enc_store.load_encounters(conn, ids)

    def bulk_add_encounters(
        self, items: Iterable[EncounterInput], *, batch_size: int = 50_000
    ) -> tuple[int, int]:
        """The fast path for imports: ``(inserted, skipped)``; one transaction for all.

        Participants must be person ids; ``(source, source_ref)`` already present
        are skipped, so a re-run is idempotent.
        """
        with self._write() as conn:
            known = set(conn.execute(select(people.c.id)).scalars())
            me = people_store.me_id(conn)

            def checked() -> Iterator[EncounterInput]:
                for item in items:
                    for pid in item.participants:
                        if pid not in known or pid == me:
                            what = "me" if pid == me else f"unknown person id {pid}"
                            raise ValidationError(
                                f"encounter at {item.when.isoformat()} "
                                f"names {what} as a participant"
                            )
                    yield item

            return enc_store.bulk_insert(conn, checked(), now=self.now(), batch_size=batch_size)

    # --- merge and forget ---------------------------------------------------------------

    def merge(self, keep: str | int, other: str | int) -> Person:
        """Fold ``other`` into ``keep`` and delete ``other``; returns the merged person."""
        with self._write() as conn:
            keep_id = people_store.resolve_person(conn, keep)
            other_id = people_store.resolve_person(conn, other)
            # Re-imports keep finding the merged person.
            prov_store.move_provenance(conn, other_id, keep_id)
            merge_people(conn, keep_id, other_id, now=self.now())
            return people_store.load_person(conn, keep_id)

    def forget(self, ref: str | int) -> ForgetReport:
        """Erase a person and every trace of them, then scrub the database file."""
        with self._write() as conn:
            report = forget_person(conn, people_store.resolve_person(conn, ref))
        with self._guard():
            scrub_after_forget(self._engine)
        return report

    # --- search, export, backup ---------------------------------------------------------

    def search(self, text: str, *, limit: int = 50) -> list[SearchHit]:
        """Full-text search across people, notes and encounter titles."""
        from dunbar.store.search import search

        if limit < 1:
            raise ValidationError("limit must be at least 1")
        with self._read() as conn:
            return search(conn, text, limit=limit)

    def export(self) -> dict[str, Any]:
        """Everything in the ledger, as one JSON-ready document."""
        from dunbar import __version__
        from dunbar.store.backup import export_tables

        with self._read() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            return {
                "format": "dunbar-export",
                "version": 1,
                "schema": HEAD,
                "dunbar": __version__,
                "exported_at": self.now().isoformat(),
                "tables": _without_secrets(export_tables(conn)),
            }

    def backup(self, destination: str | Path) -> Path:
        """A consistent copy as a SQLite file, even while the ledger is in use."""
        from dunbar.store.backup import backup_to

        path = Path(destination).expanduser()
        with self._guard():
            backup_to(self._engine, path)
        return path

    def restore(self, source: str | Path) -> None:
        """Replace this ledger's whole contents with a backup (one transaction)."""
        from dunbar.store.backup import restore_from

        with self._guard():
            restore_from(self._engine, Path(source))

    def schema_revision(self) -> str | None:
        with self._read() as conn:
            return current_revision(conn)


def _without_secrets(tables: dict[str, Any]) -> dict[str, Any]:
    """The export leaves out the web app's password hash, session secret and tokens."""
    from dunbar.facade.credentials import SECRET_PREFIX

    rows = tables.get("settings")
    if isinstance(rows, list):
        tables["settings"] = [
            r for r in rows if not str(r.get("key", "")).startswith(SECRET_PREFIX)
        ]
    return tables
