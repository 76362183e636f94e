"""People, organisations, identities and labels in the store.

Every function takes an open connection; the caller (the :class:`~dunbar.Ledger`
facade) owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    Float,
    Text,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy import text as text_

from dunbar.errors import AmbiguousError, NotFoundError, ValidationError
from dunbar.model import Identity, IdentityKind, LabelKind, Organisation, Person, PersonSummary
from dunbar.normalise import (
    classify_identity,
    name_key,
    normalise_identity,
    normalise_label,
    parse_date,
)
from dunbar.store.stale import chunks
from dunbar.store.tables import (
    check_lengths,
    encounter_participants,
    identities,
    organisations,
    people,
    person_labels,
)

__all__ = [
    "PersonFields",
    "get_or_create_org",
    "insert_person",
    "list_people",
    "list_people_json",
    "load_person",
    "me_id",
    "resolve_person",
    "update_person",
]

SCALAR_FIELDS = (
    "title",
    "location",
    "how_met",
    "where_met",
    "first_known",
    "closeness",
    "is_kin",
    "birthday",
    "given_name",
    "family_name",
)


@dataclass
class PersonFields:
    """Validated input for a new or edited person (``None`` means "leave alone")."""

    name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    organisation: str | None = None
    title: str | None = None
    location: str | None = None
    how_met: str | None = None
    where_met: str | None = None
    first_known: dt.date | None = None
    closeness: int | None = None
    is_kin: bool | None = None
    birthday: str | None = None
    custom: Mapping[str, Any] | None = None


def check_closeness(value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 7:
        raise ValidationError(
            f"closeness must be a whole number from 1 to 7, got {value!r}", field="closeness"
        )
    return value


def check_birthday(value: str | None) -> str | None:
    """``YYYY-MM-DD``, or ``--MM-DD`` when the year is unknown (vCard 4 style)."""
    if value is None:
        return None
    text = value.strip()
    probe = "2000" + text[1:] if text.startswith("--") else text
    try:
        dt.date.fromisoformat(probe)
    except ValueError:
        raise ValidationError(
            f"bad birthday {value!r}: use YYYY-MM-DD, or --MM-DD without a year",
            field="birthday",
        ) from None
    return text


def check_custom(value: Mapping[str, Any]) -> dict[str, Any]:
    """Custom fields as they will read back: plain JSON (no NaN, string keys)."""
    try:
        loaded: dict[str, Any] = json.loads(json.dumps(dict(value), allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            f"custom fields must be plain JSON values: {exc}", field="custom"
        ) from None
    return loaded


def check_name(value: str) -> str:
    text = " ".join(value.split())
    if not text:
        raise ValidationError("a person needs a name", field="name")
    if len(text) > 300:
        raise ValidationError("name too long (at most 300 characters)", field="name")
    if text.isdigit() or text.startswith("#"):
        raise ValidationError(f"{value!r} cannot be a name: it reads as an id", field="name")
    return text


def get_or_create_org(conn: Connection, name: str, *, now: dt.datetime) -> int:
    clean = " ".join(name.split())
    if not clean:
        raise ValidationError("empty organisation name", field="organisation")
    key = name_key(clean)
    check_lengths(organisations, {"name": clean, "name_key": key})
    found = conn.execute(select(organisations.c.id).where(organisations.c.name_key == key))
    existing = found.scalar()
    if existing is not None:
        return int(existing)
    result = conn.execute(insert(organisations).values(name=clean, name_key=key, created_at=now))
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


def find_org(conn: Connection, ref: str | int) -> Organisation:
    query = select(organisations)
    if isinstance(ref, int) or str(ref).lstrip("#").isdigit():
        query = query.where(organisations.c.id == int(str(ref).lstrip("#")))
    else:
        query = query.where(organisations.c.name_key == name_key(str(ref)))
    row = conn.execute(query).first()
    if row is None:
        raise NotFoundError(f"no organisation {ref!r}")
    return Organisation(id=row.id, name=row.name, domain=row.domain, industry=row.industry)


def _normalised_identities(
    pairs: Iterable[tuple[IdentityKind, str]], region: str | None
) -> list[tuple[IdentityKind, str]]:
    seen: dict[tuple[IdentityKind, str], None] = {}
    for kind, raw in pairs:
        seen[(kind, normalise_identity(kind, raw, region=region))] = None
    return list(seen)


def add_identities(
    conn: Connection,
    person_id: int,
    pairs: Iterable[tuple[IdentityKind, str]],
    *,
    region: str | None = None,
) -> None:
    """Attach identities; one that belongs to someone else is an error, not a merge."""
    wanted = _normalised_identities(pairs, region)
    for kind, value in wanted:
        check_lengths(identities, {"value": value})
        owner = conn.execute(
            select(identities.c.person_id, people.c.name)
            .join(people, people.c.id == identities.c.person_id)
            .where(identities.c.kind == kind.value, identities.c.value == value)
        ).first()
        if owner is None:
            conn.execute(
                insert(identities).values(person_id=person_id, kind=kind.value, value=value)
            )
        elif owner.person_id != person_id:
            raise ValidationError(
                f"{value} already belongs to #{owner.person_id} {owner.name}"
                f" (use `dunbar merge` if they are the same person)",
                field=kind.value,
            )


def remove_identities(
    conn: Connection,
    person_id: int,
    pairs: Iterable[tuple[IdentityKind, str]],
    *,
    region: str | None = None,
) -> None:
    for kind, value in _normalised_identities(pairs, region):
        gone = conn.execute(
            delete(identities).where(
                identities.c.person_id == person_id,
                identities.c.kind == kind.value,
                identities.c.value == value,
            )
        )
        if gone.rowcount == 0:
            raise ValidationError(f"{value} is not one of this person's {kind.value}s")


def set_labels(
    conn: Connection, person_id: int, kind: LabelKind, values: Iterable[str], *, add: bool
) -> None:
    for raw in values:
        value = normalise_label(raw)
        key = name_key(value)
        check_lengths(person_labels, {"value": value, "value_key": key})
        if add:
            exists = conn.execute(
                select(person_labels.c.value).where(
                    person_labels.c.person_id == person_id,
                    person_labels.c.kind == kind.value,
                    person_labels.c.value_key == key,
                )
            ).first()
            if exists is None:
                conn.execute(
                    insert(person_labels).values(
                        person_id=person_id, kind=kind.value, value=value, value_key=key
                    )
                )
        else:
            conn.execute(
                delete(person_labels).where(
                    person_labels.c.person_id == person_id,
                    person_labels.c.kind == kind.value,
                    person_labels.c.value_key == key,
                )
            )


def _scalar_values(fields: PersonFields, conn: Connection, now: dt.datetime) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if fields.name is not None:
        values["name"] = check_name(fields.name)
        values["name_key"] = name_key(values["name"])
    for column in SCALAR_FIELDS:
        value = getattr(fields, column)
        if value is not None:
            values[column] = value
    if "closeness" in values:
        check_closeness(values["closeness"])
    if "birthday" in values:
        values["birthday"] = check_birthday(values["birthday"])
    if "first_known" in values:
        values["first_known"] = parse_date(values["first_known"], what="first known date")
    if fields.organisation is not None:
        values["org_id"] = (
            get_or_create_org(conn, fields.organisation, now=now)
            if fields.organisation.strip()
            else None
        )
    if fields.custom is not None:
        values["custom"] = check_custom(fields.custom)
    check_lengths(people, values)
    return values


def insert_person(
    conn: Connection, fields: PersonFields, *, now: dt.datetime, is_me: bool = False
) -> int:
    if fields.name is None:
        raise ValidationError("a person needs a name", field="name")
    values = _scalar_values(fields, conn, now)
    values.setdefault("custom", {})
    result = conn.execute(
        insert(people).values(is_me=is_me, created_at=now, updated_at=now, **values)
    )
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


def update_person(
    conn: Connection, person_id: int, fields: PersonFields, *, now: dt.datetime
) -> None:
    values = _scalar_values(fields, conn, now)
    values["updated_at"] = now
    conn.execute(update(people).where(people.c.id == person_id).values(**values))


def touch(conn: Connection, person_id: int, now: dt.datetime) -> None:
    conn.execute(update(people).where(people.c.id == person_id).values(updated_at=now))


ME_ONLY = text_("people.is_me")
"""``WHERE people.is_me`` as written: SQLAlchemy renders the column as ``is_me = 1`` on
SQLite, which the partial index ``uq_people_one_me`` (``WHERE is_me``) cannot serve,
so every call scanned the people table (3.9 ms at 50,000 people; now 0.01 ms)."""


def me_id(conn: Connection) -> int:
    found = conn.execute(select(people.c.id).where(ME_ONLY)).scalar()
    if found is None:
        raise NotFoundError("this ledger has no 'me' yet: run `dunbar init --me NAME`")
    return int(found)


def _label(row: Any) -> str:
    extra = f" ({row.org})" if getattr(row, "org", None) else ""
    return f"{row.name}{extra}"


def resolve_person(conn: Connection, ref: str | int) -> int:
    """The id of the person a reference names: id, ``me``, email, phone, URL or name.

    A name matches case- and accent-insensitively, first as the whole name, then
    as whole words of it ("ana" finds "Ana María Silva"). More than one match is an
    :class:`AmbiguousError` listing the candidates: dunbar never guesses.
    """
    if isinstance(ref, bool):
        raise ValidationError(f"not a person reference: {ref!r}")
    if isinstance(ref, int) or str(ref).strip().lstrip("#").isdigit():
        digits = str(ref).strip().lstrip("#")
        if len(digits) > 19:  # beyond a 64-bit id (and int()'s digit limit)
            raise NotFoundError(f"no person with id {digits[:19]}…")
        pid = int(digits)
        # Ids are 32-bit on PostgreSQL (a larger one would be a query error there).
        top = 2**31 if conn.dialect.name == "postgresql" else 2**63
        if (
            not 0 < pid < top
            or conn.execute(select(people.c.id).where(people.c.id == pid)).first() is None
        ):
            raise NotFoundError(f"no person with id {pid}")
        return pid
    text = str(ref).strip()
    if not text:
        raise ValidationError("empty person reference")
    if text.lower() == "me":
        return me_id(conn)
    kind = classify_identity(text)
    if kind is not None:
        try:
            value = normalise_identity(kind, text)
        except ValidationError:
            value = None
        if value is not None:
            found = conn.execute(
                select(identities.c.person_id).where(
                    identities.c.kind == kind.value, identities.c.value == value
                )
            ).scalar()
            if found is not None:
                return int(found)
            if kind is not IdentityKind.PHONE:
                raise NotFoundError(f"nobody has the {kind.value} {value}")
    key = name_key(text)
    named = select(people.c.id, people.c.name, organisations.c.name.label("org")).outerjoin(
        organisations, organisations.c.id == people.c.org_id
    )
    rows = conn.execute(named.where(people.c.name_key == key).order_by(people.c.id)).all()
    if not rows:
        tokens = key.split()
        candidates = conn.execute(
            named.where(
                and_(*[people.c.name_key.contains(t, autoescape=True) for t in tokens])
            ).order_by(people.c.id)
        ).all()
        rows = [r for r in candidates if set(tokens) <= set(name_key(r.name).split())]
    if len(rows) == 1:
        return int(rows[0].id)
    if len(rows) > 1:
        raise AmbiguousError(
            f"{text!r} matches {len(rows)} people", [(r.id, _label(r)) for r in rows]
        )
    raise NotFoundError(f"nobody called {text!r}{_suggest(conn, key)}")


def _suggest(conn: Connection, key: str) -> str:
    first = key[:1]
    if not first:
        return ""
    names = (
        conn.execute(
            select(people.c.name)
            .where(people.c.name_key.startswith(first, autoescape=True))
            .limit(5000)
        )
        .scalars()
        .all()
    )
    keyed = {name_key(n): n for n in names}
    close = difflib.get_close_matches(key, list(keyed), n=3, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(keyed[c]) for c in close) + "?"


def load_person(conn: Connection, person_id: int) -> Person:
    row = conn.execute(
        select(people, organisations.c.name.label("org_name"))
        .outerjoin(organisations, organisations.c.id == people.c.org_id)
        .where(people.c.id == person_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no person with id {person_id}")
    ids = conn.execute(
        select(identities.c.kind, identities.c.value, identities.c.label)
        .where(identities.c.person_id == person_id)
        .order_by(identities.c.id)
    ).all()
    labels: dict[str, list[str]] = {k.value: [] for k in LabelKind}
    for kind, value in conn.execute(
        select(person_labels.c.kind, person_labels.c.value)
        .where(person_labels.c.person_id == person_id)
        .order_by(person_labels.c.value_key)
    ):
        labels[kind].append(value)
    return Person(
        id=row.id,
        name=row.name,
        given_name=row.given_name,
        family_name=row.family_name,
        is_me=bool(row.is_me),
        organisation=row.org_name,
        organisation_id=row.org_id,
        title=row.title,
        location=row.location,
        how_met=row.how_met,
        where_met=row.where_met,
        first_known=row.first_known,
        closeness=row.closeness,
        is_kin=bool(row.is_kin),
        birthday=row.birthday,
        identities=[Identity(IdentityKind(k), v, lab) for k, v, lab in ids],
        tags=labels["tag"],
        topics=labels["topic"],
        offers=labels["offer"],
        needs=labels["need"],
        custom=dict(row.custom or {}),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _people_query(
    *,
    text: str | None,
    tags: Sequence[str],
    organisation: str | None,
    topics: Sequence[str],
    not_seen_since: dt.datetime | None,
    include_me: bool,
) -> tuple[Any, Any, Any]:
    """The filtered people query, its last-seen/count subquery and first-email one."""
    # An index-only scan of the participants' (person_id, occurred_at) index
    # (migration 0005): no encounter is read.
    stats = (
        select(
            encounter_participants.c.person_id.label("pid"),
            func.max(encounter_participants.c.occurred_at).label("last_seen"),
            func.count().label("n"),
        )
        .group_by(encounter_participants.c.person_id)
        .subquery()
    )
    first_email = (
        select(identities.c.person_id.label("pid"), func.min(identities.c.value).label("email"))
        .where(identities.c.kind == "email")
        .group_by(identities.c.person_id)
        .subquery()
    )
    query = (
        select(people.c.id)
        .outerjoin(organisations, organisations.c.id == people.c.org_id)
        .outerjoin(stats, stats.c.pid == people.c.id)
        .outerjoin(first_email, first_email.c.pid == people.c.id)
    )
    if not include_me:
        query = query.where(people.c.is_me.is_(False))
    if text:
        for token in name_key(text).split():
            like = or_(
                people.c.name_key.contains(token, autoescape=True),
                first_email.c.email.contains(token, autoescape=True),
                func.lower(organisations.c.name).contains(token, autoescape=True),
            )
            query = query.where(like)
    for kind, values in ((LabelKind.TAG, tags), (LabelKind.TOPIC, topics)):
        for value in values:
            query = query.where(
                people.c.id.in_(
                    select(person_labels.c.person_id).where(
                        person_labels.c.kind == kind.value,
                        person_labels.c.value_key == name_key(normalise_label(value)),
                    )
                )
            )
    if organisation:
        query = query.where(organisations.c.name_key == name_key(organisation))
    if not_seen_since is not None:
        query = query.where(or_(stats.c.last_seen.is_(None), stats.c.last_seen < not_seen_since))
    return query, stats, first_email


def list_people(
    conn: Connection,
    *,
    text: str | None = None,
    tags: Sequence[str] = (),
    organisation: str | None = None,
    topics: Sequence[str] = (),
    not_seen_since: dt.datetime | None = None,
    include_me: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[PersonSummary]:
    """People with their last encounter, filtered; ordered by name."""
    base, stats, first_email = _people_query(
        text=text,
        tags=tags,
        organisation=organisation,
        topics=topics,
        not_seen_since=not_seen_since,
        include_me=include_me,
    )
    query = base.with_only_columns(
        people.c.id,
        people.c.name,
        people.c.title,
        people.c.is_me,
        organisations.c.name.label("org"),
        first_email.c.email,
        stats.c.last_seen,
        stats.c.n,
    )
    query = query.order_by(people.c.name_key, people.c.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    # Plain tuples: unpacking them is much cheaper than attribute access on rows.
    rows = [tuple(r) for r in conn.execute(query)]
    tag_map = _tags_for(conn, [r[0] for r in rows], everyone=limit is None and not text)
    return [
        PersonSummary(
            id=pid,
            name=name,
            organisation=org,
            title=title,
            email=email,
            tags=tuple(tag_map.get(pid, ())),
            last_seen=last_seen,
            encounters=n or 0,
            is_me=bool(is_me),
        )
        for pid, name, title, is_me, org, email, last_seen, n in rows
    ]


def list_people_json(
    conn: Connection,
    *,
    text: str | None = None,
    tags: Sequence[str] = (),
    organisation: str | None = None,
    topics: Sequence[str] = (),
    not_seen_since: dt.datetime | None = None,
    include_me: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> str:
    """:func:`list_people` as a JSON array, written by the database itself.

    The same rows, in the same order, with the same values as
    ``json.dumps(to_jsonable(list_people(...)))`` (the tests hold the two
    together on both backends); only the spacing differs. SQLite's JSON1 and
    PostgreSQL's ``json_build_object`` make each row's object, so a 50,000-person
    listing never becomes 50,000 Python objects (benchmarks/RESULTS.md).
    """
    base, stats, first_email = _people_query(
        text=text,
        tags=tags,
        organisation=organisation,
        topics=topics,
        not_seen_since=not_seen_since,
        include_me=include_me,
    )
    sqlite = conn.dialect.name == "sqlite"
    label_rows = (
        select(person_labels.c.person_id, person_labels.c.value)
        .where(person_labels.c.kind == LabelKind.TAG.value)
        .order_by(person_labels.c.person_id, person_labels.c.value_key)
        .subquery()
    )
    if sqlite:
        # Grouping rows that arrive sorted keeps their order within each group.
        tag_list = func.json_group_array(label_rows.c.value)
    else:
        tag_list = func.json_agg(label_rows.c.value)
    tag_json = (
        select(label_rows.c.person_id.label("pid"), tag_list.label("tags"))
        .group_by(label_rows.c.person_id)
        .subquery()
    )
    seen = stats.c.last_seen
    if sqlite:
        # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff' UTC; isoformat drops zero microseconds.
        iso: Any = case(
            (
                func.substr(seen, 20, 7) == ".000000",
                func.substr(seen, 1, 10) + "T" + func.substr(seen, 12, 8) + "+00:00",
            ),
            else_=func.substr(seen, 1, 10) + "T" + func.substr(seen, 12, 15) + "+00:00",
        )
        obj = func.json_object(
            "id",
            people.c.id,
            "name",
            people.c.name,
            "organisation",
            organisations.c.name,
            "title",
            people.c.title,
            "email",
            first_email.c.email,
            "tags",
            func.json(func.coalesce(tag_json.c.tags, "[]")),
            "last_seen",
            iso,
            "encounters",
            func.coalesce(stats.c.n, 0),
            "is_me",
            func.json(case((people.c.is_me, "true"), else_="false")),
        )
    else:
        utc = func.timezone("UTC", seen)
        iso = (
            func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS')
            + case(
                (func.extract("microseconds", utc) % 1000000 == 0, ""),
                else_=func.to_char(utc, ".US"),
            )
            + "+00:00"
        )
        obj = func.json_build_object(
            "id",
            people.c.id,
            "name",
            people.c.name,
            "organisation",
            organisations.c.name,
            "title",
            people.c.title,
            "email",
            first_email.c.email,
            "tags",
            func.coalesce(tag_json.c.tags, text_("'[]'::json")),
            "last_seen",
            iso,
            "encounters",
            func.coalesce(stats.c.n, 0),
            "is_me",
            people.c.is_me,
        )
    row: Any = obj if sqlite else cast(obj, Text)
    query = (
        base.outerjoin(tag_json, tag_json.c.pid == people.c.id)
        .with_only_columns(row.label("row"))
        .order_by(people.c.name_key, people.c.id)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    rows: list[str] = list(conn.execute(query).scalars())
    return "[" + ",".join(rows) + "]"


def _tags_for(conn: Connection, ids: list[int], *, everyone: bool) -> dict[int, list[str]]:
    query = (
        select(person_labels.c.person_id, person_labels.c.value)
        .where(person_labels.c.kind == "tag")
        .order_by(person_labels.c.value_key)
    )
    out: dict[int, list[str]] = {}
    if not ids:
        return out
    if everyone:
        rows: list[tuple[int, str]] = [(r[0], r[1]) for r in conn.execute(query)]
    else:
        rows = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows.extend(
                (r[0], r[1])
                for r in conn.execute(query.where(person_labels.c.person_id.in_(chunk)))
            )
    for pid, value in rows:
        out.setdefault(pid, []).append(value)
    return out


# --- the people page: ids first, then only the rows shown --------------------------------


def _matching(
    *,
    text: str | None,
    tags: Sequence[str],
    organisation: str | None,
    topics: Sequence[str],
    include_me: bool,
) -> Any:
    """``SELECT people.id`` with the listing's filters, and no per-person aggregate.

    The same filters as :func:`list_people` (every word of ``text`` in the
    accent-folded name, an email or the organisation; every tag and topic;
    the organisation by name), written as ``IN`` subqueries so that a page of
    a large ledger reads only what it shows. An email matches if any of the
    person's addresses does.
    """
    query = select(people.c.id)
    if not include_me:
        query = query.where(people.c.is_me.is_(False))
    if text:
        for token in name_key(text).split():
            query = query.where(
                or_(
                    people.c.name_key.contains(token, autoescape=True),
                    people.c.org_id.in_(
                        select(organisations.c.id).where(
                            func.lower(organisations.c.name).contains(token, autoescape=True)
                        )
                    ),
                    people.c.id.in_(
                        select(identities.c.person_id).where(
                            identities.c.kind == IdentityKind.EMAIL.value,
                            identities.c.value.contains(token, autoescape=True),
                        )
                    ),
                )
            )
    for kind, values in ((LabelKind.TAG, tags), (LabelKind.TOPIC, topics)):
        for value in values:
            query = query.where(
                people.c.id.in_(
                    select(person_labels.c.person_id).where(
                        person_labels.c.kind == kind.value,
                        person_labels.c.value_key == name_key(normalise_label(value)),
                    )
                )
            )
    if organisation:
        query = query.where(
            people.c.org_id.in_(
                select(organisations.c.id).where(organisations.c.name_key == name_key(organisation))
            )
        )
    return query


def matching_ids(
    conn: Connection,
    *,
    text: str | None = None,
    tags: Sequence[str] = (),
    organisation: str | None = None,
    topics: Sequence[str] = (),
    include_me: bool = False,
    by_name: bool = False,
    descending: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[int]:
    """Ids of the people matching the filters; by name (then id) if ``by_name``."""
    query = _matching(
        text=text, tags=tags, organisation=organisation, topics=topics, include_me=include_me
    )
    if by_name:
        keys = (people.c.name_key, people.c.id)
        query = query.order_by(*(k.desc() for k in keys) if descending else keys)
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [int(r[0]) for r in conn.execute(query)]


def count_matching(
    conn: Connection,
    *,
    text: str | None = None,
    tags: Sequence[str] = (),
    organisation: str | None = None,
    topics: Sequence[str] = (),
    include_me: bool = False,
) -> int:
    """How many people :func:`matching_ids` would give."""
    query = _matching(
        text=text, tags=tags, organisation=organisation, topics=topics, include_me=include_me
    )
    counted = select(func.count()).select_from(query.subquery())
    return int(conn.execute(counted).scalar_one())


def summaries(conn: Connection, ids: Sequence[int]) -> list[PersonSummary]:
    """The :class:`PersonSummary` of each of ``ids``, in that order (unknown ids left out).

    Last seen, encounter count and first email are aggregated for these
    people only: a page costs the same at 50 people as at 50,000.
    """
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        return []
    found: dict[int, tuple[Any, ...]] = {}
    stats: dict[int, tuple[Any, int]] = {}
    emails: dict[int, str] = {}
    tag_rows: list[tuple[int, str, str]] = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for row in conn.execute(
            select(
                people.c.id,
                people.c.name,
                people.c.title,
                people.c.is_me,
                organisations.c.name,
            )
            .outerjoin(organisations, organisations.c.id == people.c.org_id)
            .where(people.c.id.in_(chunk))
        ):
            found[int(row[0])] = tuple(row)
        for pid, last, n in conn.execute(
            select(
                encounter_participants.c.person_id,
                func.max(encounter_participants.c.occurred_at),
                func.count(),
            )
            .where(encounter_participants.c.person_id.in_(chunk))
            .group_by(encounter_participants.c.person_id)
        ):
            stats[int(pid)] = (last, int(n))
        # The kind is checked here: in SQL, the (kind, value) index would be
        # chosen, and it walks every email of the ledger.
        for pid, kind, value in conn.execute(
            select(identities.c.person_id, identities.c.kind, identities.c.value).where(
                identities.c.person_id.in_(chunk)
            )
        ):
            if kind == IdentityKind.EMAIL.value and (
                int(pid) not in emails or value < emails[int(pid)]
            ):
                emails[int(pid)] = value
        # By person, not in the (kind, value_key) index's order: that index
        # would walk every tag of the ledger to find these few people's.
        for pid, value, key in conn.execute(
            select(person_labels.c.person_id, person_labels.c.value, person_labels.c.value_key)
            .where(person_labels.c.person_id.in_(chunk))
            .where(person_labels.c.kind == LabelKind.TAG.value)
        ):
            tag_rows.append((int(pid), key, value))
    tag_map: dict[int, list[str]] = {}
    for pid, _key, value in sorted(tag_rows):
        tag_map.setdefault(pid, []).append(value)
    out: list[PersonSummary] = []
    for pid in wanted:
        if pid not in found:
            continue
        _, name, title, is_me, org = found[pid]
        last, n = stats.get(pid, (None, 0))
        if isinstance(last, str):  # a raw aggregate on SQLite: the stored UTC text
            last = dt.datetime.fromisoformat(last).replace(tzinfo=dt.UTC)
        elif isinstance(last, dt.datetime) and last.tzinfo is None:
            last = last.replace(tzinfo=dt.UTC)
        out.append(
            PersonSummary(
                id=pid,
                name=name,
                organisation=org,
                title=title,
                email=emails.get(pid),
                tags=tuple(tag_map.get(pid, ())),
                last_seen=last,
                encounters=n,
                is_me=bool(is_me),
            )
        )
    return out


def _last_seen(conn: Connection) -> Any:
    """The latest encounter of a group of participants' rows, in POSIX seconds."""
    last = func.max(encounter_participants.c.occurred_at)
    if conn.dialect.name == "sqlite":
        return (func.julianday(last, type_=Float) - 2440587.5) * 86400.0
    return cast(func.extract("epoch", last), Float)


def last_seen_of(conn: Connection, ids: Sequence[int]) -> dict[int, float]:
    """The last encounter of each of ``ids`` in POSIX seconds (the never-met left out)."""
    out: dict[int, float] = {}
    for chunk in chunks(ids):
        query = (
            select(encounter_participants.c.person_id, _last_seen(conn))
            .where(encounter_participants.c.person_id.in_(chunk))
            .group_by(encounter_participants.c.person_id)
        )
        out.update((int(pid), float(t)) for pid, t in conn.execute(query) if t is not None)
    return out


def last_seen_everyone(conn: Connection) -> tuple[list[int], list[float | None]]:
    """Every person but me, by name (then id), with their last encounter in POSIX seconds.

    The database turns the times into seconds (SQLite's ``julianday``, PostgreSQL's
    ``extract(epoch ...)``): at 50,000 people that is about half the time of
    making 50,000 datetimes in Python.
    """
    stats = (
        select(encounter_participants.c.person_id.label("pid"), _last_seen(conn).label("last_seen"))
        .group_by(encounter_participants.c.person_id)
        .subquery()
    )
    query = (
        select(people.c.id, stats.c.last_seen)
        .outerjoin(stats, stats.c.pid == people.c.id)
        .where(people.c.is_me.is_(False))
        .order_by(people.c.name_key, people.c.id)
    )
    rows = conn.execute(query).all()
    return [int(r[0]) for r in rows], [None if r[1] is None else float(r[1]) for r in rows]
