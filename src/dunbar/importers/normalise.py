"""The normalise stage: canonical identities and fields, or a reason to reject.

Each record is cleaned on its own, so that one bad value costs a warning (the
value is dropped) and only a record with nothing usable is rejected.
"""

from __future__ import annotations

import datetime as dt
import re

from dunbar.errors import ValidationError
from dunbar.importers.records import EncounterRecord, PersonRecord, Rejection, Warning_
from dunbar.model import IdentityKind
from dunbar.normalise import normalise_identity
from dunbar.store.encounters import EncounterInput, check_encounter
from dunbar.store.people import check_birthday, check_custom, check_name

__all__ = ["identity_pairs", "normalise_encounter", "normalise_person"]

_LIMITS = {"title": 300, "location": 300, "given_name": 200, "family_name": 200}


def _clean(value: str | None, limit: int = 300) -> str | None:
    if value is None:
        return None
    text = " ".join(value.split())
    return text[:limit] if text else None


def identity_pairs(record: PersonRecord) -> list[tuple[str, str]]:
    """The record's identities as ``(kind, value)``, already normalised."""
    pairs = [(_EMAIL, v) for v in record.emails]
    for kind, values in ((_PHONE, record.phones), (_URL, record.urls), (_HANDLE, record.handles)):
        if values:
            pairs.extend((kind, v) for v in values)
    return pairs


_EMAIL, _PHONE, _URL, _HANDLE = (
    k.value for k in (IdentityKind.EMAIL, IdentityKind.PHONE, IdentityKind.URL, IdentityKind.HANDLE)
)


def normalise_person(
    record: PersonRecord, *, region: str | None = None
) -> tuple[PersonRecord | Rejection, list[Warning_]]:
    """Canonical identities (emails lower-case, phones E.164, URLs) and clean fields.

    A record that was normalised already (``_clean``) is returned as it is.
    """
    if record._clean:
        return record, []
    where = record.origin.where()
    file = record.origin.file
    warnings: list[Warning_] = []
    try:
        record.name = check_name(record.name or "")
    except ValidationError as exc:
        return Rejection(file, where, f"no usable name: {exc}"), warnings
    for kind, attr in (
        (IdentityKind.EMAIL, "emails"),
        (IdentityKind.PHONE, "phones"),
        (IdentityKind.URL, "urls"),
        (IdentityKind.HANDLE, "handles"),
    ):
        kept: dict[str, None] = {}
        for raw in getattr(record, attr):
            try:
                value = normalise_identity(kind, raw, region=region)
            except ValidationError as exc:
                warnings.append(
                    Warning_(file, where, f"{record.name}: dropped {kind.value}: {exc}")
                )
                continue
            if len(value) <= 500:
                kept[value] = None
        setattr(record, attr, list(kept))
    record.organisation = _clean(record.organisation)
    for attr, limit in _LIMITS.items():
        setattr(record, attr, _clean(getattr(record, attr), limit))
    record.how_met = _clean(record.how_met, 2000)
    if record.birthday is not None:
        try:
            record.birthday = check_birthday(record.birthday)
        except ValidationError as exc:
            warnings.append(Warning_(file, where, f"{record.name}: dropped birthday: {exc}"))
            record.birthday = None
    record.tags = list(dict.fromkeys(t for t in (_clean(x, 200) for x in record.tags) if t))
    try:
        record.custom = check_custom(record.custom)
    except ValidationError as exc:
        warnings.append(Warning_(file, where, f"{record.name}: dropped extra fields: {exc}"))
        record.custom = {}
    record._clean = True
    return record, warnings


def normalise_encounter(
    record: EncounterRecord, *, now: dt.datetime, region: str | None = None
) -> tuple[EncounterRecord | Rejection, list[Warning_]]:
    """Valid participants and a plausible time, duration and title; else a rejection."""
    where = record.origin.where()
    warnings: list[Warning_] = []
    people: list[PersonRecord] = []
    for person in record.people:
        clean, notes = normalise_person(person, region=region)
        warnings.extend(notes)
        if isinstance(clean, Rejection):
            return Rejection(record.origin.file, where, clean.reason), warnings
        people.append(clean)
    if not people:
        return Rejection(record.origin.file, where, "no one but me took part"), warnings
    record.people = people
    if record.title is not None:
        record.title = re.sub(r"\s+", " ", record.title).strip()[:500] or None
    probe = EncounterInput(
        when=record.when,
        participants=[0],
        minutes=record.minutes,
        title=record.title,
        source="import",
        source_ref=record.source_ref,
    )
    try:
        check_encounter(probe, now=now)
    except ValidationError as exc:
        return Rejection(record.origin.file, where, str(exc)), warnings
    return record, warnings
