"""A big mbox is split and its header fields read in a worker process
(:func:`dunbar.importers.worker.read_mbox_in_worker`): the same report and the same
ledger as reading it all in this process, on the fixture mboxes and, when
../shared/data is present, on the Enron mbox and the perceval archives."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from dunbar import IdentityKind, Ledger
from dunbar.importers import worker
from dunbar.importers.email_messages import LIST

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "email"
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
ME = ("rosa@example.org", "jeff.skilling@enron.com")


def _import(db: Path, path: Path, monkeypatch: pytest.MonkeyPatch, *, parallel: bool) -> Any:
    monkeypatch.setattr(worker, "PARALLEL_BYTES", 0 if parallel else 1 << 60)
    monkeypatch.setattr(worker, "MBOX_CHUNK", 3)  # many chunks, runs of list mail cut
    started: list[Path] = []
    real = worker.read_mbox_in_worker

    def counted(path: Path, *args: Any, **kwargs: Any) -> Any:
        started.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(worker, "read_mbox_in_worker", counted)
    seen: list[int] = []
    ledger = Ledger.init(db, me="Me", clock=lambda: NOW)
    try:
        ledger.edit_person("me", add={IdentityKind.EMAIL: list(ME)})
        report = ledger.import_files([path], progress=lambda f, n, done, total: seen.append(done))
        assert started == ([path] if parallel else [])
        return report, ledger.export()["tables"], seen
    finally:
        ledger.close()


def _same_both_ways(tmp_path: Path, path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    here, here_rows, _ = _import(tmp_path / "a.db", path, monkeypatch, parallel=False)
    there, there_rows, progress = _import(tmp_path / "b.db", path, monkeypatch, parallel=True)
    (a,), (b,) = here.files, there.files
    assert a.format == "mbox"
    assert dataclasses.asdict(a) == dataclasses.asdict(b)
    assert here_rows == there_rows
    assert progress == sorted(progress) and progress[-1] == path.stat().st_size
    return a


def test_the_fixture_mboxes_read_in_a_worker_give_the_same_report_and_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "all.mbox"
    parts = [p.read_bytes().rstrip(b"\r\n") + b"\n\n" for p in sorted(FIXTURES.glob("*.mbox"))]
    path.write_bytes(b"".join(parts))
    report = _same_both_ways(tmp_path, path, monkeypatch)
    # A real mix: encounters, people, rejections, warnings and list mail left out.
    assert report.encounters_added > 5 and report.created > 5
    assert report.rejected and report.filtered.get(LIST)
    assert len(report.filtered) >= 4


def test_the_enron_mbox_read_in_a_worker_gives_the_same_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_file: Any
) -> None:
    enron = shared_file("email/enron/relistan_mailtools_enron.mbox")
    perceval = sorted(enron.parents[1].glob("perceval_mbox/*.mbox"))
    path = tmp_path / "enron_perceval.mbox"
    path.write_bytes(b"".join(p.read_bytes().rstrip(b"\r\n") + b"\n\n" for p in [enron, *perceval]))
    report = _same_both_ways(tmp_path, path, monkeypatch)
    assert report.encounters_added > 0 and report.filtered.get(LIST)
