"""SQLAlchemy Core tables of the ledger.

The schema is created and changed only by the Alembic migrations in
``dunbar/store/migrations``; these definitions mirror the head revision and are
what queries are written against. ``tests/store/test_migrations.py`` checks that
the two agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from dunbar.errors import ValidationError
from dunbar.store.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

CHANNELS = ("in_person", "video", "call", "event", "message", "email", "reaction")
INITIATIVES = ("out", "in", "mutual", "unknown")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


ledger_meta = Table(
    "ledger_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

organisations = Table(
    "organisations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False),
    Column("name_key", String(300), nullable=False, unique=True),
    Column("domain", String(255)),
    Column("industry", String(200)),
    Column("created_at", UTCDateTime, nullable=False),
)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False),
    Column("name_key", String(300), nullable=False, index=True),
    Column("given_name", String(200)),
    Column("family_name", String(200)),
    Column("is_me", Boolean, nullable=False, server_default=text("false")),
    Column("org_id", Integer, ForeignKey("organisations.id", ondelete="SET NULL"), index=True),
    Column("title", String(300)),
    Column("location", String(300)),
    Column("how_met", Text),
    Column("where_met", String(300)),
    Column("first_known", Date),
    Column("closeness", Integer),
    Column("is_kin", Boolean, nullable=False, server_default=text("false")),
    Column("birthday", String(10)),
    Column("custom", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("closeness IS NULL OR (closeness BETWEEN 1 AND 7)", name="closeness_range"),
    Index(
        "uq_people_one_me",
        "is_me",
        unique=True,
        sqlite_where=text("is_me"),
        postgresql_where=text("is_me"),
    ),
)

identities = Table(
    "identities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "person_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("kind", String(16), nullable=False),
    Column("value", String(500), nullable=False),
    Column("label", String(100)),
    CheckConstraint(_in("kind", ("email", "phone", "url", "handle")), name="kind"),
    UniqueConstraint("kind", "value"),
)

person_labels = Table(
    "person_labels",
    metadata,
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("value", String(200), nullable=False),
    Column("value_key", String(200), nullable=False),
    PrimaryKeyConstraint("person_id", "kind", "value_key"),
    CheckConstraint(_in("kind", ("tag", "topic", "offer", "need")), name="kind"),
    Index("ix_person_labels_kind_key", "kind", "value_key"),
)

gatherings = Table(
    "gatherings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("held_on", Date, nullable=False),
    Column("venue", String(300)),
    Column("capacity", Integer),
    Column("notes", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("series", String(300), index=True),
    CheckConstraint(_in("kind", ("dinner", "event", "meetup")), name="kind"),
    CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
)

encounters = Table(
    "encounters",
    metadata,
    Column("id", Integer, primary_key=True),
    # No index on the time: every time query goes through a person (the
    # participants' (person, time) index, migration 0005).
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("minutes", Integer),
    Column("channel", String(16), nullable=False),
    Column("initiative", String(8), nullable=False),
    Column("title", String(500)),
    Column("notes", Text),
    Column("gathering_id", Integer, ForeignKey("gatherings.id", ondelete="SET NULL")),
    Column("source", String(100), nullable=False),
    Column("source_ref", String(500)),
    # What the imported file said, hashed (migration 0009): a re-import compares it.
    Column("source_digest", String(40)),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint(_in("channel", CHANNELS), name="channel"),
    CheckConstraint(_in("initiative", INITIATIVES), name="initiative"),
    CheckConstraint("minutes IS NULL OR minutes >= 0", name="minutes_nonnegative"),
    UniqueConstraint("source", "source_ref"),
    # Only the few encounters of a gathering are indexed (migration 0005).
    Index(
        "ix_encounters_gathering_id",
        "gathering_id",
        sqlite_where=text("gathering_id IS NOT NULL"),
        postgresql_where=text("gathering_id IS NOT NULL"),
    ),
)

encounter_participants = Table(
    "encounter_participants",
    metadata,
    Column(
        "encounter_id", Integer, ForeignKey("encounters.id", ondelete="CASCADE"), nullable=False
    ),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    # The encounter's own time, copied when the row is written (migration 0005), so
    # that last-seen and a person's timeline are index-only scans.
    Column("occurred_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("encounter_id", "person_id"),
    Index("ix_encounter_participants_person", "person_id", "occurred_at", "encounter_id"),
    sqlite_with_rowid=False,
)

notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), index=True),
    Column("encounter_id", Integer, ForeignKey("encounters.id", ondelete="SET NULL")),
    Column("body", Text, nullable=False),
    Column("topics", JSON, nullable=False),
    Column("written_at", UTCDateTime, nullable=False),
)

favours = Table(
    "favours",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "giver_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column(
        "receiver_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("what", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint(_in("kind", ("advice", "intro", "referral", "help", "other")), name="kind"),
    CheckConstraint(_in("status", ("asked", "promised", "done")), name="status"),
    CheckConstraint("giver_id <> receiver_id", name="two_people"),
)

introductions = Table(
    "introductions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "broker_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column(
        "person_a_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column(
        "person_b_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("on_date", Date, nullable=False),
    Column("reason", Text),
    Column("outcome", String(20), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint(
        _in("outcome", ("pending", "met", "worked_together", "nothing")), name="outcome"
    ),
    CheckConstraint(
        "person_a_id <> person_b_id AND broker_id <> person_a_id AND broker_id <> person_b_id",
        name="three_people",
    ),
)

acquaintances = Table(
    "acquaintances",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_a_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column(
        "person_b_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("evidence", String(20), nullable=False),
    Column("strength", Float),
    Column("occurrences", Integer, nullable=False, server_default=text("1")),
    Column("first_seen", Date),
    Column("last_seen", Date),
    CheckConstraint("person_a_id < person_b_id", name="ordered_pair"),
    CheckConstraint(
        _in("evidence", ("declared", "shared_encounter", "email_cc", "shared_gathering")),
        name="evidence",
    ),
    CheckConstraint("strength IS NULL OR (strength >= 0 AND strength <= 1)", name="strength_range"),
    UniqueConstraint("person_a_id", "person_b_id", "evidence"),
)

attendance = Table(
    "attendance",
    metadata,
    Column(
        "gathering_id", Integer, ForeignKey("gatherings.id", ondelete="CASCADE"), nullable=False
    ),
    Column(
        "person_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("status", String(16), nullable=False),
    PrimaryKeyConstraint("gathering_id", "person_id"),
    CheckConstraint(_in("status", ("invited", "confirmed", "attended", "no_show")), name="status"),
)

seating = Table(
    "seating",
    metadata,
    Column(
        "gathering_id", Integer, ForeignKey("gatherings.id", ondelete="CASCADE"), nullable=False
    ),
    Column("round", Integer, nullable=False),
    Column("table_no", Integer, nullable=False),
    Column("seat", Integer, nullable=False),
    Column(
        "person_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    PrimaryKeyConstraint("gathering_id", "round", "person_id"),
    UniqueConstraint("gathering_id", "round", "table_no", "seat"),
)

follow_ups = Table(
    "follow_ups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "person_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("gathering_id", Integer, ForeignKey("gatherings.id", ondelete="CASCADE")),
    Column("due", Date, nullable=False),
    Column("reason", Text, nullable=False),
    Column("done", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", UTCDateTime, nullable=False),
)

provenance = Table(
    "provenance",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "person_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("source", String(32), nullable=False),
    Column("ref", String(500), nullable=False),
    Column("file", String(1000), nullable=False),
    Column("line", Integer),
    Column("digest", String(64), nullable=False),
    Column("seen_at", UTCDateTime, nullable=False),
    UniqueConstraint("source", "ref", "file"),
)

settings = Table(
    "settings",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# A cache, not data: never exported or copied (migration 0006 explains how it is
# kept from going stale).
tie_tallies = Table(
    "tie_tallies",
    metadata,
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("as_of", Integer, nullable=False),
    # The month index (year·12 + month − 1) the stored month-end scores count back from.
    Column("months_base", Integer, nullable=False),
    # float64 values, in the order of dunbar.store.tallies.PACKED.
    Column("data", LargeBinary, nullable=False),
)

not_duplicates = Table(
    "not_duplicates",
    metadata,
    Column("person_a_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column(
        "person_b_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("dismissed_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("person_a_id", "person_b_id"),
    CheckConstraint("person_a_id < person_b_id", name="ordered_pair"),
)

MARK_KINDS = ("all", "fading", "dormant", "follow_up", "favour", "occasion")

agenda_marks = Table(
    "agenda_marks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "person_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("kind", String(16), nullable=False),
    Column("action", String(8), nullable=False),
    Column("until", Date, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint(_in("kind", MARK_KINDS), name="kind"),
    CheckConstraint(_in("action", ("done", "snooze")), name="action"),
)

# A cache, not data (like tie_tallies): never exported or copied. Sentence
# vectors of the texts topic matching embeds (migration 0008 explains the keys).
topic_vectors = Table(
    "topic_vectors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("note_id", Integer, ForeignKey("notes.id", ondelete="CASCADE"), index=True),
    Column("owner", String(8), nullable=False),
    Column("item", String(300), nullable=False),
    Column("model", String(100), nullable=False),
    Column("text_hash", String(64), nullable=False),
    Column("dim", Integer, nullable=False),
    # float32 little-endian, dim values, unit length; on one row per distinct text
    # (NULL on the others, which share it through text_hash).
    Column("vector", LargeBinary),
    CheckConstraint(_in("owner", ("person", "note")), name="owner"),
    CheckConstraint("(owner = 'note') = (note_id IS NOT NULL)", name="note_owner"),
    UniqueConstraint("person_id", "item", "model"),
    Index("ix_topic_vectors_model_hash", "model", "text_hash"),
)

# Tables in an order that satisfies foreign keys (parents first).
DATA_TABLES: tuple[Table, ...] = (
    ledger_meta,
    organisations,
    people,
    identities,
    person_labels,
    gatherings,
    encounters,
    encounter_participants,
    notes,
    favours,
    introductions,
    acquaintances,
    attendance,
    seating,
    follow_ups,
    provenance,
    settings,
    agenda_marks,
    not_duplicates,
)


_LIMITS: dict[str, dict[str, int]] = {}


def check_lengths(table: Table, values: Mapping[str, Any]) -> None:
    """Refuse text longer than its column allows.

    PostgreSQL enforces ``VARCHAR(n)``, SQLite does not: checking here makes both
    backends accept the same values (and every SQLite backup restorable anywhere).
    """
    limits = _LIMITS.get(table.name)
    if limits is None:
        limits = _LIMITS[table.name] = {
            c.name: int(getattr(c.type, "length", 0) or 0)
            for c in table.c
            if getattr(c.type, "length", None)
        }
    for name, value in values.items():
        length = limits.get(name)
        if isinstance(value, str) and length is not None and len(value) > length:
            raise ValidationError(
                f"{name.replace('_', ' ')} too long ({len(value)} characters, at most {length})",
                field=name,
            )
