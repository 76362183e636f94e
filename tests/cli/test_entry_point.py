"""The installed console script, as a user runs it (subprocess)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _dunbar() -> list[str]:
    script = Path(sys.executable).parent / "dunbar"
    if script.exists():
        return [str(script)]
    found = shutil.which("dunbar")
    if found is None:  # pragma: no cover - the package is always installed for tests
        pytest.fail("the dunbar console script is not installed")
    return [found]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("DUNBAR_DEBUG", None)
    return subprocess.run(
        [*_dunbar(), *args], capture_output=True, text=True, env=full_env, timeout=60, check=False
    )


def test_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("init", "add", "log", "show", "people", "forget", "backup", "search"):
        assert f"  {command} " in result.stdout


def test_init_log_show_through_the_script(tmp_path: Path) -> None:
    db = str(tmp_path / "ledger.db")
    assert run("--db", db, "init", "--me", "Rosa").returncode == 0
    assert (
        run("--db", db, "add", "person", "Ana Silva", "--email", "ana@example.com").returncode == 0
    )
    logged = run("--db", db, "log", "Coffee", "--with", "ana@example.com", "--on", "2026-11-01")
    assert logged.returncode == 0, logged.stderr
    shown = run("--db", db, "show", "ana")
    assert shown.returncode == 0 and "Coffee" in shown.stdout


def test_env_var_selects_the_ledger(tmp_path: Path) -> None:
    db = str(tmp_path / "env.db")
    assert run("init", env={"DUNBAR_DB": db, "DUNBAR_DATABASE_URL": ""}).returncode == 0
    assert Path(db).exists()
    listed = run("people", "--json", env={"DUNBAR_DB": db, "DUNBAR_DATABASE_URL": ""})
    assert listed.returncode == 0 and listed.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "no ledger at"),
        ("garbage", "not a dunbar ledger"),
        ("empty", "is empty"),
        ("directory", "is a directory"),
    ],
)
def test_bad_database_files_are_one_line_errors(tmp_path: Path, setup: str, message: str) -> None:
    target = tmp_path / "ledger.db"
    if setup == "garbage":
        target.write_bytes(os.urandom(4096))
    elif setup == "empty":
        target.write_bytes(b"")
    elif setup == "directory":
        target.mkdir()
    result = run("--db", str(target), "people")
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_newer_schema_is_refused_with_advice(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "ledger.db"
    assert run("--db", str(db), "init").returncode == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    result = run("--db", str(db), "people")
    assert result.returncode == 2
    assert "newer" in result.stderr and "upgrade dunbar" in result.stderr


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "other.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE songs (title TEXT)")
    conn.close()
    result = run("--db", str(db), "people")
    assert result.returncode == 2 and "not a dunbar ledger" in result.stderr
    # And nothing was added to it.
    with sqlite3.connect(db) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert names == {"songs"}


def test_help_does_not_import_the_database_stack() -> None:
    # `dunbar --help` must start fast (issue 2 target: 0.3 s); SQLAlchemy alone
    # costs about that much to import, so no command module may import it eagerly.
    code = (
        "import sys\n"
        "from dunbar.cli.main import run\n"
        "try:\n"
        "    run(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in ('sqlalchemy', 'alembic', 'numpy', 'vobject', 'rapidfuzz')"
        " if m in sys.modules)\n"
        "sys.stderr.write(repr(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stderr.strip() == "[]"
