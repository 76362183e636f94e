"""Engines and connections: where the ledger lives and how it is opened.

SQLite runs with WAL (switched on for new files and ledgers only), foreign keys
on, a busy timeout and ``secure_delete`` (so that erased rows are overwritten, not
left in free pages). PostgreSQL is reached through psycopg 3.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import QueuePool

from dunbar.errors import NoLedgerError, NotALedgerError, ValidationError

__all__ = [
    "BUSY_TIMEOUT_MS",
    "WRITE_OPTION",
    "make_engine",
    "resolve_url",
    "sqlite_outside_transaction",
    "sqlite_path",
]

BUSY_TIMEOUT_MS = 10_000
#: Execution option marking a connection whose transactions will write.
WRITE_OPTION = "dunbar_write"
_SQLITE_MAGIC = b"SQLite format 3\x00"


def resolve_url(target: str | Path) -> URL:
    """A SQLAlchemy URL from a path or a URL string.

    ``postgresql://`` and ``postgresql+psycopg://`` both use psycopg 3.
    """
    text = str(target)
    if "://" not in text:
        path = Path(text).expanduser()
        return URL.create("sqlite", database=str(path))
    try:
        url = make_url(text)
    except Exception as exc:
        raise ValidationError(f"not a database URL: {text!r}") from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValidationError(
            f"unsupported database {url.get_backend_name()!r}: use a SQLite path or PostgreSQL"
        )
    return url


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or ``None`` for other backends and memory."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def check_sqlite_file(path: Path, *, must_exist: bool) -> None:
    """Refuse a missing, foreign or corrupt file before SQLite touches it."""
    if not path.exists():
        if must_exist:
            raise NoLedgerError(f"no ledger at {path}: run `dunbar init` first")
        if not path.parent.exists():
            raise NoLedgerError(f"cannot create a ledger at {path}: {path.parent} does not exist")
        return
    if path.is_dir():
        raise NotALedgerError(f"{path} is a directory, not a dunbar ledger")
    if path.stat().st_size == 0:
        if must_exist:
            raise NotALedgerError(f"{path} is empty, not a dunbar ledger")
        return
    with path.open("rb") as handle:
        header = handle.read(len(_SQLITE_MAGIC))
    if header != _SQLITE_MAGIC:
        raise NotALedgerError(f"{path} is not a dunbar ledger (not a SQLite database)")


def _sqlite_on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, manage transactions (pysqlite quirk).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA secure_delete = ON")
        # WAL is written into the file: switch only a new file or a ledger, never a
        # database that dunbar is about to refuse as someone else's.
        tables = {
            name
            for (name,) in cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        new_file = cursor.execute("PRAGMA page_count").fetchone()[0] == 0
        if new_file or {"ledger_meta", "alembic_version"} <= tables:
            mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()
            if mode and str(mode[0]).lower() not in ("wal", "memory"):
                raise sqlite3.OperationalError(f"could not switch to WAL (got {mode[0]})")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Any) -> None:
    # Issued explicitly because the driver's own handling is disabled. A write
    # transaction takes the write lock up front (BEGIN IMMEDIATE): then a busy
    # ledger makes it wait for the busy timeout instead of failing at its first
    # write with "database is locked". Reads stay deferred and never block.
    if conn.get_execution_options().get(WRITE_OPTION):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(url: URL, *, echo: bool = False) -> Engine:
    """An engine with dunbar's connection settings for that backend."""
    if url.get_backend_name() == "sqlite":
        # A small pool: each facade call reuses an open connection instead of
        # paying for connect + pragmas + a WAL checkpoint on the last close.
        # ``Ledger.close()`` disposes of it. ``:memory:`` gets SQLAlchemy's
        # single-connection pool so that the database lives as long as the engine.
        if url.database in (None, "", ":memory:"):
            engine = create_engine(url, echo=echo)
        else:
            engine = create_engine(url, echo=echo, poolclass=QueuePool, pool_size=4, max_overflow=8)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def sqlite_outside_transaction(engine: Engine, *statements: str) -> None:
    """Run statements that SQLite refuses inside a transaction (VACUUM, journal_mode)."""
    raw = engine.raw_connection()
    try:
        connection = raw.dbapi_connection
        assert isinstance(connection, sqlite3.Connection)
        for statement in statements:
            connection.execute(statement).fetchall()
    finally:
        raw.close()
