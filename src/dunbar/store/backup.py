"""Backup, restore and the full JSON export.

A backup is always a SQLite file holding a complete ledger, whatever the backend:

- from SQLite it is taken with SQLite's online backup API, so it is consistent
  even while other processes write;
- from PostgreSQL the tables are copied inside one REPEATABLE READ transaction.

Restoring replaces the whole ledger in one transaction; a backup from an older
dunbar is migrated first (on a temporary copy; the backup file is never changed).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.exc import DBAPIError

from dunbar.errors import BackupError, DunbarError, NotALedgerError, SchemaTooNewError
from dunbar.store.engine import (
    check_sqlite_file,
    make_engine,
    resolve_url,
    sqlite_outside_transaction,
)
from dunbar.store.schema import HEAD, current_revision, upgrade
from dunbar.store.tables import DATA_TABLES

__all__ = ["backup_to", "export_tables", "restore_from"]

CHUNK = 5_000


def _tmp_beside(path: Path) -> Path:
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    os.unlink(name)
    return Path(name)


def backup_to(engine: Engine, destination: Path) -> None:
    """Write a consistent copy of the ledger to ``destination`` (replaced atomically)."""
    destination = destination.expanduser()
    if destination.is_dir():
        raise BackupError(f"{destination} is a directory; give a file name")
    if not destination.parent.exists():
        raise BackupError(f"cannot write {destination}: {destination.parent} does not exist")
    tmp = _tmp_beside(destination)
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_online_backup(engine, tmp)
        else:
            _copy_into_new_sqlite(engine, tmp)
        os.replace(tmp, destination)
    except OSError as exc:
        raise BackupError(f"cannot write backup {destination}: {exc.strerror or exc}") from exc
    finally:
        with suppress(FileNotFoundError):
            tmp.unlink()


def _sqlite_online_backup(engine: Engine, target: Path) -> None:
    raw = engine.raw_connection()
    try:
        source = raw.dbapi_connection
        assert isinstance(source, sqlite3.Connection)
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)  # all pages in one step: one consistent snapshot
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
    finally:
        raw.close()


def _copy_into_new_sqlite(engine: Engine, target: Path) -> None:
    dest = make_engine(resolve_url(target))
    try:
        with dest.begin() as out:
            upgrade(out)
            with engine.connect() as src:
                src.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
                copy_tables(src, out)
                src.rollback()
        sqlite_outside_transaction(dest, "PRAGMA journal_mode = DELETE")
    finally:
        dest.dispose()


def copy_tables(src: Connection, dst: Connection) -> None:
    """Copy every row of every ledger table (parents first)."""
    for table in DATA_TABLES:
        result = src.execution_options(yield_per=CHUNK).execute(select(table))
        for chunk in result.mappings().partitions(CHUNK):
            dst.execute(table.insert(), [dict(row) for row in chunk])


@contextmanager
def _opened_backup(path: Path) -> Iterator[Engine]:
    """A validated, migrated-if-old view of a backup file (never modifies it)."""
    path = path.expanduser()
    if not path.exists():
        raise BackupError(f"cannot restore: {path} does not exist")
    try:
        check_sqlite_file(path, must_exist=True)
    except DunbarError as exc:
        raise BackupError(f"cannot restore: {exc}") from None
    workdir = Path(tempfile.mkdtemp(prefix="dunbar-restore-"))
    copy = workdir / "ledger.db"
    try:
        shutil.copyfile(path, copy)
        engine = make_engine(resolve_url(copy))
        try:
            # Only the checks are translated here; errors of the restore itself
            # (thrown in at the yield) are the caller's to report.
            try:
                with engine.begin() as conn:
                    ok = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
                    if ok != "ok":
                        raise BackupError(f"cannot restore: {path} is damaged ({ok})")
                    revision = current_revision(conn)
                    if revision is None:
                        raise BackupError(f"cannot restore: {path} is an empty database")
                    if revision != HEAD:
                        upgrade(conn)
            except (sqlite3.DatabaseError, DBAPIError) as exc:
                reason = getattr(exc, "orig", None) or exc
                raise BackupError(
                    f"cannot restore: {path} is not a usable database ({reason})"
                ) from None
            except (NotALedgerError, SchemaTooNewError) as exc:
                raise BackupError(f"cannot restore: {path}: {exc}") from None
            yield engine
        finally:
            engine.dispose()
    except OSError as exc:
        raise BackupError(f"cannot read backup {path}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def restore_from(engine: Engine, source: Path) -> None:
    """Replace the whole ledger with the contents of a backup, in one transaction."""
    try:
        with _opened_backup(source) as backup:
            if engine.dialect.name == "sqlite":
                _restore_sqlite(backup, engine)
            else:
                with backup.connect() as src, engine.begin() as dst:
                    for table in reversed(DATA_TABLES):
                        dst.execute(table.delete())
                    copy_tables(src, dst)
                    _reset_sequences(dst)
    except DBAPIError as exc:
        raise BackupError(f"restore failed, ledger unchanged: {exc.orig}") from None


def _restore_sqlite(backup: Engine, engine: Engine) -> None:
    src_raw = backup.raw_connection()
    dst_raw = engine.raw_connection()
    try:
        src = src_raw.dbapi_connection
        dst = dst_raw.dbapi_connection
        assert isinstance(src, sqlite3.Connection) and isinstance(dst, sqlite3.Connection)
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = WAL")
    finally:
        src_raw.close()
        dst_raw.close()


def _reset_sequences(conn: Connection) -> None:
    for table in DATA_TABLES:
        if "id" in table.c and table.c.id.primary_key:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def export_tables(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    """Every row of every ledger table, JSON-ready."""
    out: dict[str, list[dict[str, Any]]] = {}
    for table in DATA_TABLES:
        rows = conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()
        out[table.name] = [{k: _jsonable(v) for k, v in row.items()} for row in rows]
    return out
