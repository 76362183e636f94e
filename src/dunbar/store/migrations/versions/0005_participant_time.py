"""Keep each encounter's time on its participant rows, indexed by person and time.

"When did I last see each person, and how often?" (``dunbar people``) and a
person's timeline (``dunbar show``) were answered by joining every participant row
to its encounter: 1.5 s at 50,000 people and 500,000 encounters
(benchmarks/RESULTS.md). With ``occurred_at`` copied onto
``encounter_participants`` and the person index on ``(person_id, occurred_at,
encounter_id)``, both are index-only scans. An encounter's time is written once,
when it is inserted (dunbar never moves an encounter in time), so the copy cannot
drift; ``store.encounters`` is the only writer.

The encounters' own index on ``occurred_at`` goes: nothing asks for encounters by
time without a person any more, and it cost a B-tree insert per encounter. The
index on ``gathering_id`` keeps only the encounters of a gathering (partial), so
the many that belong to none cost nothing. Together about 9 % of a bulk import.

On SQLite the table becomes ``WITHOUT ROWID``: its rows live in the primary-key
B-tree itself, so a participant costs two B-tree inserts instead of three, which
pays for the wider index on the bulk import path.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dunbar.store.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEX = "ix_encounter_participants_person"


def _fk(column: str, target: str) -> sa.Column[int]:
    return sa.Column(column, sa.Integer, sa.ForeignKey(target, ondelete="CASCADE"), nullable=False)


GATHERING_INDEX = "ix_encounters_gathering_id"
TIME_INDEX = "ix_encounters_occurred_at"
NOT_NULL = sa.text("gathering_id IS NOT NULL")


def upgrade() -> None:
    op.drop_index(TIME_INDEX, table_name="encounters")
    op.drop_index(GATHERING_INDEX, table_name="encounters")
    op.create_index(
        GATHERING_INDEX,
        "encounters",
        ["gathering_id"],
        sqlite_where=NOT_NULL,
        postgresql_where=NOT_NULL,
    )
    if op.get_bind().dialect.name == "sqlite":
        op.create_table(
            "encounter_participants_new",
            _fk("encounter_id", "encounters.id"),
            _fk("person_id", "people.id"),
            sa.Column("occurred_at", UTCDateTime, nullable=False),
            sa.PrimaryKeyConstraint("encounter_id", "person_id", name="pk_encounter_participants"),
            sqlite_with_rowid=False,
        )
        op.execute(
            "INSERT INTO encounter_participants_new (encounter_id, person_id, occurred_at) "
            "SELECT p.encounter_id, p.person_id, e.occurred_at "
            "FROM encounter_participants AS p JOIN encounters AS e ON e.id = p.encounter_id"
        )
        op.drop_index(INDEX, table_name="encounter_participants")
        op.drop_table("encounter_participants")
        op.rename_table("encounter_participants_new", "encounter_participants")
    else:
        op.add_column("encounter_participants", sa.Column("occurred_at", UTCDateTime))
        op.execute(
            "UPDATE encounter_participants AS p SET occurred_at = e.occurred_at "
            "FROM encounters AS e WHERE e.id = p.encounter_id"
        )
        op.alter_column("encounter_participants", "occurred_at", nullable=False)
        op.drop_index(INDEX, table_name="encounter_participants")
    op.create_index(INDEX, "encounter_participants", ["person_id", "occurred_at", "encounter_id"])


def downgrade() -> None:
    op.drop_index(GATHERING_INDEX, table_name="encounters")
    op.create_index(GATHERING_INDEX, "encounters", ["gathering_id"])
    op.create_index(TIME_INDEX, "encounters", ["occurred_at"])
    if op.get_bind().dialect.name == "sqlite":
        op.create_table(
            "encounter_participants_old",
            _fk("encounter_id", "encounters.id"),
            _fk("person_id", "people.id"),
            sa.PrimaryKeyConstraint("encounter_id", "person_id", name="pk_encounter_participants"),
        )
        op.execute(
            "INSERT INTO encounter_participants_old (encounter_id, person_id) "
            "SELECT encounter_id, person_id FROM encounter_participants"
        )
        op.drop_index(INDEX, table_name="encounter_participants")
        op.drop_table("encounter_participants")
        op.rename_table("encounter_participants_old", "encounter_participants")
    else:
        op.drop_index(INDEX, table_name="encounter_participants")
        op.drop_column("encounter_participants", "occurred_at")
    op.create_index(INDEX, "encounter_participants", ["person_id", "encounter_id"])
