"""Gatherings can belong to a series: a recurring club's evenings.

``gatherings.series`` (nullable text, indexed) names the series, e.g. "Mid-week
supper club". Its members are everyone who attended one of its gatherings;
``dunbar gathering invite G --members`` invites them to the next evening, and
the seating plan of any gathering counts who sat together at earlier ones
(``shared_gathering`` evidence), so a club's new evening maximises new pairs given
its whole history.

SQLite adds the column with ``ALTER TABLE ... ADD COLUMN`` (a nullable column
without a default), so no table is recreated.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("gatherings") as batch:
        batch.add_column(sa.Column("series", sa.String(300)))
    op.create_index("ix_gatherings_series", "gatherings", ["series"])


def downgrade() -> None:
    op.drop_index("ix_gatherings_series", table_name="gatherings")
    op.execute("ALTER TABLE gatherings DROP COLUMN series")
