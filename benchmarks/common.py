"""Shared helpers of the benchmarks: machine facts, timing, memory, data, databases.

Everything here is deterministic: data come from seeded ``random.Random``
instances and the ledgers run on a fixed clock, so two runs build the same rows.
Nothing here is imported by dunbar itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: The ledgers' "now"; every generated encounter lies in the ten years before it.
NOW = dt.datetime(2026, 11, 22, 12, 0, 0, tzinfo=dt.UTC)
PG_ENV = "DUNBAR_TEST_POSTGRES_URL"
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


def fixed_clock() -> dt.datetime:
    return NOW


# --- the machine ------------------------------------------------------------------------


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _ram_gib() -> float | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    return None


def _version(module: str) -> str:
    try:
        from importlib.metadata import version

        return version(module)
    except Exception:
        return "not installed"


def machine_info() -> dict[str, Any]:
    """What a result depends on: date, CPU, cores, RAM, and the software versions."""
    import sqlite3

    import sqlalchemy

    return {
        "date": dt.date.today().isoformat(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": _ram_gib(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
        "psycopg": _version("psycopg"),
        "dunbar": _version("dunbar"),
        "load_avg_1min": round(os.getloadavg()[0], 2),
    }


def machine_line(info: dict[str, Any] | None = None) -> str:
    m = info or machine_info()
    return (
        f"{m['date']}, {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, {m['os']}; "
        f"Python {m['python']}, SQLite {m['sqlite']}, SQLAlchemy {m['sqlalchemy']}, "
        f"psycopg {m['psycopg']}; load average {m['load_avg_1min']}"
    )


# --- time and memory --------------------------------------------------------------------


@dataclass
class Timing:
    wall: float = 0.0
    cpu: float = 0.0


@contextlib.contextmanager
def timed() -> Iterator[Timing]:
    """Wall-clock and CPU time (this process) of a block."""
    result = Timing()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield result
    finally:
        result.wall = time.perf_counter() - wall
        result.cpu = time.process_time() - cpu


def _proc_status_mib(field: str) -> float | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return None


def rss_mib() -> float | None:
    """Resident memory now (Linux)."""
    return _proc_status_mib("VmRSS")


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (``getrusage``, KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


# --- files and processes ----------------------------------------------------------------


@contextlib.contextmanager
def temp_dir(prefix: str = "dunbar-bench-") -> Iterator[Path]:
    """A scratch directory, removed afterwards whatever happens."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def copy_ledger(source: Path, target: Path) -> Path:
    """Copy a closed SQLite ledger (its WAL is checkpointed on close)."""
    for suffix in ("-wal", "-shm"):
        if Path(str(source) + suffix).exists():
            raise RuntimeError(f"{source} is still open (found its {suffix} file)")
    shutil.copyfile(source, target)
    return target


def run_child(script: Path, spec: dict[str, Any], *, timeout: float) -> dict[str, Any]:
    """Run ``script --child SPEC`` in a fresh interpreter; it prints one JSON line last.

    A fresh process per measurement gives each its own peak RSS and no warm caches
    of the previous one.
    """
    done = subprocess.run(
        [sys.executable, str(script), "--child", json.dumps(spec)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"child {spec.get('mode')} failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def dunbar_exe() -> str:
    """The console script next to this interpreter (the venv's), else on PATH."""
    beside = Path(sys.executable).with_name("dunbar")
    if beside.exists():
        return str(beside)
    found = shutil.which("dunbar")
    if found is None:
        raise RuntimeError("the dunbar console script is not installed (make setup)")
    return found


def write_json(path: str | None, data: dict[str, Any]) -> None:
    if path:
        Path(path).write_text(json.dumps(data, indent=2, default=str) + "\n")


# --- PostgreSQL -------------------------------------------------------------------------


def pg_admin_url() -> str | None:
    """The server of ``DUNBAR_TEST_POSTGRES_URL`` (or the local default) if it answers."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    raw = os.environ.get(PG_ENV) or PG_DEFAULT
    try:
        url = make_url(raw).set(drivername="postgresql+psycopg")
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        finally:
            engine.dispose()
    except Exception:
        return None
    return url.render_as_string(hide_password=False)


@contextlib.contextmanager
def pg_database(admin_url: str, tag: str) -> Iterator[str]:
    """A new database ``dunbar_bench_<pid>_<tag>`` on that server, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"dunbar_bench_{os.getpid()}_{tag}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        admin.dispose()


def pg_server_version(url: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SHOW server_version")).scalar())
    finally:
        engine.dispose()


# --- data -------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


GIVEN = _words(
    "Ana Ben Chloé Dmitri Elif Farah Gustavo Hana Ingrid Jonas Kofi Lena Mateo Noor Olga "
    "Pedro Quinn Rosa Sven Tomás Uma Viktor Wen Ximena Yusuf Zoë Amara Björn Carmen Diego "
    "Emeka Fatima Giulia Hugo Isabel Jae Kenji Lucía Malik Nadia Oscar Priya Rafael Sofia "
    "Tariq Ursula Valentina Wojciech Yara Zainab"
)
FAMILY = _words(
    "Silva Okafor Müller Nakamura Rossi Kowalski Haddad Johansson Dubois García Novak "
    "Andersen Fischer Ivanova Mendes Osei Papadopoulos Quispe Reyes Schmidt Tanaka Ueda "
    "Vargas Weber Yilmaz Zhang Abbott Brennan Costa Demir Eriksen Ferreira Gallo Horvat "
    "Iqbal Jensen Kaur Lindqvist Moreau Nguyen Ortiz Petrov Ramírez Sato Torres Dijkstra "
    "Wagner Castillo Bianchi Hoffmann"
)
TAGS = _words(
    "friend family work climbing book-club alumni neighbour mentor investor founder "
    "conference python music cycling choir parents school volunteer board"
)
TOPICS = _words("fundraising design hiring databases policy writing sales research")
TITLES = (
    "Coffee",
    "Lunch",
    "Catch-up call",
    "Project review",
    "Intro chat",
    "Dinner",
    "Walk in the park",
    "Board meeting",
)
WORDS = _words("budget roadmap travel kids garden hiring book launch move climbing offer grant")


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"


def build_people(
    engine: Any,
    count: int,
    *,
    seed: int,
    orgs: int = 0,
    emails: bool = False,
    labels: bool = False,
    extra: Sequence[dict[str, Any]] = (),
) -> list[int]:
    """Insert ``count`` people (plus ``extra`` ones) straight into the ledger's tables.

    Benchmark-only setup: SQLAlchemy Core into the real tables that ``Ledger.init``
    created through the migrations, so keys are computed with dunbar's own
    normalisers and the search triggers fire as usual, but without the facade's
    per-person transactions. ``extra`` rows are dicts with ``name`` and optional
    ``email`` and ``tags``. Returns the new people's ids, ``extra`` ones last.
    """
    from sqlalchemy import func, insert, select

    from dunbar.normalise import name_key, normalise_email, normalise_label
    from dunbar.store.tables import identities, organisations, people, person_labels

    rng = random.Random(seed)
    with engine.begin() as conn:
        org_ids: list[int] = []
        if orgs:
            first_org = int(conn.execute(select(func.max(organisations.c.id))).scalar() or 0) + 1
            org_rows = []
            for i in range(orgs):
                name = f"{rng.choice(FAMILY)} {rng.choice(['Labs', 'GmbH', 'Co', 'Studio'])} {i}"
                org_rows.append(
                    {
                        "id": first_org + i,
                        "name": name,
                        "name_key": name_key(name),
                        "domain": f"org{i}.example",
                        "created_at": NOW,
                    }
                )
            conn.execute(insert(organisations), org_rows)
            org_ids = [r["id"] for r in org_rows]
        first = int(conn.execute(select(func.max(people.c.id))).scalar() or 0) + 1
        specs = [{"name": person_name(rng)} for _ in range(count)] + [dict(e) for e in extra]
        person_rows, id_rows, label_rows = [], [], []
        for offset, spec in enumerate(specs):
            pid = first + offset
            name = spec["name"]
            given, _, family = name.partition(" ")
            person_rows.append(
                {
                    "id": pid,
                    "name": name,
                    "name_key": name_key(name),
                    "given_name": given,
                    "family_name": family or None,
                    "is_me": False,
                    "org_id": rng.choice(org_ids) if org_ids and rng.random() < 0.8 else None,
                    "title": rng.choice(["Engineer", "Designer", "Director", None, None]),
                    "location": rng.choice(["Berlin", "Lisbon", "Nairobi", "Osaka", None]),
                    "closeness": rng.choice([None, None, 2, 4, 6]),
                    "is_kin": False,
                    "custom": {},
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
            email = spec.get("email")
            if email is None and emails and rng.random() < 0.9:
                local = name_key(name).replace(" ", ".").encode("ascii", "ignore").decode()
                email = f"{local}.{pid}@mail{pid % 50}.example"
            if email:
                id_rows.append({"person_id": pid, "kind": "email", "value": normalise_email(email)})
            tags = spec.get("tags")
            if tags is None:
                tags = rng.sample(TAGS, rng.randint(0, 3)) if labels else []
            topics = rng.sample(TOPICS, rng.randint(0, 1)) if labels else []
            for kind, values in (("tag", tags), ("topic", topics)):
                for raw in values:
                    value = normalise_label(raw)
                    label_rows.append(
                        {
                            "person_id": pid,
                            "kind": kind,
                            "value": value,
                            "value_key": name_key(value),
                        }
                    )
        conn.execute(insert(people), person_rows)
        if id_rows:
            conn.execute(insert(identities), id_rows)
        if label_rows:
            conn.execute(insert(person_labels), label_rows)
    return [first + i for i in range(len(specs))]


def encounter_inputs(
    count: int,
    person_ids: Sequence[int],
    *,
    seed: int,
    titles: float = 0.0,
    source: str = "bench",
    focus: int | None = None,
    focus_share: float = 0.0,
) -> list[Any]:
    """``count`` encounters over the ten years before ``NOW``, 1 to 3 participants each.

    Mixed channels and initiatives, minutes on most, a title on a ``titles`` share,
    and ``source_ref`` always set (``"<seed>-<n>"``), so a re-run is recognised. With
    ``focus``, that person is in a ``focus_share`` of them (for ``dunbar show``).
    """
    from dunbar.ledger import EncounterInput
    from dunbar.model import Channel, Initiative

    rng = random.Random(seed)
    channels = list(Channel)
    weights = [30, 15, 15, 5, 20, 10, 5]
    initiatives = list(Initiative)
    span = 10 * 365 * 86_400
    start = NOW - dt.timedelta(seconds=span)
    ids = list(person_ids)
    items = []
    for n in range(count):
        who = rng.sample(ids, rng.choice((1, 1, 1, 2, 3)))
        if focus is not None and rng.random() < focus_share and focus not in who:
            who[0] = focus
        title = None
        if titles and rng.random() < titles:
            title = f"{rng.choice(TITLES)} about {rng.choice(WORDS)} and {rng.choice(WORDS)}"
        items.append(
            EncounterInput(
                when=start + dt.timedelta(seconds=rng.randrange(span)),
                participants=who,
                channel=rng.choices(channels, weights)[0],
                initiative=rng.choice(initiatives),
                minutes=rng.choice((None, 5, 15, 30, 45, 60, 90)),
                title=title,
                source=source,
                source_ref=f"{seed}-{n}",
            )
        )
    return items
