"""Full-text search: one index over people, notes and encounters.

SQLite gets an FTS5 table, PostgreSQL a table with a generated ``tsvector`` and a
GIN index. On both, triggers keep the index in step with the base tables, so no
write path can forget it. Row ids encode what a row points at:
``4*id + 0`` a person, ``4*id + 1`` a note, ``4*id + 2`` an encounter.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import unicodedata

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# What a person's document says: names, work, place, how we met, and labels.
PERSON_DOC_VIEW = """
CREATE VIEW person_search_doc AS
SELECT p.id AS id,
       p.name || ' ' || p.name_key || ' ' || COALESCE(p.title, '') || ' '
       || COALESCE(o.name, '') || ' ' || COALESCE(p.location, '') || ' '
       || COALESCE(p.how_met, '') || ' ' || COALESCE(p.where_met, '') || ' '
       || COALESCE((SELECT {agg} FROM person_labels l WHERE l.person_id = p.id), '')
       AS body
FROM people p LEFT JOIN organisations o ON o.id = p.org_id
"""

# Statements written once, rendered per dialect: {T} is the index table, {K} its key.
PERSON_REFRESH = [
    "DELETE FROM {T} WHERE {K} = 4 * {pid}",
    "INSERT INTO {T} ({K}, kind, ref, person_id, body) "
    "SELECT 4 * id, 'person', id, id, body FROM person_search_doc WHERE id = {pid}",
]
NOTE_REFRESH = [
    "DELETE FROM {T} WHERE {K} = 4 * {row}.id + 1",
    "INSERT INTO {T} ({K}, kind, ref, person_id, body) "
    "VALUES (4 * {row}.id + 1, 'note', {row}.id, {row}.person_id, "
    "{row}.body || ' ' || CAST({row}.topics AS TEXT))",
]
ENCOUNTER_REFRESH = [
    "DELETE FROM {T} WHERE {K} = 4 * {row}.id + 2",
    "INSERT INTO {T} ({K}, kind, ref, person_id, body) "
    "SELECT 4 * {row}.id + 2, 'encounter', {row}.id, NULL, "
    "COALESCE({row}.title, '') || ' ' || COALESCE({row}.notes, '') "
    "WHERE {row}.title IS NOT NULL OR {row}.notes IS NOT NULL",
]


def _fill(template: str, **values: str) -> str:
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def _triggers(table: str, key: str) -> list[tuple[str, str, str, list[str]]]:
    """(name, timing and event, table, statements) of every trigger."""

    def person(pid: str) -> list[str]:
        return [_fill(s, pid=pid, T=table, K=key) for s in PERSON_REFRESH]

    def row(templates: list[str], which: str) -> list[str]:
        return [_fill(s, row=which, T=table, K=key) for s in templates]

    org_refresh = [
        _fill(s, T=table, K=key)
        for s in (
            "DELETE FROM {T} WHERE {K} IN (SELECT 4 * id FROM people WHERE org_id = NEW.id)",
            "INSERT INTO {T} ({K}, kind, ref, person_id, body) "
            "SELECT 4 * d.id, 'person', d.id, d.id, d.body FROM person_search_doc d "
            "JOIN people p ON p.id = d.id WHERE p.org_id = NEW.id",
        )
    ]
    return [
        ("people_ai", "AFTER INSERT", "people", person("NEW.id")),
        ("people_au", "AFTER UPDATE", "people", person("NEW.id")),
        ("people_ad", "AFTER DELETE", "people", [f"DELETE FROM {table} WHERE {key} = 4 * OLD.id"]),
        ("labels_ai", "AFTER INSERT", "person_labels", person("NEW.person_id")),
        ("labels_ad", "AFTER DELETE", "person_labels", person("OLD.person_id")),
        ("orgs_au", "AFTER UPDATE", "organisations", org_refresh),
        ("notes_ai", "AFTER INSERT", "notes", row(NOTE_REFRESH, "NEW")),
        ("notes_au", "AFTER UPDATE", "notes", row(NOTE_REFRESH, "NEW")),
        (
            "notes_ad",
            "AFTER DELETE",
            "notes",
            [f"DELETE FROM {table} WHERE {key} = 4 * OLD.id + 1"],
        ),
        ("encounters_ai", "AFTER INSERT", "encounters", row(ENCOUNTER_REFRESH, "NEW")),
        ("encounters_au", "AFTER UPDATE", "encounters", row(ENCOUNTER_REFRESH, "NEW")),
        (
            "encounters_ad",
            "AFTER DELETE",
            "encounters",
            [f"DELETE FROM {table} WHERE {key} = 4 * OLD.id + 2"],
        ),
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _upgrade_sqlite()
    else:
        _upgrade_postgresql()


def _upgrade_sqlite() -> None:
    op.execute(PERSON_DOC_VIEW.format(agg="group_concat(l.value, ' ')"))
    op.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5("
        "kind UNINDEXED, ref UNINDEXED, person_id UNINDEXED, body, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    for name, event, table, statements in _triggers("search_fts", "rowid"):
        body = " ".join(s + ";" for s in statements)
        op.execute(f"CREATE TRIGGER search_{name} {event} ON {table} BEGIN {body} END")
    _backfill("search_fts", "rowid")


def _fold_map() -> tuple[str, str]:
    """Latin letters with diacritics and their plain forms, for SQL ``translate``."""
    accented, plain = [], []
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = unicodedata.normalize("NFKD", char)[0]
        if base != char and base.isascii() and base.isalpha():
            accented.append(char)
            plain.append(base)
    return "".join(accented), "".join(plain)


def _upgrade_postgresql() -> None:
    op.execute(PERSON_DOC_VIEW.format(agg="string_agg(l.value, ' ')"))
    # Accent folding without the unaccent extension (which needs privileges a team
    # server may not grant): an IMMUTABLE translate() usable in a generated column.
    accented, plain = _fold_map()
    op.execute(
        "CREATE FUNCTION dunbar_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE "
        f"PARALLEL SAFE AS $$ SELECT translate(lower(value), '{accented}', '{plain.lower()}') $$"
    )
    op.execute(
        "CREATE TABLE search_index ("
        "rowid_key BIGINT PRIMARY KEY, kind VARCHAR(16) NOT NULL, ref INTEGER NOT NULL, "
        "person_id INTEGER, body TEXT NOT NULL, "
        "tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', dunbar_fold(body))) STORED)"
    )
    op.execute("CREATE INDEX ix_search_index_tsv ON search_index USING gin (tsv)")
    for name, event, table, statements in _triggers("search_index", "rowid_key"):
        returned = "OLD" if "DELETE" in event else "NEW"
        body = " ".join(s + ";" for s in statements)
        op.execute(
            f"CREATE FUNCTION search_{name}_fn() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN {returned}; END $$"
        )
        op.execute(
            f"CREATE TRIGGER search_{name} {event} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION search_{name}_fn()"
        )
    _backfill("search_index", "rowid_key")


def _backfill(table: str, key: str) -> None:
    op.execute(
        f"INSERT INTO {table} ({key}, kind, ref, person_id, body) "
        "SELECT 4 * id, 'person', id, id, body FROM person_search_doc"
    )
    op.execute(
        f"INSERT INTO {table} ({key}, kind, ref, person_id, body) "
        "SELECT 4 * id + 1, 'note', id, person_id, body || ' ' || CAST(topics AS TEXT) "
        "FROM notes"
    )
    op.execute(
        f"INSERT INTO {table} ({key}, kind, ref, person_id, body) "
        "SELECT 4 * id + 2, 'encounter', id, NULL, "
        "COALESCE(title, '') || ' ' || COALESCE(notes, '') FROM encounters "
        "WHERE title IS NOT NULL OR notes IS NOT NULL"
    )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    table, key = ("search_fts", "rowid") if sqlite else ("search_index", "rowid_key")
    for name, _event, base, _statements in _triggers(table, key):
        op.execute(f"DROP TRIGGER IF EXISTS search_{name}" + ("" if sqlite else f" ON {base}"))
        if not sqlite:
            op.execute(f"DROP FUNCTION IF EXISTS search_{name}_fn()")
    op.execute(f"DROP TABLE IF EXISTS {table}")
    if not sqlite:
        op.execute("DROP FUNCTION IF EXISTS dunbar_fold(text)")
    op.execute("DROP VIEW IF EXISTS person_search_doc")
