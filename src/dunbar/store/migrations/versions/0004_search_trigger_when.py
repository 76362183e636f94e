"""Index an inserted encounter for search only when it has text.

The 0002 trigger fired for every inserted encounter, titled or not: about 6 s per
million rows on the bulk import path (benchmarks/RESULTS.md). A ``WHEN`` clause
skips the untitled ones; what gets indexed is unchanged.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

HAS_TEXT = "NEW.title IS NOT NULL OR NEW.notes IS NOT NULL"
SQLITE_BODY = (
    "INSERT INTO search_fts (rowid, kind, ref, person_id, body) "
    "VALUES (4 * NEW.id + 2, 'encounter', NEW.id, NULL, "
    "COALESCE(NEW.title, '') || ' ' || COALESCE(NEW.notes, ''));"
)


def upgrade() -> None:
    _recreate(when=True)


def downgrade() -> None:
    _recreate(when=False)


def _recreate(*, when: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER search_encounters_ai")
        if when:
            op.execute(
                "CREATE TRIGGER search_encounters_ai AFTER INSERT ON encounters "
                f"WHEN {HAS_TEXT} BEGIN {SQLITE_BODY} END"
            )
        else:
            op.execute(
                "CREATE TRIGGER search_encounters_ai AFTER INSERT ON encounters BEGIN "
                "DELETE FROM search_fts WHERE rowid = 4 * NEW.id + 2; "
                "INSERT INTO search_fts (rowid, kind, ref, person_id, body) "
                "SELECT 4 * NEW.id + 2, 'encounter', NEW.id, NULL, "
                "COALESCE(NEW.title, '') || ' ' || COALESCE(NEW.notes, '') "
                f"WHERE {HAS_TEXT}; END"
            )
        return
    op.execute("DROP TRIGGER search_encounters_ai ON encounters")
    condition = f"WHEN ({HAS_TEXT}) " if when else ""
    op.execute(
        "CREATE TRIGGER search_encounters_ai AFTER INSERT ON encounters "
        f"FOR EACH ROW {condition}EXECUTE FUNCTION search_encounters_ai_fn()"
    )
