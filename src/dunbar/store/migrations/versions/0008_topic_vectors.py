"""Topic vectors: the stored sentence embeddings of topic matching (a cache).

``topic_vectors`` holds one row per embedded item of a person's document
(:mod:`dunbar.store.topics`): a label, the title, the organisation's name, a
note's body, a note's topic.

``owner``, ``person_id``, ``note_id``
    ``person`` for the person's own fields, ``note`` for a note about them
    (then ``note_id`` is set). Both foreign keys cascade, so that deleting a
    person or a note (and ``forget``, which also deletes the rows explicitly)
    leaves no vector behind.
``item``
    The item within the person's document: ``tag:<key>``, ``topic:<key>``,
    ``offer:<key>``, ``title``, ``organisation``, ``note:<id>``,
    ``note_topic:<id>:<n>``. Unique per person and model.
``model``, ``text_hash``, ``dim``, ``vector``
    The model's name, the SHA-256 of the exact text embedded, the dimension and
    the float32 vector. A vector is only ever used for a text with the same
    hash, so an edited label or note is never matched by its old vector; ``dunbar
    topics index`` replaces stale rows and removes those of items that are gone.
    Identical texts (one tag on 5,000 people) share one vector: it is stored on
    one of their rows, the others have ``vector`` NULL. When the row holding it
    goes, the index run moves the vector to another row of the same text, or
    embeds it again if that row went with a forgotten person (the next query
    embeds the few missing texts itself, or says to run the index).

It is derived data: not in backups' table copies or exports, and rebuilt by
``dunbar topics index``.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "topic_vectors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("note_id", sa.Integer, sa.ForeignKey("notes.id", ondelete="CASCADE")),
        sa.Column("owner", sa.String(8), nullable=False),
        sa.Column("item", sa.String(300), nullable=False),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("dim", sa.Integer, nullable=False),
        sa.Column("vector", sa.LargeBinary),
        sa.CheckConstraint("owner IN ('person', 'note')", name="owner"),
        sa.CheckConstraint("(owner = 'note') = (note_id IS NOT NULL)", name="note_owner"),
        sa.UniqueConstraint("person_id", "item", "model"),
    )
    op.create_index("ix_topic_vectors_note_id", "topic_vectors", ["note_id"])
    op.create_index("ix_topic_vectors_model_hash", "topic_vectors", ["model", "text_hash"])


def downgrade() -> None:
    op.drop_index("ix_topic_vectors_model_hash", table_name="topic_vectors")
    op.drop_index("ix_topic_vectors_note_id", table_name="topic_vectors")
    op.drop_table("topic_vectors")
