"""Several writers on one SQLite ledger: writes wait their turn, none fails with
"database is locked" (BEGIN IMMEDIATE + busy timeout), and a backup taken while
they write is a consistent ledger."""

from __future__ import annotations

import threading
from pathlib import Path

from dunbar import Ledger


def test_concurrent_writers_never_see_database_is_locked(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    with Ledger.init(path) as ledger:
        ana = ledger.add_person("Ana Silva")
    errors: list[str] = []

    def writer(n: int) -> None:
        with Ledger.open(path) as mine:
            try:
                for k in range(25):
                    mine.log(f"meeting {n}-{k}", with_=[ana.id], when="2026-01-01")
                    mine.add_note(f"note {n}-{k}", about=ana.id)
            except Exception as exc:  # collected, asserted below
                errors.append(repr(exc))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    backups: list[Path] = []
    with Ledger.open(path) as reader:
        for thread in threads:
            thread.start()
        for i in range(3):
            backups.append(reader.backup(tmp_path / f"during-{i}.db"))
        for thread in threads:
            thread.join()
        profile = reader.profile(ana.id, limit=None)
    assert errors == []
    assert len(profile.encounters) == 6 * 25
    assert len(profile.notes) == 6 * 25
    for backup in backups:
        with Ledger.open(backup) as copy:
            snapshot = copy.profile(ana.id, limit=None)
            # Consistent: each writer's log and note commit separately, so a
            # snapshot holds at most one more encounter than notes per writer.
            assert 0 <= len(snapshot.encounters) - len(snapshot.notes) <= 6
            assert len(snapshot.encounters) <= 6 * 25
