"""The ledger: people, organisations, encounters, notes, favours, introductions,
acquaintances and gatherings.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dunbar.store.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

CHANNELS = "'in_person', 'video', 'call', 'event', 'message', 'email', 'reaction'"


def _fk(column: str, target: str, ondelete: str, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(
        column, sa.Integer, sa.ForeignKey(target, ondelete=ondelete), nullable=nullable
    )


def upgrade() -> None:
    op.create_table(
        "ledger_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("name_key", sa.String(300), nullable=False, unique=True),
        sa.Column("domain", sa.String(255)),
        sa.Column("industry", sa.String(200)),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("name_key", sa.String(300), nullable=False),
        sa.Column("given_name", sa.String(200)),
        sa.Column("family_name", sa.String(200)),
        sa.Column("is_me", sa.Boolean, nullable=False, server_default=sa.text("false")),
        _fk("org_id", "organisations.id", "SET NULL", nullable=True),
        sa.Column("title", sa.String(300)),
        sa.Column("location", sa.String(300)),
        sa.Column("how_met", sa.Text),
        sa.Column("where_met", sa.String(300)),
        sa.Column("first_known", sa.Date),
        sa.Column("closeness", sa.Integer),
        sa.Column("is_kin", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("birthday", sa.String(10)),
        sa.Column("custom", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.CheckConstraint(
            "closeness IS NULL OR (closeness BETWEEN 1 AND 7)", name="closeness_range"
        ),
    )
    op.create_index("ix_people_name_key", "people", ["name_key"])
    op.create_index("ix_people_org_id", "people", ["org_id"])
    op.create_index(
        "uq_people_one_me",
        "people",
        ["is_me"],
        unique=True,
        sqlite_where=sa.text("is_me"),
        postgresql_where=sa.text("is_me"),
    )

    op.create_table(
        "identities",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("person_id", "people.id", "CASCADE"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.String(500), nullable=False),
        sa.Column("label", sa.String(100)),
        sa.CheckConstraint("kind IN ('email', 'phone', 'url', 'handle')", name="kind"),
        sa.UniqueConstraint("kind", "value"),
    )
    op.create_index("ix_identities_person_id", "identities", ["person_id"])

    op.create_table(
        "person_labels",
        _fk("person_id", "people.id", "CASCADE"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("value_key", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "kind", "value_key"),
        sa.CheckConstraint("kind IN ('tag', 'topic', 'offer', 'need')", name="kind"),
    )
    op.create_index("ix_person_labels_kind_key", "person_labels", ["kind", "value_key"])

    op.create_table(
        "gatherings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("venue", sa.String(300)),
        sa.Column("capacity", sa.Integer),
        sa.Column("notes", sa.Text),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.CheckConstraint("kind IN ('dinner', 'event', 'meetup')", name="kind"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )

    op.create_table(
        "encounters",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("occurred_at", UTCDateTime, nullable=False),
        sa.Column("minutes", sa.Integer),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("initiative", sa.String(8), nullable=False),
        sa.Column("title", sa.String(500)),
        sa.Column("notes", sa.Text),
        _fk("gathering_id", "gatherings.id", "SET NULL", nullable=True),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("source_ref", sa.String(500)),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.CheckConstraint(f"channel IN ({CHANNELS})", name="channel"),
        sa.CheckConstraint("initiative IN ('out', 'in', 'mutual', 'unknown')", name="initiative"),
        sa.CheckConstraint("minutes IS NULL OR minutes >= 0", name="minutes_nonnegative"),
        sa.UniqueConstraint("source", "source_ref"),
    )
    op.create_index("ix_encounters_occurred_at", "encounters", ["occurred_at"])
    op.create_index("ix_encounters_gathering_id", "encounters", ["gathering_id"])

    op.create_table(
        "encounter_participants",
        _fk("encounter_id", "encounters.id", "CASCADE"),
        _fk("person_id", "people.id", "CASCADE"),
        sa.PrimaryKeyConstraint("encounter_id", "person_id"),
    )
    op.create_index(
        "ix_encounter_participants_person", "encounter_participants", ["person_id", "encounter_id"]
    )

    op.create_table(
        "notes",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("person_id", "people.id", "CASCADE", nullable=True),
        _fk("encounter_id", "encounters.id", "SET NULL", nullable=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("topics", sa.JSON, nullable=False),
        sa.Column("written_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_notes_person_id", "notes", ["person_id"])

    op.create_table(
        "favours",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("giver_id", "people.id", "CASCADE"),
        _fk("receiver_id", "people.id", "CASCADE"),
        sa.Column("what", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("on_date", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.CheckConstraint("kind IN ('advice', 'intro', 'referral', 'help', 'other')", name="kind"),
        sa.CheckConstraint("status IN ('asked', 'promised', 'done')", name="status"),
        sa.CheckConstraint("giver_id <> receiver_id", name="two_people"),
    )
    op.create_index("ix_favours_giver_id", "favours", ["giver_id"])
    op.create_index("ix_favours_receiver_id", "favours", ["receiver_id"])

    op.create_table(
        "introductions",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("broker_id", "people.id", "CASCADE"),
        _fk("person_a_id", "people.id", "CASCADE"),
        _fk("person_b_id", "people.id", "CASCADE"),
        sa.Column("on_date", sa.Date, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.CheckConstraint(
            "outcome IN ('pending', 'met', 'worked_together', 'nothing')", name="outcome"
        ),
        sa.CheckConstraint(
            "person_a_id <> person_b_id AND broker_id <> person_a_id AND broker_id <> person_b_id",
            name="three_people",
        ),
    )
    for column in ("broker_id", "person_a_id", "person_b_id"):
        op.create_index(f"ix_introductions_{column}", "introductions", [column])

    op.create_table(
        "acquaintances",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("person_a_id", "people.id", "CASCADE"),
        _fk("person_b_id", "people.id", "CASCADE"),
        sa.Column("evidence", sa.String(20), nullable=False),
        sa.Column("strength", sa.Float),
        sa.Column("occurrences", sa.Integer, nullable=False, server_default=sa.text("1")),
        sa.Column("first_seen", sa.Date),
        sa.Column("last_seen", sa.Date),
        sa.CheckConstraint("person_a_id < person_b_id", name="ordered_pair"),
        sa.CheckConstraint(
            "evidence IN ('declared', 'shared_encounter', 'email_cc', 'shared_gathering')",
            name="evidence",
        ),
        sa.CheckConstraint(
            "strength IS NULL OR (strength >= 0 AND strength <= 1)", name="strength_range"
        ),
        sa.UniqueConstraint("person_a_id", "person_b_id", "evidence"),
    )
    op.create_index("ix_acquaintances_person_b_id", "acquaintances", ["person_b_id"])

    op.create_table(
        "attendance",
        _fk("gathering_id", "gatherings.id", "CASCADE"),
        _fk("person_id", "people.id", "CASCADE"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("gathering_id", "person_id"),
        sa.CheckConstraint(
            "status IN ('invited', 'confirmed', 'attended', 'no_show')", name="status"
        ),
    )
    op.create_index("ix_attendance_person_id", "attendance", ["person_id"])

    op.create_table(
        "seating",
        _fk("gathering_id", "gatherings.id", "CASCADE"),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("table_no", sa.Integer, nullable=False),
        sa.Column("seat", sa.Integer, nullable=False),
        _fk("person_id", "people.id", "CASCADE"),
        sa.PrimaryKeyConstraint("gathering_id", "round", "person_id"),
        sa.UniqueConstraint("gathering_id", "round", "table_no", "seat"),
    )
    op.create_index("ix_seating_person_id", "seating", ["person_id"])

    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("person_id", "people.id", "CASCADE"),
        _fk("gathering_id", "gatherings.id", "CASCADE", nullable=True),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("done", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_follow_ups_person_id", "follow_ups", ["person_id"])


def downgrade() -> None:
    for table in (
        "follow_ups",
        "seating",
        "attendance",
        "acquaintances",
        "introductions",
        "favours",
        "notes",
        "encounter_participants",
        "encounters",
        "gatherings",
        "person_labels",
        "identities",
        "people",
        "organisations",
        "ledger_meta",
    ):
        op.drop_table(table)
