"""Strength: the ledger's own parameters, stored tallies, and agenda marks.

(Revision 0006 is the strength migration. Any later migration chains after it:
``down_revision = "0006"``.)

``settings``
    One JSON value per key: the strength parameters of this ledger
    (``strength.params``) and the parameters the stored tallies were made with
    (``strength.tallies``). Never a global: each ledger carries its own.
``tie_tallies``
    Each person's :class:`~dunbar.strength.batch.Tally`: the decayed sums that a
    score is made of, as of one day, packed as float64 values in one binary
    column (``data``, laid out by :mod:`dunbar.store.tallies`), so that 50,000
    of them load in a few milliseconds. Brought forward exactly to any later day,
    they answer "score everyone" without reading the encounters again. A row is
    deleted whenever what it sums changes, in the same transaction: the store's
    encounter writers delete the rows of a new encounter's participants, and the
    triggers below catch every other change (a participant removed or moved, an
    encounter edited, a closeness or first-known date changed). A missing row
    is recomputed from the person's episodes when next needed, so the table can
    never answer with a stale score.
``agenda_marks``
    "Done" and "snoozed" marks on agenda items (``dunbar done``, ``snooze``), with
    the day until which they hold.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dunbar.store.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Deleting a person's tally, for every participant of an encounter (the group
# size of all of them changes when one is added, moved or removed).
FORGET_ENCOUNTER = (
    "DELETE FROM tie_tallies WHERE person_id IN "
    "(SELECT person_id FROM encounter_participants WHERE encounter_id = {row}.{column})"
)
FORGET_PERSON = "DELETE FROM tie_tallies WHERE person_id = {row}.person_id"

# (name, event, table, statements)
TRIGGERS = [
    (
        "participant_ad",
        "AFTER DELETE",
        "encounter_participants",
        [
            FORGET_PERSON.format(row="OLD"),
            FORGET_ENCOUNTER.format(row="OLD", column="encounter_id"),
        ],
    ),
    (
        "participant_au",
        "AFTER UPDATE",
        "encounter_participants",
        [
            FORGET_PERSON.format(row="OLD"),
            FORGET_PERSON.format(row="NEW"),
            FORGET_ENCOUNTER.format(row="OLD", column="encounter_id"),
            FORGET_ENCOUNTER.format(row="NEW", column="encounter_id"),
        ],
    ),
    (
        "encounter_au",
        "AFTER UPDATE OF occurred_at, minutes, channel, initiative",
        "encounters",
        [FORGET_ENCOUNTER.format(row="NEW", column="id")],
    ),
    (
        "person_au",
        "AFTER UPDATE OF closeness, first_known",
        "people",
        ["DELETE FROM tie_tallies WHERE person_id = NEW.id"],
    ),
]


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.JSON, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "tie_tallies",
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("as_of", sa.Integer, nullable=False),
        sa.Column("months_base", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "agenda_marks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("until", sa.Date, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.CheckConstraint(
            "kind IN ('all', 'fading', 'dormant', 'follow_up', 'favour', 'occasion')",
            name="kind",
        ),
        sa.CheckConstraint("action IN ('done', 'snooze')", name="action"),
    )
    op.create_index("ix_agenda_marks_person_id", "agenda_marks", ["person_id"])
    sqlite = op.get_bind().dialect.name == "sqlite"
    for name, event, table, statements in TRIGGERS:
        body = "; ".join(statements) + ";"
        if sqlite:
            op.execute(f"CREATE TRIGGER tally_{name} {event} ON {table} BEGIN {body} END")
        else:
            op.execute(
                f"CREATE FUNCTION tally_{name}_fn() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {body} RETURN NULL; END $$"
            )
            op.execute(
                f"CREATE TRIGGER tally_{name} {event} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION tally_{name}_fn()"
            )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for name, _, table, _ in TRIGGERS:
        if sqlite:
            op.execute(f"DROP TRIGGER IF EXISTS tally_{name}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS tally_{name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS tally_{name}_fn()")
    op.drop_index("ix_agenda_marks_person_id", table_name="agenda_marks")
    op.drop_table("agenda_marks")
    op.drop_table("tie_tallies")
    op.drop_table("settings")
