"""Tar archives (``.tar``, ``.tgz``) import like the folder they hold, bounded."""

from __future__ import annotations

import gzip
import io
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dunbar import FormatError, Ledger
from dunbar.importers import textio

Rows = Callable[[Ledger], dict[str, list[dict[str, Any]]]]
Cli = Any  # tests/importers/conftest.py's `cli`
MiB = 1024 * 1024

# Two days of a `t i j` contact log (UNIX times; 20-second records).
DAY_1 = b"1247047139 11 22\n1247047159 11 22\n1247047159 22 33\n1247050000 11 22\n"
DAY_2 = b"1247133539 11 44\n1247133559 44 11\n"
CARD = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Silva\r\nEMAIL:ana@example.org\r\nEND:VCARD\r\n"


def _tar(path: Path, files: dict[str, bytes], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as tar:  # type: ignore[call-overload]
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _folder(path: Path, files: dict[str, bytes]) -> Path:
    path.mkdir()
    for name, data in files.items():
        (path / name).write_bytes(data)
    return path


DAYS = {"day_2009_07_08.txt": DAY_1, "day_2009_07_09.txt": DAY_2}


def _ties(rows: dict[str, list[dict[str, Any]]]) -> list[tuple[str, str, int]]:
    names = {p["id"]: p["name"] for p in rows["people"]}
    return sorted(
        (names[t["person_a_id"]], names[t["person_b_id"]], t["occurrences"])
        for t in rows["acquaintances"]
    )


def test_a_tgz_imports_what_its_folder_does(
    ledger: Ledger, db_target: str, tmp_path: Path, table_rows: Rows
) -> None:
    archive = _tar(tmp_path / "days.tgz", DAYS)
    report = ledger.import_files([archive])
    assert [Path(f.file).relative_to(archive).as_posix() for f in report.files] == list(DAYS)
    assert all(f.format == "encounters-csv" and f.error is None for f in report.files)
    ties = _ties(table_rows(ledger))
    # Day 1: 11-22 twice (the third record is 47 minutes later, past the 5-minute
    # gap), 22-33 once; day 2: 11-44 once (two records 20 s apart).
    assert ties == [
        ("day_2009_07_08 11", "day_2009_07_08 22", 2),
        ("day_2009_07_08 22", "day_2009_07_08 33", 1),
        ("day_2009_07_09 11", "day_2009_07_09 44", 1),
    ]
    # The same days from an extracted folder: the same people and ties, nothing new.
    before = table_rows(ledger)
    again = ledger.import_files([_folder(tmp_path / "days", DAYS)])
    assert (again.total("created"), again.total("acquaintances")) == (0, 0)
    assert _ties(table_rows(ledger)) == ties
    assert len(table_rows(ledger)["people"]) == len(before["people"])


def test_provenance_names_the_file_inside_the_archive(ledger: Ledger, tmp_path: Path) -> None:
    archive = _tar(tmp_path / "export.tar", {"contacts/all.vcf": CARD}, mode="w")
    (report,) = ledger.import_files([archive]).files
    assert report.created == 1
    (source,) = ledger.sources("ana@example.org")
    assert (source.file, source.line) == (f"{archive}/contacts/all.vcf", 1)


def test_members_that_are_not_files_or_formats_are_left_out(ledger: Ledger, tmp_path: Path) -> None:
    archive = tmp_path / "mixed.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in (
            ("cards.vcf", CARD),
            ("notes.bin", b"\x00\x01binary junk"),
            (".hidden.vcf", CARD.replace(b"Ana Silva", b"Hidden Person")),
            ("__MACOSX/._cards.vcf", b"\x00\x05\x16\x07"),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("link.vcf")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
        folder = tarfile.TarInfo("empty")
        folder.type = tarfile.DIRTYPE
        tar.addfile(folder)
    report = ledger.import_files([archive])
    # Hidden files (macOS's ._ resource forks too) are left out as in a folder; the
    # link and the folder are not regular files; the binary file is skipped, and said.
    assert [Path(f.file).name for f in report.files] == ["cards.vcf"]
    assert [Path(s.file).name for s in report.skipped] == ["notes.bin"]
    assert [p.name for p in ledger.people()] == ["Ana Silva"]


def test_a_tar_bomb_is_refused_before_its_data_are_read(
    ledger: Ledger, tmp_path: Path, table_rows: Rows, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(textio, "INFLATE_FLOOR", 8 * MiB)
    archive = tmp_path / "bomb.tgz"
    with tarfile.open(archive, "w:gz", compresslevel=9) as tar:
        info = tarfile.TarInfo("first.txt")
        info.size = len(DAY_1)
        tar.addfile(info, io.BytesIO(DAY_1))
        zeros = tarfile.TarInfo("zeros.txt")
        zeros.size = 64 * MiB
        tar.addfile(zeros, io.BytesIO(b"0" * zeros.size))
    assert archive.stat().st_size < 200_000  # 64 MiB that inflate 300-fold or more
    before = table_rows(ledger)
    with pytest.raises(FormatError, match="inflates like a decompression bomb"):
        ledger.import_files([archive])
    assert table_rows(ledger) == before


def test_too_many_members_are_refused(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(textio, "MAX_MEMBERS", 5)
    archive = _tar(tmp_path / "many.tgz", {f"d{n}.txt": DAY_2 for n in range(6)})
    with pytest.raises(FormatError, match="more than 5 files in the archive"):
        ledger.import_files([archive])
    assert textio.tar_members(_tar(tmp_path / "five.tgz", {f"d{n}.txt": DAY_2 for n in range(5)}))


def test_a_damaged_archive_is_one_clear_line(cli: Cli, tmp_path: Path) -> None:
    whole = _tar(tmp_path / "days.tgz", DAYS).read_bytes()
    # A .tar named so whose header is garbage, and a .tgz cut in half (gzip's own
    # check catches it). (A bad header further on ends the archive there, as in
    # Python's tarfile: the files before it import.)
    plain = _tar(tmp_path / "plain.tar", DAYS, mode="w").read_bytes()
    broken = tmp_path / "broken.tar"
    broken.write_bytes(b"\xff" * 512 + plain[512:])
    cut = tmp_path / "cut.tgz"
    cut.write_bytes(whole[: len(whole) // 2])
    for path in (broken, cut):
        result = cli("import", str(path))
        assert result.code == 2, (path, result.out, result.err)
        assert result.err.startswith(f"error: {path}") and result.err.count("\n") == 1
        assert "Traceback" not in result.err


def test_a_cut_gzip_file_is_reported_not_raised(ledger: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "cards.vcf.gz"
    whole = gzip.compress(CARD * 2_000)
    path.write_bytes(whole[: len(whole) // 2])
    (report,) = ledger.import_files([path]).files
    assert report.error == (
        f"{path}: damaged or cut-off file (Compressed file ended before the "
        "end-of-stream marker was reached)"
    )
    assert ledger.count_people() == 1  # me: the open batch is not written


def test_a_name_that_is_not_in_the_archive(tmp_path: Path) -> None:
    archive = _tar(tmp_path / "days.tgz", DAYS)
    with pytest.raises(FormatError, match="no such file in the archive"):
        textio.open_source(archive / "missing.txt")
    source = textio.open_source(archive / "day_2009_07_09.txt")
    try:
        assert (source.stream.read(), source.size) == (DAY_2, len(DAY_2))
    finally:
        source.close()


def test_the_cli_imports_a_tgz(cli: Cli, tmp_path: Path) -> None:
    archive = _tar(tmp_path / "days.tgz", DAYS)
    result = cli("import", str(archive), "--json")
    assert result.code == 0, result.err
    files = result.json()["files"]
    assert [f["acquaintances"] for f in files] == [2, 1]
