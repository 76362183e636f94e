"""Schema versions: create, recognise and migrate a ledger.

Alembic is imported only when a migration actually has to run, so that opening
an up-to-date ledger stays fast.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Connection, inspect, select

from dunbar.errors import NotALedgerError, SchemaTooNewError
from dunbar.store.tables import ledger_meta

__all__ = ["APPLICATION", "HEAD", "REVISIONS", "current_revision", "stamp_meta", "upgrade"]

#: Every revision this dunbar knows, oldest first. ``tests`` check that this
#: matches the migration scripts.
REVISIONS: tuple[str, ...] = (
    "0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010",
)  # fmt: skip
HEAD = REVISIONS[-1]
APPLICATION = "dunbar"
MIGRATIONS = Path(__file__).parent / "migrations"


def current_revision(conn: Connection) -> str | None:
    """The schema revision of a database, ``None`` if it has no dunbar schema.

    Raises :class:`NotALedgerError` for a database that holds other tables, and
    :class:`SchemaTooNewError` for one written by a newer dunbar.
    """
    names = set(inspect(conn).get_table_names())
    if not names:
        return None
    if "alembic_version" not in names or "ledger_meta" not in names:
        raise NotALedgerError("this database is not a dunbar ledger (it holds other tables)")
    app = conn.execute(
        select(ledger_meta.c.value).where(ledger_meta.c.key == "application")
    ).scalar()
    if app != APPLICATION:
        raise NotALedgerError("this database is not a dunbar ledger")
    from sqlalchemy import text

    revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if revision not in REVISIONS:
        raise SchemaTooNewError(
            f"this ledger has schema {revision}, newer than this dunbar understands "
            f"(up to {HEAD}); upgrade dunbar (pip install -U dunbar)"
        )
    return str(revision)


def upgrade(conn: Connection, target: str = HEAD) -> None:
    """Run the migrations up to ``target`` on an open connection (one transaction)."""
    from alembic.command import upgrade as alembic_upgrade
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    alembic_upgrade(config, target)


def stamp_meta(conn: Connection, *, now: dt.datetime) -> None:
    """Mark a fresh schema as a dunbar ledger."""
    conn.execute(
        ledger_meta.insert(),
        [
            {"key": "application", "value": APPLICATION},
            {"key": "created_at", "value": now.isoformat()},
        ],
    )
