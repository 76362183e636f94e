"""Killed in the middle (SIGKILL, no cleanup at all), an import leaves whole batches,
and running it again finishes the job without duplicates."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dunbar import Ledger

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from dunbar import Ledger

    target, path = sys.argv[1], sys.argv[2]

    def progress(file, records, done, total):
        if records >= 400:  # two batches of 150 are committed, the third is open
            os.kill(os.getpid(), signal.SIGKILL)

    with Ledger.open(target) as ledger:
        ledger.import_files([path], batch_size=150, progress=progress)
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_mid_import_then_rerun(db_target: str, tmp_path: Path) -> None:
    path = tmp_path / "many.vcf"
    path.write_text(
        "".join(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i:04d}\r\nEMAIL:p{i}@example.org\r\n"
            f"ORG:Org {i % 7}\r\nEND:VCARD\r\n"
            for i in range(1000)
        )
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, db_target, str(path)],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    with Ledger.open(db_target) as ledger:
        people = ledger.count_people() - 1
        tables = ledger.export()["tables"]
        assert people == 300  # two whole batches; nothing of the third
        assert len(tables["provenance"]) == people
        assert len(tables["identities"]) == people
        report = ledger.import_files([path]).files[0]
        assert (report.created, report.unchanged) == (1000 - people, people)
        emails = [p.email for p in ledger.people()]
        assert len(emails) == len(set(emails)) == 1000
