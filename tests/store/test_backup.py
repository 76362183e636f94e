"""Backup, restore and export: round trips on both backends, refusals that change nothing."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from dunbar import BackupError, Ledger
from dunbar.store.schema import HEAD
from dunbar.store.tables import DATA_TABLES, ledger_meta

Rows = Callable[[Ledger], dict[str, list[dict[str, Any]]]]
NOW = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)
SQLITE_MAGIC = b"SQLite format 3\x00"


def test_backup_and_restore_round_trip(
    ledger: Ledger, populated: Any, tmp_path: Path, table_rows: Rows
) -> None:
    before = table_rows(ledger)
    path = ledger.backup(tmp_path / "backup.db")
    assert path.read_bytes()[:16] == SQLITE_MAGIC  # always a SQLite file

    # Change everything we can, then restore.
    ledger.add_person("Dee Evans", emails=["dee@example.org"])
    ledger.log("Late call", with_=[populated.cy])
    ledger.forget(populated.bo)
    assert table_rows(ledger) != before
    ledger.restore(path)
    assert table_rows(ledger) == before

    # The restored ledger is fully usable: search, resolution, new ids after old ones.
    assert {h.kind for h in ledger.search("porto")} == {"note"}
    assert ledger.resolve("bo@example.org") == populated.bo
    assert ledger.search("dee") == []
    newcomer = ledger.add_person("Eve")
    assert newcomer.id == max(r["id"] for r in before["people"]) + 1
    assert ledger.log("x", with_=[newcomer.id]).id == populated.supper + 1


def test_backup_is_a_ledger_with_the_same_rows(
    ledger: Ledger, populated: Any, tmp_path: Path, table_rows: Rows
) -> None:
    path = ledger.backup(tmp_path / "backup.db")
    with Ledger.open(path) as copy:
        assert copy.backend == "sqlite"
        assert copy.schema_revision() == HEAD
        assert table_rows(copy) == table_rows(ledger)
        assert [h.ref for h in copy.search("dumplings")] == [populated.supper]


def test_backup_replaces_an_older_backup(ledger: Ledger, tmp_path: Path) -> None:
    (tmp_path / "backups").mkdir()
    path = tmp_path / "backups" / "backup.db"
    ledger.backup(path)
    ledger.add_person("Fay")
    ledger.backup(path)
    with Ledger.open(path) as copy:
        assert copy.count_people() == 2
    assert [p.name for p in path.parent.iterdir()] == ["backup.db"]  # no temporary left


def test_restore_a_sqlite_backup_into_any_backend(
    ledger: Ledger, tmp_path: Path, table_rows: Rows
) -> None:
    with Ledger.init(tmp_path / "laptop.db", me="Rosa Díaz", clock=lambda: NOW) as laptop:
        gil = laptop.add_person("Gil Moreno", emails=["gil@example.org"], tags=["chess"])
        laptop.log("Chess night", with_=[gil.id], when="2026-11-01T20:00:00-03:00")
        laptop.add_note("Gil plays the Najdorf", about=gil.id)
        expected = table_rows(laptop)
        backup = laptop.backup(tmp_path / "laptop-backup.db")
    ledger.add_person("Someone Else")
    ledger.restore(backup)
    assert table_rows(ledger) == expected
    assert [h.kind for h in ledger.search("najdorf")] == ["note"]
    assert ledger.add_person("Hana").id == gil.id + 1


def test_backup_while_another_connection_is_writing(
    ledger: Ledger, populated: Any, tmp_path: Path, table_rows: Rows
) -> None:
    committed = table_rows(ledger)
    with ledger.engine.connect() as writer:
        writer.begin()
        writer.execute(ledger_meta.insert().values(key="uncommitted", value="x"))
        writer.execute(
            ledger_meta.update()
            .where(ledger_meta.c.key == "created_at")
            .values(value="half-written")
        )
        path = ledger.backup(tmp_path / "backup.db")  # neither blocks nor waits
        writer.rollback()
    with Ledger.open(path) as copy:
        assert table_rows(copy) == committed  # the last committed state, exactly
        with copy.engine.connect() as conn:
            keys = set(conn.execute(select(ledger_meta.c.key)).scalars())
    assert "uncommitted" not in keys


@pytest.mark.parametrize("where", ["directory", "missing-parent"])
def test_backup_to_an_impossible_place(ledger: Ledger, tmp_path: Path, where: str) -> None:
    target = tmp_path if where == "directory" else tmp_path / "nope" / "backup.db"
    with pytest.raises(BackupError):
        ledger.backup(target)


# --- restore refuses bad files and leaves the ledger as it was --------------------------


def _sqlite_file(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def _bad_backup(kind: str, tmp_path: Path, ledger: Ledger) -> Path:
    path = tmp_path / f"{kind}.db"
    if kind == "garbage":
        path.write_bytes(bytes(range(256)) * 64)
    elif kind == "sqlite-header-then-garbage":
        path.write_bytes(SQLITE_MAGIC + bytes(range(256)) * 64)
    elif kind == "empty-file":
        path.write_bytes(b"")
    elif kind == "csv":
        path.write_text("name,email\nAna,ana@example.org\n")
    elif kind == "missing":
        pass
    elif kind == "directory":
        path.mkdir()
    elif kind == "other-sqlite":
        _sqlite_file(path, "CREATE TABLE songs (id INTEGER PRIMARY KEY, title TEXT)")
    elif kind == "empty-sqlite":
        _sqlite_file(path, "PRAGMA user_version = 7")
    elif kind == "other-application":
        ledger.backup(path)
        _sqlite_file(path, "UPDATE ledger_meta SET value = 'other' WHERE key = 'application'")
    elif kind == "newer-schema":
        ledger.backup(path)
        _sqlite_file(path, "UPDATE alembic_version SET version_num = '9999'")
    elif kind == "truncated":
        ledger.backup(path)
        whole = path.read_bytes()
        path.write_bytes(whole[: len(whole) // 2])
    elif kind == "corrupt-pages":
        ledger.backup(path)
        data = bytearray(path.read_bytes())
        page = 4096
        for start in range(2 * page, len(data), 2 * page):  # every other page from the 3rd
            data[start : start + page] = bytes([0xA5]) * page
        path.write_bytes(bytes(data))
    else:  # pragma: no cover
        raise AssertionError(kind)
    return path


BAD_BACKUPS = [
    "garbage",
    "sqlite-header-then-garbage",
    "empty-file",
    "csv",
    "missing",
    "directory",
    "other-sqlite",
    "empty-sqlite",
    "other-application",
    "newer-schema",
    "truncated",
    "corrupt-pages",
]


@pytest.mark.parametrize("kind", BAD_BACKUPS)
def test_restore_refuses_bad_files(
    ledger: Ledger, populated: Any, tmp_path: Path, table_rows: Rows, kind: str
) -> None:
    path = _bad_backup(kind, tmp_path, ledger)
    content = path.read_bytes() if path.is_file() else None
    before = table_rows(ledger)
    with pytest.raises(BackupError, match=r"^cannot restore: "):
        ledger.restore(path)
    assert table_rows(ledger) == before
    assert ledger.search("porto")  # the index is intact too
    if content is not None:
        assert path.read_bytes() == content  # the backup file is never changed


# --- export ----------------------------------------------------------------------------


def test_export_holds_every_table(ledger: Ledger, populated: Any) -> None:
    document = ledger.export()
    assert json.loads(json.dumps(document)) == document  # JSON-ready as it is
    assert (document["format"], document["version"], document["schema"]) == (
        "dunbar-export",
        1,
        HEAD,
    )
    assert document["exported_at"] == "2026-11-22T12:00:00+00:00"
    tables = document["tables"]
    assert set(tables) == {t.name for t in DATA_TABLES}
    # populated wrote at least one row into every table.
    assert [name for name, rows in tables.items() if not rows] == []
    for table in DATA_TABLES:
        assert set(tables[table.name][0]) == set(table.c.keys()), table.name
    (supper,) = [e for e in tables["encounters"] if e["id"] == populated.supper]
    assert supper["occurred_at"] == "2026-11-18T18:00:00+00:00"
    ana = next(p for p in tables["people"] if p["id"] == populated.ana)
    assert ana["custom"] == {"shoe": 38, "langs": ["pt", "en"]}
    assert ana["first_known"] == "2019-03-04" and ana["is_me"] is False
    assert [m["key"] for m in tables["ledger_meta"]] == ["application", "created_at"]
