"""The schema: migrations agree with ``tables.py``, old ledgers upgrade, strangers are refused."""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

from dunbar import (
    DatabaseError,
    DunbarError,
    LabelKind,
    Ledger,
    NoLedgerError,
    NotALedgerError,
    SchemaTooNewError,
)
from dunbar.model import Channel, Initiative
from dunbar.store import people as people_store
from dunbar.store import records
from dunbar.store.engine import make_engine, resolve_url
from dunbar.store.schema import HEAD, MIGRATIONS, REVISIONS, current_revision, stamp_meta, upgrade
from dunbar.store.tables import metadata

NOW = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)
# The full-text index is built by raw SQL in 0002 and is deliberately not in metadata.
FTS_OBJECTS = ("search_fts", "search_index", "ix_search_index_tsv")


@contextmanager
def connected(target: str) -> Iterator[Connection]:
    engine = make_engine(resolve_url(target))
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def _name(diff: object) -> str:
    obj = diff[1] if isinstance(diff, tuple) else None
    return str(getattr(obj, "name", ""))


def test_revisions_match_the_scripts() -> None:
    scripts = ScriptDirectory(str(MIGRATIONS))
    chain = [s.revision for s in reversed(list(scripts.walk_revisions()))]
    assert tuple(chain) == REVISIONS
    assert scripts.get_heads() == [HEAD]
    for older, newer in itertools.pairwise(REVISIONS):
        assert scripts.get_revision(newer).down_revision == older


def test_upgrade_head_on_an_empty_database(fresh_target: str) -> None:
    with connected(fresh_target) as conn:
        assert current_revision(conn) is None
        upgrade(conn)
        stamp_meta(conn, now=NOW)
        assert current_revision(conn) == HEAD
        names = set(inspect(conn).get_table_names())
        assert set(metadata.tables) <= names
        assert "alembic_version" in names


def test_migrated_schema_matches_the_tables(fresh_target: str) -> None:
    with connected(fresh_target) as conn:
        upgrade(conn)
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        diffs = compare_metadata(context, metadata)
        unexplained = [d for d in diffs if not _name(d).startswith(FTS_OBJECTS)]
        assert unexplained == []
        assert diffs, "the FTS objects exist, so compare_metadata must see them"

        # compare_metadata skips CHECK constraints and ON DELETE rules: compare them too.
        inspector = inspect(conn)
        for table in metadata.sorted_tables:
            expected_checks = {
                c.name for c in table.constraints if c.__class__.__name__ == "CheckConstraint"
            }
            found_checks = {c["name"] for c in inspector.get_check_constraints(table.name)}
            assert found_checks == expected_checks, table.name
            expected_fks = {
                (fk.parent.name, fk.column.table.name, fk.ondelete) for fk in table.foreign_keys
            }
            found_fks = {
                (fk["constrained_columns"][0], fk["referred_table"], fk["options"].get("ondelete"))
                for fk in inspector.get_foreign_keys(table.name)
            }
            assert found_fks == expected_fks, table.name


def _old_ledger(target: str) -> dict[str, Any]:
    """A ledger written by a dunbar whose newest schema was 0001 (no search index)."""
    with connected(target) as conn:
        upgrade(conn, "0001")
        stamp_meta(conn, now=NOW)
        people_store.insert_person(
            conn, people_store.PersonFields(name="Rosa Díaz"), now=NOW, is_me=True
        )
        zoe = people_store.insert_person(
            conn, people_store.PersonFields(name="Zoë Núñez", title="Treasurer"), now=NOW
        )
        people_store.set_labels(conn, zoe, LabelKind.TOPIC, ["cooperatives"], add=True)
        note = records.insert_note(
            conn,
            "Writes about mutual banks",
            person_id=zoe,
            topics=["banking"],
            when=NOW,
            encounter_id=None,
        ).id
        # The 0001 tables, written as that dunbar wrote them (today's store code
        # writes today's columns).
        met = NOW - dt.timedelta(days=3)
        enc = _insert_0001_encounter(conn, zoe, met, title="Paella planning")
        assert current_revision(conn) == "0001"
    return {"zoe": zoe, "note": note, "enc": enc, "met": met}


def _insert_0001_encounter(conn: Connection, person: int, when: dt.datetime, *, title: str) -> int:
    stamp = {"sqlite": "%Y-%m-%d %H:%M:%S.%f"}.get(conn.dialect.name)
    moment: object = when.replace(tzinfo=None).strftime(stamp) if stamp else when
    created: object = NOW.replace(tzinfo=None).strftime(stamp) if stamp else NOW
    enc = conn.execute(
        text(
            "INSERT INTO encounters (occurred_at, channel, initiative, title, source, created_at) "
            "VALUES (:at, :channel, :initiative, :title, 'manual', :created) RETURNING id"
        ),
        {
            "at": moment,
            "channel": Channel.CALL.value,
            "initiative": Initiative.IN.value,
            "title": title,
            "created": created,
        },
    ).scalar_one()
    conn.execute(
        text("INSERT INTO encounter_participants (encounter_id, person_id) VALUES (:e, :p)"),
        {"e": enc, "p": person},
    )
    return int(enc)


def test_an_old_ledger_is_migrated_on_open(fresh_target: str) -> None:
    ids = _old_ledger(fresh_target)
    with Ledger.open(fresh_target) as ledger:
        assert ledger.schema_revision() == HEAD
        zoe = ledger.person("zoe nunez")
        assert (zoe.id, zoe.title, zoe.topics) == (ids["zoe"], "Treasurer", ["cooperatives"])
        assert [e.title for e in ledger.profile(zoe.id).encounters] == ["Paella planning"]
        # 0005 copied the encounter's time onto its participant rows.
        assert [(p.id, p.last_seen) for p in ledger.people()] == [(ids["zoe"], ids["met"])]
        # 0002 backfilled the index from the rows already there.
        assert [(h.kind, h.ref) for h in ledger.search("zoe")] == [("person", ids["zoe"])]
        assert [(h.kind, h.ref) for h in ledger.search("cooperatives")] == [("person", ids["zoe"])]
        assert [(h.kind, h.ref) for h in ledger.search("banking")] == [("note", ids["note"])]
        assert [(h.kind, h.ref) for h in ledger.search("paella")] == [("encounter", ids["enc"])]
        # ... and the triggers keep it up to date from now on.
        ledger.add_person("Iñaki Goñi")
        assert [h.kind for h in ledger.search("inaki")] == ["person"]


def test_an_old_ledger_is_not_migrated_when_told_not_to(fresh_target: str) -> None:
    _old_ledger(fresh_target)
    with pytest.raises(DatabaseError, match=r"schema 0001; run `dunbar migrate`"):
        Ledger.open(fresh_target, migrate=False)
    with connected(fresh_target) as conn:
        assert current_revision(conn) == "0001"  # untouched


def test_an_old_backup_is_migrated_on_restore(ledger: Ledger, tmp_path: Path) -> None:
    backup = tmp_path / "old-backup.db"
    ids = _old_ledger(str(backup))
    content = backup.read_bytes()
    ledger.restore(backup)
    assert ledger.schema_revision() == HEAD
    assert [(h.kind, h.ref) for h in ledger.search("paella")] == [("encounter", ids["enc"])]
    assert backup.read_bytes() == content  # migrated on a copy, never in place


def test_a_newer_schema_is_refused(fresh_target: str) -> None:
    Ledger.init(fresh_target, clock=lambda: NOW).close()
    with connected(fresh_target) as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaTooNewError, match="schema 9999, newer than this dunbar"):
        Ledger.open(fresh_target)
    with pytest.raises(SchemaTooNewError):
        Ledger.init(fresh_target)


def test_init_refuses_an_existing_ledger(fresh_target: str) -> None:
    Ledger.init(fresh_target, clock=lambda: NOW).close()
    with pytest.raises(DatabaseError, match="a ledger already exists"):
        Ledger.init(fresh_target)
    with Ledger.open(fresh_target) as ledger:
        assert ledger.count_people() == 1


def test_an_empty_database_has_no_ledger(backend: str, fresh_target: str) -> None:
    if backend == "postgresql":
        with connected(fresh_target):  # an empty database exists
            pass
    with pytest.raises(NoLedgerError, match="dunbar init"):
        Ledger.open(fresh_target)


def test_a_database_of_something_else(fresh_target: str) -> None:
    with connected(fresh_target) as conn:
        conn.execute(text("CREATE TABLE songs (id INTEGER PRIMARY KEY, title TEXT)"))
    with pytest.raises(NotALedgerError, match="holds other tables"):
        Ledger.open(fresh_target)
    with pytest.raises(NotALedgerError):
        Ledger.init(fresh_target)  # never touches someone else's database
    with connected(fresh_target) as conn:
        assert inspect(conn).get_table_names() == ["songs"]


def test_a_dunbar_shaped_database_of_another_application(fresh_target: str) -> None:
    Ledger.init(fresh_target, clock=lambda: NOW).close()
    with connected(fresh_target) as conn:
        conn.execute(text("UPDATE ledger_meta SET value = 'other' WHERE key = 'application'"))
    with pytest.raises(NotALedgerError, match="not a dunbar ledger"):
        Ledger.open(fresh_target)


# --- SQLite files that are not ledgers ---------------------------------------------------


def _sqlite(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("kind", "error", "message"),
    [
        ("missing", NoLedgerError, "no ledger at"),
        ("random-bytes", NotALedgerError, "not a SQLite database"),
        ("text", NotALedgerError, "not a SQLite database"),
        ("empty-file", NotALedgerError, "is empty"),
        ("directory", NotALedgerError, "is a directory"),
        ("sqlite-header-then-garbage", NotALedgerError, "is not a dunbar ledger or is damaged"),
        ("other-tables", NotALedgerError, "holds other tables"),
        ("empty-sqlite", NoLedgerError, "run `dunbar init`"),
    ],
)
def test_sqlite_files_that_are_not_ledgers(
    tmp_path: Path, kind: str, error: type[DunbarError], message: str
) -> None:
    path = tmp_path / "ledger.db"
    if kind == "random-bytes":
        path.write_bytes(bytes(range(256)) * 40)
    elif kind == "text":
        path.write_text("BEGIN:VCARD\nFN:Ana\nEND:VCARD\n")
    elif kind == "empty-file":
        path.touch()
    elif kind == "directory":
        path.mkdir()
    elif kind == "sqlite-header-then-garbage":
        path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    elif kind == "other-tables":
        _sqlite(path, "CREATE TABLE songs (id INTEGER PRIMARY KEY, title TEXT)")
    elif kind == "empty-sqlite":
        _sqlite(path, "PRAGMA user_version = 3")
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(error, match=message):
        Ledger.open(path)
    if before is not None:
        assert path.read_bytes() == before  # refusing never writes


def test_init_next_to_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(NoLedgerError, match="does not exist"):
        Ledger.init(tmp_path / "nope" / "ledger.db")


def test_init_failure_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    with pytest.raises(DunbarError):
        Ledger.init(path, me="#1")  # not a valid name
    assert list(tmp_path.iterdir()) == []


def _damaged(tmp_path: Path, how: str) -> Path:
    path = tmp_path / "ledger.db"
    with Ledger.init(path, clock=lambda: NOW) as ledger:
        for i in range(150):
            ledger.add_person(f"Person {i}", emails=[f"p{i}@example.org"], tags=[f"t{i}"])
    data = bytearray(path.read_bytes())
    page = 4096
    if how == "truncated":
        data = data[: len(data) // 2]
    elif how == "pages-overwritten":
        for start in range(2 * page, len(data), 2 * page):
            data[start : start + page] = b"\xa5" * page
    elif how == "schema-page-zeroed":
        data[100:page] = bytes(page - 100)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("how", ["truncated", "pages-overwritten", "schema-page-zeroed"])
def test_a_damaged_ledger_gives_a_dunbar_error(tmp_path: Path, how: str) -> None:
    path = _damaged(tmp_path, how)
    # Damage may show on opening or only when the damaged pages are read.
    with (
        pytest.raises(NotALedgerError, match="is not a dunbar ledger or is damaged"),
        Ledger.open(path) as ledger,
    ):
        ledger.export()


def test_sqlite_ledgers_run_in_wal_mode(tmp_path: Path) -> None:
    # engine.py: WAL for new files and ledgers (a backup is written in DELETE mode
    # and switches back when opened as a ledger).
    path = tmp_path / "ledger.db"
    with Ledger.init(path, clock=lambda: NOW) as ledger:
        backup = ledger.backup(tmp_path / "backup.db")
    for file in (path, backup):
        assert file.read_bytes()[18] == (2 if file == path else 1)  # header: WAL or not
    with Ledger.open(backup) as opened, opened.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
