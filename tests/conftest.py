"""Shared fixtures: every ledger test runs on SQLite and, when configured, PostgreSQL.

Backends
    ``backend`` is parametrised: ``"sqlite"`` always, and ``"postgresql"`` when
    ``DUNBAR_TEST_POSTGRES_URL`` is set (for example
    ``postgresql://postgres@127.0.0.1:5432/test``). The test ids carry the backend,
    so ``pytest -k postgresql`` runs only the PostgreSQL half. Any fixture below
    that depends on ``backend`` is therefore parametrised too.

    PostgreSQL isolation: the URL's database is only used to ``CREATE DATABASE
    dunbar_t_<pid>_<random>`` once per test session (plus one more database for
    each test that asks for ``fresh_target``, dropped after that test). All are
    dropped, their connections terminated first, by the end of the session.

Fixtures
    ``ledger``
        An open :class:`dunbar.Ledger` holding only "me" (``ME_NAME``, id 1), with
        a fixed clock (``NOW``). It is closed after the test.
    ``db_target``
        The place of that same fresh ledger, as a string to pass to
        ``dunbar --db <target>`` or ``Ledger.open``: a file path on SQLite, a
        ``postgresql://`` URL on PostgreSQL. Asking only for ``db_target`` (no
        ``ledger``) still gives an initialised ledger, nobody holding it open.
    ``fresh_target``
        A place where no ledger exists yet: a path that does not exist on
        SQLite, a new empty database on PostgreSQL. For ``init`` and migrations.
    ``now``
        ``NOW``, the fixed "current time" of ``ledger``:
        2026-11-22T12:00:00+00:00. (Prefer the fixture to ``from conftest import
        NOW``: with ``tests/cli/conftest.py`` around, ``conftest`` is ambiguous.)
    ``populated``
        ``ledger`` with one of everything in it (people with identities, labels
        and an organisation; encounters, one linked to a gathering; a note, a
        favour, an introduction, an acquaintance; a gathering with attendance,
        seating and a follow-up). Returns the ids by name (``Populated``).
    ``table_rows``
        ``table_rows(ledger)``: every row of every table, from ``Ledger.export``,
        for before/after comparisons (failure atomicity).

How a fresh ledger is made, quickly but always through the migrations
    SQLite: one ``Ledger.init`` per session into a template file, copied per test.
    PostgreSQL: one ``Ledger.init`` per session into the session database; before
    each test every row of every table (``DATA_TABLES`` and ``search_index``) is
    deleted, the rows ``Ledger.init`` wrote are re-inserted from a snapshot taken
    right after it (the search index refills by trigger) and the id sequences
    restart where ``Ledger.init`` left them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import URL, make_url

from dunbar import Ledger
from dunbar.store.tables import DATA_TABLES

NOW = dt.datetime(2026, 11, 22, 12, 0, 0, tzinfo=dt.UTC)
ME_NAME = "Rosa Díaz"
PG_ENV = "DUNBAR_TEST_POSTGRES_URL"

_BACKENDS = [pytest.param("sqlite", id="sqlite")]
if os.environ.get(PG_ENV):
    _BACKENDS.append(pytest.param("postgresql", id="postgresql"))


def fixed_clock() -> dt.datetime:
    return NOW


# --- PostgreSQL server: one database per session, more on demand ----------------------


@dataclass
class PgServer:
    """The PostgreSQL server named by ``DUNBAR_TEST_POSTGRES_URL``."""

    url: URL
    admin: Engine
    prefix: str
    created: list[str] = field(default_factory=list)
    serial: Iterator[int] = field(default_factory=itertools.count)

    def create_database(self) -> str:
        """A new empty database; returns its URL as a string."""
        name = f"{self.prefix}_{next(self.serial)}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.url_of(name)

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        name = make_url(url).database
        assert name is not None and name.startswith(self.prefix)
        with self.admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        if name in self.created:
            self.created.remove(name)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    raw = os.environ.get(PG_ENV)
    if not raw:  # pragma: no cover - only reachable if a test asks for it directly
        pytest.skip(f"set {PG_ENV} to run the PostgreSQL tests")
    url = make_url(raw)
    admin = create_engine(url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    server = PgServer(url=url, admin=admin, prefix=f"dunbar_t_{os.getpid()}_{secrets.token_hex(4)}")
    try:
        yield server
    finally:
        for name in list(server.created):
            server.drop_database(server.url_of(name))
        admin.dispose()


@dataclass
class PgLedgerDatabase:
    """The session's PostgreSQL ledger and a snapshot of what ``Ledger.init`` wrote."""

    url: str
    engine: Engine
    snapshot: dict[str, list[dict[str, Any]]]

    def reset(self) -> None:
        # DELETE, children first, beats TRUNCATE by an order of magnitude on tables
        # this small (measured: about 15 ms against 350 ms for the 16 tables).
        with self.engine.begin() as conn:
            # A test that left a transaction open would block us: fail, don't hang.
            conn.execute(text("SET LOCAL lock_timeout = '10s'"))
            for table in reversed(DATA_TABLES):
                conn.execute(table.delete())
            conn.execute(text("DELETE FROM search_index"))
            for table in DATA_TABLES:
                rows = self.snapshot[table.name]
                if rows:
                    conn.execute(table.insert(), rows)
                if "id" in table.c:
                    # Restart ids where Ledger.init left them, as RESTART IDENTITY would.
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                        )
                    )


@pytest.fixture(scope="session")
def pg_ledger_database(pg_server: PgServer) -> Iterator[PgLedgerDatabase]:
    url = pg_server.create_database()
    with Ledger.init(url, me=ME_NAME, clock=fixed_clock) as ledger, ledger.engine.connect() as c:
        snapshot = {t.name: [dict(r) for r in c.execute(select(t)).mappings()] for t in DATA_TABLES}
    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    try:
        yield PgLedgerDatabase(url=url, engine=engine, snapshot=snapshot)
    finally:
        engine.dispose()


# --- SQLite: one migrated template per session -----------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "ledger.db"
    Ledger.init(path, me=ME_NAME, clock=fixed_clock).close()
    # The last connection to close checkpoints the WAL away: one file is the ledger.
    assert not Path(f"{path}-wal").exists()
    return path


# --- the fixtures tests use ------------------------------------------------------------


@pytest.fixture(params=_BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def now() -> dt.datetime:
    return NOW


@pytest.fixture
def db_target(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "ledger.db"
        shutil.copyfile(template, path)
        return str(path)
    database: PgLedgerDatabase = request.getfixturevalue("pg_ledger_database")
    database.reset()
    return database.url


@pytest.fixture
def ledger(db_target: str) -> Iterator[Ledger]:
    opened = Ledger.open(db_target, clock=fixed_clock)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def fresh_target(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield str(tmp_path / "fresh.db")
        return
    server: PgServer = request.getfixturevalue("pg_server")
    url = server.create_database()
    try:
        yield url
    finally:
        server.drop_database(url)


@pytest.fixture
def table_rows() -> Callable[[Ledger], dict[str, list[dict[str, Any]]]]:
    def rows(ledger: Ledger) -> dict[str, list[dict[str, Any]]]:
        tables: dict[str, list[dict[str, Any]]] = ledger.export()["tables"]
        return tables

    return rows


@dataclass(frozen=True)
class Populated:
    """The ids of what ``populated`` wrote."""

    ana: int
    bo: int
    cy: int
    coffee: int
    supper: int
    note: int
    favour: int
    intro: int
    gathering: int


@pytest.fixture
def populated(ledger: Ledger) -> Populated:
    ana = ledger.add_person(
        "Ana María Silva",
        emails=["ana@example.org"],
        phones=["+351 912 345 678"],
        organisation="Acme",
        title="Engineer",
        tags=["climbing"],
        topics=["rust"],
        offers=["mentoring"],
        needs=["funding"],
        birthday="--05-17",
        closeness=2,
        first_known="2019-03-04",
        custom={"shoe": 38, "langs": ["pt", "en"]},
    ).id
    bo = ledger.add_person("Bo Chen", emails=["bo@example.org"], kin=True).id
    cy = ledger.add_person("Cy Díaz", urls=["https://cy.example"], handles=["@cy"]).id
    gathering = ledger.add_gathering(
        "Supper club", on="2026-11-18", venue="Casa", capacity=8, notes_text="No agenda"
    )
    coffee = ledger.log(
        "Coffee in Lisbon",
        with_=[ana],
        when="2026-11-02T09:30:00+00:00",
        channel="in-person",
        initiative="out",
        minutes=45,
        source="calendar",
        source_ref="evt-1",
    )
    supper = ledger.log(
        "Supper club",
        with_=[ana, bo, cy],
        when="2026-11-18T19:00:00+01:00",
        gathering_id=gathering.id,
        notes_text="Bo brought dumplings",
    )
    note = ledger.add_note(
        "Ana is moving to Porto", about=ana, topics=["relocation"], encounter_id=coffee.id
    )
    favour = ledger.add_favour("me", bo, "Reviewed his talk", kind="advice", on="2026-10-01")
    intro = ledger.add_introduction(ana, cy, reason="Both write Rust", on="2026-10-05")
    ledger.know(bo, ana, evidence="shared_encounter", on="2026-11-18", strength=0.5)
    for pid in (ana, bo):
        ledger.set_attendance(gathering.id, pid, "attended")
    ledger.seat(gathering.id, ana, round_no=1, table=1, seat=1)
    ledger.seat(gathering.id, bo, round_no=1, table=1, seat=2)
    ledger.add_follow_up(bo, due="2026-11-25", reason="Send the recipe", gathering_id=gathering.id)
    # This ledger's own strength parameters, and an agenda item snoozed.
    ledger.set_strength_params({"h_rec": 60})
    ledger.snooze(cy, days=3, kind="fading")
    ledger.not_duplicates(bo, cy)  # said to be two different people
    # Where Cy came from, as an import records it (dunbar.importers).
    from dunbar.store.provenance import record_source

    with ledger.engine.begin() as conn:
        record_source(
            conn, cy, source="vcard", ref="uid:cy", file="cy.vcf", line=1, digest="0" * 64, now=NOW
        )
    return Populated(
        ana=ana,
        bo=bo,
        cy=cy,
        coffee=coffee.id,
        supper=supper.id,
        note=note.id,
        favour=favour.id,
        intro=intro.id,
        gathering=gathering.id,
    )
