"""Pairs of people a person said are not duplicates (``dunbar not-duplicates A B``).

One row per dismissed pair, the lower id first, so that neither ``dunbar
duplicates`` nor a later import proposes the pair again. Rows go with either
person: by cascade, and explicitly in ``forget``; ``merge`` hands the merged-away
person's rows to the person kept.

(The brief for this change named it 0006, but 0006 was taken by the strength
migration first, whose docstring asks later migrations to chain after it.)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dunbar.store.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "not_duplicates",
        sa.Column(
            "person_a_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "person_b_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("dismissed_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("person_a_id", "person_b_id"),
        sa.CheckConstraint("person_a_id < person_b_id", name="ordered_pair"),
    )
    op.create_index("ix_not_duplicates_person_b_id", "not_duplicates", ["person_b_id"])


def downgrade() -> None:
    op.drop_index("ix_not_duplicates_person_b_id", table_name="not_duplicates")
    op.drop_table("not_duplicates")
