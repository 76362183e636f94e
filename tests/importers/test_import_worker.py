"""Big files are parsed and normalised in a worker process: the same report, the same
ledger as parsing in this process; its errors are reported the same way."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
from pathlib import Path
from typing import Any

import pytest

from dunbar import Ledger
from dunbar.importers import worker

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "vcard"
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def _every_fixture_card(path: Path) -> Path:
    # Every fixture file in one, twice (the second copy merges into the first).
    data = b"".join(
        p.read_bytes().rstrip(b"\r\n") + b"\r\n" for p in sorted(FIXTURES.rglob("*.vcf"))
    )
    path.write_bytes(data + data)
    return path


def _import(db: Path, path: Path, monkeypatch: pytest.MonkeyPatch, *, parallel: bool) -> Any:
    monkeypatch.setattr(worker, "PARALLEL_BYTES", 0 if parallel else 1 << 60)
    started: list[Path] = []
    real = worker.parse_in_worker

    def counted(path: Path, *args: Any, **kwargs: Any) -> Any:
        started.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(worker, "parse_in_worker", counted)
    seen: list[int] = []
    ledger = Ledger.init(db, me="Me", clock=lambda: NOW)
    try:
        report = ledger.import_files([path], progress=lambda f, n, done, total: seen.append(done))
        assert started == ([path] if parallel else [])
        return report, ledger.export()["tables"], seen
    finally:
        ledger.close()


def test_the_worker_gives_the_same_report_and_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _every_fixture_card(tmp_path / "all.vcf")
    here, here_rows, _ = _import(tmp_path / "a.db", path, monkeypatch, parallel=False)
    there, there_rows, progress = _import(tmp_path / "b.db", path, monkeypatch, parallel=True)
    (a,), (b,) = here.files, there.files
    assert a.records > 150 and a.created > 60 and a.rejected and a.warnings  # a real mix
    assert dataclasses.asdict(a) == dataclasses.asdict(b)
    assert here_rows == there_rows
    assert progress == sorted(progress) and progress[-1] == path.stat().st_size


def test_errors_in_the_worker_are_reported_as_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = gzip.compress(_every_fixture_card(tmp_path / "all.vcf").read_bytes())
    cut = tmp_path / "cut.vcf.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    here, _, _ = _import(tmp_path / "a.db", cut, monkeypatch, parallel=False)
    there, _, _ = _import(tmp_path / "b.db", cut, monkeypatch, parallel=True)
    assert there.files[0].error == here.files[0].error
    assert "damaged or cut-off file" in str(there.files[0].error)


def test_a_small_file_stays_in_this_process(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_worker(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the worker started for a small file")

    monkeypatch.setattr(worker, "parse_in_worker", no_worker)
    path = tmp_path / "one.vcf"
    path.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Silva\r\nEND:VCARD\r\n")
    assert path.stat().st_size < worker.PARALLEL_BYTES
    assert ledger.import_files([path]).total("created") == 1


def test_the_worker_stops_quietly_when_the_import_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    from dunbar.importers.plan import Planner

    def crash(self: Planner, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("stop here")

    monkeypatch.setattr(Planner, "person", crash)
    path = _every_fixture_card(tmp_path / "all.vcf")
    with pytest.raises(RuntimeError, match="stop here"):
        _import(tmp_path / "a.db", path, monkeypatch, parallel=True)
    assert "Traceback" not in capfd.readouterr().err  # nothing from the stopped worker
