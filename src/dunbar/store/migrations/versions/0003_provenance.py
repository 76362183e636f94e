"""Provenance: where each imported person came from (file, line or UID).

One row per record of a source that fed a person: the source format, a stable key
of the record within that source (a vCard UID, a profile URL, an email, a name
key), the file and line it was last seen in, and a digest of its content, so that
re-importing an unchanged record changes nothing and an updated one is updated.
The same record (a UID, say) may come from several files, one row for each.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dunbar.store.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "provenance",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("ref", sa.String(500), nullable=False),
        sa.Column("file", sa.String(1000), nullable=False),
        sa.Column("line", sa.Integer),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("seen_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("source", "ref", "file"),
    )
    op.create_index("ix_provenance_person_id", "provenance", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_provenance_person_id", table_name="provenance")
    op.drop_table("provenance")
