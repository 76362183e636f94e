"""The apply stage: write one planned batch inside the caller's transaction.

People first (pending ids become real ones), then their provenance, then the
encounters and who-knows-whom ties that name them. The caller commits the batch
as one transaction: a crash leaves every batch either wholly written or not at
all, and a re-run skips what was written (provenance and ``source_ref``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select

from dunbar.importers.plan import Batch, PersonPlan
from dunbar.importers.records import PersonRecord
from dunbar.model import Evidence, IdentityKind, LabelKind
from dunbar.normalise import name_key
from dunbar.store import encounters as enc_store
from dunbar.store import people as people_store
from dunbar.store import provenance as prov_store
from dunbar.store.encounters import EncounterInput
from dunbar.store.people import PersonFields, check_custom
from dunbar.store.tables import check_lengths, encounters, identities, people

__all__ = ["Applied", "apply_batch", "existing_refs"]

SCALARS = ("given_name", "family_name", "title", "location", "birthday", "first_known", "how_met")


@dataclass
class Applied:
    created: dict[int, int]
    encounters_added: int
    encounters_existing: int
    acquaintances: int


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
    orgs: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    for plan in plans:
        fields = _fields(plan.records, with_name=True)
        assert fields.name is not None
        org_id = None
        if fields.organisation:
            if fields.organisation not in orgs:
                orgs[fields.organisation] = people_store.get_or_create_org(
                    conn, fields.organisation, now=now
                )
            org_id = orgs[fields.organisation]
        values: dict[str, Any] = {attr: getattr(fields, attr) for attr in SCALARS}
        values.update(
            name=fields.name,
            name_key=name_key(fields.name),
            org_id=org_id,
            custom=check_custom(fields.custom or {}),
            is_me=False,
            is_kin=False,
            created_at=now,
            updated_at=now,
        )
        check_lengths(people, values)
        rows.append(values)
    result = conn.execute(insert(people).returning(people.c.id, sort_by_parameter_order=True), rows)
    ids = [int(r[0]) for r in result]
    created = {plan.person_id: pid for plan, pid in zip(plans, ids, strict=True)}
    pairs = [
        {"person_id": created[plan.person_id], "kind": kind, "value": value}
        for plan in plans
        for kind, value in plan.identities
    ]
    if pairs:
        conn.execute(insert(identities), pairs)
    for plan in plans:
        tags = [t for r in plan.records for t in r.tags]
        if tags:
            people_store.set_labels(conn, created[plan.person_id], LabelKind.TAG, tags, add=True)
    return created


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
        )
        for enc, ids in batch.encounters
    ]
    added = existing = 0
    if items:
        added, existing = enc_store.bulk_insert(conn, items, now=now)
    ties = prov_store.raise_acquaintances(
        conn,
        (
            prov_store.TieEvidence(real(a), real(b), tie.count, tie.first_seen, tie.last_seen)
            for tie, a, b in batch.acquaintances
        ),
        evidence=Evidence.SHARED_ENCOUNTER,
    )
    return Applied(created, added, existing, ties)


def existing_refs(conn: Connection, source: str, refs: list[str]) -> set[str]:
    """Which of these encounter ``source_ref``s are already stored (for a dry run)."""
    found: set[str] = set()
    for start in range(0, len(refs), 500):
        chunk = refs[start : start + 500]
        found.update(
            conn.execute(
                select(encounters.c.source_ref).where(
                    encounters.c.source == source, encounters.c.source_ref.in_(chunk)
                )
            ).scalars()
        )
    return found
