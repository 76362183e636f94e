"""A digest of what the imported file said about each encounter.

``encounters.source_digest`` (nullable, 40 hex characters) is the SHA-1 of an
imported encounter's content as the file gave it (:meth:`dunbar.importers.records.
EncounterRecord.digest`: time in UTC, minutes, channel, initiative, title and the
participants' identity keys). A re-import of the same ``(source, source_ref)``
compares digests: the same digest is left alone, a different one updates the
encounter (time, minutes, channel, initiative, title, participants). Encounters
written by hand, and those imported before this revision, have none; the next
import of the latter stores the digest and changes nothing else (what changed
since the first import can no longer be told).

SQLite adds the column with ``ALTER TABLE ... ADD COLUMN`` (batch mode does not
recreate a table for a nullable column without a default), so the search and
tally triggers on ``encounters`` stay as they are. The downgrade drops it the
same way (``ALTER TABLE ... DROP COLUMN``, SQLite 3.35 and later): recreating
the table would drop those triggers.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("encounters") as batch:
        batch.add_column(sa.Column("source_digest", sa.String(40)))


def downgrade() -> None:
    op.execute("ALTER TABLE encounters DROP COLUMN source_digest")
