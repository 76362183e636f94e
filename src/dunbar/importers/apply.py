"""The apply stage: write one planned batch inside the caller's transaction.

People first (pending ids become real ones), then their provenance, then the
encounters and who-knows-whom ties that name them. The caller commits the batch
as one transaction: a crash leaves every batch either wholly written or not at
all, and a re-run skips what was written (provenance and ``source_ref``).

An encounter already stored under its ``source_ref`` is compared by digest
(:meth:`~dunbar.importers.records.EncounterRecord.digest`, kept in
``encounters.source_digest``): the same digest is left alone, a different one
updates the stored encounter in this same transaction (time, minutes, channel,
initiative, title and participants; :func:`dunbar.store.encounters.bulk_write`),
and one stored before the digest existed only gets its digest.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select

from dunbar.errors import ValidationError
from dunbar.importers.plan import Batch, PersonPlan
from dunbar.importers.records import PersonRecord
from dunbar.model import Evidence, IdentityKind, LabelKind
from dunbar.normalise import name_key, normalise_label
from dunbar.store import encounters as enc_store
from dunbar.store import people as people_store
from dunbar.store import provenance as prov_store
from dunbar.store.encounters import EncounterInput
from dunbar.store.people import PersonFields, check_custom
from dunbar.store.tables import (
    check_lengths,
    encounters,
    organisations,
    people,
    person_labels,
)
from dunbar.store.types import sqlite_datetime_text

__all__ = ["Applied", "apply_batch", "existing_refs", "stored_digests"]

SCALARS = ("given_name", "family_name", "title", "location", "birthday", "first_known", "how_met")


@dataclass
class Applied:
    created: dict[int, int]
    encounters_added: int
    encounters_existing: int
    acquaintances: int
    encounters_updated: int = 0


def _first(records: list[PersonRecord], attr: str) -> Any:
    for record in records:
        value = getattr(record, attr)
        if value not in (None, ""):
            return value
    return None


def _fields(records: list[PersonRecord], *, with_name: bool) -> PersonFields:
    values = {attr: _first(records, attr) for attr in SCALARS}
    custom: dict[str, Any] = {}
    for record in reversed(records):
        custom.update(record.custom)
    return PersonFields(
        name=records[0].name if with_name else None,
        organisation=_first(records, "organisation"),
        custom=custom or None,
        **values,
    )


def _fill_only(conn: Connection, pid: int, fields: PersonFields) -> PersonFields:
    """Keep only what the person does not have yet (a merge never overwrites)."""
    row = conn.execute(select(people).where(people.c.id == pid)).one()
    kept = PersonFields()
    for attr in SCALARS:
        if getattr(row, attr) is None:
            setattr(kept, attr, getattr(fields, attr))
    if row.org_id is None:
        kept.organisation = fields.organisation
    if fields.custom:
        merged = dict(fields.custom)
        merged.update(row.custom or {})
        if merged != (row.custom or {}):
            kept.custom = merged
    return kept


def _create_people(
    conn: Connection, plans: list[PersonPlan], *, now: dt.datetime
) -> dict[int, int]:
    """New people in bulk (one ``INSERT ... RETURNING`` for all); pending id -> real id.

    Their values were validated by the normalise stage; lengths are checked again
    here so that both backends accept the same rows.
    """
    if not plans:
        return {}
    all_fields = [_fields(plan.records, with_name=True) for plan in plans]
    orgs = _org_ids(conn, [f.organisation for f in all_fields if f.organisation], now=now)
    rows: list[dict[str, Any]] = []
    for plan, fields in zip(plans, all_fields, strict=True):
        assert fields.name is not None
        values: dict[str, Any] = {attr: getattr(fields, attr) for attr in SCALARS}
        # One record's custom fields were checked when it was normalised; merged ones
        # are checked again.
        custom = fields.custom or {}
        values.update(
            name=fields.name,
            name_key=name_key(fields.name),
            org_id=orgs[fields.organisation] if fields.organisation else None,
            custom=custom if len(plan.records) < 2 else check_custom(custom),
            is_me=False,
            is_kin=False,
            created_at=now,
            updated_at=now,
        )
        check_lengths(people, values)
        rows.append(values)
    if conn.dialect.name == "sqlite":
        ids = _insert_people_sqlite(conn, rows)
    else:
        result = conn.execute(
            insert(people).returning(people.c.id, sort_by_parameter_order=True), rows
        )
        ids = [int(r[0]) for r in result]
    created = {plan.person_id: pid for plan, pid in zip(plans, ids, strict=True)}
    pairs = [
        (created[plan.person_id], kind, value) for plan in plans for kind, value in plan.identities
    ]
    if pairs:
        enc_store._executemany(conn, "identities", "person_id, kind, value", pairs)
    labels: dict[tuple[int, str], dict[str, Any]] = {}
    for plan in plans:  # new people have no labels yet: one insert for all their tags
        pid = created[plan.person_id]
        for raw in (t for r in plan.records for t in r.tags):
            value = normalise_label(raw)
            key = name_key(value)
            row = {"person_id": pid, "kind": LabelKind.TAG.value, "value": value, "value_key": key}
            check_lengths(person_labels, row)
            labels.setdefault((pid, key), row)
    if labels:
        conn.execute(insert(person_labels), list(labels.values()))
    return created


_PEOPLE_COLUMNS = (
    "id", "name", "name_key", "given_name", "family_name", "is_me", "org_id", "title",
    "location", "how_met", "first_known", "is_kin", "birthday", "custom", "created_at",
    "updated_at",
)  # fmt: skip


def _insert_people_sqlite(conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
    """The rows through the driver (as SQLAlchemy's types would store them); their ids.

    The ids are the ones SQLite would choose (the table has no AUTOINCREMENT: the
    next after the largest), taken inside the write transaction, which holds the
    database's write lock.
    """
    first = int(conn.execute(select(func.max(people.c.id))).scalar() or 0) + 1
    ids = list(range(first, first + len(rows)))
    values = []
    for pid, r in zip(ids, rows, strict=True):
        known = r["first_known"]
        values.append(
            (
                pid, r["name"], r["name_key"], r["given_name"], r["family_name"], 0,
                r["org_id"], r["title"], r["location"], r["how_met"],
                known.isoformat() if known is not None else None, 0, r["birthday"],
                json.dumps(r["custom"]), sqlite_datetime_text(r["created_at"]),
                sqlite_datetime_text(r["updated_at"]),
            )
        )  # fmt: skip
    enc_store._executemany(conn, "people", ", ".join(_PEOPLE_COLUMNS), values)
    return ids


def _org_ids(conn: Connection, names: list[str], *, now: dt.datetime) -> dict[str, int]:
    """Organisation name -> id, created if new: one lookup per 500 names, one insert.

    As :func:`dunbar.store.people.get_or_create_org` does one at a time: the same
    organisation is the same name key; a new one is stored under its first name.
    """
    keys: dict[str, str] = {}
    for name in dict.fromkeys(names):
        clean = " ".join(name.split())
        if not clean:
            raise ValidationError("empty organisation name", field="organisation")
        keys[name] = name_key(clean)
        check_lengths(organisations, {"name": clean, "name_key": keys[name]})
    wanted = list(dict.fromkeys(keys.values()))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        query = select(organisations.c.name_key, organisations.c.id).where(
            organisations.c.name_key.in_(chunk)
        )
        found.update((key, int(oid)) for key, oid in conn.execute(query))
    new: dict[str, dict[str, Any]] = {}
    for name, key in keys.items():
        if key not in found and key not in new:
            new[key] = {"name": " ".join(name.split()), "name_key": key, "created_at": now}
    if new:
        result = conn.execute(
            insert(organisations).returning(
                organisations.c.name_key, organisations.c.id, sort_by_parameter_order=True
            ),
            list(new.values()),
        )
        found.update((key, int(oid)) for key, oid in result)
    return {name: found[key] for name, key in keys.items()}


def _write_person(conn: Connection, plan: PersonPlan, *, now: dt.datetime) -> int:
    fields = _fields(plan.records, with_name=False)
    if plan.kind != "create":
        pid = plan.person_id
        if plan.kind == "merge":
            fields = _fill_only(conn, pid, fields)
        if plan.kind == "update":
            fields.name = plan.records[-1].name
            if fields.custom:
                row = conn.execute(select(people.c.custom).where(people.c.id == pid)).scalar()
                fields.custom = {**(row or {}), **fields.custom}
        people_store.update_person(conn, pid, fields, now=now)
    if plan.identities:
        people_store.add_identities(conn, pid, [(IdentityKind(k), v) for k, v in plan.identities])
    tags = [t for r in plan.records for t in r.tags]
    if tags:
        people_store.set_labels(conn, pid, LabelKind.TAG, tags, add=True)
    return pid


def apply_batch(conn: Connection, batch: Batch, *, source: str, now: dt.datetime) -> Applied:
    """Write ``batch``; returns pending id -> real id and what was added."""
    plans = list(batch.people.values())
    created = _create_people(conn, [p for p in plans if p.kind == "create"], now=now)
    sources: list[prov_store.Source] = []
    for plan in plans:
        pid = (
            created[plan.person_id] if plan.kind == "create" else _write_person(conn, plan, now=now)
        )
        sources.extend(
            prov_store.Source(
                pid, source, r.origin.ref, r.origin.file, r.origin.line, r.digest(), now
            )
            for r in plan.records
        )
    prov_store.record_sources(conn, sources)

    def real(pid: int) -> int:
        return created.get(pid, pid)

    items = [
        EncounterInput(
            when=enc.when,
            participants=[real(p) for p in ids],
            channel=enc.channel,
            initiative=enc.initiative,
            minutes=enc.minutes,
            title=enc.title,
            source=source,
            source_ref=enc.source_ref,
            source_digest=enc.digest(),
        )
        for enc, ids in batch.encounters
    ]
    added = existing = updated = 0
    if items:
        done = enc_store.bulk_write(conn, items, now=now)
        added, existing, updated = done.inserted, done.unchanged + done.digested, done.updated
    by_evidence: dict[Evidence, list[prov_store.TieEvidence]] = {}
    for tie, a, b in batch.acquaintances:  # each kind of evidence is a tie of its own
        by_evidence.setdefault(tie.evidence, []).append(
            prov_store.TieEvidence(real(a), real(b), tie.count, tie.first_seen, tie.last_seen)
        )
    ties = sum(
        prov_store.raise_acquaintances(conn, found, evidence=evidence)
        for evidence, found in by_evidence.items()
    )
    return Applied(created, added, existing, ties, updated)


def stored_digests(conn: Connection, source: str, refs: list[str]) -> dict[str, str | None]:
    """The stored encounters among these ``source_ref``s, with their digest (``None``
    for one imported before digests were kept): what a dry run compares against."""
    found: dict[str, str | None] = {}
    for start in range(0, len(refs), 500):
        chunk = refs[start : start + 500]
        query = select(encounters.c.source_ref, encounters.c.source_digest).where(
            encounters.c.source == source, encounters.c.source_ref.in_(chunk)
        )
        found.update((ref, digest) for ref, digest in conn.execute(query))
    return found


def existing_refs(conn: Connection, source: str, refs: list[str]) -> set[str]:
    """Which of these encounter ``source_ref``s are already stored."""
    return set(stored_digests(conn, source, refs))
